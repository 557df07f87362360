"""Static SVG charts for the site: a temporal-coverage timeline and a chart of dataset sizes.

Plain SVG text (no script, no CDN), with a <title> and <desc> so screen readers get the gist; the
same figures are in the page's table. Same input, same bytes.
"""

import math
from dataclasses import dataclass
from html import escape

ROW, LABEL_WIDTH, PLOT_WIDTH, TOP = 26, 300, 560, 40
WIDTH = LABEL_WIDTH + PLOT_WIDTH + 40
FONT = "font-family='system-ui, sans-serif' font-size='13'"


@dataclass(frozen=True)
class Span:
    """A dataset's temporal coverage, in (fractional) years; ``end`` None is open-ended."""

    label: str
    start: float
    end: float | None
    href: str = ""


@dataclass(frozen=True)
class Size:
    """A dataset's number of individuals; ``qualifier`` is '', 'more than' or 'up to'."""

    label: str
    value: int
    qualifier: str = ""
    unit: str = "individuals"
    href: str = ""


def year_of(lexical: str) -> float:
    """``2001`` → 2001.0, ``2002-10`` → 2002.75, ``2016-09-04`` → 2016.67 (start of that month)."""
    parts = lexical.split("-")
    year = int(parts[0])
    month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
    return year + (month - 1) / 12


def _frame(title: str, desc: str, height: int) -> list[str]:
    return [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {WIDTH} {height}' width='{WIDTH}' "
        f"height='{height}' role='img' aria-labelledby='title desc'>",
        f"<title id='title'>{escape(title)}</title>",
        f"<desc id='desc'>{escape(desc)}</desc>",
        f"<rect width='{WIDTH}' height='{height}' fill='#ffffff'/>",
    ]


def _label(y: float, text: str, href: str) -> str:
    text = text if len(text) <= 40 else text[:39] + "…"   # the full name is in the bar's <title>
    label = f"<text x='{LABEL_WIDTH - 8}' y='{y:.1f}' text-anchor='end' {FONT} fill='#1a1a1a'>{escape(text)}</text>"
    return f"<a href='{escape(href)}'>{label}</a>" if href else label


def timeline(spans: list[Span]) -> str:
    """Horizontal bars from start to end year; open-ended coverage runs to the axis end with an arrow."""
    spans = sorted(spans, key=lambda s: (s.start, s.label))
    height = TOP + ROW * len(spans) + 30
    desc = "; ".join(f"{s.label}: {int(s.start)}–{int(s.end) if s.end is not None else 'open'}" for s in spans)
    out = _frame("Temporal coverage of the catalogued datasets", desc or "No dataset states a temporal coverage.",
                 height)
    if not spans:
        return "\n".join(out + ["</svg>"]) + "\n"
    first = math.floor(min(s.start for s in spans) / 10) * 10
    last = math.ceil((max(max(s.start, s.end or s.start) for s in spans) + 1) / 10) * 10
    scale = PLOT_WIDTH / (last - first)

    def x(year: float) -> float:
        return LABEL_WIDTH + (year - first) * scale

    for decade in range(first, last + 1, 10):
        out.append(f"<line x1='{x(decade):.1f}' y1='{TOP - 10}' x2='{x(decade):.1f}' y2='{height - 24}' "
                   "stroke='#d0d0d0'/>")
        out.append(f"<text x='{x(decade):.1f}' y='{height - 8}' text-anchor='middle' {FONT} "
                   f"fill='#1a1a1a'>{decade}</text>")
    for i, span in enumerate(spans):
        y = TOP + i * ROW
        end = span.end if span.end is not None else last
        out.append(_label(y + 13, span.label, span.href))
        width = max(x(end) - x(span.start), 3)
        out.append(f"<rect x='{x(span.start):.1f}' y='{y + 2}' width='{width:.1f}' height='{ROW - 10}' "
                   f"fill='#1f5f99'><title>{escape(span.label)}</title></rect>")
        if span.end is None:
            tip = x(end)
            out.append(f"<path d='M{tip:.1f},{y}L{tip + 10:.1f},{y + (ROW - 6) / 2:.1f}L{tip:.1f},{y + ROW - 6}Z' "
                       "fill='#1f5f99'/>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def sizes(rows: list[Size]) -> str:
    """Horizontal bars of the number of individuals on a log scale, labelled with the figure."""
    rows = sorted(rows, key=lambda r: (-r.value, r.label))
    height = TOP + ROW * len(rows) + 30
    desc = "; ".join(f"{r.label}: {(r.qualifier + ' ') if r.qualifier else ''}{r.value:,} {r.unit}" for r in rows)
    out = _frame("Number of individuals per dataset (log scale)", desc or "No dataset states a size.", height)
    if not rows:
        return "\n".join(out + ["</svg>"]) + "\n"
    top = math.ceil(math.log10(max(r.value for r in rows) + 1))
    scale = (PLOT_WIDTH - 150) / max(top, 1)
    for power in range(0, top + 1):
        xp = LABEL_WIDTH + power * scale
        out.append(f"<line x1='{xp:.1f}' y1='{TOP - 10}' x2='{xp:.1f}' y2='{height - 24}' stroke='#d0d0d0'/>")
        out.append(f"<text x='{xp:.1f}' y='{height - 8}' text-anchor='middle' {FONT} fill='#1a1a1a'>"
                   f"{10 ** power:,}</text>")
    for i, row in enumerate(rows):
        y = TOP + i * ROW
        width = max(math.log10(max(row.value, 1)) * scale, 3)
        out.append(_label(y + 13, row.label, row.href))
        out.append(f"<rect x='{LABEL_WIDTH}' y='{y + 2}' width='{width:.1f}' height='{ROW - 10}' fill='#2e7d4f'>"
                   f"<title>{escape(row.label)}</title></rect>")
        figure = f"{(row.qualifier + ' ') if row.qualifier else ''}{row.value:,} {row.unit}"
        out.append(f"<text x='{LABEL_WIDTH + width + 6:.1f}' y='{y + 13}' {FONT} fill='#1a1a1a'>{escape(figure)}</text>")
    out.append("</svg>")
    return "\n".join(out) + "\n"
