"""The graphml export: golden output and random maps that survive a round trip through GraphML.

The export is read back with networkx (``map_from_graphml``) and with the standard library's XML
parser, so the file is GraphML that other tools can read too, not only networkx.
"""

import dataclasses
import xml.etree.ElementTree as ET

from hypothesis import given

from claims.argmap.from_snapshot import map_from_snapshot
from claims.argmap.graph import ArgumentMap
from claims.interchange.exporters.graphml_export import map_from_graphml, xml_safe
from claims.snapshot import DocumentSnapshot
from tests.claims.exporters.test_export_formats import export, make_map_snapshot, map_snapshots

NS = "{http://graphml.graphdrawing.org/xmlns}"

GOLDEN = """\
<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
  <key id="d14" for="edge" attr.name="group" attr.type="string" />
  <key id="d13" for="edge" attr.name="argument" attr.type="string" />
  <key id="d12" for="edge" attr.name="author" attr.type="string" />
  <key id="d11" for="edge" attr.name="relation" attr.type="string" />
  <key id="d10" for="edge" attr.name="id" attr.type="long" />
  <key id="d9" for="node" attr.name="edge" attr.type="long" />
  <key id="d8" for="node" attr.name="status" attr.type="string" />
  <key id="d7" for="node" attr.name="start" attr.type="long" />
  <key id="d6" for="node" attr.name="paragraph_position" attr.type="long" />
  <key id="d5" for="node" attr.name="implicit" attr.type="boolean" />
  <key id="d4" for="node" attr.name="author" attr.type="string" />
  <key id="d3" for="node" attr.name="text" attr.type="string" />
  <key id="d2" for="node" attr.name="kind" attr.type="string" />
  <key id="d1" for="graph" attr.name="document" attr.type="long" />
  <key id="d0" for="graph" attr.name="title" attr.type="string" />
  <graph edgedefault="directed">
    <node id="11">
      <data key="d2">claim</data>
      <data key="d3">India &amp; China "agreed" to cooperate on internal security</data>
      <data key="d4">alice</data>
      <data key="d5">false</data>
      <data key="d6">0</data>
      <data key="d7">0</data>
      <data key="d8">accepted</data>
    </node>
    <node id="12">
      <data key="d2">evidence</data>
      <data key="d3">Officials met twice in April</data>
      <data key="d4">bob</data>
      <data key="d5">false</data>
      <data key="d6">0</data>
      <data key="d7">58</data>
      <data key="d8">accepted</data>
    </node>
    <node id="13">
      <data key="d2">opinion</data>
      <data key="d3">It is a breakthrough</data>
      <data key="d4">alice</data>
      <data key="d5">false</data>
      <data key="d6">1</data>
      <data key="d7">0</data>
      <data key="d8">disputed</data>
    </node>
    <node id="14">
      <data key="d2">opinion</data>
      <data key="d3">critics call it a photo opportunity</data>
      <data key="d4">bob</data>
      <data key="d5">false</data>
      <data key="d6">1</data>
      <data key="d7">39</data>
      <data key="d8">pending</data>
    </node>
    <node id="16">
      <data key="d2">opinion</data>
      <data key="d3">agreements on paper are not results</data>
      <data key="d4">carol</data>
      <data key="d5">false</data>
      <data key="d6">1</data>
      <data key="d7">80</data>
      <data key="d8">pending</data>
    </node>
    <node id="15">
      <data key="d2">claim</data>
      <data key="d3">Officials who meet twice in a month mean to agree.</data>
      <data key="d4">bob</data>
      <data key="d5">true</data>
      <data key="d8">pending</data>
    </node>
    <node id="e23">
      <data key="d2">inference</data>
      <data key="d9">23</data>
    </node>
    <edge source="11" target="13" id="23">
      <data key="d10">23</data>
      <data key="d11">supports</data>
      <data key="d12">alice</data>
      <data key="d13">e23</data>
    </edge>
    <edge source="12" target="11" id="21">
      <data key="d10">21</data>
      <data key="d11">supports</data>
      <data key="d12">bob</data>
      <data key="d13">meetings</data>
      <data key="d14">meetings</data>
    </edge>
    <edge source="14" target="13" id="24">
      <data key="d10">24</data>
      <data key="d11">attacks</data>
      <data key="d12">bob</data>
      <data key="d13">e24</data>
    </edge>
    <edge source="16" target="e23" id="25">
      <data key="d10">25</data>
      <data key="d11">undercuts</data>
      <data key="d12">carol</data>
      <data key="d13">e25</data>
    </edge>
    <edge source="15" target="11" id="22">
      <data key="d10">22</data>
      <data key="d11">supports</data>
      <data key="d12">bob</data>
      <data key="d13">meetings</data>
      <data key="d14">meetings</data>
    </edge>
    <data key="d0">India &amp; China: a “breakthrough”</data>
    <data key="d1">4</data>
  </graph>
</graphml>
"""  # noqa: E501 (the schema location is one long line)


def test_graphml_export_matches_golden_output():
    assert export("graphml", make_map_snapshot()) == GOLDEN


def test_the_golden_graph_reads_back_as_the_map():
    assert map_from_graphml(GOLDEN) == map_from_snapshot(make_map_snapshot())


def test_an_undercut_ends_on_a_node_standing_for_the_inference_it_attacks():
    root = ET.fromstring(GOLDEN.encode())  # noqa: S314 (our own export, not untrusted input)
    keys = {k.get("id"): k.get("attr.name") for k in root.iter(f"{NS}key")}

    def data(element) -> dict:
        return {keys[d.get("key")]: d.text for d in element.findall(f"{NS}data")}

    nodes = {n.get("id"): data(n) for n in root.iter(f"{NS}node")}
    edges = {
        e.get("id"): (e.get("source"), e.get("target"), data(e)) for e in root.iter(f"{NS}edge")
    }
    assert nodes["e23"] == {"kind": "inference", "edge": "23"}
    assert edges["25"][:2] == ("16", "e23")
    assert edges["25"][2]["relation"] == "undercuts"
    assert edges["21"][2]["group"] == edges["22"][2]["group"] == "meetings"
    assert nodes["15"]["implicit"] == "true"
    assert nodes["11"]["implicit"] == "false"
    assert "paragraph_position" not in nodes["15"]
    assert data(root.find(f"{NS}graph"))["title"] == "India & China: a “breakthrough”"


def as_written(m: ArgumentMap) -> ArgumentMap:
    """Return the map as GraphML can hold it: characters XML forbids become U+FFFD."""
    return ArgumentMap(
        nodes=tuple(
            dataclasses.replace(n, text=xml_safe(n.text), author=xml_safe(n.author))
            for n in m.nodes
        ),
        edges=m.edges,
    )


@given(map_snapshots())
def test_random_maps_survive_a_graphml_round_trip(snapshot: DocumentSnapshot):
    text = export("graphml", snapshot)
    ET.fromstring(text.encode())  # noqa: S314 (well-formed for any XML parser)
    assert map_from_graphml(text) == as_written(map_from_snapshot(snapshot))


def test_carriage_returns_and_control_characters():
    snapshot = make_map_snapshot()
    tags = list(snapshot.tags)
    tags[0] = dataclasses.replace(tags[0], quote="a\r\nb\rc\x01d\ufffee")
    text = export("graphml", make_map_snapshot(tags=tuple(tags)))
    assert "a&#13;\nb&#13;c\ufffdd\ufffde" in text
    node = map_from_graphml(text).node_by_id[11]
    assert node.text == "a\r\nb\rc\ufffdd\ufffde"
