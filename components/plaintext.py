"""Text from articles, shown in Streamlit elements that read Markdown (headings, alerts, captions).

Speaker names, titles and filter values come from articles anyone can upload: "[click](https://…)",
"**", "<b>", ":red[…]" or "$x$" in them must reach the page as the characters they are, never as a link,
formatting or HTML. Where an element does not need Markdown at all, use st.text instead.
"""
from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all of them turns
# off emphasis, links, headings, tables, HTML, LaTeX ($) and the like.
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
# Some rewriting happens after escapes are undone, on the plain text: GitHub-style autolinks turn
# "https://…", "www.…" and "name@host.org" into links, and Streamlit turns ":name:" shortcodes and
# ":color[…]" into icons and colours. An invisible word joiner inside each such pattern keeps it as typed.
_JOINER = "\u2060"
_REWRITTEN = [
    (re.compile(r"(?<=:)(?=//)"), _JOINER),  # scheme://
    (re.compile(r"(?i)(?<=\bwww)(?=\.)"), _JOINER),  # www.
    (re.compile(r"(?<=@)(?=[\w-])"), _JOINER),  # name@host
    (re.compile(r"(?<=:)(?=[\w/+-]+[:\[])"), _JOINER),  # :shortcode: and :color[
]


def escape(text: object) -> str:
    """`text` as literal characters in any Streamlit Markdown element (whitespace runs become one space)."""
    plain = " ".join(str(text).split())
    for pattern, joiner in _REWRITTEN:
        plain = pattern.sub(joiner, plain)
    return _PUNCTUATION.sub(r"\\\1", plain)
