"""The offline gazetteer: spellings, admin units, context hints and the bundled boundaries."""
import pytest

from analysis import places


@pytest.mark.parametrize("mention, canonical", [
    ("Izyum", "Izium"), ("Izium", "Izium"),
    ("Kupyansk", "Kupiansk"), ("Kup'yansk", "Kupiansk"), ("Kupiansk", "Kupiansk"),
    ("Kiev", "Kyiv"), ("Kharkov", "Kharkiv"), ("Nikolaev", "Mykolaiv"), ("Zaporozhye", "Zaporizhzhia"),
    ("Lugansk", "Luhansk"), ("Severodonetsk", "Sievierodonetsk"), ("Sievierodonetsk", "Sievierodonetsk"),
    ("Krasnyi Lyman", "Lyman"), ("Lyman", "Lyman"), ("Artemivsk", "Bakhmut"), ("Odessa", "Odesa"),
    ("Novoazovsk", "Novoazovsk"), ("Novoazovs'k", "Novoazovsk"),  # news spelling drops the apostrophe
])
def test_variant_and_older_spellings_resolve_to_one_canonical_place(mention, canonical):
    place = places.resolve(mention)
    assert place is not None and place.name == canonical


@pytest.mark.parametrize("mention", ["Kherson region", "Kherson Oblast", "the Kherson region", "Kherson oblast",
                                     "Khersonska oblast"])
def test_region_and_oblast_phrases_name_the_oblast_not_the_city(mention):
    place = places.resolve(mention)
    assert (place.name, place.type, place.oblast) == ("Kherson Oblast", "oblast", "Kherson Oblast")
    assert places.resolve("Kherson").type == "city"


def test_places_carry_type_coordinates_and_oblast():
    izium = places.resolve("Izium")
    assert izium.type == "town" and izium.oblast == "Kharkiv Oblast"
    assert 49.0 < izium.lat < 49.4 and 37.0 < izium.lon < 37.5
    assert places.resolve("Kyiv").type == "city"


def test_oblast_hint_settles_an_ambiguous_name():
    # Several villages are called Lyman; the context "Odesa region" picks the one there.
    assert places.resolve("Lyman").oblast == "Donetsk Oblast"
    assert places.resolve("Lyman", oblast="Odesa Oblast").oblast == "Odesa Oblast"
    assert places.resolve("Novoselivka, Pokrovsk Raion, Donetsk Oblast").oblast == "Donetsk Oblast"


def test_unknown_names_and_common_words_are_not_places():
    assert places.resolve("Atlantis") is None
    assert places.resolve("President") is None
    assert [p.name for _, _, p in places.find("Many experts said so. Peace is far.")] == []


def test_find_returns_offsets_and_prefers_longest_mention():
    text = "Troops entered the Kharkiv region near Izyum and Kup'yansk."
    found = [(text[s:e], p.name) for s, e, p in places.find(text)]
    assert found == [("Kharkiv region", "Kharkiv Oblast"), ("Izyum", "Izium"), ("Kup'yansk", "Kupiansk")]


def test_points_lie_inside_their_oblast_boundary():
    for name in ("Izium", "Lyman", "Mykolaiv", "Sevastopol", "Uzhhorod"):
        place = places.resolve(name)
        assert places.oblast_at(place.lat, place.lon) == place.oblast, name
    assert places.oblast_at(52.52, 13.40) is None  # Berlin is on no Ukrainian oblast


def test_boundaries_cover_every_admin_unit():
    names = {f["properties"]["name"] for f in places.boundaries()["features"]}
    assert len(names) == 27 and {"Kherson Oblast", "Crimea", "Kyiv City", "Sevastopol City"} <= names
