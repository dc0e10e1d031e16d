"""Who said it: a mention ("he", "the President", "Zelensky", "Kyiv and the West") → canonical speaker + party.

One `SpeakerBook` follows an article from top to bottom. It remembers the named speakers and people seen
so far, so that a pronoun or a bare title resolves to the last compatible named speaker, and a surname
("Smith") to the full name the article introduced earlier ("John Smith").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from analysis import cues as cue_words
from analysis import places
from analysis.claim_rules import rules as claim_rules
from analysis.people import THING
from analysis.parties import UNKNOWN, Person, Registry, registry



def _pronouns(kind: str) -> frozenset[str]:
    """Pronouns of a kind (male, female, plural, first_person, group) from config/<language>/cues.yaml."""
    return cue_words.load().pronouns.get(kind, frozenset())


@lru_cache(maxsize=4)
def _leading(words: frozenset[str]) -> re.Pattern:
    return re.compile(rf"^(?:{'|'.join(sorted(map(re.escape, words))) or '(?!x)x'})\s+", re.IGNORECASE)


def _strip_determiner(text: str) -> str:
    return _leading(cue_words.load().determiners).sub("", text)


def _definite(text: str) -> bool:
    return bool(_leading(cue_words.load().definite).match(text))

_POSSESSIVE = re.compile(r"['\u2019]s?$")


@dataclass(frozen=True)
class Speaker:
    name: str  # canonical speaker, or empty when the mention could not be resolved
    mention: str  # the words in the article
    party: str  # a party of config/parties.yaml, or "Unknown"
    person: bool = False  # a person (for pronouns), not an institution or a country
    gender: str = ""
    roles: tuple[str, ...] = ()
    country: str = ""  # the state a person Parley does not know was introduced with ("President of Latvia …")


@dataclass
class SpeakerBook:
    """Speakers of one article, in reading order."""

    published: str = ""
    author: str = ""
    host: str = ""  # who speaks for the site the article comes from (the President on their own site)
    home: str = ""  # the party of that site: people it names without any side are most likely its own
    reg: Registry = field(default_factory=registry)
    named: list[Speaker] = field(default_factory=list)  # resolved named speakers, latest last
    seen: list[Speaker] = field(default_factory=list)  # people the article names anywhere, latest last
    group: list[Speaker] = field(default_factory=list)  # the last people named together ("A and B met …")
    things: list[Speaker] = field(default_factory=list)  # states and institutions named, speakers or not
    _thing_last: bool = False  # whether a state or institution was named after the last person
    full_names: dict[str, str] = field(default_factory=dict)  # surname → full name seen in the article
    title: str = ""  # the article's title, which may name in full whom the text names by surname alone

    # -- people the article names (speakers or not), so surnames resolve ---------------------------------
    def saw_person(self, name: str) -> None:
        words = _strip_determiner(clean(name)).split()  # ("The Adviser" is a title, no name)
        words = words[_title_length(words, self.reg):]  # "President Rahmat Suryadi" is Rahmat Suryadi
        if len(words) >= 2 and all(w[:1].isupper() for w in words):
            full = " ".join(words)
            self.full_names.setdefault(words[-1], full)

    def mentioned(self, name: str, context: str = "") -> None:
        """A person named anywhere (not only as a subject): one of those "the parties" or "both leaders" may
        be. `context` is the title before the name ("President of Latvia"): their party and role."""
        if context == THING:
            self._thing(name)
            return
        self.saw_person(name)
        words = clean(name).split()
        if self.reg.state(name) or (len(words) < 2 and self.reg.person(name) is None):
            return  # spaCy's PERSON is sometimes a place ("Kiev", "Donbass") or a lone word
        speaker = self._named(name, context + " " + name if context else name, context)
        if speaker.person:
            self._thing_last = False
            self.seen.append(Speaker(speaker.name, name, speaker.party, True, speaker.gender,
                                     speaker.roles or _title_roles(context, self.reg)))

    # -- resolution -----------------------------------------------------------------------------------
    def resolve(self, mention: str, context: str = "", persons: list[str] | None = None) -> list[Speaker]:
        """Speakers named by `mention`, one per party ("Kyiv and the West" gives two).

        `context` is a longer phrase around the mention (its appositions and clauses: "John Doe, a
        Ukrainian soldier"), searched for a party when the mention alone names none; `persons` are the
        person names spaCy found in the mention.
        """
        mention = clean(mention)
        if not mention:
            return []
        joint = self._joint(mention)
        if joint:
            return joint
        if mention.lower() in _pronouns("group") and len(self.group) > 1 and self.named and self.named[-1] in self.group:
            return [_again(s, mention) for s in self.group]  # "Blinken and Austin met … They stressed …"
        parts = split_coordination(mention)
        if len(parts) > 1 and not any(" and " in m.text for m in self.reg.find(mention)):
            out: dict[str, Speaker] = {}
            for part in parts:
                for speaker in self.resolve(part):
                    # one speaker per person, or per party for states and institutions
                    out.setdefault(speaker.name if speaker.person else speaker.party, speaker)
            known = [s for s in out.values() if s.party != UNKNOWN]
            first = self.resolve(parts[0]) if re.match(re.escape(parts[0]) + r"\s*,", mention) else []
            if first and first[0].person:
                # "Mykhailo Podolyak, Adviser to the Head of the Office and a member of the delegation": the titles
                # set off after a person are that person's, not speakers of their own
                known = [s for s in known if s.person or not _titled(s.mention, self.reg)]
            if known:
                people = [s for s in known if s.person]
                self.group = people if len(people) > 1 else []
                return known
        speaker = self._resolve_one(mention, context, persons or [])
        if speaker.name and (speaker.person or speaker.party != UNKNOWN):
            self.named.append(speaker)
            if speaker.person:
                self.seen.append(speaker)
            else:
                self.things.append(speaker)
            self._thing_last = not speaker.person
        return [speaker]

    def _joint(self, mention: str) -> list[Speaker]:
        """"The parties", "both leaders", "the Presidents of Russia and Turkey": everyone the article has
        just named on each side, one speaker each (the readout of a call speaks for both callers)."""
        words = _strip_determiner(mention.lower())
        head = re.split(r"\s+of\s+", words)[0].split()
        if not head or not (head[-1] in self.reg.joint_words or head[0] in self.reg.joint_words):
            return []
        named = self.reg.parties_in(mention)
        people = [s for s in reversed(self.seen) if s.person]
        out: list[Speaker] = []
        if named and head[-1] not in self.reg.joint_words:
            return []  # "both Russia and Ukraine": the states themselves, as any coordination
        if named:
            for party in named:
                person = next((s for s in people if s.party == party), None)
                out.append(_again(person, mention) if person else Speaker(party, mention, party))
            return out if len(out) > 1 else []
        # People with a title first: a leader or minister is who meets or calls, and a name the parser took
        # for a person ("International Student Mobility" of a scholarship's name) has none.
        titled = [s for s in people if set(s.roles) & (self.reg.roles | {"leader"})]
        if self.host and all(s.name != self.host for s in people):
            # the readout on a leader's own site need not name them ("… informed Vladimir Putin …" or not at all)
            people.append(self._named(self.host, self.host))
        for candidates in (titled, people):
            out = []
            for person in candidates:
                if all(person.name != o.name for o in out) and (not out or person.party != out[0].party):
                    out.append(_again(person, mention))
                if len(out) == 2:
                    order = [s.name for s in self.seen]
                    # in the order the article named them (the site's own leader, if never named, first)
                    return sorted(out, key=lambda s: order.index(s.name) if s.name in order else -1)
        return []

    def _resolve_one(self, mention: str, context: str, persons: list[str]) -> Speaker:
        if mention.isupper() and len(mention) > 3:
            # transcripts print speakers in capitals ("PRESIDENT DONALD TRUMP"); names match as written
            mention = " ".join(w.capitalize() if w.isalpha() else w.title() for w in mention.split())
            persons = [" ".join(w.capitalize() for w in p.split()) for p in persons]
        lowered = mention.lower()
        if lowered in _pronouns("male") | _pronouns("female"):
            return self._pronoun(mention, "m" if lowered in _pronouns("male") else "f")
        if lowered in _pronouns("first_person") and (self.author or self.host):
            return self._named(self.author or self.host, mention)
        if lowered in _pronouns("plural"):
            return self._plural(mention)
        person = self.reg.person(mention, self.published)
        if person and persons and not any(_same_surname(p, (person.name, *person.variants)) for p in persons):
            person = None  # "the Russian-installed mayor of Melitopol, Halyna Danylchenko": not the title's holder
        if person:
            return _from_person(person, mention)
        state = self.reg.state(mention)
        if state:
            # "Kyiv", "the Russian side": the state acting as a whole ("Warsaw" is Poland, of the party Other)
            return Speaker(self.reg.country_of(mention) or state, mention, state)
        earlier = self._by_role(mention)
        names = [p for p in persons if len(p.split()) >= 2]  # (spaCy takes a lone "Adviser" for a person)
        if earlier is not None and not (names and not any(_same_surname(p, (earlier.name,)) for p in names)):
            return earlier  # (not when the mention names someone else: "the mayor of Mariupol Vadym Boychenko")
        holders = self.reg.title_holders(mention)
        if holders:
            # A title held in turn ("Ukrainian Foreign Minister"): whoever of them the article named.
            for earlier in reversed(self.named):
                if any(h.name == earlier.name for h in holders):
                    return Speaker(earlier.name, mention, earlier.party, True, earlier.gender, earlier.roles)
        if persons:
            return self._named(_full_name(persons[0], mention), mention, context)
        trailing = _trailing_name(mention, self.reg)
        if trailing:
            return self._named(trailing, mention, context)  # "President of the Republic of Latvia Egils Levits"
        party = self.reg.party_of(mention)
        if party:
            name = _institution(mention)
            return Speaker(party if _institution(party).lower() == name.lower() else name, mention, party)
        if _looks_like_name(mention):
            return self._named(mention, mention, context)
        if clean(mention) in self.full_names:  # "Boychenko" of "Vadym Boychenko", named anywhere in the article
            return self._named(clean(mention), mention, context)
        office = self._office(mention, context)
        if office is not None:
            return office
        party = self.reg.party_of(context) if context else None
        return Speaker("", mention, party or UNKNOWN)

    def _office(self, mention: str, context: str) -> Speaker | None:
        """"The Minister of Infrastructure noted …", "the regional head said …": an office holder the article
        never names. The office is the speaker, of the side its words name, else of the site's own side."""
        title = _strip_determiner(clean(mention))
        if not _definite(clean(mention)) or not title or len(title.split()) > 8:
            return None
        roles = _title_roles(title, self.reg)
        if not any(r in self.reg.roles for r in roles[1:]):
            return None
        party = self.reg.party_of(mention) or (self.reg.party_of(context) if context else None) \
            or _office_of_place(title, self.reg) or self.home
        return Speaker(title[:1].upper() + title[1:], mention, party or UNKNOWN, True, "", roles)

    def start_with_author(self, title_people: list[tuple[str, str]] = ()) -> None:
        """A document by its speaker, or on its speaker's own site: "the President" or "I" may be them.
        `title_people` (name, title before it) are those the article's title names ("Telephone conversation
        with President of Kazakhstan Kassym-Jomart Tokayev"): the text may name them by title alone."""
        self.author = re.sub(r"\s*\([^()]*\)?\s*$", "", self.author).strip()  # "G7 leaders (joint statement)"
        for name, title in title_people:
            self.mentioned(name, title)
        if self.author or self.host:
            speaker = self._named(self.author or self.host, self.author or self.host)
            self.named.append(speaker)

    def _by_role(self, mention: str) -> Speaker | None:
        """"The President", "the Adviser", "the Polish leader": the last person named before who holds that
        role (and belongs to the party the mention names, if it names one)."""
        if not _definite(clean(mention)):
            return None  # "a spokesman" is someone new; "the spokesman" was named before
        role = _role_of(mention)
        if not role:
            return None
        party = self.reg.party_of(mention)
        country = self.reg.country_of(mention)
        bare = " ".join(w for w in role.split() if self.reg.party_of(w) is None)
        if country:
            # "the President of the Republic of Poland": with the country to tell them apart, the head noun will do
            bare = re.split(r"\s+(?:of|for)\s+", bare)[0].strip()
        for earlier in [*reversed(self.named), *reversed(self.seen)]:
            if not earlier.person or (party and earlier.party != party):
                continue
            if country and earlier.country and earlier.country != country:
                continue
            if any(_same_role(role, r) or (bare and _same_role(bare, r)) for r in earlier.roles):
                return _again(earlier, mention)
        return None

    def _named(self, name: str, mention: str, context: str = "") -> Speaker:
        name = self._whole_name(clean(name))
        self.saw_person(name)
        person = self.reg.person(name, self.published)
        if person:
            return _from_person(person, mention)
        # A person Parley does not know: their party may show in the apposition ("a Ukrainian soldier").
        title = re.sub(re.escape(name) + r"\W*$", "", clean(mention)) if mention != name else ""
        party = self.reg.party_of(mention) or (self.reg.party_of(context) if context else None) \
            or _office_of_place(title, self.reg)
        earlier = next((s for s in [*reversed(self.named), *reversed(self.seen)] if s.name == name), None)
        if earlier and not party and earlier.party != UNKNOWN:
            party = earlier.party
        roles = _title_roles(title, self.reg) or (earlier.roles if earlier else ())
        country = self.reg.country_of(mention) or (self.reg.country_of(context) if context else "") \
            or (earlier.country if earlier else "")
        return Speaker(name, mention, party or self.home or UNKNOWN, True, earlier.gender if earlier else "", roles,
                       country)

    def _whole_name(self, name: str) -> str:
        """The fullest form of a person's name the article gives. "President Widodo" and "Widodo" after
        "Joko Widodo" are him; a surname the text gives alone may be in full in the title (the turns "BOAK:"
        of "Interview with Josh Boak of …"). A title or surname the article never completes stays as it is."""
        words = name.split()
        bare = words[_title_length(words, self.reg):]
        if not bare:
            return name
        if len(bare) > 1:
            return " ".join(bare)
        if bare[0] in self.full_names:
            return self.full_names[bare[0]]
        if self.title:
            whole = _full_name(bare[0], self.title).split()
            whole = whole[_title_length(whole, self.reg):]
            if len(whole) > 1:
                return " ".join(whole)
        return name

    def acted(self, name: str) -> None:
        """A person named acting as a subject: whom "he" refers to next. A title ("the President of Russia
        provided an explanation") counts only when it is someone the article named before."""
        if _definite(clean(name)) and _role_of(name):
            person = self.reg.person(name, self.published)
            earlier = _from_person(person, name) if person else self._by_role(name)
            if earlier is not None:
                self.named.append(earlier)
            return
        self.resolve(name, persons=[name])

    def sender(self) -> Speaker:
        """Who wrote the text the article quotes ("The message reads: …"): the person last named acting
        (the site's own leader is named first)."""
        earlier = next((s for s in reversed(self.named) if s.person), None)
        return _again(earlier, "") if earlier else Speaker("", "", UNKNOWN)

    def _pronoun(self, mention: str, gender: str) -> Speaker:
        for earlier in reversed(self.named):
            if earlier.person and earlier.gender in ("", gender):
                return Speaker(earlier.name, mention, earlier.party, True, earlier.gender or gender, earlier.roles)
        if self.author:
            return self._named(self.author, mention)
        return Speaker("", mention, UNKNOWN, True, gender)

    def _thing(self, name: str) -> None:
        """A state or institution named anywhere ("Russian troops", "the Kremlin"): a later "they" may be it."""
        person = self.reg.person(name, self.published)
        if person is not None and not person.body:
            return
        party = self.reg.party_of(name)
        if party:
            canonical = person.name if person else (self.reg.country_of(name) or party)
            self.things.append(Speaker(canonical, name, party))
            self._thing_last = True

    def _plural(self, mention: str) -> Speaker:
        # the state or institution named last, as a speaker or anywhere in the text, unless people were
        # named after it (then "they" are people the article did not name as a group)
        earlier = self.things[-1] if self.things else None
        if earlier is not None and self._thing_last:
            return Speaker(earlier.name, mention, earlier.party)
        return Speaker("", mention, UNKNOWN)


def _from_person(person: Person, mention: str) -> Speaker:
    return Speaker(person.name, mention, person.party, not person.body, person.gender, person.roles)


def _same_surname(name: str, names) -> bool:
    """Whether a person's name ends in a word of one of `names` ("Halyna Danylchenko" is not "Ivan Fedorov")."""
    surname = name.split()[-1].lower() if name.split() else ""
    return any(surname in n.lower().split() for n in names)


def _office_of_place(title: str, reg: Registry) -> str | None:
    """"Chernihiv's governor", "the mayor of Bakhmut": an office of a city, town or oblast the gazetteer maps
    is of the side whose land it maps (a side the title names, "Russian-installed", was read before)."""
    if not title or not _title_roles(title, reg)[1:]:
        return None
    words = [_POSSESSIVE.sub("", w) for w in re.findall(r"[\w'\u2019-]+", title)]
    for size in (3, 2, 1):  # "Mariupol Mayor": Mariupol; "Kherson Oblast governor": Kherson Oblast
        for i in range(len(words) - size + 1):
            span = words[i : i + size]
            if not all(w[:1].isupper() for w in span):
                continue
            place = places.resolve(" ".join(span))
            if place is not None and place.type in ("city", "town", "oblast"):
                return claim_rules().owner
    return None


def _title_roles(title: str, reg: Registry) -> tuple[str, ...]:
    """The roles a title gives a person Parley does not know ("President of the Republic of Latvia" →
    that title, "president", and "leader" for a head of state or government), so that "the President of
    the Republic of Latvia" or "the Latvian leader" later finds them."""
    title = _strip_determiner(clean(title)).lower().strip(" ,")
    if not title or len(title.split()) > 10:
        return ()
    roles = [title] + [r for r in sorted(reg.roles) if re.search(rf"\b{re.escape(r)}\b", title)]
    if any(re.search(rf"\b{re.escape(r)}\b", title) for r in reg.leader_titles):
        roles.append("leader")
    return tuple(dict.fromkeys(roles))


def _again(earlier: Speaker, mention: str) -> Speaker:
    """A speaker named before, referred to again by `mention`."""
    return Speaker(earlier.name, mention, earlier.party, earlier.person, earlier.gender, earlier.roles,
                   earlier.country)


def _full_name(found: str, mention: str) -> str:
    """spaCy's PERSON can be the surname alone ("Karis") inside "President … Alar Karis": take the name whole."""
    found = clean(found)
    match = re.search(rf"((?:[A-Z][\w'\u2019.-]*\s+){{1,2}}){re.escape(found)}\b", mention)
    if len(found.split()) == 1 and match:
        words = match.group(0).split()
        while len(words) > 2:
            words = words[1:]
        if all(w[:1].isupper() for w in words) and not any(w.lower() in cue_words.load().name_particles for w in words):
            return " ".join(words)
    return found


def _title_length(words: list[str], reg: Registry) -> int:
    """How many of `words` open them as a title or form of address before a name ("President", "Prime
    Minister", "Mr."): 0 unless a capitalised word that may be the name follows."""
    cues = cue_words.load()
    titles = reg.roles | reg.leader_titles | cues.honorifics
    k = 0
    while k < len(words) - 1:
        step = next((n for n in (3, 2, 1) if k + n < len(words)
                     and " ".join(words[k:k + n]).lower().rstrip(".") in titles), 0)
        nxt = words[k + step] if step else ""
        if not step or not nxt[:1].isupper() or nxt.lower() in cues.name_particles:
            break
        k += step
    return k


def _trailing_name(mention: str, reg: Registry) -> str:
    """The name after a title ("President of the Republic of Latvia Egils Levits" → "Egils Levits"): the
    capitalised words that end the mention, after the last word that names a state or institution."""
    words = clean(mention).split()
    taken: list[str] = []
    for word in reversed(words):
        if not word[:1].isupper() or reg.party_of(word) or word.lower() in cue_words.load().name_particles:
            break
        taken.insert(0, word)
    if 2 <= len(taken) <= 3 and len(taken) < len(words):
        return " ".join(taken)
    return ""


def _titled(mention: str, reg: Registry) -> bool:
    """Whether a mention is a title ("Adviser to the Head of the Office", "a senior official"): it opens with a
    role (after its article and adjectives), names no one."""
    words = _strip_determiner(clean(mention)).lower().split()
    for k in range(min(3, len(words))):
        head = " ".join(words[k:])
        if any(head == r or head.startswith(r + " ") for r in reg.roles):
            return True
    return False


def _same_role(role: str, held: str) -> bool:
    return role == held or role.endswith(" " + held) or held.endswith(role)


def clean(mention: str) -> str:
    """The mention without surrounding punctuation, possessive ending or leading article."""
    text = re.sub(r"\s+", " ", (mention or "").replace("\u2019", "'")).strip(" ,.;:-–—\"'()“”‘’")
    return _POSSESSIVE.sub("", text).strip()


def split_coordination(mention: str) -> list[str]:
    """ "Kyiv and the West" → ["Kyiv", "the West"]; a single name comes back whole."""
    if not re.search(r"\b(?:and|or)\b|&", mention):
        return [mention]
    parts = re.split(r"\s*(?:,\s*(?:and|or)?|\band\b|\bor\b|&)\s*", mention)
    parts = [p for p in (clean(p) for p in parts) if p]
    return parts if len(parts) > 1 else [mention]


def _institution(mention: str) -> str:
    """How an institution or country is named as a speaker: without its article ("the Kremlin" → "Kremlin")."""
    return _strip_determiner(clean(mention))


def _role_of(mention: str) -> str:
    words = _strip_determiner(clean(mention)).lower()
    if len(words.split()) > 3:
        # "the Adviser to the Head of the Office": the role is the head noun before the title goes on
        joins = "|".join(sorted(map(re.escape, cue_words.load().title_prepositions))) or "(?!x)x"
        words = re.split(rf"\s+(?:{joins})\s+", words)[0]
    return words if words and len(words.split()) <= 3 else ""


def _looks_like_name(mention: str) -> bool:
    words = mention.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words)

