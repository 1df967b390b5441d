"""Janus, the WebRTC media server (Debian's `janus`): its configuration, a local process, and its admin API.

Fuhua never relays media itself. Browsers talk to Janus directly (janus.js over HTTP long-poll), holding a token
that Fuhua added through Janus's admin API (`add_token`, limited to the VideoRoom plugin) and removes again when
the person leaves, is removed or the call's window ends. Rooms are made by Fuhua through the admin API's
`message_plugin` (the VideoRoom plugin's `admin_key` keeps token holders from making their own), each with a
secret only Fuhua knows and an `allowed` list of the tokens that may join it.

    janus = Janus(http_url="http://127.0.0.1:8088/janus", admin_url="http://127.0.0.1:7088/admin",
                  admin_secret="…", room_admin_key="…")
    janus.add_token("fv1.…")
    janus.videoroom({"request": "exists", "room": 1000000000042})

`write_config` and `LocalJanus` run one Janus on this machine: for `make run` and for the tests, which run it in
a network namespace of their own (Janus 1.1 gathers no ICE candidates on a loopback interface).
"""
from __future__ import annotations

import json
import logging
import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

log = logging.getLogger(__name__)

JANUS_BINARY = "janus"
VIDEOROOM = "janus.plugin.videoroom"
DEBIAN_PLUGINS = Path("/usr/lib/x86_64-linux-gnu/janus")
# Plugins and transports Fuhua does not use are not loaded: less to attack, less to start.
_UNUSED_PLUGINS = ("audiobridge", "duktape", "echotest", "lua", "nosip", "recordplay", "sip", "textroom",
                   "videocall", "voicemail")
_UNUSED_TRANSPORTS = ("mqtt", "nanomsg", "pfunix", "rabbitmq", "websockets")


class JanusError(Exception):
    """Janus answered with an error, or could not be reached. `code` is Janus's (or 0 when unreachable)."""

    def __init__(self, message: str, code: int = 0):
        super().__init__(message)
        self.code = code


# Configuration ----------------------------------------------------------------------------------

def _jcfg(value) -> str:
    """A value in Janus's libconfig syntax."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))


def _section(name: str, items: dict) -> str:
    lines = [f"\t{key} = {_jcfg(value)}" for key, value in items.items() if value is not None]
    return name + ": {\n" + "\n".join(lines) + "\n}\n"


@dataclass
class JanusSettings:
    """What a local Janus is configured with (`write_config`)."""

    admin_secret: str
    room_admin_key: str
    http_port: int = 8088
    admin_port: int = 7088
    http_ip: str | None = None             # bind the Janus API to this address only
    admin_ip: str = "127.0.0.1"            # the admin API stays local by default
    rtp_port_range: str | None = "20000-40000"
    streaming_port_range: str | None = "10000-10999"  # where Streaming mountpoints take rtp_forward's RTP
    ice_enforce_list: str | None = None    # e.g. "jv0": gather candidates on these interfaces only
    stun_server: str | None = None         # "host:port", for Janus's own server-reflexive candidates
    nat_1_1_mapping: str | None = None     # the public address of a 1:1 NATed machine
    session_timeout: int = 60
    debug_level: int = 3
    plugins_dir: Path = DEBIAN_PLUGINS


def write_config(directory: Path, settings: JanusSettings) -> Path:
    """Write janus.jcfg, the HTTP transport's and the VideoRoom plugin's configuration into `directory`.

    Token authentication is on (tokens are added and removed through the admin API), the admin API listens on
    `admin_ip` only and needs `admin_secret`, and rooms can only be made with `room_admin_key`. Returns the
    path of janus.jcfg.
    """
    directory.mkdir(parents=True, exist_ok=True)
    stun_host, _, stun_port = (settings.stun_server or "").partition(":")
    general = {
        "configs_folder": str(directory), "plugins_folder": str(settings.plugins_dir / "plugins"),
        "transports_folder": str(settings.plugins_dir / "transports"),
        "events_folder": str(settings.plugins_dir / "events"), "loggers_folder": str(settings.plugins_dir / "loggers"),
        "debug_level": settings.debug_level, "debug_colors": False, "token_auth": True,
        "admin_secret": settings.admin_secret, "session_timeout": settings.session_timeout,
        "server_name": "Fuhua", "hide_dependencies": True,
    }
    nat = {"nice_debug": False, "ice_enforce_list": settings.ice_enforce_list,
           "stun_server": stun_host or None, "stun_port": int(stun_port) if stun_port else None,
           "nat_1_1_mapping": settings.nat_1_1_mapping, "ignore_mdns": True}
    core = (_section("general", general) + _section("certificates", {})
            + _section("media", {"rtp_port_range": settings.rtp_port_range}) + _section("nat", nat)
            + _section("plugins", {"disable": ",".join(f"libjanus_{p}.so" for p in _UNUSED_PLUGINS)})
            + _section("transports", {"disable": ",".join(f"libjanus_{t}.so" for t in _UNUSED_TRANSPORTS)})
            + _section("loggers", {"disable": "libjanus_jsonlog.so"}) + _section("events", {"broadcast": False}))
    (directory / "janus.jcfg").write_text(core)
    (directory / "janus.transport.http.jcfg").write_text(
        _section("general", {"json": "compact", "base_path": "/janus", "http": True, "port": settings.http_port,
                             "ip": settings.http_ip, "https": False})
        + _section("admin", {"admin_base_path": "/admin", "admin_http": True, "admin_port": settings.admin_port,
                             "admin_ip": settings.admin_ip, "admin_https": False})
        + _section("cors", {}))
    (directory / "janus.plugin.videoroom.jcfg").write_text(
        _section("general", {"admin_key": settings.room_admin_key, "lock_rtp_forward": True}))
    (directory / "janus.plugin.streaming.jcfg").write_text(
        _section("general", {"admin_key": settings.room_admin_key, "rtp_port_range": settings.streaming_port_range,
                             "string_ids": False}))
    return directory / "janus.jcfg"


def janus_installed() -> bool:
    """Whether Debian's `janus` binary is on PATH."""
    return shutil.which(JANUS_BINARY) is not None


class LocalJanus:
    """One `janus` process on this machine, configured by `write_config` in `directory`.

    Start it from the thread (or network namespace) it should serve in: the child inherits it.
    """

    def __init__(self, directory: Path, settings: JanusSettings, *, host: str = "127.0.0.1"):
        self.directory, self.settings, self.host = Path(directory), settings, host
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def http_url(self) -> str:
        return f"http://{self.host}:{self.settings.http_port}/janus"

    @property
    def admin_url(self) -> str:
        return f"http://{self.settings.admin_ip}:{self.settings.admin_port}/admin"

    @property
    def log_path(self) -> Path:
        return self.directory / "janus.log"

    def start(self, timeout: float = 15.0) -> LocalJanus:
        config = write_config(self.directory, self.settings)
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen([JANUS_BINARY, "-C", str(config), "-F", str(self.directory)],
                                        stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise JanusError(f"janus exited with {self.process.returncode}:\n{self.log()}")
            try:
                self.client().info()
                return self
            except JanusError:
                time.sleep(0.1)
        self.stop()
        raise JanusError(f"janus did not answer within {timeout:.0f}s:\n{self.log()}")

    def client(self) -> Janus:
        return Janus(http_url=self.http_url, admin_url=self.admin_url, admin_secret=self.settings.admin_secret,
                     room_admin_key=self.settings.room_admin_key)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 5.0) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self._log is not None:
            self._log.close()
            self._log = None


# The API --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Janus:
    """One Janus instance as Fuhua reaches it: the URL browsers use, and the admin API Fuhua uses."""

    http_url: str
    admin_url: str
    admin_secret: str
    room_admin_key: str
    timeout: float = 5.0

    def _post(self, url: str, body: dict) -> dict:
        body = {"transaction": secrets.token_hex(8), **body}
        request = Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
        try:
            with urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except HTTPError as error:
            raise JanusError(f"Janus answered HTTP {error.code} at {url}") from None
        except (URLError, OSError, ValueError) as error:
            raise JanusError(f"Janus is not reachable at {url}: {error}") from None
        if answer.get("janus") == "error":
            err = answer.get("error") or {}
            raise JanusError(err.get("reason") or "Janus error", err.get("code") or 0)
        return answer

    def info(self) -> dict:
        """The server's `info` (needs no token): name, version, plugins."""
        try:
            with urlopen(self.http_url.rstrip("/") + "/info", timeout=self.timeout) as response:
                return json.loads(response.read())
        except (URLError, OSError, ValueError) as error:
            raise JanusError(f"Janus is not reachable at {self.http_url}: {error}") from None

    def admin(self, janus: str, /, *path: int, **fields) -> dict:
        """One admin API request (`add_token`, `list_sessions`, …) on the server, or on the session and handle
        given in `path`; raises JanusError on an error answer."""
        url = "/".join([self.admin_url.rstrip("/"), *(str(part) for part in path)])
        return self._post(url, {"janus": janus, "admin_secret": self.admin_secret, **fields})

    # Tokens (core authentication)
    def add_token(self, token: str, plugins: tuple[str, ...] = (VIDEOROOM,)) -> None:
        self.admin("add_token", token=token, plugins=list(plugins))

    def remove_token(self, token: str) -> bool:
        """Remove a token; False when Janus did not hold it (already removed, or Janus restarted)."""
        try:
            self.admin("remove_token", token=token)
        except JanusError as error:
            if error.code in (470, 490, 403):  # unknown token
                return False
            raise
        return True

    def close_sessions(self, token: str) -> int:
        """Destroy every Janus session that holds a handle attached with `token` (its PeerConnections close at
        once); returns how many. Removing a token only stops new requests: this ends what it already opened."""
        closed = 0
        for session in self.admin("list_sessions").get("sessions", []):
            try:
                handles = self.admin("list_handles", session).get("handles", [])
                if any((self.admin("handle_info", session, h).get("info") or {}).get("token") == token
                       for h in handles):
                    self.admin("destroy_session", session)
                    closed += 1
            except JanusError as error:
                if error.code not in (458, 459):  # the session or handle went meanwhile
                    raise
        return closed

    def list_tokens(self) -> list[str]:
        answer = self.admin("list_tokens")
        return [t["token"] for t in (answer.get("data") or {}).get("tokens", [])]

    # The VideoRoom plugin
    def videoroom(self, body: dict) -> dict:
        """A synchronous VideoRoom request through the admin API (no session needed); returns its answer."""
        answer = self.admin("message_plugin", plugin=VIDEOROOM, request=body)
        data = answer.get("response") or {}
        if data.get("videoroom") == "event" and data.get("error_code"):
            raise JanusError(data.get("error") or "VideoRoom error", data["error_code"])
        return data

    def room_exists(self, room: int) -> bool:
        return bool(self.videoroom({"request": "exists", "room": room}).get("exists"))

    def create_room(self, room: int, *, secret: str, allowed: list[str], publishers: int, description: str,
                    bitrate: int = 1_024_000, rec_dir: str | None = None) -> bool:
        """Make a private room that only `allowed` tokens may join; False if it existed already. It records its
        publishers into `rec_dir` when given (else not); only the room's secret turns recording on or off."""
        body = {"request": "create", "room": room, "admin_key": self.room_admin_key,
                "permanent": False, "is_private": True, "secret": secret, "allowed": allowed,
                "publishers": publishers, "description": description[:100], "bitrate": bitrate,
                "record": rec_dir is not None, "lock_record": True, "notify_joining": True,
                "audiolevel_event": False}
        if rec_dir is not None:
            body["rec_dir"] = rec_dir
        try:
            self.videoroom(body)
        except JanusError as error:
            if error.code == 427:  # JANUS_VIDEOROOM_ERROR_ROOM_EXISTS
                return False
            raise
        return True

    def allow(self, room: int, *, secret: str, tokens: list[str], action: str = "add") -> None:
        """Add tokens to (or, with action="remove", take them off) a room's `allowed` list."""
        self.videoroom({"request": "allowed", "room": room, "secret": secret, "action": action,
                        "allowed": tokens})

    def record(self, room: int, *, secret: str, rec_dir: str | None) -> None:
        """Record every publisher of the room into `rec_dir` from now on (those publishing now and those to
        come), or stop recording with None: Janus closes the open .mjr files at once."""
        if rec_dir is not None:
            self.videoroom({"request": "edit", "room": room, "secret": secret, "new_rec_dir": rec_dir})
        self.videoroom({"request": "enable_recording", "room": room, "secret": secret, "record": rec_dir is not None})

    def participants(self, room: int) -> list[dict]:
        return self.videoroom({"request": "listparticipants", "room": room}).get("participants", [])

    def kick(self, room: int, *, secret: str, participant_id: int) -> None:
        self.videoroom({"request": "kick", "room": room, "secret": secret, "id": participant_id})

    def destroy_room(self, room: int, *, secret: str) -> None:
        self.videoroom({"request": "destroy", "room": room, "secret": secret})
