"""The extraction as spaCy components, each one job, run in order over an article's Doc:

    parley_statements  quotes, transcript turns, reported speech, statement nouns → doc.spans["statements"]
                       (each span's `._.found` holds the exact character offsets, cue and speaker mention)
    parley_speakers    who said each one, in reading order (author or site host, pronouns, titles, joint
                       subjects, organisations) → span._.speakers, span._.speaker; nested statements dropped
    parley_parties     each speaker's party from config/parties.yaml → span._.parties, span._.party

The Doc is the one from analysis.nlp.parse (shared with claims); what the article says about itself
(author, date, site) is in doc.user_data["article"].
"""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from analysis import statements
from analysis.parties import UNKNOWN, registry

STATEMENTS = "statements"  # the span group
ARTICLE = "article"  # key of doc.user_data: author, published, url, source
_EVENTS = "parley_people"  # key of doc.user_data: who the text names, for the speakers component

for _name, _default in (("found", None), ("speakers", None), ("parties", None)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)
if not Span.has_extension("speaker"):
    Span.set_extension("speaker", getter=lambda span: span._.speakers[0].name if span._.speakers else "")
if not Span.has_extension("party"):
    Span.set_extension("party", getter=lambda span: span._.parties[0] if span._.parties else UNKNOWN)


def _group(doc: Doc, found: list) -> SpanGroup:
    spans = []
    taken = set()
    for f in found:
        span = doc.char_span(f.start, f.end, label=f.kind, alignment_mode="expand")
        if span is None:  # (offsets inside whitespace only: nothing to point at)
            continue
        key = (span.start, span.end, span.label)
        if key in taken:
            # Span extensions live in the Doc under (start, end, label): a second statement of the same words
            # would overwrite the first's record. The first found (a verb's report before a noun's) stays.
            continue
        taken.add(key)
        span._.found = f
        spans.append(span)
    return SpanGroup(doc, name=STATEMENTS, spans=spans)


@Language.component("parley_statements", assigns=["doc.spans"])
def find_statements(doc: Doc) -> Doc:
    found, events, named = statements.find(doc)
    doc.spans[STATEMENTS] = _group(doc, found)
    doc.user_data[_EVENTS] = (events, named)
    return doc


@Language.component("parley_speakers", requires=["doc.spans"], assigns=["span._.speakers"])
def resolve_speakers(doc: Doc) -> Doc:
    events, named = doc.user_data.pop(_EVENTS, ([], []))
    found = [span._.found for span in doc.spans.get(STATEMENTS, [])]
    kept = statements.resolve(doc, found, events, named)
    doc.spans[STATEMENTS] = _group(doc, kept)
    for span in doc.spans[STATEMENTS]:
        span._.speakers = list(span._.found.speakers)
    return doc


@Language.component("parley_parties", requires=["span._.speakers"], assigns=["span._.parties"])
def assign_parties(doc: Doc) -> Doc:
    reg = registry()
    for span in doc.spans.get(STATEMENTS, []):
        # a speaker resolved without a party may still be named by a config alias (an institution)
        span._.parties = [s.party if s.party and s.party != UNKNOWN else (reg.party_of(s.name) or UNKNOWN)
                          for s in span._.speakers or []]
    return doc


@lru_cache(maxsize=1)
def extraction() -> Language:
    """The components in order, in a pipeline of their own: they run over Docs that analysis.nlp parsed."""
    pipeline = spacy.blank("en")
    for name in ("parley_statements", "parley_speakers", "parley_parties"):
        pipeline.add_pipe(name)
    return pipeline
