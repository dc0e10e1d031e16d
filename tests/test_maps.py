"""Claims map, timeline and cumulative area: built offline, on small frames and on empty ones."""
import json
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis.tables import conform, empty
from components import maps, style


def claims_frame():
    rows = [
        dict(claim_id="c1", article_id="a1", party="Ukraine", claim="reclaimed", place="Izium", place_type="town",
             lat=49.207, lon=37.277, area_km2=None, date="2022-09-10", evidence="Ukraine liberated Izium <script>."),
        dict(claim_id="c2", article_id="a1", party="Ukraine", claim="reclaimed", place="Izium", place_type="town",
             lat=49.207, lon=37.277, area_km2=None, date="2022-09-11", evidence="Izium is free again."),
        dict(claim_id="c3", article_id="a2", party="Russia", claim="captured", place="Lyman", place_type="town",
             lat=48.990, lon=37.808, area_km2=None, date="2022-05-26", evidence="Russia captured Lyman."),
        dict(claim_id="c4", article_id="a2", party="Ukraine", claim="advancing", place="Kherson Oblast",
             place_type="oblast", lat=46.67, lon=33.6, area_km2=None, date="2022-10-03", evidence="Advancing in Kherson."),
        dict(claim_id="c5", article_id="a3", party="Ukraine", claim="reclaimed", place="", place_type="",
             lat=None, lon=None, area_km2=4000.0, date="2022-09-12", evidence="4000 square kilometres reclaimed."),
        dict(claim_id="c6", article_id="a3", party="Ukraine", claim="reclaimed", place="", place_type="",
             lat=None, lon=None, area_km2=2000.0, date="2022-10-01", evidence="2000 more."),
        dict(claim_id="c7", article_id="a3", party="Russia", claim="annexed", place="", place_type="",
             lat=None, lon=None, area_km2=None, date="", evidence="Four territories now part of Russia."),
    ]
    return conform(pd.DataFrame(rows), "claims")


def test_map_draws_places_sized_by_count_and_shades_oblasts_offline():
    fig = maps.claims_map(claims_frame())
    layout = fig.layout.map
    assert layout.style == "white-bg"  # no tile server
    assert all(layer.sourcetype == "geojson" for layer in layout.layers)
    dots = [t for t in fig.data if isinstance(t, go.Scattermap) and t.hovertemplate]
    by_name = {t.name: t for t in dots}
    assert set(by_name) == {"reclaimed places", "captured places"}
    izium = by_name["reclaimed places"]
    assert izium.marker.color == style.claim_color("reclaimed")
    assert list(izium.text) == ["Izium"] and izium.marker.size[0] > by_name["captured places"].marker.size[0]
    rings = {t.name: t for t in fig.data if isinstance(t, go.Scattermap) and t.name.endswith(" ring")}
    assert rings["Ukraine ring"].marker.color == style.party_color("Ukraine")
    assert "Ukraine liberated Izium &lt;script&gt;" in izium.hovertext[0]  # evidence, escaped
    assert list(izium.customdata[0]) == ["Ukraine", "reclaimed", "Izium"]  # what a click selects
    shaded = [t for t in fig.data if isinstance(t, go.Choroplethmap)]
    assert len(shaded) == 1 and list(shaded[0].locations) == ["Kherson Oblast"]
    # No text on the map (text needs font glyphs from the internet) and no URL to fetch anything from.
    assert {t.mode for t in fig.data if isinstance(t, go.Scattermap)} == {"markers"}
    assert "http" not in json.dumps(fig.to_plotly_json()["layout"]["map"])


def test_map_legend_lists_each_claim_type_and_each_party_once():
    fig = maps.claims_map(claims_frame())
    legend = [(t.legendgroup, t.name) for t in fig.data if t.showlegend]
    # Types in the palette's order, parties by number of claims: not every claim × party pair.
    assert legend == [("claim", "captured"), ("claim", "reclaimed"), ("claim", "advancing"),
                      ("party", "Ukraine"), ("party", "Russia")]
    assert fig.layout.legend.groupclick == "toggleitem"
    # Inside the figure's top right corner, far from the footer under the map.
    assert fig.layout.legend.y == 1.0 and fig.layout.legend.yanchor == "top"


def test_claims_without_a_place_stay_off_the_map():
    frame = claims_frame()
    assert set(maps.placed(frame)["claim_id"]) == {"c1", "c2", "c3", "c4"}
    only_unplaced = frame[frame["place"] == ""]
    fig = maps.claims_map(only_unplaced)
    assert style.is_empty(fig)


@pytest.mark.parametrize("builder", [maps.claims_map, maps.claims_timeline, maps.cumulative_area])
def test_empty_frames_give_a_clear_message_not_an_exception(builder):
    fig = builder(empty("claims"))
    assert style.is_empty(fig)
    assert any("No " in a.text for a in fig.layout.annotations)


def test_timeline_shows_dated_claims_by_party_and_type_and_undated_ones_apart():
    fig = maps.claims_timeline(claims_frame())
    assert {t.name for t in fig.data} == {"Ukraine", "Russia"}
    ukraine = [t for t in fig.data if t.name == "Ukraine"]
    assert len(ukraine) == 1 and set(ukraine[0].y) == {"reclaimed", "advancing"}
    undated = [t for t in fig.data if "undated" in list(t.x)]
    assert len(undated) == 1 and undated[0].name == "Russia" and list(undated[0].y) == ["annexed"]
    assert list(undated[0].customdata[0]) == ["Russia", "annexed", ""]  # a click finds the undated claim
    assert set(maps.claims_behind([{"party": "Russia", "claim": "annexed", "date": ""}], claims_frame())["claim_id"]) == {"c7"}


def test_a_claim_long_before_the_rest_stands_in_a_panel_of_its_own():
    crimea = dict(claim_id="c8", article_id="a4", party="Russia", claim="captured", place="Crimea",
                  place_type="region", lat=45.0, lon=34.0, area_km2=None, date="2014-02-23",
                  evidence="Ten years ago, Putin occupied Crimea.")
    frame = pd.concat([claims_frame(), conform(pd.DataFrame([crimea]), "claims")], ignore_index=True)
    fig = maps.claims_timeline(frame)
    first = fig.layout.xaxis  # the panel on the left: only the 2014 claim, on a range of its own
    assert first.title.text == "earlier" and pd.Timestamp(first.range[1]) < pd.Timestamp("2015-01-01")
    assert fig.layout.xaxis2.title.text == "Date" and pd.Timestamp(fig.layout.xaxis2.range[0]) > pd.Timestamp("2022-01-01")
    assert [(t.name, list(t.x)) for t in fig.data if t.xaxis == "x"] == [("Russia", ["2014-02-23"])]
    assert sorted(t.name for t in fig.data if t.showlegend) == ["Russia", "Ukraine"]  # each party once
    # claims close together keep one axis
    close = maps.claims_timeline(claims_frame()).layout
    assert "earlier" not in {close[a].title.text for a in close if a.startswith("xaxis")}


def test_timeline_of_an_undated_article_still_shows_its_claims():
    frame = claims_frame().assign(date="")
    fig = maps.claims_timeline(frame)
    assert not style.is_empty(fig)
    assert {x for t in fig.data for x in t.x} == {"undated"}
    assert sum(len(t.y) for t in fig.data) == frame.groupby(["party", "claim"]).ngroups


def test_cumulative_area_adds_up_gains_per_party_and_overlays_a_reference():
    table = maps.area_table(claims_frame())
    assert table[["party", "date", "cumulative_km2"]].values.tolist() == [
        ["Ukraine", "2022-09-12", 4000.0], ["Ukraine", "2022-10-01", 6000.0]]
    reference = pd.DataFrame({"date": ["2022-09-01", "2022-10-01"], "km2": [124000.0, 110000.0]})
    fig = maps.cumulative_area(claims_frame(), reference, reference_name="Reference: nzz.csv")
    names = [t.name for t in fig.data]
    assert names == ["Ukraine (claimed)", "Reference: nzz.csv"]
    assert fig.data[1].yaxis == "y2" and list(fig.data[0].y) == [4000.0, 6000.0]


def test_map_exports_as_an_image_without_the_internet():
    from components.export import can_render, image_bytes

    if not can_render() and not Path("/usr/bin/chromium").exists():
        pytest.skip("no Chromium for kaleido on this machine")
    png = image_bytes(maps.claims_map(claims_frame()), "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_a_clicked_point_finds_the_claims_behind_it():
    frame = claims_frame()
    fig = maps.claims_timeline(frame)
    ukraine = next(t for t in fig.data if t.name == "Ukraine")
    point = list(ukraine.customdata[list(ukraine.y).index("advancing")])
    wanted = [dict(zip(fig.layout.meta["keys"], point))]
    assert maps.claims_behind(wanted, frame)["claim_id"].tolist() == ["c4"]
    izium = [dict(zip(maps.KEYS, ["Ukraine", "reclaimed", "Izium"]))]
    assert maps.claims_behind(izium, frame)["claim_id"].tolist() == ["c1", "c2"]


def test_hover_says_when_a_village_is_placed_at_its_community_centre():
    from analysis import places

    village = next(p for p in places.gazetteer().places if p.precision == "hromada")
    frame = conform(pd.DataFrame([dict(
        claim_id="v1", article_id="a1", party="Russia", claim="captured", place=village.name, place_type=village.type,
        lat=village.lat, lon=village.lon, date="2022-06-01", evidence="Russian forces captured the village.",
    )]), "claims")
    dots = [t for t in maps.claims_map(frame).data if getattr(t, "hovertext", None)]
    assert "location approximate" in dots[0].hovertext[0]
