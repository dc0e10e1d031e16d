"""How every chart looks: party and claim colours from config/colors.yaml, titles, labels and a footer
that says what corpus, filters and dates a chart shows, so a pasted image stands on its own.

No Streamlit here: the chart builders and the exporters use it alike.
"""
from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pandas as pd
import plotly.graph_objects as go
import yaml

COLORS_FILE = Path(__file__).resolve().parent.parent / "config" / "colors.yaml"
NO_DATA = "No data for these filters"
FONT = "Arial, Helvetica, sans-serif"  # present on every machine kaleido renders on
# A 16:9 canvas the size of a slide; exports use it too, so what you see is what you paste.
WIDTH, HEIGHT = 1200, 675
FOOTER_CHARS = 90  # a longer footer goes on two lines


@lru_cache(maxsize=1)
def palette() -> dict:
    with open(COLORS_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def party_color(party: str | None) -> str:
    """The party's colour from config, or a fallback colour fixed by the name (same on every chart and run)."""
    colours = palette()
    named = colours.get("parties", {})
    name = (party or "").strip() or "Unknown"
    if name in named:
        return named[name]
    fallback = colours.get("fallback") or ["#636EFA"]
    # crc32, not hash(): Python salts str hashes per process, and a link opened tomorrow must look the same.
    return fallback[zlib.crc32(name.encode("utf-8")) % len(fallback)]


def claim_color(claim: str | None) -> str:
    colours = palette()
    return colours.get("claims", {}).get((claim or "").strip(), colours.get("claim_fallback", "#7F8C8D"))


def label_color(label: str | None) -> str:
    """Colour of a stance or sentiment label (favor/against/none, positive/neutral/negative)."""
    return palette().get("labels", {}).get((label or "").strip(), "#BDBDBD")


READABILITY_DEFAULTS = {"matrix_parties": 10, "matrix_min_n": 5, "matrix_full_n": 30, "trend_min_n": 3,
                        "panels": 9, "findings_min_n": 5}


def readability(name: str) -> int:
    """A display threshold from the `readability` section of config/colors.yaml (see there)."""
    value = (palette().get("readability") or {}).get(name, READABILITY_DEFAULTS[name])
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        raise ValueError(f"{COLORS_FILE.name}: readability.{name} must be a whole number, not {value!r}") from None


def hex_rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def rgba(colour: str, alpha: float) -> str:
    r, g, b = hex_rgb(colour)
    return f"rgba({r},{g},{b},{alpha:.2f})"


def scale_color(scale: list[list], value: float) -> str:
    """The colour at `value` (0–1) of a plotly-style [[position, "#hex"], …] scale, as #hex."""
    value = min(max(float(value), 0.0), 1.0)
    for (low, left), (high, right) in zip(scale, scale[1:]):
        if value <= high:
            t = 0.0 if high == low else (value - low) / (high - low)
            a, b = hex_rgb(left), hex_rgb(right)
            return "#" + "".join(f"{round(x + (y - x) * t):02X}" for x, y in zip(a, b))
    return scale[-1][1]


def ink_on(fill: str, alpha: float = 1.0) -> str:
    """Dark or white text, whichever reads on this fill (blended with white at `alpha`)."""
    r, g, b = (255 - (255 - c) * alpha for c in hex_rgb(fill))
    luminance = 0.299 * r + 0.587 * g + 0.114 * b
    return "#FFFFFF" if luminance < 140 else "#222222"


@dataclass(frozen=True)
class Caption:
    """What an exported chart must say about its data: corpus, filters and date range."""

    corpus: str = ""
    filters: str = ""
    dates: str = ""

    def line(self) -> str:
        parts = [p for p in (self.corpus, self.filters, self.dates) if p]
        return " · ".join(parts)


def describe_filters(filters) -> str:
    """One line for any object with the Filters attributes (parties, speakers, targets, claim_types)."""
    parts = []
    for label, attr in (("Parties", "parties"), ("Speakers", "speakers"), ("Targets", "targets"),
                        ("Claims", "claim_types")):
        values = list(getattr(filters, attr, None) or [])
        if values:
            shown = ", ".join(values[:4]) + (f" +{len(values) - 4}" if len(values) > 4 else "")
            parts.append(f"{label}: {shown}")
    return "; ".join(parts) if parts else "All parties, speakers and targets"


def date_span(dates: Iterable, date_from: dt.date | None = None, date_to: dt.date | None = None) -> str:
    """'Dates: first – last' of the data shown, narrowed by the chosen range."""
    when = pd.to_datetime(pd.Series(list(dates), dtype="object"), errors="coerce").dropna()
    low = date_from or (when.min().date() if len(when) else None)
    high = date_to or (when.max().date() if len(when) else None)
    if not low and not high:
        return "Dates: undated"
    return f"Dates: {low or '…'} – {high or '…'}"


def slugify(text: str, limit: int = 60) -> str:
    keep = "".join(c.lower() if c.isalnum() else "-" for c in text)
    while "--" in keep:
        keep = keep.replace("--", "-")
    return keep.strip("-")[:limit].strip("-") or "chart"


def finish(
    fig: go.Figure,
    title: str,
    caption: Caption | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    legend_title: str | None = None,
    x_label_lines: int = 1,
) -> go.Figure:
    """Give a figure its title, axis labels, legend title and footer line, in slide-readable sizes.

    `x_label_lines`: how many lines the longest x tick label takes, so the footer clears them."""
    extra = 18 * max(x_label_lines - 1, 0)
    fig.update_layout(
        template="plotly_white",
        font=dict(family=FONT, size=15, color="#222222"),
        title=dict(text=title, x=0.01, xanchor="left", font=dict(size=22)),
        legend=dict(title=dict(text=legend_title or ""), font=dict(size=14)),
        margin=dict(l=80, r=40, t=90, b=140 + extra),
        hoverlabel=dict(font_size=14),
    )
    if x_title is not None:
        fig.update_xaxes(title_text=x_title, title_font=dict(size=16), tickfont=dict(size=14))
    if y_title is not None:
        fig.update_yaxes(title_text=y_title, title_font=dict(size=16), tickfont=dict(size=14))
    line = (caption or Caption()).line()
    if len(line) > FOOTER_CHARS:
        # Two lines rather than one cut off at the right edge of a narrow page.
        parts = [p for p in ((caption.corpus if caption else ""), " · ".join(
            p for p in ((caption.filters if caption else ""), (caption.dates if caption else "")) if p)) if p]
        line = "<br>".join(parts)
    if line:
        fig.add_annotation(
            text=line, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="top",
            yshift=-100 - extra, showarrow=False, align="left", font=dict(size=12, color="#555555"),
            name="footer",
        )
    return fig


def empty_figure(title: str, caption: Caption | None = None, message: str = NO_DATA) -> go.Figure:
    """A titled figure that says there is nothing to show, instead of an empty axis or an exception."""
    fig = go.Figure()
    fig.add_annotation(
        text=message, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
        font=dict(size=20, color="#555555"), name="no-data",
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, title, caption)


def is_empty(fig: go.Figure) -> bool:
    return any(a.name == "no-data" for a in fig.layout.annotations)


def empty_message(fig: go.Figure) -> str:
    """What an empty figure says ("No data for these filters"), for a one-line notice instead of a blank frame."""
    return next((a.text for a in fig.layout.annotations if a.name == "no-data"), NO_DATA)
