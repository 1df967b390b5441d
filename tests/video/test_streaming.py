"""Large audiences, with the rights checked by Janus itself: past the room's limit a viewer is sent to a Streaming
mountpoint on the Janus holding the fewest such viewers (a token for the Streaming plugin only, a private
mountpoint with a pin); the stage's HLS is served to those who may watch the room only; ffmpeg runs once per
stage and stops."""
import secrets
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest

from app.core.db import utcnow
from app.roadshows import admission
from app.roadshows import services as roadshows
from app.roadshows.live import use_cases
from app.video import hls, services, stage, streaming
from app.video.janus import JanusError, JanusSettings, LocalJanus
from tests.served import free_port
from tests.video.janus_client import _call, session_refused


@pytest.fixture(scope="module")
def second_janus(janus_server):
    """A second Janus beside the module's, with the same admin secret and room key (one site, two machines)."""
    directory = Path(tempfile.mkdtemp(prefix="fuhua-janus-"))
    rtp = free_port()
    settings = JanusSettings(admin_secret=janus_server.settings.admin_secret,
                             room_admin_key=janus_server.settings.room_admin_key, http_port=free_port(),
                             admin_port=free_port(), rtp_port_range=f"{rtp}-{rtp + 20}",
                             streaming_port_range="11000-11999")
    janus = LocalJanus(directory, settings)
    try:
        yield janus.start()
    finally:
        janus.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def two(app, janus_server, second_janus, video_config):
    """The app on both Janus instances, one viewer per room; both emptied after the test."""
    video_config(janus_server, JANUS_URLS=f"{janus_server.http_url},{second_janus.http_url}",
                 JANUS_ADMIN_URLS=f"{janus_server.admin_url},{second_janus.admin_url}", VIDEO_ROOM_MAX_SUBSCRIBERS=1)
    yield [janus_server, second_janus]
    with app.app_context():
        for janus in (janus_server, second_janus):
            client = janus.client()
            for token in client.list_tokens():
                client.remove_token(token)
            for room in client.videoroom({"request": "list", "admin_key": client.room_admin_key}).get("list", []):
                client.destroy_room(room["room"], secret=services.room_secret(room["room"]))
            for mount in streaming.streaming(client, {"request": "list", "admin_key": client.room_admin_key}).get(
                    "list", []):
                streaming.streaming(client, {"request": "destroy", "id": mount["id"],
                                             "secret": streaming.mount_secret(mount["id"])})


@pytest.fixture
def show(db, make_user):
    """An invite-only roadshow whose pitch is live, three invited viewers, an outsider, the presenter, an admin."""
    from app.startups.services import create_startup

    admin = make_user("investor", is_admin=True, name="管理员 Ada")
    founder = make_user("founder", name="周杰")
    viewers = [make_user("investor", name=name) for name in ("钱多多", "孙观众", "李看客")]
    outsider = make_user("investor", name="陌生人")
    startup = create_startup(founder=founder, name="甲公司", sector="clean_energy", stage="seed", summary="电池",
                             needs="", tags=[])
    roadshow = roadshows.create_roadshow(actor=admin, title="闭门路演", starts_at=utcnow(),
                                         ends_at=utcnow() + timedelta(hours=2), visibility="invite_only")
    admission.invite(actor=admin, roadshow_id=roadshow.id, emails=[v.email for v in viewers])
    pitch = roadshows.add_pitch(actor=admin, roadshow_id=roadshow.id, title="固态电池", startup_id=startup.id)
    use_cases.set_stage(actor=admin, roadshow_id=roadshow.id, pitch_id=pitch.id, state="live")
    return {"roadshow": roadshow, "pitch": pitch, "presenter": founder, "viewers": viewers, "outsider": outsider,
            "admin": admin}


def _watch(login, user, roadshow, status: int = 201) -> dict:
    response = login(user).post(f"/api/roadshows/{roadshow.id}/video", json={"publish": False})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _by_url(instances, url):
    return next(j for j in instances if j.http_url == url)


def test_past_the_limit_viewers_watch_mountpoints_spread_over_the_instances(app, two, login, show):
    room = stage.room_of(show["roadshow"].id)
    room_janus = two[room % 2]
    first, second, third = (_watch(login, v, show["roadshow"]) for v in show["viewers"])
    assert first["path"] == "room" and first["mountpoint"] is None and first["janus_urls"] == [room_janus.http_url]
    assert second["path"] == third["path"] == "mountpoint"
    # The second goes to the other Janus (the room's carries its subscribers); the third, on a tie, to the room's.
    assert second["janus_urls"] != third["janus_urls"]
    assert third["janus_urls"] == [room_janus.http_url]
    assert second["mountpoint"] == {"id": room, "pin": streaming.mount_pin(room)} == third["mountpoint"]
    assert second["hls_url"] is None and second["ice_timeout_ms"] == 10000  # no HLS in these tests
    for access in (second, third):
        janus = _by_url(two, access["janus_urls"][0])
        with app.app_context():
            info = streaming.streaming(janus.client(), {"request": "info", "id": room,
                                                        "secret": streaming.mount_secret(room)})["info"]
        assert info["is_private"] and info["pin"] == streaming.mount_pin(room)
        assert {m["type"] for m in info["media"]} == {"audio", "video"}


def test_a_mount_token_reaches_the_streaming_plugin_only_and_needs_the_pin(two, login, show):
    _watch(login, show["viewers"][0], show["roadshow"])
    access = _watch(login, show["viewers"][1], show["roadshow"])
    url, token = access["janus_urls"][0], access["token"]
    session = _call(url, {"janus": "create", "token": token})["data"]["id"]
    refused = _call(f"{url}/{session}", {"janus": "attach", "plugin": "janus.plugin.videoroom", "token": token})
    assert refused["janus"] == "error"
    handle = _call(f"{url}/{session}", {"janus": "attach", "plugin": streaming.STREAMING, "token": token})["data"]["id"]
    wrong = _call(f"{url}/{session}/{handle}", {"janus": "message", "token": token,
                                                "body": {"request": "info", "id": access["room"]}})
    assert "secret" not in str(wrong)  # a viewer never reads the mountpoint's secret
    assert session_refused(url, "fv1.mount.1.2.3.4.5.forged")


def test_the_presenter_and_moderators_always_watch_in_the_room(two, login, show):
    _watch(login, show["viewers"][0], show["roadshow"])
    assert _watch(login, show["presenter"], show["roadshow"])["path"] == "room"
    assert _watch(login, show["admin"], show["roadshow"])["path"] == "room"
    assert _watch(login, show["viewers"][1], show["roadshow"])["path"] == "mountpoint"


def test_a_viewer_who_joins_again_holds_one_place(app, two, login, show):
    _watch(login, show["viewers"][0], show["roadshow"])
    again = [_watch(login, show["viewers"][1], show["roadshow"]) for _ in range(3)]
    with app.app_context():
        tokens = [t for janus in two for t in janus.client().list_tokens()]
    mine = [t for t in tokens if services.parse(t).user_id == show["viewers"][1].id]
    assert mine == [again[-1]["token"]]
    assert all(session_refused(a["janus_urls"][0], a["token"]) for a in again[:-1])


def test_someone_not_invited_gets_no_place(two, login, show):
    refused = _watch(login, show["outsider"], show["roadshow"], status=403)
    assert refused["error"]["code"] == "registration_required"


def test_when_the_roadshow_ends_mount_tokens_and_mountpoints_go(app, two, login, show):
    _watch(login, show["viewers"][0], show["roadshow"])
    mounted = _watch(login, show["viewers"][1], show["roadshow"])
    use_cases.set_stage(actor=show["admin"], roadshow_id=show["roadshow"].id, pitch_id=None, state="ended")
    assert session_refused(mounted["janus_urls"][0], mounted["token"])
    room = mounted["room"]
    with app.app_context():
        for janus in two:
            assert janus.client().list_tokens() == []
            with pytest.raises(JanusError) as gone:
                streaming.streaming(janus.client(), {"request": "info", "id": room,
                                                     "secret": streaming.mount_secret(room)})
            assert gone.value.code == streaming.NO_SUCH_MOUNTPOINT


# HLS ------------------------------------------------------------------------------------------------

@pytest.fixture
def hls_dir(app, tmp_path):
    saved = {k: app.config[k] for k in ("VIDEO_HLS", "VIDEO_HLS_DIR")}
    app.config.update(VIDEO_HLS="auto", VIDEO_HLS_DIR=str(tmp_path / "hls"))
    yield tmp_path / "hls"
    hls.stop_all(tmp_path / "hls")
    app.config.update(saved)


def _playlist(app, roadshow) -> Path:
    with app.app_context():
        directory = hls.stage_dir(stage.room_of(roadshow.id))
    directory.mkdir(parents=True)
    (directory / "index.m3u8").write_text("#EXTM3U\n#EXTINF:1.0,\nseg17.ts\n")
    (directory / "seg17.ts").write_bytes(b"G" + secrets.token_bytes(187))
    (directory / "ffmpeg.log").write_text("not served")
    return directory


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_the_stages_hls_is_served_to_those_who_may_watch_only(app, hls_dir, client, login, show):
    _playlist(app, show["roadshow"])
    base = f"/roadshows/{show['roadshow'].id}/video/hls"
    member = login(show["viewers"][0])
    playlist = member.get(f"{base}/index.m3u8")
    assert playlist.status_code == 200 and playlist.data.startswith(b"#EXTM3U")
    assert playlist.mimetype == "application/vnd.apple.mpegurl" and "no-store" in playlist.headers["Cache-Control"]
    assert member.get(f"{base}/seg17.ts").mimetype == "video/mp2t"
    for name in ("ffmpeg.log", "seg18.ts", "..%2F..%2Fsecret_key", "index.m3u8.tmp", "stream.sdp"):
        assert member.get(f"{base}/{name}").status_code == 404, name
    outsider = login(show["outsider"])
    assert outsider.get(f"{base}/index.m3u8").status_code == 403
    assert outsider.get(f"{base}/seg17.ts").status_code == 403
    client.get("/logout")
    assert client.get(f"{base}/index.m3u8").status_code in (401, 302)
    app.config["VIDEO_HLS"] = "0"
    assert member.get(f"{base}/index.m3u8").status_code == 404


def _ended(pid: int) -> bool:
    """Whether the process is gone, or dead till init reaps it, within a few seconds: `hls` takes ffmpeg for gone
    once its command line is, which happens as it starts to exit, and on a loaded machine it may still be
    finishing (state R) a moment later."""
    deadline = time.monotonic() + 10
    while _state(pid) not in ("gone", "Z") and time.monotonic() < deadline:
        time.sleep(0.05)
    return _state(pid) in ("gone", "Z")


def _state(pid: int) -> str:
    """The process's state letter (R, S, Z...), or "gone"."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except FileNotFoundError:
        return "gone"


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_one_ffmpeg_per_stage_starts_listens_and_stops(app, hls_dir):
    with app.app_context():
        first = hls.ensure(9)
        again = hls.ensure(9)
        directory = hls.stage_dir(9)
        pid = int((directory / "ffmpeg.pid").read_text())
        assert first == again and first.audio_port != first.video_port
        assert hls._bound(first.audio_port) and hls._bound(first.video_port)  # ffmpeg listens already
        assert "stream.sdp" in Path(f"/proc/{pid}/cmdline").read_text()
        assert hls.stop(9) and hls._pid(directory) is None
        assert _ended(pid)
        assert not hls.stop(9)
        hls.remove(9)
        assert not directory.exists()


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_the_stages_ffmpeg_stops_on_a_cut_and_when_the_pitch_ends_and_goes_with_the_roadshow(app, two, hls_dir, login,
                                                                                            show):
    room = stage.room_of(show["roadshow"].id)

    def running() -> bool:
        with app.app_context():
            return hls._pid(hls.stage_dir(room)) is not None

    with app.app_context():
        hls.ensure(room)
    assert running()
    assert login(show["admin"]).post(f"/api/roadshows/{show['roadshow'].id}/video/cut").status_code == 200
    assert not running()
    with app.app_context():
        hls.ensure(room)
    use_cases.set_stage(actor=show["admin"], roadshow_id=show["roadshow"].id, pitch_id=show["pitch"].id,
                        state="done")
    assert not running() and (hls_dir / str(room)).exists()  # the playlist stays for the next presenter
    use_cases.set_stage(actor=show["admin"], roadshow_id=show["roadshow"].id, pitch_id=None, state="ended")
    assert not (hls_dir / str(room)).exists()


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_the_stages_ffmpeg_runs_only_while_someone_plays_its_hls(app, two, hls_dir, login, show):
    """A live stage starts no ffmpeg until a page asks for its playlist; once nobody has asked for
    VIDEO_HLS_IDLE_SECONDS, the next sync stops it and clears its segments. (No media flows here: the feed id is
    one Janus does not know, whose forward it refuses as gone.)"""
    import os
    import time

    room = stage.room_of(show["roadshow"].id)
    on_stage = [{"id": 4242, "display": "周杰"}]
    _watch(login, show["viewers"][0], show["roadshow"])  # the stage's VideoRoom exists
    with app.app_context():
        streaming.sync_forwards(room, on_stage)
        assert not hls.running(room)  # nobody plays it: no transcoding
        playlist = f"/roadshows/{show['roadshow'].id}/video/hls/index.m3u8"
        assert login(show["viewers"][0]).get(playlist).status_code == 404
        assert hls.wanted(room) and not hls.running(room)  # nobody is live (Janus lists no feed): nothing to play
        streaming.sync_forwards(room, on_stage)
        assert hls.running(room)  # wanted and on stage
        pid = hls._pid(hls.stage_dir(room))
        (hls.stage_dir(room) / "index.m3u8").write_text("#EXTM3U\n")
        assert streaming.sync_forwards(room, on_stage) == 0 and hls._pid(hls.stage_dir(room)) == pid  # one ffmpeg
        long_ago = time.time() - app.config["VIDEO_HLS_IDLE_SECONDS"] - 1
        os.utime(hls.stage_dir(room) / "wanted", (long_ago, long_ago))
        streaming.sync_forwards(room, on_stage)
        assert not hls.running(room) and not (hls.stage_dir(room) / "index.m3u8").exists()


GREENLETS = """
from gevent import monkey; monkey.patch_all()
import sys, gevent
from flask import Flask
from app.video import hls
app = Flask("hls-lock")
app.config.update(VIDEO_HLS_DIR=sys.argv[1], VIDEO_HLS_RTP_HOST="127.0.0.1", VIDEO_FFMPEG="ffmpeg",
                  VIDEO_HLS_SEGMENT_SECONDS=1.0, VIDEO_STAGE_KEYFRAME_SECONDS=3)
def start():
    with app.app_context():
        return hls.ensure(11)
first, second = gevent.spawn(start), gevent.spawn(start)
done = gevent.joinall([first, second], timeout=30)
with app.app_context():
    hls.stop(11)
print(len(done), first.value == second.value, first.exception, second.exception)
"""


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_two_greenlets_starting_one_stages_ffmpeg_do_not_stall_the_loop(tmp_path):
    """Under gevent, the stage's lock is taken without blocking the thread: a greenlet waiting for it lets the
    holder (which sleeps while ffmpeg starts) go on. A blocking flock here stalls the process for good."""
    import subprocess
    import sys

    from tests.served import ROOT

    done = subprocess.run([sys.executable, "-c", GREENLETS, str(tmp_path / "hls")], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.split() == ["2", "True", "None", "None"], done.stderr[-2000:]
