"""Video viewers: the room's sockets say when the stage video plays (`video:watching`), a closed socket stops
watching, and the organiser's report gives each pitch's peak and time-weighted average of video viewers over its
time on stage (in the API, the page in both languages and the CSV)."""
from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db
from app.roadshows.models import StageEvent
from app.video import viewers
from app.video.models import VideoView
from tests.video.test_stage import show  # noqa: F401

T0 = datetime(2026, 5, 1, 2, 0, tzinfo=timezone.utc)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _stage(roadshow_id: int, minutes: float, pitch_id: int | None, state: str) -> None:
    db.session.add(StageEvent(roadshow_id=roadshow_id, kind="stage", data={"pitch_id": pitch_id, "state": state},
                              created_at=at(minutes)))


def _view(roadshow_id: int, start: float, end: float | None, *, user_id: int | None = None, sid: str = "s"):
    db.session.add(VideoView(roadshow_id=roadshow_id, user_id=user_id, sid=sid, joined_at=at(start),
                             left_at=None if end is None else at(end)))


@pytest.fixture
def timeline(show):  # noqa: F811
    """The first pitch on stage from minute 0 to 10 (live, then Q&A from 8), the second from 10 to 20; the
    roadshow's own stage log (made by the fixture's set_stage) is replaced by this one."""
    rid, first, second = show["roadshow"].id, show["first"].id, show["second"].id
    db.session.execute(db.delete(StageEvent).where(StageEvent.roadshow_id == rid))
    _stage(rid, 0, first, "live")
    _stage(rid, 8, first, "qa")
    _stage(rid, 10, second, "live")
    _stage(rid, 20, second, "done")
    _stage(rid, 25, None, "ended")
    db.session.commit()
    return show


def test_peak_and_time_weighted_average_per_pitch(timeline):
    rid, viewer, admin = timeline["roadshow"].id, timeline["viewer"], timeline["admin"]
    _view(rid, -5, 5, user_id=viewer.id, sid="a")          # minutes 0-5 of the first pitch
    _view(rid, 2, 30, user_id=admin.id, sid="b")           # 2-10 of the first, all of the second
    _view(rid, 4, 6, sid="anon-1")                        # an anonymous socket, 4-6
    _view(rid, 12, 14, user_id=viewer.id, sid="c")         # the viewer again during the second pitch
    _view(rid, 13, 15, user_id=viewer.id, sid="d")         # ... in a second tab: still one person
    db.session.commit()
    figures = viewers.pitch_figures(timeline["roadshow"], now=at(40))
    # First pitch: 1 viewer 0-2, 2 viewers 2-4, 3 viewers 4-5, 2 viewers 5-6, 1 viewer 6-10.
    # Area = 2 + 4 + 3 + 2 + 4 = 15 viewer-minutes over 10 minutes.
    assert figures[timeline["first"].id] == {"peak_video_viewers": 3, "average_video_viewers": 1.5}
    # Second pitch: the admin 10-20 and the viewer 12-15 (two tabs, one person): 10 + 3 = 13 over 10.
    assert figures[timeline["second"].id] == {"peak_video_viewers": 2, "average_video_viewers": 1.3}


def test_a_view_still_open_counts_until_now_and_a_pitch_never_on_stage_counts_zero(show, make_user):  # noqa: F811
    from app.roadshows import services as roadshows

    third = roadshows.add_pitch(actor=show["admin"], roadshow_id=show["roadshow"].id, title="第三个项目",
                                startup_id=show["first"].startup_id)
    started = show["first"].started_at
    _view(show["roadshow"].id, 0, None, user_id=show["viewer"].id)
    db.session.execute(db.update(VideoView).values(joined_at=started))
    db.session.commit()
    db.session.refresh(show["roadshow"])
    figures = viewers.pitch_figures(show["roadshow"], now=started + timedelta(minutes=3))
    assert figures[show["first"].id] == {"peak_video_viewers": 1, "average_video_viewers": 1.0}
    assert figures[third.id] == {"peak_video_viewers": 0, "average_video_viewers": 0.0}


def test_the_report_api_page_and_csv_carry_the_figures(timeline, login):
    rid = timeline["roadshow"].id
    _view(rid, 0, 10, user_id=timeline["viewer"].id, sid="a")
    db.session.commit()
    organiser = login(timeline["admin"])
    rows = {r["pitch"]["id"]: r for r in organiser.get(f"/api/roadshows/{rid}/report").get_json()["pitches"]}
    assert rows[timeline["first"].id]["peak_video_viewers"] == 1
    assert rows[timeline["first"].id]["average_video_viewers"] > 0
    assert rows[timeline["second"].id]["peak_video_viewers"] == 0
    page = organiser.get(f"/roadshows/{rid}/report", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "视频观看峰值人数" in page and "视频平均观看人数" in page
    csv = organiser.get(f"/roadshows/{rid}/report.csv", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Peak video viewers,Average video viewers" in csv
    assert login(timeline["viewer"]).get(f"/api/roadshows/{rid}/report").status_code == 403


# Sockets --------------------------------------------------------------------------------------------

def _joined(socket_client, api_client, roadshow_id):
    sc = socket_client(api_client)
    assert sc.emit("roadshow:join", {"roadshow_id": roadshow_id, "after_id": None}, callback=True)["ok"]
    return sc


def _open_views(roadshow_id):
    db.session.expire_all()
    return list(db.session.scalars(db.select(VideoView).where(VideoView.roadshow_id == roadshow_id,
                                                              VideoView.left_at.is_(None))))


def test_watching_opens_one_stretch_and_stopping_closes_it(show, login, socket_client):  # noqa: F811
    rid = show["roadshow"].id
    sc = _joined(socket_client, login(show["viewer"]), rid)
    for _ in range(2):  # a repeat keeps one stretch
        assert sc.emit("video:watching", {"roadshow_id": rid, "watching": True}, callback=True) == {"ok": True}
    [view] = _open_views(rid)
    assert view.user_id == show["viewer"].id and view.via == "webrtc"
    assert sc.emit("video:watching", {"roadshow_id": rid, "watching": False}, callback=True) == {"ok": True}
    assert _open_views(rid) == []


def test_a_closed_socket_stops_watching(show, login, socket_client):  # noqa: F811
    rid = show["roadshow"].id
    sc = _joined(socket_client, login(show["viewer"]), rid)
    sc.emit("video:watching", {"roadshow_id": rid, "watching": True, "via": "hls"}, callback=True)
    assert [v.via for v in _open_views(rid)] == ["hls"]
    sc.disconnect()
    assert _open_views(rid) == []


def test_an_anonymous_viewer_of_a_public_room_counts(show, socket_client):  # noqa: F811
    rid = show["roadshow"].id
    sc = socket_client()
    assert sc.emit("roadshow:join", {"roadshow_id": rid, "after_id": None}, callback=True)["ok"]
    assert sc.emit("video:watching", {"roadshow_id": rid, "watching": True}, callback=True) == {"ok": True}
    [view] = _open_views(rid)
    assert view.user_id is None


def test_watching_needs_the_room(show, login, socket_client):  # noqa: F811
    sc = socket_client(login(show["viewer"]))
    ack = sc.emit("video:watching", {"roadshow_id": show["roadshow"].id, "watching": True}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "not_joined"
    assert _open_views(show["roadshow"].id) == []


@pytest.mark.parametrize("payload", [{"watching": "yes"}, {"watching": True, "via": "carrier-pigeon"}, {},
                                     {"watching": True, "extra": 1}, {"watching": None}])
def test_hostile_payloads_are_validation_errors(show, login, socket_client, payload):  # noqa: F811
    rid = show["roadshow"].id
    sc = _joined(socket_client, login(show["viewer"]), rid)
    ack = sc.emit("video:watching", {"roadshow_id": rid, **payload}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"
    ack = sc.emit("video:watching", "not an object", callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"
