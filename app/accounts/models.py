"""Users, personal API tokens, and organisations (startups, providers) with their members."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash

from app.core.db import UTCDateTime, created_at, intpk, str200
from app.extensions import db


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def initials_of(name: str | None) -> str:
    """Avatar initials: the first two CJK characters of a Chinese name ("林伟 Lin Wei" → 林伟),
    else the first letters of the first two words ("Ada Lovelace" → AL)."""
    words = (name or "").split()
    if not words:
        return "?"
    cjk = [ch for ch in words[0] if _is_cjk(ch)]
    if cjk:
        return "".join(cjk[:2])
    if len(words) >= 2:
        return (words[0][0] + words[1][0]).upper()
    return words[0][:2].upper()


class Role(StrEnum):
    FOUNDER = "founder"
    MENTOR = "mentor"
    PROVIDER = "provider"
    INVESTOR = "investor"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    is_active_account: Mapped[bool] = mapped_column("is_active", Boolean, default=True, server_default=true())
    is_verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    locale: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai", server_default="Asia/Shanghai")
    created_at: Mapped[created_at]
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="Membership.user_id")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at sign-in
        return self.is_active_account

    def set_password(self, password: str) -> None:
        from app.accounts.passwords import hash_password
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def initials(self) -> str:
        return initials_of(self.name)

    @property
    def organisations(self) -> list[Organisation]:
        return [m.organisation for m in self.memberships]


class UserSession(db.Model):
    """One signed-in browser or client. The cookie carries a random secret; only its SHA-256 is stored.

    Signing out, a password change or a deactivation sets `revoked_at`, after which the cookie (and any
    copy of it) no longer signs anyone in. A remember-me token, also stored hashed, belongs to one session
    and is replaced each time it is used.
    """

    __tablename__ = "user_sessions"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(300), default="", server_default="")
    ip_address: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[created_at]
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"


class PasswordReset(db.Model):
    """An emailed "set a new password" link. Only the SHA-256 of its token is stored; it works once and expires.

    Using it (or asking for a newer one, or any successful reset) sets `used_at`, after which it opens nothing.
    """

    __tablename__ = "password_resets"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<PasswordReset {self.id} user={self.user_id}>"


class ApiToken(db.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[created_at]
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}… user={self.user_id}>"


class OrgKind(StrEnum):
    STARTUP = "startup"
    PROVIDER = "provider"


class Organisation(db.Model):
    """A startup or a provider organisation (single-table inheritance on `kind`)."""

    __tablename__ = "organisations"

    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str200]
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    city: Mapped[str | None] = mapped_column(String(100))
    website: Mapped[str | None] = mapped_column(String(300))
    logo_url: Mapped[str | None] = mapped_column(String(300))
    is_verified: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[created_at]
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)  # any organisation may carry tags
    # A startup's own fields are in its own table (`app.startups.models.Startup`); a provider has none.

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation", cascade="all, delete-orphan")
    invitations: Mapped[list[Invitation]] = relationship(back_populates="organisation", cascade="all, delete-orphan")

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_abstract": True}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id} {self.name!r}>"

    @property
    def owner(self) -> User | None:
        return next((m.user for m in self.memberships if m.role == MemberRole.OWNER), None)

    def member_role(self, user) -> str | None:
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return next((m.role for m in self.memberships if m.user_id == user.id), None)


class MemberRole(StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default=MemberRole.MEMBER)
    created_at: Mapped[created_at]

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<Membership org={self.organisation_id} user={self.user_id} {self.role}>"


class Invitation(db.Model):
    """An invitation to join an organisation, accepted through a link carrying a secret token."""

    __tablename__ = "invitations"

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship(back_populates="invitations")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    def __repr__(self) -> str:
        return f"<Invitation {self.id} org={self.organisation_id} {self.email}>"
