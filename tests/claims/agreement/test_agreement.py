"""Agreement measures against hand-computed cases, scikit-learn and the krippendorff package.

Labels in the comments: C claim, E evidence, O opinion, N none; one letter per character.
"""

import json
import math
import random
import time
import warnings
import xml.etree.ElementTree as ET
from itertools import combinations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from claims.agreement import (
    REASON_ALPHA_UNDEFINED,
    REASON_FEWER_THAN_TWO,
    REASON_KAPPA_UNDEFINED,
    REASON_NO_TEXT,
    LinkSpan,
    Span,
    agreement,
    reading,
    summary,
)
from claims.agreement_chart import render_chart

KINDS = ("claim", "evidence", "opinion")
SVG = "{http://www.w3.org/2000/svg}"


def walk(node):
    """Yield every dict of a result (pairs, overall, by_kind and their pairs)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def assert_well_formed(result):
    """Measures are floats or None; a None has a `_reason`, a value has none; JSON-safe."""
    json.dumps(result, allow_nan=False)
    for node in walk(result):
        for key, value in node.items():
            if key in {"a", "b", "pairs", "annotators", "overall", "by_kind"}:
                continue
            if key in KINDS or key.endswith("_reason"):
                continue
            assert value is None or type(value) is float, (key, value)
            if value is None:
                assert isinstance(node[f"{key}_reason"], str), key
            else:
                assert f"{key}_reason" not in node, key


def pair(result, a, b, kind=None):
    rows = result["pairs"] if kind is None else result["by_kind"][kind]["pairs"]
    (row,) = [r for r in rows if (r["a"], r["b"]) == (a, b)]
    return row


# --- Hand-computed cases ------------------------------------------------------------------


def test_two_annotators_one_kind():
    # Paragraph of 4 characters. alice: CCNN, bob: CNNN.
    result = agreement([Span("bob", 0, 0, 1, "claim"), Span("alice", 0, 0, 2, "claim")], [], {0: 4})
    assert_well_formed(result)
    assert result["annotators"] == ["alice", "bob"]
    row = pair(result, "alice", "bob")
    # Confusion (alice rows, bob columns): CC 1, CN 1, NN 2. p_o = 3/4.
    # Marginals: alice C2 N2, bob C1 N3; p_e = (2*1 + 2*3) / 16 = 1/2.
    # kappa = (3/4 - 1/2) / (1 - 1/2) = 1/2.
    assert row["cohen_kappa"] == pytest.approx(0.5)
    # Spans differ in end: no exact match; they overlap: one overlap match of one span each.
    assert (row["span_precision_exact"], row["span_recall_exact"], row["span_f1_exact"]) == (
        0.0,
        0.0,
        0.0,
    )
    assert row["span_f1_overlap"] == 1.0
    # Alpha: units (C,C), (C,N), (N,N), (N,N); two coders, so each ordered pair counts once.
    # o_CC = 2, o_CN = o_NC = 1, o_NN = 4; n_C = 3, n_N = 5, n = 8.
    # alpha = 1 - (n - 1) * sum_{c!=k} o_ck / sum_{c!=k} n_c n_k = 1 - 7 * 2 / 30 = 8/15.
    assert result["overall"]["krippendorff_alpha"] == pytest.approx(8 / 15)
    assert result["by_kind"]["claim"]["krippendorff_alpha"] == pytest.approx(8 / 15)


@pytest.fixture
def mixed():
    # Paragraph of 10. alice: claim [0,4) and evidence [2,6); bob: evidence [0,6).
    # Labels (claim wins over evidence where both cover): alice CCCCEENNNN, bob EEEEEENNNN.
    return agreement(
        [
            Span("alice", 0, 0, 4, "claim"),
            Span("alice", 0, 2, 6, "evidence"),
            Span("bob", 0, 0, 6, "evidence"),
        ],
        [],
        {0: 10},
    )


def test_overlapping_kinds_take_the_first_kind(mixed):
    assert_well_formed(mixed)
    row = pair(mixed, "alice", "bob")
    # Confusion: CE 4, EE 2, NN 4; observed 6 of 10. Marginals alice C4 E2 N4, bob E6 N4.
    # chance = sum r_i c_i = 2*6 + 4*4 = 28 (in units of 1/n^2);
    # kappa = (10*6 - 28) / (100 - 28) = 32/72 = 4/9.
    assert row["cohen_kappa"] == pytest.approx(4 / 9)
    # Units: 4 x (C,E), 2 x (E,E), 4 x (N,N). Off-diagonal o = 8.
    # n_C = 4, n_E = 8, n_N = 8, n = 20; sum_{c!=k} n_c n_k = 400 - (16 + 64 + 64) = 256.
    # alpha = 1 - 19 * 8 / 256 = 104/256.
    assert mixed["overall"]["krippendorff_alpha"] == pytest.approx(104 / 256)
    # Spans: alice {C 0-4, E 2-6}, bob {E 0-6}. Exact: none. Overlap: E 2-6 ~ E 0-6.
    assert row["span_f1_exact"] == 0.0
    assert row["span_precision_overlap"] == 1.0  # bob's one span matched
    assert row["span_recall_overlap"] == 0.5  # one of alice's two
    assert row["span_f1_overlap"] == pytest.approx(2 / 3)


def test_by_kind_uses_binary_coverage(mixed):
    claim, evidence = pair(mixed, "alice", "bob", "claim"), pair(mixed, "alice", "bob", "evidence")
    # claim: alice 1111000000, bob 0000000000. Confusion 10:4, 00:6; observed 6.
    # chance = 6*10 + 4*0 = 60; kappa = (60 - 60) / (100 - 60) = 0.
    assert claim["cohen_kappa"] == 0.0
    # Units 4 x (1,0), 6 x (0,0): o off = 8; n_1 = 4, n_0 = 16; sum n_c n_k = 2*4*16 = 128.
    # alpha = 1 - 19 * 8 / 128 = -0.1875.
    assert mixed["by_kind"]["claim"]["krippendorff_alpha"] == pytest.approx(-0.1875)
    # evidence counts alice's [2,6) although claim wins those characters overall:
    # alice 0011110000, bob 1111110000. Confusion 01:2, 11:4, 00:4; observed 8.
    # Marginals alice 0:6 1:4, bob 0:4 1:6; chance = 24 + 24 = 48; kappa = 32/52.
    assert evidence["cohen_kappa"] == pytest.approx(32 / 52)
    # Units 2 x (0,1), 4 x (1,1), 4 x (0,0): o off = 4; n_0 = n_1 = 10; alpha = 1 - 19*4/200.
    assert mixed["by_kind"]["evidence"]["krippendorff_alpha"] == pytest.approx(0.62)
    # Span F1 per kind: bob tagged no claim, so claim precision is undefined, recall 0, F1 0.
    assert claim["span_precision_exact"] is None
    assert claim["span_precision_exact_reason"] == (
        "annotator b tagged no claim span, so precision is undefined"
    )
    assert (claim["span_recall_exact"], claim["span_f1_exact"]) == (0.0, 0.0)
    assert (evidence["span_f1_exact"], evidence["span_f1_overlap"]) == (0.0, 1.0)
    opinion = mixed["by_kind"]["opinion"]
    assert opinion["krippendorff_alpha"] is None
    assert opinion["krippendorff_alpha_reason"] == REASON_ALPHA_UNDEFINED
    assert opinion["span_f1_exact_reason"] == "no annotator tagged an opinion span"
    assert pair(mixed, "alice", "bob", "opinion")["cohen_kappa_reason"] == REASON_KAPPA_UNDEFINED


def test_three_annotators_alpha_and_kappa():
    # Paragraph of 3. alice CCN, bob CNN, carol NEE.
    result = agreement(
        [
            Span("alice", 0, 0, 2, "claim"),
            Span("bob", 0, 0, 1, "claim"),
            Span("carol", 0, 1, 3, "evidence"),
        ],
        [],
        {0: 3},
    )
    assert_well_formed(result)
    assert [(r["a"], r["b"]) for r in result["pairs"]] == [
        ("alice", "bob"),
        ("alice", "carol"),
        ("bob", "carol"),
    ]
    # Three coders per unit: each ordered pair of values adds 1 / (3 - 1).
    # Unit (C,C,N): CC 2/2, CN 2/2, NC 2/2 -> off-diagonal 2.
    # Unit (C,N,E): six distinct ordered pairs / 2 -> off-diagonal 3.
    # Unit (N,N,E): NE 2/2, EN 2/2 -> off-diagonal 2.  Total off-diagonal 7.
    # n_C = 3, n_N = 4, n_E = 2, n = 9; sum_{c!=k} n_c n_k = 81 - (9 + 16 + 4) = 52.
    # alpha = 1 - 8 * 7 / 52 = -1/13.
    assert result["overall"]["krippendorff_alpha"] == pytest.approx(-1 / 13)
    # alice CCN vs bob CNN: CC 1, CN 1, NN 1; observed 2 of 3; marginals C2 N1 / C1 N2.
    # chance = 2*1 + 1*2 = 4; kappa = (3*2 - 4) / (9 - 4) = 2/5.
    assert pair(result, "alice", "bob")["cohen_kappa"] == pytest.approx(0.4)
    # alice CCN vs carol NEE: no character agrees. observed 0, marginals C2 N1 / N1 E2;
    # chance = 1*1 = 1; kappa = (0 - 1) / (9 - 1) = -1/8.
    assert pair(result, "alice", "carol")["cohen_kappa"] == pytest.approx(-1 / 8)


def test_overlap_matching_is_one_to_one():
    # alice has one long claim [0,10); bob two short ones inside it, [0,3) and [5,9).
    # The long span may match only one of them (the larger overlap, [5,9)).
    result = agreement(
        [
            Span("alice", 0, 0, 10, "claim"),
            Span("bob", 0, 0, 3, "claim"),
            Span("bob", 0, 5, 9, "claim"),
        ],
        [],
        {0: 10},
    )
    row = pair(result, "alice", "bob")
    assert row["span_precision_overlap"] == 0.5  # 1 of bob's 2
    assert row["span_recall_overlap"] == 1.0  # alice's 1 of 1
    assert row["span_f1_overlap"] == pytest.approx(2 / 3)  # 2 * 1 / (1 + 2)


def test_greedy_takes_the_largest_overlap_first():
    # alice [0,6) and [6,10); bob [2,8) and [8,10). Greedy by overlap: alice[0,6)~bob[2,8)
    # (4 characters), then alice[6,10)~bob[8,10) (2). Matching bob[2,8) to alice[6,10)
    # instead would also be one to one, but is not what the largest-first rule picks; the
    # count is 2 either way, which is what F1 sees.
    result = agreement(
        [
            Span("alice", 0, 0, 6, "claim"),
            Span("alice", 0, 6, 10, "claim"),
            Span("bob", 0, 2, 8, "claim"),
            Span("bob", 0, 8, 10, "claim"),
        ],
        [],
        {0: 10},
    )
    assert pair(result, "alice", "bob")["span_f1_overlap"] == 1.0


@pytest.mark.parametrize(
    ("bob", "why"),
    [
        (Span("bob", 0, 3, 5, "claim"), "touching ranges do not intersect"),
        (Span("bob", 1, 0, 3, "claim"), "another paragraph"),
        (Span("bob", 0, 0, 3, "evidence"), "another kind"),
    ],
)
def test_no_overlap_match(bob, why):
    result = agreement([Span("alice", 0, 0, 3, "claim"), bob], [], {0: 5, 1: 5})
    assert pair(result, "alice", "bob")["span_f1_overlap"] == 0.0, why


def test_overall_span_f1_is_micro_averaged():
    s1, s2, s3 = (0, 0, 2), (0, 3, 5), (0, 6, 8)
    spans = [Span(name, *s, "claim") for name in ("alice", "bob") for s in (s1, s2, s3)]
    spans.append(Span("carol", *s1, "claim"))
    result = agreement(spans, [], {0: 8})
    # Pairs: alice-bob 3 matches of 3 + 3 spans (F1 1); alice-carol and bob-carol 1 of 3 + 1
    # (F1 0.5 each). Micro: 2 * (3 + 1 + 1) / (6 + 4 + 4) = 10/14; the mean would be 2/3.
    assert result["overall"]["span_f1_exact"] == pytest.approx(10 / 14)
    assert result["overall"]["span_f1_overlap"] == pytest.approx(10 / 14)
    assert result["by_kind"]["claim"]["span_f1_exact"] == pytest.approx(10 / 14)


def test_link_f1():
    s1, s2, s3 = (0, 0, 2), (0, 3, 5), (0, 6, 8)
    spans = [Span(name, *s, "claim") for name in ("alice", "bob") for s in (s1, s2, s3)]
    links = [
        LinkSpan("alice", s1, s2, "supports"),
        LinkSpan("alice", s3, s1, "attacks"),
        LinkSpan("bob", s1, s2, "supports"),
        LinkSpan("bob", s3, s1, "supports"),  # same ends, other relation: no match
        LinkSpan("bob", s1, s2, "supports"),  # a duplicate counts once
    ]
    result = agreement(spans, links, {0: 8})
    assert_well_formed(result)
    row = pair(result, "alice", "bob")
    # One shared link of 2 each: P = R = 1/2, F1 = 2 * 1 / 4.
    assert (row["link_precision"], row["link_recall"], row["link_f1"]) == (0.5, 0.5, 0.5)
    assert result["overall"]["link_f1"] == 0.5
    assert "link_f1" not in result["by_kind"]["claim"]


def test_links_only_annotator_counts():
    # carol tagged nothing but linked alice's tags: she is an annotator with no spans.
    s1, s2 = (0, 0, 2), (0, 3, 5)
    result = agreement(
        [Span("alice", *s1, "claim"), Span("alice", *s2, "claim")],
        [LinkSpan("carol", s1, s2, "supports")],
        {0: 5},
    )
    assert result["annotators"] == ["alice", "carol"]
    row = pair(result, "alice", "carol")
    assert row["link_precision"] == 0.0
    assert row["link_recall"] is None
    assert row["link_recall_reason"] == "annotator a made no link, so recall is undefined"
    assert row["span_f1_exact"] == 0.0


def test_spans_across_paragraphs_are_labelled_per_paragraph():
    # Paragraphs 0 (length 2) and 5 (length 3) laid end to end: 5 characters.
    # alice: CC | NNN; bob: CC | NNC. kappa: observed 4 of 5; marginals C2 N3 / C3 N2;
    # chance = 2*3 + 3*2 = 12; kappa = (5*4 - 12) / (25 - 12) = 8/13.
    result = agreement(
        [
            Span("alice", 0, 0, 2, "claim"),
            Span("bob", 0, 0, 2, "claim"),
            Span("bob", 5, 2, 3, "claim"),
        ],
        [],
        {5: 3, 0: 2},
    )
    assert pair(result, "alice", "bob")["cohen_kappa"] == pytest.approx(8 / 13)


# --- Degenerate cases ---------------------------------------------------------------------


def test_no_annotators():
    result = agreement([], [], {0: 10})
    assert_well_formed(result)
    assert result["annotators"] == []
    assert result["pairs"] == []
    for measures in [result["overall"], *result["by_kind"].values()]:
        assert measures["krippendorff_alpha"] is None
        assert measures["krippendorff_alpha_reason"] == REASON_FEWER_THAN_TWO
        assert measures["span_f1_exact_reason"] == REASON_FEWER_THAN_TWO
    assert result["overall"]["link_f1_reason"] == REASON_FEWER_THAN_TWO
    assert set(result["by_kind"]) == set(KINDS)


def test_one_annotator():
    result = agreement([Span("alice", 0, 0, 4, "claim")], [], {0: 10})
    assert_well_formed(result)
    assert result["annotators"] == ["alice"]
    assert result["pairs"] == []
    assert result["overall"]["krippendorff_alpha_reason"] == REASON_FEWER_THAN_TWO
    assert result["overall"]["span_f1_overlap_reason"] == REASON_FEWER_THAN_TWO


def test_two_annotators_no_tags():
    result = agreement([], [], {0: 10, 1: 4}, annotators=["bob", "alice"])
    assert_well_formed(result)
    assert result["annotators"] == ["alice", "bob"]
    row = pair(result, "alice", "bob")
    assert row["span_f1_exact_reason"] == "neither annotator tagged a span"
    assert row["cohen_kappa_reason"] == REASON_KAPPA_UNDEFINED
    assert row["link_f1_reason"] == "neither annotator made a link"
    assert result["overall"]["krippendorff_alpha_reason"] == REASON_ALPHA_UNDEFINED
    assert result["overall"]["span_f1_exact_reason"] == "no annotator tagged a span"
    assert result["overall"]["link_f1_reason"] == "no annotator made a link"


def test_no_text():
    result = agreement([], [], {}, annotators=["alice", "bob"])
    assert_well_formed(result)
    assert pair(result, "alice", "bob")["cohen_kappa_reason"] == REASON_NO_TEXT
    assert result["overall"]["krippendorff_alpha_reason"] == REASON_NO_TEXT


def test_identical_annotations():
    tags = [(0, 0, 4, "claim"), (0, 6, 9, "evidence"), (1, 2, 5, "claim")]
    s1, s2 = (0, 0, 4), (0, 6, 9)
    result = agreement(
        [Span(name, *tag) for name in ("alice", "bob", "carol") for tag in tags],
        [LinkSpan(name, s2, s1, "supports") for name in ("alice", "bob", "carol")],
        {0: 10, 1: 6},
    )
    assert_well_formed(result)
    for row in result["pairs"]:
        for key in ("span_f1_exact", "span_f1_overlap", "cohen_kappa", "link_f1"):
            assert row[key] == 1.0, key
        assert row["link_f1_aligned"] == 1.0
    assert result["overall"] == {
        "krippendorff_alpha": 1.0,
        "span_f1_exact": 1.0,
        "span_f1_overlap": 1.0,
        "link_f1": 1.0,
        "link_f1_aligned": 1.0,
    }
    for kind in ("claim", "evidence"):
        assert result["by_kind"][kind]["krippendorff_alpha"] == 1.0
    # Nobody used opinion: defined measures would be a guess, so they are null with reasons.
    assert result["by_kind"]["opinion"]["krippendorff_alpha"] is None
    assert summary(result)[0] == "all kinds: almost perfect agreement (alpha 1.00)"


def test_identical_tags_covering_everything():
    # Everyone labelled every character claim: F1 is 1, but kappa and alpha are undefined.
    result = agreement([Span(name, 0, 0, 5, "claim") for name in ("alice", "bob")], [], {0: 5})
    assert_well_formed(result)
    row = pair(result, "alice", "bob")
    assert row["span_f1_exact"] == 1.0
    assert row["cohen_kappa"] is None
    assert result["overall"]["krippendorff_alpha"] is None


@pytest.mark.parametrize(
    ("span", "message"),
    [
        (Span("alice", 0, 0, 3, "fact"), "kind must be one of claim, evidence, opinion"),
        (Span("alice", 7, 0, 3, "claim"), "no length given for paragraph 7"),
        (Span("alice", 0, 2, 11, "claim"), "end <= 10"),
        (Span("alice", 0, 3, 3, "claim"), "start < end"),
        (Span("alice", 0, -1, 3, "claim"), "0 <= start"),
    ],
)
def test_bad_spans_are_refused(span, message):
    with pytest.raises(ValueError, match=message):
        agreement([span], [], {0: 10})


def test_kinds_must_be_distinct():
    with pytest.raises(ValueError, match="distinct"):
        agreement([], [], {0: 1}, kinds=("claim", "claim"))


def test_custom_kinds_order_decides_overlaps():
    # Same tags as `mixed`, but evidence first: alice CCEEEENNNN (was CCCCEENNNN), bob
    # EEEEEENNNN. Confusion CE 2, EE 4, NN 4: observed 8; marginals alice C2 E4 N4, bob E6 N4;
    # chance = 4*6 + 4*4 = 40; kappa = (80 - 40) / (100 - 40) = 2/3 (4/9 with claim first).
    spans = [
        Span("alice", 0, 0, 4, "claim"),
        Span("alice", 0, 2, 6, "evidence"),
        Span("bob", 0, 0, 6, "evidence"),
    ]
    result = agreement(spans, [], {0: 10}, kinds=("evidence", "claim"))
    assert pair(result, "alice", "bob")["cohen_kappa"] == pytest.approx(2 / 3)
    assert list(result["by_kind"]) == ["evidence", "claim"]


# --- Cross-checks against scikit-learn and krippendorff -----------------------------------


def naive_labels(spans, annotator, lengths, kinds, kind=None):
    """Label every character one by one, the obvious way."""
    labels = []
    for key in sorted(lengths):
        for char in range(lengths[key]):
            covering = [
                s.kind
                for s in spans
                if s.annotator == annotator and s.paragraph == key and s.start <= char < s.end
            ]
            if kind is not None:
                labels.append(kind if kind in covering else "none")
            else:
                labels.append(next((k for k in kinds if k in covering), "none"))
    return labels


@st.composite
def annotations(draw, max_annotators=2):
    lengths = dict(enumerate(draw(st.lists(st.integers(0, 25), min_size=1, max_size=3))))
    if sum(lengths.values()) == 0:
        lengths[0] = 1
    names = [f"user{i}" for i in range(draw(st.integers(2, max_annotators)))]
    spans = []
    for name in names:
        for _ in range(draw(st.integers(0, 6))):
            key = draw(st.sampled_from([k for k, n in lengths.items() if n > 0]))
            start = draw(st.integers(0, lengths[key] - 1))
            end = draw(st.integers(start + 1, lengths[key]))
            spans.append(Span(name, key, start, end, draw(st.sampled_from(KINDS))))
    return names, spans, lengths


def sklearn_kappa(y1, y2, labels):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns where kappa is undefined
        return cohen_kappa_score(y1, y2, labels=labels)


@settings(max_examples=200, deadline=None)
@given(annotations())
def test_kappa_matches_scikit_learn(data):
    names, spans, lengths = data
    result = agreement(spans, [], lengths, annotators=names)
    a, b = names
    expected = sklearn_kappa(
        naive_labels(spans, a, lengths, KINDS),
        naive_labels(spans, b, lengths, KINDS),
        ["none", *KINDS],
    )
    ours = pair(result, a, b)["cohen_kappa"]
    if math.isnan(expected):
        assert ours is None
    else:
        assert ours == pytest.approx(expected, abs=1e-12)
    for kind in KINDS:
        expected = sklearn_kappa(
            naive_labels(spans, a, lengths, KINDS, kind),
            naive_labels(spans, b, lengths, KINDS, kind),
            ["none", kind],
        )
        ours = pair(result, a, b, kind)["cohen_kappa"]
        assert ours is None if math.isnan(expected) else ours == pytest.approx(expected)


@settings(max_examples=100, deadline=None)
@given(annotations(max_annotators=4))
def test_alpha_matches_krippendorff_on_raw_labels(data):
    # The module passes value counts it builds with numpy; here the package builds them
    # itself from a coders x characters matrix of the naive labels.
    names, spans, lengths = data
    result = agreement(spans, [], lengths, annotators=names)
    matrix = np.array([naive_labels(spans, name, lengths, KINDS) for name in names])
    ours = result["overall"]["krippendorff_alpha"]
    if len(np.unique(matrix)) < 2:
        assert ours is None
    else:
        expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
        assert ours == pytest.approx(expected, abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(annotations(max_annotators=4))
def test_every_result_is_well_formed_and_symmetric(data):
    names, spans, lengths = data
    result = agreement(spans, [], lengths, annotators=names)
    assert_well_formed(result)
    assert len(result["pairs"]) == len(list(combinations(names, 2)))
    # Renaming user0..userN to userN..user0 reverses the sorted order, so every pair comes
    # back with a and b swapped: precision and recall swap, F1 and kappa stay.
    flip = {name: names[-1 - i] for i, name in enumerate(names)}
    flipped = agreement(
        [Span(flip[s.annotator], s.paragraph, s.start, s.end, s.kind) for s in spans],
        [],
        lengths,
        annotators=names,
    )
    assert flipped["overall"] == result["overall"]
    for row in result["pairs"]:
        other = pair(flipped, flip[row["b"]], flip[row["a"]])
        for match in ("exact", "overlap"):
            f1 = row[f"span_f1_{match}"]
            assert other[f"span_f1_{match}"] == f1
            p, r = row[f"span_precision_{match}"], row[f"span_recall_{match}"]
            assert (other[f"span_precision_{match}"], other[f"span_recall_{match}"]) == (r, p)
            if p is not None and r is not None and p + r > 0:
                assert f1 == pytest.approx(2 * p * r / (p + r))
        assert other["cohen_kappa"] == pytest.approx(row["cohen_kappa"])


def test_ten_thousand_characters_five_annotators_is_fast():
    rng = random.Random(5)  # noqa: S311 (test data, not secrets)
    lengths = dict.fromkeys(range(50), 200)  # 10,000 characters
    spans = []
    for name in ("ann", "bea", "cal", "dee", "eli"):
        for _ in range(300):
            key, start = rng.randrange(50), rng.randrange(195)
            end = min(200, start + rng.randint(5, 60))
            spans.append(Span(name, key, start, end, rng.choice(KINDS)))
    began = time.perf_counter()
    result = agreement(spans, [], lengths)
    elapsed = time.perf_counter() - began
    assert len(result["pairs"]) == 10
    assert_well_formed(result)
    # Typically about 0.1 s; the bound leaves room for a slow CI machine.
    assert elapsed < 3, elapsed


# --- Plain-language reading ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "agreement not defined"),
        (-0.5, "poor agreement"),
        (-0.01, "poor agreement"),
        (-0.001, "slight agreement"),  # rounds to 0.00
        (0.0, "slight agreement"),
        (0.2, "slight agreement"),
        (0.204, "slight agreement"),
        (0.21, "fair agreement"),
        (0.4, "fair agreement"),
        (0.41, "moderate agreement"),
        (0.6, "moderate agreement"),
        (0.61, "substantial agreement"),
        (0.8, "substantial agreement"),
        (0.8049, "substantial agreement"),
        (0.81, "almost perfect agreement"),
        (1.0, "almost perfect agreement"),
    ],
)
def test_reading(value, expected):
    assert reading(value) == expected


def test_summary(mixed):
    assert summary(mixed) == [
        "all kinds: moderate agreement (alpha 0.41)",  # 104/256 = 0.406, read as 0.41
        "claims: poor agreement (alpha -0.19)",  # -0.1875
        "evidence: substantial agreement (alpha 0.62)",
        f"opinions: agreement not defined — {REASON_ALPHA_UNDEFINED}",
    ]


# --- Chart --------------------------------------------------------------------------------


def parse(svg):
    root = ET.fromstring(svg)  # noqa: S314 (our own output, parsed to check it is well formed)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root):
    return [t.text for t in root.iter(f"{SVG}text")]


def test_chart_is_accessible(mixed):
    root = parse(render_chart(mixed))
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Agreement between annotators"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "Claims: poor agreement (alpha -0.19)." in desc.text
    assert "Span F1 of alice and bob: 0.00 exact, 0.67 overlap." in desc.text
    labels = texts(root)
    # Values and their readings are printed, not left to bar length or colour.
    assert "0.41 moderate agreement" in labels
    assert "0.62 substantial agreement" in labels
    assert "-0.19 poor agreement" in labels
    assert "not defined" in labels  # opinion alpha: no bar
    assert "0.67" in labels
    assert {"All kinds", "Claims", "Evidence", "Opinions", "exact match", "overlap match"} <= set(
        labels
    )
    # One bar per defined value: 3 alphas, then exact 0.00 and overlap 0.67 for the pair.
    assert len(list(root.iter(f"{SVG}rect"))) == 5
    # A negative alpha puts -1 on the axis and its bar left of zero.
    assert "-1.00" in labels


def test_chart_escapes_usernames():
    evil = '"><script>x()</script>&amp;'
    result = agreement([Span(evil, 0, 0, 3, "claim"), Span("bob", 0, 0, 3, "claim")], [], {0: 5})
    svg = render_chart(result)
    assert "<script>" not in svg
    root = parse(svg)
    assert f"{evil} and bob" in texts(root)
    assert evil in root.find(f"{SVG}desc").text


def test_chart_shortens_long_usernames_but_describes_them_whole():
    long = "a" * 60
    result = agreement([Span(long, 0, 0, 3, "claim"), Span("zed", 0, 0, 3, "claim")], [], {0: 5})
    root = parse(render_chart(result, id_prefix="doc-7"))
    assert root.find(f"{SVG}title").get("id") == "doc-7-title"
    assert f"{'a' * 27}\u2026 and zed" in texts(root)
    assert long in root.find(f"{SVG}desc").text


def test_chart_with_one_annotator():
    root = parse(render_chart(agreement([Span("alice", 0, 0, 3, "claim")], [], {0: 5})))
    assert root.get("role") == "img"
    assert any("nothing to compare" in t for t in texts(root))
    assert "nothing to compare" in root.find(f"{SVG}desc").text
    assert list(root.iter(f"{SVG}rect")) == []
