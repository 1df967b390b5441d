"""The organiser's edit page (issue 17, item 1): moderators and judges added and removed one by one by account,
each pitch's presenter chosen among its startup's members; and the founder's interest list told live (item 7)."""
import pytest

from tests.roadshows.conftest import received


def _csrf(api) -> dict:
    return {"csrf_token": api.csrf_token}


@pytest.fixture
def page(db, admin, login, make_roadshow):
    roadshow = make_roadshow(title="评委路演")
    return roadshow, login(admin)


def test_an_admin_adds_and_removes_moderators_and_judges(page, make_user, db):
    roadshow, api = page
    mod, judge = make_user("mentor", name="王主持"), make_user("investor", name="赵评委")
    for user, role in ((mod, "moderator"), (judge, "judge")):
        response = api.post(f"/roadshows/{roadshow.id}/roles", data={**_csrf(api), "email": user.email.upper(),
                                                                     "role": role})
        assert response.status_code == 302
    db.session.expire_all()
    assert roadshow.user_ids_with("moderator") == {mod.id} and roadshow.user_ids_with("judge") == {judge.id}
    roadshow.created_by.locale = "zh"  # the page in Chinese
    db.session.commit()
    html = api.get(f"/roadshows/{roadshow.id}/edit").get_data(as_text=True)
    assert "主持人与评委" in html and "王主持" in html and "赵评委" in html
    api.post(f"/roadshows/{roadshow.id}/roles", data={**_csrf(api), "user_id": mod.id, "role": "moderator",
                                                      "remove": "1"})
    db.session.expire_all()
    assert roadshow.user_ids_with("moderator") == set() and roadshow.user_ids_with("judge") == {judge.id}


def test_adding_someone_twice_keeps_one_role(page, make_user, db):
    roadshow, api = page
    mod = make_user("mentor")
    for _ in range(2):
        api.post(f"/roadshows/{roadshow.id}/roles", data={**_csrf(api), "email": mod.email, "role": "moderator"})
    db.session.expire_all()
    assert [r.user_id for r in roadshow.roles] == [mod.id]


def test_an_unknown_email_or_role_is_said_and_changes_nothing(page, db):
    roadshow, api = page
    response = api.post(f"/roadshows/{roadshow.id}/roles", data={**_csrf(api), "email": "nobody@x.test",
                                                                 "role": "moderator"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "No account uses nobody@x.test." in html
    assert 'id="email-error"' in html and 'value="nobody@x.test"' in html
    bad = api.post(f"/roadshows/{roadshow.id}/roles", data={**_csrf(api), "email": "nobody@x.test", "role": "boss"})
    assert bad.status_code == 422 and 'id="role-error"' in bad.get_data(as_text=True)
    stale = api.post(f"/roadshows/{roadshow.id}/roles", data={"csrf_token": "stale", "email": "王@x.test",
                                                              "role": "judge"})
    assert stale.status_code == 400 and 'value="王@x.test"' in stale.get_data(as_text=True)
    assert "The form was not sent" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert roadshow.roles == []


def test_only_admins_choose_moderators(page, make_user, login, db):
    from app.roadshows import services
    roadshow, admin_api = page
    mod, other = make_user("mentor"), make_user("mentor")
    services.set_role(actor=roadshow.created_by, roadshow_id=roadshow.id, user_id=mod.id, role="moderator")
    api = login(mod)
    html = api.get(f"/roadshows/{roadshow.id}/edit").get_data(as_text=True)
    assert "data-add-role" not in html and "Admins choose the moderators and judges." in html
    response = api.post(f"/roadshows/{roadshow.id}/roles", data={**_csrf(api), "email": other.email,
                                                                 "role": "moderator"}, follow_redirects=True)
    assert "Only admins choose moderators and judges." in response.get_data(as_text=True)
    db.session.expire_all()
    assert roadshow.user_ids_with("moderator") == {mod.id}


def test_saving_the_edit_page_keeps_the_roles(page, make_user, db):
    from app.roadshows import services
    roadshow, api = page
    mod = make_user("mentor")
    services.set_role(actor=roadshow.created_by, roadshow_id=roadshow.id, user_id=mod.id, role="moderator")
    response = api.post(f"/roadshows/{roadshow.id}/edit", data={
        **_csrf(api), "title": "改名的路演", "starts_at": "2030-09-01T09:00", "ends_at": "2030-09-01T12:00",
        "visibility": "public"})
    assert response.status_code == 302
    db.session.expire_all()
    assert roadshow.title == "改名的路演" and roadshow.user_ids_with("moderator") == {mod.id}


def test_the_presenter_is_chosen_among_the_startups_members(page, make_pitch, make_startup, make_user, db):
    from app.accounts.models import Membership
    roadshow, api = page
    founder, cofounder, stranger = make_user("founder", name="甲"), make_user("founder", name="乙"), make_user()
    startup = make_startup(founder, name="双人公司")
    db.session.add(Membership(organisation=startup, user=cofounder, role="member"))
    db.session.commit()
    pitch = make_pitch(roadshow, startup=startup, title="双人项目")
    html = api.get(f"/roadshows/{roadshow.id}/edit").get_data(as_text=True)
    assert f'id="presenter-{pitch.id}"' in html and "乙" in html
    form = {**_csrf(api), "title": pitch.title, "duration_minutes": 10, "stream_url": ""}
    api.post(f"/roadshows/pitches/{pitch.id}/edit", data={**form, "presenter_id": cofounder.id})
    db.session.expire_all()
    assert pitch.presenter_id == cofounder.id
    refused = api.post(f"/roadshows/pitches/{pitch.id}/edit", data={**form, "presenter_id": stranger.id})
    assert refused.status_code == 422
    assert "The presenter must be a member of the startup." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert pitch.presenter_id == cofounder.id


def test_the_founders_interest_list_is_told_live(db, admin, make_user, login, socket_client, make_roadshow,
                                                 make_pitch, make_startup):
    founder, investor = make_user("founder", name="创始人"), make_user("investor", name="投资人")
    roadshow = make_roadshow()
    pitch = make_pitch(roadshow, startup=make_startup(founder))
    founder_socket, organiser_socket = socket_client(login(founder)), socket_client(login(admin))
    api = login(investor)
    assert api.put(f"/api/pitches/{pitch.id}/interest").status_code == 200
    assert api.put(f"/api/pitches/{pitch.id}/interest").status_code == 200  # again: nothing new to tell
    assert api.delete(f"/api/pitches/{pitch.id}/interest").status_code == 200
    for sc in (founder_socket, organiser_socket):
        assert [(u["interested"], u["count"], u["user"]["name"]) for u in received(sc, "interest:update")] == [
            (True, 1, "投资人"), (False, 0, "投资人")]
    page = login(founder).get(f"/roadshows/pitches/{pitch.id}/interest").get_data(as_text=True)
    assert "data-interest-list" in page and "roadshow-interest.js" in page
