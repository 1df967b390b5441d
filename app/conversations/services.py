"""Conversations: open one with an interested investor, write, read, unread counts.

Rules:
- A conversation is between two people, about a pitch or about nothing in particular. There is one per pair and
  context: opening it again, from either side, returns the same one.
- Starting one: a founder (member of the pitch's startup) may start a conversation with an investor who marked
  interest in that pitch. Without a pitch, the founder may start one with anyone interested in one of their
  startup's pitches. An investor cannot start one (they answer); anyone may reopen a conversation they are in.
- Only the two participants read or write it. Admins do not: like mentor session rooms, this is private
  correspondence (moderation is by the participants reporting it, not by reading it).
- Messages are plain text (control characters removed, at most 4,000 characters), rate-limited per user.
  Each is pushed live to both participants (`conversation:message` in their user rooms) and notified to the
  other; the first message each author sends in a conversation is also emailed.
"""
from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts import organisations
from app.accounts.models import Membership, User
from app.conversations import notifications as _kinds  # noqa: F401  (registers the notification kinds)
from app.conversations.models import (
    Conversation,
    ConversationMessage,
    ConversationParticipant,
    MeetingOffer,
    MessageKind,
)
from app.core import ratelimit, uow
from app.core.db import utcnow
from app.core.errors import Invalid, NotFound, PermissionDenied
from app.core.realtime import emit_to_user
from app.core.text import clean_text
from app.extensions import db
from app.roadshows.models import Interest, Pitch
from app.roadshows.services import get_pitch

log = logging.getLogger(__name__)

MAX_MESSAGE = 4000
DEFAULT_MESSAGE_RATE = "20 per minute;300 per day"


# Lookups -------------------------------------------------------------------------------------

def get_conversation(*, user: User, conversation_id: int) -> Conversation:
    """The conversation if `user` is one of its two participants (403 for anyone else)."""
    conversation = db.session.get(Conversation, conversation_id) if organisations.valid_id(conversation_id) else None
    if conversation is None:
        raise NotFound(_l("Conversation not found."), code="conversation_not_found")
    if user is None or user.id not in conversation.user_ids:
        raise PermissionDenied(_l("Only the two people in this conversation can read it."), code="not_a_participant")
    return conversation


def other_person(conversation: Conversation, user: User) -> User | None:
    return db.session.get(User, conversation.other_id(user.id))


def _interested_pitches(*, founder: User, investor_id: int) -> Select:
    """Pitches of the founder's startups that the investor marked interest in."""
    return (select(Pitch.id).join(Interest, Interest.pitch_id == Pitch.id)
            .join(Membership, and_(Membership.organisation_id == Pitch.startup_id, Membership.user_id == founder.id))
            .where(Interest.user_id == investor_id))


def may_start(founder: User, investor_id: int, pitch: Pitch | None) -> bool:
    """True when `founder` may start a conversation with `investor_id` (about `pitch`)."""
    stmt = _interested_pitches(founder=founder, investor_id=investor_id)
    if pitch is not None:
        stmt = stmt.where(Pitch.id == pitch.id)
    return db.session.scalar(stmt.limit(1)) is not None


def _find(low: int, high: int, key: str) -> Conversation | None:
    return db.session.scalar(select(Conversation).where(
        Conversation.user_low_id == low, Conversation.user_high_id == high, Conversation.context_key == key))


def find_conversation(*, user: User, other_id: int, pitch_id: int | None) -> Conversation | None:
    """The existing conversation of `user` with `other_id` about `pitch_id` (or None)."""
    low, high = sorted((user.id, other_id))
    return _find(low, high, f"pitch:{pitch_id}" if pitch_id else "")


# Opening ---------------------------------------------------------------------------------------

def open_conversation(*, actor: User, user_id: int, pitch_id: int | None = None,
                      body: str | None = None) -> tuple[Conversation, bool]:
    """Open (or reopen) the conversation with `user_id` about `pitch_id`; optionally write the first message.

    Returns the conversation and whether it was created now.
    """
    if user_id == actor.id:
        raise Invalid(details={"user_id": [str(_l("You cannot start a conversation with yourself."))]})
    other = db.session.get(User, user_id) if organisations.valid_id(user_id) else None
    if other is None or not other.is_active:
        raise NotFound(_l("No such person."), code="user_not_found")
    pitch = get_pitch(pitch_id) if pitch_id is not None else None
    if body is not None and body.strip():
        body = clean_text(body, limit=MAX_MESSAGE)
    low, high = sorted((actor.id, other.id))
    key = f"pitch:{pitch.id}" if pitch else ""
    conversation, created = _find(low, high, key), False
    if conversation is None:
        if not may_start(actor, other.id, pitch):
            raise PermissionDenied(
                _l("Conversations start from a pitch's interest list: its founders write to the interested investors."),
                code="cannot_start")
        conversation, created = _create(actor, other, pitch, low, high, key)
    if body:
        post_message(actor=actor, conversation_id=conversation.id, body=body)
    return conversation, created


def _create(actor: User, other: User, pitch: Pitch | None, low: int, high: int, key: str):
    actor_id, other_id, pitch_id = actor.id, other.id, pitch.id if pitch else None
    with uow.unit_of_work():
        existing = _find(low, high, key)
        if existing is not None:
            return existing, False
        conversation = Conversation(user_low_id=low, user_high_id=high, context_key=key,
                                    pitch_id=pitch_id, started_by_id=actor_id)
        conversation.participants = [ConversationParticipant(user_id=actor_id),
                                     ConversationParticipant(user_id=other_id)]
        try:
            with db.session.begin_nested():
                db.session.add(conversation)
        except IntegrityError:  # both opened it at the same instant (PostgreSQL): take the one that won
            existing = _find(low, high, key)
            if existing is None:
                raise
            return existing, False
    return conversation, True


# Messages ------------------------------------------------------------------------------------

def _rate_limit(user_id: int) -> None:
    ratelimit.hit("CONVERSATION_MESSAGE_RATE", DEFAULT_MESSAGE_RATE, "conversation", "message", str(user_id))


def add_message(conversation: Conversation, *, author_id: int | None, kind: str = MessageKind.TEXT, body: str = "",
                data: dict | None = None, offer_id: int | None = None) -> ConversationMessage:
    """Add a message to the thread and bump the conversation (flushes only; the caller commits)."""
    message = ConversationMessage(conversation_id=conversation.id, author_id=author_id, kind=kind, body=body,
                                  data=dict(data or {}), offer_id=offer_id)
    db.session.add(message)
    conversation.last_message_at = utcnow()
    db.session.flush()
    return message


def post_message(*, actor: User, conversation_id: int, body: str) -> ConversationMessage:
    """A participant writes in the thread; both are pushed the message, the other is notified."""
    conversation = get_conversation(user=actor, conversation_id=conversation_id)
    text = clean_text(body, limit=MAX_MESSAGE)
    _rate_limit(actor.id)
    first = db.session.scalar(select(ConversationMessage.id).where(
        ConversationMessage.conversation_id == conversation.id, ConversationMessage.author_id == actor.id,
        ConversationMessage.kind == MessageKind.TEXT).limit(1)) is None
    conversation_id, actor_id = conversation.id, actor.id
    excerpt = text[:120] + ("…" if len(text) > 120 else "")
    with uow.unit_of_work():
        conversation = db.session.get(Conversation, conversation_id)
        message = add_message(conversation, author_id=actor_id, body=text)
        uow.after_commit(push_message, conversation, message)
        notify_safely(other_person(conversation, actor), "conversation_message",
                      {"author": actor.name, "excerpt": excerpt, "conversation_id": conversation.id},
                      url=f"/conversations/{conversation.id}", email=first)
    return message


def list_messages(*, user: User, conversation_id: int, after_id: int | None = None) -> Select:
    """The thread, oldest first (paginated by the caller); `after_id` gives only what came after that id."""
    conversation = get_conversation(user=user, conversation_id=conversation_id)
    stmt = select(ConversationMessage).where(ConversationMessage.conversation_id == conversation.id)
    if after_id:
        stmt = stmt.where(ConversationMessage.id > after_id)
    return stmt.order_by(ConversationMessage.id)


def recent_messages(conversation: Conversation, limit: int = 200) -> list[ConversationMessage]:
    rows = db.session.scalars(select(ConversationMessage).where(ConversationMessage.conversation_id == conversation.id)
                              .order_by(ConversationMessage.id.desc()).limit(limit)).all()
    return list(reversed(rows))


def offer_payload(offer: MeetingOffer) -> dict:
    return {"id": offer.id, "status": offer.effective_status(), "location": offer.location, "note": offer.note,
            "founder_id": offer.founder_id, "investor_id": offer.investor_id,
            "times": [{"starts_at": t.starts_at.isoformat(), "ends_at": t.ends_at.isoformat(),
                       "duration_minutes": t.duration_minutes} for t in offer.times]}


def message_payload(message: ConversationMessage) -> dict:
    author = message.author
    return {"id": message.id, "conversation_id": message.conversation_id, "kind": message.kind,
            "author": {"id": author.id, "name": author.name} if author else None, "body": message.body,
            "data": message.data or {}, "created_at": message.created_at.isoformat(),
            "offer": offer_payload(message.offer) if message.offer is not None else None}


def push_message(conversation: Conversation, message: ConversationMessage) -> None:
    """`conversation:message` to both participants' user rooms (every tab), with their unread totals."""
    payload = message_payload(message)
    for user_id in conversation.user_ids:
        try:
            emit_to_user(user_id, "conversation:message", {**payload, "unread_total": unread_total(user_id)})
        except Exception:  # the message is stored; it shows on the next load
            log.exception("could not push conversation message %s", message.id)


def notify_safely(user: User | None, kind: str, data: dict, *, url: str, email: bool | None = None) -> None:
    """Notify in the caller's unit of work (pushed and emailed after its commit); a failure to store the
    notification is logged and never undoes the caller's work."""
    if user is None:
        return
    from app.notifications import services as notifications
    try:
        notifications.notify(user=user, kind=kind, data=data, url=url, email=email)
    except Exception:
        log.exception("could not notify user %s (%s)", user.id, kind)


# Inbox and unread --------------------------------------------------------------------------------

def list_conversations(*, user: User, pitch_id: int | None = None, with_user_id: int | None = None) -> Select:
    """The user's conversations, latest activity first. One nobody has written in yet shows only to its starter."""
    stmt = (select(Conversation)
            .join(ConversationParticipant, ConversationParticipant.conversation_id == Conversation.id)
            .where(ConversationParticipant.user_id == user.id,
                   or_(Conversation.last_message_at.is_not(None), Conversation.started_by_id == user.id)))
    if pitch_id is not None:
        stmt = stmt.where(Conversation.pitch_id == pitch_id)
    if with_user_id is not None:
        stmt = stmt.where(or_(Conversation.user_low_id == with_user_id, Conversation.user_high_id == with_user_id))
    return stmt.order_by(func.coalesce(Conversation.last_message_at, Conversation.created_at).desc(),
                         Conversation.id.desc())


def _unread_stmt(user_id: int) -> Select:
    return (select(ConversationMessage.conversation_id, func.count(ConversationMessage.id))
            .join(ConversationParticipant, and_(ConversationParticipant.conversation_id
                                                == ConversationMessage.conversation_id,
                                                ConversationParticipant.user_id == user_id))
            .where(ConversationMessage.id > ConversationParticipant.last_read_id,
                   or_(ConversationMessage.author_id.is_(None), ConversationMessage.author_id != user_id))
            .group_by(ConversationMessage.conversation_id))


def unread_counts(user_id: int, conversation_ids: list[int]) -> dict[int, int]:
    if not conversation_ids:
        return {}
    rows = db.session.execute(_unread_stmt(user_id).where(ConversationMessage.conversation_id.in_(conversation_ids)))
    return {cid: count for cid, count in rows}


def unread_total(user_id: int) -> int:
    return sum(count for _cid, count in db.session.execute(_unread_stmt(user_id)))


def last_messages(conversation_ids: list[int]) -> dict[int, ConversationMessage]:
    if not conversation_ids:
        return {}
    latest = (select(func.max(ConversationMessage.id)).where(ConversationMessage.conversation_id.in_(conversation_ids))
              .group_by(ConversationMessage.conversation_id))
    rows = db.session.scalars(select(ConversationMessage).where(ConversationMessage.id.in_(latest)))
    return {m.conversation_id: m for m in rows}


def decorate(conversations: list[Conversation], user: User) -> list[Conversation]:
    """Attach what lists show: the other person, unread count and the last message."""
    ids = [c.id for c in conversations]
    counts, last = unread_counts(user.id, ids), last_messages(ids)
    for conversation in conversations:
        conversation.other = other_person(conversation, user)
        conversation.unread = counts.get(conversation.id, 0)
        conversation.last_message = last.get(conversation.id)
        conversation.can_offer = conversation.started_by_id == user.id
    return conversations


def mark_read(*, user: User, conversation_id: int) -> int:
    """Mark everything in the conversation read for `user`; returns the user's unread total afterwards."""
    conversation = get_conversation(user=user, conversation_id=conversation_id)
    conversation_id, user_id = conversation.id, user.id
    with uow.unit_of_work():
        latest = db.session.scalar(select(func.max(ConversationMessage.id))
                                   .where(ConversationMessage.conversation_id == conversation_id)) or 0
        changed = db.session.execute(
            update(ConversationParticipant)
            .where(ConversationParticipant.conversation_id == conversation_id,
                   ConversationParticipant.user_id == user_id, ConversationParticipant.last_read_id < latest)
            .values(last_read_id=latest).execution_options(synchronize_session=False)).rowcount
        if changed:
            uow.after_commit(_push_read, user_id, conversation_id)
    return unread_total(user_id)


def _push_read(user_id: int, conversation_id: int) -> None:
    """`conversation:read` to the user's tabs, with their unread total."""
    emit_to_user(user_id, "conversation:read", {"conversation_id": conversation_id,
                                                "unread_total": unread_total(user_id)})
