"""Parley: who said what about the war, where they stand, and what ground they claim.

Run with `streamlit run dashboard.py`. This file is the entry point: it prepares the store (the seed
corpus on first run), renders the shared sidebar filters, runs the chosen page, then brings stale analyses
up to date.
"""
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from analysis.store import StoreBusy
from components import data, notices
from components.filters import sidebar_filters
from components.plaintext import escape

# A local image: an icon name (":material/…:" or an emoji) makes the browser fetch the favicon from a CDN.
ICON = str(Path(__file__).resolve().parent / "assets" / "parley-icon.png")
st.set_page_config(page_title="Parley", page_icon=ICON, layout="wide")

OVERVIEW = st.Page("views/overview.py", title="Overview", icon=":material/home:", default=True, url_path="home")
PAGES = [
    OVERVIEW,
    st.Page("views/statements.py", title="Statements", icon=":material/forum:", url_path="statements"),
    st.Page("views/positions.py", title="Positions", icon=":material/explore:", url_path="positions"),
    st.Page("views/territory.py", title="Territory", icon=":material/map:", url_path="territory"),
    st.Page("views/sources.py", title="Sources", icon=":material/folder_open:", url_path="sources"),
    st.Page("views/export.py", title="Export", icon=":material/archive:", url_path="export"),
]
# The main page lives at "/"; "/overview" (what its menu entry is called) must open it too.
ALIASES = [st.Page("views/overview.py", title="Overview", url_path="overview", visibility="hidden")]


def unknown_path() -> str | None:
    """The path the browser asked for when no page has it (a mistyped or outdated link), else None.

    Streamlit would show a "Page not found" pop-up and then the main page; instead the request is
    answered by the main page with a notice that names the path."""
    ctx = get_script_run_ctx()
    asked = (ctx.pages_manager.intended_page_name or "").strip("/") if ctx else ""
    known = {page.url_path for page in PAGES + ALIASES}
    if not asked or asked in known or ctx.pages_manager.intended_page_script_hash:
        return None
    ctx.pages_manager.set_script_intent("", "")  # resolve to the main page without the pop-up
    return asked


missing = unknown_path()
page = st.navigation(PAGES + ALIASES)
if page in ALIASES:  # the main page under its own name: show it at "/", with the link's filters
    st.switch_page(OVERVIEW, query_params={k: st.query_params.get_all(k) for k in st.query_params})
unknown = f"There is no page at /{missing}; here is the Overview. Use the menu to find the others." if missing else ""
if unknown:
    st.warning(escape(unknown))

try:
    # While the command line writes the store, this session waits, and says so.
    data.store().on_wait = lambda message: st.toast(escape(message), icon=":material/hourglass_top:")
    data.prepare()
    sidebar_filters(data.tables(), page.url_path)
    notices.show_pending()
    page.run()
    data.refresh(keep=(unknown,) if unknown else ())  # after the page: a re-analysis never keeps a reader waiting
except StoreBusy as error:  # another program kept the store's file: say so instead of a traceback
    st.error(escape(str(error)))
