"""Tags, links and reviews as each user may see them: live or deleted, with review counts
and the status they derive."""

from collections.abc import Collection
from typing import TYPE_CHECKING, TypedDict, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When

from annotator.models import (
    BLIND_EXEMPT_ROLES,
    CURATING_ROLES,
    DocumentProgress,
    Membership,
    ProgressState,
)
from claims.models import HistoryEntry, Link, Review, Tag, TagStatus

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


User = AbstractBaseUser | AnonymousUser


class ReviewCounts(TypedDict):
    """What with_review_counts() adds to each tag."""

    agree_count: int
    disagree_count: int
    status: str


def blind_filter(user: User, document_path: str, author_path: str) -> Q:
    """Keep the rows a blind first pass lets the user see.

    In a project with ``blind`` on, an annotator sees only their own work on a document until
    they mark it done; owners, curators and viewers always see everyone's. Rows are tags,
    links or reviews: ``document_path`` leads to the row's document and ``author_path`` to the
    id of the person who made it.
    """
    if not user.is_authenticated:
        return Q(pk__in=[])
    user_id = cast(int, user.pk)
    done = DocumentProgress.objects.filter(
        document=OuterRef(document_path), user_id=user_id, state=ProgressState.DONE
    )
    sees_all = Membership.objects.filter(
        project=OuterRef(f"{document_path}__project"),
        user_id=user_id,
        role__in=BLIND_EXEMPT_ROLES,
    )
    return (
        Q(**{f"{document_path}__project__blind": False})
        | Q(**{author_path: user.pk})
        | Exists(done)
        | Exists(sees_all)
    )


def _visible(
    qs: QuerySet,
    user: User,
    document_path: str,
    author_path: str,
    roles: Collection[str] | None = None,
) -> QuerySet:
    """Keep rows of live documents in projects where the user is a member (with ``roles``),
    and of those the rows a blind first pass lets them see."""
    membership = f"{document_path}__project__memberships"
    # One filter() call, so the role and the user are checked on the same membership row.
    conditions = {
        f"{document_path}__deleted_at__isnull": True,
        f"{document_path}__project__deleted_at__isnull": True,
        f"{membership}__user_id": user.pk,
    }
    if roles is not None:
        conditions[f"{membership}__role__in"] = roles
    return qs.filter(**conditions).filter(blind_filter(user, document_path, author_path))


def with_review_counts(qs: QuerySet[Tag]) -> "QuerySet[WithAnnotations[Tag, ReviewCounts]]":
    """Annotate ``agree_count``, ``disagree_count`` (live reviews) and the derived ``status``.

    A curator's decision wins. Without one: agrees and disagrees both present make the tag
    ``disputed``; the project's thresholds (``accept_after_agrees`` with no disagree,
    ``reject_after_disagrees`` with no agree; 0 switches a rule off) make it ``accepted`` or
    ``rejected``; anything else is ``pending``.
    """
    live = Q(reviews__deleted_at__isnull=True)
    project = "document__project__"
    return qs.annotate(
        agree_count=Count("reviews", filter=live & Q(reviews__verdict="agree")),
        disagree_count=Count("reviews", filter=live & Q(reviews__verdict="disagree")),
    ).annotate(
        status=Case(
            When(decision=TagStatus.ACCEPTED, then=Value(TagStatus.ACCEPTED)),
            When(decision=TagStatus.REJECTED, then=Value(TagStatus.REJECTED)),
            When(agree_count__gt=0, disagree_count__gt=0, then=Value(TagStatus.DISPUTED)),
            When(
                Q(**{f"{project}accept_after_agrees__gt": 0})
                & Q(agree_count__gte=F(f"{project}accept_after_agrees"), disagree_count=0),
                then=Value(TagStatus.ACCEPTED),
            ),
            When(
                Q(**{f"{project}reject_after_disagrees__gt": 0})
                & Q(disagree_count__gte=F(f"{project}reject_after_disagrees"), agree_count=0),
                then=Value(TagStatus.REJECTED),
            ),
            default=Value(TagStatus.PENDING),
            output_field=CharField(),
        )
    )


READING_ORDER = (
    "document_id",
    F("paragraph__position").asc(nulls_last=True),
    "start",
    "end",
    "id",
)


def tags_visible_to(user: User) -> QuerySet[Tag]:
    """Live tags in the user's projects, without extras (for lookups by id)."""
    return _visible(Tag.objects.all(), user, "document", "author_id").select_related("document")


def links_visible_to(user: User) -> QuerySet[Link]:
    """Live links in the user's projects, without extras (for lookups by id)."""
    return _visible(Link.objects.all(), user, "source__document", "author_id").select_related(
        "source__document"
    )


def history_of(entity: str, object_id: int) -> QuerySet:
    """The recorded changes of one tag, link or review, oldest first."""
    return HistoryEntry.objects.filter(entity=entity, object_id=object_id).select_related("actor")


def tags_for(user: User, *, deleted: bool = False) -> QuerySet[Tag]:
    """Live tags the user may see, or (``deleted=True``) deleted ones where they curate."""
    if deleted:
        qs = _visible(
            Tag.all_objects.filter(deleted_at__isnull=False),
            user,
            "document",
            "author_id",
            CURATING_ROLES,
        ).select_related("deleted_by")
    else:
        qs = _visible(Tag.objects.all(), user, "document", "author_id")
    qs = qs.select_related("author", "paragraph", "decided_by")
    return with_review_counts(qs).order_by(*READING_ORDER)


def tag_for_restore(user: User) -> QuerySet[Tag]:
    """Every tag, deleted or not, in the user's projects (permission is checked by the service)."""
    return _visible(Tag.all_objects.all(), user, "document", "author_id").select_related(
        "author", "paragraph", "document"
    )


def links_for(user: User, *, deleted: bool = False) -> QuerySet[Link]:
    """Live links the user may see, or (``deleted=True``) deleted ones where they curate."""
    if deleted:
        qs = _visible(
            Link.all_objects.filter(deleted_at__isnull=False),
            user,
            "source__document",
            "author_id",
            CURATING_ROLES,
        ).select_related("deleted_by")
    else:
        qs = _visible(Link.objects.all(), user, "source__document", "author_id")
    return qs.select_related("author", "source__document")


def link_for_restore(user: User) -> QuerySet[Link]:
    return _visible(Link.all_objects.all(), user, "source__document", "author_id").select_related(
        "author", "source__document", "target"
    )


def reviews_for(user: User) -> QuerySet[Review]:
    """Live reviews of live tags the user may see (a deleted tag takes its reviews out of view)."""
    return _visible(
        Review.objects.filter(tag__deleted_at__isnull=True), user, "tag__document", "reviewer_id"
    ).select_related("reviewer", "tag__document")


def review_for_restore(user: User) -> QuerySet[Review]:
    return _visible(Review.all_objects.all(), user, "tag__document", "reviewer_id").select_related(
        "reviewer", "tag__document"
    )


# Exports read plain rows rather than model instances: they read every row of a project.


def document_tags(user: User, document_id: int) -> QuerySet[Tag]:
    """The live tags of one document as the API lists them (the pages embed the same)."""
    return tags_for(user).filter(document_id=document_id)
