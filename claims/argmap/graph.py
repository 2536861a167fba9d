"""The argument map as plain frozen data: nodes (tags), edges (links) and the arguments they form.

An edge goes from a premise (``source``) to what it bears on: ``supports`` and ``attacks`` target a
node, ``undercuts`` targets another edge (it attacks the inference, not a statement). Edges into the
same target with the same relation and the same ``group`` form one linked argument (premises that
work only together); an edge without a group is an argument of its own.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cached_property

import networkx as nx

from claims.kinds import KINDS as REGISTRY

KINDS = tuple(k.value for k in REGISTRY)
RELATIONS = ("supports", "attacks", "undercuts")


@dataclass(frozen=True, slots=True)
class MapNode:
    id: int
    kind: str  # "claim" | "evidence" | "opinion"
    text: str
    author: str
    implicit: bool = False
    paragraph_position: int | None = None
    start: int | None = None
    status: str = "pending"

    @property
    def reading_order(self) -> tuple[int, int, int, int]:
        """Sort key: passages in document order, implicit statements after them, then by id."""
        if self.paragraph_position is None:
            return (1, 0, 0, self.id)
        return (0, self.paragraph_position, self.start or 0, self.id)


@dataclass(frozen=True, slots=True)
class MapEdge:
    id: int
    source: int  # a node id
    relation: str  # "supports" | "attacks" | "undercuts"
    # Exactly one target is set: undercuts target an edge, supports/attacks target a node.
    target_node: int | None = None
    target_edge: int | None = None
    # Edges with the same group (same target, same relation) form ONE linked argument;
    # None makes the edge an argument of its own.
    group: str | None = None
    author: str = ""


@dataclass(frozen=True, slots=True)
class Argument:
    """One inference: its premises bear on a node or, for an undercut, on another edge."""

    id: str  # the group, or "e<edge id>" for an ungrouped edge
    relation: str
    premises: tuple[int, ...]
    target_node: int | None
    target_edge: int | None
    edge_ids: tuple[int, ...]

    @property
    def linked(self) -> bool:
        """Whether several premises work together (drawn through a junction)."""
        return len(self.edge_ids) > 1


def argument_id(edge: MapEdge) -> str:
    """Name the argument an edge belongs to: its group, or ``e<id>`` on its own."""
    return edge.group if edge.group is not None else f"e{edge.id}"


@dataclass(frozen=True)
class ArgumentMap:
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]

    @cached_property
    def node_by_id(self) -> dict[int, MapNode]:
        return {node.id: node for node in self.nodes}

    @cached_property
    def edge_by_id(self) -> dict[int, MapEdge]:
        return {edge.id: edge for edge in self.edges}

    def arguments(self) -> list["Argument"]:
        """Group the edges into arguments, in the order of each argument's first edge id."""
        grouped: dict[str, list[MapEdge]] = defaultdict(list)
        for edge in sorted(self.edges, key=lambda e: e.id):
            grouped[argument_id(edge)].append(edge)
        arguments = []
        for key, edges in grouped.items():
            first = edges[0]
            arguments.append(
                Argument(
                    id=key,
                    relation=first.relation,
                    premises=tuple(e.source for e in edges),
                    target_node=first.target_node,
                    target_edge=first.target_edge,
                    edge_ids=tuple(e.id for e in edges),
                )
            )
        return arguments

    def to_networkx(self) -> nx.MultiDiGraph:
        """Return the map as a ``MultiDiGraph``: one graph node per tag, one graph edge per link.

        Graph nodes are the tag ids with the ``MapNode`` fields as attributes. Each link is an
        edge keyed by its id, from its source to its target, with ``relation``, ``author``,
        ``argument`` (see ``arguments()``) and ``group`` attributes. An undercut's target is a
        link, so an edge cannot point at it: each undercut link points at a synthetic graph node
        named ``"e<link id>"`` (attributes ``kind="inference"`` and ``edge=<link id>``) standing
        for the inference it attacks. Attributes that are None are left out, so the graph can be
        written as GraphML as it is.
        """
        graph = nx.MultiDiGraph()
        for node in self.nodes:
            attrs = {
                "kind": node.kind,
                "text": node.text,
                "author": node.author,
                "implicit": node.implicit,
                "paragraph_position": node.paragraph_position,
                "start": node.start,
                "status": node.status,
            }
            graph.add_node(node.id, **{k: v for k, v in attrs.items() if v is not None})
        for edge in self.edges:
            target: int | str | None = edge.target_node
            if edge.target_edge is not None:
                target = f"e{edge.target_edge}"
                graph.add_node(target, kind="inference", edge=edge.target_edge)
            attrs = {
                "id": edge.id,
                "relation": edge.relation,
                "author": edge.author,
                "argument": argument_id(edge),
                "group": edge.group,
            }
            graph.add_edge(
                edge.source,
                target,
                key=edge.id,
                **{k: v for k, v in attrs.items() if v is not None},
            )
        return graph

    def filtered(
        self, author: str | None = None, statuses: Collection[str] | None = None
    ) -> "ArgumentMap":
        """Keep the nodes by ``author`` with a status in ``statuses`` (None: any), and the edges
        between kept nodes; an undercut stays only while the edge it targets stays."""
        nodes = tuple(
            node
            for node in self.nodes
            if (author is None or node.author == author)
            and (statuses is None or node.status in statuses)
        )
        kept_nodes = {node.id for node in nodes}
        kept_edges: dict[int, MapEdge] = {}
        pending = [edge for edge in self.edges if edge.source in kept_nodes]
        # Undercuts can target undercuts, so repeat until no more edge can be kept.
        changed = True
        while changed:
            changed = False
            rest = []
            for edge in pending:
                if edge.target_node is not None:
                    keep = edge.target_node in kept_nodes
                else:
                    keep = edge.target_edge in kept_edges
                    if not keep:
                        rest.append(edge)
                        continue
                if keep:
                    kept_edges[edge.id] = edge
                    changed = True
            pending = rest
        edges = tuple(edge for edge in self.edges if edge.id in kept_edges)
        return ArgumentMap(nodes=nodes, edges=edges)


def _fail(problems: Iterable[str]) -> None:
    problems = list(problems)
    if problems:
        raise ValueError("Invalid argument map: " + "; ".join(problems) + ".")


def validate(m: ArgumentMap) -> None:
    """Raise ``ValueError`` naming every structural problem of ``m`` (nothing if it is sound)."""
    problems: list[str] = []
    node_ids: set[int] = set()
    for node in m.nodes:
        if node.id in node_ids:
            problems.append(f"node {node.id} appears twice")
        node_ids.add(node.id)
        if node.kind not in KINDS:
            problems.append(
                f"node {node.id} has kind {node.kind!r}; expected one of {', '.join(KINDS)}"
            )
    edge_ids: set[int] = set()
    for edge in m.edges:
        if edge.id in edge_ids:
            problems.append(f"edge {edge.id} appears twice")
        edge_ids.add(edge.id)
    _fail(problems)

    for edge in m.edges:
        name = f"edge {edge.id}"
        if edge.relation not in RELATIONS:
            problems.append(
                f"{name} has relation {edge.relation!r}; expected one of {', '.join(RELATIONS)}"
            )
        if edge.source not in node_ids:
            problems.append(f"{name} starts at unknown node {edge.source}")
        has_node, has_edge = edge.target_node is not None, edge.target_edge is not None
        if has_node and has_edge:
            problems.append(
                f"{name} targets both node {edge.target_node} and edge "
                f"{edge.target_edge}; it must target exactly one"
            )
            continue
        if not has_node and not has_edge:
            problems.append(f"{name} has no target; it must target a node or an edge")
            continue
        if edge.relation == "undercuts" and not has_edge:
            problems.append(
                f"{name} undercuts but targets node {edge.target_node}; "
                "an undercut targets an edge (the inference it attacks)"
            )
        elif edge.relation in ("supports", "attacks") and has_edge:
            problems.append(
                f"{name} {edge.relation} edge {edge.target_edge}; only an undercut "
                "targets an edge, supports and attacks target a node"
            )
        if has_node and edge.target_node not in node_ids:
            problems.append(f"{name} targets unknown node {edge.target_node}")
        if has_edge and edge.target_edge not in edge_ids:
            problems.append(f"{name} targets unknown edge {edge.target_edge}")
        if has_node and edge.target_node == edge.source:
            problems.append(f"{name} is a self-loop: node {edge.source} {edge.relation} itself")
        if has_edge and edge.target_edge == edge.id:
            problems.append(f"{name} undercuts itself")
    _fail(problems)

    groups: dict[str, list[MapEdge]] = defaultdict(list)
    ungrouped = {f"e{edge.id}" for edge in m.edges if edge.group is None}
    for edge in m.edges:
        if edge.group is not None:
            groups[edge.group].append(edge)
    for group, edges in sorted(groups.items()):
        if group in ungrouped:
            problems.append(f"group {group!r} has the name reserved for ungrouped edge {group[1:]}")
        relations = sorted({e.relation for e in edges})
        if len(relations) > 1:
            problems.append(
                f"group {group!r} mixes relations ({', '.join(relations)}); "
                "a linked argument has one relation"
            )
        targets = sorted({_target_label(e) for e in edges})
        if len(targets) > 1:
            problems.append(
                f"group {group!r} mixes targets ({', '.join(targets)}); "
                "a linked argument has one target"
            )
        sources = [e.source for e in edges]
        repeated = sorted({s for s in sources if sources.count(s) > 1})
        if repeated:
            problems.append(f"group {group!r} lists node {repeated[0]} as a premise twice")
    _fail(problems)

    # Undercuts of undercuts must bottom out in a supports or attacks edge.
    for edge in m.edges:
        seen = {edge.id}
        current = edge
        while current.target_edge is not None:
            current = m.edge_by_id[current.target_edge]
            if current.id in seen:
                problems.append(f"edge {edge.id} is part of a cycle of undercuts")
                break
            seen.add(current.id)
    _fail(problems)


def _target_label(edge: MapEdge) -> str:
    if edge.target_node is not None:
        return f"node {edge.target_node}"
    return f"edge {edge.target_edge}"
