"""The flow from articles to the store: skipping unchanged work, one failing article skipped, the CLI."""
import os
import subprocess
import sys

import pandas as pd
import pytest

from analysis import pipeline
from analysis.articles import load_file, load_paths
from analysis.tables import SCHEMA

ROOT = pipeline.CONFIG_DIR.parent


def seed():
    return load_paths([ROOT / "seeds"]).articles


def test_seed_is_analysed_once(store):
    first = pipeline.analyse(seed(), store, use_models=False)
    assert (first.analysed, first.skipped) == (1, 0)
    assert first.statements > 0 and len(store.read("statements")) == first.statements
    again = pipeline.analyse(seed(), store, use_models=False)
    assert (again.analysed, again.skipped) == (0, 1)


def test_a_failing_article_is_named_and_the_rest_of_its_batch_written(store, monkeypatch):
    pipeline.analyse(seed(), store, use_models=False)
    before = store.read("statements")
    good = load_file("good.txt", b"Good one\nThe minister said the talks were constructive.").articles
    bad = load_file("bad.txt", b"Broken article\nThis text makes the extractor fail.").articles
    worse = load_file("worse.txt", b"Another broken one\nThis one makes the extractor fail too.").articles
    real = pipeline.statements.extract

    def flaky(article, doc=None):
        if "extractor fail" in article["text"]:
            raise ValueError("boom")
        return real(article, doc=doc)

    monkeypatch.setattr(pipeline.statements, "extract", flaky)
    summary = pipeline.analyse(pd.concat([bad, good, worse]), store, use_models=False)
    assert summary.analysed == 1 and len(summary.failed) == 2
    assert "'Broken article'" in summary.failed[0] and "ValueError: boom" in summary.failed[0]
    assert "'Another broken one'" in summary.failed[1]
    assert any("Broken article" in notice for notice in summary.notices)  # said wherever notices are shown
    assert set(store.read("articles")["title"]) == {seed()["title"].iloc[0], "Good one"}
    assert len(store.read("statements")) > len(before)
    # Not marked as analysed: the next run tries them again, and with a working extractor stores them.
    monkeypatch.setattr(pipeline.statements, "extract", real)
    again = pipeline.analyse(pd.concat([bad, good, worse]), store, use_models=False)
    assert (again.analysed, again.skipped, again.failed) == (2, 1, [])


def test_editing_config_changes_the_pipeline_version(tmp_path, monkeypatch):
    (tmp_path / "parties.yaml").write_text("a: 1\n")
    monkeypatch.setattr(pipeline, "CONFIG_DIR", tmp_path)
    monkeypatch.setattr(pipeline, "CODE_DIR", tmp_path)
    first = pipeline.pipeline_version()
    assert pipeline.pipeline_version() == first  # unchanged files: the same version
    edited = tmp_path / "parties.yaml"
    edited.write_text("a: 2\n")
    later = edited.stat().st_mtime_ns + 1_000_000_000  # an edit a second later, as an analyst's would be
    os.utime(edited, ns=(later, later))
    assert pipeline.pipeline_version() != first


def test_stale_articles_are_found_after_an_upgrade(store, monkeypatch):
    pipeline.analyse(seed(), store, use_models=False)
    assert pipeline.stale(store, use_models=False).empty
    monkeypatch.setattr(pipeline, "pipeline_version", lambda: "next release")
    assert len(pipeline.stale(store, use_models=False)) == 1


def test_cli_writes_the_contract_tables(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"text": "Ukraine\'s foreign minister said the talks were over.", "title": "Talks"}\n{broken\n')
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "analyze", str(ROOT / "seeds"), str(corpus), str(empty),
         "--out", str(out), "--no-models"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "empty.txt: rejected. File is empty." in run.stderr
    assert "Line 2" in run.stderr
    for table, columns in SCHEMA.items():
        frame = pd.read_csv(out / f"{table}.csv")
        assert list(frame.columns) == list(columns)
    articles = pd.read_csv(out / "articles.csv")
    assert len(articles) == 2
    statements = pd.read_csv(out / "statements.csv")
    assert set(statements["article_id"]) <= set(articles["article_id"]) and len(statements) > 0


def test_a_run_without_models_keeps_earlier_scores(store):
    pipeline.analyse(seed(), store, use_models=False)
    ids = store.read("statements")["statement_id"]
    scored = pd.DataFrame({"statement_id": ids, "label": "neutral", "score": 0.9, "model": "m@1"})
    frames = pipeline.extract(seed())
    frames["sentiments"] = scored
    store.write_batch(frames, pipeline.pipeline_version(), "models@1")  # as if analysed with models
    summary = pipeline.analyse(seed(), store, use_models=False)
    assert (summary.analysed, summary.skipped) == (0, 1)
    assert pipeline.stale(store, use_models=False).empty
    assert len(store.read("sentiments")) == len(ids)


def test_batches_are_cut_by_article_count_and_by_text_size():
    from analysis.pipeline import batched
    articles = pd.DataFrame({"text": ["a" * 100] * 7 + ["b" * 300_000] + ["c" * 10] * 30})
    batches = list(batched(articles, 25, characters=250_000))
    assert [len(b) for b in batches] == [7, 1, 25, 5]  # a long text alone; never more than 25 articles
    assert pd.concat(batches).equals(articles)  # every article once, in order
    assert list(batched(articles.head(0), 25)) == []
