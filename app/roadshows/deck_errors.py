"""Why a deck upload could not be rendered (`Pitch.deck_error`), in the reader's language; the shown deck stays."""
from flask_babel import lazy_gettext as _l

DECK_ERRORS = {
    "timeout": _l("rendering it took longer than the time allowed for a deck"),
    "too_large": _l("its pages need more memory to render than a deck may use"),
    "unreadable": _l("its pages could not be rendered"),
    "failed": _l("the renderer stopped unexpectedly"),
}


def deck_error_text(code: str | None) -> str | None:
    """The reason a deck failed, in the current language."""
    if not code:
        return None
    return str(DECK_ERRORS.get(code, DECK_ERRORS["failed"]))
