"""Layered top-down layout of an argument map, with grandalf's Sugiyama layout.

Conclusions (what supports or attacks nothing) sit on top and what bears on them below, so the
layered graph has every link reversed: target above source. A linked argument (a group of two or
more premises) meets at a junction point one layer below its target. An undercut hangs below the
upper end of the edge it attacks and is drawn to that edge's midpoint (for a linked argument, the
midpoint of the segment from its junction to its target). Connected components are laid out one
by one and packed side by side in rows.

grandalf needs three fixes to lay out 500 nodes and 800 edges in well under a second (see
``bench/map_render.py``): its ``Graph`` constructor compares whole vertex sets for every edge
(quadratic), so each component is built as a ``graph_core`` directly; its alignment step looks up
conflicts in a list, made a set here; and its depth-first choice of edges to reverse in a cycle
can stretch a map over a hundred layers, so the reversed edges come from the Eades-Lin-Smyth
heuristic instead. Its final x coordinates (a blend of four alignments) can overlap, so each layer
is swept once to restore the minimum spacing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from math import hypot
from typing import Any

from grandalf.graphs import Edge, Vertex, graph_core
from grandalf.layouts import SugiyamaLayout

from claims.argmap.graph import Argument, ArgumentMap, MapEdge, validate
from claims.argmap.text import display_width, shorten, wrap

Point = tuple[float, float]

TEXT_CHARS = 120  # node text is shortened to this many characters
WRAP_CHARS = 28  # and wrapped to lines of about this many
CHAR_WIDTH = 7.0  # average advance of a 12 px sans-serif character
FONT_SIZE = 12
LINE_HEIGHT = 15
LABEL_HEIGHT = 14  # the kind label ("CLAIM", "EVIDENCE · implicit") above the text
PAD_X = 10
PAD_Y = 8
MIN_WIDTH = 90
X_GAP = 28  # between neighbours in a layer
LAYER_GAP = 56  # between layers, room for arrowheads and edge labels
COMPONENT_GAP = 48
ROW_WIDTH = 1800  # components wrap to a new row past this width
MARGIN = 16
JUNCTION_SIZE = 10
DUMMY_SIZE = 12
PARALLEL_OFFSET = 10  # between parallel edges joining the same two nodes
ORDERING_ROUNDS = 1.5  # grandalf's crossing-reduction sweeps (down, up, down)


@dataclass(frozen=True, slots=True)
class NodeBox:
    id: int
    x: float  # top-left corner
    y: float
    w: float
    h: float
    lines: tuple[str, ...]  # the shortened, wrapped text

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass(frozen=True, slots=True)
class EdgePath:
    id: int
    relation: str
    #: From the source's box to the target's box, to the junction of a linked argument
    #: (``to_junction``), or to the midpoint of the edge an undercut attacks.
    points: tuple[Point, ...]
    to_junction: bool = False


@dataclass(frozen=True, slots=True)
class Junction:
    argument: str
    relation: str
    x: float  # centre
    y: float
    edge_ids: tuple[int, ...]
    #: From the junction to the target's box (or the attacked edge's midpoint).
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Layout:
    nodes: dict[int, NodeBox] = field(default_factory=dict)
    edges: dict[int, EdgePath] = field(default_factory=dict)
    junctions: dict[str, Junction] = field(default_factory=dict)
    width: float = 0.0
    height: float = 0.0


def node_lines(text: str) -> tuple[str, ...]:
    """Shorten and wrap a node's text as its box shows it."""
    return tuple(wrap(shorten(text, TEXT_CHARS), WRAP_CHARS))


def box_size(lines: tuple[str, ...]) -> tuple[float, float]:
    """Return the width and height of a box showing ``lines`` under a kind label."""
    widest = max((display_width(line) for line in lines), default=0.0)
    width = max(MIN_WIDTH, widest * CHAR_WIDTH + 2 * PAD_X)
    height = 2 * PAD_Y + LABEL_HEIGHT + len(lines) * LINE_HEIGHT
    return width, height


class _View:
    __slots__ = ("h", "w", "xy")

    def __init__(self, w: float, h: float) -> None:
        self.w, self.h = w, h
        self.xy: Point = (0.0, 0.0)


class _Sugiyama(SugiyamaLayout):
    def _detect_alignment_conflicts(self) -> None:
        super()._detect_alignment_conflicts()
        # grandalf tests `pair in self.conflicts` for every alignment; a list makes that O(n).
        self.conflicts: set[Any] = set(self.conflicts)


# A layout vertex key: ("n", node id) or ("j", argument id).
Key = tuple[str, int | str]


def layout_map(m: ArgumentMap, *, rounds: float = ORDERING_ROUNDS) -> Layout:
    """Place the nodes, junctions and edges of ``m``; ``rounds`` bounds crossing reduction."""
    validate(m)
    arguments = m.arguments()
    argument_of = {edge_id: a for a in arguments for edge_id in a.edge_ids}
    linked = {a.id: a for a in arguments if a.linked}

    sizes: dict[Key, tuple[float, float]] = {}
    text_lines: dict[int, tuple[str, ...]] = {}
    for node in sorted(m.nodes, key=lambda n: n.reading_order):
        text_lines[node.id] = node_lines(node.text)
        sizes[("n", node.id)] = box_size(text_lines[node.id])
    for a in linked.values():
        sizes[("j", a.id)] = (JUNCTION_SIZE, JUNCTION_SIZE)

    def anchor(edge_id: int) -> Key:
        """The layout vertex an undercut of ``edge_id`` hangs below."""
        edge = m.edge_by_id[edge_id]
        return ("n", edge.target_node if edge.target_node is not None else edge.source)

    def upper(a: Argument) -> Key:
        return ("n", a.target_node) if a.target_node is not None else anchor(a.target_edge or 0)

    # Layout edges point down (target above source), at most one per pair of vertices.
    pairs: list[tuple[Key, Key]] = []
    seen: set[frozenset[Key]] = set()

    def connect(top: Key, bottom: Key) -> None:
        key = frozenset((top, bottom))
        if top != bottom and key not in seen:
            seen.add(key)
            pairs.append((top, bottom))

    for a in arguments:
        if a.linked:
            junction: Key = ("j", a.id)
            connect(upper(a), junction)
            for premise in a.premises:
                connect(junction, ("n", premise))
        else:
            connect(upper(a), ("n", a.premises[0]))

    centres, routes, comp_boxes = _place(list(sizes), sizes, pairs, rounds)

    def route(a: Key, b: Key) -> list[Point]:
        if (a, b) in routes:
            return list(routes[(a, b)])
        if (b, a) in routes:
            return list(reversed(routes[(b, a)]))
        return [centres[a], centres[b]]

    def box(key: Key) -> tuple[float, float, float, float]:
        (cx, cy), (w, h) = centres[key], sizes[key]
        return cx - w / 2, cy - h / 2, w, h

    # Parallel edges between the same two nodes are drawn side by side.
    offsets: dict[int, float] = {}
    parallel: dict[frozenset[int], list[MapEdge]] = defaultdict(list)
    linked_ids = {edge_id for a in linked.values() for edge_id in a.edge_ids}
    for edge in m.edges:
        if edge.target_node is not None and edge.id not in linked_ids:
            parallel[frozenset((edge.source, edge.target_node))].append(edge)
    for group in parallel.values():
        for i, edge in enumerate(sorted(group, key=lambda e: e.id)):
            offsets[edge.id] = (i - (len(group) - 1) / 2) * PARALLEL_OFFSET

    # 1. Route every drawn line between layout vertices. A line is keyed ("e", edge id) or
    # ("j", argument id) for a junction's line to its target.
    drawn: dict[tuple[str, int | str], list[Point]] = {}
    ends: dict[tuple[str, int | str], tuple[Key | None, Key | None]] = {}
    undercut_end: dict[tuple[str, int | str], int] = {}
    for a in arguments:
        target: Key | None = ("n", a.target_node) if a.target_node is not None else None
        if a.linked:
            junction = ("j", a.id)
            drawn[junction] = route(junction, upper(a))
            ends[junction] = (None, target)
            if target is None:
                undercut_end[junction] = a.target_edge or 0
            for edge_id in a.edge_ids:
                source: Key = ("n", m.edge_by_id[edge_id].source)
                drawn[("e", edge_id)] = route(source, junction)
                ends[("e", edge_id)] = (source, None)
        else:
            edge_id = a.edge_ids[0]
            source = ("n", a.premises[0])
            dx = offsets.get(edge_id, 0.0)
            drawn[("e", edge_id)] = [(x + dx, y) for x, y in route(source, upper(a))]
            ends[("e", edge_id)] = (source, target)
            if target is None:
                undercut_end[("e", edge_id)] = a.target_edge or 0

    # 2. Attach the lines to the boxes, spread along each side in the order they leave it.
    attachments: dict[tuple[Key, bool], list[tuple[float, tuple[str, int | str], bool]]] = (
        defaultdict(list)
    )
    points: list[Point] | tuple[Point, ...]  # lists while routing, then the finished tuples
    for line_key, points in drawn.items():
        for at_start, node_key in zip((True, False), ends[line_key], strict=True):
            if node_key is None:
                continue
            i, j = (0, 1) if at_start else (-1, -2)
            points[i] = _clip(points[i], points[j], box(node_key))
            top = points[i][1] < centres[node_key][1]
            toward = _heading(points if at_start else points[::-1])
            attachments[(node_key, top)].append((toward, line_key, at_start))
    for (node_key, _top), attached in attachments.items():
        x, _y, w, _h = box(node_key)
        attached.sort(key=lambda item: (item[0], str(item[1]), item[2]))
        for slot, (_toward, line_key, at_start) in enumerate(attached):
            points = drawn[line_key]
            i, j = (0, 1) if at_start else (-1, -2)
            old_x, new_x = points[i][0], x + w * (slot + 1) / (len(attached) + 1)
            points[i] = (new_x, points[i][1])
            # Move the vertical stub inside the layer's band along with the attachment.
            if abs(points[j][0] - old_x) < 0.01:
                points[j] = (new_x, points[j][1])

    # 3. End each undercut on the midpoint of the line it attacks (undercuts may be nested).
    done: dict[tuple[str, int | str], tuple[Point, ...]] = {}

    def finished(line_key: tuple[str, int | str]) -> tuple[Point, ...]:
        if line_key not in done:
            points = drawn[line_key]
            if line_key in undercut_end:
                attacked = argument_of[undercut_end[line_key]]
                attacked_line: tuple[str, int | str] = (
                    ("j", attacked.id) if attacked.linked else ("e", attacked.edge_ids[0])
                )
                middle = _midpoint(finished(attacked_line))
                start = ends[line_key][0]
                # The route runs layer by layer toward the anchor and ends at its entry port and
                # centre (with no route, the undercutter is the anchor itself). Follow it only
                # while the midpoint is still ahead: a long attacked edge can have its midpoint
                # level with the undercutter or behind it, and a line from the port to there
                # would cut through the undercutter's own box.
                ahead = _prefix_before(points[:-2], middle, toward=points[-1])
                if ahead:
                    points = [*ahead, middle]
                elif start is not None:
                    # Leave the box on the side facing the midpoint instead.
                    points = [_leave(centres[start], middle, box(start)), middle]
                else:
                    points = [points[0], middle]
            done[line_key] = _dedupe(points)
        return done[line_key]

    edge_paths = {}
    for edge in m.edges:
        a = argument_of[edge.id]
        points = finished(("e", edge.id))
        edge_paths[edge.id] = EdgePath(edge.id, edge.relation, points, to_junction=a.linked)
    junctions = {}
    for a in arguments:
        if a.linked:
            x, y = centres[("j", a.id)]
            points = finished(("j", a.id))
            junctions[a.id] = Junction(a.id, a.relation, x, y, a.edge_ids, points)

    nodes = {}
    for node in m.nodes:
        x, y, w, h = box(("n", node.id))
        nodes[node.id] = NodeBox(node.id, x, y, w, h, text_lines[node.id])
    width, height = comp_boxes
    return Layout(nodes=nodes, edges=edge_paths, junctions=junctions, width=width, height=height)


def _heading(points: list[Point]) -> float:
    """Where a line leaving a box is heading: the x of its first point off the vertical stub."""
    x0 = points[0][0]
    for x, _y in points[1:]:
        if abs(x - x0) > 0.01:
            return x
    return x0


def _place(
    keys: list[Key],
    sizes: dict[Key, tuple[float, float]],
    pairs: list[tuple[Key, Key]],
    rounds: float,
) -> tuple[dict[Key, Point], dict[tuple[Key, Key], list[Point]], tuple[float, float]]:
    """Lay out each component and pack them; return centres, routes and the total size."""
    components = _components(keys, pairs)
    centres: dict[Key, Point] = {}
    routes: dict[tuple[Key, Key], list[Point]] = {}
    x: float
    y: float
    x = y = MARGIN
    row_height = 0.0
    width = 0.0
    for comp_keys, comp_pairs in components:
        local_centres, local_routes, (w, h) = _layout_component(
            comp_keys, sizes, comp_pairs, rounds
        )
        if x > MARGIN and x + w > ROW_WIDTH:
            x, y = MARGIN, y + row_height + COMPONENT_GAP
            row_height = 0.0
        for key, (cx, cy) in local_centres.items():
            centres[key] = (cx + x, cy + y)
        for pair, points in local_routes.items():
            routes[pair] = [(px + x, py + y) for px, py in points]
        width = max(width, x + w)
        row_height = max(row_height, h)
        x += w + COMPONENT_GAP
    total = (width + MARGIN, y + row_height + MARGIN) if keys else (2 * MARGIN, 2 * MARGIN)
    return centres, routes, total


def _components(
    keys: list[Key], pairs: list[tuple[Key, Key]]
) -> list[tuple[list[Key], list[tuple[Key, Key]]]]:
    """Split into connected components, each in the order of its first key."""
    parent = {key: key for key in keys}

    def find(key: Key) -> Key:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
    members: dict[Key, list[Key]] = {}
    for key in keys:
        members.setdefault(find(key), []).append(key)
    edges: dict[Key, list[tuple[Key, Key]]] = defaultdict(list)
    for a, b in pairs:
        edges[find(a)].append((a, b))
    return [(member_keys, edges[root]) for root, member_keys in members.items()]


def _layout_component(
    keys: list[Key],
    sizes: dict[Key, tuple[float, float]],
    pairs: list[tuple[Key, Key]],
    rounds: float,
) -> tuple[dict[Key, Point], dict[tuple[Key, Key], list[Point]], tuple[float, float]]:
    """Lay out one connected component with its top-left corner at (0, 0)."""
    if not pairs:
        w, h = sizes[keys[0]]
        return {keys[0]: (w / 2, h / 2)}, {}, (w, h)

    vertices = {}
    for key in keys:
        vertex = Vertex(key)
        vertex.view = _View(*sizes[key])
        vertices[key] = vertex
    edges = {pair: Edge(vertices[pair[0]], vertices[pair[1]]) for pair in pairs}
    core = graph_core(list(vertices.values()), list(edges.values()))

    reversed_pairs = _feedback_pairs(keys, pairs)
    inverted = [edges[pair] for pair in pairs if pair in reversed_pairs]
    has_parent = {b for a, b in pairs if (a, b) not in reversed_pairs}
    has_parent |= {a for a, b in reversed_pairs}
    roots = [vertices[key] for key in keys if key not in has_parent]

    sug = _Sugiyama(core)
    sug.dw = sug.dh = DUMMY_SIZE  # dummies (bends of long edges) need no more room than that
    sug.xspace, sug.yspace = X_GAP, LAYER_GAP
    sug.init_all(roots=roots, inverted_edges=inverted)
    sug.draw(N=rounds)

    # Restore the minimum spacing in each layer, then stack the layers.
    bands: list[tuple[float, float]] = []
    y = 0.0
    for layer in sug.layers:
        ordered = sorted(layer, key=lambda v: (v.view.xy[0], sug.grx[v].pos))
        right = None
        height = max(v.view.h for v in layer)
        for v in ordered:
            cx = v.view.xy[0]
            if right is not None:
                cx = max(cx, right + X_GAP + v.view.w / 2)
            right = cx + v.view.w / 2
            v.view.xy = (cx, y + height / 2)
        bands.append((y, y + height))
        y += height + LAYER_GAP
    every = [v for layer in sug.layers for v in layer]
    left = min(v.view.xy[0] - v.view.w / 2 for v in every)
    right = max(v.view.xy[0] + v.view.w / 2 for v in every)
    for v in every:
        v.view.xy = (v.view.xy[0] - left, v.view.xy[1])

    centres = {key: vertex.view.xy for key, vertex in vertices.items()}
    routes: dict[tuple[Key, Key], list[Point]] = {}
    for pair, edge in edges.items():
        a, b = vertices[pair[0]], vertices[pair[1]]
        ctrl = sug.ctrls.get(edge)
        ra, rb = sug.grx[a].rank, sug.grx[b].rank
        if ctrl is None:
            chain = [(a, ra), (b, rb)]
        else:
            step = 1 if rb > ra else -1
            chain = [(ctrl[r], r) for r in range(ra, rb + step, step)]
        routes[pair] = _ported(chain, bands)
    return centres, routes, (right - left, y - LAYER_GAP)


def _ported(chain: list, bands: list[tuple[float, float]]) -> list[Point]:
    """Route through a chain of (vertex, rank): vertical inside each layer's band, slanted
    only in the gaps between layers, so an edge never crosses a box or a junction's neighbour.
    The first and last points are the end vertices' centres."""
    points: list[Point] = []
    last = len(chain) - 1
    for i, (vertex, rank) in enumerate(chain):
        x, y = vertex.view.xy
        top, bottom = bands[rank]
        if i > 0:
            points.append((x, top if chain[i - 1][1] < rank else bottom))
        if i in (0, last):
            points.append((x, y))
        if i < last:
            points.append((x, top if chain[i + 1][1] < rank else bottom))
    return points


def _feedback_pairs(keys: list[Key], pairs: list[tuple[Key, Key]]) -> set[tuple[Key, Key]]:
    """Choose edges to reverse so the component has no cycle (Eades, Lin and Smyth, 1993).

    Sources go first and sinks last; when neither is left, the vertex with the most outgoing
    minus incoming edges goes first. Edges pointing back in that order are reversed.
    """
    succ: dict[Key, set[Key]] = {key: set() for key in keys}
    pred: dict[Key, set[Key]] = {key: set() for key in keys}
    for a, b in pairs:
        succ[a].add(b)
        pred[b].add(a)
    alive = dict.fromkeys(keys)  # ordered, so ties break the same way every time
    head: list[Key] = []
    tail: list[Key] = []

    def remove(key: Key) -> None:
        del alive[key]
        for other in succ[key]:
            pred[other].discard(key)
        for other in pred[key]:
            succ[other].discard(key)

    sinks = [key for key in keys if not succ[key]]
    sources = [key for key in keys if not pred[key] and succ[key]]
    while alive:
        while sinks or sources:
            while sinks:
                key = sinks.pop()
                if key in alive:
                    preds = list(pred[key])
                    remove(key)
                    tail.append(key)
                    sinks.extend(p for p in preds if not succ[p])
            while sources:
                key = sources.pop()
                if key in alive:
                    succs = list(succ[key])
                    remove(key)
                    head.append(key)
                    sources.extend(s for s in succs if not pred[s])
                    sinks.extend(s for s in succs if not succ[s] and not pred[s])
        if alive:
            key = max(alive, key=lambda k: len(succ[k]) - len(pred[k]))
            succs, preds = list(succ[key]), list(pred[key])
            remove(key)
            head.append(key)
            sources.extend(s for s in succs if not pred[s])
            sinks.extend(p for p in preds if not succ[p])
    order = {key: i for i, key in enumerate(head + tail[::-1])}
    return {(a, b) for a, b in pairs if order[a] > order[b]}


def _clip(centre: Point, toward: Point, box: tuple[float, float, float, float]) -> Point:
    """Return where the segment from the box's ``centre`` to ``toward`` leaves the box."""
    x, y, w, h = box
    cx, cy = centre
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return centre
    scales = []
    if dx:
        scales.append((w / 2) / abs(dx))
    if dy:
        scales.append((h / 2) / abs(dy))
    t = min(min(scales), 1.0)
    # Keep the point inside the box's horizontal extent when a parallel offset moved the centre.
    px = min(max(cx + dx * t, x), x + w)
    py = min(max(cy + dy * t, y), y + h)
    return (px, py)


def _prefix_before(points: list[Point], target: Point, *, toward: Point) -> list[Point]:
    """Return the leading ``points`` that ``target`` is not behind, travelling vertically from
    the first point ``toward`` the route's end (routes move one layer at a time)."""
    if not points:
        return []
    direction = -1.0 if toward[1] < points[0][1] else 1.0
    kept = []
    for point in points:
        if (target[1] - point[1]) * direction < 0:
            break
        kept.append(point)
    return kept


def _leave(centre: Point, toward: Point, box: tuple[float, float, float, float]) -> Point:
    """Return where a line from inside the box toward ``toward`` leaves it; if ``toward`` is
    itself inside the box, the nearest point of the box's border."""
    x, y, w, h = box
    px, py = toward
    if x < px < x + w and y < py < y + h:
        nearest = min(
            (
                (px - x, (x, py)),
                (x + w - px, (x + w, py)),
                (py - y, (px, y)),
                (y + h - py, (px, y + h)),
            )
        )
        return nearest[1]
    return _clip(centre, toward, box)


def _dedupe(points: list[Point]) -> tuple[Point, ...]:
    """Drop repeated points: a zero-length last segment would leave an arrowhead unturned."""
    kept = [points[0]]
    for point in points[1:]:
        if hypot(point[0] - kept[-1][0], point[1] - kept[-1][1]) > 0.01:
            kept.append(point)
    return tuple(kept) if len(kept) > 1 else (points[0], points[-1])


def _midpoint(points: tuple[Point, ...] | list[Point]) -> Point:
    """Return the point halfway along a polyline."""
    lengths = [hypot(b[0] - a[0], b[1] - a[1]) for a, b in pairwise(points)]
    half = sum(lengths) / 2
    for (a, b), length in zip(pairwise(points), lengths, strict=True):
        if half <= length and length > 0:
            t = half / length
            return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
        half -= length
    return points[-1]
