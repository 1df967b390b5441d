"""Resource request use cases: submit, negotiate (quote, counter), accept (capacity, vouchers, agreement),
deliver, complete (settlement), review, the negotiation thread, and the scheduled moves.

Every move goes through `states.resolve` (the one state table) and a conditional UPDATE of the
request's state (`WHERE state = :seen`), so two moves made at once cannot both succeed. Each write use
case is one unit of work (`app.core.uow`): its notifications are stored with it, and they and the room's
push go out after its commit.
"""
import logging
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from app.accounts import organisations
from app.accounts.models import Membership, OrgKind
from app.core import ratelimit, uow
from app.core.db import utcnow
from app.core.errors import AppError, Conflict, Invalid, NotFound, PermissionDenied
from app.core.i18n import format_when
from app.core.pagination import Page, paginate
from app.core.realtime import emit_to_room
from app.extensions import db
from app.marketplace import agreement_text, quotes, settlement, states
from app.marketplace import notifications as marketplace_notifications  # noqa: F401  (registers the notification kinds)
from app.marketplace.models import (
    Dispute,
    DisputeState,
    Quote,
    RequestAttachment,
    RequestEvent,
    RequestMessage,
    ResourceRequest,
)
from app.marketplace.models import RequestState as S
from app.marketplace.states import Action, Party
from app.providers import slots
from app.providers.listings import is_requestable, live_provider, unit_total
from app.providers.models import Listing, PricingModel
from app.startups.models import Startup

log = logging.getLogger(__name__)

AUTO_ACCEPT_AFTER = timedelta(days=14)
EXPIRE_AFTER = timedelta(days=30)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_MESSAGE = 5
REQUEST_FILES_QUOTA = 50  # files in one request's thread, all messages together
REQUEST_BYTES_QUOTA = 100 * 1024 * 1024
DEFAULT_MESSAGE_RATE = "20 per minute;300 per day"  # NEGOTIATION_MESSAGE_RATE: messages per user in threads
ALLOWED_ATTACHMENT_TYPES = {
    "application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "text/plain": ".txt", "text/csv": ".csv",
    "application/zip": ".zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
STATE_TIMESTAMPS = {S.QUOTED: "quoted_at", S.COUNTERED: "countered_at", S.ACCEPTED: "accepted_at",
                    S.IN_PROGRESS: "started_at", S.DELIVERED: "delivered_at", S.COMPLETED: "completed_at",
                    S.DECLINED: "closed_at", S.CANCELLED: "closed_at", S.EXPIRED: "closed_at"}
CENT = Decimal("0.01")


def request_room(request_id: int) -> str:
    return f"request:{request_id}"


# Parties and lookups ------------------------------------------------------------------------

def parties_of(user, req: ResourceRequest) -> list[str]:
    """Which sides `user` is on: startup (a member of the requesting startup), provider (of the listing's org)."""
    if not getattr(user, "is_authenticated", False):
        return []
    out = []
    if organisations.is_member(user, req.startup):
        out.append(Party.STARTUP)
    if organisations.is_member(user, req.provider):
        out.append(Party.PROVIDER)
    return out


def is_party(user, req: ResourceRequest) -> bool:
    return bool(parties_of(user, req))


def get_request(request_id: int, *, viewer) -> ResourceRequest:
    """A request, for its two parties and admins; 404 for anyone else."""
    req = db.session.get(ResourceRequest, request_id) if organisations.valid_id(request_id) else None
    if req is None or not (is_party(viewer, req) or getattr(viewer, "is_admin", False)):
        raise NotFound(_l("Request not found."))
    return req


def _party_for(user, req: ResourceRequest, action: str) -> str:
    sides = parties_of(user, req)
    if not sides:
        raise PermissionDenied(_l("Only the startup and the provider of this request can do that."),
                               code="not_a_party")
    allowed = states.allowed_parties(req.state, action)
    return next((side for side in sides if side in allowed), sides[0])


def list_requests(*, actor, side: str | None = None, state: str | None = None, listing_id: int | None = None,
                  page: int = 1, per_page: int = 20) -> Page:
    """The requests `actor` is a party to (as startup, as provider, or both), newest first."""
    org_ids = select(Membership.organisation_id).where(Membership.user_id == actor.id)
    conditions = []
    if side in (None, Party.STARTUP):
        conditions.append(ResourceRequest.startup_id.in_(org_ids))
    if side in (None, Party.PROVIDER):
        conditions.append(ResourceRequest.provider_id.in_(org_ids))
    stmt = (select(ResourceRequest).where(or_(*conditions))
            .options(selectinload(ResourceRequest.listing), selectinload(ResourceRequest.startup))
            .order_by(ResourceRequest.id.desc()))
    if state:
        stmt = stmt.where(ResourceRequest.state == state)
    if listing_id:
        stmt = stmt.where(ResourceRequest.listing_id == listing_id)
    return paginate(stmt, page=page, per_page=per_page)


OPEN_STATES = (S.SUBMITTED, S.QUOTED, S.COUNTERED, S.ACCEPTED, S.IN_PROGRESS, S.DELIVERED, S.CHANGES_REQUESTED)


def flagged_requests(*, actor, page: int = 1, per_page: int = 20) -> Page:
    """For admins: open requests whose provider is no longer shown (no active member left, or unverified under
    the "verified" policy), so nobody may answer them; oldest first."""
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("Only admins see flagged requests."), code="admin_only")
    stmt = (select(ResourceRequest)
            .where(ResourceRequest.state.in_(OPEN_STATES), ~live_provider(ResourceRequest.provider_id))
            .options(selectinload(ResourceRequest.listing), selectinload(ResourceRequest.startup),
                     selectinload(ResourceRequest.provider))
            .order_by(ResourceRequest.id))
    return paginate(stmt, page=page, per_page=per_page)


# Submitting ---------------------------------------------------------------------------------

def _startup_for(founder, startup_id: int | None) -> Startup:
    mine = organisations.organisations_for(founder, OrgKind.STARTUP)
    if startup_id is not None:
        startup = next((s for s in mine if s.id == startup_id), None)
        if startup is None:
            raise PermissionDenied(_l("You can only request resources for a startup you belong to."),
                                   code="not_a_member")
        return startup
    if not mine:
        raise PermissionDenied(_l("Create or join a startup before requesting resources."), code="no_startup")
    if len(mine) > 1:
        raise Invalid(details={"startup_id": [str(_l("You belong to several startups: choose one."))]})
    return mine[0]


def create_request(*, founder, listing_id: int, quantity: int | None = None, message: str = "",
                   needed_by: date | None = None, startup_id: int | None = None,
                   slot_id: int | None = None) -> ResourceRequest:
    """A founder asks for a published listing on behalf of their startup: a quantity of units, or for a calendar
    listing one free slot (`slot_id`; the quantity is then 1)."""
    listing = db.session.get(Listing, listing_id) if organisations.valid_id(listing_id) else None
    if listing is None or not is_requestable(listing):
        raise NotFound(_l("Listing not found."))
    startup = _startup_for(founder, startup_id)
    if listing.uses_calendar:
        quantity = 1
    elif quantity is None or quantity < 1:
        raise Invalid(details={"quantity": [str(_l("Ask for at least one unit."))]})
    if listing.is_sold_out:
        raise Conflict(_l("This resource is sold out: nothing is available right now."), code="sold_out",
                       details={"capacity": 0})
    slot = slots.bookable_slot(listing, slot_id) if listing.uses_calendar else None
    if slot is None and quantity > listing.capacity:
        raise Conflict(_l("Only %(n)s units are available.", n=listing.capacity), code="insufficient_capacity",
                       details={"capacity": listing.capacity})
    if needed_by is not None and needed_by < utcnow().date():
        raise Invalid(details={"needed_by": [str(_l("Choose a date that is not in the past."))]})
    total = unit_total(listing, quantity)
    values = {"listing_id": listing.id, "provider_id": listing.provider_id, "startup_id": startup.id,
              "requested_by_id": founder.id, "quantity": quantity, "message": (message or "").strip(),
              "needed_by": needed_by, "state": S.SUBMITTED, "pricing_model": listing.pricing_model,
              "slot_id": slot.id if slot else None}
    founder_id = founder.id
    with uow.unit_of_work():
        req = ResourceRequest(**values)
        db.session.add(req)
        db.session.flush()
        _event(req, founder_id, "submit", None, S.SUBMITTED,
               {"quantity": quantity, "list_total": str(total) if total is not None else None,
                **({"slot_id": slot.id, "slot_starts_at": slot.starts_at.isoformat()} if slot else {})})
        _after_move(req, founder, "request_submitted", to_side=Party.PROVIDER)
    return req


# Moves --------------------------------------------------------------------------------------

def _event(req: ResourceRequest, actor_id: int | None, action: str, from_state: str | None, to_state: str,
           data: dict | None = None) -> RequestEvent:
    event = RequestEvent(request_id=req.id, actor_id=actor_id, action=action, from_state=from_state,
                         to_state=to_state, data=data or {})
    db.session.add(event)
    return event


def _transition(request_id: int, from_state: str, to_state: str, **values) -> ResourceRequest:
    """The conditional state UPDATE; Conflict if the request moved meanwhile. Flushes only."""
    now = utcnow()
    changes = {"state": to_state, "updated_at": now, **values}
    if to_state in STATE_TIMESTAMPS:
        changes[STATE_TIMESTAMPS[to_state]] = now
    result = db.session.execute(update(ResourceRequest)
                                .where(ResourceRequest.id == request_id, ResourceRequest.state == from_state)
                                .values(**changes).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_l("The request changed in the meantime. Reload it and try again."), code="state_changed")
    return db.session.execute(select(ResourceRequest).where(ResourceRequest.id == request_id)
                              .execution_options(populate_existing=True)).scalar_one()


OTHER_SIDE = "other"


def _move(*, actor, request_id: int, action: str, kind: str, to_side: str | None, party: str | None = None,
          data: dict | None = None, values: dict | None = None, before=None, after=None
          ) -> tuple[ResourceRequest, str]:
    """Resolve and apply one move in one unit of work: check the party and state, transition, record the event,
    tell `to_side` (`OTHER_SIDE`: the mover's counterpart; None: both) with a `kind` notification; commits.

    `before(req, actor_id)` runs after the transition and before the move's event (reservations, agreement...);
    `after(req, actor_id)` after the event, so the money events it records follow the move in the timeline.
    """
    if party == Party.SYSTEM:
        req = db.session.get(ResourceRequest, request_id)
        if req is None:
            raise NotFound(_l("Request not found."))
    else:
        req = get_request(request_id, viewer=actor)
        party = _party_for(actor, req, action)
    from_state = req.state
    to_state = states.resolve(from_state, action, party)
    actor_id = actor.id if actor is not None else None
    with uow.unit_of_work():
        req = _transition(request_id, from_state, to_state, **(values or {}))
        if before is not None:
            before(req, actor_id)
        _event(req, actor_id, action, from_state, to_state, data)
        if after is not None:
            db.session.flush()
            after(req, actor_id)
        _after_move(req, actor, kind, to_side=_other(party) if to_side == OTHER_SIDE else to_side)
    return req, party


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except Exception as error:
        raise Invalid(details={field: [str(_l("Enter an amount."))]}) from error
    if amount < 0 or amount >= Decimal("10000000000"):
        raise Invalid(details={field: [str(_l("Enter an amount between 0 and 9,999,999,999.99."))]})
    return amount


def _offer(req: ResourceRequest, price, equity_percent) -> tuple[Decimal, Decimal | None]:
    """Check a quote or counter-offer against the request's pricing model."""
    if price is None:
        raise Invalid(details={"price": [str(_l("Give the total price (0 for an equity-only offer)."))]})
    price = _money(price, "price")
    if req.pricing_model == PricingModel.EQUITY:
        if equity_percent is None:
            raise Invalid(details={"equity_percent": [str(_l("An equity offer needs the proposed percentage."))]})
        equity = Decimal(str(equity_percent)).quantize(CENT)
        if not Decimal("0") < equity <= Decimal("100"):
            raise Invalid(details={"equity_percent": [str(_l("Give a percentage above 0 and at most 100."))]})
        return price, equity
    if equity_percent is not None:
        raise Invalid(details={"equity_percent": [str(_l("Only services-for-equity listings take an equity share."))]})
    return price, None


def quote(*, actor, request_id: int, price=None, note: str | None = None, equity_percent=None,
          lines: list[dict] | None = None, **document) -> ResourceRequest:
    """The provider quotes (or re-quotes) as a document: line items, currency, tax and fapiao, validity, payment
    terms and milestones (`quotes.build_quote`). A bare `price` is one line item. Each quote is a new version."""
    req = get_request(request_id, viewer=actor)
    draft = quotes.build_quote(req, author_id=actor.id, version=0, lines=lines, price=price, note=note,
                               equity_percent=equity_percent, **document)
    data = {"price": str(draft.total), "currency": draft.currency, "note": draft.note,
            "equity_percent": str(draft.equity_percent) if draft.equity_percent is not None else None}

    def file_version(req: ResourceRequest, actor_id: int | None) -> None:
        # after the state UPDATE, which serialises quotes of one request (row lock; SQLite's write lock)
        draft.version = (db.session.scalar(select(func.max(Quote.version)).where(Quote.request_id == req.id))
                         or 0) + 1
        db.session.add(draft)
        db.session.flush()
        data.update(quote_id=draft.id, version=draft.version)

    req, _party = _move(actor=actor, request_id=request_id, action=Action.QUOTE, before=file_version,
                        kind="request_quoted", to_side=Party.STARTUP, data=data,
                        values={"quoted_price": draft.total, "quote_note": draft.note,
                                "equity_percent": draft.equity_percent})
    return req


def counter(*, actor, request_id: int, price, note: str | None = None, equity_percent=None) -> ResourceRequest:
    """The startup answers a quote with a counter-offer; the provider may re-quote or decline."""
    req = get_request(request_id, viewer=actor)
    price, equity = _offer(req, price, equity_percent)
    note = (note or "").strip() or None
    req, _party = _move(actor=actor, request_id=request_id, action=Action.COUNTER,
                        kind="request_countered", to_side=Party.PROVIDER,
                        values={"counter_price": price, "counter_note": note, "counter_equity_percent": equity},
                        data={"price": str(price), "note": note, "equity_percent": str(equity) if equity else None})
    return req


def _reserve(req: ResourceRequest, actor_id: int | None) -> None:
    """Take the request's slot, or the quantity from the listing's capacity, atomically; draw up the agreement
    (unsigned)."""
    if req.slot_id is not None:
        slots.take_slot(slot_id=req.slot_id, request_id=req.id)
    else:
        result = db.session.execute(
            update(Listing).where(Listing.id == req.listing_id, Listing.capacity >= req.quantity)
            .values(capacity=Listing.capacity - req.quantity).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise Conflict(_l("Not enough capacity is left on this listing to accept the request."),
                           code="insufficient_capacity")
    req.capacity_reserved = True
    agreement_text.draw_up(req, db.session.get(Quote, current_quote_id(req.id)))


def _open_money(req: ResourceRequest, actor_id: int | None) -> None:
    """After an accept: hold voucher credit, or open the payments due per milestone (`settlement`)."""
    db.session.refresh(req)
    settlement.hold_vouchers(req, actor_id)
    settlement.open_payments(req, settlement.accepted_quote(req), actor_id)


def _release(req: ResourceRequest, actor_id: int | None) -> None:
    """Give back the reserved slot or capacity, release held vouchers and cancel payments still due (cancelling)."""
    if req.capacity_reserved and req.slot_id is not None:
        slots.release_slot(request_id=req.id)
        req.capacity_reserved = False
    elif req.capacity_reserved:
        db.session.execute(update(Listing).where(Listing.id == req.listing_id)
                           .values(capacity=Listing.capacity + req.quantity)
                           .execution_options(synchronize_session=False))
        req.capacity_reserved = False
    settlement.release(req, actor_id)


def current_quote_id(request_id: int) -> int | None:
    """The id of the request's current quote (its latest version), read inside the accepting transaction."""
    return db.session.scalar(select(func.max(Quote.id)).where(Quote.request_id == request_id))


def accept(*, actor, request_id: int, quote_id: int) -> ResourceRequest:
    """The startup accepts the quote it saw (`quote_id`): capacity is reserved, voucher credit held (or the cash
    payments per milestone opened), and the agreement is drawn up for both parties to sign. A re-quote since then
    is a Conflict (`quote_changed`), and so is a quote past its validity date (`quote_expired`); nothing is
    charged."""
    def reserve(req: ResourceRequest, actor_id: int | None) -> None:
        # after the conditional state UPDATE (PostgreSQL: the row is locked; SQLite: the write lock is held), so a
        # re-quote either committed before this read or cannot commit until this unit has ended
        current = current_quote_id(req.id)
        if current != quote_id:
            raise Conflict(_l("The provider changed the quote since you saw it. Read the new quote, then accept it "
                              "if it suits you."), code="quote_changed", details={"quote_id": current})
        seen = db.session.get(Quote, current)
        if quotes.is_expired(seen):
            raise Conflict(_l("This quote was valid until %(date)s. Ask the provider for a new quote.",
                              date=format_when(seen.valid_until, "medium")), code="quote_expired",
                           details={"quote_id": current, "valid_until": seen.valid_until.isoformat()})
        _reserve(req, actor_id)

    req, _party = _move(actor=actor, request_id=request_id, action=Action.ACCEPT, before=reserve, after=_open_money,
                        kind="request_accepted", to_side=Party.PROVIDER, data={"quote_id": quote_id})
    return req


def decline(*, actor, request_id: int, note: str | None = None) -> ResourceRequest:
    """The provider declines a request or counter-offer, or the startup declines a quote."""
    req, _party = _move(actor=actor, request_id=request_id, action=Action.DECLINE, data={"note": note},
                        kind="request_declined", to_side=OTHER_SIDE)
    return req


def cancel(*, actor, request_id: int, note: str | None = None) -> ResourceRequest:
    """Either party cancels before delivery; reserved capacity and held voucher credit come back, payments still
    due are cancelled."""
    req, _party = _move(actor=actor, request_id=request_id, action=Action.CANCEL, data={"note": note},
                        after=_release, kind="request_cancelled", to_side=OTHER_SIDE)
    return req


def _require_signatures(req: ResourceRequest, actor_id: int | None) -> None:
    agreement = req.agreement
    if not (agreement and agreement.startup_accepted_at and agreement.provider_accepted_at):
        raise Conflict(_l("The work starts once both parties have signed the agreement."),
                       code="agreement_unsigned",
                       details={"startup_signed": bool(agreement and agreement.startup_accepted_at),
                                "provider_signed": bool(agreement and agreement.provider_accepted_at)})


def start(*, actor, request_id: int) -> ResourceRequest:
    """The provider starts the work, once both parties have signed the agreement (409 `agreement_unsigned`)."""
    req, _party = _move(actor=actor, request_id=request_id, action=Action.START, before=_require_signatures,
                        kind="request_started", to_side=Party.STARTUP)
    return req


def deliver(*, actor, request_id: int, note: str | None = None) -> ResourceRequest:
    """The provider delivers (or re-delivers after a request for changes)."""
    req, _party = _move(actor=actor, request_id=request_id, action=Action.DELIVER, data={"note": note},
                        kind="request_delivered", to_side=Party.STARTUP)
    return req


def request_changes(*, actor, request_id: int, note: str | None = None) -> ResourceRequest:
    """The startup asks for changes to a delivery; the provider re-delivers."""
    if not (note or "").strip():
        raise Invalid(details={"note": [str(_l("Say what should change."))]})
    req, _party = _move(actor=actor, request_id=request_id, action=Action.REQUEST_CHANGES,
                        data={"note": note.strip()}, kind="request_changes_requested", to_side=Party.PROVIDER)
    return req


def _settle(req: ResourceRequest, actor_id: int | None) -> None:
    db.session.refresh(req)
    settlement.settle(req, actor_id)


def complete(*, actor, request_id: int) -> ResourceRequest:
    """The startup accepts the delivery: the request is completed and settled (vouchers spent from the hold, the
    equity share in the startup's equity ledger, cash paid once every milestone payment is confirmed)."""
    req, _party = _move(actor=actor, request_id=request_id, action=Action.COMPLETE, after=_settle,
                        kind="request_completed", to_side=Party.PROVIDER)
    return req


def _request_lock(request_id: int) -> list[tuple[type, int]]:
    """The unit-of-work lock that serialises one request's one-off writes (review, payment mark, signature):
    PostgreSQL row-locks the request, so a second writer waits and then finds the first one's row."""
    return [(ResourceRequest, request_id)] if organisations.valid_id(request_id) else []


def request_lock(request_id: int) -> list[tuple[type, int]]:
    """The lock of a request's one-off writes (for the signing and review use cases)."""
    return _request_lock(request_id)


def record_event(req: ResourceRequest, actor_id: int | None, action: str, from_state: str | None, to_state: str,
                 data: dict | None = None) -> RequestEvent:
    """A timeline event, inside the caller's unit of work."""
    return _event(req, actor_id, action, from_state, to_state, data)


def notify_side(req: ResourceRequest, side: str | None, kind: str, data: dict, *, exclude=None) -> None:
    """Notify one side's members (None: both), inside the caller's unit of work."""
    _notify_side(req, side, kind, data, exclude=exclude)


def push_update(req: ResourceRequest) -> None:
    """After the commit, tell the request's room that it changed."""
    uow.after_commit(emit_to_room, request_room(req.id), "request:update", {"id": req.id, "state": req.state})


def state_label(state: str) -> str:
    return str(states.STATE_LABELS.get(state, state))


def _other(party: str) -> str:
    return Party.PROVIDER if party == Party.STARTUP else Party.STARTUP


# Scheduled moves ----------------------------------------------------------------------------

def auto_accept_deliveries(*, now: datetime | None = None) -> int:
    """Complete deliveries left unanswered for 14 days (not those under an open dispute: the admin's resolution
    decides them). Returns how many were completed."""
    cutoff = (now or utcnow()) - AUTO_ACCEPT_AFTER
    disputed = select(Dispute.id).where(Dispute.request_id == ResourceRequest.id, Dispute.state == DisputeState.OPEN)
    ids = list(db.session.scalars(select(ResourceRequest.id).where(ResourceRequest.state == S.DELIVERED,
                                                                     ResourceRequest.delivered_at <= cutoff,
                                                                     ~disputed.exists())))
    done = 0
    for request_id in ids:
        try:
            _move(actor=None, request_id=request_id, action=Action.COMPLETE, party=Party.SYSTEM,
                  data={"auto": True}, after=_settle, kind="request_completed", to_side=None)
        except Conflict:
            continue
        done += 1
    return done


def expire_stale(*, now: datetime | None = None) -> int:
    """Expire negotiations unanswered for 30 days or past their needed-by date."""
    now = now or utcnow()
    stmt = select(ResourceRequest.id).where(
        ResourceRequest.state.in_([S.SUBMITTED, S.QUOTED, S.COUNTERED]),
        or_(func.coalesce(ResourceRequest.updated_at, ResourceRequest.created_at) <= now - EXPIRE_AFTER,
            ResourceRequest.needed_by < now.date()))
    done = 0
    for request_id in list(db.session.scalars(stmt)):
        try:
            _move(actor=None, request_id=request_id, action=Action.EXPIRE, party=Party.SYSTEM,
                  kind="request_expired", to_side=None)
        except Conflict:
            continue
        done += 1
    return done


# Negotiation thread -------------------------------------------------------------------------

def list_messages(*, actor, request_id: int, after_id: int | None = None) -> list[RequestMessage]:
    req = get_request(request_id, viewer=actor)
    if not is_party(actor, req) and not getattr(actor, "is_admin", False):
        raise NotFound(_l("Request not found."))
    stmt = (select(RequestMessage).where(RequestMessage.request_id == req.id)
            .options(selectinload(RequestMessage.attachments), selectinload(RequestMessage.author))
            .order_by(RequestMessage.id))
    if not getattr(actor, "is_admin", False):  # a message a moderator hid shows only to its author (and admins)
        stmt = stmt.where(or_(RequestMessage.hidden_at.is_(None), RequestMessage.author_id == actor.id))
    if after_id:
        stmt = stmt.where(RequestMessage.id > after_id)
    return list(db.session.scalars(stmt))


def post_message(*, actor, request_id: int, body: str, attachments: list[tuple[str, str, bytes]] | None = None
                 ) -> RequestMessage:
    """A party writes in the thread (optionally with files); the other side is told."""
    req = get_request(request_id, viewer=actor)
    sides = parties_of(actor, req)
    if not sides:
        raise PermissionDenied(_l("Only the two parties can write in this thread."), code="not_a_party")
    body = (body or "").strip()
    files = attachments or []
    if not body and not files:
        raise Invalid(details={"body": [str(_l("Write a message or attach a file."))]})
    if len(body) > 10000:
        raise Invalid(details={"body": [str(_l("Keep a message under 10,000 characters."))]})
    for filename, content_type, content in files:
        _check_attachment(filename, content_type, content)
    _check_quota(req.id, files)
    ratelimit.hit("NEGOTIATION_MESSAGE_RATE", DEFAULT_MESSAGE_RATE, "negotiation", "message", str(actor.id))
    request_id, actor_id = req.id, actor.id
    excerpt = body[:80] + ("…" if len(body) > 80 else "") if body else str(_l("(a file)"))
    with uow.unit_of_work():
        message = RequestMessage(request_id=request_id, author_id=actor_id, body=body)
        for filename, content_type, content in files:
            message.attachments.append(RequestAttachment(filename=filename[:255], content_type=content_type,
                                                         size=len(content), content=content))
        db.session.add(message)
        db.session.flush()
        uow.after_commit(_push_message, message.id)
        req = db.session.get(ResourceRequest, request_id)
        _notify_side(req, _other(sides[0]), "request_message",
                     {"author": actor.name, "listing": req.listing.title, "excerpt": excerpt}, exclude=actor,
                     email=False)
    return message


def _push_message(message_id: int) -> None:
    message = db.session.get(RequestMessage, message_id)
    emit_to_room(request_room(message.request_id), "request:message", message_payload(message))


def _check_attachment(filename: str, content_type: str, content: bytes) -> None:
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise TooLarge(_l("Attachments can be at most 10 MB."), details={"file": filename})
    if content_type not in ALLOWED_ATTACHMENT_TYPES:
        raise Invalid(details={"file": [str(_l("Attach a PDF, image, text, CSV, ZIP, Word or Excel file."))]})


def _check_quota(request_id: int, files: list[tuple[str, str, bytes]]) -> None:
    """At most MAX_FILES_PER_MESSAGE files a message, and REQUEST_FILES_QUOTA files / REQUEST_BYTES_QUOTA
    bytes in a request's whole thread: a party cannot fill the database through one negotiation."""
    if not files:
        return
    if len(files) > MAX_FILES_PER_MESSAGE:
        raise Invalid(details={"file": [str(_l("Attach at most %(num)d files to a message.",
                                                num=MAX_FILES_PER_MESSAGE))]})
    count, size = db.session.execute(
        select(func.count(RequestAttachment.id), func.coalesce(func.sum(RequestAttachment.size), 0))
        .join(RequestMessage, RequestMessage.id == RequestAttachment.message_id)
        .where(RequestMessage.request_id == request_id)).one()
    if count + len(files) > REQUEST_FILES_QUOTA or size + sum(len(f[2]) for f in files) > REQUEST_BYTES_QUOTA:
        raise TooLarge(_l("This request's thread already holds as many files as it can (%(num)d files or "
                          "%(mb)d MB). Share further files another way.", num=REQUEST_FILES_QUOTA,
                          mb=REQUEST_BYTES_QUOTA // (1024 * 1024)), code="attachment_quota")


class TooLarge(AppError):
    status_code, code = 413, "too_large"


def get_attachment(*, actor, attachment_id: int) -> RequestAttachment:
    item = db.session.get(RequestAttachment, attachment_id) if organisations.valid_id(attachment_id) else None
    if item is None:
        raise NotFound(_l("File not found."))
    get_request(item.message.request_id, viewer=actor)
    return item


def message_payload(message: RequestMessage) -> dict:
    return {"id": message.id, "request_id": message.request_id,
            "author": {"id": message.author.id, "name": message.author.name} if message.author else None,
            "body": message.body, "created_at": message.created_at.isoformat(),
            "attachments": [{"id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size,
                             "url": f"/api/request-attachments/{a.id}"} for a in message.attachments]}


# After a move: notify the other side, push to the room ---------------------------------------

def _members(org) -> list:
    return [m.user for m in org.memberships if m.user.is_active]


def _notify_side(req: ResourceRequest, side: str | None, kind: str, data: dict, *, exclude=None,
                 email: bool | None = None) -> None:
    orgs = [req.startup, req.provider] if side is None else [req.startup if side == Party.STARTUP else req.provider]
    url = f"/requests/{req.id}"
    seen = set()
    for org in orgs:
        for user in _members(org):
            if user.id in seen or (exclude is not None and user.id == exclude.id):
                continue
            seen.add(user.id)
            _notify(user, kind, data, url, email)


def _notify(user, kind: str, data: dict, url: str, email: bool | None = None) -> None:
    """Notify one user in the move's unit of work (sent after its commit); a failure never undoes the move."""
    from app.notifications import services as notifications
    try:
        notifications.notify(user=user, kind=kind, data=data, url=url, email=email)
    except Exception:
        log.exception("could not notify user %s (%s)", user.id, kind)


def _after_move(req: ResourceRequest, actor, kind: str, *, to_side: str | None) -> None:
    """Inside the move's unit of work: notify the side, and push the new state to the room after the commit."""
    data = {"listing": req.listing.title, "startup": req.startup.name, "provider": req.provider.name,
            "request_id": req.id, "state": req.state}
    _notify_side(req, to_side, kind, data, exclude=actor)
    uow.after_commit(emit_to_room, request_room(req.id), "request:update", {"id": req.id, "state": req.state})
