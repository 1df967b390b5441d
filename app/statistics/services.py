"""Incubator statistics (监测评估): the admin dashboard over a date range, and a startup's own numbers.

Every figure is aggregated by the database (GROUP BY / COUNT / SUM over date-range filters on indexed
columns); Python only reshapes the few grouped rows. The range is a pair of calendar dates in the viewer's
time zone, both included, turned into the UTC half-open interval [start 00:00, day after end 00:00).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, distinct, func, literal, select

from app.accounts import organisations
from app.accounts.models import Organisation
from app.core.db import UTCDateTime, utcnow
from app.core.errors import Invalid, NotFound, PermissionDenied
from app.extensions import db
from app.marketplace.models import RequestEvent, ResourceRequest, Settlement, SettlementMethod, VoucherEntry
from app.marketplace.models import RequestState as S
from app.mentoring.models import Booking, BookingFeedback, BookingStatus
from app.providers.models import Listing
from app.roadshows.models import (
    ChatMessage,
    Interest,
    Pitch,
    Question,
    QuestionStatus,
    Registration,
    Roadshow,
    RoomVisit,
)
from app.startups.models import Stage, Startup
from app.statistics.sql import bucket_index, elapsed_seconds, median

DEFAULT_DAYS = 90
MAX_DAYS = 5 * 366
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)
WEEK_SECONDS = 7 * 24 * 3600
BOOKING_STATUSES = tuple(s.value for s in BookingStatus)
REQUEST_STATES = tuple(s.value for s in S)
SETTLEMENT_METHODS = tuple(m.value for m in SettlementMethod)
VOUCHER_KINDS = ("grant", "spend", "refund")
STAGES = tuple(s.value for s in Stage)
CENT = Decimal("0.01")


def require_admin(actor) -> None:
    """PermissionDenied unless `actor` is a signed-in admin."""
    if not (getattr(actor, "is_authenticated", False) and actor.is_admin):
        raise PermissionDenied(_l("Only incubator admins can see the statistics."), code="admins_only")


# The date range ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Calendar dates `start`..`end` (both included) in `timezone`, and the UTC instants that bound them."""

    start: date
    end: date
    timezone: str
    starts_at: datetime
    ends_at: datetime  # exclusive: midnight after `end`

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """00:00 of `day` in `zone`, as an aware UTC datetime."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(ZoneInfo("UTC"))


def resolve_period(*, start: date | None = None, end: date | None = None, tz: str | None = None,
                   today: date | None = None) -> Period:
    """The range to report on: the last 90 days by default; Invalid (422) with field errors for a bad one."""
    zone = _zone(tz)
    today = today or utcnow().astimezone(zone).date()
    end = end or (today if start is None else min(max(start, today), start + timedelta(days=DEFAULT_DAYS - 1)))
    start = start or end - timedelta(days=DEFAULT_DAYS - 1)
    errors: dict[str, list[str]] = {}
    for name, value in (("start", start), ("end", end)):
        if not EARLIEST <= value <= LATEST:
            errors[name] = [str(_l("Choose a date between %(first)s and %(last)s.",
                                   first=EARLIEST.isoformat(), last=LATEST.isoformat()))]
    if not errors and end < start:
        errors["end"] = [str(_l("The end date must not be before the start date."))]
    if not errors and (end - start).days + 1 > MAX_DAYS:
        errors["end"] = [str(_l("Choose a range of at most %(days)d days.", days=MAX_DAYS))]
    if errors:
        raise Invalid(_l("The date range is not valid."), code="invalid_range", details=errors)
    return Period(start=start, end=end, timezone=zone.key, starts_at=local_midnight(start, zone),
                  ends_at=local_midnight(end + timedelta(days=1), zone))


def _in(column, period: Period):
    return column >= period.starts_at, column < period.ends_at


def _money(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


# The dashboard -----------------------------------------------------------------------------------

@dataclass
class Dashboard:
    period: Period
    startups: dict = field(default_factory=dict)
    roadshows: dict = field(default_factory=dict)
    mentoring: dict = field(default_factory=dict)
    requests: dict = field(default_factory=dict)
    turnaround: dict = field(default_factory=dict)
    settlements: list = field(default_factory=list)
    vouchers: dict = field(default_factory=dict)


def dashboard(*, actor, period: Period, sections: tuple[str, ...] | None = None) -> Dashboard:
    """The figures of the admin statistics for `period` (admins only): every section, or only `sections`."""
    require_admin(actor)
    wanted = SECTIONS if sections is None else sections
    return Dashboard(period=period, **{name: SECTIONS[name](period) for name in wanted})


def startup_figures(period: Period) -> dict:
    """Startups by current stage, with how many of them joined in the range."""
    joined = case((and_(*_in(Organisation.created_at, period)), 1), else_=0)
    rows = db.session.execute(select(Startup.stage, func.count(Startup.id), func.sum(joined))
                              .group_by(Startup.stage)).all()
    counts = {stage: {"stage": stage, "startups": 0, "new": 0} for stage in STAGES}
    for stage, n, new in rows:
        key = stage if stage in counts else (stage or "")
        entry = counts.setdefault(key, {"stage": key, "startups": 0, "new": 0})
        entry["startups"] += n
        entry["new"] += int(new or 0)
    by_stage = list(counts.values())
    return {"total": sum(r["startups"] for r in by_stage), "new": sum(r["new"] for r in by_stage),
            "by_stage": by_stage}


def _grouped(stmt) -> dict:
    return {row[0]: row[1:] for row in db.session.execute(stmt)}


def roadshow_figures(period: Period) -> dict:
    """Per roadshow starting in the range: pitches, registrations, unique viewers (signed-in users plus
    anonymous sockets, as the organiser's report counts them), chat messages, questions, answered, interest."""
    shows = db.session.execute(select(Roadshow.id, Roadshow.title, Roadshow.starts_at, Roadshow.status)
                               .where(*_in(Roadshow.starts_at, period)).order_by(Roadshow.starts_at, Roadshow.id)).all()
    ids = [s.id for s in shows]
    if not ids:
        return {"rows": [], "totals": _roadshow_totals([])}
    pitches = _grouped(select(Pitch.roadshow_id, func.count(Pitch.id)).where(Pitch.roadshow_id.in_(ids),
                                                                           Pitch.status == "approved")
                       .group_by(Pitch.roadshow_id))
    registrations = _grouped(select(Registration.roadshow_id, func.count(Registration.id))
                             .where(Registration.roadshow_id.in_(ids), Registration.status == "approved")
                             .group_by(Registration.roadshow_id))
    anonymous_sid = case((RoomVisit.user_id.is_(None), RoomVisit.sid), else_=None)
    viewers = _grouped(select(RoomVisit.roadshow_id, func.count(distinct(RoomVisit.user_id)),
                              func.count(distinct(anonymous_sid)))
                       .where(RoomVisit.roadshow_id.in_(ids)).group_by(RoomVisit.roadshow_id))
    messages = _grouped(select(ChatMessage.roadshow_id, func.count(ChatMessage.id))
                        .where(ChatMessage.roadshow_id.in_(ids), ChatMessage.deleted.is_(False))
                        .group_by(ChatMessage.roadshow_id))
    answered = func.sum(case((Question.status == QuestionStatus.ANSWERED, 1), else_=0))
    questions = _grouped(select(Question.roadshow_id, func.count(Question.id), answered)
                         .where(Question.roadshow_id.in_(ids)).group_by(Question.roadshow_id))
    interest = _grouped(select(Pitch.roadshow_id, func.count(Interest.id)).join(Interest, Interest.pitch_id == Pitch.id)
                        .where(Pitch.roadshow_id.in_(ids)).group_by(Pitch.roadshow_id))
    rows = []
    for s in shows:
        signed_in, anonymous = viewers.get(s.id, (0, 0))
        asked, done = questions.get(s.id, (0, 0))
        rows.append({"id": s.id, "title": s.title, "starts_at": s.starts_at, "status": s.status,
                     "pitches": pitches.get(s.id, (0,))[0], "registrations": registrations.get(s.id, (0,))[0],
                     "viewers": int(signed_in or 0) + int(anonymous or 0), "messages": messages.get(s.id, (0,))[0],
                     "questions": int(asked or 0), "answered": int(done or 0),
                     "interest": interest.get(s.id, (0,))[0]})
    return {"rows": rows, "totals": _roadshow_totals(rows)}


def _roadshow_totals(rows: list[dict]) -> dict:
    keys = ("pitches", "registrations", "viewers", "messages", "questions", "answered", "interest")
    return {"roadshows": len(rows), **{k: sum(r[k] for r in rows) for k in keys}}


def week_starts(period: Period) -> tuple[datetime, list[date]]:
    """The weeks (Monday to Sunday, in the period's zone) that overlap the range: the UTC instant of the first
    Monday 00:00 and every week's Monday."""
    first = period.start - timedelta(days=period.start.weekday())
    mondays = []
    day = first
    while day <= period.end:
        mondays.append(day)
        day += timedelta(days=7)
    return local_midnight(first, _zone(period.timezone)), mondays


def mentoring_figures(period: Period) -> dict:
    """Mentor sessions starting in the range: by status, per week and status, and the founders' average rating."""
    by_status = {status: 0 for status in BOOKING_STATUSES}
    for status, n in db.session.execute(select(Booking.status, func.count(Booking.id))
                                        .where(*_in(Booking.starts_at, period)).group_by(Booking.status)):
        by_status[status] = by_status.get(status, 0) + n
    anchor, mondays = week_starts(period)
    week = bucket_index(literal(anchor, UTCDateTime()), Booking.starts_at, literal(WEEK_SECONDS))
    weeks = [{"week": monday, "counts": {status: 0 for status in BOOKING_STATUSES}, "total": 0} for monday in mondays]
    for index, status, n in db.session.execute(select(week, Booking.status, func.count(Booking.id))
                                               .where(*_in(Booking.starts_at, period)).group_by(week, Booking.status)):
        # A daylight-saving shift can move a booking at a week's edge by an hour: keep it inside the list.
        entry = weeks[min(max(int(index), 0), len(weeks) - 1)]
        entry["counts"][status] = entry["counts"].get(status, 0) + n
        entry["total"] += n
    rating, ratings = db.session.execute(
        select(func.avg(BookingFeedback.rating), func.count(BookingFeedback.id))
        .join(Booking, Booking.id == BookingFeedback.booking_id)
        .where(BookingFeedback.side == "founder", *_in(Booking.starts_at, period))).one()
    return {"booked": sum(by_status.values()), "delivered": by_status[BookingStatus.COMPLETED],
            "cancelled": by_status[BookingStatus.CANCELLED], "by_status": by_status, "weeks": weeks,
            "average_rating": round(float(rating), 2) if rating is not None else None, "ratings": ratings}


def request_figures(period: Period) -> dict:
    """Resource requests made in the range, by the listing's category and the request's current state."""
    rows = db.session.execute(select(Listing.category, ResourceRequest.state, func.count(ResourceRequest.id))
                              .join(Listing, Listing.id == ResourceRequest.listing_id)
                              .where(*_in(ResourceRequest.created_at, period))
                              .group_by(Listing.category, ResourceRequest.state)).all()
    matrix: dict[str, dict[str, int]] = defaultdict(lambda: {state: 0 for state in REQUEST_STATES})
    for category, state, n in rows:
        matrix[category][state] = matrix[category].get(state, 0) + n
    by_state = {state: sum(m.get(state, 0) for m in matrix.values()) for state in REQUEST_STATES}
    categories = [{"category": c, "total": sum(m.values()), "states": m} for c, m in sorted(matrix.items())]
    return {"total": sum(by_state.values()), "by_state": by_state, "by_category": categories}


def _first_event(action: str):
    """Per request made in the period: the time of its first `action` event (a re-quote or a re-delivery
    overwrites the request's own timestamp; the history keeps the first)."""
    return (select(RequestEvent.request_id.label("request_id"), func.min(RequestEvent.created_at).label("at"))
            .where(RequestEvent.action == action).group_by(RequestEvent.request_id))


def turnaround_figures(period: Period) -> dict:
    """Median hours from request to first quote, and from acceptance to first delivery (requests made in range)."""
    out = {}
    for key, action, since in (("quote", "quote", ResourceRequest.created_at),
                               ("deliver", "deliver", ResourceRequest.accepted_at)):
        first = _first_event(action).where(RequestEvent.request_id.in_(
            select(ResourceRequest.id).where(*_in(ResourceRequest.created_at, period)))).subquery()
        seconds = elapsed_seconds(since, first.c.at)
        value, n = median(seconds, ResourceRequest.id == first.c.request_id, since.is_not(None))
        out[key] = {"median_hours": round(value / 3600, 1) if value is not None else None, "requests": n}
    return out


def settlement_figures(period: Period) -> list[dict]:
    """Settlements recorded in the range by method: how many and their amount."""
    found = _grouped(select(Settlement.method, func.count(Settlement.id), func.sum(Settlement.amount))
                     .where(*_in(Settlement.created_at, period)).group_by(Settlement.method))
    methods = list(SETTLEMENT_METHODS) + sorted(set(found) - set(SETTLEMENT_METHODS))
    return [{"method": m, "settlements": found.get(m, (0, 0))[0], "amount": _money(found.get(m, (0, 0))[1])}
            for m in methods]


def voucher_figures(period: Period) -> dict:
    """Voucher credit granted, spent and refunded in the range (spent as a positive amount)."""
    found = _grouped(select(VoucherEntry.kind, func.count(VoucherEntry.id), func.sum(VoucherEntry.amount))
                     .where(*_in(VoucherEntry.created_at, period)).group_by(VoucherEntry.kind))
    kinds = [{"kind": k, "entries": found.get(k, (0, 0))[0], "amount": abs(_money(found.get(k, (0, 0))[1]))}
             for k in VOUCHER_KINDS]
    amounts = {k["kind"]: k["amount"] for k in kinds}
    return {"granted": amounts["grant"], "spent": amounts["spend"] - amounts["refund"], "kinds": kinds}


# A startup's own numbers -----------------------------------------------------------------------

def can_see_startup(user, startup: Organisation) -> bool:
    """The startup's members and admins."""
    return bool(getattr(user, "is_authenticated", False)) and (user.is_admin or organisations.is_member(user, startup))


def _startup(startup_id: int) -> Startup:
    startup = db.session.get(Startup, startup_id) if organisations.valid_id(startup_id) else None
    if startup is None:
        raise NotFound(_l("Startup not found."))
    return startup


def startup_statistics(*, actor, startup_id: int) -> dict:
    """A startup's mentor sessions, resource requests by state, and interest and questions per pitch
    (its members and admins; all time)."""
    startup = _startup(startup_id)
    if not can_see_startup(actor, startup):
        raise PermissionDenied(_l("Only the startup's members see its statistics."), code="not_a_member")
    by_status = {status: 0 for status in BOOKING_STATUSES}
    by_status.update(_count_by(Booking.status, Booking.startup_id == startup.id))
    requests = {state: 0 for state in REQUEST_STATES}
    requests.update(_count_by(ResourceRequest.state, ResourceRequest.startup_id == startup.id))
    return {"startup_id": startup.id,
            "sessions": {"booked": sum(by_status.values()), "delivered": by_status[BookingStatus.COMPLETED],
                         "cancelled": by_status[BookingStatus.CANCELLED],
                         "upcoming": by_status[BookingStatus.REQUESTED] + by_status[BookingStatus.CONFIRMED],
                         "by_status": by_status},
            "requests": {"total": sum(requests.values()), "by_state": requests},
            "pitches": _pitch_figures(startup.id)}


def _count_by(column, *where) -> dict:
    return {key: n for key, n in db.session.execute(select(column, func.count()).where(*where).group_by(column))}


def _pitch_figures(startup_id: int) -> list[dict]:
    interest = select(func.count(Interest.id)).where(Interest.pitch_id == Pitch.id).scalar_subquery()
    questions = select(func.count(Question.id)).where(Question.pitch_id == Pitch.id).scalar_subquery()
    rows = db.session.execute(
        select(Pitch.id, Pitch.title, Roadshow.id.label("roadshow_id"), Roadshow.title.label("roadshow_title"),
               Roadshow.starts_at, interest.label("interest"), questions.label("questions"))
        .join(Roadshow, Roadshow.id == Pitch.roadshow_id).where(Pitch.startup_id == startup_id)
        .order_by(Roadshow.starts_at.desc(), Pitch.id)).all()
    return [{"pitch_id": r.id, "title": r.title, "roadshow_id": r.roadshow_id, "roadshow_title": r.roadshow_title,
             "starts_at": r.starts_at, "interest": r.interest, "questions": r.questions} for r in rows]


SECTIONS = {"startups": startup_figures, "roadshows": roadshow_figures, "mentoring": mentoring_figures,
            "requests": request_figures, "turnaround": turnaround_figures, "settlements": settlement_figures,
            "vouchers": voucher_figures}
