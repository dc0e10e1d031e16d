"""The evidence behind a chart: the statements (or claims) under a clicked cell, bar or point, each with
its sentence in the article and a link to the source. Shown as plain text, never as HTML.

Charts name what their points' customdata hold in `layout.meta["keys"]` (see components/charts.py).
"""
from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from analysis.tables import article_field
from components.charts import period_end
from components.plaintext import escape

MAX_ROWS = 200
_SENTENCE_END = re.compile(r"[.!?…]['\"”’)]*\s|\n")
# Only web addresses become links: a "javascript:" or "data:" URL from a corpus must never be clickable.
_WEB_URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


def criteria(fig_meta: dict | None, points: list[dict]) -> list[dict[str, Any]]:
    """What each selected point stands for, e.g. {"party": "Russia", "target": "NATO"}."""
    keys = list((fig_meta or {}).get("keys") or [])
    found = []
    for point in points:
        data = point.get("customdata")
        if data is None or not keys:
            continue
        if not isinstance(data, (list, tuple)):
            data = [data]
        found.append({k: v for k, v in zip(keys, data) if v not in (None, "")})
    unique = []
    for item in found:
        if item and item not in unique:
            unique.append(item)
    return unique


def statements_behind(
    wanted: list[dict[str, Any]], tables: dict[str, pd.DataFrame], scope: pd.DataFrame, freq: str | None = None,
    groups: dict[str, list[str]] | None = None,
) -> pd.DataFrame:
    """The statements in `scope` (already filtered) that match any of the criteria, with their evidence.

    `groups` names the parties a chart's row stands for when it is not one party (the matrix's folded
    "k less quoted parties" row: its layout.meta["groups"])."""
    groups = groups or {}
    if not wanted or scope.empty:
        return evidence_rows(scope.iloc[0:0], tables)
    stances, articles = tables["stances"], tables["articles"]
    published = pd.to_datetime(article_field(scope, articles, "published"), errors="coerce")
    party = scope["party"]
    keep = pd.Series(False, index=scope.index)
    for item in wanted:
        match = pd.Series(True, index=scope.index)
        if "party" in item:
            match &= party.isin(groups.get(item["party"], [item["party"]]))
        if "speaker" in item:
            match &= scope["speaker"] == item["speaker"]
        if "target" in item:
            match &= scope["statement_id"].isin(stances.loc[stances["target"] == item["target"], "statement_id"])
        if "period" in item and freq:
            start = pd.Timestamp(item["period"])
            match &= (published >= start) & (published <= period_end(start, freq))
        keep |= match.fillna(False)
    targets = sorted({item["target"] for item in wanted if "target" in item})
    chosen = scope[keep]
    if targets:
        # Every statement is scored toward every target, mostly "none": the ones that take a side, most
        # confident first, are the evidence an analyst reads first.
        sided = stances[stances["target"].isin(targets) & (stances["label"] != "none")]
        strength = sided.groupby("statement_id")["score"].max()
        order = chosen["statement_id"].map(strength).astype("float64").fillna(-1.0)
        chosen = chosen.assign(_order=order.values).sort_values("_order", ascending=False, kind="stable")
    return evidence_rows(chosen, tables, targets)


def evidence_rows(chosen: pd.DataFrame, tables: dict[str, pd.DataFrame], targets: list[str] | None = None) -> pd.DataFrame:
    """One row per statement: who, what, the sentence around it, model labels, and the article it came from."""
    articles = tables["articles"].drop_duplicates("article_id").set_index("article_id")
    rows = chosen.head(MAX_ROWS)
    text = rows["article_id"].map(articles["text"])
    context = [sentence_around(t, s, e) if isinstance(t, str) else ""
               for t, s, e in zip(text, rows["start"], rows["end"])]
    out = pd.DataFrame({
        "statement_id": rows["statement_id"].values,
        "speaker": rows["speaker"].fillna("").replace("", pd.NA).fillna(rows["speaker_mention"]).values,
        "party": rows["party"].values,
        "kind": rows["kind"].values,
        "statement": rows["text"].values,
        "in context": context,
        "stance": _stance_labels(rows, tables["stances"], targets or []),
        "tone": _tone_labels(rows, tables["sentiments"]),
        "article": rows["article_id"].map(articles["title"]).values,
        "published": rows["article_id"].map(articles["published"]).values,
        "source": rows["article_id"].map(articles["source"]).values,
        "url": [u if isinstance(u, str) and _WEB_URL.match(u.strip()) else ""
                for u in rows["article_id"].map(articles["url"])],
    })
    return out


def _stance_labels(rows: pd.DataFrame, stances: pd.DataFrame, targets: list[str]) -> list[str]:
    chosen = stances[stances["statement_id"].isin(rows["statement_id"])]
    if targets:
        chosen = chosen[chosen["target"].isin(targets)]
    chosen = chosen[chosen["label"] != "none"]
    text = (chosen["label"] + " " + chosen["target"] + " (" + chosen["score"].round(2).astype("string") + ")")
    joined = text.groupby(chosen["statement_id"]).agg("; ".join)
    return [joined.get(s, "") for s in rows["statement_id"]]


def _tone_labels(rows: pd.DataFrame, sentiments: pd.DataFrame) -> list[str]:
    chosen = sentiments[sentiments["statement_id"].isin(rows["statement_id"])].drop_duplicates("statement_id")
    text = chosen["label"] + " (" + chosen["score"].round(2).astype("string") + ")"
    lookup = dict(zip(chosen["statement_id"], text))
    return [lookup.get(s, "") or "" for s in rows["statement_id"]]


def sentence_around(text: str, start, end, limit: int = 600) -> str:
    """The sentence(s) holding text[start:end], with the statement marked by « », trimmed to `limit` characters."""
    if pd.isna(start) or pd.isna(end) or not (0 <= int(start) <= int(end) <= len(text)):
        return ""
    start, end = int(start), int(end)
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    after = _SENTENCE_END.search(text, end)
    right = after.start() + 1 if after else len(text)
    before, quote, rest = text[left:start], text[start:end], text[end:right]
    if len(before) > limit // 3:
        before = "…" + before[-(limit // 3):]
    if len(rest) > limit // 3:
        rest = rest[: limit // 3] + "…"
    return " ".join(f"{before}«{quote}»{rest}".split())


def selected_points(event) -> list[dict]:
    """The points of a `st.plotly_chart(..., on_select="rerun")` event, with customdata filled in from the
    figure when the browser did not send it."""
    if event is None:
        return []
    selection = event.get("selection") if isinstance(event, dict) else getattr(event, "selection", None)
    if selection is None:
        return []
    points = selection.get("points") if isinstance(selection, dict) else getattr(selection, "points", None)
    return list(points or [])


def fill_customdata(fig, points: list[dict]) -> list[dict]:
    filled = []
    for point in points:
        point = dict(point)
        if point.get("customdata") is None:
            curve = point.get("curve_number")
            index = point.get("point_index", point.get("point_number"))
            try:
                data = fig.data[curve].customdata
                point["customdata"] = list(data[index]) if data is not None else None
            except (TypeError, IndexError):
                pass
        filled.append(point)
    return filled


def show(fig, event, tables: dict[str, pd.DataFrame], scope: pd.DataFrame, heading: str = "Evidence") -> pd.DataFrame | None:
    """Render the statements behind the points selected on `fig` (nothing when none are selected)."""
    meta = fig.layout.meta or {}
    wanted = criteria(meta, fill_customdata(fig, selected_points(event)))
    if not wanted:
        st.caption("Click a cell, bar or point to see the statements behind it.")
        return None
    rows = statements_behind(wanted, tables, scope, meta.get("freq"), meta.get("groups"))
    table(rows, heading + ": " + "; ".join(", ".join(f"{v}" for v in item.values()) for item in wanted))
    return rows


def table(rows: pd.DataFrame, heading: str) -> None:
    """The evidence rows under a heading; the heading names parties, speakers or targets from the data, so
    it is escaped: a speaker called "[x](https://…)" is shown as typed, not as a link."""
    st.subheader(escape(heading), divider="gray")
    if rows.empty:
        st.info("No statements behind this selection under the current filters.")
        return
    more = f" (first {MAX_ROWS})" if len(rows) >= MAX_ROWS else ""
    st.caption(f"{len(rows)} statement(s){more}; the statement is marked « » in its sentence.")
    # st.dataframe shows text as text: article content never reaches the page as HTML.
    shown = rows[["speaker", "party", "in context", "stance", "tone", "kind", "article", "published", "source", "url"]]
    st.dataframe(
        shown, hide_index=True, width="stretch",
        column_config={
            "url": st.column_config.LinkColumn("source link", display_text="open source"),
            "in context": st.column_config.TextColumn("in context", width="large"),
        },
    )
