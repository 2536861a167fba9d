"""Writes to tags, links and reviews.

Every service checks the actor's role, validates the whole object against the model's rules
(``full_clean``, which also runs the database constraints' checks), writes atomically, and
keeps a ``HistoryEntry`` of the change (who, when, the fields before and after).

Every write to an existing row takes the row's next ``version`` with one conditional
``UPDATE ... SET version = version + 1 WHERE id = ... AND version = <the version read>``, so of
two writers of one row exactly one gets through; the other raises ``StaleVersion`` (it named a
version with ``expected_version``: the API's If-Match) or ``Conflict`` (it named none).
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from annotator.models import Document, Paragraph
from annotator.selectors import role_in
from annotator.services import Conflict, StaleVersion
from claims.models import (
    CONTEXT_CHARS,
    Decision,
    HistoryAction,
    HistoryEntry,
    Link,
    Review,
    SoftDeletable,
    Tag,
)
from claims.permissions import (
    can_change,
    can_contribute,
    can_curate,
    owner_id_of,
    project_id_of,
    require,
)
from claims.sanitize import clean_html

NOT_A_CONTRIBUTOR = (
    "Viewers cannot add tags, links or reviews; ask an owner for the annotator role."
)
NOT_YOURS = "Only the author, a curator or an owner may change this."
NOT_A_CURATOR = "Only a curator or an owner may decide a tag's status."

_UNTRACKED = {"created_at", "updated_at"}


def _stored_version(obj: SoftDeletable) -> int | None:
    rows = type(obj).all_objects.filter(pk=obj.pk)
    return rows.values_list("version", flat=True).first()


def _check_version(obj: SoftDeletable, expected_version: int | None) -> None:
    """Refuse a write based on a version other than the one read (None: any version)."""
    if expected_version is not None and expected_version != obj.version:
        raise StaleVersion(obj, _stored_version(obj))


def _bump_version(obj: SoftDeletable, expected_version: int | None = None) -> None:
    """Take the row's next version in the database, or raise if someone else took it first.

    The UPDATE matches only while the stored version is the one ``obj`` was read at. It locks
    the row until the transaction ends, and a concurrent writer's UPDATE waits for that lock
    and then (PostgreSQL re-checks the condition on the committed row) matches nothing.
    """
    _check_version(obj, expected_version)
    rows = type(obj).all_objects.filter(pk=obj.pk, version=obj.version)
    if rows.update(version=F("version") + 1) == 1:
        obj.version += 1
        return
    current = _stored_version(obj)
    if expected_version is not None:
        raise StaleVersion(obj, current)
    raise Conflict(
        f"This {obj._meta.verbose_name} was changed by someone else at the same moment "
        f"(now version {current}); reload it and apply your change again."
    )


def state_of(obj: SoftDeletable) -> dict:
    """The fields of a tag, link or review as they are now, for the history."""
    return {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.attname not in _UNTRACKED
    }


def _record(
    obj: SoftDeletable,
    *,
    action: str,
    actor: User | None,
    before: dict | None,
    comment: str = "",
) -> None:
    HistoryEntry.objects.create(
        project_id=project_id_of(obj),
        entity=cast(str, obj._meta.model_name),
        object_id=obj.pk,
        action=action,
        actor=actor,
        before=before,
        after=None if action == HistoryAction.DELETE else state_of(obj),
        comment=comment,
    )


def _save_validated(
    obj: SoftDeletable,
    *,
    actor: User | None,
    before: dict | None = None,
    expected_version: int | None = None,
) -> None:
    obj.full_clean()
    if before is not None:
        _bump_version(obj, expected_version)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        # A concurrent request slipped past full_clean; report it like the check would have.
        raise Conflict(f"This clashes with a change made at the same time: {exc}") from exc
    action = HistoryAction.CREATE if before is None else HistoryAction.UPDATE
    _record(obj, action=action, actor=actor, before=before)


def _require_change(actor: User, obj: SoftDeletable) -> None:
    role = role_in(actor, project_id_of(obj))
    require(can_change(role, owner_id=owner_id_of(obj), user_id=actor.pk), NOT_YOURS)


def _soft_delete(
    obj: SoftDeletable,
    *,
    actor: User,
    at: datetime.datetime | None = None,
    expected_version: int | None = None,
) -> None:
    before = state_of(obj)
    _bump_version(obj, expected_version)
    obj.deleted_at = at or timezone.now()
    obj.deleted_by = actor
    obj.save(update_fields=["deleted_at", "deleted_by"])
    _record(obj, action=HistoryAction.DELETE, actor=actor, before=before)


def _undelete(obj: SoftDeletable, *, actor: User, expected_version: int | None = None) -> None:
    _check_version(obj, expected_version)
    if obj.deleted_at is None:
        raise Conflict(f"This {obj._meta.verbose_name} is not deleted.")
    before = state_of(obj)
    obj.deleted_at = None
    obj.deleted_by = None
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise Conflict(
            f"This {obj._meta.verbose_name} cannot be restored: {' '.join(exc.messages)}"
        ) from exc
    _bump_version(obj, expected_version)
    obj.save(update_fields=["deleted_at", "deleted_by"])
    _record(obj, action=HistoryAction.RESTORE, actor=actor, before=before)


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


def _delete_links(links: Iterable[Link], *, actor: User, at: datetime.datetime) -> None:
    """Soft-delete links and, with the same timestamp, the live links that undercut them."""
    pending = list(links)
    while pending:
        link = pending.pop()
        if link.deleted_at is not None:
            continue
        _soft_delete(link, actor=actor, at=at)
        pending.extend(Link.objects.filter(target_link=link))


def _lock_ends(link: Link) -> dict[str, datetime.datetime]:
    """Lock the tags (and the link) that ``link`` joins; return the deleted ones' deletion
    times, by field name.

    A link's INSERT takes only a key-share lock on its ends, for the foreign key, and that does
    not wait for a concurrent delete of an end, whose cascade cannot see the uncommitted link:
    both would commit, leaving a live link on a deleted tag. Locking the ends first makes the
    two take turns, and the second reads what the first committed. (SQLite runs one writer at
    a time.)
    """
    tag_ids = sorted({i for i in (link.source_id, link.target_id) if i is not None})
    deleted_at: dict[int | None, datetime.datetime | None] = dict(
        Tag.all_objects.select_for_update()
        .filter(pk__in=tag_ids)
        .order_by("pk")
        .values_list("pk", "deleted_at")
    )
    ends = {"source": link.source_id, "target": link.target_id}
    gone = cast(
        dict[str, datetime.datetime],
        {name: deleted_at[pk] for name, pk in ends.items() if deleted_at.get(pk) is not None},
    )
    if link.target_link_id is not None:
        rows = Link.all_objects.select_for_update().filter(pk=link.target_link_id)
        if (when := rows.values_list("deleted_at", flat=True).first()) is not None:
            gone["target_link"] = when
    return gone


def _restore_links(links: Iterable[Link], *, actor: User) -> None:
    """Restore links deleted in one cascade, and the undercuts deleted with them.

    A link whose other end is still deleted takes that end's deletion time, so restoring
    that end later brings the link back too.
    """
    pending = list(links)
    while pending:
        link = pending.pop()
        if gone := _lock_ends(link):
            # Its other end is still deleted: it takes that end's deletion time.
            _bump_version(link)
            link.deleted_at = max(gone.values())
            link.save(update_fields=["deleted_at"])
            continue
        deleted_at = link.deleted_at
        _undelete(link, actor=actor)
        pending.extend(Link.all_objects.filter(target_link=link, deleted_at=deleted_at))


# --- Tags ------------------------------------------------------------------------------------


@transaction.atomic
def tag_create(
    *,
    actor: User,
    paragraph: Paragraph,
    start: int,
    end: int,
    kind: str,
    note: str = "",
    quote: str | None = None,
) -> Tag:
    """Tag the span ``[start, end)`` (code points) of a paragraph as ``kind``.

    A ``quote`` sent by the client must equal the text at those offsets: it guards against
    a client that counted offsets differently (UTF-16, say) tagging the wrong words.
    """
    require(can_contribute(role_in(actor, paragraph.document.project_id)), NOT_A_CONTRIBUTOR)
    text = paragraph.text
    in_range = 0 <= start < end <= len(text)
    prefix, suffix = _context(text, start, end) if in_range else ("", "")
    tag = Tag(
        document_id=paragraph.document_id,
        paragraph=paragraph,
        start=start,
        end=end,
        quote=text[start:end] if quote is None and in_range else (quote or ""),
        prefix=prefix,
        suffix=suffix,
        kind=kind,
        note=clean_html(note),
        author=actor,
    )
    _save_validated(tag, actor=actor)
    return tag


@transaction.atomic
def implicit_tag_create(
    *, actor: User, document: Document, text: str, kind: str, note: str = ""
) -> Tag:
    """Add a statement the author left unstated: a tag with its own text and no span."""
    require(can_contribute(role_in(actor, document.project_id)), NOT_A_CONTRIBUTOR)
    tag = Tag(
        document=document,
        quote=text,
        kind=kind,
        note=clean_html(note),
        author=actor,
    )
    _save_validated(tag, actor=actor)
    return tag


@transaction.atomic
def tag_update(
    *,
    actor: User,
    tag: Tag,
    kind: str | None = None,
    note: str | None = None,
    start: int | None = None,
    end: int | None = None,
    quote: str | None = None,
    expected_version: int | None = None,
) -> Tag:
    """Change a tag's kind, note or span (within its paragraph), or an implicit tag's text.

    With ``expected_version`` the change applies only to that version of the tag.
    """
    _require_change(actor, tag)
    _check_version(tag, expected_version)
    before = state_of(tag)
    if kind is not None:
        tag.kind = kind
    if note is not None:
        tag.note = clean_html(note)
    if tag.is_implicit:
        if start is not None or end is not None:
            raise ValidationError({"start": "An implicit statement has no span in the text."})
        if quote is not None:
            tag.quote = quote
    elif start is not None or end is not None or quote is not None:
        # A span tag: the check constraint gives it a paragraph, start and end.
        tag.start = cast(int, tag.start) if start is None else start
        tag.end = cast(int, tag.end) if end is None else end
        text = cast(Paragraph, tag.paragraph).text
        if 0 <= tag.start < tag.end <= len(text):
            tag.quote = text[tag.start : tag.end] if quote is None else quote
            tag.prefix, tag.suffix = _context(text, tag.start, tag.end)
    _save_validated(tag, actor=actor, before=before, expected_version=expected_version)
    return tag


@transaction.atomic
def tag_delete(*, actor: User, tag: Tag, expected_version: int | None = None) -> None:
    """Soft-delete a tag and, with the same timestamp, the live links that touch it."""
    _require_change(actor, tag)
    now = timezone.now()
    _soft_delete(tag, actor=actor, at=now, expected_version=expected_version)
    _delete_links(Link.objects.filter(Q(source=tag) | Q(target=tag)), actor=actor, at=now)


@transaction.atomic
def tag_restore(*, actor: User, tag: Tag, expected_version: int | None = None) -> Tag:
    """Restore a deleted tag and the links that were deleted with it."""
    _require_change(actor, tag)
    deleted_at = tag.deleted_at
    _undelete(tag, actor=actor, expected_version=expected_version)
    cascaded = Link.all_objects.filter(Q(source=tag) | Q(target=tag), deleted_at=deleted_at)
    _restore_links(cascaded.select_related("source", "target", "target_link"), actor=actor)
    return tag


@transaction.atomic
def tag_decide(
    *,
    actor: User,
    tag: Tag,
    status: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Tag:
    """Accept or reject a tag as a curator; ``pending`` withdraws the decision.

    Without a decision the tag's status follows its reviews (see ``claims.selectors``).
    """
    require(can_curate(role_in(actor, tag.document.project_id)), NOT_A_CURATOR)
    if status not in {*Decision.values, "pending"}:
        raise ValidationError(
            {"status": f"Unknown status {status!r}; use accepted, rejected or pending."}
        )
    before = state_of(tag)
    _bump_version(tag, expected_version)
    tag.decision = "" if status == "pending" else status
    tag.decided_by = actor
    tag.decided_at = timezone.now()
    tag.save(update_fields=["decision", "decided_by", "decided_at", "updated_at"])
    _record(tag, action=HistoryAction.DECIDE, actor=actor, before=before, comment=comment)
    return tag


# --- Links -----------------------------------------------------------------------------------


def _check_group(link: Link) -> None:
    """Links of one linked argument share their target and relation."""
    if not link.group:
        return
    others = Link.objects.filter(group=link.group, source__document_id=link.source.document_id)
    others = others.exclude(pk=link.pk)
    for other in others:
        same = (other.target_id, other.target_link_id, other.relation) == (
            link.target_id,
            link.target_link_id,
            link.relation,
        )
        if not same:
            raise ValidationError(
                {
                    "group": f"Group {link.group!r} already joins premises that {other.relation} "
                    "another target; a linked argument has one target and one relation."
                }
            )
        if other.source_id == link.source_id:
            raise ValidationError(
                {"group": "This tag is already a premise of that linked argument."}
            )


@transaction.atomic
def link_create(
    *,
    actor: User,
    source: Tag,
    relation: str,
    target: Tag | None = None,
    target_link: Link | None = None,
    note: str = "",
    group: str = "",
) -> Link:
    """Record that ``source`` supports or attacks ``target``, or undercuts ``target_link``."""
    require(can_contribute(role_in(actor, source.document.project_id)), NOT_A_CONTRIBUTOR)
    link = Link(
        source=source,
        target=target,
        target_link=target_link,
        relation=relation,
        note=clean_html(note),
        group=group,
        author=actor,
    )
    if gone := _lock_ends(link):
        raise ValidationError(
            {
                name: f"{'Link' if name == 'target_link' else 'Tag'} {getattr(link, f'{name}_id')} "
                "was deleted while this link was being made; it does not exist any more."
                for name in gone
            }
        )
    _check_group(link)
    _save_validated(link, actor=actor)
    return link


@transaction.atomic
def link_update(
    *,
    actor: User,
    link: Link,
    relation: str | None = None,
    note: str | None = None,
    group: str | None = None,
    expected_version: int | None = None,
) -> Link:
    """Change a link's relation, note or linked-argument group."""
    _require_change(actor, link)
    _check_version(link, expected_version)
    before = state_of(link)
    if relation is not None:
        link.relation = relation
    if note is not None:
        link.note = clean_html(note)
    if group is not None:
        link.group = group
    _check_group(link)
    _save_validated(link, actor=actor, before=before, expected_version=expected_version)
    return link


@transaction.atomic
def link_delete(*, actor: User, link: Link, expected_version: int | None = None) -> None:
    """Soft-delete a link and the links that undercut it."""
    _require_change(actor, link)
    now = timezone.now()
    _soft_delete(link, actor=actor, at=now, expected_version=expected_version)
    _delete_links(Link.objects.filter(target_link=link), actor=actor, at=now)


@transaction.atomic
def link_restore(*, actor: User, link: Link, expected_version: int | None = None) -> Link:
    """Restore a deleted link (and undercuts deleted with it); its ends must be live."""
    _require_change(actor, link)
    _check_version(link, expected_version)
    if link.deleted_at is None:
        raise Conflict("This link is not deleted.")
    if _lock_ends(link):
        raise Conflict(
            "Restore the deleted tag first (or the link it undercuts): a link needs both ends."
        )
    deleted_at = link.deleted_at
    _undelete(link, actor=actor, expected_version=expected_version)
    undercuts = Link.all_objects.filter(target_link=link, deleted_at=deleted_at)
    _restore_links(undercuts.select_related("source", "target", "target_link"), actor=actor)
    link.refresh_from_db()
    return link


# --- Reviews ---------------------------------------------------------------------------------


@transaction.atomic
def review_submit(*, actor: User, tag: Tag, verdict: str, comment: str = "") -> Review:
    """Record the actor's verdict on someone else's tag."""
    require(can_contribute(role_in(actor, tag.document.project_id)), NOT_A_CONTRIBUTOR)
    review = Review(tag=tag, reviewer=actor, verdict=verdict, comment=clean_html(comment))
    _save_validated(review, actor=actor)
    return review


@transaction.atomic
def review_update(
    *,
    actor: User,
    review: Review,
    verdict: str | None = None,
    comment: str | None = None,
    expected_version: int | None = None,
) -> Review:
    """Change a review's verdict or comment."""
    _require_change(actor, review)
    _check_version(review, expected_version)
    before = state_of(review)
    if verdict is not None:
        review.verdict = verdict
    if comment is not None:
        review.comment = clean_html(comment)
    _save_validated(review, actor=actor, before=before, expected_version=expected_version)
    return review


@transaction.atomic
def review_delete(*, actor: User, review: Review, expected_version: int | None = None) -> None:
    """Soft-delete a review."""
    _require_change(actor, review)
    _soft_delete(review, actor=actor, expected_version=expected_version)


@transaction.atomic
def review_restore(*, actor: User, review: Review, expected_version: int | None = None) -> Review:
    """Restore a deleted review; its tag must be live."""
    _require_change(actor, review)
    _check_version(review, expected_version)
    if review.tag.is_deleted:
        raise Conflict("Restore the deleted tag first: a review needs its tag.")
    _undelete(review, actor=actor, expected_version=expected_version)
    return review


# --- Curation --------------------------------------------------------------------------------

NOT_A_CURATOR_TO_EDIT = "Only a curator or an owner may edit other people's tags."
NOT_A_CURATOR_TO_MERGE = "Only a curator or an owner may merge tags."


@transaction.atomic
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
    _delete_links(Link.objects.filter(target_link=link), actor=actor, at=at)
    before = state_of(link)
    _bump_version(link)
    link.deleted_at = at
    link.deleted_by = actor
    link.save(update_fields=["deleted_at", "deleted_by"])
    _record(link, action=HistoryAction.MERGE, actor=actor, before=before, comment=comment)


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
    _bump_version(link)
    link.save()
    _record(link, action=HistoryAction.MERGE, actor=actor, before=before, comment=comment)


@transaction.atomic
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
    _bump_version(kept)
    kept.decision = Decision.ACCEPTED
    kept.decided_by = actor
    kept.decided_at = now
    kept.save(update_fields=["decision", "decided_by", "decided_at", "updated_at"])
    _record(
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
            _bump_version(review)
            review.save(update_fields=["tag", "updated_at"])
            _record(
                review,
                action=HistoryAction.MERGE,
                actor=actor,
                before=review_before,
                comment=f"Moved from tag {other.pk}, merged into tag {kept.pk}.",
            )
            reviewed.add(review.reviewer_id)

        other_before = state_of(other)
        _bump_version(other)
        other.deleted_at = now
        other.deleted_by = actor
        other.save(update_fields=["deleted_at", "deleted_by"])
        _record(
            other, action=HistoryAction.MERGE, actor=actor, before=other_before, comment=comment
        )
    kept.refresh_from_db()
    return kept
