"""The offline gazetteer: place-name variants → canonical name, type, coordinates and oblast.

config/places.csv (built by scripts/build_gazetteer.py from GeoNames, KATOTTG and Natural Earth) holds one
row per place with its spelling variants; config/oblasts.geojson holds the admin-1 boundaries. Names are
matched on a spelling-tolerant key, so Izium/Izyum/Izjum, Kupiansk/Kup'yans'k and Kharkiv/Kharkov's
alternates all meet. No network is used.
"""
from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from analysis import watched

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
PLACES_FILE = CONFIG_DIR / "places.csv"
BOUNDARIES_FILE = CONFIG_DIR / "oblasts.geojson"
SETTINGS_FILE = CONFIG_DIR / "gazetteer.yaml"

# Admin units outrank settlements of the same name only when written with their suffix ("Kherson region");
# among settlements the larger wins unless the text names the oblast.
_TYPE_RANK = {"country": 0, "region": 1, "oblast": 1, "city": 2, "town": 3, "village": 4}
_APOSTROPHES = re.compile(r"['’ʼʹ`´‘]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
FIRST_WORD_POPULATION = 10000


@dataclass(frozen=True)
class Place:
    name: str
    type: str
    lat: float
    lon: float
    oblast: str
    population: int = 0
    # "settlement": the place's own point; "hromada"/"raion": a register village GeoNames lacks, placed at
    # the centre of its community's (or district's) known settlements; "centroid": an admin unit's centre.
    precision: str = "settlement"


@lru_cache(maxsize=200_000)
def match_key(name: str) -> str:
    """A spelling-tolerant key: case, diacritics, apostrophes, soft signs and i/y/j spellings folded."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text).strip()
    text = text.replace("j", "i").replace("y", "i")
    text = re.sub(r"(.)\1+", r"\1", text)  # Zaporizhzhia/Zaporizhzhya, Kupyansk/Kupiansk
    text = re.sub(r"\bie", "e", text).replace("ie", "e")  # Yevpatoria / Evpatoriya
    text = re.sub(r"i(?=[aeou])", "", text)  # Kupiansk/Kupansk, Izium/Izum, Khotimlya/Khotimla
    return text


class Gazetteer:
    """Places loaded from the compact CSV, indexed by match key."""

    def __init__(self, places_file: Path = PLACES_FILE, settings_file: Path = SETTINGS_FILE):
        self.places: list[Place] = []
        self._index: dict[str, list[int]] = {}
        settings = yaml.safe_load(settings_file.read_text(encoding="utf-8")) if settings_file.exists() else {}
        self.not_places = {match_key(w) for w in settings.get("not_places", [])}
        words = settings.get("words") or {}
        articles = "|".join(re.escape(str(w)) for w in words.get("articles") or [])
        self._article = re.compile(rf"^(?:{articles})\s+", re.I) if articles else None
        joiners = "|".join(re.escape(str(w)) for w in words.get("joiners") or [])
        self._joiners = re.compile(rf"\s+(?:{joiners})\s+|,\s*" if joiners else r",\s*")
        self.region_word = str(words.get("region") or "")
        with open(places_file, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                place = Place(
                    # News spelling drops the soft sign's apostrophe (Novoazovsk, not Novoazovs'k); the
                    # written form stays a variant
                    name=_APOSTROPHES.sub("", row["name"]), type=row["type"], lat=float(row["lat"]), lon=float(row["lon"]),
                    oblast=row["oblast"], population=int(row["population"] or 0),
                    precision=row.get("precision") or "settlement",
                )
                position = len(self.places)
                self.places.append(place)
                for variant in {row["name"], *filter(None, row["variants"].split("|"))}:
                    key = match_key(variant)
                    if key:
                        self._index.setdefault(key, []).append(position)
        self.longest = max((len(k.split()) for k in self._index), default=1)

    def candidates(self, mention: str) -> list[Place]:
        key = match_key(mention)
        if not key or key in self.not_places:
            return []
        return [self.places[i] for i in self._index.get(key, [])]

    def resolve(self, mention: str, oblast: str | None = None) -> Place | None:
        """The place a mention names; `oblast` (a hint from the context) settles ambiguous names.

        Wikipedia-style qualifiers are read as context: "Novoselivka, Pokrovsk Raion", "Spirne (village)",
        "Zaitseve (village in Bakhmut Raion, Donetsk Oblast)".
        """
        text = self._article.sub("", mention.strip()) if self._article else mention.strip()
        found = self.candidates(text)
        if not found:
            qualifier = re.search(r"\s*(?:\((.*)\)|,\s*(.*))$", text)
            if qualifier:
                text = text[: qualifier.start()]
                context = qualifier.group(1) or qualifier.group(2) or ""
                found = self.candidates(text)
                if not oblast and self.resolve_oblast(context):
                    oblast = context
        if not found:
            return None
        if oblast:
            hint = self.resolve_oblast(oblast)
            inside = [p for p in found if hint and p.oblast in hint]
            if inside:
                found = inside
        # A place's own name beats a stray variant of another (GeoNames lists "Slov'iansk" under Nikopol),
        # unless the other is far larger: a city's former name (Krasnyi Lyman) outweighs a hamlet's name.
        own = match_key(text)
        named = [p for p in found if match_key(p.name) == own]
        others = [p for p in found if match_key(p.name) != own]
        biggest = max((p.population for p in others), default=0)
        if named and others and biggest > 10 * max(p.population for p in named) and biggest >= FIRST_WORD_POPULATION:
            named = []
        return min(named or found, key=_preference)

    def resolve_oblast(self, mention: str) -> set[str]:
        """Admin-1 names a mention such as "Kharkiv Oblast" or "Kyiv Oblast and Kyiv" stands for."""
        names: set[str] = set()
        for part in self._joiners.split(mention):
            regional = self.candidates(f"{part} {self.region_word}") if self.region_word else []
            for place in self.candidates(part) + regional:
                if place.type in ("oblast", "region") and place.oblast:
                    names.add(place.oblast)
                elif place.type == "city" and place.oblast.endswith("City"):
                    names.add(place.oblast)
        return names

    def find(self, text: str) -> list[tuple[int, int, Place]]:
        """Place mentions in a text: (start, end, place), longest match first, left to right.

        A mention starts with a capital letter; it may run on into lower-case suffixes ("Kherson region").
        """
        tokens = list(re.finditer(r"[^\W\d_][\w'’ʼ-]*\w|[^\W\d_]", text))
        found, i = [], 0
        while i < len(tokens):
            if not tokens[i].group()[0].isupper():
                i += 1
                continue
            hit = None
            for n in range(min(self.longest, len(tokens) - i), 0, -1):
                gaps = (text[tokens[k].end():tokens[k + 1].start()] for k in range(i, i + n - 1))
                if not all(re.fullmatch(r"[ \t-]+", gap) for gap in gaps):
                    continue
                start, end = tokens[i].start(), tokens[i + n - 1].end()
                mention = text[start:end]
                places = self.candidates(mention)
                first_word = not text[:start].strip(" \t\"“‘(") or text[:start].rstrip().endswith((".", "!", "?", "\n"))
                if places and n == 1 and first_word and _minor(self.resolve(mention)):
                    # A sentence's first word is capitalised whatever it is ("Many" ~ the village Mani,
                    # "Step by step" ~ the village Step): there only a sizeable place counts.
                    places = []
                if places:
                    hit = (start, end, self.resolve(mention), n)
                    break
            if hit:
                found.append(hit[:3])
                i += hit[3]
            else:
                i += 1
        return found


def _minor(place: Place) -> bool:
    return place.type in ("village", "town") and place.population < FIRST_WORD_POPULATION


def _preference(place: Place) -> tuple:
    admin = place.type in ("country", "region", "oblast")
    return (not admin, place.precision != "settlement", _TYPE_RANK.get(place.type, 9), -place.population)


def gazetteer() -> Gazetteer:
    """The gazetteer, re-read when its files change (an edit must not leave a stale one in a running app)."""
    return _gazetteer(*(watched.mtime_ns(path) for path in (PLACES_FILE, SETTINGS_FILE)))


@lru_cache(maxsize=1)
def _gazetteer(*stamps: int) -> Gazetteer:
    return Gazetteer()


def precision_of(name: str, lat: float, lon: float) -> str:
    """How exact a stored place's point is ("settlement", "hromada", "raion" or "centroid")."""
    for place in gazetteer().candidates(name):
        if place.name == name and abs(place.lat - lat) < 1e-4 and abs(place.lon - lon) < 1e-4:
            return place.precision
    return "settlement"


def resolve(mention: str, oblast: str | None = None) -> Place | None:
    return gazetteer().resolve(mention, oblast)


def find(text: str) -> list[tuple[int, int, Place]]:
    return gazetteer().find(text)


# -- boundaries ------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def boundaries() -> dict:
    """The admin-1 boundaries as a GeoJSON FeatureCollection (feature id = canonical oblast name)."""
    return json.loads(BOUNDARIES_FILE.read_text(encoding="utf-8"))


def _in_ring(lon: float, lat: float, ring: list) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _in_polygon(lon: float, lat: float, rings: list) -> bool:
    return _in_ring(lon, lat, rings[0]) and not any(_in_ring(lon, lat, hole) for hole in rings[1:])


def polygons(feature: dict) -> list:
    geometry = feature["geometry"]
    return geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]


def _segment_distance(px: float, py: float, a: list, b: list) -> float:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


def oblast_at(lat: float, lon: float, tolerance: float = 0.1) -> str | None:
    """The admin-1 unit a point lies in, from the bundled boundaries.

    The boundaries are simplified to about 1 km, so a harbour or river-bank town can fall just outside the
    coastline: such a point gets the nearest unit within `tolerance` degrees; farther out, None.
    """
    features = boundaries()["features"]
    for feature in features:
        if any(_in_polygon(lon, lat, rings) for rings in polygons(feature)):
            return feature["properties"]["name"]
    best, nearest = tolerance, None
    for feature in features:
        for rings in polygons(feature):
            ring = rings[0]
            for a, b in zip(ring, ring[1:]):
                if abs(a[0] - lon) > best + 1 or abs(a[1] - lat) > best + 1:
                    continue
                distance = _segment_distance(lon, lat, a, b)
                if distance < best:
                    best, nearest = distance, feature["properties"]["name"]
    return nearest
