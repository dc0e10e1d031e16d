"""Territorial claims: who says they annexed, captured, reclaimed, advance on or fight for which place.

Rule-based over sentences, with every word list in config/claims.yaml: a claim cue (liberated, captured,
part of, advancing on ...) gives the claim type; the party that gains is the cue's subject (or the agent of
a passive, or the party a cue such as "fell to" names); each place named in the sentence goes to its nearest
cue, one claim per place; areas ("more than 4000 square kilometres") become km²; the date is the one the
sentence states, resolved against the article's date, else the article's date.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from analysis import parties, places
from analysis.tables import conform, empty

CONFIG = Path(__file__).resolve().parent.parent / "config" / "claims.yaml"
UNKNOWN = "Unknown"

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_MONTH = r"(?:%s)\.?" % "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH})|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b)"
    r"(?:,?\s+(?P<y>\d{4}))?|\bon\s+(?P<wd>%s)\b" % "|".join(_WEEKDAYS),
    re.IGNORECASE,
)
_NUMBER = r"(?P<n>\d{1,3}(?:[,\s]\d{3})+|\d+(?:\.\d+)?)(?:\s*(?P<mult>thousand|million))?"


@dataclass(frozen=True)
class Cue:
    claim: str
    start: int
    end: int
    gainer: str  # "subject" or "after"
    needs_place: bool = False


@dataclass(frozen=True)
class Rules:
    cues: list[tuple[str, re.Pattern, str, bool]]
    losers: re.Pattern
    territory: re.Pattern
    previous_subject: set[str]
    speaker_pronouns: set[str]
    areas: list[tuple[re.Pattern, float]]
    abbreviations: set[str]
    attributive: re.Pattern
    intent: re.Pattern
    achieved: re.Pattern
    not_ground: re.Pattern
    earliest_year: int
    history: re.Pattern
    region_list: re.Pattern
    window: int
    any_cue: re.Pattern
    clause_break: re.Pattern


def _words(words) -> str:
    return "|".join(re.escape(str(w)).replace(r"\ ", r"\s+") for w in words)


@lru_cache(maxsize=4)
def _rules(path: str, mtime: float) -> Rules:
    config = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    cues = [
        (claim, re.compile(rf"\b(?:{item['pattern']})\b", re.IGNORECASE), item.get("gainer", "subject"),
         bool(item.get("needs_place")))
        for claim, items in config["cues"].items() for item in items
    ]
    return Rules(
        cues=cues,
        losers=re.compile(rf"\b(?:{_words(config['loser_markers'])})\s+(?:the\s+)?$", re.IGNORECASE),
        territory=re.compile(rf"\b(?:{_words(config['territory_words'])})\b", re.IGNORECASE),
        previous_subject={w.lower() for w in config["pronouns"]["previous_subject"]},
        speaker_pronouns={w.lower() for w in config["pronouns"]["speaker"]},
        areas=[
            (re.compile(rf"{_NUMBER}\s*(?:{unit})", re.IGNORECASE), float(factor))
            for unit, factor in config["area_units"].items()
        ],
        abbreviations={str(a).lower() for a in config["abbreviations"]},
        attributive=re.compile(
            rf"\b(?:{'|'.join(str(w) for w in config['attributive_before'])})\s+(?:\w+-)?$", re.IGNORECASE
        ),
        intent=re.compile(rf"\b(?:{_words(config['intent_before'])})\s+(?:\w+\s+)?$", re.IGNORECASE),
        achieved=re.compile(rf"\b(?:{_words(config['achieved_before'])})\s+(?:\w+\s+)?$", re.IGNORECASE),
        not_ground=re.compile(rf"\b(?:{_words(config['not_ground'])})\b", re.IGNORECASE),
        earliest_year=int(config["earliest_year"]),
        history=re.compile(rf"\b(?:{_words(config['history_words'])})\b", re.IGNORECASE),
        region_list=re.compile(
            r"((?:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?(?:,\s+|,?\s+and\s+))+[A-Z][\w'’-]+)\s+(?:%s)\b"
            % _words(config["region_plurals"])
        ),
        window=int(config["window"]),
        any_cue=re.compile("|".join(f"(?:{item['pattern']})" for items in config["cues"].values() for item in items),
                           re.IGNORECASE),
        clause_break=re.compile(
            rf";|,\s+(?:{_words(config['clause_words_after_comma'] + config['clause_words'])})\b"
            rf"|\s+(?:{_words(config['clause_words'])})\s+|,\s+(?=\w+\s+(?:{_words(config['clause_reporting_verbs'])})\b)"
        ),
    )


def rules() -> Rules:
    return _rules(str(CONFIG), CONFIG.stat().st_mtime)


# -- sentences -----------------------------------------------------------------------------------
def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; a line break always ends one."""
    abbreviations = rules().abbreviations
    spans, start = [], 0
    for match in re.finditer(r"[.!?]+[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n\s*", text):
        before = re.search(r"([\w.]+)[.!?]+[\"”’')\]]*\s*$", text[start : match.start() + 1])
        if match.group().strip() and before and before.group(1).rstrip(".").lower() in abbreviations:
            continue
        end = match.start() + len(match.group().rstrip())
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# -- areas and dates -----------------------------------------------------------------------------
def areas(text: str) -> list[tuple[int, int, float]]:
    """(start, end, km²) of each area stated in the text."""
    found = []
    for pattern, factor in rules().areas:
        for m in pattern.finditer(text):
            value = float(re.sub(r"[,\s]", "", m.group("n")))
            value *= {"thousand": 1e3, "million": 1e6}.get((m.group("mult") or "").lower(), 1)
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
    return out


# -- parties -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    party: str | None  # None for a pronoun still to be resolved
    word: str = ""


def _party_mentions(sentence: str) -> list[Mention]:
    found = [Mention(m.start, m.end, m.party, m.text) for m in parties.registry().find(sentence)]
    # "Russian-occupied", "Ukrainian-held": the registry reads whole words, so compounds are split here.
    for m in re.finditer(r"\b([A-Z][\w'’]+)-(?=[a-z])", sentence):
        party = parties.party_of(m.group(1))
        if party and not any(f.start <= m.start() < f.end for f in found):
            found.append(Mention(m.start(), m.end(1), party, m.group(1)))
    known = rules()
    pronouns = known.previous_subject | known.speaker_pronouns
    for m in re.finditer(r"\b\w+\b", sentence):
        if m.group().lower() in pronouns and not any(f.start <= m.start() < f.end for f in found):
            found.append(Mention(m.start(), m.end(), None, m.group().lower()))
    return sorted(found, key=lambda f: f.start)


def _is_loser(sentence: str, mention: Mention) -> bool:
    return bool(rules().losers.search(sentence[: mention.start]))


def _resolve(mention: Mention, previous: str | None, speaker_party: str | None) -> str | None:
    if mention.party:
        return mention.party
    if mention.word in rules().speaker_pronouns:
        return speaker_party
    return previous


_PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being|has\s+been|have\s+been|had\s+been)\s+(?:\w+ly\s+)?$", re.I)


def _gainer(sentence: str, cue: Cue, mentions: list[Mention], previous: str | None, speaker: str | None) -> str | None:
    after = [m for m in mentions if m.start >= cue.end]
    if cue.gainer == "after":
        near = [m for m in after if m.start - cue.end <= 25 and m.party and not _names_a_locality(m)]
        return near[0].party if near else None
    # "Russian-occupied Crimea", "Moscow's offensive", "Ukrainian forces liberated": the party joined to the
    # cue is its agent.
    joined = _adjacent_party(sentence, cue.start, mentions)
    if joined:
        return joined
    nominal = re.search(r"(?:ation|ure|ion|sive)s?$", sentence[cue.start : cue.end], re.I)
    participle = re.match(r"[\w-]+(?:ed|en|wn|ook)\b", sentence[cue.start : cue.end], re.I)
    passive = participle and _PASSIVE.search(sentence[: cue.start])
    if participle or nominal:
        # "captured by the Russian armed forces", "annexation by Russia", "was liberated by Ukraine"
        reach = 12 if passive or nominal else 3
        agent = re.compile(r"^\s*(?:\S+\s+){0,%d}?by\s+(?:the\s+)?$" % reach, re.I)
        for m in after:
            if agent.search(sentence[cue.end : m.start]):
                return _resolve(m, previous, speaker)
        if passive:
            return None  # "our territories have been occupied": the subject lost the ground
    clause_start = 0
    for b in rules().clause_break.finditer(sentence[: cue.start]):
        clause_start = b.end()
    before = [m for m in mentions if clause_start <= m.start < cue.start and not _is_loser(sentence, m)]
    if not before:
        before = [m for m in mentions if m.start < cue.start and not _is_loser(sentence, m)]
    for m in before:
        party = _resolve(m, previous, speaker)
        if party:
            return party
    return None


def _is_passive(sentence: str, cue: Cue) -> bool:
    participle = re.match(r"[\w-]+(?:ed|en|wn|ook)\b", sentence[cue.start : cue.end], re.I)
    return bool(participle and _PASSIVE.search(sentence[: cue.start]))


def _names_a_locality(mention: Mention) -> bool:
    """'part of Kyiv' is about the city, not the state that Kyiv stands for in 'Kyiv said'."""
    place = places.resolve(mention.word) if mention.word else None
    return place is not None and place.type != "country"


def _adjacent_party(sentence: str, cue_start: int, mentions: list[Mention]) -> str | None:
    """The party written right before the cue: "Russian-occupied", "Moscow's offensive", "Russia captured"."""
    for m in mentions:
        gap = sentence[m.end : cue_start]
        if m.party and re.fullmatch(r"(?:'s|’s)?[\s-]", gap) and not _is_loser(sentence, m):
            return m.party
    return None


def _subject_party(sentence: str, mentions: list[Mention], previous: str | None, speaker: str | None) -> str | None:
    """The party a later "they" refers to: the first named, not losing, party of the sentence."""
    named = [m for m in mentions if m.party]
    for m in named or mentions:
        if not _is_loser(sentence, m):
            party = _resolve(m, previous, speaker)
            if party:
                return party
    return previous


# -- claims --------------------------------------------------------------------------------------
def _cues(sentence: str, mentions: list[Mention] | None = None) -> list[Cue]:
    """Claim cues in the sentence; where two overlap the longer wins ("de-occupy" over "occupy")."""
    known = rules()
    matches = [
        (m, claim, gainer, needs_place)
        for claim, pattern, gainer, needs_place in known.cues for m in pattern.finditer(sentence)
    ]
    matches.sort(key=lambda item: (-(item[0].end() - item[0].start()), item[0].start()))
    found: list[Cue] = []
    taken: list[tuple[int, int]] = []  # every cue considered, kept or not: "de-occupy" hides "occupy"
    for m, claim, gainer, needs_place in matches:
        before = sentence[: m.start()]
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        taken.append(m.span())
        if re.fullmatch(r"[\w-]+ed", m.group()) and known.attributive.search(before) \
                and not _adjacent_party(sentence, m.start(), mentions or []):
            continue
        intended = known.intent.search(before) or _CONJOINED_INTENT.search(before)
        if intended and not known.achieved.search(before):
            continue
        if claim == "captured" and _captures_people(sentence, m.start(), m.end()):
            continue
        found.append(Cue(claim, m.start(), m.end(), gainer, needs_place))
    return sorted(found, key=lambda c: c.start)


# "to drive out the invaders and liberate": the intention carries over to the second verb.
_CONJOINED_INTENT = re.compile(r"\bto\s+(?:[\w-]+\s+){1,5}and\s+$", re.IGNORECASE)


def _captures_people(sentence: str, start: int, end: int) -> bool:
    """'5 invaders were captured', 'captured two tanks': people or equipment, not ground."""
    before = re.search(r"((?:[\w-]+\s+){1,3})(?:is|are|was|were|been|being)\s+$", sentence[:start], re.I)
    near = before.group(1).split() if before else []
    near += re.findall(r"[\w-]+", sentence[end:])[:4]
    return any(rules().not_ground.fullmatch(word) for word in near)


def _distance(span: tuple[int, int], cue: Cue) -> int:
    return max(cue.start - span[1], span[0] - cue.end, 0)


def _claim_id(article_id: str, start: int, place: str, claim: str) -> str:
    return hashlib.sha1(f"{article_id}|{start}|{place}|{claim}".encode()).hexdigest()[:16]


def _statement_at(statements: pd.DataFrame, position: int) -> tuple[str, str | None]:
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


def extract(article: dict, statements: pd.DataFrame | None = None, doc=None) -> pd.DataFrame:
    """The article's territorial claims as a claims table (see analysis/tables.py). `doc` is the article's
    Doc from analysis.nlp.parse (accepted so the pipeline parses once; this extractor does not read it yet)."""
    text = str(article.get("text") or "")
    if not text.strip():
        return _EMPTY.copy()
    context = _Context(
        article_id=str(article.get("article_id") or ""), published=_published(article), statements=statements,
        # A document that is one person's statement (a press release, a speech) speaks as its author: "we".
        author_party=parties.party_of(str(article.get("author") or "")) if article.get("author") else None,
    )
    rows: list[dict] = []
    spans = sentences(text)
    candidates = rules().any_cue
    for index, (s_start, s_end) in enumerate(spans):
        sentence = text[s_start:s_end]
        # One combined pattern rules out most sentences before any party or place lookup.
        if not candidates.search(sentence) or _tells_history(sentence):
            continue
        mentions = _party_mentions(sentence)
        cues = _cues(sentence, mentions)
        if cues:
            previous = _previous_subject(text, spans, index, context)
            rows += _sentence_claims(sentence, s_start, s_end, cues, mentions, previous, context)
    if not rows:
        return _EMPTY.copy()
    frame = pd.DataFrame(rows).drop_duplicates("claim_id")
    return conform(frame, "claims")


@dataclass
class _Context:
    article_id: str
    published: dt.date | None
    statements: pd.DataFrame | None
    author_party: str | None


_EMPTY = empty("claims")


def _previous_subject(text: str, spans: list[tuple[int, int]], index: int, context: "_Context", reach: int = 3) -> str | None:
    """The party a "they" at the start of sentence `index` refers to: the first named, not losing, party
    of the nearest earlier sentence that names one."""
    for s_start, s_end in reversed(spans[max(0, index - reach) : index]):
        sentence = text[s_start:s_end]
        _, speaker = _statement_at(context.statements, s_start)
        party = _subject_party(sentence, _party_mentions(sentence), None, speaker or context.author_party)
        if party:
            return party
    return None


def _tells_history(sentence: str) -> bool:
    years = [int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", sentence)]
    return any(y < rules().earliest_year for y in years) or bool(rules().history.search(sentence))


def _oblast_lists(sentence: str) -> dict[int, places.Place]:
    """Names listed before "regions"/"oblasts" are oblasts: "Donetsk, Luhansk and Kherson regions"."""
    out = {}
    for m in rules().region_list.finditer(sentence):
        for name in re.finditer(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?", m.group(1)):
            oblast = places.resolve(f"{name.group()} region")
            if oblast is not None and oblast.type in ("oblast", "region"):
                out[m.start(1) + name.start()] = oblast
    return out


def _sentence_claims(sentence, s_start, s_end, cues, mentions, previous, context: _Context) -> list[dict]:
    known = rules()
    gainers = {}
    for cue in cues:
        statement_id, speaker = _statement_at(context.statements, s_start + cue.start)
        speaker = speaker or (context.author_party if not statement_id else None)
        gainers[cue] = (_gainer(sentence, cue, mentions, previous, speaker), statement_id)
    # A "gainer: after" cue with no party after it ("part of Kharkiv region") is no claim.
    cues = [c for c in cues if not (c.gainer == "after" and gainers[c][0] is None)]
    if not cues:
        return []
    party_spans = [(m.start, m.end) for m in mentions if m.party]
    as_oblast = _oblast_lists(sentence)
    found_places = []
    for start, end, place in places.find(sentence):
        if place is None:
            continue
        overlaps_party = any(p0 < end and start < p1 for p0, p1 in party_spans)
        # "Kyiv" and "Russia" are parties when they act; as places they follow a preposition or the cue.
        if overlaps_party and not _LOCATIVE.search(sentence[:start]) and not any(0 <= start - c.end <= 2 for c in cues):
            continue
        found_places.append((start, end, as_oblast.get(start, place)))
    dates = stated_dates(sentence, context.published)
    fallback_date = context.published.isoformat() if context.published else ""
    by_cue: dict[Cue, list] = {c: [] for c in cues}
    for span in found_places:
        nearest = min(cues, key=lambda c: _distance(span[:2], c))
        if _distance(span[:2], nearest) > known.window:
            continue
        if span[2].type == "country" and places.gazetteer().resolve(gainers[nearest][0] or "") == span[2]:
            continue  # "part of Russia": the gainer, not the place
        by_cue[nearest].append(span)
    for cue in cues:
        # "Russia annexed Crimea": an active cue's places follow it; the ones before it belong to other
        # words of the sentence. A passive cue's come first ("Izium ... has been reclaimed").
        if any(start >= cue.end for start, _, _ in by_cue[cue]) and not _is_passive(sentence, cue):
            by_cue[cue] = [span for span in by_cue[cue] if span[0] >= cue.end]
    area_by_cue: dict[Cue, list[float]] = {c: [] for c in cues}
    for a_start, a_end, km2 in areas(sentence):
        area_by_cue[min(cues, key=lambda c: _distance((a_start, a_end), c))].append(km2)
    rows = []
    evidence = sentence.strip()
    for cue in cues:
        party, statement_id = gainers[cue]
        here, km2 = by_cue[cue], area_by_cue[cue]
        area = km2[0] if km2 else None
        if cue.needs_place and not any(
            start >= cue.end and re.fullmatch(r"\s*(?:the\s+)?", sentence[cue.end : start], re.I)
            for start, _, _ in here
        ):
            continue
        if not here and area is None and not _territory_near(sentence, cue):
            continue
        date = min(dates, key=lambda d: abs(d[0] - cue.start))[1] if dates else fallback_date
        base = {
            "article_id": context.article_id, "statement_id": statement_id, "party": party or UNKNOWN,
            "claim": cue.claim, "date": date, "evidence": evidence, "start": s_start, "end": s_end,
        }
        if not here or (len(here) > 1 and area is not None):
            rows.append({**base, "claim_id": _claim_id(context.article_id, s_start, "", cue.claim), "place": "",
                         "place_type": "", "lat": None, "lon": None, "area_km2": area})
        seen = set()
        for _, _, place in here:
            if place.name in seen:
                continue
            seen.add(place.name)
            rows.append({
                **base, "claim_id": _claim_id(context.article_id, s_start, place.name, cue.claim),
                "place": place.name, "place_type": place.type, "lat": place.lat, "lon": place.lon,
                "area_km2": area if len(here) == 1 else None,
            })
    return rows


_LOCATIVE = re.compile(r"\b(?:in|of|near|around|towards?|into|on|at|to|for|outside)\s+(?:the\s+)?$", re.I)


def _territory_near(sentence: str, cue: Cue) -> bool:
    window = rules().window
    return any(
        _distance(m.span(), cue) <= window for m in rules().territory.finditer(sentence)
    )


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
