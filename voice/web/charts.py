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
LINE_H = 18  # px between lines of a legend or caption


@dataclass(frozen=True)
class Series:
    """One named row of values, one per label of the chart; `css` names its colour class."""

    name: str
    values: Sequence[float]
    css: str = ""  # e.g. "outcome-voicemail"; "series-N" by position when empty


@dataclass(frozen=True)
class Segment:
    """One box of a funnel row: a stage, how many calls reached it, and its colour class."""

    name: str
    count: int
    css: str = ""


def counted(value: float, unit: str = "call") -> str:
    """Return "1 call", "2 calls", "1.2k calls": a figure with its unit, singular for one."""
    return f"{_number(value)} {unit}{'' if value == 1 else 's'}"


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


def _text_w(text: str) -> float:
    """Return about how wide a label is drawn at FONT size."""
    return len(text) * FONT * 0.56


def _fit(text: str, room: float) -> str:
    """Return `text`, cut with "…" to about `room` px wide when it is longer."""
    if _text_w(text) <= room:
        return text
    return text[: max(1, int(room / (FONT * 0.56)) - 1)].rstrip() + "…"


def _keyed_lines(texts: Sequence[str], width: float, keyed: bool) -> list[list[int]]:
    """Return which labels go on each line (by index) so that no line is wider than `width`."""
    lines: list[list[int]] = [[]]
    used = 0.0
    for i, text in enumerate(texts):
        w = _text_w(text) + (18 if keyed else 0) + 16
        if lines[-1] and used + w > width:
            lines.append([])
            used = 0.0
        lines[-1].append(i)
        used += w
    return lines


def _keys(
    parts: list[str],
    texts: Sequence[str],
    classes: Sequence[str],
    lines: list[list[int]],
    x0: float | None,
    y: float,
    width: float,
) -> None:
    """Draw labels with colour keys, line by line: from x0, or centred in `width` when None."""
    for n, line in enumerate(lines):
        widths = [_text_w(texts[i]) + (18 if classes[i] else 0) for i in line]
        x = x0 if x0 is not None else (width - sum(widths) - 16 * (len(line) - 1)) / 2
        top = y + n * LINE_H
        for i, w in zip(line, widths, strict=True):
            if classes[i]:
                parts.append(
                    f'<rect class="{classes[i]}" x="{x:.1f}" y="{top - 10}" width="12"'
                    ' height="12"/>'
                )
            left = x + (18 if classes[i] else 0)
            parts.append(
                f'<text x="{left:.1f}" y="{top}" font-size="{FONT}">{escape(texts[i])}</text>'
            )
            x += w + 16


def _css(item: Series | Segment, n: int) -> str:
    return item.css or f"series-{n}"


def stacked_series(
    title: str, labels: Sequence[str], series: Sequence[Series], unit: str = "call"
) -> Markup:
    """Return stacked areas over time (e.g. calls a day by outcome), with axes and a legend."""
    width, left, right, top, bottom = 760, 48, 12, 28, 46
    legend = _keyed_lines([s.name for s in series], width - left - right, keyed=True)
    height = 280 + (len(legend) - 1) * LINE_H
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    ticks = nice_ticks(max(totals, default=0))
    desc = f"{len(labels)} points; " + "; ".join(
        f"{s.name}: {counted(sum(s.values), unit)}" for s in series
    )
    _, parts = _open("series", title, desc, width, height)
    plot_w, plot_h = width - left - right, 280 - top - bottom
    step = plot_w / max(len(labels) - 1, 1)

    def xy(i: int, value: float) -> str:
        return f"{left + i * step:.1f},{top + plot_h - value / ticks[-1] * plot_h:.1f}"

    _y_axis(parts, ticks, left, top, plot_w, plot_h, unit + "s")
    base = [0.0] * len(labels)
    for n, s in enumerate(series):
        upper = [b + v for b, v in zip(base, s.values, strict=True)]
        edge = [xy(i, v) for i, v in enumerate(upper)]
        floor = [xy(i, v) for i, v in reversed(list(enumerate(base)))]
        label = f"{s.name}: {counted(sum(s.values), unit)}"
        parts.append(
            f'<polygon class="{_css(s, n)}" points="{" ".join(edge + floor)}"'
            f' aria-label="{escape(label)}"><title>{escape(label)}</title></polygon>'
        )
        base = upper
    _x_labels(parts, labels, left, step, top + plot_h)
    names, classes = [s.name for s in series], [_css(s, n) for n, s in enumerate(series)]
    _keys(parts, names, classes, legend, left, 280 - 6, width)
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


def bars(title: str, items: Sequence[tuple[str, float]], unit: str = "call") -> Markup:
    """Return horizontal bars, one per (label, value), longest scale first, values at the ends.

    The labels' column is as wide as the longest label needs, up to half the chart; a longer
    label is cut with "…" (its bar's title, and the table beside the chart, say it whole).
    """
    width, row = 760, 28
    longest = max((_text_w(name) for name, _ in items), default=0)
    label_w = math.ceil(min(max(longest + 16, 120), width / 2))
    height = max(len(items), 1) * row + 30
    desc = "; ".join(f"{name}: {counted(value, unit)}" for name, value in items) or "no data"
    _, parts = _open("bars", title, desc, width, height)
    ticks = nice_ticks(max((v for _, v in items), default=0))
    scale = (width - label_w - 60) / ticks[-1]
    for i, (name, value) in enumerate(items):
        y = 8 + i * row
        label = escape(f"{name}: {counted(value, unit)}")
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" font-size="{FONT}">'
            f"{escape(_fit(name, label_w - 16))}</text>"
            f'<rect class="series-0" x="{label_w}" y="{y}" width="{value * scale:.1f}"'
            f' height="{row - 8}" aria-label="{label}"><title>{label}</title></rect>'
            f'<text x="{label_w + value * scale + 6:.1f}" y="{y + 16}" font-size="{FONT}">'
            f"{_number(value)}</text>"
        )
    if not items:
        parts.append(f'<text x="{label_w}" y="22" font-size="{FONT}">No data in this range.</text>')
    return _close(parts)


def funnel(title: str, rows: Sequence[Sequence[Segment]]) -> Markup:
    """Return a funnel: each row's boxes side by side, as wide as their share of the first row.

    Boxes with no calls are left out (the table beside the chart lists every stage); each
    row's caption names its boxes, on as many lines as it takes.
    """
    width, box_h = 760, 30
    whole = max(sum(s.count for s in rows[0]), 1) if rows else 1
    rows = [[s for s in row if s.count] for row in rows]
    captions = [[f"{s.name} {s.count:,} ({s.count / whole:.0%})" for s in row] for row in rows]
    lines = [_keyed_lines(texts, width, len(texts) > 1) for texts in captions]
    heights = [box_h + 14 + len(lined) * LINE_H for lined in lines]
    desc = "; ".join(f"{s.name}: {s.count}" for row in rows for s in row)
    _, parts = _open("funnel", title, desc, width, sum(heights) + 8)
    y = 4
    for row, texts, lined, height in zip(rows, captions, lines, heights, strict=True):
        x = (width - sum(s.count for s in row) / whole * width) / 2
        classes = [_css(s, n) if len(row) > 1 else "stage" for n, s in enumerate(row)]
        for segment, css in zip(row, classes, strict=True):
            w = segment.count / whole * width
            label = escape(
                f"{segment.name}: {segment.count} ({segment.count / whole:.0%} of calls)"
            )
            parts.append(
                f'<rect class="{css}" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{box_h}"'
                f' aria-label="{label}"><title>{label}</title></rect>'
            )
            x += w
        keys = classes if len(row) > 1 else [""] * len(row)
        _keys(parts, texts, keys, lined, None, y + box_h + 18, width)
        y += height
    if not any(rows):
        parts.append(f'<text x="8" y="22" font-size="{FONT}">No calls in this range.</text>')
    return _close(parts)
