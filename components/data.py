"""The dashboard's access to the store: one Store per process, frames cached per store generation,
running the pipeline with a progress bar, and the seed corpus as shipped analysed (snapshot/)."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import pipeline
from analysis.articles import load_paths
from analysis.pipeline import Summary
from analysis.store import Store, default_path
from analysis.tables import TABLES, conform, empty
from components.plaintext import escape


def store() -> Store:
    """The store at PARLEY_DB (or the default path), opened once per process."""
    return _open(str(default_path()))


@st.cache_resource(show_spinner=False)
def _open(path: str) -> Store:
    return Store(path)


def tables() -> dict[str, pd.DataFrame]:
    """Every contract table, re-read only after the store has been written to."""
    current = store()
    return _read_tables(current.path, current.generation)


@st.cache_data(show_spinner=False, max_entries=2)
def _read_tables(path: str, generation: int) -> dict[str, pd.DataFrame]:
    return store().tables()


ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The seed corpus as analysed when the release was made (scripts/seed_snapshot.py writes it): loading it takes
# well under a second, where analysing the seed takes 10–20 s (spaCy and both models loading).
SNAPSHOT = ROOT / "snapshot"
VERSIONS = "versions.json"


def analyse(articles: pd.DataFrame, use_models: bool = True) -> Summary | None:
    """Run the pipeline on these articles with a visible progress bar; errors are shown, not raised."""
    bar = st.progress(0.0, text="Preparing analysis…")
    try:
        summary = pipeline.analyse(articles, store(), use_models=use_models,
                                   progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message))
    except pipeline.AnalysisError as error:
        bar.empty()
        st.error(escape(f"{error}. The articles stored before it are kept."))
        return None
    bar.empty()
    for notice in summary.notices:
        st.warning(notice)
    return summary


def read_snapshot(folder: Path = SNAPSHOT) -> tuple[dict[str, pd.DataFrame], dict[str, str]] | None:
    """The shipped analysis of the seed corpus and the versions that made it, or None when there is none or
    it no longer describes the files in seeds/ (then the seed is analysed as any corpus)."""
    try:
        versions = json.loads((folder / VERSIONS).read_text(encoding="utf-8"))
        # JSON Lines, not CSV: it keeps a missing value apart from an empty string, and numbers as numbers.
        frames = {table: _read_lines(folder / f"{table}.jsonl", table) for table in TABLES}
    except (OSError, ValueError):
        return None
    seeds = load_paths([SEEDS]).articles
    if set(seeds["article_id"]) != set(frames["articles"]["article_id"]):
        return None
    return frames, versions


def _read_lines(path: Path, table: str) -> pd.DataFrame:
    if path.stat().st_size == 0:  # a table the seed has no rows for
        return empty(table)
    return conform(pd.read_json(path, lines=True, dtype=False, convert_dates=False), table)


def write_snapshot(frames: dict[str, pd.DataFrame], versions: dict[str, str], folder: Path = SNAPSHOT) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        conform(frames[table], table).to_json(folder / f"{table}.jsonl", orient="records", lines=True,
                                              force_ascii=False)
    (folder / VERSIONS).write_text(json.dumps(versions, indent=2) + "\n", encoding="utf-8")


def prepare() -> None:
    """On the first run, put the seed corpus in the store: from the shipped snapshot when it matches the
    seeds, so the first page shows figures at once; else by analysing it, with a progress bar."""
    current = store()
    if current.meta("seeded") is not None:
        return
    shipped = read_snapshot()
    if shipped is not None:
        frames, versions = shipped
        # Written under the versions that made it: refresh() re-analyses it if this release analyses differently.
        current.write_batch(frames, versions.get("pipeline", ""), versions.get("models", ""))
    else:
        notice = st.empty()
        notice.info("First run: analysing the seed corpus…")
        if analyse(load_paths([SEEDS]).articles) is None:
            notice.empty()
            return
        notice.empty()
    current.set_meta("seeded", "yes")


def refresh(keep: tuple[str, ...] = ()) -> None:
    """After the page has been drawn: re-analyse what an upgrade made stale (the shipped seed included), with
    its progress in the sidebar, then draw the page again on the new results, with the warnings in `keep`
    (this run's, which the rerun would otherwise drop)."""
    current = store()
    outdated = pipeline.stale(current)
    if not len(outdated):
        return
    with st.sidebar:
        notice = st.info(f"Parley was updated: re-analysing {len(outdated)} stored article(s); the page shows "
                         "the previous analysis meanwhile…")
        summary = analyse(outdated)
        notice.empty()
    # Rerun only when something was redone, so an article that keeps failing cannot loop the page.
    if summary is not None and summary.analysed:
        from components import notices

        for message in keep:
            notices.later(message, "warning")
        st.rerun()
