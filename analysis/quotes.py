"""Quote marks and the direct statements they hold: a scanner that never lets an unclosed quote run past its
paragraph, and the cue verb and speaker that go with each quote.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.attribution import _cue_text, _doc_at, _is_cue, _mention, _speaker_of, _token_at
from analysis.candidates import Found
from analysis.cues import Cues


_OPENERS = {'"': '"\u201d', "\u201c": "\u201d\"", "\u201e": "\u201c\u201d\"", "\u00ab": "\u00bb"}
_SINGLE_OPEN = "\u2018'"
_SINGLE_CLOSE = "\u2019'"
_DASHES = "\u2013\u2014\u2015-"
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
# A quote with no cue of its own continues the previous statement's speaker only if it follows closely.
@dataclass
class Quote:
    start: int  # first character of the content (after the opening mark)
    end: int  # one past the content (at the closing mark, or the paragraph end when unclosed)
    open: int  # position of the opening mark
    close: int  # one past the closing mark (== end when unclosed)
    closed: bool = True

    def words(self, text: str) -> int:
        return len(_WORD.findall(text[self.start : self.end]))


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line: news text puts one paragraph per line."""
    spans, pos = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            spans.append((pos + lead, pos + lead + len(stripped)))
        pos += len(line) + 1
    return spans


def find_quotes(text: str, paras: list[tuple[int, int]] | None = None) -> list[Quote]:
    """Every double-quoted and (British) single-quoted span, outermost only.

    A quote left open at the end of a paragraph continues only when the next paragraph opens with a quote
    mark (the convention for quotes running over paragraphs); otherwise it ends with its paragraph, so an
    unbalanced mark never swallows the rest of the article.
    """
    paras = paragraphs(text) if paras is None else paras
    # Two apostrophes stand for a double quote in some wire copy: scan a same-length copy that says so.
    scan = text.replace("''", '"\u2060')
    quotes = _double_quotes(scan, paras)
    inside = [(q.open, q.close) for q in quotes]
    for start, end in paras:
        quotes += [q for q in _single_quotes(text, start, end) if not _within(q.open, inside)]
    return sorted(quotes, key=lambda q: q.open)


def _double_quotes(text: str, paras: list[tuple[int, int]]) -> list[Quote]:
    quotes: list[Quote] = []
    open_at, opener, last_end = None, "", 0
    for start, end in paras:
        i = start
        if open_at is not None:
            if text[start] in _OPENERS and len(_WORD.findall(text[open_at:last_end])) >= 3:
                i = start + 1  # the quote runs on into this paragraph
            elif len(_WORD.findall(text[open_at:last_end])) < 3:
                open_at = None  # a stray mark at the end of a paragraph
            else:
                quotes.append(Quote(open_at + 1, last_end, open_at, last_end, closed=False))
                open_at = None
        while i < end:
            ch = text[i]
            if open_at is None:
                if ch == "\u201d" and i == start and end - start > 1 and text[i + 1].isalpha():
                    open_at, opener = i, "\u201c"  # a closing mark typed at the start of a quote
                elif ch in _OPENERS and not (ch == '"' and i + 1 < end and text[i + 1].isspace()):
                    open_at, opener = i, ch
            elif ch in _OPENERS[opener]:
                quotes.append(Quote(open_at + 1, i, open_at, i + 1))
                open_at = None
            elif ch in "\u201c\u00ab" and opener != '"':
                # a new opening mark while one is open: the earlier quote was never closed
                quotes.append(Quote(open_at + 1, i, open_at, i, closed=False))
                open_at, opener = i, ch
            i += 1
        last_end = end
    if open_at is not None:
        quotes.append(Quote(open_at + 1, last_end, open_at, last_end, closed=False))
    return [q for q in quotes if q.end > q.start]


def _single_quotes(text: str, start: int, end: int) -> list[Quote]:
    quotes = []
    i = start
    while i < end:
        ch = text[i]
        before = text[i - 1] if i > start else " "
        after = text[i + 1] if i + 1 < end else " "
        if ch in _SINGLE_OPEN and (before.isspace() or before in "([:\u2014\u2013-") and after.isalnum():
            close = _single_close(text, i + 1, end)
            if close is not None:
                quotes.append(Quote(i + 1, close, i, close + 1))
                i = close + 1
                continue
        i += 1
    return quotes


def _single_close(text: str, i: int, end: int) -> int | None:
    while i < end:
        if text[i] in _SINGLE_CLOSE and not text[i - 1].isspace():
            after = text[i + 1] if i + 1 < end else " "
            if not after.isalnum():
                return i
        i += 1
    return None


def _within(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


# -- candidate statements --------------------------------------------------------------------------
def _direct(text, paras, units, docs, quotes: list[Quote], cues: Cues, turn_regions) -> list[Found]:
    out: list[Found] = []
    quote_spans = [(q.open, q.close) for q in quotes]
    for q in quotes:
        start, end = _trim(text, q.start, q.end)
        if end <= start:
            continue
        para_start = next(a for a, b in paras if a <= q.open <= b)
        before = text[para_start : q.open]
        after_para_end = next(b for a, b in paras if a <= max(q.close - 1, q.open) <= b)
        after = text[q.close : after_para_end]
        if not _set_off(text, q, before, after, cues):
            continue  # a scare quote or a phrase inside narrative; reported speech may cover it
        words = q.words(text)
        cue, mention, context, persons, anchor, cue_at = _cue_for_quote(text, units, docs, q, quote_spans, cues)
        dash = re.match(rf"\s*([{_DASHES}])\s*([A-Z][^.\n;]{{1,80}}?)\s*(?:[.;]|$)", after)
        colon = re.search(r"([A-Z][\w.'\u2019\- ]{1,60}?)\s*:\s*$", before)
        found = Found("direct", start, end)
        if cue is not None:
            found.cue, found.mention, found.context, found.persons, found.anchor, found.cue_at = (
                cue, mention, context, persons, anchor, cue_at)
        elif dash and not before.strip():
            found.cue, found.mention, found.anchor = dash.group(1), dash.group(2), q.close
        elif cues.document_quote is not None and cues.document_quote.search(before):
            found.written, found.anchor = True, q.open
        elif colon and words > cues.scare_max_words:
            found.mention, found.cue, found.anchor = colon.group(1), ":", para_start
        elif words > cues.scare_max_words:
            found.follow, found.anchor = True, q.open  # goes on with the speaker just before it
        else:
            continue
        out.append(found)
    return out


def _block_quotes(text, paras, units, docs, quotes: list[Quote], cues: Cues, turn_regions) -> list[Found]:
    """A paragraph introduced by "…, the minister added:" at the end of the one before it, set off
    without quote marks: the speaker's words, verbatim."""
    out: list[Found] = []
    quoted = [(q.open, q.close) for q in quotes]
    for (a, b), (next_a, next_b) in zip(paras, paras[1:]):
        if text[b - 1] != ":" or text[next_a] in _OPENERS or _within(next_a, quoted) \
                or _within(b - 1, turn_regions) or _within(next_a, turn_regions):
            continue
        offset, doc = _doc_at(units, docs, b - 1)
        if doc is None or not doc.has_annotation("DEP"):
            continue
        colon = _token_at(doc, offset, b - 1)
        if colon is None:
            continue
        cue = next((t for t in reversed(list(colon.sent)) if _is_cue(t, cues)), None)
        subject = _speaker_of(cue, cues) if cue is not None else None
        if subject is None:
            continue
        mention, context, persons = _mention(subject, offset, text, cue=cue)
        out.append(Found("direct", next_a, next_b, _cue_text(cue), mention, context, persons,
                         anchor=subject.idx + offset, cue_at=cue.idx + offset))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in "\u201c\u2018\"'"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:\u201c\u201d\"'\u2018\u2019"):
        end -= 1
    return start, end


def _set_off(text: str, q: Quote, before: str, after: str, cues: Cues) -> bool:
    """Whether a quote stands as a sentence of its own rather than a phrase inside narrative."""
    head = before.rstrip()
    last_word = head.split()[-1].lower().strip(",") if head.split() else ""
    before_ok = not head or head[-1] in ":,;.!?(\"\u201d" + _DASHES or last_word in cues.forms
    inner = text[q.start : q.end].rstrip()
    tail = after.lstrip()[:1]
    after_ok = (inner[-1:] in ",.?!\u2026" if inner else False) or tail in ("", ",", ".", ";", ":", "?", "!") \
        or tail in _DASHES
    return before_ok and after_ok


def _cue_for_quote(text, paras, docs, q: Quote, quote_spans, cues: Cues):
    """The cue verb nearest the quote in the sentences it opens and closes, and the cue's speaker."""
    best = None
    for pos, side in ((q.close, "after"), (q.open, "before")):
        offset, doc = _doc_at(paras, docs, min(pos, len(text) - 1))
        if doc is None:
            continue
        anchor = _token_at(doc, offset, pos if side == "before" else max(q.close - 1, q.open))
        if anchor is None:
            continue
        sent = anchor.sent
        window = list(sent)
        if side == "after" and sent.end < len(doc):
            following = doc[sent.end].sent
            if following.start_char + offset - q.close <= 3 and following[0].is_lower:
                window += list(following)  # `"…." he said` split off as a sentence of its own
        for token in window:
            at = token.idx + offset
            if _within(at, quote_spans) or not _is_cue(token, cues):
                continue
            distance = at - q.close if at >= q.close else q.open - at
            if side == "after" and at < q.close:
                continue
            if side == "before" and at > q.open:
                continue
            if best is None or distance < best[0]:
                best = (distance, token, offset)
    if best is None:
        return None, "", "", [], 0, -1
    _, token, offset = best
    subject = _speaker_of(token, cues)
    if subject is None:
        return None, "", "", [], 0, -1
    mention, context, persons = _mention(subject, offset, text, cue=token)
    if not mention:
        return None, "", "", [], 0, -1
    return _cue_text(token), mention, context, persons, subject.idx + offset, token.idx + offset
