"""Deleted links, as the document page's deleted view reads them: listed for curators and owners
only (an empty list for everyone else, as with deleted tags), with who deleted them; restored
with If-Match; refused with a reason while an end is deleted; a fixed number of queries."""

import pytest

from claims.models import Link, Tag
from claims.services import link_create, link_delete, tag_delete
from tests.factories import DocumentFactory, ParagraphFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ends(document, members) -> tuple[Tag, Tag]:
    paragraph = document.paragraphs.first()
    return (
        TagFactory(paragraph=paragraph, author=members["annotator"], start=0, end=5),
        TagFactory(paragraph=paragraph, author=members["annotator"], start=12, end=20),
    )


@pytest.fixture
def deleted_link(members, ends) -> Link:
    """A link by the annotator, deleted on its own by the curator."""
    link = link_create(
        actor=members["annotator"], source=ends[0], target=ends[1], relation="supports"
    )
    link_delete(actor=members["curator"], link=link)
    return Link.all_objects.get(pk=link.pk)


def url_of(document) -> str:
    return f"/api/links/?deleted=true&document={document.pk}"


@pytest.mark.parametrize(
    ("role", "listed"),
    [("owner", True), ("curator", True), ("annotator", False), ("viewer", False)],
)
def test_only_curators_and_owners_list_deleted_links(
    document, members, client_for, deleted_link, role, listed
):
    response = client_for(members[role]).get(url_of(document))
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == ([deleted_link.pk] if listed else [])


def test_outsiders_get_an_empty_list_and_404_on_restore_and_history(
    document, members, client_for, deleted_link
):
    outsider = client_for(members["outsider"])
    assert outsider.get(url_of(document)).json()["count"] == 0
    assert outsider.post(f"/api/links/{deleted_link.pk}/restore/").status_code == 404
    assert outsider.get(f"/api/links/{deleted_link.pk}/history/").status_code == 404
    assert Link.all_objects.get(pk=deleted_link.pk).deleted_at is not None


def test_deleted_list_of_one_document_says_who_deleted_each_link(
    document, members, client_for, deleted_link, ends
):
    # Live links and deleted links of another document are not listed.
    live = link_create(
        actor=members["annotator"], source=ends[1], target=ends[0], relation="attacks"
    )
    elsewhere = ParagraphFactory(document=DocumentFactory(project=document.project))
    a = TagFactory(paragraph=elsewhere, start=0, end=5)
    b = TagFactory(paragraph=elsewhere, start=12, end=20)
    link_delete(
        actor=members["owner"],
        link=link_create(actor=members["owner"], source=a, target=b, relation="supports"),
    )
    rows = client_for(members["curator"]).get(url_of(document)).json()["results"]
    assert [r["id"] for r in rows] == [deleted_link.pk]
    row = rows[0]
    assert row["deleted_by"] == "curator"
    assert row["author"] == "annotator"
    assert row["deleted_at"] is not None
    assert row["version"] == deleted_link.version
    assert (row["source"], row["target"], row["relation"]) == (ends[0].pk, ends[1].pk, "supports")
    assert row["document"] == document.pk
    # Without deleted=true (or with anything but "true") the list is of live links.
    curator = client_for(members["curator"])
    for query in ("", "&deleted=false", "&deleted=1"):
        live_rows = curator.get(f"/api/links/?document={document.pk}{query}").json()["results"]
        assert [r["id"] for r in live_rows] == [live.pk]
        assert live_rows[0]["deleted_by"] is None


def test_links_deleted_with_their_tag_are_listed_too(document, members, client_for, ends):
    link = link_create(
        actor=members["annotator"], source=ends[0], target=ends[1], relation="attacks"
    )
    tag_delete(actor=members["owner"], tag=ends[1])
    rows = client_for(members["owner"]).get(url_of(document)).json()["results"]
    assert [(r["id"], r["deleted_by"]) for r in rows] == [(link.pk, "owner")]
    deleted_tag = client_for(members["owner"]).get(
        f"/api/tags/?deleted=true&document={document.pk}"
    )
    # The page tells "deleted along with its tag" from the same deletion time.
    assert deleted_tag.json()["results"][0]["deleted_at"] == rows[0]["deleted_at"]


def test_restore_from_the_list_with_its_version_and_a_stale_one(
    document, members, client_for, deleted_link
):
    curator = client_for(members["curator"])
    url = f"/api/links/{deleted_link.pk}/restore/"
    stale = f'"link-{deleted_link.pk}-v{deleted_link.version - 1}"'
    assert curator.post(url, HTTP_IF_MATCH=stale).status_code == 412
    assert Link.all_objects.get(pk=deleted_link.pk).deleted_at is not None
    current = f'"link-{deleted_link.pk}-v{deleted_link.version}"'
    response = curator.post(url, HTTP_IF_MATCH=current)
    assert response.status_code == 200
    assert response.json()["deleted_by"] is None
    assert response.json()["deleted_at"] is None
    assert curator.get(url_of(document)).json()["count"] == 0


def test_restoring_a_link_whose_end_is_deleted_says_restore_the_tag_first(
    document, members, client_for, deleted_link, ends
):
    tag_delete(actor=members["curator"], tag=ends[1])
    curator = client_for(members["curator"])
    response = curator.post(
        f"/api/links/{deleted_link.pk}/restore/",
        HTTP_IF_MATCH=f'"link-{deleted_link.pk}-v{deleted_link.version}"',
    )
    assert response.status_code == 409
    assert "Restore the deleted tag first" in response.json()["detail"]
    assert Link.all_objects.get(pk=deleted_link.pk).deleted_at is not None
    # Still listed, and restorable once the tag is back (the tag's restore leaves it deleted:
    # it was deleted on its own, earlier).
    assert [r["id"] for r in curator.get(url_of(document)).json()["results"]] == [deleted_link.pk]
    assert curator.post(f"/api/tags/{ends[1].pk}/restore/").status_code == 200
    assert Link.all_objects.get(pk=deleted_link.pk).deleted_at is not None
    assert curator.post(f"/api/links/{deleted_link.pk}/restore/").status_code == 200


def test_annotators_may_not_restore_someone_elses_link(document, members, client_for, ends):
    link = link_create(
        actor=members["curator"], source=ends[0], target=ends[1], relation="supports"
    )
    link_delete(actor=members["curator"], link=link)
    response = client_for(members["annotator"]).post(f"/api/links/{link.pk}/restore/")
    assert response.status_code == 403
    assert client_for(members["viewer"]).post(f"/api/links/{link.pk}/restore/").status_code == 403


@pytest.mark.parametrize("count", [3, 30])
def test_deleted_links_list_query_count_does_not_grow_with_links(
    document, members, client_for, django_assert_max_num_queries, count
):
    paragraph = document.paragraphs.first()
    tags = [TagFactory(paragraph=paragraph, start=i, end=i + 5) for i in range(count + 1)]
    deleters = [members["curator"], members["owner"]]
    for i in range(count):
        link = link_create(
            actor=members["annotator"], source=tags[i], target=tags[i + 1], relation="supports"
        )
        link_delete(actor=deleters[i % 2], link=link)
    client = client_for(members["owner"])
    with django_assert_max_num_queries(4):
        response = client.get(f"{url_of(document)}&page_size=1000")
    assert response.json()["count"] == count
    assert {r["deleted_by"] for r in response.json()["results"]} == (
        {"curator", "owner"} if count > 1 else {"curator"}
    )


def test_deleted_links_filter_by_a_deleted_tag(document, members, client_for, ends):
    link_create(actor=members["annotator"], source=ends[0], target=ends[1], relation="supports")
    tag_delete(actor=members["curator"], tag=ends[1])
    curator = client_for(members["curator"])
    for parameter in ("target", "source"):
        tag = ends[1] if parameter == "target" else ends[0]
        response = curator.get(f"/api/links/?deleted=true&{parameter}={tag.pk}")
        assert response.status_code == 200, response.content
        assert [row["target"] for row in response.json()["results"]] == [ends[1].pk]
