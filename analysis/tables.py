"""The data contract: table names, their columns and dtypes, shared by every layer.

DuckDB tables, pandas frames and the CSV files the CLI writes all use these names.
"""
from __future__ import annotations

import pandas as pd

# Columns of each table, in order, with the pandas dtype each is held in.
SCHEMA: dict[str, dict[str, str]] = {
    "articles": {
        "article_id": "string", "title": "string", "published": "string", "source": "string",
        "url": "string", "author": "string", "text": "string", "origin": "string",
        # claim mentions whose ground is no place the gazetteer locates (empty until analysed)
        "unplaced_claims": "Int64",
    },
    "statements": {
        "statement_id": "string", "article_id": "string", "kind": "string", "text": "string",
        "start": "Int64", "end": "Int64", "speaker": "string", "speaker_mention": "string",
        "party": "string", "cue": "string",
    },
    "sentiments": {"statement_id": "string", "label": "string", "score": "Float64", "model": "string"},
    "stances": {
        "statement_id": "string", "target": "string", "label": "string", "score": "Float64", "model": "string",
    },
    "claims": {
        "claim_id": "string", "article_id": "string", "statement_id": "string", "party": "string",
        "claim": "string", "place": "string", "place_type": "string", "lat": "Float64", "lon": "Float64",
        "area_km2": "Float64", "date": "string", "evidence": "string", "start": "Int64", "end": "Int64",
    },
}

TABLES = tuple(SCHEMA)


def empty(table: str) -> pd.DataFrame:
    """An empty frame with the table's columns and dtypes."""
    return conform(pd.DataFrame(), table)


def conform(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The frame with exactly the table's columns, in order, in their dtypes (missing ones empty)."""
    columns = SCHEMA[table]
    # (built in one go: setting columns one by one costs a block insert each, most of this function's time)
    data = {name: (frame[name] if name in frame.columns else pd.Series(pd.NA, index=frame.index)).astype(dtype)
            for name, dtype in columns.items()}
    return pd.DataFrame(data, index=frame.index).reset_index(drop=True)


def article_field(rows: pd.DataFrame, articles: pd.DataFrame, column: str) -> pd.Series:
    """For each row (statement, claim, ...), `column` of the article it comes from."""
    return rows["article_id"].map(articles.drop_duplicates("article_id").set_index("article_id")[column])
