"""GraphML (graphml.graphdrawing.org) of the argument map, written and read back with networkx.

The graph is ``ArgumentMap.to_networkx()``: a directed multigraph with one node per tag (its id;
data ``kind``, ``text``, ``author``, ``implicit``, ``status``, and for a passage
``paragraph_position`` and ``start``) and one edge per link, from premise to target, keyed by the
link id (data ``id``, ``relation``, ``author``, ``argument`` and, in a linked argument,
``group``). An edge cannot end on an edge, so an undercut ends on a node ``e<link id>`` that
stands for the inference it attacks (data ``kind="inference"`` and ``edge=<link id>``); tools
that know nothing of undercuts still see a well-formed graph, and ``map_from_graphml`` turns those
nodes back into undercuts. The graph's own data holds the document's ``title`` and ``document``
id.

XML 1.0 cannot hold most control characters, so they become U+FFFD; a carriage return is
written as ``&#13;`` so that it is not read back as a line feed. Booleans are written ``true``
and ``false`` as XML Schema spells them (networkx alone writes Python's ``True``).
"""

import io
import re
from typing import ClassVar, TextIO

import networkx as nx

from claims.argmap.from_snapshot import map_from_snapshot
from claims.argmap.graph import ArgumentMap, MapEdge, MapNode, validate
from claims.snapshot import DocumentSnapshot

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Replace the characters XML 1.0 cannot hold with U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def graphml_graph(snapshot: DocumentSnapshot) -> nx.MultiDiGraph:
    """Return the snapshot's argument map as the networkx graph that is written out."""
    m = map_from_snapshot(snapshot)
    validate(m)
    graph = m.to_networkx()
    for _, data in graph.nodes(data=True):
        for key in ("text", "author"):
            if key in data:
                data[key] = xml_safe(data[key])
    for _, _, data in graph.edges(data=True):
        for key in ("author", "group", "argument"):
            if key in data:
                data[key] = xml_safe(data[key])
    graph.graph["title"] = xml_safe(snapshot.title)
    if snapshot.id is not None:
        graph.graph["document"] = snapshot.id
    return graph


def graphml_text(snapshot: DocumentSnapshot) -> str:
    """Return the snapshot's argument map as a GraphML document."""
    buffer = io.BytesIO()
    # Written whole: generate_graphml splits its output into lines, which loses a raw "\r".
    # The standard library's writer, named so that installing lxml does not change the output.
    nx.write_graphml_xml(graphml_graph(snapshot), buffer, encoding="utf-8")
    text = buffer.getvalue().decode("utf-8")
    # networkx writes Python's True/False, but XML Schema booleans are true/false.
    booleans = "|".join(re.findall(r'<key id="(\w+)" for="\w+" [^>]*attr.type="boolean"', text))
    if booleans:
        text = re.sub(
            rf'(<data key="(?:{booleans})">)(True|False)</data>',
            lambda match: f"{match[1]}{match[2].lower()}</data>",
            text,
        )
    # The writer leaves a carriage return raw, which XML parsers read as a line feed; raw ones
    # can only be inside text, where a character reference means the same.
    return text.replace("\r", "&#13;")


def map_from_graphml(text: str) -> ArgumentMap:
    """Rebuild the argument map from a GraphML export (the inverse of ``graphml_text``)."""
    graph = nx.parse_graphml(text, force_multigraph=True)
    nodes = []
    inference_of: dict[str, int] = {}
    for node_id, data in graph.nodes(data=True):
        if data.get("kind") == "inference":
            inference_of[node_id] = int(data["edge"])
            continue
        nodes.append(
            MapNode(
                id=int(node_id),
                kind=data["kind"],
                text=data.get("text", ""),
                author=data.get("author", ""),
                implicit=bool(data.get("implicit", False)),
                paragraph_position=data.get("paragraph_position"),
                start=data.get("start"),
                status=data.get("status", "pending"),
            )
        )
    edges = []
    for source, target, data in graph.edges(data=True):
        undercut = target in inference_of
        edges.append(
            MapEdge(
                id=int(data["id"]),
                source=int(source),
                relation=data["relation"],
                target_node=None if undercut else int(target),
                target_edge=inference_of[target] if undercut else None,
                group=data.get("group"),
                author=data.get("author", ""),
            )
        )
    return ArgumentMap(
        nodes=tuple(sorted(nodes, key=lambda n: n.reading_order)),
        edges=tuple(sorted(edges, key=lambda e: e.id)),
    )


class GraphmlExporter:
    """The argument map as GraphML (see the module)."""

    name: ClassVar[str] = "graphml"
    description: ClassVar[str] = (
        "GraphML of the argument map, for graph tools such as networkx, Gephi or yEd."
    )
    media_type: ClassVar[str] = "application/graphml+xml"
    extension: ClassVar[str] = "graphml"

    def export(self, snapshot: DocumentSnapshot, out: TextIO) -> None:
        out.write(graphml_text(snapshot))
