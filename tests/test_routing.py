"""Addresses deeper than a page are sent one level up with their slashes escaped; Streamlit's own are not."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from components.routing import NestedPaths, redirect_target


@pytest.mark.parametrize("path, query, target", [
    ("/positions/extra", "", "/positions%2Fextra"),
    ("/positions/extra/more", "party=Ukraine", "/positions%2Fextra%2Fmore?party=Ukraine"),
    ("/positions", "", None),  # a page (or an unknown page): Streamlit answers it itself
    ("/", "", None),
    ("/positions%2Fextra", "", None),  # already one level: no loop
    ("/static/js/index.js", "", None),
    ("/_stcore/health", "", None),
    ("/component/x/index.html", "", None),
    ("/media/abc.png", "", None),
    ("/positions/static/js/index.js", "", None),  # an asset under a page's address stays a plain miss
])
def test_redirect_target(path, query, target):
    assert redirect_target(path, query) == target


def run(middleware, scope):
    sent = []

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    # In a thread of its own: the browser tests' Playwright keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, middleware(scope, receive, send)).result()
    return sent


def test_middleware_redirects_get_and_passes_the_rest_on():
    seen = []

    async def inner(scope, receive, send):
        seen.append(scope["path"])

    middleware = NestedPaths(inner)
    sent = run(middleware, {"type": "http", "method": "GET", "path": "/positions/extra",
                            "raw_path": b"/positions/extra", "query_string": b"focus=a+b"})
    assert sent[0]["status"] == 302
    assert (b"location", b"/positions%2Fextra?focus=a+b") in sent[0]["headers"]
    assert seen == []
    run(middleware, {"type": "http", "method": "POST", "path": "/positions/extra", "raw_path": b"/positions/extra"})
    run(middleware, {"type": "http", "method": "GET", "path": "/statements", "raw_path": b"/statements"})
    run(middleware, {"type": "websocket", "path": "/_stcore/stream", "raw_path": b"/_stcore/stream"})
    assert seen == ["/positions/extra", "/statements", "/_stcore/stream"]
