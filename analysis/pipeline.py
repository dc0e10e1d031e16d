"""Runs the one-way flow over a frame of articles and writes the results to a store.

articles → statements (with speakers and parties) → claims → model scores → store, in batches,
each batch one transaction. Articles already analysed by the same pipeline and model versions
are skipped, so re-opening the dashboard or re-running the CLI on the same files does no work.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from analysis import claims, nlp, statements
from analysis.store import Store
from analysis.tables import conform, empty

CODE_DIR = Path(__file__).resolve().parent
CONFIG_DIR = CODE_DIR.parent / "config"
# What extraction depends on: changing any of these re-analyses stored articles. Chart colours, the
# evaluator or the store do not.
EXTRACTION_CODE = ("articles.py", "statements.py", "speakers.py", "parties.py", "claims.py", "places.py", "pipeline.py",
                   "nlp.py", "cues.py", "quotes.py", "turns.py", "attribution.py", "reported.py", "people.py",
                   "candidates.py", "claim_rules.py", "pipes.py")
# Past its first article, a batch holds at most this much text (see `batched`).
BATCH_CHARACTERS = 250_000
DISPLAY_ONLY_CONFIG = ("colors.yaml", "oblasts.geojson", "loading.yaml")

Progress = Callable[[float, str], None]


class AnalysisError(RuntimeError):
    """The analysis as a whole could not go on (e.g. a worker died); batches written before it are kept."""


@dataclass
class Summary:
    analysed: int = 0
    skipped: int = 0
    statements: int = 0
    claims: int = 0
    notices: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # one line per article that was skipped, with the reason


@dataclass
class Tally:
    """Where a run stands, after each stored batch: what a progress bar shows."""

    done: int
    total: int
    statements: int


@dataclass
class BatchResult:
    """What a worker hands back for one batch: the contract tables of the articles that could be analysed
    (with sentiments and stances when the worker scored them), the articles it skipped and why, and the
    model outputs it computed, for the driver to keep in the store's score cache."""

    frames: dict[str, pd.DataFrame]
    failed: list[str] = field(default_factory=list)
    fresh_scores: dict[str, pd.DataFrame] = field(default_factory=dict)


def pipeline_version() -> str:
    """A hash of the extraction code and every config file: changing either re-analyses stored articles."""
    code = [CODE_DIR / name for name in EXTRACTION_CODE]
    config = [p for p in CONFIG_DIR.rglob("*") if p.name not in DISPLAY_ONLY_CONFIG]  # (and config/<language>/)
    files = tuple(sorted(p for p in code + config if p.is_file()))
    # Asked on every dashboard rerun: hash the files again only when one of them has changed.
    return _hash_files(files, tuple(p.stat().st_mtime_ns for p in files))


@lru_cache(maxsize=4)
def _hash_files(files: tuple[Path, ...], stamps: tuple[int, ...]) -> str:
    digest = hashlib.sha1()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def analyse(
    articles: pd.DataFrame,
    store: Store,
    use_models: bool = True,
    progress: Progress | None = None,
    batch_size: int = 25,
    engine=None,
    on_batch: Callable[[Tally], None] | None = None,
) -> Summary:
    """Analyse the articles not yet analysed by these versions and write them to the store.

    `engine` (analysis.engines) decides where extraction and scoring run; by default both run here, one
    batch after the other. Whatever the engine, this process is the only one that writes the store.
    """
    from analysis.engines import InlineEngine, give_back_memory

    engine = engine or InlineEngine()
    with engine:
        models_version, notices = engine.start(use_models)
        summary = Summary(notices=list(notices))
        version = pipeline_version()
        # Without models, an article analysed earlier with models is not redone: redoing it would drop its scores.
        done = store.analysed(version, models_version)
        articles = conform(articles, "articles").drop_duplicates("article_id")
        todo = articles[~articles["article_id"].isin(done)]
        summary.skipped = len(articles) - len(todo)
        total = max(len(todo), 1)
        report = progress or (lambda fraction, message: None)
        if on_batch:
            on_batch(Tally(0, len(todo), 0))
        if len(todo):
            report(0.0, f"Analysing {len(todo)} article(s)")
        batches = batched(todo, batch_size)
        for result in engine.run(batches, store):
            frames = result.frames
            position = summary.analysed + len(summary.failed)
            report(position / total, f"Analysing articles {position + 1}–{position + len(frames['articles'])} "
                                     f"of {len(todo)}")
            if engine.scorer is not None and "sentiments" not in frames:
                def model_progress(fraction: float, message: str, start=position, n=len(frames["articles"])) -> None:
                    report((start + fraction * n) / total, message)

                frames["sentiments"], frames["stances"] = engine.scorer.score(frames["statements"], store,
                                                                              model_progress)
            for model, outputs in result.fresh_scores.items():
                store.put_scores(model, outputs)
            store.write_batch(frames, version, models_version or "")
            give_back_memory()
            summary.failed += result.failed
            summary.analysed += len(frames["articles"])
            summary.statements += len(frames["statements"])
            summary.claims += len(frames["claims"])
            if on_batch:
                on_batch(Tally(summary.analysed + len(summary.failed), len(todo), summary.statements))
    if summary.failed:
        # Said among the notices too, so that every caller that shows notices shows these.
        summary.notices.append(f"{len(summary.failed)} article(s) could not be analysed and were skipped: "
                               + "; ".join(summary.failed))
    report(1.0, f"Analysed {summary.analysed} article(s); {summary.skipped} unchanged")
    return summary


def batched(articles: pd.DataFrame, size: int, characters: int = BATCH_CHARACTERS) -> Iterator[pd.DataFrame]:
    """The articles in batches of at most `size` articles and, past the first article of each, `characters`
    characters of text: what a batch holds while it is parsed grows with its text, and 25 long transcripts
    at once took a process from 0.55 to 0.98 GB."""
    lengths = articles["text"].fillna("").str.len().tolist()
    start, held = 0, 0
    for i, length in enumerate(lengths):
        if i > start and (i - start >= size or held + length > characters):
            yield articles.iloc[start:i]
            start, held = i, 0
        held += length
    if start < len(lengths):
        yield articles.iloc[start:]


def stale(store: Store, use_models: bool = True) -> pd.DataFrame:
    """Stored articles that the current pipeline and models have not analysed (e.g. after an upgrade)."""
    # The dashboard asks on every rerun: compare ids first, read article texts only when something is stale.
    outdated = store.article_ids() - store.analysed(pipeline_version(), models_version(use_models))
    if not outdated:
        return empty("articles")
    articles = store.read("articles")
    return articles[articles["article_id"].isin(outdated)]


def models_version(use_models: bool = True) -> str | None:
    """The version of the models an analysis would use now (None: no models), learnt from their weight
    files without loading them where it can be: the stale check runs after every page, and loading both
    models only to learn it made the first visit wait seconds."""
    if not use_models:
        return None
    from models.scoring import planned_version

    planned = planned_version()
    if planned is not None:
        return planned
    scorer = load_scorer(use_models)[0]
    return scorer.version() if scorer else None


def load_scorer(use_models: bool = True) -> tuple[object | None, list[str]]:
    """The sentiment and stance models and their notices, or None and a notice saying why they are missing."""
    if not use_models:
        return None, []
    try:
        scorer = _scorer()
    except Exception as error:  # no weights or no runtime: still extract statements and claims, and say so
        return None, [f"Sentiment and stance models could not be loaded ({error}); "
                      "statements were analysed without them."]
    return scorer, list(scorer.notices())


def versions(scorer) -> tuple[str, str]:
    """What a stored analysis is keyed on: the pipeline version and the models' version (empty without models)."""
    return pipeline_version(), scorer.version() if scorer else ""


def extract_each(articles: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """`extract` over the batch, and where it fails, over each article alone: an article that cannot be
    analysed is left out and named with the reason, and the rest of its batch is kept."""
    try:
        return extract(articles), []
    except Exception as error:  # find which article it was; the others are analysed on their own
        if len(articles) == 1:
            return _extracted([], articles), [_failure(articles.iloc[0], error)]
    kept, failed = [], []
    for i in range(len(articles)):
        one = articles.iloc[i : i + 1]
        try:
            kept.append(extract(one))
        except Exception as error:
            failed.append(_failure(one.iloc[0], error))
    return _extracted(kept, articles), failed


def _extracted(kept: list[dict[str, pd.DataFrame]], articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {
        "articles": _concat([f["articles"] for f in kept], "articles") if kept else articles.iloc[:0],
        "statements": _concat([f["statements"] for f in kept], "statements"),
        "claims": _concat([f["claims"] for f in kept], "claims"),
    }


def _failure(article: pd.Series, error: Exception) -> str:
    # The extractor may already have wrapped the error with the article's name: report the cause once.
    cause = error.__cause__ if isinstance(error, AnalysisError) and error.__cause__ else error
    title = "" if pd.isna(article.get("title")) else str(article.get("title") or "")
    reason = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return f"{title or article['article_id']!r} ({article['article_id']}): {type(cause).__name__}: {reason[:300]}"


def extract(articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Statements and claims of each article (no models), as contract tables."""
    found_statements, found_claims, unplaced = [], [], []
    # Extractors see plain strings: a missing title or author is "", never pd.NA.
    records = articles.astype(object).fillna("").to_dict("records")
    # One parse per article, in one pipe over the batch, shared by statements and claims.
    try:
        docs = nlp.parse([str(article["text"]) for article in records])
    except Exception:  # parse one by one below, so that the error names its article
        docs = [None] * len(records)
    for article, doc in zip(records, docs):
        try:
            if doc is None:
                doc = nlp.parse([str(article["text"])])[0]
            said = statements.extract(article, doc=doc)
            found_statements.append(said)
            found, unlocated = claims.extract_counted(article, said, doc=doc)
            found_claims.append(found)
            unplaced.append(unlocated)
        except Exception as error:  # name the article; the batch is not written
            raise AnalysisError(
                f"Could not analyse article {article.get('title') or article['article_id']!r} "
                f"({article['article_id']}): {error}"
            ) from error
    return {
        "articles": articles.assign(unplaced_claims=pd.array(unplaced, dtype="Int64")),
        "statements": _concat(found_statements, "statements"),
        "claims": _concat(found_claims, "claims"),
    }


def _concat(frames: list[pd.DataFrame], table: str) -> pd.DataFrame:
    frames = [conform(f, table) for f in frames if len(f)]
    return conform(pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(), table)


def _scorer():
    # Imported here so that `--no-models` never loads the model stack.
    from models.scoring import Scorer

    return Scorer.default()
