"""The signed agreement as a PDF (fpdf2), its Chinese rendered with a CJK font from a Debian package.

The font is Noto Sans CJK SC, face 2 of Debian's fonts-noto-cjk collection (`NotoSansCJK-Regular.ttc`: JP, KR,
SC, TC, HK...); `AGREEMENT_PDF_FONT` and `AGREEMENT_PDF_FONT_INDEX` name another file or face. fpdf2 embeds only
the glyphs used (a subset), so a PDF stays small.
"""
from __future__ import annotations

import re
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from app.core.errors import AppError
from app.core.i18n import format_when
from app.marketplace.models import Agreement

DEFAULT_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DEFAULT_FONT_INDEX = 2  # Noto Sans CJK SC in the collection
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


class PdfUnavailable(AppError):
    status_code, code = 503, "pdf_unavailable"


def _font() -> tuple[str, int]:
    path = current_app.config.get("AGREEMENT_PDF_FONT") or DEFAULT_FONT
    if not Path(path).exists():
        raise PdfUnavailable(_("The PDF cannot be made: the CJK font is not installed (Debian: fonts-noto-cjk)."))
    return path, int(current_app.config.get("AGREEMENT_PDF_FONT_INDEX", DEFAULT_FONT_INDEX))


def _when(value) -> str:
    return format_when(value, "full") if value else _("Not yet")


def agreement_pdf(agreement: Agreement) -> bytes:
    """The stored terms, their SHA-256 and both signatures, on A4."""
    path, index = _font()
    pdf = FPDF(format="A4")
    pdf.set_title(_("Agreement for request #%(id)d", id=agreement.request_id))
    pdf.set_creator("Fuhua")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font("cjk", "", path, collection_font_number=index)
    pdf.add_page()
    pdf.set_font("cjk", size=15)
    pdf.cell(0, 9, _("Cooperation agreement"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("cjk", size=9.5)
    for line in agreement.terms.splitlines():
        _paragraph(pdf, line)
    pdf.ln(4)
    pdf.set_font("cjk", size=11)
    pdf.cell(0, 7, _("Signatures"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("cjk", size=9.5)
    req = agreement.request
    for party, name, user, at, ip in (
            (req.startup.name, agreement.startup_signer_name, agreement.startup_accepted_by,
             agreement.startup_accepted_at, agreement.startup_signer_ip),
            (req.provider.name, agreement.provider_signer_name, agreement.provider_accepted_by,
             agreement.provider_accepted_at, agreement.provider_signer_ip)):
        signer = name or (user.name if user else "—")
        _paragraph(pdf, _("%(party)s — signed by %(name)s, %(when)s, from %(ip)s", party=party,
                          name=signer if at else "—", when=_when(at), ip=ip or "—"))
    pdf.ln(3)
    _paragraph(pdf, _("SHA-256 of the terms: %(hash)s", hash=agreement.terms_sha256))
    return bytes(pdf.output())


def _paragraph(pdf: FPDF, line: str) -> None:
    if not line.strip():
        pdf.ln(2.5)
        return
    mode = WrapMode.CHAR if CJK.search(line) else WrapMode.WORD
    pdf.multi_cell(0, 5, line, wrapmode=mode, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
