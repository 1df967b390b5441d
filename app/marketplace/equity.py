"""A startup's equity ledger (以服务换股权): the shares providers received for their services, written on completion
of an equity deal (`settlement.record_equity`); seen by the startup's members and admins, exported as CSV."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from flask import Response
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts import organisations
from app.core.errors import NotFound, PermissionDenied
from app.core.i18n import format_when
from app.extensions import db
from app.marketplace.models import EquityEntry
from app.startups.models import Startup

STATUS_LABELS = {"recorded": _l("recorded"), "void": _l("void (refunded)")}


def can_view(user, startup: Startup) -> bool:
    """The startup's members and admins."""
    return bool(getattr(user, "is_authenticated", False)) and (
        getattr(user, "is_admin", False) or organisations.is_member(user, startup))


def ledger(*, actor, startup_id: int) -> tuple[Startup, list[EquityEntry]]:
    """A startup's equity entries, oldest first (its members and admins)."""
    startup = db.session.get(Startup, startup_id) if organisations.valid_id(startup_id) else None
    if startup is None:
        raise NotFound(_l("Startup not found."))
    if not can_view(actor, startup):
        raise PermissionDenied(_l("Only the members of %(org)s can see its equity ledger.", org=startup.name),
                               code="not_a_member")
    entries = list(db.session.scalars(select(EquityEntry).where(EquityEntry.startup_id == startup_id)
                                      .order_by(EquityEntry.created_at, EquityEntry.id)))
    return startup, entries


def total_percent(entries: list[EquityEntry]) -> Decimal:
    """The share given for services and still standing (void entries left out)."""
    return sum((e.equity_percent for e in entries if e.status == "recorded"), Decimal("0"))


def to_csv(entries: list[EquityEntry]) -> bytes:
    """The ledger as CSV: UTF-8 with a byte-order mark (so Excel reads the Chinese right), headers in the reader's
    language."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(h) for h in (_l("Date"), _l("Holder"), _l("Equity (%)"), _l("Share class"),
                                      _l("Valuation note"), _l("Services"), _l("Request"), _l("Cash part"),
                                      _l("Currency"), _l("Status"))])
    for e in entries:
        writer.writerow([format_when(e.created_at, "yyyy-MM-dd HH:mm"), e.holder_name, f"{e.equity_percent:.2f}",
                         e.share_class or "", e.valuation_note or "", e.services, e.request_id or "",
                         f"{e.cash_amount:.2f}", e.currency, str(STATUS_LABELS.get(e.status, e.status))])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_response(entries: list[EquityEntry], startup_id: int) -> Response:
    """The CSV as a download."""
    response = Response(to_csv(entries), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f"attachment; filename=fuhua-equity-ledger-{startup_id}.csv"
    response.headers["Cache-Control"] = "private, no-store"
    return response
