"""The meeting offer form's times are sub-forms: their WTForms messages come in the reader's language too."""
from tests.conversations.test_views import _offer_form


def test_offer_times_are_refused_in_chinese(people, login, conversation):
    api = login(people["founder"])
    data = _offer_form(api, [("明天下午", 30)])
    data["times-0-duration_minutes"] = "十二"
    response = api.post(f"/conversations/{conversation.id}/offer", data=data, headers={"Accept-Language": "zh"})
    html = response.get_data(as_text=True)
    assert response.status_code in (400, 409, 422) and 'lang="zh-CN"' in html
    assert "不是有效的日期与时间值" in html and "选择无效" in html
    assert "Not a valid datetime value." not in html and "could not coerce" not in html
