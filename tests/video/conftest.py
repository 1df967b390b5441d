"""Fixtures of the video tests: a real Janus on this machine (its API only: no media needs to flow for the
rights Fuhua gives), the app pointed at it, and people with a session around now."""
import secrets
import shutil
import tempfile
from pathlib import Path

import pytest

from app.video.janus import JanusSettings, LocalJanus
from tests.served import free_port


@pytest.fixture(scope="module")
def janus_server():
    """One Janus per test module (its API and admin API on free local ports); skipped without Debian's janus."""
    if shutil.which("janus") is None:
        pytest.skip("Debian's janus is not installed (apt-get install janus)")
    directory = Path(tempfile.mkdtemp(prefix="fuhua-janus-"))
    rtp = free_port()
    settings = JanusSettings(admin_secret=secrets.token_hex(16), room_admin_key=secrets.token_hex(16),
                             http_port=free_port(), admin_port=free_port(), rtp_port_range=f"{rtp}-{rtp + 20}")
    janus = LocalJanus(directory, settings)
    try:
        yield janus.start()
    finally:
        janus.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def video_config(app):
    """video_config(janus) points the app at a LocalJanus for one test (video off again afterwards)."""
    saved = dict(app.config)

    def configure(janus, **extra):
        app.config.update({"VIDEO_ENABLED": "auto", "JANUS_URLS": janus.http_url, "JANUS_ADMIN_URLS": janus.admin_url,
                           "JANUS_ADMIN_SECRET": janus.settings.admin_secret,
                           "JANUS_ROOM_ADMIN_KEY": janus.settings.room_admin_key, **extra})

    yield configure
    app.config.clear()
    app.config.update(saved)


@pytest.fixture
def call_people(make_user, db):
    """A mentor, a founder with a confirmed session that started 5 minutes ago, and an outsider."""
    from tests.video.data import make_call_booking

    mentor = make_user("mentor", name="王导师")
    founder = make_user("founder", name="李创始人")
    outsider = make_user("investor", name="陌生人")
    booking = make_call_booking(mentor, founder)
    return {"mentor": mentor, "founder": founder, "outsider": outsider, "booking": booking}
