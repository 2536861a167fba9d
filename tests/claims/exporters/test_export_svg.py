"""The svg export: the map page's picture of the map, standalone, with nodes linking to passages."""

import xml.etree.ElementTree as ET

from hypothesis import given, settings

from claims.argmap.from_snapshot import map_from_snapshot
from claims.argmap.layout import layout_map
from claims.argmap.svg import render_svg
from claims.snapshot import DocumentSnapshot
from tests.claims.exporters.test_export_formats import export, make_map_snapshot, map_snapshots

SVG = "{http://www.w3.org/2000/svg}"
PAGE = "https://claims.example/documents/4/"


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.encode())  # noqa: S314 (our own export, not untrusted input)


def test_svg_export_is_the_map_core_drawing_with_links_to_the_passages():
    snapshot = make_map_snapshot()
    m = map_from_snapshot(snapshot)
    drawn = render_svg(
        m,
        layout_map(m),
        node_href=lambda node: f"{PAGE}#tag-{node.id}",
        title="India & China: a “breakthrough”",
    )
    assert export("svg", snapshot) == drawn + "\n"


def test_each_node_links_to_its_passage_and_every_link_is_drawn():
    root = parse(export("svg", make_map_snapshot()))
    assert root.get("role") == "group"
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links == [f"{PAGE}#tag-{tag_id}" for tag_id in (11, 12, 13, 14, 16, 15)]
    groups = {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}
    assert {name for name in groups if name.startswith("link-")} == {
        f"link-{i}" for i in range(21, 26)
    }
    assert groups["link-25"].get("data-target-link") == "23"
    assert "implicit" in groups["node-15"].get("class").split()
    assert groups["node-15"].get("aria-label") == (
        "claim (implicit): Officials who meet twice in a month mean to agree."
    )
    assert root.find(f"{SVG}title").text == "India & China: a “breakthrough”"
    assert not list(root.iter(f"{SVG}script"))


def test_without_a_page_the_picture_has_no_links():
    root = parse(export("svg", make_map_snapshot(page_url="")))
    assert root.get("role") == "img"
    assert not list(root.iter(f"{SVG}a"))


def test_an_empty_map_says_so():
    root = parse(export("svg", make_map_snapshot(tags=(), links=())))
    assert "No tags to map." in "".join(root.itertext())


@settings(max_examples=25, deadline=None)
@given(map_snapshots())
def test_random_maps_draw_as_well_formed_svg(snapshot: DocumentSnapshot):
    root = parse(export("svg", snapshot))
    node_groups = [g for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("node-")]
    assert sorted(int(g.get("data-tag")) for g in node_groups) == sorted(
        t.id for t in snapshot.tags
    )
