"""Disputes: the startup disputes a delivery within 14 days of it; an admin resolves the dispute with a full
refund, a partial refund (an amount) or a rejection.

* Full refund: voucher credit comes back (the hold is released, or a spend refunded), cash payments are marked
  refunded (the provider returns them) and those still due cancelled, the equity entry is voided; a request not
  yet completed is cancelled.
* Partial refund: a request not yet completed is completed with the refund taken off what it spends (vouchers:
  released from the hold); a completed one gets the amount back (vouchers: credited; cash: owed by the provider).
* Rejection: nothing changes; a delivery not yet accepted waits for the startup again (and its 14 days).

While a dispute is open, the delivery is not accepted automatically. One dispute per request: a second one, also
at the same instant, is a 409 `dispute_exists`. Every step is in the request's timeline and both sides are told.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.accounts import organisations
from app.accounts.models import User
from app.core import uow
from app.core.db import utcnow
from app.core.errors import Conflict, Invalid, InvalidState, NotFound, PermissionDenied
from app.core.pagination import Page, paginate
from app.extensions import db
from app.marketplace import quotes, services, settlement, states
from app.marketplace.models import Dispute, DisputeState, ResourceRequest
from app.marketplace.models import RequestState as S
from app.marketplace.states import Party

DISPUTE_WINDOW = timedelta(days=14)
DISPUTABLE_STATES = (S.DELIVERED, S.CHANGES_REQUESTED, S.COMPLETED)
OUTCOMES = ("refund", "partial", "reject")
OUTCOME_STATES = {"refund": DisputeState.REFUNDED, "partial": DisputeState.PARTIALLY_REFUNDED,
                  "reject": DisputeState.REJECTED}
CENT = Decimal("0.01")
MAX_TEXT = 5000


def _require_admin(actor) -> None:
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("Only administrators handle disputes."), code="admin_only")


def can_dispute(req: ResourceRequest, now=None) -> bool:
    """Whether the startup may still dispute this request's delivery."""
    return (req.state in DISPUTABLE_STATES and req.delivered_at is not None and req.dispute is None
            and (now or utcnow()) <= req.delivered_at + DISPUTE_WINDOW)


def raise_dispute(*, actor, request_id: int, reason: str) -> Dispute:
    """The startup disputes the delivery, within 14 days of it, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(details={"reason": [str(_l("Say what is wrong with the delivery."))]})
    if len(reason) > MAX_TEXT:
        raise Invalid(details={"reason": [str(_l("Keep it under 5,000 characters."))]})
    with uow.unit_of_work(lock=services.request_lock(request_id)):
        req = services.get_request(request_id, viewer=actor)
        if Party.STARTUP not in services.parties_of(actor, req):
            raise PermissionDenied(_l("Only the startup disputes a delivery."), code="wrong_party")
        _check_disputable(req)
        dispute = Dispute(request_id=req.id, raised_by_id=actor.id, reason=reason)
        try:
            with db.session.begin_nested():
                db.session.add(dispute)
        except IntegrityError as error:
            raise _exists() from error
        settlement.event(req, actor.id, "dispute_raised", {"dispute_id": dispute.id, "note": reason})
        data = {"listing": req.listing.title, "startup": req.startup.name, "provider": req.provider.name}
        services.notify_side(req, Party.PROVIDER, "dispute_raised", data, exclude=actor)
        for admin in db.session.scalars(select(User).where(User.is_admin.is_(True))):
            if admin.is_active and admin.id != actor.id:
                services._notify(admin, "dispute_raised_admin", data, "/admin/disputes")
        services.push_update(req)
    return dispute


def _exists() -> Conflict:
    return Conflict(_l("This request is already disputed."), code="dispute_exists")


def _check_disputable(req: ResourceRequest) -> None:
    if req.dispute is not None:
        raise _exists()
    if req.state not in DISPUTABLE_STATES or req.delivered_at is None:
        raise InvalidState(_l("Only a delivered request can be disputed."), code="not_delivered",
                           details={"state": req.state})
    if utcnow() > req.delivered_at + DISPUTE_WINDOW:
        raise Conflict(_l("A delivery can be disputed for 14 days; that time has passed."),
                       code="dispute_window_closed", details={"delivered_at": req.delivered_at.isoformat()})


def list_disputes(*, actor, state: str | None = None, page: int = 1, per_page: int = 20) -> Page:
    """For admins: disputes, open ones first, oldest first."""
    _require_admin(actor)
    stmt = (select(Dispute).options(selectinload(Dispute.request).selectinload(ResourceRequest.listing),
                                    selectinload(Dispute.raised_by))
            .order_by((Dispute.state != DisputeState.OPEN), Dispute.id))
    if state:
        stmt = stmt.where(Dispute.state == state)
    return paginate(stmt, page=page, per_page=per_page)


def get_dispute(*, actor, dispute_id: int) -> Dispute:
    dispute = db.session.get(Dispute, dispute_id) if organisations.valid_id(dispute_id) else None
    if dispute is None:
        raise NotFound(_l("Dispute not found."))
    if not getattr(actor, "is_admin", False):
        services.get_request(dispute.request_id, viewer=actor)  # the parties see their own
    return dispute


def _amount(outcome: str, amount, req: ResourceRequest) -> Decimal | None:
    if outcome != "partial":
        return None
    total = settlement.money_total(req)
    if total <= 0:
        raise Invalid(details={"amount": [str(_l("Nothing was paid in money on this request: refund it in full or "
                                                 "reject the dispute."))]})
    try:
        value = Decimal(str(amount)).quantize(CENT) if amount is not None else None
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or not Decimal("0") < value < total:
        raise Invalid(details={"amount": [str(_l("Give an amount above 0 and below %(total)s.",
                                                 total=quotes.format_money(total)))]})
    return value


def resolve(*, actor, dispute_id: int, outcome: str, amount=None, note: str | None = None) -> Dispute:
    """An admin resolves an open dispute: `refund` (in full), `partial` (`amount`) or `reject` (409
    `dispute_resolved` if it was resolved already)."""
    _require_admin(actor)
    if outcome not in OUTCOMES:
        raise Invalid(details={"outcome": [str(_l("Choose a full refund, a partial refund or a rejection."))]})
    note = (note or "").strip()[:MAX_TEXT] or None
    found = get_dispute(actor=actor, dispute_id=dispute_id)
    with uow.unit_of_work(lock=services.request_lock(found.request_id)):
        dispute = db.session.get(Dispute, dispute_id)
        req = db.session.get(ResourceRequest, dispute.request_id)
        value = _amount(outcome, amount, req)
        done = db.session.execute(
            update(Dispute).where(Dispute.id == dispute.id, Dispute.state == DisputeState.OPEN)
            .values(state=OUTCOME_STATES[outcome], refund_amount=value, resolution_note=note, resolved_by_id=actor.id,
                    resolved_at=utcnow()).execution_options(synchronize_session=False)).rowcount == 1
        if not done:
            raise Conflict(_l("This dispute was resolved already."), code="dispute_resolved")
        db.session.refresh(dispute)
        refunded = _apply(req, outcome, value, actor.id, dispute.id)
        req = db.session.get(ResourceRequest, req.id)
        settlement.event(req, actor.id, "dispute_resolved",
                         {"dispute_id": dispute.id, "outcome": outcome, "note": note,
                          "amount": str(refunded) if refunded is not None else None})
        data = {"listing": req.listing.title, "outcome": outcome}
        services.notify_side(req, None, "dispute_resolved", data, exclude=actor)
        services.push_update(req)
    return dispute


def _system_move(req: ResourceRequest, action: str, actor_id: int, dispute_id: int) -> ResourceRequest:
    """The platform's move that a resolution makes (the admin is the actor): cancel or complete."""
    from_state = req.state
    to_state = states.resolve(from_state, action, Party.SYSTEM)
    req = services._transition(req.id, from_state, to_state)
    services.record_event(req, actor_id, action, from_state, to_state, {"dispute_id": dispute_id})
    db.session.flush()
    return req


def _apply(req: ResourceRequest, outcome: str, value: Decimal | None, actor_id: int,
           dispute_id: int) -> Decimal | None:
    """The money and state effects of a resolution; returns the amount refunded."""
    if outcome == "reject":
        return None
    completed = req.state == S.COMPLETED
    if outcome == "refund":
        if not completed:
            req = _system_move(req, "cancel", actor_id, dispute_id)
        return settlement.refund_all(req, actor_id)
    if completed:
        settlement.refund_part(req, actor_id, value)
    else:
        req = _system_move(req, "complete", actor_id, dispute_id)
        settlement.settle(req, actor_id, refund=value)
    return value
