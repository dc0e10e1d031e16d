"""A statement found in the text before its speaker is resolved.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from analysis.speakers import Speaker


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
    agentless: bool = False  # "It was stressed that …": nobody named; on a site that speaks for one person, them
    written: bool = False  # "The message reads: …": a text the article quotes, its sender's words
    restates: bool = False  # "X. He said this …": the sentence before, unless it holds a statement already
