"""The argument map's data: arguments, validation, filtering, networkx export. No database."""

import io

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.argmap.graph import KINDS, ArgumentMap, MapEdge, MapNode, validate

STATUSES = ("pending", "accepted", "disputed")


@st.composite
def maps(draw, max_nodes: int = 10, max_edges: int = 16, acyclic: bool = False, text=None):
    """Draw a valid map. With ``acyclic`` every link (and undercut) runs from a higher node id to
    a lower one, so the layered graph has no cycle."""
    count = draw(st.integers(1, max_nodes))
    texts = text if text is not None else st.text(min_size=1, max_size=80)
    nodes = tuple(
        MapNode(
            id=i + 1,
            kind=draw(st.sampled_from(KINDS)),
            text=draw(texts),
            author=draw(st.sampled_from(("ana", "bo"))),
            implicit=draw(st.booleans()),
            paragraph_position=draw(st.none() | st.integers(0, 5)),
            start=draw(st.integers(0, 50)),
            status=draw(st.sampled_from(STATUSES)),
        )
        for i in range(count)
    )
    edges: list[MapEdge] = []
    used: set[tuple] = set()
    group_premises: dict[str, set[int]] = {}
    for _ in range(draw(st.integers(0, max_edges if count > 1 else 0))):
        edge_id = len(edges) + 1
        if edges and draw(st.integers(0, 5)) == 0:
            target = draw(st.sampled_from(edges))
            anchor = target.target_node if target.target_node is not None else target.source
            low = anchor + 1 if acyclic else 1
            if low > count:
                continue
            source = draw(st.integers(low, count))
            if (source, "u", target.id) in used:
                continue
            used.add((source, "u", target.id))
            edges.append(MapEdge(edge_id, source, "undercuts", target_edge=target.id))
            continue
        source = draw(st.integers(2 if acyclic else 1, count))
        target_id = draw(st.integers(1, source - 1 if acyclic else count))
        relation = draw(st.sampled_from(("supports", "attacks")))
        if source == target_id or (source, relation, target_id) in used:
            continue
        used.add((source, relation, target_id))
        group = None
        if draw(st.integers(0, 2)) == 0:
            name = f"g-{relation}-{target_id}"
            premises = group_premises.setdefault(name, set())
            if source not in premises:
                premises.add(source)
                group = name
        author = draw(st.sampled_from(("ana", "bo")))
        edges.append(
            MapEdge(edge_id, source, relation, target_node=target_id, group=group, author=author)
        )
    return ArgumentMap(nodes=nodes, edges=tuple(edges))


def node(id: int, kind: str = "claim", author: str = "ana", **kwargs) -> MapNode:
    return MapNode(id=id, kind=kind, text=f"statement {id}", author=author, **kwargs)


def test_arguments_group_linked_premises_and_keep_singletons_apart():
    m = ArgumentMap(
        nodes=(node(1), node(2, "evidence"), node(3, "evidence"), node(4, "evidence"), node(5)),
        edges=(
            MapEdge(7, 3, "supports", target_node=1, group="both"),
            MapEdge(2, 2, "supports", target_node=1),
            MapEdge(9, 4, "supports", target_node=1, group="both"),
            MapEdge(4, 5, "undercuts", target_edge=2),
            MapEdge(5, 4, "attacks", target_node=5),
        ),
    )
    arguments = m.arguments()
    assert [a.id for a in arguments] == ["e2", "e4", "e5", "both"]
    single, undercut, attack, linked = arguments
    assert (single.premises, single.target_node, single.edge_ids, single.linked) == (
        (2,),
        1,
        (2,),
        False,
    )
    assert (undercut.relation, undercut.target_node, undercut.target_edge) == ("undercuts", None, 2)
    assert attack.relation == "attacks"
    assert (linked.premises, linked.edge_ids, linked.target_node, linked.linked) == (
        (3, 4),
        (7, 9),
        1,
        True,
    )


def test_a_group_of_one_is_its_own_argument_under_its_group_name():
    m = ArgumentMap(nodes=(node(1), node(2)), edges=(MapEdge(1, 2, "supports", 1, group="solo"),))
    assert [(a.id, a.premises, a.linked) for a in m.arguments()] == [("solo", (2,), False)]


@pytest.mark.parametrize(
    ("nodes", "edges", "message"),
    [
        ((node(1), node(1)), (), "node 1 appears twice"),
        ((node(1, "fact"),), (), "node 1 has kind 'fact'"),
        (
            (node(1), node(2)),
            (MapEdge(1, 2, "supports", 1), MapEdge(1, 1, "supports", 2)),
            "edge 1 appears twice",
        ),
        ((node(1),), (MapEdge(1, 9, "supports", 1),), "edge 1 starts at unknown node 9"),
        ((node(1), node(2)), (MapEdge(1, 2, "supports", 7),), "edge 1 targets unknown node 7"),
        (
            (node(1), node(2)),
            (MapEdge(1, 2, "undercuts", target_edge=5),),
            "edge 1 targets unknown edge 5",
        ),
        (
            (node(1), node(2)),
            (MapEdge(1, 2, "supports", 1), MapEdge(2, 1, "supports", 2, 1)),
            "edge 2 targets both node 2 and edge 1",
        ),
        ((node(1), node(2)), (MapEdge(1, 2, "supports"),), "edge 1 has no target"),
        (
            (node(1), node(2)),
            (MapEdge(1, 2, "undercuts", target_node=1),),
            "edge 1 undercuts but targets node 1",
        ),
        (
            (node(1), node(2)),
            (MapEdge(1, 2, "supports", 1), MapEdge(2, 1, "attacks", target_edge=1)),
            "edge 2 attacks edge 1; only an undercut targets an edge",
        ),
        ((node(1),), (MapEdge(1, 1, "supports", 1),), "edge 1 is a self-loop"),
        (
            (node(1), node(2)),
            (MapEdge(1, 2, "undercuts", target_edge=1),),
            "edge 1 undercuts itself",
        ),
        ((node(1), node(2)), (MapEdge(1, 2, "refutes", 1),), "edge 1 has relation 'refutes'"),
        (
            (node(1), node(2), node(3)),
            (MapEdge(1, 2, "supports", 1, group="g"), MapEdge(2, 3, "attacks", 1, group="g")),
            "group 'g' mixes relations (attacks, supports)",
        ),
        (
            (node(1), node(2), node(3)),
            (MapEdge(1, 3, "supports", 1, group="g"), MapEdge(2, 3, "supports", 2, group="g")),
            "group 'g' mixes targets (node 1, node 2)",
        ),
        (
            (node(1), node(2), node(3)),
            (MapEdge(1, 2, "supports", 1, group="g"), MapEdge(2, 2, "supports", 1, group="g")),
            "group 'g' lists node 2 as a premise twice",
        ),
        (
            (node(1), node(2), node(3)),
            (MapEdge(1, 2, "supports", 1), MapEdge(2, 3, "supports", 1, group="e1")),
            "group 'e1' has the name reserved for ungrouped edge 1",
        ),
        (
            (node(1), node(2), node(3)),
            (MapEdge(1, 2, "undercuts", target_edge=2), MapEdge(2, 3, "undercuts", target_edge=1)),
            "edge 1 is part of a cycle of undercuts",
        ),
    ],
)
def test_validate_names_the_problem(nodes, edges, message):
    with pytest.raises(ValueError, match="Invalid argument map") as error:
        validate(ArgumentMap(nodes=nodes, edges=edges))
    assert message in str(error.value)


def test_validate_reports_every_problem_at_once():
    m = ArgumentMap(
        nodes=(node(1), node(2)),
        edges=(MapEdge(1, 8, "supports", 1), MapEdge(2, 2, "supports", 9)),
    )
    with pytest.raises(ValueError, match="unknown node 8") as error:
        validate(m)
    assert "unknown node 9" in str(error.value)


@given(maps())
def test_generated_maps_are_valid(m):
    validate(m)


def test_filtered_by_author_keeps_edges_between_kept_nodes_and_their_undercuts():
    m = ArgumentMap(
        nodes=(node(1), node(2, "evidence"), node(3, author="bo"), node(4, "evidence")),
        edges=(
            MapEdge(1, 2, "supports", 1),
            MapEdge(2, 3, "attacks", 1),  # from bo's tag: dropped
            MapEdge(3, 4, "undercuts", target_edge=1),
            MapEdge(4, 4, "undercuts", target_edge=2),  # its target edge is dropped
            MapEdge(5, 4, "undercuts", target_edge=3),  # undercut of a kept undercut
        ),
    )
    sub = m.filtered(author="ana")
    assert [n.id for n in sub.nodes] == [1, 2, 4]
    assert [e.id for e in sub.edges] == [1, 3, 5]
    validate(sub)


def test_filtered_by_status_and_unfiltered():
    m = ArgumentMap(
        nodes=(node(1, status="accepted"), node(2, "evidence"), node(3, status="accepted")),
        edges=(MapEdge(1, 2, "supports", 1), MapEdge(2, 3, "supports", 1)),
    )
    accepted = m.filtered(statuses={"accepted"})
    assert ([n.id for n in accepted.nodes], [e.id for e in accepted.edges]) == ([1, 3], [2])
    assert m.filtered() == m


@given(maps(), st.sampled_from((None, "ana", "bo")), st.sampled_from((None, {"accepted"})))
def test_any_filtered_map_is_valid_and_a_sub_map(m, author, statuses):
    sub = m.filtered(author=author, statuses=statuses)
    validate(sub)
    assert set(sub.nodes) <= set(m.nodes)
    assert set(sub.edges) <= set(m.edges)
    kept = {n.id for n in sub.nodes}
    assert all(author is None or n.author == author for n in sub.nodes)
    # Nothing droppable was kept and nothing keepable was dropped.
    for edge in m.edges:
        if edge.target_node is not None:
            assert (edge in sub.edges) == (edge.source in kept and edge.target_node in kept)


def test_to_networkx_has_every_tag_and_link_and_an_inference_node_for_undercuts():
    m = ArgumentMap(
        nodes=(node(1), node(2, "evidence", paragraph_position=0, start=4), node(3, "opinion")),
        edges=(
            MapEdge(10, 2, "supports", 1, group="g", author="ana"),
            MapEdge(11, 3, "supports", 1, group="g"),
            MapEdge(12, 3, "undercuts", target_edge=10),
            MapEdge(13, 3, "attacks", 1),
        ),
    )
    graph = m.to_networkx()
    assert isinstance(graph, nx.MultiDiGraph)
    assert set(graph.nodes) == {1, 2, 3, "e10"}
    assert graph.nodes[2] == {
        "kind": "evidence",
        "text": "statement 2",
        "author": "ana",
        "implicit": False,
        "paragraph_position": 0,
        "start": 4,
        "status": "pending",
    }
    assert "paragraph_position" not in graph.nodes[1]  # None is left out
    assert graph.nodes["e10"] == {"kind": "inference", "edge": 10}
    assert set(graph.edges(keys=True)) == {(2, 1, 10), (3, 1, 11), (3, "e10", 12), (3, 1, 13)}
    assert graph.edges[3, 1, 11] == {
        "id": 11,
        "relation": "supports",
        "author": "",
        "argument": "g",
        "group": "g",
    }
    assert graph.edges[3, 1, 13]["argument"] == "e13"
    # Every attribute is a GraphML-writable value.
    buffer = io.BytesIO()
    nx.write_graphml(graph, buffer)
    assert b"inference" in buffer.getvalue()
