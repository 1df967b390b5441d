"""Units of a listing in the reader's language. A unit is typed by the provider ("GPU-hour", "test run"); the
ones the marketplace sees most have a translated name, any other is shown as it was typed.

    unit_label("GPU-hour")   # "GPU 小时" in the Chinese interface
"""
from flask_babel import lazy_gettext as _l

UNIT_LABELS = {
    "gpu-hour": _l("GPU-hour"), "npu-hour": _l("NPU-hour"), "node-hour": _l("node-hour"), "cpu-hour": _l("CPU-hour"),
    "hour": _l("hour"), "day": _l("day"), "week": _l("week"), "month": _l("month"), "desk-month": _l("desk-month"),
    "batch": _l("batch"), "lot": _l("lot"), "project": _l("project"), "test run": _l("test run"),
    "run": _l("run"), "sample": _l("sample"), "report": _l("report"), "search": _l("patent search"),
    "patent search": _l("patent search"), "application": _l("application"), "package": _l("package"),
    "licence": _l("licence"), "license": _l("licence"), "deployment": _l("deployment"), "session": _l("session"),
    "piece": _l("piece"), "unit": _l("unit"), "wafer": _l("wafer"), "tb": _l("TB"), "tb-month": _l("TB-month"),
    "design": _l("design"), "prototype": _l("prototype"), "consultation": _l("consultation"),
}


def unit_label(unit: str | None) -> str:
    """The unit's name in the current language (as typed when it has no translation)."""
    if not unit:
        return ""
    label = UNIT_LABELS.get(unit.strip().lower())
    return str(label) if label is not None else unit
