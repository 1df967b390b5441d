"""Cooperation signing (签约): the agreement drawn up at acceptance, each party's explicit signature (typed full
name and consent; time and network address recorded), and the public check of a hash against stored agreements.

The work starts only once both parties have signed (`services.start` asks `both_signed`).
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.core import uow
from app.core.db import utcnow
from app.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from app.extensions import db
from app.marketplace import services
from app.marketplace.models import Agreement
from app.marketplace.models import RequestState as S
from app.marketplace.states import Party

SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_NAME = 200


def both_signed(agreement: Agreement | None) -> bool:
    return bool(agreement and agreement.startup_accepted_at and agreement.provider_accepted_at)


def get_agreement(*, actor, request_id: int) -> Agreement:
    """A request's agreement, for its two parties and admins."""
    req = services.get_request(request_id, viewer=actor)
    if req.agreement is None:
        raise NotFound(_l("This request has no agreement yet: it is drawn up when the quote is accepted."),
                       code="no_agreement")
    return req.agreement


def _signer_name(full_name: str | None) -> str:
    name = " ".join((full_name or "").split())
    if not name:
        raise Invalid(details={"full_name": [str(_l("Type your full name to sign."))]})
    if len(name) > MAX_NAME:
        raise Invalid(details={"full_name": [str(_l("Keep your name under %(num)d characters.", num=MAX_NAME))]})
    return name


def _side_to_sign(agreement: Agreement, sides: list[str], side: str | None) -> str:
    if not sides:
        raise PermissionDenied(_l("Only the two parties sign the agreement."), code="not_a_party")
    if side is not None and side not in sides:
        raise PermissionDenied(_l("You do not belong to that side of the request."), code="not_a_party")
    unsigned = [s for s in ([side] if side else sides) if getattr(agreement, f"{s}_accepted_at") is None]
    if not unsigned:
        raise Conflict(_l("Your side has already signed this agreement."), code="already_signed")
    return unsigned[0]


def sign(*, actor, request_id: int, full_name: str, consent: bool, ip: str | None = None,
         side: str | None = None) -> Agreement:
    """A party signs the agreement explicitly: their typed full name and consent; the time and network address are
    recorded. Once per side (a repeat, also at the same instant, is a 409 `already_signed`)."""
    name = _signer_name(full_name)
    if consent is not True:
        raise Invalid(details={"consent": [str(_l("Tick the box to confirm that you sign this agreement."))]})
    with uow.unit_of_work(lock=services.request_lock(request_id)):
        agreement = get_agreement(actor=actor, request_id=request_id)
        req = agreement.request
        if req.state != S.ACCEPTED:
            raise Conflict(_l("This agreement can no longer be signed: the request is “%(state)s”.",
                              state=services.state_label(req.state)), code="invalid_transition",
                           details={"state": req.state, "action": "sign"})
        signing = _side_to_sign(agreement, services.parties_of(actor, req), side)
        setattr(agreement, f"{signing}_accepted_by_id", actor.id)
        setattr(agreement, f"{signing}_accepted_at", utcnow())
        setattr(agreement, f"{signing}_signer_name", name)
        setattr(agreement, f"{signing}_signer_ip", (ip or "")[:45] or None)
        db.session.flush()
        done = both_signed(agreement)
        services.record_event(req, actor.id, "sign", req.state, req.state,
                              {"side": signing, "name": name, "terms_sha256": agreement.terms_sha256,
                               "both_signed": done})
        other = Party.PROVIDER if signing == Party.STARTUP else Party.STARTUP
        services.notify_side(req, other, "agreement_signed", {"name": name, "listing": req.listing.title},
                             exclude=actor)
        services.push_update(req)
    return agreement


def verify(sha: str | None) -> Agreement | None:
    """The stored agreement whose terms have this SHA-256 (case and spaces ignored), or None."""
    sha = "".join((sha or "").split()).lower()
    if not SHA256.match(sha):
        raise Invalid(details={"sha256": [str(_l("A SHA-256 is 64 hexadecimal characters (0–9, a–f)."))]})
    return db.session.scalar(select(Agreement).where(Agreement.terms_sha256 == sha).order_by(Agreement.id).limit(1))
