"""The analysis on Ray: actors that each extract and score whole batches, the driver writing the store.

Each actor loads spaCy and the models once and keeps them for the batches it is given; it scores without
the store (an actor cannot reach the driver's DuckDB file) and hands its new model outputs back with the
batch, so the driver keeps the score cache filled for later runs. Batches go to whichever actor is free,
two at a time so that none waits for its next batch; results are written in the order they finish.

Without an address a Ray is started on this machine with `workers` CPUs, offline and without its
dashboard; with one (`ray start --head` on the head node, then `--address HOST:6379`) the project folder
is shipped to the cluster as the actors' working directory.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd
import ray

from analysis import pipeline
from analysis.engines import AHEAD_PER_WORKER, BATCHES_PER_WORKER, Engine
from analysis.pipeline import AnalysisError, BatchResult

ROOT = Path(__file__).resolve().parent.parent
# What a cluster's workers need of the project folder: code, config and weights, not history or tests.
SHIPPED_EXCLUDES = [".git", ".ci", "tests", "docs", "scripts", "seeds", "models/data", "*.duckdb", "__pycache__"]


class RecordingCache:
    """A score cache that knows nothing and remembers what it is given, for the driver to store."""

    def __init__(self):
        self.fresh: dict[str, pd.DataFrame] = {}

    def cached_scores(self, model: str, keys: list[str]) -> pd.DataFrame:
        return pd.DataFrame(columns=["key", "label", "score"])

    def put_scores(self, model: str, frame: pd.DataFrame) -> None:
        self.fresh[model] = pd.concat([self.fresh[model], frame]) if model in self.fresh else frame


@ray.remote(num_cpus=1)
class Worker:
    """One slot of the pool: spaCy and the models, loaded once, for as many batches as it is given."""

    def __init__(self, use_models: bool):
        # One core per actor: Ray places one actor per CPU it was given.
        os.environ["PARLEY_ONNX_THREADS"] = "1"
        self.scorer, self.notices = pipeline.load_scorer(use_models)

    def describe(self) -> tuple[str | None, list[str]]:
        return (self.scorer.version() if self.scorer else None), self.notices

    def analyse(self, batch: pd.DataFrame) -> BatchResult:
        frames, failed = pipeline.extract_each(batch)
        cache = RecordingCache()
        if self.scorer is not None:
            frames["sentiments"], frames["stances"] = self.scorer.score(frames["statements"], cache)
        return BatchResult(frames, failed, cache.fresh)


class RayEngine(Engine):
    def __init__(self, workers: int | None = None, address: str | None = None):
        self.workers = workers
        self.address = address
        self.started_ray = False
        self.actors: list = []
        self.use_models = True

    def start(self, use_models: bool) -> tuple[str | None, list[str]]:
        self.use_models = use_models
        if not ray.is_initialized():
            self._init()
        if self.workers is None:
            self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
        self.actors = [Worker.remote(use_models) for _ in range(self.workers)]
        answers = ray.get([actor.describe.remote() for actor in self.actors])
        versions = {version for version, _ in answers}
        if len(versions) > 1:
            raise AnalysisError(f"The Ray workers loaded different models ({', '.join(map(str, versions))}); "
                                "install the same Parley release on every node.")
        return answers[0]

    def _init(self) -> None:
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # offline: nothing is reported anywhere
        if self.address:
            ray.init(address=self.address, logging_level=logging.WARNING,
                     runtime_env={"working_dir": str(ROOT), "excludes": SHIPPED_EXCLUDES})
        else:
            ray.init(
                num_cpus=self.workers or os.cpu_count() or 1,
                include_dashboard=False,
                logging_level=logging.WARNING,
                log_to_driver=False,
                # Batches and results are small; a small object store keeps Ray's own memory small.
                object_store_memory=100 * 1024 * 1024,
                runtime_env={"env_vars": {"PYTHONPATH": str(ROOT), "RAY_USAGE_STATS_ENABLED": "0"}},
            )
            self.started_ray = True

    def run(self, batches: Iterable[pd.DataFrame], cache=None) -> Iterator[BatchResult]:
        batches = iter(batches)
        running: dict = {}  # object ref → actor slot
        served = [0] * len(self.actors)  # batches given to each slot's current actor

        def refill(slot: int) -> None:
            if served[slot] >= BATCHES_PER_WORKER:
                if slot in running.values():
                    return  # let it finish what it holds, then replace it
                # A fresh actor gives back what the old one accumulated (see engines.BATCHES_PER_WORKER).
                ray.kill(self.actors[slot])
                self.actors[slot], served[slot] = Worker.remote(self.use_models), 0
            while list(running.values()).count(slot) < AHEAD_PER_WORKER and served[slot] < BATCHES_PER_WORKER:
                batch = next(batches, None)
                if batch is None:
                    return
                running[self.actors[slot].analyse.remote(batch)] = slot
                served[slot] += 1

        for slot in range(len(self.actors)):
            refill(slot)
        while running:
            [ref], _ = ray.wait(list(running), num_returns=1)
            slot = running.pop(ref)
            try:
                result = ray.get(ref)
            except ray.exceptions.RayError as error:
                raise AnalysisError(f"A Ray worker failed ({type(error).__name__}: {str(error).splitlines()[0]}); "
                                    "the batches stored before it are kept.") from error
            refill(slot)
            yield result

    def close(self) -> None:
        for actor in self.actors:
            ray.kill(actor)
        self.actors = []
        if self.started_ray:
            ray.shutdown()
            self.started_ray = False
