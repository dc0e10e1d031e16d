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


# -- one file, two programs: the dashboard and the command line take turns, and nothing is lost ---------
HOLD = """
import sys, time, duckdb
db = duckdb.connect(sys.argv[1], read_only=sys.argv[3] == "read")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
db.close()
"""


def hold_file(path, seconds, mode="write"):
    """Another program with the store's file open for `seconds` (started and holding when this returns)."""
    import subprocess
    import sys

    other = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds), mode], stdout=subprocess.PIPE, text=True)
    assert other.stdout.readline().strip() == "holding"
    return other


def test_no_file_is_held_between_reads_and_writes(tmp_path):
    import duckdb

    path = tmp_path / "shared.duckdb"
    mine = Store(path)
    mine.write_batch(batch(), "p", "m")
    mine.read("statements")
    other = duckdb.connect(str(path))  # another program can write at once: nothing of ours is still open
    other.execute("INSERT INTO meta VALUES ('from', 'cli')")
    other.close()
    assert mine.meta("from") == "cli"


def test_a_reader_waits_for_another_programs_write_and_says_so(tmp_path):
    path = tmp_path / "shared.duckdb"
    told = []
    store = Store(path, on_wait=told.append)
    store.write_batch(batch(), "p", "m")
    other = hold_file(path, 1.5)
    try:
        assert store.read("articles")["article_id"].tolist() == ["a1"]
    finally:
        other.wait()
    assert len(told) == 1 and "shared.duckdb" in told[0] and "waiting" in told[0]
    assert str(tmp_path) not in told[0]  # the file's name, never the server's folders


def test_a_writer_waits_for_another_programs_reading(tmp_path):
    path = tmp_path / "shared.duckdb"
    store = Store(path, on_wait=lambda message: None)
    other = hold_file(path, 1.0, "read")
    try:
        store.write_batch(batch(), "p", "m")
    finally:
        other.wait()
    assert store.article_ids() == {"a1"}


def test_a_store_held_too_long_is_named_not_a_traceback(tmp_path):
    from analysis.store import StoreBusy

    path = tmp_path / "shared.duckdb"
    Store(path).write_batch(batch(), "p", "m")
    store = Store(path, wait_seconds=0.5, on_wait=lambda message: None)
    other = hold_file(path, 3)
    try:
        with pytest.raises(StoreBusy, match="shared.duckdb stayed in use by another program"):
            store.read("articles")
    finally:
        other.wait()


def test_writes_by_another_program_change_the_generation(tmp_path):
    path = tmp_path / "shared.duckdb"
    dashboard, cli = Store(path), Store(path)
    before = dashboard.generation
    assert dashboard.article_ids() == set()
    cli.write_batch(batch(), "p", "m")
    assert dashboard.generation != before  # cached frames are re-read
    assert dashboard.article_ids() == {"a1"}  # and small cached answers too


def test_two_writers_at_once_lose_nothing(tmp_path):
    import threading

    path = tmp_path / "shared.duckdb"
    stores = [Store(path), Store(path)]
    errors = []

    def write(store, prefix):
        try:
            for n in range(10):
                store.write_batch(batch(f"{prefix}{n}", text=f"Text {prefix} {n}."), "p", "m")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(s, p)) for s, p in zip(stores, "xy")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(Store(path).article_ids()) == 20
