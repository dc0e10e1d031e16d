"""The Statements page on a store written here: it lists the statements with their sentence, filters them,
and a correction of an unknown speaker changes the party of every statement by that speaker."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.store import Store
from analysis.tables import conform

TEXT = ("Grain talks resumed on Monday. \"We will keep the corridor open,\" said Oksana Rudenko. "
        "The harbour master later said the port was busy. Moscow said the deal had expired.")


def corpus() -> dict[str, pd.DataFrame]:
    quote = "We will keep the corridor open"
    busy = "the port was busy"
    expired = "the deal had expired"
    spans = [(TEXT.index(t), TEXT.index(t) + len(t)) for t in (quote, busy, expired)]
    articles = conform(pd.DataFrame({
        "article_id": ["a1"], "title": ["Corridor talks"], "published": ["2023-07-17"], "source": ["Wire"],
        "url": ["https://example.org/corridor"], "text": [TEXT],
    }), "articles")
    statements = conform(pd.DataFrame({
        "statement_id": ["s1", "s2", "s3"], "article_id": ["a1"] * 3,
        "kind": ["direct", "reported", "reported"], "text": [quote, busy, expired],
        "start": [s for s, _ in spans], "end": [e for _, e in spans],
        "speaker": ["Oksana Rudenko", "", "Kremlin"], "speaker_mention": ["Oksana Rudenko", "The harbour master", "Moscow"],
        "party": ["Unknown", "Unknown", "Russia"], "cue": ["said"] * 3,
    }), "statements")
    return {"articles": articles, "statements": statements}


def statements_app():
    import runpy
    from pathlib import Path

    from components import data, filters

    filters.sidebar_filters(data.tables())
    runpy.run_path(str(Path("views") / "statements.py"))


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)  # the page is run by its path in the repo
    path = tmp_path / "parley.duckdb"
    monkeypatch.setenv("PARLEY_DB", str(path))  # before the app opens its store
    return path


def write(path: Path, frames: dict[str, pd.DataFrame] | None) -> None:
    store = Store(path)
    if frames:
        store.write_batch(frames, "test", "test")
    store.close()


def open_page() -> AppTest:
    return AppTest.from_function(statements_app, default_timeout=60).run()


def main_table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "statement" in d.value.columns)


def test_empty_store_says_where_to_add_articles(db):
    write(db, None)
    at = open_page()
    assert not at.exception
    assert any("No statements yet" in i.value and "Sources" in i.value for i in at.info)


def test_table_shows_statements_with_speaker_party_and_sentence(db):
    write(db, corpus())
    at = open_page()
    assert not at.exception
    table = main_table(at)
    assert len(table) == 3
    row = table[table["statement"] == "We will keep the corridor open"].iloc[0]
    assert row["speaker"] == "Oksana Rudenko" and row["party"] == "Unknown" and row["kind"] == "direct"
    assert row["article"] == "Corridor talks"
    assert "«We will keep the corridor open»" in row["in context"]
    assert "said Oksana Rudenko" in row["in context"]
    # a statement without a resolved speaker shows the words that named it
    assert "The harbour master" in set(table["speaker"])


def test_kind_and_text_filters(db):
    write(db, corpus())
    at = open_page()
    at.multiselect(key="kind").set_value(["direct"]).run()
    assert list(main_table(at)["statement"]) == ["We will keep the corridor open"]
    at.multiselect(key="kind").set_value(["direct", "reported", "turn"]).run()
    at.text_input(key="q").set_value("deal").run()
    assert list(main_table(at)["party"]) == ["Russia"]


def test_correction_assigns_party_and_survives_reanalysis(db):
    write(db, corpus())
    at = open_page()
    unknown = next(d.value for d in at.dataframe if "statements" in d.value.columns)
    assert set(unknown["speaker"]) == {"Oksana Rudenko", "The harbour master"}
    at.selectbox[0].set_value("Oksana Rudenko")
    at.selectbox[1].set_value("Ukraine")
    at.button[0].click().run()
    assert not at.exception
    table = main_table(at)
    assert table.loc[table["speaker"] == "Oksana Rudenko", "party"].tolist() == ["Ukraine"]
    # re-analysis rewrites the extracted rows; the correction is applied again on read
    store = Store(db)
    try:
        store.write_batch(corpus(), "test-2", "test")
        again = store.read("statements")
    finally:
        store.close()
    assert again.loc[again["speaker"] == "Oksana Rudenko", "party"].tolist() == ["Ukraine"]


def test_correction_renames_an_unresolved_speaker(db):
    write(db, corpus())
    at = open_page()
    at.selectbox[0].set_value("The harbour master")
    at.selectbox[1].set_value("Ukraine")
    at.text_input[1].set_value("Ivan Petrenko")
    at.button[0].click().run()
    assert not at.exception
    table = main_table(at)
    row = table[table["statement"] == "the port was busy"].iloc[0]
    assert row["speaker"] == "Ivan Petrenko" and row["party"] == "Ukraine"


def test_a_renamed_speaker_can_be_corrected_again(db):
    write(db, corpus())
    at = open_page()
    at.selectbox[0].set_value("The harbour master")
    at.text_input[1].set_value("Ivan Petrenko")
    at.button[0].click().run()
    at.toggle(key="all_speakers").set_value(True).run()
    at.selectbox[0].set_value("Ivan Petrenko")
    at.selectbox[1].set_value("Ukraine")
    at.button[0].click().run()
    assert not at.exception
    row = main_table(at).set_index("statement").loc["the port was busy"]
    assert row["speaker"] == "Ivan Petrenko" and row["party"] == "Ukraine"


def test_the_saved_message_is_seen_after_the_rerun(db):
    # Saving reruns the app so every table shows the correction; the message must survive that rerun.
    write(db, corpus())
    store = Store(db)
    store.set_meta("seeded", "yes")
    at = AppTest.from_file("../dashboard.py", default_timeout=120)
    at.switch_page("views/statements.py").run()
    assert not at.exception
    form = [s for s in at.selectbox if s.label in ("Speaker", "Party")]
    form[0].set_value("Oksana Rudenko")
    form[1].set_value("Ukraine")
    next(b for b in at.button if b.label == "Save correction").click().run()
    assert not at.exception
    shown = [s.value.replace("\\", "").replace("\u2060", "") for s in at.success]  # as the browser renders it
    assert any("Saved: Oksana Rudenko → Oksana Rudenko, Ukraine." in s for s in shown), shown
    at.run()
    assert not any("Saved" in s.value for s in at.success)  # once
