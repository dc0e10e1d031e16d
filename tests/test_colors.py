"""Party colours: every pair of default parties stays distinguishable, for normal vision and for the three
kinds of colour blindness (simulated with the matrices of Machado, Oliveira & Fernandes 2009, severity 1)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from components.style import palette, party_color

SIMULATIONS = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
# CIELAB distance under which two marks in a small chart start to look alike.
MIN_DISTANCE = 12


def linear(colour: str) -> np.ndarray:
    rgb = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(rgb, 0, 1)
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a: str, b: str, vision: str) -> float:
    matrix = SIMULATIONS[vision]
    return float(np.linalg.norm(lab(matrix @ linear(a)) - lab(matrix @ linear(b))))


def test_the_simulation_tells_red_from_green_only_with_normal_vision():
    # The check itself can fail: a red and a green that deuteranopes confuse.
    assert distance("#D62728", "#2CA02C", "normal") > 50
    assert distance("#D62728", "#8C8C00", "deuteranopia") < MIN_DISTANCE


def test_every_party_of_the_default_config_has_a_colour_of_its_own():
    # A party left to the fallback colours gets one fixed by its name's hash, which may be a listed party's.
    from analysis.parties import parties

    named = palette()["parties"]
    assert "Other" in parties()
    assert [party for party in parties() if party not in named] == []
    assert len(set(named.values())) == len(named)


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_every_pair_of_default_parties_is_distinct(vision):
    parties = list(palette()["parties"])
    assert len(parties) >= 12
    close = [(a, b, round(distance(party_color(a), party_color(b), vision), 1))
             for a, b in itertools.combinations(parties, 2)
             if distance(party_color(a), party_color(b), vision) < MIN_DISTANCE]
    assert close == []
