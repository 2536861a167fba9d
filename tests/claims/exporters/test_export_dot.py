"""The dot export: golden output, quoting, and random maps read back with pydot's DOT parser."""

import re

import pydot
import pytest
from hypothesis import given, settings

from claims.argmap.from_snapshot import map_from_snapshot
from claims.interchange.exporters.dot_export import dot_text, quoted
from claims.snapshot import DocumentSnapshot
from tests.claims.exporters.test_export_aif import map_arguments
from tests.claims.exporters.test_export_formats import export, make_map_snapshot, map_snapshots

# pydot's grammar calls pyparsing methods that pyparsing 3.3 deprecates; not our concern here.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

GOLDEN = """\
// Argument map of "India & China: a “breakthrough”", exported by claim-annotator.
digraph "argument map" {
  graph [rankdir="BT", labelloc="t", fontname="Helvetica", label="India & China: a “breakthrough”"];
  node [fontname="Helvetica", fontsize="11", penwidth="1.5"];
  edge [fontname="Helvetica", fontsize="9", penwidth="1.3"];
  "t11" [shape="box", style="rounded", color="#0072b2", label="CLAIM\\nIndia & China \\"agreed\\" to\\ncooperate on internal\\nsecurity", tooltip="India & China \\"agreed\\" to cooperate on internal security", URL="https://claims.example/documents/4/#tag-11", target="_top"];
  "t12" [shape="note", style="dashed", color="#d55e00", label="EVIDENCE\\nOfficials met twice in April", tooltip="Officials met twice in April", URL="https://claims.example/documents/4/#tag-12", target="_top"];
  "t13" [shape="ellipse", style="dotted", color="#cc79a7", label="OPINION\\nIt is a breakthrough", tooltip="It is a breakthrough", URL="https://claims.example/documents/4/#tag-13", target="_top"];
  "t14" [shape="ellipse", style="dotted", color="#cc79a7", label="OPINION\\ncritics call it a photo\\nopportunity", tooltip="critics call it a photo opportunity", URL="https://claims.example/documents/4/#tag-14", target="_top"];
  "t16" [shape="ellipse", style="dotted", color="#cc79a7", label="OPINION\\nagreements on paper are not\\nresults", tooltip="agreements on paper are not results", URL="https://claims.example/documents/4/#tag-16", target="_top"];
  "t15" [shape="box", style="rounded,filled", color="#0072b2", label="CLAIM · implicit\\nOfficials who meet twice in\\na month mean to agree.", fillcolor="#f2f2f2", tooltip="Officials who meet twice in a month mean to agree.", URL="https://claims.example/documents/4/#tag-15", target="_top"];
  "j21" [shape="point", width="0.1", color="#009e73", tooltip="Linked argument: the premises support the target together"];
  "t12" -> "j21" [style="solid", color="#009e73", arrowhead="none"];
  "t15" -> "j21" [style="solid", color="#009e73", arrowhead="none"];
  "j21" -> "t11" [style="solid", color="#009e73", arrowhead="normal"];
  "j23" [shape="point", width="0.1", color="#009e73", tooltip="The inference of link 23, which is undercut"];
  "t11" -> "j23" [style="solid", color="#009e73", arrowhead="none"];
  "j23" -> "t13" [style="solid", color="#009e73", arrowhead="normal"];
  "t14" -> "t13" [style="dashed", color="#000000", arrowhead="tee"];
  "t16" -> "j23" [style="dotted", color="#000000", arrowhead="diamond"];
}
"""  # noqa: E501 (one node or edge a line, as Graphviz writes them)


def test_dot_export_matches_golden_output():
    assert export("dot", make_map_snapshot()) == GOLDEN


def test_without_a_page_the_nodes_have_no_links():
    text = dot_text(make_map_snapshot(page_url=""))
    assert "URL=" not in text
    assert "target=" not in text


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash \\n", '"back\\\\slash \\\\n"'),
        ("two\r\nlines\rand\nmore", '"two\\nlines\\nand\\nmore"'),
        ("bell\x07 \ufffe", '"bell\ufffd \ufffd"'),
        ("end\\", '"end\\\\"'),
        ("<b>html</b> & {x}", '"<b>html</b> & {x}"'),
    ],
)
def test_quoting(value, written):
    assert quoted(value) == written


def unquote(value: str) -> str:
    """Read a quoted DOT string as Graphviz shows it (escString: \\n, \\\\ and \\")."""
    assert value[0] == value[-1] == '"', value
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "\\": "\\", '"': '"'}[m[1]], value[1:-1])


def read(text: str) -> tuple[dict[str, dict], list[tuple[str, str, dict]]]:
    """Parse DOT with pydot; return the nodes' and the edges' attributes, unquoted."""
    (graph,) = pydot.graph_from_dot_data(text)
    nodes = {
        unquote(n.get_name()): {k: unquote(v) for k, v in n.get_attributes().items()}
        for n in graph.get_nodes()
        if n.get_name() not in ("node", "edge", "graph")
    }
    edges = [
        (
            unquote(e.get_source()),
            unquote(e.get_destination()),
            {k: unquote(v) for k, v in e.get_attributes().items()},
        )
        for e in graph.get_edges()
    ]
    return nodes, edges


RELATIONS = {"solid": "supports", "dashed": "attacks", "dotted": "undercuts"}


def dot_arguments(nodes: dict, edges: list) -> set[tuple]:
    """Read the arguments back from the drawing: direct edges and junctions."""
    premises: dict[str, set[int]] = {}
    onward: dict[str, tuple[str, str]] = {}
    direct = []
    for source, target, attrs in edges:
        if attrs["arrowhead"] == "none":
            premises.setdefault(target, set()).add(int(source[1:]))
        elif source.startswith("j"):
            onward[source] = (RELATIONS[attrs["style"]], target)
        else:
            direct.append((RELATIONS[attrs["style"]], int(source[1:]), target))

    def target_of(name: str) -> tuple:
        return ("node", int(name[1:])) if name.startswith("t") else canon(name)

    def canon(junction: str) -> tuple:
        relation, target = onward[junction]
        return (relation, frozenset(premises[junction]), target_of(target))

    found = {canon(name) for name in nodes if name.startswith("j")}
    found |= {(r, frozenset({s}), target_of(t)) for r, s, t in direct}
    return found


def test_the_golden_drawing_reads_back_as_the_map():
    nodes, edges = read(GOLDEN)
    assert dot_arguments(nodes, edges) == map_arguments(map_from_snapshot(make_map_snapshot()))
    assert nodes["t15"]["label"].split("\n")[0] == "CLAIM \u00b7 implicit"
    assert nodes["t15"]["tooltip"] == "Officials who meet twice in a month mean to agree."
    assert nodes["j21"]["shape"] == "point"


def shown(text: str) -> str:
    """What a tooltip shows of a text: line ends as line feeds, unshowable characters as U+FFFD."""
    text = re.sub("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "\ufffd", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=40, deadline=None)
@given(map_snapshots())
def test_random_maps_parse_as_the_same_map(snapshot: DocumentSnapshot):
    nodes, edges = read(export("dot", snapshot))
    m = map_from_snapshot(snapshot)
    assert {name: attrs["tooltip"] for name, attrs in nodes.items() if name[0] == "t"} == {
        f"t{node.id}": shown(node.text) for node in m.nodes
    }
    assert dot_arguments(nodes, edges) == map_arguments(m)
