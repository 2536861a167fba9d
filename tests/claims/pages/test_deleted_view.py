"""The document page's deleted-tags view and the history it reads: who gets the view, and the
API answers the page relies on (deleted tags of one document with who deleted them, restore
with If-Match, history oldest first)."""

import pytest

from claims.models import Tag
from claims.services import link_create, tag_delete, tag_update
from tests.clients import signed_in
from tests.factories import DocumentFactory, ParagraphFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "shown"),
    [("owner", True), ("curator", True), ("annotator", False), ("viewer", False)],
)
def test_only_curators_and_owners_get_the_deleted_tags_view(document, members, role, shown):
    html = signed_in(members[role]).get(f"/documents/{document.pk}/").content.decode()
    assert ('id="deleted-open"' in html) is shown
    assert ('id="deleted-section"' in html) is shown
    assert ("Deleted tags and links" in html) is shown
    assert ('id="deleted-links"' in html) is shown
    # The page's script (and the history module it imports) is there for everyone.
    assert "annotator/document.js" in html


def test_non_members_get_404_not_the_deleted_view(document, members):
    response = signed_in(members["outsider"]).get(f"/documents/{document.pk}/")
    assert response.status_code == 404
    assert "deleted-open" not in response.content.decode()


@pytest.fixture
def deleted_here(document, members) -> Tag:
    """A tag by the annotator in ``document``, deleted by the curator."""
    tag = TagFactory(paragraph=document.paragraphs.first(), author=members["annotator"])
    tag_delete(actor=members["curator"], tag=tag)
    return Tag.all_objects.get(pk=tag.pk)


def test_deleted_list_of_one_document_says_who_deleted_each_tag(
    document, members, client_for, deleted_here
):
    elsewhere = ParagraphFactory(document=DocumentFactory(project=document.project))
    other = TagFactory(paragraph=elsewhere, author=members["annotator"])
    tag_delete(actor=members["annotator"], tag=other)
    TagFactory(paragraph=document.paragraphs.first(), start=12, end=20)  # live: not listed

    url = f"/api/tags/?deleted=true&document={document.pk}"
    rows = client_for(members["curator"]).get(url).json()["results"]
    assert [r["id"] for r in rows] == [deleted_here.pk]
    assert rows[0]["deleted_by"] == "curator"
    assert rows[0]["author"] == "annotator"
    assert rows[0]["deleted_at"] is not None
    assert rows[0]["version"] == deleted_here.version
    for role in ("annotator", "viewer"):
        assert client_for(members[role]).get(url).json()["count"] == 0
    assert client_for(members["outsider"]).get(url).json()["count"] == 0


def test_live_tags_carry_no_deleted_by(document, members, client_for):
    tag = TagFactory(paragraph=document.paragraphs.first())
    data = client_for(members["viewer"]).get(f"/api/tags/{tag.pk}/").json()
    assert data["deleted_by"] is None


def test_deleted_list_query_count_does_not_grow_with_tags(
    document, members, client_for, django_assert_max_num_queries
):
    paragraph = document.paragraphs.first()
    client = client_for(members["owner"])
    url = f"/api/tags/?deleted=true&document={document.pk}&page_size=1000"
    for start in range(3):
        tag_delete(
            actor=members["curator"],
            tag=TagFactory(paragraph=paragraph, start=start, end=start + 5),
        )
    with django_assert_max_num_queries(8):
        assert client.get(url).json()["count"] == 3
    for start in range(3, 30):
        tag_delete(
            actor=members["owner"], tag=TagFactory(paragraph=paragraph, start=start, end=start + 5)
        )
    with django_assert_max_num_queries(8):
        assert client.get(url).json()["count"] == 30


def test_restore_from_the_list_with_its_version_and_a_stale_one(
    document, members, client_for, deleted_here
):
    curator = client_for(members["curator"])
    url = f"/api/tags/{deleted_here.pk}/restore/"
    stale = f'"tag-{deleted_here.pk}-v{deleted_here.version - 1}"'
    assert curator.post(url, HTTP_IF_MATCH=stale).status_code == 412
    assert Tag.all_objects.get(pk=deleted_here.pk).deleted_at is not None
    current = f'"tag-{deleted_here.pk}-v{deleted_here.version}"'
    response = curator.post(url, HTTP_IF_MATCH=current)
    assert response.status_code == 200
    assert response.json()["deleted_by"] is None
    # An annotator may not restore someone else's tag.
    tag_delete(actor=members["curator"], tag=Tag.objects.get(pk=deleted_here.pk))
    other = TagFactory(paragraph=document.paragraphs.first(), start=12, end=20)
    tag_delete(actor=members["curator"], tag=other)
    assert client_for(members["annotator"]).post(f"/api/tags/{other.pk}/restore/").status_code == (
        403
    )


def test_history_of_a_tag_and_its_link_oldest_first_for_any_member(document, members, client_for):
    paragraph = document.paragraphs.first()
    tag = TagFactory(paragraph=paragraph, author=members["annotator"])
    other = TagFactory(paragraph=paragraph, author=members["annotator"], start=12, end=20)
    # Recorded through the services, as the API records it.
    tag = tag_update(actor=members["annotator"], tag=tag, kind="evidence", note="<b>x</b>")
    link = link_create(actor=members["annotator"], source=other, target=tag, relation="supports")
    tag_delete(actor=members["curator"], tag=tag)
    viewer = client_for(members["viewer"])
    entries = viewer.get(f"/api/tags/{tag.pk}/history/").json()
    assert [e["action"] for e in entries] == ["update", "delete"]
    assert (entries[0]["before"]["kind"], entries[0]["after"]["kind"]) == ("claim", "evidence")
    assert entries[0]["after"]["note"] == "&lt;b&gt;x&lt;/b&gt;"  # bleached before it is stored
    assert entries[1]["actor"] == "curator"
    link_entries = viewer.get(f"/api/links/{link.pk}/history/").json()
    assert [e["action"] for e in link_entries] == ["create", "delete"]
    assert client_for(members["outsider"]).get(f"/api/tags/{tag.pk}/history/").status_code == 404
