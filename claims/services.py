"""Writes to tags, links and reviews.

Every service checks the actor's role, validates the whole object against the model's rules
(``full_clean``, which also runs the database constraints' checks) and writes atomically.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotator.models import Paragraph
from annotator.selectors import role_in
from annotator.services import Conflict
from claims.models import CONTEXT_CHARS, Link, Review, SoftDeletable, Tag
from claims.permissions import (
    can_change,
    can_contribute,
    owner_id_of,
    project_id_of,
    require,
)
from claims.sanitize import clean_html

NOT_A_CONTRIBUTOR = (
    "Viewers cannot add tags, links or reviews; ask an owner for the annotator role."
)
NOT_YOURS = "Only the author, a curator or an owner may change this."


def _save_validated(obj: SoftDeletable) -> None:
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        # A concurrent request slipped past full_clean; report it like the check would have.
        raise Conflict(f"This clashes with a change made at the same time: {exc}") from exc


def _require_change(actor: AbstractBaseUser, obj: SoftDeletable) -> None:
    role = role_in(actor, project_id_of(obj))
    require(can_change(role, owner_id=owner_id_of(obj), user_id=actor.pk), NOT_YOURS)


def _soft_delete(obj: SoftDeletable, *, actor: AbstractBaseUser, at=None) -> None:
    obj.deleted_at = at or timezone.now()
    obj.deleted_by = actor
    obj.save(update_fields=["deleted_at", "deleted_by"])


def _undelete(obj: SoftDeletable) -> None:
    if obj.deleted_at is None:
        raise Conflict(f"This {obj._meta.verbose_name} is not deleted.")
    obj.deleted_at = None
    obj.deleted_by = None
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise Conflict(
            f"This {obj._meta.verbose_name} cannot be restored: {' '.join(exc.messages)}"
        ) from exc
    obj.save(update_fields=["deleted_at", "deleted_by"])


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


# --- Tags ------------------------------------------------------------------------------------


@transaction.atomic
def tag_create(
    *,
    actor: AbstractBaseUser,
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
    _save_validated(tag)
    return tag


@transaction.atomic
def tag_update(
    *,
    actor: AbstractBaseUser,
    tag: Tag,
    kind: str | None = None,
    note: str | None = None,
    start: int | None = None,
    end: int | None = None,
    quote: str | None = None,
) -> Tag:
    """Change a tag's kind, note or span (within its paragraph)."""
    _require_change(actor, tag)
    if kind is not None:
        tag.kind = kind
    if note is not None:
        tag.note = clean_html(note)
    if start is not None or end is not None or quote is not None:
        tag.start = tag.start if start is None else start
        tag.end = tag.end if end is None else end
        text = tag.paragraph.text
        if 0 <= tag.start < tag.end <= len(text):
            tag.quote = text[tag.start : tag.end] if quote is None else quote
            tag.prefix, tag.suffix = _context(text, tag.start, tag.end)
    _save_validated(tag)
    return tag


@transaction.atomic
def tag_delete(*, actor: AbstractBaseUser, tag: Tag) -> None:
    """Soft-delete a tag and, with the same timestamp, the live links that touch it."""
    _require_change(actor, tag)
    now = timezone.now()
    _soft_delete(tag, actor=actor, at=now)
    for link in Link.objects.filter(source=tag) | Link.objects.filter(target=tag):
        _soft_delete(link, actor=actor, at=now)


@transaction.atomic
def tag_restore(*, actor: AbstractBaseUser, tag: Tag) -> Tag:
    """Restore a deleted tag and the links that were deleted with it."""
    _require_change(actor, tag)
    deleted_at = tag.deleted_at
    _undelete(tag)
    cascaded = Link.all_objects.filter(deleted_at=deleted_at).filter(
        source_id=tag.pk
    ) | Link.all_objects.filter(deleted_at=deleted_at).filter(target_id=tag.pk)
    for link in cascaded.select_related("source", "target"):
        other = link.target if link.source_id == tag.pk else link.source
        if other.is_deleted:
            # The link now waits for its other tag: take that tag's deletion time, so
            # restoring it later brings the link back too.
            link.deleted_at = other.deleted_at
            link.save(update_fields=["deleted_at"])
        else:
            _undelete(link)
    return tag


# --- Links -----------------------------------------------------------------------------------


@transaction.atomic
def link_create(
    *, actor: AbstractBaseUser, source: Tag, target: Tag, relation: str, note: str = ""
) -> Link:
    """Record that ``source`` supports or attacks ``target``."""
    require(can_contribute(role_in(actor, source.document.project_id)), NOT_A_CONTRIBUTOR)
    link = Link(
        source=source, target=target, relation=relation, note=clean_html(note), author=actor
    )
    _save_validated(link)
    return link


@transaction.atomic
def link_update(
    *, actor: AbstractBaseUser, link: Link, relation: str | None = None, note: str | None = None
) -> Link:
    """Change a link's relation or note."""
    _require_change(actor, link)
    if relation is not None:
        link.relation = relation
    if note is not None:
        link.note = clean_html(note)
    _save_validated(link)
    return link


@transaction.atomic
def link_delete(*, actor: AbstractBaseUser, link: Link) -> None:
    _require_change(actor, link)
    _soft_delete(link, actor=actor)


@transaction.atomic
def link_restore(*, actor: AbstractBaseUser, link: Link) -> Link:
    """Restore a deleted link; both of its tags must be live."""
    _require_change(actor, link)
    if link.source.is_deleted or link.target.is_deleted:
        raise Conflict("Restore the deleted tag first: a link needs both of its tags.")
    _undelete(link)
    return link


# --- Reviews ---------------------------------------------------------------------------------


@transaction.atomic
def review_submit(*, actor: AbstractBaseUser, tag: Tag, verdict: str, comment: str = "") -> Review:
    """Record the actor's verdict on someone else's tag."""
    require(can_contribute(role_in(actor, tag.document.project_id)), NOT_A_CONTRIBUTOR)
    review = Review(tag=tag, reviewer=actor, verdict=verdict, comment=clean_html(comment))
    _save_validated(review)
    return review


@transaction.atomic
def review_update(
    *,
    actor: AbstractBaseUser,
    review: Review,
    verdict: str | None = None,
    comment: str | None = None,
) -> Review:
    """Change a review's verdict or comment."""
    _require_change(actor, review)
    if verdict is not None:
        review.verdict = verdict
    if comment is not None:
        review.comment = clean_html(comment)
    _save_validated(review)
    return review


@transaction.atomic
def review_delete(*, actor: AbstractBaseUser, review: Review) -> None:
    _require_change(actor, review)
    _soft_delete(review, actor=actor)


@transaction.atomic
def review_restore(*, actor: AbstractBaseUser, review: Review) -> Review:
    """Restore a deleted review; its tag must be live."""
    _require_change(actor, review)
    if review.tag.is_deleted:
        raise Conflict("Restore the deleted tag first: a review needs its tag.")
    _undelete(review)
    return review
