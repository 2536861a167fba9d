"""The map check: weak spots of an argument map, each naming the tags involved.

Codes, in the order they are reported:

- ``unsupported-claim``: a claim that nothing supports.
- ``unused-evidence``: evidence that supports, attacks and undercuts nothing (evidence offered
  against a claim is in use, so only evidence linked to nothing is reported).
- ``support-cycle``: tags that support each other in a circle, named in the circle's order
  starting from the smallest id (at most ``MAX_CYCLES`` are reported).
- ``supports-and-attacks``: a tag that both supports and attacks the same target.
- ``opinion-as-evidence``: an opinion that supports a claim.
"""

from dataclasses import dataclass
from itertools import islice

import networkx as nx

from claims.argmap.graph import ArgumentMap, MapNode, validate
from claims.argmap.text import shorten

CODES = (
    "unsupported-claim",
    "unused-evidence",
    "support-cycle",
    "supports-and-attacks",
    "opinion-as-evidence",
)
#: Enumerating every cycle is exponential in the worst case; a person reads only a few anyway.
MAX_CYCLES = 50
QUOTE_CHARS = 60


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    message: str
    tags: tuple[int, ...]


def _quote(node: MapNode) -> str:
    return f"\u201c{shorten(node.text, QUOTE_CHARS)}\u201d"


def check_map(m: ArgumentMap) -> list[Finding]:
    """Return the findings for ``m``, ordered by code (as in ``CODES``) and then by tags."""
    validate(m)
    nodes = m.node_by_id
    supported: set[int] = set()
    linked_from: set[int] = set()
    relations: dict[tuple[int, int], set[str]] = {}
    supports = nx.DiGraph()
    for edge in m.edges:
        linked_from.add(edge.source)
        if edge.target_node is None:
            continue
        relations.setdefault((edge.source, edge.target_node), set()).add(edge.relation)
        if edge.relation == "supports":
            supported.add(edge.target_node)
            supports.add_edge(edge.source, edge.target_node)

    findings: list[Finding] = []
    for node in m.nodes:
        if node.kind == "claim" and node.id not in supported:
            findings.append(
                Finding(
                    "unsupported-claim", f"Nothing supports the claim {_quote(node)}.", (node.id,)
                )
            )
        if node.kind == "evidence" and node.id not in linked_from:
            findings.append(
                Finding(
                    "unused-evidence",
                    f"The evidence {_quote(node)} is not linked to anything: it supports no claim.",
                    (node.id,),
                )
            )

    for cycle in _cycles(supports):
        steps = ", which supports ".join(_quote(nodes[tag]) for tag in cycle)
        findings.append(
            Finding(
                "support-cycle",
                f"These tags support each other in a circle: {steps}, which supports "
                f"{_quote(nodes[cycle[0]])} again.",
                cycle,
            )
        )

    for (source, target), kinds in relations.items():
        if {"supports", "attacks"} <= kinds:
            findings.append(
                Finding(
                    "supports-and-attacks",
                    f"{_quote(nodes[source])} both supports and attacks {_quote(nodes[target])}.",
                    (source, target),
                )
            )
        if (
            "supports" in kinds
            and nodes[source].kind == "opinion"
            and nodes[target].kind == "claim"
        ):
            findings.append(
                Finding(
                    "opinion-as-evidence",
                    f"The opinion {_quote(nodes[source])} is offered as support for the claim "
                    f"{_quote(nodes[target])}; an opinion is not evidence.",
                    (source, target),
                )
            )

    order = {code: i for i, code in enumerate(CODES)}
    findings.sort(key=lambda f: (order[f.code], f.tags))
    return findings


def _cycles(supports: nx.DiGraph) -> list[tuple[int, ...]]:
    """Return up to ``MAX_CYCLES`` cycles, each rotated to start at its smallest tag, sorted."""
    # A fixed insertion order makes networkx find the same cycles first on every run.
    ordered = nx.DiGraph()
    ordered.add_nodes_from(sorted(supports.nodes))
    ordered.add_edges_from(sorted(supports.edges))
    cycles = []
    for cycle in islice(nx.simple_cycles(ordered), MAX_CYCLES):
        start = cycle.index(min(cycle))
        cycles.append(tuple(cycle[start:] + cycle[:start]))
    return sorted(cycles)
