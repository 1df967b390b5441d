"""Pitch decks: a PDF upload checked by content, rendered to page images in the background.

Files live under the instance folder (`ROADSHOW_MEDIA_DIR`, default `<instance>/roadshows`), one folder per
upload, and are served only through `views.deck_page`, which checks that the viewer may watch the roadshow.

Rendering never runs on the serving loop: the `render_deck` job (a greenlet of the web process with the
embedded jobs backend, an RQ worker with `JOBS_BACKEND=rq`) hands the PDF to a child process
(`deck_render.py`, started by the `DeckRenderer` kept in `app.extensions`) and only waits for it, cooperatively
under gevent. The child is capped in pixels per page, memory and time. Its pages replace the shown ones in one
transaction, so viewers keep the old deck until the new one is complete, then all switch (`deck:ready`); a
failed render keeps the old deck and records why (`Pitch.deck_error`), and the uploader is notified.
"""
from __future__ import annotations

import json
import logging
import secrets
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, delete, insert, select, update

from app.accounts.models import User
from app.core import jobs, realtime
from app.core.errors import AppError, Invalid, InvalidState, PermissionDenied
from app.extensions import db
from app.roadshows.deck_errors import DECK_ERRORS, deck_error_text  # noqa: F401  (deck_error_text: views)
from app.roadshows.lookups import get_pitch
from app.roadshows.models import DeckPage, DeckStatus, Pitch, PitchState
from app.roadshows.services import can_edit_pitch

log = logging.getLogger(__name__)

MAX_DECK_BYTES = 20 * 1024 * 1024
MAX_DECK_PAGES = 100
RENDER_WIDTH = 1280
RENDER_SCRIPT = Path(__file__).with_name("deck_render.py")



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


def warm_up() -> None:
    """Load pdfium now rather than at the first upload: the import takes 0.1–0.7 s, during which a serving
    process's loop (and every socket on it) would stand still."""
    import pypdfium2  # noqa: F401


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


# Rendering in a child process ---------------------------------------------------------------

class RenderFailed(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


@dataclass(frozen=True)
class RenderedPage:
    number: int
    width: int
    height: int


class DeckRenderer:
    """Renders decks in child processes, at most `processes` at once per process, each killed past `timeout` s.

    One per app, created on first use (`renderer()`). Waiting for the child (`communicate`) yields to other
    greenlets when gevent has patched `subprocess`, so the serving loop keeps answering meanwhile.
    """

    def __init__(self, *, processes: int, timeout: float, target_width: int, max_pixels: int, memory_mb: int,
                 share: float = 1.0):
        self.timeout = timeout
        self.args = [str(target_width), str(max_pixels), str(memory_mb)]
        self.share = share
        self._slots = threading.BoundedSemaphore(max(1, processes))

    @classmethod
    def from_config(cls, config) -> DeckRenderer:
        return cls(processes=int(config.get("ROADSHOW_DECK_RENDER_PROCESSES", 1)),
                   timeout=float(config.get("ROADSHOW_DECK_RENDER_TIMEOUT", 120)),
                   target_width=RENDER_WIDTH, max_pixels=int(config.get("ROADSHOW_DECK_MAX_PIXELS", 4_000_000)),
                   memory_mb=int(config.get("ROADSHOW_DECK_RENDER_MEMORY_MB", 1024)),
                   share=float(config.get("ROADSHOW_DECK_RENDER_SHARE", 1.0)))

    def render(self, pdf_path: str, folder: str, *, nice: int = 10) -> list[RenderedPage]:
        """Render `pdf_path` into `folder` (`page-N.png`); raises RenderFailed with a `DECK_ERRORS` code.

        `nice`: the child's niceness, 10 so that the serving processes on the same cores come first; a command
        that waits for the render and serves nobody (the demo seed) passes 0, and the child then uses a whole core
        (else `ROADSHOW_DECK_RENDER_SHARE` of one).
        """
        with self._slots:
            child = subprocess.Popen(self.command(pdf_path, folder, nice=nice), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
            try:
                out, err = child.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.communicate()
                raise RenderFailed("timeout", f"over {self.timeout:g} s") from None
            except BaseException:  # the job itself was stopped (RQ's job timeout, a killed greenlet): no orphan
                child.kill()
                child.wait()
                raise
        return self._pages(child.returncode, out, err)

    def command(self, pdf_path: str, folder: str, *, nice: int) -> list[str]:
        share = 1.0 if nice == 0 else self.share
        return [sys.executable, "-P", str(RENDER_SCRIPT), pdf_path, folder, *self.args, str(nice), str(share)]

    @staticmethod
    def _pages(returncode: int, out: str, err: str) -> list[RenderedPage]:
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        if returncode != 0:
            error = next((line for line in lines if "error" in line), None)
            code = error["error"] if error and error["error"] in DECK_ERRORS else "failed"
            raise RenderFailed(code, (error or {}).get("detail") or err[-300:] or f"exit code {returncode}")
        pages = [RenderedPage(line["number"], line["width"], line["height"]) for line in lines]
        if not pages:
            raise RenderFailed("unreadable", "no pages")
        return pages


def renderer() -> DeckRenderer:
    """The app's deck renderer, created on first use from the `ROADSHOW_DECK_*` settings."""
    extensions = current_app.extensions
    if "deck_renderer" not in extensions:
        extensions["deck_renderer"] = DeckRenderer.from_config(current_app.config)
    return extensions["deck_renderer"]


# Use cases ------------------------------------------------------------------------------------

def upload_deck(*, actor: User, pitch_id: int, data: bytes, render_now: bool = False) -> Pitch:
    """Store a new deck for a pitch (its founders, its presenter, moderators) and queue the rendering
    (`render_now`: render before returning, for the demo seed and other CLI use). The shown deck, if any,
    stays until the new one is rendered."""
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
    superseded = pitch.deck_path if pitch.deck_status == DeckStatus.PROCESSING else None
    pitch.deck_path = str(path)
    pitch.deck_status = DeckStatus.PROCESSING
    pitch.deck_error = None
    db.session.commit()
    if superseded:
        _discard(pitch.id, Path(superseded).parent)
    job = {"pitch_id": pitch.id, "deck_path": str(path), "uploader_id": actor.id}
    if render_now:
        render_deck(**job, nice=0)
    else:
        jobs.enqueue(render_deck, **job)
    db.session.expire(pitch)  # a job run at once (tests, JOBS_INLINE) changed it in its own session
    return pitch


def render_deck(*, pitch_id: int, deck_path: str, uploader_id: int | None = None, nice: int = 10) -> None:
    """Job: render an uploaded deck in a child process (at `nice`), then show its pages instead of the old ones.

    Idempotent: a deck already shown, failed or replaced by a newer upload is left alone, and the swap is
    a conditional UPDATE, so a retried or doubled job never adds pages twice.
    """
    pitch = db.session.get(Pitch, pitch_id)
    if pitch is None or pitch.deck_path != deck_path or pitch.deck_status != DeckStatus.PROCESSING:
        return
    db.session.rollback()  # hold no transaction (nor, on PostgreSQL, a connection) while the child renders
    try:
        pages = renderer().render(deck_path, str(Path(deck_path).parent), nice=nice)
    except RenderFailed as failure:
        log.warning("deck %s of pitch %s could not be rendered: %s", deck_path, pitch_id, failure)
        _record_failure(pitch_id=pitch_id, deck_path=deck_path, code=failure.code, uploader_id=uploader_id)
        return
    _show_pages(pitch_id=pitch_id, deck_path=deck_path, pages=pages)


def _show_pages(*, pitch_id: int, deck_path: str, pages: list[RenderedPage]) -> None:
    """Swap the rendered pages in, in one transaction; then remove the old files and tell the room."""
    folder = Path(deck_path).parent
    on_stage = and_(Pitch.state.in_([PitchState.LIVE, PitchState.QA]), Pitch.current_slide <= len(pages))
    swapped = db.session.execute(
        update(Pitch)
        .where(Pitch.id == pitch_id, Pitch.deck_path == deck_path, Pitch.deck_status == DeckStatus.PROCESSING)
        .values(deck_status=DeckStatus.READY, deck_pages=len(pages), deck_revision=Pitch.deck_revision + 1,
                deck_error=None, current_slide=case((on_stage, Pitch.current_slide), else_=1))
        .execution_options(synchronize_session=False)).rowcount
    if swapped != 1:  # a newer upload, or the same job run twice
        db.session.rollback()
        _discard(pitch_id, folder)
        return
    old_folders = {Path(p).parent for p in _page_paths(pitch_id)} - {folder}
    # The old rows go first, in their own statement: (pitch_id, number) is unique.
    db.session.execute(delete(DeckPage).where(DeckPage.pitch_id == pitch_id))
    # One executemany, not a hundred ORM objects: the swap runs on the serving loop while the room chats.
    db.session.execute(insert(DeckPage), [
        {"pitch_id": pitch_id, "number": p.number, "image_path": str(folder / f"page-{p.number}.png"),
         "width": p.width, "height": p.height} for p in pages])
    db.session.commit()
    for old in old_folders:
        shutil.rmtree(old, ignore_errors=True)
    log.info("deck %s of pitch %s rendered: %d pages", deck_path, pitch_id, len(pages))
    pitch = db.session.get(Pitch, pitch_id)
    from app.roadshows import room
    realtime.emit_to_room(room.roadshow_room(pitch.roadshow_id), "deck:ready", deck_ready_payload(pitch))


def deck_ready_payload(pitch: Pitch) -> dict:
    """`deck:ready`: the pitch (as in `stage:update`) and the URL of its new pages (`{n}` for the number)."""
    from app.roadshows.schemas import deck_ready_schema
    return deck_ready_schema.dump(pitch)


def _record_failure(*, pitch_id: int, deck_path: str, code: str, uploader_id: int | None) -> None:
    """Keep the shown deck, record why the new one failed, drop its files and tell the uploader."""
    shown = _page_paths(pitch_id)
    shown_pdf = str(Path(shown[0]).parent / "deck.pdf") if shown else None
    failed = db.session.execute(
        update(Pitch)
        .where(Pitch.id == pitch_id, Pitch.deck_path == deck_path, Pitch.deck_status == DeckStatus.PROCESSING)
        .values(deck_status=DeckStatus.FAILED, deck_error=code, deck_path=shown_pdf)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    _discard(pitch_id, Path(deck_path).parent)
    if failed != 1:
        return
    pitch = db.session.get(Pitch, pitch_id)
    uploader = db.session.get(User, uploader_id) if uploader_id else None
    if uploader is not None:
        from app.notifications.services import notify
        from app.roadshows import notifications  # noqa: F401  (registers the kinds)
        notify(user=uploader, kind="deck_failed", data={"pitch": pitch.title, "reason": code},
               url=f"/roadshows/{pitch.roadshow_id}")


def _page_paths(pitch_id: int) -> list[str]:
    return list(db.session.scalars(select(DeckPage.image_path).where(DeckPage.pitch_id == pitch_id)
                                   .order_by(DeckPage.number)))


def _discard(pitch_id: int, folder: Path) -> None:
    """Remove an upload's folder unless its pages are the ones shown."""
    if not any(Path(p).parent == folder for p in _page_paths(pitch_id)):
        shutil.rmtree(folder, ignore_errors=True)


def page_image(*, pitch_id: int, number: int) -> DeckPage | None:
    return next((p for p in get_pitch(pitch_id).pages if p.number == number), None)
