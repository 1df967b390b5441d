"""JSON API of the incubator statistics: the admin dashboard's figures, its tables as CSV, a startup's numbers."""
from functools import partial

from flask_babel import get_timezone
from flask_login import current_user, login_required
from flask_smorest import Blueprint

from app.core.api import error_responses
from app.statistics import schemas, services, tables
from app.statistics.views import TABLE_RULE, csv_response

blp = Blueprint("statistics_api", __name__, url_prefix="/api", description="Incubator statistics (监测评估)")


def _me():
    return current_user._get_current_object()


_errors = partial(error_responses, blp)


def _period(args: dict) -> services.Period:
    services.require_admin(_me())
    return services.resolve_period(start=args["start"], end=args["end"], tz=str(get_timezone()))


@blp.route("/admin/statistics", methods=["GET"])
@blp.arguments(schemas.StatisticsArgsSchema, location="query")
@blp.response(200, schemas.StatisticsDashboardSchema)
@_errors(401, 403, 422)
@login_required
def admin_statistics(args):
    """The dashboard's figures for `?start=&end=` (dates in your time zone, both included; default the last
    90 days): startups by stage, roadshows, mentor sessions, requests, turnaround, settlements, vouchers (admins)."""
    return services.dashboard(actor=_me(), period=_period(args))


@blp.route(f"/admin/statistics/<{TABLE_RULE}:table>.csv", methods=["GET"])
@blp.arguments(schemas.StatisticsArgsSchema, location="query")
@blp.response(200, content_type="text/csv")
@_errors(401, 403, 422)
@login_required
def admin_statistics_csv(args, table):
    """One table of the dashboard as CSV (UTF-8 with BOM, headers in your language), same `?start=&end=` (admins)."""
    period = _period(args)
    dash = services.dashboard(actor=_me(), period=period, sections=(tables.SECTION_OF[table],))
    return csv_response(tables.build_one(dash, table), period)


@blp.route("/startups/<int:startup_id>/statistics", methods=["GET"])
@blp.response(200, schemas.StartupStatisticsSchema)
@_errors(401, 403, 404)
@login_required
def startup_statistics(startup_id):
    """A startup's own numbers: mentor sessions, resource requests by state, interest and questions per pitch
    (its members and admins)."""
    return services.startup_statistics(actor=_me(), startup_id=startup_id)
