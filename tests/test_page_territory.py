"""The Territory page, run alone under AppTest on a temporary store holding rows written here."""
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.store import Store
from components.filters import Filters

PAGE = str(Path(__file__).resolve().parent.parent / "views" / "territory.py")


@pytest.fixture
def app(tmp_path, monkeypatch):
    path = tmp_path / "parley.duckdb"
    store = Store(path)
    articles = pd.DataFrame({
        "article_id": ["a1", "a2"], "title": ["Kharkiv push", "Lyman falls"], "published": ["2022-09-12", "2022-05-27"],
        "source": ["Wire", "Wire"], "url": ["https://example.org/kharkiv", "https://example.org/lyman"],
        "author": ["", ""], "text": ["…", "…"], "origin": ["test", "test"], "unplaced_claims": [2, 3],
    })
    claims = pd.DataFrame([
        dict(claim_id="c1", article_id="a1", statement_id="", party="Ukraine", claim="reclaimed", place="Izium",
             place_type="town", lat=49.207, lon=37.277, area_km2=None, date="2022-09-10",
             evidence="Ukrainian forces liberated Izium.", start=0, end=10),
        dict(claim_id="c2", article_id="a1", statement_id="", party="Ukraine", claim="reclaimed", place="",
             place_type="", lat=None, lon=None, area_km2=4000.0, date="2022-09-12",
             evidence="More than 4000 square kilometres have been reclaimed by Ukraine.", start=11, end=20),
        dict(claim_id="c3", article_id="a2", statement_id="", party="Russia", claim="captured", place="Izium",
             place_type="town", lat=49.207, lon=37.277, area_km2=None, date="2022-04-01",
             evidence="Russian troops captured Izium.", start=0, end=10),
    ])
    store.write_batch({"articles": articles, "claims": claims}, "test", "")
    store.close()
    monkeypatch.setenv("PARLEY_DB", str(path))
    at = AppTest.from_file(PAGE, default_timeout=120)
    # The process-wide store and table cache must not come from another test's database.
    at.run()
    return at


def _frames(at):
    return [e.value for e in at.dataframe]


def test_page_shows_map_timeline_area_and_tables(app):
    assert not app.exception, app.exception
    assert len(app.get("plotly_chart")) == 3
    claims = next(f for f in _frames(app) if "evidence" in f.columns)
    assert set(claims["article"]) == {"Kharkiv push", "Lyman falls"}
    assert "https://example.org/lyman" in set(claims["source"])
    # The claim with no place is not in the table or on the map (its area is in the claimed-area chart).
    assert set(claims["where"]) == {"Izium"}
    assert any("5 claim mentions in these articles name no place Parley can locate (not shown)" in c.value
               for c in app.caption)


def test_the_note_counts_only_the_articles_the_date_filter_keeps(app):
    app.session_state["filters"] = Filters(date_from=dt.date(2022, 9, 1))
    app.run()
    assert not app.exception, app.exception
    # only a1 (2022-09-12) and its 2 mentions; its claim without a place carries an area, so it is in the
    # claimed-area chart and not counted
    assert any("2 claim mentions in these articles name no place" in c.value for c in app.caption)
    app.session_state["filters"] = Filters(date_from=dt.date(2022, 10, 1))
    app.run()
    assert not any("no place Parley can locate" in c.value for c in app.caption)


def test_contested_places_show_both_sides(app):
    conflicts = next(f for f in _frames(app) if "evidence_a" in f.columns)
    assert conflicts["place"].tolist() == ["Izium"]
    row = conflicts.iloc[0]
    assert {row["party_a"], row["party_b"]} == {"Russia", "Ukraine"}
    assert {row["article_a"], row["article_b"]} == {"Kharkiv push", "Lyman falls"}


def test_empty_store_gives_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_DB", str(tmp_path / "empty.duckdb"))
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert any("No territorial claims yet" in i.value for i in at.info)


def test_claims_without_places_are_counted_not_shown(tmp_path, monkeypatch):
    path = tmp_path / "undated.duckdb"
    store = Store(path)
    articles = pd.DataFrame({"article_id": ["a1"], "title": ["Decree"], "published": [""], "source": [""],
                             "url": [""], "author": [""], "text": ["…"], "origin": ["test"]})
    claims = pd.DataFrame([dict(claim_id="c1", article_id="a1", statement_id="s1", party="Russia", claim="annexed",
                                place="", place_type="", date="", evidence="Four territories were now part of Russia.",
                                start=0, end=10)])
    store.write_batch({"articles": articles, "claims": claims}, "test", "")
    store.close()
    monkeypatch.setenv("PARLEY_DB", str(path))
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert not any("evidence" in f.value.columns for f in at.dataframe)  # no claim on a located place
    assert any("1 claim mention in these articles names no place Parley can locate" in c.value for c in at.caption)
