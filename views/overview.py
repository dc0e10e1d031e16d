"""Overview: what is in the corpus, at a glance, with the way into each page."""
import pandas as pd
import streamlit as st

from components import data
from components.filters import current, filter_claims, filter_statements

st.title("Parley")
st.caption("Who said what about the war, where each party stands, and what ground each claims, with the evidence.")

tables = data.tables()
articles = tables["articles"]
if articles.empty:
    st.info("No articles yet. Add files or paste text on the Sources page.")
    st.page_link("views/sources.py", label="Go to Sources", icon=":material/folder_open:")
    st.stop()

f = current()
statements = filter_statements(tables["statements"], articles, f)
claims = filter_claims(tables["claims"], articles, f)

cols = st.columns(5)
cols[0].metric("Articles", len(articles))
cols[1].metric("Statements", len(statements))
cols[2].metric("Speakers", statements["speaker"].replace("", pd.NA).nunique())
cols[3].metric("Parties", statements.loc[statements["party"] != "Unknown", "party"].nunique())
cols[4].metric("Territorial claims", len(claims))

left, right = st.columns(2)
with left:
    st.subheader("Statements by party")
    by_party = (statements.groupby("party", dropna=False).agg(statements=("statement_id", "count"),
                speakers=("speaker", "nunique")).sort_values("statements", ascending=False).reset_index())
    st.dataframe(by_party, hide_index=True, width="stretch")
    st.page_link("views/statements.py", label="Read the statements", icon=":material/forum:")
with right:
    st.subheader("Claims by party and type")
    if claims.empty:
        st.caption("No territorial claims in these articles.")
    else:
        st.dataframe(pd.crosstab(claims["party"], claims["claim"]), width="stretch")
    st.page_link("views/territory.py", label="See the map", icon=":material/map:")

stances = tables["stances"]
if stances.empty and not statements.empty:
    st.caption("No sentiment or stance scores yet (the models did not run on these articles).")

st.subheader("Articles")
counts = statements.groupby("article_id").size().rename("statements")
listing = articles.join(counts, on="article_id")[["title", "published", "source", "statements", "origin"]]
st.dataframe(listing.fillna({"statements": 0}), hide_index=True, width="stretch")
