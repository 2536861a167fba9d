"""GET /api/documents/{id}/disagreements/: units, categories, filters, settling, queries."""

import pytest

from annotator.models import Document
from claims import services
from tests.factories import (
    DocumentFactory,
    LinkFactory,
    MembershipFactory,
    ParagraphFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

TEXT_0 = "Sanctions work. They cut revenue by a third last year, the ministry says."
TEXT_1 = "Critics disagree. Smuggling grew."


@pytest.fixture
def doc() -> Document:
    document = DocumentFactory()
    ParagraphFactory(document=document, position=0, text=TEXT_0)
    ParagraphFactory(document=document, position=1, text=TEXT_1)
    return document


@pytest.fixture
def people(doc) -> dict:
    return {
        name: MembershipFactory(project=doc.project, role=role, user__username=name).user
        for name, role in [
            ("alice", "annotator"),
            ("bob", "annotator"),
            ("cura", "curator"),
            ("vera", "viewer"),
        ]
    }


def tag(doc, who, position, start, end, kind="claim"):
    return TagFactory(
        paragraph=doc.paragraphs.get(position=position), author=who, start=start, end=end, kind=kind
    )


@pytest.fixture
def readings(doc, people) -> dict:
    """alice and bob on the same text.

    p0 "Sanctions work."        alice claim [0, 15)   bob claim [0, 9)       boundary-differs
    p0 "They cut revenue ..."   alice evidence        bob evidence (same)    agreed
    p1 "Critics disagree."      alice claim [0, 17)   bob opinion [0, 17)    kind-differs
    p1 "Smuggling grew."        alice evidence        (bob none)             missing
    links: evidence -> claim    alice supports        bob supports           agreed (aligned)
           smuggling -> critics alice supports        (bob none)             missing
           critics -> sanctions alice attacks         bob supports           relation-differs
    """
    alice, bob = people["alice"], people["bob"]
    t = {
        "a_claim": tag(doc, alice, 0, 0, 15),
        "b_claim": tag(doc, bob, 0, 0, 9),
        "a_ev": tag(doc, alice, 0, 16, 53, "evidence"),
        "b_ev": tag(doc, bob, 0, 16, 53, "evidence"),
        "a_critics": tag(doc, alice, 1, 0, 17),
        "b_critics": tag(doc, bob, 1, 0, 17, "opinion"),
        "a_smuggling": tag(doc, alice, 1, 18, 33, "evidence"),
    }
    LinkFactory(source=t["a_ev"], target=t["a_claim"], author=alice)
    LinkFactory(source=t["b_ev"], target=t["b_claim"], author=bob)
    t["a_link"] = LinkFactory(source=t["a_smuggling"], target=t["a_critics"], author=alice)
    LinkFactory(source=t["a_critics"], target=t["a_claim"], author=alice, relation="attacks")
    LinkFactory(source=t["b_critics"], target=t["b_claim"], author=bob, relation="supports")
    return t


def get(client, doc, query="", status=200):
    response = client.get(f"/api/documents/{doc.pk}/disagreements/{query}")
    assert response.status_code == status, response.content
    return response.json()


def test_units_in_reading_order_with_each_annotators_version(client_for, doc, people, readings):
    body = get(client_for(people["vera"]), doc)
    assert body["annotators"] == ["alice", "bob"]
    summary = [
        (r["type"], r["category"], r.get("quote") or r["source_cluster"]["quote"])
        for r in body["results"]
    ]
    assert summary == [
        ("span", "boundary-differs", "Sanctions work."),
        ("span", "kind-differs", "Critics disagree."),
        ("link", "relation-differs", "Critics disagree."),
        ("span", "missing", "Smuggling grew."),
        ("link", "missing", "Smuggling grew."),
    ]
    first = body["results"][0]
    assert first["paragraph"] == doc.paragraphs.get(position=0).pk
    assert (first["start"], first["end"]) == (0, 15)
    assert first["annotators"]["alice"]["tag"] == readings["a_claim"].pk
    assert first["annotators"]["bob"]["kind"] == "claim"
    missing = body["results"][3]
    assert missing["annotators"]["bob"] == {"tag": None, "kind": None, "tags": []}
    link = body["results"][4]
    assert link["annotators"]["alice"]["link"] == readings["a_link"].pk
    assert link["annotators"]["alice"]["relation"] == "supports"
    assert link["annotators"]["bob"]["link"] is None
    assert link["target_cluster"]["quote"] == "Critics disagree."
    relation = body["results"][2]
    assert relation["annotators"]["alice"]["relation"] == "attacks"
    assert relation["annotators"]["bob"]["relation"] == "supports"
    assert not any(r["settled"] for r in body["results"])
    # Each tag the items name is described once, under "tags".
    named = {
        pk
        for r in body["results"]
        for pk in (
            [t for e in r["annotators"].values() for t in e["tags"]]
            if r["type"] == "span"
            else r["source_cluster"]["tags"] + r["target_cluster"]["tags"]
        )
    }
    assert set(body["tags"]) == {str(pk) for pk in named}
    assert body["tags"][str(readings["b_claim"].pk)] == {
        "id": readings["b_claim"].pk,
        "annotator": "bob",
        "start": 0,
        "end": 9,
        "kind": "claim",
        "decision": "",
        "version": 1,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?category=missing", ["missing", "missing"]),
        ("?category=kind-differs,boundary-differs", ["boundary-differs", "kind-differs"]),
        ("?category=relation-differs", ["relation-differs"]),
        # A link unit counts the kinds at both its ends.
        ("?kind=opinion", ["kind-differs", "relation-differs", "missing"]),
        ("?kind=evidence&category=missing", ["missing", "missing"]),
        ("?annotator=bob", ["boundary-differs", "kind-differs", "relation-differs"]),
        ("?annotator=nobody", []),
    ],
)
def test_filters(client_for, doc, people, readings, query, expected):
    body = get(client_for(people["alice"]), doc, query)
    assert [r["category"] for r in body["results"]] == expected


@pytest.mark.parametrize(
    ("query", "word"),
    [("?kind=fact", "kind"), ("?category=maybe", "category"), ("?settled=perhaps", "settled")],
)
def test_a_bad_filter_is_a_400_naming_it(client_for, doc, people, readings, query, word):
    body = get(client_for(people["alice"]), doc, query, status=400)
    assert word in body


def test_a_decision_on_every_tag_settles_a_cluster_and_a_reset_reopens_it(
    client_for, doc, people, readings
):
    cura = people["cura"]
    client = client_for(cura)
    services.tag_decide(actor=cura, tag=readings["a_claim"], status="accepted")
    # One of two tags decided: still open.
    assert get(client, doc, "?category=boundary-differs")["results"]
    services.tag_decide(
        actor=cura, tag=readings["b_claim"], status="rejected", comment="alice's span is gold"
    )
    assert get(client, doc, "?category=boundary-differs")["results"] == []
    body = get(client, doc, "?category=boundary-differs&settled=true")
    [item] = body["results"]
    assert item["settled"] is True
    [bobs] = item["annotators"]["bob"]["tags"]
    assert body["tags"][str(bobs)]["decision"] == "rejected"
    assert body["tags"][str(bobs)]["annotator"] == "bob"
    readings["b_claim"].refresh_from_db()
    services.tag_decide(actor=cura, tag=readings["b_claim"], status="pending")
    [item] = get(client, doc, "?category=boundary-differs")["results"]
    assert item["settled"] is False


def test_a_link_unit_settles_when_the_surviving_links_agree(client_for, doc, people, readings):
    cura = people["cura"]
    client = client_for(cura)
    # Picking alice's version of "Critics disagree." rejects bob's opinion, and with it bob's
    # link from there: alice's attack is the only one left.
    services.tag_decide(actor=cura, tag=readings["a_critics"], status="accepted")
    services.tag_decide(actor=cura, tag=readings["b_critics"], status="rejected")
    categories = [r["category"] for r in get(client, doc)["results"]]
    assert "relation-differs" not in categories
    assert "kind-differs" not in categories
    # The link from "Smuggling grew." settles too: only alice still has tags at both its ends.
    # The missing span stays until it is decided.
    assert categories == ["boundary-differs", "missing"]
    services.tag_decide(actor=cura, tag=readings["a_smuggling"], status="rejected")
    assert [r["category"] for r in get(client, doc)["results"]] == ["boundary-differs"]


def test_aligned_links_that_agree_are_no_disagreement(client_for, doc, people, readings):
    # Both drew evidence -> claim, with claims that differ by a word: no link unit for it.
    body = get(client_for(people["alice"]), doc, "?settled=true")
    pairs = [
        (r["source_cluster"]["quote"][:4], r["target_cluster"]["quote"][:4])
        for r in body["results"]
        if r["type"] == "link"
    ]
    assert ("They", "Sanc") not in pairs


@pytest.mark.parametrize("role", ["owner", "curator", "annotator", "viewer"])
def test_members_read_it(client_for, doc, readings, role):
    member = MembershipFactory(project=doc.project, role=role).user
    get(client_for(member), doc)


def test_outsiders_get_404_and_strangers_401(client_for, api_client, doc, readings, user):
    get(client_for(user), doc, status=404)
    response = api_client.get(f"/api/documents/{doc.pk}/disagreements/")
    assert response.status_code in {401, 403}


def test_a_constant_number_of_queries(client_for, doc, people, django_assert_max_num_queries):
    client = client_for(people["vera"])
    with django_assert_max_num_queries(8) as small:
        get(client, doc)
    kinds = ["claim", "evidence", "opinion"]
    for i in range(30):
        who = people["alice" if i % 3 else "bob"]
        a = tag(doc, who, i % 2, i // 2, i // 2 + 3 + i % 5, kinds[i % 3])
        b = tag(doc, who, i % 2, 16 + i // 2, 18 + i // 2)
        if i % 4 == 0:
            LinkFactory(source=a, target=b, author=who)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = get(client, doc)
    assert body["results"]
