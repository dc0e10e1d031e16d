"""Who belongs to which party: people, titles, offices, institutions, capitals and demonyms.

Everything comes from config/parties.yaml, so another conflict is served by editing that file.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from analysis import articles
from analysis import cues as cue_words
from analysis import watched

CONFIG = Path(__file__).resolve().parent.parent / "config" / "parties.yaml"
UNKNOWN = "Unknown"

# How specific a match is: a person's name beats a title naming one person, which beats a party's
# name ("Russian", "Moscow"); "Russian President Vladimir Putin" is Putin, not just "Russian".
PERSON, TITLE, OFFICE, NAME = 0, 1, 2, 3


@dataclass(frozen=True)
class Person:
    name: str
    party: str
    variants: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    gender: str = ""  # "f", "m" or unknown
    start: str = ""  # YYYY-MM the titles were first held, empty when always
    end: str = ""
    body: bool = False  # an institution speaking as one (a ministry, an army, a newspaper), not a person

    def holds_titles_on(self, when: str) -> bool:
        """Whether this person held their titles in the month of `when` (ISO date); True when unknown."""
        month = (when or "")[:7]
        if not re.fullmatch(r"\d{4}-\d{2}", month):
            return True
        return (not self.start or self.start <= month) and (not self.end or month <= self.end)


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    rank: int  # PERSON, TITLE, OFFICE or NAME
    party: str
    people: tuple[Person, ...] = ()  # who the words may name (several for a title held in turn)


@dataclass(frozen=True)
class Host:
    """Who speaks for a website in a period: on the President's own site, "I" and "the President" are them."""
    site: str
    person: Person
    start: str = ""
    end: str = ""


@dataclass
class Registry:
    parties: list[str]
    people: dict[str, Person]
    _entries: dict[str, list[tuple[int, str, tuple[Person, ...]]]] = field(repr=False)
    _exact: re.Pattern = field(repr=False)
    _folded: re.Pattern = field(repr=False)
    _blocked: re.Pattern | None = field(repr=False)
    hosts: tuple[Host, ...] = ()
    state_words: frozenset[str] = frozenset()
    joint_words: frozenset[str] = frozenset()
    leader_titles: frozenset[str] = frozenset()
    countries: dict[str, str] = field(default_factory=dict)  # folded alias → country, for states of Other

    @cached_property
    def roles(self) -> frozenset[str]:
        """Every role noun a configured person holds ("president", "adviser", "foreign minister")."""
        return frozenset(r for p in self.people.values() for r in p.roles)

    # -- lookups -------------------------------------------------------------------------------
    def find(self, text: str) -> list[Match]:
        """Every non-overlapping mention of a party, person or title in `text`, longest first, in order."""
        plain = text.replace("\u2019", "'")
        blocked = [m.span() for m in self._blocked.finditer(plain)] if self._blocked else []
        found: list[tuple[int, int]] = []
        for pattern in (self._exact, self._folded):
            found += [m.span() for m in pattern.finditer(plain)]
        found.sort(key=lambda span: (span[0], span[0] - span[1]))
        out: list[Match] = []
        taken_until = -1
        for start, end in found:
            if start < taken_until or any(start < b_end and b_start < end for b_start, b_end in blocked):
                continue
            entry = self._entry(plain[start:end])
            if entry is None:
                continue
            rank, party, people = entry
            out.append(Match(start, end, text[start:end], rank, party, people))
            taken_until = end
        return out

    def _entry(self, words: str) -> tuple[int, str, tuple[Person, ...]] | None:
        candidates = self._entries.get(words) or self._entries.get(_fold(words)) or []
        exact = [c for c in candidates if c[0] == PERSON]
        chosen = exact or [c for c in candidates if c[0] != PERSON]
        return min(chosen, key=lambda c: c[0]) if chosen else None

    def party_of(self, mention: str) -> str | None:
        """The party the mention belongs to; the most specific, rightmost (head) match wins."""
        best = self._head(mention)
        return best.party if best else None

    def parties_in(self, mention: str) -> list[str]:
        """Every party a (possibly coordinated) mention names, in order: "Kyiv and the West" → two."""
        out: list[str] = []
        for match in self.find(mention):
            if match.party not in out:
                out.append(match.party)
        return out

    def person(self, mention: str, when: str = "") -> Person | None:
        """The one person the mention names (by name, variant or a title held on `when`), else None."""
        best = self._head(mention)
        if best is None or not best.people:
            return None
        holders = [p for p in best.people if best.rank == PERSON or p.holds_titles_on(when)]
        return holders[0] if len(holders) == 1 and not _not_head(best, mention) else None

    def title_holders(self, mention: str) -> tuple[Person, ...]:
        """Everyone a title in the mention may name, whatever the date (for resolving against the article)."""
        best = self._head(mention)
        return best.people if best and not _not_head(best, mention) else ()

    def host(self, address: str, when: str = "") -> Person | None:
        """The person who speaks for the site of `address` (a URL or a source such as "kremlin.ru") on `when`."""
        site = articles.site(address)
        if not site:
            return None
        month = (when or "")[:7]
        dated = bool(re.fullmatch(r"\d{4}-\d{2}", month))
        for host in self.hosts:
            if site != host.site and not site.endswith("." + host.site):
                continue
            if not dated or ((not host.start or host.start <= month) and (not host.end or month < host.end)):
                return host.person
        return None

    def state(self, mention: str) -> str | None:
        """The party when the mention names the state acting as a whole ("Kyiv", "the Ukrainians", "the
        Russian government"): nothing in it but the party's own name and words such as government or side."""
        words = mention.replace("\u2019", "'").lower()
        matches = self.find(mention)
        if len(matches) != 1 or matches[0].rank != NAME:
            return None
        rest = re.findall(r"[\w-]+", words[: matches[0].start] + " " + words[matches[0].end :])
        rest = [w for w in rest if w not in ("the", "s")]
        return matches[0].party if all(w in self.state_words for w in rest) else None

    def country_of(self, mention: str) -> str:
        """The state a mention names ("the Polish leader" → Poland; "Ukrainian forces" → Ukraine), else "".
        Finer than the party: Poland and Latvia are both Other, and "the Latvian leader" is not the Pole."""
        best = self._head(mention)
        if best is None:
            return ""
        return self.countries.get(_fold(best.text), best.party)

    def _head(self, mention: str) -> Match | None:
        matches = self.find(mention)
        if not matches:
            return None
        return min(matches, key=lambda m: (m.rank, -m.start))


def _not_head(match: Match, mention: str) -> bool:
    """Whether a title or institution is only part of the mention, not whom it names: "the head of the
    President's Office" is a person of the office, "the spokesman for the President of Ukraine" is not the
    President, and "Russian military bloggers" are not the Russian military."""
    if match.rank == PERSON:
        return False
    words = cue_words.load()
    joins = "|".join(sorted(map(re.escape, words.title_prepositions))) or "(?!x)x"
    articles = "|".join(sorted(map(re.escape, words.determiners))) or "(?!x)x"
    if re.search(rf"\w\s+(?:{joins})\s+(?:(?:{articles})\s+)?$", mention[: match.start], re.IGNORECASE):
        return True
    return any(p.body for p in match.people) and bool(re.search(r"\w", mention[match.end:].replace("'s", "")))


def _fold(words: str) -> str:
    return re.sub(r"\s+", " ", words.replace("\u2019", "'")).strip().lower()


def _is_acronym(alias: str) -> bool:
    return not any(ch.islower() for ch in alias)


def _pattern(aliases: list[str], flags: int) -> re.Pattern:
    ordered = sorted(set(aliases), key=len, reverse=True)
    body = "|".join(re.escape(a).replace(r"\ ", r"\s+") for a in ordered) or r"(?!x)x"
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)


def _month(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m")
    return str(value)[:7]


def build(config: dict) -> Registry:
    """A registry from the parsed YAML (see config/parties.yaml for the layout)."""
    entries: dict[str, list[tuple[int, str, tuple[Person, ...]]]] = {}
    countries: dict[str, str] = {}
    exact: list[str] = []
    folded: list[str] = []
    people: dict[str, Person] = {}

    def add(alias: str, rank: int, party: str, who: tuple[Person, ...] = ()) -> None:
        alias = alias.strip().replace("\u2019", "'")
        if alias.lower().startswith("the "):
            alias = alias[4:]
        if not alias:
            return
        # Names of people and acronyms must match as written: "Price" is a person, "price" is not.
        case_sensitive = rank == PERSON or _is_acronym(alias)
        key = alias if case_sensitive else _fold(alias)
        (exact if case_sensitive else folded).append(alias)
        bucket = entries.setdefault(key, [])
        for i, (old_rank, old_party, old_people) in enumerate(bucket):
            if old_rank == rank and old_party == party:
                bucket[i] = (rank, party, old_people + tuple(p for p in who if p not in old_people))
                return
        bucket.append((rank, party, who))

    parties = list((config.get("parties") or {}).keys())
    for party, spec in (config.get("parties") or {}).items():
        spec = spec or {}
        if spec.get("own_name", True):  # ("Other" names no one: "other officials" are no party's)
            add(party, NAME, party)
        for name in spec.get("names") or []:
            add(str(name), NAME, party)
        for office in spec.get("offices") or []:
            add(str(office), OFFICE, party)
        for country, others in (spec.get("countries") or {}).items():
            for alias in (country, *(others or [])):
                add(str(alias), NAME, party)
                countries[_fold(str(alias))] = str(country)
        for name, info in (spec.get("people") or {}).items():
            info = info or {}
            person = Person(
                name=str(name),
                party=party,
                variants=tuple(str(v) for v in info.get("variants") or []),
                titles=tuple(str(t) for t in info.get("titles") or []),
                roles=tuple(str(r).lower() for r in info.get("roles") or []),
                gender=str(info.get("gender") or "").lower()[:1],
                start=_month(info.get("from")),
                end=_month(info.get("to")),
            )
            people[person.name] = person
            for variant in (person.name, *person.variants):
                add(variant, PERSON, party, (person,))
            for title in person.titles:
                add(title, TITLE, party, (person,))
    for party, spec in (config.get("parties") or {}).items():
        for name, info in ((spec or {}).get("bodies") or {}).items():
            # An institution: its own canonical name, found under any of its variants (case-folded, like a title).
            variants = info if isinstance(info, list) else (info or {}).get("variants") or []
            body = Person(name=str(name), party=party, variants=tuple(str(v) for v in variants), body=True)
            people.setdefault(body.name, body)
            for variant in (body.name, *body.variants):
                add(variant, TITLE, party, (body,))
    hosts = []
    for site, holders in (config.get("sites") or {}).items():
        for holder in holders or []:
            person = people.get(str(holder.get("person")))
            if person is None:
                raise ValueError(f"config/parties.yaml: site {site!r} names {holder.get('person')!r}, "
                                 "who is not among the people of any party")
            hosts.append(Host(str(site).lower(), person, _month(holder.get("from")), _month(holder.get("to"))))
    blocked = [str(b) for b in config.get("not_parties") or []]
    return Registry(
        parties=parties,
        people=people,
        _entries=entries,
        _exact=_pattern(exact, 0),
        _folded=_pattern(folded, re.IGNORECASE),
        _blocked=_pattern(blocked, re.IGNORECASE) if blocked else None,
        hosts=tuple(hosts),
        state_words=frozenset(str(w).lower() for w in config.get("state_words") or []),
        joint_words=frozenset(str(w).lower() for w in config.get("joint_words") or []),
        leader_titles=frozenset(str(w).lower() for w in config.get("leader_titles") or []),
        countries=countries,
    )


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Registry:
    with open(path, encoding="utf-8") as handle:
        return build(yaml.safe_load(handle) or {})


def registry(path: Path | str = CONFIG) -> Registry:
    """The registry of the config file, re-read when the file changes."""
    path = Path(path)
    return _load(str(path), watched.mtime_ns(path))


def party_of(mention: str) -> str | None:
    """The party (as named in config/parties.yaml) of a person, office, institution, capital, country or
    demonym phrase ("Ukrainian forces", "Moscow", "the Kremlin", "NSDC", "Zelensky"); None when unknown."""
    if not mention or not mention.strip():
        return None
    return registry().party_of(mention)


def parties() -> list[str]:
    """The parties of config/parties.yaml, in file order."""
    return list(registry().parties)
