"""Documents and paragraphs: creation, validation, soft delete, and text that tags freeze."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from annotator.models import Document, Paragraph
from claims.models import Tag
from tests.factories import DocumentFactory, ParagraphFactory, TagFactory

pytestmark = pytest.mark.django_db


@contextmanager
def raises_integrity() -> Iterator[None]:
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


@pytest.fixture
def curator(members, client_for):
    return client_for(members["curator"])


def counts() -> tuple[int, int]:
    return Document.all_objects.count(), Paragraph.objects.count()


# --- Create ----------------------------------------------------------------------------------


def test_create_from_paragraphs(curator, document, members):
    body = {
        "project": document.project_id,
        "title": "India and China",
        "byline": "Swaran Singh",
        "caption": "A photo caption.",
        "source_url": "https://example.org/oped",
        "published_on": "2026-03-01",
        "paragraphs": ["First\u00a0paragraph.", "  Second, with spaces kept.  "],
    }
    response = curator.post("/api/documents/", body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    for name in ("project", "title", "byline", "caption", "source_url", "published_on"):
        assert created[name] == body[name]
    assert created["created_by"] == "curator"
    assert [(p["position"], p["text"]) for p in created["paragraphs"]] == [
        (0, "First\u00a0paragraph."),
        (1, "  Second, with spaces kept.  "),
    ]
    assert Document.objects.get(pk=created["id"]).created_by == members["curator"]


def test_create_from_text_splits_on_line_breaks(curator, document):
    body = {"project": document.project_id, "title": "T", "text": "One.\n\nTwo.\nThree.\n"}
    response = curator.post("/api/documents/", body, format="json")
    assert response.status_code == 201, response.content
    assert [p["text"] for p in response.json()["paragraphs"]] == ["One.", "Two.", "Three."]


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"text": "One.", "paragraphs": ["One."]}, "text", "not both"),
        ({"paragraphs": None}, "paragraphs", "null"),
        ({"paragraphs": []}, "paragraphs", "at least one paragraph"),
        ({"paragraphs": ["Fine.", "   "]}, "paragraphs", "Paragraph 1 is empty"),
        ({"paragraphs": ["Fine.", ""]}, "paragraphs", "blank"),
        ({"paragraphs": ["Bad\x00byte"]}, "paragraphs", "Null characters"),
        ({"paragraphs": "not a list"}, "paragraphs", "list"),
        ({"text": "\n \n"}, "paragraphs", "at least one paragraph"),
        ({"title": ""}, "title", "blank"),
        ({"title": None}, "title", "null"),
        ({"source_url": "not a url"}, "source_url", "valid URL"),
        ({"published_on": "yesterday"}, "published_on", "format"),
        ({"project": 987654}, "project", "does not exist"),
    ],
)
def test_create_refuses_with_a_message_naming_the_field(
    curator, document, changes, field, fragment
):
    body = {"project": document.project_id, "title": "T", "paragraphs": ["One."]}
    if "text" in changes:
        del body["paragraphs"]
    body.update(changes)
    before = counts()
    response = curator.post("/api/documents/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert fragment in str(response.json()[field]), response.json()
    assert counts() == before


def test_create_needs_text_or_paragraphs(curator, document):
    response = curator.post(
        "/api/documents/", {"project": document.project_id, "title": "T"}, format="json"
    )
    assert response.status_code == 400
    assert "not neither" in response.json()["text"][0]


# --- Read, update, delete ------------------------------------------------------------------------


def test_detail_includes_paragraphs_in_order(members, client_for, document):
    response = client_for(members["viewer"]).get(f"/api/documents/{document.pk}/")
    assert response.status_code == 200
    paragraphs = response.json()["paragraphs"]
    assert [p["position"] for p in paragraphs] == [0, 1]
    assert paragraphs[1]["text"] == "India and China agreed to share intelligence."
    assert {p["id"] for p in paragraphs} == set(document.paragraphs.values_list("id", flat=True))


def test_list_filters_by_project(members, client_for, document):
    same = DocumentFactory(project=document.project)
    elsewhere = DocumentFactory()
    elsewhere.project.memberships.create(user=members["viewer"], role="viewer")
    client = client_for(members["viewer"])
    listed = client.get(f"/api/documents/?project={document.project_id}").json()["results"]
    assert {d["id"] for d in listed} == {document.pk, same.pk}
    assert client.get("/api/documents/").json()["count"] == 3


def test_curator_updates_metadata_but_not_the_project(curator, document):
    other_project = DocumentFactory().project
    response = curator.patch(
        f"/api/documents/{document.pk}/",
        {"title": "Renamed", "project": other_project.pk},
        format="json",
    )
    assert response.status_code == 200
    document.refresh_from_db()
    assert (document.title, document.project_id) == ("Renamed", document.project.pk)
    assert document.project_id != other_project.pk


def test_update_refuses_a_bad_url(curator, document):
    response = curator.patch(
        f"/api/documents/{document.pk}/", {"source_url": "javascript:alert(1)"}, format="json"
    )
    assert response.status_code == 400
    assert "source_url" in response.json()


def test_delete_is_soft_and_hides_the_document_its_paragraphs_and_tags(curator, document, members):
    tag = TagFactory(paragraph=document.paragraphs.first(), author=members["annotator"])
    assert curator.delete(f"/api/documents/{document.pk}/").status_code == 204
    assert Document.all_objects.get(pk=document.pk).deleted_at is not None
    assert curator.get(f"/api/documents/{document.pk}/").status_code == 404
    assert curator.get("/api/documents/").json()["count"] == 0
    assert curator.get("/api/paragraphs/").json()["count"] == 0
    assert curator.get(f"/api/tags/{tag.pk}/").status_code == 404
    assert Tag.objects.filter(pk=tag.pk).exists()


# --- Paragraph text ----------------------------------------------------------------------------


def test_paragraph_text_may_change_until_a_tag_points_into_it(curator, document, members):
    paragraph = document.paragraphs.get(position=0)
    url = f"/api/paragraphs/{paragraph.pk}/"
    response = curator.patch(url, {"text": "Corrected text."}, format="json")
    assert response.status_code == 200
    assert response.json()["text"] == "Corrected text."

    TagFactory(paragraph=paragraph, author=members["annotator"], start=0, end=9)
    response = curator.patch(url, {"text": "Changed again."}, format="json")
    assert response.status_code == 409
    assert "tags" in response.json()["detail"]
    paragraph.refresh_from_db()
    assert paragraph.text == "Corrected text."


def test_a_deleted_tag_still_freezes_the_text(curator, document, members):
    paragraph = document.paragraphs.get(position=0)
    TagFactory(paragraph=paragraph, author=members["annotator"], deleted_at=timezone.now())
    response = curator.patch(f"/api/paragraphs/{paragraph.pk}/", {"text": "New."}, format="json")
    assert response.status_code == 409


def test_a_tag_in_another_paragraph_does_not_freeze_this_one(curator, document, members):
    first, second = document.paragraphs.order_by("position")
    TagFactory(paragraph=first, author=members["annotator"])
    response = curator.patch(f"/api/paragraphs/{second.pk}/", {"text": "New."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["text"] == "New."
    second.refresh_from_db()
    assert second.text == "New."


@pytest.mark.parametrize("text", ["", "   "])
def test_paragraph_text_cannot_be_empty(curator, document, text):
    paragraph = document.paragraphs.get(position=0)
    response = curator.patch(f"/api/paragraphs/{paragraph.pk}/", {"text": text}, format="json")
    assert response.status_code == 400
    assert "text" in response.json()


def test_paragraph_position_and_document_are_read_only(curator, document):
    paragraph = document.paragraphs.get(position=0)
    response = curator.patch(
        f"/api/paragraphs/{paragraph.pk}/", {"position": 7, "document": 1}, format="json"
    )
    assert response.status_code == 200
    paragraph.refresh_from_db()
    assert (paragraph.position, paragraph.document_id) == (0, document.pk)


# --- Paragraph constraints at the database ------------------------------------------------------


def test_db_refuses_two_paragraphs_at_one_position(document):
    with raises_integrity():
        ParagraphFactory(document=document, position=0)


def test_db_refuses_a_negative_position(document):
    with raises_integrity():
        ParagraphFactory(document=document, position=-1)


def test_db_refuses_empty_text(document):
    with raises_integrity():
        ParagraphFactory(document=document, position=5, text="")
    with raises_integrity():
        Paragraph.objects.filter(document=document).update(text="")


def test_db_keeps_tagged_paragraphs(document, members):
    paragraph = document.paragraphs.get(position=0)
    TagFactory(paragraph=paragraph, author=members["annotator"])
    with pytest.raises(ProtectedError):
        paragraph.delete()
