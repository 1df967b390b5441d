"""A roadshow's stage video, with the rights checked by Janus itself: the presenter on stage and moderators may
publish, viewers may only watch (Janus refuses them a publisher's place), and the previous presenter's right goes
when the stage changes, the roadshow ends or a moderator cuts the stream."""
from datetime import timedelta

import pytest

from app.core.db import utcnow
from app.roadshows import services as roadshows
from app.roadshows.live import use_cases
from app.video import services, stage
from tests.video.janus_client import JanusRefused, join_room, session_refused


@pytest.fixture
def video(app, janus_server, video_config):
    """The module's Janus, used by the app; emptied after the test (its tokens and rooms)."""
    video_config(janus_server)
    yield janus_server
    client = janus_server.client()
    for token in client.list_tokens():
        client.remove_token(token)
    with app.app_context():
        for room in client.videoroom({"request": "list", "admin_key": client.room_admin_key}).get("list", []):
            client.destroy_room(room["room"], secret=services.room_secret(room["room"]))


@pytest.fixture
def show(db, make_user):
    """A public roadshow with two pitches (their founders present), the first live; a viewer; an admin."""
    from app.startups.services import create_startup

    def make_startup(founder, name):
        return create_startup(founder=founder, name=name, sector="clean_energy", stage="seed", summary="电池", needs="",
                              tags=[])

    admin = make_user("investor", is_admin=True, name="管理员 Ada")
    first_founder, second_founder = make_user("founder", name="周杰"), make_user("founder", name="吴敏")
    viewer = make_user("investor", name="钱多多")
    roadshow = roadshows.create_roadshow(actor=admin, title="春季演示日", starts_at=utcnow(),
                                         ends_at=utcnow() + timedelta(hours=2),
                                         visibility="public")
    first = roadshows.add_pitch(actor=admin, roadshow_id=roadshow.id, title="第一个项目",
                                startup_id=make_startup(first_founder, name="甲公司").id)
    second = roadshows.add_pitch(actor=admin, roadshow_id=roadshow.id, title="第二个项目",
                                 startup_id=make_startup(second_founder, name="乙公司").id)
    use_cases.set_stage(actor=admin, roadshow_id=roadshow.id, pitch_id=first.id, state="live")
    return {"roadshow": roadshow, "first": first, "second": second, "presenter": first_founder,
            "next": second_founder, "viewer": viewer, "admin": admin}


def _join(login, user, roadshow, publish: bool, status: int = 201) -> dict:
    response = login(user).post(f"/api/roadshows/{roadshow.id}/video", json={"publish": publish})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_the_presenter_on_stage_publishes_and_a_viewer_only_watches(video, login, show):
    mine = _join(login, show["presenter"], show["roadshow"], publish=True)
    assert mine["can_publish"] and mine["room"] == stage.room_of(show["roadshow"].id)
    joined = join_room(video.http_url, token=mine["token"], room=mine["room"], feed_id=mine["feed_id"],
                       display="周杰")
    assert joined["id"] == mine["feed_id"]

    watching = _join(login, show["viewer"], show["roadshow"], publish=False)
    assert not watching["can_publish"] and watching["room"] == mine["room"]
    assert not session_refused(video.http_url, watching["token"])  # Janus lets the viewer in to subscribe…
    with pytest.raises(JanusRefused, match="allowed"):  # …and refuses them a publisher's place
        join_room(video.http_url, token=watching["token"], room=watching["room"])
    refused = _join(login, show["viewer"], show["roadshow"], publish=True, status=403)
    assert refused["error"]["code"] == "stage_only"
    assert _join(login, show["next"], show["roadshow"], publish=True, status=403)["error"]["code"] == "stage_only"
    assert _join(login, show["admin"], show["roadshow"], publish=True)["can_publish"]  # moderators may


def test_an_invite_only_room_gives_outsiders_nothing(video, login, show, make_user, db):
    show["roadshow"].visibility = "invite_only"
    db.session.commit()
    outsider = make_user("investor", name="陌生人")
    refused = _join(login, outsider, show["roadshow"], publish=False, status=403)
    assert refused["error"]["code"] == "registration_required"
    assert login(outsider).get(f"/api/roadshows/{show['roadshow'].id}/video").status_code == 403
    assert login(show["presenter"]).get(f"/api/roadshows/{show['roadshow'].id}/video").get_json() == {"feeds": []}
    assert _join(login, show["presenter"], show["roadshow"], publish=False)["token"]  # the cast may watch


def test_the_next_pitch_takes_the_stage_and_the_previous_presenter_loses_it(video, login, show):
    before = _join(login, show["presenter"], show["roadshow"], publish=True)
    watching = _join(login, show["viewer"], show["roadshow"], publish=False)
    use_cases.set_stage(actor=show["admin"], roadshow_id=show["roadshow"].id, pitch_id=show["second"].id,
                        state="live")
    assert session_refused(video.http_url, before["token"])  # revoked after the commit
    assert not session_refused(video.http_url, watching["token"])  # viewers keep watching
    after = _join(login, show["next"], show["roadshow"], publish=True)
    join_room(video.http_url, token=after["token"], room=after["room"], feed_id=after["feed_id"])
    assert _join(login, show["presenter"], show["roadshow"], publish=True, status=403)["error"]["code"] == "stage_only"


def test_ending_the_pitch_and_the_roadshow_revokes_every_stage_right(video, login, show):
    presenter = _join(login, show["presenter"], show["roadshow"], publish=True)
    use_cases.set_stage(actor=show["admin"], roadshow_id=show["roadshow"].id, pitch_id=show["first"].id,
                        state="done")
    assert session_refused(video.http_url, presenter["token"])
    watching = _join(login, show["viewer"], show["roadshow"], publish=False)
    moderator = _join(login, show["admin"], show["roadshow"], publish=True)
    use_cases.set_stage(actor=show["admin"], roadshow_id=show["roadshow"].id, pitch_id=None, state="ended")
    assert session_refused(video.http_url, watching["token"])
    assert session_refused(video.http_url, moderator["token"])
    closed = _join(login, show["viewer"], show["roadshow"], publish=False, status=409)
    assert closed["error"]["code"] == "roadshow_closed"


def test_a_moderator_cuts_the_presenter_and_the_feed_is_kicked(video, login, show, socket_client):
    from tests.roadshows.conftest import ack_of, received

    presenter = _join(login, show["presenter"], show["roadshow"], publish=True)
    joined_session = join_room(video.http_url, token=presenter["token"], room=presenter["room"],
                               feed_id=presenter["feed_id"])
    assert joined_session
    sc = socket_client(login(show["viewer"]))
    assert ack_of(sc, "roadshow:join", {"roadshow_id": show["roadshow"].id})["ok"]
    sc.get_received()
    assert login(show["viewer"]).post(f"/api/roadshows/{show['roadshow'].id}/video/cut").status_code == 403
    response = login(show["admin"]).post(f"/api/roadshows/{show['roadshow'].id}/video/cut")
    assert response.status_code == 200 and response.get_json() == {"cut": 1}
    assert session_refused(video.http_url, presenter["token"])
    assert received(sc, "video:cut") == [{"roadshow_id": show["roadshow"].id, "feeds": [presenter["feed_id"]]}]
    again = _join(login, show["presenter"], show["roadshow"], publish=True)  # they may go live again
    assert not session_refused(video.http_url, again["token"])


def test_stopping_my_stream_revokes_only_the_token_that_publishes(video, login, show):
    client = login(show["presenter"])
    live = _join(login, show["presenter"], show["roadshow"], publish=True)
    watching = _join(login, show["presenter"], show["roadshow"], publish=False)
    join_room(video.http_url, token=live["token"], room=live["room"], feed_id=live["feed_id"])
    assert client.delete(f"/api/roadshows/{show['roadshow'].id}/video?publish=true").status_code == 204
    assert session_refused(video.http_url, live["token"])  # nobody can go live with it any more
    assert not session_refused(video.http_url, watching["token"])  # the presenter's page goes on watching
    assert client.delete(f"/api/roadshows/{show['roadshow'].id}/video?publish=maybe").status_code == 422
    assert client.delete(f"/api/roadshows/{show['roadshow'].id}/video").status_code == 204
    assert session_refused(video.http_url, watching["token"])


def test_without_janus_the_stage_says_video_is_off(app, login, show):
    response = login(show["viewer"]).post(f"/api/roadshows/{show['roadshow'].id}/video", json={})
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "video_disabled"


def test_the_room_page_offers_going_live_to_presenters_and_the_cut_to_moderators(video, login, show):
    url = f"/roadshows/{show['roadshow'].id}/live"
    viewer = login(show["viewer"]).get(url, headers={"Accept-Language": "zh-CN"})
    html = viewer.get_data(as_text=True)
    assert "data-video-stage" in html and "视频放大" in html
    assert "data-stage-go-live" not in html and "data-stage-cut" not in html
    assert "camera=(self)" not in viewer.headers["Permissions-Policy"]  # a viewer's page may not capture
    presenter = login(show["next"]).get(url)  # presents a later pitch: offered, the server decides on click
    assert "Go live on camera" in presenter.get_data(as_text=True)
    assert "camera=(self)" in presenter.headers["Permissions-Policy"]
    moderator = login(show["admin"]).get(url).get_data(as_text=True)
    assert "data-stage-cut" in moderator and "js/video-stage.js" in moderator


def test_without_video_the_room_page_has_no_stage_player(app, login, show):
    html = login(show["viewer"]).get(f"/roadshows/{show['roadshow'].id}/live").get_data(as_text=True)
    assert "data-video-stage" not in html and "video-stage.js" not in html
    assert "data-stream" in html  # the stream URL fallback stays
