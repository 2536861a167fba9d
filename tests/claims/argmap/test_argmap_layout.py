"""Layered layout: conclusions on top, no overlaps, junctions and undercuts where they belong."""

from itertools import combinations, pairwise
from math import hypot

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.argmap.graph import ArgumentMap, MapEdge, MapNode
from claims.argmap.layout import (
    MARGIN,
    TEXT_CHARS,
    WRAP_CHARS,
    Layout,
    NodeBox,
    _midpoint,
    layout_map,
)
from tests.claims.argmap.test_argmap_graph import maps

WORDS = st.lists(
    st.sampled_from(["cars", "city", "pollution", "fell", "北京", "extraordinarily-long-word"]),
    min_size=1,
    max_size=40,
).map(" ".join)
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def node(id: int, kind: str = "claim", text: str = "") -> MapNode:
    return MapNode(id=id, kind=kind, text=text or f"statement {id}", author="ana")


def overlaps(a: NodeBox, b: NodeBox) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def on_boundary(point, box: NodeBox, tolerance: float = 0.5) -> bool:
    x, y = point
    inside = box.x - tolerance <= x <= box.x + box.w + tolerance and (
        box.y - tolerance <= y <= box.y + box.h + tolerance
    )
    near_edge = (
        min(abs(x - box.x), abs(x - box.x - box.w), abs(y - box.y), abs(y - box.y - box.h))
        <= tolerance
    )
    return inside and near_edge


def crosses(p, q, box: NodeBox, inset: float = 1.0) -> bool:
    """Whether the segment p-q passes through the box's interior (Liang-Barsky clipping)."""
    x0, y0, x1, y1 = box.x + inset, box.y + inset, box.x + box.w - inset, box.y + box.h - inset
    dx, dy = q[0] - p[0], q[1] - p[1]
    t0, t1 = 0.0, 1.0
    for d, low, high in ((dx, x0 - p[0], x1 - p[0]), (dy, y0 - p[1], y1 - p[1])):
        if d == 0:
            if low > 0 or high < 0:
                return False
            continue
        a, b = low / d, high / d
        if a > b:
            a, b = b, a
        t0, t1 = max(t0, a), min(t1, b)
        if t0 > t1:
            return False
    return t1 - t0 > 1e-6


def check_common(m: ArgumentMap, layout: Layout) -> None:
    assert set(layout.nodes) == {n.id for n in m.nodes}
    assert set(layout.edges) == {e.id for e in m.edges}
    assert set(layout.junctions) == {a.id for a in m.arguments() if a.linked}
    for a, b in combinations(layout.nodes.values(), 2):
        assert not overlaps(a, b), (a, b)
    for box in layout.nodes.values():
        assert box.x >= 0
        assert box.y >= 0
        assert box.x + box.w <= layout.width
        assert box.y + box.h <= layout.height
    paths = [p.points for p in layout.edges.values()] + [
        j.points for j in layout.junctions.values()
    ]
    for points in paths:
        assert len(points) >= 2
        for x, y in points:
            assert -0.01 <= x <= layout.width + 0.01
            assert -0.01 <= y <= layout.height + 0.01
    arguments = {e: a for a in m.arguments() for e in a.edge_ids}
    for edge in m.edges:
        path = layout.edges[edge.id]
        a = arguments[edge.id]
        assert on_boundary(path.points[0], layout.nodes[edge.source])
        assert path.to_junction == a.linked
        if a.linked:
            junction = layout.junctions[a.id]
            assert path.points[-1] == (junction.x, junction.y)
            end_line = junction.points
        else:
            end_line = path.points
        if edge.target_node is not None:
            assert on_boundary(end_line[-1], layout.nodes[edge.target_node])
        else:
            attacked = arguments[edge.target_edge]
            attacked_line = (
                layout.junctions[attacked.id].points
                if attacked.linked
                else layout.edges[edge.target_edge].points
            )
            mx, my = _midpoint(attacked_line)
            assert hypot(end_line[-1][0] - mx, end_line[-1][1] - my) < 0.01


@SLOW
@given(maps(max_nodes=12, max_edges=18, acyclic=True, text=WORDS))
def test_targets_sit_above_their_sources_and_nothing_overlaps(m):
    layout = layout_map(m)
    check_common(m, layout)
    boxes = layout.nodes
    for edge in m.edges:
        source = boxes[edge.source]
        # A line leaves its source box and never runs back through it.
        for p, q in pairwise(layout.edges[edge.id].points):
            assert not crosses(p, q, source), (edge, layout.edges[edge.id])
        if edge.target_node is not None:
            upper = boxes[edge.target_node]
        else:
            attacked = m.edge_by_id[edge.target_edge]
            anchor = attacked.target_node if attacked.target_node is not None else attacked.source
            upper = boxes[anchor]
        assert upper.y + upper.h < source.y, (edge, upper, source)
    for junction in layout.junctions.values():
        first = m.edge_by_id[junction.edge_ids[0]]
        if first.target_node is not None:
            target = boxes[first.target_node]
            assert target.y + target.h < junction.y
        for edge_id in junction.edge_ids:
            assert junction.y < boxes[m.edge_by_id[edge_id].source].y


@SLOW
@given(maps(max_nodes=12, max_edges=20, text=WORDS))
def test_any_map_with_cycles_lays_out_without_overlaps(m):
    check_common(m, layout_map(m))


@SLOW
@given(maps(max_nodes=12, max_edges=18, text=WORDS))
def test_supports_and_attacks_never_cross_a_box(m):
    m = ArgumentMap(nodes=m.nodes, edges=tuple(e for e in m.edges if e.target_node is not None))
    layout = layout_map(m)
    lines = [(p.points, {p.id}) for p in layout.edges.values()] + [
        (j.points, set(j.edge_ids)) for j in layout.junctions.values()
    ]
    for points, edge_ids in lines:
        ends = set()
        for edge_id in edge_ids:
            edge = m.edge_by_id[edge_id]
            ends |= {edge.source, edge.target_node}
        for box in layout.nodes.values():
            if box.id in ends:
                continue
            for p, q in pairwise(points):
                assert not crosses(p, q, box), (points, box)


def test_conclusions_on_top_and_premises_in_layers_below():
    m = ArgumentMap(
        nodes=(node(1), node(2), node(3, "evidence"), node(4, "evidence"), node(5)),
        edges=(
            MapEdge(1, 2, "supports", 1),
            MapEdge(2, 3, "supports", 2),
            MapEdge(3, 4, "attacks", 1),
            MapEdge(4, 5, "supports", 4),  # claim 5 bears on something, so it is no conclusion
        ),
    )
    boxes = layout_map(m).nodes
    assert boxes[1].y == MARGIN
    assert boxes[1].y < boxes[2].y == boxes[4].y < boxes[3].y == boxes[5].y


def test_a_linked_argument_meets_at_one_junction_between_target_and_premises():
    m = ArgumentMap(
        nodes=(node(1), node(2, "evidence"), node(3, "evidence"), node(4, "evidence")),
        edges=(
            MapEdge(1, 2, "supports", 1, group="g"),
            MapEdge(2, 3, "supports", 1, group="g"),
            MapEdge(3, 4, "supports", 1),
        ),
    )
    layout = layout_map(m)
    (junction,) = layout.junctions.values()
    assert (junction.argument, junction.relation, junction.edge_ids) == ("g", "supports", (1, 2))
    assert layout.edges[1].points[-1] == layout.edges[2].points[-1] == (junction.x, junction.y)
    assert layout.edges[1].to_junction
    assert not layout.edges[3].to_junction
    check_common(m, layout)


def test_an_undercut_ends_on_the_midpoint_of_the_edge_it_attacks():
    m = ArgumentMap(
        nodes=(node(1), node(2, "evidence"), node(3, "evidence"), node(4, "evidence")),
        edges=(
            MapEdge(1, 2, "supports", 1),
            MapEdge(2, 3, "undercuts", target_edge=1),
            MapEdge(3, 4, "undercuts", target_edge=2),
        ),
    )
    layout = layout_map(m)
    assert layout.edges[2].points[-1] == _midpoint(layout.edges[1].points)
    assert layout.edges[3].points[-1] == _midpoint(layout.edges[2].points)
    # An undercutter is not a conclusion: it hangs below what the attacked edge supports.
    assert layout.nodes[3].y > layout.nodes[1].y + layout.nodes[1].h
    check_common(m, layout)


def test_disconnected_components_sit_side_by_side():
    m = ArgumentMap(
        nodes=(node(1), node(2, "evidence"), node(3), node(4, "evidence"), node(5)),
        edges=(MapEdge(1, 2, "supports", 1), MapEdge(2, 4, "supports", 3)),
    )
    boxes = layout_map(m).nodes
    first = (boxes[1].x, max(boxes[1].x + boxes[1].w, boxes[2].x + boxes[2].w))
    second = (boxes[3].x, max(boxes[3].x + boxes[3].w, boxes[4].x + boxes[4].w))
    assert first[1] < second[0]
    assert second[1] < boxes[5].x
    assert boxes[1].y == boxes[3].y == boxes[5].y == MARGIN


def test_many_components_wrap_into_rows():
    m = ArgumentMap(nodes=tuple(node(i) for i in range(1, 41)), edges=())
    layout = layout_map(m)
    assert len({box.y for box in layout.nodes.values()}) > 1
    assert layout.width < 2000
    check_common(m, layout)


def test_parallel_edges_are_drawn_apart():
    m = ArgumentMap(
        nodes=(node(1), node(2)),
        edges=(MapEdge(1, 2, "supports", 1), MapEdge(2, 2, "attacks", 1)),
    )
    layout = layout_map(m)
    assert layout.edges[1].points != layout.edges[2].points
    check_common(m, layout)


@given(st.text(min_size=1, max_size=400))
def test_box_text_is_shortened_and_wrapped(text):
    layout = layout_map(ArgumentMap(nodes=(node(1, text=text),), edges=()))
    box = layout.nodes[1]
    assert len(" ".join(box.lines)) <= TEXT_CHARS
    assert all(len(line) <= WRAP_CHARS for line in box.lines)


def test_box_size_follows_the_text():
    short, long = node(1, text="Short"), node(2, text="A much longer statement " * 6)
    boxes = layout_map(ArgumentMap(nodes=(short, long), edges=())).nodes
    assert boxes[1].lines == ("Short",)
    assert boxes[2].lines[-1].endswith("\u2026")
    assert boxes[2].w > boxes[1].w
    assert boxes[2].h > boxes[1].h


def test_layout_is_deterministic_and_handles_an_empty_map():
    m = ArgumentMap(
        nodes=(node(1), node(2), node(3)),
        edges=(
            MapEdge(1, 2, "supports", 1),
            MapEdge(2, 1, "supports", 3),
            MapEdge(3, 3, "supports", 2),
        ),
    )
    assert layout_map(m) == layout_map(m)
    empty = layout_map(ArgumentMap(nodes=(), edges=()))
    assert (empty.nodes, empty.edges, empty.width > 0) == ({}, {}, True)


def test_an_undercut_beside_a_long_edge_leaves_its_box_toward_the_midpoint():
    # Edge 2 spans two layers, so its midpoint is level with node 1, which undercuts it: the
    # undercut must leave node 1 sideways, not from its top port back down through its own box
    # (its midpoint would then lie inside node 1, and undercutting it again went nowhere).
    m = ArgumentMap(
        nodes=tuple(node(i) for i in range(1, 6)),
        edges=(
            MapEdge(1, 5, "supports", 1),
            MapEdge(2, 5, "supports", 2),
            MapEdge(3, 1, "undercuts", target_edge=2),
            MapEdge(4, 1, "undercuts", target_edge=1),
            MapEdge(5, 1, "undercuts", target_edge=3),
        ),
    )
    layout = layout_map(m)
    check_common(m, layout)
    box = layout.nodes[1]
    for edge_id in (3, 4, 5):
        points = layout.edges[edge_id].points
        assert hypot(points[-1][0] - points[0][0], points[-1][1] - points[0][1]) > 1
        for p, q in pairwise(points):
            assert not crosses(p, q, box), (edge_id, points)


def test_undercuts_in_a_cycle_still_start_on_their_box():
    # 1 and 3 support each other, so one of those edges is drawn upside down and the midpoint
    # an undercut aims at can lie inside the undercutter's box.
    m = ArgumentMap(
        nodes=(node(1), node(2), node(3)),
        edges=(
            MapEdge(1, 3, "supports", 1),
            MapEdge(2, 1, "undercuts", target_edge=1),
            MapEdge(3, 1, "supports", 3),
            MapEdge(4, 2, "undercuts", target_edge=1),
            MapEdge(5, 2, "undercuts", target_edge=3),
            MapEdge(6, 3, "undercuts", target_edge=5),
        ),
    )
    check_common(m, layout_map(m))
