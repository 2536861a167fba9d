"""Draw a laid-out argument map as one standalone SVG picture (the map page and the SVG export).

Kinds differ by border style and a label as well as by colour (Okabe-Ito): claims solid, evidence
dashed, opinions dotted, implicit statements dash-dotted on grey and labelled "implicit". Supports
are solid green lines with a filled arrowhead; attacks dashed black lines ending in a bar, labelled;
undercuts dotted black lines ending in a diamond on the midpoint of the edge they attack. All text
is user data and is escaped; characters XML cannot hold become U+FFFD. No script.
"""

import re
from collections.abc import Callable
from math import ceil
from xml.sax.saxutils import escape

from claims.argmap.graph import ArgumentMap, MapEdge, MapNode
from claims.argmap.layout import FONT_SIZE, LABEL_HEIGHT, LINE_HEIGHT, PAD_X, PAD_Y, Layout, Point
from claims.argmap.text import shorten
from claims.kinds import all_kinds

#: The relations' colours; each kind's colour and border come from the kind registry.
COLOURS = {
    "supports": "#009e73",
    "attacks": "#000000",
    "undercuts": "#000000",
}
TITLE_CHARS = 60  # quotes in edge titles
EMPTY_SIZE = (360, 64)

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_STYLE_HEAD = f"""
.argmap text {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
  sans-serif; font-size: {FONT_SIZE}px; fill: #1a1a1a; }}
.argmap .node rect {{ fill: #ffffff; stroke-width: 2; }}
"""

_STYLE_TAIL = f"""\
.argmap .node.implicit rect {{ fill: #f2f2f2; stroke-dasharray: 10 3 2 3; }}
.argmap .node .kind {{ font-size: 10px; font-weight: 700; letter-spacing: 0.06em; }}
.argmap .node:hover rect, .argmap .node:focus rect, .argmap a:focus .node rect {{
  stroke-width: 4; }}
.argmap .node:focus, .argmap a:focus {{ outline: 2px solid #000000; outline-offset: 2px; }}
.argmap .edge path, .argmap .junction path {{ fill: none; stroke-width: 1.6; }}
.argmap .supports path {{ stroke: {COLOURS["supports"]}; }}
.argmap .attacks path {{ stroke: {COLOURS["attacks"]}; stroke-dasharray: 7 4; }}
.argmap .undercuts path {{ stroke: {COLOURS["undercuts"]}; stroke-dasharray: 2 3; }}
.argmap .junction.supports circle {{ fill: {COLOURS["supports"]}; }}
.argmap .junction.attacks circle, .argmap .junction.undercuts circle {{ fill: #000000; }}
.argmap .edge-label {{ font-size: 10px; font-style: italic; paint-order: stroke;
  stroke: #ffffff; stroke-width: 3px; }}
.argmap .empty {{ font-size: 14px; }}
"""


def style() -> str:
    """Return the map's stylesheet, each kind's border drawn from the kind registry."""
    kinds = "".join(
        f".argmap .k-{k.value} rect {{ stroke: {k.colour};"
        + (f" stroke-dasharray: {k.map_dash};" if k.map_dash else "")
        + " }\n"
        for k in all_kinds()
    )
    return _STYLE_HEAD + kinds + _STYLE_TAIL


MARKERS = f"""<defs>
<marker id="m-supports" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="11" markerHeight="11" \
markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" \
fill="{COLOURS["supports"]}"/></marker>
<marker id="m-attacks" viewBox="0 0 4 16" refX="3.5" refY="8" markerWidth="4" markerHeight="16" \
markerUnits="userSpaceOnUse" orient="auto"><rect x="0" y="0" width="3.5" height="16" \
fill="{COLOURS["attacks"]}"/></marker>
<marker id="m-undercuts" viewBox="0 0 12 12" refX="6" refY="6" markerWidth="12" markerHeight="12" \
markerUnits="userSpaceOnUse" orient="auto"><path d="M0,6 L6,0 L12,6 L6,12 z" \
fill="{COLOURS["undercuts"]}"/></marker>
</defs>"""


def xml_text(value: object) -> str:
    """Escape ``value`` for XML text or a quoted attribute, replacing characters XML forbids."""
    cleaned = _NOT_XML.sub("\ufffd", str(value))
    # A raw carriage return would be read back as a line feed.
    return escape(cleaned, {'"': "&quot;", "'": "&apos;", "\r": "&#13;"})


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _path(points: tuple[Point, ...]) -> str:
    return "M" + " L".join(f"{_num(x)},{_num(y)}" for x, y in points)


def _quote(node: MapNode) -> str:
    return f"\u201c{shorten(node.text, TITLE_CHARS)}\u201d"


def render_svg(
    m: ArgumentMap,
    layout: Layout,
    *,
    node_href: Callable[[MapNode], str] | None = None,
    title: str = "",
) -> str:
    """Return ``m`` drawn at the positions of ``layout`` as a standalone SVG document.

    With ``node_href`` each node is a link (and the link takes keyboard focus); without it each
    node group is focusable itself (``tabindex="0"``) so its full text shows on focus.
    """
    nodes = m.node_by_id
    edges = m.edge_by_id
    if set(layout.nodes) != set(nodes) or set(layout.edges) != set(edges):
        raise ValueError(
            "The layout was made for another map (after filtering, lay the map out again "
            "with layout_map)."
        )
    empty = not m.nodes
    width, height = EMPTY_SIZE if empty else (ceil(layout.width), ceil(layout.height))
    summary = f"{len(m.nodes)} statements and {len(m.edges)} links"
    label = f"{title}: {summary}" if title else f"Argument map: {summary}"
    # A static picture is one image to assistive technology; with links inside it is a group,
    # since role="img" would hide the links.
    role = "group" if node_href is not None else "img"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="argmap" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="{role}" aria-label="{xml_text(label)}">',
        f"<title>{xml_text(title or 'Argument map')}</title>",
        f"<desc>{xml_text(summary)}</desc>",
        f"<style>{style()}</style>",
        MARKERS,
    ]
    if empty:
        out.append(
            f'<text class="empty" x="{width / 2}" y="{height / 2}" text-anchor="middle" '
            'dominant-baseline="middle">No tags to map.</text>'
        )

    out.append('<g class="edges">')
    for edge in m.edges:
        out.append(_edge(edge, layout, nodes, edges))
    out.append("</g>")

    out.append('<g class="junctions">')
    for junction in layout.junctions.values():
        first = edges[junction.edge_ids[0]]
        premises = " and ".join(_quote(nodes[edges[i].source]) for i in junction.edge_ids)
        target = _target(first, nodes, edges)
        text = f"Linked argument: {premises} together {first.relation} {target}"
        marker = f"m-{junction.relation}"
        argument = xml_text(junction.argument)
        out.append(
            f'<g class="junction {junction.relation}" data-argument="{argument}">'
            f"<title>{xml_text(text)}</title>"
            f'<path d="{_path(junction.points)}" marker-end="url(#{marker})"/>'
            f'<circle cx="{_num(junction.x)}" cy="{_num(junction.y)}" r="5"/></g>'
        )
    out.append("</g>")

    out.append('<g class="nodes">')
    for node in m.nodes:
        out.append(_node(node, layout, node_href))
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _target(edge: MapEdge, nodes: dict[int, MapNode], edges: dict[int, MapEdge]) -> str:
    """Describe what ``edge`` bears on, in words."""
    if edge.target_node is not None:
        return _quote(nodes[edge.target_node])
    attacked = edges[edge.target_edge or 0]
    return (
        f"the inference from {_quote(nodes[attacked.source])} to {_target(attacked, nodes, edges)}"
    )


def _edge(
    edge: MapEdge, layout: Layout, nodes: dict[int, MapNode], edges: dict[int, MapEdge]
) -> str:
    path = layout.edges[edge.id]
    text = f"{_quote(nodes[edge.source])} {edge.relation} {_target(edge, nodes, edges)}"
    if edge.group is not None and path.to_junction:
        text += " (a linked argument)"
    data = f'data-link="{edge.id}" data-source="{edge.source}"'
    if edge.target_node is not None:
        data += f' data-target="{edge.target_node}"'
    else:
        data += f' data-target-link="{edge.target_edge}"'
    classes = f"edge {edge.relation}" + (" linked" if path.to_junction else "")
    marker = "" if path.to_junction else f' marker-end="url(#m-{edge.relation})"'
    parts = [
        f'<g class="{classes}" id="link-{edge.id}" {data}>',
        f"<title>{xml_text(text)}</title>",
        f'<path d="{_path(path.points)}"{marker}/>',
    ]
    if edge.relation != "supports" and not path.to_junction:
        x, y = _label_point(path.points)
        parts.append(
            f'<text class="edge-label" x="{_num(x + 4)}" y="{_num(y)}">{edge.relation}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _label_point(points: tuple[Point, ...]) -> Point:
    """Put an edge's label a little before its end, where it is least crowded by other edges."""
    (x0, y0), (x1, y1) = points[-2], points[-1]
    return (x0 + (x1 - x0) * 0.6, y0 + (y1 - y0) * 0.6)


def _node(node: MapNode, layout: Layout, node_href: Callable[[MapNode], str] | None) -> str:
    box = layout.nodes[node.id]
    kind = node.kind.upper()
    classes = f"node k-{node.kind}" + (" implicit" if node.implicit else "")
    kind_label = f"{kind} \u00b7 implicit" if node.implicit else kind
    spoken = f"{node.kind}{' (implicit)' if node.implicit else ''}: {node.text}"
    focus = "" if node_href is not None else ' tabindex="0"'
    x = box.x + PAD_X
    kind_y = box.y + PAD_Y + LABEL_HEIGHT - 4
    first_y = box.y + PAD_Y + LABEL_HEIGHT + LINE_HEIGHT - 3
    body = "".join(
        f'<tspan x="{_num(x)}" y="{_num(first_y + i * LINE_HEIGHT)}">{xml_text(line)}</tspan>'
        for i, line in enumerate(box.lines)
    )
    group = (
        f'<g class="{classes}" id="node-{node.id}" data-tag="{node.id}"{focus} '
        f'aria-label="{xml_text(spoken)}">'
        f"<title>{xml_text(node.text)}</title>"
        f'<rect x="{_num(box.x)}" y="{_num(box.y)}" width="{_num(box.w)}" '
        f'height="{_num(box.h)}" rx="4"/>'
        f'<text class="kind" x="{_num(x)}" y="{_num(kind_y)}">{xml_text(kind_label)}</text>'
        f'<text class="body">{body}</text></g>'
    )
    if node_href is None:
        return group
    return f'<a href="{xml_text(node_href(node))}">{group}</a>'
