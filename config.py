"""Settings for Fuhua, read from the environment.

`Config` is the development default: SQLite, in-process Socket.IO, email printed to the log.
`TestConfig` is what the suite runs with; `ProductionConfig` refuses to start without a real
`SECRET_KEY`. Without one, other installs make a random key once and keep it in `instance/secret_key`.
"""
import json
import logging
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
# The key every install used to share by default: known to anyone, so production refuses it.
DEV_SECRET_KEY = "dev-only-insecure-secret-key"


def as_bool(value: str | None, default: bool = False) -> bool:
    """Read an environment flag: 1/true/yes/on are true."""
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def json_utf8(value) -> str:
    """JSON for the database: non-ASCII characters as themselves, not \\u escapes."""
    return json.dumps(value, ensure_ascii=False)
def install_secret_key(path: Path) -> tuple[str, bool]:
    """The random key kept at `path`, made (owner-readable only) the first time. Returns (key, created).

    Two processes starting together agree: the file is created exclusively, and the loser reads it.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
        if len(key) < 32:
            raise RuntimeError(f"{path} holds no usable key; delete it to get a new one, or set SECRET_KEY.") from None
        return key, False
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key, True


def served_address(env) -> str:
    """The address `wsgi.py` serves on (HOST, PORT; 127.0.0.1:5000 by default) as a URL. A wildcard host
    (0.0.0.0, ::) is not an address a browser can open, so links then name this machine's loopback."""
    host = (env.get("HOST") or "127.0.0.1").strip()
    port = (env.get("PORT") or "5000").strip()
    if host in ("0.0.0.0", "::", "*", ""):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def database_url(url: str | None, default: str) -> str:
    """Normalise a DATABASE_URL so SQLAlchemy uses psycopg 3 for PostgreSQL."""
    url = url or default
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    # Unset: a random key made once per install under instance/ (see init_app); production refuses to start.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SECRET_KEY_FILE = BASE_DIR / "instance" / "secret_key"
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL"), f"sqlite:///{BASE_DIR / 'instance' / 'fuhua.db'}")
    # JSON columns hold real UTF-8 ("检测", not "\\u68c0\\u6d4b"), readable by the database's own text functions.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "json_serializer": json_utf8}
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Connections to Redis per process; sockets that need one while all are busy wait (up to 20 s).
    REDIS_MAX_CONNECTIONS = int(os.environ.get("REDIS_MAX_CONNECTIONS", "50"))
    # SQLite: seconds a write waits for another writer's lock (cooperatively) before answering 503 database_busy.
    SQLITE_WRITE_WAIT = float(os.environ.get("SQLITE_WRITE_WAIT", "5"))

    # Socket.IO: gevent when served by `make run`/gunicorn (wsgi.py patches first).
    SOCKETIO_ASYNC_MODE = os.environ.get("SOCKETIO_ASYNC_MODE", "gevent")
    # Run a socket's events in its own reader greenlet, in order, instead of a new greenlet per event:
    # a room of 1,000 viewers reacting every second otherwise spawns 1,000 greenlets a second.
    SOCKETIO_ASYNC_HANDLERS = as_bool(os.environ.get("SOCKETIO_ASYNC_HANDLERS", "0"))
    SOCKETIO_CORS_ORIGINS = os.environ.get("SOCKETIO_CORS_ORIGINS") or None
    # The transport tuning for big rooms (app/core/transport.py); 0 serves with the libraries as they are.
    SOCKETIO_TUNING = as_bool(os.environ.get("SOCKETIO_TUNING"), default=True)
    # Engine.IO heartbeat: the server pings every interval; a client that has not answered within the
    # timeout is gone. Tests shorten both to see many cycles in seconds.
    SOCKETIO_PING_INTERVAL = float(os.environ.get("SOCKETIO_PING_INTERVAL") or 25)
    SOCKETIO_PING_TIMEOUT = float(os.environ.get("SOCKETIO_PING_TIMEOUT") or 20)

    # How many reverse proxies sit in front (their X-Forwarded-* headers are then trusted).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT") or 0)

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = as_bool(os.environ.get("SESSION_COOKIE_SECURE"))
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    # Server-side sessions: one without remember-me ends after this many idle seconds; the remember-me
    # token lives in its own cookie (random, stored hashed, replaced each time it is used).
    SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT") or 60 * 60 * 24)
    SESSION_REMEMBER_COOKIE = "fuhua_remember"

    # CSRF: tokens live as long as the session (an API client keeps one for its session).
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_CHECK_DEFAULT = False  # checked in app.core.security, which knows about Bearer tokens

    # Rate limits (Flask-Limiter): memory by default, Redis when REDIS_URL is set.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: count in this process's memory until it is back (Flask-Limiter checks it again by itself),
    # and never fail a request over a limit that cannot be counted; give up on Redis within a second or two.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")  # per address, all sign-ins
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "10 per hour;30 per day")  # new accounts per address
    # Password reset requests per address (the page and the API together); per account see ACCOUNT_RESET_RATE.
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per hour;20 per day")
    # `flask accounts purge-sessions` deletes sessions and reset links that ended more than this many days ago.
    SESSION_PURGE_DAYS = int(os.environ.get("SESSION_PURGE_DAYS") or 30)
    PASSWORD_RESET_MAX_AGE = int(os.environ.get("PASSWORD_RESET_MAX_AGE") or 3600)  # seconds a reset link works
    # Failed sign-ins per account (from any address) and wrong current passwords per user, in
    # app.accounts.services; set ACCOUNT_LOGIN_RATE / REAUTH_RATE to change them (reset emails per account:
    # ACCOUNT_RESET_RATE, app.accounts.password_reset).

    # Background jobs: "inprocess" (embedded default) or "rq" (Redis queue + `flask jobs worker`).
    JOBS_BACKEND = os.environ.get("JOBS_BACKEND", "inprocess")

    # Rendered roadshow decks (share the folder between processes/machines in production).
    ROADSHOW_MEDIA_DIR = os.environ.get("ROADSHOW_MEDIA_DIR") or None
    # Uploaded listing photos, stored the same way (default: instance/listings).
    LISTING_MEDIA_DIR = os.environ.get("LISTING_MEDIA_DIR") or None
    # Decks render in child processes: how many at once per process, and the caps on each one.
    ROADSHOW_DECK_RENDER_PROCESSES = int(os.environ.get("ROADSHOW_DECK_RENDER_PROCESSES") or 1)
    ROADSHOW_DECK_RENDER_TIMEOUT = float(os.environ.get("ROADSHOW_DECK_RENDER_TIMEOUT") or 120)  # seconds per deck
    ROADSHOW_DECK_MAX_PIXELS = int(os.environ.get("ROADSHOW_DECK_MAX_PIXELS") or 4_000_000)  # per page image
    ROADSHOW_DECK_RENDER_MEMORY_MB = int(os.environ.get("ROADSHOW_DECK_RENDER_MEMORY_MB") or 1024)
    # The part of one core a deck's renderer may use (it rests between pages): chat beside it comes first.
    ROADSHOW_DECK_RENDER_SHARE = float(os.environ.get("ROADSHOW_DECK_RENDER_SHARE") or 0.5)
    # Seconds a server process may stay silent before its room visits stop counting as presence.
    ROADSHOW_NODE_TIMEOUT = float(os.environ.get("ROADSHOW_NODE_TIMEOUT") or 45)
    # Seconds after leaving a room within which coming back restores a raised hand (a reconnect, not a new visit).
    ROADSHOW_RECONNECT_GRACE = float(os.environ.get("ROADSHOW_RECONNECT_GRACE") or 120)
    # Hosts of video players a pitch's stream URL may embed in the room (a sandboxed iframe; the room's CSP
    # frame-src names exactly these), space- or comma-separated. Other URLs stay links; `.m3u8` plays through hls.js.
    ROADSHOW_EMBED_HOSTS = os.environ.get("ROADSHOW_EMBED_HOSTS") or (
        "player.bilibili.com player.youku.com v.qq.com open.douyin.com "
        "www.youtube-nocookie.com www.youtube.com player.vimeo.com")

    # Video calls through Janus (app/video/): "auto" turns video on when JANUS_URLS is set, "0" keeps it off.
    # JANUS_URLS are the Janus API addresses browsers use (comma-separated; a room lives on one of them), and
    # JANUS_ADMIN_URLS their admin APIs in the same order (JANUS_ADMIN_URL for one). Fuhua adds and removes the
    # browsers' tokens there with JANUS_ADMIN_SECRET and makes rooms with JANUS_ROOM_ADMIN_KEY (the VideoRoom
    # plugin's admin_key). JANUS_ICE_SERVERS is a JSON list of RTCIceServer for browsers (STUN/TURN); with
    # JANUS_TURN_SECRET (coturn's static-auth-secret) and JANUS_TURN_URLS, each person gets TURN credentials of
    # their own that expire with the call.
    VIDEO_ENABLED = os.environ.get("VIDEO_ENABLED", "auto")
    JANUS_URLS = os.environ.get("JANUS_URLS") or os.environ.get("JANUS_URL") or ""
    JANUS_ADMIN_URLS = os.environ.get("JANUS_ADMIN_URLS") or os.environ.get("JANUS_ADMIN_URL") or ""
    JANUS_ADMIN_SECRET = os.environ.get("JANUS_ADMIN_SECRET") or ""
    JANUS_ROOM_ADMIN_KEY = os.environ.get("JANUS_ROOM_ADMIN_KEY") or ""
    JANUS_ICE_SERVERS = os.environ.get("JANUS_ICE_SERVERS") or "[]"
    JANUS_TURN_SECRET = os.environ.get("JANUS_TURN_SECRET") or ""
    JANUS_TURN_URLS = os.environ.get("JANUS_TURN_URLS") or ""
    # `make run` starts a local Janus (when Debian's janus is installed and JANUS_URLS is unset) on these.
    JANUS_LOCAL_PORT = int(os.environ.get("JANUS_LOCAL_PORT") or 8088)
    JANUS_LOCAL_ADMIN_PORT = int(os.environ.get("JANUS_LOCAL_ADMIN_PORT") or 7088)
    JANUS_RTP_PORTS = os.environ.get("JANUS_RTP_PORTS") or "20000-40000"
    JANUS_ICE_ENFORCE_LIST = os.environ.get("JANUS_ICE_ENFORCE_LIST") or None
    # A mentoring or meeting call opens this many minutes before the session and closes this many after its end.
    VIDEO_CALL_OPENS_BEFORE = int(os.environ.get("VIDEO_CALL_OPENS_BEFORE") or 15)
    VIDEO_CALL_CLOSES_AFTER = int(os.environ.get("VIDEO_CALL_CLOSES_AFTER") or 30)
    # Roadshow stage video: how many may publish at once (the presenter on stage and moderators), how long a
    # stage or audience token lasts at most, and how often a viewer's page asks which feeds are on stage.
    VIDEO_STAGE_PUBLISHERS = int(os.environ.get("VIDEO_STAGE_PUBLISHERS") or 3)
    VIDEO_STAGE_TOKEN_HOURS = int(os.environ.get("VIDEO_STAGE_TOKEN_HOURS") or 12)
    VIDEO_STAGE_POLL_MS = int(os.environ.get("VIDEO_STAGE_POLL_MS") or 4000)
    # Large audiences (app/video/streaming.py, hls.py): past VIDEO_ROOM_MAX_SUBSCRIBERS viewers in a stage's
    # VideoRoom, the next ones watch a Streaming-plugin mountpoint (on the Janus instance with the fewest) fed by
    # the VideoRoom's rtp_forward; JANUS_RTP_HOSTS (in JANUS_URLS' order) are the addresses the room's Janus
    # sends that RTP to (default: each URL's host). VIDEO_HLS ("auto": when ffmpeg is installed) runs one ffmpeg
    # per live stage that someone plays as HLS on this machine, fed by rtp_forward to VIDEO_HLS_RTP_HOST, writing
    # HLS into VIDEO_HLS_DIR for viewers whose network blocks WebRTC; a page falls back to it after
    # VIDEO_ICE_TIMEOUT_MS without media.
    VIDEO_ROOM_MAX_SUBSCRIBERS = int(os.environ.get("VIDEO_ROOM_MAX_SUBSCRIBERS") or 100)
    JANUS_RTP_HOSTS = os.environ.get("JANUS_RTP_HOSTS") or ""
    JANUS_STREAMING_PORTS = os.environ.get("JANUS_STREAMING_PORTS") or "10000-10999"
    VIDEO_HLS = os.environ.get("VIDEO_HLS", "auto")
    VIDEO_HLS_DIR = os.environ.get("VIDEO_HLS_DIR") or str(BASE_DIR / "instance" / "hls")
    VIDEO_HLS_RTP_HOST = os.environ.get("VIDEO_HLS_RTP_HOST") or "127.0.0.1"
    VIDEO_HLS_SEGMENT_SECONDS = float(os.environ.get("VIDEO_HLS_SEGMENT_SECONDS") or 1)
    # A stage's ffmpeg starts when a page first asks for its playlist and stops this long after the last asked.
    VIDEO_HLS_IDLE_SECONDS = float(os.environ.get("VIDEO_HLS_IDLE_SECONDS") or 60)
    VIDEO_FFMPEG = os.environ.get("VIDEO_FFMPEG") or "ffmpeg"
    VIDEO_ICE_TIMEOUT_MS = int(os.environ.get("VIDEO_ICE_TIMEOUT_MS") or 10000)
    # Once a stage's feed is forwarded, its room asks the presenter's browser for a keyframe this often (seconds).
    VIDEO_STAGE_KEYFRAME_SECONDS = int(os.environ.get("VIDEO_STAGE_KEYFRAME_SECONDS") or 3)
    # Recordings of pitches (with the organiser's consent): where Janus writes its .mjr files (this process must
    # read them: the same machine or a shared folder; default: recordings-raw beside the decks), and how long
    # janus-pp-rec and ffmpeg may take to make one pitch's playable file.
    VIDEO_RECORDING_DIR = os.environ.get("VIDEO_RECORDING_DIR") or None
    VIDEO_RECORDING_PROCESS_TIMEOUT = float(os.environ.get("VIDEO_RECORDING_PROCESS_TIMEOUT") or 1800)

    # How new passwords are hashed (Werkzeug's method string). Leave it: scrypt is deliberately slow. The tests
    # (and the servers they start) set a fast one, because the suite makes thousands of accounts and sign-ins;
    # production refuses anything but scrypt.
    PASSWORD_HASH_METHOD = os.environ.get("PASSWORD_HASH_METHOD") or "scrypt"

    # Whose listings the marketplace shows: "active" hides those of a provider with no active member left (nobody
    # would answer); "verified" also hides providers an admin has not verified. Their open requests are flagged to
    # admins (/admin/requests/flagged).
    MARKETPLACE_PROVIDER_POLICY = os.environ.get("MARKETPLACE_PROVIDER_POLICY", "active")
    # The operator console calls a request stuck when no quote came for this many days after it was sent (or
    # countered), and when a delivery stays unanswered this long (it is accepted automatically after 14).
    MARKETPLACE_STUCK_QUOTE_DAYS = int(os.environ.get("MARKETPLACE_STUCK_QUOTE_DAYS", "3"))
    MARKETPLACE_STUCK_DELIVERY_DAYS = int(os.environ.get("MARKETPLACE_STUCK_DELIVERY_DAYS", "7"))
    # The CJK font of agreement PDFs: Debian's fonts-noto-cjk collection, face 2 (Simplified Chinese).
    AGREEMENT_PDF_FONT = (os.environ.get("AGREEMENT_PDF_FONT")
                          or "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    AGREEMENT_PDF_FONT_INDEX = int(os.environ.get("AGREEMENT_PDF_FONT_INDEX") or 2)
    # Days a quote can be accepted when the provider gives no validity date.
    MARKETPLACE_QUOTE_VALID_DAYS = int(os.environ.get("MARKETPLACE_QUOTE_VALID_DAYS") or 30)

    # Email: printed to the log unless MAIL_SERVER is set.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = as_bool(os.environ.get("MAIL_USE_TLS"))
    MAIL_USE_SSL = as_bool(os.environ.get("MAIL_USE_SSL"))
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Fuhua <no-reply@fuhua.local>")

    # The public address used in links of pages, emails, invitations, feeds and scheduled commands.
    # Unset: the address being served (HOST/PORT, as `make run` and wsgi.py use them); see init_app.
    SITE_URL = (os.environ.get("SITE_URL") or "").rstrip("/") or None

    # `flask mentoring close-sessions`: minutes after a session ends before it is completed and both sides are
    # asked to rate it (a no-show reported by then keeps it from completing).
    MENTORING_CLOSE_AFTER_MINUTES = int(os.environ.get("MENTORING_CLOSE_AFTER_MINUTES") or 15)

    # i18n
    LANGUAGES = ["en", "zh"]
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    DEFAULT_USER_TIMEZONE = "Asia/Shanghai"

    # API / OpenAPI (flask-smorest)
    API_TITLE = "Fuhua API"
    API_VERSION = "1.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    API_SPEC_OPTIONS = {
        "info": {"description": "The Fuhua cloud incubation platform API. Authenticate with the "
                                "session cookie (plus the X-CSRFToken header on writes) or with "
                                "`Authorization: Bearer <personal API token>`."},
    }
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024  # uploads
    MAX_JSON_BYTES = int(os.environ.get("MAX_JSON_BYTES") or 1024 * 1024)  # a JSON body (413 past it)
    MAX_JSON_DEPTH = 32  # nesting of a JSON body (400 past it)

    # Content-Security-Policy: extra origins pages may connect to, and image hosts besides this site
    # (space- or comma-separated, e.g. "https://cdn.example.org").
    CSP_CONNECT_SRC = os.environ.get("CSP_CONNECT_SRC") or ""
    CSP_IMG_SRC = os.environ.get("CSP_IMG_SRC") or ""
    HSTS_SECONDS = 0  # production: a year

    @classmethod
    def init_app(cls, app) -> None:
        (BASE_DIR / "instance").mkdir(exist_ok=True)
        if not app.config.get("SITE_URL"):
            app.config["SITE_URL"] = served_address(os.environ)
        if not app.config.get("SECRET_KEY"):
            cls.use_install_key(app)

    @classmethod
    def use_install_key(cls, app) -> None:
        """Sign with this install's own random key, never with a key every install shares."""
        path = Path(app.config["SECRET_KEY_FILE"])
        path.parent.mkdir(parents=True, exist_ok=True)
        app.config["SECRET_KEY"], created = install_secret_key(path)
        logging.getLogger("config").warning(
            "SECRET_KEY is not set: sessions are signed with the random key %s %s. Set SECRET_KEY to share "
            "one key between processes or machines.", "made now in" if created else "kept in", path)


class DevelopmentConfig(Config):
    DEBUG = False


FAST_TEST_PASSWORD_HASH = "pbkdf2:sha256:1000"  # tests only: fast, and still a real salted hash


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL"), "sqlite://")
    REDIS_URL = os.environ.get("TEST_REDIS_URL") or None
    RATELIMIT_STORAGE_URI = os.environ.get("TEST_REDIS_URL") or "memory://"
    SOCKETIO_ASYNC_MODE = "threading"
    SOCKETIO_MESSAGE_QUEUE = False  # the in-process test client cannot use a queue
    JOBS_INLINE = True
    WTF_CSRF_ENABLED = True
    MAIL_SERVER = os.environ.get("TEST_MAIL_SERVER") or None
    SITE_URL = "http://localhost"
    SERVER_NAME = None
    PASSWORD_HASH_METHOD = FAST_TEST_PASSWORD_HASH
    VIDEO_HLS = "0"  # no ffmpeg from in-process tests unless one asks (tests/video/test_streaming.py)


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS") or 365 * 86400)

    @classmethod
    def use_install_key(cls, app) -> None:
        raise RuntimeError("ProductionConfig needs SECRET_KEY set to a random value of 32+ characters.")

    @classmethod
    def init_app(cls, app) -> None:
        super().init_app(app)
        key = app.config.get("SECRET_KEY")
        if not key or key == DEV_SECRET_KEY or len(key) < 32:
            raise RuntimeError("ProductionConfig needs SECRET_KEY set to a random value of 32+ characters.")
        if not app.config["PASSWORD_HASH_METHOD"].startswith("scrypt"):
            raise RuntimeError("ProductionConfig hashes passwords with scrypt: unset PASSWORD_HASH_METHOD.")


configs = {"development": DevelopmentConfig, "testing": TestConfig, "production": ProductionConfig}


def config_from_env() -> type[Config]:
    """Pick the config class named by FUHUA_ENV (development by default)."""
    return configs[os.environ.get("FUHUA_ENV", "development")]
