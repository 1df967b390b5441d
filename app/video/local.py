"""`make run`'s own Janus: `python -m app.video.local COMMAND...` runs COMMAND (the app's server) with a local
Janus beside it when Debian's `janus` is installed and no Janus is configured (JANUS_URLS unset, VIDEO_ENABLED not
0), and stops Janus when COMMAND ends. Without janus, or when it cannot start, COMMAND runs without video and
the pages say so.

Janus's API listens on JANUS_LOCAL_PORT (8088) on every interface, with token authentication; its admin API on
JANUS_LOCAL_ADMIN_PORT (7088) on 127.0.0.1 only; its Streaming plugin (stage mountpoints, app.video.streaming) takes
forwarded RTP on JANUS_STREAMING_PORTS (10000-10999). Secrets are made afresh at each start and handed to COMMAND in
its environment. Configuration and log: instance/janus/ (JANUS_LOCAL_DIR).
"""
from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from app.video.janus import JanusError, JanusSettings, LocalJanus, janus_installed

log = logging.getLogger("fuhua.video")
INSTANCE = Path(__file__).resolve().parent.parent.parent / "instance" / "janus"


def wants_local(env: dict) -> bool:
    off = (env.get("VIDEO_ENABLED") or "auto").strip().lower() in ("0", "false", "no", "off")
    return not off and not (env.get("JANUS_URLS") or env.get("JANUS_URL")) and janus_installed()


def _browser_host(env: dict) -> str:
    """The host browsers reach this machine by: SITE_URL's, else HOST's (a wildcard means this machine)."""
    site = urlsplit(env.get("SITE_URL") or "").hostname
    host = site or (env.get("HOST") or "127.0.0.1")
    return "127.0.0.1" if host in ("0.0.0.0", "::", "*") else host


def start_local(env: dict) -> LocalJanus | None:
    """Start the local Janus and put its settings into `env`; None (and a warning) when it cannot start."""
    settings = JanusSettings(admin_secret=secrets.token_urlsafe(24), room_admin_key=secrets.token_urlsafe(24),
                             http_port=int(env.get("JANUS_LOCAL_PORT") or 8088),
                             admin_port=int(env.get("JANUS_LOCAL_ADMIN_PORT") or 7088),
                             rtp_port_range=env.get("JANUS_RTP_PORTS") or "20000-40000",
                             streaming_port_range=env.get("JANUS_STREAMING_PORTS") or "10000-10999",
                             ice_enforce_list=env.get("JANUS_ICE_ENFORCE_LIST") or None)
    janus = LocalJanus(Path(env.get("JANUS_LOCAL_DIR") or INSTANCE), settings, host=_browser_host(env))
    try:
        janus.start()
    except JanusError as error:
        log.warning("the local Janus did not start, so video is off: %s", str(error).splitlines()[0])
        return None
    env.update({"JANUS_URLS": janus.http_url, "JANUS_ADMIN_URLS": janus.admin_url,
                "JANUS_ADMIN_SECRET": settings.admin_secret, "JANUS_ROOM_ADMIN_KEY": settings.room_admin_key})
    log.warning("video calls: a local Janus serves %s (log: %s)", janus.http_url, janus.log_path)
    return janus


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    env = dict(os.environ)
    janus = start_local(env) if wants_local(env) else None
    if janus is None and not (env.get("JANUS_URLS") or env.get("JANUS_URL")):
        log.warning("video calls are off: install Debian's janus or set JANUS_URLS (see the README)")
    child = subprocess.Popen(argv, env=env)
    signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    try:
        return child.wait()
    except KeyboardInterrupt:
        return child.wait()
    finally:
        if janus is not None:
            janus.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
