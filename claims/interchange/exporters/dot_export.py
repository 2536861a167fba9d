"""Graphviz DOT of the argument map: ``dot -Tsvg map.dot > map.svg`` draws it.

Conclusions sit on top (``rankdir=BT``: an edge points up from premise to target). A tag is node
``t<id>`` labelled with its kind and its shortened text (the full text is the tooltip, and with
the document's page known the node links to its passage). Kinds differ by shape and border as
well as colour: claims are rounded boxes, evidence dashed notes, opinions dotted ellipses;
implicit statements are filled grey and labelled "implicit". Supports are solid green arrows,
attacks dashed black lines ending in a bar, undercuts dotted black lines ending in a diamond.

An argument of one premise is one edge. A linked argument (premises that work only together) and
any argument that is undercut pass through a junction, a point node ``j<first link id>``: the
premises run into it and one edge runs on to the target. An undercut ends on the junction of the
argument it attacks, that is, on the edge it attacks.

Every id and value is a quoted string: backslashes and double quotes are escaped, line breaks
become ``\\n`` and characters Graphviz cannot show become U+FFFD.
"""

import re
from collections.abc import Mapping
from typing import ClassVar, TextIO

from claims.argmap.from_snapshot import map_from_snapshot
from claims.argmap.graph import Argument, MapNode, validate
from claims.argmap.layout import node_lines
from claims.kinds import kind_of
from claims.snapshot import DocumentSnapshot

GRAPH_ATTRS = {"rankdir": "BT", "labelloc": "t", "fontname": "Helvetica"}
RELATION_STYLES = {
    "supports": {"style": "solid", "color": "#009e73", "arrowhead": "normal"},
    "attacks": {"style": "dashed", "color": "#000000", "arrowhead": "tee"},
    "undercuts": {"style": "dotted", "color": "#000000", "arrowhead": "diamond"},
}
_NOT_SHOWN = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _kind_style(value: str) -> dict[str, object]:
    """Return a node's shape, style and colour from the kind registry."""
    kind = kind_of(value)
    if kind is None:  # validate() has refused the map already
        raise ValueError(f"Unknown kind {value!r}.")
    return {"shape": kind.dot_shape, "style": kind.dot_style, "color": kind.colour}


def quoted(value: object) -> str:
    """Return ``value`` as a DOT quoted string that Graphviz shows as it is."""
    text = _NOT_SHOWN.sub("\ufffd", str(value))
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return f'"{text}"'


def _attrs(attrs: Mapping[str, object]) -> str:
    return "[" + ", ".join(f"{key}={quoted(value)}" for key, value in attrs.items()) + "]"


def _label(node: MapNode) -> str:
    kind = node.kind.upper() + (" \u00b7 implicit" if node.implicit else "")
    return "\n".join((kind, *node_lines(node.text)))


def dot_text(snapshot: DocumentSnapshot) -> str:
    """Return the snapshot's argument map as a DOT digraph (see the module)."""
    m = map_from_snapshot(snapshot)
    validate(m)
    arguments = m.arguments()
    argument_of_edge = {e: a for a in arguments for e in a.edge_ids}
    undercut = {argument_of_edge[a.target_edge].id for a in arguments if a.target_edge is not None}
    junction = {a.id: f"j{a.edge_ids[0]}" for a in arguments if a.linked or a.id in undercut}

    def target_of(argument: Argument) -> str:
        if argument.target_node is not None:
            return f"t{argument.target_node}"
        return junction[argument_of_edge[argument.target_edge or 0].id]

    lines = [
        f"// Argument map of {quoted(snapshot.title)}, exported by claim-annotator.",
        f"digraph {quoted('argument map')} {{",
        f"  graph {_attrs(GRAPH_ATTRS | {'label': snapshot.title})};",
        '  node [fontname="Helvetica", fontsize="11", penwidth="1.5"];',
        '  edge [fontname="Helvetica", fontsize="9", penwidth="1.3"];',
    ]
    for node in m.nodes:
        attrs: dict[str, object] = {**_kind_style(node.kind), "label": _label(node)}
        if node.implicit:
            attrs["style"] = f"{attrs['style']},filled"
            attrs["fillcolor"] = "#f2f2f2"
        attrs["tooltip"] = node.text
        if snapshot.page_url:
            attrs["URL"] = f"{snapshot.page_url}#tag-{node.id}"
            attrs["target"] = "_top"
        lines.append(f"  {quoted(f't{node.id}')} {_attrs(attrs)};")
    for argument in arguments:
        style = RELATION_STYLES[argument.relation]
        if argument.id not in junction:
            (premise,) = argument.premises
            lines.append(
                f"  {quoted(f't{premise}')} -> {quoted(target_of(argument))} {_attrs(style)};"
            )
            continue
        point = junction[argument.id]
        if argument.linked:
            verb = argument.relation.removesuffix("s")
            what = f"Linked argument: the premises {verb} the target together"
        else:
            what = f"The inference of link {argument.edge_ids[0]}, which is undercut"
        lines.append(
            f"  {quoted(point)} "
            + _attrs({"shape": "point", "width": "0.1", "color": style["color"], "tooltip": what})
            + ";"
        )
        for premise in argument.premises:
            into = {**style, "arrowhead": "none"}
            lines.append(f"  {quoted(f't{premise}')} -> {quoted(point)} {_attrs(into)};")
        lines.append(f"  {quoted(point)} -> {quoted(target_of(argument))} {_attrs(style)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


class DotExporter:
    """The argument map as a Graphviz DOT digraph (see the module)."""

    name: ClassVar[str] = "dot"
    description: ClassVar[str] = "Graphviz DOT source of the argument map, to draw it with dot."
    media_type: ClassVar[str] = "text/vnd.graphviz"
    extension: ClassVar[str] = "dot"

    def export(self, snapshot: DocumentSnapshot, out: TextIO) -> None:
        out.write(dot_text(snapshot))
