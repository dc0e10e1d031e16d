"""Chart builders on small frames written here: right numbers, right colours, a clear empty figure."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis.tables import conform, empty
from components import charts
from components.style import NO_DATA, Caption, claim_color, is_empty, party_color

CAPTION = Caption(corpus="Parley · 3 article(s)", filters="Parties: Russia", dates="Dates: 2022-09-30 – 2022-10-20")


@pytest.fixture
def data() -> dict[str, pd.DataFrame]:
    articles = conform(pd.DataFrame({
        "article_id": ["a1", "a2", "a3", "a4"],
        "title": ["One", "Two", "Three", "Undated"],
        "published": ["2022-09-30", "2022-10-05", "2022-10-20", ""],
        "source": ["Wire", "Wire", "Daily", "Blog"],
        "url": ["https://example.org/1", "https://example.org/2", "https://example.org/3", ""],
        "text": ["x"] * 4,
    }), "articles")
    statements = conform(pd.DataFrame({
        "statement_id": ["s1", "s2", "s3", "s4", "s5", "s6"],
        "article_id": ["a1", "a1", "a2", "a3", "a3", "a4"],
        "kind": ["direct"] * 6,
        "text": ["We will never talk.", "Talks are possible.", "The alliance provokes us.",
                 "We welcome help.", "No comment.", "Undated words."],
        "start": [0, 10, 0, 0, 20, 0], "end": [9, 19, 9, 9, 29, 9],
        "speaker": ["Volodymyr Zelenskyy", "Vladimir Putin", "Vladimir Putin", "Volodymyr Zelenskyy",
                    "Ana Example", ""],
        "party": ["Ukraine", "Russia", "Russia", "Ukraine", "Ruritania", "Unknown"],
    }), "statements")
    stances = conform(pd.DataFrame({
        "statement_id": ["s1", "s2", "s3", "s4", "s6"],
        "target": ["peace talks", "peace talks", "NATO", "NATO", "NATO"],
        "label": ["against", "favor", "against", "favor", "none"],
        "score": [0.9, 0.6, 0.8, 0.7, 0.5],
        "model": ["m"] * 5,
    }), "stances")
    sentiments = conform(pd.DataFrame({
        "statement_id": ["s1", "s2", "s3", "s4", "s5"],
        "label": ["negative", "neutral", "negative", "positive", "neutral"],
        "score": [0.8, 0.9, 0.6, 0.7, 0.99],
        "model": ["m"] * 5,
    }), "sentiments")
    return {"articles": articles, "statements": statements, "stances": stances, "sentiments": sentiments}


def footer(fig: go.Figure) -> str:
    return next(a.text for a in fig.layout.annotations if a.name == "footer")


def test_party_colours_are_fixed_and_differ():
    assert party_color("Russia") == party_color("Russia") != party_color("Ukraine")
    # A party not in config gets a stable fallback colour, never an error or an empty string.
    assert party_color("Ruritania").startswith("#") and party_color("Ruritania") == party_color("Ruritania")
    assert party_color("") == party_color(None) == party_color("Unknown")
    assert claim_color("captured") != claim_color("reclaimed")
    assert claim_color("no such claim").startswith("#")


def test_stance_table_weights_by_confidence(data):
    two_votes = pd.concat([data["stances"], conform(pd.DataFrame({
        "statement_id": ["s2"], "target": ["NATO"], "label": ["against"], "score": [0.3], "model": ["m"]}),
        "stances")])
    extra = conform(pd.DataFrame({"statement_id": ["s7"], "article_id": ["a2"], "party": ["Russia"]}), "statements")
    statements = pd.concat([data["statements"], extra])
    stances = pd.concat([two_votes, conform(pd.DataFrame({
        "statement_id": ["s7"], "target": ["NATO"], "label": ["favor"], "score": [0.1], "model": ["m"]}), "stances")])
    table = charts.stance_table(stances, statements).set_index(["party", "target"])
    cell = table.loc[("Russia", "NATO")]
    # against 0.8 + 0.3, favor 0.1: shares weighted by score, not by count
    assert cell["statements"] == 3
    assert cell["against_share"] == pytest.approx(1.1 / 1.2)
    assert cell["favor_share"] == pytest.approx(0.1 / 1.2)
    assert (cell["favor"], cell["against"]) == (1, 2)
    assert table.loc[("Unknown", "NATO"), "net"] == 0


def cells(fig: go.Figure) -> dict[tuple[str, str], tuple]:
    """(party, target) → (text shown, statements, net, fill colour) of a stance matrix."""
    trace = fig.data[0]
    fills = [shape.fillcolor for shape in fig.layout.shapes]
    return {(c[0], c[1]): (t, c[2], c[5], f) for c, t, f in zip(trace.customdata, trace.text, fills)}


def test_stance_matrix_shows_one_net_number_per_cell(data):
    fig = charts.stance_matrix(data["stances"], data["statements"], CAPTION, min_n=1)
    grid = cells(fig)
    # Rows by statement count (Russia 2 = Ukraine 2, then by name), Unknown last; targets in name order.
    assert list(fig.layout.yaxis.categoryarray) == ["Russia", "Ukraine", "Unknown"]
    assert list(fig.layout.xaxis.categoryarray) == ["NATO", "peace talks"]
    text, n, net, _ = grid[("Ukraine", "peace talks")]
    assert (text, n, net) == ("\u2212100", 1, pytest.approx(-1.0))  # one confident "against"
    assert grid[("Russia", "peace talks")][0] == "+100"
    assert grid[("Unknown", "NATO")][0] == "0"
    assert all("%" not in t and "n=" not in t for t, *_ in grid.values())  # one number, nothing else
    assert fig.data[0].customdata[0][:2] == ["Russia", "NATO"] or ("Russia", "NATO") in grid
    assert fig.layout.meta["keys"] == ["party", "target"]
    assert fig.layout.title.text == "Stance by party and target"
    assert fig.layout.xaxis.title.text
    assert footer(fig) == "Parley · 3 article(s) · Parties: Russia · Dates: 2022-09-30 – 2022-10-20"
    long = charts.stance_matrix(data["stances"].assign(target="annexation of Ukrainian territory by Russia"),
                                data["statements"], min_n=1)
    assert list(long.layout.xaxis.categoryarray) == ["annexation of<br>Ukrainian<br>territory by<br>Russia"]
    assert long.data[0].customdata[0][1] == "annexation of Ukrainian territory by Russia"  # evidence: full name


def test_stance_matrix_greys_thin_cells_and_fades_by_count(data):
    many = pd.concat([data["statements"].assign(statement_id=lambda f, i=i: f["statement_id"] + f"-{i}")
                      for i in range(8)])
    stances = pd.concat([data["stances"].assign(statement_id=lambda f, i=i: f["statement_id"] + f"-{i}")
                         for i in range(8)])
    # Ukraine on NATO: 8 statements; Ukraine on peace talks: 1 (below min_n = 3).
    few = many[~((many["party"] == "Ukraine") & (many["statement_id"].str.startswith("s1-"))
                 & ~many["statement_id"].eq("s1-0"))]
    fig = charts.stance_matrix(stances, few, min_n=3)
    grid = cells(fig)
    thin, thick = grid[("Ukraine", "peace talks")], grid[("Ukraine", "NATO")]
    assert thin[1] == 1 and thin[0] == "\u2212100" and thin[3] == "rgba(228,228,228,1.00)"
    assert fig.data[0].textfont.color[[c[:2] for c in fig.data[0].customdata].index(["Ukraine", "peace talks"])] \
        == "#8A8A8A"  # its number greyed too
    assert thick[1] == 8 and thick[0] == "+100"
    assert fig.layout.meta["min_n"] == 3
    full = charts.stance_matrix(pd.concat([stances] * 1), pd.concat([few]), min_n=3)
    alpha = lambda fill: float(fill.rsplit(",", 1)[1].rstrip(")"))  # noqa: E731
    assert alpha(thick[3]) < 1.0  # 8 statements: not yet full strength (matrix_full_n in config)
    assert alpha(cells(full)[("Ukraine", "NATO")][3]) == alpha(thick[3])


def test_stance_matrix_folds_rare_parties_and_can_unfold(data):
    many = pd.concat([data["statements"].assign(statement_id=lambda f, i=i: f["statement_id"] + f"-{i}",
                                                party=f"Party {i:02d}") for i in range(15)])
    stances = pd.concat([data["stances"].assign(statement_id=lambda f, i=i: f["statement_id"] + f"-{i}")
                         for i in range(15)])
    # Party 14 gets a second copy of each statement, so it is the most quoted: first row, not last.
    extra = many[many["party"] == "Party 14"].assign(statement_id=lambda f: f["statement_id"] + "-x")
    stances = pd.concat([stances, data["stances"].assign(statement_id=lambda f: f["statement_id"] + "-14-x")])
    statements = pd.concat([many, extra])
    fig = charts.stance_matrix(stances, statements, top=10, min_n=1)
    rows = list(fig.layout.yaxis.categoryarray)
    assert rows[0] == "Party 14" and len(rows) == 11 and rows[-1] == "5 less quoted parties"
    assert len(fig.layout.meta["folded"]) == 5 and "Party 13" in fig.layout.meta["folded"]
    assert "the other 5 folded" in fig.layout.title.text
    others = [c for c in fig.data[0].customdata if c[0] == "5 less quoted parties"]
    # Five parties' statements pooled: 3 on NATO and 2 on peace talks each.
    assert sorted(c[2] for c in others) == [5 * 2, 5 * 3]
    unfolded = charts.stance_matrix(stances, statements, top=None, min_n=1)
    assert len(unfolded.layout.yaxis.categoryarray) == 15 and not unfolded.layout.meta["folded"]


def test_sentiment_by_party_uses_party_colours(data):
    fig = charts.sentiment_by_party(data["sentiments"], data["statements"], CAPTION)
    bars = fig.data[0]
    by_party = dict(zip(bars.y, bars.x))
    assert by_party["Russia"] == pytest.approx((-0.6 + 0.0) / 2)
    assert by_party["Ukraine"] == pytest.approx((-0.8 + 0.7) / 2)
    assert by_party["Ruritania"] == 0
    colours = dict(zip(bars.y, bars.marker.color))
    assert colours["Russia"] == party_color("Russia") and colours["Ruritania"] == party_color("Ruritania")
    assert "n=2" in list(bars.text)
    assert fig.layout.meta["keys"] == ["party"] and bars.customdata[0][0] in by_party


def test_sentiment_by_speaker_skips_unnamed_and_caps(data):
    fig = charts.sentiment_by_speaker(data["sentiments"], data["statements"], CAPTION, top=2)
    names = list(fig.data[0].y)
    assert len(names) == 2 and "" not in names
    assert set(names) == {"Vladimir Putin", "Volodymyr Zelenskyy"}
    legend = {t.name for t in fig.data[1:]}
    assert legend == {"Russia", "Ukraine"}


def test_statements_over_time_draws_one_panel_per_party(data):
    fig = charts.statements_over_time(data["statements"], data["articles"], CAPTION)
    bars = {t.name: t for t in fig.data}
    assert set(bars) == {"Ukraine", "Russia", "Ruritania"}
    assert len({t.xaxis for t in fig.data}) == 3  # small multiples, not three lines on one axis
    assert [a.text for a in fig.layout.annotations][:3] == ["Russia", "Ukraine", "Ruritania"]  # most quoted first
    ukraine = dict(zip(pd.to_datetime(bars["Ukraine"].x).date, bars["Ukraine"].y))
    assert ukraine[pd.Timestamp("2022-09-30").date()] == 1
    assert ukraine[pd.Timestamp("2022-10-05").date()] == 0  # zero, not a gap
    assert sum(bars["Russia"].y) == 2
    assert bars["Russia"].marker.color == party_color("Russia")
    assert fig.layout.meta["freq"] == "D" and fig.layout.meta["undated"] == 1
    assert "1 undated statement(s) not shown" in fig.layout.title.subtitle.text.replace("<br>", " ")
    # One time axis for all panels (2 × 2 grid): dates under the lowest panel of each column, the empty cell blank.
    axes = {name: fig.layout[name] for name in ("xaxis", "xaxis2", "xaxis3", "xaxis4")}
    assert len({axes[name].matches or name.replace("axis", "") for name in axes}) == 1
    assert axes["xaxis2"].showticklabels and axes["xaxis3"].showticklabels
    assert axes["xaxis4"].visible is False and fig.layout.yaxis4.visible is False


def points(fig: go.Figure, name: str):
    return next(t for t in fig.data if t.name == name)


def test_stance_over_time_for_target_and_party(data):
    fig = charts.stance_over_time(data["stances"], data["statements"], data["articles"], "NATO", CAPTION)
    # One statement per point: under the minimum, so each is a faint dot, not a line.
    names = {t.name for t in fig.data}
    assert names == {"Russia: under 3 statements", "Ukraine: under 3 statements"}  # undated Unknown not drawn
    assert list(points(fig, "Russia: under 3 statements").y) == [pytest.approx(-1.0)]
    ukraine = points(fig, "Ukraine: under 3 statements")
    assert list(ukraine.y) == [pytest.approx(1.0)] and ukraine.mode == "markers"
    # One statement a day is too thin: the points are coarser periods, each named by its first day.
    start = pd.Period("2022-10-20", freq=fig.layout.meta["freq"]).start_time.date().isoformat()
    assert fig.layout.meta["freq"] != "D" and ukraine.customdata[0][:3] == ["Ukraine", start, "NATO"]
    only = charts.stance_over_time(data["stances"], data["statements"], data["articles"], "NATO", CAPTION,
                                   party="Russia")
    assert {t.name.split(":")[0] for t in only.data} == {"Russia"} and "Russia" in only.layout.title.text
    assert is_empty(charts.stance_over_time(data["stances"], data["statements"], data["articles"], None))


def test_one_period_of_news_keeps_a_readable_time_axis():
    # Everything in one period: plotly alone would zoom to a millisecond ("23:59:59.9995") around the point.
    articles = pd.DataFrame({"article_id": ["a0", "a1"], "published": ["2022-03-01", "2022-03-01"]})
    statements = pd.DataFrame({"statement_id": ["s0", "s1"], "article_id": ["a0", "a1"], "party": "Ukraine"})
    stances = pd.DataFrame({"statement_id": ["s0", "s1"], "target": "talks", "label": "favor", "score": 0.9})
    for fig in (charts.stance_over_time(stances, statements, articles, "talks"),
                charts.statements_over_time(statements, articles)):
        period = pd.Period("2022-03-01", freq=fig.layout.meta["freq"])
        low, high = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
        assert low == (period - 1).start_time and high == (period + 1).start_time
    spread = articles.assign(published=["2022-03-01", "2022-05-20"])
    assert charts.stance_over_time(stances, statements, spread, "talks").layout.xaxis.range is None


def test_stance_over_time_draws_a_line_with_a_band_where_enough_statements():
    days = ["2022-03-01", "2022-03-02", "2022-03-03", "2022-03-07", "2022-03-08", "2022-03-09", "2022-04-10"]
    articles = pd.DataFrame({"article_id": [f"a{i}" for i in range(7)], "published": days})
    statements = pd.DataFrame({"statement_id": [f"s{i}" for i in range(7)], "article_id": articles["article_id"],
                               "party": "Ukraine"})
    stances = pd.DataFrame({"statement_id": statements["statement_id"], "target": "talks",
                            "label": ["favor", "favor", "against", "against", "against", "against", "favor"],
                            "score": 0.9})
    table, freq, _ = charts.stance_trend(stances, statements, articles, "talks")
    assert freq == "W-SUN"  # six weeks of news, too few a day for daily points
    assert (table["low"] <= table["net"]).all() and (table["net"] <= table["high"]).all()
    first = table.iloc[0]
    assert first["statements"] == 3 and first["net"] == pytest.approx(1 / 3)
    assert table.iloc[1]["low"] == table.iloc[1]["high"] == pytest.approx(-1.0)  # all alike: no spread
    assert table.iloc[2]["low"] == -1.0 and table.iloc[2]["high"] == 1.0  # one statement: the whole scale
    fig = charts.stance_over_time(stances, statements, articles, "talks")
    line, band = points(fig, "Ukraine"), points(fig, "Ukraine: 95% interval")
    assert line.mode == "lines+markers" and len(line.y) == 2 and band.fill == "toself"
    assert list(points(fig, "Ukraine: under 3 statements").y) == [pytest.approx(1.0)]
    # A missing week breaks the line instead of drawing across it.
    gap = stances.assign(statement_id=statements["statement_id"])
    later = articles.assign(published=days[:3] + ["2022-03-21", "2022-03-22", "2022-03-23", "2022-04-10"])
    broken = points(charts.stance_over_time(gap, statements, later, "talks"), "Ukraine")
    assert list(broken.y) == [pytest.approx(1 / 3), None, pytest.approx(-1.0)]


def test_long_spans_group_by_week_or_month():
    days = pd.Series(pd.to_datetime(["2022-01-01", "2022-01-20"]))
    weeks = pd.Series(pd.to_datetime(["2022-01-01", "2022-09-01"]))
    months = pd.Series(pd.to_datetime(["2020-01-01", "2023-01-01"]))
    assert [charts.period_for(s) for s in (days, weeks, months)] == ["D", "W-SUN", "M"]


@pytest.mark.parametrize("build", [
    lambda t: charts.stance_matrix(t["stances"], t["statements"], CAPTION),
    lambda t: charts.sentiment_by_party(t["sentiments"], t["statements"], CAPTION),
    lambda t: charts.sentiment_by_speaker(t["sentiments"], t["statements"], CAPTION),
    lambda t: charts.statements_over_time(t["statements"], t["articles"], CAPTION),
    lambda t: charts.stance_over_time(t["stances"], t["statements"], t["articles"], "NATO", CAPTION),
])
def test_empty_frames_give_a_titled_no_data_figure(build):
    tables = {name: empty(name) for name in ("articles", "statements", "stances", "sentiments")}
    fig = build(tables)
    assert is_empty(fig)
    assert any(a.text == NO_DATA for a in fig.layout.annotations)
    assert fig.layout.title.text
    assert footer(fig).startswith("Parley · 3 article(s)")


def test_statements_without_any_date_say_so(data):
    undated = data["articles"].assign(published="")
    fig = charts.statements_over_time(data["statements"], undated, CAPTION)
    assert is_empty(fig) and any("No dated articles" in (a.text or "") for a in fig.layout.annotations)


def test_stance_trend_is_the_table_behind_the_stance_over_time_chart():
    from components.charts import stance_over_time, stance_trend

    articles = pd.DataFrame({"article_id": ["a1", "a2"], "published": ["2022-03-01", "2022-09-01"]})
    statements = pd.DataFrame({"statement_id": ["s1", "s2", "s3"], "article_id": ["a1", "a2", "a2"],
                               "party": ["Ukraine", "Ukraine", "Russia"]})
    stances = pd.DataFrame({"statement_id": ["s1", "s2", "s3"], "target": "peace negotiations",
                            "label": ["favor", "against", "favor"], "score": [0.8, 0.6, 0.9]})
    table, freq, undated = stance_trend(stances, statements, articles, "peace negotiations", party="Ukraine")
    assert list(table.columns) == ["party", "period", "statements", "net", "low", "high"] and undated == 0
    assert table["party"].tolist() == ["Ukraine", "Ukraine"] and table["net"].tolist() == [1.0, -1.0]
    fig = stance_over_time(stances, statements, articles, "peace negotiations", party="Ukraine")
    assert [y for t in fig.data for y in t.y] == table["net"].tolist()
    assert stance_trend(stances, statements, articles, None)[0].empty


def test_a_long_footer_goes_on_two_lines_instead_of_off_the_edge(data):
    long = Caption(corpus="Parley · 195 article(s) from 12 source(s)",
                   filters="Parties: Russia, Ukraine, United States, European Union +3",
                   dates="Dates: 2022-02-19 – 2024-10-24")
    text = footer(charts.sentiment_by_party(data["sentiments"], data["statements"], long))
    assert text == ("Parley · 195 article(s) from 12 source(s)<br>"
                    "Parties: Russia, Ukraine, United States, European Union +3 · Dates: 2022-02-19 – 2024-10-24")
