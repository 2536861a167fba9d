"""Every invariant of tags, links and reviews, tried through the services and at the database.

The database half bypasses ``full_clean`` (``save``, ``bulk_create``, ``update``) to show the
constraint itself fires, so a bug in a service cannot store a broken row.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from annotator.services import Conflict
from claims import services
from claims.models import Link, Review, Tag
from tests.factories import (
    DocumentFactory,
    LinkFactory,
    MembershipFactory,
    ParagraphFactory,
    ReviewFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TEXT = "Cooperation on internal security is a breakthrough for both countries."


@pytest.fixture
def paragraph():
    return ParagraphFactory(text=TEXT, position=0)


@pytest.fixture
def author(paragraph):
    return MembershipFactory(project=paragraph.document.project, role="annotator").user


@pytest.fixture
def colleague(paragraph):
    return MembershipFactory(project=paragraph.document.project, role="annotator").user


def make_tag(paragraph, author, start=0, end=11, kind="claim", **extra):
    return services.tag_create(
        actor=author, paragraph=paragraph, start=start, end=end, kind=kind, **extra
    )


@contextmanager
def raises_integrity() -> Iterator[None]:
    """Expect the database to refuse the write, in a savepoint so the test can go on."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- Tag offsets ------------------------------------------------------------------------------


def test_service_stores_quote_and_context(paragraph, author):
    tag = make_tag(paragraph, author, start=15, end=23)
    assert tag.quote == "internal"
    assert tag.prefix == "Cooperation on "
    assert tag.suffix == TEXT[23:55]
    assert len(tag.suffix) == 32
    assert tag.document_id == paragraph.document_id


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 5)])
def test_service_refuses_start_not_before_end(paragraph, author, start, end):
    with pytest.raises(ValidationError) as excinfo:
        make_tag(paragraph, author, start=start, end=end)
    assert "start" in errors_of(excinfo)
    assert Tag.all_objects.count() == 0


def test_service_refuses_end_past_text(paragraph, author):
    with pytest.raises(ValidationError) as excinfo:
        make_tag(paragraph, author, start=0, end=len(TEXT) + 1)
    assert "past the end" in errors_of(excinfo)["end"][0]
    assert Tag.all_objects.count() == 0


def test_service_accepts_span_up_to_the_last_character(paragraph, author):
    tag = make_tag(paragraph, author, start=len(TEXT) - 10, end=len(TEXT))
    assert tag.quote == "countries."
    assert tag.suffix == ""


def test_service_refuses_negative_start(paragraph, author):
    with pytest.raises(ValidationError) as excinfo:
        make_tag(paragraph, author, start=-1, end=3)
    assert "start" in errors_of(excinfo)
    assert Tag.all_objects.count() == 0


def test_model_refuses_negative_start(paragraph, author):
    tag = TagFactory.build(paragraph=paragraph, author=author, start=-1, end=3, quote="Coo")
    with pytest.raises(ValidationError) as excinfo:
        tag.full_clean()
    assert "start" in errors_of(excinfo)


def test_service_refuses_unknown_kind(paragraph, author):
    with pytest.raises(ValidationError) as excinfo:
        make_tag(paragraph, author, kind="rumour")
    assert "kind" in errors_of(excinfo)


def test_service_refuses_quote_that_differs_from_text(paragraph, author):
    with pytest.raises(ValidationError) as excinfo:
        make_tag(paragraph, author, start=0, end=11, quote="Competition")
    assert "'Cooperation'" in errors_of(excinfo)["quote"][0]
    assert Tag.all_objects.count() == 0


def test_service_accepts_quote_that_matches(paragraph, author):
    assert make_tag(paragraph, author, quote="Cooperation").quote == "Cooperation"


def test_model_refuses_paragraph_of_another_document(paragraph, author):
    other = DocumentFactory(project=paragraph.document.project)
    tag = TagFactory.build(paragraph=paragraph, document=other, author=author)
    with pytest.raises(ValidationError) as excinfo:
        tag.full_clean()
    assert "another document" in errors_of(excinfo)["paragraph"][0]


def test_model_refuses_stored_quote_mismatch(paragraph, author):
    tag = TagFactory.build(paragraph=paragraph, author=author, quote="Cooperatio")
    with pytest.raises(ValidationError) as excinfo:
        tag.full_clean()
    assert "quote" in errors_of(excinfo)


def test_update_refuses_span_past_text(paragraph, author):
    tag = make_tag(paragraph, author)
    with pytest.raises(ValidationError) as excinfo:
        services.tag_update(actor=author, tag=tag, end=len(TEXT) + 5)
    assert "end" in errors_of(excinfo)
    tag.refresh_from_db()
    assert (tag.start, tag.end, tag.quote) == (0, 11, "Cooperation")


def test_update_moves_span_and_context(paragraph, author):
    tag = make_tag(paragraph, author)
    services.tag_update(actor=author, tag=tag, start=15, end=23)
    tag.refresh_from_db()
    assert (tag.quote, tag.prefix) == ("internal", "Cooperation on ")


# --- Tag constraints at the database ------------------------------------------------------------


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 5), (-1, 3)])
def test_db_refuses_bad_offsets_on_save(paragraph, author, start, end):
    tag = TagFactory.build(
        paragraph=paragraph, author=author, start=start, end=end, quote="x", prefix="", suffix=""
    )
    with raises_integrity():
        tag.save()


def test_db_refuses_bad_offsets_on_bulk_create(paragraph, author):
    with raises_integrity():
        Tag.objects.bulk_create(
            [TagFactory.build(paragraph=paragraph, author=author, start=4, end=2, quote="x")]
        )


def test_db_refuses_bad_offsets_on_update(paragraph, author):
    tag = make_tag(paragraph, author)
    with raises_integrity():
        Tag.objects.filter(pk=tag.pk).update(end=0)
    with raises_integrity():
        Tag.objects.filter(pk=tag.pk).update(start=-3)


def test_db_refuses_unknown_kind(paragraph, author):
    with raises_integrity():
        TagFactory(paragraph=paragraph, author=author, kind="rumour")
    tag = make_tag(paragraph, author)
    with raises_integrity():
        Tag.objects.filter(pk=tag.pk).update(kind="")


def test_db_refuses_identical_live_tag(paragraph, author):
    make_tag(paragraph, author)
    with raises_integrity():
        TagFactory(paragraph=paragraph, author=author)
    with raises_integrity():
        Tag.objects.bulk_create([TagFactory.build(paragraph=paragraph, author=author)])


def test_db_allows_identical_tag_next_to_deleted_one(paragraph, author):
    tag = make_tag(paragraph, author)
    services.tag_delete(actor=author, tag=tag)
    again = TagFactory(paragraph=paragraph, author=author)
    assert Tag.all_objects.filter(paragraph=paragraph, start=0, end=11).count() == 2
    # ...but the constraint still guards the one that is live: undeleting by hand clashes.
    with raises_integrity():
        Tag.all_objects.filter(pk=tag.pk).update(deleted_at=None)
    assert again.pk != tag.pk


def test_service_refuses_identical_tag(paragraph, author):
    make_tag(paragraph, author, note="first")
    with pytest.raises(ValidationError) as excinfo:
        make_tag(paragraph, author, note="second")
    assert "already tagged this exact span" in " ".join(excinfo.value.messages)
    assert Tag.all_objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "evidence"},
        {"start": 1},
        {"end": 12},
    ],
)
def test_same_span_differing_in_one_field_is_allowed(paragraph, author, change):
    make_tag(paragraph, author)
    make_tag(paragraph, author, **{"start": 0, "end": 11, "kind": "claim", **change})
    assert Tag.objects.count() == 2


def test_identical_span_by_another_author_is_allowed(paragraph, author, colleague):
    make_tag(paragraph, author)
    make_tag(paragraph, colleague)
    assert Tag.objects.count() == 2


def test_overlapping_tags_by_the_same_author_are_allowed(paragraph, author):
    make_tag(paragraph, author, start=0, end=23)
    make_tag(paragraph, author, start=15, end=32)
    make_tag(paragraph, author, start=15, end=23, kind="evidence")
    make_tag(paragraph, author, start=0, end=len(TEXT), kind="opinion")
    assert Tag.objects.filter(author=author).count() == 4


def test_update_into_an_identical_tag_is_refused(paragraph, author):
    make_tag(paragraph, author, kind="claim")
    other = make_tag(paragraph, author, kind="evidence")
    with pytest.raises(ValidationError):
        services.tag_update(actor=author, tag=other, kind="claim")
    other.refresh_from_db()
    assert other.kind == "evidence"


# --- Links -----------------------------------------------------------------------------------


@pytest.fixture
def two_tags(paragraph, author):
    return make_tag(paragraph, author, start=0, end=11), make_tag(paragraph, author, 15, 23)


def test_link_service_creates_link(two_tags, author):
    source, target = two_tags
    link = services.link_create(actor=author, source=source, target=target, relation="supports")
    assert (link.source, link.target, link.relation) == (source, target, "supports")


def test_link_service_refuses_self_link(two_tags, author):
    with pytest.raises(ValidationError) as excinfo:
        services.link_create(
            actor=author, source=two_tags[0], target=two_tags[0], relation="supports"
        )
    assert "itself" in errors_of(excinfo)["target"][0]
    assert Link.all_objects.count() == 0


def test_db_refuses_self_link(two_tags, author):
    with raises_integrity():
        Link(source=two_tags[0], target=two_tags[0], relation="supports", author=author).save()
    link = LinkFactory(source=two_tags[0], target=two_tags[1], author=author)
    with raises_integrity():
        Link.objects.filter(pk=link.pk).update(target=two_tags[0])


def test_link_service_refuses_link_across_documents(paragraph, two_tags, author):
    elsewhere = ParagraphFactory(document__project=paragraph.document.project, text=TEXT)
    foreign = make_tag(elsewhere, author)
    with pytest.raises(ValidationError) as excinfo:
        services.link_create(actor=author, source=two_tags[0], target=foreign, relation="attacks")
    assert "same document" in errors_of(excinfo)["target"][0]
    assert Link.all_objects.count() == 0


def test_link_service_refuses_unknown_relation(two_tags, author):
    with pytest.raises(ValidationError) as excinfo:
        services.link_create(
            actor=author, source=two_tags[0], target=two_tags[1], relation="ignores"
        )
    assert "relation" in errors_of(excinfo)


def test_db_refuses_unknown_relation(two_tags, author):
    with raises_integrity():
        LinkFactory(source=two_tags[0], target=two_tags[1], author=author, relation="ignores")


def test_link_service_refuses_duplicate(two_tags, author):
    source, target = two_tags
    services.link_create(actor=author, source=source, target=target, relation="supports")
    with pytest.raises(ValidationError) as excinfo:
        services.link_create(actor=author, source=source, target=target, relation="supports")
    assert "already made this link" in " ".join(excinfo.value.messages)
    # The opposite relation, the opposite direction and another author are all fine.
    services.link_create(actor=author, source=source, target=target, relation="attacks")
    services.link_create(actor=author, source=target, target=source, relation="supports")
    assert Link.objects.count() == 3


def test_db_refuses_duplicate_live_link(two_tags, author):
    source, target = two_tags
    LinkFactory(source=source, target=target, author=author)
    with raises_integrity():
        LinkFactory(source=source, target=target, author=author)
    with raises_integrity():
        Link.objects.bulk_create([LinkFactory.build(source=source, target=target, author=author)])


def test_db_allows_duplicate_of_deleted_link(two_tags, author):
    source, target = two_tags
    link = services.link_create(actor=author, source=source, target=target, relation="supports")
    services.link_delete(actor=author, link=link)
    services.link_create(actor=author, source=source, target=target, relation="supports")
    assert Link.all_objects.count() == 2


# --- Reviews ---------------------------------------------------------------------------------


def test_review_service_records_verdict(paragraph, author, colleague):
    tag = make_tag(paragraph, author)
    review = services.review_submit(actor=colleague, tag=tag, verdict="disagree", comment="Hm")
    assert (review.reviewer, review.verdict, review.comment) == (colleague, "disagree", "Hm")


def test_review_service_refuses_own_tag(paragraph, author):
    tag = make_tag(paragraph, author)
    with pytest.raises(ValidationError) as excinfo:
        services.review_submit(actor=author, tag=tag, verdict="agree")
    assert "own tag" in errors_of(excinfo)["tag"][0]
    assert Review.all_objects.count() == 0


def test_model_refuses_review_of_own_tag(paragraph, author):
    tag = make_tag(paragraph, author)
    with pytest.raises(ValidationError) as excinfo:
        Review(tag=tag, reviewer=author, verdict="agree").full_clean()
    assert "tag" in errors_of(excinfo)


def test_review_service_refuses_unknown_verdict(paragraph, author, colleague):
    tag = make_tag(paragraph, author)
    with pytest.raises(ValidationError) as excinfo:
        services.review_submit(actor=colleague, tag=tag, verdict="maybe")
    assert "verdict" in errors_of(excinfo)


def test_db_refuses_unknown_verdict(paragraph, author, colleague):
    tag = make_tag(paragraph, author)
    with raises_integrity():
        ReviewFactory(tag=tag, reviewer=colleague, verdict="maybe")


def test_review_service_refuses_second_review(paragraph, author, colleague):
    tag = make_tag(paragraph, author)
    services.review_submit(actor=colleague, tag=tag, verdict="agree")
    with pytest.raises(ValidationError) as excinfo:
        services.review_submit(actor=colleague, tag=tag, verdict="disagree")
    assert "already reviewed" in " ".join(excinfo.value.messages)
    assert Review.all_objects.count() == 1


def test_db_refuses_second_live_review(paragraph, author, colleague):
    tag = make_tag(paragraph, author)
    ReviewFactory(tag=tag, reviewer=colleague)
    with raises_integrity():
        ReviewFactory(tag=tag, reviewer=colleague, verdict="disagree")
    with raises_integrity():
        Review.objects.bulk_create([ReviewFactory.build(tag=tag, reviewer=colleague)])


def test_review_again_after_deleting_the_first(paragraph, author, colleague):
    tag = make_tag(paragraph, author)
    first = services.review_submit(actor=colleague, tag=tag, verdict="agree")
    services.review_delete(actor=colleague, review=first)
    services.review_submit(actor=colleague, tag=tag, verdict="disagree")
    assert Review.all_objects.filter(tag=tag).count() == 2
    # Restoring the first would make two live reviews by one person: refused as a conflict.
    with pytest.raises(Conflict):
        services.review_restore(actor=colleague, review=first)
    first.refresh_from_db()
    assert first.is_deleted


# --- Soft delete and restore -------------------------------------------------------------------


def test_delete_tag_takes_its_links_and_restore_brings_them_back(paragraph, author, colleague):
    a = make_tag(paragraph, author, 0, 11)
    b = make_tag(paragraph, author, 15, 23)
    c = make_tag(paragraph, author, 24, 32)
    out_link = services.link_create(actor=author, source=a, target=b, relation="supports")
    in_link = services.link_create(actor=colleague, source=c, target=a, relation="attacks")
    unrelated = services.link_create(actor=author, source=b, target=c, relation="supports")

    services.tag_delete(actor=author, tag=a)

    assert set(Tag.objects.all()) == {b, c}
    assert list(Link.objects.all()) == [unrelated]
    # Nothing is gone from the database: it is all there to restore.
    assert Tag.all_objects.get(pk=a.pk).deleted_by == author
    assert set(Link.all_objects.filter(deleted_at__isnull=False)) == {out_link, in_link}

    services.tag_restore(actor=author, tag=Tag.all_objects.get(pk=a.pk))

    assert set(Tag.objects.all()) == {a, b, c}
    assert set(Link.objects.all()) == {out_link, in_link, unrelated}
    assert Link.objects.get(pk=in_link.pk).deleted_by is None


def test_restore_tag_keeps_links_deleted_before_it(paragraph, author):
    a = make_tag(paragraph, author, 0, 11)
    b = make_tag(paragraph, author, 15, 23)
    link = services.link_create(actor=author, source=a, target=b, relation="supports")
    services.link_delete(actor=author, link=link)
    services.tag_delete(actor=author, tag=a)
    services.tag_restore(actor=author, tag=Tag.all_objects.get(pk=a.pk))
    assert Link.objects.count() == 0


def test_restore_tag_leaves_link_whose_other_tag_is_still_deleted(paragraph, author):
    a = make_tag(paragraph, author, 0, 11)
    b = make_tag(paragraph, author, 15, 23)
    services.link_create(actor=author, source=a, target=b, relation="supports")
    services.tag_delete(actor=author, tag=b)
    services.tag_delete(actor=author, tag=a)
    services.tag_restore(actor=author, tag=Tag.all_objects.get(pk=a.pk))
    assert Link.objects.count() == 0
    services.tag_restore(actor=author, tag=Tag.all_objects.get(pk=b.pk))
    assert Link.objects.count() == 1


@pytest.mark.parametrize("restore_first", ["source", "target"])
def test_link_removed_with_one_tag_returns_once_both_are_restored(paragraph, author, restore_first):
    source = make_tag(paragraph, author, 0, 11)
    target = make_tag(paragraph, author, 15, 23)
    services.link_create(actor=author, source=source, target=target, relation="supports")
    # The link goes with the source; the target is deleted afterwards on its own.
    services.tag_delete(actor=author, tag=source)
    services.tag_delete(actor=author, tag=Tag.objects.get(pk=target.pk))
    order = [source, target] if restore_first == "source" else [target, source]

    services.tag_restore(actor=author, tag=Tag.all_objects.get(pk=order[0].pk))
    assert Link.objects.count() == 0  # one of its tags is still deleted
    services.tag_restore(actor=author, tag=Tag.all_objects.get(pk=order[1].pk))

    assert Link.objects.count() == 1


def test_restore_clashing_with_live_identical_tag_is_a_conflict(paragraph, author):
    first = make_tag(paragraph, author)
    services.tag_delete(actor=author, tag=first)
    make_tag(paragraph, author)
    with pytest.raises(Conflict, match="cannot be restored"):
        services.tag_restore(actor=author, tag=Tag.all_objects.get(pk=first.pk))
    assert Tag.all_objects.get(pk=first.pk).is_deleted


def test_restore_of_live_tag_is_a_conflict(paragraph, author):
    tag = make_tag(paragraph, author)
    with pytest.raises(Conflict, match="not deleted"):
        services.tag_restore(actor=author, tag=tag)


def test_link_restore_needs_both_tags(paragraph, author):
    a = make_tag(paragraph, author, 0, 11)
    b = make_tag(paragraph, author, 15, 23)
    link = services.link_create(actor=author, source=a, target=b, relation="supports")
    services.tag_delete(actor=author, tag=b)
    with pytest.raises(Conflict, match="Restore the deleted tag first"):
        services.link_restore(actor=author, link=Link.all_objects.get(pk=link.pk))


def test_review_delete_and_restore(paragraph, author, colleague):
    tag = make_tag(paragraph, author)
    review = services.review_submit(actor=colleague, tag=tag, verdict="agree")
    services.review_delete(actor=colleague, review=review)
    assert Review.objects.count() == 0
    services.review_restore(actor=colleague, review=Review.all_objects.get(pk=review.pk))
    assert Review.objects.get().verdict == "agree"


# --- Roles at the service layer ----------------------------------------------------------------


def test_viewer_cannot_create(paragraph):
    viewer = MembershipFactory(project=paragraph.document.project, role="viewer").user
    with pytest.raises(PermissionDenied):
        make_tag(paragraph, viewer)


def test_outsider_cannot_create(paragraph):
    with pytest.raises(PermissionDenied):
        make_tag(paragraph, UserFactory())


def test_annotator_cannot_change_someone_elses_tag(paragraph, author, colleague):
    tag = make_tag(paragraph, author)
    with pytest.raises(PermissionDenied):
        services.tag_update(actor=colleague, tag=tag, kind="opinion")
    with pytest.raises(PermissionDenied):
        services.tag_delete(actor=colleague, tag=tag)
    tag.refresh_from_db()
    assert (tag.kind, tag.is_deleted) == ("claim", False)


def test_curator_may_change_someone_elses_tag(paragraph, author):
    curator = MembershipFactory(project=paragraph.document.project, role="curator").user
    tag = make_tag(paragraph, author)
    services.tag_update(actor=curator, tag=tag, kind="opinion")
    services.tag_delete(actor=curator, tag=tag)
    assert Tag.all_objects.get(pk=tag.pk).deleted_by == curator
