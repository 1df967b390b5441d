"""How a pitch's stream URL is shown in the room: an HLS stream (`.m3u8`) plays in the page through hls.js, a
player whose host is allow-listed (`ROADSHOW_EMBED_HOSTS`) plays in a sandboxed iframe, anything else is a link."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

HLS, EMBED, LINK = "hls", "embed", "link"


def embed_hosts() -> list[str]:
    """The allow-listed player hosts, lower case."""
    value = current_app.config.get("ROADSHOW_EMBED_HOSTS") or ""
    return [h.strip().lower() for h in value.replace(",", " ").split() if h.strip()]


def stream_kind(url: str | None) -> str | None:
    """hls, embed or link (None without a URL)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return LINK
    if parts.path.lower().endswith(".m3u8"):
        return HLS
    if parts.scheme == "https" and (parts.hostname or "").lower() in embed_hosts():
        return EMBED
    return LINK


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def page_sources(urls) -> dict[str, list[str]]:
    """What a room page's CSP must allow for these stream URLs: the players' hosts in frames, the HLS streams'
    origins to fetch from, and `blob:` media (hls.js feeds the video through Media Source Extensions)."""
    hls = sorted({origin(u) for u in urls if stream_kind(u) == HLS})
    return {"frame-src": [f"https://{host}" for host in embed_hosts()],
            "connect-src": hls, "media-src": ["'self'", "blob:"] if hls else []}
