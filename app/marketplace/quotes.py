"""Quotes as documents: line items, currency, tax and fapiao, validity, payment terms and delivery milestones.

`build_quote` checks a quote against the request and computes every amount here, with Decimal (a client's totals
are never taken); `quote_diff` says what a re-quote changed, for the startup to see before accepting.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.core.db import utcnow
from app.core.errors import Invalid
from app.marketplace.models import FapiaoType, PaymentTerms, Quote, QuoteLine, QuoteMilestone, ResourceRequest
from app.providers.models import PricingModel

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
MAX_QUANTITY = Decimal("100000000")
MAX_LINES = 50
MAX_MILESTONES = 20
MAX_VALID_DAYS = 365
DEFAULT_VALID_DAYS = 30  # MARKETPLACE_QUOTE_VALID_DAYS: how long a quote holds when the provider names no date
CURRENCIES = ("CNY", "USD", "EUR", "HKD")
CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "US$", "EUR": "€", "HKD": "HK$"}
CURRENCY_LABELS = {"CNY": _l("Chinese yuan (CNY)"), "USD": _l("US dollar (USD)"), "EUR": _l("Euro (EUR)"),
                   "HKD": _l("Hong Kong dollar (HKD)")}
FAPIAO_LABELS = {FapiaoType.GENERAL: _l("General VAT fapiao (普通发票)"),
                 FapiaoType.SPECIAL: _l("Special VAT fapiao (专用发票)")}
PAYMENT_TERMS_LABELS = {PaymentTerms.CASH: _l("Cash"), PaymentTerms.VOUCHER: _l("Incubator vouchers"),
                        PaymentTerms.EQUITY: _l("Equity for services"),
                        PaymentTerms.CASH_EQUITY: _l("Cash plus an equity share")}
# Which payment terms a listing's pricing model allows (the first is the default): vouchers are spent only on
# voucher listings, and an equity share is offered only by services-for-equity listings.
TERMS_FOR_MODEL = {
    PricingModel.FIXED: (PaymentTerms.CASH,),
    PricingModel.QUOTE: (PaymentTerms.CASH,),
    PricingModel.VOUCHER: (PaymentTerms.VOUCHER,),
    PricingModel.EQUITY: (PaymentTerms.EQUITY, PaymentTerms.CASH_EQUITY),
}
EQUITY_TERMS = (PaymentTerms.EQUITY, PaymentTerms.CASH_EQUITY)


def terms_for(pricing_model: str) -> tuple[str, ...]:
    return TERMS_FOR_MODEL.get(pricing_model, (PaymentTerms.CASH,))


def symbol(currency: str) -> str:
    return CURRENCY_SYMBOLS.get(currency, currency + " ")


def format_money(amount, currency: str = "CNY") -> str:
    """`¥1,234.50`: the currency's symbol and the amount with two decimals (for pages and the agreement)."""
    if amount is None:
        return "—"
    return f"{symbol(currency)}{Decimal(str(amount)):,.2f}"


def _decimal(value, name: str, errors: dict, *, low: Decimal, high: Decimal, message) -> Decimal | None:
    try:
        number = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        errors[name] = [str(_l("Enter a number."))]
        return None
    if not number.is_finite() or not low <= number <= high:
        errors[name] = [str(message)]
        return None
    return number


def _text(value, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit] if value is not None else ""


@dataclass
class _Draft:
    lines: list[QuoteLine] = field(default_factory=list)
    milestones: list[QuoteMilestone] = field(default_factory=list)
    errors: dict = field(default_factory=dict)


def _lines(raw_lines, draft: _Draft) -> None:
    if not raw_lines:
        draft.errors["lines"] = [str(_l("Add at least one line item."))]
        return
    if len(raw_lines) > MAX_LINES:
        draft.errors["lines"] = [str(_l("A quote has at most %(num)d line items.", num=MAX_LINES))]
        return
    for index, raw in enumerate(raw_lines):
        errors: dict = {}
        description = _text(raw.get("description"), 300)
        if not description:
            errors["description"] = [str(_l("Describe the item."))]
        quantity = _decimal(raw.get("quantity"), "quantity", errors, low=CENT, high=MAX_QUANTITY,
                            message=_l("Enter a quantity above 0."))
        unit_price = _decimal(raw.get("unit_price"), "unit_price", errors, low=Decimal("0"), high=MAX_AMOUNT,
                              message=_l("Enter a unit price between 0 and 9,999,999,999.99."))
        if errors:
            draft.errors.setdefault("lines", {})[index] = errors
            continue
        amount = (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
        draft.lines.append(QuoteLine(position=index + 1, description=description, quantity=quantity,
                                     unit_price=unit_price, amount=amount))


def _milestones(raw_milestones, draft: _Draft, today: date) -> None:
    if len(raw_milestones or []) > MAX_MILESTONES:
        draft.errors["milestones"] = [str(_l("A quote has at most %(num)d milestones.", num=MAX_MILESTONES))]
        return
    for index, raw in enumerate(raw_milestones or []):
        title = _text(raw.get("title"), 300)
        due_on = raw.get("due_on")
        if not title:
            draft.errors.setdefault("milestones", {})[index] = {"title": [str(_l("Say what is delivered."))]}
        elif due_on is not None and due_on < today:
            draft.errors.setdefault("milestones", {})[index] = {
                "due_on": [str(_l("Choose a date that is not in the past."))]}
        else:
            share, errors = raw.get("share_percent"), {}
            if share not in (None, ""):
                share = _decimal(share, "share_percent", errors, low=CENT, high=Decimal("100"),
                                 message=_l("Give a share above 0 and at most 100%."))
            if errors:
                draft.errors.setdefault("milestones", {})[index] = errors
                continue
            draft.milestones.append(QuoteMilestone(position=index + 1, title=title, due_on=due_on,
                                                   share_percent=share or None))
    shares = [m.share_percent for m in draft.milestones]
    if "milestones" not in draft.errors and any(x is not None for x in shares) and (
            None in shares or sum(shares, Decimal("0")) != 100):
        draft.errors["milestones"] = [str(_l("Give every milestone its share of the total, adding up to 100%, or "
                                             "give none to split it evenly."))]


def _terms(req: ResourceRequest, fields: dict, total: Decimal, errors: dict) -> dict:
    allowed = terms_for(req.pricing_model)
    terms = fields.get("payment_terms")
    if terms is None:  # a price-only quote (the API's first form): equity listings give a share, with cash if any
        terms = allowed[0] if len(allowed) == 1 or not total else PaymentTerms.CASH_EQUITY
    if terms not in allowed:
        errors["payment_terms"] = [str(_l("This listing is paid by: %(terms)s.",
                                          terms=", ".join(str(PAYMENT_TERMS_LABELS[t]) for t in allowed)))]
        return {}
    out = {"payment_terms": terms, "equity_percent": None, "share_class": None, "valuation_note": None}
    if terms in EQUITY_TERMS:
        if fields.get("equity_percent") is None:
            errors["equity_percent"] = [str(_l("An equity offer needs the proposed percentage."))]
        else:
            out["equity_percent"] = _decimal(fields["equity_percent"], "equity_percent", errors, low=CENT,
                                             high=Decimal("100"),
                                             message=_l("Give a percentage above 0 and at most 100."))
        out["share_class"] = _text(fields.get("share_class"), 100) or None
        out["valuation_note"] = (fields.get("valuation_note") or "").strip()[:2000] or None
        if terms == PaymentTerms.CASH_EQUITY and not total:
            errors["lines"] = [str(_l("Cash plus equity needs a cash amount: give the line items their prices."))]
    elif fields.get("equity_percent") is not None:
        errors["equity_percent"] = [str(_l("Only services-for-equity listings take an equity share."))]
    return out


def _valid_until(value: date | None, today: date, errors: dict) -> date:
    if value is None:
        return today + timedelta(days=current_app.config.get("MARKETPLACE_QUOTE_VALID_DAYS", DEFAULT_VALID_DAYS))
    if value < today:
        errors["valid_until"] = [str(_l("Choose a date that is not in the past."))]
    elif value > today + timedelta(days=MAX_VALID_DAYS):
        errors["valid_until"] = [str(_l("A quote may hold for at most a year."))]
    return value


def legacy_lines(req: ResourceRequest, price) -> list[dict]:
    """A price-only quote as one line item: the listing, for the quantity asked, at the total price."""
    return [{"description": f"{req.listing.title} ({req.quantity} × {req.listing.unit})", "quantity": 1,
             "unit_price": price}]


def build_quote(req: ResourceRequest, *, author_id: int | None, version: int, lines: list[dict] | None = None,
                price=None, currency: str = "CNY", tax_rate=0, fapiao_type: str = FapiaoType.GENERAL,
                valid_until: date | None = None, payment_terms: str | None = None, equity_percent=None,
                share_class: str | None = None, valuation_note: str | None = None,
                milestones: list[dict] | None = None, note: str | None = None) -> Quote:
    """A new quote version for `req`, checked and totalled; Invalid (422) with every field error at once."""
    if not lines:
        if price is None:
            raise Invalid(details={"lines": [str(_l("Add at least one line item."))]})
        lines = legacy_lines(req, price)
    today = utcnow().date()
    draft = _Draft()
    _lines(lines, draft)
    _milestones(milestones, draft, today)
    if currency not in CURRENCIES:
        draft.errors["currency"] = [str(_l("Choose one of: %(list)s.", list=", ".join(CURRENCIES)))]
    if fapiao_type not in tuple(FapiaoType):
        draft.errors["fapiao_type"] = [str(_l("Choose a general or a special VAT fapiao."))]
    rate = _decimal(tax_rate if tax_rate is not None else 0, "tax_rate", draft.errors, low=Decimal("0"),
                    high=Decimal("100"), message=_l("Give a tax rate from 0 to 100%.")) or Decimal("0")
    subtotal = sum((line.amount for line in draft.lines), Decimal("0"))
    tax = (subtotal * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    total = subtotal + tax
    if total > MAX_AMOUNT:
        draft.errors.setdefault("lines", [str(_l("The total may be at most 9,999,999,999.99."))])
    terms = _terms(req, {"payment_terms": payment_terms, "equity_percent": equity_percent,
                         "share_class": share_class, "valuation_note": valuation_note}, total, draft.errors)
    if terms.get("payment_terms") == PaymentTerms.VOUCHER and currency != "CNY":
        draft.errors["currency"] = [str(_l("Vouchers are paid in CNY."))]
    valid = _valid_until(valid_until, today, draft.errors)
    if draft.errors:
        raise Invalid(details=draft.errors)
    return Quote(request_id=req.id, version=version, author_id=author_id, currency=currency, tax_rate=rate,
                 fapiao_type=fapiao_type, valid_until=valid, subtotal=subtotal, tax_amount=tax, total=total,
                 note=(note or "").strip() or None, lines=draft.lines, milestones=draft.milestones, **terms)


def is_expired(quote: Quote, today: date | None = None) -> bool:
    """A quote holds through its `valid_until` day (UTC)."""
    return quote.valid_until < (today or utcnow().date())


# What a re-quote changed ------------------------------------------------------------------------

@dataclass
class QuoteDiff:
    changes: list[str]  # one sentence per change, in the reader's language
    changed_lines: set[int]  # positions of the current quote's lines that are new or changed


def _line_text(line: QuoteLine, currency: str) -> str:
    return f"{line.quantity.normalize():f} × {format_money(line.unit_price, currency)}"


def quote_diff(previous: Quote | None, current: Quote) -> QuoteDiff:
    """What `current` changed from `previous` (nothing for a first quote)."""
    if previous is None:
        return QuoteDiff([], set())
    changes, changed = [], set()
    if previous.total != current.total or previous.currency != current.currency:
        changes.append(str(_l("Total: %(old)s → %(new)s", old=format_money(previous.total, previous.currency),
                              new=format_money(current.total, current.currency))))
    before = {line.description: line for line in previous.lines}
    for line in current.lines:
        old = before.pop(line.description, None)
        if old is None:
            changes.append(str(_l("Line added: %(item)s (%(amount)s)", item=line.description,
                                  amount=_line_text(line, current.currency))))
            changed.add(line.position)
        elif (old.quantity, old.unit_price) != (line.quantity, line.unit_price):
            changes.append(str(_l("%(item)s: %(old)s → %(new)s", item=line.description,
                                  old=_line_text(old, previous.currency), new=_line_text(line, current.currency))))
            changed.add(line.position)
    for line in before.values():
        changes.append(str(_l("Line removed: %(item)s", item=line.description)))
    _compare(changes, previous, current)
    return QuoteDiff(changes, changed)


def _compare(changes: list[str], previous: Quote, current: Quote) -> None:
    labels = {
        "tax_rate": (_l("Tax rate"), lambda q: f"{q.tax_rate.normalize():f}%"),
        "fapiao_type": (_l("Fapiao"), lambda q: str(FAPIAO_LABELS.get(q.fapiao_type, q.fapiao_type))),
        "payment_terms": (_l("Payment terms"),
                          lambda q: str(PAYMENT_TERMS_LABELS.get(q.payment_terms, q.payment_terms))),
        "equity_percent": (_l("Equity share"),
                           lambda q: f"{q.equity_percent.normalize():f}%" if q.equity_percent is not None else "—"),
        "share_class": (_l("Share class"), lambda q: q.share_class or "—"),
        "valid_until": (_l("Valid until"), lambda q: q.valid_until.isoformat()),
    }
    for name, (label, show) in labels.items():
        if getattr(previous, name) != getattr(current, name):
            changes.append(str(_l("%(what)s: %(old)s → %(new)s", what=label, old=show(previous), new=show(current))))
    if [(m.title, m.due_on) for m in previous.milestones] != [(m.title, m.due_on) for m in current.milestones]:
        changes.append(str(_l("Delivery milestones changed.")))
    if (previous.note or "") != (current.note or ""):
        changes.append(str(_l("The note changed.")))
