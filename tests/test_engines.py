"""The engines: the same tables whichever runs the analysis, bad articles skipped by name, Ray kept optional."""
import subprocess
import sys

import pandas as pd
import pytest

from analysis import engines, pipeline
from analysis.articles import load_paths
from analysis.tables import TABLES

ROOT = pipeline.CONFIG_DIR.parent

# Short news items written for these tests: quotes, reported speech, a transcript and territorial claims,
# enough for several batches of two.
ARTICLES = {
    "talks.txt": "Talks stall in Istanbul\nUkraine's foreign minister Dmytro Kuleba said on Monday that the "
                 "talks with Moscow were over. \"We will not trade our land for a ceasefire,\" he told reporters.",
    "front.txt": "Fighting near Bakhmut\nRussian forces captured the village of Soledar, the Russian defence "
                 "ministry said on Friday. Ukrainian officials said their troops were still holding Bakhmut.",
    "aid.txt": "New aid package\nThe US secretary of state Antony Blinken announced more military aid for Ukraine. "
               "\"Ukraine will get what it needs to defend itself,\" Blinken said.",
    "kharkiv.txt": "Counteroffensive in the east\nUkrainian troops reclaimed Izium and Kupiansk, the governor of "
                   "Kharkiv Oblast said. Russia's army said it was regrouping its forces.",
    "kremlin.txt": "Kremlin on sanctions\nKremlin spokesman Dmitry Peskov said the sanctions would not change "
                   "Russia's course. \"The special military operation will continue,\" Peskov said.",
    "grain.txt": "Grain corridor\nThe UN secretary-general said the grain deal had fed millions and urged both "
                 "sides to extend it. Turkey's president said he would host new talks.",
    "kherson.txt": "Advance in the south\nUkrainian forces are advancing toward Kherson, the general staff said. "
                   "\"The occupiers are retreating,\" a spokesman for the southern command said.",
}


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def analyze(corpus, out, *options):
    run = subprocess.run(
        [sys.executable, "-m", "analysis", "analyze", str(corpus), "--out", str(out), "--batch-size", "2", *options],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr
    return run


def test_ray_gives_the_same_tables_as_the_local_engine(corpus, tmp_path):
    pytest.importorskip("ray", reason="--engine ray needs requirements-ray.txt (CI installs it)")
    local = analyze(corpus, tmp_path / "local", "--workers", "2")
    ray = analyze(corpus, tmp_path / "ray", "--engine", "ray", "--workers", "2")
    frames = {table: pd.read_csv(tmp_path / "ray" / f"{table}.csv") for table in TABLES}
    for table in TABLES:
        expected = pd.read_csv(tmp_path / "local" / f"{table}.csv")
        # Row for row and column for column; model scores up to float32 rounding (ONNX Runtime's sums may
        # differ in the last bit with the batch a statement was scored in: about 1e-7).
        pd.testing.assert_frame_equal(frames[table], expected, check_exact=False, rtol=0, atol=1e-5, obj=table)
        assert frames[table].drop(columns="score", errors="ignore").equals(expected.drop(columns="score", errors="ignore")), table
    assert len(frames["articles"]) == len(ARTICLES)
    assert len(frames["statements"]) >= len(ARTICLES) and len(frames["claims"]) > 0
    # Scored by the models: one sentiment per statement, one stance per statement and target.
    assert len(frames["sentiments"]) == len(frames["statements"]) > 0
    assert len(frames["stances"]) % len(frames["statements"]) == 0 and len(frames["stances"]) > 0
    for run in (local, ray):
        assert f"{len(ARTICLES)}/{len(ARTICLES)}" in run.stderr  # the progress bar counts documents
        assert "statements/s" in run.stderr


def test_worker_processes_give_the_same_tables_as_one_process(corpus, store, tmp_path):
    articles = load_paths([corpus]).articles
    with engines.InlineEngine() as inline:
        pipeline.analyse(articles, store, use_models=False, batch_size=2, engine=inline)
    expected = store.tables()
    from analysis.store import Store

    other = Store(tmp_path / "workers.duckdb")
    # A pool per two batches: the workers are replaced while batches are still coming (a whole-corpus run
    # once hung there, in ProcessPoolExecutor's own worker replacement).
    summary = pipeline.analyse(articles, other, use_models=False, batch_size=1,
                               engine=engines.LocalEngine(2, batches_per_worker=1))
    assert summary.analysed == len(ARTICLES) and not summary.failed
    for table in TABLES:
        key = list(expected[table].columns[:2])
        pd.testing.assert_frame_equal(
            other.read(table).sort_values(key, ignore_index=True), expected[table].sort_values(key, ignore_index=True)
        )
    other.close()


def test_a_batch_of_one_failing_article_is_skipped(corpus, store, monkeypatch):
    articles = load_paths([corpus / "front.txt"]).articles
    monkeypatch.setattr(pipeline.statements, "extract", lambda article, doc=None: 1 / 0)
    summary = pipeline.analyse(articles, store, use_models=False)
    assert summary.analysed == 0 and "ZeroDivisionError" in summary.failed[0]
    assert store.read("articles").empty


@pytest.mark.parametrize(
    "name, workers, address, problem",
    [("spark", None, None, "Unknown engine"), ("local", 0, None, "at least 1"),
     ("local", 2, "10.0.0.1:6379", "--engine ray")],
)
def test_engine_choices_are_checked(name, workers, address, problem):
    with pytest.raises(ValueError, match=problem):
        engines.open_engine(name, workers, address)


def test_one_worker_runs_in_this_process_and_more_in_worker_processes():
    assert isinstance(engines.open_engine("local", 1), engines.InlineEngine)
    local = engines.open_engine("local", 2)
    assert isinstance(local, engines.LocalEngine) and local.workers == 2
    with pytest.raises(ValueError, match="InlineEngine"):
        engines.LocalEngine(1)


def test_the_default_command_line_and_the_dashboard_never_import_ray():
    code = ("import sys, analysis.__main__, analysis.engines, analysis.pipeline, components.data; "
            "from analysis.engines import open_engine; open_engine('local', 2); "
            "print('ray' in sys.modules)")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
