"""Statements of an article: direct quotes, reported speech and transcript turns, with character offsets.

`extract(article)` returns rows of the statements table. The text of each row is exactly
article["text"][start:end]. Quote marks are found by a scanner that never lets an unclosed quote run
past its paragraph; speech is found with spaCy's parse (the subject of a cue verb from config/en/cues.yaml
is the speaker), by statement nouns ("Kyiv's claim that …", "expressed hope that …"), held views ("X is
convinced that …", "In his opinion, …") and by a paragraph introduced with "…, he added:"; speakers and parties
are resolved by analysis.speakers against config/parties.yaml. A topic ("discussed the situation") or an
intention ("wanted to capture the town") is not a statement.

Where the reported clause ends comes from the parse, corrected where the small parser goes wrong in
news copy: an attribution set off by commas ("The bridge, the governor said, will reopen") reports the
whole sentence; an object ends before phrases of occasion and time ("… in a statement on Sunday"); a
second cue ("… and warned …", "…, arguing that …") and a closing ", which …" start something else.
Reported speech wholly inside another statement is that statement's speaker's account, not a statement
of its own subject.

Documents by their speaker (article["author"] set, or a site that speaks for one office holder such as
the President's own): their own sentences are not statements (the annotation convention of speeches), nor
their present-tense views ("I hope …", "we support …"); what they report is ("I told the Chancellor that …"),
and "I", "we" or "the President" in it is the author. Quotes of other people inside
such a document keep their own speakers.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace

import pandas as pd

from analysis.candidates import Found
from analysis import cues as cue_words
from analysis import nlp
from analysis.parties import UNKNOWN, registry
from analysis.people import _people_named, _subject_people, title_people
from analysis.quotes import _block_quotes, _direct, _within, find_quotes, paragraphs
from analysis.reported import _convictions, _noun_statements, _opinions, _reported
from analysis.speakers import Speaker, SpeakerBook, clean
from analysis.tables import conform, empty
from analysis.turns import _turns


FOLLOW_CHARS = 400


def extract(article: dict, doc=None) -> pd.DataFrame:
    """The statements of one article (see the module docstring), as a statements table. `doc` is the
    article's Doc from analysis.nlp.parse (shared with claims); without it the article is parsed here.
    The Doc goes through the registered components of analysis.pipes (statements → speakers → parties),
    which leave the statements in doc.spans["statements"]."""
    text = _field(article, "text")
    if not text.strip():
        return empty("statements")
    if doc is None:
        doc = nlp.parse([text])[0]
    elif len(doc) and (doc[-1].idx + len(doc[-1].text_with_ws) != len(text) or not text.startswith(doc[0].text)):
        # (Doc.text joins every token in Python: compare the ends, not the whole)
        raise ValueError("the parsed Doc is not of this article's text: parse the article text itself")
    from analysis import pipes  # (registers the components; it imports this module)

    doc.user_data[pipes.ARTICLE] = {k: _field(article, k)
                                    for k in ("author", "published", "url", "source", "title")}
    for _, component in pipes.extraction().pipeline:
        doc = component(doc)
    found = []
    for span in doc.spans[pipes.STATEMENTS]:
        span._.found.speakers = [replace(s, party=p) for s, p in zip(span._.speakers, span._.parties)]
        found.append(span._.found)
    return _table(article, text, found)


def find(doc) -> tuple[list[Found], list[tuple[int, str]], list[tuple[int, str, str]]]:
    """Statements of the Doc before their speakers are known: transcript turns, quotes, block quotes,
    reported speech and statement nouns; and the people the text names (as subjects, and anywhere)."""
    text = doc.text
    cues = cue_words.load()
    author = doc.user_data.get("article", {}).get("author", "").strip()  # (analysis.pipes.ARTICLE)
    paras = paragraphs(text)
    turns, turn_regions = _turns(text, paras, cues, author)
    units, docs = _units(doc)

    quotes = [q for q in find_quotes(text, paras) if not _within(q.open, turn_regions)]
    found = list(turns)
    found += _direct(text, paras, units, docs, quotes, cues, turn_regions)
    found += _block_quotes(text, paras, units, docs, quotes, cues, turn_regions)
    direct_spans = [(f.start, f.end) for f in found if f.kind == "direct"]
    used_cues = {f.cue_at for f in found if f.cue_at >= 0}
    # a document by its speaker (an author, or the site of one office holder): "I hope …" is its own voice
    voiced = bool(author) or _host(doc.user_data.get("article", {})) is not None
    found += _reported(text, units, docs, quotes, direct_spans, used_cues, cues, turn_regions, voiced)
    found += _noun_statements(text, units, docs, quotes, direct_spans, cues, turn_regions)
    found += _convictions(text, units, docs, quotes, direct_spans, cues, turn_regions, voiced)
    found += _opinions(text, units, docs, quotes, direct_spans, cues, turn_regions, voiced)
    return found, _subject_people(units, docs), _people_named(units, docs)


def resolve(doc, found: list[Found], events, named) -> list[Found]:
    """Each statement's speakers, resolved in reading order; statements nested in others dropped."""
    article = doc.user_data.get("article", {})
    book = _book(article, article.get("author", "").strip())
    for name in [e[1] for e in events] + [n[1] for n in named]:
        book.saw_person(name)  # a surname may come before the full name ("Boychenko stated …")
    # A person named inside what someone says is not who "he" refers to next: the speaker still is.
    said = [(f.start, f.end) for f in found if f.kind != "turn"]
    events = [e for e in events if not _within(e[0], said)]
    return _resolve(found, events, book, doc.text, named)


def _book(article: dict, author: str) -> SpeakerBook:
    """Who the article's first person and bare titles may be: its author, or the office holder whose
    site it comes from (the President of Ukraine on president.gov.ua)."""
    published = _field(article, "published")
    host = _host(article)
    book = SpeakerBook(published=published, author=author, host=host.name if host else "",
                       home=host.party if host else "", title=_field(article, "title"))
    book.start_with_author(title_people(book.title))
    return book


def _host(article: dict):
    """The office holder whose site the article comes from (the President of Ukraine on president.gov.ua)."""
    published = _field(article, "published")
    return registry().host(_field(article, "url"), published) or registry().host(_field(article, "source"), published)


def _units(doc) -> tuple[list[tuple[int, int]], list]:
    """The article's runs of sentences as (offset, end) and a Doc each: parsed runs with their parse,
    the rest split into sentences only (no parse: the extractors read what names people there)."""
    text = doc.text  # (a property that joins every token: read it once)
    units, docs = [], []
    for a, b, parsed in nlp.runs(doc):
        if not text[a:b].strip():
            continue
        units.append((a, b))
        docs.append(nlp.run_doc(doc, a, b) if parsed else nlp.sentences_only(text[a:b]))
    return units, docs


def _field(article: dict, key: str) -> str:
    """A column of the article as text; missing values (None, NaN, pd.NA) are empty."""
    value = article.get(key)
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


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
            book.acted(item)  # a named person acting: what "he" may refer to next
            continue
        if item.agentless:
            if not book.host:
                continue  # nobody to say it: an agentless report is nobody's statement
            item.speakers = book.resolve(book.host, persons=[book.host])
            item.mention = ""
        elif item.written:
            item.speakers = [book.sender()]
        elif item.follow:
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
    _one_party_each(kept)
    _attribute_forward(kept, text)
    return _dedupe(kept)


def _one_party_each(found: list[Found]) -> None:
    """One person, one side through the article: a person named before their side shows ("Hrytsenko said …"
    and later "Mariupol Mayor Petro Hrytsenko said …") takes the side found for them."""
    sides = {s.name: s.party for f in found for s in f.speakers if s.person and s.name and s.party != UNKNOWN}
    for f in found:
        f.speakers = [replace(s, party=sides[s.name]) if s.party == UNKNOWN and s.name in sides else s
                      for s in f.speakers]


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
    def names_of(f: Found) -> set:
        return {(s.name or s.mention, s.party) for s in f.speakers}

    # "X is convinced that Y. He said this during …": the sentence before says what X said already
    found = [f for f in found if not f.restates or not any(
        o is not f and not o.restates and o.start < f.end and f.start < o.end and names_of(f) & names_of(o)
        for o in found)]
    out: list[Found] = []
    for f in found:
        names = names_of(f)
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
