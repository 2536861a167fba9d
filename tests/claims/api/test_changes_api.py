"""GET /api/documents/{id}/changes/: every committed change in seq order, a page at a time,
as the lists would show it (members only, blind first pass)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from annotator.models import Role
from claims import services
from claims.models import HistoryEntry, Tag
from tests.factories import DocumentFactory, MembershipFactory, ParagraphFactory

pytestmark = pytest.mark.django_db


def feed(client: APIClient, document_id: int, query: str = "") -> dict:
    response = client.get(f"/api/documents/{document_id}/changes/{query}")
    assert response.status_code == 200, response.content
    return response.json()


def everything(client: APIClient, document_id: int, since: int = 0, limit: int = 3) -> dict:
    """Follow ``next`` to the end; return the results and the last page's last_seq."""
    results, url = [], f"/api/documents/{document_id}/changes/?since={since}&limit={limit}"
    while True:
        page = client.get(url).json()
        results += page["results"]
        if page["next"] is None:
            return {"results": results, "last_seq": page["last_seq"]}
        url = page["next"]


@pytest.fixture
def tags(document, members) -> list[Tag]:
    paragraph = document.paragraphs.get(position=0)
    made = [
        services.tag_create(
            actor=members["annotator"], paragraph=paragraph, start=i, end=i + 4, kind="claim"
        )
        for i in range(4)
    ]
    services.tag_update(actor=members["curator"], tag=made[0], note="tidied")
    services.tag_delete(actor=members["annotator"], tag=made[1])
    return made


def test_the_feed_lists_every_change_in_order_with_the_items_representation(
    document, members, tags, client_for
):
    viewer = client_for(members["viewer"])
    page = feed(viewer, document.pk)
    assert [r["seq"] for r in page["results"]] == [1, 2, 3, 4, 5, 6]
    assert [r["type"] for r in page["results"]] == ["tag.created"] * 4 + [
        "tag.updated",
        "tag.deleted",
    ]
    assert page["last_seq"] == 6
    assert page["next"] is None
    edit = page["results"][4]
    assert set(edit) == {"seq", "type", "id", "version", "actor", "at", "data"}
    assert (edit["id"], edit["version"], edit["actor"]) == (tags[0].pk, 2, "curator")
    assert edit["data"] == viewer.get(f"/api/tags/{tags[0].pk}/").json()
    deletion = page["results"][5]
    assert deletion["version"] == 2
    assert deletion["data"]["deleted_by"] == "annotator"


def test_since_and_limit_page_through_without_gaps_or_repeats(document, members, tags, client_for):
    client = client_for(members["owner"])
    first = feed(client, document.pk, "?since=0&limit=4")
    assert [r["seq"] for r in first["results"]] == [1, 2, 3, 4]
    assert first["last_seq"] == 4
    assert "since=4" in first["next"]
    assert "limit=4" in first["next"]
    rest = client.get(first["next"]).json()
    assert [r["seq"] for r in rest["results"]] == [5, 6]
    assert rest["next"] is None
    assert feed(client, document.pk, "?since=6") == {"results": [], "last_seq": 6, "next": None}
    # Past the end (a client from before a restore): nothing, and since stays.
    assert feed(client, document.pk, "?since=99")["last_seq"] == 99


def test_the_same_feed_whatever_the_page_size(document, members, tags, client_for):
    client = client_for(members["viewer"])
    whole = feed(client, document.pk, "?limit=1000")["results"]
    assert everything(client, document.pk, limit=1)["results"] == whole
    assert everything(client, document.pk, limit=5)["results"] == whole


def test_each_document_counts_its_own_changes(document, members, tags, client_for):
    other = DocumentFactory(project=document.project)
    paragraph = ParagraphFactory(document=other, position=0)
    services.tag_create(
        actor=members["owner"], paragraph=paragraph, start=0, end=4, kind="evidence"
    )
    client = client_for(members["owner"])
    assert [r["seq"] for r in feed(client, other.pk)["results"]] == [1]
    assert feed(client, document.pk)["last_seq"] == 6


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?since=-1", "since"),
        ("?since=x", "since"),
        ("?limit=0", "limit"),
        ("?limit=1001", "limit"),
    ],
)
def test_bad_parameters_answer_400_naming_them(document, members, client_for, query, field):
    response = client_for(members["owner"]).get(f"/api/documents/{document.pk}/changes/{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_outsiders_get_404_and_anonymous_401(document, members, tags, client_for):
    url = f"/api/documents/{document.pk}/changes/"
    assert client_for(members["outsider"]).get(url).status_code == 404
    assert client_for(members["outsider"]).get("/api/documents/999999/changes/").status_code == 404
    assert APIClient().get(url).status_code == 401


def test_a_deleted_document_or_project_has_no_feed(document, members, tags, client_for):
    document.project.deleted_at = document.created_at
    document.project.save(update_fields=["deleted_at"])
    url = f"/api/documents/{document.pk}/changes/"
    assert client_for(members["owner"]).get(url).status_code == 404


def test_a_blind_annotator_sees_only_changes_to_their_own_items(document, members, client_for):
    project = document.project
    project.blind = True
    project.save(update_fields=["blind"])
    ana = MembershipFactory(project=project, role=Role.ANNOTATOR, user__username="ana").user
    bob = members["annotator"]
    paragraph = document.paragraphs.get(position=0)
    bobs = services.tag_create(actor=bob, paragraph=paragraph, start=0, end=4, kind="claim")
    anas = services.tag_create(actor=ana, paragraph=paragraph, start=5, end=9, kind="claim")
    services.link_create(actor=bob, source=bobs, target=anas, relation="supports")
    services.review_submit(actor=bob, tag=anas, verdict="agree")
    services.tag_decide(actor=members["curator"], tag=anas, status="accepted")
    services.review_submit(actor=ana, tag=bobs, verdict="disagree")

    client = client_for(ana)
    page = everything(client, document.pk, limit=2)
    assert [(r["type"], r["seq"]) for r in page["results"]] == [
        ("tag.created", 2),
        ("tag.decided", 5),
        ("review.created", 6),
    ]
    assert page["last_seq"] == 6
    # Exactly what the lists show her: her tag and her review.
    listed = client.get(f"/api/tags/?document={document.pk}").json()["results"]
    assert [t["id"] for t in listed] == [anas.pk]

    # Done: she sees everyone's, as the lists do; curators and viewers always did.
    client.post(f"/api/documents/{document.pk}/state/", {"state": "done"}, format="json")
    assert len(feed(client, document.pk)["results"]) == 6
    assert len(feed(client_for(members["viewer"]), document.pk)["results"]) == 6


def test_a_rolled_back_write_leaves_no_change_and_no_gap(document, members, client_for):
    paragraph = document.paragraphs.get(position=0)
    annotator = members["annotator"]
    services.tag_create(actor=annotator, paragraph=paragraph, start=0, end=4, kind="claim")

    def fail() -> None:
        with transaction.atomic():
            services.tag_create(actor=annotator, paragraph=paragraph, start=5, end=9, kind="claim")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail()
    services.tag_create(actor=annotator, paragraph=paragraph, start=10, end=14, kind="claim")
    results = feed(client_for(annotator), document.pk)["results"]
    assert [(r["seq"], r["data"]["start"]) for r in results] == [(1, 0), (2, 10)]


def test_the_feed_reads_in_a_bounded_number_of_queries(
    document, members, tags, client_for, django_assert_max_num_queries
):
    client = client_for(members["annotator"])
    with django_assert_max_num_queries(8):
        feed(client, document.pk, "?limit=1000")


def test_a_write_numbers_its_changes_in_one_statement(document, members, client_for):
    """The seq counter costs a write one statement; its history entries are one insert."""
    client = client_for(members["curator"])
    tag = services.tag_create(
        actor=members["annotator"],
        paragraph=document.paragraphs.get(position=0),
        start=0,
        end=4,
        kind="claim",
    )
    services.link_create(
        actor=members["annotator"],
        source=services.tag_create(
            actor=members["annotator"],
            paragraph=document.paragraphs.get(position=0),
            start=5,
            end=9,
            kind="claim",
        ),
        target=tag,
        relation="supports",
    )
    with CaptureQueriesContext(connection) as queries:
        # A tag and its link: two entries.
        assert client.delete(f"/api/tags/{tag.pk}/").status_code == 204
    sql = [q["sql"] for q in queries.captured_queries]
    assert len([s for s in sql if "claims_changecounter" in s]) == 1
    assert len([s for s in sql if s.startswith('INSERT INTO "claims_historyentry"')]) == 1
    assert list(HistoryEntry.objects.order_by("seq").values_list("seq", "action")) == [
        (1, "create"),
        (2, "create"),
        (3, "create"),
        (4, "delete"),
        (5, "delete"),
    ]
