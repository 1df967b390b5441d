"""The audit trail: every money and state change of the marketplace (who, what, when, on what) in one list.

Its sources, read as one UNION ALL so it pages and filters in the database:
- `request`: every row of the requests' timelines (`RequestEvent`), whatever its action: the state machine,
  quotes, signatures, reviews, payments and whatever other use cases record there;
- `voucher`: the voucher ledger (grants, spends, refunds) with the amount and the balance after;
- `moderation`: moderators dismissing reports, hiding and restoring items;
- `report`: users reporting a listing, a review or a message.
The CSV export streams the rows in batches (`yield_per`), never the whole trail at once.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, Numeric, String, Text, cast, func, literal_column, null, or_, select, union_all

from app.accounts.models import User
from app.core.errors import PermissionDenied
from app.core.pagination import Page
from app.extensions import db
from app.marketplace import moderation, states
from app.marketplace.models import ModerationAction, Report, RequestEvent, ResourceRequest, VoucherEntry
from app.providers.models import Listing

KINDS = ("request", "voucher", "moderation", "report")
KIND_LABELS = {"request": _l("Request"), "voucher": _l("Voucher ledger"), "moderation": _l("Moderation"),
               "report": _l("User report")}
OTHER_ACTION_LABELS = {"grant": _l("Voucher granted"), "spend": _l("Voucher spent"), "refund": _l("Voucher refunded"),
                       "dismiss": _l("Reports dismissed"), "hide": _l("Hidden"), "restore": _l("Restored"),
                       "report": _l("Reported")}
REPORT_STATUS_LABELS = {"open": _l("Awaiting a moderator"), "dismissed": _l("Dismissed"),
                        "actioned": _l("Item hidden")}
CSV_BATCH = 500


@dataclass
class AuditEntry:
    """One row of the trail."""

    kind: str
    entry_id: int
    created_at: datetime
    actor_id: int | None
    actor_name: str | None
    actor_email: str | None
    action: str
    subject_type: str
    subject_id: int | None
    request_id: int | None
    listing_title: str | None
    amount: Decimal | None
    from_state: str | None
    to_state: str | None
    detail: str

    @property
    def action_label(self) -> str:
        if self.kind == "request":
            label = states.ACTION_LABELS.get(self.action) or states.EVENT_LABELS.get(self.action)
            return str(label).capitalize() if label else self.action
        return str(OTHER_ACTION_LABELS.get(self.action, self.action))

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def subject(self) -> str:
        return f"{self.subject_type} #{self.subject_id}" if self.subject_id is not None else self.subject_type

    @property
    def details_text(self) -> str:
        """The details as a reader wants them: a request event's data as `key: value` pairs, a report's reason by
        its label, notes as written."""
        if self.kind == "request":
            return " · ".join(f"{key}: {value}" for key, value in (self.data or {}).items())
        if self.kind == "report":
            reason, _sep, text = self.detail.partition(": ")
            label = str(moderation.REASON_LABELS.get(reason, reason))
            return f"{label}: {text}" if text else label
        return self.detail

    @property
    def data(self) -> dict | None:
        """A request event's data, parsed (None for the other kinds or unreadable text)."""
        if self.kind != "request" or not self.detail:
            return None
        try:
            value = json.loads(self.detail)
        except ValueError:
            return None
        return {k: v for k, v in value.items() if v is not None} if isinstance(value, dict) else None


def _text(value: str):
    return literal_column(f"'{value}'", String(20))  # an inline constant: typed the same in every branch


def _row(kind: str, entry_id, created_at, actor_id, action, subject_type, subject_id, request_id=None,
         amount=None, from_state=None, to_state=None, detail=None) -> list:
    """One branch's columns, typed and named alike in every branch of the union."""
    def typed(value, type_):
        return cast(null(), type_) if value is None else cast(value, type_)

    return [_text(kind).label("kind"), entry_id.label("entry_id"), created_at.label("created_at"),
            actor_id.label("actor_id"), typed(action, String(30)).label("action"),
            typed(subject_type, String(20)).label("subject_type"), subject_id.label("subject_id"),
            typed(request_id, Integer).label("request_id"), typed(amount, Numeric(12, 2)).label("amount"),
            typed(from_state, String(20)).label("from_state"), typed(to_state, String(20)).label("to_state"),
            typed(detail, Text).label("detail")]


def _branches(kinds, date_from: datetime | None, date_to: datetime | None) -> list:
    def dated(columns, created_at):
        stmt = select(*columns)
        if date_from is not None:
            stmt = stmt.where(created_at >= date_from)
        if date_to is not None:
            stmt = stmt.where(created_at < date_to)
        return stmt

    out = []
    if "request" in kinds:
        e = RequestEvent
        out.append(dated(_row("request", e.id, e.created_at, e.actor_id, e.action, _text("request"), e.request_id,
                              request_id=e.request_id, from_state=e.from_state, to_state=e.to_state, detail=e.data),
                         e.created_at))
    if "voucher" in kinds:
        v = VoucherEntry
        out.append(dated(_row("voucher", v.id, v.created_at, v.actor_id, v.kind, _text("startup"), v.startup_id,
                              request_id=v.request_id, amount=v.amount, detail=v.note), v.created_at))
    if "moderation" in kinds:
        m = ModerationAction
        out.append(dated(_row("moderation", m.id, m.created_at, m.actor_id, m.action, m.item_kind, m.item_id,
                              detail=m.note), m.created_at))
    if "report" in kinds:
        r = Report
        out.append(dated(_row("report", r.id, r.created_at, r.reporter_id, _text("report"), r.item_kind, r.item_id,
                              to_state=r.status, detail=r.reason + literal_column("': '") + r.details),
                         r.created_at))
    return out


def _like(text: str) -> str:
    return "%" + text.lower().replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


def _require_admin(actor) -> None:
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("Only incubator admins can read the audit trail."), code="admins_only")


def trail_query(*, actor, q: str | None = None, actor_filter: str | None = None, kind: list[str] | None = None,
                date_from: datetime | None = None, date_to: datetime | None = None, request_id: int | None = None):
    """The trail as one select, newest first. `actor_filter`: a user id, or part of a name or email address;
    `date_to` is exclusive; `q` searches the action, the details (event data, notes, reasons), the actor and the
    listing."""
    _require_admin(actor)
    branches = _branches([k for k in KINDS if not kind or k in kind], date_from, date_to)
    if not branches:
        branches = _branches(["request"], date_from, date_to)
        branches[0] = branches[0].where(literal_column("1") == 0)
    trail = union_all(*branches).subquery("trail")
    stmt = (select(trail, User.name.label("actor_name"), User.email.label("actor_email"),
                   Listing.title.label("listing_title"))
            .outerjoin(User, User.id == trail.c.actor_id)
            .outerjoin(ResourceRequest, ResourceRequest.id == trail.c.request_id)
            .outerjoin(Listing, Listing.id == ResourceRequest.listing_id))
    if request_id is not None:
        stmt = stmt.where(trail.c.request_id == request_id)
    if actor_filter and actor_filter.strip():
        who = actor_filter.strip()
        match = or_(func.lower(User.name).like(_like(who), escape="/"),
                    func.lower(User.email).like(_like(who), escape="/"))
        stmt = stmt.where(or_(match, trail.c.actor_id == int(who)) if who.isdigit() and len(who) < 10 else match)
    if q and q.strip():
        like = _like(q.strip())
        stmt = stmt.where(or_(*(func.lower(column).like(like, escape="/") for column in (
            trail.c.action, trail.c.detail, trail.c.subject_type, User.name, User.email, Listing.title))))
    return stmt.order_by(trail.c.created_at.desc(), trail.c.kind, trail.c.entry_id.desc())


def dated_filters(args: dict, tzname: str) -> dict:
    """The loaded query arguments as `trail_query` filters: the days `date_from`..`date_to` (both included, in the
    reader's time zone) as UTC instants, `actor` as `actor_filter`."""
    zone = ZoneInfo(tzname)
    out = {key: args.get(key) for key in ("q", "kind", "request_id")}
    out["actor_filter"] = args.get("actor")
    if args.get("date_from"):
        out["date_from"] = datetime.combine(args["date_from"], time(), zone).astimezone(timezone.utc)
    if args.get("date_to"):
        out["date_to"] = datetime.combine(args["date_to"] + timedelta(days=1), time(), zone).astimezone(timezone.utc)
    return out


def _entry(row) -> AuditEntry:
    m = row._mapping
    return AuditEntry(kind=m["kind"], entry_id=m["entry_id"], created_at=m["created_at"], actor_id=m["actor_id"],
                      actor_name=m["actor_name"], actor_email=m["actor_email"], action=m["action"],
                      subject_type=m["subject_type"], subject_id=m["subject_id"], request_id=m["request_id"],
                      listing_title=m["listing_title"], amount=m["amount"], from_state=m["from_state"],
                      to_state=m["to_state"], detail=m["detail"] or "")


def search(*, actor, page: int = 1, per_page: int = 50, **filters) -> Page:
    """One page of the trail."""
    stmt = trail_query(actor=actor, **filters)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    return Page(items=[_entry(row) for row in rows], page=page, per_page=per_page, total=total)


def csv_header() -> list[str]:
    return [str(label) for label in (
        _l("Time (UTC)"), _l("Kind"), _l("Action"), _l("Actor"), _l("Actor email"), _l("Subject"), _l("Request"),
        _l("Listing"), _l("From state"), _l("To state"), _l("Amount"), _l("Details"), _l("Entry"))]


def csv_row(entry: AuditEntry) -> list[str]:
    labels = REPORT_STATUS_LABELS if entry.kind == "report" else states.STATE_LABELS
    return [entry.created_at.isoformat(), entry.kind_label, entry.action_label, entry.actor_name or "",
            entry.actor_email or "", entry.subject, str(entry.request_id or ""), entry.listing_title or "",
            str(labels.get(entry.from_state, entry.from_state or "")),
            str(labels.get(entry.to_state, entry.to_state or "")),
            "" if entry.amount is None else str(entry.amount), entry.details_text, f"{entry.kind}:{entry.entry_id}"]


def export_csv(*, actor, **filters) -> Iterator[str]:
    """The trail as CSV text chunks: a UTF-8 byte-order mark (so spreadsheet programs read Chinese right), the
    header, then the rows a batch at a time. Checks permission before the first chunk."""
    stmt = trail_query(actor=actor, **filters)

    def chunks() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(csv_header())
        result = db.session.execute(stmt.execution_options(yield_per=CSV_BATCH))
        for batch in result.partitions():
            for row in batch:
                writer.writerow(csv_row(_entry(row)))
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue()

    return chunks()
