"""The deck renderer's child process: `python -P deck_render.py PDF FOLDER WIDTH MAX_PIXELS MEMORY_MB [NICE [SHARE]]`.

It runs apart from the serving process (started by `decks.DeckRenderer`, which kills it past the time cap),
as a script rather than with `-m` so that it imports only pypdfium2 and Pillow, never the app. It writes
`page-N.png` into FOLDER and prints one JSON line per page (`{"number", "width", "height"}`); on failure it
prints `{"error": CODE}` and exits 2.
Each page is scaled to WIDTH pixels wide, or less so that width × height stays within MAX_PIXELS (a tall
page is scaled down rather than rendered as a 1280 × 40,000 strip).
SHARE (0 < SHARE ≤ 1, default 1) is the part of one core it may use: after each page it rests in proportion to the
CPU the page took, so that a deck rendering beside a serving process leaves the cores to it.
"""
from __future__ import annotations

import json
import math
import os
import sys
import time
from pathlib import Path

MAX_SCALE = 4.0  # a tiny page is not blown up past 4× (288 dpi)
EXIT_FAILED = 2


def page_scale(width_pt: float, height_pt: float, *, target_width: int, max_pixels: int) -> float:
    """The scale (pixels per point) for a page: `target_width` wide, at most `max_pixels` in all, at most 4×."""
    width_pt, height_pt = max(width_pt, 1.0), max(height_pt, 1.0)
    scale = min(target_width / width_pt, MAX_SCALE)
    if math.ceil(width_pt * scale) * math.ceil(height_pt * scale) > max_pixels:
        scale = math.sqrt(max_pixels / (width_pt * height_pt))
        while math.ceil(width_pt * scale) * math.ceil(height_pt * scale) > max_pixels:  # pdfium rounds up
            scale *= 0.999
    return scale


def render(pdf_path: str, folder: str, *, target_width: int, max_pixels: int, share: float = 1.0) -> None:
    """Render every page of `pdf_path` into `folder`, printing one JSON line per page, using at most `share` of
    a core."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_path)
    try:
        for index in range(len(pdf)):
            started = time.process_time()
            page = pdf[index]
            try:
                scale = page_scale(page.get_width(), page.get_height(), target_width=target_width,
                                   max_pixels=max_pixels)
                image = page.render(scale=scale).to_pil()
            finally:
                page.close()
            image.save(Path(folder) / f"page-{index + 1}.png", "PNG")
            print(json.dumps({"number": index + 1, "width": image.width, "height": image.height}), flush=True)
            if share < 1.0:
                time.sleep((time.process_time() - started) * (1 / share - 1))
    finally:
        pdf.close()


def _limit_memory(megabytes: int) -> None:
    if megabytes > 0:
        import resource
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(argv: list[str]) -> int:
    pdf_path, folder, width, max_pixels, memory_mb = argv[:5]
    nice = argv[5] if len(argv) > 5 else "10"
    share = min(1.0, max(0.05, float(argv[6]))) if len(argv) > 6 else 1.0
    os.nice(int(nice))  # beside a serving process: it comes first on the shared cores
    import PIL.Image  # noqa: F401  (loaded before the memory cap, which is for pages, not code)
    import pypdfium2  # noqa: F401
    _limit_memory(int(memory_mb))
    try:
        render(pdf_path, folder, target_width=int(width), max_pixels=int(max_pixels), share=share)
    except MemoryError:
        print(json.dumps({"error": "too_large"}), flush=True)
        return EXIT_FAILED
    except Exception as error:  # pypdfium2 raises PdfiumError, Pillow OSError...: the file cannot be rendered
        print(json.dumps({"error": "unreadable", "detail": repr(error)[:300]}), flush=True)
        return EXIT_FAILED
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
