"""Clusters of overlapping tags, their categories and link alignment (claims.alignment), and
aligned link F1 on constructed cases; hypothesis for the rule that every tag is in one cluster.
"""

from collections import Counter
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from claims.agreement import LinkSpan, Span, agreement
from claims.alignment import (
    AGREED,
    BOUNDARY_DIFFERS,
    KIND_DIFFERS,
    MISSING,
    RELATION_DIFFERS,
    Locator,
    link_units,
    span_category,
)
from claims.alignment import clusters as cluster


def ranges(found):
    return [(c.paragraph, c.start, c.end, len(c.members)) for c in found]


def test_nested_tags_form_one_cluster():
    found = cluster([Span("alice", 0, 0, 20, "claim"), Span("bob", 0, 5, 10, "claim")])
    assert ranges(found) == [(0, 0, 20, 2)]
    assert span_category(found[0], ["alice", "bob"]) == BOUNDARY_DIFFERS


def test_chained_overlaps_join_tags_that_do_not_touch():
    # alice [0, 5) and carol [8, 12) do not touch; bob [4, 9) overlaps both.
    spans = [
        Span("alice", 0, 0, 5, "claim"),
        Span("bob", 0, 4, 9, "claim"),
        Span("carol", 0, 8, 12, "claim"),
    ]
    assert ranges(cluster(spans)) == [(0, 0, 12, 3)]


def test_touching_ranges_share_no_character_and_stay_apart():
    found = cluster([Span("alice", 0, 0, 5, "claim"), Span("bob", 0, 5, 9, "claim")])
    assert ranges(found) == [(0, 0, 5, 1), (0, 5, 9, 1)]
    assert [span_category(c, ["alice", "bob"]) for c in found] == [MISSING, MISSING]


def test_partial_overlap_and_kind():
    found = cluster([Span("alice", 0, 0, 6, "claim"), Span("bob", 0, 3, 9, "evidence")])
    assert ranges(found) == [(0, 0, 9, 2)]
    assert span_category(found[0], ["alice", "bob"]) == KIND_DIFFERS


def test_paragraphs_never_share_a_cluster():
    found = cluster([Span("alice", 0, 0, 6, "claim"), Span("bob", 1, 0, 6, "claim")])
    assert ranges(found) == [(0, 0, 6, 1), (1, 0, 6, 1)]


def test_one_tag_overlapping_two_of_anothers():
    # bob's one long claim covers alice's two short ones: one cluster, and the kinds agree but
    # the boundaries do not.
    spans = [
        Span("alice", 0, 0, 4, "claim"),
        Span("alice", 0, 6, 10, "claim"),
        Span("bob", 0, 2, 8, "claim"),
    ]
    found = cluster(spans)
    assert ranges(found) == [(0, 0, 10, 3)]
    assert span_category(found[0], ["alice", "bob"]) == BOUNDARY_DIFFERS


def test_three_annotators_categories():
    spans = [
        # All three agree.
        Span("alice", 0, 0, 4, "claim"),
        Span("bob", 0, 0, 4, "claim"),
        Span("carol", 0, 0, 4, "claim"),
        # carol missed it.
        Span("alice", 0, 10, 14, "evidence"),
        Span("bob", 0, 11, 14, "evidence"),
        # carol called it an opinion.
        Span("alice", 1, 0, 4, "claim"),
        Span("bob", 1, 0, 4, "claim"),
        Span("carol", 1, 0, 4, "opinion"),
    ]
    names = ["alice", "bob", "carol"]
    found = cluster(spans)
    assert [span_category(c, names) for c in found] == [AGREED, MISSING, KIND_DIFFERS]
    # Missing is named before a boundary difference among the others.
    assert span_category(found[1], ["alice", "bob"]) == BOUNDARY_DIFFERS


def test_locator_finds_a_span_in_its_cluster_only():
    found = cluster([Span("alice", 0, 2, 6, "claim"), Span("bob", 0, 10, 12, "claim")])
    locate = Locator(found)
    assert locate(0, 2, 6) == 0
    assert locate(0, 3, 5) == 0
    assert locate(0, 10, 12) == 1
    assert locate(0, 6, 8) is None
    assert locate(1, 2, 6) is None


def test_link_units_and_their_categories():
    spans = [
        Span("alice", 0, 0, 4, "claim"),
        Span("bob", 0, 0, 5, "claim"),
        Span("alice", 0, 10, 14, "evidence"),
        Span("bob", 0, 10, 14, "evidence"),
        Span("alice", 0, 20, 24, "evidence"),
        Span("bob", 0, 20, 24, "evidence"),
    ]
    found = cluster(spans)
    locate = Locator(found)
    links = [
        LinkSpan("alice", (0, 10, 14), (0, 0, 4), "supports"),
        LinkSpan("bob", (0, 10, 14), (0, 0, 5), "supports"),
        LinkSpan("alice", (0, 20, 24), (0, 0, 4), "supports"),
        LinkSpan("bob", (0, 20, 24), (0, 0, 5), "attacks"),
        LinkSpan("bob", (0, 20, 24), (0, 10, 14), "supports"),
    ]
    units = link_units(
        links,
        lambda link: (link.annotator, link.relation, locate(*link.source), locate(*link.target)),
    )
    names = ["alice", "bob"]
    assert [(u.source, u.target, u.category(names)) for u in units] == [
        (1, 0, AGREED),
        (2, 0, RELATION_DIFFERS),
        (2, 1, MISSING),
    ]


def test_aligned_link_f1_matches_links_whose_spans_differ_by_a_word():
    text = "Sanctions work. They cut revenue by a third last year."
    claim_a, claim_b = (0, 0, 15), (0, 0, 9)  # "Sanctions work." and "Sanctions"
    evidence_a, evidence_b = (0, 16, 54), (0, 16, 43)  # the second ends a word earlier
    spans = [
        Span("alice", *claim_a, "claim"),
        Span("alice", *evidence_a, "evidence"),
        Span("bob", *claim_b, "claim"),
        Span("bob", *evidence_b, "evidence"),
    ]
    links = [
        LinkSpan("alice", evidence_a, claim_a, "supports"),
        LinkSpan("bob", evidence_b, claim_b, "supports"),
    ]
    result = agreement(spans, links, {0: len(text)})
    [row] = result["pairs"]
    assert row["link_f1"] == 0.0  # exact: the spans differ
    assert row["link_f1_aligned"] == 1.0
    assert result["overall"]["link_f1"] == 0.0
    assert result["overall"]["link_f1_aligned"] == 1.0


def test_aligned_link_f1_still_tells_relations_apart():
    spans = [Span(n, 0, s, e, k) for n in ("alice", "bob") for s, e, k in [(0, 4, "claim")]]
    spans += [Span("alice", 0, 6, 9, "evidence"), Span("bob", 0, 6, 8, "evidence")]
    links = [
        LinkSpan("alice", (0, 6, 9), (0, 0, 4), "supports"),
        LinkSpan("bob", (0, 6, 8), (0, 0, 4), "attacks"),
    ]
    [row] = agreement(spans, links, {0: 10})["pairs"]
    assert row["link_f1_aligned"] == 0.0


# --- Properties ------------------------------------------------------------------------------

NAMES = ("alice", "bob", "carol")


@st.composite
def tag_sets(draw):
    n = draw(st.integers(0, 30))
    spans = set()
    for _ in range(n):
        start = draw(st.integers(0, 40))
        spans.add(
            Span(
                draw(st.sampled_from(NAMES)),
                draw(st.integers(0, 2)),
                start,
                start + draw(st.integers(1, 10)),
                draw(st.sampled_from(("claim", "evidence", "opinion"))),
            )
        )
    return sorted(spans, key=repr)


@given(tag_sets())
def test_every_tag_is_in_exactly_one_cluster(spans):
    found = cluster(spans)
    counts = Counter(member for c in found for member in c.members)
    assert counts == Counter(spans)
    for c in found:
        # The range is the union of the members' ranges, unbroken.
        assert c.start == min(m.start for m in c.members)
        assert c.end == max(m.end for m in c.members)
        covered = set()
        for m in c.members:
            assert m.paragraph == c.paragraph
            covered |= set(range(m.start, m.end))
        assert covered == set(range(c.start, c.end))
    # Clusters never overlap, and tags in different clusters share no character.
    for a, b in pairwise(found):
        assert a.key < b.key
        if a.paragraph == b.paragraph:
            assert a.end <= b.start
    locate = Locator(found)
    for i, c in enumerate(found):
        for m in c.members:
            assert locate(m.paragraph, m.start, m.end) == i


@given(tag_sets())
def test_every_cluster_has_a_category_and_one_annotator_agrees_with_itself(spans):
    for c in cluster(spans):
        assert span_category(c, NAMES) in {AGREED, MISSING, KIND_DIFFERS, BOUNDARY_DIFFERS}
        if len(c.annotators()) == 1:
            assert span_category(c, c.annotators()) == AGREED
