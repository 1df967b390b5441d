"""The operators' pages (admins): the request console, the moderation queue, the audit trail and its CSV; and the
report form any signed-in user reaches from a listing, a review or a message."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from marshmallow import ValidationError
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.errors import Conflict, Invalid, PermissionDenied
from app.core.i18n import select_timezone
from app.marketplace import audit, console, moderation
from app.marketplace import operators_schemas as schemas
from app.marketplace.forms import choices
from app.marketplace.operators_api import csv_response
from app.providers.listings import CATEGORY_LABELS

bp = Blueprint("operators", __name__)


def _me():
    return current_user._get_current_object()


def _require_admin() -> None:
    if not _me().is_admin:
        raise PermissionDenied(_("Only incubator admins can do that."), code="admins_only")


@bp.app_context_processor
def _labels():
    return {"REPORT_REASON_LABELS": moderation.REASON_LABELS, "REPORT_KIND_LABELS": moderation.KIND_LABELS,
            "MODERATION_ACTION_LABELS": moderation.ACTION_LABELS, "REPORT_STATUS_LABELS": audit.REPORT_STATUS_LABELS,
            "reported_by_me": lambda kind, ids: moderation.reported_by(current_user, kind, ids)}


def _args(schema, list_fields=()) -> tuple[dict, dict]:
    """The query string loaded by `schema`: (arguments, {}) or (defaults, field errors)."""
    raw = {key: request.args.get(key) for key in schema.fields if key in request.args}
    for key in list_fields:
        if key in request.args:
            raw[key] = request.args.getlist(key)
    try:
        return schema.load(raw), {}
    except ValidationError as error:
        return schema.load({}), error.messages_dict


def _safe_next(default: str) -> str:
    target = request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc:
        return target
    return default


# The request console --------------------------------------------------------------------------

@bp.route("/admin/requests")
@login_required
def console_page():
    """Every request, with filters by state, category, provider and age, the stuck ones, sorting and pages."""
    _require_admin()
    args, errors = _args(schemas.console_args_schema, list_fields=("state",))
    page_no, per_page = args.pop("page"), args.pop("per_page")
    page = console.list_requests(actor=_me(), page=page_no, per_page=per_page, **({} if errors else args))
    return render_template("marketplace/admin_console.html", page=page, args=args, errors=errors,
                           stuck_counts=console.stuck_counts(actor=_me()), stuck_days=console.stuck_days(),
                           providers=console.providers(), categories=CATEGORY_LABELS,
                           stuck_labels=console.STUCK_LABELS, sort_labels=console.SORT_LABELS,
                           age_days=console.age_days), 400 if errors else 200


# The moderation queue -------------------------------------------------------------------------

@bp.route("/admin/moderation")
@login_required
def moderation_page():
    """Reported items with their reports and the moderator's moves; or the hidden items, to restore."""
    _require_admin()
    args, errors = _args(schemas.moderation_queue_args_schema)
    return _queue_page(args, errors, status=400 if errors else 200)


def _queue_page(args: dict, errors: dict, *, typed: dict | None = None, status: int = 200):
    """The queue; `typed`: the note a refused move came back with (`key` "kind-id", `note`, `error`)."""
    page = moderation.queue(actor=_me(), state=args["state"], kind=args["item_kind"], page=args["page"],
                            per_page=args["per_page"])
    if typed and typed["key"] not in {f"{i.kind}-{i.item_id}" for i in page.items}:
        kind, item_id = typed["key"].rsplit("-", 1)
        page.items.insert(0, moderation.queue_item(actor=_me(), kind=kind, item_id=int(item_id)))
    return render_template("marketplace/admin_moderation.html", page=page, args=args, errors=errors,
                           item_url=moderation.item_url, typed=typed or {}), status


MOVES = {"dismiss": (moderation.dismiss, _l("The reports are dismissed.")),
         "hide": (moderation.hide, _l("The item is hidden and its author is told.")),
         "restore": (moderation.restore, _l("The item is shown again and its author is told."))}


@bp.route("/admin/moderation/<string:kind>/<int:item_id>/<string:move>", methods=["POST"])
@login_required
def moderate(kind: str, item_id: int, move: str):
    """Dismiss the reports of an item, hide it or restore it, then back to the queue with the outcome; a refused
    note (too long, or a stale form) comes back in the queue with what was typed."""
    _require_admin()
    if move not in MOVES:
        abort(404)
    state = request.form.get("state") if request.form.get("state") in ("open", "hidden") else "open"
    args = schemas.moderation_queue_args_schema.load({"state": state})
    typed = {"key": f"{kind}-{item_id}", "note": request.form.get("note", "")}
    if not FlaskForm().validate_on_submit():
        typed["error"] = _("The form was not sent: it was open too long, or you signed in or out since. What you "
                           "typed is kept (passwords aside); check it and send it again.")
        return _queue_page(args, {}, typed=typed, status=400)
    action, done = MOVES[move]
    try:
        action(actor=_me(), kind=kind, item_id=item_id, note=typed["note"])
    except Invalid as error:
        typed["error"] = " ".join(m for messages in error.details.values() for m in messages)
        return _queue_page(args, {}, typed=typed, status=422)
    except Conflict as error:
        flash(error.message, "error")
    else:
        flash(str(done), "success")
    return redirect(_safe_next(url_for("operators.moderation_page")))


# The audit trail ------------------------------------------------------------------------------

@bp.route("/admin/audit")
@login_required
def audit_page():
    """Every money and state change, searchable by text, actor, date range and kind."""
    _require_admin()
    args, errors = _args(schemas.audit_args_schema, list_fields=("kind",))
    filters = audit.dated_filters(args, select_timezone()) if not errors else {}
    page = audit.search(actor=_me(), page=args["page"], per_page=args["per_page"], **filters)
    export = {k: v for k, v in request.args.to_dict(flat=False).items() if k not in ("page", "per_page")}
    return render_template("marketplace/admin_audit.html", page=page, args=args, errors=errors,
                           kinds=audit.KIND_LABELS, export_args=export), 400 if errors else 200


@bp.route("/admin/audit.csv")
@login_required
def audit_csv():
    """The audit trail with the page's filters, as a streamed CSV file."""
    _require_admin()
    args, errors = _args(schemas.audit_export_args_schema, list_fields=("kind",))
    if errors:
        raise Invalid(details=errors)
    return csv_response(audit.export_csv(actor=_me(), **audit.dated_filters(args, select_timezone())))


# Reports --------------------------------------------------------------------------------------

class ReportForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=[], validators=[DataRequired(message=_l("Choose a reason."))])
    details = TextAreaField(_l("What is wrong? (optional, required for “Something else”)"),
                            validators=[Length(max=moderation.MAX_DETAILS)])
    next = HiddenField()


def _report_form(**kwargs) -> ReportForm:
    form = ReportForm(**kwargs)
    form.reason.choices = choices([("", _("Choose a reason")), *moderation.REASON_LABELS.items()])
    return form


@bp.route("/reports/<string:kind>/<int:item_id>", methods=["GET", "POST"])
@login_required
def report(kind: str, item_id: int):
    """Report a listing, a review or a message: the short form under the item posts here; this page shows the
    form again with what was typed when something is wrong."""
    item = moderation.reported_item(actor=_me(), kind=kind, item_id=item_id)
    form = _report_form()
    if not form.next.data:
        form.next.data = request.referrer and urlsplit(request.referrer).path or moderation.item_url(kind, item)
    if form.validate_on_submit():
        try:
            moderation.report(actor=_me(), kind=kind, item_id=item_id, reason=form.reason.data,
                              details=form.details.data or "")
        except Conflict as error:
            flash(error.message, "warning")
            return redirect(_safe_next(moderation.item_url(kind, item)))
        except Invalid as error:
            for name, messages in error.details.items():
                if name in form._fields:
                    form[name].errors = list(form[name].errors) + list(messages)
        else:
            flash(_("Thank you. A moderator will look at your report."), "success")
            return redirect(_safe_next(moderation.item_url(kind, item)))
    return render_template("marketplace/report.html", form=form, kind=kind, item=item,
                           title=moderation.title_of(kind, item)), 422 if request.method == "POST" else 200
