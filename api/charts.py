"""Server-rendered SVG charts (no JavaScript): stacked bars and lines over a few months.

Every label is escaped here, so the template may insert the returned Markup as is. Colours
are presentation attributes, not inline styles: the pages' CSP forbids inline style.
"""

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

PALETTE = (
    "#1f6f5c",
    "#d08c25",
    "#3f6fb5",
    "#b3261e",
    "#7a5aa6",
    "#4c9a2a",
    "#8c6d46",
    "#c2417d",
    "#2a8ca0",
    "#6b7280",
    "#9a9a2a",
    "#5b3e96",
    "#d95f02",
)
# Drawn small and scaled up: on a 390 px phone the chart is about as wide as its viewBox, so
# its 13-unit labels stay readable there (the page caps a chart's width on a desktop).
WIDTH, HEIGHT = 400, 250
LEFT, RIGHT, TOP, BOTTOM = 30, 8, 18, 44
FONT = 15
MAX_STEPS = 5


def _axis(value: int) -> tuple[int, int]:
    """The y axis for a count: (top, step), step 1, 2 or 5 × 10^n and at most 5 steps.

    Every chart here counts things, so the ticks are whole numbers: 0, 1, 2, 3 rather than
    the 0, 1.2, 2.5, 3.8 of a top split into fixed quarters.
    """
    magnitude = 1
    while True:
        for m in (1, 2, 5):
            step = magnitude * m
            if value <= step * MAX_STEPS:
                return max(-(-value // step), 1) * step, step
        magnitude *= 10


def _frame(
    title: str, top: int, step: int, xs: Sequence[float], labels: Sequence[str]
) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="chart" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for value in range(0, top + 1, step):
        y = TOP + plot_h - plot_h * value / top
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#d9dee3" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="{FONT}" '
            f'fill="#5d6b78" class="tick">{value}</text>'
        )
    year = ""
    for x, label in zip(xs, labels, strict=True):
        # A month ("2026-03") is its number, with the year beneath where it starts or turns.
        month, this_year = _month(label)
        out.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 24}" text-anchor="middle" font-size="{FONT}" '
            f'fill="#5d6b78">{escape(month)}</text>'
        )
        if this_year and this_year != year:
            out.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 4}" text-anchor="middle" font-size="{FONT - 2}" '
                f'fill="#5d6b78" class="year">{escape(this_year)}</text>'
            )
        year = this_year
    return out


def _month(label: str) -> tuple[str, str]:
    """("3", "2026") for "2026-03"; any other label as it is, with no year."""
    y, _, m = label.partition("-")
    if len(y) == 4 and y.isdigit() and m.isdigit():
        return str(int(m)), y
    return label, ""


def _legend(series: Sequence[str]) -> str:
    items = "".join(
        f'<li><svg viewBox="0 0 10 10" width="10" height="10" aria-hidden="true">'
        f'<rect width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/></svg> '
        f"{escape(name)}</li>"
        for i, name in enumerate(series)
    )
    return f'<ul class="legend">{items}</ul>' if items else ""


def stacked_bars(title: str, labels: Sequence[str], series: Mapping[str, Sequence[int]]) -> Markup:
    """Stacked bars: one bar per label (month), one coloured segment per series."""
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    top, step = _axis(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    bar = slot * 0.6
    xs = [LEFT + slot * (i + 0.5) for i in range(len(labels))]
    out = _frame(title, top, step, xs, labels)
    for i, x in enumerate(xs):
        base: float = TOP + plot_h
        for n, (name, values) in enumerate(series.items()):
            if not values[i]:
                continue
            h = plot_h * values[i] / top
            base -= h
            out.append(
                f'<rect x="{x - bar / 2:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(name)} {escape(labels[i])}: '
                f"{values[i]}</title></rect>"
            )
        if totals[i]:
            out.append(
                f'<text x="{x:.1f}" y="{base - 4:.1f}" text-anchor="middle" font-size="{FONT}" '
                f'fill="#1d2329">{totals[i]}</text>'
            )
    out.append("</svg>")
    return Markup("".join(out) + _legend(list(series)))


def lines(title: str, labels: Sequence[str], series: Mapping[str, Sequence[int]]) -> Markup:
    """One line per series over the labels (months), with a dot at each point."""
    top, tick = _axis(max((v for values in series.values() for v in values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    xs = [LEFT + slot * (i + 0.5) for i in range(len(labels))]
    out = _frame(title, top, tick, xs, labels)
    for n, (name, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = [(x, TOP + plot_h - plot_h * v / top) for x, v in zip(xs, values, strict=True)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for (x, y), v, label in zip(points, values, labels, strict=True):
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(name)} {escape(label)}: {v}</title></circle>"
            )
    out.append("</svg>")
    return Markup("".join(out) + _legend(list(series)))


def hbars(title: str, items: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per (label, value), e.g. open cases by state."""
    top, _step = _axis(max((v for _, v in items), default=0))
    row, label_w = 28, 150
    height = TOP + row * max(len(items), 1) + 8
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'class="chart" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    span = WIDTH - label_w - RIGHT - 40
    for i, (label, value) in enumerate(items):
        y = TOP + row * i
        w = span * value / top
        out.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="{FONT + 1}" '
            f'fill="#1d2329">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 5}" width="{w:.1f}" height="16" fill="{PALETTE[0]}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 17}" font-size="{FONT + 1}" '
            f'fill="#1d2329">{value}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))
