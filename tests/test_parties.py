"""party_of and the registry behind it: people, titles, offices, institutions, capitals, demonyms."""
from __future__ import annotations

import pytest

from analysis import parties
from analysis.parties import build, party_of, registry

EXPECTED = ["Ukraine", "Russia", "United States", "European Union", "NATO", "United Kingdom", "Germany",
            "France", "Turkey", "China", "United Nations", "the West", "Other"]


def test_every_party_of_the_war_is_configured():
    assert parties.parties() == EXPECTED


@pytest.mark.parametrize("mention, party", [
    ("Ukrainian forces", "Ukraine"),
    ("Moscow", "Russia"),
    ("the Kremlin", "Russia"),
    ("NSDC", "Ukraine"),
    ("Zelensky", "Ukraine"),
    ("Zelenskiy", "Ukraine"),
    ("Volodymyr Zelenskyy", "Ukraine"),
    ("Ukraine\u2019s president", "Ukraine"),
    ("the Ukrainian President", "Ukraine"),
    ("Kremlin spokesman", "Russia"),
    ("Russian President Vladimir Putin", "Russia"),
    ("the Russian Defence Ministry", "Russia"),
    ("Washington", "United States"),
    ("the Pentagon", "United States"),
    ("U.S. officials", "United States"),
    ("Brussels", "European Union"),
    ("EU foreign policy chief Josep Borrell", "European Union"),
    ("NATO Secretary General", "NATO"),
    ("Downing Street", "United Kingdom"),
    ("German Chancellor Olaf Scholz", "Germany"),
    ("the Elysee", "France"),
    ("Ankara", "Turkey"),
    ("Beijing", "China"),
    ("the IAEA", "United Nations"),
    ("Western allies", "the West"),
    ("pro-Russian separatists", "Russia"),
])
def test_party_of(mention, party):
    assert party_of(mention) == party


@pytest.mark.parametrize("mention", ["", "the President", "the spokesman", "us", "who", "the price of grain",
                                     "local residents"])
def test_party_of_unknown(mention):
    assert party_of(mention) is None


@pytest.mark.parametrize("mention", ["The Washington Post", "Xinhua news agency", "Reuters", "the ISW",
                                     "military analysts", "President of Latvia", "the Polish leader",
                                     "Belarusian leader Alexander Lukashenko"])
def test_media_think_tanks_and_states_that_are_no_party_are_other(mention):
    assert party_of(mention) == "Other"


@pytest.mark.parametrize("mention, body", [
    ("Ukrainian forces", "Armed Forces of Ukraine"),
    ("the Ukrainian general staff", "General Staff of the Armed Forces of Ukraine"),
    ("the Russian Defence Ministry", "Russian Ministry of Defence"),
    ("British intelligence", "British Ministry of Defence"),
    ("The ISW", "Institute for the Study of War"),
])
def test_institutions_have_one_canonical_name(mention, body):
    found = registry().person(mention)
    assert found is not None and found.name == body and found.body


def test_a_body_must_be_the_head_of_the_mention():
    # Russian military bloggers are not the Russian military
    assert registry().person("Russian military bloggers") is None
    assert party_of("Russian military bloggers") == "Russia"


@pytest.mark.parametrize("mention, state", [("Kyiv", "Ukraine"), ("the Ukrainians", "Ukraine"),
                                            ("the Russian side", "Russia"), ("the Ukrainian government", "Ukraine"),
                                            ("Ukrainian forces", None), ("Russian officials", None)])
def test_a_state_acting_as_a_whole(mention, state):
    assert registry().state(mention) == state


def test_site_hosts_by_date():
    reg = build({
        "parties": {"A": {"people": {"Ann Old": {}, "Bob New": {}}}},
        "sites": {"a.example": [{"person": "Ann Old", "to": "2020-01"}, {"person": "Bob New", "from": "2020-01"}]},
    })
    assert reg.host("https://www.a.example/en/news/1", "2019-06-01").name == "Ann Old"
    assert reg.host("a.example", "2021-06-01").name == "Bob New"
    assert reg.host("https://b.example/x", "2021-06-01") is None


def test_a_site_naming_an_unknown_person_is_an_error_naming_the_file():
    with pytest.raises(ValueError, match="parties.yaml.*Nobody"):
        build({"parties": {"A": {}}, "sites": {"a.example": [{"person": "Nobody"}]}})


def test_the_person_wins_over_a_demonym_in_the_same_phrase():
    # "Ukrainian-born" would say Ukraine; the head of the phrase is the American official
    assert party_of("Ukrainian-born US Senator Lindsey Graham") == "United States"


def test_title_held_in_turn_resolves_by_date():
    reg = registry()
    assert reg.person("Ukraine's Foreign Minister", "2023-05-10").name == "Dmytro Kuleba"
    assert reg.person("Ukraine's Foreign Minister", "2025-01-10").name == "Andrii Sybiha"
    assert reg.person("Ukraine's Foreign Minister", "") is None  # undated: ambiguous
    assert reg.party_of("Ukraine's Foreign Minister") == "Ukraine"


def test_coordinated_mention_names_every_party():
    assert registry().parties_in("Kyiv and the West") == ["Ukraine", "the West"]


def test_names_come_from_config_only():
    reg = build({"parties": {"Atlantis": {"names": ["Poseidonia", "Atlantean"],
                                          "people": {"Ana Mar": {"variants": ["Mar"], "titles": ["Queen of Atlantis"]}}}}})
    assert reg.parties == ["Atlantis"]
    assert reg.party_of("Atlantean troops") == "Atlantis"
    assert reg.person("the Queen of Atlantis").name == "Ana Mar"
    assert reg.party_of("Moscow") is None


@pytest.mark.parametrize("mention", ["the spokesman for the President of Ukraine",
                                     "the Adviser to the Head of the President's Office"])
def test_a_title_after_another_names_someone_else(mention):
    # the head of the mention is the spokesman or the adviser, not the President or the head of the office
    assert registry().person(mention, "2022-05-01") is None
