"""Build the argument map of a document snapshot (pure: no ORM).

Nodes are the snapshot's tags and edges its links. A link's ``group`` (``""`` for none) names
a linked argument among the links with the same target and relation; the map wants group names
that are unique to one target and relation and that cannot be mistaken for the name of an
ungrouped edge (``e<id>``), so a name that breaks either rule is qualified with its relation
and target (``"g1 supports 11"``, ``"g1 undercuts link 21"``). Names the services wrote keep
their spelling.
"""

import re
from collections import defaultdict

from claims.argmap.graph import ArgumentMap, MapEdge, MapNode
from claims.snapshot import DocumentSnapshot, LinkRow

_RESERVED = re.compile(r"e\d+")


def _target(link: LinkRow) -> str:
    if link.target_id is not None:
        return str(link.target_id)
    return f"link {link.target_link_id}"


def _group_names(links: tuple[LinkRow, ...]) -> dict[int, str | None]:
    """Return each link's map group (None when ungrouped), qualified where it must be."""
    arguments: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for link in links:
        if link.group:
            arguments[link.group].add((link.relation, _target(link)))
    reserved = {f"e{link.id}" for link in links if not link.group}
    names: dict[int, str | None] = {}
    for link in links:
        name = link.group
        if not name:
            names[link.id] = None
        elif len(arguments[name]) > 1 or name in reserved or _RESERVED.fullmatch(name):
            names[link.id] = f"{name} {link.relation} {_target(link)}"
        else:
            names[link.id] = name
    return names


def map_from_snapshot(snapshot: DocumentSnapshot) -> ArgumentMap:
    """Return the snapshot's tags and links as an ``ArgumentMap``, tags in reading order."""
    nodes = tuple(
        MapNode(
            id=tag.id,
            kind=tag.kind,
            text=tag.quote,
            author=tag.author,
            implicit=tag.implicit,
            paragraph_position=tag.paragraph_position,
            start=tag.start,
            status=tag.status,
        )
        for tag in snapshot.tags
    )
    groups = _group_names(snapshot.links)
    edges = tuple(
        MapEdge(
            id=link.id,
            source=link.source_id,
            relation=link.relation,
            target_node=link.target_id,
            target_edge=link.target_link_id,
            group=groups[link.id],
            author=link.author,
        )
        for link in sorted(snapshot.links, key=lambda lk: lk.id)
    )
    return ArgumentMap(nodes=tuple(sorted(nodes, key=lambda n: n.reading_order)), edges=edges)
