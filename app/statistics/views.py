"""Admin statistics pages: the dashboard over a date range (/admin/statistics) and its tables as CSV."""
from datetime import date, datetime
from decimal import Decimal

from flask import Blueprint, Response, render_template, request
from flask_babel import format_date, format_decimal, get_timezone
from flask_login import current_user, login_required

from app.core.errors import Invalid
from app.core.i18n import format_when
from app.statistics import figures, services, tables
from app.statistics.forms import RangeForm

bp = Blueprint("statistics", __name__, url_prefix="/admin/statistics")
TABLE_RULE = "any(" + ", ".join(tables.TABLE_KEYS) + ")"


@bp.app_context_processor
def statistics_helpers():
    return {"startup_statistics": _startup_statistics, "stat_cell": stat_cell}


def stat_cell(value) -> str:
    """A table cell as the page shows it: grouped digits, money with cents, times in the viewer's zone."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return format_when(value, "medium")
    if isinstance(value, date):
        return format_date(value, "medium")
    if isinstance(value, Decimal):
        return format_decimal(value, "#,##0.00")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_decimal(value)
    return str(value)


def _startup_statistics(startup):
    """For the startup page's partial: the startup's numbers, or None when the viewer may not see them."""
    if not services.can_see_startup(current_user, startup):
        return None
    return services.startup_statistics(actor=current_user._get_current_object(), startup_id=startup.id)


def _period(form: RangeForm) -> services.Period | None:
    """The range the form asks for; None (with the errors on the form) when it is not valid."""
    if not form.validate():
        return None
    try:
        return services.resolve_period(start=form.start.data, end=form.end.data, tz=str(get_timezone()))
    except Invalid as error:
        for name, messages in error.details.items():
            getattr(form, name).errors = list(messages)
        return None


@bp.route("")
@login_required
def dashboard():
    """Startups, roadshows, mentor sessions, requests, turnaround, settlements and vouchers over a range."""
    services.require_admin(current_user)
    form = RangeForm(formdata=request.args)
    period = _period(form)
    if period is None:
        return render_template("statistics/dashboard.html", form=form, dash=None), 422
    form.start.data, form.end.data = period.start, period.end
    dash = services.dashboard(actor=current_user, period=period)
    return render_template("statistics/dashboard.html", form=form, dash=dash, tables=tables.build(dash),
                           charts=figures.build(dash), csv_args={"start": period.start.isoformat(),
                                                                 "end": period.end.isoformat()})


@bp.route(f"/<{TABLE_RULE}:table>.csv")
@login_required
def table_csv(table: str):
    """One table of the dashboard as a CSV file (same `?start=&end=` as the page)."""
    services.require_admin(current_user)
    form = RangeForm(formdata=request.args)
    period = _period(form)
    if period is None:
        raise Invalid(_first_error(form), code="invalid_range",
                      details={name: f.errors for name, f in form._fields.items() if f.errors})
    dash = services.dashboard(actor=current_user, period=period, sections=(tables.SECTION_OF[table],))
    return csv_response(tables.build_one(dash, table), period)


def _first_error(form: RangeForm) -> str:
    return next(str(e) for f in form._fields.values() for e in f.errors)


def csv_response(table: tables.Table, period: services.Period) -> Response:
    filename = f"fuhua-{table.key}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(tables.to_csv(table), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
