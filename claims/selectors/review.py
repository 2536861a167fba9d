"""Reads for reviewing, curating and comparing annotators: discussions, statuses,
agreement, and the home page's counts."""

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Length

from annotator.models import Document, Paragraph
from annotator.selectors import documents_for
from claims.agreement import LinkSpan, Span, agreement, summary
from claims.kinds import all_kinds
from claims.models import HistoryAction, HistoryEntry, Link, Review, Tag, TagKind, TagStatus

if TYPE_CHECKING:
    pass

from claims.selectors.scoped import blind_filter, with_review_counts

User = AbstractBaseUser | AnonymousUser


# --- Review, curation and agreement ---------------------------------------------------------


def tag_discussion(
    tag: Tag, *, viewer: User | None = None
) -> tuple[QuerySet[Review], QuerySet[HistoryEntry]]:
    """A tag's live reviews (those a blind first pass lets ``viewer`` see) and its decisions
    (and merges), each oldest first."""
    reviews = Review.objects.filter(tag=tag).select_related("reviewer").order_by("created_at", "id")
    if viewer is not None:
        reviews = reviews.filter(blind_filter(viewer, "tag__document", "reviewer_id"))
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


def agreement_inputs(
    document: Document,
    *,
    viewer: User | None = None,
    statuses: Collection[str] = (),
    kinds: Collection[str] = (),
) -> AgreementInputs:
    """Read a document's live tags and links as agreement rows, in three queries (with
    ``viewer``, those a blind first pass lets that person see).

    ``statuses`` and ``kinds`` keep only tags with one of those statuses and kinds, and the
    links whose both ends are kept.
    """
    lengths = dict(
        Paragraph.objects.filter(document=document)
        .annotate(length=Length("text"))
        .values_list("position", "length")
    )
    spans: list[Span] = []
    skipped_tags = 0
    tag_rows = Tag.objects.filter(document=document)
    link_rows = Link.objects.filter(source__document=document)
    if viewer is not None:
        tag_rows = tag_rows.filter(blind_filter(viewer, "document", "author_id"))
        link_rows = link_rows.filter(blind_filter(viewer, "source__document", "author_id"))
    if statuses:
        # django-stubs checks an __in lookup on an annotation against the annotation's own
        # type (str), not a list of it.
        tag_rows = with_review_counts(tag_rows).filter(status__in=list(statuses))  # type: ignore[misc]
    if kinds:
        tag_rows = tag_rows.filter(kind__in=list(kinds))
    tags = tag_rows.values_list(
        "pk", "author__username", "paragraph__position", "start", "end", "kind"
    )
    kept: set[int] = set()
    for pk, author, position, start, end, kind in tags:
        kept.add(pk)
        if position is None:
            skipped_tags += 1
            continue
        # A tag in a paragraph has offsets (the check constraint).
        spans.append(Span(author, position, cast(int, start), cast(int, end), kind))
    links: list[LinkSpan] = []
    skipped_links = 0
    rows = link_rows.values_list(
        "source_id",
        "target_id",
        "author__username",
        "relation",
        "source__paragraph__position",
        "source__start",
        "source__end",
        "target__paragraph__position",
        "target__start",
        "target__end",
    )
    filtering = bool(statuses or kinds)
    for source_id, target_id, author, relation, *ends in rows:
        if filtering and (source_id not in kept or (target_id or source_id) not in kept):
            continue  # an end left out by the filters (an undercut counts by its source)
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


def document_agreement(
    document: Document,
    *,
    viewer: User | None = None,
    statuses: Collection[str] = (),
    kinds: Collection[str] = (),
) -> dict[str, Any]:
    """Compare the annotators of a document (those whose work ``viewer`` may see, their tags
    of ``statuses`` and ``kinds`` if given); the result of ``agreement`` plus a reading."""
    inputs = agreement_inputs(document, viewer=viewer, statuses=statuses, kinds=kinds)
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


def paragraph_counts(document_ids: Iterable[int]) -> dict[int, int]:
    """Count the paragraphs of each document, in one query."""
    ids = list(document_ids)
    counts = dict.fromkeys(ids, 0)
    rows = (
        Paragraph.objects.filter(document_id__in=ids)
        .values("document_id")
        .annotate(n=Count("id"))
        .values_list("document_id", "n")
    )
    counts.update(rows)
    return counts
