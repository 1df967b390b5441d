"""The pitch forms of the detail and edit pages under bad input: the page again with what was typed and the
errors next to the fields in the reader's language, never a 500 (their messages are lazy strings, which a plain
join refused); a stale CSRF token keeps what was typed too."""
import pytest


@pytest.mark.parametrize("lang, message", [("en", "Enter a full web address."), ("zh", "请输入完整网址。")])
def test_a_pitch_edit_with_bad_fields_says_why(db, admin, login, make_roadshow, make_pitch, lang, message):
    roadshow = make_roadshow()
    pitch = make_pitch(roadshow)
    api = login(admin)
    response = api.post(f"/roadshows/pitches/{pitch.id}/edit", headers={"Accept-Language": lang}, data={
        "csrf_token": api.csrf_token, "title": "长" * 201, "duration_minutes": "十二", "stream_url": "不是网址"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert f'id="stream-{pitch.id}-error"' in page and f'id="minutes-{pitch.id}-error"' in page
    assert 'value="' + "长" * 201 + '"' in page and 'value="十二"' in page and 'value="不是网址"' in page


def test_adding_a_pitch_with_bad_fields_says_why(db, admin, login, make_roadshow, make_startup):
    roadshow = make_roadshow()
    startup = make_startup()
    api = login(admin)
    response = api.post(f"/roadshows/{roadshow.id}/pitches", data={
        "csrf_token": api.csrf_token, "startup_id": str(startup.id), "title": "长" * 201, "duration_minutes": "500"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Field cannot be longer than 200 characters." in page
    assert 'value="' + "长" * 201 + '"' in page and 'value="500"' in page


def test_a_judges_bad_scores_come_back_with_what_was_typed(db, admin, login, make_roadshow, make_pitch, make_user):
    from app.roadshows import services
    roadshow = make_roadshow(criteria=[{"name": "团队", "weight": 1}, {"name": "Market", "weight": 1}])
    pitch = make_pitch(roadshow)
    judge = make_user("investor")
    services.set_role(actor=admin, roadshow_id=roadshow.id, user_id=judge.id, role="judge")
    api = login(judge)
    response = api.post(f"/roadshows/pitches/{pitch.id}/scores", headers={"Accept-Language": "zh"},
                        data={"csrf_token": api.csrf_token, "score-团队": "十二", "score-Market": "11"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "评分须为 0 到 10 的整数。" in page
    assert f'id="score-{pitch.id}-1-error"' in page and f'id="score-{pitch.id}-2-error"' in page
    assert 'value="十二"' in page and 'value="11"' in page
    stale = api.post(f"/roadshows/pitches/{pitch.id}/scores",
                     data={"csrf_token": "stale", "score-团队": "7", "score-Market": "8"})
    assert stale.status_code == 400 and 'value="7"' in stale.get_data(as_text=True)
    saved = api.post(f"/roadshows/pitches/{pitch.id}/scores",
                     data={"csrf_token": api.csrf_token, "score-团队": "7", "score-Market": ""})
    assert saved.status_code == 302


def test_an_invitation_with_a_stale_token_keeps_the_addresses(db, admin, login, make_roadshow):
    roadshow = make_roadshow()
    api = login(admin)
    response = api.post(f"/roadshows/{roadshow.id}/invitations", data={"csrf_token": "stale",
                                                                       "emails": "李@x.test, wang@x.test"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "李@x.test, wang@x.test</textarea>" in page
    assert "The form was not sent" in page
