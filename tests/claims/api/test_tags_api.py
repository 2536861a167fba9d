"""The tag endpoints: representation, every validation error, filters, delete and restore."""

import pytest

from claims.models import Link, Tag
from tests.factories import DocumentFactory, ParagraphFactory, ReviewFactory, TagFactory

pytestmark = pytest.mark.django_db

TEXT = "Cooperation on internal security is a breakthrough for both countries."


@pytest.fixture
def paragraph(document):
    return document.paragraphs.get(position=0)


@pytest.fixture
def annotator(members, client_for):
    return client_for(members["annotator"])


def post_tag(client, into, **fields):
    body = {"paragraph": into.pk, "start": 0, "end": 11, "kind": "claim", **fields}
    return client.post("/api/tags/", body, format="json")


def test_create_returns_the_full_representation(annotator, paragraph, document):
    response = post_tag(annotator, paragraph, start=15, end=23, kind="evidence", note="<em>x</em>")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {
        "id",
        "document",
        "paragraph",
        "start",
        "end",
        "quote",
        "prefix",
        "suffix",
        "kind",
        "note",
        "author",
        "created_at",
        "updated_at",
        "agree",
        "disagree",
    }
    assert body["document"] == document.pk
    assert body["paragraph"] == paragraph.pk
    assert (body["start"], body["end"], body["quote"]) == (15, 23, "internal")
    assert body["prefix"] == "Cooperation on "
    assert body["suffix"] == TEXT[23:55]
    assert (body["kind"], body["note"], body["author"]) == ("evidence", "<em>x</em>", "annotator")
    assert (body["agree"], body["disagree"]) == (0, 0)
    assert Tag.objects.get(pk=body["id"]).quote == "internal"


def test_create_with_a_matching_quote(annotator, paragraph):
    response = post_tag(annotator, paragraph, quote="Cooperation")
    assert response.status_code == 201, response.content
    created = Tag.objects.get(pk=response.json()["id"])
    assert (created.quote, created.start, created.end) == ("Cooperation", 0, 11)


def test_document_follows_the_paragraph_and_a_contradicting_one_is_refused(
    annotator, paragraph, document
):
    response = post_tag(annotator, paragraph, document=document.pk)
    assert response.status_code == 201
    assert response.json()["document"] == document.pk
    other = DocumentFactory(project=document.project)
    response = post_tag(annotator, paragraph, document=other.pk, start=1)
    assert response.status_code == 400
    assert "another document" in response.json()["document"][0]


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"start": -1}, "start", "greater than or equal to 0"),
        ({"end": len(TEXT) + 1}, "end", "past the end of the paragraph"),
        ({"start": 500, "end": 600}, "end", "past the end of the paragraph"),
        ({"start": 5, "end": 5}, "start", "less than end"),
        ({"start": 9, "end": 3}, "start", "less than end"),
        ({"start": 0, "end": 0}, "end", "greater than or equal to 1"),
        ({"end": 2**40}, "end", "less than or equal to"),
        ({"start": "three"}, "start", "valid integer"),
        ({"kind": "rumour"}, "kind", "not a valid choice"),
        ({"kind": ""}, "kind", "not a valid choice"),
        ({"quote": "Competition"}, "quote", "does not match"),
        ({"quote": "cooperation"}, "quote", "does not match"),
        ({"quote": ""}, "quote", "blank"),
        ({"paragraph": 987654}, "paragraph", "does not exist"),
        ({"paragraph": None}, "paragraph", "required"),
    ],
)
def test_create_refuses_with_a_message_naming_the_field(
    annotator, paragraph, fields, field, fragment
):
    before = Tag.all_objects.count()
    response = post_tag(annotator, paragraph, **fields)
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    assert fragment in " ".join(body[field]), body
    assert Tag.all_objects.count() == before


@pytest.mark.parametrize("missing", ["paragraph", "start", "end", "kind"])
def test_create_refuses_missing_fields(annotator, paragraph, missing):
    body = {"paragraph": paragraph.pk, "start": 0, "end": 11, "kind": "claim"}
    del body[missing]
    response = annotator.post("/api/tags/", body, format="json")
    assert response.status_code == 400
    assert "required" in response.json()[missing][0]
    assert Tag.all_objects.count() == 0


def test_create_refuses_a_paragraph_of_a_deleted_document(annotator, paragraph, document):
    document.deleted_at = document.created_at
    document.save()
    response = post_tag(annotator, paragraph)
    assert response.status_code == 400
    assert "paragraph" in response.json()


def test_create_refuses_an_identical_tag(annotator, paragraph):
    assert post_tag(annotator, paragraph).status_code == 201
    response = post_tag(annotator, paragraph, note="again")
    assert response.status_code == 400
    message = " ".join(response.json()["non_field_errors"])
    assert "already tagged this exact span with this kind" in message
    assert Tag.all_objects.count() == 1


def test_overlapping_tags_by_the_same_author_are_created(annotator, paragraph):
    spans = [(0, 23, "claim"), (15, 32, "claim"), (15, 23, "claim"), (0, 23, "evidence")]
    for start, end, kind in spans:
        assert post_tag(annotator, paragraph, start=start, end=end, kind=kind).status_code == 201
    assert Tag.objects.count() == 4


def test_identical_span_by_two_people_is_fine(members, client_for, paragraph):
    first = post_tag(client_for(members["annotator"]), paragraph)
    second = post_tag(client_for(members["curator"]), paragraph)
    assert (first.status_code, second.status_code) == (201, 201)
    spans = Tag.objects.filter(paragraph=paragraph).values_list("author__username", "start", "end")
    assert sorted(spans) == sorted(
        [(members["annotator"].username, 0, 11), (members["curator"].username, 0, 11)]
    )


# --- Updates ----------------------------------------------------------------------------------


@pytest.fixture
def own_tag(members, paragraph):
    return TagFactory(paragraph=paragraph, author=members["annotator"])


def test_patch_kind_and_note(annotator, own_tag):
    response = annotator.patch(
        f"/api/tags/{own_tag.pk}/", {"kind": "opinion", "note": "<b>x</b>"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["kind"] == "opinion"
    own_tag.refresh_from_db()
    assert own_tag.kind == "opinion"
    assert own_tag.note == "&lt;b&gt;x&lt;/b&gt;"


def test_patch_span_recomputes_quote_and_context(annotator, own_tag):
    response = annotator.patch(f"/api/tags/{own_tag.pk}/", {"start": 15, "end": 23}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["quote"], response.json()["prefix"]) == ("internal", "Cooperation on ")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"end": len(TEXT) + 1}, "end"),
        ({"start": 11}, "start"),
        ({"start": 20, "end": 12}, "start"),
        ({"kind": "rumour"}, "kind"),
        ({"start": 15, "end": 23, "quote": "external"}, "quote"),
        ({"paragraph": 987654}, "paragraph"),
    ],
)
def test_patch_refuses_and_changes_nothing(annotator, own_tag, fields, field):
    before = Tag.all_objects.values().get(pk=own_tag.pk)
    response = annotator.patch(f"/api/tags/{own_tag.pk}/", fields, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Tag.all_objects.values().get(pk=own_tag.pk) == before


def test_patch_refuses_moving_to_another_paragraph(annotator, own_tag, document):
    other = document.paragraphs.get(position=1)
    response = annotator.patch(f"/api/tags/{own_tag.pk}/", {"paragraph": other.pk}, format="json")
    assert response.status_code == 400
    assert "another paragraph" in response.json()["paragraph"][0]


def test_patch_into_a_duplicate_is_refused(annotator, own_tag, members, paragraph):
    other = TagFactory(paragraph=paragraph, author=members["annotator"], kind="evidence")
    response = annotator.patch(f"/api/tags/{other.pk}/", {"kind": "claim"}, format="json")
    assert response.status_code == 400
    assert Tag.objects.get(pk=other.pk).kind == "evidence"


# --- Delete and restore -------------------------------------------------------------------------


def test_delete_hides_the_tag_and_its_links_and_restore_brings_them_back(
    annotator, own_tag, members, paragraph
):
    other = TagFactory(paragraph=paragraph, author=members["annotator"], start=15, end=23)
    link = Link.objects.create(
        source=own_tag, target=other, relation="supports", author=members["annotator"]
    )
    assert annotator.delete(f"/api/tags/{own_tag.pk}/").status_code == 204

    assert annotator.get(f"/api/tags/{own_tag.pk}/").status_code == 404
    assert annotator.get(f"/api/links/{link.pk}/").status_code == 404
    assert annotator.get("/api/links/").json()["count"] == 0
    assert [t["id"] for t in annotator.get("/api/tags/").json()["results"]] == [other.pk]

    response = annotator.post(f"/api/tags/{own_tag.pk}/restore/")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == own_tag.pk
    assert response.json()["deleted_at"] is None
    assert annotator.get(f"/api/links/{link.pk}/").status_code == 200


def test_restore_clashing_with_a_live_identical_tag_answers_409(annotator, own_tag, paragraph):
    assert annotator.delete(f"/api/tags/{own_tag.pk}/").status_code == 204
    assert post_tag(annotator, paragraph).status_code == 201
    response = annotator.post(f"/api/tags/{own_tag.pk}/restore/")
    assert response.status_code == 409
    assert "cannot be restored" in response.json()["detail"]
    assert Tag.all_objects.get(pk=own_tag.pk).is_deleted


def test_restore_of_a_live_tag_answers_409(annotator, own_tag):
    response = annotator.post(f"/api/tags/{own_tag.pk}/restore/")
    assert response.status_code == 409
    assert "not deleted" in response.json()["detail"]


def test_curators_list_deleted_tags(members, client_for, own_tag, annotator):
    assert annotator.delete(f"/api/tags/{own_tag.pk}/").status_code == 204
    curator = client_for(members["curator"])
    listed = curator.get("/api/tags/?deleted=true").json()
    assert [t["id"] for t in listed["results"]] == [own_tag.pk]
    assert listed["results"][0]["deleted_at"] is not None
    # Viewers and annotators see no deleted tags.
    assert annotator.get("/api/tags/?deleted=true").json()["count"] == 0


# --- Reading ----------------------------------------------------------------------------------


def test_filters(members, client_for, document, paragraph):
    second = document.paragraphs.get(position=1)
    elsewhere = ParagraphFactory(document=DocumentFactory(project=document.project), text=TEXT)
    a = TagFactory(paragraph=paragraph, author=members["annotator"], kind="claim")
    b = TagFactory(paragraph=second, author=members["curator"], kind="evidence")
    c = TagFactory(paragraph=elsewhere, author=members["annotator"], kind="opinion")
    client = client_for(members["viewer"])

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/tags/?{query}")
        assert response.status_code == 200, response.content
        return {t["id"] for t in response.json()["results"]}

    assert ids("") == {a.pk, b.pk, c.pk}
    assert ids(f"document={document.pk}") == {a.pk, b.pk}
    assert ids(f"paragraph={second.pk}") == {b.pk}
    assert ids("kind=opinion") == {c.pk}
    assert ids("author=annotator") == {a.pk, c.pk}
    assert ids("author=annotator&kind=claim") == {a.pk}
    assert ids("author=nobody") == set()
    assert client.get("/api/tags/?kind=rumour").status_code == 400


def test_review_counts_in_the_representation(members, client_for, own_tag):
    ReviewFactory(tag=own_tag, reviewer=members["curator"], verdict="agree")
    ReviewFactory(tag=own_tag, reviewer=members["owner"], verdict="agree")
    ReviewFactory(tag=own_tag, reviewer=members["viewer"], verdict="disagree")
    deleted = ReviewFactory(tag=own_tag, reviewer=members["outsider"], verdict="disagree")
    deleted.deleted_at = deleted.created_at
    deleted.save()
    client = client_for(members["viewer"])
    detail = client.get(f"/api/tags/{own_tag.pk}/").json()
    assert (detail["agree"], detail["disagree"]) == (2, 1)
    listed = client.get("/api/tags/").json()["results"][0]
    assert (listed["agree"], listed["disagree"]) == (2, 1)


def test_pagination(members, client_for, document):
    paragraph = ParagraphFactory(document=document, position=2, text="x" * 40)
    author = members["annotator"]
    Tag.objects.bulk_create(
        TagFactory.build(paragraph=paragraph, author=author, start=i, end=i + 1) for i in range(25)
    )
    client = client_for(author)
    page = client.get("/api/tags/?page_size=10").json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert (page["count"], len(page["results"]), page["previous"]) == (25, 10, None)
    assert "page=2" in page["next"]
    last = client.get("/api/tags/?page_size=10&page=3").json()
    assert (len(last["results"]), last["next"]) == (5, None)
    assert client.get("/api/tags/?page=99").status_code == 404


def test_page_size_is_capped_at_1000(members, client_for, document):
    paragraph = ParagraphFactory(document=document, position=2, text="x" * 1100)
    author = members["annotator"]
    Tag.objects.bulk_create(
        TagFactory.build(paragraph=paragraph, author=author, start=i, end=i + 1)
        for i in range(1001)
    )
    page = client_for(author).get("/api/tags/?page_size=5000").json()
    assert (page["count"], len(page["results"])) == (1001, 1000)
