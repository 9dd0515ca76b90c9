"""Charts as inline SVG, drawn on the server: bars per day (stacked or not), a histogram and a
horizontal bar list.

Pure functions from numbers to markup: no JavaScript, no chart library, nothing fetched, so
they pass a ``script-src 'self'; style-src 'self'`` policy (colours are classes, styled in
``static/console/reports.css``; no ``style=`` attribute anywhere). Each chart is readable at
a glance and by a screen reader: a ``<title>`` and ``<desc>`` (``role="img"``), labelled
axes, every bar's number written beside it, and a tooltip ``<title>`` per bar.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

WIDTH = 720
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 24, 48
"""Margins (px) around the plot: room for the y axis's ticks, the x labels and the axis names."""

_ids = count(1)


@dataclass(frozen=True)
class Series:
    name: str
    """Shown in the legend and tooltips (``answered``)."""
    css: str
    """A class of ``reports.css`` giving its colour (``s-answered``)."""
    values: Sequence[float]


def nice_ceiling(value: float) -> float:
    """The axis's top: 1, 2 or 5 times a power of ten, at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover (the loop always returns)


def _number(value: float, unit: str = "") -> str:
    text = f"{value:.0f}" if float(value).is_integer() or abs(value) >= 10 else f"{value:.1f}"
    return f"{text}{unit}"


def _open(title: str, description: str, *, height: int = HEIGHT, css: str = "") -> list[str]:
    n = next(_ids)
    return [
        f'<svg class="chart {css}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="chart-{n}-t chart-{n}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-{n}-t">{escape(title)}</title>',
        f'<desc id="chart-{n}-d">{escape(description)}</desc>',
    ]


def _steps(top_value: float) -> int:
    """How many gridline steps divide the axis into round numbers (10 → 5 steps of 2)."""
    for steps in (4, 5, 2):
        if (top_value / steps).is_integer():
            return steps
    return 1


def _y_axis(top_value: float, *, unit: str, label: str) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    steps = _steps(top_value)
    parts = []
    for i in range(steps + 1):
        value = top_value * i / steps
        y = HEIGHT - BOTTOM - plot_h * i / steps
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(_number(value, unit))}</text>"
        )
    parts.append(
        f'<text class="axis-label" x="12" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {TOP + plot_h / 2:.1f})">{escape(label)}</text>'
    )
    parts.append(
        f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{HEIGHT - BOTTOM}"/>'
        f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" '
        f'y2="{HEIGHT - BOTTOM}"/>'
    )
    return parts


def _x_labels(labels: Sequence[str], slot: float, label: str) -> list[str]:
    every = max(1, math.ceil(len(labels) * 34 / (WIDTH - LEFT - RIGHT)))  # ~34 px per label
    parts = [
        f'<text class="tick" x="{LEFT + slot * (i + 0.5):.1f}" y="{HEIGHT - BOTTOM + 16}" '
        f'text-anchor="middle">{escape(text)}</text>'
        for i, text in enumerate(labels)
        if i % every == 0
    ]
    parts.append(
        f'<text class="axis-label" x="{LEFT + (WIDTH - LEFT - RIGHT) / 2:.1f}" '
        f'y="{HEIGHT - 8}" text-anchor="middle">{escape(label)}</text>'
    )
    return parts


def _legend(series: Sequence[Series]) -> list[str]:
    parts, x = [], LEFT
    for s in series:
        parts.append(
            f'<rect class="{escape(s.css)}" x="{x}" y="6" width="10" height="10"/>'
            f'<text class="legend" x="{x + 14}" y="15">{escape(s.name)}</text>'
        )
        x += 14 + 8 * len(s.name) + 18
    return parts


def stacked_bars(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    x_label: str,
    y_label: str,
    unit: str = "",
) -> Markup:
    """A bar per label, its series stacked bottom up, with each bar's total above it (and each
    part's number inside it when it is tall enough to hold one)."""
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    top_value = nice_ceiling(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(labels))
    width = max(1.0, slot * 0.7)
    summary = ", ".join(
        f"{label}: " + ", ".join(f"{_number(s.values[i], unit)} {s.name}" for s in series)
        for i, label in enumerate(labels)
    )
    parts = _open(title, f"{y_label} by {x_label}. {summary}.")
    parts += _y_axis(top_value, unit=unit, label=y_label)
    parts += _legend(series) if len(series) > 1 else []
    for i, label in enumerate(labels):
        x = LEFT + slot * i + (slot - width) / 2
        base = HEIGHT - BOTTOM
        tip = f"{label}: " + ", ".join(f"{_number(s.values[i], unit)} {s.name}" for s in series)
        parts.append(f"<g><title>{escape(tip)}</title>")
        for s in series:
            value = s.values[i]
            if value <= 0:
                continue
            h = plot_h * value / top_value
            base -= h
            parts.append(
                f'<rect class="bar {escape(s.css)}" x="{x:.1f}" y="{base:.1f}" '
                f'width="{width:.1f}" height="{h:.1f}"/>'
            )
            if len(series) > 1 and h >= 14 and width >= 18:
                middle = base + h / 2 + 4
                parts.append(
                    f'<text class="value inside" x="{x + width / 2:.1f}" y="{middle:.1f}" '
                    f'text-anchor="middle">{escape(_number(value, unit))}</text>'
                )
        if totals[i] > 0 and width >= 10:
            parts.append(
                f'<text class="value" x="{x + width / 2:.1f}" y="{base - 4:.1f}" '
                f'text-anchor="middle">{escape(_number(totals[i], unit))}</text>'
            )
        parts.append("</g>")
    parts += _x_labels(labels, slot, x_label)
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    x_label: str,
    y_label: str,
    unit: str = "",
    css: str = "s-main",
    top: float | None = None,
) -> Markup:
    """One bar per label; a missing value (None: nothing to measure that day) is written as
    "–" rather than drawn as a zero, which would say something false."""
    top_value = top if top is not None else nice_ceiling(max((v or 0 for v in values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(labels))
    width = max(1.0, slot * 0.7)
    summary = ", ".join(
        f"{label}: {'no data' if v is None else _number(v, unit)}"
        for label, v in zip(labels, values, strict=True)
    )
    parts = _open(title, f"{y_label} by {x_label}. {summary}.")
    parts += _y_axis(top_value, unit=unit, label=y_label)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + slot * i + (slot - width) / 2
        text = "–" if value is None else _number(value, unit)
        parts.append(f"<g><title>{escape(f'{label}: {text}')}</title>")
        h = 0.0 if value is None else plot_h * min(value, top_value) / top_value
        y = HEIGHT - BOTTOM - h
        if h > 0:
            parts.append(
                f'<rect class="bar {escape(css)}" x="{x:.1f}" y="{y:.1f}" '
                f'width="{width:.1f}" height="{h:.1f}"/>'
            )
        if width >= 10:
            parts.append(
                f'<text class="value" x="{x + width / 2:.1f}" y="{y - 4:.1f}" '
                f'text-anchor="middle">{escape(text)}</text>'
            )
        parts.append("</g>")
    parts += _x_labels(labels, slot, x_label)
    parts.append("</svg>")
    return Markup("".join(parts))


def histogram(
    buckets: Sequence[tuple[str, int]], *, title: str, x_label: str, y_label: str
) -> Markup:
    """Counts per bucket, bars touching (a distribution, not separate days)."""
    labels = [label for label, _ in buckets]
    values = [n for _, n in buckets]
    top_value = nice_ceiling(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(labels))
    summary = ", ".join(f"{label}: {n}" for label, n in buckets)
    parts = _open(title, f"{y_label} by {x_label}. {summary}.")
    parts += _y_axis(top_value, unit="", label=y_label)
    for i, (label, n) in enumerate(buckets):
        x = LEFT + slot * i
        h = plot_h * n / top_value
        y = HEIGHT - BOTTOM - h
        parts.append(f"<g><title>{escape(f'{label}: {n}')}</title>")
        if n > 0:
            parts.append(
                f'<rect class="bar s-abandoned" x="{x + 1:.1f}" y="{y:.1f}" '
                f'width="{slot - 2:.1f}" height="{h:.1f}"/>'
            )
        parts.append(
            f'<text class="value" x="{x + slot / 2:.1f}" y="{y - 4:.1f}" '
            f'text-anchor="middle">{n}</text></g>'
        )
    parts += _x_labels(labels, slot, x_label)
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_list(items: Sequence[tuple[str, float]], *, title: str, unit: str = "calls") -> Markup:
    """Horizontal bars, a labelled row each, longest first as given, its number at its end:
    for ranked lists (top reasons) whose labels are too long for an x axis."""
    row, label_w, number_w = 24, 230, 70
    height = TOP + row * max(1, len(items)) + 8
    top_value = max((v for _, v in items), default=0) or 1
    bar_space = WIDTH - label_w - number_w - RIGHT
    summary = "; ".join(f"{label}: {_number(v)} {unit}" for label, v in items) or "nothing"
    parts = _open(title, f"{title}. {summary}.", height=height, css="chart-list")
    if not items:
        parts.append(f'<text class="muted-text" x="{LEFT}" y="{TOP + 14}">Nothing yet.</text>')
    for i, (label, value) in enumerate(items):
        y = TOP + row * i
        shown = label if len(label) <= 34 else label[:33] + "…"
        w = bar_space * value / top_value
        parts.append(
            f"<g><title>{escape(f'{label}: {_number(value)} {unit}')}</title>"
            f'<text class="tick" x="{label_w - 8}" y="{y + 15}" text-anchor="end">'
            f"{escape(shown)}</text>"
            f'<rect class="bar s-main" x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" '
            f'height="{row - 8}"/>'
            f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 15}">'
            f"{escape(_number(value))}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
