"""Shareable links: query parameters set the filters, and the filters give back a link that reproduces them."""
from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.tables import conform
from components import filters


def corpus() -> dict[str, pd.DataFrame]:
    articles = conform(pd.DataFrame({
        "article_id": ["a1", "a2", "a3"],
        "title": ["Early", "Late", "Undated"],
        "published": ["2022-09-30", "2022-10-20", ""],
    }), "articles")
    statements = conform(pd.DataFrame({
        "statement_id": ["s1", "s2", "s3", "s4"],
        "article_id": ["a1", "a2", "a2", "a3"],
        "speaker": ["Vladimir Putin", "Volodymyr Zelenskyy", "Olaf Example", ""],
        "party": ["Russia", "Ukraine", "Germany", "Unknown"],
    }), "statements")
    stances = conform(pd.DataFrame({
        "statement_id": ["s1", "s2", "s3"], "target": ["NATO", "peace talks", "NATO"],
        "label": ["against", "favor", "none"], "score": [0.9, 0.8, 0.5],
    }), "stances")
    claims = conform(pd.DataFrame({
        "claim_id": ["c1", "c2"], "article_id": ["a1", "a2"], "party": ["Russia", "Ukraine"],
        "claim": ["annexed", "reclaimed"], "place": ["Kherson Oblast", "Izium"], "date": ["", "2022-09-10"],
    }), "claims")
    return {"articles": articles, "statements": statements, "stances": stances,
            "sentiments": conform(pd.DataFrame(), "sentiments"), "claims": claims}


def sidebar_app(tables):
    import streamlit as st

    from components.filters import sidebar_filters

    chosen = sidebar_filters(tables)
    st.text(repr(chosen))


def run(params: dict[str, list[str] | str] | None = None) -> AppTest:
    at = AppTest.from_function(sidebar_app, args=(corpus(),), default_timeout=30)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def widget(at: AppTest, kind: str, key: str):
    return next(w for w in getattr(at, kind) if w.key == key)


def link_of(at: AppTest) -> dict[str, list[str]]:
    return parse_qs(urlsplit(at.code[-1].value).query)


def test_url_sets_every_filter():
    at = run({"party": ["Russia", "Ukraine"], "speaker": "Vladimir Putin", "target": "NATO",
              "claim": "annexed", "from": "2022-09-01", "to": "2022-10-01"})
    assert not at.exception
    assert widget(at, "multiselect", "party").value == ["Russia", "Ukraine"]
    assert widget(at, "multiselect", "speaker").value == ["Vladimir Putin"]
    assert widget(at, "multiselect", "target").value == ["NATO"]
    assert widget(at, "multiselect", "claim").value == ["annexed"]
    assert widget(at, "date_input", "from").value == dt.date(2022, 9, 1)
    assert widget(at, "date_input", "to").value == dt.date(2022, 10, 1)
    chosen = at.session_state["filters"]
    assert chosen.parties == ["Russia", "Ukraine"] and chosen.date_to == dt.date(2022, 10, 1)
    # The copy-link box gives back exactly what was opened.
    assert link_of(at) == {"party": ["Russia", "Ukraine"], "speaker": ["Vladimir Putin"], "target": ["NATO"],
                           "claim": ["annexed"], "from": ["2022-09-01"], "to": ["2022-10-01"]}


def test_widgets_to_link_to_widgets_round_trip():
    at = run()
    assert link_of(at) == {}
    widget(at, "multiselect", "party").set_value(["Germany"]).run()
    widget(at, "multiselect", "target").set_value(["NATO", "peace talks"]).run()
    widget(at, "date_input", "from").set_value(dt.date(2022, 10, 1)).run()
    link = link_of(at)
    assert link == {"party": ["Germany"], "target": ["NATO", "peace talks"], "from": ["2022-10-01"]}

    reopened = run(link)  # a colleague opens the copied link in a new session
    assert widget(reopened, "multiselect", "party").value == ["Germany"]
    assert widget(reopened, "multiselect", "target").value == ["NATO", "peace talks"]
    assert widget(reopened, "date_input", "from").value == dt.date(2022, 10, 1)
    assert widget(reopened, "date_input", "to").value is None
    assert link_of(reopened) == link


def test_cleared_filter_leaves_the_link():
    at = run({"party": "Russia"})
    widget(at, "multiselect", "party").set_value([]).run()
    assert "party" not in link_of(at)
    assert at.session_state["filters"].parties == []


def test_values_not_in_the_data_are_ignored():
    at = run({"party": ["Atlantis", "Russia"]})
    assert not at.exception
    assert widget(at, "multiselect", "party").value == ["Russia"]


def test_page_widgets_in_the_url_survive_in_the_link():
    # The Positions page's target selector is drawn after the sidebar; its URL value must still be in the link.
    at = run({"focus": "NATO", "party": "Russia"})
    assert link_of(at) == {"party": ["Russia"], "focus": ["NATO"]}


def test_filter_statements_by_party_speaker_and_dates():
    t = corpus()
    f = filters.Filters(parties=["Ukraine", "Germany", "Unknown"], date_from=dt.date(2022, 10, 20),
                        date_to=dt.date(2022, 10, 20))
    kept = filters.filter_statements(t["statements"], t["articles"], f)
    # The end date includes its whole day; undated articles are kept rather than hidden.
    assert list(kept["statement_id"]) == ["s2", "s3", "s4"]
    f = filters.Filters(speakers=["Vladimir Putin"], date_to=dt.date(2022, 10, 1))
    assert list(filters.filter_statements(t["statements"], t["articles"], f)["statement_id"]) == ["s1"]


def test_filter_stances_and_claims():
    t = corpus()
    scope = filters.filter_statements(t["statements"], t["articles"], filters.Filters(parties=["Russia", "Germany"]))
    kept = filters.filter_stances(t["stances"], scope, filters.Filters(targets=["NATO"]))
    assert list(kept["statement_id"]) == ["s1", "s3"]
    # A claim's own date wins over its article's; without one, the article's date counts.
    f = filters.Filters(date_to=dt.date(2022, 9, 30))
    assert list(filters.filter_claims(t["claims"], t["articles"], f)["claim_id"]) == ["c1", "c2"]
    f = filters.Filters(date_from=dt.date(2022, 10, 1), claim_types=["annexed", "reclaimed"])
    assert list(filters.filter_claims(t["claims"], t["articles"], f)["claim_id"]) == []
    assert list(filters.filter_claims(t["claims"], t["articles"], filters.Filters(parties=["Ukraine"]))["claim_id"]) == ["c2"]


@pytest.mark.parametrize("chosen, expected", [
    (filters.Filters(), "all"),
    (filters.Filters(parties=["Russia"], targets=["NATO"]), "parties-russia-targets-nato"),
    (filters.Filters(date_from=dt.date(2022, 9, 1)), "2022-09-01"),
])
def test_filters_name_export_files(chosen, expected):
    assert filters.slug(chosen) == expected


# -- a link passes on only what a view can show ---------------------------------------------------------
def test_copy_link_drops_unknown_keys_and_impossible_values():
    at = run({"party": "Russia", "focus": ["NATO", "Atlantis"], "focus_party": "Nobody", "kind": ["direct", "gossip"],
              "from": "2022-13-45", "evil": "<script>", "page": "x"})
    assert not at.exception
    assert link_of(at) == {"party": ["Russia"], "focus": ["NATO"], "kind": ["direct"]}


def test_a_long_search_is_not_carried():
    at = run({"q": "x" * (filters.MAX_SEARCH + 1), "party": "Russia"})
    assert link_of(at) == {"party": ["Russia"]}


def test_reversed_dates_are_named():
    at = run({"from": "2022-10-20", "to": "2022-09-30"})
    assert not at.exception
    assert any("reversed" in w.value and "2022-10-20" in w.value for w in at.warning)
    assert not run({"from": "2022-09-30", "to": "2022-10-20"}).warning


def test_the_link_names_the_page_shown_not_the_address_typed():
    def app():
        import streamlit as st

        from components import filters as f

        st.text(f.share_url({"party": ["Russia"]}, page_path="positions"))

    at = AppTest.from_function(app, default_timeout=30)
    at.query_params["party"] = "Russia"
    at.run()
    url = at.text[0].value
    assert url.endswith("positions?party=Russia") or url == "?party=Russia"  # relative when no browser URL
