"""The seed corpus ships analysed (snapshot/), so a fresh install shows figures at once; the snapshot must be
what this release's pipeline and models make of the seed."""
from __future__ import annotations

import pandas as pd

from analysis import pipeline
from analysis.store import Store
from components import data


def test_the_snapshot_is_current():
    shipped = data.read_snapshot()
    assert shipped is not None, "snapshot/ is missing or does not match seeds/: run python scripts/seed_snapshot.py"
    frames, versions = shipped
    current = dict(zip(("pipeline", "models"), pipeline.versions(pipeline.load_scorer()[0])))
    assert versions == current, "snapshot/ is out of date: run python scripts/seed_snapshot.py"
    assert len(frames["statements"]) and len(frames["stances"]) and len(frames["sentiments"])


def test_a_snapshot_round_trips_and_is_ignored_when_the_seeds_differ(tmp_path):
    frames, versions = data.read_snapshot()
    data.write_snapshot(frames, versions, tmp_path)
    again, same = data.read_snapshot(tmp_path)
    assert same == versions
    for table, frame in frames.items():
        pd.testing.assert_frame_equal(again[table].reset_index(drop=True), frame.reset_index(drop=True))
    store = Store(tmp_path / "s.duckdb")
    store.write_batch(again, versions["pipeline"], versions["models"])
    assert len(store.read("statements")) == len(frames["statements"])
    store.close()
    other = {name: frame.assign(article_id="not-the-seed") if "article_id" in frame else frame
             for name, frame in frames.items()}
    data.write_snapshot(other, versions, tmp_path / "other")
    assert data.read_snapshot(tmp_path / "other") is None
    assert data.read_snapshot(tmp_path / "missing") is None
