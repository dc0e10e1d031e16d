"""Briefing findings on frames written here: each sentence states numbers the data holds, and points at the
statements or claims behind it; too little data gives no finding rather than an invented one."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.tables import conform
from components import evidence, findings


def corpus() -> dict[str, pd.DataFrame]:
    """Eight weeks of news: Ukraine for talks early and against them late; Russia always against NATO."""
    days = pd.date_range("2022-03-01", periods=56, freq="D")
    articles = conform(pd.DataFrame({
        "article_id": [f"a{i}" for i in range(len(days))], "title": [f"Day {i}" for i in range(len(days))],
        "published": [d.date().isoformat() for d in days], "text": "x",
    }), "articles")
    rows, stances, sentiments = [], [], []
    for i, article in enumerate(articles["article_id"]):
        late = i >= 28
        for party, speaker, target, label, tone in (
            ("Ukraine", "Volodymyr Zelenskyy", "peace talks", "against" if late else "favor", "negative"),
            ("Russia", "Dmitry Peskov", "NATO", "against", "negative"),
        ):
            sid = f"{party[0]}{i}"
            rows.append(dict(statement_id=sid, article_id=article, kind="direct", text="Words.", start=0, end=6,
                             speaker=speaker, speaker_mention=speaker, party=party, cue="said"))
            stances.append(dict(statement_id=sid, target=target, label=label, score=0.9, model="m"))
            if party == "Russia":  # Russia against talks too: the widest divide is on talks, early on
                stances.append(dict(statement_id=sid, target="peace talks", label="against", score=0.6, model="m"))
            sentiments.append(dict(statement_id=sid, label=tone if party == "Russia" else "positive", score=0.8,
                                   model="m"))
    rows.append(dict(statement_id="n1", article_id="a0", kind="direct", text="Hm.", start=0, end=3, speaker="",
                     speaker_mention="someone", party="Unknown", cue="said"))
    claims = conform(pd.DataFrame([
        dict(claim_id="c1", article_id="a2", party="Russia", claim="captured", place="Lyman", place_type="town",
             lat=49.0, lon=37.8, date="2022-03-03", evidence="Russia captured Lyman."),
        dict(claim_id="c2", article_id="a50", party="Ukraine", claim="reclaimed", place="Lyman", place_type="town",
             lat=49.0, lon=37.8, date="2022-04-20", evidence="Ukraine liberated Lyman."),
        dict(claim_id="c3", article_id="a51", party="Russia", claim="advancing", place="Siversk", place_type="town",
             lat=48.9, lon=38.1, date="", evidence="Russian troops advance on Siversk."),
    ]), "claims")
    return {"articles": articles, "statements": conform(pd.DataFrame(rows), "statements"),
            "stances": conform(pd.DataFrame(stances), "stances"),
            "sentiments": conform(pd.DataFrame(sentiments), "sentiments"), "claims": claims}


def brief(tables, **kw):
    return findings.briefing(tables, tables["statements"], tables["stances"], tables["sentiments"],
                             tables["claims"], **kw)


def test_briefing_states_at_least_five_findings_each_with_evidence():
    tables = corpus()
    found = brief(tables, min_n=5)
    assert len(found) >= 5
    for finding in found:
        assert finding.statements or finding.claim_ids, finding.text
        if finding.statements:
            rows = evidence.statements_behind(finding.statements, tables, tables["statements"], finding.freq)
            assert len(rows), finding.text
    kinds = [f.kind for f in found]
    assert {"stance", "divide", "shift", "claims", "hands", "speakers", "tone"} <= set(kinds)


def test_stance_sentences_carry_the_numbers_of_the_table():
    tables = corpus()
    stance = [f for f in brief(tables, min_n=5) if f.kind == "stance"]
    russia = next(f for f in stance if f.text.startswith("Russia"))
    assert russia.text == ("Russia's clearest position is against NATO: net stance \u2212100 over 56 statements "
                           "(0% favor, 100% against, 0% no side).")
    assert russia.statements == [{"party": "Russia", "target": "NATO"}]
    assert not any(f.text.startswith("Unknown") for f in stance)  # not a party


def test_the_shift_between_the_last_four_weeks_and_the_four_before():
    tables = corpus()
    shift = next(f for f in brief(tables, min_n=5) if f.kind == "shift" and "stance" in f.text)
    assert "Ukraine's stance on peace talks moved toward against: +100 (n=28) → \u2212100 (n=28)" in shift.text
    assert "last four weeks (to 2022-04-25)" in shift.text


def test_claims_findings_name_the_latest_claims_and_a_place_that_changed_hands():
    tables = corpus()
    found = {f.kind: f for f in brief(tables)}
    # The undated claim takes its article's date (2022-04-21), so it is the latest.
    assert found["claims"].text.startswith("Latest territorial claims: Russia advanced on Siversk (2022-04-21), "
                                           "Ukraine retook Lyman (2022-04-20)")
    assert set(found["claims"].claim_ids) >= {"c2", "c3"}
    assert found["hands"].text == ("Lyman changed hands in the claims: Russia captured it (2022-03-03), then "
                                   "Ukraine retook it (2022-04-20).")
    assert found["hands"].claim_ids == ["c1", "c2"]


def test_speakers_and_tone():
    tables = corpus()
    found = {f.kind: f for f in brief(tables, min_n=5)}
    assert found["speakers"].text.startswith("Most quoted: Dmitry Peskov (Russia, 56 statements) and "
                                             "Volodymyr Zelenskyy (Ukraine, 56 statements); together 99%")
    assert found["speakers"].statements == [{"speaker": "Dmitry Peskov"}, {"speaker": "Volodymyr Zelenskyy"}]
    assert found["tone"].text.startswith("Tone: Russia sounds the most negative (net \u22120.80, 100% of 56")


def test_too_little_data_gives_no_finding_rather_than_a_guess():
    tables = corpus()
    thin = {name: frame.head(3) if name in ("statements", "stances", "sentiments") else frame
            for name, frame in tables.items()}
    found = brief(thin, min_n=5)
    assert not [f for f in found if f.kind in ("stance", "divide", "shift", "tone")]
    empty = {name: frame.iloc[0:0] for name, frame in tables.items()}
    assert brief(empty) == []


@pytest.mark.parametrize("text", ["*bold* [link](http://x) <b>x</b> :red[x] `code` # head", "a_b 1. 2+2"])
def test_sentences_are_escaped_for_markdown(text):
    from components.plaintext import escape

    escaped = escape(text)
    assert all(ch not in escaped.replace("\\" + ch, "") for ch in "*[]<>`#:_+")


def test_dates_with_and_without_a_time_zone_mix():
    mixed = pd.Series(["2022-06-24", "2022-06-24T23:23:00Z", "", None, "not a date"])
    when = findings.dates(mixed)
    assert when.dt.tz is None and when.iloc[1] == pd.Timestamp("2022-06-24 23:23")
    assert when.iloc[2:].isna().all()


def test_tone_says_least_positive_when_no_party_sounds_negative():
    from components import findings
    assert findings.signed(-0.004) == "0.00" and findings.signed(0.47) == "+0.47"
    assert findings.signed(-0.01) == "\u22120.01"
    tables = corpus()
    happy = tables["sentiments"].assign(label="positive")
    happy.loc[happy.index[::2], "label"] = "neutral"
    found = {f.kind: f for f in brief({**tables, "sentiments": happy}, min_n=5)}
    assert "sounds the least positive" in found["tone"].text and "most negative" not in found["tone"].text
