"""The consensus of k annotators (claims.argmap.consensus) on constructed cases, and its
properties: k=1 keeps every (cluster, kind), k = everyone keeps what all tagged, passages at
k = everyone lie inside every annotator's tags."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.alignment import clusters
from claims.argmap.consensus import consensus_snapshot
from claims.snapshot import DocumentSnapshot, LinkRow, ParagraphRow, TagRow

TEXT = "Sanctions work. They cut revenue by a third last year, the ministry says. " * 2
NAMES = ("alice", "bob", "carol")


def tag(id, author, start, end, kind="claim", position=0):
    return TagRow(
        id=id,
        paragraph_id=100 + position,
        paragraph_position=position,
        start=start,
        end=end,
        quote=TEXT[start:end],
        prefix="",
        suffix="",
        kind=kind,
        note="",
        author=author,
    )


def link(id, author, source, target, relation="supports"):
    return LinkRow(
        id=id, source_id=source, target_id=target, relation=relation, note="", author=author
    )


def snapshot(tags, links=()):
    return DocumentSnapshot(
        id=1,
        title="Sanctions",
        paragraphs=(ParagraphRow(100, 0, TEXT), ParagraphRow(101, 1, TEXT)),
        tags=tuple(tags),
        links=tuple(links),
    )


@pytest.fixture
def three():
    """Three annotators; the claim "Sanctions work." by all (bounds differ), the evidence by
    alice and bob, bob's extra opinion; links: evidence supports claim by alice and bob."""
    tags = [
        tag(1, "alice", 0, 15),
        tag(2, "bob", 0, 9),
        tag(3, "carol", 0, 14),
        tag(4, "alice", 16, 53, "evidence"),
        tag(5, "bob", 16, 43, "evidence"),
        tag(6, "bob", 55, 72, "opinion"),
    ]
    return snapshot(tags, [link(10, "alice", 4, 1), link(11, "bob", 5, 2)])


def summary(result):
    return [(t.kind, t.quote, t.author) for t in result.tags]


def test_consensus_of_one_is_the_union(three):
    result = consensus_snapshot(three, 1)
    assert summary(result) == [
        ("claim", "Sanctions work.", "alice, bob, carol"),
        ("evidence", "They cut revenue by a third last year", "alice, bob"),
        ("opinion", "the ministry says", "bob"),
    ]
    [edge] = result.links
    assert (edge.source_id, edge.target_id, edge.relation, edge.author) == (
        4,
        1,
        "supports",
        "alice, bob",
    )
    assert result.title == "Sanctions (consensus of 1)"


def test_consensus_of_two_keeps_what_two_agree_on_at_their_common_core(three):
    result = consensus_snapshot(three, 2)
    # "Sanctions work" is covered by alice and carol; their longest shared stretch.
    assert summary(result) == [
        ("claim", "Sanctions work", "alice, bob, carol"),
        ("evidence", "They cut revenue by a third", "alice, bob"),
    ]
    assert len(result.links) == 1


def test_consensus_of_everyone_is_the_intersection(three):
    result = consensus_snapshot(three, 3)
    assert summary(result) == [("claim", "Sanctions", "alice, bob, carol")]
    assert result.links == ()
    assert consensus_snapshot(three, 4).tags == ()


def test_kinds_in_one_cluster_are_separate_nodes_and_relations_must_agree():
    tags = [
        tag(1, "alice", 0, 15),
        tag(2, "bob", 0, 15, "opinion"),
        tag(3, "alice", 16, 53, "evidence"),
        tag(4, "bob", 16, 53, "evidence"),
    ]
    links = [link(10, "alice", 3, 1), link(11, "bob", 4, 2, "attacks")]
    one = consensus_snapshot(snapshot(tags, links), 1)
    assert [t.kind for t in one.tags] == ["claim", "opinion", "evidence"]
    assert sorted((e.source_id, e.target_id, e.relation) for e in one.links) == [
        (3, 1, "supports"),
        (3, 2, "attacks"),
    ]
    two = consensus_snapshot(snapshot(tags, links), 2)
    assert [t.kind for t in two.tags] == ["evidence"]
    assert two.links == ()


def test_a_chain_with_no_common_character_keeps_its_most_covered_stretch():
    tags = [tag(1, "alice", 0, 5), tag(2, "bob", 4, 9), tag(3, "carol", 8, 12)]
    [node] = consensus_snapshot(snapshot(tags), 3).tags
    assert (node.start, node.end) == (4, 5)


def test_k_must_be_positive(three):
    with pytest.raises(ValueError, match="1 or more"):
        consensus_snapshot(three, 0)


@st.composite
def annotated(draw):
    tags = []
    seen = set()
    for i in range(draw(st.integers(0, 25))):
        start = draw(st.integers(0, 60))
        row = (
            draw(st.sampled_from(NAMES)),
            start,
            start + draw(st.integers(1, 12)),
            draw(st.sampled_from(("claim", "evidence"))),
            draw(st.integers(0, 1)),
        )
        if row in seen:
            continue
        seen.add(row)
        tags.append(tag(i + 1, row[0], row[1], row[2], row[3], row[4]))
    links = []
    if len(tags) > 1:
        for j in range(draw(st.integers(0, 15))):
            a, b = draw(st.sampled_from(tags)), draw(st.sampled_from(tags))
            if a.author == b.author and a.id != b.id:
                links.append(
                    link(
                        1000 + j,
                        a.author,
                        a.id,
                        b.id,
                        draw(st.sampled_from(("supports", "attacks"))),
                    )
                )
    return snapshot(tags, links)


class _Span:
    def __init__(self, t):
        self.annotator, self.paragraph, self.start, self.end, self.kind, self.id = (
            t.author,
            t.paragraph_position,
            t.start,
            t.end,
            t.kind,
            t.id,
        )


def groups(snap):
    """(cluster, kind) -> the annotators who tagged it, and the smallest tag id (the node id)."""
    out = {}
    for index, cluster in enumerate(clusters([_Span(t) for t in snap.tags])):
        for span in cluster.members:
            names, smallest = out.get((index, span.kind), (set(), span.id))
            out[(index, span.kind)] = (names | {span.annotator}, min(smallest, span.id))
    return out


@given(annotated())
def test_one_gives_the_union_and_everyone_the_intersection(snap):
    found = groups(snap)
    everyone = {t.author for t in snap.tags}
    union = consensus_snapshot(snap, 1)
    assert {t.id for t in union.tags} == {smallest for _, smallest in found.values()}
    if everyone:
        inter = consensus_snapshot(snap, len(everyone))
        expected = {smallest for names, smallest in found.values() if names == everyone}
        assert {t.id for t in inter.tags} == expected
        # Where everyone shares a character of the cluster, the passage is covered by all.
        spans = [_Span(t) for t in snap.tags]
        for node in inter.tags:
            [cluster] = [
                c
                for c in clusters(spans)
                if c.paragraph == node.paragraph_position and c.start <= node.start < c.end
            ]
            common = set(range(cluster.start, cluster.end))
            for name in everyone:
                common &= {
                    x
                    for t in cluster.members
                    if t.annotator == name and t.kind == node.kind
                    for x in range(t.start, t.end)
                }
            if common:
                assert set(range(node.start, node.end)) <= common
    # Raising k only ever removes nodes and edges.
    for k in (1, 2):
        low, high = consensus_snapshot(snap, k), consensus_snapshot(snap, k + 1)
        assert {t.id for t in high.tags} <= {t.id for t in low.tags}
        assert {e.id for e in high.links} <= {e.id for e in low.links}
    for node in union.tags:
        assert 0 <= node.start < node.end
        assert node.quote == TEXT[node.start : node.end]
