"""Territorial claims: who says they annexed, captured, reclaimed, advance on or fight for which place.

Read from spaCy's parse of the article, with every word list in config/claims.yaml (see
analysis/claim_rules.py). A claim word (a verb such as "liberated", a noun such as "the siege of", a
participle such as "Russian-occupied", or "under Russian control") has a meaning; the places are its
arguments — the object and its conjuncts, the subject of a passive, or the object of the prepositions the
meaning names — never a place elsewhere in the sentence ("10 km south of X", "X, a town in Y Oblast").
The party is the subject, the passive agent or the party written on the noun; pronouns resolve to the
last subject named, "we" to the speaker's party. The type follows from the meaning and from whose place it
is (config/claims.yaml `owner`: the gazetteer's places are one country's): Russia taking a Ukrainian place
is `captured` whatever the verb, Ukraine taking it `reclaimed`, a withdrawal the other side's gain; with no
side named, the taker or attacker is the side that does not own the place. A claim needs a named place
the gazetteer knows; "the city" resolves to the city the text has just been about, or the claim is skipped.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from analysis import parties, places
from analysis.parties import UNKNOWN
from analysis.claim_rules import Meaning, rules
from analysis.tables import conform, empty


_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS.update(rules().month_abbreviations)
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_MONTH = r"(?:%s)\.?" % "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORDINAL = "|".join(sorted(rules().word("ordinal_suffixes"), key=len, reverse=True))
_DAY_OF = "|".join(rules().word("day_of"))
_ON = "|".join(rules().word("weekday_preps"))
_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:{_ORDINAL})?\s+(?:(?:{_DAY_OF})\s+)?(?P<m1>{_MONTH})|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}})(?:{_ORDINAL})?\b)"
    rf"(?:,?\s+(?P<y>\d{{4}}))?|\b(?:{_ON})\s+(?P<wd>%s)\b" % "|".join(_WEEKDAYS),
    re.IGNORECASE,
)
_PAST = re.compile(
    rf"\b(?:{'|'.join(rules().word('past_preps'))})\s+(?:(?P<m>{_MONTH})\s+)?(?P<y>(?:19|20)\d\d)\b"
    rf"|\b(?P<n>\d{{1,2}}|{'|'.join(sorted(rules().count_words, key=len, reverse=True))})\s+"
    rf"(?:{'|'.join(rules().word('years_ago'))})\b",
    re.IGNORECASE,
)
_EMPTY = empty("claims")


# -- areas and dates -----------------------------------------------------------------------------
def areas(text: str) -> list[tuple[int, int, float]]:
    """(start, end, km²) of each area stated in the text."""
    found = []
    for pattern, factor in rules().areas:
        for m in pattern.finditer(text):
            value = float(re.sub(r"[,\s]", "", m.group("n")))
            value *= rules().number_words.get((m.group("mult") or "").lower(), 1)
            found.append((m.start(), m.end(), round(value * factor, 3)))
    found.sort()
    return [f for i, f in enumerate(found) if not any(o[0] <= f[0] < o[1] for o in found[:i])]


def _published(article: dict) -> dt.date | None:
    value = str(article.get("published") or "")[:10]
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def stated_dates(text: str, published: dt.date | None) -> list[tuple[int, str]]:
    """(position, ISO date) of each date the text states, resolved against the article's date.

    A day and month without a year takes the latest such date not after the article's date; a weekday
    ("on Friday") the latest such day not after it. Without the article's date neither can be resolved.
    """
    out = []
    for m in _DATE.finditer(text):
        try:
            if m.group("wd"):
                if not published:
                    continue
                back = (published.weekday() - _WEEKDAYS[m.group("wd").lower()]) % 7
                out.append((m.start(), (published - dt.timedelta(days=back)).isoformat()))
                continue
            month = _MONTHS[(m.group("m1") or m.group("m2")).rstrip(".").lower()]
            day = int(m.group("d1") or m.group("d2"))
            if m.group("y"):
                out.append((m.start(), dt.date(int(m.group("y")), month, day).isoformat()))
            elif published:
                when = dt.date(published.year, month, day)
                if when > published:
                    when = dt.date(published.year - 1, month, day)
                out.append((m.start(), when.isoformat()))
        except ValueError:  # "February 30"
            continue
    return out + _stated_past(text, published)


def _stated_past(text: str, published: dt.date | None) -> list[tuple[int, str]]:
    """(position, ISO date) of each past the text states without a day, before the article's date: "in
    March 2014" (its first day), "since 2014" (the year's first day), "ten years ago" (the article's day
    that many years back). A year that is the article's own says nothing the article's date does not."""
    if published is None:
        return []
    out = []
    for m in _PAST.finditer(text):
        if m.group("n"):
            years = int(m.group("n")) if m.group("n").isdigit() else rules().count_words[m.group("n").lower()]
            if years:
                try:
                    back = published.replace(year=published.year - years)
                except ValueError:  # 29 February
                    back = published.replace(year=published.year - years, day=28)
                out.append((m.start(), back.isoformat()))
            continue
        year = int(m.group("y"))
        month = _MONTHS[m.group("m").rstrip(".").lower()] if m.group("m") else 1
        when = dt.date(year, month, 1)
        if year < published.year or (m.group("m") and when < published.replace(day=1)):
            out.append((m.start(), when.isoformat()))
    return out


# -- the document ------------------------------------------------------------------------------------
@dataclass
class _Context:
    article_id: str
    published: dt.date | None
    statements: pd.DataFrame | None
    author_party: str | None
    previous: str | None = None  # the party of the last subject named
    sentence_no: int = 0
    recent: list[tuple[int, places.Place]] = field(default_factory=list)  # places named, by sentence
    oblasts: list[str] = field(default_factory=list)  # oblasts named so far, in order
    mentions: dict[str, int] = field(default_factory=dict)  # how often each place was named so far
    unplaced: set[int] = field(default_factory=set)  # offsets of claimed ground no located place names

    def statement_at(self, position: int) -> tuple[str, str | None]:
        """(statement_id, speaker's party) of the statement around a character offset; the author's
        party outside statements (a press release speaks as its author)."""
        statement_id, party = _statement_at(self.statements, position)
        if not statement_id:
            party = self.author_party
        return statement_id, party


def _statement_at(statements: pd.DataFrame | None, position: int) -> tuple[str, str | None]:
    if statements is None or statements.empty:
        return "", None
    starts = pd.to_numeric(statements["start"], errors="coerce")
    ends = pd.to_numeric(statements["end"], errors="coerce")
    inside = statements[(starts <= position) & (ends > position)]
    if inside.empty:
        return "", None
    row = inside.iloc[0]
    party = row.get("party")
    return str(row["statement_id"]), (None if pd.isna(party) or party in ("", UNKNOWN) else str(party))


def _parses(text: str, doc) -> list[tuple[int, object]]:
    """(offset, Doc) pairs covering the text: the pipeline's Doc of the whole article, else our own parse
    (analysis.nlp parses texts longer than the parser accepts in windows, with article offsets)."""
    if doc is None:
        from analysis.nlp import parse  # the one loaded pipeline, shared with statement extraction

        doc = parse([text])[0]
    return [(0, doc)]


def extract(article: dict, statements: pd.DataFrame | None = None, doc=None) -> pd.DataFrame:
    """The article's territorial claims as a claims table (see analysis/tables.py).

    `doc` is spaCy's parse of the whole article text (offsets = article offsets); without it the text
    is parsed here. `statements` (the article's statements table) gives each claim its statement and
    the speaker's party that "we" stands for.
    """
    return extract_counted(article, statements, doc)[0]


def extract_counted(article: dict, statements: pd.DataFrame | None = None, doc=None) -> tuple[pd.DataFrame, int]:
    """`extract`, and how many claim mentions the article has whose ground is no place the gazetteer
    locates ("captured the village", "liberated 500 km² of territory", a name the gazetteer lacks):
    they are no claims, but an analyst should know they were read (the articles table's
    `unplaced_claims`)."""
    text = str(article.get("text") or "")
    if not text.strip():
        return _EMPTY.copy(), 0
    context = _Context(
        article_id=str(article.get("article_id") or ""), published=_published(article), statements=statements,
        author_party=parties.party_of(str(article.get("author") or "")) if article.get("author") else None,
    )
    rows: list[dict] = []
    for offset, parsed in _parses(text, doc):
        for sent in parsed.sents:
            rows += _sentence_claims(sent, offset, context)
    if not rows:
        return _EMPTY.copy(), len(context.unplaced)
    return conform(pd.DataFrame(rows).drop_duplicates("claim_id"), "claims"), len(context.unplaced)


# -- one sentence --------------------------------------------------------------------------------------
@dataclass
class _Sentence:
    sent: object
    offset: int
    places: dict[int, places.Place]  # token index → the place the token names
    subjects: list[tuple[int, str]]  # (token index, party) of each subject naming a party
    previous: str | None  # the last subject's party before the sentence


def _sentence_claims(sent, offset: int, context: _Context) -> list[dict]:
    known = rules()
    text = sent.text
    context.sentence_no += 1
    found = _sentence_places(sent, context.oblasts[-1] if context.oblasts else "")
    here = _Sentence(sent, offset, found, [], context.previous)
    here.subjects = [
        (t.i, party) for t in sent if t.dep_ in ("nsubj", "nsubjpass") or (t.dep_ == "pobj" and t.head.dep_ == "agent")
        for party in [_named_party(t)] if party
    ]
    rows: list[dict] = []
    if not _tells_history(text):
        for token in sent:
            for item in _claims_at(token, here, context):
                rows.append(item)
    # What later sentences refer back to: the places named here and the last subject's party.
    for index in sorted(found):
        if not context.recent or context.recent[-1][1] != found[index]:
            context.recent.append((context.sentence_no, found[index]))
            context.mentions[found[index].name] = context.mentions.get(found[index].name, 0) + 1
    context.recent = [(n, p) for n, p in context.recent if context.sentence_no - n <= known.vague_reach]
    context.oblasts += [found[i].name for i in sorted(found) if found[i].type == "oblast"]
    if here.subjects:
        context.previous = here.subjects[-1][1]
    return _rows(rows, sent, offset, context)


def _sentence_places(sent, last_oblast: str = "") -> dict[int, places.Place]:
    """Token index → place, for the tokens of each place name the gazetteer finds in the sentence.

    A name several villages share is the one in the oblast the sentence names, else in the oblast the
    text named last ("Verbivka ... Kharkiv Oblast").
    """
    text, base = sent.text, sent.start_char
    found = places.find(text)
    oblasts = {s: p for s, p in _oblast_lists(text).items()}
    hint = " and ".join(p.name for _, _, p in found if p is not None and p.type == "oblast") or last_oblast
    out: dict[int, places.Place] = {}
    for start, end, place in found:
        if place is None:
            continue
        place = oblasts.get(start, place)
        if hint and place.type not in ("oblast", "region", "country"):
            place = places.resolve(text[start:end], oblast=hint) or place
        tokens = [t for t in sent if start <= t.idx - base < end]
        if tokens and tokens[-1].dep_ == "nsubj" and parties.party_of(text[start:end]):
            continue  # "Kyiv mocked the claim": the state, not the city
        if tokens and _names_something_else(tokens, start, end, base):
            continue  # "Kupiansk Mayor", "the Kharkiv counteroffensive": a modifier, not a place
        for token in tokens:
            out[token.i] = place
    return out


def _names_something_else(tokens, start: int, end: int, base: int) -> bool:
    """Whether a place name only modifies a noun that is not itself part of a place's name."""
    known = rules()
    last = tokens[-1]
    head = last.head
    if last.dep_ not in ("compound", "amod", "nmod") or head in tokens:
        return False
    head_lemma = head.lemma_.lower()
    return (head.pos_ in ("NOUN", "PROPN") and head_lemma not in known.vague_places and head_lemma not in known.containers
            and head.lower_ not in known.region_plurals)


def _oblast_lists(sentence: str) -> dict[int, places.Place]:
    """Names listed before "regions"/"oblasts" are oblasts: "Donetsk, Luhansk and Kherson regions"."""
    out = {}
    for m in rules().region_list.finditer(sentence):
        for name in re.finditer(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?", m.group(1)):
            words = name.group().split()
            # "Ukraine's Kherson and Zaporizhzhia regions": the possessor is no part of the name
            for first in range(len(words)):
                oblast = places.resolve(" ".join(words[first:]) + " " + rules().region_word)
                if oblast is not None and oblast.type in ("oblast", "region"):
                    out[m.start(1) + name.start() + len(" ".join(words[:first])) + (1 if first else 0)] = oblast
                    break
    return out


def _tells_history(sentence: str) -> bool:
    years = [int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", sentence)]
    return any(y < rules().earliest_year for y in years) or bool(rules().history.search(sentence))


@dataclass
class _Found:
    kind: str  # the meaning's kind after modality (an attempt to take is an advance)
    trigger: object  # the token
    places: list  # [(token, Place)]
    gainer: str | None  # the party the words name as gaining, attacking, annexing or (lose) losing
    loser: str | None  # a party named as losing ("from Russian occupation")
    default_speaker: bool = False  # liberate: with no agent, the speaker's side
    position: int = 0  # the trigger's offset in the article


def _lemma(token) -> str:
    """The token's lemma; for a verb the lemmatizer did not know ("retook"), the prefix plus the lemma
    of the irregular verb after it ("re" + "take")."""
    lemma = token.lemma_.lower()
    doc = token.doc
    if token.i >= 2 and doc[token.i - 1].text == "-" and not doc[token.i - 1].whitespace_ and (
            doc[token.i - 2].lower_ + "-" in rules().word("verb_prefixes")):
        # "de-occupied", written as three tokens: the prefixed verb
        base = _lemma_unprefixed(token)
        return doc[token.i - 2].lower_ + "-" + base
    return _lemma_unprefixed(token)


def _lemma_unprefixed(token) -> str:
    lemma = token.lemma_.lower()
    if lemma != token.lower_ or not (token.tag_.startswith("VB") or token.tag_ == "JJ"):
        return lemma
    known = rules()
    word = token.lower_
    ending = known.past_ending
    if (ending and word.endswith(ending)) or word in _irregular_verbs():
        # an adjective tagged "liberated", "occupied", "held": the verb it was made from (the ending cut
        # after its first letter, whole, or with a "y" the ending replaced: "occupied" → "occupy")
        n = len(ending)
        guesses = [word[: -(n - 1) or None], word[:-n], word[: -n - 1] + known.y_ending, word[: -n - 1]]
        guesses += list(_irregular_verbs().get(word, []))
        for guess in guesses:
            if guess in known.verbs or guess in known.participles:
                return guess
    for prefix in known.word("verb_prefixes"):
        if token.lower_.startswith(prefix):
            base = _irregular_verbs().get(token.lower_[len(prefix):])
            if base:
                return prefix + base[0]
    return lemma


@lru_cache(maxsize=1)
def _irregular_verbs() -> dict:
    from analysis.nlp import lemma_tables  # the one loaded pipeline's irregular forms

    return lemma_tables("verb")[1]


def _denied(token) -> bool:
    """Whether the token stands in a clause a denial governs ("denied that the city was captured")."""
    heads = rules().denial_heads
    node = token
    while node.head.i != node.i:
        if node.dep_ in ("ccomp", "xcomp") and node.head.lemma_.lower() in heads:
            return True
        node = node.head
    return False


def _claims_at(token, here: _Sentence, context: _Context) -> list[_Found]:
    known = rules()
    lemma = _lemma(token)
    if (lemma not in known.verbs and lemma not in known.nouns and lemma not in known.participles
            and lemma not in known.under) or _denied(token):
        return []
    out: list[_Found] = []
    if token.pos_ in ("VERB", "AUX") or (token.tag_ in ("VBN", "VBG", "VBD") and token.dep_ not in ("amod",)):
        for meaning in known.verbs.get(lemma, ()):
            found = _verb_claim(token, meaning, here, context)
            if found:
                out.append(found)
                break
    if token.pos_ in ("NOUN", "PROPN") and lemma in known.nouns and not out:
        found = _noun_claim(token, known.nouns[lemma], here, context)
        if found:
            out.append(found)
    if token.dep_ in ("amod", "compound", "nmod") and lemma in known.participles and token.tag_ in ("VBN", "JJ", "VBD"):
        found = _participle_claim(token, known.participles[lemma], here, context)
        if found:
            out.append(found)
    if token.dep_ == "pobj" and token.head.lower_ in known.word("under") and lemma in known.under:
        found = _under_claim(token, known.under[lemma], here, context)
        if found:
            out.append(found)
    for found in out:
        found.position = here.offset + token.idx
    return out


# -- verbs ---------------------------------------------------------------------------------------------
def _is_passive(verb) -> bool:
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return True
    # "the town captured by Russian forces": a past participle modifying a noun
    return verb.dep_ == "acl" and verb.tag_ == "VBN"


def _forms(token) -> list[str]:
    """The lemma and, for a past form the lemmatizer may have cut wrong ("hoped" → "hop"), the word
    without its ending."""
    word = token.lower_
    forms = [token.lemma_.lower()]
    ending = rules().past_ending
    if token.tag_ in ("VBD", "VBN") and ending and word.endswith(ending):
        forms += [word[: -(len(ending) - 1) or None], word[: -len(ending)]]
    return forms


def _modality(verb) -> str:
    """'claim'; 'attempt' (tried, failed or set out to take it: an advance); 'future' (a plan, a
    possibility, a promise); or 'none' (a negation)."""
    known = rules()
    base = verb
    while base.dep_ == "conj" and base.head.pos_ in ("VERB", "AUX"):
        base = base.head
    for v in {verb, base}:
        if any(c.dep_ == "neg" for c in v.children) or any(
                t.dep_ == "neg" for c in v.lefts if c.dep_ not in ("nsubj", "nsubjpass") for t in c.subtree):
            return "none"
        aux = [c.lower_ for c in v.children if c.dep_ in ("aux", "auxpass")]
        if any(a in known.modals for a in aux):
            return "future"
        if known.word("counterfactual") & set(aux) and (known.word("perfect") & set(aux) or any(
                t.lower_ in known.word("conditions") for t in v.sent)):
            return "none"
    if any(c.dep_ == "mark" and c.lower_ in known.word("conditions") for c in base.children):
        return "none"  # "if Wagner captures the city"
    if base.dep_ in ("csubj", "nsubj") and base.tag_ == "VBG":
        # "capturing Bakhmut would only be a symbolic victory": the sentence's own mood
        if any(c.dep_ == "aux" and c.lower_ in known.modals | known.word("counterfactual") for c in base.head.children):
            return "none"
    infinitive = any(c.dep_ == "aux" and c.lower_ in known.word("infinitive") for c in base.children)
    if infinitive or base.dep_ == "xcomp":
        head = base.head
        forms = _forms(head)
        head_lemma = next((f for f in forms if f in known.success_heads | known.intent_heads | known.attempt_heads),
                          head.lemma_.lower())
        if any(c.dep_ == "neg" for c in head.children) and head_lemma not in known.attempt_heads:
            return "none"
        if head_lemma in known.success_heads or any(c.lemma_.lower() in known.success_heads for c in head.children
                                                    if c.dep_ in ("acomp",)):
            return "claim"
        if f"{head.head.lower_} {head_lemma}" in known.word("purpose_phrases"):
            return "attempt"  # "advanced ... in order to liberate the city": a purpose
        if head_lemma in known.intent_heads:
            return "future"
        if head_lemma in known.attempt_heads:
            return "attempt"
        # "launched an offensive to capture Kyiv": a purpose is an attack on the place
        if infinitive:
            return "attempt"
    if base.dep_ == "pcomp" and base.head.lower_ in known.word("gerund_preps") and (
            base.head.head.lemma_.lower() in known.attempt_heads | known.intent_heads):
        return "attempt"  # "its objective of capturing Kyiv", "an attempt at encircling"
    return "claim"


def _subject(verb):
    """The verb's active subject: its own, or that of the verb it is chained to."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if len(subjects) > 1:  # "reports that Ukrainians took ...": the parser may make "that" a subject too
        subjects = [c for c in subjects if c.lower_ not in rules().relative_pronouns] or subjects
    if subjects:
        return subjects[0]
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX") and not _is_passive(verb.head):
        return _subject(verb.head)
    if verb.dep_ in ("xcomp", "advcl") and verb.head.pos_ in ("VERB", "AUX"):
        if verb.dep_ == "xcomp" or verb.tag_ == "VBG" or any(c.lower_ in rules().word("infinitive") for c in verb.children):
            return _subject(verb.head) if not _is_passive(verb.head) else None
    if verb.dep_ in ("acl", "relcl") and verb.tag_ == "VBG":
        return verb.head  # "Ukrainian forces liberating Balakliia"
    if verb.dep_ == "acl" and verb.head.pos_ == "NOUN" and verb.head.lemma_.lower() in rules().attempt_heads:
        # "Russia's attempts to capture Kyiv": the attempt's owner
        owner = [c for c in verb.head.children if c.dep_ in ("poss", "amod", "compound")]
        return owner[0] if owner else None
    return None


def _agent(verb):
    for child in verb.children:
        if child.dep_ == "agent":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            return objects[0] if objects else None
    return None


def _prep_objects(head, words) -> list:
    """Objects of the head's prepositions among `words` ("from", "out of", "towards")."""
    known = rules()
    out = []
    pairs = [tuple(w.split(" ", 1)) for w in words if " " in w]
    for child in head.children:
        if child.dep_ not in ("prep", "prt", "advmod", "agent", "dative"):
            continue
        word = child.lower_
        pair = next(((first, second) for first, second in pairs
                     if word == first or (word == second and any(c.lower_ == first for c in child.children))), None)
        if pair and word == pair[0]:
            # "out of Kherson", "along with the town of X": the second word holds the object; with "out" a
            # particle, the parser may hang the second word on the head
            own = [p for c in child.children if c.dep_ == "prep" and c.lower_ == pair[1]
                   for p in c.children if p.dep_ == "pobj"]
            out += own or [p for c in head.children if c.dep_ == "prep" and c.lower_ == pair[1]
                           for p in c.children if p.dep_ == "pobj"]
        elif pair:
            out += [c for c in child.children if c.dep_ == "pobj"]  # "such as X": "such" hangs on "as"
        elif word in words and child.dep_ == "prep":
            out += [c for c in child.children if c.dep_ in ("pobj", "pcomp")]
            # "not just from Kyiv Oblast, but also from Sumy": the same preposition again
            out += [p for c in child.children if c.dep_ == "conj" and c.lower_ == word
                    for p in c.children if p.dep_ == "pobj"]
        elif child.dep_ == "advmod" and word in known.word("adverb_particles"):
            out += _prep_objects(child, words)  # "driven away from the city"
        elif word in words and child.dep_ == "advmod":
            # "towards" is sometimes parsed as an adverb with the place as its object
            out += [c for c in child.children if c.dep_ in ("pobj",)]
    return out


def _verb_places(verb, meaning: Meaning, passive: bool) -> list:
    known = rules()
    args = []
    lemma = verb.lemma_.lower()
    for role in meaning.places:
        if role == "object":
            if passive:
                args += [c for c in verb.children if c.dep_ == "nsubjpass"]
                if verb.dep_ == "acl" and verb.tag_ == "VBN":
                    args.append(verb.head)
            else:
                objects = [c for c in verb.children if c.dep_ in ("dobj",)]
                if not objects:
                    # the small parser sometimes hangs a name right after the verb as an adverbial
                    # ("had liberated Lyman on Saturday")
                    objects = [c for c in verb.rights if c.dep_ in ("npadvmod", "advmod", "oprd", "attr", "dep")
                               and c.pos_ == "PROPN" and c.i == verb.i + 1]
                if lemma in known.needs_preposition:
                    objects = [o for o in objects if o.lemma_.lower() in known.edge_nouns]
                args += objects + _gapped_objects(verb, objects)
        elif role == "subject":
            if not passive:
                args += [c for c in verb.children if c.dep_ == "nsubj"]
    preps = [p for p in meaning.places if p not in ("object", "subject")]
    if lemma in known.needs_preposition and not any(
            c.dep_ in ("prt", "advmod") and c.lower_ in known.word("motion_particles") for c in verb.children):
        # "agreements reached in Kyiv": only a preposition of motion makes these verbs an advance ("broke
        # through in Kakhovka" is one)
        preps = [p for p in preps if p in known.word("motion_preps")]
    if preps:
        args += _prep_objects(verb, preps)
        if meaning.kind == "advance":
            # "advanced 300 metres towards Orikhovo-Vasylivka": the place hangs on the distance
            for measure in (c for c in verb.children if c.lemma_.lower() in known.distance_units):
                args += _prep_objects(measure, preps)
        # "pushed the Russians out of Kherson": the preposition may hang on the object
        for obj in (c for c in verb.children if c.dep_ == "dobj"):
            args += _prep_objects(obj, [p for p in preps if p in known.word("loser_preps")])
            if meaning.kind in ("advance", "contest") and obj.lemma_.lower() in known.positions:
                # "assaulting strongholds in A and B", "attacked positions near X": where the positions are
                args += _prep_objects(obj, [p for p in preps if p in known.word("position_preps")])
    if args:
        args += _prep_objects(verb, list(known.including))
    return [_antecedent(a) for a in args]


def _gapped_objects(verb, objects) -> list:
    """Later items of a list of objects the parser hung on the verb itself, as when dates or directions
    interrupt the list ("liberated A on 9 May, B on 10 May, and C", "captured the mine, and the town
    of B"): nouns after the object attached to the verb as conjuncts, appositions or adverbials."""
    if not objects:
        return []
    first = min(o.i for o in objects)
    out = [c for c in verb.children if c.i > first and c.dep_ in ("conj", "appos", "npadvmod")
           and c.pos_ in ("PROPN", "NOUN")]
    # "liberated A on Monday, B on Tuesday": B read as an apposition to the date
    dates = [d for c in verb.children if c.i > first and c.dep_ == "prep"
             for d in c.children if d.dep_ == "pobj" and d.ent_type_ in ("DATE", "TIME")]
    return out + [c for d in dates for c in d.children if c.dep_ in ("appos", "conj") and c.pos_ == "PROPN"
                  and c.ent_type_ not in ("DATE", "TIME")]


def _antecedent(token):
    """A relative pronoun stands for the noun its clause describes: "Bucha and Irpin, which were liberated"."""
    clause = token.head
    while clause.dep_ in ("xcomp", "ccomp", "conj") and clause.head.i != clause.i:
        clause = clause.head  # "which they claimed to have captured"
    if token.lower_ in rules().relative_pronouns and clause.dep_ == "relcl":
        noun = clause.head
        # "A, B and C in the Kyiv region, which were liberated": the parser hangs the clause on the
        # region; the places liberated are the ones the region locates.
        if noun.dep_ == "pobj" and noun.head.lower_ in rules().word("location_preps"):
            located = noun.head.head
            if located.pos_ == "PROPN":
                return located
            objects = [c for c in located.children if c.dep_ == "dobj" and c.pos_ == "PROPN"]
            if located.pos_ == "VERB" and objects:
                return objects[0]
        if noun.dep_ == "attr":  # "Bakhmut is a city that resists": the copula's subject
            subjects = [c for c in noun.head.children if c.dep_ == "nsubj"]
            if subjects:
                return subjects[0]
        return noun
    return token


def _verb_claim(verb, meaning: Meaning, here: _Sentence, context: _Context) -> _Found | None:
    known = rules()
    passive = _is_passive(verb)
    if meaning.kind in ("fall", "join") and passive:
        return None
    args = _verb_places(verb, meaning, passive)
    if not args:
        return None
    if meaning.kind == "take" and any(a.lemma_.lower() in known.not_ground for a in args):
        return None
    located = _places_of(args, here, context)
    if not located:
        if _modality(verb) in ("claim", "attempt"):
            _note_unplaced(args, here, context)
        return None
    modality = _modality(verb)
    kind = meaning.kind
    if modality == "future" and kind == "liberate" and known.liberation_to_come:
        kind = "occupied"  # "we will liberate our Crimea": the other side holds it now
    elif modality == "future" and kind == "take":
        kind = "advance"  # "hoped to capture Donbas", "could take Kyiv within days": an offensive's aim
    elif modality in ("none", "future"):
        return None
    if modality == "attempt" and kind in ("take", "liberate", "hold", "annex", "contest"):
        kind = "advance"
    elif modality == "attempt" and kind != "advance":
        return None
    gainer = loser = None
    if kind == "fall":
        gainer = _first_party(_prep_objects(verb, list(meaning.gainer_preps)), here, context)
    elif kind == "join":
        objects = [c for c in verb.children if c.dep_ in ("dobj", "attr")]
        objects += [p for o in objects for p in _prep_objects(o, list(known.word("part_of")))]
        gainer = next((party for o in objects for party in [_country_party(o)] if party), None)
        if gainer is None:
            return None
    elif kind == "repel":
        # the side repelled is the attacker: a passive's subject, an active's object
        driven = [c for c in verb.children if c.dep_ == ("nsubjpass" if passive else "dobj")]
        gainer = _first_party(driven, here, context)
        kind = "contest"
    elif passive:
        agent = _agent(verb)
        gainer = _party(agent, here, context) if agent is not None else None
    else:
        subject = _subject(verb)
        gainer = _party(subject, here, context) if subject is not None else None
        if gainer is None and subject is not None and subject.lemma_.lower() in known.force_nouns:
            gainer = _earlier_subject(subject, here)  # "the brigade" of the side last named
        if gainer is None and kind in ("advance", "contest") and (subject is None or subject.dep_ == "expl"
                                                                  or subject.tag_ == "EX"):
            gainer = _attacking_forces(verb, here)  # "... and there was fighting in X"
        if gainer is None and kind in ("advance", "contest") and subject is None and verb.tag_ == "VBG":
            # "Ukraine branched out, one column advancing to X": the side of the clause the participle joins
            gainer = _attacking_forces(verb, here, forces_only=False)
    if kind == "lose":
        # "surrendered the city to the Russian Army": the side named after "to" gains
        taker = _first_party(_prep_objects(verb, list(known.word("recipient_preps"))), here, context, named_only=True)
        if taker:
            kind, gainer = "take", taker
    if kind in ("take", "liberate", "hold"):
        loser = _first_party(_prep_objects(verb, list(known.word("loser_preps"))), here, context, named_only=True)
        if known.word("loser_preps") & set(meaning.places):
            # "drove the enemy out of", "the enemy was driven out of": the one driven out loses
            driven = [c for c in verb.children if c.dep_ == ("nsubjpass" if passive else "dobj")]
            loser = _first_party(driven, here, context) or loser
    if kind == "take" and gainer is None and passive and loser is None:
        # "Balakliia itself was captured on March 3": by the side the narrative follows
        gainer = _earlier_subject(verb, here)
    return _Found(kind, verb, located, gainer, loser, default_speaker=meaning.kind == "liberate")


def _country_party(token) -> str | None:
    place = places.resolve(token.text)
    if place is None or place.type != "country":
        return None
    return parties.party_of(place.name)


# -- nouns, participles and "under" ------------------------------------------------------------------
def _noun_party(noun, here: _Sentence, context: _Context) -> str | None:
    """The party a claim noun names: "Russia's annexation", "the Ukrainian counteroffensive", "the
    capture of X by Wagner", "Ukraine launched a counteroffensive"."""
    for child in noun.children:
        if child.dep_ in ("poss", "amod", "compound", "nmod", "npadvmod") and child.i < noun.i:
            party = _party(child, here, context, bare=True)
            if party:
                return party
        if child.dep_ == "prep" and child.lower_ in rules().word("agent_preps"):
            party = _first_party([c for c in child.children if c.dep_ == "pobj"], here, context)
            if party:
                return party
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ in rules().word("engaged_preps") and head.head.pos_ == "VERB":
        head = head.head  # "engaged in fierce battles": the engaging side
    elif not (noun.dep_ in ("dobj",) and head.lemma_.lower() in rules().carrier_verbs):
        return None
    subject = _subject(head)
    if subject is None:
        return None
    party = _party(subject, here, context)
    if party is None and subject.lemma_.lower() in rules().force_nouns:
        party = _earlier_subject(subject, here)
    return party


def _noun_claim(noun, meaning: Meaning, here: _Sentence, context: _Context) -> _Found | None:
    known = rules()
    if noun.dep_ == "pobj" and noun.head.lower_ in known.purpose_preps:
        return None  # "a step towards the liberation of Donbas": a goal
    if any(c.dep_ == "amod" and c.lower_ in known.hypothetical for c in noun.children):
        return None  # "a potential blockade of the city"
    if meaning.kind == "contest" and any(c.dep_ == "amod" and c.lower_ in known.campaign_modifiers for c in noun.children):
        return None  # "the wider battle of Donbas" names a campaign
    if noun.lemma_.lower() in known.word("strike_nouns") and any(
            c.lemma_.lower() in known.not_ground_attacks for c in noun.children if c.dep_ in ("amod", "compound", "nmod")):
        return None  # "a missile attack on Kyiv" strikes from afar
    args = _prep_objects(noun, list(meaning.noun_preps) + list(known.including))
    for agent in _prep_objects(noun, list(known.word("agent_preps"))):
        args += _prep_objects(agent, [p for p in meaning.noun_preps if p in known.word("part_of")])  # "annexation by Russia of X"
    if args:
        # "the annexation of X, as well as Crimea": the parser may join the later places to the noun
        args += [c for c in noun.children if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN")]
    if noun.dep_ == "dobj" and not args:
        # "launched a counteroffensive in Kharkiv Oblast", "declared control over X": the place may hang
        # on the verb
        args = _prep_objects(noun.head, [p for p in meaning.noun_preps if p not in known.word("part_of")])
    if noun.dep_ == "pobj" and not args and noun.head.lower_ in known.word("engaged_preps") and (
            noun.head.head.pos_ == "VERB"):
        # "engaged in fierce battles in nearby X", "took part in the assault on X": the place may hang on
        # the verb the noun is the object of
        args = [a for a in _prep_objects(noun.head.head, [p for p in meaning.noun_preps if p not in known.word("part_of")])
                if a.i != noun.i]
    if noun.dep_ in ("nsubj", "nsubjpass") and not args:
        # "Heavy fighting continued in Rubizhne", "the Russian advance shifted towards Lysychansk"
        args = _prep_objects(noun.head, list(meaning.noun_preps) + list(known.including))
    located = _places_of(args, here, context) if args else []
    if not located:
        _note_unplaced(args, here, context)
        return None
    gainer = _noun_party(noun, here, context)
    if gainer is None and meaning.kind in ("advance", "contest"):
        # "Ukrainian forces pushed on, and there was fighting in X": the side the sentence follows attacks
        gainer = _attacking_forces(noun, here)
    if meaning.kind == "lose" and gainer is None:
        return None
    loser = None
    if meaning.kind in ("take", "liberate", "hold"):
        loser = _first_party(_prep_objects(noun, list(known.word("loser_preps"))), here, context, named_only=True)
    return _Found(meaning.kind, noun, located, gainer, loser, default_speaker=meaning.kind == "liberate")


def _participle_claim(word, meaning: Meaning, here: _Sentence, context: _Context) -> _Found | None:
    noun = word.head
    located = _places_of([noun], here, context)
    if not located:
        _note_unplaced([noun], here, context)
        return None
    gainer = None
    doc = word.doc
    for child in word.children:
        if child.dep_ in ("npadvmod", "amod", "compound", "advmod", "nmod"):
            gainer = gainer or _party(child, here, context, bare=True)
    if gainer is None and word.i >= 2 and doc[word.i - 1].text in ("-", "–"):
        gainer = _party(doc[word.i - 2], here, context, bare=True)  # "Russian-occupied"
    return _Found(meaning.kind, word, located, gainer, None, default_speaker=meaning.kind == "liberate")


def _under_claim(noun, meaning: Meaning, here: _Sentence, context: _Context) -> _Found | None:
    prep = noun.head
    owner = prep.head
    doc = noun.doc
    if any(c.dep_ == "neg" for c in prep.children) or (prep.i > 0 and doc[prep.i - 1].lower_ in rules().word("negations")):
        return None  # "the cities not under Russian control"
    if any(c.dep_ == "neg" for c in owner.children):
        return None
    if owner.pos_ in ("VERB", "AUX"):
        args = [c for c in owner.children if c.dep_ in ("nsubj", "nsubjpass")]
    else:
        args = [owner]
    located = _places_of([_antecedent(a) for a in args], here, context)
    if not located:
        _note_unplaced([_antecedent(a) for a in args], here, context)
        return None
    gainer = _noun_party(noun, here, context)
    if gainer is None:
        gainer = _first_party(_prep_objects(noun, list(rules().word("part_of"))), here, context)
    kind = meaning.kind
    if kind == "hold" and any(c.lower_ in rules().regained for c in owner.children if c.dep_ == "advmod"):
        kind = "take"  # "again under Ukrainian control": retaken
    return _Found(kind, noun, located, gainer, None)


# -- places ----------------------------------------------------------------------------------------
def _conjuncts(token, here: _Sentence) -> list:
    """The token and the items listed with it. The parser makes some list items appositions ("in A, B,
    C and D"); an apposition that is itself a place name, or "the town of X", is an item too (a
    qualifier such as "A, B Oblast" is set apart by _is_qualifier)."""
    out = [token]
    for child in token.children:
        if child.dep_ == "conj" or (child.dep_ == "appos" and (
                (child.pos_ == "PROPN" and child.i in here.places)
                or child.lemma_.lower() in rules().settlement_containers)):
            out += _conjuncts(child, here)
    return out


def _places_of(args, here: _Sentence, context: _Context, depth: int = 0) -> list:
    """(token, place) for the places the argument tokens name, in text order; every conjunct its own."""
    known = rules()
    out: list = []
    for arg in args:
        members = sorted(_conjuncts(arg, here), key=lambda t: t.i)
        previous, previous_place = None, None
        for member in members:
            if previous is not None and _is_qualifier(previous, member, here, previous_place):
                # "Verbivka, Balakliia Raion, Kharkiv Oblast": a qualifier locates the item before it
                continue
            found = _member_places(member, here, context, depth)
            out += found
            previous, previous_place = member, (found[-1][1] if found else None)
    seen, unique = set(), []
    for token, place in sorted(out, key=lambda tp: tp[0].i):
        if place.name not in seen and place.type != "country":
            seen.add(place.name)
            unique.append((token, place))
    return unique


def _note_unplaced(args, here: _Sentence, context: _Context) -> None:
    """Remember the claim's arguments that name ground but no place the gazetteer locates: a land noun
    ("the village", "territory", "500 km² of land") or a proper name the gazetteer lacks."""
    for arg in args:
        for member in _conjuncts(arg, here):
            ground = _unlocated_ground(member, here)
            if ground is not None:
                context.unplaced.add(here.offset + ground.idx)


def _unlocated_ground(token, here: _Sentence, depth: int = 0):
    """The token that names unlocated ground in the phrase the token heads, or None."""
    known = rules()
    if token.i in here.places or token.pos_ == "PRON":
        return None
    if token.pos_ == "PROPN" and token.ent_type_ in ("GPE", "LOC", "FAC"):
        name = " ".join(t.text for t in token.lefts if t.dep_ == "compound") + " " + token.text
        if places.resolve(name.strip()) is None and not parties.party_of(name.strip()):
            return token
        return None
    if token.lemma_.lower() in known.ground_nouns:
        inner = _prep_objects(token, list(known.word("part_of"))) if depth < 2 else []
        if any(t.i in here.places for o in inner for t in o.subtree):
            return None  # the ground is a located place's ("the territory of Kherson Oblast")
        named = [g for o in inner for g in [_unlocated_ground(o, here, depth + 1)] if g is not None]
        return named[0] if named else token
    if depth < 2 and token.lemma_.lower() in known.containers:
        for inner in _prep_objects(token, list(known.word("part_of"))):
            found = _unlocated_ground(inner, here, depth + 1)
            if found is not None:
                return found
    return None


def _is_qualifier(before, member, here: _Sentence, before_place) -> bool:
    known = rules()
    between = before.doc[before.i + 1 : member.left_edge.i]
    if before_place is None:
        return False
    if any(t.dep_ == "cc" or t.lower_ in known.word("list_joiners") for t in between):
        return False
    names_admin = member.text in known.qualifiers or (
        here.places.get(member.i) is not None and here.places[member.i].type in ("oblast", "region"))
    return names_admin and before_place is not None and before_place.type not in ("oblast", "region")


def _member_places(member, here: _Sentence, context: _Context, depth: int) -> list:
    known = rules()
    place = here.places.get(member.i)
    if place is not None:
        return [(member, place)]
    if member.pos_ == "PRON" and member.lower_ in known.object_pronouns and member.dep_ == "dobj":
        return _list_before(member, here, context)
    lemma = member.lemma_.lower()
    # "Kherson regions", "the Donetsk, Luhansk and Kherson regions": names written before the head
    named = [(t, here.places[t.i]) for t in member.subtree
             if t.i < member.i and t.i in here.places and t.dep_ in ("compound", "nmod", "conj", "amod")]
    if named and (known.vague_places.get(lemma, set()) & {"oblast", "region"} or member.lower_ in known.region_plurals):
        return named  # "Kherson regions", "the Donetsk and Luhansk oblasts"
    if depth < 3 and lemma in known.containers:
        inner = _prep_objects(member, list(known.word("part_of")) + list(known.including))
        inner += [c for c in member.children if c.dep_ == "appos"]
        found = _places_of(inner, here, context, depth + 1) if inner else []
        if lemma in known.settlement_containers:
            found = [(t, p) for t, p in found if p.type not in ("oblast", "region", "country")]
        if found:
            return found
    if lemma in known.vague_places and not named and member.tag_ in ("NN", "NNP") and any(
            c.dep_ == "det" and c.lower_ in known.word("definite") for c in member.children):
        wanted = known.vague_places[lemma]
        earlier = [here.places[i] for i in sorted(here.places) if i < member.i and here.places[i].type in wanted]
        if earlier:
            return [(member, earlier[-1])]
        # "the city" a few sentences on: of the places named lately, the one the text is about (named
        # most often so far), not whichever was named last in passing
        recent = [p for _, p in context.recent if p.type in wanted]
        if recent:
            return [(member, max(reversed(recent), key=lambda p: context.mentions.get(p.name, 0)))]
    return []


def _list_before(pronoun, here: _Sentence, context: _Context) -> list:
    """The places an object pronoun stands for: the list of places named last before it in the same
    sentence ("advanced to A and B and recaptured them"); "it" stands for one place only, and for
    "the town" when the text said "the town" since ("went around the town to besiege it")."""
    doc = pronoun.doc
    # an oblast that only locates the list ("A and B, all within Donetsk Oblast") is not what it stands for
    before = [i for i in here.places if i < pronoun.i and not (
        doc[i].dep_ in ("pobj", "compound") and here.places[i].type in ("oblast", "region")
        and _locating_preposition(doc[i]))]
    if not before:
        return []
    vague = [t for t in doc[max(before) + 1 : pronoun.i] if t.lemma_.lower() in rules().vague_places
             and t.i not in here.places]
    if vague:
        return [(pronoun, p) for _, p in _member_places(vague[-1], here, context, 3)][:1]
    first = doc[max(before)]
    single = pronoun.lower_ in rules().word("single_place")
    while first.dep_ in ("conj", "appos") and first.head.i in here.places and not single:
        first = first.head
    if single:
        return [(pronoun, here.places[first.i])]
    return [(pronoun, here.places[t.i]) for t in _conjuncts(first, here) if t.i in here.places]


def _locating_preposition(token) -> bool:
    """Whether the token's phrase is the object of a preposition that locates ("in", "within")."""
    node = token
    while node.dep_ == "compound":
        node = node.head
    return node.dep_ == "pobj" and node.head.lower_ in rules().word("location_preps")


# -- parties -----------------------------------------------------------------------------------------
def _named_party(token) -> str | None:
    """The party a noun phrase names by itself ("Russian forces", "the Armed Forces of Ukraine")."""
    if token.lower_ in rules().relative_pronouns or token.pos_ == "PRON":
        return None
    doc = token.doc
    start, end = token.left_edge.i, token.i + 1
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ in rules().word("part_of"):
            end = max(end, child.right_edge.i + 1)
    text = doc[start:end].text
    for match in parties.registry().find(text):
        if match.party and match.party != UNKNOWN:
            return match.party
    # "Russian-backed separatists": the registry reads whole words
    hyphen = re.match(r"([A-Z][\w'’]+)-", text)
    return parties.party_of(hyphen.group(1)) if hyphen else None


def _party(token, here: _Sentence, context: _Context, bare: bool = False) -> str | None:
    """The party a subject, agent or modifier stands for; pronouns resolved."""
    if token is None:
        return None
    known = rules()
    token = _antecedent(token)
    low = token.lower_
    position = here.offset + token.idx
    if low in known.speaker_pronouns:
        return context.statement_at(position)[1]
    if low in known.previous_pronouns:
        earlier = [party for i, party in here.subjects if i < token.i]
        return earlier[-1] if earlier else here.previous
    if token.lemma_.lower() in known.enemy_words or any(
            c.dep_ in ("amod", "compound") and c.lemma_.lower() in known.enemy_words for c in token.children):
        speaker = context.statement_at(position)[1]  # "the enemy", "our enemies", "an enemy tank unit"
        return known.opponent(speaker or known.owner)
    for child in token.children:
        if child.dep_ == "poss" and child.lower_ in known.speaker_pronouns:
            return context.statement_at(position)[1]  # "our troops"
    party = (parties.party_of(token.text) or _named_party(token)) if bare else _named_party(token)
    # only a side of the war takes or attacks ground: "the other column" names no party Other, "the BBC"
    # is no attacker
    return party if party in known.opponents else None


def _first_party(tokens, here: _Sentence, context: _Context, named_only: bool = False) -> str | None:
    for token in tokens:
        party = _named_party(token) if named_only else _party(token, here, context)
        if party:
            return party
    return None


def _attacking_forces(token, here: _Sentence, forces_only: bool = True) -> str | None:
    """For fighting or an advance with no side named: the party of the forces named as a subject
    earlier in the sentence ("Ukrainian forces pushed on and there was fighting in X"); a speaker or
    an institution is no attacker."""
    known = rules()
    doc = token.doc
    earlier = [party for i, party in here.subjects
               if i < token.i and (doc[i].lemma_.lower() in known.force_nouns or not forces_only)
               and party in known.opponents
               and _in_clause_of(token, doc[i].head)]
    return earlier[-1] if earlier else None


def _in_clause_of(token, verb) -> bool:
    """Whether the token stands in the verb's clause or a clause joined to it, not in a relative clause
    about something else ("defeated a unit that was to join the assault on X")."""
    node = token
    while node.head.i != node.i:
        if node.dep_ == "relcl":
            return False
        node = node.head
        if node.i == verb.i:
            return True
    return False


def _earlier_subject(token, here: _Sentence) -> str | None:
    earlier = [party for i, party in here.subjects if i < token.i]
    return earlier[-1] if earlier else here.previous


# -- from what the words say to the claim -------------------------------------------------------------
def _owner(place: places.Place) -> str | None:
    return rules().owner if place.type != "country" else parties.party_of(place.name)


def _decide(found: _Found, place: places.Place, context: _Context) -> tuple[str, str] | None:
    """(claim type, party) from the meaning, the parties the words name and who held the place."""
    known = rules()
    # With no side named, the attacker or taker is the side that does not own the place. (Following who
    # the text last said held it went wrong on Wikipedia articles, whose lead tells the outcome first.)
    owner = _owner(place)
    kind, gainer = found.kind, found.gainer
    if gainer is not None and gainer not in known.opponents:
        gainer = None  # only a side of the war takes or attacks ground ("the other column" is no party Other)
    if kind == "occupied":
        holder_now = known.opponent(owner)
        return ("captured", holder_now) if holder_now else None
    if kind == "lose":
        gainer = known.opponent(gainer) if gainer else None
        if gainer is None:
            return None
        kind = "take"
    if kind in ("take", "liberate", "hold", "fall"):
        if gainer is None and found.loser:
            gainer = known.opponent(found.loser)
        if gainer is None and found.default_speaker:
            gainer = context.statement_at(found.position)[1] or owner
        if gainer is None:
            gainer = known.opponent(owner)
        if gainer is None:
            return None
        if gainer == owner:
            return None if kind == "hold" else ("reclaimed", gainer)
        return "captured", gainer
    if kind in ("advance", "contest"):
        party = gainer or known.opponent(owner)
        if party is None:
            return None
        return ("advancing" if kind == "advance" else "contested"), party
    if kind == "defend":
        party = known.opponent(gainer) if gainer else known.opponent(owner)
        return ("contested", party) if party else None
    if kind in ("annex", "join"):
        party = gainer or known.opponent(owner)
        if party is None or party == owner:
            return None
        return "annexed", party
    return None


def _rows(found: list[_Found], sent, offset: int, context: _Context) -> list[dict]:
    if not found:
        return []
    text = sent.text
    s_start, s_end = offset + sent.start_char, offset + sent.end_char
    while s_end > s_start and sent.doc.text[s_end - offset - 1].isspace():
        s_end -= 1
    evidence = sent.doc.text[s_start - offset : s_end - offset]
    dates = stated_dates(text, context.published)
    fallback = context.published.isoformat() if context.published else ""
    stated_areas = areas(text)
    rows, seen = [], set()
    for item in found:
        position = item.trigger.idx - sent.start_char
        statement_id, _ = context.statement_at(offset + item.trigger.idx)
        date = min(dates, key=lambda d: abs(d[0] - position))[1] if dates else fallback
        # An area belongs to the claim whose words contain it ("liberated 500 km² of Kharkiv Oblast").
        span = (item.trigger.left_edge.idx, item.trigger.right_edge.idx + len(item.trigger.right_edge))
        inside = [km2 for a, b, km2 in stated_areas
                  if span[0] <= a + sent.start_char < span[1] or item.trigger.dep_ in ("ROOT",)]
        area = inside[0] if inside and len(item.places) == 1 else None
        for _, place in item.places:
            decided = _decide(item, place, context)
            if decided is None:
                continue
            claim, party = decided
            key = (place.name, claim, party)
            if key in seen:
                continue
            seen.add(key)
            rows.append({
                "claim_id": _claim_id(context.article_id, s_start, place.name, claim, party),
                "article_id": context.article_id, "statement_id": statement_id, "party": party,
                "claim": claim, "place": place.name, "place_type": place.type, "lat": place.lat,
                "lon": place.lon, "area_km2": area, "date": date, "evidence": evidence,
                "start": s_start, "end": s_end,
            })
    return rows


def _claim_id(article_id: str, start: int, place: str, claim: str, party: str) -> str:
    return hashlib.sha1(f"{article_id}|{start}|{place}|{claim}|{party}".encode()).hexdigest()[:16]


# -- reading claims back -------------------------------------------------------------------------
CONFLICT_COLUMNS = [
    "place", "party_a", "claim_a", "date_a", "evidence_a", "article_a",
    "party_b", "claim_b", "date_b", "evidence_b", "article_b",
]


def contested(claims: pd.DataFrame) -> pd.DataFrame:
    """Places two parties claim in conflicting ways, with the latest claim of each side as evidence.

    Any two known parties making claims on the same place conflict: each says it holds, takes or fights
    for the ground (Russia "captured Lyman", Ukraine "liberated Lyman").
    """
    known = claims[(claims["place"].fillna("") != "") & (~claims["party"].fillna(UNKNOWN).isin([UNKNOWN, ""]))]
    rows = []
    for place, group in known.groupby("place", sort=True):
        latest = group.sort_values("date", na_position="first").groupby("party").tail(1)
        if latest["party"].nunique() < 2:
            continue
        a, b = latest.sort_values("party").iloc[0], latest.sort_values("party").iloc[1]
        rows.append({
            "place": place,
            "party_a": a["party"], "claim_a": a["claim"], "date_a": a["date"], "evidence_a": a["evidence"],
            "article_a": a["article_id"],
            "party_b": b["party"], "claim_b": b["claim"], "date_b": b["date"], "evidence_b": b["evidence"],
            "article_b": b["article_id"],
        })
    return pd.DataFrame(rows, columns=CONFLICT_COLUMNS)


def read_reference(data: bytes, name: str) -> pd.DataFrame:
    """A reference area series from CSV bytes: columns `date` and km² (`km2`, `area_km2`, `area` or `km²`).

    Raises ValueError naming the file and what is wrong with it.
    """
    import io

    try:
        frame = pd.read_csv(io.BytesIO(data))
    except Exception as error:  # pandas raises several kinds for a file that is not CSV
        raise ValueError(f"{name}: could not be read as CSV ({error}).") from error
    columns = {c.strip().lower(): c for c in frame.columns}
    date_col = columns.get("date")
    area_col = next((columns[c] for c in ("km2", "area_km2", "area", "km²") if c in columns), None)
    if date_col is None or area_col is None:
        raise ValueError(
            f"{name}: needs a 'date' column and a km² column named 'km2' (or 'area_km2', 'area'); "
            f"found {', '.join(map(str, frame.columns)) or 'no columns'}."
        )
    when = pd.to_datetime(frame[date_col], errors="coerce")
    km2 = pd.to_numeric(frame[area_col].astype(str).str.replace(",", "", regex=False), errors="coerce")
    bad = when.isna() | km2.isna()
    if len(frame) == 0 or bad.all():
        raise ValueError(f"{name}: no row has both a date and a number of km².")
    if bad.any():
        first = int(bad.to_numpy().nonzero()[0][0]) + 2  # 1-based, after the header line
        raise ValueError(f"{name}: {int(bad.sum())} row(s) lack a valid date or km² value (first at line {first}).")
    return pd.DataFrame({"date": when.dt.date.astype(str), "km2": km2.astype(float)}).sort_values("date").reset_index(drop=True)
