"""Scores statements with the sentiment and stance models, as contract tables.

Work is done once per distinct text (and per distinct target + text), in length-sorted batches, and
remembered in the store's score cache under the model's name@version, so re-running over the same
statements, or over quotes repeated across articles, runs no model at all.
"""
from __future__ import annotations

import hashlib
import threading
from typing import Callable, Protocol

import pandas as pd

from analysis.tables import conform, empty
from models import registry, targets as targets_config
from models.registry import LoadedModel
from models.targets import Target

Progress = Callable[[float, str], None]


class ScoreCache(Protocol):
    def cached_scores(self, model: str, keys: list[str]) -> pd.DataFrame: ...
    def put_scores(self, model: str, frame: pd.DataFrame) -> None: ...


def text_key(text: str, target: str = "") -> str:
    """Cache key of a model input: the text, and for stance the target description it was read with."""
    payload = f"{target}\x1f{text}" if target else text
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


class Scorer:
    """Sentiment for every statement and stance toward every configured target."""

    _default: "Scorer | None" = None
    _default_lock = threading.Lock()

    def __init__(self, sentiment: LoadedModel, stance: LoadedModel, targets: list[Target]):
        self.sentiment = sentiment
        self.stance = stance
        self.targets = list(targets)

    @classmethod
    def default(cls) -> "Scorer":
        """The process's scorer; rebuilt (models stay loaded) when config/targets.yaml changes."""
        current = targets_config.load()
        with cls._default_lock:
            if cls._default is None or cls._default.targets != current:
                cls._default = cls(registry.load("sentiment"), registry.load("stance"), current)
            return cls._default

    def version(self) -> str:
        """Changes when either model's weights or the targets change."""
        return scorer_version(self.sentiment.name, self.stance.name, self.targets)

    def notices(self) -> list[str]:
        return [m.notice for m in (self.sentiment, self.stance) if m.notice]

    def score(
        self, statements: pd.DataFrame, cache: ScoreCache | None = None, progress: Progress | None = None
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(sentiments, stances) of the statements; `cache` is the store (or None to keep nothing)."""
        if statements.empty:
            return empty("sentiments"), empty("stances")
        ids = statements["statement_id"].astype("string").tolist()
        texts = statements["text"].astype("string").fillna("").tolist()

        sentiment_inputs = [("", t) for t in texts]
        stance_inputs = [(target.description, t) for target in self.targets for t in texts]
        jobs = [(self.sentiment, sentiment_inputs), (self.stance, stance_inputs)]
        plans = [_plan(model, inputs, cache) for model, inputs in jobs]
        todo = sum(len(missing) for _, missing in plans) or 1
        done = 0
        report = progress or (lambda fraction, message: None)

        results = []
        for (model, inputs), (known, missing) in zip(jobs, plans):
            if missing:
                offset = done

                def batch_done(finished: int, total: int, offset=offset, task=model.spec.task) -> None:
                    report((offset + finished) / todo, f"Scoring {task}: {finished} of {total} new inputs")

                fresh = _run(model, missing, batch_done)
                done += len(missing)
                if cache is not None:
                    cache.put_scores(model.name, fresh)
                known = pd.concat([known, fresh], ignore_index=True) if len(known) else fresh
            results.append(known.drop_duplicates("key").set_index("key"))
        report(1.0, f"Scored {len(texts)} statement(s) ({done} new model input(s))")

        sentiment_keys = [text_key(t, d) for d, t in sentiment_inputs]
        sentiments = _frame(results[0], sentiment_keys, {"statement_id": ids}, self.sentiment.name, "sentiments")
        stance_keys = [text_key(t, d) for d, t in stance_inputs]
        stance_columns = {
            "statement_id": ids * len(self.targets),
            "target": [target.name for target in self.targets for _ in texts],
        }
        stances = _frame(results[1], stance_keys, stance_columns, self.stance.name, "stances")
        return sentiments, stances


def scorer_version(sentiment: str, stance: str, targets: list[Target]) -> str:
    """What `Scorer.version()` is, from the two models' names (name@weights digest) and the targets."""
    digest = hashlib.sha1(sentiment.encode())
    digest.update(stance.encode())
    for target in targets:
        digest.update(f"\x1e{target.name}\x1f{target.description}".encode())
    return digest.hexdigest()[:12]


def planned_version() -> str | None:
    """`Scorer.default().version()` without loading the models (the weight files hashed, once per change), or
    None when only loading them can tell (a hub model asked for, or the models cannot be loaded)."""
    sentiment, stance = registry.planned_name("sentiment"), registry.planned_name("stance")
    if sentiment is None or stance is None:
        return None
    return scorer_version(sentiment, stance, targets_config.load())


def _plan(model: LoadedModel, inputs: list[tuple[str, str]], cache: ScoreCache | None):
    """(cached outputs, distinct inputs still to score) for one model."""
    distinct: dict[str, tuple[str, str]] = {}
    for description, text in inputs:
        distinct.setdefault(text_key(text, description), (description, text))
    known = pd.DataFrame(columns=["key", "label", "score"])
    if cache is not None and distinct:
        known = cache.cached_scores(model.name, list(distinct))
    have = set(known["key"].astype(str)) if len(known) else set()
    missing = {k: v for k, v in distinct.items() if k not in have}
    return known, missing


def _run(model: LoadedModel, missing: dict[str, tuple[str, str]], progress) -> pd.DataFrame:
    keys = list(missing)
    descriptions = [missing[k][0] for k in keys]
    texts = [missing[k][1] for k in keys]
    if model.spec.task == "stance":
        labels, scores = model.predict_stance(texts, descriptions, progress=progress)
    else:
        labels, scores = model.predict(texts, progress=progress)
    return pd.DataFrame({"key": keys, "label": labels, "score": scores})


def _frame(results: pd.DataFrame, keys: list[str], columns: dict, model: str, table: str) -> pd.DataFrame:
    found = results.reindex(keys)
    frame = pd.DataFrame(columns)
    frame["label"] = found["label"].to_numpy()
    frame["score"] = found["score"].astype(float).to_numpy()
    frame["model"] = model
    return conform(frame, table)
