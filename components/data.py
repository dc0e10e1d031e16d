"""The dashboard's access to the store: one Store per process, frames cached per store generation,
and running the pipeline with a progress bar."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from analysis import pipeline
from analysis.articles import load_paths
from analysis.pipeline import Summary
from analysis.store import Store, default_path


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


SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def analyse(articles: pd.DataFrame, use_models: bool = True) -> Summary | None:
    """Run the pipeline on these articles with a visible progress bar; errors are shown, not raised."""
    bar = st.progress(0.0, text="Preparing analysis…")
    try:
        summary = pipeline.analyse(articles, store(), use_models=use_models,
                                   progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message))
    except pipeline.AnalysisError as error:
        bar.empty()
        st.error(f"{error}. Nothing of that batch was saved; the articles loaded before it are kept.")
        return None
    bar.empty()
    for notice in summary.notices:
        st.warning(notice)
    return summary


def prepare() -> None:
    """On the first run, load and analyse the seed corpus; after an upgrade, re-analyse what is stale."""
    current = store()
    notice = st.empty()
    if current.meta("seeded") is None:
        notice.info("First run: analysing the seed corpus…")
        if analyse(load_paths([SEEDS]).articles) is not None:
            current.set_meta("seeded", "yes")
    elif len(outdated := pipeline.stale(current)):
        notice.info(f"Parley was updated: re-analysing {len(outdated)} stored article(s)…")
        analyse(outdated)
    notice.empty()
