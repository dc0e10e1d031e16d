"""Statements: who said what, with the sentence it was said in, and the analyst's fixes to speakers and parties.

Article text is only ever shown through st.dataframe / st.text, never as HTML.
"""
import pandas as pd
import streamlit as st

from analysis.parties import UNKNOWN, parties
from analysis.store import speaker_key
from components import data, evidence, filters, notices
from components.export import csv_bytes

KINDS = list(filters.KINDS)
KIND_LABELS = {"direct": "direct quote", "reported": "reported speech", "turn": "transcript turn"}

st.title("Statements")
st.caption("Direct quotes, reported speech and transcript turns found in the articles, with who said them.")

tables = data.tables()
statements, articles = tables["statements"], tables["articles"]
if statements.empty:
    st.info("No statements yet. Add articles on the Sources page; their statements appear here once analysed.")
    st.stop()

scope = filters.filter_statements(statements, articles, filters.current())

left, right = st.columns([1, 2])
kinds = left.multiselect("Kind", KINDS, default=KINDS, format_func=KIND_LABELS.get, key=filters.KIND,
                         bind="query-params")
search = right.text_input("Search statements, speakers and articles", key=filters.SEARCH, bind="query-params",
                          placeholder="a word, a speaker or an article title")

shown = scope[scope["kind"].isin(kinds)] if kinds else scope
titles = articles.set_index("article_id")["title"]
texts = articles.set_index("article_id")["text"]
if search.strip():
    needle = search.strip()
    haystack = (
        shown["text"].fillna("") + " " + shown["speaker"].fillna("") + " " + shown["speaker_mention"].fillna("")
        + " " + shown["article_id"].map(titles).fillna("")
    )
    shown = shown[haystack.str.contains(needle, case=False, regex=False)]

MAX_ROWS = 2000  # what a browser table shows smoothly; the CSV holds every matching statement


def table(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows as the analyst reads them, each with the sentence it stands in."""
    return pd.DataFrame({
        "statement": rows["text"],
        "speaker": rows["speaker"].where(rows["speaker"].fillna("") != "", rows["speaker_mention"]),
        "party": rows["party"].fillna(UNKNOWN),
        "kind": rows["kind"],
        "cue": rows["cue"],
        "article": rows["article_id"].map(titles),
        "in context": [
            evidence.sentence_around(str(texts.get(a, "") or ""), s, e)
            for a, s, e in zip(rows["article_id"], rows["start"], rows["end"])
        ],
    })


view = table(shown.head(MAX_ROWS))
more = f" (the first {MAX_ROWS} shown; the CSV has all)" if len(shown) > MAX_ROWS else ""
st.caption(f"{len(shown)} of {len(statements)} statement(s){more}; the statement is marked « » in its sentence.")
if view.empty:
    st.info("No statement matches these filters.")
else:
    st.dataframe(
        view, hide_index=True, width="stretch", key="statements_table",
        column_config={
            "statement": st.column_config.TextColumn("statement", width="large"),
            "in context": st.column_config.TextColumn("in context", width="large"),
        },
    )
    st.download_button("Download these statements (CSV)", data=lambda: csv_bytes(table(shown)),
                       file_name="parley-statements.csv", mime="text/csv", on_click="ignore")

# -- corrections -------------------------------------------------------------------------------
st.header("Speakers without a party")
st.caption("Assign a party, or fix the speaker's name. A correction applies to every statement by that "
           "speaker, in every article, and is kept when articles are analysed again. A speaker Parley could not "
           "name (\"the minister\") is matched by those words, so check how many articles it spans first.")

keys = speaker_key(statements)
unknown = statements[statements["party"].fillna(UNKNOWN).isin([UNKNOWN, ""]) & (keys != "")]
counts = speaker_key(unknown).value_counts()
spans = unknown.groupby(speaker_key(unknown))["article_id"].nunique()
show_all = st.toggle("Correct any speaker, not only those without a party", key="all_speakers")
candidates = speaker_key(statements[keys != ""]).value_counts() if show_all else counts

if counts.empty:
    st.success("Every speaker has a party.")
else:
    st.dataframe(pd.DataFrame({"speaker": counts.index, "statements": counts.values,
                               "articles": spans.reindex(counts.index).values}), hide_index=True,
                 key="unknown_speakers")

if not candidates.empty:
    store = data.store()
    choices = sorted(set(parties()) | set(statements["party"].dropna()) - {"", UNKNOWN})
    with st.form("correction", clear_on_submit=True):
        who = st.selectbox("Speaker", list(candidates.index),
                           format_func=lambda k: f"{k} ({candidates[k]} statement(s))")
        party = st.selectbox("Party", choices, index=None, placeholder="Keep the party as it is")
        rename = st.text_input("Correct the speaker's name (optional)")
        if st.form_submit_button("Save correction"):
            if not party and not rename.strip():
                st.warning("Choose a party or type a name: there was nothing to save.")
            else:
                # the table shows corrected names; a second fix must reach the name as extracted
                saved = store.corrections()
                earlier = saved[saved["new_speaker"] == who]
                original = str(earlier["speaker"].iloc[0]) if len(earlier) else who
                keep = earlier.iloc[0] if len(earlier) else None
                store.save_correction(
                    original,
                    party=party or (keep["party"] if keep is not None and pd.notna(keep["party"]) else None),
                    new_speaker=rename.strip() or (who if original != who else None),
                )
                notices.later(f"Saved: {who} → {rename.strip() or who}, {party or 'party unchanged'}.")
                st.rerun()

saved = data.store().corrections()
if not saved.empty:
    st.subheader("Saved corrections")
    st.dataframe(saved.rename(columns={"speaker": "speaker as extracted", "new_speaker": "corrected name"}),
                 hide_index=True, key="corrections_table")
    undo = st.selectbox("Remove a correction", list(saved["speaker"]), index=None, key="undo")
    if undo and st.button("Remove"):
        data.store().remove_correction(undo)
        notices.later(f"Removed the correction for {undo}.")
        st.rerun()
