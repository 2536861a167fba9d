"""Reads of tags, links and reviews, scoped to the projects a user belongs to."""

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db import connection, transaction
from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Length

from annotator.models import CURATING_ROLES, Document, Paragraph, Project
from annotator.selectors import documents_for
from claims.agreement import LinkSpan, Span, agreement, summary
from claims.argmap.from_snapshot import map_from_snapshot
from claims.argmap.graph import ArgumentMap
from claims.kinds import all_kinds
from claims.models import HistoryAction, HistoryEntry, Link, Review, Tag, TagKind, TagStatus
from claims.snapshot import (
    DocumentSnapshot,
    LinkRow,
    ParagraphRow,
    ProjectSnapshot,
    ReviewRow,
    TagRow,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

User = AbstractBaseUser | AnonymousUser


class ReviewCounts(TypedDict):
    """What with_review_counts() adds to each tag."""

    agree_count: int
    disagree_count: int
    status: str


def _visible(
    qs: QuerySet, user: User, document_path: str, roles: Collection[str] | None = None
) -> QuerySet:
    """Keep rows of live documents in projects where the user is a member (with ``roles``)."""
    membership = f"{document_path}__project__memberships"
    # One filter() call, so the role and the user are checked on the same membership row.
    conditions = {
        f"{document_path}__deleted_at__isnull": True,
        f"{membership}__user_id": user.pk,
    }
    if roles is not None:
        conditions[f"{membership}__role__in"] = roles
    return qs.filter(**conditions)


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
    return _visible(Tag.objects.all(), user, "document").select_related("document")


def links_visible_to(user: User) -> QuerySet[Link]:
    """Live links in the user's projects, without extras (for lookups by id)."""
    return _visible(Link.objects.all(), user, "source__document").select_related("source__document")


def history_of(entity: str, object_id: int) -> QuerySet:
    """The recorded changes of one tag, link or review, oldest first."""
    return HistoryEntry.objects.filter(entity=entity, object_id=object_id).select_related("actor")


def tags_for(user: User, *, deleted: bool = False) -> QuerySet[Tag]:
    """Live tags the user may see, or (``deleted=True``) deleted ones where they curate."""
    if deleted:
        qs = _visible(
            Tag.all_objects.filter(deleted_at__isnull=False), user, "document", CURATING_ROLES
        ).select_related("deleted_by")
    else:
        qs = _visible(Tag.objects.all(), user, "document")
    qs = qs.select_related("author", "paragraph", "decided_by")
    return with_review_counts(qs).order_by(*READING_ORDER)


def tag_for_restore(user: User) -> QuerySet[Tag]:
    """Every tag, deleted or not, in the user's projects (permission is checked by the service)."""
    return _visible(Tag.all_objects.all(), user, "document").select_related(
        "author", "paragraph", "document"
    )


def links_for(user: User, *, deleted: bool = False) -> QuerySet[Link]:
    """Live links the user may see, or (``deleted=True``) deleted ones where they curate."""
    if deleted:
        qs = _visible(
            Link.all_objects.filter(deleted_at__isnull=False),
            user,
            "source__document",
            CURATING_ROLES,
        ).select_related("deleted_by")
    else:
        qs = _visible(Link.objects.all(), user, "source__document")
    return qs.select_related("author", "source__document")


def link_for_restore(user: User) -> QuerySet[Link]:
    return _visible(Link.all_objects.all(), user, "source__document").select_related(
        "author", "source__document", "target"
    )


def reviews_for(user: User) -> QuerySet[Review]:
    """Live reviews of live tags the user may see (a deleted tag takes its reviews out of view)."""
    return _visible(
        Review.objects.filter(tag__deleted_at__isnull=True), user, "tag__document"
    ).select_related("reviewer", "tag__document")


def review_for_restore(user: User) -> QuerySet[Review]:
    return _visible(Review.all_objects.all(), user, "tag__document").select_related(
        "reviewer", "tag__document"
    )


# Exports read plain rows rather than model instances: they read every row of a project.
_TAG_FIELDS = (
    "id",
    "paragraph_id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "kind",
    "note",
    "author__username",
    "created_at",
    "updated_at",
    "agree_count",
    "disagree_count",
    "status",
)
_LINK_FIELDS = (
    "id",
    "source_id",
    "target_id",
    "target_link_id",
    "relation",
    "group",
    "note",
    "author__username",
    "created_at",
    "updated_at",
)
_REVIEW_FIELDS = (
    "id",
    "tag_id",
    "reviewer__username",
    "verdict",
    "comment",
    "created_at",
    "updated_at",
)


def _snapshot_of(
    document: Document,
    paragraph_rows: Iterable[tuple],
    tag_rows: Iterable[tuple],
    link_rows: Iterable[tuple],
    review_rows: Iterable[tuple],
    *,
    page_url: str,
    api_url: str,
) -> DocumentSnapshot:
    """Build a document's snapshot from its rows (in the order of the ``_*_FIELDS``).

    Links are kept only between the given tags (an undercut only when the link it attacks is
    kept), reviews only of the given tags.
    """
    paragraphs = tuple(ParagraphRow(id=p[0], position=p[1], text=p[2]) for p in paragraph_rows)
    positions = {p.id: p.position for p in paragraphs}
    tags = tuple(
        TagRow(
            id=t[0],
            paragraph_id=t[1],
            paragraph_position=positions.get(t[1]),
            start=t[2],
            end=t[3],
            quote=t[4],
            prefix=t[5],
            suffix=t[6],
            kind=t[7],
            note=t[8],
            author=t[9],
            created_at=t[10],
            updated_at=t[11],
            agree=t[12],
            disagree=t[13],
            status=t[14],
        )
        for t in tag_rows
    )
    tag_ids = {t.id for t in tags}
    links_by_id = {
        row[0]: LinkRow(
            id=row[0],
            source_id=row[1],
            target_id=row[2],
            target_link_id=row[3],
            relation=row[4],
            group=row[5],
            note=row[6],
            author=row[7],
            created_at=row[8],
            updated_at=row[9],
        )
        for row in link_rows
    }
    kept: dict[int, LinkRow] = {}
    # Undercuts point at earlier or later links, so keep what survives until nothing changes.
    changed = True
    while changed:
        changed = False
        for lk in links_by_id.values():
            if lk.id in kept or lk.source_id not in tag_ids:
                continue
            if lk.target_id in tag_ids or lk.target_link_id in kept:
                kept[lk.id] = lk
                changed = True
    reviews = tuple(
        ReviewRow(
            id=r[0],
            tag_id=r[1],
            reviewer=r[2],
            verdict=r[3],
            comment=r[4],
            created_at=r[5],
            updated_at=r[6],
        )
        for r in review_rows
        if r[1] in tag_ids
    )
    return DocumentSnapshot(
        id=document.id,
        title=document.title,
        byline=document.byline,
        caption=document.caption,
        source_url=document.source_url,
        published_on=document.published_on,
        page_url=page_url,
        api_url=api_url,
        paragraphs=paragraphs,
        tags=tags,
        links=tuple(sorted(kept.values(), key=lambda lk: lk.id)),
        reviews=reviews,
    )


def document_snapshot(
    document: Document,
    *,
    author: str | None = None,
    statuses: Collection[str] | None = None,
    page_url: str = "",
    api_url: str = "",
) -> DocumentSnapshot:
    """Read a document with its live tags, links and reviews in four queries.

    With ``author``, only that person's tags, links and reviews are kept; with ``statuses``
    (``{"accepted"}`` for the gold layer) only tags of those statuses. Links are kept only
    between kept tags (an undercut only when the link it attacks is kept).
    """
    paragraphs = document.paragraphs.order_by("position").values_list("id", "position", "text")
    tags = with_review_counts(Tag.objects.filter(document=document))
    # Live links have live ends (deleting a tag or link deletes the links that touch it).
    links = Link.objects.filter(source__document=document)
    reviews = Review.objects.filter(tag__document=document, tag__deleted_at__isnull=True)
    if author:
        tags = tags.filter(author__username=author)
        links = links.filter(author__username=author)
        reviews = reviews.filter(reviewer__username=author)
    if statuses:
        # django-stubs checks an __in lookup on an annotation against the annotation's own
        # type (str), not a list of it.
        tags = tags.filter(status__in=list(statuses))  # type: ignore[misc]
    return _snapshot_of(
        document,
        paragraphs,
        tags.order_by(*READING_ORDER).values_list(*_TAG_FIELDS),
        links.order_by("id").values_list(*_LINK_FIELDS),
        reviews.order_by("created_at", "id").values_list(*_REVIEW_FIELDS),
        page_url=page_url,
        api_url=api_url,
    )


class _Grouped:
    """Rows of many documents, ordered by document id (their last column), taken a document
    at a time in that order."""

    def __init__(self, rows: Iterable[tuple]) -> None:
        self._rows = iter(rows)
        self._next: tuple | None = next(self._rows, None)

    def take(self, document_id: int) -> list[tuple]:
        """Return the rows of ``document_id`` (skipping those of documents before it)."""
        taken = []
        while self._next is not None and self._next[-1] <= document_id:
            if self._next[-1] == document_id:
                taken.append(self._next[:-1])
            self._next = next(self._rows, None)
        return taken


def project_snapshot(
    project: Project, *, page_url_of: Callable[[int], str], api_url: str = ""
) -> ProjectSnapshot:
    """Return the project with its live documents, read lazily a document at a time.

    Four queries stream the whole project (paragraphs, tags, links and reviews, each ordered
    by document) through server-side cursors; each document's rows become its snapshot as the
    export reaches it, so memory holds one document at a time. ``page_url_of(document_id)``
    gives a document's page URL. Call inside ``consistent_reads`` so the count and every
    document come from one view of the database.
    """
    documents = Document.objects.filter(project=project).order_by("pk")
    tags = with_review_counts(Tag.objects.filter(document__in=documents))
    tag_count = Tag.objects.filter(document__in=documents).count()
    chunk = 2000

    def read() -> Iterator[DocumentSnapshot]:
        paragraphs = _Grouped(
            Paragraph.objects.filter(document__in=documents)
            .order_by("document_id", "position")
            .values_list("id", "position", "text", "document_id")
            .iterator(chunk)
        )
        tag_rows = _Grouped(
            tags.order_by(*READING_ORDER).values_list(*_TAG_FIELDS, "document_id").iterator(chunk)
        )
        link_rows = _Grouped(
            Link.objects.filter(source__document__in=documents)
            .order_by("source__document_id", "id")
            .values_list(*_LINK_FIELDS, "source__document_id")
            .iterator(chunk)
        )
        review_rows = _Grouped(
            Review.objects.filter(tag__document__in=documents, tag__deleted_at__isnull=True)
            .order_by("tag__document_id", "created_at", "id")
            .values_list(*_REVIEW_FIELDS, "tag__document_id")
            .iterator(chunk)
        )
        for document in documents:
            yield _snapshot_of(
                document,
                paragraphs.take(document.pk),
                tag_rows.take(document.pk),
                link_rows.take(document.pk),
                review_rows.take(document.pk),
                page_url=page_url_of(document.pk),
                api_url=api_url,
            )

    return ProjectSnapshot(
        id=project.pk,
        name=project.name,
        slug=project.slug,
        tag_count=tag_count,
        documents=read(),
        api_url=api_url,
    )


@contextmanager
def consistent_reads() -> Iterator[None]:
    """Read everything from one snapshot, so writes made meanwhile cannot tear an export.

    PostgreSQL's default (read committed) lets each query see newer commits; repeatable read
    keeps the first query's view. SQLite's read transaction is a snapshot already. Inside an
    outer transaction (tests, say), that transaction decides.
    """
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def document_tags(user: User, document_id: int) -> QuerySet[Tag]:
    """The live tags of one document as the API lists them (the pages embed the same)."""
    return tags_for(user).filter(document_id=document_id)


# --- Review, curation and agreement ---------------------------------------------------------


def tag_discussion(tag: Tag) -> tuple[QuerySet[Review], QuerySet[HistoryEntry]]:
    """A tag's live reviews and its decisions (and merges), each oldest first."""
    reviews = Review.objects.filter(tag=tag).select_related("reviewer").order_by("created_at", "id")
    decisions = HistoryEntry.objects.filter(
        entity="tag",
        object_id=tag.pk,
        action__in=[HistoryAction.DECIDE, HistoryAction.MERGE],
    ).select_related("actor")
    return reviews, decisions


def my_reviews(*, document_id: int, user: User) -> dict[int, dict]:
    """Map tag id to the user's own live review of it (id, verdict, comment, version)."""
    return {
        r["tag_id"]: {k: v for k, v in r.items() if k != "tag_id"}
        for r in Review.objects.filter(
            tag__document_id=document_id, tag__deleted_at__isnull=True, reviewer_id=user.pk
        ).values("id", "tag_id", "verdict", "comment", "version")
    }


def status_counts_by_document(document_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Count the live tags of each document by derived status, in one query."""
    ids = list(document_ids)
    counts: dict[int, Counter] = {pk: Counter() for pk in ids}
    statuses = with_review_counts(Tag.objects.filter(document_id__in=ids)).values_list(
        "document_id", "status"
    )
    for document_id, status in statuses:
        counts[document_id][status] += 1
    return {pk: {s: counter[s] for s in TagStatus.values} for pk, counter in counts.items()}


@dataclass(frozen=True, slots=True)
class AgreementInputs:
    """What :func:`claims.agreement.agreement` compares, read from one document.

    Paragraphs are keyed by position. Implicit statements have no characters to compare, so
    they and the links that touch them are left out, as are undercuts (they point at links,
    not spans); ``skipped_tags`` and ``skipped_links`` count what was left out.
    """

    spans: tuple[Span, ...]
    links: tuple[LinkSpan, ...]
    paragraph_lengths: dict[int, int]
    skipped_tags: int
    skipped_links: int


def agreement_inputs(document: Document) -> AgreementInputs:
    """Read a document's live tags and links as agreement rows, in three queries."""
    lengths = dict(
        Paragraph.objects.filter(document=document)
        .annotate(length=Length("text"))
        .values_list("position", "length")
    )
    spans: list[Span] = []
    skipped_tags = 0
    tags = Tag.objects.filter(document=document).values_list(
        "author__username", "paragraph__position", "start", "end", "kind"
    )
    for author, position, start, end, kind in tags:
        if position is None:
            skipped_tags += 1
            continue
        # A tag in a paragraph has offsets (the check constraint).
        spans.append(Span(author, position, cast(int, start), cast(int, end), kind))
    links: list[LinkSpan] = []
    skipped_links = 0
    rows = Link.objects.filter(source__document=document).values_list(
        "author__username",
        "relation",
        "source__paragraph__position",
        "source__start",
        "source__end",
        "target__paragraph__position",
        "target__start",
        "target__end",
    )
    for author, relation, *ends in rows:
        if None in (ends[0], ends[3]):  # an implicit end, or an undercut (no target tag)
            skipped_links += 1
            continue
        # Both ends are tags in paragraphs, so their offsets are set.
        links.append(
            LinkSpan(
                author,
                cast(tuple[int, int, int], tuple(ends[:3])),
                cast(tuple[int, int, int], tuple(ends[3:])),
                relation,
            )
        )
    return AgreementInputs(
        spans=tuple(spans),
        links=tuple(links),
        paragraph_lengths=lengths,
        skipped_tags=skipped_tags,
        skipped_links=skipped_links,
    )


# --- The argument map -----------------------------------------------------------------------


def argument_map(
    document: Document, *, author: str | None = None, statuses: Collection[str] | None = None
) -> ArgumentMap:
    """Read a document's argument map in a fixed number of queries, whatever its size.

    Built from :func:`document_snapshot` so the map page, its API and the map exports keep
    the same tags and links: ``author`` keeps one person's tags and links, ``statuses`` the
    tags of those statuses (links only between kept tags).
    """
    snapshot = document_snapshot(document, author=author, statuses=statuses)
    return map_from_snapshot(snapshot)


def tag_authors(document: Document) -> list[str]:
    """The usernames of the people with live tags in a document, sorted (one query)."""
    return sorted(
        Tag.objects.filter(document=document)
        .values_list("author__username", flat=True)
        .distinct()
        .order_by()
    )


def document_agreement(document: Document) -> dict[str, Any]:
    """Compare the annotators of a document; the result of ``agreement`` plus a reading."""
    inputs = agreement_inputs(document)
    result = agreement(inputs.spans, inputs.links, inputs.paragraph_lengths, TagKind.values)
    lines = summary(result)
    # Implicit statements have no characters and undercuts no target span to compare.
    left_out = [
        _count(inputs.skipped_tags, "implicit statement"),
        _count(inputs.skipped_links, "link into an implicit statement or undercut"),
    ]
    left_out = [part for part in left_out if part]
    if left_out:
        lines.append(f"not compared (no span in the text): {' and '.join(left_out)}")
    result["summary"] = lines
    return result


def _count(n: int, noun: str) -> str:
    if n == 0:
        return ""
    head, _, tail = noun.partition(" ")
    return f"{n} {head if n == 1 else head + 's'}{' ' + tail if tail else ''}"


def documents_with_tag_counts_for(
    user: AuthUser,
) -> QuerySet[Document]:
    """Documents with their live-tag count, and one count per kind as ``kind_0``, ``kind_1``...
    in the registry's order."""
    live = Q(tags__deleted_at__isnull=True)
    per_kind = {
        f"kind_{i}": Count("tags", filter=live & Q(tags__kind=kind.value))
        for i, kind in enumerate(all_kinds())
    }
    return documents_for(user).annotate(tag_count=Count("tags", filter=live), **per_kind)
