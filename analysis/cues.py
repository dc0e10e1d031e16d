"""What marks a statement in a language: cue verbs (as lemmas), statement nouns, turn labels and the rest of
config/<language>/cues.yaml, loaded once and re-read when the file changes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from analysis import watched


# One folder of patterns per language: a second language is a new folder, not new code.
CONFIG = Path(__file__).resolve().parent.parent / "config" / "en" / "cues.yaml"

@dataclass(frozen=True)
class Cues:
    lemmas: frozenset[str]
    forms: frozenset[str]  # inflected forms, for the cheap "He said "..."" check before a quote
    according: tuple[tuple[str, ...], ...]
    question_labels: frozenset[str]
    answer_labels: frozenset[str]
    not_speakers: frozenset[str]
    moderator_labels: frozenset[str]
    scare_max_words: int
    min_reported_words: int
    argument_preps: frozenset[str] = frozenset()
    nouns: frozenset[str] = frozenset()
    adjunct_preps: frozenset[str] = frozenset()
    occasions: frozenset[str] = frozenset()
    audiences: frozenset[str] = frozenset()
    addressee_verbs: frozenset[str] = frozenset()  # "told reporters that …": the object is who was told
    relative_pronouns: frozenset[str] = frozenset()
    name_particles: frozenset[str] = frozenset()  # lower-case words inside names and titles ("of", "von")
    name_infixes: frozenset[str] = frozenset()  # "bin" in "Mohammed bin Salman": inside names only
    honorifics: frozenset[str] = frozenset()  # "Mr", "Dr": a form of address before a name, not part of it
    determiners: frozenset[str] = frozenset()
    definite: frozenset[str] = frozenset()  # "the President": someone named before
    title_prepositions: frozenset[str] = frozenset()  # "the Adviser to the Head of …": still the title
    partitive: frozenset[str] = frozenset()  # "many of the soldiers": part of a group speaks
    demonstratives: frozenset[str] = frozenset()  # "This was stated by …": what the sentence before said
    pronouns: dict = field(default_factory=dict)  # male, female, plural, first_person, group
    topic_verbs: frozenset[str] = frozenset()  # "discussed the situation": a topic, not a statement
    role_preps: frozenset[str] = frozenset()  # "described the shelling as …": the role is what was said
    convictions: frozenset[str] = frozenset()  # "X is convinced that …"
    light_verbs: frozenset[str] = frozenset()  # "expressed hope that …": the noun is the cue
    own_voice: frozenset[str] = frozenset()  # "I hope …" in a speech: the author's voice, not a report
    complementizers: frozenset[str] = frozenset()  # "said that …": "that" is not what was said
    opinion_nouns: frozenset[str] = frozenset()  # "In his opinion, …"
    clause_only: frozenset[str] = frozenset()  # "observed that …" is a cue, "observed the ceasefire" is not
    as_marks: frozenset[str] = frozenset()  # "As the minister said, …"
    as_verbs: frozenset[str] = frozenset()  # the cues such a clause may have
    intentions: frozenset[str] = frozenset()  # "wants to capture …": an intention, not speech
    obligations: frozenset[str] = frozenset()  # "should order them to …": what someone ought to say
    suppositions: frozenset[str] = frozenset()  # "if they say that …": a supposition, not something said
    document_quote: re.Pattern | None = None  # "The message reads, in part:" before a quote of a written text
    not_sources: frozenset[str] = frozenset()  # "according to the plan": nobody speaks
    opinion_preps: frozenset[str] = frozenset()
    complement_nouns: frozenset[str] = frozenset()  # "its support to …": the phrase after belongs to the noun
    complement_preps: frozenset[str] = frozenset()


def load(path: Path = CONFIG) -> Cues:
    """The cues of config/en/cues.yaml, re-read when the file changes (an analyst edits it while the app runs)."""
    return _load_cues(str(path), watched.mtime_ns(path))


@lru_cache(maxsize=2)
def _load_cues(path: str, mtime: float) -> Cues:
    try:
        with open(path, encoding="utf-8") as handle:
            raw = yaml.safe_load(handle) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{path}: cannot read the cue words ({error}); fix or restore the file") from error
    families = raw.get("verbs") or {}
    clause_only = {str(v).lower() for v in raw.get("clause_only_verbs") or []}
    lemmas = {str(v).lower() for family in families.values() for v in family or []} | clause_only
    nouns = {str(v).lower() for v in raw.get("nouns") or []}
    convictions = {str(v).lower() for v in raw.get("convictions") or []}
    opinions = {str(v).lower() for v in raw.get("opinion_nouns") or []}
    labels = raw.get("turn_labels") or {}
    words = raw.get("words") or {}
    # every label family but the answers names nobody the document knows: a question, a remark from the floor
    unnamed = {str(x) for name, family in labels.items() if name not in ("answer", "moderator") for x in family or []}
    return Cues(
        lemmas=frozenset(lemmas),
        forms=frozenset(inflections(lemmas, "verb") | inflections(nouns | opinions, "noun") | convictions),
        according=tuple(tuple(str(p).lower().split()) for p in raw.get("according_to") or []),
        question_labels=frozenset(unnamed),
        answer_labels=frozenset(str(x) for x in labels.get("answer") or []),
        moderator_labels=frozenset(str(x) for x in labels.get("moderator") or []),
        not_speakers=frozenset(str(x).lower() for x in raw.get("not_speakers") or []),
        scare_max_words=int(raw.get("scare_quote_max_words", 3)),
        min_reported_words=int(raw.get("min_reported_words", 3)),
        argument_preps=frozenset(str(x).lower() for x in raw.get("argument_prepositions") or []),
        complement_nouns=frozenset(str(x).lower() for x in raw.get("complement_nouns") or []),
        complement_preps=frozenset(str(x).lower() for x in raw.get("complement_prepositions") or []),
        nouns=frozenset(nouns),
        adjunct_preps=frozenset(str(x).lower() for x in raw.get("adjunct_prepositions") or []),
        occasions=frozenset(str(x).lower() for x in raw.get("occasions") or []),
        audiences=frozenset(str(x).lower() for x in raw.get("audiences") or []),
        addressee_verbs=frozenset(str(x).lower() for x in raw.get("addressee_verbs") or []),
        relative_pronouns=frozenset(str(x).lower() for x in words.get("relative_pronouns") or []),
        name_particles=frozenset(str(x).lower() for x in words.get("name_particles") or []),
        name_infixes=frozenset(str(x).lower() for x in words.get("name_infixes") or []),
        honorifics=frozenset(str(x).lower().rstrip(".") for x in words.get("honorifics") or []),
        determiners=frozenset(str(x).lower() for x in words.get("determiners") or []),
        definite=frozenset(str(x).lower() for x in words.get("definite") or []),
        title_prepositions=frozenset(str(x).lower() for x in words.get("title_prepositions") or []),
        partitive=frozenset(str(x).lower() for x in words.get("partitive") or []),
        demonstratives=frozenset(str(x).lower() for x in words.get("demonstratives") or []),
        pronouns={k: frozenset(str(x).lower() for x in v or []) for k, v in (raw.get("pronouns") or {}).items()},
        topic_verbs=frozenset(str(x).lower() for x in raw.get("topic_verbs") or []),
        role_preps=frozenset(str(x).lower() for x in raw.get("role_prepositions") or []),
        convictions=frozenset(convictions),
        light_verbs=frozenset(str(x).lower() for x in raw.get("light_verbs") or []),
        own_voice=frozenset(str(v).lower() for name in raw.get("own_voice_families") or []
                            for v in families.get(name) or []),
        complementizers=frozenset(str(x).lower() for x in words.get("complementizers") or []),
        opinion_nouns=frozenset(opinions),
        clause_only=frozenset(clause_only),
        as_marks=frozenset(str(x).lower() for x in raw.get("as_marks") or []),
        intentions=frozenset(str(x).lower() for x in raw.get("intention_verbs") or []),
        obligations=frozenset(str(x).lower() for x in raw.get("obligation_modals") or []),
        suppositions=frozenset(str(x).lower() for x in raw.get("suppositions") or []),
        document_quote=_document_quote(raw.get("document_nouns") or [], raw.get("document_verbs") or []),
        not_sources=frozenset(str(x).lower() for x in raw.get("not_sources") or []),
        as_verbs=frozenset(str(v).lower() for name in raw.get("as_families") or [] for v in families.get(name) or []),
        opinion_preps=frozenset(str(x).lower() for x in raw.get("opinion_prepositions") or []),
    )


def _document_quote(nouns: list, verbs: list) -> re.Pattern | None:
    """"The message reads, in part:" at the end of the text before a quote."""
    if not nouns or not verbs:
        return None
    either = lambda words: "|".join(sorted((re.escape(str(w)) for w in words), key=len, reverse=True))
    return re.compile(rf"\b(?:{either(nouns)})\s+(?:{either(verbs)})\b[^.!?\"\u201c]{{0,30}}:\s*$", re.IGNORECASE)


def inflections(lemmas: set[str], pos: str) -> set[str]:
    """Every form the language model would read back as one of `lemmas` (its own tables: the suffix rules
    run backwards, and the irregular forms it lists, so "spoke", "found", "admitted" and "dubbed" are
    forms of speak, find, admit and dub without a list of them here)."""
    from analysis.nlp import lemma_tables  # the model's tables; loaded with the model, once

    rules, exceptions = lemma_tables(pos)
    forms = set(lemmas)
    for lemma in lemmas:
        for suffix, replacement in rules:
            if lemma.endswith(replacement):
                forms.add(lemma[: len(lemma) - len(replacement)] + suffix)
    forms |= {form for form, bases in exceptions.items() if set(bases) & lemmas}
    return forms


@lru_cache(maxsize=2)
def speech_marks(forms: frozenset[str]) -> re.Pattern:
    words = "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
    return re.compile(
        rf"[\"\u201c\u201d\u201e\u00ab\u00bb]|(?<!\w)['\u2018]\w|\w['\u2019](?![\w])(?<!s')"
        rf"|\b(?:{words}|according)\b",
        re.IGNORECASE,
    )
