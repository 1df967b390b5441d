"""Server-rendered SVG charts: horizontal bars (single, grouped or stacked) and stacked columns over time.

No JavaScript and no inline `style`: colours and sizes are SVG presentation attributes (the CSP forbids
style attributes), classes hook the stylesheet. Each chart is an accessible image (`role="img"`, a
`<title>` and a `<desc>`); the page shows the same numbers in a table next to it. Label widths are
estimated per character (CJK characters are about twice as wide as Latin ones) so Chinese labels fit,
and a label that is too long is shortened with "…" (the full text stays in a `<title>` tooltip).
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 720
FONT = 13
PALETTE = ("#0f5e4d", "#b4481b", "#1f4f8a", "#7a5200", "#5ba58c", "#a4231c", "#8f6bb8", "#5f6b76")


@dataclass
class Series:
    name: str
    values: Sequence[float]
    color: str = ""


def char_width(ch: str) -> float:
    """Approximate advance of one character, in ems (wide East Asian characters take a full em)."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch in "il.,:;'|!" or ch == " ":
        return 0.32
    return 0.72 if ch.isupper() else 0.62


def text_width(text: str, size: float = FONT) -> float:
    return sum(char_width(ch) for ch in text) * size


def fit(text: str, max_width: float, size: float = FONT) -> str:
    """`text`, shortened with "…" to fit `max_width` pixels."""
    if text_width(text, size) <= max_width + 0.5:
        return text
    out, used = "", text_width("…", size)
    for ch in text:
        used += char_width(ch) * size
        if used > max_width:
            break
        out += ch
    return out.rstrip() + "…"


def nice_ticks(maximum: float, count: int = 4) -> list[float]:
    """0 and a few round values (1, 2, 2.5 or 5 × 10ⁿ apart) covering `maximum`."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    whole = float(maximum).is_integer()  # counts: no 2.5 or 0.5 steps
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw and not (whole and (m * power) % 1))
    step = max(step, 1) if whole else step
    ticks, value = [0.0], 0.0
    while value < maximum:
        value += step
        ticks.append(round(value, 6))
    return ticks


def plain_number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


def _colors(series: Sequence[Series]) -> list[str]:
    return [s.color or PALETTE[i % len(PALETTE)] for i, s in enumerate(series)]


def _open(chart_id: str, title: str, desc: str, height: float, css: str) -> list[str]:
    return [f'<svg class="st-chart {css}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
            f'viewBox="0 0 {WIDTH} {math.ceil(height)}" width="{WIDTH}" height="{math.ceil(height)}" '
            f'preserveAspectRatio="xMinYMin meet" font-size="{FONT}" xmlns="http://www.w3.org/2000/svg">',
            f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>']


def _legend(series: Sequence[Series], colors: list[str], y: float) -> tuple[list[str], float]:
    """A wrapping legend row at `y`; returns its parts and the height it took."""
    if len(series) < 2:
        return [], 0
    parts, x, line = ['<g class="st-legend" aria-hidden="true">'], 0.0, 0
    for s, color in zip(series, colors, strict=True):
        w = 18 + text_width(s.name) + 16
        if x + w > WIDTH and x > 0:
            x, line = 0.0, line + 1
        top = y + line * 20
        parts.append(f'<rect x="{x:.1f}" y="{top:.1f}" width="12" height="12" rx="2" fill="{color}"/>'
                     f'<text x="{x + 17:.1f}" y="{top + 10.5:.1f}" fill="#44505c">{escape(s.name)}</text>')
        x += w
    parts.append("</g>")
    return parts, (line + 1) * 20 + 6


def bar_chart(*, chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series],
              stacked: bool = False, fmt: Callable[[float], str] = plain_number, empty: str = "") -> Markup:
    """Horizontal bars, one row per label; several series are drawn side by side, or stacked."""
    colors = _colors(series)
    label_w = min(max([text_width(label) for label in labels] + [40]) + 8, 240)
    value_w = max([text_width(fmt(v)) for v in _row_ends(series, stacked)] + [24]) + 10
    plot_x, plot_w = label_w + 6, WIDTH - label_w - 6 - value_w
    bar_h = 18 if stacked or len(series) == 1 else 12
    row_h = bar_h + 10 if stacked or len(series) == 1 else bar_h * len(series) + 12
    parts_legend, legend_h = _legend(series, colors, 0)
    top = legend_h + 4
    ends = _row_ends(series, stacked)
    ticks = nice_ticks(max(ends, default=0))
    scale = plot_w / ticks[-1]
    height = top + row_h * max(len(labels), 1) + 24
    parts = _open(chart_id, title, desc, height, "st-bars") + parts_legend
    parts += _grid(ticks, scale, plot_x, top, top + row_h * max(len(labels), 1), fmt)
    if not labels:
        parts.append(f'<text x="{WIDTH / 2}" y="{top + row_h / 2 + 4}" text-anchor="middle" fill="#5f6b76">'
                     f'{escape(empty)}</text>')
    for i, label in enumerate(labels):
        y = top + i * row_h + 5
        parts.append(f'<g class="st-row"><title>{escape(label)}: '
                     f'{escape(", ".join(f"{s.name} {fmt(s.values[i])}" for s in series))}</title>')
        parts.append(f'<text x="{label_w}" y="{y + (row_h - 10) / 2 + 4.5:.1f}" text-anchor="end" fill="#17212b">'
                     f'{escape(fit(label, label_w - 8))}</text>')
        x = plot_x
        for j, (s, color) in enumerate(zip(series, colors, strict=True)):
            w = max(float(s.values[i]) * scale, 0)
            by = y if stacked or len(series) == 1 else y + j * bar_h
            if w > 0:
                parts.append(f'<rect x="{x:.1f}" y="{by:.1f}" width="{w:.1f}" height="{bar_h - 2}" rx="2" '
                             f'fill="{color}"/>')
            if stacked:
                x += w
            elif len(series) > 1:
                parts.append(f'<text x="{plot_x + w + 4:.1f}" y="{by + bar_h - 3:.1f}" font-size="11" '
                             f'fill="#44505c">{escape(fmt(s.values[i]))}</text>')
        if stacked or len(series) == 1:
            total = ends[i]
            parts.append(f'<text x="{plot_x + total * scale + 5:.1f}" y="{y + bar_h - 5:.1f}" fill="#17212b" '
                         f'font-weight="600">{escape(fmt(total))}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def _row_ends(series: Sequence[Series], stacked: bool) -> list[float]:
    rows = list(zip(*[[float(v) for v in s.values] for s in series], strict=True)) if series else []
    return [sum(r) if stacked else max(r) for r in rows]


def _grid(ticks: list[float], scale: float, x0: float, y0: float, y1: float, fmt) -> list[str]:
    parts = ['<g class="st-grid" aria-hidden="true">']
    for t in ticks:
        x = x0 + t * scale
        parts.append(f'<line x1="{x:.1f}" y1="{y0:.1f}" x2="{x:.1f}" y2="{y1:.1f}" stroke="#dfe4e8"/>'
                     f'<text x="{x:.1f}" y="{y1 + 15:.1f}" text-anchor="middle" font-size="11" fill="#5f6b76">'
                     f'{escape(fmt(t))}</text>')
    parts.append("</g>")
    return parts


def column_chart(*, chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series],
                 empty: str = "", plot_height: int = 220) -> Markup:
    """Stacked columns over time (one column per label, e.g. per week), with a value axis on the left."""
    colors = _colors(series)
    parts_legend, legend_h = _legend(series, colors, 0)
    totals = _row_ends(series, stacked=True)
    ticks = nice_ticks(max(totals, default=0))
    axis_w = max(text_width(plain_number(t), 11) for t in ticks) + 10
    top, plot_x = legend_h + 8, axis_w
    plot_w = WIDTH - plot_x - 4
    slot = plot_w / max(len(labels), 1)
    col_w = max(min(slot * 0.7, 48), 1.5)
    scale = plot_height / ticks[-1]
    bottom = top + plot_height
    label_every = max(1, math.ceil((max([text_width(label, 11) for label in labels] + [0]) + 8) / slot))
    parts = _open(chart_id, title, desc, bottom + 24, "st-columns") + parts_legend
    parts.append('<g class="st-grid" aria-hidden="true">')
    for t in ticks:
        y = bottom - t * scale
        parts.append(f'<line x1="{plot_x:.1f}" y1="{y:.1f}" x2="{WIDTH - 4}" y2="{y:.1f}" stroke="#dfe4e8"/>'
                     f'<text x="{plot_x - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#5f6b76">'
                     f'{escape(plain_number(t))}</text>')
    parts.append("</g>")
    if not any(totals):
        parts.append(f'<text x="{plot_x + plot_w / 2:.1f}" y="{top + plot_height / 2:.1f}" text-anchor="middle" '
                     f'fill="#5f6b76">{escape(empty)}</text>')
    for i, label in enumerate(labels):
        cx = plot_x + slot * i + slot / 2
        parts.append(f'<g class="st-col"><title>{escape(label)}: '
                     f'{escape(", ".join(f"{s.name} {plain_number(s.values[i])}" for s in series))}</title>')
        y = bottom
        for s, color in zip(series, colors, strict=True):
            h = float(s.values[i]) * scale
            if h > 0:
                y -= h
                parts.append(f'<rect x="{cx - col_w / 2:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" '
                             f'fill="{color}"/>')
        if i % label_every == 0:
            parts.append(f'<text x="{cx:.1f}" y="{bottom + 16:.1f}" text-anchor="middle" font-size="11" '
                         f'fill="#44505c">{escape(label)}</text>')
        parts.append("</g>")
    parts.append(f'<line x1="{plot_x:.1f}" y1="{bottom:.1f}" x2="{WIDTH - 4}" y2="{bottom:.1f}" stroke="#5f6b76"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
