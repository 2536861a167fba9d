"""What curators do beyond deciding: edit anyone's tag, merge near-duplicate tags."""

import datetime
from collections.abc import Sequence
from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from annotator.selectors import role_in
from annotator.services import Conflict
from claims.models import (
    Decision,
    HistoryAction,
    Link,
    Review,
    Tag,
)
from claims.permissions import (
    can_curate,
    require,
)
from claims.services.links import delete_links
from claims.services.tags import tag_update
from claims.services.versioned import bump_version, record_history, recorded_write, state_of

NOT_A_CURATOR_TO_EDIT = "Only a curator or an owner may edit other people's tags."
NOT_A_CURATOR_TO_MERGE = "Only a curator or an owner may merge tags."


@recorded_write
def tag_curate_edit(
    *,
    actor: User,
    tag: Tag,
    kind: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Tag:
    """Change anyone's tag kind or span as a curator; the history keeps who, when and what."""
    require(can_curate(role_in(actor, tag.document.project_id)), NOT_A_CURATOR_TO_EDIT)
    if kind is None and start is None and end is None:
        raise ValidationError({"kind": "Give a new kind, start or end."})
    return tag_update(actor=actor, tag=tag, kind=kind, start=start, end=end)


def _same_statement(a: Tag, b: Tag) -> bool:
    """Whether two tags are near-duplicates: overlapping spans, or implicit with one text."""
    if a.is_implicit or b.is_implicit:
        if not (a.is_implicit and b.is_implicit):
            return False
        return " ".join(a.quote.split()).casefold() == " ".join(b.quote.split()).casefold()
    # Span tags: the check constraint gives both their offsets.
    return (
        a.paragraph_id == b.paragraph_id
        and cast(int, a.start) < cast(int, b.end)
        and cast(int, b.start) < cast(int, a.end)
    )


def _link_key(link: Link) -> dict:
    return {
        "source_id": link.source_id,
        "target_id": link.target_id,
        "target_link_id": link.target_link_id,
        "relation": link.relation,
    }


def _drop_link(link: Link, *, actor: User, at: datetime.datetime, comment: str) -> None:
    """Soft-delete a link made redundant by a merge, and the links that undercut it."""
    delete_links(Link.objects.filter(target_link=link), actor=actor, at=at)
    before = state_of(link)
    bump_version(link)
    link.deleted_at = at
    link.deleted_by = actor
    link.save(update_fields=["deleted_at", "deleted_by"])
    record_history(link, action=HistoryAction.MERGE, actor=actor, before=before, comment=comment)


def _repoint_link(
    link: Link,
    *,
    actor: User,
    at: datetime.datetime,
    comment: str,
    **ends: int,
) -> None:
    """Point a link's ``source_id``/``target_id``/``target_link_id`` elsewhere.

    A link that would then join a tag to itself, or repeat a live link (same ends and
    relation, whoever made it), is dropped instead; the undercuts of a repeated link move to
    the one that stays.
    """
    before = state_of(link)
    for name, value in ends.items():
        setattr(link, name, value)
    if link.target_id is not None and link.target_id == link.source_id:
        link.refresh_from_db()
        _drop_link(link, actor=actor, at=at, comment=f"{comment} It would link a tag to itself.")
        return
    twin = Link.objects.filter(**_link_key(link)).exclude(pk=link.pk).first()
    if twin is not None:
        for undercut in Link.objects.filter(target_link_id=link.pk):
            _repoint_link(undercut, actor=actor, at=at, comment=comment, target_link_id=twin.pk)
        link.refresh_from_db()
        _drop_link(link, actor=actor, at=at, comment=f"{comment} Link {twin.pk} says the same.")
        return
    link.full_clean()
    bump_version(link)
    link.save()
    record_history(link, action=HistoryAction.MERGE, actor=actor, before=before, comment=comment)


@recorded_write
def tags_merge(*, actor: User, tags: Sequence[Tag], into: Tag | None = None) -> Tag:
    """Merge near-duplicate tags into one accepted tag (curators and owners).

    ``into`` (default: the first tag) is kept and accepted. Every other tag must be in the
    same document and overlap it (or, for implicit statements, have the same text); each is
    soft-deleted with a ``merge`` history entry naming the kept tag. Their live links move to
    the kept tag (a link that would repeat one it has, or join it to itself, is dropped), and
    their reviews move too unless the reviewer already reviewed the kept tag or wrote it.
    Restoring a merged tag brings it back without what moved.
    """
    unique = list({tag.pk: tag for tag in tags}.values())
    for project_id in sorted({tag.document.project_id for tag in unique}):
        require(can_curate(role_in(actor, project_id)), NOT_A_CURATOR_TO_MERGE)
    if len(unique) < 2:
        raise ValidationError({"tags": "Give at least two different tags to merge."})
    if len({tag.document_id for tag in unique}) > 1:
        raise ValidationError({"tags": "Only tags of the same document can be merged."})
    kept = unique[0] if into is None else into
    if kept.pk not in {tag.pk for tag in unique}:
        raise ValidationError({"into": "The tag to keep must be one of the tags merged."})
    # Lock the rows so two curators cannot merge the same tags two ways at once. Ordered by id
    # (the default order joins paragraphs, which PostgreSQL cannot lock through an outer join).
    rows = Tag.all_objects.filter(pk__in=[t.pk for t in unique]).order_by("pk")
    locked = {t.pk: t for t in rows.select_for_update()}
    deleted = sorted(pk for pk, t in locked.items() if t.deleted_at is not None)
    if deleted:
        raise Conflict(f"Tag {deleted[0]} is deleted (merged already?); reload and try again.")
    kept = locked[kept.pk]
    others = [locked[tag.pk] for tag in unique if tag.pk != kept.pk]
    for other in others:
        if not _same_statement(kept, other):
            what = (
                "an implicit statement with the same text"
                if kept.is_implicit or other.is_implicit
                else "a span that overlaps it in the same paragraph"
            )
            raise ValidationError(
                {
                    "tags": f"Tag {other.pk} is not a near-duplicate of tag {kept.pk}: "
                    f"merging needs {what}."
                }
            )

    now = timezone.now()
    merged_ids = [other.pk for other in others]
    listed = ", ".join(str(pk) for pk in merged_ids)
    before = state_of(kept)
    bump_version(kept)
    kept.decision = Decision.ACCEPTED
    kept.decided_by = actor
    kept.decided_at = now
    kept.save(update_fields=["decision", "decided_by", "decided_at", "updated_at"])
    record_history(
        kept,
        action=HistoryAction.MERGE,
        actor=actor,
        before=before,
        comment=f"Merged tags {listed} into this tag and accepted it.",
    )

    for other in others:
        comment = f"Merged into tag {kept.pk}."
        touching = Link.objects.filter(Q(source=other) | Q(target=other)).order_by("id")
        for link in touching:
            link.refresh_from_db()  # an earlier step may have moved or dropped it
            if link.deleted_at is not None:
                continue
            ends = {}
            if link.source_id == other.pk:
                ends["source_id"] = kept.pk
            if link.target_id == other.pk:
                ends["target_id"] = kept.pk
            if ends:
                _repoint_link(link, actor=actor, at=now, comment=comment, **ends)

        reviewed = set(Review.objects.filter(tag=kept).values_list("reviewer_id", flat=True))
        for review in Review.objects.filter(tag=other).order_by("created_at", "id"):
            if review.reviewer_id in reviewed or review.reviewer_id == kept.author_id:
                continue
            review_before = state_of(review)
            review.tag = kept
            review.full_clean()
            bump_version(review)
            review.save(update_fields=["tag", "updated_at"])
            record_history(
                review,
                action=HistoryAction.MERGE,
                actor=actor,
                before=review_before,
                comment=f"Moved from tag {other.pk}, merged into tag {kept.pk}.",
            )
            reviewed.add(review.reviewer_id)

        other_before = state_of(other)
        bump_version(other)
        other.deleted_at = now
        other.deleted_by = actor
        other.save(update_fields=["deleted_at", "deleted_by"])
        record_history(
            other, action=HistoryAction.MERGE, actor=actor, before=other_before, comment=comment
        )
    kept.refresh_from_db()
    return kept
