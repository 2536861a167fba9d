"""The aif export: golden output, AIF's structural rules on random maps, and a faithful reading."""

import datetime
import json
import re

from hypothesis import given

from claims.argmap.from_snapshot import map_from_snapshot
from claims.argmap.graph import Argument, ArgumentMap
from claims.interchange.exporters.aif_export import aif_graph, aif_time
from claims.snapshot import DocumentSnapshot
from tests.claims.exporters.test_export_formats import export, make_map_snapshot, map_snapshots

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def _i(node_id: str, text: str, minute: int, kind: str, implicit: bool = False) -> dict:
    return {
        "nodeID": node_id,
        "text": text,
        "type": "I",
        "timestamp": f"2024-05-01 09:{minute}:00",
        "claimKind": kind,
        "implicit": implicit,
    }


def _s(node_id: str, kind: str, minute: int, **extra: str) -> dict:
    text = {"RA": "Default Inference", "CA": "Default Conflict"}[kind]
    return {
        "nodeID": node_id,
        "text": text,
        "type": kind,
        "timestamp": f"2024-05-01 09:{minute}:00",
        **extra,
    }


GOLDEN = {
    "nodes": [
        _i("1", 'India & China "agreed" to cooperate on internal security', 11, "claim"),
        _i("2", "Officials met twice in April", 12, "evidence"),
        _i("3", "It is a breakthrough", 13, "opinion"),
        _i("4", "critics call it a photo opportunity", 14, "opinion"),
        _i("5", "agreements on paper are not results", 16, "opinion"),
        _i("6", "Officials who meet twice in a month mean to agree.", 15, "claim", True),
        _s("7", "RA", 21),  # the linked argument: 12 and 15 together support 11
        _s("8", "RA", 23),  # 11 supports 13
        _s("9", "CA", 24),  # 14 attacks 13
        _s("10", "CA", 25, targetPremise="1"),  # 16 undercuts the inference of 8 (link 11 -> 13)
    ],
    "edges": [
        {"edgeID": str(i), "fromID": a, "toID": b, "formEdgeID": None}
        for i, (a, b) in enumerate(
            [
                ("2", "7"),
                ("6", "7"),
                ("7", "1"),
                ("1", "8"),
                ("8", "3"),
                ("4", "9"),
                ("9", "3"),
                ("5", "10"),
                ("10", "8"),
            ],
            start=1,
        )
    ],
    "locutions": [],
}


def test_aif_export_matches_golden_output():
    text = export("aif", make_map_snapshot())
    assert json.loads(text) == GOLDEN
    assert text.startswith('{\n  "nodes": [\n    {\n      "nodeID": "1",')


def test_aif_times_are_utc_without_a_zone():
    ist = datetime.timezone(datetime.timedelta(hours=5, minutes=30))
    assert aif_time(datetime.datetime(2024, 5, 1, 15, 0, 30, 999, tzinfo=ist)) == (
        "2024-05-01 09:30:30"
    )
    assert aif_time(None) == "1970-01-01 00:00:00"


def structural_problems(data: dict) -> list[str]:
    """Return every way ``data`` breaks AIF's rules (as AIFdb JSON)."""
    problems = []
    if set(data) != {"nodes", "edges", "locutions"} or data["locutions"] != []:
        problems.append("keys")
    nodes = {}
    for node in data["nodes"]:
        if not isinstance(node["nodeID"], str) or node["nodeID"] in nodes:
            problems.append(f"node id {node['nodeID']!r}")
        nodes[node["nodeID"]] = node
        if node["type"] not in ("I", "RA", "CA") or not isinstance(node["text"], str):
            problems.append(f"node {node['nodeID']} type or text")
        if not TIMESTAMP.fullmatch(node["timestamp"]):
            problems.append(f"node {node['nodeID']} timestamp")
    edge_ids = [edge["edgeID"] for edge in data["edges"]]
    if len(set(edge_ids)) != len(edge_ids) or not all(isinstance(e, str) for e in edge_ids):
        problems.append("edge ids")
    incoming: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    outgoing: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    for edge in data["edges"]:
        a, b = edge["fromID"], edge["toID"]
        if a not in nodes or b not in nodes:
            problems.append(f"edge {edge['edgeID']} dangles")
            continue
        if nodes[a]["type"] == "I" and nodes[b]["type"] == "I":
            problems.append(f"edge {edge['edgeID']} joins two I-nodes")
        if nodes[a]["type"] == "RA" and nodes[b]["type"] != "I":
            problems.append(f"edge {edge['edgeID']}: an inference concludes a scheme node")
        outgoing[a].append(b)
        incoming[b].append(a)
    for node_id, node in nodes.items():
        if node["type"] == "I":
            continue
        premises = [p for p in incoming[node_id] if nodes[p]["type"] == "I"]
        if not premises:
            problems.append(f"{node['type']} {node_id} has no premise")
        if len(outgoing[node_id]) != 1:
            problems.append(f"{node['type']} {node_id} has {len(outgoing[node_id])} conclusions")
    return problems


def test_the_rule_check_finds_broken_graphs():
    broken = json.loads(json.dumps(GOLDEN))
    broken["edges"].append({"edgeID": "99", "fromID": "1", "toID": "2", "formEdgeID": None})
    broken["edges"] = [e for e in broken["edges"] if e["edgeID"] != "6"]  # 4 -> 9
    broken["edges"].append({"edgeID": "100", "fromID": "8", "toID": "2", "formEdgeID": None})
    assert structural_problems(broken) == [
        "edge 99 joins two I-nodes",
        "RA 8 has 2 conclusions",
        "CA 9 has no premise",
    ]
    assert structural_problems(GOLDEN) == []


Canon = tuple


def map_arguments(m: ArgumentMap, *, undercut_links: bool = False) -> set[Canon]:
    """The map's arguments as (relation, premise ids, target), a target node or argument.

    ``undercut_links``: an undercut's target is the argument and the premise of the link in it
    that the undercut attacks.
    """
    argument_of_edge = {e: a for a in m.arguments() for e in a.edge_ids}

    def canon(argument: Argument) -> Canon:
        if argument.target_node is not None:
            target: tuple = ("node", argument.target_node)
        else:
            edge = argument.target_edge or 0
            target = canon(argument_of_edge[edge])
            if undercut_links:
                target = (target, m.edge_by_id[edge].source)
        return (argument.relation, frozenset(argument.premises), target)

    return {canon(a) for a in m.arguments()}


def aif_arguments(data: dict, m: ArgumentMap) -> set[Canon]:
    """Read the arguments back out of AIF JSON; I-nodes are the map's nodes in order. An
    undercut's target is the argument and its premise that the undercut's
    ``targetPremise`` names (as ``map_arguments(undercut_links=True)`` gives them)."""
    i_nodes = [n for n in data["nodes"] if n["type"] == "I"]
    tag_of = {n["nodeID"]: node.id for n, node in zip(i_nodes, m.nodes, strict=True)}
    nodes = {n["nodeID"]: n for n in data["nodes"]}
    kinds = {n["nodeID"]: n["type"] for n in data["nodes"]}
    premises: dict[str, set[int]] = {}
    conclusion: dict[str, str] = {}
    for edge in data["edges"]:
        a, b = edge["fromID"], edge["toID"]
        if kinds[a] == "I":
            premises.setdefault(b, set()).add(tag_of[a])
        elif kinds[b] == "I" or kinds[a] == "CA":
            conclusion[a] = b

    def canon(node_id: str) -> Canon:
        target_id = conclusion[node_id]
        if kinds[target_id] == "I":
            relation = "supports" if kinds[node_id] == "RA" else "attacks"
            return (relation, frozenset(premises[node_id]), ("node", tag_of[target_id]))
        target_premise = tag_of[nodes[node_id]["targetPremise"]]
        assert target_premise in premises[target_id]
        return ("undercuts", frozenset(premises[node_id]), (canon(target_id), target_premise))

    return {canon(node_id) for node_id, kind in kinds.items() if kind != "I"}


def test_the_golden_map_reads_back():
    m = map_from_snapshot(make_map_snapshot())
    assert aif_arguments(GOLDEN, m) == map_arguments(m, undercut_links=True)


@given(map_snapshots())
def test_random_maps_keep_aifs_rules_and_their_arguments(snapshot: DocumentSnapshot):
    data = json.loads(export("aif", snapshot))
    assert structural_problems(data) == []
    m = map_from_snapshot(snapshot)
    i_nodes = [n for n in data["nodes"] if n["type"] == "I"]
    assert [(n["text"], n["claimKind"], n["implicit"]) for n in i_nodes] == [
        (node.text, node.kind, node.implicit) for node in m.nodes
    ]
    assert len(data["nodes"]) - len(i_nodes) == len(m.arguments())
    assert aif_arguments(data, m) == map_arguments(m, undercut_links=True)


def test_aif_graph_of_an_empty_map():
    assert aif_graph(make_map_snapshot(tags=(), links=())) == {
        "nodes": [],
        "edges": [],
        "locutions": [],
    }
