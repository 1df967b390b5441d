"""Recording for the replay, against a real Janus (its API: whether a room records, and where): nothing is recorded
without the organiser's consent, a pitch on stage is recorded into a folder of its own and stopped when it
leaves, a mentoring call is never recorded; the files are served only to those who may watch, with Range."""
from pathlib import Path

import pytest

from app.extensions import db
from app.roadshows import services as roadshows
from app.roadshows.live import use_cases
from app.video import recording, services, stage
from app.video.models import PitchRecording, RecordingStatus
from tests.video.test_stage import show, video  # noqa: F401


def _room_info(janus, room: int) -> dict | None:
    client = janus.client()
    rooms = client.videoroom({"request": "list", "admin_key": client.room_admin_key}).get("list", [])
    return next((r for r in rooms if r["room"] == room), None)


def _recordings(roadshow_id: int) -> list[PitchRecording]:
    db.session.expire_all()  # the jobs ran in sessions of their own
    return list(db.session.scalars(db.select(PitchRecording).where(PitchRecording.roadshow_id == roadshow_id)
                                   .order_by(PitchRecording.id)))


def test_consent_is_off_by_default(show):  # noqa: F811
    assert show["roadshow"].record_pitches is False


def test_without_consent_nothing_is_recorded(video, login, show, tmp_path, app):  # noqa: F811
    app.config["VIDEO_RECORDING_DIR"] = str(tmp_path)
    response = login(show["presenter"]).post(f"/api/roadshows/{show['roadshow'].id}/video", json={"publish": True})
    assert response.status_code == 201
    assert recording.sync(roadshow_id=show["roadshow"].id) is None
    assert _recordings(show["roadshow"].id) == []
    info = _room_info(video, stage.room_of(show["roadshow"].id))
    assert info is not None and info["record"] is False
    assert list(tmp_path.iterdir()) == []


def test_with_consent_the_pitch_on_stage_is_recorded_until_it_leaves(video, show, tmp_path, app):  # noqa: F811
    app.config["VIDEO_RECORDING_DIR"] = str(tmp_path)
    roadshow, admin = show["roadshow"], show["admin"]
    roadshows.update_roadshow(actor=admin, roadshow_id=roadshow.id, record_pitches=True)  # the job runs inline
    [first] = _recordings(roadshow.id)
    assert first.pitch_id == show["first"].id and first.status == RecordingStatus.RECORDING
    info = _room_info(video, stage.room_of(roadshow.id))
    assert info["record"] is True and info["rec_dir"] == first.rec_dir
    assert Path(first.rec_dir).parent.parent == tmp_path

    use_cases.set_stage(actor=admin, roadshow_id=roadshow.id, pitch_id=show["second"].id, state="live")
    first_after, second = _recordings(roadshow.id)
    # Nobody published: the stopped recording had no media to process.
    assert first_after.status == RecordingStatus.EMPTY and first_after.stopped_at is not None
    assert second.pitch_id == show["second"].id and second.status == RecordingStatus.RECORDING
    assert _room_info(video, stage.room_of(roadshow.id))["rec_dir"] == second.rec_dir != first.rec_dir

    use_cases.set_stage(actor=admin, roadshow_id=roadshow.id, pitch_id=show["second"].id, state="done")
    assert [r.status for r in _recordings(roadshow.id)] == [RecordingStatus.EMPTY, RecordingStatus.EMPTY]
    assert _room_info(video, stage.room_of(roadshow.id))["record"] is False


def test_withdrawing_consent_stops_the_recording(video, show, tmp_path, app):  # noqa: F811
    app.config["VIDEO_RECORDING_DIR"] = str(tmp_path)
    roadshow, admin = show["roadshow"], show["admin"]
    roadshows.update_roadshow(actor=admin, roadshow_id=roadshow.id, record_pitches=True)
    roadshows.update_roadshow(actor=admin, roadshow_id=roadshow.id, record_pitches=False)
    assert [r.status for r in _recordings(roadshow.id)] == [RecordingStatus.EMPTY]
    assert recording.running(roadshow.id) is None
    assert _room_info(video, stage.room_of(roadshow.id))["record"] is False


def test_sync_is_idempotent(video, show, tmp_path, app):  # noqa: F811
    app.config["VIDEO_RECORDING_DIR"] = str(tmp_path)
    roadshows.update_roadshow(actor=show["admin"], roadshow_id=show["roadshow"].id, record_pitches=True)
    again = recording.sync(roadshow_id=show["roadshow"].id)
    assert [r.id for r in _recordings(show["roadshow"].id)] == [again.id]


def test_a_mentoring_call_is_never_recorded(video, login, call_people, app, tmp_path):  # noqa: F811
    app.config["VIDEO_RECORDING_DIR"] = str(tmp_path)
    answer = login(call_people["founder"]).post(f"/api/bookings/{call_people['booking'].id}/call")
    assert answer.status_code == 201, answer.get_json()
    info = _room_info(video, answer.get_json()["room"])
    assert info is not None and info["record"] is False and not info.get("rec_dir")
    with pytest.raises(ValueError):  # nothing in the recording module can reach a call's room
        recording._stage_room(answer.get_json()["room"])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("names", "expected"), [
    (["videoroom-1-user-7-1000000-audio-0.mjr", "videoroom-1-user-7-1300000-video-1.mjr"],
     [{"audio", "video"}]),
    (["videoroom-1-user-7-1000000-audio-0.mjr", "videoroom-1-user-7-1000100-video-1.mjr",
      "videoroom-1-user-7-90000000-audio-0.mjr", "videoroom-1-user-7-90000200-video-1.mjr",
      "videoroom-1-user-8-50000000-video-1.mjr", "videoroom-1-user-8-50000000-data-2.mjr"],
     [{"audio", "video"}, {"video"}, {"audio", "video"}]),
], ids=["one_publisher", "restarted_and_a_second_publisher"])
def test_files_pair_by_publisher_and_start(tmp_path, names, expected):
    for name in names:
        (tmp_path / name).write_bytes(b"MJR00002")
    assert [set(pair) for pair in recording._pairs(tmp_path)] == expected


# The files ------------------------------------------------------------------------------------

@pytest.fixture
def recorded(show, tmp_path):  # noqa: F811
    """A ready recording of the first pitch (bytes standing in for the WebM)."""
    path = tmp_path / "recording.webm"
    path.write_bytes(bytes(range(256)) * 40)
    made = PitchRecording(roadshow_id=show["roadshow"].id, pitch_id=show["first"].id, rec_dir=str(tmp_path),
                          status=RecordingStatus.READY, file_path=str(path), size_bytes=10240, duration_seconds=75)
    db.session.add(made)
    db.session.commit()
    return made


def test_anyone_may_fetch_a_public_roadshows_recording_with_range(client, recorded):
    whole = client.get(f"/roadshows/recordings/{recorded.id}.webm")
    assert whole.status_code == 200 and whole.mimetype == "video/webm" and len(whole.data) == 10240
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = client.get(f"/roadshows/recordings/{recorded.id}.webm", headers={"Range": "bytes=256-511"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == "bytes 256-511/10240" and part.data == bytes(range(256))
    beyond = client.get(f"/roadshows/recordings/{recorded.id}.webm", headers={"Range": "bytes=20000-"})
    assert beyond.status_code == 416


def test_an_invite_only_roadshows_recording_is_for_those_let_in(client, login, make_user, recorded, show):  # noqa: F811
    roadshows.update_roadshow(actor=show["admin"], roadshow_id=show["roadshow"].id, visibility="invite_only")
    url = f"/roadshows/recordings/{recorded.id}.webm"
    assert client.get(url).status_code == 401
    assert login(make_user("investor", name="外人")).get(url).status_code == 403
    assert login(show["presenter"]).get(url).status_code == 200  # the cast
    assert login(show["admin"]).get(url, headers={"Range": "bytes=0-9"}).status_code == 206


@pytest.mark.parametrize("status", [RecordingStatus.RECORDING, RecordingStatus.PROCESSING, RecordingStatus.FAILED])
def test_a_recording_not_ready_is_not_found(client, recorded, status):
    recorded.status = status
    db.session.commit()
    assert client.get(f"/roadshows/recordings/{recorded.id}.webm").status_code == 404
    for missing in (999999, 2**31, 10**30):  # an id past the column's range too (PostgreSQL's integer)
        assert client.get(f"/roadshows/recordings/{missing}.webm").status_code == 404


@pytest.mark.parametrize(("locale", "texts"), [("en", ["Recording", "Play 第一个项目", "0:01:15"]),
                                               ("zh", ["录像", "播放 第一个项目", "正在播放：第一个项目"])])
def test_the_replay_page_chapters_the_recordings(login, show, recorded, locale, texts):  # noqa: F811
    viewer = login(show["viewer"])
    page = viewer.get(f"/roadshows/{show['roadshow'].id}/replay", headers={"Accept-Language": locale}).get_data(
        as_text=True)
    assert "data-replay-player" in page and f"/roadshows/recordings/{recorded.id}.webm" in page
    assert page.count("data-replay-chapter ") == 1  # the second pitch has no recording: no chapter
    for text in texts:
        assert text in page


def test_the_replay_page_has_no_player_without_recordings(login, show):  # noqa: F811
    page = login(show["viewer"]).get(f"/roadshows/{show['roadshow'].id}/replay").get_data(as_text=True)
    assert "data-replay-player" not in page


def _notice_tag(page: str) -> str:
    start = page.index("data-recording-notice")
    return page[start:page.index(">", start)]


def test_the_room_tells_everyone_it_is_recorded(login, show, video, app):  # noqa: F811
    url = f"/roadshows/{show['roadshow'].id}/live"
    assert "hidden" in _notice_tag(login(show["viewer"]).get(url).get_data(as_text=True))  # off: not shown
    roadshows.update_roadshow(actor=show["admin"], roadshow_id=show["roadshow"].id, record_pitches=True)
    presenter = login(show["presenter"])
    page = presenter.get(url, headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "本场路演正在录制" in page and "hidden" not in _notice_tag(page)
    page = login(show["viewer"]).get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "This roadshow is recorded" in page and "hidden" not in _notice_tag(page)


def test_services_stay_unrecorded_when_video_is_off(show):  # noqa: F811
    """Without Janus the consent is kept, and no job tries to record."""
    roadshows.update_roadshow(actor=show["admin"], roadshow_id=show["roadshow"].id, record_pitches=True)
    assert services.video_enabled() is False and _recordings(show["roadshow"].id) == []


def test_a_room_made_again_while_a_pitch_records_records_again(video, login, show, tmp_path, app):  # noqa: F811
    """Janus restarted mid-pitch (its rooms gone): the first person back on the stage makes the room recording."""
    app.config["VIDEO_RECORDING_DIR"] = str(tmp_path)
    roadshow = show["roadshow"]
    roadshows.update_roadshow(actor=show["admin"], roadshow_id=roadshow.id, record_pitches=True)
    [running] = _recordings(roadshow.id)
    client, room = video.client(), stage.room_of(roadshow.id)
    client.destroy_room(room, secret=services.room_secret(room))
    assert login(show["viewer"]).post(f"/api/roadshows/{roadshow.id}/video", json={}).status_code == 201
    info = _room_info(video, room)
    assert info["record"] is True and info["rec_dir"] == running.rec_dir


@pytest.mark.parametrize(("locale", "text"), [("en", "The recording of this pitch is being prepared"),
                                              ("zh", "该项目的录像正在处理中")])
def test_the_replay_says_a_recording_is_being_prepared(login, show, recorded, locale, text):  # noqa: F811
    recorded.status = RecordingStatus.PROCESSING
    db.session.commit()
    page = login(show["viewer"]).get(f"/roadshows/{show['roadshow'].id}/replay",
                                     headers={"Accept-Language": locale}).get_data(as_text=True)
    assert text in page and page.count("data-recording-preparing") == 1 and "data-replay-player" not in page
