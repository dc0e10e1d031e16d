"""Parley: who said what about the war, where they stand, and what ground they claim.

Run with `streamlit run dashboard.py`. This file is the entry point: it prepares the store (the seed
corpus on first run), renders the shared sidebar filters, runs the chosen page, then brings stale analyses
up to date.
"""
import streamlit as st

from components import data
from components.filters import sidebar_filters

st.set_page_config(page_title="Parley", page_icon=":material/newspaper:", layout="wide")

PAGES = [
    st.Page("views/overview.py", title="Overview", icon=":material/home:", default=True, url_path="overview"),
    st.Page("views/statements.py", title="Statements", icon=":material/forum:", url_path="statements"),
    st.Page("views/positions.py", title="Positions", icon=":material/explore:", url_path="positions"),
    st.Page("views/territory.py", title="Territory", icon=":material/map:", url_path="territory"),
    st.Page("views/sources.py", title="Sources", icon=":material/folder_open:", url_path="sources"),
    st.Page("views/export.py", title="Export", icon=":material/archive:", url_path="export"),
]

page = st.navigation(PAGES)
data.prepare()
sidebar_filters(data.tables())
page.run()
data.refresh()  # after the page, so an upgrade's re-analysis never keeps a reader from the figures
