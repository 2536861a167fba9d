"""GET /api/documents/{id}/map/: nodes, edges, arguments and findings, in every view."""

import pytest
from django.utils import timezone

from annotator.models import Document
from claims import services
from claims.models import Link, Tag
from claims.selectors import argument_map
from tests.factories import DocumentFactory, MembershipFactory, ParagraphFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def argued(document, members) -> dict:
    """A small argument by two annotators: a claim, evidence for it, an opinion offered as
    support, an implicit premise linked with the evidence, and an undercut."""
    ana = members["annotator"]
    bo = MembershipFactory(project=document.project, role="annotator", user__username="bo").user
    first, second = document.paragraphs.order_by("position")
    claim = services.tag_create(actor=ana, paragraph=first, start=0, end=32, kind="claim")
    evidence = services.tag_create(actor=ana, paragraph=second, start=0, end=45, kind="evidence")
    opinion = services.tag_create(actor=bo, paragraph=first, start=36, end=50, kind="opinion")
    unstated = services.implicit_tag_create(
        actor=ana, document=document, text="Shared intelligence helps security.", kind="evidence"
    )
    lonely = services.tag_create(actor=bo, paragraph=second, start=0, end=5, kind="claim")
    backs = services.link_create(
        actor=ana, source=evidence, target=claim, relation="supports", group="together"
    )
    with_it = services.link_create(
        actor=ana, source=unstated, target=claim, relation="supports", group="together"
    )
    praise = services.link_create(actor=bo, source=opinion, target=claim, relation="supports")
    undercut = services.link_create(
        actor=bo, source=lonely, target_link=praise, relation="undercuts"
    )
    return {
        "ana": ana,
        "bo": bo,
        "tags": {
            "claim": claim,
            "evidence": evidence,
            "opinion": opinion,
            "unstated": unstated,
            "lonely": lonely,
        },
        "links": {"backs": backs, "with_it": with_it, "praise": praise, "undercut": undercut},
    }


def get_map(client, document: Document, query: str = "") -> dict:
    response = client.get(f"/api/documents/{document.pk}/map/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_map_holds_nodes_edges_arguments_and_findings(client_for, document, members, argued):
    data = get_map(client_for(members["viewer"]), document)
    assert set(data) == {"nodes", "edges", "arguments", "findings"}
    tags, links = argued["tags"], argued["links"]

    nodes = {n["id"]: n for n in data["nodes"]}
    assert set(nodes) == {t.pk for t in tags.values()}
    claim = nodes[tags["claim"].pk]
    assert claim == {
        "id": tags["claim"].pk,
        "kind": "claim",
        "text": tags["claim"].quote,
        "author": "annotator",
        "implicit": False,
        "paragraph_position": 0,
        "start": 0,
        "status": "pending",
        "url": f"/documents/{document.pk}/#tag-{tags['claim'].pk}",
    }
    unstated = nodes[tags["unstated"].pk]
    assert (unstated["implicit"], unstated["paragraph_position"], unstated["start"]) == (
        True,
        None,
        None,
    )
    assert unstated["text"] == "Shared intelligence helps security."
    # Reading order: passages first (by paragraph and offset), implicit statements last.
    assert data["nodes"][-1]["id"] == tags["unstated"].pk

    edges = {e["id"]: e for e in data["edges"]}
    assert edges[links["backs"].pk] == {
        "id": links["backs"].pk,
        "source": tags["evidence"].pk,
        "relation": "supports",
        "target": tags["claim"].pk,
        "target_link": None,
        "group": "together",
        "author": "annotator",
    }
    assert edges[links["undercut"].pk]["target"] is None
    assert edges[links["undercut"].pk]["target_link"] == links["praise"].pk

    arguments = {a["id"]: a for a in data["arguments"]}
    together = arguments["together"]
    assert together["linked"] is True
    assert together["premises"] == [tags["evidence"].pk, tags["unstated"].pk]
    assert together["links"] == [links["backs"].pk, links["with_it"].pk]
    assert together["target"] == tags["claim"].pk
    single = arguments[f"e{links['undercut'].pk}"]
    assert (single["relation"], single["linked"], single["target_link"]) == (
        "undercuts",
        False,
        links["praise"].pk,
    )

    findings = [(f["code"], f["tags"]) for f in data["findings"]]
    assert findings == [
        ("unsupported-claim", [tags["lonely"].pk]),
        ("opinion-as-evidence", [tags["opinion"].pk, tags["claim"].pk]),
    ]
    opinion = data["findings"][1]["message"]
    assert "an opinion is not evidence" in opinion
    assert tags["opinion"].quote in opinion


def test_one_authors_map_keeps_their_tags_and_links(client_for, document, members, argued):
    data = get_map(client_for(members["viewer"]), document, "?author=bo")
    tags = argued["tags"]
    assert {n["id"] for n in data["nodes"]} == {tags["opinion"].pk, tags["lonely"].pk}
    # bo's undercut attacks bo's own link, which needs ana's claim: neither stays.
    assert data["edges"] == []
    assert data["arguments"] == []
    assert [f["code"] for f in data["findings"]] == ["unsupported-claim"]


def test_accepted_only_keeps_accepted_tags_and_the_links_between_them(
    client_for, document, members, argued
):
    tags = argued["tags"]
    for name in ("claim", "evidence", "opinion"):
        services.tag_decide(actor=members["curator"], tag=tags[name], status="accepted")
    data = get_map(client_for(members["annotator"]), document, "?status=accepted")
    assert {n["id"] for n in data["nodes"]} == {
        tags["claim"].pk,
        tags["evidence"].pk,
        tags["opinion"].pk,
    }
    assert {n["status"] for n in data["nodes"]} == {"accepted"}
    assert {e["id"] for e in data["edges"]} == {
        argued["links"]["backs"].pk,
        argued["links"]["praise"].pk,
    }
    # Statuses combine, comma separated or repeated.
    both = get_map(client_for(members["annotator"]), document, "?status=accepted,pending")
    assert len(both["nodes"]) == 5
    repeated = get_map(
        client_for(members["annotator"]), document, "?status=pending&status=accepted"
    )
    assert repeated == both


def test_deleted_tags_and_links_are_left_out(client_for, document, members, argued):
    ana = argued["ana"]
    services.tag_delete(actor=ana, tag=argued["tags"]["unstated"])
    services.link_delete(actor=argued["bo"], link=argued["links"]["praise"])
    data = get_map(client_for(members["viewer"]), document)
    assert argued["tags"]["unstated"].pk not in {n["id"] for n in data["nodes"]}
    # Deleting the praise also deleted the undercut that attacked it.
    assert {e["id"] for e in data["edges"]} == {argued["links"]["backs"].pk}
    assert Link.all_objects.get(pk=argued["links"]["undercut"].pk).deleted_at is not None


def test_an_empty_document_has_an_empty_map(client_for, document, members):
    data = get_map(client_for(members["viewer"]), document)
    assert data == {"nodes": [], "edges": [], "arguments": [], "findings": []}


def test_an_unknown_status_is_a_400_that_names_the_choices(client_for, document, members):
    response = client_for(members["viewer"]).get(
        f"/api/documents/{document.pk}/map/?status=accepted,golden"
    )
    assert response.status_code == 400
    message = response.json()["status"][0]
    assert "'golden'" in message
    assert "pending, accepted, disputed, rejected" in message


def test_outsiders_deleted_and_missing_documents_get_404(client_for, document, members):
    url = f"/api/documents/{document.pk}/map/"
    assert client_for(members["outsider"]).get(url).status_code == 404
    assert client_for(members["viewer"]).get("/api/documents/999999/map/").status_code == 404
    document.deleted_at = timezone.now()
    document.save(update_fields=["deleted_at"])
    assert client_for(members["viewer"]).get(url).status_code == 404


def test_anonymous_callers_get_401(api_client, document):
    assert api_client.get(f"/api/documents/{document.pk}/map/").status_code == 401


# --- Query counts ---------------------------------------------------------------------------


def populate(size: int) -> Document:
    """A document with ``size`` tags, a link from each tag to the one before, a few undercuts
    and linked arguments, and a review of every tag."""
    author = UserFactory()
    document = DocumentFactory()
    MembershipFactory(project=document.project, user=author, role="annotator")
    paragraph = ParagraphFactory(document=document, position=0, text="x" * (size + 1))
    tags = Tag.objects.bulk_create(
        Tag(
            document=document,
            paragraph=paragraph,
            start=i,
            end=i + 1,
            quote="x",
            kind=("claim", "evidence", "opinion")[i % 3],
            author=author,
        )
        for i in range(size)
    )
    links = Link.objects.bulk_create(
        Link(
            source=tags[i],
            target=tags[i - 1],
            relation="supports" if i % 2 else "attacks",
            group=f"g{i // 4}" if i % 4 == 0 else "",
            author=author,
        )
        for i in range(1, size)
    )
    Link.objects.bulk_create(
        Link(source=tags[i], target_link=links[i - 3], relation="undercuts", author=author)
        for i in range(3, size, 5)
    )
    return document


@pytest.mark.parametrize("size", [10, 300])
def test_the_selector_reads_a_fixed_number_of_queries(size, django_assert_max_num_queries):
    document = populate(size)
    with django_assert_max_num_queries(4):
        m = argument_map(document)
    assert len(m.nodes) == size
    assert len(m.edges) == size - 1 + len(range(3, size, 5))
    with django_assert_max_num_queries(4):
        accepted = argument_map(document, author="nobody", statuses=["accepted"])
    assert accepted.nodes == ()


@pytest.mark.parametrize("size", [10, 300])
def test_the_endpoint_reads_a_fixed_number_of_queries(
    size, client_for, django_assert_max_num_queries
):
    document = populate(size)
    reader = UserFactory()
    MembershipFactory(project=document.project, user=reader, role="viewer")
    client = client_for(reader)
    # The document lookup (with its membership check) and the map's four reads.
    with django_assert_max_num_queries(5):
        data = get_map(client, document)
    assert len(data["nodes"]) == size
