"""How a page shows a chart or a set of rows: an empty chart as one line of text rather than a blank frame,
evidence rows as plain text."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import evidence, style
from components.export import show_chart


def chart(fig: go.Figure, name: str, frame: pd.DataFrame, key: str, select: tuple[str, ...] = ("points",)):
    """The chart with its export buttons, or, when it has nothing to show, one line saying so."""
    if style.is_empty(fig):
        title = fig.layout.title.text or name
        st.caption(f"{title}: {style.empty_message(fig).rstrip('.')}.")
        return None
    return show_chart(fig, name, frame, key=key, select=select)


def statement_rows(rows: pd.DataFrame) -> None:
    """Evidence rows from evidence.statements_behind, as plain text with a link to each source."""
    if rows.empty:
        st.caption("No statements under the current filters.")
        return
    st.caption(f"{len(rows):,} statement(s){' (the first shown)' if len(rows) >= evidence.MAX_ROWS else ''}, "
               "those taking the clearest side first; the statement is marked « » in its sentence.")
    st.dataframe(
        rows[["speaker", "party", "in context", "stance", "tone", "article", "published", "url"]],
        hide_index=True, width="stretch",
        column_config={"in context": st.column_config.TextColumn("in context", width="large"),
                       "url": st.column_config.LinkColumn("source link", display_text="open source")},
    )


def claim_rows(claims: pd.DataFrame, titles: pd.Series) -> None:
    """Claims with their evidence sentence and article, as plain text."""
    if claims.empty:
        st.caption("No claims under the current filters.")
        return
    st.dataframe(
        pd.DataFrame({"date": claims["date"], "party": claims["party"], "claim": claims["claim"],
                      "place": claims["place"], "evidence": claims["evidence"],
                      "article": claims["article_id"].map(titles)}),
        hide_index=True, width="stretch",
        column_config={"evidence": st.column_config.TextColumn("evidence sentence", width="large")},
    )
