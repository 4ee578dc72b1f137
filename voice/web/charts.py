"""Charts drawn by the app itself as inline SVG: a stacked time series, bars and a funnel.

Each chart is an accessible image (`role="img"`, a `<title>` and a `<desc>` naming the figures);
the pages show the same numbers in a table beside it. Colours come from the stylesheet's
`.series-N` classes, so no inline style is needed under the page's Content-Security-Policy.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

_ids = itertools.count(1)
FONT = 13  # px; labels are sized against this


@dataclass(frozen=True)
class Series:
    """One named row of values, one per label of the chart."""

    name: str
    values: Sequence[float]


@dataclass(frozen=True)
class Segment:
    """One box of a funnel row: a stage and how many calls reached it."""

    name: str
    count: int


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Return round axis ticks from 0 to at least `top` (1, 2, 2.5 or 5 times a power of ten)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [round(i * step, 10) for i in range(math.ceil(top / step - 1e-9) + 1)]


def _number(value: float) -> str:
    return f"{value:g}" if value < 10_000 else f"{value / 1000:g}k"


def _open(kind: str, title: str, desc: str, width: int, height: int) -> tuple[str, list[str]]:
    """Return the chart's id and its opening tags: an image named by its title and figures."""
    cid = f"chart-{next(_ids)}"
    head = (
        f'<svg class="chart chart-{kind}" id="{cid}" role="img" viewBox="0 0 {width} {height}"'
        f' width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{cid}-t"'
        f' aria-describedby="{cid}-d"'
        f' xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{cid}-t">{escape(title)}</title><desc id="{cid}-d">{escape(desc)}</desc>'
    )
    return cid, [head]


def _close(parts: list[str]) -> Markup:
    parts.append("</svg>")
    # every piece of text above went through escape(), so the whole is safe markup
    return Markup("".join(parts))


def _legend(parts: list[str], names: Sequence[str], x: float, y: float) -> None:
    for i, name in enumerate(names):
        left = x + i * 150
        parts.append(
            f'<rect class="series-{i}" x="{left}" y="{y - 10}" width="12" height="12"/>'
            f'<text x="{left + 17}" y="{y}" font-size="{FONT}">{escape(name)}</text>'
        )


def stacked_series(
    title: str, labels: Sequence[str], series: Sequence[Series], unit: str = "calls"
) -> Markup:
    """Return stacked areas over time (e.g. calls a day by outcome), with axes and a legend."""
    width, height, left, right, top, bottom = 760, 280, 48, 12, 28, 46
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    ticks = nice_ticks(max(totals, default=0))
    desc = f"{len(labels)} points; " + "; ".join(
        f"{s.name}: {_number(sum(s.values))} {unit}" for s in series
    )
    _, parts = _open("series", title, desc, width, height)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(labels) - 1, 1)

    def xy(i: int, value: float) -> str:
        return f"{left + i * step:.1f},{top + plot_h - value / ticks[-1] * plot_h:.1f}"

    _y_axis(parts, ticks, left, top, plot_w, plot_h, unit)
    base = [0.0] * len(labels)
    for n, s in enumerate(series):
        upper = [b + v for b, v in zip(base, s.values, strict=True)]
        edge = [xy(i, v) for i, v in enumerate(upper)]
        floor = [xy(i, v) for i, v in reversed(list(enumerate(base)))]
        label = f"{s.name}: {_number(sum(s.values))} {unit}"
        parts.append(
            f'<polygon class="series-{n}" points="{" ".join(edge + floor)}"'
            f' aria-label="{escape(label)}"><title>{escape(label)}</title></polygon>'
        )
        base = upper
    _x_labels(parts, labels, left, step, top + plot_h)
    _legend(parts, [s.name for s in series], left, height - 6)
    return _close(parts)


def _y_axis(
    parts: list[str], ticks: list[float], left: int, top: int, w: float, h: float, unit: str
) -> None:
    for tick in ticks:
        y = top + h - tick / ticks[-1] * h
        parts.append(
            f'<line class="grid" x1="{left}" x2="{left + w:.1f}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end"'
            f' font-size="{FONT}">{_number(tick)}</text>'
        )
    parts.append(f'<text class="tick" x="{left}" y="{top - 10}" font-size="{FONT}">{unit}</text>')


def _x_labels(parts: list[str], labels: Sequence[str], left: int, step: float, y: float) -> None:
    every = max(1, math.ceil(len(labels) / 8))  # at most about 8 labels fit
    for i in range(0, len(labels), every):
        x = left + i * step
        parts.append(
            f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{y:.1f}" y2="{y + 4:.1f}"/>'
            f'<text class="tick" x="{x:.1f}" y="{y + 18:.1f}" text-anchor="middle"'
            f' font-size="{FONT}">{escape(labels[i])}</text>'
        )


def bars(title: str, items: Sequence[tuple[str, float]], unit: str = "calls") -> Markup:
    """Return horizontal bars, one per (label, value), longest scale first, values at the ends."""
    label_w, width, row = 230, 760, 28
    height = max(len(items), 1) * row + 30
    desc = "; ".join(f"{name}: {_number(value)} {unit}" for name, value in items) or "no data"
    _, parts = _open("bars", title, desc, width, height)
    ticks = nice_ticks(max((v for _, v in items), default=0))
    scale = (width - label_w - 60) / ticks[-1]
    for i, (name, value) in enumerate(items):
        y = 8 + i * row
        label = escape(f"{name}: {_number(value)} {unit}")
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="{FONT}">'
            f"{escape(name)}</text>"
            f'<rect class="series-0" x="{label_w}" y="{y}" width="{value * scale:.1f}"'
            f' height="{row - 8}" aria-label="{label}"><title>{label}</title></rect>'
            f'<text x="{label_w + value * scale + 6:.1f}" y="{y + 16}" font-size="{FONT}">'
            f"{_number(value)}</text>"
        )
    if not items:
        parts.append(f'<text x="{label_w}" y="22" font-size="{FONT}">No data in this range.</text>')
    return _close(parts)


def funnel(title: str, rows: Sequence[Sequence[Segment]]) -> Markup:
    """Return a funnel: each row's boxes side by side, as wide as their share of the first row."""
    width, box_h, row_h = 760, 30, 62
    height = len(rows) * row_h + 8
    whole = max(sum(s.count for s in rows[0]), 1) if rows else 1
    desc = "; ".join(f"{s.name}: {s.count}" for row in rows for s in row)
    _, parts = _open("funnel", title, desc, width, height)
    for r, row in enumerate(rows):
        x, y = (width - sum(s.count for s in row) / whole * width) / 2, 4 + r * row_h
        for n, segment in enumerate(row):
            w = segment.count / whole * width
            label = escape(
                f"{segment.name}: {segment.count} ({segment.count / whole:.0%} of calls)"
            )
            css = f"series-{n}" if len(row) > 1 else "stage"
            parts.append(
                f'<rect class="{css}" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{box_h}"'
                f' aria-label="{label}"><title>{label}</title></rect>'
            )
            x += w
        parts.append(_funnel_caption(row, whole, width, y + box_h + 18))
    return _close(parts)


def _funnel_caption(row: Sequence[Segment], whole: int, width: int, y: int) -> str:
    """Return the line under a funnel row naming each box (with its colour, if several)."""
    texts = [f"{s.name} {s.count:,} ({s.count / whole:.0%})" for s in row]
    widths = [len(t) * FONT * 0.56 + (18 if len(row) > 1 else 0) for t in texts]
    x = (width - sum(widths) - 16 * (len(row) - 1)) / 2
    out = []
    for n, (text, w) in enumerate(zip(texts, widths, strict=True)):
        if len(row) > 1:
            out.append(
                f'<rect class="series-{n}" x="{x:.1f}" y="{y - 10}" width="12" height="12"/>'
            )
            x += 18
        out.append(f'<text x="{x:.1f}" y="{y}" font-size="{FONT}">{escape(text)}</text>')
        x += w - (18 if len(row) > 1 else 0) + 16
    return "".join(out)
