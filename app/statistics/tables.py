"""The dashboard's figures as tables: one definition serves the page, the CSV download and the API.

A table has translated column headers and rows of plain values (numbers, dates, Decimals, text). The CSV
is UTF-8 with a byte-order mark, so Excel opens Chinese headers and titles correctly; text cells that a
spreadsheet would run as a formula (starting with =, +, -, @) are prefixed with an apostrophe.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from app.marketplace.states import STATE_LABELS
from app.providers.listings import CATEGORY_LABELS
from app.startups.labels import stage_label
from app.statistics.services import BOOKING_STATUSES, REQUEST_STATES, Dashboard

BOOKING_LABELS = {"requested": _l("Awaiting approval"), "confirmed": _l("Confirmed"), "completed": _l("Completed"),
                  "cancelled": _l("Cancelled"), "declined": _l("Declined"), "no_show": _l("No-show (founder absent)")}
METHOD_LABELS = {"cash": _l("Cash"), "voucher": _l("Voucher credit"), "equity": _l("Equity"),
                 "cash_equity": _l("Cash plus equity")}
VOUCHER_LABELS = {"grant": _l("Granted"), "spend": _l("Spent"), "refund": _l("Refunded")}
STATE_GROUPS = (
    ("negotiating", _l("Negotiating"), ("submitted", "quoted", "countered")),
    ("under_way", _l("Under way"), ("accepted", "in_progress", "delivered", "changes_requested")),
    ("completed", _l("Completed"), ("completed",)),
    ("closed", _l("Declined, cancelled or expired"), ("declined", "cancelled", "expired")),
)
TABLE_KEYS = ("startups", "roadshows", "sessions", "weekly_sessions", "requests", "request_states", "turnaround",
              "settlements", "vouchers")


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    numeric_from: int = 1  # columns from this index on are numbers (right-aligned on the page)


def label(mapping: dict, key) -> str:
    return str(mapping.get(key, key if key else "—"))


def category_label(key) -> str:
    return label(CATEGORY_LABELS, key)


# The dashboard section each table is built from (a CSV download computes only that section).
SECTION_OF = {"startups": "startups", "roadshows": "roadshows", "sessions": "mentoring", "weekly_sessions": "mentoring",
              "requests": "requests", "request_states": "requests", "turnaround": "turnaround",
              "settlements": "settlements", "vouchers": "vouchers"}


def build(dash: Dashboard) -> dict[str, Table]:
    """Every table of the dashboard, keyed as in the CSV URLs."""
    return {key: BUILDERS[key](dash) for key in TABLE_KEYS}


def build_one(dash: Dashboard, key: str) -> Table:
    return BUILDERS[key](dash)


def _startups(dash: Dashboard) -> Table:
    rows = [[stage_label(r["stage"]) or "—", r["startups"], r["new"]] for r in dash.startups["by_stage"]]
    return Table("startups", str(_l("Startups by stage")),
                 [str(_l("Stage")), str(_l("Startups")), str(_l("Joined in the period"))], rows)


def _roadshows(dash: Dashboard) -> Table:
    rows = [[r["title"], r["starts_at"], r["pitches"], r["registrations"], r["viewers"], r["messages"],
             r["questions"], r["answered"], r["interest"]] for r in dash.roadshows["rows"]]
    return Table("roadshows", str(_l("Roadshows")),
                 [str(_l("Roadshow")), str(_l("Starts")), str(_l("Pitches")), str(_l("Registrations")),
                  str(_l("Unique viewers")), str(_l("Chat messages")), str(_l("Questions")), str(_l("Answered")),
                  str(_l("Interest marks"))], rows, numeric_from=2)


def _sessions(dash: Dashboard) -> Table:
    m = dash.mentoring
    rows = [[label(BOOKING_LABELS, s), m["by_status"].get(s, 0)] for s in BOOKING_STATUSES]
    rows.append([str(_l("All booked sessions")), m["booked"]])
    return Table("sessions", str(_l("Mentor sessions by status")), [str(_l("Status")), str(_l("Sessions"))], rows)


def _weekly(dash: Dashboard) -> Table:
    rows = [[w["week"]] + [w["counts"].get(s, 0) for s in BOOKING_STATUSES] + [w["total"]]
            for w in dash.mentoring["weeks"]]
    return Table("weekly_sessions", str(_l("Mentor sessions per week")),
                 [str(_l("Week starting"))] + [label(BOOKING_LABELS, s) for s in BOOKING_STATUSES] + [str(_l("Total"))],
                 rows)


def group_counts(states: dict) -> list[int]:
    return [sum(states.get(s, 0) for s in members) for _key, _label, members in STATE_GROUPS]


def _requests(dash: Dashboard) -> Table:
    rows = [[category_label(c["category"])] + group_counts(c["states"]) + [c["total"]]
            for c in dash.requests["by_category"]]
    return Table("requests", str(_l("Resource requests by category")),
                 [str(_l("Category"))] + [str(g[1]) for g in STATE_GROUPS] + [str(_l("Total"))], rows)


def _request_states(dash: Dashboard) -> Table:
    rows = [[label(STATE_LABELS, s), dash.requests["by_state"].get(s, 0)] for s in REQUEST_STATES]
    return Table("request_states", str(_l("Resource requests by state")), [str(_l("State")), str(_l("Requests"))],
                 rows)


def _turnaround(dash: Dashboard) -> Table:
    t = dash.turnaround
    rows = [[str(_l("Request to first quote")), t["quote"]["median_hours"], t["quote"]["requests"]],
            [str(_l("Acceptance to first delivery")), t["deliver"]["median_hours"], t["deliver"]["requests"]]]
    return Table("turnaround", str(_l("Median turnaround")),
                 [str(_l("Measure")), str(_l("Median (hours)")), str(_l("Requests counted"))], rows)


def _settlements(dash: Dashboard) -> Table:
    rows = [[label(METHOD_LABELS, s["method"]), s["settlements"], s["amount"]] for s in dash.settlements]
    return Table("settlements", str(_l("Settlements by method")),
                 [str(_l("Method")), str(_l("Settlements")), str(_l("Amount (CNY)"))], rows)


def _vouchers(dash: Dashboard) -> Table:
    rows = [[label(VOUCHER_LABELS, k["kind"]), k["entries"], k["amount"]] for k in dash.vouchers["kinds"]]
    return Table("vouchers", str(_l("Voucher credit")),
                 [str(_l("Movement")), str(_l("Ledger entries")), str(_l("Amount (CNY)"))], rows)


BUILDERS = {"startups": _startups, "roadshows": _roadshows, "sessions": _sessions, "weekly_sessions": _weekly,
            "requests": _requests, "request_states": _request_states, "turnaround": _turnaround,
            "settlements": _settlements, "vouchers": _vouchers}


# CSV -------------------------------------------------------------------------------------------

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "yyyy-MM-dd HH:mm")  # in the viewer's zone
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(table: Table) -> bytes:
    """The table as CSV: UTF-8 with BOM, headers in the current language, CRLF line ends (RFC 4180)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
