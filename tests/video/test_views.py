"""The call panel on the session page, janus.js served from Debian's package, the local Janus of `make run`."""
from pathlib import Path

import pytest

from app.video import local
from app.video.views import VENDOR_FILES


def _page(login, user, booking):
    response = login(user).get(f"/sessions/{booking.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_without_janus_the_session_page_says_video_is_unavailable(login, call_people):
    html = _page(login, call_people["founder"], call_people["booking"])
    assert "Video calls are unavailable on this site. Chat and notes still work." in html
    assert "video-call.js" not in html and "data-chat-form" in html


def test_the_unavailable_notice_is_in_chinese_too(login, call_people, db):
    call_people["founder"].locale = "zh"
    db.session.commit()
    assert "本站暂不提供视频通话" in _page(login, call_people["founder"], call_people["booking"])


def test_with_janus_configured_the_page_offers_the_call(login, call_people, video_config, janus_server):
    video_config(janus_server)
    html = _page(login, call_people["mentor"], call_people["booking"])
    assert "Join the call" in html and "/video/vendor/janus.js" in html
    assert f"/api/bookings/{call_people['booking'].id}/call" in html


def test_a_cancelled_session_has_no_call_panel(login, make_user, video_config, janus_server):
    from app.mentoring.models import BookingStatus
    from tests.video.data import make_call_booking
    video_config(janus_server)
    mentor, founder = make_user("mentor"), make_user("founder")
    booking = make_call_booking(mentor, founder, status=BookingStatus.CANCELLED)
    assert "data-video-call" not in _page(login, founder, booking)


@pytest.mark.parametrize("name", ["janus", "adapter"])
def test_janus_js_is_served_from_the_debian_package(client, name):
    if not VENDOR_FILES[name].exists():
        pytest.skip(f"{VENDOR_FILES[name]} is not installed")
    response = client.get(f"/video/vendor/{name}.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.get_data() == Path(VENDOR_FILES[name]).read_bytes()
    response.close()


def test_make_run_starts_janus_only_when_none_is_configured(monkeypatch):
    monkeypatch.setattr(local, "janus_installed", lambda: True)
    assert local.wants_local({})
    assert not local.wants_local({"JANUS_URLS": "http://janus.example.org/janus"})
    assert not local.wants_local({"VIDEO_ENABLED": "0"})
    monkeypatch.setattr(local, "janus_installed", lambda: False)
    assert not local.wants_local({})


def test_make_run_serves_the_app_with_a_local_janus(tmp_path):
    import os
    import subprocess
    import sys

    from tests.served import ROOT, free_port
    if not local.janus_installed():
        pytest.skip("Debian's janus is not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JANUS_", "VIDEO_"))}
    env.update({"JANUS_LOCAL_DIR": str(tmp_path), "JANUS_LOCAL_PORT": str(free_port()),
                "JANUS_LOCAL_ADMIN_PORT": str(free_port()), "JANUS_RTP_PORTS": "41000-41010"})
    child = ("import os, json; from app.video.janus import Janus; "
             "j = Janus(os.environ['JANUS_URLS'], os.environ['JANUS_ADMIN_URLS'], os.environ['JANUS_ADMIN_SECRET'], "
             "os.environ['JANUS_ROOM_ADMIN_KEY']); print(json.dumps([j.info().get('server-name'), j.list_tokens()]))")
    result = subprocess.run([sys.executable, "-m", "app.video.local", sys.executable, "-c", child], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '["Fuhua", []]'
    assert "token_auth = true" in (tmp_path / "janus.jcfg").read_text()


def test_only_a_page_with_a_call_may_use_camera_and_microphone(login, call_people, video_config, janus_server):
    video_config(janus_server)
    founder = login(call_people["founder"])
    call_page = founder.get(f"/sessions/{call_people['booking'].id}")
    assert "camera=(self)" in call_page.headers["Permissions-Policy"]
    assert "display-capture=(self)" in call_page.headers["Permissions-Policy"]
    assert founder.get("/sessions").headers["Permissions-Policy"].startswith("camera=()")
