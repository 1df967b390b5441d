"""A pitch's stream beside the slides (issue 17, item 5): which URLs play in the page (HLS), which in a sandboxed
frame (allow-listed players) and which stay links, and the room page's CSP naming exactly what it needs."""
import pytest

from app.roadshows.streams import page_sources, stream_kind


@pytest.mark.parametrize(("url", "kind"), [
    (None, None),
    ("", None),
    ("https://live.example.cn/hls/路演/index.m3u8", "hls"),
    ("https://cdn.example.com/live/stream.M3U8?token=abc", "hls"),
    ("http://127.0.0.1:8123/stream.m3u8", "hls"),
    ("https://player.bilibili.com/player.html?bvid=BV1xx411c7mD", "embed"),
    ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "embed"),
    ("https://PLAYER.VIMEO.COM/video/76979871", "embed"),
    ("http://player.bilibili.com/player.html?bvid=BV1", "link"),  # a frame only over https
    ("https://player.bilibili.com.evil.example/player.html", "link"),
    ("https://meeting.tencent.com/dm/abc", "link"),
    ("https://zoom.us/j/123", "link"),
])
def test_stream_kind(app, url, kind):
    with app.app_context():
        assert stream_kind(url) == kind


def test_the_allow_list_is_a_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "ROADSHOW_EMBED_HOSTS", "video.example.org, live.example.cn")
    with app.app_context():
        assert stream_kind("https://live.example.cn/player?id=1") == "embed"
        assert stream_kind("https://player.bilibili.com/player.html?bvid=BV1") == "link"
        assert page_sources([])["frame-src"] == ["https://video.example.org", "https://live.example.cn"]


def _csp(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def test_the_room_page_allows_exactly_the_players_and_its_hls_hosts(app, client, make_roadshow, make_pitch, db):
    from app.roadshows import services
    from app.roadshows.streams import embed_hosts
    roadshow = make_roadshow(title="直播路演")
    first, second = make_pitch(roadshow, title="第一"), make_pitch(roadshow, title="第二")
    for pitch, url in ((first, "https://live.example.cn:8443/a/index.m3u8"),
                       (second, "https://player.bilibili.com/player.html?bvid=BV1")):
        pitch.stream_url = url
    db.session.commit()
    response = client.get(f"/roadshows/{roadshow.id}/live")
    assert response.status_code == 200
    csp = _csp(response)
    with app.app_context():
        assert csp["frame-src"] == [f"https://{h}" for h in embed_hosts()]
    assert "https://live.example.cn:8443" in csp["connect-src"]
    assert csp["media-src"] == ["'self'", "blob:"]
    page = response.get_data(as_text=True)
    assert "vendor/hls.js/hls.light.min.js" in page and "sandbox=\"allow-scripts" in page
    other = client.get(f"/roadshows/{services.get_roadshow(roadshow.id).id}")  # pages other than the room: no frames
    assert "frame-src" not in _csp(other) and "media-src" not in _csp(other)


def test_a_room_without_streams_loads_no_player(client, make_roadshow, make_pitch):
    roadshow = make_roadshow()
    make_pitch(roadshow)
    response = client.get(f"/roadshows/{roadshow.id}/live")
    assert "hls.light.min.js" not in response.get_data(as_text=True)
    assert "media-src" not in _csp(response) and "live.example" not in response.headers["Content-Security-Policy"]


def test_the_stage_says_how_to_show_the_stream(app, make_roadshow, make_pitch, db):
    from app.roadshows.schemas import pitch_schema
    pitch = make_pitch(make_roadshow())
    pitch.stream_url = "https://cdn.example.com/s.m3u8"
    db.session.commit()
    assert pitch_schema.dump(pitch)["stream_kind"] == "hls"
    pitch.stream_url = None
    assert pitch_schema.dump(pitch)["stream_kind"] is None
