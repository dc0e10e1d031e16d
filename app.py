"""Parley served as an ASGI app: `streamlit run app.py`.

The same dashboard as `streamlit run dashboard.py`, with one addition Streamlit's own server cannot make: an
address deeper than a page (`/positions/extra`) lands on the Overview with a notice instead of a blank page
(components/routing.py).
"""
import streamlit as st
from starlette.middleware import Middleware

from components.routing import NestedPaths

app = st.App("dashboard.py", middleware=[Middleware(NestedPaths)])
