"""Territorial claims: types, the gaining party, places, areas, dates, statements, and the seed."""
from pathlib import Path

import pandas as pd
import pytest

from analysis import claims
from analysis.tables import SCHEMA

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_05edefcea0b3be8d.txt"


def extract(text, published="2023-06-15", statements=None):
    return claims.extract({"article_id": "art1", "text": text, "published": published}, statements)


def one(frame, **where):
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    assert len(rows) == 1, f"expected one claim with {where}, got\n{frame[['party', 'claim', 'place']]}"
    return rows.iloc[0]


@pytest.mark.parametrize("text, claim, party, place", [
    ("Russia formally annexed Crimea after a sham vote.", "annexed", "Russia", "Crimea"),
    ("Russian troops captured Lyman after weeks of shelling.", "captured", "Russia", "Lyman"),
    ("Ukrainian forces liberated Izyum on Saturday.", "reclaimed", "Ukraine", "Izium"),
    ("Kupiansk was recaptured by Ukrainian troops.", "reclaimed", "Ukraine", "Kupiansk"),
    ("Ukrainian units are advancing towards Melitopol.", "advancing", "Ukraine", "Melitopol"),
    ("Wagner fighters and Russian units are fighting for Bakhmut.", "contested", "Russia", "Bakhmut"),
    ("Severodonetsk fell to Russian forces.", "captured", "Russia", "Sievierodonetsk"),
    ("Crimea was annexed by Russia.", "annexed", "Russia", "Crimea"),
    ("The Kremlin said Kherson had now become part of Russia.", "annexed", "Russia", "Kherson"),
    ("Civilians fled the Russian-occupied city of Melitopol.", "captured", "Russia", "Melitopol"),
])
def test_each_claim_type_with_the_gaining_party(text, claim, party, place):
    row = one(extract(text), claim=claim)
    assert (row["party"], row["place"]) == (party, place)


def test_the_claimant_is_the_party_that_gains_not_the_one_that_loses():
    found = extract("Ukrainian troops retook Kherson from Russian forces in November.")
    row = one(found, claim="reclaimed")
    assert row["party"] == "Ukraine" and row["place"] == "Kherson"


def test_a_sentence_listing_several_places_gives_one_claim_each():
    found = extract("Ukrainian forces liberated Balakliia, Izium and Kupiansk.")
    assert sorted(found["place"]) == ["Balakliia", "Izium", "Kupiansk"]
    assert set(found["party"]) == {"Ukraine"} and set(found["claim"]) == {"reclaimed"}
    assert found["claim_id"].is_unique


@pytest.mark.parametrize("phrase, km2", [
    ("more than 4000 square kilometres", 4000.0), ("12,000 km²", 12000.0), ("6,000 sq km", 6000.0),
    ("1,500 sq mi", 3884.982), ("500 square miles", 1294.994), ("3 thousand square kilometers", 3000.0),
])
def test_areas_become_square_kilometres(phrase, km2):
    assert claims.areas(f"Ukraine has liberated {phrase} of territory.")[0][2] == pytest.approx(km2, rel=1e-4)


def test_an_area_with_no_named_place_is_no_claim():
    assert extract("Ukraine has liberated more than 4000 square kilometres of territory.").empty


def test_area_with_one_place_is_attached_to_it():
    row = one(extract("Ukrainian forces liberated 500 km² of the Kharkiv region."), claim="reclaimed")
    assert row["place"] == "Kharkiv Oblast" and row["place_type"] == "oblast" and row["area_km2"] == 500


def test_a_claim_with_no_resolvable_place_is_no_claim():
    assert extract("Russian forces captured several villages near Zzyzxgrad.").empty


def test_a_cue_without_place_area_or_territory_makes_no_claim():
    assert extract("Experts were surprised by the counter-offensive against Russia.").empty
    assert extract("The talks took place in Istanbul.").empty


def test_stated_date_is_resolved_against_the_article_date():
    found = extract("Ukraine said it had liberated Lyman on October 1.", published="2022-10-04")
    assert one(found, claim="reclaimed")["date"] == "2022-10-01"
    found = extract("Ukraine said it had liberated Lyman on Saturday.", published="2022-10-04")
    assert one(found, claim="reclaimed")["date"] == "2022-10-01"
    found = extract("Russian forces captured Lyman on 26 May 2022.", published="2023-01-10")
    assert one(found, claim="captured")["date"] == "2022-05-26"
    found = extract("Russian forces captured Lyman.", published="2022-05-27")
    assert one(found, claim="captured")["date"] == "2022-05-27"


def test_claims_inside_a_statement_carry_its_id_and_we_means_the_speaker():
    text = 'Zelenskyy said: "We have liberated Kupiansk." Russia captured Lyman in May.'
    start = text.index('"') + 1
    statements = pd.DataFrame({
        "statement_id": ["s1"], "start": [start], "end": [text.index('"', start)], "party": ["Ukraine"],
    })
    found = extract(text, statements=statements)
    quoted = one(found, place="Kupiansk")
    assert quoted["statement_id"] == "s1" and quoted["party"] == "Ukraine" and quoted["claim"] == "reclaimed"
    assert one(found, place="Lyman")["statement_id"] == ""


def test_output_follows_the_contract_and_ids_are_stable():
    text = "Russian troops captured Lyman."
    first, second = extract(text), extract(text)
    assert list(first.columns) == list(SCHEMA["claims"])
    assert first["claim_id"].tolist() == second["claim_id"].tolist()
    row = first.iloc[0]
    assert text[row["start"]:row["end"]] == row["evidence"]
    assert extract("").empty and list(extract("").columns) == list(SCHEMA["claims"])


def test_seed_claims():
    text = SEED.read_text(encoding="utf-8")
    found = claims.extract({"article_id": "seed", "text": text, "published": ""}, None)
    izium, kupiansk = one(found, place="Izium"), one(found, place="Kupiansk")
    for row in (izium, kupiansk):
        assert (row["party"], row["claim"]) == ("Ukraine", "reclaimed")
        assert "4000 square kilometres" in row["evidence"]
    # "four occupied Ukrainian territories were now part of Russia" names no place: no claim
    assert set(found["place"]) == {"Izium", "Kupiansk"}


def test_contested_places_pair_both_sides_with_their_evidence():
    text = ("Russian forces captured Lyman in May. "
            "Months later Ukrainian troops liberated Lyman. Ukrainian troops liberated Izium.")
    table = claims.contested(extract(text, published="2022-10-02"))
    assert table["place"].tolist() == ["Lyman"]
    row = table.iloc[0]
    assert {row["party_a"], row["party_b"]} == {"Russia", "Ukraine"}
    assert "captured Lyman" in (row["evidence_a"] + row["evidence_b"])
    assert "liberated Lyman" in (row["evidence_a"] + row["evidence_b"])


def test_reference_series_reads_good_files_and_names_bad_ones():
    good = claims.read_reference(b"date,km2\n2022-09-01,124000\n2022-10-01,\"110,000\"\n", "ref.csv")
    assert good["km2"].tolist() == [124000.0, 110000.0] and good["date"].tolist() == ["2022-09-01", "2022-10-01"]
    with pytest.raises(ValueError, match=r"ref\.csv: needs a 'date' column"):
        claims.read_reference(b"day,value\n1,2\n", "ref.csv")
    with pytest.raises(ValueError, match=r"bad\.csv: 1 row\(s\) lack a valid date or km² value \(first at line 3\)"):
        claims.read_reference(b"date,km2\n2022-09-01,5\nsoon,7\n", "bad.csv")


@pytest.mark.parametrize("text", [
    "Thousands of residents took refuge in Kyiv.",               # "took" without a place after it
    "Russia plans to annex Kharkiv.",                           # an intention, not a claim
    "Ukrainian officials denied that Kupiansk was captured.",   # a denial
    "Ukrainian troops captured two tanks near Izium.",          # equipment, not ground
    "Five invaders were captured near Lyman.",                  # people, not ground
    "In 1943 the Red Army liberated Kharkiv.",                  # history
    "The soldiers were fighting for common values.",            # no place fought for
    "Babyn Yar is a special part of Kyiv.",                     # Kyiv the city, not the state
    "Step by step, we are moving forward.",                     # a village called Step
])
def test_sentences_that_make_no_territorial_claim(text):
    assert extract(text).empty, extract(text)[["party", "claim", "place"]]


@pytest.mark.parametrize("text, expected", [
    # who held the place decides the type, not the verb
    ("Ukrainian troops captured Lyman.", {("Lyman", "reclaimed", "Ukraine")}),
    ("Russian forces liberated Mariupol.", {("Mariupol", "captured", "Russia")}),
    # a withdrawal is the other side's gain
    ("Russian forces withdrew from Kherson.", {("Kherson", "reclaimed", "Ukraine")}),
    ("Ukrainian forces withdrew from Lysychansk.", {("Lysychansk", "captured", "Russia")}),
    ("The enemy was driven out of the Sumy region.", {("Sumy Oblast", "reclaimed", "Ukraine")}),
    # advancing, contested, annexed
    ("Russian troops reached the outskirts of Kyiv.", {("Kyiv", "advancing", "Russia")}),
    ("Russian forces entered Melitopol.", {("Melitopol", "advancing", "Russia")}),
    ("Russian forces tried to capture Chernihiv.", {("Chernihiv", "advancing", "Russia")}),
    ("Russia hoped to capture Kharkiv within days.", {("Kharkiv", "advancing", "Russia")}),
    ("Russian forces encircled Mariupol.", {("Mariupol", "contested", "Russia")}),
    ("Heavy fighting continued in Rubizhne and Bilohorivka.",
     {("Rubizhne", "contested", "Russia"), ("Bilohorivka", "contested", "Russia")}),
    ("The G7 rejects the annexation of Crimea.", {("Crimea", "annexed", "Russia")}),
    # the passive agent, a relative clause, "the city" named just before
    ("Izium was liberated by the Armed Forces of Ukraine.", {("Izium", "reclaimed", "Ukraine")}),
    ("Russian forces captured Lyman. They later entered the city of Sloviansk.",
     {("Lyman", "captured", "Russia"), ("Sloviansk", "advancing", "Russia")}),
    ("Russian forces reached Kherson on 1 March. They entered the city a day later.",
     {("Kherson", "advancing", "Russia")}),
])
def test_the_type_follows_meaning_and_who_held_the_place(text, expected):
    found = extract(text)
    assert set(zip(found["place"], found["claim"], found["party"])) == expected


@pytest.mark.parametrize("text", [
    "Russian forces advanced to positions 10 km south of Izium.",  # a distance reference
    "Russian forces captured Lyman, a town in Donetsk Oblast.",      # an apposition locates, claims nothing
])
def test_places_that_are_not_the_verbs_object_get_no_claim(text):
    found = extract(text)
    assert "Izium" not in set(found["place"]) and "Donetsk Oblast" not in set(found["place"])


def test_a_wikipedia_qualifier_is_no_list_item():
    found = extract("On the first day, Ukrainian forces liberated Verbivka, Balakliia Raion, Kharkiv Oblast.")
    assert set(zip(found["place"], found["claim"])) == {("Verbivka", "reclaimed")}


def test_a_liberation_still_to_come_says_the_other_side_holds_the_place():
    text = 'Zelenskyy said: "We will liberate our Crimea."'
    start = text.index('"') + 1
    statements = pd.DataFrame({"statement_id": ["s1"], "start": [start], "end": [len(text) - 1], "party": ["Ukraine"]})
    assert set(zip(*[extract(text, statements=statements)[c] for c in ("place", "claim", "party")])) == {
        ("Crimea", "captured", "Russia")}


def test_a_parsed_doc_can_be_passed_in():
    from analysis.nlp import parse

    text = "Russian troops captured Lyman."
    found = claims.extract({"article_id": "a", "text": text, "published": ""}, None, doc=parse([text])[0])
    assert (found.iloc[0]["place"], found.iloc[0]["claim"]) == ("Lyman", "captured")


@pytest.mark.parametrize("text, expected", [
    # dates between the items: the parser hangs the later items on the verb
    ("Ukrainian troops liberated Balakliia on Monday, Izium on Tuesday, and Kupiansk and Vovchansk on Friday.",
     ["Balakliia", "Izium", "Kupiansk", "Vovchansk"]),
    # the first object is no place; the town after it is still an object of the verb
    ("Russian forces captured the bridge and the railway depot, and the nearby town of Pryvillia.", ["Pryvillia"]),
    # "along with" adds a place to the claim
    ("Ukrainian forces withdrew from the power plant, along with the nearby town of Soledar.", ["Soledar"]),
])
def test_interrupted_lists_give_every_place_its_claim(text, expected):
    assert sorted(extract(text)["place"]) == expected


def test_list_items_the_parser_reads_as_appositions_are_claimed():
    found = extract("Then there was heavy fighting in Soledar, Bakhmutske, Pidhorodnie and Klishchiivka.")
    assert sorted(found["place"]) == ["Bakhmutske", "Klishchiivka", "Pidhorodnie", "Soledar"]
    assert set(found["claim"]) == {"contested"}


def test_fighting_without_a_named_side_is_the_attack_of_the_forces_the_sentence_follows():
    found = extract("Ukrainian forces pushed Russian units back and there was fighting in Klishchiivka.")
    assert one(found, place="Klishchiivka")["party"] == "Ukraine"
    found = extract("The Ukrainian General Staff said that heavy fighting continued in Klishchiivka.")
    assert one(found, place="Klishchiivka")["party"] == "Russia"  # a speaker is no attacker


def test_an_object_pronoun_claims_the_places_listed_just_before_it():
    found = extract("Ukrainian troops advanced to Kreminna and Rubizhne and recaptured them by October.")
    assert sorted(found[found["claim"] == "reclaimed"]["place"]) == ["Kreminna", "Rubizhne"]
    found = extract("Russian forces left Soledar and went around the town of Bakhmut to besiege it.")
    assert list(found[found["claim"] == "contested"]["place"]) == ["Bakhmut"]


@pytest.mark.parametrize("text, expected", [
    ("Moscow demands recognition of Russian sovereignty over Crimea.", [("Crimea", "annexed", "Russia")]),
    ("Ukraine insists on its sovereignty over Crimea.", []),  # the owner's own sovereignty is no claim
    ("Ukrainian troops resisted in Soledar for weeks.", [("Soledar", "contested", "Russia")]),
])
def test_sovereignty_over_a_place_and_resisting_in_it(text, expected):
    found = extract(text)
    assert list(zip(found["place"], found["claim"], found["party"])) == expected


@pytest.mark.parametrize("text, unplaced", [
    ("Russian troops captured the village after heavy fighting.", 1),
    ("Ukraine has liberated 500 square kilometres of territory.", 1),
    ("Ukrainian forces liberated several villages in the east.", 1),
    ("The occupied territories will be liberated.", 1),
    ("Russian forces captured two tanks.", 0),  # no ground
    ("Russia plans to capture the city.", 0),  # a plan, no claim
    ("Russia invaded Ukraine in February.", 0),  # a country is known, only not a claim's place
    ("Russian forces occupied the territory of Kherson Oblast.", 0),  # located: a claim
    ("Wagner captured Soledar. The city had been shelled for weeks before Russian troops took the city.", 0),
])
def test_claim_mentions_without_a_located_place_are_counted(text, unplaced):
    found, count = claims.extract_counted({"article_id": "a", "text": text, "published": ""})
    assert count == unplaced
    assert all(found["place"].str.len() > 0)


def test_the_pipeline_records_the_unplaced_mentions_on_each_article():
    from analysis import pipeline
    from analysis.tables import conform

    articles = conform(pd.DataFrame({
        "article_id": ["a", "b"], "title": ["A", "B"],
        "text": ["Russian troops captured the village and the town.", "Ukrainian forces liberated Izium."],
    }), "articles")
    frames = pipeline.extract(articles)
    assert frames["articles"].set_index("article_id")["unplaced_claims"].to_dict() == {"a": 2, "b": 0}
    assert list(frames["claims"]["place"]) == ["Izium"]


def test_every_function_word_role_the_rules_read_is_in_the_config():
    import re as regex

    from analysis.claim_rules import rules

    source = (Path(claims.__file__)).read_text(encoding="utf-8")
    roles = set(regex.findall(r'word\("([a-z_]+)"\)', source))
    assert roles, "claims.py reads its function words through rules().word(role)"
    for role in roles:
        assert rules().word(role), role


def test_an_oblast_that_locates_a_list_is_not_what_the_pronoun_after_it_stands_for():
    found = extract("Ukraine pushed north, advancing to Kreminna, Rubizhne and Svatove, all within Luhansk Oblast, "
                    "and recaptured them by October.")
    assert sorted(found[found["claim"] == "reclaimed"]["place"]) == ["Kreminna", "Rubizhne", "Svatove"]


def test_attacking_positions_in_places_attacks_the_places():
    found = extract("Wagner fighters were assaulting strongholds in Soledar, Bakhmutske and Klishchiivka.")
    assert sorted(found["place"]) == ["Bakhmutske", "Klishchiivka", "Soledar"]
    assert set(found["claim"]) == {"advancing"} and set(found["party"]) == {"Russia"}
    assert extract("Wagner fighters were assaulting the bridge in Soledar.").empty  # a bridge is no position


def test_an_enemy_unit_is_the_other_side_and_a_relative_clause_keeps_its_own_side():
    found = extract("Ukrainian forces defeated an enemy tank unit that was to join the assault on Kyiv.")
    assert one(found, place="Kyiv")["party"] == "Russia"
    found = extract("Ukrainian forces made a counterattack to regain control of Kupiansk.")
    assert one(found, place="Kupiansk")["party"] == "Ukraine"


def test_names_before_a_capitalised_plural_oblasts_are_each_an_oblast():
    found = extract("The vote dealt a blow to the Russian annexation of Kherson and Zaporizhzhia Oblasts.")
    assert sorted(found["place"]) == ["Kherson Oblast", "Zaporizhzhia Oblast"]
    assert set(found["claim"]) == {"annexed"}


@pytest.mark.parametrize("text, expected", [
    ("The UK will help restore the de-occupied Kyiv region.", [("Kyiv Oblast", "reclaimed", "Ukraine")]),
    ("The agreements reached between the two presidents in Kyiv were implemented.", []),
    ("A Russian convoy is closing in on Kyiv.", [("Kyiv", "advancing", "Russia")]),
    ("Russian forces managed to break through in Kakhovka.", [("Kakhovka", "advancing", "Russia")]),
])
def test_hyphenated_prefixes_and_verbs_that_advance_only_with_a_preposition_of_motion(text, expected):
    found = extract(text)
    assert list(zip(found["place"], found["claim"], found["party"])) == expected


def test_an_unknown_place_name_counts_as_unplaced_but_a_sentence_opening_word_does_not():
    found, count = claims.extract_counted({"article_id": "a", "text": "Russian forces captured Zzyzxville.", "published": ""})
    assert found.empty and count == 1
    _, count_life = claims.extract_counted(
        {"article_id": "a", "text": "Life, which today has become an unattainable dream, goes on.", "published": ""})
    assert count_life == 0


def test_a_participle_advancing_without_a_subject_is_the_side_of_the_clause_it_joins():
    found = extract("Ukraine branched out in two directions, one to the north and advancing to Kreminna and Rubizhne.")
    assert set(found["party"]) == {"Ukraine"} and sorted(found["place"]) == ["Kreminna", "Rubizhne"]


def test_the_town_may_stand_for_a_village_news_calls_a_town():
    found = extract("Russian troops entered Klishchiivka in March. The town was recaptured by Ukrainian forces in September.")
    assert one(found, claim="reclaimed")["place"] == "Klishchiivka"


def test_the_side_driven_away_loses_the_place_even_as_the_sentence_subject():
    found = extract("By April, Russian forces had been driven away from Mykolaiv.")
    row = one(found, place="Mykolaiv")
    assert (row["claim"], row["party"]) == ("reclaimed", "Ukraine")


def test_battles_a_verb_engages_in_take_the_place_hung_on_the_verb_and_only_a_side_of_the_war_attacks():
    found = extract("Ukrainian troops pushed on. The other column went east and engaged in fierce battles in nearby Soledar.")
    row = one(found, place="Soledar")
    assert (row["claim"], row["party"]) == ("contested", "Ukraine")


def test_our_enemies_are_the_other_side_of_the_speaker():
    text = 'The adviser said: "Our enemies want to capture Kharkiv and the cities of the east."'
    start = text.index('"') + 1
    statements = pd.DataFrame({
        "statement_id": ["s1"], "start": [start], "end": [text.index('"', start)], "party": ["Ukraine"],
    })
    found = one(extract(text, statements=statements), place="Kharkiv")
    assert (found["party"], found["claim"]) == ("Russia", "advancing")


def test_people_taken_hostage_are_no_ground_taken():
    assert extract("He spoke of the students in Kharkiv, whom the security services have taken hostage.").empty
    assert extract("Russian troops took the mayor of Melitopol hostage.").empty


@pytest.mark.parametrize("text, published, place, date", [
    ("Ten years ago, Russia occupied Crimea.", "2024-02-23", "Crimea", "2014-02-23"),
    ("In March 2014 Russia annexed Crimea.", "2022-09-30", "Crimea", "2014-03-01"),
    ("Russia has occupied Crimea since 2014.", "2022-09-30", "Crimea", "2014-01-01"),
    # the article's own month says no more than the article's date
    ("In February 2024 Russian troops captured Avdiivka.", "2024-02-23", "Avdiivka", "2024-02-23"),
])
def test_a_past_stated_without_a_day_dates_the_claim(text, published, place, date):
    assert one(extract(text, published=published), place=place)["date"] == date


def test_a_country_named_in_its_own_language_is_no_village():
    # "Rossiya" is also another name of a village in Odesa Oblast
    assert extract("Such measures were adopted with the involvement of Delovaya Rossiya, and recently, as we "
                   "fought to control it.").empty
