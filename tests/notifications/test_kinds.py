"""The kinds registry: every kind in use renders from its data, in the reader's language, and never crashes."""
from datetime import datetime, timezone

import pytest
from flask_babel import get_locale

from app.notifications import kinds

KINDS_IN_USE = {
    "invitation_received": ({"org": "Deep Blue", "org_kind": "startup", "inviter": "Ada"},
                            "Ada invited you to join the startup Deep Blue."),
    "invitation_accepted": ({"name": "Bob", "org": "LabWorks", "org_kind": "provider"},
                            "Bob accepted your invitation and joined the provider organisation LabWorks."),
    "member_removed": ({"org": "Deep Blue", "org_kind": "startup"},
                       "You are no longer a member of the startup Deep Blue."),
    "account_verified": ({}, "Your mentor profile is now verified."),
    "account_deactivated": ({}, "Your account has been deactivated by an administrator."),
    "org_verified": ({"org": "LabWorks", "org_kind": "provider"},
                     "The provider organisation LabWorks is now verified."),
    "welcome": ({"name": "Ada"}, "Welcome to Fuhua, Ada!"),
}


@pytest.mark.parametrize("kind", sorted(KINDS_IN_USE))
def test_kind_in_use_renders_its_data(app, db, make_user, kind):
    data, expected = KINDS_IN_USE[kind]
    user = make_user(locale="en")
    rendered = kinds.render_for(user, kind, data)
    assert rendered.text == expected
    assert rendered.subject  # the email subject defaults to the text
    assert "…" not in rendered.text


def test_important_kinds_are_the_ones_that_matter():
    assert kinds.is_important("invitation_received")
    assert kinds.is_important("org_verified")
    assert not kinds.is_important("welcome")
    assert not kinds.is_important("no_such_kind")


def test_unknown_kind_falls_back_to_generic_text(app, db, make_user):
    rendered = kinds.render_for(make_user(locale="en"), "something_new", {"x": 1})
    assert rendered.text == "You have a new notification."


def test_missing_data_shows_an_ellipsis_not_an_error(app, db, make_user):
    rendered = kinds.render_for(make_user(locale="en"), "welcome", {})
    assert rendered.text == "Welcome to Fuhua, …!"


def test_data_that_breaks_the_template_falls_back(app, db, make_user, monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "test_count", kinds.Kind(name="test_count", text="%(n)d new quotes"))
    user = make_user(locale="en")
    assert kinds.render_for(user, "test_count", {"n": 3}).text == "3 new quotes"
    assert kinds.render_for(user, "test_count", {"n": "many"}).text == "You have a new notification."


def test_rendered_in_the_recipients_language_and_time_zone(app, db, make_user, monkeypatch):
    """`prepare` runs in the recipient's locale, and format_time uses their zone (CLDR, no catalog needed)."""
    seen = {}

    def prepare(data, user):
        seen["locale"] = str(get_locale())
        return {**data, "when": kinds.format_time(data["starts_at"], user)}

    monkeypatch.setitem(kinds.KINDS, "test_reminder", kinds.Kind(name="test_reminder", text="%(when)s",
                                                                 prepare=prepare))
    starts_at = datetime(2026, 3, 1, 6, 30, tzinfo=timezone.utc).isoformat()
    zh_user = make_user(locale="zh", timezone="Asia/Shanghai")
    en_user = make_user(locale="en", timezone="Europe/London")

    assert kinds.render_for(zh_user, "test_reminder", {"starts_at": starts_at}).text == "2026年3月1日 14:30"
    assert seen["locale"] == "zh"
    assert kinds.render_for(en_user, "test_reminder", {"starts_at": starts_at}).text == "Mar 1, 2026, 6:30\u202fAM"
    assert seen["locale"] == "en"


def test_user_without_a_language_reads_the_site_default(app, db, make_user):
    assert kinds.user_locale(make_user(locale=None)) == app.config["BABEL_DEFAULT_LOCALE"]


def test_render_for_leaves_the_callers_locale_alone(app, db, make_user):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        kinds.render_for(make_user(locale="zh"), "welcome", {"name": "x"})
        assert str(get_locale()) == "en"
