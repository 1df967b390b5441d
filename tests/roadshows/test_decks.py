"""Decks render in a child process: replacing a deck, the caps on a render, and what a failed render keeps."""
import io
import math
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db as _db
from app.notifications.models import Notification
from app.roadshows import deck_render, decks
from app.roadshows.live import use_cases
from app.roadshows.models import DeckPage, Pitch
from tests.roadshows.conftest import pdf_bytes, received


def tall_pdf(pages: int, *, height_mm: float = 5000, text: str = "Tall") -> bytes:
    """Pages 100 mm wide and `height_mm` tall: at 1280 px wide, 64 million pixels each without a cap."""
    from fpdf import FPDF
    pdf = FPDF(format=(100, height_mm))
    pdf.set_font("helvetica", size=24)
    for n in range(pages):
        pdf.add_page()
        for y in range(0, int(height_mm) - 100, 250):
            pdf.set_xy(5, y)
            pdf.cell(0, 20, f"{text} page {n + 1}, {y} mm")
    return bytes(pdf.output())


@pytest.fixture
def deck(db, admin, make_user, make_startup, make_roadshow, make_pitch, login):
    """A pitch with a shown 3-page deck, its founder (signed in through the API) and a viewer's client."""
    founder = make_user("founder", name="Fu Founder")
    roadshow = make_roadshow()
    pitch = make_pitch(roadshow, startup=make_startup(founder), title="Qubits", deck_pages=3)
    return SimpleNamespace(founder=founder, roadshow=roadshow, pitch=pitch, admin=admin,
                           api=login(founder), viewer=login(make_user("investor")))


def _upload(api, pitch_id: int, data: bytes):
    return api.post(f"/api/pitches/{pitch_id}/deck", data={"file": (io.BytesIO(data), "deck.pdf")},
                    content_type="multipart/form-data")


def _rows(pitch_id: int) -> list[DeckPage]:
    _db.session.expire_all()
    return list(_db.session.scalars(select(DeckPage).where(DeckPage.pitch_id == pitch_id).order_by(DeckPage.number)))


def _page(client, pitch_id: int, number: int):
    return client.get(f"/roadshows/pitches/{pitch_id}/deck/{number}.png")


def _settings(app, **values):
    app.config.update(values)
    app.extensions.pop("deck_renderer", None)


@pytest.fixture
def settings(app):
    keys = ("ROADSHOW_DECK_RENDER_TIMEOUT", "ROADSHOW_DECK_MAX_PIXELS", "ROADSHOW_DECK_RENDER_MEMORY_MB")
    old = {k: app.config[k] for k in keys}
    yield lambda **values: _settings(app, **values)
    _settings(app, **old)


# replacing a deck ------------------------------------------------------------------------------

def test_replacing_a_deck_twice_shows_only_the_newest_pages(deck):
    first_folder = Path(_rows(deck.pitch.id)[0].image_path).parent
    response = _upload(deck.api, deck.pitch.id, tall_pdf(2, height_mm=400))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["deck_status"], body["deck_pages"], body["deck_revision"], body["deck_error"]) == ("ready", 2, 2, None)
    second = _rows(deck.pitch.id)
    assert [p.number for p in second] == [1, 2] and all(p.height > p.width for p in second)
    assert not first_folder.exists()
    second_folder = Path(second[0].image_path).parent

    body = _upload(deck.api, deck.pitch.id, pdf_bytes(4, text="Third")).get_json()
    assert (body["deck_status"], body["deck_pages"], body["deck_revision"]) == ("ready", 4, 3)
    third = _rows(deck.pitch.id)
    assert [p.number for p in third] == [1, 2, 3, 4] and all(p.width > p.height for p in third)
    assert len({Path(p.image_path).parent for p in third}) == 1
    assert not second_folder.exists()
    served = _page(deck.viewer, deck.pitch.id, 4)
    assert served.status_code == 200 and served.data == Path(third[3].image_path).read_bytes()


def test_old_deck_is_served_while_the_new_one_renders(app, deck):
    old_page_3 = _page(deck.viewer, deck.pitch.id, 3).data
    seen = {}

    class WatchingRenderer(decks.DeckRenderer):
        def render(self, pdf_path, folder, **options):
            seen["pitch"] = _deck_state(deck.api, deck.roadshow.id)
            seen["page 3"] = _page(deck.viewer, deck.pitch.id, 3)
            return super().render(pdf_path, folder, **options)

    app.extensions["deck_renderer"] = WatchingRenderer.from_config(app.config)
    assert _upload(deck.api, deck.pitch.id, pdf_bytes(1, text="New")).status_code == 201
    assert seen["pitch"] == ("processing", 3, 1)
    assert seen["page 3"].status_code == 200 and seen["page 3"].data == old_page_3
    assert _deck_state(deck.api, deck.roadshow.id) == ("ready", 1, 2)
    assert _page(deck.viewer, deck.pitch.id, 3).status_code == 404


def _deck_state(api, roadshow_id: int) -> tuple:
    [pitch] = api.get(f"/api/roadshows/{roadshow_id}").get_json()["pitches"]
    return pitch["deck_status"], pitch["deck_pages"], pitch["deck_revision"]


def test_room_switches_to_the_new_deck_when_it_is_ready(deck, socket_client):
    use_cases.set_stage(actor=deck.admin, roadshow_id=deck.roadshow.id, pitch_id=deck.pitch.id, state="upcoming")
    viewer = socket_client(deck.viewer)
    assert viewer.emit("roadshow:join", {"roadshow_id": deck.roadshow.id, "after_id": None}, callback=True)["ok"]
    viewer.get_received()
    _upload(deck.api, deck.pitch.id, pdf_bytes(5, text="Replaced"))
    [ready] = received(viewer, "deck:ready")
    assert (ready["id"], ready["deck_pages"], ready["deck_revision"]) == (deck.pitch.id, 5, 2)
    assert ready["current_slide"] == 1
    assert ready["image_url"] == f"/roadshows/pitches/{deck.pitch.id}/deck/{{n}}.png?v=2"
    ack = viewer.emit("roadshow:join", {"roadshow_id": deck.roadshow.id, "after_id": None}, callback=True)
    assert ack["state"]["slide"]["image_url"] == ready["image_url"] and ack["state"]["slide"]["pages"] == 5


def test_a_newer_upload_wins_over_a_render_still_running(app, deck):
    calls = []

    class InterruptedRenderer(decks.DeckRenderer):
        def render(self, pdf_path, folder, **options):
            calls.append(pdf_path)
            if len(calls) == 1:  # while the first replacement renders, the founder uploads another one
                assert _upload(deck.api, deck.pitch.id, pdf_bytes(2, text="Newest")).status_code == 201
            return super().render(pdf_path, folder, **options)

    app.extensions["deck_renderer"] = InterruptedRenderer.from_config(app.config)
    _upload(deck.api, deck.pitch.id, pdf_bytes(6, text="Older"))
    pitch = _db.session.get(Pitch, deck.pitch.id)
    assert (pitch.deck_status, pitch.deck_pages, pitch.deck_error) == ("ready", 2, None)
    assert [p.number for p in _rows(pitch.id)] == [1, 2]
    assert not Path(calls[0]).parent.exists()  # the older upload's files are gone
    assert _db.session.scalars(select(Notification).where(Notification.kind == "deck_failed")).all() == []


def test_a_retried_job_adds_no_pages(deck):
    pitch = _db.session.get(Pitch, deck.pitch.id)
    before = [(p.id, p.image_path) for p in _rows(pitch.id)]
    decks.render_deck(pitch_id=pitch.id, deck_path=pitch.deck_path, uploader_id=deck.founder.id)
    assert [(p.id, p.image_path) for p in _rows(pitch.id)] == before
    assert _db.session.get(Pitch, pitch.id).deck_revision == 1


# the caps ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("width", "height", "max_pixels", "expected"), [
    (453.5, 255.1, 4_000_000, 1280 / 453.5),  # a 16:9 slide: 1280 px wide
    (100, 50, 4_000_000, 4.0),  # a tiny page is not blown up past 4×
    (283.5, 14173, 4_000_000, (4_000_000 / (283.5 * 14173)) ** 0.5),  # a 5 m strip: scaled to the pixel cap
])
def test_page_scale(width, height, max_pixels, expected):
    scale = deck_render.page_scale(width, height, target_width=1280, max_pixels=max_pixels)
    assert scale == pytest.approx(expected, rel=0.01)
    assert math.ceil(width * scale) * math.ceil(height * scale) <= max_pixels


def test_tall_pages_are_scaled_down_under_the_pixel_cap(deck, settings):
    settings(ROADSHOW_DECK_MAX_PIXELS=1_000_000)
    assert _upload(deck.api, deck.pitch.id, tall_pdf(2)).get_json()["deck_status"] == "ready"
    for page in _rows(deck.pitch.id):
        with Image.open(page.image_path) as image:
            assert image.size == (page.width, page.height)
        assert page.width * page.height <= 1_000_000 and page.height > 30 * page.width


# failures keep the old deck -------------------------------------------------------------------

def _assert_old_deck_kept(deck, old_rows):
    pitch = _db.session.get(Pitch, deck.pitch.id)
    assert (pitch.deck_status, pitch.deck_pages, pitch.deck_revision) == ("failed", 3, 1)
    assert [(p.number, p.image_path) for p in _rows(pitch.id)] == [(p.number, p.image_path) for p in old_rows]
    assert all(Path(p.image_path).exists() for p in old_rows)
    assert pitch.deck_path == str(Path(old_rows[0].image_path).parent / "deck.pdf")
    assert len(list(Path(pitch.deck_path).parent.parent.iterdir())) == 1  # the failed upload's folder is gone
    assert _page(deck.viewer, pitch.id, 3).status_code == 200


def test_a_render_over_the_time_cap_keeps_the_old_deck(deck, settings):
    old_rows = _rows(deck.pitch.id)
    settings(ROADSHOW_DECK_RENDER_TIMEOUT=0.05)
    response = _upload(deck.api, deck.pitch.id, pdf_bytes(2))
    assert response.status_code == 201
    body = response.get_json()
    assert body["deck_error"] == "timeout"
    assert body["deck_error_message"] == "rendering it took longer than the time allowed for a deck"
    _assert_old_deck_kept(deck, old_rows)


def test_a_render_over_the_memory_cap_keeps_the_old_deck(deck, settings):
    old_rows = _rows(deck.pitch.id)
    settings(ROADSHOW_DECK_MAX_PIXELS=400_000_000, ROADSHOW_DECK_RENDER_MEMORY_MB=200)
    assert _upload(deck.api, deck.pitch.id, tall_pdf(1)).get_json()["deck_error"] == "too_large"
    _assert_old_deck_kept(deck, old_rows)


def test_an_unrenderable_file_is_reported(tmp_path):
    target = tmp_path / "deck.pdf"
    target.write_bytes(b"%PDF-1.4 nothing else")
    renderer = decks.DeckRenderer(processes=1, timeout=30, target_width=1280, max_pixels=1_000_000, memory_mb=0)
    with pytest.raises(decks.RenderFailed) as failure:
        renderer.render(str(target), str(tmp_path))
    assert failure.value.code == "unreadable"


@pytest.mark.parametrize(("locale", "reason", "note", "page_text"), [
    ("en", "rendering it took longer than the time allowed for a deck",
     "The new deck of Qubits could not be used: rendering it took longer than the time allowed for a deck. "
     "The previous deck is still shown.",
     "the new deck could not be used: rendering it took longer than the time allowed for a deck"),
    ("zh", "渲染用时超过了每份路演材料允许的时长",
     "Qubits 的新路演材料无法使用：渲染用时超过了每份路演材料允许的时长。仍在显示之前的路演材料。",
     "新路演材料无法使用：渲染用时超过了每份路演材料允许的时长"),
])
def test_the_uploader_is_told_why_in_their_language(deck, settings, login, locale, reason, note, page_text):
    deck.founder.locale = locale
    _db.session.commit()
    api = login(deck.founder)
    settings(ROADSHOW_DECK_RENDER_TIMEOUT=0.05)
    body = _upload(api, deck.pitch.id, pdf_bytes(2)).get_json()
    assert (body["deck_error"], body["deck_error_message"]) == ("timeout", reason)
    [stored] = _db.session.scalars(select(Notification).where(Notification.user_id == deck.founder.id,
                                                              Notification.kind == "deck_failed")).all()
    assert stored.data == {"pitch": "Qubits", "reason": "timeout"}
    assert note in [n["text"] for n in api.get("/api/notifications").get_json()["items"]]
    assert page_text in api.client.get(f"/roadshows/{deck.roadshow.id}").get_data(as_text=True)


def test_a_stopped_job_leaves_no_renderer_behind(tmp_path):
    """RQ stops a job past its own timeout by raising in it from SIGALRM: the child must not outlive it."""
    import os
    import signal

    class JobTimeout(Exception):
        pass

    def stop(signum, frame):
        raise JobTimeout

    target = tmp_path / "deck.pdf"
    target.write_bytes(tall_pdf(30))
    renderer = decks.DeckRenderer(processes=1, timeout=300, target_width=1280, max_pixels=60_000_000, memory_mb=0)
    previous = signal.signal(signal.SIGALRM, stop)
    try:
        signal.setitimer(signal.ITIMER_REAL, 1.0)
        with pytest.raises(JobTimeout):
            renderer.render(str(target), str(tmp_path))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    children = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _is_renderer_of(p, os.getpid())]
    assert children == []


def _is_renderer_of(proc: Path, pid: int) -> bool:
    try:
        return (b"deck_render.py" in (proc / "cmdline").read_bytes()
                and int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid)
    except (OSError, ValueError, IndexError):
        return False


@pytest.mark.parametrize("share", [0.5, 0.25])
def test_a_renderer_given_part_of_a_core_rests_between_pages(tmp_path, share):
    """ROADSHOW_DECK_RENDER_SHARE: the child rests after each page in proportion to the CPU the page took, so its
    wall time is at least its CPU time over the share (a loaded machine only makes it longer)."""
    import resource
    import time

    target = tmp_path / "deck.pdf"
    target.write_bytes(pdf_bytes(40))
    renderer = decks.DeckRenderer(processes=1, timeout=60, target_width=1280, max_pixels=4_000_000, memory_mb=0,
                                  share=share)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    pages = renderer.render(str(target), str(tmp_path))
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert len(pages) == 40
    # Python's start-up and imports run at full speed: only the pages' part is rested for, so compare with the
    # CPU of the pages alone (the child's CPU less a render of one page's worth of start-up, measured below).
    baseline = decks.DeckRenderer(processes=1, timeout=60, target_width=1280, max_pixels=4_000_000, memory_mb=0)
    one = tmp_path / "one"
    one.mkdir()
    (one / "deck.pdf").write_bytes(pdf_bytes(1))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    baseline.render(str(one / "deck.pdf"), str(one))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    startup = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert wall >= (cpu - startup) / share * 0.9, (wall, cpu, startup)


def test_the_demo_seed_renders_at_full_speed(tmp_path):
    """A render nobody serves beside (nice 0: the demo seed, the CLI) is not rested."""
    renderer = decks.DeckRenderer(processes=1, timeout=60, target_width=1280, max_pixels=4_000_000, memory_mb=0,
                                  share=0.5)
    assert renderer.command("deck.pdf", "out", nice=0)[-2:] == ["0", "1.0"]
    assert renderer.command("deck.pdf", "out", nice=10)[-2:] == ["10", "0.5"]
