"""The link and review endpoints: every validation error, filters, delete and restore."""

import pytest
from django.utils import timezone

from claims.models import Link, Review, Tag
from tests.factories import (
    DocumentFactory,
    LinkFactory,
    ParagraphFactory,
    ReviewFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def annotator(members, client_for):
    return client_for(members["annotator"])


@pytest.fixture
def tags(document, members) -> dict[str, Tag]:
    """Two tags of the annotator and one of the curator in the document, one in another."""
    first, second = document.paragraphs.order_by("position")
    other_document = DocumentFactory(project=document.project)
    return {
        "claim": TagFactory(paragraph=first, author=members["annotator"]),
        "evidence": TagFactory(
            paragraph=second, author=members["annotator"], kind="evidence", start=0, end=5
        ),
        "curators": TagFactory(paragraph=first, author=members["curator"], start=15, end=23),
        "elsewhere": TagFactory(
            paragraph=ParagraphFactory(document=other_document), author=members["annotator"]
        ),
    }


def post_link(client, source, target, relation="supports", **fields):
    body = {"source": source.pk, "target": target.pk, "relation": relation, **fields}
    return client.post("/api/links/", body, format="json")


# --- Links -----------------------------------------------------------------------------------


def test_create_link(annotator, tags, document):
    response = post_link(annotator, tags["evidence"], tags["claim"], note="because")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"] == tags["evidence"].pk
    assert body["target"] == tags["claim"].pk
    assert (body["relation"], body["note"], body["author"]) == ("supports", "because", "annotator")
    assert body["document"] == document.pk
    assert {"id", "created_at", "updated_at"} <= set(body)


def test_link_between_other_peoples_tags_is_fine(annotator, tags):
    response = post_link(annotator, tags["curators"], tags["claim"], "attacks")
    assert response.status_code == 201, response.content
    link = Link.objects.get(pk=response.json()["id"])
    assert (link.source, link.target, link.relation) == (tags["curators"], tags["claim"], "attacks")
    assert link.author.username == response.json()["author"]


@pytest.mark.parametrize(
    ("source", "target", "relation", "field", "fragment"),
    [
        ("claim", "elsewhere", "supports", "target", "same document"),
        ("claim", "claim", "supports", "target", "cannot support or attack itself"),
        ("claim", "evidence", "ignores", "relation", "not a valid choice"),
        ("claim", None, "supports", "target", "does not exist"),
        (None, "claim", "supports", "source", "does not exist"),
    ],
)
def test_create_link_refuses_with_a_message_naming_the_field(
    annotator, tags, source, target, relation, field, fragment
):
    missing = Tag(pk=987654)
    before = Link.all_objects.count()
    response = post_link(annotator, tags.get(source, missing), tags.get(target, missing), relation)
    assert response.status_code == 400, response.content
    assert fragment in " ".join(response.json()[field]), response.json()
    assert Link.all_objects.count() == before


def test_link_to_a_tag_of_another_project_reads_as_missing(annotator, tags):
    foreign = TagFactory()
    response = post_link(annotator, tags["claim"], foreign)
    assert response.status_code == 400
    assert "does not exist" in response.json()["target"][0]
    assert Link.all_objects.count() == 0


def test_link_to_a_deleted_tag_is_refused(annotator, tags):
    annotator.delete(f"/api/tags/{tags['evidence'].pk}/")
    response = post_link(annotator, tags["claim"], tags["evidence"])
    assert response.status_code == 400
    assert "target" in response.json()


def test_duplicate_link_is_refused(annotator, tags):
    assert post_link(annotator, tags["evidence"], tags["claim"]).status_code == 201
    response = post_link(annotator, tags["evidence"], tags["claim"], note="again")
    assert response.status_code == 400
    assert "already made this link" in " ".join(response.json()["non_field_errors"])
    assert Link.all_objects.count() == 1


def test_patch_link(annotator, tags):
    link_id = post_link(annotator, tags["evidence"], tags["claim"]).json()["id"]
    response = annotator.patch(
        f"/api/links/{link_id}/", {"relation": "attacks", "note": "on second thoughts"}
    )
    assert response.status_code == 200, response.content
    assert Link.objects.get(pk=link_id).relation == "attacks"


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"relation": "ignores"}, "relation"), ({"source": "curators"}, "source")],
)
def test_patch_link_refuses_and_changes_nothing(annotator, tags, fields, field):
    link = LinkFactory(source=tags["evidence"], target=tags["claim"], author=tags["claim"].author)
    fields = {k: tags[v].pk if k == "source" else v for k, v in fields.items()}
    before = Link.all_objects.values().get(pk=link.pk)
    response = annotator.patch(f"/api/links/{link.pk}/", fields, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Link.all_objects.values().get(pk=link.pk) == before


def test_link_delete_and_restore(annotator, tags):
    link_id = post_link(annotator, tags["evidence"], tags["claim"]).json()["id"]
    assert annotator.delete(f"/api/links/{link_id}/").status_code == 204
    assert annotator.get(f"/api/links/{link_id}/").status_code == 404
    assert Link.all_objects.get(pk=link_id).is_deleted
    assert annotator.post(f"/api/links/{link_id}/restore/").status_code == 200
    assert annotator.get(f"/api/links/{link_id}/").status_code == 200


def test_link_restore_with_a_deleted_tag_answers_409(annotator, tags):
    link_id = post_link(annotator, tags["evidence"], tags["claim"]).json()["id"]
    assert annotator.delete(f"/api/links/{link_id}/").status_code == 204
    assert annotator.delete(f"/api/tags/{tags['claim'].pk}/").status_code == 204
    response = annotator.post(f"/api/links/{link_id}/restore/")
    assert response.status_code == 409
    assert "Restore the deleted tag first" in response.json()["detail"]


def test_link_filters(members, client_for, tags):
    author = members["annotator"]
    here = LinkFactory(source=tags["evidence"], target=tags["claim"], author=author)
    attack = LinkFactory(
        source=tags["curators"], target=tags["claim"], author=members["curator"], relation="attacks"
    )
    other = TagFactory(paragraph=tags["elsewhere"].paragraph, author=author, start=12, end=20)
    there = LinkFactory(source=other, target=tags["elsewhere"], author=author)
    client = client_for(members["viewer"])

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/links/?{query}")
        assert response.status_code == 200, response.content
        return {lk["id"] for lk in response.json()["results"]}

    assert ids("") == {here.pk, attack.pk, there.pk}
    assert ids(f"document={tags['claim'].document_id}") == {here.pk, attack.pk}
    assert ids(f"document={tags['elsewhere'].document_id}") == {there.pk}
    assert ids("relation=attacks") == {attack.pk}
    assert ids("author=curator") == {attack.pk}


# --- Reviews ---------------------------------------------------------------------------------


def post_review(client, tag, verdict="agree", **fields):
    return client.post(
        "/api/reviews/", {"tag": tag.pk, "verdict": verdict, **fields}, format="json"
    )


def test_create_review(annotator, tags, document):
    response = post_review(annotator, tags["curators"], "disagree", comment="Not a claim.")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tag"] == tags["curators"].pk
    assert (body["reviewer"], body["verdict"], body["comment"]) == (
        "annotator",
        "disagree",
        "Not a claim.",
    )
    assert body["document"] == document.pk
    tag = annotator.get(f"/api/tags/{tags['curators'].pk}/").json()
    assert (tag["agree"], tag["disagree"]) == (0, 1)


@pytest.mark.parametrize(
    ("tag", "verdict", "field", "fragment"),
    [
        ("claim", "agree", "tag", "cannot review your own tag"),
        ("curators", "maybe", "verdict", "not a valid choice"),
        (None, "agree", "tag", "does not exist"),
    ],
)
def test_create_review_refuses_with_a_message_naming_the_field(
    annotator, tags, tag, verdict, field, fragment
):
    response = post_review(annotator, tags.get(tag, Tag(pk=987654)), verdict)
    assert response.status_code == 400, response.content
    assert fragment in " ".join(response.json()[field]), response.json()
    assert Review.all_objects.count() == 0


def test_second_review_by_the_same_person_is_refused(annotator, tags):
    assert post_review(annotator, tags["curators"]).status_code == 201
    response = post_review(annotator, tags["curators"], "disagree")
    assert response.status_code == 400
    assert "already reviewed this tag" in " ".join(response.json()["non_field_errors"])
    assert Review.all_objects.count() == 1


def test_review_of_a_tag_in_another_project_reads_as_missing(annotator):
    response = post_review(annotator, TagFactory())
    assert response.status_code == 400
    assert "does not exist" in response.json()["tag"][0]
    assert Review.all_objects.count() == 0


def test_patch_review(annotator, tags):
    review_id = post_review(annotator, tags["curators"]).json()["id"]
    response = annotator.patch(f"/api/reviews/{review_id}/", {"verdict": "disagree"})
    assert response.status_code == 200
    assert Review.objects.get(pk=review_id).verdict == "disagree"
    response = annotator.patch(f"/api/reviews/{review_id}/", {"verdict": "maybe"})
    assert response.status_code == 400
    assert "verdict" in response.json()
    response = annotator.patch(f"/api/reviews/{review_id}/", {"tag": tags["evidence"].pk})
    assert response.status_code == 400
    assert "another tag" in response.json()["tag"][0]
    assert Review.objects.get(pk=review_id).tag_id == tags["curators"].pk


def test_review_delete_and_restore(annotator, tags):
    review_id = post_review(annotator, tags["curators"]).json()["id"]
    assert annotator.delete(f"/api/reviews/{review_id}/").status_code == 204
    tag = annotator.get(f"/api/tags/{tags['curators'].pk}/").json()
    assert tag["agree"] == 0
    assert annotator.post(f"/api/reviews/{review_id}/restore/").status_code == 200
    tag = annotator.get(f"/api/tags/{tags['curators'].pk}/").json()
    assert tag["agree"] == 1


def test_reviews_of_a_deleted_tag_are_hidden_until_it_is_restored(members, client_for, tags):
    review = ReviewFactory(tag=tags["claim"], reviewer=members["curator"])
    client = client_for(members["annotator"])
    assert client.delete(f"/api/tags/{tags['claim'].pk}/").status_code == 204
    assert client.get("/api/reviews/").json()["count"] == 0
    assert client.get(f"/api/reviews/{review.pk}/").status_code == 404
    assert client.post(f"/api/tags/{tags['claim'].pk}/restore/").status_code == 200
    assert [r["id"] for r in client.get("/api/reviews/").json()["results"]] == [review.pk]


def test_review_restore_with_a_deleted_tag_answers_409(annotator, tags):
    review_id = post_review(annotator, tags["curators"]).json()["id"]
    assert annotator.delete(f"/api/reviews/{review_id}/").status_code == 204
    Tag.objects.filter(pk=tags["curators"].pk).update(deleted_at=timezone.now())
    response = annotator.post(f"/api/reviews/{review_id}/restore/")
    assert response.status_code == 409
    assert "Restore the deleted tag first" in response.json()["detail"]
    assert Review.all_objects.get(pk=review_id).is_deleted


def test_review_restore_clashing_with_a_new_review_answers_409(annotator, tags):
    first = post_review(annotator, tags["curators"]).json()["id"]
    assert annotator.delete(f"/api/reviews/{first}/").status_code == 204
    assert post_review(annotator, tags["curators"], "disagree").status_code == 201
    response = annotator.post(f"/api/reviews/{first}/restore/")
    assert response.status_code == 409
    assert Review.objects.get().verdict == "disagree"


def test_review_filters(members, client_for, tags, document):
    viewer = members["viewer"]
    here = ReviewFactory(tag=tags["claim"], reviewer=members["curator"])
    there = ReviewFactory(tag=tags["elsewhere"], reviewer=members["curator"], verdict="disagree")
    client = client_for(viewer)

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/reviews/?{query}")
        assert response.status_code == 200, response.content
        return {r["id"] for r in response.json()["results"]}

    assert ids("") == {here.pk, there.pk}
    assert ids(f"document={document.pk}") == {here.pk}
    assert ids("verdict=disagree") == {there.pk}
    assert ids(f"tag={tags['claim'].pk}") == {here.pk}
    assert ids("reviewer=curator") == {here.pk, there.pk}
