"""Cash payments per milestone: the provider marks one received, the startup confirms it.

Each step is one unit of work holding the request's lock (PostgreSQL row lock; SQLite's write lock) and a
conditional UPDATE of the payment's state, so a repeat, also at the same instant, is a 409 and the timeline
records the step once. When the last payment is confirmed on a completed request, its settlement is paid.
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.accounts import organisations
from app.core import uow
from app.core.db import utcnow
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.extensions import db
from app.marketplace import quotes, services, settlement
from app.marketplace.models import Payment, PaymentState, ResourceRequest, Settlement
from app.marketplace.states import Party


def _payment(payment_id: int, actor) -> tuple[Payment, ResourceRequest]:
    payment = db.session.get(Payment, payment_id) if organisations.valid_id(payment_id) else None
    if payment is None:
        raise NotFound(_l("Payment not found."))
    return payment, services.get_request(payment.request_id, viewer=actor)


def _request_id_of(payment_id: int) -> int | None:
    if not organisations.valid_id(payment_id):
        return None
    return db.session.scalar(select(Payment.request_id).where(Payment.id == payment_id))


def _step(payment_id: int, *, actor, side: str, from_state: str, to_state: str, values: dict, action: str,
          kind: str, refused) -> Payment:
    request_id = _request_id_of(payment_id)
    lock = services.request_lock(request_id) if request_id else []
    with uow.unit_of_work(lock=lock):
        payment, req = _payment(payment_id, actor)
        if side not in services.parties_of(actor, req):
            raise PermissionDenied(_l("Only the provider marks a payment received.") if side == Party.PROVIDER
                                   else _l("Only the startup confirms a payment."), code="wrong_party")
        changed = db.session.execute(
            update(Payment).where(Payment.id == payment.id, Payment.state == from_state)
            .values(state=to_state, **values).execution_options(synchronize_session=False)).rowcount == 1
        if not changed:
            raise refused
        db.session.refresh(payment)
        amount = quotes.format_money(payment.amount, payment.currency)
        settlement.event(req, actor.id, action, {"payment_id": payment.id, "title": payment.title,
                                                 "amount": str(payment.amount), "currency": payment.currency})
        services.notify_side(req, services._other(side), kind,
                             {"listing": req.listing.title, "provider": req.provider.name,
                              "startup": req.startup.name, "milestone": payment.title, "amount": amount},
                             exclude=actor)
        if to_state == PaymentState.CONFIRMED:
            _pay_settlement(req, actor.id)
        services.push_update(req)
    return payment


def mark_paid(*, actor, payment_id: int) -> Payment:
    """The provider marks a due payment received (409 `payment_not_due` if it is not due)."""
    return _step(payment_id, actor=actor, side=Party.PROVIDER, from_state=PaymentState.DUE,
                 to_state=PaymentState.PAID, values={"marked_paid_at": utcnow(), "marked_paid_by_id": actor.id},
                 action="payment_marked_paid", kind="payment_marked_paid",
                 refused=Conflict(_l("This payment is not due: it was marked received already, or cancelled."),
                                  code="payment_not_due"))


def confirm(*, actor, payment_id: int) -> Payment:
    """The startup confirms a payment the provider marked received (409 `payment_not_marked` otherwise)."""
    return _step(payment_id, actor=actor, side=Party.STARTUP, from_state=PaymentState.PAID,
                 to_state=PaymentState.CONFIRMED, values={"confirmed_at": utcnow(), "confirmed_by_id": actor.id},
                 action="payment_confirmed", kind="payment_confirmed",
                 refused=Conflict(_l("This payment is not waiting for your confirmation: the provider has not "
                                     "marked it received, or it was confirmed already."),
                                  code="payment_not_marked"))


def _pay_settlement(req: ResourceRequest, actor_id: int) -> None:
    """Once every payment of a completed request is confirmed, its cash settlement is paid."""
    db.session.refresh(req)
    if req.settlement is None or not settlement.all_confirmed(req):
        return
    paid = db.session.execute(
        update(Settlement).where(Settlement.id == req.settlement.id, Settlement.status == "pending")
        .values(status="paid", paid_at=utcnow()).execution_options(synchronize_session=False)).rowcount == 1
    if paid:
        settlement.event(req, actor_id, "settlement_paid", {"amount": str(req.settlement.amount)})


def mark_all_paid(*, actor, request_id: int) -> Settlement:
    """The provider marks every payment still due on a completed request received at once (the API's first form;
    409 `no_pending_settlement` when none is due). The startup then confirms each."""
    with uow.unit_of_work(lock=services.request_lock(request_id)):
        req = services.get_request(request_id, viewer=actor)
        if Party.PROVIDER not in services.parties_of(actor, req):
            raise PermissionDenied(_l("Only the provider marks a payment received."), code="wrong_party")
        due = [p.id for p in req.payments if p.state == PaymentState.DUE]
        marked = db.session.execute(
            update(Payment).where(Payment.id.in_(due), Payment.state == PaymentState.DUE)
            .values(state=PaymentState.PAID, marked_paid_at=utcnow(), marked_paid_by_id=actor.id)
            .execution_options(synchronize_session=False)).rowcount if due else 0
        if req.settlement is None or not marked:
            raise Conflict(_l("There is no pending payment on this request."), code="no_pending_settlement")
        db.session.refresh(req)
        total = sum((p.amount for p in req.payments if p.id in due), Decimal("0"))
        settlement.event(req, actor.id, "payment_marked_paid", {"payments": due, "amount": str(total)})
        services.notify_side(req, Party.STARTUP, "payment_marked_paid",
                             {"listing": req.listing.title, "provider": req.provider.name, "startup": req.startup.name,
                              "milestone": "", "amount": quotes.format_money(total)},
                             exclude=actor)
        services.push_update(req)
        found = req.settlement
    return found
