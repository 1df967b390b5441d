"""Durations, units and counts in the reader's language: "1 h 30 min" · "1 小时 30 分钟", "GPU 卡时", plural forms."""
import pytest
from flask import render_template_string
from flask_babel import force_locale

from app.core.i18n import format_duration
from app.core.units import unit_label


@pytest.mark.parametrize(("minutes", "en", "zh"), [
    (30, "30 min", "30 分钟"), (60, "1 h", "1 小时"), (90, "1 h 30 min", "1 小时 30 分钟"),
    (125, "2 h 5 min", "2 小时 5 分钟"), (12.6, "13 min", "13 分钟"), (0, "0 min", "0 分钟"),
])
def test_durations_read_as_hours_and_minutes(app, minutes, en, zh):
    with app.test_request_context():
        with force_locale("en"):
            assert format_duration(minutes) == en
        with force_locale("zh"):
            assert format_duration(minutes) == zh


def test_known_units_are_translated_and_others_kept(app):
    with app.test_request_context(), force_locale("zh"):
        assert unit_label("GPU-hour") == "GPU 卡时" and unit_label(" Test run ") == "测试"
        assert unit_label("wafer lot of 25") == "wafer lot of 25" and unit_label(None) == ""
    with app.test_request_context(), force_locale("en"):
        assert unit_label("gpu-hour") == "GPU-hour"


@pytest.mark.parametrize(("votes", "en", "zh"), [(1, "1 vote", "1 票"), (3, "3 votes", "3 票")])
def test_counts_take_their_plural_form(app, votes, en, zh):
    template = '{{ ngettext("%(num)d vote", "%(num)d votes", n) }}'
    with app.test_request_context():
        with force_locale("en"):
            assert render_template_string(template, n=votes) == en
        with force_locale("zh"):
            assert render_template_string(template, n=votes) == zh


def test_a_listing_page_shows_its_unit_and_price_in_chinese(client, db):
    from decimal import Decimal

    from app.providers.models import Listing, Provider
    provider = Provider(name="算力中心", description="", tags=[])
    listing = Listing(provider=provider, title="A100 训练算力", category="compute", description="", unit="GPU-hour",
                      pricing_model="fixed", price=Decimal("18.00"), capacity=500, city="Beijing", tags=[], specs={},
                      category_fields={}, status="published")
    db.session.add(listing)
    db.session.commit()
    zh = client.get(f"/resources/{listing.id}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "500 × GPU 卡时" in zh and "¥18.00 / GPU 卡时" in zh and "GPU-hour" not in zh
    en = client.get(f"/resources/{listing.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "500 × GPU-hour" in en
