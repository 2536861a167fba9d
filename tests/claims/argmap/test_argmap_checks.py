"""The map check on hand-built maps: each finding, a clean map, order and wording."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.argmap.checks import MAX_CYCLES, Finding, check_map
from claims.argmap.graph import ArgumentMap, MapEdge, MapNode
from tests.claims.argmap.test_argmap_graph import maps


def node(id: int, kind: str = "claim", text: str | None = None) -> MapNode:
    return MapNode(id=id, kind=kind, text=text or f"statement {id}", author="ana")


def codes(findings: list[Finding]) -> list[tuple[str, tuple[int, ...]]]:
    return [(f.code, f.tags) for f in findings]


# A sound little argument: evidence supports a claim, which supports the conclusion; an
# attack on the conclusion is itself supported; an undercut uses evidence.
CLEAN = ArgumentMap(
    nodes=(
        node(1, text="Cities should ban cars from their centres"),
        node(2, text="Car-free centres are healthier"),
        node(3, "evidence", "Air pollution fell by 30% in Oslo's centre after the ban"),
        node(4, text="Shops lose customers"),
        node(5, "evidence", "Shop sales in Oslo rose 5%"),
        node(6, "evidence", "Sales data came from the shops' own association"),
        node(7, "opinion", "Cars are ugly"),
        node(8, "evidence", "Drivers say they would shop elsewhere"),
    ),
    edges=(
        MapEdge(1, 2, "supports", 1),
        MapEdge(2, 3, "supports", 2),
        MapEdge(3, 4, "attacks", 1),
        MapEdge(4, 8, "supports", 4),
        MapEdge(5, 5, "attacks", 4),
        MapEdge(6, 6, "undercuts", target_edge=5),
        MapEdge(7, 7, "supports", 2, group="with-3"),
        MapEdge(8, 3, "supports", 2, group="with-3"),
    ),
)


def test_a_sound_map_has_no_findings_except_that_opinions_as_support_are_flagged():
    assert codes(check_map(CLEAN)) == [("opinion-as-evidence", (7, 2))]
    without_opinion = ArgumentMap(
        nodes=tuple(n for n in CLEAN.nodes if n.id != 7),
        edges=tuple(e for e in CLEAN.edges if e.source != 7),
    )
    assert check_map(without_opinion) == []


def test_unsupported_claim_even_if_attacked_or_supporting_something_else():
    m = ArgumentMap(
        nodes=(node(1), node(2), node(3, "evidence"), node(4, "opinion")),
        edges=(MapEdge(1, 2, "supports", 1), MapEdge(2, 3, "attacks", 2)),
    )
    # Claim 1 is supported; claim 2 is only attacked; the opinion is no claim.
    assert codes(check_map(m)) == [("unsupported-claim", (2,))]


def test_unused_evidence_is_evidence_linked_to_nothing():
    m = ArgumentMap(
        nodes=(
            node(1),
            node(2, "evidence"),
            node(3, "evidence"),
            node(4, "evidence"),
            node(5, "evidence"),
            node(6, "evidence"),
        ),
        edges=(
            MapEdge(1, 2, "supports", 1),
            MapEdge(2, 3, "attacks", 1),  # evidence against the claim is in use
            MapEdge(3, 4, "undercuts", target_edge=1),  # so is evidence against an inference
            MapEdge(4, 1, "supports", 5),  # being supported does not make evidence used
        ),
    )
    assert codes(check_map(m)) == [("unused-evidence", (5,)), ("unused-evidence", (6,))]
    assert "not linked to anything" in check_map(m)[0].message


def test_support_cycle_names_its_tags_in_order_from_the_smallest():
    m = ArgumentMap(
        nodes=(node(1), node(2), node(3), node(4), node(5)),
        edges=(
            MapEdge(1, 3, "supports", 2),
            MapEdge(2, 2, "supports", 4),
            MapEdge(3, 4, "supports", 3),  # 3 -> 2 -> 4 -> 3
            MapEdge(4, 5, "supports", 1),
            MapEdge(5, 1, "attacks", 5),  # attacks do not close a cycle of support
        ),
    )
    cycles = [f for f in check_map(m) if f.code == "support-cycle"]
    assert [f.tags for f in cycles] == [(2, 4, 3)]
    assert cycles[0].message == (
        "These tags support each other in a circle: \u201cstatement 2\u201d, which supports "
        "\u201cstatement 4\u201d, which supports \u201cstatement 3\u201d, which supports "
        "\u201cstatement 2\u201d again."
    )


def test_two_tags_supporting_each_other_are_a_cycle_and_only_cycles_of_support_count():
    m = ArgumentMap(
        nodes=(node(1), node(2), node(3)),
        edges=(
            MapEdge(1, 1, "supports", 2),
            MapEdge(2, 2, "supports", 1),
            MapEdge(3, 3, "supports", 1),
            MapEdge(4, 1, "attacks", 3),
        ),
    )
    assert [f.tags for f in check_map(m) if f.code == "support-cycle"] == [(1, 2)]


def test_cycles_are_capped():
    ids = range(1, 7)
    edges = tuple(
        MapEdge(i * 10 + j, i, "supports", j) for i in ids for j in ids if i != j
    )  # a complete graph on 6 nodes has hundreds of cycles
    m = ArgumentMap(nodes=tuple(node(i) for i in ids), edges=edges)
    cycles = [f for f in check_map(m) if f.code == "support-cycle"]
    assert len(cycles) == MAX_CYCLES
    assert len({f.tags for f in cycles}) == MAX_CYCLES
    assert all(f.tags[0] == min(f.tags) for f in cycles)


def test_supports_and_attacks_the_same_target():
    m = ArgumentMap(
        nodes=(node(1), node(2, "evidence"), node(3, "evidence")),
        edges=(
            MapEdge(1, 2, "supports", 1),
            MapEdge(2, 2, "attacks", 1),
            MapEdge(3, 3, "supports", 1, group="g"),
            MapEdge(4, 2, "supports", 1, group="g"),
            MapEdge(5, 3, "attacks", 2),
        ),
    )
    findings = [f for f in check_map(m) if f.code == "supports-and-attacks"]
    assert codes(findings) == [("supports-and-attacks", (2, 1))]
    assert (
        findings[0].message
        == "\u201cstatement 2\u201d both supports and attacks \u201cstatement 1\u201d."
    )


def test_opinion_as_evidence_only_when_an_opinion_supports_a_claim():
    m = ArgumentMap(
        nodes=(node(1), node(2, "opinion"), node(3, "evidence"), node(4, "opinion")),
        edges=(
            MapEdge(1, 2, "supports", 1),
            MapEdge(2, 4, "attacks", 1),  # an opinion attacking is not offered as evidence
            MapEdge(3, 2, "supports", 3),  # supporting evidence is not supporting a claim
            MapEdge(4, 3, "supports", 1),
        ),
    )
    findings = [f for f in check_map(m) if f.code == "opinion-as-evidence"]
    assert codes(findings) == [("opinion-as-evidence", (2, 1))]
    assert "an opinion is not evidence" in findings[0].message


def test_messages_quote_shortened_text_in_plain_words():
    long_text = "Every word here matters a great deal " * 10
    m = ArgumentMap(nodes=(node(1, text=long_text),), edges=())
    (finding,) = check_map(m)
    assert finding.message.startswith("Nothing supports the claim \u201cEvery word here")
    assert "\u2026\u201d" in finding.message
    assert len(finding.message) < 100


def test_findings_come_in_code_order_then_by_tags():
    m = ArgumentMap(
        nodes=(node(4, "opinion"), node(3), node(2, "evidence"), node(1)),
        edges=(MapEdge(1, 4, "supports", 3), MapEdge(2, 3, "supports", 4)),
    )
    assert codes(check_map(m)) == [
        ("unsupported-claim", (1,)),
        ("unused-evidence", (2,)),
        ("support-cycle", (3, 4)),
        ("opinion-as-evidence", (4, 3)),
    ]


@given(maps(max_nodes=8, max_edges=14), st.data())
def test_findings_do_not_depend_on_input_order(m, data):
    nodes = data.draw(st.permutations(m.nodes))
    edges = data.draw(st.permutations(m.edges))
    again = check_map(ArgumentMap(nodes=tuple(nodes), edges=tuple(edges)))
    assert check_map(m) == again
    known = {n.id for n in m.nodes}
    for finding in again:
        assert set(finding.tags) <= known
        assert finding.message


def test_check_rejects_an_invalid_map():
    with pytest.raises(ValueError, match="unknown node 9"):
        check_map(ArgumentMap(nodes=(node(1),), edges=(MapEdge(1, 9, "supports", 1),)))
