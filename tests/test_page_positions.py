"""The Positions page on a store written here: filters from the URL shape every chart, the chosen target and
party show their statements, clicks resolve to the right evidence, and missing model scores say so."""
from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

from analysis.store import Store
from analysis.tables import conform
from components import charts, evidence

TEXT = ("Talks in Istanbul. The minister said the talks were over. \"We will never negotiate with him,\" "
        "Zelenskyy said on Friday. Putin said Russia was open to talks. Later news.")


def corpus(with_scores: bool = True) -> dict[str, pd.DataFrame]:
    quote = "We will never negotiate with him,"
    open_to = "Russia was open to talks"
    articles = conform(pd.DataFrame({
        "article_id": ["a1", "a2"], "title": ["Decree on talks", "Second day"],
        "published": ["2022-10-04", "2022-10-05"], "source": ["Wire", "Daily"],
        "url": ["https://example.org/decree", "https://example.org/second"], "text": [TEXT, TEXT],
    }), "articles")
    statements = conform(pd.DataFrame({
        "statement_id": ["s1", "s2", "s3"], "article_id": ["a1", "a1", "a2"],
        "kind": ["direct", "reported", "reported"], "text": [quote, open_to, open_to],
        "start": [TEXT.index(quote), TEXT.index(open_to), TEXT.index(open_to)],
        "end": [TEXT.index(quote) + len(quote)] + [TEXT.index(open_to) + len(open_to)] * 2,
        "speaker": ["Volodymyr Zelenskyy", "Vladimir Putin", "Vladimir Putin"],
        "speaker_mention": ["Zelenskyy", "Putin", "Putin"], "party": ["Ukraine", "Russia", "Russia"],
        "cue": ["said"] * 3,
    }), "statements")
    frames = {"articles": articles, "statements": statements}
    if with_scores:
        frames["stances"] = conform(pd.DataFrame({
            "statement_id": ["s1", "s2", "s3", "s1", "s2"],
            "target": ["peace negotiations"] * 3 + ["Russia", "Russia"],
            "label": ["against", "favor", "favor", "against", "favor"], "score": [0.9, 0.7, 0.6, 0.8, 0.5],
            "model": ["stance@1"] * 5}), "stances")
        frames["sentiments"] = conform(pd.DataFrame({
            "statement_id": ["s1", "s2", "s3"], "label": ["negative", "neutral", "positive"],
            "score": [0.9, 0.8, 0.7], "model": ["sentiment@1"] * 3}), "sentiments")
    return frames


def positions_app():
    import runpy
    from pathlib import Path

    from components import data, filters

    filters.sidebar_filters(data.tables())  # what dashboard.py does before running the page
    page = Path("views") / "positions.py"
    runpy.run_path(str(page))


@pytest.fixture
def store_with(tmp_path, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)  # the page is run by its path in the repo
    def make(frames: dict[str, pd.DataFrame] | None) -> None:
        path = tmp_path / "parley.duckdb"
        monkeypatch.setenv("PARLEY_DB", str(path))
        store = Store(path)
        if frames:
            store.write_batch(frames, "test", "test")
        store.close()
    return make


def open_page(params: dict | None = None) -> AppTest:
    at = AppTest.from_function(positions_app, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def numbers(values) -> list:
    """Plotly sends numeric arrays as base64 typed arrays; decode them."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def figures(at: AppTest) -> list[go.Figure]:
    # Through plotly, which decodes the typed arrays the spec holds numbers in.
    return [pio.from_json(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_link_with_party_and_target_reproduces_the_view(store_with, monkeypatch):
    store_with(corpus())
    at = open_page({"party": "Russia", "focus": "peace negotiations"})
    assert not at.exception, at.exception
    assert [h.value for h in at.header][:3] == ["Stance by party and target", "Tone by party and speaker", "Over time"]
    specs = figures(at)
    assert len(specs) == 5
    matrix = specs[0].data[0]
    assert set(matrix.y) == {"Russia"} and [cell[1] for cell in matrix.customdata] == ["Russia", "peace negotiations"]
    assert any("Parties: Russia" in (a.text or "") for a in specs[0].layout.annotations)
    shift = specs[4]
    assert shift.layout.title.text == "Stance toward peace negotiations over time"
    assert {t.name.split(":")[0] for t in shift.data} == {"Russia"}
    target = next(s for s in at.selectbox if s.key == "focus")
    assert target.value == "peace negotiations"
    # Without a click, the chosen target's statements are listed, from the filtered party only.
    assert at.subheader[-1].value == "Statements on peace negotiations"
    rows = at.dataframe[-1].value
    assert set(rows["speaker"]) == {"Vladimir Putin"} and len(rows) == 2
    assert set(rows["url"]) == {"https://example.org/decree", "https://example.org/second"}
    assert "«Russia was open to talks»" in rows["in context"].iloc[0]
    assert "focus=peace+negotiations" in at.code[-1].value and "party=Russia" in at.code[-1].value
    # Every chart has its export buttons.
    assert len(at.get("download_button")) == 5 * 4


def test_choosing_a_party_narrows_the_trend_and_the_evidence(store_with, monkeypatch):
    store_with(corpus())
    at = open_page({"focus": "peace negotiations"})
    next(s for s in at.selectbox if s.key == "focus_party").set_value("Ukraine").run()
    assert not at.exception
    assert at.subheader[-1].value == "Statements on peace negotiations by Ukraine"
    rows = at.dataframe[-1].value
    assert list(rows["speaker"]) == ["Volodymyr Zelenskyy"]
    assert rows["stance"].iloc[0] == "against peace negotiations (0.9)"
    assert "focus_party=Ukraine" in at.code[-1].value


def test_without_model_scores_the_page_says_so(store_with, monkeypatch):
    store_with(corpus(with_scores=False))
    at = open_page()
    assert not at.exception
    assert "no model has scored them yet" in at.warning[0].value
    specs = figures(at)
    # No invented numbers: the stance and tone charts are one line each, no empty frame; the volume chart counts.
    said = [c.value for c in at.caption]
    for title in ("Stance by party and target", "Tone of statements by party",
                  "Tone of statements by speaker (top 15 by statements)"):
        assert f"{title}: No data for these filters." in said
    assert len(specs) == 1
    assert sum(sum(numbers(t.y)) for t in specs[0].data) == 3
    assert {t.name for t in specs[0].data} == {"Russia", "Ukraine"}


def test_empty_store_points_to_sources(store_with, monkeypatch):
    store_with(None)
    at = open_page()
    assert not at.exception
    assert "No statements yet" in at.info[0].value
    assert not at.get("plotly_chart")


# -- the evidence behind a click ---------------------------------------------------------------
def test_clicked_matrix_cell_finds_its_statements():
    t = {**corpus(), "claims": conform(pd.DataFrame(), "claims")}
    fig = charts.stance_matrix(t["stances"], t["statements"])
    # What the browser sends for a click on a cell's number (no customdata sent).
    cells = [tuple(c[:2]) for c in fig.data[0].customdata]
    points = [{"curve_number": 0, "point_index": cells.index(("Russia", "peace negotiations"))}]
    filled = evidence.fill_customdata(fig, points)
    wanted = evidence.criteria(fig.layout.meta, filled)
    assert wanted == [{"party": "Russia", "target": "peace negotiations"}]
    rows = evidence.statements_behind(wanted, t, t["statements"])
    assert list(rows["statement_id"]) == ["s2", "s3"]
    assert list(rows["stance"]) == ["favor peace negotiations (0.7)", "favor peace negotiations (0.6)"]
    assert list(rows["tone"]) == ["neutral (0.8)", "positive (0.7)"]
    assert list(rows["article"]) == ["Decree on talks", "Second day"]


def test_clicked_folded_row_finds_the_statements_of_the_folded_parties():
    t = {**corpus(), "claims": conform(pd.DataFrame(), "claims")}
    t["statements"].loc[t["statements"]["statement_id"] == "s3", "party"] = "Belarus"
    fig = charts.stance_matrix(t["stances"], t["statements"], top=1, min_n=1)
    assert fig.layout.meta["folded"] == ["Russia", "Ukraine"]  # one statement each; Belarus first by name
    cells = [tuple(c[:2]) for c in fig.data[0].customdata]
    points = [{"curve_number": 0, "point_index": cells.index(("2 less quoted parties", "peace negotiations"))}]
    wanted = evidence.criteria(fig.layout.meta, evidence.fill_customdata(fig, points))
    assert wanted == [{"party": "2 less quoted parties", "target": "peace negotiations"}]
    rows = evidence.statements_behind(wanted, t, t["statements"], groups=fig.layout.meta["groups"])
    assert sorted(rows["statement_id"]) == ["s1", "s2"]
    assert evidence.statements_behind(wanted, t, t["statements"]).empty  # (what a click found before)


def test_statements_taking_a_side_come_first():
    t = corpus()
    t["stances"] = conform(pd.DataFrame({
        "statement_id": ["s1", "s2", "s3"], "target": ["Russia"] * 3,
        "label": ["none", "favor", "against"], "score": [0.99, 0.5, 0.9]}), "stances")
    rows = evidence.statements_behind([{"target": "Russia"}], t, t["statements"])
    # The most confident side first; s1 takes no side on Russia and comes last despite its high score.
    assert list(rows["statement_id"]) == ["s3", "s2", "s1"]
    assert list(rows["stance"]) == ["against Russia (0.9)", "favor Russia (0.5)", ""]


def test_clicked_period_finds_the_statements_of_that_day():
    t = corpus()
    fig = charts.statements_over_time(t["statements"], t["articles"])
    russia = next(i for i, tr in enumerate(fig.data) if tr.name == "Russia")
    day = [i for i, c in enumerate(fig.data[russia].customdata) if c[1] == "2022-10-05"][0]
    wanted = evidence.criteria(fig.layout.meta, evidence.fill_customdata(fig, [{"curve_number": russia, "point_index": day}]))
    assert wanted == [{"party": "Russia", "period": "2022-10-05"}]
    rows = evidence.statements_behind(wanted, {**t}, t["statements"], fig.layout.meta["freq"])
    assert list(rows["statement_id"]) == ["s3"]


def test_sentence_around_marks_the_statement_in_its_sentence():
    quote = "We will never negotiate with him,"
    start = TEXT.index(quote)
    shown = evidence.sentence_around(TEXT, start, start + len(quote))
    assert shown == "\"«We will never negotiate with him,»\" Zelenskyy said on Friday."
    assert evidence.sentence_around(TEXT, None, 5) == ""
    assert evidence.sentence_around(TEXT, 5, len(TEXT) + 10) == ""  # offsets from another text: show nothing wrong


def test_selection_event_shapes():
    assert evidence.selected_points(None) == []
    assert evidence.selected_points({"selection": {"points": [{"customdata": ["Russia"]}]}}) == [{"customdata": ["Russia"]}]
    assert evidence.criteria({"keys": ["party"]}, [{"customdata": ["Russia"]}, {"customdata": ["Russia"]}]) == \
        [{"party": "Russia"}]
