"""Resource marketplace pages: browse, listing, editor, requests (both sides), agreement, vouchers; CLI."""
from datetime import timedelta
from decimal import Decimal

import click
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_timezone, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts import organisations
from app.accounts.models import OrgKind
from app.core.db import utcnow
from app.core.errors import AppError, Invalid, PermissionDenied
from app.core.i18n import format_when
from app.extensions import db
from app.marketplace import agreements, disputes, equity, forms, payments, quotes, reviews, settlement, states, vouchers
from app.marketplace import services as request_services
from app.marketplace.models import DisputeState, Payment
from app.marketplace.schemas import ListingSearchArgsSchema
from app.providers import listings, photos, search, services, slots
from app.startups.models import Startup

bp = Blueprint("marketplace", __name__)
DISPUTE_STATES = tuple(DisputeState)


def _me():
    return current_user._get_current_object()


@bp.app_context_processor
def _labels():
    return {"CATEGORY_LABELS": listings.CATEGORY_LABELS, "PRICING_LABELS": listings.PRICING_LABELS,
            "LISTING_STATUS_LABELS": listings.STATUS_LABELS, "REQUEST_STATE_LABELS": states.STATE_LABELS,
            "EVENT_LABELS": states.EVENT_LABELS, "SETTLEMENT_LABELS": states.SETTLEMENT_LABELS,
            "CATEGORY_FIELD_LABELS": listings.CATEGORY_FIELD_LABELS, "BOOKING_LABELS": listings.BOOKING_LABELS,
            "listing_photo_url": photos.photo_url, "format_money": quotes.format_money,
            "CURRENCY_LABELS": quotes.CURRENCY_LABELS, "FAPIAO_LABELS": quotes.FAPIAO_LABELS,
            "PAYMENT_TERMS_LABELS": quotes.PAYMENT_TERMS_LABELS, "PAYMENT_LABELS": states.PAYMENT_LABELS,
            "DISPUTE_LABELS": states.DISPUTE_LABELS,
            "marketplace_listings_of": lambda provider: listings.listings_of_provider(provider.id, viewer=current_user)}


def _place_errors(form, error: AppError) -> None:
    """Field errors of a service next to the form's fields (category fields included), else a flash."""
    placed = False
    if isinstance(error, Invalid):
        for name, messages in error.details.items():
            if isinstance(messages, dict):
                for sub, sub_messages in messages.items():
                    sub = {"process": "pilot_process"}.get(sub, sub)
                    if sub in form._fields:
                        form[sub].errors = list(form[sub].errors) + list(sub_messages)
                        placed = True
            elif name in form._fields:
                form[name].errors = list(form[name].errors) + list(messages)
                placed = True
    if not placed:
        flash(error.message, "error")


# Browse and listing -------------------------------------------------------------------------

@bp.route("/resources")
def browse():
    """Search published listings with facets and counts."""
    raw = {k: v for k, v in request.args.items() if k in ListingSearchArgsSchema().fields}
    errors = ListingSearchArgsSchema().validate(raw)
    if errors:
        flash(_("Some search filters were not understood and were ignored."), "warning")
        raw = {k: v for k, v in raw.items() if k not in errors}
    args = ListingSearchArgsSchema().load(raw)
    filters = search.Filters(q=args["q"], category=args["category"], city=args["city"],
                             pricing_model=args["pricing_model"], min_price=args["min_price"],
                             max_price=args["max_price"], provider_id=args["provider_id"] or args["provider"],
                             accelerator_model=args["accelerator_model"], accreditation=args["accreditation"])
    result = search.search(filters, sort=args["sort"], page=args["page"], per_page=args["per_page"],
                           with_facets=True)
    current = {k: v for k, v in raw.items() if k != "page"}

    def link(**changes):
        params = {**current, **changes}
        return url_for("marketplace.browse", **{k: v for k, v in params.items() if v not in (None, "")})

    return render_template("marketplace/browse.html", page=result.page, facets=result.facets, filters=args,
                           filtered=bool(current), link=link, sorts=search.SORTS)


def _listing_page(item, form=None, status: int = 200):
    """The listing page: photos, description, specs, reviews, and the request form (a slot picker for calendar
    listings)."""
    if form is None and current_user.is_authenticated:
        mine = organisations.organisations_for(current_user, OrgKind.STARTUP)
        if mine:
            form = forms.RequestForm()
            form.startup_id.choices = forms.choices((s.id, s.name) for s in mine)
    open_slots = slots.calendar(item, end=utcnow() + timedelta(days=SLOT_DAYS_SHOWN)) if item.uses_calendar else []
    return render_template("marketplace/listing.html", listing=item, form=form,
                           description=listings.render_markdown(item.description),
                           reviews=reviews.reviews_of_listing(item.id),
                           provider_rating=reviews.provider_rating(item.provider_id),
                           can_manage=listings.can_manage(current_user, item), photo_url=photos.photo_url,
                           slot_days=_by_day(open_slots)), status


SLOT_DAYS_SHOWN = 90


def _by_day(items) -> list[tuple[str, list]]:
    """Slots grouped by their day in the viewer's time zone, in order."""
    zone = get_timezone()
    days: dict = {}
    for slot in items:
        days.setdefault(slot.starts_at.astimezone(zone).date(), []).append(slot)
    return [(format_when(day, "long"), day_slots) for day, day_slots in days.items()]


@bp.route("/resources/<int:listing_id>")
def listing(listing_id: int):
    """A listing: photos, sanitised description, specs, category fields, reviews, and the request form."""
    return _listing_page(listings.get_listing(listing_id, viewer=current_user))


@bp.route("/resources/<int:listing_id>/request", methods=["POST"])
@login_required
def create_request(listing_id: int):
    item = listings.get_listing(listing_id, viewer=_me())
    form = forms.RequestForm()
    form.startup_id.choices = forms.choices(
        (s.id, s.name) for s in organisations.organisations_for(_me(), OrgKind.STARTUP))
    if form.validate_on_submit():
        try:
            req = request_services.create_request(founder=_me(), listing_id=item.id, quantity=form.quantity.data,
                                                  message=form.message.data or "", needed_by=form.needed_by.data,
                                                  startup_id=form.startup_id.data, slot_id=form.slot_id.data)
        except AppError as error:
            db.session.rollback()
            _place_errors(form, error)
        else:
            flash(_("Request sent. The provider will answer with a quote."), "success")
            return redirect(url_for("marketplace.request_detail", request_id=req.id))
    return _listing_page(item, form, 422)


@bp.route("/resources/<int:listing_id>/photos/<int:photo_id>/<any(large, thumb):size>.<any(jpg, png):ext>")
def listing_photo(listing_id: int, photo_id: int, size: str, ext: str):
    """A listing photo, for whoever may see the listing (published ones: anyone; cached for a day, as a photo's
    address never changes)."""
    path, mimetype = photos.photo_file(viewer=current_user, listing_id=listing_id, photo_id=photo_id, size=size,
                                          extension=ext)
    public = listings.is_requestable(listings.get_listing(listing_id, viewer=current_user))
    response = send_file(path, mimetype=mimetype, max_age=86400)
    response.headers["Cache-Control"] = f"{'public' if public else 'private'}, max-age=86400"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _managed(listing_id: int):
    item = listings.get_listing(listing_id, viewer=_me())
    if not listings.can_manage(_me(), item):
        raise PermissionDenied(_("Only the members of this provider organisation can edit the listing."))
    return item


@bp.route("/resources/<int:listing_id>/photos", methods=["GET", "POST"])
@login_required
def listing_photos(listing_id: int):
    """The provider uploads, orders and removes a listing's photos (the first is the cover)."""
    item = _managed(listing_id)
    form = forms.PhotoUploadForm()
    status = 200
    if form.validate_on_submit():
        added, refused = 0, []
        for upload in form.photos.data:
            if not upload or not upload.filename:
                continue
            try:
                photos.add_photo(actor=_me(), listing_id=item.id, data=upload.read(photos.MAX_PHOTO_BYTES + 1))
                added += 1
            except AppError as error:
                if error.status_code not in (409, 413, 422):
                    raise
                db.session.rollback()
                refused.append(f"{upload.filename}: {error.message}")
        if added:
            flash(ngettext("%(num)d photo added.", "%(num)d photos added.", added), "success")
        for message in refused:
            flash(message, "error")
        if not refused:
            return redirect(url_for("marketplace.listing_photos", listing_id=item.id))
        status = 422
    elif request.method == "POST":
        status = 422
    db.session.expire(item, ["photos"])
    return render_template("marketplace/photos.html", listing=item, form=form,
                           photo_url=photos.photo_url, max_photos=photos.MAX_PHOTOS), status


@bp.route("/resources/<int:listing_id>/photos/<int:photo_id>/<any(cover, up, down, delete):move>",
          methods=["POST"])
@login_required
def move_listing_photo(listing_id: int, photo_id: int, move: str):
    """Make a photo the cover, move it up or down, or remove it."""
    if not forms.NoteForm().validate_on_submit():
        abort(400)
    if move == "delete":
        photos.delete_photo(actor=_me(), listing_id=listing_id, photo_id=photo_id)
        flash(_("Photo removed."), "success")
    else:
        photos.move_photo(actor=_me(), listing_id=listing_id, photo_id=photo_id, to=move)
        flash(_("The cover is now this photo.") if move == "cover" else _("Photo order saved."), "success")
    return redirect(url_for("marketplace.listing_photos", listing_id=listing_id))


@bp.route("/resources/<int:listing_id>/calendar", methods=["GET", "POST"])
@login_required
def listing_calendar(listing_id: int):
    """The provider's availability calendar of a listing: add slots from a weekly pattern, remove free ones."""
    item = _managed(listing_id)
    form = forms.SlotPatternForm()
    status = 200
    if form.validate_on_submit():
        try:
            times = slots.pattern_slots(first_day=form.first_day.data, last_day=form.last_day.data,
                                        weekdays=form.weekdays.data, start_time=form.start_time.data,
                                        end_time=form.end_time.data, slot_minutes=form.slot_minutes.data,
                                        timezone=_me().timezone)
            made = slots.add_slots(actor=_me(), listing_id=item.id, slots=times)
        except AppError as error:
            if error.status_code not in (409, 422):
                raise
            db.session.rollback()
            _place_errors(form, error)
            status = 422
        else:
            flash(ngettext("%(num)d slot added.", "%(num)d slots added.", len(made)), "success")
            return redirect(url_for("marketplace.listing_calendar", listing_id=item.id))
    elif request.method == "POST":
        status = 422
    upcoming = slots.calendar(item, include_taken=True)
    return render_template("marketplace/calendar.html", listing=item, form=form,
                           slot_days=_by_day(upcoming), timezone=_me().timezone), status


@bp.route("/resources/<int:listing_id>/calendar/<int:slot_id>/delete", methods=["POST"])
@login_required
def delete_listing_slot(listing_id: int, slot_id: int):
    """Remove a free slot from the calendar."""
    if not forms.NoteForm().validate_on_submit():
        abort(400)
    try:
        slots.delete_slot(actor=_me(), listing_id=listing_id, slot_id=slot_id)
    except AppError as error:
        if error.status_code != 409:
            raise
        flash(error.message, "error")
    else:
        flash(_("Slot removed."), "success")
    return redirect(url_for("marketplace.listing_calendar", listing_id=listing_id))


# Editor -------------------------------------------------------------------------------------

def _editor(item=None):
    mine = services.providers_for(_me())
    if not mine and not (item and listings.can_manage(_me(), item)):
        raise PermissionDenied(_("Create a provider organisation before listing resources."), code="no_provider")
    form = forms.ListingForm()
    form.provider_id.choices = forms.choices([(p.id, p.name) for p in mine] or [(item.provider_id, item.provider.name)])
    if request.method == "GET":
        if item is not None:
            form.fill_from(item)
        elif request.args.get("provider_id", type=int):
            form.provider_id.data = request.args.get("provider_id", type=int)
    if form.validate_on_submit():
        try:
            if item is None:
                item = listings.create_listing(actor=_me(), provider_id=form.provider_id.data, **form.service_fields())
                flash(_("Listing created."), "success")
            else:
                listings.update_listing(actor=_me(), listing_id=item.id, **form.service_fields())
                flash(_("Listing saved."), "success")
        except AppError as error:
            db.session.rollback()
            _place_errors(form, error)
        else:
            return redirect(url_for("marketplace.listing", listing_id=item.id))
    status = 422 if request.method == "POST" else 200
    return render_template("marketplace/editor.html", form=form, listing=item,
                           category_fields=forms.ListingForm.CATEGORY_FIELDS), status


@bp.route("/resources/new", methods=["GET", "POST"])
@login_required
def new_listing():
    """The listing editor for a new listing."""
    return _editor()


@bp.route("/resources/<int:listing_id>/edit", methods=["GET", "POST"])
@login_required
def edit_listing(listing_id: int):
    item = listings.get_listing(listing_id, viewer=_me())
    if not listings.can_manage(_me(), item):
        raise PermissionDenied(_("Only the members of this provider organisation can edit the listing."))
    return _editor(item)


@bp.route("/resources/mine")
@login_required
def my_listings():
    """The listings of the provider organisations you belong to (drafts included)."""
    providers = services.providers_for(_me())
    return render_template("marketplace/mine.html", providers=providers,
                           listings={p.id: listings.listings_of_provider(p.id, viewer=_me()) for p in providers})


# Requests -----------------------------------------------------------------------------------

@bp.route("/requests")
@login_required
def requests_index():
    """“My requests” (as a startup) and incoming requests (as a provider), by state."""
    side = request.args.get("side")
    has_startup = bool(organisations.organisations_for(_me(), OrgKind.STARTUP))
    has_provider = bool(services.providers_for(_me()))
    if side not in ("startup", "provider"):
        side = "provider" if has_provider and not has_startup else "startup"
    state = request.args.get("state") if request.args.get("state") in [s.value for s in states.STATES] else None
    page = request_services.list_requests(actor=_me(), side=side, state=state,
                                          page=min(max(request.args.get("page", 1, type=int) or 1, 1), 100_000))
    return render_template("marketplace/requests.html", page=page, side=side, state=state, has_startup=has_startup,
                           has_provider=has_provider)


@bp.route("/requests/<int:request_id>")
@login_required
def request_detail(request_id: int):
    """A request: its terms, the quote as a document, the timeline, the moves you may make, and the live thread."""
    req = request_services.get_request(request_id, viewer=_me())
    return _detail(req)


def _quote_form(req, formdata=None) -> forms.QuoteForm:
    """The quote form, filled from the current quote (or the listing's price) plus a spare row for each list."""
    allowed = quotes.terms_for(req.pricing_model)
    if formdata is not None:
        form = forms.QuoteForm(prefix="quote")
    else:
        form = forms.QuoteForm(prefix="quote", formdata=None, data=_quote_defaults(req))
    form.payment_terms.choices = forms.choices((t, quotes.PAYMENT_TERMS_LABELS[t]) for t in allowed)
    return form


def _quote_defaults(req) -> dict:
    current = req.current_quote
    if current is None:
        price = listings.unit_total(req.listing, 1) if req.listing.price is not None else None
        lines = [{"description": req.listing.title, "quantity": req.quantity, "unit_price": price}]
        return {"lines": [*lines, {}], "milestones": [{}],
                "payment_terms": quotes.terms_for(req.pricing_model)[0]}
    return {
        "lines": [*({"description": line.description, "quantity": line.quantity, "unit_price": line.unit_price}
                    for line in current.lines), {}],
        "milestones": [*({"title": m.title, "due_on": m.due_on, "share_percent": m.share_percent}
                         for m in current.milestones), {}],
        "currency": current.currency, "tax_rate": current.tax_rate, "fapiao_type": current.fapiao_type,
        "valid_until": current.valid_until if not quotes.is_expired(current) else None,
        "payment_terms": current.payment_terms, "equity_percent": current.equity_percent,
        "share_class": current.share_class, "valuation_note": current.valuation_note, "note": current.note,
    }


def _detail(req, *, quote_form=None, move_forms=None, dispute_form=None, status: int = 200):
    """The request page; `move_forms` holds a refused move's form ({action: form}) and `dispute_form` a refused
    dispute, shown again as they were sent."""
    sides = request_services.parties_of(_me(), req)
    actions = sorted({a for side in sides for a in states.actions_for(req.state, side)},
                     key=list(states.ACTIONS).index)
    move_forms = move_forms or {}
    offers = {"counter": move_forms.get("counter") or forms.OfferForm(prefix="counter", formdata=None)}
    if "counter" not in move_forms:
        offers["counter"].price.data = (req.quoted_price if req.quoted_price is not None
                                        else listings.unit_total(req.listing, req.quantity))
    messages = request_services.list_messages(actor=_me(), request_id=req.id)
    current = req.current_quote
    shown = reviews.visible_reviews(req, _me())
    mine = [side for side in sides if req.review_by(side) is None]
    return render_template("marketplace/request.html", req=req, sides=sides, actions=actions, offers=offers,
                           quote_form=quote_form or _quote_form(req), quote=current,
                           quote_diff=quotes.quote_diff(req.previous_quote, current) if current else None,
                           quote_expired=bool(current and quotes.is_expired(current)),
                           note_form=forms.NoteForm(), review_form=forms.ReviewForm(side=mine[0] if mine else None),
                           reviews=shown, unreviewed_sides=mine if req.state == "completed" else [],
                           hidden_reviews=[r for r in req.reviews if r not in shown and r.hidden_at is None],
                           reply_form=forms.ReplyForm(),
                           startup_rating=reviews.startup_rating(req.startup_id), message_form=forms.MessageForm(),
                           now_utc=utcnow(), can_dispute="startup" in sides and disputes.can_dispute(req),
                           dispute_until=req.delivered_at + disputes.DISPUTE_WINDOW if req.delivered_at else None,
                           dispute_form=dispute_form or forms.DisputeForm(formdata=None), move_forms=move_forms,
                           messages=messages, is_party=bool(sides)), status


def _send_quote(request_id: int):
    """The quote form: the filled rows to the service; on bad input the page again with what was typed (422)."""
    req = request_services.get_request(request_id, viewer=_me())
    form = _quote_form(req, formdata=True)
    if form.validate_on_submit():
        try:
            request_services.quote(actor=_me(), request_id=request_id, **form.document())
        except AppError as error:
            if error.status_code not in (403, 409, 422):
                raise
            db.session.rollback()
            placed = isinstance(error, Invalid) and form.place_errors(error.details)
            flash(_("The quote was not sent: check the fields marked below.") if placed else error.message, "error")
        else:
            flash(_("Quote sent: the startup sees it as version %(n)d.",
                    n=request_services.get_request(request_id, viewer=_me()).current_quote.version), "success")
            return redirect(url_for("marketplace.request_detail", request_id=request_id))
    else:
        flash(_("The quote was not sent: check the fields marked below."), "error")
    return _detail(request_services.get_request(request_id, viewer=_me()), quote_form=form, status=422)


MOVES = {
    "quote": request_services.quote, "counter": request_services.counter, "accept": request_services.accept,
    "decline": request_services.decline, "cancel": request_services.cancel, "start": request_services.start,
    "deliver": request_services.deliver, "request_changes": request_services.request_changes,
    "complete": request_services.complete,
}
NOTED = {"decline", "cancel", "deliver", "request_changes"}


@bp.route("/requests/<int:request_id>/<action>", methods=["POST"])
@login_required
def request_move(request_id: int, action: str):
    """Make one move on a request from its page; refused for its input (or a stale token), the page again with
    what was typed and the reasons next to the fields."""
    if action not in MOVES:
        abort(404)
    if action == "quote":
        return _send_quote(request_id)
    form = (forms.OfferForm(prefix=action) if action == "counter" else forms.AcceptForm() if action == "accept"
            else forms.NoteForm())
    if not form.validate_on_submit():
        return _refused_move(request_id, action, form)
    kwargs = ({"price": form.price.data, "note": form.note.data, "equity_percent": form.equity_percent.data}
              if action == "counter" else {"quote_id": form.quote_id.data} if action == "accept"
              else {"note": form.note.data} if action in NOTED else {})
    try:
        MOVES[action](actor=_me(), request_id=request_id, **kwargs)
    except AppError as error:
        if error.status_code not in (403, 409, 413, 422):
            raise
        details = error.details if isinstance(error, Invalid) else {}
        placed = {name: messages for name, messages in details.items()
                  if name in form._fields and name != "csrf_token" and isinstance(messages, list)}
        if placed:
            db.session.rollback()
            for name, messages in placed.items():
                form[name].errors = [*form[name].errors, *map(str, messages)]
            return _refused_move(request_id, action, form)
        flash(" ".join([error.message] + [" ".join(map(str, v)) for v in details.values() if isinstance(v, list)]),
              "error")
    else:
        flash(_("Done: the request is now “%(state)s”.",
                state=states.STATE_LABELS[request_services.get_request(request_id, viewer=_me()).state]), "success")
    return redirect(url_for("marketplace.request_detail", request_id=request_id))


def _refused_move(request_id: int, action: str, form):
    """The request page again with the refused move's form as it was sent (422)."""
    if action == "accept" and form.quote_id.errors:
        flash(_("Reload the request and accept the quote it shows."), "error")
    return _detail(request_services.get_request(request_id, viewer=_me()), move_forms={action: form}, status=422)


@bp.route("/requests/<int:request_id>/review", methods=["POST"])
@login_required
def review(request_id: int):
    """Rate the other side of a completed request from its page."""
    form = forms.ReviewForm()
    if form.validate_on_submit():
        try:
            reviews.review(actor=_me(), request_id=request_id, rating=form.rating.data,
                           comment=form.comment.data or "", side=form.side.data or None)
        except AppError as error:
            if error.status_code not in (403, 409, 422):
                raise
            flash(error.message, "error")
        else:
            flash(_("Thank you: your review is saved. The other side sees it once they have rated too, or after "
                    "14 days."), "success")
    return redirect(url_for("marketplace.request_detail", request_id=request_id) + "#reviews")


@bp.route("/reviews/<int:review_id>/reply", methods=["POST"])
@login_required
def reply_to_review(review_id: int):
    """The reviewed side replies once, in public."""
    form = forms.ReplyForm()
    found = db.get_or_404(reviews.Review, review_id)
    if form.validate_on_submit():
        try:
            reviews.reply(actor=_me(), review_id=review_id, body=form.reply.data)
        except AppError as error:
            if error.status_code not in (403, 409, 422):
                raise
            flash(error.message, "error")
        else:
            flash(_("Your reply is published."), "success")
    else:
        flash(_("Write your reply."), "error")
    return redirect(url_for("marketplace.request_detail", request_id=found.request_id) + "#reviews")


@bp.route("/requests/<int:request_id>/messages", methods=["POST"])
@login_required
def post_message(request_id: int):
    """The thread's form (works without JavaScript; the page's script sends through the API instead)."""
    form = forms.MessageForm()
    if form.validate_on_submit():
        files = []
        upload = form.file.data
        if upload and upload.filename:
            files.append((upload.filename, upload.mimetype or "application/octet-stream",
                          upload.read(request_services.MAX_ATTACHMENT_BYTES + 1)))
        try:
            request_services.post_message(actor=_me(), request_id=request_id, body=form.body.data or "",
                                          attachments=files)
        except AppError as error:
            if error.status_code not in (403, 413, 422):
                raise
            details = [" ".join(map(str, v)) for v in error.details.values() if isinstance(v, list)]
            flash(" ".join([error.message, *details]), "error")
    return redirect(url_for("marketplace.request_detail", request_id=request_id) + "#thread")


def _money_step(request_id: int, step, success: str, anchor: str = "#payments"):
    """Run a payment or dispute step from a request page's form; its 403/409/422 come back as a flash."""
    if not forms.NoteForm().validate_on_submit():
        abort(400)
    try:
        step()
    except AppError as error:
        if error.status_code not in (403, 404, 409, 422):
            raise
        details = [" ".join(map(str, v)) for v in (error.details or {}).values() if isinstance(v, list)]
        flash(" ".join([error.message, *details]), "error")
    else:
        flash(success, "success")
    return redirect(url_for("marketplace.request_detail", request_id=request_id) + anchor)


@bp.route("/requests/<int:request_id>/settlement/paid", methods=["POST"])
@login_required
def mark_settlement_paid(request_id: int):
    """The provider marks every payment still due received at once."""
    return _money_step(request_id, lambda: payments.mark_all_paid(actor=_me(), request_id=request_id),
                       _("Marked received. The startup confirms each payment."))


def _payment_or_404(payment_id: int) -> Payment:
    item = db.session.get(Payment, payment_id) if organisations.valid_id(payment_id) else None
    if item is None:
        abort(404)
    return item


@bp.route("/payments/<int:payment_id>/paid", methods=["POST"])
@login_required
def mark_payment_paid(payment_id: int):
    """The provider marks one milestone's payment received, from the request page."""
    item = _payment_or_404(payment_id)
    return _money_step(item.request_id, lambda: payments.mark_paid(actor=_me(), payment_id=payment_id),
                       _("Marked received: the startup is asked to confirm the payment."))


@bp.route("/payments/<int:payment_id>/confirm", methods=["POST"])
@login_required
def confirm_payment(payment_id: int):
    """The startup confirms a payment the provider marked received."""
    item = _payment_or_404(payment_id)
    return _money_step(item.request_id, lambda: payments.confirm(actor=_me(), payment_id=payment_id),
                       _("Payment confirmed."))


@bp.route("/requests/<int:request_id>/dispute", methods=["POST"])
@login_required
def raise_dispute(request_id: int):
    """The startup disputes the delivery, saying why; a refused reason (or a stale form) comes back as typed."""
    form = forms.DisputeForm()
    if form.validate_on_submit():
        try:
            disputes.raise_dispute(actor=_me(), request_id=request_id, reason=form.reason.data)
        except AppError as error:
            if error.status_code not in (403, 404, 409, 422):
                raise
            if error.status_code != 422:  # not the startup's, or past the window, or disputed already
                flash(error.message, "error")
                return redirect(url_for("marketplace.request_detail", request_id=request_id) + "#dispute")
            form.reason.errors = [*form.reason.errors, *(error.details or {}).get("reason", [error.message])]
        else:
            flash(_("Your dispute is raised. An administrator will resolve it; both sides are told."), "success")
            return redirect(url_for("marketplace.request_detail", request_id=request_id) + "#dispute")
    return _detail(request_services.get_request(request_id, viewer=_me()), dispute_form=form, status=422)


@bp.route("/requests/<int:request_id>/agreement")
@login_required
def agreement(request_id: int):
    """The printable agreement, its signatures, and the signing form for a side that has not signed yet."""
    item = agreements.get_agreement(actor=_me(), request_id=request_id)
    return _agreement_page(item)


def _agreement_page(item, form=None, status: int = 200):
    req = item.request
    sides = request_services.parties_of(_me(), req)
    unsigned = [side for side in sides if getattr(item, f"{side}_accepted_at") is None]
    can_sign = bool(unsigned) and req.state == "accepted"
    signing_org = (req.startup if unsigned[0] == "startup" else req.provider) if can_sign else None
    return render_template("marketplace/agreement.html", agreement=item, req=req, sides=sides,
                           both_signed=agreements.both_signed(item), signing_org=signing_org,
                           sign_form=(form or forms.SignForm()) if can_sign else None), status


@bp.route("/requests/<int:request_id>/agreement/sign", methods=["POST"])
@login_required
def sign_agreement(request_id: int):
    """Sign for your side: typed full name and consent (the page again, with what was typed, on bad input)."""
    form = forms.SignForm()
    if form.validate_on_submit():
        try:
            agreements.sign(actor=_me(), request_id=request_id, full_name=form.full_name.data, consent=True,
                            ip=request.remote_addr)
        except AppError as error:
            if error.status_code not in (403, 409, 422):
                raise
            db.session.rollback()
            _place_errors(form, error)
        else:
            flash(_("You signed the agreement."), "success")
            return redirect(url_for("marketplace.agreement", request_id=request_id))
    return _agreement_page(agreements.get_agreement(actor=_me(), request_id=request_id), form, 422)


@bp.route("/agreements/verify")
def verify_agreement():
    """Public: check a SHA-256 against the stored agreements."""
    form = forms.VerifyForm(request.args)
    found, checked = None, False
    if form.sha256.data:
        try:
            found, checked = agreements.verify(form.sha256.data), True
        except Invalid as error:
            form.sha256.errors = list(error.details.get("sha256", []))
    return render_template("marketplace/verify.html", form=form, found=found, checked=checked), \
        422 if form.sha256.errors else 200


# Vouchers -----------------------------------------------------------------------------------

@bp.route("/admin/vouchers", methods=["GET", "POST"])
@login_required
def admin_vouchers():
    """Admins grant voucher credit to startups and see every balance."""
    if not _me().is_admin:
        raise PermissionDenied(_("Only administrators can grant vouchers."))
    startups = list(db.session.scalars(select(Startup).order_by(Startup.name)))
    form = forms.VoucherGrantForm()
    form.startup_id.choices = forms.choices((s.id, s.name) for s in startups)
    if form.validate_on_submit():
        try:
            vouchers.grant(actor=_me(), startup_id=form.startup_id.data, amount=form.amount.data,
                           note=form.note.data or "")
        except AppError as error:
            _place_errors(form, error)
        else:
            flash(_("Voucher credit granted."), "success")
            return redirect(url_for("marketplace.admin_vouchers"))
    zero = (Decimal("0"), Decimal("0"))
    found = vouchers.balances()
    balances = {s.id: found.get(s.id, zero) for s in startups}
    return render_template("marketplace/admin_vouchers.html", form=form, startups=startups, balances=balances), \
        422 if request.method == "POST" else 200


@bp.route("/admin/requests/flagged")
@login_required
def admin_flagged_requests():
    """Admins: open requests waiting on a provider whose listings are hidden."""
    page = request_services.flagged_requests(actor=_me(), page=request.args.get("page", 1, type=int) or 1)
    return render_template("marketplace/admin_flagged.html", page=page, hidden_reason=listings.hidden_reason,
                           HIDDEN_REASONS=listings.HIDDEN_REASONS)


@bp.route("/startups/<int:startup_id>/vouchers")
@login_required
def startup_vouchers(startup_id: int):
    """A startup's voucher balance (available and held) and ledger (its members and admins)."""
    balance, entries = vouchers.account(actor=_me(), startup_id=startup_id)
    return render_template("marketplace/vouchers.html", startup=db.session.get(Startup, startup_id), balance=balance,
                           held=vouchers.held_of(startup_id), entries=entries)


# Equity ledger and disputes -----------------------------------------------------------------

@bp.route("/startups/<int:startup_id>/equity")
@login_required
def startup_equity(startup_id: int):
    """A startup's equity ledger (以服务换股权), its members and admins; with a CSV export."""
    startup, entries = equity.ledger(actor=_me(), startup_id=startup_id)
    return render_template("marketplace/equity.html", startup=startup, entries=entries,
                           total=equity.total_percent(entries), STATUS_LABELS=equity.STATUS_LABELS)


@bp.route("/startups/<int:startup_id>/equity.csv")
@login_required
def startup_equity_csv(startup_id: int):
    """The equity ledger as CSV, headers in the reader's language."""
    _startup, entries = equity.ledger(actor=_me(), startup_id=startup_id)
    return equity.csv_response(entries, startup_id)


def _disputes_page(*, refused_id: int | None = None, refused_form=None, status: int = 200):
    state = request.args.get("state") or None
    if state not in (None, *DISPUTE_STATES):
        state = None
    page = disputes.list_disputes(actor=_me(), state=state, page=request.args.get("page", 1, type=int) or 1)
    return render_template("marketplace/admin_disputes.html", page=page, state=state,
                           form=forms.ResolveDisputeForm(formdata=None), refused_id=refused_id,
                           refused_form=refused_form, money_total=settlement.money_total), status


@bp.route("/admin/disputes")
@login_required
def admin_disputes():
    """Admins: disputes to resolve (open first), each with its resolution form."""
    return _disputes_page()


@bp.route("/admin/disputes/<int:dispute_id>/resolve", methods=["POST"])
@login_required
def resolve_dispute(dispute_id: int):
    """An admin resolves a dispute: a full refund, a partial refund of an amount, or a rejection. A refused
    resolution (or a stale form) comes back on the disputes page as it was typed."""
    form = forms.ResolveDisputeForm()
    if form.validate_on_submit():
        try:
            disputes.resolve(actor=_me(), dispute_id=dispute_id, outcome=form.outcome.data, amount=form.amount.data,
                             note=form.note.data)
        except AppError as error:
            if error.status_code not in (403, 404, 409, 422):
                raise
            if error.status_code != 422:
                flash(error.message, "error")
                return redirect(url_for("marketplace.admin_disputes") + f"#dispute-{dispute_id}")
            for name, messages in (error.details or {"outcome": [error.message]}).items():
                field = getattr(form, name, form.outcome)
                field.errors = [*field.errors, *messages]
        else:
            flash(_("The dispute is resolved; both sides are told."), "success")
            return redirect(url_for("marketplace.admin_disputes") + f"#dispute-{dispute_id}")
    return _disputes_page(refused_id=dispute_id, refused_form=form, status=422)


# CLI ----------------------------------------------------------------------------------------

@bp.cli.command("auto-accept")
def auto_accept_command() -> None:
    """Complete deliveries left unanswered for 14 days (run daily)."""
    click.echo(f"{request_services.auto_accept_deliveries()} deliveries accepted automatically")


@bp.cli.command("reveal-reviews")
def reveal_reviews_command() -> None:
    """Count reviews revealed after 14 days into the listings' ratings (run daily)."""
    click.echo(f"{reviews.reveal_due()} reviews counted")


@bp.cli.command("expire")
def expire_command() -> None:
    """Expire negotiations unanswered for 30 days or past their needed-by date (run daily)."""
    click.echo(f"{request_services.expire_stale()} requests expired")

