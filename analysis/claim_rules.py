"""What config/claims.yaml says about territorial claims, loaded once per edit of the file.

The file holds lemmas and their meanings; this module only turns it into lookups. See the comments in the
file for what each entry means.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from analysis import watched

CONFIG = Path(__file__).resolve().parent.parent / "config" / "claims.yaml"

# What each meaning makes of the place, for meanings that are aliases of another ("expel" takes).
KINDS = {"take", "liberate", "hold", "lose", "fall", "advance", "contest", "defend", "repel", "annex", "join"}


@dataclass(frozen=True)
class Meaning:
    name: str
    kind: str  # one of KINDS
    places: tuple[str, ...]  # "object", "subject", or prepositions ("out of" for two words)
    noun_preps: tuple[str, ...]
    gainer_preps: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    verbs: dict[str, tuple[Meaning, ...]]
    nouns: dict[str, Meaning]
    participles: dict[str, Meaning]
    under: dict[str, Meaning]
    needs_preposition: frozenset[str]
    edge_nouns: frozenset[str]
    containers: frozenset[str]
    ground_nouns: frozenset[str]
    positions: frozenset[str]
    not_ground_attacks: frozenset[str]
    distance_units: frozenset[str]
    settlement_containers: frozenset[str]
    including: frozenset[str]
    vague_places: dict[str, frozenset[str]]
    vague_reach: int
    qualifiers: frozenset[str]
    owner: str
    opponents: dict[str, str]
    enemy_words: frozenset[str]
    previous_pronouns: frozenset[str]
    speaker_pronouns: frozenset[str]
    relative_pronouns: frozenset[str]
    object_pronouns: frozenset[str]
    attempt_heads: frozenset[str]
    intent_heads: frozenset[str]
    success_heads: frozenset[str]
    modals: frozenset[str]
    carrier_verbs: frozenset[str]
    purpose_preps: frozenset[str]
    denial_heads: frozenset[str]
    hypothetical: frozenset[str]
    campaign_modifiers: frozenset[str]
    regained: frozenset[str]
    force_nouns: frozenset[str]
    liberation_to_come: bool
    not_ground: frozenset[str]
    earliest_year: int
    history: re.Pattern
    region_list: re.Pattern
    region_plurals: frozenset[str]
    areas: tuple[tuple[re.Pattern, float], ...]
    words: dict[str, frozenset[str]]  # the function words the rules read, by role (`words` in the file)
    past_ending: str
    y_ending: str
    region_word: str
    number_words: dict[str, float]
    month_abbreviations: dict[str, int]
    count_words: dict[str, int]

    def opponent(self, party: str | None) -> str | None:
        return self.opponents.get(party or "")

    def word(self, role: str) -> frozenset[str]:
        """The words of one role in `words` ("negations", "loser_preps", ...)."""
        try:
            return self.words[role]
        except KeyError:
            raise KeyError(f"{CONFIG.name}: `words` has no {role!r} list; add it.") from None


_NUMBER = r"(?P<n>\d{1,3}(?:[,\s]\d{3})+|\d+(?:\.\d+)?)(?:\s*(?P<mult>%s))?"


def _words(words) -> str:
    return "|".join(re.escape(str(w)).replace(r"\ ", r"\s+") for w in words)


def _lower(items) -> frozenset[str]:
    return frozenset(str(x).lower() for x in items or [])


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Rules:
    config = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    meanings: dict[str, Meaning] = {}
    verbs: dict[str, list[Meaning]] = {}
    nouns: dict[str, Meaning] = {}
    for name, item in config["meanings"].items():
        for key in ("places", "noun_preps", "gainer_preps", "verbs", "nouns"):
            if any(isinstance(word, bool) for word in item.get(key) or []):
                # YAML reads a bare on/off/yes/no as true/false
                raise ValueError(f"{path}: meanings.{name}.{key} holds a bare on/off/yes/no; quote it ('on').")
        kind = item.get("meaning", name)
        if kind not in KINDS:
            raise ValueError(f"{path}: meaning {name!r} is {kind!r}; use one of {', '.join(sorted(KINDS))}.")
        meaning = Meaning(
            name=name, kind=kind, places=tuple(str(p).lower() for p in item.get("places") or ["object"]),
            noun_preps=tuple(str(p).lower() for p in item.get("noun_preps") or []),
            gainer_preps=tuple(str(p).lower() for p in item.get("gainer_preps") or []),
        )
        meanings[name] = meaning
        for lemma in item.get("verbs") or []:
            verbs.setdefault(str(lemma).lower(), []).append(meaning)
        for lemma in item.get("nouns") or []:
            nouns.setdefault(str(lemma).lower(), meaning)

    def meaning_map(section: str) -> dict[str, Meaning]:
        out = {}
        for lemma, name in (config.get(section) or {}).items():
            if name not in meanings:
                raise ValueError(f"{path}: {section}: {lemma!r} has meaning {name!r}, which `meanings` lacks.")
            out[str(lemma).lower()] = meanings[name]
        return out

    pronouns = config.get("pronouns") or {}
    words = config.get("words") or {}
    morphology = config.get("morphology") or {}
    number_words = {str(k).lower(): float(v) for k, v in (config.get("number_words") or {}).items()}
    number = _NUMBER % (_words(sorted(number_words, key=len, reverse=True)) or "(?!)")
    return Rules(
        verbs={k: tuple(v) for k, v in verbs.items()},
        nouns=nouns,
        participles=meaning_map("participles"),
        under=meaning_map("under"),
        needs_preposition=_lower(config.get("needs_preposition")),
        edge_nouns=_lower(config.get("edge_nouns")),
        containers=_lower(config.get("containers")),
        ground_nouns=_lower(config.get("ground_nouns")),
        positions=_lower(config.get("positions")),
        not_ground_attacks=_lower(config.get("not_ground_attacks")),
        distance_units=_lower(config.get("distance_units")),
        settlement_containers=_lower(config.get("settlement_containers")),
        including=_lower(config.get("including")),
        vague_places={str(k).lower(): frozenset(v) for k, v in (config.get("vague_places") or {}).items()},
        vague_reach=int(config.get("vague_reach", 2)),
        qualifiers=frozenset(str(q) for q in config.get("qualifiers") or []),
        owner=str(config["owner"]),
        opponents={str(k): str(v) for k, v in (config.get("opponents") or {}).items()},
        enemy_words=_lower(config.get("enemy_words")),
        previous_pronouns=_lower(pronouns.get("previous_subject")),
        speaker_pronouns=_lower(pronouns.get("speaker")),
        relative_pronouns=_lower(pronouns.get("relative")),
        object_pronouns=_lower(pronouns.get("places_named_before")),
        attempt_heads=_lower(config.get("attempt_heads")),
        intent_heads=_lower(config.get("intent_heads")),
        success_heads=_lower(config.get("success_heads")),
        modals=_lower(config.get("modals")),
        carrier_verbs=_lower(config.get("carrier_verbs")),
        purpose_preps=_lower(config.get("purpose_preps")),
        denial_heads=_lower(config.get("denial_heads")),
        hypothetical=_lower(config.get("hypothetical")),
        campaign_modifiers=_lower(config.get("campaign_modifiers")),
        regained=_lower(config.get("regained")),
        force_nouns=_lower(config.get("force_nouns")),
        liberation_to_come=bool(config.get("liberation_to_come", False)),
        not_ground=_lower(config.get("not_ground")),
        earliest_year=int(config["earliest_year"]),
        history=re.compile(rf"\b(?:{_words(config['history_words'])})\b", re.IGNORECASE),
        region_list=re.compile(
            r"((?:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?(?:,\s+|,?\s+and\s+))+[A-Z][\w'’-]+)\s+(?:%s)\b"
            % _words(config["region_plurals"])
        ),
        region_plurals=_lower(config["region_plurals"]),
        areas=tuple(
            (re.compile(rf"{number}\s*(?:{unit})", re.IGNORECASE), float(factor))
            for unit, factor in config["area_units"].items()
        ),
        words={str(role): _lower(items) for role, items in words.items()},
        past_ending=str(morphology.get("past_ending", "")),
        y_ending=str(morphology.get("y_ending", "")),
        region_word=str(config.get("region_word", "")),
        number_words=number_words,
        month_abbreviations={str(k).lower(): int(v) for k, v in (config.get("month_abbreviations") or {}).items()},
        count_words={str(k).lower(): int(v) for k, v in (config.get("count_words") or {}).items()},
    )


def rules() -> Rules:
    return _load(str(CONFIG), watched.mtime_ns(CONFIG))
