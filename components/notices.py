"""Messages that must outlive a rerun.

A page that saves something calls st.rerun() so every widget shows the new data; anything it wrote before
that ("Saved", "Removed 2 articles") is gone before the browser draws it. Such messages are queued here and
shown at the top of the next run instead.
"""
from __future__ import annotations

import streamlit as st

from components.plaintext import escape

_KEY = "_notices"
_SHOW = {"success": st.success, "info": st.info, "warning": st.warning, "error": st.error}


def later(message: str, kind: str = "success") -> None:
    """Show `message` (plain text, escaped) on the next run of the app."""
    if kind not in _SHOW:
        raise ValueError(f"Unknown notice kind {kind!r}; use one of {', '.join(_SHOW)}.")
    st.session_state.setdefault(_KEY, []).append((kind, message))


def show_pending() -> None:
    """Show, once, every message queued by the previous run."""
    for kind, message in st.session_state.pop(_KEY, []):
        _SHOW[kind](escape(message))
