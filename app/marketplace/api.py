"""JSON API for resource listings, requests, negotiation, settlement and vouchers."""
from functools import partial

from flask import Response, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from app.core.api import error_responses
from app.core.errors import Invalid
from app.core.pagination import PageArgsSchema, page_schema
from app.marketplace import agreements, disputes, equity, payments, reviews, vouchers
from app.marketplace import schemas as s
from app.marketplace import services as request_services
from app.marketplace.states import actions_for
from app.providers import listings, photos, search, services, slots

blp = Blueprint("marketplace_api", __name__, url_prefix="/api", description="Resource marketplace")


def _me():
    return current_user._get_current_object()


_errors = partial(error_responses, blp)


# Listings -----------------------------------------------------------------------------------

def _provider_id_for(user, provider_id):
    if provider_id is not None:
        return provider_id
    mine = services.providers_for(user)
    if len(mine) == 1:
        return mine[0].id
    message = _l("Choose one of your provider organisations.") if mine else \
        _l("Create a provider organisation before listing resources.")
    raise Invalid(details={"provider_id": [str(message)]})


@blp.route("/listings", methods=["POST"])
@blp.arguments(s.CreateListingSchema)
@blp.response(201, s.ListingSchema)
@_errors(401, 403)
@login_required
def create_listing(data):
    """List a resource for one of your provider organisations (a draft unless `status` says published)."""
    provider_id = _provider_id_for(_me(), data.pop("provider_id"))
    return listings.create_listing(actor=_me(), provider_id=provider_id, **data)


@blp.route("/listings", methods=["GET"])
@blp.arguments(s.ListingSearchArgsSchema, location="query")
@blp.response(200, s.ListingPageSchema)
def list_listings(args):
    """Search published listings: full text, filters, sort, pagination (and facet counts with `facets=true`)."""
    filters = search.Filters(q=args["q"], category=args["category"], city=args["city"],
                             pricing_model=args["pricing_model"], min_price=args["min_price"],
                             max_price=args["max_price"], provider_id=args["provider_id"] or args["provider"],
                             accelerator_model=args["accelerator_model"], accreditation=args["accreditation"])
    result = search.search(filters, sort=args["sort"], page=args["page"], per_page=args["per_page"],
                           with_facets=args["facets"])
    body = {"items": result.page.items, "page": result.page.page, "per_page": result.page.per_page,
            "total": result.page.total, "pages": result.page.pages}
    if args["facets"]:
        body["facets"] = {name: [{"value": v, "count": c} for v, c in values]
                          for name, values in result.facets.items()}
    return body


@blp.route("/listings/<int:listing_id>", methods=["GET"])
@blp.response(200, s.ListingSchema)
@_errors(404)
def get_listing(listing_id):
    """A published listing (drafts and archived ones for their organisation only)."""
    return listings.get_listing(listing_id, viewer=current_user)


@blp.route("/listings/<int:listing_id>", methods=["PATCH"])
@blp.arguments(s.UpdateListingSchema)
@blp.response(200, s.ListingSchema)
@_errors(401, 403, 404)
@login_required
def update_listing(data, listing_id):
    """Edit, publish (`status: published`) or archive a listing."""
    return listings.update_listing(actor=_me(), listing_id=listing_id, **data)


# Photos and calendars -----------------------------------------------------------------------

@blp.route("/listings/<int:listing_id>/photos", methods=["GET"])
@blp.response(200, s.ListingPhotoSchema(many=True))
@_errors(404)
def list_listing_photos(listing_id):
    """A listing's photos in order (the first is the cover)."""
    return listings.get_listing(listing_id, viewer=current_user).photos


@blp.route("/listings/<int:listing_id>/photos", methods=["POST"])
@blp.arguments(s.ListingPhotoUploadSchema, location="multipart")
@blp.response(201, s.ListingPhotoSchema)
@_errors(401, 403, 404, 409, 413)
@login_required
def upload_listing_photo(data, listing_id):
    """Upload a photo (multipart `file`: JPEG, PNG, WebP or GIF, checked by content, 10 MB, 200 px or more a side,
    12 per listing). It is turned upright, stripped of EXIF and stored at 1600 and 480 px; added last."""
    content = data["file"].read(photos.MAX_PHOTO_BYTES + 1)
    return photos.add_photo(actor=_me(), listing_id=listing_id, data=content)


@blp.route("/listings/<int:listing_id>/photos/order", methods=["PUT"])
@blp.arguments(s.ReorderListingPhotosSchema)
@blp.response(200, s.ListingPhotoSchema(many=True))
@_errors(401, 403, 404)
@login_required
def reorder_listing_photos(data, listing_id):
    """Order the photos: `{photo_ids}`, every photo once, the cover first."""
    return photos.reorder_photos(actor=_me(), listing_id=listing_id, photo_ids=data["photo_ids"])


@blp.route("/listings/<int:listing_id>/photos/<int:photo_id>", methods=["DELETE"])
@blp.response(204)
@_errors(401, 403, 404)
@login_required
def delete_listing_photo(listing_id, photo_id):
    """Remove a photo (and its files)."""
    photos.delete_photo(actor=_me(), listing_id=listing_id, photo_id=photo_id)


@blp.route("/listings/<int:listing_id>/slots", methods=["GET"])
@blp.arguments(s.ListingSlotListArgsSchema, location="query")
@blp.response(200, s.ListingSlotSchema(many=True))
@_errors(404)
def list_listing_slots(args, listing_id):
    """A calendar listing's free slots ahead (`start`, `end`; at most 500); its provider may `include_taken`."""
    listing = listings.get_listing(listing_id, viewer=current_user)
    include_taken = args["include_taken"] and listings.can_manage(current_user, listing)
    return slots.calendar(listing, start=args["start"], end=args["end"], include_taken=include_taken)


@blp.route("/listings/<int:listing_id>/slots", methods=["POST"])
@blp.arguments(s.AddListingSlotsSchema)
@blp.response(201, s.ListingSlotSchema(many=True))
@_errors(401, 403, 404, 409)
@login_required
def add_listing_slots(data, listing_id):
    """Add bookable slots: `{slots: [{starts_at, ends_at}]}` or a weekly `{pattern}`; 409 `slot_overlap` if one
    overlaps a slot already there."""
    times = ([(slot["starts_at"], slot["ends_at"]) for slot in data["slots"]] if data["slots"] is not None
             else slots.pattern_slots(**data["pattern"]))
    return slots.add_slots(actor=_me(), listing_id=listing_id, slots=times)


@blp.route("/listings/<int:listing_id>/slots/<int:slot_id>", methods=["DELETE"])
@blp.response(204)
@_errors(401, 403, 404, 409)
@login_required
def delete_listing_slot(listing_id, slot_id):
    """Remove a free slot (409 `slot_taken` if booked, `slot_requested` while an open request asks for it)."""
    slots.delete_slot(actor=_me(), listing_id=listing_id, slot_id=slot_id)


# Requests -----------------------------------------------------------------------------------

def _with_actions(req, user):
    sides = request_services.parties_of(user, req)
    req.allowed_actions = sorted({a for side in sides for a in actions_for(req.state, side)})
    return req


@blp.route("/listings/<int:listing_id>/requests", methods=["POST"])
@blp.arguments(s.CreateRequestSchema)
@blp.response(201, s.RequestSchema)
@_errors(401, 403, 404, 409)
@login_required
def create_request(data, listing_id):
    """Request a listing for your startup: `{quantity, message, needed_by}`."""
    req = request_services.create_request(founder=_me(), listing_id=listing_id, **data)
    return _with_actions(req, _me())


@blp.route("/requests", methods=["GET"])
@blp.arguments(s.RequestListArgsSchema, location="query")
@blp.response(200, page_schema(s.RequestSchema))
@_errors(401)
@login_required
def list_requests(args):
    """The requests you are a party to: made by your startups and made to your provider organisations."""
    page = request_services.list_requests(actor=_me(), **args)
    for req in page.items:
        _with_actions(req, _me())
    return page


@blp.route("/requests/flagged", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, page_schema(s.FlaggedRequestSchema))
@_errors(401, 403)
@login_required
def list_flagged_requests(args):
    """Admins: open requests whose provider's listings are hidden (deactivated or unverified provider)."""
    page = request_services.flagged_requests(actor=_me(), **args)
    for req in page.items:
        _with_actions(req, _me())
    return page


@blp.route("/requests/<int:request_id>", methods=["GET"])
@blp.response(200, s.RequestDetailSchema)
@_errors(401, 404)
@login_required
def get_request(request_id):
    """One request with its timeline, agreement, settlement and the reviews you may see (the two parties)."""
    req = _with_actions(request_services.get_request(request_id, viewer=_me()), _me())
    req.visible_reviews = reviews.visible_reviews(req, _me())
    req.visible_startup_review = next((r for r in req.visible_reviews if r.side == "startup"), None)
    return req


@blp.route("/requests/<int:request_id>/quote", methods=["POST"])
@blp.arguments(s.QuoteInputSchema)
@blp.response(200, s.RequestSchema)
@_errors(401, 403, 404, 409)
@login_required
def quote_request(data, request_id):
    """The provider quotes (or re-quotes) as a document: line items, currency, tax rate, fapiao type, validity,
    payment terms (an equity share for services-for-equity) and milestones; the server computes the totals."""
    return _with_actions(request_services.quote(actor=_me(), request_id=request_id, **data), _me())


@blp.route("/requests/<int:request_id>/counter", methods=["POST"])
@blp.arguments(s.OfferSchema)
@blp.response(200, s.RequestSchema)
@_errors(401, 403, 404, 409)
@login_required
def counter_request(data, request_id):
    """The startup answers a quote with a counter-offer."""
    return _with_actions(request_services.counter(actor=_me(), request_id=request_id, **data), _me())


def _simple_move(name: str, func, doc: str):
    @blp.route(f"/requests/<int:request_id>/{name}", methods=["POST"], endpoint=f"{name.replace('-', '_')}_request")
    @blp.response(200, s.RequestSchema)
    @_errors(401, 403, 404, 409)
    @login_required
    def view(request_id):
        return _with_actions(func(actor=_me(), request_id=request_id), _me())

    view.__doc__ = doc
    return view


def _noted_move(name: str, func, doc: str):
    @blp.route(f"/requests/<int:request_id>/{name}", methods=["POST"], endpoint=f"{name.replace('-', '_')}_request")
    @blp.arguments(s.MoveNoteSchema)
    @blp.response(200, s.RequestSchema)
    @_errors(401, 403, 404, 409)
    @login_required
    def view(data, request_id):
        return _with_actions(func(actor=_me(), request_id=request_id, **data), _me())

    view.__doc__ = doc
    return view


@blp.route("/requests/<int:request_id>/accept", methods=["POST"])
@blp.arguments(s.AcceptSchema)
@blp.response(200, s.RequestSchema)
@_errors(401, 403, 404, 409)
@login_required
def accept_request(data, request_id):
    """The startup accepts the quote it saw (`quote_id`): capacity is reserved, vouchers paid, the agreement drawn
    up. 409 `quote_changed` if the provider re-quoted since (nothing is charged), or if no capacity is left."""
    return _with_actions(request_services.accept(actor=_me(), request_id=request_id, **data), _me())


_noted_move("decline", request_services.decline,
            "The provider declines a request or counter-offer; the startup a quote.")
_noted_move("cancel", request_services.cancel, "Either party cancels before delivery; capacity and vouchers come back.")
_simple_move("start", request_services.start,
             "The provider starts the work once both parties have signed the agreement (409 agreement_unsigned).")
_noted_move("deliver", request_services.deliver, "The provider delivers (or re-delivers).")
_noted_move("request-changes", request_services.request_changes,
            "The startup asks for changes to a delivery: `{note}` says what.")
_simple_move("complete", request_services.complete,
             "The startup accepts the delivery: completed, with a settlement record.")


@blp.route("/requests/<int:request_id>/agreement", methods=["GET"])
@blp.response(200, s.AgreementSchema)
@_errors(401, 404)
@login_required
def get_agreement(request_id):
    """The cooperation agreement: terms (English, then Chinese), their SHA-256, and each party's signature."""
    return agreements.get_agreement(actor=_me(), request_id=request_id)


@blp.route("/requests/<int:request_id>/agreement/sign", methods=["POST"])
@blp.arguments(s.SignAgreementSchema)
@blp.response(200, s.AgreementSchema)
@_errors(401, 403, 404, 409)
@login_required
def sign_agreement(data, request_id):
    """Sign the agreement for your side: `{full_name, consent: true}`; the time and your address are recorded."""
    return agreements.sign(actor=_me(), request_id=request_id, ip=request.remote_addr, **data)


@blp.route("/requests/<int:request_id>/agreement.pdf", methods=["GET"])
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf")
@_errors(401, 404)
@login_required
def download_agreement_pdf(request_id):
    """The agreement as a PDF (both languages, the signatures and the SHA-256)."""
    return _pdf_response(agreements.get_agreement(actor=_me(), request_id=request_id))


def _pdf_response(agreement) -> Response:
    from app.marketplace.agreement_pdf import agreement_pdf  # (fpdf: loaded by wsgi.py's warm-up, not at import)

    response = Response(agreement_pdf(agreement), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename=fuhua-agreement-{agreement.request_id}.pdf"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route("/agreements/verify", methods=["GET"])
@blp.arguments(s.VerifyAgreementArgsSchema, location="query")
@blp.response(200, s.AgreementVerificationSchema)
def verify_agreement(args):
    """Anyone: does a stored agreement have this SHA-256? `valid`, and if so the parties and signing times."""
    found = agreements.verify(args["sha256"])
    return {"sha256": "".join(args["sha256"].split()).lower(), "valid": found is not None, "agreement": found}


@blp.route("/requests/<int:request_id>/settlement/paid", methods=["POST"])
@blp.response(200, s.SettlementSchema)
@_errors(401, 403, 404, 409)
@login_required
def mark_settlement_paid(request_id):
    """The provider marks every payment still due on a completed request received (409 `no_pending_settlement`
    if none is); the startup confirms each (`/api/payments/{id}/confirm`)."""
    return payments.mark_all_paid(actor=_me(), request_id=request_id)


@blp.route("/requests/<int:request_id>/payments", methods=["GET"])
@blp.response(200, s.PaymentSchema(many=True))
@_errors(401, 404)
@login_required
def list_payments(request_id):
    """The cash payments of a request, one per milestone of the accepted quote (the parties and admins)."""
    return request_services.get_request(request_id, viewer=_me()).payments


@blp.route("/payments/<int:payment_id>/paid", methods=["POST"])
@blp.response(200, s.PaymentSchema)
@_errors(401, 403, 404, 409)
@login_required
def mark_payment_paid(payment_id):
    """The provider marks a due milestone payment received (409 `payment_not_due` if it is not due)."""
    return payments.mark_paid(actor=_me(), payment_id=payment_id)


@blp.route("/payments/<int:payment_id>/confirm", methods=["POST"])
@blp.response(200, s.PaymentSchema)
@_errors(401, 403, 404, 409)
@login_required
def confirm_payment(payment_id):
    """The startup confirms a payment the provider marked received (409 `payment_not_marked` otherwise); the last
    confirmation of a completed request pays its settlement."""
    return payments.confirm(actor=_me(), payment_id=payment_id)


# Disputes -----------------------------------------------------------------------------------

@blp.route("/requests/<int:request_id>/dispute", methods=["POST"])
@blp.arguments(s.CreateDisputeSchema)
@blp.response(201, s.DisputeSchema)
@_errors(401, 403, 404, 409)
@login_required
def raise_dispute(data, request_id):
    """The startup disputes a delivery within 14 days of it: `{reason}`. One per request (409 `dispute_exists`);
    409 `dispute_window_closed` after 14 days, `not_delivered` before delivery."""
    return disputes.raise_dispute(actor=_me(), request_id=request_id, reason=data["reason"])


@blp.route("/disputes", methods=["GET"])
@blp.arguments(s.DisputeListArgsSchema, location="query")
@blp.response(200, page_schema(s.DisputeWithRequestSchema))
@_errors(401, 403)
@login_required
def list_disputes(args):
    """Admins: disputes, open ones first (`?state=` filters)."""
    page = disputes.list_disputes(actor=_me(), **args)
    for item in page.items:
        _with_actions(item.request, _me())
    return page


@blp.route("/disputes/<int:dispute_id>", methods=["GET"])
@blp.response(200, s.DisputeSchema)
@_errors(401, 404)
@login_required
def get_dispute(dispute_id):
    """A dispute (admins, and the request's parties)."""
    return disputes.get_dispute(actor=_me(), dispute_id=dispute_id)


@blp.route("/disputes/<int:dispute_id>/resolve", methods=["POST"])
@blp.arguments(s.ResolveDisputeSchema)
@blp.response(200, s.DisputeSchema)
@_errors(401, 403, 404, 409)
@login_required
def resolve_dispute(data, dispute_id):
    """Admins resolve an open dispute: `{outcome: refund | partial | reject, amount, note}` (409
    `dispute_resolved` if it was resolved already); vouchers, payments and equity follow."""
    return disputes.resolve(actor=_me(), dispute_id=dispute_id, **data)


@blp.route("/requests/<int:request_id>/review", methods=["POST"])
@blp.arguments(s.CreateReviewSchema)
@blp.response(201, s.ReviewSchema)
@_errors(401, 403, 404, 409)
@login_required
def review_request(data, request_id):
    """Rate the other side of a completed request: `{rating 1–5, comment}`, once per side. The startup rates the
    provider, the provider rates the startup; each is hidden until both have rated or 14 days have passed."""
    return reviews.review(actor=_me(), request_id=request_id, **data)


@blp.route("/reviews/<int:review_id>/reply", methods=["POST"])
@blp.arguments(s.ReplySchema)
@blp.response(200, s.ReviewSchema)
@_errors(401, 403, 404, 409)
@login_required
def reply_to_review(data, review_id):
    """The reviewed side replies once, in public, to a review it can see: `{body}`."""
    return reviews.reply(actor=_me(), review_id=review_id, body=data["body"])


# Thread -------------------------------------------------------------------------------------

@blp.route("/requests/<int:request_id>/messages", methods=["GET"])
@blp.arguments(s.MessageListArgsSchema, location="query")
@blp.response(200, s.MessageSchema(many=True))
@_errors(401, 404)
@login_required
def list_messages(args, request_id):
    """The negotiation thread (after `after_id` if given), oldest first."""
    return request_services.list_messages(actor=_me(), request_id=request_id, after_id=args["after_id"])


@blp.route("/requests/<int:request_id>/messages", methods=["POST"])
@blp.arguments(s.CreateMessageSchema)
@blp.response(201, s.MessageSchema)
@_errors(401, 403, 404)
@login_required
def post_message(data, request_id):
    """Write in the negotiation thread: `{body}`. The other side is notified and the room updated live."""
    return request_services.post_message(actor=_me(), request_id=request_id, body=data["body"])


@blp.route("/requests/<int:request_id>/attachments", methods=["POST"])
@blp.arguments(s.AttachmentUploadSchema, location="multipart")
@blp.response(201, s.MessageSchema)
@_errors(401, 403, 404, 413)
@login_required
def post_attachment(data, request_id):
    """Attach a file (PDF, image, text, CSV, ZIP, Word, Excel; at most 10 MB) to the thread, with an optional body."""
    upload = data["file"]
    content = upload.read(request_services.MAX_ATTACHMENT_BYTES + 1)
    message = request_services.post_message(
        actor=_me(), request_id=request_id, body=data["body"],
        attachments=[(upload.filename or "file", upload.mimetype or "application/octet-stream", content)])
    return message


@blp.route("/request-attachments/<int:attachment_id>", methods=["GET"])
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
@_errors(401, 404)
@login_required
def download_attachment(attachment_id):
    """Download a thread attachment (the two parties)."""
    item = request_services.get_attachment(actor=_me(), attachment_id=attachment_id)
    response = Response(item.content, mimetype=item.content_type)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(item.filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote
    return quote(name, safe="")


# Vouchers -----------------------------------------------------------------------------------

@blp.route("/vouchers/grants", methods=["POST"])
@blp.arguments(s.GrantVoucherSchema)
@blp.response(201, s.VoucherEntrySchema)
@_errors(401, 403, 404)
@login_required
def grant_voucher(data):
    """Admins grant voucher credit to a startup: `{startup_id, amount, note}`."""
    entry = vouchers.grant(actor=_me(), **data)
    return entry


@blp.route("/startups/<int:startup_id>/vouchers", methods=["GET"])
@blp.response(200, s.VoucherAccountSchema)
@_errors(401, 403, 404)
@login_required
def voucher_account(startup_id):
    """A startup's voucher balance and ledger (its members and admins)."""
    balance, entries = vouchers.account(actor=_me(), startup_id=startup_id)
    return {"startup_id": startup_id, "balance": balance, "available": balance,
            "held": vouchers.held_of(startup_id), "entries": entries}


# Equity ledger ------------------------------------------------------------------------------

@blp.route("/startups/<int:startup_id>/equity", methods=["GET"])
@blp.response(200, s.EquityLedgerSchema)
@_errors(401, 403, 404)
@login_required
def equity_ledger(startup_id):
    """A startup's equity ledger (以服务换股权): shares given for services (its members and admins)."""
    _startup, entries = equity.ledger(actor=_me(), startup_id=startup_id)
    return {"startup_id": startup_id, "total_percent": equity.total_percent(entries), "entries": entries}


@blp.route("/startups/<int:startup_id>/equity.csv", methods=["GET"])
@blp.response(200, {"type": "string"}, content_type="text/csv")
@_errors(401, 403, 404)
@login_required
def equity_ledger_csv(startup_id):
    """The equity ledger as CSV (UTF-8 with a byte-order mark, for Excel)."""
    _startup, entries = equity.ledger(actor=_me(), startup_id=startup_id)
    return equity.csv_response(entries, startup_id)
