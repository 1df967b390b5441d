"""Where a session happens: the platform's session room, an external meeting link, a phone call, an address.

One place says it in words (booking page, session page, emails) and for calendars (the invitation's
LOCATION): `describe()` and `ics_location()`. The link, number or address of a link or phone session is
for the booking's parties only (`public_detail()` hides it from the directory).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core.errors import Invalid
from app.mentoring.models import LocationKind

LABELS = {
    LocationKind.PLATFORM: _l("Fuhua session room"),
    LocationKind.LINK: _l("Online meeting link"),
    LocationKind.PHONE: _l("Phone call"),
    LocationKind.IN_PERSON: _l("In person"),
}
KINDS = [k.value for k in LocationKind]
MAX_DETAIL = 500


def clean(kind: str | None, detail: str | None) -> tuple[str, str]:
    """Check a session type's location; returns (kind, detail) or raises Invalid with field errors."""
    kind = kind or LocationKind.PLATFORM
    detail = (detail or "").strip()
    if kind not in KINDS:
        raise Invalid(details={"location_kind": [str(_l("Choose where the session happens."))]})
    if kind == LocationKind.PLATFORM:
        return kind, ""
    if len(detail) > MAX_DETAIL:
        raise Invalid(details={"location_detail": [str(_l("Keep it to %(n)d characters.", n=MAX_DETAIL))]})
    if not detail:
        message = {LocationKind.LINK: _l("Give the meeting link."), LocationKind.PHONE: _l("Give the phone number."),
                   LocationKind.IN_PERSON: _l("Give the address.")}[kind]
        raise Invalid(details={"location_detail": [str(message)]})
    if kind == LocationKind.LINK:
        parts = urlsplit(detail)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in detail):
            raise Invalid(details={"location_detail": [str(_l("Give a link that starts with https://."))]})
    return kind, detail


def label(kind: str) -> str:
    return str(LABELS.get(kind, LABELS[LocationKind.PLATFORM]))


def describe(kind: str, detail: str) -> str:
    """"Phone call: +86 10 1234 5678", "Fuhua session room" — in the current language."""
    if not detail or kind == LocationKind.PLATFORM:
        return label(kind)
    return str(_l("%(kind)s: %(detail)s", kind=label(kind), detail=detail))


def public_detail(kind: str, detail: str) -> str:
    """What anyone may see: the address of an in-person session; links and numbers are for the parties."""
    return detail if kind == LocationKind.IN_PERSON else ""


def session_url(booking_id: int) -> str:
    return f"{current_app.config['SITE_URL'].rstrip('/')}/sessions/{booking_id}"


def meeting_link(kind: str, detail: str) -> str | None:
    return detail if kind == LocationKind.LINK and detail else None


def ics_location(kind: str, detail: str, booking_id: int) -> str:
    """The invitation's LOCATION: the meeting link, the phone number or the address; else the session room's
    page (language-neutral: one invitation may reach people reading different languages)."""
    if kind == LocationKind.PLATFORM or not detail:
        return session_url(booking_id)
    return detail
