"""Voucher credit: admins grant it to startups; voucher-priced requests hold it at acceptance and spend it on
completion (a cancel or a refunding dispute releases the hold).

The balance lives in one row per startup: `balance` (available) and `held`. Both only change by a conditional
UPDATE (`... WHERE balance >= :amount` for a hold), so neither can go below zero, however many requests accept
at once; every change also writes a ledger line with the available and held amounts after it.
"""
import logging
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.accounts import organisations
from app.core import uow
from app.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from app.extensions import db
from app.marketplace.models import VoucherAccount, VoucherEntry
from app.startups.models import Startup

log = logging.getLogger(__name__)


def _startup(startup_id: int) -> Startup:
    startup = db.session.get(Startup, startup_id) if organisations.valid_id(startup_id) else None
    if startup is None:
        raise NotFound(_l("Startup not found."))
    return startup


def _ensure_account(startup_id: int) -> None:
    """Create the startup's account row if missing (a concurrent creator wins harmlessly)."""
    if db.session.scalar(select(VoucherAccount.id).where(VoucherAccount.startup_id == startup_id)) is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(VoucherAccount(startup_id=startup_id, balance=Decimal("0")))
    except IntegrityError:
        pass


def balance_of(startup_id: int) -> Decimal:
    value = db.session.scalar(select(VoucherAccount.balance).where(VoucherAccount.startup_id == startup_id))
    return Decimal(value or 0).quantize(Decimal("0.01"))


def balances() -> dict[int, tuple[Decimal, Decimal]]:
    """Every startup's (available, held) voucher amounts, by startup id (those with an account)."""
    return {row.startup_id: (Decimal(row.balance), Decimal(row.held))
            for row in db.session.execute(select(VoucherAccount.startup_id, VoucherAccount.balance,
                                                 VoucherAccount.held))}


def held_of(startup_id: int) -> Decimal:
    value = db.session.scalar(select(VoucherAccount.held).where(VoucherAccount.startup_id == startup_id))
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _balance_now(startup_id: int) -> Decimal:
    db.session.expire_all()
    return balance_of(startup_id)


def _entry(startup_id: int, amount: Decimal, kind: str, *, actor_id, request_id, note: str) -> VoucherEntry:
    entry = VoucherEntry(startup_id=startup_id, amount=amount, kind=kind, balance_after=_balance_now(startup_id),
                         held_after=held_of(startup_id), request_id=request_id, actor_id=actor_id, note=note)
    db.session.add(entry)
    db.session.flush()
    return entry


def hold(*, startup_id: int, amount: Decimal, actor_id: int | None, request_id: int, note: str = "") -> VoucherEntry:
    """Move `amount` from available to held atomically, or Conflict `insufficient_voucher_balance`; flushes."""
    _ensure_account(startup_id)
    result = db.session.execute(
        update(VoucherAccount)
        .where(VoucherAccount.startup_id == startup_id, VoucherAccount.balance >= amount)
        .values(balance=VoucherAccount.balance - amount, held=VoucherAccount.held + amount)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_l("The startup's voucher balance is too low for this request."),
                       code="insufficient_voucher_balance",
                       details={"balance": str(balance_of(startup_id)), "amount": str(amount)})
    return _entry(startup_id, -amount, "hold", actor_id=actor_id, request_id=request_id, note=note)


def _take_hold(startup_id: int, amount: Decimal, back_to_balance: bool) -> None:
    values = {"held": VoucherAccount.held - amount}
    if back_to_balance:
        values["balance"] = VoucherAccount.balance + amount
    result = db.session.execute(
        update(VoucherAccount).where(VoucherAccount.startup_id == startup_id, VoucherAccount.held >= amount)
        .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:  # the request's own hold is always there: this is a broken ledger, not a user error
        raise RuntimeError(f"voucher account of startup {startup_id} holds less than {amount}")


def settle_hold(*, startup_id: int, amount: Decimal, actor_id: int | None, request_id: int,
                note: str = "") -> VoucherEntry:
    """Turn (part of) a request's hold into a spend: the held amount goes down, available stays; flushes."""
    _take_hold(startup_id, amount, back_to_balance=False)
    return _entry(startup_id, -amount, "spend", actor_id=actor_id, request_id=request_id, note=note)


def release_hold(*, startup_id: int, amount: Decimal, actor_id: int | None, request_id: int,
                 note: str = "") -> VoucherEntry:
    """Give (part of) a request's hold back to the available balance; flushes."""
    _take_hold(startup_id, amount, back_to_balance=True)
    return _entry(startup_id, amount, "release", actor_id=actor_id, request_id=request_id, note=note)


def credit(*, startup_id: int, amount: Decimal, kind: str, actor_id: int | None, request_id: int | None = None,
           note: str = "") -> VoucherEntry:
    """Add credit (a grant or a refund); flushes, the caller commits."""
    result = db.session.execute(update(VoucherAccount).where(VoucherAccount.startup_id == startup_id)
                                .values(balance=VoucherAccount.balance + amount))
    if result.rowcount != 1:
        _ensure_account(startup_id)
        db.session.execute(update(VoucherAccount).where(VoucherAccount.startup_id == startup_id)
                           .values(balance=VoucherAccount.balance + amount))
    return _entry(startup_id, amount, kind, actor_id=actor_id, request_id=request_id, note=note)


def grant(*, actor, startup_id: int, amount: Decimal, note: str = "") -> VoucherEntry:
    """An admin grants voucher credit to a startup."""
    if not getattr(actor, "is_admin", False):
        raise PermissionDenied(_l("Only administrators can grant vouchers."), code="admins_only")
    _startup(startup_id)
    if amount is None or amount <= 0:
        raise Invalid(details={"amount": [str(_l("Grant a positive amount."))]})
    actor_id = actor.id
    with uow.unit_of_work():
        entry = credit(startup_id=startup_id, amount=Decimal(amount), kind="grant", actor_id=actor_id,
                       note=note or "")
        _notify_grant(entry)
    log.info("admin %s granted %s voucher credit to startup %s", actor_id, amount, startup_id)
    return entry


def _notify_grant(entry: VoucherEntry) -> None:
    """Tell the startup's active members about the new credit (in the grant's unit of work)."""
    from app.notifications import services as notifications
    startup = db.session.get(Startup, entry.startup_id)
    data, url = {"startup": startup.name, "amount": str(entry.amount)}, f"/startups/{startup.id}/vouchers"
    for user in [m.user for m in startup.memberships if m.user.is_active]:
        try:
            notifications.notify(user=user, kind="voucher_granted", data=data, url=url)
        except Exception:
            log.exception("could not notify user %s (voucher_granted)", user.id)


def can_view(user, startup: Startup) -> bool:
    return organisations.can_edit(user, startup)


def account(*, actor, startup_id: int) -> tuple[Decimal, list[VoucherEntry]]:
    """A startup's available balance and ledger, newest first (its members and admins); `held_of` gives what
    accepted requests hold."""
    startup = _startup(startup_id)
    if not can_view(actor, startup):
        raise PermissionDenied(_l("Only the members of %(org)s can see its vouchers.", org=startup.name),
                               code="not_a_member")
    entries = list(db.session.scalars(select(VoucherEntry).where(VoucherEntry.startup_id == startup_id)
                                      .order_by(VoucherEntry.id.desc()).limit(200)))
    return balance_of(startup_id), entries
