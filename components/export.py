"""Chart exports: PNG, SVG and PDF rendered on the server by kaleido (with the system Chromium), the CSV
behind each chart, and one ZIP with everything.

Images are rendered only when a button is clicked (a deferred download), because one image costs seconds
of Chromium time, and are cached by the figure's JSON, so a second click is instant.
"""
from __future__ import annotations

import io
import os
import sys
import threading
import warnings
import zipfile
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from components import filters
from components.style import HEIGHT, WIDTH, slugify

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
SCALE = {"png": 2, "svg": 1, "pdf": 1}  # PNG at twice the slide size stays sharp on a projector
_CACHE_ENTRIES = 48
# No MathJax: charts use no LaTeX, and kaleido would otherwise load it from a CDN on every render.
KALEIDO_OPTIONS = {"mathjax": False}
# On Linux the browser kaleido starts is the one found, run as a single process (see the script).
LEAN_CHROMIUM = Path(__file__).with_name("chromium_lean.sh")

# One Chromium job at a time (two cores); re-entrant so a ZIP export holds it across its whole batch.
_render_lock = threading.RLock()
_cache: OrderedDict[tuple[str, str], bytes] = OrderedDict()


class NoBrowser(RuntimeError):
    """No Chromium to render with; the chart's own toolbar can still save a PNG."""


@lru_cache(maxsize=1)
def browser_path() -> str | None:
    """The Chromium kaleido will use (BROWSER_PATH, PATH or the usual install places), or None."""
    try:
        from choreographer.browsers.chromium import Chromium

        return Chromium.find_browser(skip_local=False)
    except Exception:  # kaleido's browser finder missing or broken: treat as no browser
        return None


def can_render() -> bool:
    return browser_path() is not None


@lru_cache(maxsize=1)
def kaleido_options() -> dict:
    """What kaleido is started with: no MathJax, and on Linux the found Chromium through LEAN_CHROMIUM."""
    found = browser_path()
    if found and sys.platform.startswith("linux") and os.access(LEAN_CHROMIUM, os.X_OK):
        os.environ["PARLEY_CHROMIUM"] = found
        return {**KALEIDO_OPTIONS, "path": str(LEAN_CHROMIUM)}
    return dict(KALEIDO_OPTIONS)


def image_bytes(fig: go.Figure, fmt: str) -> bytes:
    """The figure rendered as png, svg or pdf at slide size."""
    return render_json(fig.to_json(), fmt)


def render_json(figure_json: str, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"Unknown image format {fmt!r}; use one of {', '.join(FORMATS)}.")
    key = (figure_json, fmt)
    with _render_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        if not can_render():
            raise NoBrowser("No Chromium found on the server, so images cannot be rendered here.")
        data = _kaleido_render(figure_json, fmt)
        _cache[key] = data
        while len(_cache) > _CACHE_ENTRIES:
            _cache.popitem(last=False)
        return data


def _kaleido_render(figure_json: str, fmt: str) -> bytes:
    import kaleido

    figure = pio.from_json(figure_json).to_dict()
    options = dict(format=fmt, width=WIDTH, height=HEIGHT, scale=SCALE[fmt])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "kopts ignored" while a kaleido server is open
        return kaleido.calc_fig_sync(figure, opts=options, kopts=kaleido_options())


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…), +cmd|…, @SUM…).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula, prefixed with an apostrophe (shown as text).

    Only text columns: a negative number in a numeric column is a number, not a formula."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)):
            continue
        text = values.astype("string")
        risky = text.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
        if risky.any():
            out[column] = values.astype("object").where(~risky, "'" + text.astype("object"))
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    # utf-8-sig: Excel then opens names like "Zelenskyy’s" correctly. CRLF rows (the CSV standard's) make
    # the writer quote a cell holding a lone carriage return, which would otherwise split its row.
    return neutralise(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def file_name(name: str, filters_slug: str, ext: str) -> str:
    return f"parley-{slugify(name, 90)}-{filters_slug or 'all'}.{ext}"


Progress = Callable[[float, str], None]


def zip_bytes(
    figures: dict[str, go.Figure],
    tables: dict[str, pd.DataFrame],
    filters_slug: str = "all",
    formats: tuple[str, ...] = ("png", "svg"),
    progress: Progress | None = None,
) -> bytes:
    """One ZIP with every figure in every format (under charts/) and every table as CSV (under tables/)."""
    report = progress or (lambda fraction, message: None)
    steps = max(len(figures) * (len(formats) if can_render() else 0) + len(tables), 1)
    done = 0
    buffer = io.BytesIO()
    notes = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if figures and not can_render():
            notes.append("No Chromium was found on the server, so this archive holds no chart images.")
        elif figures:
            with _render_lock, _kaleido_session():
                for name, fig in figures.items():
                    figure_json = fig.to_json()
                    for fmt in formats:
                        report(done / steps, f"Rendering {name} as {fmt.upper()}")
                        archive.writestr(f"charts/{file_name(name, filters_slug, fmt)}",
                                         render_json(figure_json, fmt))
                        done += 1
        for name, frame in tables.items():
            report(done / steps, f"Writing {name}.csv")
            archive.writestr(f"tables/{slugify(name, 90)}.csv", csv_bytes(frame))
            done += 1
        if notes:
            archive.writestr("README.txt", "\n".join(notes) + "\n")
    report(1.0, "Archive ready")
    return buffer.getvalue()


class _kaleido_session:
    """Keep one Chromium open while rendering many images (0.3 s each instead of about 4 s), then close it
    so it holds no memory between exports."""

    def __enter__(self):
        import kaleido

        self._kaleido = kaleido
        try:
            kaleido.start_sync_server(silence_warnings=True, **kaleido_options())
            self._started = True
        except Exception:  # a server we cannot start: fall back to one browser per image
            self._started = False
        return self

    def __exit__(self, *exc):
        if self._started:
            self._kaleido.stop_sync_server(silence_warnings=True)
        return False


def toolbar_config(name: str) -> dict:
    """`st.plotly_chart(config=...)`: the toolbar's camera saves the same slide-sized PNG as the server
    export, which is what remains when the server has no Chromium."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": f"parley-{slugify(name, 90)}",
                                 "width": WIDTH, "height": HEIGHT, "scale": 2},
    }


def show_chart(fig: go.Figure, name: str, frame: pd.DataFrame, key: str, select: tuple[str, ...] = ("points",)):
    """A chart on its page as it will be exported (no Streamlit theme), its export buttons under it, and what
    the analyst selected in it (`select=()`: not selectable)."""
    if fig.layout.height is None:
        fig.update_layout(height=560)
    event = st.plotly_chart(fig, key=key, theme=None, config=toolbar_config(name),
                            on_select="rerun" if select else "ignore", selection_mode=select or ("points",))
    export_buttons(fig, name, frame, key=key)
    return event


def export_buttons(fig: go.Figure, name: str, frame: pd.DataFrame, key: str | None = None) -> None:
    """PNG, SVG, PDF and CSV download buttons under a chart, named after the chart and the filters."""
    slug = filters.slug(filters.current())
    key = key or slugify(name, 40)
    columns = st.columns(4, gap="small")
    rendering = can_render()
    help_missing = ("No Chromium on this server, so images cannot be rendered here: "
                    "use the camera icon in the chart's toolbar to save a PNG.")
    figure_json = fig.to_json()
    for column, fmt in zip(columns, FORMATS):
        column.download_button(
            fmt.upper(),
            data=(lambda f=fmt: render_json(figure_json, f)) if rendering else b"",
            file_name=file_name(name, slug, fmt), mime=FORMATS[fmt], key=f"export-{key}-{fmt}",
            on_click="ignore", disabled=not rendering, icon=":material/download:",
            help=f"Download this chart as {fmt.upper()}" if rendering else help_missing,
        )
    columns[3].download_button(
        "CSV", data=lambda: csv_bytes(frame), file_name=file_name(name, slug, "csv"), mime="text/csv",
        key=f"export-{key}-csv", on_click="ignore", icon=":material/table:",
        help="Download the numbers behind this chart",
    )
    if not rendering:
        st.caption(help_missing)
