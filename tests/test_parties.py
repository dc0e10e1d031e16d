"""party_of and the registry behind it: people, titles, offices, institutions, capitals, demonyms."""
from __future__ import annotations

import pytest

from analysis import parties
from analysis.parties import build, party_of, registry

EXPECTED = ["Ukraine", "Russia", "United States", "European Union", "NATO", "United Kingdom", "Germany",
            "France", "Turkey", "China", "United Nations", "the West"]


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
                                     "The Washington Post", "Xinhua news agency", "local residents"])
def test_party_of_unknown(mention):
    assert party_of(mention) is None


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
