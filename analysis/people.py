"""The people a text names, in reading order: who acts as a subject (what "he" refers to next) and everyone
named anywhere with the title printed before them (what "the parties" or "the Latvian leader" refer to).
"""
from __future__ import annotations

import re
from functools import lru_cache

from analysis import cues as cue_words
from analysis.parties import registry


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
        events += [(offset + doc[a].idx, doc[a:b].text) for a, b in _titled_subjects(doc)]
    return sorted(events)


def _titled_subjects(doc) -> list[tuple[int, int]]:
    """(start, end) of each subject that is a definite title ("the President of Russia provided an
    explanation … He pointed out …"): someone acting, whom a later "he" refers to."""
    roles = registry().roles
    definite = cue_words.load().definite
    out = []
    for token in doc:
        if token.dep_ != "nsubj" or token.ent_type_ == "PERSON" or token.lower_ not in roles:
            continue
        if not any(c.dep_ == "det" and c.lower_ in definite for c in token.children):
            continue
        end = token.i + 1
        of = next((c for c in token.children if c.dep_ == "prep" and c.i == end and c.lower_ == "of"), None)
        if of is not None:
            end = of.right_edge.i + 1
        if any(t.dep_ == "appos" for t in token.doc[token.i : end]) or any(c.dep_ == "appos" for c in token.children):
            continue  # "the mayor of Melitopol, Halyna Danylchenko": the name acts, as a person named
        out.append((token.left_edge.i, end))
    return out


THING = "\x00institution"  # the title slot of a named state or institution (not a person)


def _people_named(units, docs) -> list[tuple[int, str, str]]:
    """Every person the text names, in reading order (Parley's own people and spaCy's PERSON entities)."""
    out = []
    for (offset, _), doc in zip(units, docs):
        matches = registry().find(doc.text)
        known = [(offset + m.start, m.text, "") for m in matches if m.rank == 0]
        out += known
        # states and institutions named anywhere: what a "they" with no speaker before it may refer to
        out += [(offset + m.start, m.text, THING) for m in matches if m.rank != 0]
        if not doc.has_annotation("ENT_IOB"):
            out += [(offset + a, name, title) for a, name, title in _titled_names(doc.text, matches)]
        if doc.has_annotation("ENT_IOB"):
            out += [(offset + e.start_char, e.text, _title_before(e)) for e in doc.ents if e.label_ == "PERSON"
                    and not any(k[0] == offset + e.start_char for k in known)]
    return sorted(out)


@lru_cache(maxsize=2)
def _name_pattern(infixes: frozenset[str]) -> str:
    """Two to four capitalised words, with the lower-case words that go inside names between them."""
    inner = "|".join(sorted(map(re.escape, infixes))) or "(?!x)x"
    word = r"[A-Z][\w'\u2019-]+"
    return rf"{word}(?:\s+(?:(?:{inner})\s+)?{word}){{1,3}}"


def _name_after(text: str, at: int):
    """The name printed right after position `at` ("… Saudi Arabia | Mohammed bin Salman Al Saud")."""
    return re.compile(rf"\s+({_name_pattern(cue_words.load().name_infixes)})").match(text, at)


def _titled_names(text: str, matches) -> list[tuple[int, str, str]]:
    """In text left unparsed, "President of the Republic of Latvia Egils Levits": a name printed right after
    a title that names a state (the usual form of official readouts), with that title."""
    out = []
    particles = cue_words.load().name_particles
    for m in matches:
        if m.rank == 0:
            continue
        after = _name_after(text, m.end)
        if after is None or registry().find(after.group(1)):
            continue
        start = max(text.rfind(".", 0, m.start), text.rfind(",", 0, m.start), text.rfind("\n", 0, m.start)) + 1
        # the title begins after anyone named before it ("… Volodymyr Zelenskyy and President of Estonia …")
        start = max([start] + [p.end for p in matches if p.rank == 0 and p.end <= m.start])
        title: list[str] = []
        for word in reversed(text[start:m.end].split()[-10:]):
            if not (word[:1].isupper() or word in particles):
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
    particles = cue_words.load().name_particles
    i = ent.start
    while i > ent.sent.start and ent.start - i < 10:
        t = doc[i - 1]
        if not (t.is_title or t.lower_ in particles or t.pos_ == "PROPN") or t.is_punct:
            break
        i -= 1
    while i < ent.start and doc[i].lower_ in particles:
        i += 1
    return doc[i : ent.start].text


def title_people(title: str) -> list[tuple[str, str]]:
    """(name, title before it) of the people an article's title names: Parley's own people, and a name
    printed after a title naming a state ("Meeting with President of Kazakhstan Kassym-Jomart Tokayev"),
    after a role ("Working meeting with Amur Region Governor Vasily Orlov") or before the body they are of
    ("Interview with Josh Boak of the Associated Press")."""
    matches = registry().find(title)
    out = [(m.text, "") for m in matches if m.rank == 0] + [(n, t) for _, n, t in _titled_names(title, matches)]
    roles = "|".join(sorted(map(re.escape, registry().roles), key=len, reverse=True))
    if not roles:
        return out
    for m in re.finditer(rf"\b(?:{roles})\b(?=\s+[A-Z])", title, re.IGNORECASE):
        after = _name_after(title, m.end())
        if after is None or registry().find(after.group(1)) or any(after.group(1) == n for n, _ in out):
            continue
        words = title[: m.end()].split()
        first = len(words) - 1
        while first > 0 and words[first - 1][:1].isupper():
            first -= 1  # "Amur Region | Governor": the capitalised words before the role are the title's
        out.append((after.group(1), " ".join(words[first:])))
    name_of = re.compile(rf"\b({_name_pattern(cue_words.load().name_infixes)})\s+of\s+"
                         rf"((?:the\s+)?[A-Z][\w&'\u2019-]*(?:\s+[A-Z][\w&'\u2019-]*){{0,4}})")
    titles = registry().roles | registry().leader_titles
    for m in name_of.finditer(title):  # "Interview with Josh Boak of the Associated Press"
        words, body = m.group(1).split(), m.group(2)
        while words and words[0].lower() in registry().roles:
            words.pop(0)  # ("President Joko Widodo of Indonesia": the role is no part of the name)
        name = " ".join(words)
        if len(words) < 2 or name.lower() in titles or registry().find(name) or any(name == n for n, _ in out):
            continue  # ("Crown Prince of Saudi Arabia …" is a title)
        if any(b.rank != 0 for b in registry().find(body)):
            out.append((name, body))
    return out
