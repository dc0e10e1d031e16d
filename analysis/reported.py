"""Reported speech: where the clause or object a cue verb reports begins and ends, corrected where the small
parser goes wrong in news copy; and statement nouns ("Kyiv's claim that …").
"""
from __future__ import annotations

from analysis.attribution import _SUBJECT_DEPS, _char_span, _cue_text, _is_cue, _mention, _speaker_of, _token_at
from analysis.candidates import Found
from analysis.cues import Cues
from analysis.quotes import Quote, _WORD, _within


_CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "oprd", "attr", "dative", "prep", "parataxis", "acomp", "advcl"}
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


def _drop_complementizer(doc, offset: int, start: int, end: int, cues: Cues) -> int:
    """Where the clause starts once the "that" opening it is left out ("said that the bridge …")."""
    token = _token_at(doc, offset, start)
    if token is not None and token.idx + offset == start and token.dep_ == "mark" \
            and token.lower_ in cues.complementizers and token.i + 1 < len(doc):
        following = doc[token.i + 1].idx + offset
        if following < end:
            return following
    return start


def _own_voice(cue, cues: Cues) -> bool:
    """"I hope …", "we support …", "I want to begin …": a present-tense view of the first person, which in a
    document by its speaker is the author's own sentence, not a report of something said."""
    if cue.lemma_.lower() not in cues.own_voice or cue.tag_ not in ("VBP", "VBZ", "VB"):
        return False
    if cue.tag_ == "VB" and not any(c.dep_ == "aux" and c.tag_ in ("MD", "VBP", "VBZ") for c in cue.children):
        return False  # ("I do hope", "we will support": present; "to hope" is not)
    subject = next((c for c in cue.children if c.dep_ == "nsubj"), None)
    return subject is not None and subject.lower_ in cues.pronouns.get("first_person", ())


def _reported(text, paras, docs, quotes, direct_spans, used_cues, cues: Cues, turn_regions,
              voiced: bool = False) -> list[Found]:
    """Reported speech of each cue verb. `voiced`: the document is by its speaker (an author, or the site of
    one office holder), whose own present-tense views are not reports."""
    out: list[Found] = []
    inside_quotes = [(q.open, q.close) for q in quotes]
    for (offset, _), doc in zip(paras, docs):
        for token in doc:
            at = token.idx + offset
            if _within(at, inside_quotes) or _within(at, turn_regions) or not _is_cue(token, cues):
                continue
            if at in used_cues:
                continue  # the verb introduces a quote, which is the statement
            if not _reports(token, cues, voiced):
                continue  # the author's own view, or an intention
            if token.dep_ == "xcomp" and _is_cue(token.head, cues) and _reports(token.head, cues, voiced) \
                    and not any(c.dep_ in _SUBJECT_DEPS for c in token.children):
                continue  # "agreed to maintain contacts": part of what the governing cue reports
            if token.lemma_.lower() in cues.clause_only and not _as_clause(token, cues) \
                    and not any(c.dep_ in ("ccomp", "xcomp") and c.i > token.i for c in token.children):
                continue  # "observed the ceasefire", "directed fire at …": not speech
            before = _sentence_before(text, token, offset, cues)
            span = _content(token, cues) if before is None else (before[0] - offset, before[1] - offset)
            if span is None:
                continue
            start, end = _trim_clause(text, span[0] + offset, span[1] + offset)
            end = _balance(text, start, _quote_end(quotes, start, end))
            if len(_WORD.findall(text[start:end])) < cues.min_reported_words:
                continue  # (counted with its "that": "stated that fighting continued" is a statement)
            start = _drop_complementizer(doc, offset, start, end, cues)
            if _overlap(start, end, direct_spans) > 0.5 * (end - start):
                continue  # the quote this verb introduces is already a direct statement
            subject = _speaker_of(token, cues)
            if subject is not None and token.lower_ == "according" and _not_source(subject, cues):
                continue  # "according to the plan": nobody speaks
            if subject is None:
                if _agentless(token, cues):
                    out.append(Found("reported", start, end, _cue_text(token), anchor=at, cue_at=at, agentless=True))
                continue
            if start <= subject.idx + offset < end and _parenthetical(token, token.sent, cues) is None:
                continue
            mention, context, persons = _mention(subject, offset, text, cue=token)
            if not mention:
                continue
            out.append(Found("reported", start, end, _cue_text(token), mention, context, persons,
                             anchor=subject.idx + offset, cue_at=at, restates=before is not None))
    return out


def _not_source(noun, cues: Cues) -> bool:
    """"the plan", "one of the scenarios": what "according to" names is no speaker."""
    if noun.lemma_.lower() in cues.not_sources:
        return True
    part = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in cues.partitive), None)
    whole = next((c for c in part.children if c.dep_ == "pobj"), None) if part is not None else None
    return whole is not None and whole.lemma_.lower() in cues.not_sources


def _reports(cue, cues: Cues, voiced: bool) -> bool:
    """Whether a cue reports anything: not the author's own present view in a speech ("I would like to …",
    whose verb after it may still be a statement: "… to emphasise that …"), nor an intention ("wanted to
    capture the city": what they meant to do, not what they said)."""
    if voiced and _own_voice(cue, cues):
        return False
    if _obliged(cue, cues) or any(c.dep_ == "mark" and c.lower_ in cues.suppositions for c in cue.children):
        return False  # what someone ought to say, or what they would be saying if …
    return cue.lemma_.lower() not in cues.intentions or _demand(cue, cues)


def _obliged(cue, cues: Cues) -> bool:
    """"The Kiev authorities should … order them to lay down their arms": what someone ought to say or do
    (a modal of obligation on the cue, or on the verb it is coordinated with), not what they said; in the
    first person ("I must say that …") it is the speaker's own statement."""
    base = cue
    while base.dep_ == "conj" and base.head.pos_ in ("VERB", "AUX"):
        base = base.head
    if not any(c.dep_ == "aux" and c.lower_ in cues.obligations for v in (cue, base) for c in v.children):
        return False
    subject = next((c for v in (cue, base) for c in v.children if c.dep_ == "nsubj"), None)
    return subject is None or subject.lower_ not in cues.pronouns.get("first_person", ())


def _demand(cue, cues: Cues) -> bool:
    """Whether a verb of intention reports something: a demand on someone else ("wants Kyiv to accept the
    terms"), a that-clause, or a verb of speech after it ("refused to confirm that …")."""
    for child in cue.children:
        if child.dep_ == "ccomp":
            return True
        if child.dep_ == "xcomp" and (child.lemma_.lower() in cues.as_verbs  # (the verbs of speech proper)
                                      or any(c.dep_ in ("nsubj", "dobj") and c.i < child.i for c in child.children)):
            return True
    return any(c.dep_ == "dobj" for c in cue.children) and any(c.dep_ == "xcomp" for c in cue.children)


def _agentless(cue, cues: Cues) -> bool:
    """"It was emphasised that …": a passive cue with a dummy subject and no agent (readouts of a meeting
    say so what their host said)."""
    subject = next((c for c in cue.children if c.dep_ == "nsubjpass"), None)
    return subject is not None and subject.lower_ in cues.demonstratives and cue.tag_ == "VBN" \
        and not any(c.dep_ == "agent" for c in cue.children)


def _sentence_before(text: str, cue, offset: int, cues: Cues) -> tuple[int, int] | None:
    """"X. This was stated by the Adviser …" (a passive cue whose subject is a demonstrative opening the
    sentence) or "X. The Adviser said this during …" (an active cue whose object is one, its subject opening
    the sentence) reports the sentence before it, in the same paragraph (the lead of official news items)."""
    subject = next((c for c in cue.children if c.dep_ == "nsubjpass"), None)
    agent = next((c for c in cue.children if c.dep_ == "agent"), None)
    if subject is not None and agent is not None and subject.lower_ in cues.demonstratives:
        if subject.i != cue.sent.start or any(c.dep_ == "ccomp" for c in cue.children):
            return None  # ("It was reported by X that …": the that-clause is what was said)
    else:
        subject = next((c for c in cue.children if c.dep_ == "nsubj"), None)
        pointer = next((c for c in cue.children if c.dep_ == "dobj"), None)
        if subject is None or pointer is None or pointer.lower_ not in cues.demonstratives \
                or pointer.n_lefts or pointer.n_rights or subject.left_edge.i != cue.sent.start \
                or any(c.dep_ in ("ccomp", "xcomp", "oprd", "attr", "acomp", "dative") for c in cue.children):
            return None
    start = cue.sent[0].idx + offset
    end = len(text[:start].rstrip())
    if end == 0 or text[end - 1] not in ".!?" or "\n" in text[end:start]:
        return None
    stops = [text.rfind(p, 0, end - 1) for p in (". ", "! ", "? ")]
    begin = max([text.rfind("\n", 0, end - 1) + 1] + [i + 2 for i in stops if i >= 0])
    return begin, end - 1


def _quote_end(quotes: list[Quote], start: int, end: int) -> int:
    """A clause that opens a quote ends no earlier than the quote: the parse stops at its first comma."""
    for q in quotes:
        if start < q.open < end < q.close and q.closed:
            return q.end
    return end


def _tokens_outside(units, docs, quotes, turn_regions, wanted):
    """(offset, doc, token, its offset in the text) for each `wanted` token of the parsed units that stands
    neither inside a direct quote nor inside a transcript turn."""
    inside_quotes = [(q.open, q.close) for q in quotes]
    for (offset, _), doc in zip(units, docs):
        if doc is None or not doc.has_annotation("DEP"):
            continue
        for token in doc:
            at = token.idx + offset
            if wanted(token) and not _within(at, inside_quotes) and not _within(at, turn_regions):
                yield offset, doc, token, at


def _noun_statements(text, units, docs, quotes, direct_spans, cues: Cues, turn_regions) -> list[Found]:
    """Statements named by a noun: "Kyiv's claim that …", "a warning from the ministry that …", "his
    pledge to …". The holder (possessive, "by"/"from" phrase, or a name before the noun) is the speaker."""
    out: list[Found] = []
    wanted = lambda token: token.pos_ == "NOUN" and token.lemma_.lower() in cues.nouns
    for offset, doc, token, at in _tokens_outside(units, docs, quotes, turn_regions, wanted):
        clause = _noun_clause(token, cues, statement_noun=False)
        holder = _holder(token, cues)
        if clause is None or holder is None or holder.lower_ in cues.not_speakers:
            continue
        found = _clause_found(doc, offset, text, token, clause, holder, token.text, at, direct_spans, cues)
        if found is not None:
            out.append(found)
    return out


def _clause_found(doc, offset: int, text: str, token, clause, holder, cue: str, at: int, direct_spans,
                  cues: Cues) -> Found | None:
    """The reported statement a clause holds, said by `holder` with the cue `token`: cut where the next
    attribution starts, trimmed, without its "that"; None when too short or mostly a direct quote already."""
    first_char, last_char = _char_span(doc, clause.left_edge.i, _next_attribution(token, clause.right_edge.i, cues))
    start, end = _trim_clause(text, first_char + offset, last_char + offset)
    end = _balance(text, start, end)
    if len(_WORD.findall(text[start:end])) < cues.min_reported_words:
        return None  # (counted with its "that": "stated that fighting continued" is a statement)
    start = _drop_complementizer(doc, offset, start, end, cues)
    if _overlap(start, end, direct_spans) > 0.5 * (end - start):
        return None
    mention, context, persons = _mention(holder, offset, text)
    return Found("reported", start, end, cue, mention, context, persons, anchor=holder.idx + offset, cue_at=at)


def _noun_clause(noun, cues: Cues, statement_noun: bool = True):
    """The "that …" or "to …" clause a statement noun carries ("the hope that …", "a pledge to …")."""
    if statement_noun and (noun.pos_ != "NOUN" or noun.lemma_.lower() not in cues.nouns):
        return None
    return next((c for c in noun.rights if c.dep_ in ("acl", "ccomp", "relcl") and any(
        m.dep_ in ("mark", "aux") and (m.lower_ in cues.complementizers or m.tag_ == "TO") and m.i < c.i
        for m in c.children)), None)


def _clause_start(clause, cues: Cues) -> int:
    """First token of a reported clause: its "that", when the parser hung words before it on the clause
    ("reported, citing residents, that …": whom they cite is not what they said)."""
    mark = next((m for m in clause.children if m.dep_ == "mark" and m.lower_ in cues.complementizers
                 and m.i < clause.i), None)
    return mark.i if mark is not None and clause.left_edge.i < mark.i else clause.left_edge.i


def _opens_with_complementizer(clause, cues: Cues) -> bool:
    return any(m.dep_ == "mark" and m.lower_ in cues.complementizers and m.i < clause.i for m in clause.children)


def _convictions(text, units, docs, quotes, direct_spans, cues: Cues, turn_regions,
                 voiced: bool = False) -> list[Found]:
    """Held views said with a predicate word: "X is convinced that …", "the mayor is confident the city will
    hold", "The blockade must end, the President is convinced." The subject of the sentence holds the clause."""
    out: list[Found] = []
    wanted = lambda token: token.lower_ in cues.convictions and token.pos_ in ("ADJ", "VERB")
    for offset, doc, token, at in _tokens_outside(units, docs, quotes, turn_regions, wanted):
        verb = token.head if token.dep_ == "acomp" else token
        clause = next((c for c in token.children if c.dep_ == "ccomp" and c.i > token.i), None) or next(
            (c for c in verb.children if c.dep_ == "ccomp" and c.right_edge.i + 1 < token.i
             and doc[c.right_edge.i + 1].text == ","), None)  # the clause first, then ", X is convinced"
        # (the small parser sometimes hangs the subject on the auxiliary: "The adviser | is | convinced")
        holder = next((c for v in (verb, *(a for a in verb.children if a.dep_ in ("aux", "auxpass")))
                       for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if clause is None or holder is None or holder.lower_ in cues.not_speakers:
            continue
        if voiced and holder.lower_ in cues.pronouns.get("first_person", ()) and any(
                c.tag_ in ("VBP", "VBZ") for c in (verb, *verb.children) if c is verb or c.dep_ in ("aux", "auxpass")):
            continue  # "I am convinced that …" in a speech: the author's own voice
        cue = f"is {token.text}" if verb is not token else token.text
        found = _clause_found(doc, offset, text, token, clause, holder, cue, at, direct_spans, cues)
        if found is not None:
            out.append(found)
    return out


def _opinions(text, units, docs, quotes, direct_spans, cues: Cues, turn_regions, voiced: bool = False) -> list[Found]:
    """"In his opinion, the talks can resume", "The talks, in the minister's view, can resume": the rest of
    the sentence is the view of the possessor."""
    out: list[Found] = []
    inside_quotes = [(q.open, q.close) for q in quotes]
    for (offset, _), doc in zip(units, docs):
        if doc is None or not doc.has_annotation("DEP"):
            continue
        for token in doc:
            if token.lemma_.lower() not in cues.opinion_nouns or token.dep_ != "pobj" \
                    or token.head.lower_ not in cues.opinion_preps:
                continue
            at = token.idx + offset
            holder = next((c for c in token.children if c.dep_ == "poss"), None)
            if holder is None or _within(at, inside_quotes) or _within(at, turn_regions):
                continue
            if voiced and holder.lower_ in cues.pronouns.get("first_person", ()):
                continue  # "In my view, …" in a speech: the author's own voice
            phrase = token.head
            sent = token.sent
            first, last = phrase.left_edge.i, phrase.right_edge.i
            before, after = doc[sent.start : first], doc[last + 1 : sent.end]
            if len(before) > 2 and len(after) > 2:
                side = doc[sent.start : sent.end]  # the phrase set off inside: the whole sentence
            else:
                side = before if len(before) >= len(after) else after
            if not any(t.pos_ in ("VERB", "AUX") for t in side):
                continue  # a view is a clause ("In their opinion – in their opinion! – …" is not one)
            span = (side[0].idx, side[-1].idx + len(side[-1].text))
            start, end = _trim_clause(text, span[0] + offset, span[1] + offset)
            while end > start and text[end - 1] in ".!?":
                end -= 1
            if len(_WORD.findall(text[start:end])) < cues.min_reported_words:
                continue
            if _overlap(start, end, direct_spans) > 0.5 * (end - start):
                continue
            mention, context, persons = _mention(holder, offset, text)
            out.append(Found("reported", start, end, doc[first : last + 1].text, mention, context,
                             persons, anchor=holder.idx + offset, cue_at=at))
    return out


def _holder(noun, cues: Cues):
    """Whose statement a noun names: "Kyiv's claim", "a statement by the ministry", "a Kremlin statement",
    "the President expressed hope that …" (the subject of a verb that only carries the noun)."""
    if noun.dep_ == "dobj" and noun.head.lemma_.lower() in cues.light_verbs:
        subject = _speaker_of(noun.head, cues)
        if subject is not None:
            return subject
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
    hung = _as_clause(cue, cues)
    if hung is not None:
        return hung
    around = _parenthetical(cue, sent, cues)
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
    if cue.lemma_.lower() in cues.topic_verbs and not clauses \
            and not any(t.lower_ in cues.role_preps for c in right for t in c.subtree):
        return None  # "discussed the situation", "spoke with the minister": a topic, not what was said
    if clauses:
        first = min(_clause_start(c, cues) for c in clauses)
        if any(c.dep_ == "xcomp" for c in clauses):
            # "urged Kyiv to negotiate", "called on Moscow to withdraw": who is to act belongs to the request
            first = min([first] + [c.left_edge.i for c in cue.rights if c.i < first
                                   and (c.dep_ in ("dobj", "dative") or c in args)])
        return _char_span(doc, first, _clause_end(cue, sent, max(c.right_edge.i for c in clauses), cues))
    # What follows the verb besides its addressee ("told reporters") and adjuncts ("on Friday")
    objects = [c for c in right if c.dep_ not in ("prep", "dative", "advcl")
               and not (c.dep_ == "dobj" and cue.lemma_.lower() in cues.addressee_verbs)]
    said = _noun_clause(objects[0], cues) if len(objects) == 1 and cue.lemma_.lower() in cues.light_verbs else None
    if said is not None and (subject is None or subject.i < cue.i):
        # "expressed hope that …": the verb only carries the noun, whose clause is what was said
        return _char_span(doc, said.left_edge.i, _clause_end(cue, sent, said.right_edge.i, cues))
    if objects and (subject is None or subject.i < cue.i):
        first = min(c.left_edge.i for c in objects)
        return _char_span(doc, first, _clause_end(cue, sent, _object_end(cue, objects, cues), cues, clause=False))
    if args and (subject is None or subject.i < cue.i) and args[0].i == cue.i + 1 + len(
            [c for c in cue.rights if c.dep_ == "prt"]):
        # "called for talks", "warned against escalation": what the preposition governs
        inner = [c for c in args[0].children if c.dep_ in ("pobj", "pcomp")] or list(args[0].children)
        first = min(c.left_edge.i for c in inner)
        return _char_span(doc, first, _clause_end(cue, sent, _object_end(cue, inner, cues), cues, clause=False))
    begin = min(cue.i, subject.left_edge.i) if subject is not None else cue.i
    finish = max(cue.right_edge.i, subject.right_edge.i if subject is not None else cue.i)
    preposed = begin - 1 > sent.start and doc[begin - 1].text == "," and _reports_back(cue, cues)
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
    if cue.dep_ in ("parataxis", "ccomp", "advcl") and head.i < cue.i and head.pos_ in ("VERB", "AUX") \
            and _reports_back(cue, cues):
        first = head.left_edge.i
        last = cue.left_edge.i - 1
        if last > first:
            return _char_span(doc, first, last)
    return None


def _reports_back(cue, cues: Cues) -> bool:
    """Whether a cue may report the clause before it ("Prices will rise, he said"): not a future ("…, NATO
    will respond") nor a cue inside what another cue reports ("said that if Russia attacks, NATO will
    respond")."""
    if any(c.dep_ == "aux" and c.tag_ == "MD" for c in cue.children):
        return False
    return not (cue.dep_ in ("ccomp", "xcomp") and _is_cue(cue.head, cues))


def _as_clause(cue, cues: Cues) -> tuple[int, int] | None:
    """"As I said when we met, Germany has led that effort" / "…, as stated by the governor": the clause the
    attribution hangs on, on its side of the comma, is what was said."""
    if cue.dep_ != "advcl" or cue.lemma_.lower() not in cues.as_verbs \
            or not any(c.dep_ == "mark" and c.lower_ in cues.as_marks for c in cue.children):
        return None  # ("…, as supported by the reforms": a verb of speech only)
    if any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in cue.children):
        return None  # "as he said that …", "as he announced the deal": a clause of its own
    head, doc = cue.head, cue.doc
    if cue.i < head.i:
        comma = next((t for t in head.children if t.is_punct and t.text == "," and cue.i < t.i < head.i), None)
        if comma is None:
            return None
        return _char_span(doc, comma.i + 1, max(head.right_edge.i, comma.i + 1))
    first = cue.left_edge.i - 1
    while first > head.left_edge.i and doc[first].is_punct:
        first -= 1
    return _char_span(doc, head.left_edge.i, first)


def _passive_content(cue, cues: Cues) -> tuple[int, int] | None:
    """"The strike on the station was condemned by the UN": with the speaker as agent, the passive subject
    is what was spoken about (a role after the agent, "… as a war crime", would take the speaker in)."""
    subject = next((c for c in cue.children if c.dep_ == "nsubjpass"), None)
    agent = next((c for c in cue.children if c.dep_ == "agent"), None)
    if subject is None or agent is None or subject.i > cue.i:
        return None
    if subject.lower_ in cues.demonstratives and any(c.dep_ == "ccomp" for c in cue.children):
        return None  # "It was reported by the governor that …": the clause is what was said
    return _char_span(cue.doc, subject.left_edge.i, subject.right_edge.i)


_ASIDE_DEPS = {"prep", "npadvmod", "advmod", "agent", "dative", "prt", "neg", "aux", "auxpass"}


def _parenthetical(cue, sent, cues: Cues) -> tuple[int, int] | None:
    """The sentence around an attribution set off by commas ("The bridge, the governor said on Monday, will
    reopen within a week"): both sides are what was said, whatever the parser hung on the cue."""
    doc = sent.doc
    subject = next((c for c in cue.children if c.dep_ in _SUBJECT_DEPS), None)
    if subject is None or subject.dep_ == "csubj":
        return None
    if any(c.dep_ == "ccomp" and c.i > cue.i and _opens_with_complementizer(c, cues) for c in cue.children):
        return None  # "The BBC reported, citing residents, that …": the that-clause is what was said
    begin = min(cue.i, subject.left_edge.i)
    aside = {t.i for t in subject.subtree} | {cue.i}
    for child in cue.children:
        if child.dep_ in _ASIDE_DEPS or (child.dep_ == "dobj" and cue.lemma_.lower() in cues.addressee_verbs):
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
    if all(i in aside or doc[i].is_punct for i in range(sent.start, begin)):
        # "However, he stressed, …", "On Monday, the BBC reported, citing residents, that …": nothing was said
        # before the attribution; what follows its asides is the statement
        first = end
        while first < last and (first in aside or doc[first].is_punct):
            first += 1
        if doc[first].lower_ in cues.complementizers and first < last:
            first += 1  # (the parser may take this "that" for a determiner)
        return _char_span(doc, first, last)
    return _char_span(doc, sent.start, last)


def _is_argument(token, cues: Cues) -> bool:
    """A preposition that carries what was said ("accused Kyiv of …", "called for …", "criticised the deal as
    …"), as opposed to one of time or place ("on Friday")."""
    if token.dep_ != "prep" or token.lower_ not in cues.argument_preps:
        return False
    if token.lower_ in cues.role_preps:
        return any(True for _ in token.children)  # "as fierce", "as a betrayal": the role given
    inner = [c for c in token.children if c.dep_ in ("pobj", "pcomp")]
    return bool(inner) and not any(c.ent_type_ in ("DATE", "TIME") for c in inner)


def _complement(prep, objects, cues: Cues) -> bool:
    """"reaffirmed our support | to Ukraine's sovereignty": a phrase the parser hung on the verb that completes
    its object's noun."""
    return (prep.dep_ == "prep" and prep.lower_ in cues.complement_preps and any(True for _ in prep.children)
            and any(o.lemma_.lower() in cues.complement_nouns for o in objects))


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
        if child.i == last + 1 and (_is_argument(child, cues) or _complement(child, objects, cues)):
            last = child.right_edge.i
        elif child.dep_ == "advcl" and child.tag_ == "VBG" and child.lemma_.lower() in cues.lemmas:
            last = child.right_edge.i
        elif not child.is_punct:
            break
    after = cue.doc[last + 1] if last + 1 < len(cue.doc) else None
    if after is not None and after.text in ".!?" and (after.head == cue or after.i + 1 == cue.sent.end):
        last += 1  # an object that ends the sentence keeps its full stop, as the sentence has it
    return last


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
                and doc[t.left_edge.i].lower_ in cues.relative_pronouns:
            cut = t.left_edge.i - 2
            if cut > cue.i:
                return cut
    return last
