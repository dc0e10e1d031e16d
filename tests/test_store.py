"""The DuckDB store: whole-batch transactions, replacement, corrections, the score cache."""
import pandas as pd
import pytest

from analysis.store import Store


def batch(article_id="a1", text="Kyiv said the talks were over.", party="Ukraine", lat=50.45):
    return {
        "articles": pd.DataFrame({"article_id": [article_id], "title": ["T"], "text": [text]}),
        "statements": pd.DataFrame({
            "statement_id": [f"{article_id}-s1"], "article_id": [article_id], "kind": ["reported"],
            "text": ["the talks were over"], "start": [10], "end": [29], "speaker": ["Kyiv"],
            "speaker_mention": ["Kyiv"], "party": [party], "cue": ["said"],
        }),
        "sentiments": pd.DataFrame({"statement_id": [f"{article_id}-s1"], "label": ["negative"], "score": [0.9], "model": ["m"]}),
        "claims": pd.DataFrame({"claim_id": [f"{article_id}-c1"], "article_id": [article_id], "party": ["Ukraine"],
                                "claim": ["reclaimed"], "place": ["Kyiv"], "lat": [lat], "lon": [30.52]}),
    }


def counts(store):
    return {t: len(store.read(t)) for t in ("articles", "statements", "sentiments", "stances", "claims")}


def test_write_and_read_back_typed(store):
    store.write_batch(batch(), "p1", "m1")
    statements = store.read("statements")
    assert statements["start"].dtype == "Int64" and statements["party"][0] == "Ukraine"
    assert store.analysed("p1", "m1") == {"a1"}
    assert store.analysed("p2", "m1") == set()


def test_a_missing_party_reads_as_unknown_everywhere(store):
    # Charts, filters and evidence all group by party: a blank and a null must be one "Unknown" group.
    store.write_batch(batch("a1", party=""), "p1", "m1")
    store.write_batch(batch("a2", text="Another text.", party=None), "p1", "m1")
    assert store.read("statements")["party"].tolist() == ["Unknown", "Unknown"]
    assert store.read("claims")["party"].tolist() == ["Ukraine", "Ukraine"]


def test_rewriting_an_article_replaces_its_rows(store):
    store.write_batch(batch(), "p1", "m1")
    store.write_batch(batch(party="the West"), "p2", "m1")
    assert counts(store) == {"articles": 1, "statements": 1, "sentiments": 1, "stances": 0, "claims": 1}
    assert store.read("statements")["party"][0] == "the West"
    assert store.analysed("p1", "m1") == set() and store.analysed("p2", "m1") == {"a1"}


def test_failure_half_way_leaves_the_store_as_before(store):
    store.write_batch(batch(), "p1", "m1")
    before = {t: store.read(t) for t in ("articles", "statements", "claims")}
    broken = batch(article_id="a2", lat="not a number")  # claims fail after articles and statements are inserted
    with pytest.raises(Exception):
        store.write_batch(broken, "p1", "m1")
    for table, frame in before.items():
        pd.testing.assert_frame_equal(store.read(table), frame)
    assert store.analysed("p1", "m1") == {"a1"}


def test_remove_articles_removes_everything_about_them(store):
    store.write_batch(batch("a1"), "p", "m")
    store.write_batch(batch("a2", text="Other text."), "p", "m")
    store.remove_articles(["a1"])
    assert set(store.read("articles")["article_id"]) == {"a2"}
    assert set(store.read("sentiments")["statement_id"]) == {"a2-s1"}
    assert set(store.read("claims")["article_id"]) == {"a2"}


def test_corrections_apply_on_read_and_survive_reanalysis(store):
    store.write_batch(batch(party="Unknown"), "p1", "m1")
    store.save_correction("Kyiv", party="Ukraine", new_speaker="Government of Ukraine")
    row = store.read("statements").iloc[0]
    assert (row["speaker"], row["party"]) == ("Government of Ukraine", "Ukraine")
    store.write_batch(batch(party="Unknown"), "p2", "m1")  # re-analysis writes the raw extraction again
    assert store.read("statements")["party"][0] == "Ukraine"
    store.remove_correction("Kyiv")
    assert store.read("statements")["party"][0] == "Unknown"


def test_corrections_and_data_persist_across_reopening(tmp_path):
    path = tmp_path / "s.duckdb"
    first = Store(path)
    first.write_batch(batch(party="Unknown"), "p", "m")
    first.save_correction("Kyiv", party="Ukraine")
    first.close()
    again = Store(path)
    assert again.read("statements")["party"][0] == "Ukraine"
    again.close()


def test_score_cache(store):
    store.put_scores("sent@1", pd.DataFrame({"key": ["k1", "k2"], "label": ["positive", "neutral"], "score": [0.8, 0.6]}))
    hits = store.cached_scores("sent@1", ["k1", "k3"])
    assert list(hits["key"]) == ["k1"] and hits["label"][0] == "positive"
    assert store.cached_scores("sent@2", ["k1"]).empty


def test_meta(store):
    assert store.meta("seeded") is None
    store.set_meta("seeded", "yes")
    assert store.meta("seeded") == "yes"


def test_a_later_correction_keeps_what_it_leaves_empty(store):
    store.write_batch(batch(party="Unknown"), "p1", "m1")
    store.save_correction("Kyiv", party="Ukraine")
    store.save_correction("Kyiv", new_speaker="Government of Ukraine")
    row = store.read("statements").iloc[0]
    assert (row["speaker"], row["party"]) == ("Government of Ukraine", "Ukraine")


def test_a_store_from_an_older_release_gains_new_columns(tmp_path):
    path = tmp_path / "old.duckdb"
    import duckdb

    old = duckdb.connect(str(path))
    old.execute("CREATE TABLE claims (claim_id VARCHAR, article_id VARCHAR, party VARCHAR)")
    old.execute("INSERT INTO claims VALUES ('c0', 'a0', 'Russia')")
    old.close()
    upgraded = Store(path)
    upgraded.write_batch(batch(), "p", "m")
    claims = upgraded.read("claims")
    assert set(claims["claim_id"]) == {"c0", "a1-c1"}
    assert claims.set_index("claim_id").loc["a1-c1", "place"] == "Kyiv"
    upgraded.close()
