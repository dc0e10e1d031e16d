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
from typing import Callable

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
                   "candidates.py")
DISPLAY_ONLY_CONFIG = ("colors.yaml", "oblasts.geojson", "loading.yaml")

Progress = Callable[[float, str], None]


class AnalysisError(RuntimeError):
    """An article could not be analysed; nothing of its batch was written."""


@dataclass
class Summary:
    analysed: int = 0
    skipped: int = 0
    statements: int = 0
    claims: int = 0
    notices: list[str] = field(default_factory=list)


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
) -> Summary:
    """Analyse the articles not yet analysed by these versions and write them to the store."""
    scorer, notices = load_scorer(use_models)
    summary = Summary(notices=notices)
    version, models_version = versions(scorer)
    # Without models, an article analysed earlier with models is not redone: redoing it would drop its scores.
    done = store.analysed(version, models_version if scorer else None)
    articles = conform(articles, "articles").drop_duplicates("article_id")
    todo = articles[~articles["article_id"].isin(done)]
    summary.skipped = len(articles) - len(todo)
    total = max(len(todo), 1)
    report = progress or (lambda fraction, message: None)
    for start in range(0, len(todo), batch_size):
        batch = todo.iloc[start : start + batch_size]
        report(start / total, f"Analysing articles {start + 1}–{start + len(batch)} of {len(todo)}")
        frames = extract(batch)
        if scorer:
            def model_progress(fraction: float, message: str, start=start, n=len(batch)) -> None:
                report((start + fraction * n) / total, message)

            frames["sentiments"], frames["stances"] = scorer.score(frames["statements"], store, model_progress)
        store.write_batch(frames, version, models_version)
        summary.analysed += len(batch)
        summary.statements += len(frames["statements"])
        summary.claims += len(frames["claims"])
    report(1.0, f"Analysed {summary.analysed} article(s); {summary.skipped} unchanged")
    return summary


def stale(store: Store, use_models: bool = True) -> pd.DataFrame:
    """Stored articles that the current pipeline and models have not analysed (e.g. after an upgrade)."""
    scorer = load_scorer(use_models)[0]
    version, models_version = versions(scorer)
    # The dashboard asks on every rerun: compare ids first, read article texts only when something is stale.
    outdated = store.article_ids() - store.analysed(version, models_version if scorer else None)
    if not outdated:
        return empty("articles")
    articles = store.read("articles")
    return articles[articles["article_id"].isin(outdated)]


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


def extract(articles: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Statements and claims of each article (no models), as contract tables."""
    found_statements, found_claims = [], []
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
            found_claims.append(claims.extract(article, said, doc=doc))
        except Exception as error:  # name the article; the batch is not written
            raise AnalysisError(
                f"Could not analyse article {article.get('title') or article['article_id']!r} "
                f"({article['article_id']}): {error}"
            ) from error
    return {
        "articles": articles,
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
