"""The pitch forms of the detail and edit pages under bad input: the errors come back as a message in the
reader's language, never a 500 (their messages are lazy strings, which a plain join refused)."""
import pytest


@pytest.mark.parametrize("lang, message", [("en", "Enter a full web address."), ("zh", "请输入完整网址。")])
def test_a_pitch_edit_with_bad_fields_says_why(db, admin, login, make_roadshow, make_pitch, lang, message):
    roadshow = make_roadshow()
    pitch = make_pitch(roadshow)
    api = login(admin)
    response = api.post(f"/roadshows/pitches/{pitch.id}/edit", headers={"Accept-Language": lang}, data={
        "csrf_token": api.csrf_token, "title": "长" * 201, "duration_minutes": "十二", "stream_url": "不是网址"})
    assert response.status_code == 302
    page = api.get(response.headers["Location"], headers={"Accept-Language": lang}).get_data(as_text=True)
    assert message in page


def test_adding_a_pitch_with_bad_fields_says_why(db, admin, login, make_roadshow, make_startup):
    roadshow = make_roadshow()
    startup = make_startup()
    api = login(admin)
    response = api.post(f"/roadshows/{roadshow.id}/pitches", data={
        "csrf_token": api.csrf_token, "startup_id": str(startup.id), "title": "长" * 201, "duration_minutes": "500"})
    assert response.status_code == 302
    assert "Field cannot be longer than 200 characters." in api.get(response.headers["Location"]).get_data(as_text=True)
