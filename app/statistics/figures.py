"""The dashboard's charts, drawn from its figures with `app.statistics.charts` (labels in the current language)."""
from __future__ import annotations

from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.startups.labels import stage_label
from app.statistics import tables
from app.statistics.charts import Series, bar_chart, column_chart
from app.statistics.services import BOOKING_STATUSES, Dashboard

BOOKING_COLORS = {"completed": "#0f5e4d", "confirmed": "#5ba58c", "requested": "#9fd0bf", "cancelled": "#b4481b",
                  "declined": "#e0a07a", "no_show": "#7a5200"}
GROUP_COLORS = ("#1f4f8a", "#5ba58c", "#0f5e4d", "#b4481b")
MAX_ROADSHOW_BARS = 20


def short_date(day) -> str:
    return format_skeleton("MMMd", day, locale=get_locale() or "en")


def money(value) -> str:
    return f"{value:,.0f}"


def build(dash: Dashboard) -> dict[str, Markup]:
    """Every chart of the dashboard, keyed like its table."""
    return {"startups": _startups(dash), "roadshows": _roadshows(dash), "weekly_sessions": _weekly(dash),
            "requests": _requests(dash), "settlements": _settlements(dash), "vouchers": _vouchers(dash)}


def _startups(dash: Dashboard) -> Markup:
    rows = dash.startups["by_stage"]
    return bar_chart(chart_id="chart-startups", title=_("Startups by stage"),
                     desc=_("Horizontal bars: how many startups are at each stage, and how many of them joined "
                            "in the period. The table below gives the numbers."),
                     labels=[stage_label(r["stage"]) or "—" for r in rows],
                     series=[Series(_("Startups"), [r["startups"] for r in rows]),
                             Series(_("Joined in the period"), [r["new"] for r in rows], "#5ba58c")])


def _roadshows(dash: Dashboard) -> Markup:
    rows = sorted(dash.roadshows["rows"], key=lambda r: -r["viewers"])[:MAX_ROADSHOW_BARS]
    return bar_chart(chart_id="chart-roadshows", title=_("Roadshow attendance and engagement"),
                     desc=_("Horizontal bars per roadshow: unique viewers, questions asked and investors' interest "
                            "marks. The table below gives every number."),
                     labels=[r["title"] for r in rows],
                     series=[Series(_("Unique viewers"), [r["viewers"] for r in rows], "#0f5e4d"),
                             Series(_("Questions"), [r["questions"] for r in rows], "#1f4f8a"),
                             Series(_("Interest marks"), [r["interest"] for r in rows], "#b4481b")],
                     empty=_("No roadshow in this period."))


def _weekly(dash: Dashboard) -> Markup:
    weeks = dash.mentoring["weeks"]
    order = ("completed", "confirmed", "requested", "no_show", "cancelled", "declined")
    return column_chart(chart_id="chart-weekly", title=_("Mentor sessions per week"),
                        desc=_("Stacked columns, one per week (by the session's start): sessions by status. The "
                               "table below gives the numbers."),
                        labels=[short_date(w["week"]) for w in weeks],
                        series=[Series(tables.label(tables.BOOKING_LABELS, s), [w["counts"].get(s, 0) for w in weeks],
                                       BOOKING_COLORS[s]) for s in order if s in BOOKING_STATUSES],
                        empty=_("No mentor session in this period."))


def _requests(dash: Dashboard) -> Markup:
    cats = dash.requests["by_category"]
    groups = [tables.group_counts(c["states"]) for c in cats]
    return bar_chart(chart_id="chart-requests", title=_("Resource requests by category"),
                     desc=_("Stacked horizontal bars per category: requests still negotiating, under way, completed, "
                            "and declined, cancelled or expired. The table below gives the numbers."),
                     labels=[tables.category_label(c["category"]) for c in cats],
                     series=[Series(str(g[1]), [row[i] for row in groups], GROUP_COLORS[i])
                             for i, g in enumerate(tables.STATE_GROUPS)],
                     stacked=True, empty=_("No resource request in this period."))


def _settlements(dash: Dashboard) -> Markup:
    rows = dash.settlements
    return bar_chart(chart_id="chart-settlements", title=_("Settlement amount by method (CNY)"),
                     desc=_("Horizontal bars: the amount settled in cash, voucher credit and equity-priced services. "
                            "The table below gives counts and amounts."),
                     labels=[tables.label(tables.METHOD_LABELS, r["method"]) for r in rows],
                     series=[Series(_("Amount (CNY)"), [r["amount"] for r in rows], "#1f4f8a")], fmt=money)


def _vouchers(dash: Dashboard) -> Markup:
    kinds = dash.vouchers["kinds"]
    return bar_chart(chart_id="chart-vouchers", title=_("Voucher credit (CNY)"),
                     desc=_("Horizontal bars: voucher credit granted to startups, spent on resources and refunded. "
                            "The table below gives the numbers."),
                     labels=[tables.label(tables.VOUCHER_LABELS, k["kind"]) for k in kinds],
                     series=[Series(_("Amount (CNY)"), [k["amount"] for k in kinds], "#0f5e4d")], fmt=money)
