"""Positions: where each party stands on each target, the tone of what they say, and whether it shifts.

Every chart is clickable (the statements behind a cell, bar or point appear under it) and exportable.
"""
import streamlit as st

from components import charts, data, evidence, filters
from components.display import chart as show

st.title("Positions")
st.caption("Stance and tone as scored by the models, per party and target, each number backed by its statements.")

tables = data.tables()
f = filters.current()
selected = filters.select(tables, f)
scope, stances, sentiments, caption = selected.statements, selected.stances, selected.sentiments, selected.caption


if tables["statements"].empty:
    st.info("No statements yet. Add articles on the Sources page.")
    st.stop()
if tables["stances"].empty and tables["sentiments"].empty:
    st.warning(
        f"{len(tables['statements'])} statement(s) are loaded, but no model has scored them yet, so there are no "
        "stance or tone figures to show. They appear once the sentiment and stance models have run "
        "(re-analyse the articles on the Sources page, or `python -m analysis analyze` with models)."
    )

# -- party × target --------------------------------------------------------------------------
st.header("Stance by party and target")
st.caption("Each number: share of favor minus share of against (−100 to +100), each statement weighted by the "
           "model's confidence. Paler cells rest on fewer statements. Click a cell to read its statements.")
# Bound to the URL, so a shared link opens with the same parties unfolded.
unfold = st.toggle("Show every party (no \"less quoted parties\" row)", key="all_parties", bind="query-params")
matrix = charts.stance_matrix(stances, scope, caption, top=None if unfold else -1)
picked = show(matrix, "stance by party and target", charts.stance_table(stances, scope), "matrix")
if (folded := (matrix.layout.meta or {}).get("folded")):
    st.caption(f"Folded into \"{charts.folded_label(len(folded))}\": {', '.join(folded)}. Switch on \"Show every "
               "party\" to see their rows one by one.")
if picked is not None:
    evidence.show(matrix, picked, tables, scope, "Statements behind the cell")

# -- tone -----------------------------------------------------------------------------------
st.header("Tone by party and speaker")
tone = charts.sentiment_by_party(sentiments, scope, caption)
picked = show(tone, "tone by party", charts.sentiment_table(sentiments, scope, "party"), "tone_party")
if picked is not None:
    evidence.show(tone, picked, tables, scope, "Statements behind the bar")

speakers = charts.sentiment_by_speaker(sentiments, scope, caption)
picked = show(speakers, "tone by speaker", charts.sentiment_table(sentiments, scope, "speaker"), "tone_speaker")
if picked is not None:
    evidence.show(speakers, picked, tables, scope, "Statements behind the bar")

# -- over time ------------------------------------------------------------------------------
st.header("Over time")
volume = charts.statements_over_time(scope, tables["articles"], caption)
picked = show(volume, "statements over time", charts.volume_table(scope, tables["articles"]), "volume")
if picked is not None:
    evidence.show(volume, picked, tables, scope, "Statements in the period")

targets = sorted(set(stances["target"].dropna()))
parties = sorted(set(scope["party"]))
left, right = st.columns(2)
# Bound to the URL, so a shared link opens on the same target and party.
target = left.selectbox("Target", targets, index=0 if targets else None, key=filters.FOCUS_TARGET,
                        bind="query-params", placeholder="No stance targets scored")
party = right.selectbox("Party", parties, index=None, key=filters.FOCUS_PARTY, bind="query-params",
                        placeholder="All parties")
shift = charts.stance_over_time(stances, scope, tables["articles"], target, caption, party=party)
trend = charts.stance_trend(stances, scope, tables["articles"], target, party)[0]
picked = show(shift, f"stance toward {target or 'target'} over time", trend, "shift")
if evidence.selected_points(picked):
    evidence.show(shift, picked, tables, scope, "Statements at the point")
elif target:
    # Without a click, the chosen target and party are the selection: the view a shared link reproduces.
    chosen = {"target": target, **({"party": party} if party else {})}
    rows = evidence.statements_behind([chosen], tables, scope)
    evidence.table(rows, f"Statements on {target}" + (f" by {party}" if party else ""))
