"""Janus, the served app and Chromium in a network namespace of their own.

Janus 1.1 gathers no ICE candidates on a loopback interface, and a machine with nothing but loopback (CI) then
connects no media. So the video tests make a network namespace (`ip netns add`) holding `lo` and a veth pair
(jv0 with 10.77.0.1, its peer jv1) and tell Janus to gather on jv0 only (`ice_enforce_list`). Everything that
talks to Janus or to the app runs inside it:

- Janus and the app's server are started from a thread that entered the namespace (`NetNamespace.run`):
  `setns(2)` moves one thread, and the processes it starts are born in its namespace. The test's own HTTP
  calls to them go through `run` too.
- Chromium is started by Playwright through a wrapper, `ip netns exec NAME chromium "$@"`; Playwright keeps
  talking to it over its pipe, so the test drives it as usual.

The app is served on a SQLite file here: PostgreSQL and Redis listen on the host's loopback, which the
namespace cannot reach, and what these tests check (media through Janus, the rights Fuhua gives on Janus) does
not depend on the database. The same code runs on PostgreSQL in the in-process tests.

Creating a namespace needs root (CI and the development machine run the tests as root); the tests skip with
the reason when `ip netns add` is refused or Debian's janus is not installed.
"""
from __future__ import annotations

import contextlib
import ctypes
import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CLONE_NEWNET = 0x40000000
ADDRESS = "10.77.0.1"
CHROMIUM_MEDIA_FLAGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                        "--auto-select-desktop-capture-source=Entire screen",
                        "--autoplay-policy=no-user-gesture-required"]


def _ip(*args: str) -> None:
    result = subprocess.run(["ip", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise OSError(f"ip {' '.join(args)}: {result.stderr.strip()}")


class NetNamespace:
    """A named network namespace with lo and a veth pair up; `run(fn)` calls fn from inside it."""

    def __init__(self, name: str | None = None):
        self.name = name or f"fuhua-video-{os.getpid()}"
        self._executor: ThreadPoolExecutor | None = None
        self._wrapper_dir: Path | None = None

    def create(self) -> NetNamespace:
        _ip("netns", "add", self.name)
        try:
            for command in (("link", "set", "lo", "up"), ("link", "add", "jv0", "type", "veth", "peer", "name", "jv1"),
                            ("addr", "add", f"{ADDRESS}/24", "dev", "jv0"), ("link", "set", "jv0", "up"),
                            ("link", "set", "jv1", "up"), ("route", "add", "default", "dev", "jv0")):
                _ip("-n", self.name, *command)
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="netns",
                                                initializer=self._enter)
            self.run(lambda: None)  # enter now: a failure shows here, not in the first real call
        except BaseException:
            self.delete()
            raise
        return self

    def _enter(self) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
        try:
            if libc.setns(fd, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns into the video test namespace failed")
        finally:
            os.close(fd)

    def run(self, fn, *args, **kwargs):
        """Call fn(*args, **kwargs) in the namespace's thread (processes it starts live in the namespace)."""
        return self._executor.submit(fn, *args, **kwargs).result()

    def chromium_wrapper(self, chromium: str) -> str:
        """An executable that starts `chromium` inside the namespace, for Playwright's executable_path."""
        self._wrapper_dir = Path(tempfile.mkdtemp(prefix="fuhua-netns-"))
        wrapper = self._wrapper_dir / "chromium"
        wrapper.write_text(f'#!/bin/sh\nexec ip netns exec {self.name} {chromium} "$@"\n')
        wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        return str(wrapper)

    def delete(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if self._wrapper_dir is not None:
            shutil.rmtree(self._wrapper_dir, ignore_errors=True)
        subprocess.run(["ip", "netns", "delete", self.name], capture_output=True)


CHROMIUM = "/usr/bin/chromium"


def namespace_unavailable() -> str | None:
    """Why the namespace tests cannot run here, or None."""
    if shutil.which("janus") is None:
        return "Debian's janus is not installed (apt-get install janus libjs-janus-gateway libjs-webrtc-adapter)"
    if shutil.which("ip") is None:
        return "iproute2's ip is not installed"
    if os.geteuid() != 0:
        return "making a network namespace needs root"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM}"
    return None


def namespace_site(data_module: str, password: str, **kwargs):
    """The body of a module-scoped fixture (`yield from namespace_site(...)`): `served_in_namespace`'s site, or
    the test skipped with the reason the namespace, Janus or Chromium is not there."""
    import pytest

    if os.environ.get("TEST_DATABASE_URL"):
        # The site in the namespace is served on a SQLite file whichever database the suite runs on (PostgreSQL
        # and Redis are out of the namespace's reach), so the suite on PostgreSQL would only repeat these tests.
        pytest.skip("served on SQLite in every suite: the SQLite suite runs it")
    reason = namespace_unavailable()
    if reason:
        pytest.skip(reason)
    try:
        with served_in_namespace(data_module, password, **kwargs) as site:
            yield site
    except OSError as error:
        pytest.skip(f"cannot make a network namespace here: {error}")


@contextlib.contextmanager
def served_in_namespace(data_module: str, password: str, *, instances: int = 1, env: dict | None = None):
    """Janus (`instances` of them, on ports of their own) and the app served inside one new namespace, on a
    SQLite file that `python -m data_module password` migrated and filled (it prints its people and ids as JSON
    on its last line). Yields an object with `ns`, `janus` (the first), `janus_all`, `served`, `url`, `hls_dir`
    and what the data module printed; raises OSError when no namespace can be made. The stages' ffmpeg
    processes (HLS) are stopped at the end."""
    from app.video.hls import stop_all
    from app.video.janus import JanusSettings, LocalJanus
    from tests.served import ROOT, ServedApp

    ns = NetNamespace().create()
    workdir = Path(tempfile.mkdtemp(prefix="fuhua-video-"))
    # The namespace has ports of its own: Janus's usual ones are free there.
    admin_secret, room_admin_key = secrets.token_hex(16), secrets.token_hex(16)
    janus_all = [LocalJanus(workdir / f"janus{i}", JanusSettings(
        admin_secret=admin_secret, room_admin_key=room_admin_key, ice_enforce_list="jv0",
        http_port=8088 + i, admin_port=7088 + i, rtp_port_range=f"{20000 + 300 * i}-{20200 + 300 * i}",
        streaming_port_range=f"{10000 + 1000 * i}-{10999 + 1000 * i}")) for i in range(instances)]
    janus = janus_all[0]
    hls_dir = workdir / "hls"
    served = ServedApp(database_url=f"sqlite:///{workdir / 'fuhua.db'}", secret_key=secrets.token_hex(32),
                       workdir=workdir, extra_env={
                           # Decks and recordings in the throwaway folder (Janus writes its .mjr files there too)
                           "ROADSHOW_MEDIA_DIR": str(workdir / "media"),
                           "JANUS_URLS": ",".join(j.http_url for j in janus_all),
                           "JANUS_ADMIN_URLS": ",".join(j.admin_url for j in janus_all),
                           "JANUS_ADMIN_SECRET": admin_secret, "JANUS_ROOM_ADMIN_KEY": room_admin_key,
                           "VIDEO_HLS_DIR": str(hls_dir), **(env or {})})
    try:
        for each in janus_all:
            ns.run(each.start)
        made = subprocess.run([sys.executable, "-m", data_module, password], cwd=ROOT, env=served.env(),
                              capture_output=True, text=True)
        if made.returncode != 0:
            raise RuntimeError(f"{data_module} failed:\n{made.stderr[-1500:]}")
        people = json.loads(made.stdout.strip().splitlines()[-1])
        ns.run(served.spawn)
        yield type("VideoSite", (), {"ns": ns, "janus": janus, "janus_all": janus_all, "served": served,
                                     "url": served.url, "hls_dir": hls_dir, **people})
    finally:
        served.stop()
        stop_all(hls_dir)
        for each in janus_all:
            each.stop()
        ns.delete()
        shutil.rmtree(workdir, ignore_errors=True)
