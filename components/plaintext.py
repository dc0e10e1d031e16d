"""Text from articles, shown in Streamlit elements that read Markdown (headings, alerts, captions).

Speaker names, titles and filter values come from articles anyone can upload: "[click](https://…)",
"**", "<b>", ":red[…]" or "$x$" in them must reach the page as the characters they are, never as a link,
formatting or HTML. Where an element does not need Markdown at all, use st.text instead.
"""
from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all of them turns
# off emphasis, links, autolinks, headings, tables, HTML, LaTeX ($) and Streamlit's directives alike.
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
# Streamlit replaces ":name:" shortcodes (emoji, :material/icon:) in text it has already unescaped; a zero
# width joiner after each colon keeps such names as typed.
_ZWJ = "\u200d"


def escape(text: object) -> str:
    """`text` as literal characters in any Streamlit Markdown element."""
    escaped = _PUNCTUATION.sub(r"\\\1", " ".join(str(text).split()))
    return escaped.replace(":", ":" + _ZWJ)
