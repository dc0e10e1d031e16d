"""Overview: the briefing. What the corpus shows in a few generated sentences, each with the statements (or
claims) behind it one click away, then where each major party stands, the latest claims and the sources."""
import pandas as pd
import streamlit as st

from components import charts, data, display, evidence, filters, findings
from components.plaintext import escape

st.title("Parley")
st.caption("Who said what about the war, where each party stands, and what ground each claims, with the evidence.")

tables = data.tables()
articles = tables["articles"]
if articles.empty:
    st.info("No articles yet. Add files or paste text on the Sources page.")
    st.page_link("views/sources.py", label="Go to Sources", icon=":material/folder_open:")
    st.stop()

f = filters.current()
selected = filters.select(tables, f)
statements, stances, sentiments, claims = selected.statements, selected.stances, selected.sentiments, selected.claims

cols = st.columns(5)
cols[0].metric("Articles", len(articles))
cols[1].metric("Statements", len(statements))
cols[2].metric("Speakers", statements["speaker"].replace("", pd.NA).nunique())
cols[3].metric("Parties", statements.loc[statements["party"] != "Unknown", "party"].nunique())
cols[4].metric("Territorial claims", len(claims))
st.caption(selected.caption.line())

# -- findings --------------------------------------------------------------------------------
st.header("Briefing: what the articles show")
found = findings.briefing(tables, statements, stances, sentiments, claims)
if not found:
    st.caption("Too few statements and claims under these filters for a finding; see the pages for the rows.")
titles = articles.drop_duplicates("article_id").set_index("article_id")["title"]
for number, finding in enumerate(found, start=1):
    # Names in a sentence come from articles: escaped, so they cannot turn into markup or links.
    st.markdown(f"**{number}.** {escape(finding.text)}")
    if finding.statements:
        rows = evidence.statements_behind(finding.statements, tables, statements, finding.freq)
        with st.expander(f"Statements behind finding {number}", icon=":material/forum:"):
            display.statement_rows(rows)
    elif finding.claim_ids:
        behind = claims[claims["claim_id"].isin(finding.claim_ids)]
        with st.expander(f"Claims behind finding {number}", icon=":material/map:"):
            display.claim_rows(behind, titles)

# -- where the major parties stand -------------------------------------------------------------
st.header("Where the major parties stand")
matrix = charts.stance_matrix(stances, statements, selected.caption, top=6)
display.chart(matrix, "briefing stance by party and target", charts.stance_table(stances, statements),
              key="briefing-matrix", select=())
st.page_link("views/positions.py", label="Every party, tone and trend on Positions", icon=":material/explore:")

left, right = st.columns(2)
with left:
    st.subheader("Most quoted speakers")
    quoted = statements[statements["speaker"].fillna("").str.strip() != ""]
    if quoted.empty:
        st.caption("No named speakers under these filters.")
    else:
        top = (quoted.groupby("speaker").agg(party=("party", lambda p: p.mode().iat[0]),
                                             statements=("statement_id", "nunique"))
               .sort_values("statements", ascending=False).head(10).reset_index())
        st.dataframe(top, hide_index=True, width="stretch")
    st.page_link("views/statements.py", label="Read the statements", icon=":material/forum:")
with right:
    st.subheader("Latest territorial claims")
    if claims.empty:
        st.caption("No territorial claims under these filters.")
    else:
        when = findings.claim_dates(claims, articles)
        latest = claims.assign(when=when.dt.date, place=claims["place"].fillna("").replace("", "(no place named)"))
        latest = latest.sort_values("when", ascending=False, na_position="last").head(10)
        st.dataframe(latest[["when", "party", "claim", "place", "evidence"]], hide_index=True, width="stretch",
                     column_config={"when": st.column_config.DateColumn("date"),
                                    "evidence": st.column_config.TextColumn("evidence sentence", width="large")})
    st.page_link("views/territory.py", label="See the map", icon=":material/map:")

if stances.empty and not statements.empty:
    st.caption("No sentiment or stance scores yet (the models did not run on these articles).")

st.subheader("Articles, newest first")
counts = statements.groupby("article_id").size().rename("statements")
listing = articles.join(counts, on="article_id")[["title", "published", "source", "statements", "origin"]]
listing = listing.assign(_when=pd.to_datetime(listing["published"], errors="coerce"))
listing = listing.sort_values("_when", ascending=False, na_position="last").drop(columns="_when")
st.dataframe(listing.fillna({"statements": 0}), hide_index=True, width="stretch")
