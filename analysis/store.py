"""The DuckDB file that holds every table of the data contract, plus the bookkeeping around it.

Besides the contract tables it keeps `runs` (which article was analysed by which pipeline and model
versions, so unchanged work is skipped), `score_cache` (model outputs keyed by text hash and model
version) and `corrections` (an analyst's fixes to speakers and parties, applied on every read).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

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


def default_path() -> Path:
    """`PARLEY_DB` if set, else parley.duckdb in the user's data directory."""
    configured = os.environ.get("PARLEY_DB")
    if configured:
        return Path(configured).expanduser()
    return Path(user_data_dir("parley", appauthor=False)) / "parley.duckdb"


class Store:
    """One DuckDB database; `":memory:"` gives a throwaway one (the CLI's default)."""

    def __init__(self, path: str | Path | None = None):
        target = default_path() if path is None else path
        if str(target) != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        self.path = str(target)
        self._db = duckdb.connect(self.path)
        self._lock = threading.Lock()  # one writer at a time across the app's sessions
        self.generation = 0  # bumped on every write, so readers know their cached frames are stale
        for table in TABLES:
            cols = ", ".join(f'"{c}" {_SQL_TYPES[t]}' for c, t in SCHEMA[table].items())
            self._db.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols})")
            for column, dtype in SCHEMA[table].items():  # a store made by an older release gains new columns
                self._db.execute(f'ALTER TABLE {table} ADD COLUMN IF NOT EXISTS "{column}" {_SQL_TYPES[dtype]}')
        for table, cols in _BOOKKEEPING.items():
            self._db.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols})")

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        return self._db.cursor()

    # -- reading -----------------------------------------------------------------------------
    def read(self, table: str) -> pd.DataFrame:
        """A contract table as a typed frame; statements come with the analyst's corrections applied."""
        key = next(iter(SCHEMA[table]))  # a stable order, so row positions in an editor keep meaning
        frame = conform(self._cursor().execute(f"SELECT * FROM {table} ORDER BY {key}").df(), table)
        if table == "statements":
            frame = apply_corrections(frame, self.corrections())
        if "party" in frame:
            # One name for "no party" everywhere downstream, whether the pipeline or a correction left it blank.
            frame["party"] = frame["party"].fillna(UNKNOWN).replace("", UNKNOWN)
        return frame

    def tables(self) -> dict[str, pd.DataFrame]:
        return {table: self.read(table) for table in TABLES}

    def analysed(self, pipeline: str, models: str | None) -> set[str]:
        """Articles already analysed by these pipeline and model versions (models None: by any models)."""
        rows = self._cursor().execute(
            "SELECT article_id FROM runs WHERE pipeline = ? AND (? IS NULL OR models = ?)", [pipeline, models, models]
        ).fetchall()
        return {r[0] for r in rows}

    def article_ids(self) -> set[str]:
        return {r[0] for r in self._cursor().execute("SELECT article_id FROM articles").fetchall()}

    # -- writing -----------------------------------------------------------------------------
    def write_batch(self, frames: dict[str, pd.DataFrame], pipeline: str, models: str) -> None:
        """Replace everything known about the batch's articles in one transaction.

        `frames` holds the contract tables for the articles in frames["articles"]; on any error
        nothing of the batch is written and the store is as it was.
        """
        ids = list(frames["articles"]["article_id"])
        if not ids:
            return
        with self._lock:
            cur = self._cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                self._delete_articles(cur, ids)
                for table in TABLES:
                    frame = conform(frames.get(table, pd.DataFrame()), table)
                    if len(frame):
                        cur.register("batch_frame", frame)
                        cols = ", ".join(f'"{c}"' for c in SCHEMA[table])
                        cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM batch_frame")
                        cur.unregister("batch_frame")
                runs = pd.DataFrame({"article_id": ids, "pipeline": pipeline, "models": models})
                cur.register("batch_runs", runs)
                cur.execute("INSERT INTO runs SELECT article_id, pipeline, models FROM batch_runs")
                cur.unregister("batch_runs")
                cur.execute("COMMIT")
            except BaseException:
                _rollback(cur)
                raise
            self.generation += 1

    def remove_articles(self, ids: list[str]) -> None:
        with self._lock:
            cur = self._cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                self._delete_articles(cur, list(ids))
                cur.execute("COMMIT")
            except BaseException:
                _rollback(cur)
                raise
            self.generation += 1

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
        cur = self._cursor()
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
        with self._lock:
            cur = self._cursor()
            cur.register("fresh", rows)
            cur.execute(
                "INSERT OR REPLACE INTO score_cache SELECT model, key, label, score FROM fresh"
            )
            cur.unregister("fresh")

    # -- analyst corrections -----------------------------------------------------------------
    def corrections(self) -> pd.DataFrame:
        return self._cursor().execute("SELECT speaker, new_speaker, party FROM corrections").df()

    def save_correction(self, speaker: str, party: str | None = None, new_speaker: str | None = None) -> None:
        """Fix every statement whose extracted speaker is `speaker`: rename it and/or set its party.

        Corrections live apart from the extracted rows, so they survive re-analysis.
        """
        if not speaker:
            raise ValueError("A correction needs the speaker it applies to.")
        with self._lock:  # a later correction adds to an earlier one; it never blanks what it leaves empty
            self._cursor().execute(
                "INSERT INTO corrections VALUES (?, ?, ?) ON CONFLICT (speaker) DO UPDATE SET "
                "new_speaker = COALESCE(excluded.new_speaker, new_speaker), party = COALESCE(excluded.party, party)",
                [speaker, new_speaker or None, party or None],
            )
            self.generation += 1

    def remove_correction(self, speaker: str) -> None:
        with self._lock:
            self._cursor().execute("DELETE FROM corrections WHERE speaker = ?", [speaker])
            self.generation += 1

    # -- small facts about the store itself (e.g. whether the seed corpus was loaded) -------------
    def meta(self, key: str) -> str | None:
        row = self._cursor().execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._cursor().execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def close(self) -> None:
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

