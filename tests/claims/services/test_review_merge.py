"""Curation: merging near-duplicate tags into one accepted tag, and curators editing tags."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from annotator.services import Conflict
from claims import services
from claims.models import HistoryEntry, Link, Review, Tag
from claims.selectors import with_review_counts
from tests.factories import DocumentFactory, MembershipFactory, ParagraphFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(document, members) -> dict:
    """The role fixtures plus annotators alice, bob, carol and dave."""
    out = dict(members)
    for name in ("alice", "bob", "carol", "dave"):
        out[name] = MembershipFactory(
            project=document.project, role="annotator", user__username=name
        ).user
    return out


@pytest.fixture
def first(document):
    return document.paragraphs.get(position=0)


@pytest.fixture
def second(document):
    return document.paragraphs.get(position=1)


@pytest.fixture
def pair(first, people) -> tuple[Tag, Tag]:
    """Alice's and Bob's readings of the same claim: overlapping, not identical."""
    return (
        TagFactory(paragraph=first, author=people["alice"], start=0, end=20),
        TagFactory(paragraph=first, author=people["bob"], start=5, end=24, kind="evidence"),
    )


def merge(people, *tags, into=None, who="curator") -> Tag:
    return services.tags_merge(actor=people[who], tags=list(tags), into=into)


def live_link_ends() -> set[tuple]:
    return {
        (lk.source_id, lk.target_id, lk.target_link_id, lk.relation, lk.author.username)
        for lk in Link.objects.all()
    }


# --- The kept tag and the merged ones --------------------------------------------------------


def test_the_first_tag_is_kept_and_accepted_the_others_are_deleted(people, pair):
    alices, bobs = pair
    kept = merge(people, alices, bobs)
    assert kept.pk == alices.pk
    assert (kept.decision, kept.decided_by, kept.deleted_at) == (
        "accepted",
        people["curator"],
        None,
    )
    assert with_review_counts(Tag.objects.filter(pk=kept.pk)).get().status == "accepted"
    assert list(Tag.objects.all()) == [alices]
    bobs.refresh_from_db()
    assert bobs.is_deleted
    assert bobs.deleted_by == people["curator"]


def test_into_chooses_the_tag_kept(people, pair):
    alices, bobs = pair
    kept = merge(people, alices, bobs, into=bobs)
    assert kept.pk == bobs.pk
    assert kept.kind == "evidence"  # the kept tag keeps its own kind and span
    assert (kept.start, kept.end) == (5, 24)
    assert list(Tag.objects.all()) == [bobs]


def test_history_names_the_kept_tag(people, pair):
    alices, bobs = pair
    merge(people, alices, bobs)
    merged = HistoryEntry.objects.get(entity="tag", object_id=bobs.pk, action="merge")
    assert merged.actor == people["curator"]
    assert merged.comment == f"Merged into tag {alices.pk}."
    assert merged.after["deleted_at"] is not None
    kept = HistoryEntry.objects.get(entity="tag", object_id=alices.pk, action="merge")
    assert kept.comment == f"Merged tags {bobs.pk} into this tag and accepted it."
    assert (kept.before["decision"], kept.after["decision"]) == ("", "accepted")


def test_three_way_merge(people, pair, first):
    alices, bobs = pair
    carols = TagFactory(paragraph=first, author=people["carol"], start=10, end=30)
    kept = merge(people, alices, bobs, carols)
    assert list(Tag.objects.all()) == [kept]
    assert Tag.all_objects.filter(deleted_at__isnull=False).count() == 2


def test_implicit_statements_merge_when_their_text_matches(people, document):
    a = services.implicit_tag_create(
        actor=people["alice"], document=document, text="Security needs trust.", kind="claim"
    )
    b = services.implicit_tag_create(
        actor=people["bob"], document=document, text="  security  needs trust. ", kind="claim"
    )
    assert merge(people, a, b).pk == a.pk
    c = services.implicit_tag_create(
        actor=people["carol"], document=document, text="Trust needs security.", kind="claim"
    )
    with pytest.raises(ValidationError, match="implicit statement with the same text"):
        merge(people, a, c)


# --- Refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "viewer", "annotator"])
def test_only_curators_and_owners_merge(people, pair, who):
    with pytest.raises(PermissionDenied, match="curator or an owner"):
        merge(people, *pair, who=who)
    assert Tag.objects.count() == 2


def test_owners_merge(people, pair):
    assert merge(people, *pair, who="owner").decision == "accepted"


def test_tags_of_different_documents_are_refused(people, pair, document):
    elsewhere = ParagraphFactory(document=DocumentFactory(project=document.project))
    other = TagFactory(paragraph=elsewhere, author=people["carol"], start=0, end=20)
    with pytest.raises(ValidationError, match="same document"):
        merge(people, pair[0], other)


def test_spans_that_do_not_overlap_are_refused(people, pair, first, second):
    apart = TagFactory(paragraph=first, author=people["carol"], start=30, end=40)
    with pytest.raises(ValidationError, match=f"Tag {apart.pk} is not a near-duplicate"):
        merge(people, pair[0], apart)
    touching = TagFactory(paragraph=first, author=people["carol"], start=20, end=25)
    with pytest.raises(ValidationError, match="overlaps"):
        merge(people, pair[0], touching)  # [0, 20) and [20, 25) only touch
    same_offsets = TagFactory(paragraph=second, author=people["carol"], start=0, end=20)
    with pytest.raises(ValidationError, match="same paragraph"):
        merge(people, pair[0], same_offsets)


def test_a_span_and_an_implicit_statement_are_refused(people, pair, document):
    implicit = services.implicit_tag_create(
        actor=people["carol"], document=document, text=pair[0].quote, kind="claim"
    )
    with pytest.raises(ValidationError, match="implicit"):
        merge(people, pair[0], implicit)


def test_one_tag_or_a_foreign_into_is_refused(people, pair, first):
    with pytest.raises(ValidationError, match="at least two"):
        merge(people, pair[0], pair[0])
    outside = TagFactory(paragraph=first, author=people["carol"], start=0, end=3)
    with pytest.raises(ValidationError, match="must be one of"):
        merge(people, *pair, into=outside)


def test_a_deleted_tag_cannot_be_merged_again(people, pair, first):
    merge(people, *pair)
    bobs = Tag.all_objects.get(pk=pair[1].pk)
    third = TagFactory(paragraph=first, author=people["carol"], start=1, end=9)
    with pytest.raises(Conflict, match="deleted"):
        merge(people, third, bobs)


# --- Links and reviews follow the kept tag -----------------------------------------------------


def test_links_are_repointed_and_duplicates_or_self_links_dropped(people, pair, first, second):
    alices, bobs = pair
    premise = TagFactory(paragraph=second, author=people["carol"], start=0, end=5)
    conclusion = TagFactory(paragraph=second, author=people["carol"], start=10, end=15)
    into_bob = Link.objects.create(
        source=premise, target=bobs, relation="supports", author=people["bob"]
    )
    out_of_bob = Link.objects.create(
        source=bobs, target=conclusion, relation="attacks", author=people["dave"]
    )
    # Carol already linked premise -> alice's tag the same way: bob's link would repeat it.
    twin = Link.objects.create(
        source=premise, target=alices, relation="attacks", author=people["carol"]
    )
    repeat = Link.objects.create(
        source=premise, target=bobs, relation="attacks", author=people["bob"]
    )
    undercut = Link.objects.create(
        source=conclusion, target_link=repeat, relation="undercuts", author=people["dave"]
    )
    between = Link.objects.create(
        source=bobs, target=alices, relation="supports", author=people["bob"]
    )

    merge(people, alices, bobs)

    assert live_link_ends() == {
        (premise.pk, alices.pk, None, "supports", "bob"),  # moved
        (alices.pk, conclusion.pk, None, "attacks", "dave"),  # moved
        (premise.pk, alices.pk, None, "attacks", "carol"),  # was there
        (conclusion.pk, None, twin.pk, "undercuts", "dave"),  # followed the twin
    }
    for dropped in (repeat, between):
        dropped.refresh_from_db()
        assert dropped.is_deleted
        entry = HistoryEntry.objects.get(entity="link", object_id=dropped.pk)
        assert entry.action == "merge"
        assert entry.comment.startswith(f"Merged into tag {alices.pk}.")
    moved = HistoryEntry.objects.get(entity="link", object_id=into_bob.pk)
    assert (moved.action, moved.before["target_id"], moved.after["target_id"]) == (
        "merge",
        bobs.pk,
        alices.pk,
    )
    assert Link.objects.get(pk=out_of_bob.pk).source_id == alices.pk
    assert Link.objects.get(pk=undercut.pk).target_link_id == twin.pk


def test_reviews_move_unless_the_reviewer_reviewed_the_kept_tag_or_wrote_it(people, pair):
    alices, bobs = pair
    moves = Review.objects.create(tag=bobs, reviewer=people["carol"], verdict="agree")
    Review.objects.create(tag=alices, reviewer=people["dave"], verdict="agree")
    stays = Review.objects.create(tag=bobs, reviewer=people["dave"], verdict="disagree")
    own = Review.objects.create(tag=bobs, reviewer=people["alice"], verdict="agree")

    merge(people, alices, bobs)

    assert sorted((r.reviewer.username, r.verdict) for r in Review.objects.filter(tag=alices)) == [
        ("carol", "agree"),
        ("dave", "agree"),
    ]
    for review in (stays, own):
        review.refresh_from_db()
        assert review.tag_id == bobs.pk
    moved = HistoryEntry.objects.get(entity="review", object_id=moves.pk, action="merge")
    assert (moved.before["tag_id"], moved.after["tag_id"]) == (bobs.pk, alices.pk)
    counted = with_review_counts(Tag.objects.filter(pk=alices.pk)).get()
    assert (counted.agree_count, counted.disagree_count) == (2, 0)


def test_a_reviewer_of_two_merged_tags_moves_one_review(people, pair, first):
    alices, bobs = pair
    carols = TagFactory(paragraph=first, author=people["carol"], start=2, end=12)
    Review.objects.create(tag=bobs, reviewer=people["dave"], verdict="agree")
    Review.objects.create(tag=carols, reviewer=people["dave"], verdict="disagree")
    merge(people, alices, bobs, carols)
    assert [r.verdict for r in Review.objects.filter(tag=alices)] == ["agree"]


# --- Restore ---------------------------------------------------------------------------------


def test_restoring_a_merged_tag_brings_it_back_without_what_moved(people, pair, second):
    alices, bobs = pair
    premise = TagFactory(paragraph=second, author=people["carol"], start=0, end=5)
    moved = Link.objects.create(
        source=premise, target=bobs, relation="supports", author=people["bob"]
    )
    between = Link.objects.create(
        source=bobs, target=alices, relation="supports", author=people["bob"]
    )
    review = Review.objects.create(tag=bobs, reviewer=people["carol"], verdict="agree")
    merge(people, alices, bobs)

    restored = services.tag_restore(actor=people["bob"], tag=Tag.all_objects.get(pk=bobs.pk))

    assert not restored.is_deleted
    assert set(Tag.objects.values_list("pk", flat=True)) == {alices.pk, bobs.pk, premise.pk}
    assert Tag.objects.get(pk=alices.pk).decision == "accepted"
    assert Link.objects.get(pk=moved.pk).target_id == alices.pk  # stays with the kept tag
    assert Link.objects.get(pk=between.pk).is_deleted is False  # dropped with bob's tag, back
    assert Review.objects.get(pk=review.pk).tag_id == alices.pk
    actions = list(
        HistoryEntry.objects.filter(entity="tag", object_id=bobs.pk).values_list(
            "action", flat=True
        )
    )
    assert actions == ["merge", "restore"]


# --- Through the API -------------------------------------------------------------------------


def test_merge_endpoint(client_for, people, pair):
    alices, bobs = pair
    response = client_for(people["curator"]).post(
        "/api/tags/merge/", {"tags": [alices.pk, bobs.pk], "into": bobs.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["status"], body["decision"]) == (bobs.pk, "accepted", "accepted")
    assert not Tag.objects.filter(pk=alices.pk).exists()


@pytest.mark.parametrize(
    ("who", "status", "words"),
    [
        ("annotator", 403, "curator or an owner"),
        ("alice", 403, "curator or an owner"),
        ("viewer", 403, "curator or an owner"),
        ("outsider", 404, "No tag"),
    ],
)
def test_merge_endpoint_refuses_by_role(client_for, people, pair, who, status, words):
    response = client_for(people[who]).post(
        "/api/tags/merge/", {"tags": [t.pk for t in pair]}, format="json"
    )
    assert response.status_code == status
    assert words in response.json()["detail"]
    assert Tag.objects.count() == 2


def test_merge_endpoint_bad_input(client_for, people, pair, document):
    client = client_for(people["curator"])
    ids = [t.pk for t in pair]

    def post(body):
        return client.post("/api/tags/merge/", body, format="json")

    elsewhere = TagFactory(
        paragraph=ParagraphFactory(document=DocumentFactory(project=document.project)),
        author=people["carol"],
    )
    different = post({"tags": [ids[0], elsewhere.pk]})
    assert different.status_code == 400
    assert "same document" in str(different.json()["tags"])
    assert post({"tags": [ids[0]]}).status_code == 400
    assert post({"tags": [ids[0], ids[0]]}).status_code == 400
    assert "into" in post({"tags": ids, "into": elsewhere.pk}).json()
    assert post({"tags": "1,2"}).status_code == 400
    assert post({}).status_code == 400
    assert post({"tags": [ids[0], 999999]}).status_code == 404
    assert Tag.objects.count() == 3


def test_merged_tag_discussion_shows_the_merge(client_for, people, pair):
    alices, bobs = pair
    merge(people, alices, bobs)
    body = client_for(people["viewer"]).get(f"/api/tags/{alices.pk}/discussion/").json()
    assert [(d["action"], d["actor"], d["status"]) for d in body["decisions"]] == [
        ("merge", "curator", "accepted")
    ]


# --- Curators edit anyone's tag ----------------------------------------------------------------


def test_curators_edit_kind_and_span_and_the_history_says_who(people, pair):
    alices = pair[0]
    edited = services.tag_curate_edit(actor=people["curator"], tag=alices, kind="opinion", end=11)
    assert (edited.kind, edited.start, edited.end) == ("opinion", 0, 11)
    assert edited.quote == alices.paragraph.text[0:11]
    entry = HistoryEntry.objects.filter(entity="tag", object_id=alices.pk).last()
    assert (entry.action, entry.actor, entry.before["kind"], entry.after["kind"]) == (
        "update",
        people["curator"],
        "claim",
        "opinion",
    )
    assert (entry.before["end"], entry.after["end"]) == (20, 11)
    assert entry.at is not None


@pytest.mark.parametrize("who", ["alice", "bob", "viewer"])
def test_curator_edit_is_for_curators_even_on_ones_own_tag(people, pair, who):
    with pytest.raises(PermissionDenied, match="curator or an owner"):
        services.tag_curate_edit(actor=people[who], tag=pair[0], kind="opinion")


def test_curator_edit_needs_a_change_and_a_valid_span(people, pair):
    with pytest.raises(ValidationError, match="Give a new kind"):
        services.tag_curate_edit(actor=people["owner"], tag=pair[0])
    with pytest.raises(ValidationError, match="past the end"):
        services.tag_curate_edit(actor=people["owner"], tag=pair[0], end=10_000)
