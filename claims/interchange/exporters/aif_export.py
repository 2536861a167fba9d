"""The Argument Interchange Format (AIF) in the JSON that AIFdb serves and OVA loads.

::

    {"nodes": [{"nodeID": "1", "text": "...", "type": "I", "timestamp": "2024-05-01 09:30:00",
                "claimKind": "claim", "implicit": false}, ...,
               {"nodeID": "7", "text": "Default Inference", "type": "RA", "timestamp": ...}],
     "edges": [{"edgeID": "1", "fromID": "2", "toID": "7", "formEdgeID": null}, ...],
     "locutions": []}

Each tag is an I-node whose text is its quote (an implicit statement's own text). Each argument
of the map is one scheme node: an RA-node ("Default Inference") for support, a CA-node ("Default
Conflict") for an attack or an undercut. Its premises point at it and it points at its
conclusion: the tag it supports or attacks (I -> RA -> I, I -> CA -> I), or for an undercut the
scheme node of the argument it attacks (I -> CA -> RA). A linked argument (a group of premises)
is one scheme node with several incoming I-nodes; an ungrouped link is an argument of its own.
So the structural rules of AIF hold: no edge joins two I-nodes, and every RA/CA-node has at
least one premise and exactly one conclusion.

Readers of AIFdb JSON look nodes up by ``nodeID``, ``text`` and ``type`` and ignore other keys
(AIFdb's own files carry ``scheme``/``schemeID`` on scheme nodes this way), so the tag's kind
travels as ``claimKind`` and an implicit statement is marked ``"implicit": true`` on its I-node.
An undercut attacks one link of the map, but AIF only names the scheme node of the argument,
which for a linked argument holds several links; so an undercut's CA-node carries
``"targetPremise"``: the nodeID of the premise whose link it attacks. Without it, one
statement's undercuts of two links of a linked argument would read as one argument repeated.
Ids are strings numbered from 1 in reading order; timestamps are UTC ("YYYY-MM-DD HH:MM:SS"),
taken from the tag or from the argument's first link. There are no locutions: the map holds
what the text argues, not who said it when.

A project export is one graph of all its documents' maps, numbered on across documents. Nodes
stream a document at a time; each document's edges wait in a temporary file (their ids come
after all the nodes in the file) and follow the last node.
"""

import datetime
import tempfile
from collections.abc import Iterator
from typing import ClassVar, TextIO

from claims.argmap.from_snapshot import map_from_snapshot
from claims.argmap.graph import validate
from claims.interchange.exporters.base import json_text
from claims.snapshot import DocumentSnapshot, ProjectSnapshot

SCHEMES = {
    "supports": ("RA", "Default Inference"),
    "attacks": ("CA", "Default Conflict"),
    "undercuts": ("CA", "Default Conflict"),
}
PROFILE = "http://www.arg.dundee.ac.uk/aif"
#: For rows without a time (a hand-built snapshot); exports of saved documents always have one.
NO_TIME = "1970-01-01 00:00:00"


def aif_time(value: datetime.datetime | None) -> str:
    """Return an AIFdb timestamp ("YYYY-MM-DD HH:MM:SS", UTC)."""
    if value is None:
        return NO_TIME
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")


def aif_graph(snapshot: DocumentSnapshot, *, first_node: int = 1, first_edge: int = 1) -> dict:
    """Return the snapshot's argument map as AIF JSON data (see the module).

    Node and edge ids count on from ``first_node`` and ``first_edge``.
    """
    m = map_from_snapshot(snapshot)
    validate(m)
    tag_times = {t.id: t.created_at for t in snapshot.tags}
    link_times = {lk.id: lk.created_at for lk in snapshot.links}
    nodes: list[dict] = []
    i_node: dict[int, str] = {}
    for node in m.nodes:
        node_id = str(first_node + len(nodes))
        i_node[node.id] = node_id
        nodes.append(
            {
                "nodeID": node_id,
                "text": node.text,
                "type": "I",
                "timestamp": aif_time(tag_times.get(node.id)),
                "claimKind": node.kind,
                "implicit": node.implicit,
            }
        )
    arguments = m.arguments()
    s_node: dict[str, str] = {}
    argument_of_edge: dict[int, str] = {}
    for argument in arguments:
        node_id = str(first_node + len(nodes))
        s_node[argument.id] = node_id
        argument_of_edge.update(dict.fromkeys(argument.edge_ids, argument.id))
        kind, text = SCHEMES[argument.relation]
        record: dict = {
            "nodeID": node_id,
            "text": text,
            "type": kind,
            "timestamp": aif_time(link_times.get(argument.edge_ids[0])),
        }
        if argument.target_edge is not None:
            record["targetPremise"] = i_node[m.edge_by_id[argument.target_edge].source]
        nodes.append(record)
    edges: list[dict] = []

    def edge(from_id: str, to_id: str) -> None:
        edges.append(
            {
                "edgeID": str(first_edge + len(edges)),
                "fromID": from_id,
                "toID": to_id,
                "formEdgeID": None,
            }
        )

    for argument in arguments:
        scheme = s_node[argument.id]
        for premise in argument.premises:
            edge(i_node[premise], scheme)
        if argument.target_node is not None:
            edge(scheme, i_node[argument.target_node])
        else:
            edge(scheme, s_node[argument_of_edge[argument.target_edge or 0]])
    return {"nodes": nodes, "edges": edges, "locutions": []}


class AifExporter:
    """The argument map as AIF JSON for AIFdb and OVA (see the module)."""

    name: ClassVar[str] = "aif"
    description: ClassVar[str] = (
        "Argument Interchange Format (AIF) JSON: the argument map for AIFdb and OVA."
    )
    # The profile (RFC 6906) names the AIF specification, so that an Accept header can ask for
    # AIF rather than our own JSON; without it both are plain application/json.
    media_type: ClassVar[str] = f'application/json; profile="{PROFILE}"'
    extension: ClassVar[str] = "json"

    def export(self, snapshot: DocumentSnapshot, out: TextIO) -> None:
        out.write(json_text(aif_graph(snapshot)))
        out.write("\n")

    def project_chunks(self, project: ProjectSnapshot) -> Iterator[str]:
        """One graph of every document's map: the text ``json_text`` makes of it whole."""
        yield '{\n  "nodes": ['
        node_separator = edge_separator = "\n    "
        next_node = next_edge = 1
        with tempfile.TemporaryFile("w+", encoding="utf-8") as edges:
            for snapshot in project.documents:
                graph = aif_graph(snapshot, first_node=next_node, first_edge=next_edge)
                next_node += len(graph["nodes"])
                next_edge += len(graph["edges"])
                for node in graph["nodes"]:
                    yield node_separator + json_text(node, level=2)
                    node_separator = ",\n    "
                for edge in graph["edges"]:
                    edges.write(edge_separator + json_text(edge, level=2))
                    edge_separator = ",\n    "
            yield ("\n  ]" if next_node > 1 else "]") + ',\n  "edges": ['
            edges.seek(0)
            while chunk := edges.read(64 * 1024):
                yield chunk
        yield ("\n  ]" if next_edge > 1 else "]") + ',\n  "locutions": []\n}\n'
