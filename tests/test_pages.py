"""AppTests of the dashboard's first run, the Overview page (through dashboard.py, as users reach it) and Sources."""
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis import pipeline
from analysis.store import Store


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "pages.duckdb"
    monkeypatch.setenv("PARLEY_DB", str(path))
    return path


def fill(path):
    store = Store(path)
    store.write_batch({
        "articles": pd.DataFrame({"article_id": ["a1"], "title": ["Talks in Geneva"], "published": ["2022-10-04"],
                                  "text": ["The minister said the talks were useful."], "origin": ["t.txt"]}),
        "statements": pd.DataFrame({"statement_id": ["s1"], "article_id": ["a1"], "kind": ["reported"],
                                    "text": ["the talks were useful"], "start": [18], "end": [39],
                                    "speaker": ["Ignazio Cassis"], "speaker_mention": ["The minister"],
                                    "party": ["Switzerland"], "cue": ["said"]}),
        "claims": pd.DataFrame({"claim_id": ["c1"], "article_id": ["a1"], "party": ["Ukraine"], "claim": ["reclaimed"],
                                "place": ["Izium"], "place_type": ["city"], "lat": [49.21], "lon": [37.26]}),
    }, *pipeline.versions(pipeline.load_scorer()[0]))  # as if analysed by this release, so nothing is redone
    store.set_meta("seeded", "yes")
    store.close()


def test_overview_on_an_empty_store_points_to_sources(db):
    store = Store(db)
    store.set_meta("seeded", "yes")  # the analyst removed every article after the first run
    store.close()
    at = AppTest.from_file("../dashboard.py", default_timeout=60).run()
    assert not at.exception
    assert any("No articles yet" in i.value for i in at.info)


def test_overview_counts_what_the_store_holds(db):
    fill(db)
    at = AppTest.from_file("../dashboard.py", default_timeout=60).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Articles"] == "1" and metrics["Statements"] == "1" and metrics["Territorial claims"] == "1"
    assert "Talks in Geneva" in at.dataframe[-1].value["title"].tolist()


def test_sources_paste_adds_an_article_and_reports_it(db):
    fill(db)
    at = AppTest.from_file("../views/sources.py", default_timeout=240).run()
    assert not at.exception
    at.text_area[0].input("Front line report\nUkrainian forces recaptured Izium on Saturday, the general staff said.")
    at.button[1].click().run()  # the paste form's submit button
    assert not at.exception
    reports = at.dataframe[0].value
    assert reports["result"].tolist() == ["loaded"]
    titles = Store(db).read("articles")["title"].tolist()
    assert sorted(titles) == ["Front line report", "Talks in Geneva"]


def test_sources_rejects_empty_paste_and_keeps_the_store(db):
    fill(db)
    at = AppTest.from_file("../views/sources.py", default_timeout=60).run()
    at.button[1].click().run()
    assert at.dataframe[0].value["result"].tolist() == ["rejected"]
    assert "Nothing was pasted" in at.dataframe[0].value["details"][0]
    assert Store(db).read("articles")["title"].tolist() == ["Talks in Geneva"]


def test_first_run_analyses_the_seed(db):
    at = AppTest.from_file("../dashboard.py", default_timeout=300).run()
    assert not at.exception
    store = Store(db)
    assert store.meta("seeded") == "yes"
    assert store.read("articles")["title"][0].startswith("Russia-Ukraine crisis")
    assert len(store.read("statements")) > 0
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Articles"] == "1"


def test_overview_is_a_briefing_with_evidence_behind_each_finding(db):
    from test_findings import corpus

    frames = corpus()
    store = Store(db)
    store.write_batch(frames, *pipeline.versions(pipeline.load_scorer()[0]))
    store.set_meta("seeded", "yes")
    store.close()
    at = AppTest.from_file("../dashboard.py", default_timeout=120).run()
    assert not at.exception
    assert "Briefing: what the articles show" in [h.value for h in at.header]
    findings = [m.value for m in at.markdown if m.value.startswith("**")]
    assert len(findings) >= 5
    assert any("Lyman changed hands in the claims" in f.replace("\\", "") for f in findings)
    # Each finding has its evidence one click away: an expander with the statements or claims behind it.
    labels = [e.label for e in at.expander if "behind finding" in e.label]
    assert len(labels) == len(findings)
    assert any(label.startswith("Claims behind") for label in labels)
    evidence = next(e for e in at.expander if e.label == "Statements behind finding 1")
    assert len(evidence.dataframe[0].value) > 0


def test_a_page_over_current_analyses_loads_neither_models_nor_spacy(tmp_path):
    # In a fresh process, as a first visit: the store holds analyses made by this release (the shipped seed
    # written under the versions of now), so the page and the stale check after it need no model and no parse.
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    code = (
        "import sys\n"
        "from analysis import pipeline\n"
        "from analysis.store import Store\n"
        "from components.data import read_snapshot\n"
        f"store = Store({str(tmp_path / 'first.duckdb')!r})\n"
        "frames, _ = read_snapshot()\n"
        "store.write_batch(frames, pipeline.pipeline_version(), pipeline.models_version())\n"
        "store.set_meta('seeded', 'yes')\n"
        "store.close()\n"
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('dashboard.py', default_timeout=120).run()\n"
        "assert not at.exception, at.exception\n"
        "assert at.metric, 'no figures'\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'thinc', 'onnxruntime', 'transformers'}))\n"
    )
    env = {**__import__("os").environ, "PARLEY_DB": str(tmp_path / "first.duckdb")}
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
