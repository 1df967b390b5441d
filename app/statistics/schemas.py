"""Query and output schemas of the statistics API."""
from marshmallow import Schema, fields


def _money(description: str = "CNY"):
    """An exact amount, sent as a string with two decimals ("1200.00")."""
    return fields.Decimal(required=True, as_string=True, places=2,
                          metadata={"type": "string", "format": "decimal", "description": description})


def _counts(description: str):
    return fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                       metadata={"description": description})


class StatisticsArgsSchema(Schema):
    start = fields.Date(load_default=None, metadata={"description": "First day (YYYY-MM-DD, in your time zone); "
                                                                    "default: 89 days before `end`"})
    end = fields.Date(load_default=None, metadata={"description": "Last day, included; default: today"})


class StatisticsRangeSchema(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    timezone = fields.String(required=True, metadata={"description": "The zone the dates are read in (yours)"})
    starts_at = fields.DateTime(required=True, metadata={"description": "UTC instant of `start` 00:00"})
    ends_at = fields.DateTime(required=True, metadata={"description": "UTC instant after `end` (exclusive)"})


class StageCountSchema(Schema):
    stage = fields.String(required=True, allow_none=True)
    startups = fields.Integer(required=True)
    new = fields.Integer(required=True, metadata={"description": "Joined in the period"})


class StartupFiguresSchema(Schema):
    total = fields.Integer(required=True)
    new = fields.Integer(required=True)
    by_stage = fields.List(fields.Nested(StageCountSchema), required=True)


class RoadshowRowSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    starts_at = fields.DateTime(required=True)
    status = fields.String(required=True)
    pitches = fields.Integer(required=True)
    registrations = fields.Integer(required=True)
    viewers = fields.Integer(required=True, metadata={"description": "Unique viewers: signed-in users plus "
                                                                     "anonymous sockets"})
    messages = fields.Integer(required=True)
    questions = fields.Integer(required=True)
    answered = fields.Integer(required=True)
    interest = fields.Integer(required=True, metadata={"description": "Investors' interest marks"})


class RoadshowTotalsSchema(Schema):
    roadshows = fields.Integer(required=True)
    pitches = fields.Integer(required=True)
    registrations = fields.Integer(required=True)
    viewers = fields.Integer(required=True)
    messages = fields.Integer(required=True)
    questions = fields.Integer(required=True)
    answered = fields.Integer(required=True)
    interest = fields.Integer(required=True)


class RoadshowFiguresSchema(Schema):
    rows = fields.List(fields.Nested(RoadshowRowSchema), required=True)
    totals = fields.Nested(RoadshowTotalsSchema, required=True)


class StatisticsWeekSchema(Schema):
    week = fields.Date(required=True, metadata={"description": "The Monday the week starts on"})
    counts = _counts("Sessions by status")
    total = fields.Integer(required=True)


class MentoringFiguresSchema(Schema):
    booked = fields.Integer(required=True, metadata={"description": "Sessions starting in the period, any status"})
    delivered = fields.Integer(required=True)
    cancelled = fields.Integer(required=True)
    by_status = _counts("Sessions by status")
    weeks = fields.List(fields.Nested(StatisticsWeekSchema), required=True)
    average_rating = fields.Float(required=True, allow_none=True, metadata={"description": "Founders' ratings, 1–5"})
    ratings = fields.Integer(required=True)


class CategoryCountSchema(Schema):
    category = fields.String(required=True)
    total = fields.Integer(required=True)
    states = _counts("Requests by current state")


class RequestFiguresSchema(Schema):
    total = fields.Integer(required=True)
    by_state = _counts("Requests by current state")
    by_category = fields.List(fields.Nested(CategoryCountSchema), required=True)


class StatisticsMedianSchema(Schema):
    median_hours = fields.Float(required=True, allow_none=True)
    requests = fields.Integer(required=True, metadata={"description": "How many requests the median is over"})


class StatisticsTurnaroundSchema(Schema):
    quote = fields.Nested(StatisticsMedianSchema, required=True, metadata={"description": "Request to first quote"})
    deliver = fields.Nested(StatisticsMedianSchema, required=True,
                            metadata={"description": "Acceptance to first delivery"})


class SettlementFiguresSchema(Schema):
    method = fields.String(required=True)
    settlements = fields.Integer(required=True)
    amount = _money()


class VoucherKindSchema(Schema):
    kind = fields.String(required=True, metadata={"description": "grant, spend or refund"})
    entries = fields.Integer(required=True)
    amount = _money()


class VoucherFiguresSchema(Schema):
    granted = _money()
    spent = _money("CNY spent minus refunded")
    kinds = fields.List(fields.Nested(VoucherKindSchema), required=True)


class StatisticsDashboardSchema(Schema):
    range = fields.Nested(StatisticsRangeSchema, required=True, attribute="period")
    startups = fields.Nested(StartupFiguresSchema, required=True)
    roadshows = fields.Nested(RoadshowFiguresSchema, required=True)
    mentoring = fields.Nested(MentoringFiguresSchema, required=True)
    requests = fields.Nested(RequestFiguresSchema, required=True)
    turnaround = fields.Nested(StatisticsTurnaroundSchema, required=True)
    settlements = fields.List(fields.Nested(SettlementFiguresSchema), required=True)
    vouchers = fields.Nested(VoucherFiguresSchema, required=True)


class SessionFiguresSchema(Schema):
    booked = fields.Integer(required=True)
    delivered = fields.Integer(required=True)
    cancelled = fields.Integer(required=True)
    upcoming = fields.Integer(required=True, metadata={"description": "Awaiting approval or confirmed"})
    by_status = _counts("Sessions by status")


class StartupRequestFiguresSchema(Schema):
    total = fields.Integer(required=True)
    by_state = _counts("Requests by current state")


class PitchFiguresSchema(Schema):
    pitch_id = fields.Integer(required=True)
    title = fields.String(required=True)
    roadshow_id = fields.Integer(required=True)
    roadshow_title = fields.String(required=True)
    starts_at = fields.DateTime(required=True)
    interest = fields.Integer(required=True)
    questions = fields.Integer(required=True)


class StartupStatisticsSchema(Schema):
    startup_id = fields.Integer(required=True)
    sessions = fields.Nested(SessionFiguresSchema, required=True)
    requests = fields.Nested(StartupRequestFiguresSchema, required=True)
    pitches = fields.List(fields.Nested(PitchFiguresSchema), required=True)
