"""Cue verbs in a parse and who speaks through them: the subject, the agent of a passive, the object of
"according to", and the words that name them.
"""
from __future__ import annotations

import re

from analysis.cues import Cues, load


_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
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
        if subject is None and verb is cue:
            subject = _displaced_subject(cue)
        if subject is not None and subject.dep_ == "nsubjpass":
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            subject = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
            if subject is None:
                return None  # "it was announced": nobody is named
        if subject is None and verb.lemma_.lower() in cues.as_verbs:
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            if agent is not None:  # "…, as stated by the governor": the agent speaks, not the clause's subject
                return next((c for c in agent.children if c.dep_ == "pobj"), None)
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
        if verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.head.dep_ == "ccomp" \
                and verb.head.head.lemma_.lower() in cues.lemmas:
            # "claimed that X, stating Y": the parser hung "stating" on X; it is the claimant's
            verb = verb.head.head
            continue
        if verb.dep_ in ("conj", "advcl", "xcomp", "ccomp", "parataxis") and verb.head is not verb:
            verb = verb.head
            continue
        return None
    return None


def _displaced_subject(verb):
    """"When asked about Mariupol, the President of Russia noted that …": the parser hung the noun phrase
    just before a finite verb that has no subject on the clause before the comma (as an apposition); it is
    the verb's subject."""
    if verb.i == 0 or verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return None
    token = verb.doc[verb.i - 1]
    while token.dep_ in ("pobj", "prep", "compound", "flat", "amod") and token.head.i < verb.i:
        token = token.head
    first = token.left_edge.i
    if token.dep_ != "appos" or token.pos_ not in ("NOUN", "PROPN") or token.right_edge.i != verb.i - 1 \
            or first == 0 or token.doc[first - 1].text != ",":
        return None
    return token


def _a_name(token) -> bool:
    """A person's name: spaCy's PERSON, or proper nouns (a first name compounded) outside any entity."""
    if token.ent_type_ == "PERSON":
        return True
    return token.pos_ == "PROPN" and not token.ent_type_ and any(
        c.dep_ == "compound" and c.pos_ == "PROPN" and not c.ent_type_ for c in token.children)


def _of_group(token) -> bool:
    """"Many of the soldiers", "one of the commanders": a quantity word naming part of a group speaks."""
    return any(c.dep_ == "prep" and c.lower_ in load().partitive for c in token.children)


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
                     and c.lower_ in load().title_prepositions), None)
        if prep is not None:
            right = prep.right_edge.i
    if right == subject.i and subject.is_title and right + 1 < len(doc) \
            and doc[right + 1].lower_ in load().title_prepositions:
        # "by the Adviser to the Head of the President's Office Mykhailo Podolyak": the parser hung the title's
        # rest on the verb; the name it ends with is the speaker
        j = right + 1
        while j + 1 < subject.sent.end and (doc[j + 1].is_title or doc[j + 1].lower_ in load().name_particles
                                            or doc[j + 1].text in ("'s", "\u2019s")):
            j += 1
        if doc[j].ent_type_ == "PERSON" or (j - 1 > right and doc[j].pos_ == doc[j - 1].pos_ == "PROPN"
                                            and not doc[j].ent_type_ and not doc[j - 1].ent_type_):
            right = j  # (a name spaCy did not tag: two proper nouns outside any entity)
    # (the parser may hang the name on the title's last noun: "the mayor of Melitopol, Halyna Danylchenko")
    of = [o for c in subject.children if c.dep_ == "prep" for o in c.children if o.dep_ == "pobj"]
    named = next((c for t in [subject, *of] for c in t.children if c.dep_ == "appos" and _a_name(c)), None)
    if subject.pos_ == "NOUN" and named is not None:
        # "Chernihiv's governor, Vyacheslav Chaus, said …": the title's holder, named beside it, speaks
        person = next((e for e in doc.ents if e.label_ == "PERSON" and e.start <= named.i < e.end), None)
        name = person.text if person is not None else doc[named.left_edge.i : named.i + 1].text
        right = max(right, named.i)
        # (without the commas: the title and the name are one person, not a list)
        words = re.sub(r"\s*,\s*", " ", doc[left : right + 1].text).strip()
        return words, " ".join(t.text for t in subject.subtree), [name]
    span = doc[left : right + 1]
    skip = set()
    for child in subject.children:
        if child.dep_ in ("relcl", "acl") and cue is not None and child.left_edge.i <= cue.i <= child.right_edge.i:
            skip |= {t.i for t in child.subtree}
    subtree = " ".join(t.text for t in subject.subtree if t.i not in skip)
    persons = [e.text for e in doc.ents if e.label_ == "PERSON" and left <= e.start and e.end <= right + 1]
    return span.text, subtree, persons


def _char_span(doc, first: int, last: int) -> tuple[int, int] | None:
    if last < first:
        return None
    return doc[first].idx, doc[last].idx + len(doc[last].text)
