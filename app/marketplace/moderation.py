"""Reports and the moderation queue: any signed-in user reports a listing, a review or a request message (a reason
from a list and free text; one open report per user and item), and admins dismiss the reports, hide the item or
restore it. A hidden item disappears for everyone but its author (who is told) and the admins; every moderator
move is a `ModerationAction`, part of the audit trail.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.core import uow
from app.core.db import utcnow
from app.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from app.core.pagination import Page
from app.extensions import db
from app.marketplace import reviews, services
from app.marketplace.models import ModerationAction, Report, ReportStatus, RequestMessage, Review
from app.notifications.kinds import register
from app.providers import listings
from app.providers.models import Listing

log = logging.getLogger(__name__)

ITEM_KINDS = ("listing", "review", "message")
REASONS = ("spam", "offensive", "fraud", "misleading", "personal_data", "other")
ACTIONS = ("dismiss", "hide", "restore")
MAX_DETAILS = 2000
MODELS = {"listing": Listing, "review": Review, "message": RequestMessage}
REASON_LABELS = {
    "spam": _l("Spam or advertising"), "offensive": _l("Offensive or abusive"), "fraud": _l("Fraud or scam"),
    "misleading": _l("False or misleading"), "personal_data": _l("Exposes personal data"),
    "other": _l("Something else"),
}
KIND_LABELS = {"listing": _l("Listing"), "review": _l("Review"), "message": _l("Message")}
ACTION_LABELS = {"dismiss": _l("Reports dismissed"), "hide": _l("Hidden"), "restore": _l("Restored")}

ITEM_NOUNS = {"listing": _l("listing"), "review": _l("review"), "message": _l("message")}


def _item_noun(data: dict, _user) -> dict:
    return {**data, "item": str(ITEM_NOUNS.get(data.get("item"), data.get("item")))}


register("content_hidden", text=_l("A moderator hid your %(item)s: %(title)s."),
         subject=_l("Your %(item)s was hidden"), body=_l("It is no longer shown to others. Contact the incubator "
                                                         "if you think this was a mistake."), important=True,
         prepare=_item_noun)
register("content_restored", text=_l("A moderator restored your %(item)s: %(title)s."), prepare=_item_noun)


def _require_admin(actor) -> None:
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("Only incubator admins can moderate."), code="admins_only")


def _check_kind(kind: str) -> None:
    if kind not in ITEM_KINDS:
        raise NotFound(_l("Nothing of that kind can be reported."), code="unknown_kind")


def _item(kind: str, item_id: int):
    _check_kind(kind)
    item = db.session.get(MODELS[kind], item_id) if 0 < item_id < 2**31 else None
    if item is None:
        raise NotFound(_l("That item does not exist."))
    return item


def author_ids(kind: str, item) -> list[int]:
    """Who wrote the item: the listing's provider members, the review's or message's author."""
    if kind == "listing":
        return [m.user_id for m in item.provider.memberships]
    return [item.author_id] if item.author_id else []


def _can_see(user, kind: str, item) -> bool:
    """Whether `user` can see the item where it is shown (so they may report it)."""
    if kind == "listing":
        return (listings.is_requestable(item) and item.hidden_at is None) or listings.can_manage(user, item)
    req = item.request
    if kind == "message":
        return services.is_party(user, req)
    return item in reviews.visible_reviews(req, user) or (reviews.is_revealed(item) and item.hidden_at is None)


def title_of(kind: str, item) -> str:
    """A short text naming the item, in notifications and the queue."""
    if kind == "listing":
        return item.title
    text = item.comment if kind == "review" else item.body
    return (text or "").strip()[:80] or f"#{item.id}"


# Reporting ----------------------------------------------------------------------------------

def reported_item(*, actor, kind: str, item_id: int):
    """The item `actor` may report: one they can see (else 404) and did not write (else 403 `own_item`)."""
    item = _item(kind, item_id)
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied()
    if not _can_see(actor, kind, item):
        raise NotFound(_l("That item does not exist."))
    if actor.id in author_ids(kind, item):
        raise PermissionDenied(_l("You cannot report your own content."), code="own_item")
    return item


def report(*, actor, kind: str, item_id: int, reason: str, details: str = "") -> Report:
    """Report an item you can see (not your own): 409 `already_reported` while your last report of it is open."""
    reported_item(actor=actor, kind=kind, item_id=item_id)
    details = (details or "").strip()
    errors = {}
    if reason not in REASONS:
        errors["reason"] = [str(_l("Choose a reason from the list."))]
    if len(details) > MAX_DETAILS:
        errors["details"] = [str(_l("Keep it under %(n)d characters.", n=MAX_DETAILS))]
    if reason == "other" and not details:
        errors["details"] = [str(_l("Say what is wrong."))]
    if errors:
        raise Invalid(details=errors)
    duplicate = Conflict(_l("You have already reported this; a moderator will look at it."), code="already_reported")
    try:
        with uow.unit_of_work():
            if _open_report_of(actor.id, kind, item_id) is not None:
                raise duplicate
            entry = Report(item_kind=kind, item_id=item_id, reporter_id=actor.id, reason=reason, details=details)
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        raise duplicate from None
    log.info("user %s reported %s %s (%s)", actor.id, kind, item_id, reason)
    return entry


def _open_report_of(user_id: int, kind: str, item_id: int) -> Report | None:
    return db.session.scalar(select(Report).where(Report.item_kind == kind, Report.item_id == item_id,
                                                  Report.reporter_id == user_id, Report.status == ReportStatus.OPEN))


def reported_by(user, kind: str, item_ids) -> set[int]:
    """Which of these items `user` has an open report of (the pages then say "reported")."""
    ids = [i for i in item_ids if i]
    if not getattr(user, "is_authenticated", False) or not ids:
        return set()
    return set(db.session.scalars(select(Report.item_id).where(
        Report.item_kind == kind, Report.item_id.in_(ids), Report.reporter_id == user.id,
        Report.status == ReportStatus.OPEN)))


# The queue ----------------------------------------------------------------------------------

@dataclass
class QueueItem:
    """One reported or hidden item, with its open reports, as the queue shows it."""

    kind: str
    item_id: int
    item: object | None
    reports: list[Report] = field(default_factory=list)
    first_reported_at: datetime | None = None

    @property
    def hidden(self) -> bool:
        return self.item is not None and self.item.hidden_at is not None

    @property
    def hidden_at(self) -> datetime | None:
        return self.item.hidden_at if self.item is not None else None

    @property
    def title(self) -> str:
        return title_of(self.kind, self.item) if self.item is not None else ""

    @property
    def open_reports(self) -> int:
        return len(self.reports)


def queue(*, actor, state: str = "open", kind: str | None = None, page: int = 1, per_page: int = 20) -> Page:
    """Items with open reports, the most reported and oldest first (`state="open"`), or the hidden items, the
    latest hidden first (`state="hidden"`)."""
    _require_admin(actor)
    if kind is not None:
        _check_kind(kind)
    if state == "hidden":
        keys, total = _hidden_keys(kind, page, per_page)
    else:
        keys, total = _open_keys(kind, page, per_page)
    open_reports: dict[tuple[str, int], list[Report]] = {}
    if keys:
        for kind_name in {k for k, _ in keys}:
            ids = [i for k, i in keys if k == kind_name]
            for r in db.session.scalars(select(Report).where(Report.item_kind == kind_name, Report.item_id.in_(ids),
                                                             Report.status == ReportStatus.OPEN)
                                        .order_by(Report.id)):
                open_reports.setdefault((r.item_kind, r.item_id), []).append(r)
    items = []
    for kind_name, item_id in keys:
        found = open_reports.get((kind_name, item_id), [])
        items.append(QueueItem(kind=kind_name, item_id=item_id, item=db.session.get(MODELS[kind_name], item_id),
                               reports=found, first_reported_at=found[0].created_at if found else None))
    return Page(items=items, page=page, per_page=per_page, total=total)


def queue_item(*, actor, kind: str, item_id: int) -> QueueItem:
    """One item as the queue shows it, with its open reports (a refused move shows it again)."""
    _require_admin(actor)
    item = _item(kind, item_id)
    found = list(db.session.scalars(select(Report).where(Report.item_kind == kind, Report.item_id == item_id,
                                                         Report.status == ReportStatus.OPEN).order_by(Report.id)))
    return QueueItem(kind=kind, item_id=item_id, item=item, reports=found,
                     first_reported_at=found[0].created_at if found else None)


def _open_keys(kind: str | None, page: int, per_page: int) -> tuple[list[tuple[str, int]], int]:
    stmt = (select(Report.item_kind, Report.item_id, func.count(Report.id).label("n"),
                   func.min(Report.created_at).label("first"))
            .where(Report.status == ReportStatus.OPEN).group_by(Report.item_kind, Report.item_id))
    if kind:
        stmt = stmt.where(Report.item_kind == kind)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.execute(stmt.order_by(func.count(Report.id).desc(), func.min(Report.created_at),
                                            Report.item_kind, Report.item_id)
                              .limit(per_page).offset((page - 1) * per_page))
    return [(k, i) for k, i, _n, _first in rows], total


def _hidden_keys(kind: str | None, page: int, per_page: int) -> tuple[list[tuple[str, int]], int]:
    keys: list[tuple[datetime, str, int]] = []
    for kind_name in [kind] if kind else ITEM_KINDS:
        model = MODELS[kind_name]
        keys += [(at, kind_name, i) for i, at in db.session.execute(
            select(model.id, model.hidden_at).where(model.hidden_at.is_not(None)))]
    keys.sort(key=lambda k: (k[0], k[1], k[2]), reverse=True)
    start = (page - 1) * per_page
    return [(k, i) for _at, k, i in keys[start:start + per_page]], len(keys)


def open_report_count() -> int:
    """How many open reports wait (the admin navigation shows it)."""
    return db.session.scalar(select(func.count(Report.id)).where(Report.status == ReportStatus.OPEN)) or 0


# Moderator moves ----------------------------------------------------------------------------

def dismiss(*, actor, kind: str, item_id: int, note: str = "") -> ModerationAction:
    """Close the item's open reports without acting on it (409 `no_open_reports` when none is open)."""
    return _moderate(actor=actor, kind=kind, item_id=item_id, action="dismiss", note=note)


def hide(*, actor, kind: str, item_id: int, note: str = "") -> ModerationAction:
    """Hide the item from everyone but its author and admins, close its open reports and tell the author
    (409 `already_hidden`)."""
    return _moderate(actor=actor, kind=kind, item_id=item_id, action="hide", note=note)


def restore(*, actor, kind: str, item_id: int, note: str = "") -> ModerationAction:
    """Show a hidden item again and tell its author (409 `not_hidden`)."""
    return _moderate(actor=actor, kind=kind, item_id=item_id, action="restore", note=note)


def _moderate(*, actor, kind: str, item_id: int, action: str, note: str) -> ModerationAction:
    _require_admin(actor)
    _check_kind(kind)
    note = (note or "").strip()
    if len(note) > MAX_DETAILS:
        raise Invalid(details={"note": [str(_l("Keep it under %(n)d characters.", n=MAX_DETAILS))]})
    with uow.unit_of_work(lock=[(MODELS[kind], item_id)] if 0 < item_id < 2**31 else []):
        item = _item(kind, item_id)
        db.session.refresh(item)
        now = utcnow()
        if action == "hide":
            if item.hidden_at is not None:
                raise Conflict(_l("This is already hidden."), code="already_hidden")
            item.hidden_at = now
        elif action == "restore":
            if item.hidden_at is None:
                raise Conflict(_l("This is not hidden."), code="not_hidden")
            item.hidden_at = None
        closed = _close_reports(kind, item_id, actor.id, now,
                                ReportStatus.ACTIONED if action == "hide" else ReportStatus.DISMISSED)
        if action == "dismiss" and not closed:
            raise Conflict(_l("This item has no open reports."), code="no_open_reports")
        entry = ModerationAction(item_kind=kind, item_id=item_id, action=action, actor_id=actor.id, note=note,
                                 reports_closed=closed)
        db.session.add(entry)
        db.session.flush()
        if kind == "review" and action != "dismiss":
            reviews.recount_listing(item.listing_id)
        if action != "dismiss":
            _tell_authors(kind, item, action)
    log.info("admin %s: %s %s %s (%d reports closed)", actor.id, action, kind, item_id, closed)
    return entry


def _close_reports(kind: str, item_id: int, actor_id: int, now: datetime, status: str) -> int:
    result = db.session.execute(
        update(Report).where(Report.item_kind == kind, Report.item_id == item_id, Report.status == ReportStatus.OPEN)
        .values(status=status, resolved_at=now, resolved_by_id=actor_id).execution_options(synchronize_session=False))
    return result.rowcount or 0


def item_url(kind: str, item) -> str:
    """Where the item is shown."""
    if kind == "listing":
        return f"/resources/{item.id}"
    if kind == "review":
        return f"/requests/{item.request_id}#review-{item.id}"
    return f"/requests/{item.request_id}#message-{item.id}"


def _tell_authors(kind: str, item, action: str) -> None:
    from app.notifications import services as notifications
    data = {"item": kind, "title": title_of(kind, item)}
    for user_id in author_ids(kind, item):
        user = db.session.get(User, user_id)
        if user is not None and user.is_active_account:
            notifications.notify(user=user, kind="content_hidden" if action == "hide" else "content_restored",
                                 data=data, url=item_url(kind, item))
