"""Roadshow fixtures: roadshows, startups with a founder, generated PDF decks, a media folder per test."""
from datetime import timedelta

import pytest

from app.core.db import utcnow


@pytest.fixture(autouse=True)
def media_dir(app, tmp_path):
    """Deck files go to a temporary folder; bursts are flushed by the tests themselves."""
    keys = ("ROADSHOW_MEDIA_DIR", "ROADSHOW_BURST_INTERVAL")
    old = {k: app.config[k] for k in keys if k in app.config}
    app.config.update(ROADSHOW_MEDIA_DIR=str(tmp_path / "media"), ROADSHOW_BURST_INTERVAL=0)
    from app.roadshows.live import state
    state.init_app(app)  # a fresh LiveState: ids repeat across rolled-back tests, no right to react carries over
    app.extensions.pop("deck_renderer", None)  # built from the settings a test may change
    yield tmp_path / "media"
    app.extensions.pop("deck_renderer", None)
    for key in keys:
        app.config.pop(key, None)
    app.config.update(old)


def pdf_bytes(pages: int = 3, text: str = "Deck") -> bytes:
    from fpdf import FPDF
    pdf = FPDF(orientation="L", format=(90, 160))
    pdf.set_font("helvetica", size=24)
    for n in range(pages):
        pdf.add_page()
        pdf.cell(0, 20, f"{text} page {n + 1}")
    return bytes(pdf.output())


@pytest.fixture
def make_startup(db, make_user):
    from app.startups import services

    def factory(founder=None, name: str = "Qubit Forge"):
        founder = founder or make_user("founder")
        return services.create_startup(founder=founder, name=name, sector="quantum", stage="seed",
                                       summary="Quantum sensors", needs="", tags=[])

    return factory


@pytest.fixture
def admin(make_user):
    return make_user("investor", is_admin=True, name="Ada Admin")


@pytest.fixture
def make_roadshow(db, admin):
    from app.roadshows import services

    def factory(*, visibility="public", actor=None, **fields):
        start = fields.pop("starts_at", utcnow() + timedelta(days=1))
        return services.create_roadshow(actor=actor or admin, title=fields.pop("title", "Spring Demo Day"),
                                        starts_at=start, ends_at=fields.pop("ends_at", start + timedelta(hours=2)),
                                        visibility=visibility, **fields)

    return factory


@pytest.fixture
def make_pitch(db, admin, make_startup):
    from app.roadshows import services

    def factory(roadshow, *, startup=None, title="Pitch", duration_minutes=10, deck_pages: int | None = None):
        startup = startup or make_startup()
        pitch = services.add_pitch(actor=admin, roadshow_id=roadshow.id, startup_id=startup.id, title=title,
                                   duration_minutes=duration_minutes)
        if deck_pages:
            from app.roadshows import decks
            decks.upload_deck(actor=admin, pitch_id=pitch.id, data=pdf_bytes(deck_pages))
        return pitch

    return factory


def ack_of(sc, event: str, data):
    return sc.emit(event, data, callback=True)


def received(sc, name: str) -> list:
    return [msg["args"][0] for msg in sc.get_received() if msg["name"] == name]
