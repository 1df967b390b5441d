"""The cooperation agreement (合作协议) as plain text, drawn up from the accepted quote, the listing's category
fields and the request, in English and then in Chinese, with numbered clauses and translated labels (never codes).

Its SHA-256 is what both parties sign, what the PDF carries and what the public page verifies, so the text is
built only here and stored once: pages and the PDF show the stored text, never a fresh rendering.
"""
from __future__ import annotations

import hashlib
from datetime import UTC

from flask_babel import force_locale
from flask_babel import gettext as _

from app.core.i18n import format_when
from app.core.units import unit_label
from app.extensions import db
from app.marketplace.models import Agreement, PaymentTerms, Quote, ResourceRequest
from app.marketplace.quotes import CURRENCY_LABELS, FAPIAO_LABELS, PAYMENT_TERMS_LABELS, format_money
from app.providers.listings import CATEGORY_FIELD_LABELS, CATEGORY_LABELS, PRICING_LABELS

LANGUAGES = ("en", "zh")
SEPARATOR = "\n\n" + "=" * 40 + "\n\n"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def draw_up(req: ResourceRequest, quote: Quote) -> Agreement:
    """The agreement of an accepted quote, not yet signed (inside the accepting unit of work; flushes only)."""
    terms = agreement_text(req, quote)
    agreement = Agreement(request_id=req.id, quote_id=quote.id, terms=terms, terms_sha256=sha256(terms))
    db.session.add(agreement)
    return agreement


def agreement_text(req: ResourceRequest, quote: Quote) -> str:
    """Both language versions, English first, one after the other."""
    return SEPARATOR.join(_version(locale, req, quote) for locale in LANGUAGES)


class _Clauses:
    """Numbered sections (1.) and clauses (1.1)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.section = 0
        self.clause = 0

    def heading(self, text: str) -> None:
        self.section += 1
        self.clause = 0
        self.lines.append(f"\n{self.section}. {text}")

    def add(self, text: str) -> None:
        self.clause += 1
        self.lines.append(f"{self.section}.{self.clause} {text}")


def _value(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _version(locale: str, req: ResourceRequest, quote: Quote) -> str:
    with force_locale(locale):
        doc = _Clauses()
        doc.lines.append(_("Fuhua cooperation agreement for request #%(id)d", id=req.id))
        _parties(doc, req)
        _subject(doc, req, locale)
        _price(doc, quote, locale)
        _payment(doc, req, quote)
        _delivery(doc, quote, locale)
        _negotiation(doc, req, quote)
        _signing(doc)
        return "\n".join(doc.lines).strip()


def _parties(doc: _Clauses, req: ResourceRequest) -> None:
    doc.heading(_("Parties"))
    doc.add(_("Provider: %(name)s (organisation #%(id)d)", name=req.provider.name, id=req.provider_id))
    doc.add(_("Startup: %(name)s (organisation #%(id)d)", name=req.startup.name, id=req.startup_id))


def _subject(doc: _Clauses, req: ResourceRequest, locale: str) -> None:
    listing = req.listing
    doc.heading(_("Subject"))
    doc.add(_("Resource: %(title)s (listing #%(id)d, %(category)s)", title=listing.title, id=listing.id,
              category=str(CATEGORY_LABELS.get(listing.category, listing.category))))
    for key, value in (listing.category_fields or {}).items():
        if value not in (None, "", []):
            doc.add(_("%(label)s: %(value)s", label=str(CATEGORY_FIELD_LABELS.get(key, key)), value=_value(value)))
    doc.add(_("Quantity: %(quantity)d × %(unit)s", quantity=req.quantity, unit=unit_label(listing.unit)))
    if req.needed_by:
        doc.add(_("Needed by: %(date)s", date=format_when(req.needed_by, "medium", locale=locale)))
    if req.message:
        doc.add(_("The startup's request: %(message)s", message=req.message))


def _price(doc: _Clauses, quote: Quote, locale: str) -> None:
    cur = quote.currency
    made = quote.created_at.astimezone(UTC).date()  # a date, not a time in whoever accepted's zone
    doc.heading(_("Price (quote version %(n)d of %(date)s)", n=quote.version,
                  date=format_when(made, "medium", locale=locale)))
    for line in quote.lines:
        doc.add(_("%(item)s: %(quantity)s × %(price)s = %(amount)s", item=line.description,
                  quantity=f"{line.quantity.normalize():f}", price=format_money(line.unit_price, cur),
                  amount=format_money(line.amount, cur)))
    doc.add(_("Subtotal: %(amount)s", amount=format_money(quote.subtotal, cur)))
    doc.add(_("Tax at %(rate)s%%: %(amount)s", rate=f"{quote.tax_rate.normalize():f}",
              amount=format_money(quote.tax_amount, cur)))
    doc.add(_("Total: %(amount)s, in %(currency)s", amount=format_money(quote.total, cur),
              currency=str(CURRENCY_LABELS.get(cur, cur))))
    doc.add(_("Invoice: the provider issues a %(fapiao)s for the amount paid.",
              fapiao=str(FAPIAO_LABELS.get(quote.fapiao_type, quote.fapiao_type))))


def _payment(doc: _Clauses, req: ResourceRequest, quote: Quote) -> None:
    doc.heading(_("Payment"))
    doc.add(_("Pricing model: %(model)s", model=str(PRICING_LABELS.get(req.pricing_model, req.pricing_model))))
    doc.add(_("Payment terms: %(terms)s", terms=str(PAYMENT_TERMS_LABELS.get(quote.payment_terms,
                                                                             quote.payment_terms))))
    if quote.payment_terms == PaymentTerms.VOUCHER:
        doc.add(_("The total is paid from the startup's incubator voucher balance when the quote is accepted."))
    if quote.payment_terms == PaymentTerms.CASH_EQUITY:
        doc.add(_("Cash part: %(amount)s.", amount=format_money(quote.total, quote.currency)))
    if quote.equity_percent is not None:
        doc.add(_("Equity for services: %(percent)s%% of the startup's %(share_class)s.",
                  percent=f"{quote.equity_percent.normalize():f}",
                  share_class=quote.share_class or _("shares (class to be agreed)")))
        if quote.valuation_note:
            doc.add(_("Valuation: %(note)s", note=quote.valuation_note))


def _delivery(doc: _Clauses, quote: Quote, locale: str) -> None:
    doc.heading(_("Delivery"))
    for milestone in quote.milestones:
        if milestone.due_on:
            doc.add(_("Milestone: %(title)s, by %(date)s", title=milestone.title,
                      date=format_when(milestone.due_on, "medium", locale=locale)))
        else:
            doc.add(_("Milestone: %(title)s", title=milestone.title))
    doc.add(_("Delivery is accepted by the startup, or automatically 14 days after delivery if unanswered."))


def _negotiation(doc: _Clauses, req: ResourceRequest, quote: Quote) -> None:
    doc.heading(_("Negotiation"))
    if req.counter_price is not None:
        doc.add(_("The startup's counter-offer before this quote: %(amount)s.",
                  amount=format_money(req.counter_price, quote.currency)))
    if quote.note:
        doc.add(_("Provider's terms: %(note)s", note=quote.note))
    doc.add(_("What the parties wrote in the request's negotiation thread on Fuhua stays available to both."))


def _signing(doc: _Clauses) -> None:
    doc.heading(_("Signing"))
    doc.add(_("This agreement takes effect when both parties have signed it on Fuhua; each signature records the "
              "signer's typed full name, the time and the network address. The work starts after both have "
              "signed."))
    doc.add(_("The English and the Chinese versions have the same content."))
