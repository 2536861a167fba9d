"""Documents and projects read into plain snapshots for the exporters and the map."""

from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction

from annotator.models import Document, Paragraph, Project
from claims.argmap.consensus import consensus_snapshot
from claims.argmap.from_snapshot import map_from_snapshot
from claims.argmap.graph import ArgumentMap
from claims.models import Link, Review, Tag
from claims.snapshot import (
    DocumentSnapshot,
    LinkRow,
    ParagraphRow,
    ProjectSnapshot,
    ReviewRow,
    TagRow,
)

if TYPE_CHECKING:
    pass

from claims.selectors.scoped import READING_ORDER, blind_filter, with_review_counts

User = AbstractBaseUser | AnonymousUser


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
    viewer: User | None = None,
) -> DocumentSnapshot:
    """Read a document with its live tags, links and reviews in four queries.

    With ``author``, only that person's tags, links and reviews are kept; with ``statuses``
    (``{"accepted"}`` for the gold layer) only tags of those statuses. Links are kept only
    between kept tags (an undercut only when the link it attacks is kept). With ``viewer``,
    only what a blind first pass lets that person see.
    """
    paragraphs = document.paragraphs.order_by("position").values_list("id", "position", "text")
    tags = with_review_counts(Tag.objects.filter(document=document))
    # Live links have live ends (deleting a tag or link deletes the links that touch it).
    links = Link.objects.filter(source__document=document)
    reviews = Review.objects.filter(tag__document=document, tag__deleted_at__isnull=True)
    if viewer is not None:
        tags = tags.filter(blind_filter(viewer, "document", "author_id"))
        links = links.filter(blind_filter(viewer, "source__document", "author_id"))
        reviews = reviews.filter(blind_filter(viewer, "tag__document", "reviewer_id"))
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
    project: Project,
    *,
    page_url_of: Callable[[int], str],
    api_url: str = "",
    viewer: User | None = None,
) -> ProjectSnapshot:
    """Return the project with its live documents, read lazily a document at a time.

    Four queries stream the whole project (paragraphs, tags, links and reviews, each ordered
    by document) through server-side cursors; each document's rows become its snapshot as the
    export reaches it, so memory holds one document at a time. ``page_url_of(document_id)``
    gives a document's page URL. Call inside ``consistent_reads`` so the count and every
    document come from one view of the database. With ``viewer``, only what a blind first
    pass lets that person see.
    """
    documents = Document.objects.filter(project=project).order_by("pk")
    live_tags = Tag.objects.filter(document__in=documents)
    links = Link.objects.filter(source__document__in=documents)
    reviews = Review.objects.filter(tag__document__in=documents, tag__deleted_at__isnull=True)
    if viewer is not None:
        live_tags = live_tags.filter(blind_filter(viewer, "document", "author_id"))
        links = links.filter(blind_filter(viewer, "source__document", "author_id"))
        reviews = reviews.filter(blind_filter(viewer, "tag__document", "reviewer_id"))
    tags = with_review_counts(live_tags)
    tag_count = live_tags.count()
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
            links.order_by("source__document_id", "id")
            .values_list(*_LINK_FIELDS, "source__document_id")
            .iterator(chunk)
        )
        review_rows = _Grouped(
            reviews.order_by("tag__document_id", "created_at", "id")
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


# --- The argument map -----------------------------------------------------------------------


def argument_map(
    document: Document,
    *,
    author: str | None = None,
    statuses: Collection[str] | None = None,
    viewer: User | None = None,
    consensus: int | None = None,
) -> ArgumentMap:
    """Read a document's argument map in a fixed number of queries, whatever its size.

    Built from :func:`document_snapshot` so the map page, its API and the map exports keep
    the same tags and links: ``author`` keeps one person's tags and links, ``statuses`` the
    tags of those statuses (links only between kept tags), ``viewer`` what a blind first pass
    lets that person see; ``consensus`` k keeps what at least k annotators agree on (see
    :mod:`claims.argmap.consensus`).
    """
    snapshot = document_snapshot(document, author=author, statuses=statuses, viewer=viewer)
    if consensus is not None:
        snapshot = consensus_snapshot(snapshot, consensus)
    return map_from_snapshot(snapshot)


def tag_authors(document: Document, *, viewer: User | None = None) -> list[str]:
    """The usernames of the people with live tags in a document (those whose tags ``viewer``
    may see), sorted (one query)."""
    tags = Tag.objects.filter(document=document)
    if viewer is not None:
        tags = tags.filter(blind_filter(viewer, "document", "author_id"))
    return sorted(tags.values_list("author__username", flat=True).distinct().order_by())
