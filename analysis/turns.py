"""Transcript turns: "Name: …" or "Q: …"/"A: …", each running until the next label.
"""
from __future__ import annotations

import re

from analysis.candidates import Found
from analysis.cues import Cues
from analysis.parties import registry
from analysis.people import _name_pattern
from analysis.speakers import _strip_determiner


_LABEL_WORD = re.compile(r"^[A-Z][\w.'\u2019\-]*$")
_LABEL_WINDOW = 200  # characters before a colon that may hold a speaker label
_COLON = re.compile(r"(?:\s*\([^()\n]{1,30}\))?\s*:\s+(?=[\"\u201c\u2018A-Z0-9])")


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
    called = ""  # the questioner the moderator last gave the floor to
    for k, (label_start, body, name) in enumerate(labels):
        stop = labels[k + 1][0] if k + 1 < len(labels) else len(text)
        end = stop
        while end > body and (text[end - 1].isspace() or (text[end - 1] in "\"\u201c" and text[end - 2:end - 1].isspace())):
            end -= 1  # (and the mark that opens the next quoted turn)
        if end <= body:
            continue
        if label_start > 0 and text[label_start - 1] in "\"\u201c":
            label_start -= 1
        if name in cues.moderator_labels:
            floor = re.compile(rf"({_name_pattern(cues.name_infixes)})\.?\s*$").match(text, body, end)  # "Nike Ching."
            called = floor.group(1) if floor else ""
            if floor:
                regions.append((label_start, end))
                continue  # only gives the floor: no statement
        mention = author if author and (name in cues.answer_labels or _holds(author, name)) else name
        if name in cues.question_labels and called:
            mention, name = called, called  # "MODERATOR: Nike Ching. QUESTION: …": Nike Ching asks
        found.append(Found("turn", body, end, cue=":", mention=mention, anchor=label_start,
                           persons=[] if name in cues.question_labels else [mention]))
        regions.append((label_start, end))
    return found, regions


def _holds(author: str, label: str) -> bool:
    """Whether a title label ("THE PRESIDENT:") is the document's author's ("Joe Biden", in an interview
    whose questions name other presidents)."""
    person = registry().person(author)
    return person is not None and _strip_determiner(label.lower()) in person.roles


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
    # Only the last words before the colon can be a label: look at a window, not the whole paragraph
    # (a transcript whose line breaks were lost is one paragraph with hundreds of colons).
    window = max(para_start, colon - _LABEL_WINDOW)
    words = [(m.start() + window, m.group()) for m in re.finditer(r"\S+", text[window:colon])]
    if window > para_start and words:
        words = words[1:]  # (cut in the middle)
    if words and words[0][1][:1] in "\"\u201c" and len(words[0][1]) > 1:
        # transcripts pasted as quoted paragraphs ("PESKOV: …): the mark is not part of the name
        words[0] = (words[0][0] + 1, words[0][1][1:])
    taken: list[tuple[int, str]] = []
    for at, word in reversed(words[-8:]):
        ends_sentence = word[-1] in ".!?" and not re.fullmatch(r"(?:[A-Z]|Mr|Mrs|Ms|Dr|Jr|St)\.", word)
        if not (_LABEL_WORD.match(word) or word in cues.name_particles) or ends_sentence:
            break
        taken.insert(0, (at, word))
    for i in range(len(taken)):
        at, name = taken[i][0], " ".join(w for _, w in taken[i:])
        if name.split()[0] in cues.name_particles:
            continue
        before = text[max(para_start, at - _LABEL_WINDOW):at].rstrip()
        at_sentence_start = not before or before[-1] in ".!?\u2026\"\u201d*)"
        if name in cues.question_labels or name in cues.answer_labels:
            return (at, name) if at_sentence_start else None
        known = registry().person(name)
        if known is not None and registry().find(name)[-1].end == len(name):
            return at, name
        if at_sentence_start and (2 <= len(name.split()) <= 4 or (name.isupper() and len(name) > 2)):
            return at, name
    return None
