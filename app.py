"""Parley served as an ASGI app: `streamlit run app.py`.

The same dashboard as `streamlit run dashboard.py`, with two additions Streamlit's own server cannot make: an
address deeper than a page (`/positions/extra`) lands on the Overview with a notice instead of a blank page
(components/routing.py), and the dashboard's modules are imported while the server starts, not on the first
visit.
"""
import streamlit as st
from starlette.middleware import Middleware

# What every page's first script run would import (pandas, DuckDB, plotly, the chart builders): imported here,
# while the server starts, so the first visitor does not wait for it. The models and spaCy are not among them.
import components.charts  # noqa: E402,F401
import components.data  # noqa: E402,F401
import components.findings  # noqa: E402,F401
import components.maps  # noqa: E402,F401
from components.routing import NestedPaths  # noqa: E402

app = st.App("dashboard.py", middleware=[Middleware(NestedPaths)])
