"""Sources: add articles (upload or paste), see what happened to each file, remove articles."""
import pandas as pd
import streamlit as st

from analysis.articles import LoadResult, combine, load_file, load_pasted, mark_duplicates
from components import data, notices
from components.plaintext import escape

st.title("Sources")
store = data.store()


def add(result: LoadResult) -> None:
    """Analyse what loaded and remember the per-file outcome for the table below."""
    result = mark_duplicates(result, store.article_ids())
    summary = data.analyse(result.articles) if len(result.articles) else None
    if len(result.articles) and summary is None:
        for report in result.reports:
            if report.status == "loaded":
                report.status, report.message = "rejected", "Analysis failed; see the error above."
    st.session_state["reports"] = [
        {"file": r.name, "result": r.status, "articles": r.articles,
         "details": " ".join([r.message, *r.warnings]).strip()}
        for r in result.reports
    ]
    st.session_state["notices"] = summary.notices if summary else []
    if summary:
        st.rerun()  # so the sidebar's filters offer the new parties and speakers


LIMIT_MB = st.get_option("server.maxUploadSize")

upload_tab, paste_tab = st.tabs(["Upload files", "Paste text"])
with upload_tab:
    with st.form("upload", clear_on_submit=True):
        files = st.file_uploader(
            "Articles (.txt, .md, .html) or corpora (.csv, .jsonl with a text column)",
            type=["txt", "md", "html", "htm", "csv", "jsonl"], accept_multiple_files=True,
        )
        # The browser refuses a larger file before sending it, and marks it only on hover: say it up front.
        st.caption(f"At most {LIMIT_MB} MB per file: split a larger corpus into several files.")
        if st.form_submit_button("Load and analyse", type="primary"):
            if files:
                add(combine([load_file(file.name, file.getvalue()) for file in files]))
            else:
                st.warning(f"No file was received. Choose files first; a file over {LIMIT_MB} MB is refused by "
                           "the browser before it is sent (its name is then marked in red): split it into "
                           "smaller files and load those.")
with paste_tab:
    with st.form("paste", clear_on_submit=True):
        title = st.text_input("Title (optional: otherwise the first line is the title)")
        text = st.text_area("Article text", height=240)
        if st.form_submit_button("Add pasted text", type="primary"):
            add(load_pasted(text, title))

if st.session_state.get("reports"):
    st.subheader("Last load")
    for notice in st.session_state.get("notices", []):
        st.warning(escape(notice))  # notices may quote article titles
    reports = pd.DataFrame(st.session_state["reports"])
    st.dataframe(reports, hide_index=True, width="stretch")
    st.caption(f"A file you chose that is not listed was over {LIMIT_MB} MB: the browser refused it before "
               "sending it. Split it and load the parts.")
    rejected = reports[reports["result"] == "rejected"]
    if len(rejected):
        st.warning(f"{len(rejected)} file(s) rejected; everything loaded before is kept.")

st.subheader("Articles in the store")
articles = data.tables()["articles"]
if articles.empty:
    st.info("The store is empty. Upload files or paste text above.")
else:
    # what a reader looks for first; the id (for the command line and the store) last
    listing = articles[["title", "published", "source", "origin", "article_id"]].copy()
    # Newest first, undated last: an analyst looks for what came in lately, not for a hash.
    when = pd.to_datetime(listing["published"], errors="coerce", utc=True, format="mixed")
    listing = listing.assign(when=when).sort_values("when", ascending=False, na_position="last",
                                                    kind="stable").drop(columns="when")
    listing.insert(0, "remove", False)
    edited = st.data_editor(listing, hide_index=True, width="stretch", disabled=list(listing.columns[1:]),
                            key="articles_editor")
    doomed = edited.loc[edited["remove"], "article_id"].tolist()
    if st.button(f"Remove {len(doomed)} selected article(s)", disabled=not doomed):
        store.remove_articles(doomed)
        notices.later(f"Removed {len(doomed)} article(s).")
        st.rerun()
