"""Dates and times in the locale's own order and forms, never with seconds, the zone named where asked."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.core.i18n import format_when

WHEN = datetime(2026, 12, 7, 6, 0, tzinfo=ZoneInfo("UTC"))  # 14:00 in Shanghai, a Monday
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("fmt", "en", "zh"), [
    ("short", "12/7/26, 2:00\u202fPM", "2026/12/7 14:00"),
    ("medium", "Dec 7, 2026, 2:00\u202fPM", "2026年12月7日 14:00"),
    ("long", "Mon, Dec 7, 2026, 2:00\u202fPM", "2026年12月7日周一 14:00"),
    ("full", "Mon, Dec 7, 2026, 2:00\u202fPM China Standard Time", "2026年12月7日周一 14:00 中国标准时间"),
    ("day_time", "Mon, Dec 7, 2:00\u202fPM", "12月7日周一 14:00"),
    ("day", "Mon, Dec 7", "12月7日周一"),
])
def test_named_forms(app, fmt, en, zh):
    with app.test_request_context():
        assert format_when(WHEN, fmt, tzinfo=SHANGHAI, locale="en") == en
        assert format_when(WHEN, fmt, tzinfo=SHANGHAI, locale="zh") == zh


def test_a_date_alone_is_a_day(app):
    with app.test_request_context():
        assert format_when(date(2026, 12, 7), "day", locale="zh") == "12月7日周一"

