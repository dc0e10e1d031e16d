"""Where the analysis runs: here, in worker processes on this machine, or on a Ray cluster.

An engine turns batches of articles into `BatchResult`s; `pipeline.analyse` writes each result to the
store as it comes back, so whatever the engine, the driver is the only process that writes the store.

- `InlineEngine`: everything in this process, one batch after the other (the dashboard, `--workers 1`).
- `LocalEngine`: spaCy extraction in worker processes, a few batches ahead, while this process scores
  earlier batches with the models on one lane (a thread) per core. spaCy lives only in the workers and
  the models only here, held once for all lanes, so adding a worker adds one spaCy, not another copy of
  everything; and scoring here keeps the store's score cache in use.
- `RayEngine` (analysis/ray_engine.py, needs requirements-ray.txt): actors that each extract and score
  whole batches, models loaded once per actor.
"""
from __future__ import annotations

import copy
import ctypes
import functools
import dataclasses
import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from queue import Queue
from concurrent.futures.process import BrokenProcessPool
from typing import Iterable, Iterator

import pandas as pd

from analysis import pipeline
from analysis.pipeline import AnalysisError, BatchResult
from analysis.tables import conform

ENGINES = ("local", "ray")
# A worker process is replaced after this many batches, so that whatever spaCy accumulates over a long run
# (its string store grows with every new word) is given back: a worker's memory is bounded whatever the
# corpus size, at the cost of one spaCy load (a few seconds) per 1,000 articles.
BATCHES_PER_WORKER = 40
# How many batches each extraction worker may be ahead of the scoring; more only holds more memory.
AHEAD_PER_WORKER = 2


class Engine:
    """Runs batches; `scorer` is set when the models run in this process (the driver scores)."""

    scorer = None

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self, use_models: bool) -> tuple[str | None, list[str]]:
        """Load what the run needs; (models version, or None when there are no models; notices)."""
        self.scorer, notices = pipeline.load_scorer(use_models)
        return (self.scorer.version() if self.scorer else None), notices

    def run(self, batches: Iterable[pd.DataFrame], cache=None) -> Iterator[BatchResult]:
        """Results of the batches, with sentiments and stances when the engine scored them (using `cache`,
        the store's score cache, where it can reach it); those without are scored by the caller."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class InlineEngine(Engine):
    """Extraction and scoring in this process, one batch after the other."""

    def __init__(self, threads: int | None = None):
        self.threads = threads

    def start(self, use_models: bool) -> tuple[str | None, list[str]]:
        if self.threads:
            use_threads(self.threads)
        return super().start(use_models)

    def run(self, batches: Iterable[pd.DataFrame], cache=None) -> Iterator[BatchResult]:
        for batch in batches:  # scored by the caller, which reports the models' progress within a batch
            yield _extract(batch)


class LocalEngine(Engine):
    """spaCy extraction in worker processes while this process scores with the models on `workers` lanes."""

    def __init__(self, workers: int = 2, batches_per_worker: int = BATCHES_PER_WORKER):
        if workers < 2:
            raise ValueError("LocalEngine needs at least 2 workers; use InlineEngine for one.")
        self.workers = workers
        self.batches_per_worker = batches_per_worker
        self.submitted = 0
        self.extractors = workers
        self.pool: ProcessPoolExecutor | None = None
        self.lanes: ThreadPoolExecutor | None = None
        self.lane_scorers: Queue = Queue()

    def start(self, use_models: bool) -> tuple[str | None, list[str]]:
        # With models, extraction is about a quarter of the work: half the cores extract, and as many scoring
        # lanes as cores take what the extraction leaves idle. Without models every core extracts.
        self.extractors = max(1, self.workers // 2) if use_models else self.workers
        self._new_pool()
        # One thread per scoring lane, each batch on one lane: lanes keep every core busy even when the
        # machine is shared, where one batch split over threads waits for its slowest thread at every layer.
        use_threads(1)
        version, notices = super().start(use_models)
        if self.scorer is not None:
            self.lanes = ThreadPoolExecutor(self.workers, thread_name_prefix="scoring")
            for _ in range(self.workers):
                self.lane_scorers.put(_lane_copy(self.scorer))
        return version, notices

    def run(self, batches: Iterable[pd.DataFrame], cache=None) -> Iterator[BatchResult]:
        if self.lanes is None:
            yield from self._extracted(batches)
            return
        scoring = deque()
        for extracted in self._extracted(batches):
            scoring.append(self.lanes.submit(self._score, extracted, cache))
            if len(scoring) > self.workers:
                yield scoring.popleft().result()
        while scoring:
            yield scoring.popleft().result()

    def _score(self, result: BatchResult, cache) -> BatchResult:
        scorer = self.lane_scorers.get()
        try:
            result.frames["sentiments"], result.frames["stances"] = scorer.score(result.frames["statements"], cache)
        finally:
            self.lane_scorers.put(scorer)
        give_back_memory()
        return result

    def _new_pool(self) -> None:
        """Worker processes that load spaCy now (the pool starts them on demand), while this process loads the
        models. A pool serves `batches_per_worker` batches per worker and is then replaced (see `_extracted`):
        ProcessPoolExecutor's own max_tasks_per_child deadlocks once a worker retires with batches still
        queued (CPython gh-115634, in 3.11 to 3.14), which stopped a whole-corpus run at its 40th batch."""
        self.pool = ProcessPoolExecutor(
            self.extractors,
            # Not fork: this process may already run ONNX Runtime threads, which a fork would copy half-made.
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_warm,
        )
        for _ in range(self.extractors):
            self.pool.submit(int)
        self.submitted = 0

    def _extracted(self, batches: Iterable[pd.DataFrame]) -> Iterator[BatchResult]:
        ahead = deque()
        try:
            for batch in batches:
                if self.submitted >= self.batches_per_worker * self.extractors:
                    while ahead:  # the old pool's batches first, then the old workers exit
                        yield ahead.popleft().result()
                    self.pool.shutdown(wait=True)
                    self._new_pool()
                ahead.append(self.pool.submit(_extract, batch))
                self.submitted += 1
                if len(ahead) > AHEAD_PER_WORKER * self.extractors:
                    yield ahead.popleft().result()
            while ahead:
                yield ahead.popleft().result()
        except BrokenProcessPool as error:
            raise AnalysisError(
                "An extraction worker process died (out of memory?); the batches stored before it are kept. "
                "Run again with fewer --workers."
            ) from error
        finally:
            for future in ahead:
                future.cancel()

    def close(self) -> None:
        if self.lanes is not None:
            self.lanes.shutdown(wait=True, cancel_futures=True)
            self.lanes = None
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


def open_engine(name: str = "local", workers: int | None = None, address: str | None = None) -> Engine:
    """The engine the command line asked for; `workers` defaults to this machine's cores."""
    if name not in ENGINES:
        raise ValueError(f"Unknown engine {name!r}; choose one of {', '.join(ENGINES)}.")
    if workers is not None and workers < 1:
        raise ValueError(f"--workers must be at least 1, not {workers}.")
    if address and name != "ray":
        raise ValueError("--address names a Ray cluster; use it with --engine ray.")
    if name == "ray":
        from analysis.ray_engine import RayEngine  # only this engine needs Ray installed

        return RayEngine(workers=workers, address=address)
    workers = workers or os.cpu_count() or 1
    return InlineEngine(threads=1) if workers == 1 else LocalEngine(workers)


def use_threads(threads: int) -> None:
    """Cores the models may use in this process; read when a model is loaded."""
    os.environ["PARLEY_ONNX_THREADS"] = str(threads)


def _lane_copy(scorer):
    """The scorer for one lane: the same ONNX sessions (safe to run from several threads, and the weights are
    held once), each with its own tokenizer, which must not be used by two threads at once."""
    def twin(model):
        classifier = copy.copy(model.classifier)
        classifier.tokenizer = copy.deepcopy(model.classifier.tokenizer)
        return dataclasses.replace(model, classifier=classifier)

    return type(scorer)(twin(scorer.sentiment), twin(scorer.stance), scorer.targets)


def _warm() -> None:
    # Load spaCy and the gazetteer when the worker starts, not inside its first batch.
    pipeline.extract_each(conform(pd.DataFrame({"article_id": ["warm-up"], "text": ["Warm-up."]}), "articles"))


def _extract(batch: pd.DataFrame) -> BatchResult:
    frames, failed = pipeline.extract_each(batch)
    give_back_memory()
    return BatchResult(frames, failed)


@functools.lru_cache(maxsize=1)
def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (macOS, Windows, musl): nothing to give back this way
        return None


def give_back_memory() -> None:
    """Return the memory a batch freed to the system. glibc keeps freed blocks for reuse, and after a long
    transcript's parse or scoring what it keeps is most of a worker's size; trimming after each batch keeps
    the resident size near what the next batch needs (measured in the README's engines table)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
