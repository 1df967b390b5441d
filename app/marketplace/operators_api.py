"""JSON API of the incubator's operators: the request console, the moderation queue and the audit trail (admins
only, under /api/admin), and reports (any signed-in user, /api/reports)."""
from flask import Response, stream_with_context
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from app.core.api import error_responses
from app.core.i18n import select_timezone
from app.core.pagination import page_schema
from app.marketplace import audit, console, moderation
from app.marketplace import operators_schemas as schemas

blp = Blueprint("operators_api", __name__, url_prefix="/api",
                description="Operators: every request, reports and moderation, the audit trail")


def _errors(*statuses):
    return error_responses(blp, 401, 403, *statuses)


def _me():
    return current_user._get_current_object()


@blp.route("/admin/requests", methods=["GET"])
@blp.arguments(schemas.ConsoleArgsSchema, location="query")
@blp.response(200, page_schema(schemas.AdminRequestSchema))
@_errors(422)
@login_required
def list_all_requests(args):
    """Every request, filtered by state, category, provider, age, stuck; sorted and paginated."""
    page, per_page = args.pop("page"), args.pop("per_page")
    return console.list_requests(actor=_me(), page=page, per_page=per_page, **args)


@blp.route("/admin/requests/stuck", methods=["GET"])
@blp.response(200, schemas.StuckCountsSchema)
@_errors()
@login_required
def stuck_requests():
    """How many requests are stuck (no quote, delivery unanswered) and after how many days each counts."""
    days = console.stuck_days()
    counts = console.stuck_counts(actor=_me())
    return {**counts, "no_quote_days": days["no_quote"], "delivery_days": days["delivery"]}


@blp.route("/reports", methods=["POST"])
@blp.arguments(schemas.CreateContentReportSchema)
@blp.response(201, schemas.ContentReportSchema)
@_errors(404, 409, 422)
@login_required
def create_report(data):
    """Report a listing, a review or a request message you can see (409 `already_reported` while yours is open)."""
    return moderation.report(actor=_me(), kind=data["item_kind"], item_id=data["item_id"], reason=data["reason"],
                             details=data["details"])


@blp.route("/admin/moderation", methods=["GET"])
@blp.arguments(schemas.ModerationQueueArgsSchema, location="query")
@blp.response(200, page_schema(schemas.ModerationItemSchema))
@_errors(422)
@login_required
def moderation_queue(args):
    """The moderation queue: items with open reports (most reported first), or the hidden items."""
    return moderation.queue(actor=_me(), state=args["state"], kind=args["item_kind"], page=args["page"],
                            per_page=args["per_page"])


def _moderate(move, kind: str, item_id: int, data: dict):
    return move(actor=_me(), kind=kind, item_id=item_id, note=data["note"])


@blp.route("/admin/moderation/<string:kind>/<int:item_id>/dismiss", methods=["POST"])
@blp.arguments(schemas.ModerationNoteSchema)
@blp.response(200, schemas.ModerationActionSchema)
@_errors(404, 409, 422)
@login_required
def dismiss_reports(data, kind, item_id):
    """Close the item's open reports without acting (409 `no_open_reports`). `kind`: listing, review, message."""
    return _moderate(moderation.dismiss, kind, item_id, data)


@blp.route("/admin/moderation/<string:kind>/<int:item_id>/hide", methods=["POST"])
@blp.arguments(schemas.ModerationNoteSchema)
@blp.response(200, schemas.ModerationActionSchema)
@_errors(404, 409, 422)
@login_required
def hide_item(data, kind, item_id):
    """Hide the item from all but its author and admins; its open reports close; the author is told."""
    return _moderate(moderation.hide, kind, item_id, data)


@blp.route("/admin/moderation/<string:kind>/<int:item_id>/restore", methods=["POST"])
@blp.arguments(schemas.ModerationNoteSchema)
@blp.response(200, schemas.ModerationActionSchema)
@_errors(404, 409, 422)
@login_required
def restore_item(data, kind, item_id):
    """Show a hidden item again (409 `not_hidden`); the author is told."""
    return _moderate(moderation.restore, kind, item_id, data)


@blp.route("/admin/audit", methods=["GET"])
@blp.arguments(schemas.AuditArgsSchema, location="query")
@blp.response(200, page_schema(schemas.AuditEntrySchema))
@_errors(422)
@login_required
def audit_trail(args):
    """Every money and state change, newest first: `?q=&actor=&kind=&date_from=&date_to=&request_id=`."""
    return audit.search(actor=_me(), page=args["page"], per_page=args["per_page"],
                        **audit.dated_filters(args, select_timezone()))


@blp.route("/admin/audit.csv", methods=["GET"])
@blp.arguments(schemas.AuditExportArgsSchema, location="query")
@blp.response(200, content_type="text/csv")
@_errors(422)
@login_required
def export_audit_trail(args):
    """The audit trail with the same filters as CSV (UTF-8 with a byte-order mark), streamed."""
    chunks = audit.export_csv(actor=_me(), **audit.dated_filters(args, select_timezone()))
    return csv_response(chunks)


def csv_response(chunks) -> Response:
    """A streamed CSV download named for today."""
    from app.core.db import utcnow
    name = f"fuhua-audit-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(stream_with_context(chunks), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"}, content_type="text/csv; charset=utf-8")
