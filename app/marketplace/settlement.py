"""Settlement inside a request's moves: what accepting, completing, cancelling and refunding do to money.

* Accepting a cash (or cash-plus-equity) quote opens one payment per delivery milestone: the cash total split as
  the quote's milestones say (`share_percent`), or evenly; no milestones, one payment of the total. Accepting a
  voucher quote holds the price in the startup's voucher account.
* Completing records the settlement: the voucher hold becomes a spend, the equity share goes into the startup's
  equity ledger (以服务换股权), and a cash settlement is paid once every payment is confirmed.
* Cancelling releases the hold and cancels the payments still due; a refund (a dispute) gives money back.

These helpers run inside the caller's unit of work (they flush, never commit) and write each money change to the
request's timeline (`RequestEvent`, actor and data), which the operators' audit trail reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

from sqlalchemy import select, update

from app.core.db import utcnow
from app.extensions import db
from app.marketplace import vouchers
from app.marketplace.models import (
    EquityEntry,
    Payment,
    PaymentState,
    PaymentTerms,
    Quote,
    RequestEvent,
    ResourceRequest,
    Settlement,
    SettlementMethod,
)
from app.providers.models import PricingModel

CENT = Decimal("0.01")
CASH_TERMS = (PaymentTerms.CASH, PaymentTerms.CASH_EQUITY)
EQUITY_TERMS = (PaymentTerms.EQUITY, PaymentTerms.CASH_EQUITY)
LIVE_PAYMENTS = (PaymentState.DUE, PaymentState.PAID, PaymentState.CONFIRMED)


def event(req: ResourceRequest, actor_id: int | None, action: str, data: dict | None = None) -> RequestEvent:
    """A money event on the request's timeline (its state does not change)."""
    item = RequestEvent(request_id=req.id, actor_id=actor_id, action=action, from_state=req.state,
                        to_state=req.state, data=data or {})
    db.session.add(item)
    return item


def accepted_quote(req: ResourceRequest) -> Quote | None:
    """The quote the startup accepted (the agreement names it), else the current one."""
    if req.agreement is not None and req.agreement.quote is not None:
        return req.agreement.quote
    return req.current_quote


def terms_of(req: ResourceRequest, quote: Quote | None = None) -> str:
    quote = quote or accepted_quote(req)
    if quote is not None:
        return quote.payment_terms
    return {PricingModel.VOUCHER: PaymentTerms.VOUCHER,
            PricingModel.EQUITY: PaymentTerms.EQUITY}.get(req.pricing_model, PaymentTerms.CASH)


def cash_total(req: ResourceRequest, quote: Quote | None = None) -> Decimal:
    """The cash part of the deal (0 for voucher and equity-only terms)."""
    quote = quote or accepted_quote(req)
    if terms_of(req, quote) not in CASH_TERMS:
        return Decimal("0")
    return Decimal(quote.total if quote is not None else (req.quoted_price or 0))


def money_total(req: ResourceRequest) -> Decimal:
    """What the startup pays in money (cash or voucher credit): the basis of a refund."""
    quote = accepted_quote(req)
    if terms_of(req, quote) == PaymentTerms.VOUCHER:
        return Decimal(req.quoted_price or 0)
    return cash_total(req, quote)


# Payments per milestone --------------------------------------------------------------------

@dataclass
class Instalment:
    position: int
    title: str
    due_on: date | None
    amount: Decimal
    milestone_id: int | None = None


def split(total: Decimal, milestones: list, fallback_title: str) -> list[Instalment]:
    """The total split over the milestones: by their `share_percent` where the quote gives them (they add up to
    100), else evenly; rounding down to the cent, the last milestone takes the remainder so the parts add up."""
    if not milestones:
        return [Instalment(1, fallback_title, None, total)]
    shares = [m.share_percent for m in milestones]
    if all(share is not None for share in shares):
        parts = [(total * Decimal(share) / 100).quantize(CENT, rounding=ROUND_DOWN) for share in shares]
    else:
        even = (total / len(milestones)).quantize(CENT, rounding=ROUND_DOWN)
        parts = [even] * len(milestones)
    parts[-1] = total - sum(parts[:-1], Decimal("0"))
    return [Instalment(i + 1, m.title, m.due_on, part, m.id) for i, (m, part) in enumerate(zip(milestones, parts,
                                                                                                 strict=True))]


def open_payments(req: ResourceRequest, quote: Quote | None, actor_id: int | None) -> list[Payment]:
    """At acceptance: one payment per milestone of the cash part (nothing for voucher or equity-only terms)."""
    total = cash_total(req, quote)
    if total <= 0 or req.payments:
        return list(req.payments)
    currency = quote.currency if quote is not None else "CNY"
    made = [Payment(request_id=req.id, milestone_id=part.milestone_id, position=part.position, title=part.title,
                    due_on=part.due_on, amount=part.amount, currency=currency, state=PaymentState.DUE)
            for part in split(total, list(quote.milestones) if quote is not None else [], req.listing.title)]
    db.session.add_all(made)
    db.session.flush()
    event(req, actor_id, "payments_due", {"currency": currency, "total": str(total),
                                          "payments": [{"id": p.id, "title": p.title, "amount": str(p.amount)}
                                                       for p in made]})
    return made


def all_confirmed(req: ResourceRequest) -> bool:
    live = [p for p in req.payments if p.state in LIVE_PAYMENTS]
    return bool(live) and all(p.state == PaymentState.CONFIRMED for p in live)


# Vouchers ----------------------------------------------------------------------------------

def hold_vouchers(req: ResourceRequest, actor_id: int | None) -> None:
    """At acceptance of a voucher quote: hold its price in the startup's voucher account."""
    if terms_of(req) != PaymentTerms.VOUCHER or not req.quoted_price:
        return
    entry = vouchers.hold(startup_id=req.startup_id, amount=req.quoted_price, actor_id=actor_id,
                          request_id=req.id, note=f"request {req.id}")
    req.voucher_held = req.quoted_price
    event(req, actor_id, "voucher_held", {"amount": str(req.quoted_price), "balance_after": str(entry.balance_after),
                                          "held_after": str(entry.held_after)})


def _settle_vouchers(req: ResourceRequest, actor_id: int | None, refund: Decimal = Decimal("0")) -> None:
    held = Decimal(req.voucher_held or 0)
    if held <= 0:
        return
    spend, back = held - refund, refund
    if spend > 0:
        vouchers.settle_hold(startup_id=req.startup_id, amount=spend, actor_id=actor_id, request_id=req.id,
                             note=f"request {req.id} completed")
        event(req, actor_id, "voucher_settled", {"amount": str(spend)})
    if back > 0:
        vouchers.release_hold(startup_id=req.startup_id, amount=back, actor_id=actor_id, request_id=req.id,
                              note=f"request {req.id}: refund")
        event(req, actor_id, "voucher_released", {"amount": str(back)})
    req.voucher_held = None
    req.voucher_debited = spend > 0


def release(req: ResourceRequest, actor_id: int | None) -> None:
    """A cancelled deal: the voucher hold goes back and the payments still due are cancelled."""
    held = Decimal(req.voucher_held or 0)
    if held > 0:
        vouchers.release_hold(startup_id=req.startup_id, amount=held, actor_id=actor_id, request_id=req.id,
                              note=f"request {req.id} cancelled")
        req.voucher_held = None
        event(req, actor_id, "voucher_released", {"amount": str(held)})
    elif req.voucher_debited and req.quoted_price:  # accepted before holds existed: the price was debited
        vouchers.credit(startup_id=req.startup_id, amount=req.quoted_price, kind="refund", actor_id=actor_id,
                        request_id=req.id, note=f"request {req.id} cancelled")
        req.voucher_debited = False
    _cancel_due(req, actor_id)


def _cancel_due(req: ResourceRequest, actor_id: int | None) -> None:
    due = [p for p in req.payments if p.state == PaymentState.DUE]
    for payment in due:
        payment.state = PaymentState.CANCELLED
    if due:
        event(req, actor_id, "payments_cancelled", {"payments": [p.id for p in due],
                                                    "amount": str(sum((p.amount for p in due), Decimal("0")))})


# Completion --------------------------------------------------------------------------------

def settle(req: ResourceRequest, actor_id: int | None, *, refund: Decimal = Decimal("0")) -> Settlement:
    """On completion: settle the voucher hold, record the equity share, and the settlement itself (cash: paid once
    every payment is confirmed). `refund`: money given back by a dispute resolved with a partial refund."""
    quote = accepted_quote(req)
    terms = terms_of(req, quote)
    open_payments(req, quote, actor_id)  # requests accepted before payments existed get theirs now
    method = {PaymentTerms.VOUCHER: SettlementMethod.VOUCHER, PaymentTerms.EQUITY: SettlementMethod.EQUITY,
              PaymentTerms.CASH_EQUITY: SettlementMethod.CASH_EQUITY}.get(terms, SettlementMethod.CASH)
    if terms == PaymentTerms.VOUCHER:
        _settle_vouchers(req, actor_id, refund)
        status = "paid"
    elif terms == PaymentTerms.EQUITY:
        status = "recorded"
    else:
        status = "paid" if all_confirmed(req) else "pending"
    amount = Decimal(quote.total if quote is not None else (req.quoted_price or 0))
    settlement = Settlement(request_id=req.id, amount=amount, method=method, equity_percent=req.equity_percent,
                            status=status, refunded_amount=refund, paid_at=utcnow() if status == "paid" else None)
    db.session.add(settlement)
    req.capacity_reserved = False  # consumed for good
    if terms in EQUITY_TERMS:
        record_equity(req, quote, actor_id)
    db.session.flush()
    return settlement


def record_equity(req: ResourceRequest, quote: Quote | None, actor_id: int | None) -> EquityEntry | None:
    """Write the share given for services into the startup's equity ledger (once per request)."""
    percent = quote.equity_percent if quote is not None else req.equity_percent
    if percent is None:
        return None
    if db.session.scalar(select(EquityEntry.id).where(EquityEntry.request_id == req.id)) is not None:
        return None
    lines = "; ".join(f"{line.description} ({line.quantity.normalize():f})" for line in quote.lines) if quote else ""
    services = f"{req.listing.title} (#{req.id})" + (f": {lines}" if lines else "")
    entry = EquityEntry(startup_id=req.startup_id, request_id=req.id, holder_id=req.provider_id,
                        holder_name=req.provider.name, equity_percent=percent,
                        share_class=quote.share_class if quote else None,
                        valuation_note=quote.valuation_note if quote else None, services=services[:5000],
                        cash_amount=cash_total(req, quote), currency=quote.currency if quote else "CNY")
    db.session.add(entry)
    db.session.flush()
    event(req, actor_id, "equity_recorded", {"entry_id": entry.id, "equity_percent": str(percent),
                                             "share_class": entry.share_class, "holder": entry.holder_name})
    return entry


# Refunds (disputes) ------------------------------------------------------------------------

def refund_all(req: ResourceRequest, actor_id: int | None) -> Decimal:
    """A full refund: vouchers come back, cash payments are marked refunded (the provider returns them), due ones
    cancelled, and the equity entry is voided. Returns the amount refunded."""
    total = money_total(req)
    held = Decimal(req.voucher_held or 0)
    if held > 0:
        _settle_vouchers(req, actor_id, refund=held)
    elif req.voucher_debited and req.quoted_price:
        vouchers.credit(startup_id=req.startup_id, amount=req.quoted_price, kind="refund", actor_id=actor_id,
                        request_id=req.id, note=f"request {req.id}: dispute refund")
        req.voucher_debited = False
        event(req, actor_id, "voucher_refunded", {"amount": str(req.quoted_price)})
    _cancel_due(req, actor_id)
    returned = [p for p in req.payments if p.state in (PaymentState.PAID, PaymentState.CONFIRMED)]
    for payment in returned:
        payment.state = PaymentState.REFUNDED
    if returned:
        event(req, actor_id, "payments_refunded", {"payments": [p.id for p in returned],
                                                   "amount": str(sum((p.amount for p in returned), Decimal("0")))})
    _void_equity(req, actor_id)
    if req.settlement is not None:
        req.settlement.status, req.settlement.refunded_amount = "refunded", total
    req.capacity_reserved = False
    db.session.flush()
    return total


def refund_part(req: ResourceRequest, actor_id: int | None, amount: Decimal) -> None:
    """A partial refund of a completed request: vouchers are credited back; cash is owed back by the provider."""
    settlement = req.settlement
    if terms_of(req) == PaymentTerms.VOUCHER:
        vouchers.credit(startup_id=req.startup_id, amount=amount, kind="refund", actor_id=actor_id,
                        request_id=req.id, note=f"request {req.id}: partial refund")
        event(req, actor_id, "voucher_refunded", {"amount": str(amount)})
    settlement.refunded_amount = Decimal(settlement.refunded_amount or 0) + amount
    db.session.flush()


def _void_equity(req: ResourceRequest, actor_id: int | None) -> None:
    result = db.session.execute(update(EquityEntry)
                                .where(EquityEntry.request_id == req.id, EquityEntry.status == "recorded")
                                .values(status="void", voided_at=utcnow(), void_reason="dispute: full refund")
                                .execution_options(synchronize_session=False))
    if result.rowcount:
        event(req, actor_id, "equity_voided", {"reason": "dispute_refund"})
