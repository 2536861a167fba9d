"""The map as SVG: valid XML, one group per node and edge, escaped user text, distinct styles."""

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.argmap.graph import ArgumentMap, MapEdge, MapNode
from claims.argmap.layout import layout_map
from claims.argmap.svg import render_svg, style, xml_text
from tests.claims.argmap.test_argmap_graph import maps

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
HOSTILE = "<script>alert('x')</script> & \"quoted\" ]]> <!-- --> \u0000\u0008 \ud800 end"


def node(id: int, kind: str = "claim", text: str = "", **kwargs) -> MapNode:
    return MapNode(id=id, kind=kind, text=text or f"statement {id}", author="ana", **kwargs)


def draw(m: ArgumentMap, **kwargs) -> tuple[str, ET.Element]:
    svg = render_svg(m, layout_map(m), **kwargs)
    return svg, ET.fromstring(svg)  # noqa: S314 (our own output, parsed to check it)


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if cls in g.get("class", "").split()]


EXAMPLE = ArgumentMap(
    nodes=(
        node(1, text="Cities should ban cars"),
        node(2, "evidence", "Pollution fell 30%"),
        node(3, "evidence", "Shops did well", paragraph_position=0, start=5),
        node(4, "opinion", "Cars are ugly"),
        node(5, text="Oslo is not typical", implicit=True),
    ),
    edges=(
        MapEdge(1, 2, "supports", 1),
        MapEdge(2, 3, "supports", 1, group="g"),
        MapEdge(3, 4, "supports", 1, group="g"),
        MapEdge(4, 5, "undercuts", target_edge=1),
        MapEdge(5, 4, "attacks", 1),
    ),
)


def test_standalone_svg_with_title_and_accessible_name():
    svg, root = draw(EXAMPLE, title="Op-ed map")
    assert root.tag == f"{SVG}svg"
    assert re.fullmatch(r"0 0 \d+ \d+", root.get("viewBox"))
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Op-ed map: 5 statements and 5 links"
    assert root.find("svg:title", NS).text == "Op-ed map"
    assert root.find("svg:style", NS) is not None
    assert not list(root.iter(f"{SVG}script"))
    assert not re.search(r"\son\w+=", svg)  # no event handler attributes


def test_one_group_per_node_and_per_edge_with_ids_and_data():
    _, root = draw(EXAMPLE)
    nodes = groups(root, "node")
    assert [g.get("id") for g in nodes] == [f"node-{i}" for i in range(1, 6)]
    assert [g.get("data-tag") for g in nodes] == ["1", "2", "3", "4", "5"]
    assert all(g.get("tabindex") == "0" for g in nodes)
    assert [g.get("class") for g in nodes] == [
        "node k-claim",
        "node k-evidence",
        "node k-evidence",
        "node k-opinion",
        "node k-claim implicit",
    ]
    edges = groups(root, "edge")
    assert [(g.get("data-link"), g.get("class")) for g in edges] == [
        ("1", "edge supports"),
        ("2", "edge supports linked"),
        ("3", "edge supports linked"),
        ("4", "edge undercuts"),
        ("5", "edge attacks"),
    ]
    assert edges[3].get("data-target-link") == "1"
    assert edges[4].get("data-target") == "1"
    (junction,) = groups(root, "junction")
    assert junction.get("data-argument") == "g"
    assert junction.find("svg:path", NS).get("marker-end") == "url(#m-supports)"


def test_nodes_hold_full_text_in_a_title_and_a_kind_label():
    long_text = "A claim that goes on and on " * 8
    m = ArgumentMap(nodes=(node(1, text=long_text), node(2, text="x", implicit=True)), edges=())
    _, root = draw(m)
    first, implicit = groups(root, "node")
    assert first.find("svg:title", NS).text == long_text
    labels = [t.text for t in first.iter(f"{SVG}text") if t.get("class") == "kind"]
    assert labels == ["CLAIM"]
    shown = " ".join(t.text for t in first.iter(f"{SVG}tspan"))
    assert shown.endswith("\u2026")
    assert len(shown) <= 120
    assert [t.text for t in implicit.iter(f"{SVG}text") if t.get("class") == "kind"] == [
        "CLAIM \u00b7 implicit"
    ]


def test_edges_differ_by_line_style_and_marker_not_colour_alone():
    _, root = draw(EXAMPLE)
    by_link = {g.get("data-link"): g for g in groups(root, "edge")}
    markers = {k: g.find("svg:path", NS).get("marker-end") for k, g in by_link.items()}
    assert markers == {
        "1": "url(#m-supports)",
        "2": None,
        "3": None,
        "4": "url(#m-undercuts)",
        "5": "url(#m-attacks)",
    }
    labels = {k: [t.text for t in g.iter(f"{SVG}text")] for k, g in by_link.items()}
    assert labels["5"] == ["attacks"]
    assert labels["4"] == ["undercuts"]
    assert labels["1"] == []
    marker_ids = {m.get("id") for m in root.iter(f"{SVG}marker")}
    assert marker_ids == {"m-supports", "m-attacks", "m-undercuts"}
    # Dashes tell the kinds and relations apart; claims and supports stay solid.
    rules = dict(re.findall(r"\.argmap ([^{]+?) \{([^}]*)\}", style()))
    assert "dasharray" in rules[".k-evidence rect"]
    assert "dasharray" in rules[".k-opinion rect"]
    assert "dasharray" not in rules[".k-claim rect"]
    assert rules[".k-evidence rect"] != rules[".k-opinion rect"]
    assert "dasharray" in rules[".attacks path"]
    assert "dasharray" in rules[".undercuts path"]
    assert "dasharray" not in rules[".supports path"]
    for colour in ("#0072b2", "#d55e00", "#cc79a7"):
        assert colour in style()


def test_hostile_text_is_escaped_everywhere():
    m = ArgumentMap(
        nodes=(node(1, text=HOSTILE), node(2, "evidence", text="& <b>bold</b>")),
        edges=(MapEdge(1, 2, "supports", 1),),
    )
    svg, root = draw(m, title="<title>&'\"", node_href=lambda n: f'/d/1/?tag={n.id}&x="<y>')
    assert "<script" not in svg
    assert "<b>" not in svg
    assert not list(root.iter(f"{SVG}script"))
    assert root.find("svg:title", NS).text == "<title>&'\""
    (first, _second) = groups(root, "node")
    assert first.find("svg:title", NS).text == (
        "<script>alert('x')</script> & \"quoted\" ]]> <!-- --> \ufffd\ufffd \ufffd end"
    )
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == ['/d/1/?tag=1&x="<y>', '/d/1/?tag=2&x="<y>']
    edge_title = groups(root, "edge")[0].find("svg:title", NS).text
    assert edge_title.startswith("\u201c& <b>bold</b>\u201d supports \u201c<script>alert('x')")


def test_linked_nodes_take_focus_through_their_link():
    _svg, root = draw(EXAMPLE, node_href=lambda n: f"/documents/7/#tag-{n.id}")
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == [f"/documents/7/#tag-{i}" for i in range(1, 6)]
    for a in links:
        (group,) = a.findall("svg:g", NS)
        assert "node" in group.get("class")
        assert group.get("tabindex") is None
    assert root.get("role") == "group"  # role="img" would hide the links


def test_a_layout_of_another_map_is_refused():
    layout = layout_map(EXAMPLE)
    with pytest.raises(ValueError, match="layout was made for another map"):
        render_svg(EXAMPLE.filtered(statuses={"accepted"}), layout)


def test_empty_map_draws_a_message():
    _, root = draw(ArgumentMap(nodes=(), edges=()))
    assert [t.text for t in root.iter(f"{SVG}text")] == ["No tags to map."]
    assert root.get("viewBox") == "0 0 360 64"


def test_xml_text_replaces_what_xml_cannot_hold():
    assert (
        xml_text("a\u0001b\ufffe\U0001f600<&>'\"")
        == "a\ufffdb\ufffd\U0001f600&lt;&amp;&gt;&apos;&quot;"
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(maps(max_nodes=8, max_edges=12, text=st.text(min_size=1, max_size=60)), st.text())
def test_any_map_and_text_renders_as_well_formed_svg(m, title):
    _svg, root = draw(m, title=title, node_href=lambda n: f"/x?{n.text}")
    assert len(groups(root, "node")) == len(m.nodes)
    assert len(groups(root, "edge")) == len(m.edges)
    assert len(groups(root, "junction")) == sum(a.linked for a in m.arguments())
    titles = [g.find("svg:title", NS).text for g in groups(root, "node")]
    assert titles == [NOT_XML.sub("\ufffd", n.text) for n in m.nodes]
    assert root.find("svg:title", NS).text == NOT_XML.sub("\ufffd", title or "Argument map")
