"""Pitch decks: a PDF upload checked by content, rendered to page images in the background.

Files live under the instance folder (`ROADSHOW_MEDIA_DIR`, default `<instance>/roadshows`) and are
served only through `views.deck_page`, which checks that the viewer may watch the roadshow.
"""
from __future__ import annotations

import logging
import secrets
import shutil
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.core import jobs, realtime
from app.core.errors import AppError, Invalid, InvalidState, PermissionDenied
from app.extensions import db
from app.roadshows.models import DeckPage, DeckStatus, Pitch, PitchState
from app.roadshows.services import can_edit_pitch, get_pitch

log = logging.getLogger(__name__)

MAX_DECK_BYTES = 20 * 1024 * 1024
MAX_DECK_PAGES = 100
RENDER_WIDTH = 1280


class TooLarge(AppError):
    status_code, code = 413, "too_large"


def media_dir() -> Path:
    """Where decks and page images live: `ROADSHOW_MEDIA_DIR`, else the instance folder (a temp folder in tests)."""
    configured = current_app.config.get("ROADSHOW_MEDIA_DIR")
    if configured:
        return Path(configured)
    if current_app.testing:
        import tempfile
        return Path(tempfile.gettempdir()) / "fuhua-test-roadshows"
    return Path(current_app.instance_path) / "roadshows"


def _pdf_page_count(data: bytes) -> int:
    import pypdfium2 as pdfium
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise Invalid(_l("This file is not a readable PDF."), code="invalid_pdf",
                      details={"file": [str(_l("This file is not a readable PDF."))]}) from None
    try:
        return len(pdf)
    finally:
        pdf.close()


def check_pdf(data: bytes) -> int:
    """Size, magic bytes and a real parse; returns the page count or raises 413/422."""
    if len(data) > MAX_DECK_BYTES:
        raise TooLarge(_l("The deck is larger than 20 MB."), details={"file": [str(_l("At most 20 MB."))]})
    if not data.lstrip()[:5] == b"%PDF-":
        raise Invalid(_l("Upload the deck as a PDF."), code="not_a_pdf",
                      details={"file": [str(_l("Upload the deck as a PDF."))]})
    pages = _pdf_page_count(data)
    if pages < 1 or pages > MAX_DECK_PAGES:
        raise Invalid(_l("A deck has 1 to 100 pages."), code="too_many_pages",
                      details={"file": [str(_l("A deck has 1 to 100 pages."))]})
    return pages


def upload_deck(*, actor: User, pitch_id: int, data: bytes, render_now: bool = False) -> Pitch:
    """Store a new deck for a pitch (its founders, its presenter, moderators) and queue the rendering
    (`render_now`: render before returning, for the demo seed and other CLI use)."""
    pitch = get_pitch(pitch_id)
    if not can_edit_pitch(actor, pitch):
        raise PermissionDenied(_l("Only the pitch's founders and the moderators can upload its deck."))
    if pitch.state in (PitchState.LIVE, PitchState.QA):
        raise InvalidState(_l("The deck cannot change while the pitch is on stage."))
    check_pdf(data)
    folder = media_dir() / "decks" / str(pitch.id) / secrets.token_hex(8)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "deck.pdf"
    path.write_bytes(data)
    pitch.deck_path = str(path)
    pitch.deck_status = DeckStatus.PROCESSING
    db.session.commit()
    if render_now:
        render_deck(pitch_id=pitch.id, deck_path=str(path))
    else:
        jobs.enqueue(render_deck, pitch_id=pitch.id, deck_path=str(path))
    return pitch


def render_deck(*, pitch_id: int, deck_path: str) -> None:
    """Job: render every page to a PNG next to the PDF and record the pages (idempotent; latest deck wins)."""
    import pypdfium2 as pdfium
    pitch = db.session.get(Pitch, pitch_id)
    if pitch is None or pitch.deck_path != deck_path:
        return  # deleted, or a newer deck replaced this one
    folder = Path(deck_path).parent
    pages: list[DeckPage] = []
    try:
        pdf = pdfium.PdfDocument(deck_path)
        try:
            for index in range(min(len(pdf), MAX_DECK_PAGES)):
                page = pdf[index]
                scale = RENDER_WIDTH / max(page.get_width(), 1)
                image = page.render(scale=min(scale, 4)).to_pil()
                target = folder / f"page-{index + 1}.png"
                image.save(target, "PNG", optimize=True)
                pages.append(DeckPage(number=index + 1, image_path=str(target), width=image.width,
                                      height=image.height))
                page.close()
        finally:
            pdf.close()
    except Exception:
        log.exception("rendering deck %s failed", deck_path)
        pitch.deck_status = DeckStatus.FAILED
        db.session.commit()
        return
    old_dirs = {Path(p.image_path).parent for p in pitch.pages} - {folder}
    pitch.pages = pages
    pitch.deck_pages = len(pages)
    pitch.current_slide = 1
    pitch.deck_status = DeckStatus.READY
    db.session.commit()
    for old in old_dirs:
        shutil.rmtree(old, ignore_errors=True)
    from app.roadshows import payloads, room
    realtime.emit_to_room(room.roadshow_room(pitch.roadshow_id), "deck:ready", payloads.pitch(pitch))


def page_image(*, pitch_id: int, number: int) -> DeckPage | None:
    return next((p for p in get_pitch(pitch_id).pages if p.number == number), None)
