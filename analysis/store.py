"""The DuckDB file that holds every table of the data contract, plus the bookkeeping around it.

Besides the contract tables it keeps `runs` (which article was analysed by which pipeline and model
versions, so unchanged work is skipped), `score_cache` (model outputs keyed by text hash and model
version) and `corrections` (an analyst's fixes to speakers and parties, applied on every read).

The file is shared: the dashboard and the command line may use it at once. DuckDB lets one process
write a file, or many read it, never both, so no connection is kept open: every read opens a read-only
connection and every write a short transaction, and whoever finds the file locked waits (and says so)
until the other program lets go.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import duckdb
import pandas as pd
from platformdirs import user_data_dir

from analysis.parties import UNKNOWN
from analysis.tables import SCHEMA, TABLES, conform

_SQL_TYPES = {"string": "VARCHAR", "Int64": "BIGINT", "Float64": "DOUBLE"}

_BOOKKEEPING = {
    "runs": "article_id VARCHAR PRIMARY KEY, pipeline VARCHAR, models VARCHAR",
    "score_cache": "model VARCHAR, key VARCHAR, label VARCHAR, score DOUBLE, PRIMARY KEY (model, key)",
    "corrections": "speaker VARCHAR PRIMARY KEY, new_speaker VARCHAR, party VARCHAR",
    "meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
}

# How long to wait for another program to let go of the file before giving up with StoreBusy.
WAIT_SECONDS = 120.0

# One lock per file for this process: DuckDB refuses a read-only and a read-write connection to the same
# file within one process, so this process's sessions take turns (each turn lasts milliseconds).
_file_locks: dict[str, threading.RLock] = {}
_file_locks_guard = threading.Lock()


def _lock_for(path: str) -> threading.RLock:
    with _file_locks_guard:
        return _file_locks.setdefault(path, threading.RLock())


class StoreBusy(RuntimeError):
    """Another program held the store's file for longer than we were willing to wait."""


def default_path() -> Path:
    """`PARLEY_DB` if set, else parley.duckdb in the user's data directory."""
    configured = os.environ.get("PARLEY_DB")
    if configured:
        return Path(configured).expanduser()
    return Path(user_data_dir("parley", appauthor=False)) / "parley.duckdb"


def _tell_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Store:
    """One DuckDB database; `":memory:"` gives a throwaway one (the CLI's default).

    `on_wait(message)` is called once whenever the file is locked by another program and we start waiting.
    """

    def __init__(self, path: str | Path | None = None, wait_seconds: float = WAIT_SECONDS,
                 on_wait: Callable[[str], None] | None = None):
        target = default_path() if path is None else path
        self.memory = str(target) == ":memory:"
        if not self.memory:
            target = Path(target).resolve()
            target.parent.mkdir(parents=True, exist_ok=True)
        self.path = str(target)
        self.wait_seconds = wait_seconds
        self.on_wait = on_wait or _tell_stderr
        self._db = duckdb.connect(":memory:") if self.memory else None
        self._lock = _lock_for(self.path)
        self._writes = 0  # bumped on every write here; the file's stamp covers writes by other programs
        self._memo: dict[tuple, object] = {}
        self._memo_stamp: object = None
        with self._connection(write=True) as con:
            for table in TABLES:
                cols = ", ".join(f'"{c}" {_SQL_TYPES[t]}' for c, t in SCHEMA[table].items())
                con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols})")
                for column, dtype in SCHEMA[table].items():  # a store made by an older release gains new columns
                    con.execute(f'ALTER TABLE {table} ADD COLUMN IF NOT EXISTS "{column}" {_SQL_TYPES[dtype]}')
            for table, cols in _BOOKKEEPING.items():
                con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols})")

    @property
    def name(self) -> str:
        """The file's name without its folder: what messages show (a hosted app's visitors see them)."""
        return "in-memory store" if self.memory else Path(self.path).name

    @property
    def generation(self) -> tuple:
        """Changes whenever the store was written to, by this process or another, so readers know their
        cached frames are stale."""
        if self.memory:
            return (self._writes,)
        stamps = []
        for file in (self.path, self.path + ".wal"):
            try:
                info = os.stat(file)
                stamps.append((info.st_mtime_ns, info.st_size))
            except FileNotFoundError:
                stamps.append(None)
        return (self._writes, *stamps)

    # -- connections -------------------------------------------------------------------------
    @contextmanager
    def _connection(self, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one read or one write; the file is let go of as soon as it is done."""
        with self._lock:
            if self.memory:
                cursor = self._db.cursor()
                try:
                    yield cursor
                finally:
                    cursor.close()
                return
            con = self._open(write)
            try:
                yield con
            finally:
                con.close()

    def _open(self, write: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.wait_seconds
        delay, told = 0.05, False
        while True:
            try:
                return duckdb.connect(self.path, read_only=not write)
            except duckdb.IOException as error:
                if "lock" not in str(error).lower():
                    raise
                if time.monotonic() >= deadline:
                    raise StoreBusy(
                        f"The store {self.name} stayed in use by another program (the command line or a second "
                        f"dashboard) for {self.wait_seconds:.0f} s. Nothing was lost; try again when it has finished."
                    ) from None
                if not told:
                    told = True
                    self.on_wait(f"The store {self.name} is in use by another program (the command line or a second "
                                 "dashboard); waiting for it to finish…")
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def _remember(self, key: tuple, compute: Callable[[], object]):
        """Small answers asked on every dashboard rerun (ids, versions, meta), kept until the store changes."""
        stamp = self.generation
        if stamp != self._memo_stamp:
            self._memo, self._memo_stamp = {}, stamp
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def _wrote(self) -> None:
        self._writes += 1
        self._memo_stamp = None

    # -- reading -----------------------------------------------------------------------------
    def read(self, table: str) -> pd.DataFrame:
        """A contract table as a typed frame; statements come with the analyst's corrections applied."""
        with self._connection() as con:
            return self._read(con, table)

    def _read(self, con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
        key = next(iter(SCHEMA[table]))  # a stable order, so row positions in an editor keep meaning
        frame = conform(con.execute(f"SELECT * FROM {table} ORDER BY {key}").df(), table)
        if table == "statements":
            frame = apply_corrections(frame, self._corrections(con))
        if "party" in frame:
            # One name for "no party" everywhere downstream, whether the pipeline or a correction left it blank.
            frame["party"] = frame["party"].fillna(UNKNOWN).replace("", UNKNOWN)
        return frame

    def tables(self) -> dict[str, pd.DataFrame]:
        with self._connection() as con:  # one connection, so all tables come from one state of the file
            return {table: self._read(con, table) for table in TABLES}

    def analysed(self, pipeline: str, models: str | None) -> set[str]:
        """Articles already analysed by these pipeline and model versions (models None: by any models)."""
        def query() -> set[str]:
            with self._connection() as con:
                rows = con.execute(
                    "SELECT article_id FROM runs WHERE pipeline = ? AND (? IS NULL OR models = ?)",
                    [pipeline, models, models],
                ).fetchall()
            return {r[0] for r in rows}
        return set(self._remember(("analysed", pipeline, models), query))

    def article_ids(self) -> set[str]:
        def query() -> set[str]:
            with self._connection() as con:
                return {r[0] for r in con.execute("SELECT article_id FROM articles").fetchall()}
        return set(self._remember(("article_ids",), query))

    # -- writing -----------------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write connection in one transaction: all of it is written, or none (the error is re-raised)."""
        with self._connection(write=True) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                _rollback(con)
                raise
            finally:
                self._wrote()

    def write_batch(self, frames: dict[str, pd.DataFrame], pipeline: str, models: str) -> None:
        """Replace everything known about the batch's articles in one transaction.

        `frames` holds the contract tables for the articles in frames["articles"]; on any error
        nothing of the batch is written and the store is as it was.
        """
        ids = list(frames["articles"]["article_id"])
        if not ids:
            return
        typed = {table: conform(frames.get(table, pd.DataFrame()), table) for table in TABLES}
        with self._transaction() as cur:
            self._delete_articles(cur, ids)
            for table, frame in typed.items():
                if len(frame):
                    cur.register("batch_frame", frame)
                    cols = ", ".join(f'"{c}"' for c in SCHEMA[table])
                    cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM batch_frame")
                    cur.unregister("batch_frame")
            runs = pd.DataFrame({"article_id": ids, "pipeline": pipeline, "models": models})
            cur.register("batch_runs", runs)
            cur.execute("INSERT INTO runs SELECT article_id, pipeline, models FROM batch_runs")
            cur.unregister("batch_runs")

    def remove_articles(self, ids: list[str]) -> None:
        with self._transaction() as cur:
            self._delete_articles(cur, list(ids))

    @staticmethod
    def _delete_articles(cur: duckdb.DuckDBPyConnection, ids: list[str]) -> None:
        marks = pd.DataFrame({"article_id": ids})
        cur.register("doomed", marks)
        for table in ("sentiments", "stances"):
            cur.execute(
                f"DELETE FROM {table} WHERE statement_id IN "
                "(SELECT statement_id FROM statements WHERE article_id IN (SELECT article_id FROM doomed))"
            )
        for table in ("claims", "statements", "articles", "runs"):
            cur.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT article_id FROM doomed)")
        cur.unregister("doomed")

    # -- model score cache (see models/) ------------------------------------------------------
    def cached_scores(self, model: str, keys: list[str]) -> pd.DataFrame:
        """Cached outputs of `model` for these keys: columns key, label, score."""
        with self._connection() as cur:
            cur.register("wanted", pd.DataFrame({"key": pd.Series(list(keys), dtype="string")}))
            out = cur.execute(
                "SELECT c.key, c.label, c.score FROM score_cache c JOIN wanted w ON c.key = w.key WHERE c.model = ?",
                [model],
            ).df()
            cur.unregister("wanted")
        return out

    def put_scores(self, model: str, frame: pd.DataFrame) -> None:
        """Remember outputs (columns key, label, score) of `model`."""
        if frame.empty:
            return
        rows = frame[["key", "label", "score"]].drop_duplicates("key").assign(model=model)
        with self._transaction() as cur:
            cur.register("fresh", rows)
            cur.execute("INSERT OR REPLACE INTO score_cache SELECT model, key, label, score FROM fresh")
            cur.unregister("fresh")

    # -- analyst corrections -----------------------------------------------------------------
    def corrections(self) -> pd.DataFrame:
        with self._connection() as con:
            return self._corrections(con)

    @staticmethod
    def _corrections(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
        return con.execute("SELECT speaker, new_speaker, party FROM corrections").df()

    def save_correction(self, speaker: str, party: str | None = None, new_speaker: str | None = None) -> None:
        """Fix every statement whose extracted speaker is `speaker`: rename it and/or set its party.

        Corrections live apart from the extracted rows, so they survive re-analysis.
        """
        if not speaker:
            raise ValueError("A correction needs the speaker it applies to.")
        with self._transaction() as con:  # a later correction adds to an earlier one; never blanks what it leaves empty
            con.execute(
                "INSERT INTO corrections VALUES (?, ?, ?) ON CONFLICT (speaker) DO UPDATE SET "
                "new_speaker = COALESCE(excluded.new_speaker, new_speaker), party = COALESCE(excluded.party, party)",
                [speaker, new_speaker or None, party or None],
            )

    def remove_correction(self, speaker: str) -> None:
        with self._transaction() as con:
            con.execute("DELETE FROM corrections WHERE speaker = ?", [speaker])

    # -- small facts about the store itself (e.g. whether the seed corpus was loaded) -------------
    def meta(self, key: str) -> str | None:
        def query() -> str | None:
            with self._connection() as con:
                row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
            return row[0] if row else None
        return self._remember(("meta", key), query)

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as con:
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def close(self) -> None:
        """Only an in-memory store holds a connection; a file is let go of after every read and write."""
        if self._db is not None:
            self._db.close()


def _rollback(cur: duckdb.DuckDBPyConnection) -> None:
    """Undo the open transaction without hiding the error that caused it (COMMIT may already have ended it)."""
    try:
        cur.execute("ROLLBACK")
    except duckdb.Error:
        pass


def speaker_key(statements: pd.DataFrame) -> pd.Series:
    """What a correction is keyed on: the canonical speaker, or the mention when none was resolved."""
    speaker = statements["speaker"].fillna("")
    return speaker.where(speaker != "", statements["speaker_mention"].fillna(""))


def apply_corrections(statements: pd.DataFrame, corrections: pd.DataFrame) -> pd.DataFrame:
    if corrections.empty or statements.empty:
        return statements
    fixes = corrections.set_index("speaker")
    key = speaker_key(statements)
    out = statements.copy()
    new_speaker = key.map(fixes["new_speaker"]).astype("string")
    new_party = key.map(fixes["party"]).astype("string")
    out["speaker"] = new_speaker.fillna(out["speaker"])
    out["party"] = new_party.fillna(out["party"])
    return out

