"""The registry of notification kinds: how each one reads, and whether it is emailed by default.

A kind is a few translatable templates whose `%(name)s` placeholders are filled from the
notification's `data`. Adding one is a single `register(...)` call:

    register("quote_received",
             text=_l("%(provider)s sent a quote for %(listing)s."),
             subject=_l("New quote for %(listing)s"),
             important=True)

Add new kinds at the bottom of this file, so every process (web, socket, job worker) knows them.
Templates are marked with `lazy_gettext` and translated when rendered: `render_for(user, kind, data)`
renders in the recipient's language (live push, email); `render(kind, data)` in the current one
(the reader's own page or API call). A kind may also give a `prepare(data, user)` function that
turns raw data into display values; `user` is None on the reader's own request, and `format_time`
then uses the request's time zone:

    prepare=lambda data, user: {**data, "when": format_time(data.get("starts_at"), user)}

`data["org_kind"]` ("startup"/"provider") is shown as a translated label. Unknown kinds, missing
values and data that does not fit a template fall back to a generic text instead of failing.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, get_locale, get_timezone
from flask_babel import lazy_gettext as _l

from app.core.i18n import format_when

log = logging.getLogger(__name__)

Prepare = Callable[[dict, Any], dict]


@dataclass(frozen=True)
class Kind:
    """How one kind of notification reads. `text` is one line (list, badge toast, API)."""

    name: str
    text: Any  # a lazy string with %(placeholders)s
    subject: Any = None  # the email subject; defaults to `text`
    body: Any = None  # an extra email paragraph under the text
    important: bool = False  # emailed unless the caller passes email=False
    prepare: Prepare | None = None


KINDS: dict[str, Kind] = {}

GENERIC_TEXT = _l("You have a new notification.")
ORG_KIND_LABELS = {"startup": _l("startup"), "provider": _l("provider organisation")}


def register(name: str, *, text, subject=None, body=None, important: bool = False,
             prepare: Prepare | None = None) -> Kind:
    """Add a kind to the registry (at import time; other domains may register their own)."""
    kind = Kind(name=name, text=text, subject=subject, body=body, important=important, prepare=prepare)
    KINDS[name] = kind
    return kind


def get(name: str) -> Kind | None:
    return KINDS.get(name)


def is_important(name: str) -> bool:
    kind = KINDS.get(name)
    return bool(kind and kind.important)


# Display helpers ----------------------------------------------------------------------------

class _Values(dict):
    """The placeholder values: a missing key shows as an ellipsis instead of raising KeyError."""

    def __missing__(self, key):
        return "…"


def _display_values(kind: Kind | None, data: dict | None, user=None) -> _Values:
    values = dict(data or {})
    if kind is not None and kind.prepare is not None:
        values = kind.prepare(values, user)
    if "org_kind" in values:
        values["org_kind"] = str(ORG_KIND_LABELS.get(values["org_kind"], values["org_kind"]))
    return _Values({key: ("" if value is None else value) for key, value in values.items()})


def _fill(template, values: _Values) -> str:
    return str(template) % values


def format_time(value: datetime | str | None, user=None, fmt: str = "medium") -> str:
    """A UTC time (datetime or ISO string) in the user's time zone and the current language.

    For `prepare` functions: emails and live pushes are rendered outside the reader's request, so
    the time zone comes from the user; with no user (the reader's own page) from the request.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    zone = _zone_of(user)
    locale = get_locale() or current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    return format_when(value, fmt, tzinfo=zone, locale=locale)


def _zone_of(user):
    """The user's time zone; without a user, the current request's (the reader's own page)."""
    if user is None:
        return get_timezone()
    try:
        return ZoneInfo(getattr(user, "timezone", None) or current_app.config.get("DEFAULT_USER_TIMEZONE", "UTC"))
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def user_locale(user) -> str:
    """The language a user reads notifications in: their setting, else the site default."""
    languages = current_app.config.get("LANGUAGES", ["en"])
    locale = getattr(user, "locale", None)
    return locale if locale in languages else current_app.config.get("BABEL_DEFAULT_LOCALE", "en")


@dataclass(frozen=True)
class Rendered:
    text: str
    subject: str
    body: str | None


def render(kind_name: str, data: dict | None, user=None) -> Rendered:
    """The text, email subject and body of a notification, in the current language.

    Never raises: an unknown kind or data that does not fit its template give the generic text.
    """
    kind = KINDS.get(kind_name)
    try:
        values = _display_values(kind, data, user)
        if kind is None:
            text = str(GENERIC_TEXT)
            return Rendered(text=text, subject=text, body=None)
        text = _fill(kind.text, values)
        subject = _fill(kind.subject, values) if kind.subject is not None else text
        body = _fill(kind.body, values) if kind.body is not None else None
        return Rendered(text=text, subject=subject, body=body)
    except Exception:  # a bad translation or odd data must not break whoever shows the notification
        log.exception("could not render notification kind %r", kind_name)
        text = str(GENERIC_TEXT)
        return Rendered(text=text, subject=text, body=None)


def render_for(user, kind_name: str, data: dict | None) -> Rendered:
    """`render` in the recipient's language (their setting, else the site default)."""
    with force_locale(user_locale(user)):
        return render(kind_name, data, user)


# The kinds in use ---------------------------------------------------------------------------

register("welcome",
         text=_l("Welcome to Fuhua, %(name)s!"),
         body=_l("Complete your profile so startups, mentors and providers can find you."))

register("invitation_received",
         text=_l("%(inviter)s invited you to join the %(org_kind)s %(org)s."),
         subject=_l("Invitation to join %(org)s on Fuhua"),
         body=_l("Open the invitation to accept or decline it."),
         important=True)

register("invitation_accepted",
         text=_l("%(name)s accepted your invitation and joined the %(org_kind)s %(org)s."))

register("member_removed",
         text=_l("You are no longer a member of the %(org_kind)s %(org)s."),
         subject=_l("Your membership of %(org)s has ended"),
         important=True)

register("account_verified",
         text=_l("Your mentor profile is now verified."),
         subject=_l("Your Fuhua mentor profile is verified"),
         body=_l("Your profile now shows the verified badge."),
         important=True)

register("account_deactivated",
         text=_l("Your account has been deactivated by an administrator."))

register("org_verified",
         text=_l("The %(org_kind)s %(org)s is now verified."),
         subject=_l("%(org)s is verified on Fuhua"),
         body=_l("Its profile now shows the verified badge."),
         important=True)
