"""Cleaning user-written plain text (chat, questions, messages) before it is stored."""
import re
import unicodedata

from flask_babel import lazy_gettext as _l

from app.core.errors import Invalid

_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(body, *, limit: int, field: str = "body") -> str:
    """Plain text only: control and direction-override characters removed, blank lines squeezed, trimmed."""
    if not isinstance(body, str):
        raise Invalid(details={field: [str(_l("Write some text."))]})
    text = unicodedata.normalize("NFC", _CONTROL.sub("", body.replace("\r\n", "\n")))
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        raise Invalid(_l("Write something first."), details={field: [str(_l("Write something first."))]})
    if len(text) > limit:
        raise Invalid(_l("Keep it to %(n)d characters.", n=limit),
                      details={field: [str(_l("Keep it to %(n)d characters.", n=limit))]}, code="too_long")
    return text
