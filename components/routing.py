"""Addresses deeper than a page (`/positions/extra`): Streamlit serves its page there, but the page loads its
scripts relative to the address (`/positions/static/…`), gets the page again instead, and stays blank.

`NestedPaths` (ASGI middleware, installed by app.py) sends such a request to the same path with its slashes
escaped (`/positions%2Fextra`), one level deep: the scripts load, and dashboard.py shows the Overview with its
notice naming the path, as for any unknown address. Streamlit's own routes and files are left alone.
"""
from __future__ import annotations

# First path segments that are Streamlit's (its files, its endpoints, components, media, static serving).
RESERVED = frozenset({"static", "_stcore", "component", "media", "app", "favicon.png", "manifest.json"})


def redirect_target(raw_path: str, query: str = "") -> str | None:
    """Where a GET of `raw_path` (still percent-encoded) should go instead, or None to serve it as it is."""
    parts = [part for part in raw_path.split("/") if part]
    if len(parts) < 2 or parts[0] in RESERVED or parts[0].startswith("_"):
        return None
    if "." in parts[-1]:  # a file (an asset asked for under a page's address): a 404 is the honest answer
        return None
    return "/" + "%2F".join(parts) + (f"?{query}" if query else "")


class NestedPaths:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
            raw = scope.get("raw_path") or scope.get("path", "").encode("utf-8")
            query = scope.get("query_string", b"").decode("latin-1")
            target = redirect_target(raw.decode("latin-1"), query)
            if target is not None:
                from starlette.responses import RedirectResponse

                await RedirectResponse(target, status_code=302)(scope, receive, send)
                return
        await self.app(scope, receive, send)
