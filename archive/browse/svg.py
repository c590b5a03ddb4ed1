"""Bar charts as inline SVG, drawn on the server: no script, no network, readable at any width."""
from __future__ import annotations

import math

from markupsafe import Markup, escape

PALETTE = ("#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5", "#9c6b4e", "#9498a0")
WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 40, 40  # margins: axis labels left and below, legend above


def nice_max(value: float) -> float:
    """The axis end: 1, 2, 2.5 or 5 times a power of ten, at or above the largest bar."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value)


def _fmt(v: float) -> str:
    return f"{v:g}"


def bars(categories: list, series: list[tuple[str, list]], *, stacked: bool = False, percent: bool = False,
         title: str = "", width: int = WIDTH, height: int = HEIGHT, colors: tuple = PALETTE) -> Markup:
    """Grouped (or stacked) bars per category; a None value draws no bar (blank is not zero).
    `percent`: each stack scaled to 100 %."""
    n_cat, n_ser = len(categories), len(series)
    totals = [sum(s[1][i] or 0 for s in series) for i in range(n_cat)]
    if percent:
        series = [(name, [None if v is None or not totals[i] else 100 * v / totals[i] for i, v in enumerate(vals)])
                  for name, vals in series]
    top = 100 if percent else nice_max(max(
        (sum(s[1][i] or 0 for s in series) if stacked else max((s[1][i] or 0 for s in series), default=0))
        for i in range(n_cat)) if n_cat else 0)
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    band = plot_w / max(n_cat, 1)
    bar_w = band * 0.7 / (1 if stacked else max(n_ser, 1))
    y = lambda v: TOP + plot_h - plot_h * v / top  # noqa: E731
    out = [f'<svg class="ga-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" font-size="12" font-family="sans-serif">']
    for k in range(5):  # grid lines and y labels
        v = top * k / 4
        out.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
                   f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="#444">{_fmt(v)}{"%" if percent else ""}</text>')
    for i, cat in enumerate(categories):
        x0 = LEFT + band * i + band * 0.15
        base = 0.0
        for j, (name, vals) in enumerate(series):
            v = vals[i]
            if v is None:
                continue
            x = x0 if stacked else x0 + bar_w * j
            lo, hi = (base, base + v) if stacked else (0, v)
            tip = f"{cat} {name}: {_fmt(round(v, 1)) + '%' if percent else _fmt(v)}"
            out.append(f'<rect x="{x:.1f}" y="{y(hi):.1f}" width="{bar_w:.1f}" height="{max(y(lo) - y(hi), 0):.1f}" '
                       f'fill="{colors[j % len(colors)]}"><title>{escape(tip)}</title></rect>')
            if not stacked and not percent:
                out.append(f'<text x="{x + bar_w / 2:.1f}" y="{y(hi) - 3:.1f}" text-anchor="middle" fill="#222">{_fmt(v)}</text>')
            base += v if stacked else 0
        out.append(f'<text x="{LEFT + band * (i + 0.5):.1f}" y="{height - BOTTOM + 16}" text-anchor="middle" fill="#222">'
                   f'{escape(str(cat))}</text>')
    x = LEFT
    for j, (name, _) in enumerate(series):  # legend
        out.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{colors[j % len(colors)]}"/>'
                   f'<text x="{x + 16}" y="18" fill="#222">{escape(name)}</text>')
        x += 28 + 13 * len(name)
    out.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#444"/></svg>')
    return Markup("".join(out))
