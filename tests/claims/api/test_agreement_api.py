"""GET /api/documents/{id}/agreement/ on hand-made data, and the selector behind it."""

import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.models import Document
from claims import services
from claims.agreement import REASON_ALPHA_UNDEFINED, REASON_FEWER_THAN_TWO, Span
from claims.selectors import agreement_inputs
from tests.factories import (
    DocumentFactory,
    LinkFactory,
    MembershipFactory,
    ParagraphFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def doc() -> Document:
    """Two paragraphs of ten characters each: 20 characters to label."""
    document = DocumentFactory()
    ParagraphFactory(document=document, position=0, text="abcdefghij")
    ParagraphFactory(document=document, position=1, text="klmnopqrst")
    return document


@pytest.fixture
def people(doc) -> dict:
    return {
        name: MembershipFactory(project=doc.project, role=role, user__username=name).user
        for name, role in [
            ("alice", "annotator"),
            ("bob", "annotator"),
            ("vera", "viewer"),
        ]
    }


def tag(doc, who, position, start, end, kind="claim"):
    return TagFactory(
        paragraph=doc.paragraphs.get(position=position),
        author=who,
        start=start,
        end=end,
        kind=kind,
    )


def get(client_for, user, doc):
    response = client_for(user).get(f"/api/documents/{doc.pk}/agreement/")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def two_readings(doc, people):
    """Alice and Bob agree on the evidence and on where the claim starts, not where it ends.

    alice  p0: CCCC------  p1: EEEEE-----   link: evidence -> claim [0, 4)
    bob    p0: CC--------  p1: EEEEE-----   link: evidence -> claim [0, 2)
    """
    alice, bob = people["alice"], people["bob"]
    a_claim, a_evidence = tag(doc, alice, 0, 0, 4), tag(doc, alice, 1, 0, 5, "evidence")
    b_claim, b_evidence = tag(doc, bob, 0, 0, 2), tag(doc, bob, 1, 0, 5, "evidence")
    LinkFactory(source=a_evidence, target=a_claim, author=alice)
    LinkFactory(source=b_evidence, target=b_claim, author=bob)


def test_two_annotators_with_known_measures(client_for, people, doc, two_readings):
    body = get(client_for, people["vera"], doc)
    assert body["annotators"] == ["alice", "bob"]
    [pair] = body["pairs"]
    assert (pair["a"], pair["b"]) == ("alice", "bob")
    # Labels per character; agreement on 18 of 20; chance (4*2 + 5*5 + 11*13) / 400 = 0.44.
    assert pair["cohen_kappa"] == pytest.approx((0.9 - 0.44) / (1 - 0.44))  # 23/28
    alice = list("CCCC------EEEEE-----")
    bob = list("CC--------EEEEE-----")
    assert pair["cohen_kappa"] == pytest.approx(cohen_kappa_score(alice, bob))
    # One exact match of two spans each; both match on overlap.
    assert pair["span_f1_exact"] == 0.5
    assert (pair["span_precision_exact"], pair["span_recall_exact"]) == (0.5, 0.5)
    assert pair["span_f1_overlap"] == 1.0
    # The links' targets differ ([0, 4) and [0, 2)), so no link matches exactly; aligned by
    # overlap, the two claims are one cluster and the links match.
    assert pair["link_f1"] == 0.0
    assert pair["link_f1_aligned"] == 1.0
    # Nominal alpha by hand: 40 pairable values, D_o = 4/40, D_e = 2*(6*10 + 6*24 + 10*24)/1560.
    assert body["overall"]["krippendorff_alpha"] == pytest.approx(61 / 74)
    assert body["overall"]["span_f1_exact"] == 0.5
    assert body["overall"]["link_f1"] == 0.0
    assert body["overall"]["link_f1_aligned"] == 1.0

    claims = body["by_kind"]["claim"]
    # Claim or not: yy 2, yn 2, nn 16; chance (4*2 + 16*18) / 400 = 0.74.
    assert claims["pairs"][0]["cohen_kappa"] == pytest.approx((0.9 - 0.74) / (1 - 0.74))
    assert claims["span_f1_exact"] == 0.0
    # Claim or not, 40 values: D_o = 4/40, D_e = 2*6*34/1560.
    assert claims["krippendorff_alpha"] == pytest.approx(21 / 34)
    evidence = body["by_kind"]["evidence"]
    assert evidence["krippendorff_alpha"] == 1.0
    assert evidence["pairs"][0]["cohen_kappa"] == 1.0
    opinions = body["by_kind"]["opinion"]
    assert opinions["krippendorff_alpha"] is None
    assert opinions["krippendorff_alpha_reason"] == REASON_ALPHA_UNDEFINED
    assert opinions["span_f1_exact"] is None
    assert opinions["span_f1_exact_reason"] == "no annotator tagged an opinion span"

    assert body["summary"] == [
        "all kinds: almost perfect agreement (alpha 0.82)",
        "claims: substantial agreement (alpha 0.62)",
        "evidence: almost perfect agreement (alpha 1.00)",
        f"opinions: agreement not defined — {REASON_ALPHA_UNDEFINED}",
    ]


def test_the_shape_scripts_rely_on(client_for, people, doc, two_readings):
    body = get(client_for, people["alice"], doc)
    assert set(body) == {"annotators", "pairs", "overall", "by_kind", "summary"}
    keys = {"a", "b", "span_f1_exact", "span_f1_overlap", "cohen_kappa", "link_f1"}
    assert keys <= set(body["pairs"][0])
    assert {"krippendorff_alpha", "span_f1_exact", "span_f1_overlap"} <= set(body["overall"])
    assert set(body["by_kind"]) == {"claim", "evidence", "opinion"}
    for measures in body["by_kind"].values():
        assert {"krippendorff_alpha", "span_f1_exact", "span_f1_overlap", "pairs"} <= set(measures)


def test_no_tags(client_for, people, doc):
    body = get(client_for, people["vera"], doc)
    assert (body["annotators"], body["pairs"]) == ([], [])
    assert body["overall"]["krippendorff_alpha"] is None
    assert body["overall"]["krippendorff_alpha_reason"] == REASON_FEWER_THAN_TWO
    assert body["overall"]["span_f1_exact_reason"] == REASON_FEWER_THAN_TWO
    assert body["summary"][0] == f"all kinds: agreement not defined — {REASON_FEWER_THAN_TWO}"


def test_one_annotator(client_for, people, doc):
    tag(doc, people["alice"], 0, 0, 4)
    body = get(client_for, people["vera"], doc)
    assert (body["annotators"], body["pairs"]) == (["alice"], [])
    assert body["overall"]["krippendorff_alpha"] is None
    assert body["by_kind"]["claim"]["krippendorff_alpha_reason"] == REASON_FEWER_THAN_TWO


def test_identical_annotations(client_for, people, doc):
    for who in (people["alice"], people["bob"]):
        tag(doc, who, 0, 2, 6)
        tag(doc, who, 1, 0, 3, "opinion")
    body = get(client_for, people["vera"], doc)
    [pair] = body["pairs"]
    assert (pair["cohen_kappa"], pair["span_f1_exact"], pair["span_f1_overlap"]) == (1.0, 1.0, 1.0)
    assert pair["link_f1"] is None
    assert pair["link_f1_reason"] == "neither annotator made a link"
    assert body["overall"]["krippendorff_alpha"] == 1.0


def test_everything_tagged_one_way_leaves_kappa_undefined(client_for, people, doc):
    for who in (people["alice"], people["bob"]):
        tag(doc, who, 0, 0, 10)
        tag(doc, who, 1, 0, 10)
    [pair] = get(client_for, people["vera"], doc)["pairs"]
    assert pair["cohen_kappa"] is None
    assert "same way" in pair["cohen_kappa_reason"]


def test_deleted_and_implicit_tags_are_left_out_and_said_so(client_for, people, doc):
    tag(doc, people["alice"], 0, 0, 4)
    gone = tag(doc, people["bob"], 0, 0, 4)
    services.tag_delete(actor=people["bob"], tag=gone)
    services.implicit_tag_create(
        actor=people["bob"], document=doc, text="Security needs trust.", kind="claim"
    )
    body = get(client_for, people["vera"], doc)
    assert body["annotators"] == ["alice"]
    assert body["summary"][-1] == "not compared (no span in the text): 1 implicit statement"


def test_members_only(client_for, api_client, people, doc):
    url = f"/api/documents/{doc.pk}/agreement/"
    assert client_for(UserFactory()).get(url).status_code == 404
    assert api_client.get(url).status_code == 401
    assert client_for(people["vera"]).get("/api/documents/999999/agreement/").status_code == 404
    doc.deleted_at = "2026-01-01T00:00:00Z"
    doc.save()
    assert client_for(people["vera"]).get(url).status_code == 404


def test_selector_rows(doc, people, two_readings):
    inputs = agreement_inputs(doc)
    assert inputs.paragraph_lengths == {0: 10, 1: 10}
    assert set(inputs.spans) == {
        Span("alice", 0, 0, 4, "claim"),
        Span("alice", 1, 0, 5, "evidence"),
        Span("bob", 0, 0, 2, "claim"),
        Span("bob", 1, 0, 5, "evidence"),
    }
    assert {(lk.annotator, lk.source, lk.target, lk.relation) for lk in inputs.links} == {
        ("alice", (1, 0, 5), (0, 0, 4), "supports"),
        ("bob", (1, 0, 5), (0, 0, 2), "supports"),
    }
    assert (inputs.skipped_tags, inputs.skipped_links) == (0, 0)


def test_lengths_count_code_points(doc, people):
    ParagraphFactory(document=doc, position=2, text="a😀b\u00e9")
    assert agreement_inputs(doc).paragraph_lengths[2] == 4


@pytest.mark.parametrize("size", [3, 60])
def test_selector_queries_do_not_grow(doc, people, size, django_assert_num_queries):
    text = "x" * (size + 1)
    paragraph = ParagraphFactory(document=doc, position=2, text=text)
    annotators = [UserFactory() for _ in range(4)]
    tags = [
        TagFactory(paragraph=paragraph, author=annotators[i % 4], start=i, end=i + 1)
        for i in range(size)
    ]
    for i in range(size - 4):
        LinkFactory(source=tags[i], target=tags[i + 4], author=annotators[i % 4])
    with django_assert_num_queries(3):
        inputs = agreement_inputs(doc)
    assert len(inputs.spans) == size


def test_endpoint_queries_do_not_grow(client_for, doc, people, django_assert_max_num_queries):
    client = client_for(people["vera"])
    for i in range(3):
        tag(doc, people["alice" if i % 2 else "bob"], 0, i, i + 1)
    with django_assert_max_num_queries(5):
        client.get(f"/api/documents/{doc.pk}/agreement/")
    for i in range(3, 9):
        tag(doc, people["alice" if i % 2 else "bob"], 1, i, i + 1)
    with django_assert_max_num_queries(5):
        client.get(f"/api/documents/{doc.pk}/agreement/")


def test_status_leaves_out_rejected_tags_and_their_links(client_for, people, doc, two_readings):
    curator = MembershipFactory(project=doc.project, role="curator").user
    bob_claim = doc.tags.get(author=people["bob"], kind="claim")
    services.tag_decide(actor=curator, tag=bob_claim, status="rejected")
    client = client_for(people["vera"])
    url = f"/api/documents/{doc.pk}/agreement/"
    [everything] = client.get(url).json()["pairs"]
    assert everything["span_f1_exact"] == 0.5
    [kept] = client.get(f"{url}?status=pending,accepted,disputed").json()["pairs"]
    # bob's claim and his link into it are left out: one shared span of alice's two.
    assert kept["span_f1_exact"] == pytest.approx(2 / 3)
    assert (kept["link_recall"], kept["link_precision"]) == (0.0, None)
    rejected_only = client.get(f"{url}?status=rejected").json()
    assert (rejected_only["annotators"], rejected_only["pairs"]) == (["bob"], [])


def test_kind_compares_one_kind_and_links_need_both_ends(client_for, people, doc, two_readings):
    body = client_for(people["vera"]).get(f"/api/documents/{doc.pk}/agreement/?kind=evidence")
    assert body.status_code == 200
    [row] = body.json()["pairs"]
    assert row["span_f1_exact"] == 1.0
    assert row["link_f1"] is None  # no link has both ends of that kind
    assert set(body.json()["by_kind"]) == {"claim", "evidence", "opinion"}


@pytest.mark.parametrize(("query", "word"), [("?status=gone", "status"), ("?kind=fact", "kind")])
def test_bad_filters_are_400s(client_for, people, doc, query, word):
    response = client_for(people["vera"]).get(f"/api/documents/{doc.pk}/agreement/{query}")
    assert response.status_code == 400
    assert word in response.json()


def test_status_filter_keeps_three_queries(doc, people, two_readings, django_assert_num_queries):
    with django_assert_num_queries(3):
        inputs = agreement_inputs(doc, statuses=["pending"], kinds=["claim"])
    assert {s.kind for s in inputs.spans} == {"claim"}
