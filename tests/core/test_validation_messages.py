"""marshmallow's validation messages reach the reader in their language, in the API and in pages."""
import pytest
from flask_babel import force_locale

from app.core.validation_messages import library_templates, translate_message, translate_messages


def test_every_marshmallow_message_has_a_chinese_translation(app):
    """Fails when the pinned marshmallow adds or rewords a message: translate it in messages.po."""
    with app.test_request_context(), force_locale("zh"):
        untranslated = [t for t in library_templates() if "{input!r}" not in t and translate_message(t) == t]
    assert untranslated == []


@pytest.mark.parametrize(("english", "chinese"), [
    ("Missing data for required field.", "此项为必填项。"),
    ("Not a valid number.", "不是有效的数字。"),
    ("Longer than maximum length 200.", "超过最大长度 200。"),
    ("Must be greater than or equal to 1 and less than or equal to 4096.", "必须大于或等于 1 且小于或等于 4096。"),
    ("Must be greater than 0.", "必须大于 0。"),
    ("Must be one of: fixed, quote.", "必须是以下之一：fixed, quote。"),
    ("Not a valid naive datetime.", "不是有效的无时区的日期时间。"),
])
def test_messages_are_rebuilt_from_the_translated_template(app, english, chinese):
    with app.test_request_context(), force_locale("zh"):
        assert translate_message(english) == chinese
    with app.test_request_context(), force_locale("en"):
        assert translate_message(english) == english


def test_our_own_messages_and_nesting_pass_through(app):
    with app.test_request_context(), force_locale("zh"):
        assert translate_messages({"a": ["Use a multiple of 15 minutes."], "b": {"0": ["Not a valid integer."]}}) == {
            "a": ["Use a multiple of 15 minutes."], "b": {"0": ["不是有效的整数。"]}}


def test_api_field_errors_follow_accept_language(client, make_user, login):
    api = login(make_user("provider"))
    headers = {"Accept-Language": "zh-CN"}
    response = api.post("/api/providers", json={"name": ""}, headers=headers)
    assert response.status_code == 422
    text = str(response.get_json()["error"])
    assert "Missing data" not in text and "Shorter than" not in text and "Length" not in text, text
    body = client.get("/api/listings?min_price=abc", headers=headers).get_json()
    assert body["error"]["details"] == {"min_price": ["不是有效的数字。"]}
