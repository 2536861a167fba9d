"""Writes to tags: create (spans and implicit statements), change, delete, restore, decide."""

from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from annotator.models import Document, Paragraph
from annotator.selectors import role_in
from annotator.services import progress_start
from claims.models import (
    CONTEXT_CHARS,
    Decision,
    HistoryAction,
    Link,
    Tag,
)
from claims.permissions import (
    can_contribute,
    can_curate,
    require,
)
from claims.sanitize import clean_html
from claims.services.links import delete_links, restore_links
from claims.services.versioned import (
    NOT_A_CONTRIBUTOR,
    NOT_A_CURATOR,
    bump_version,
    check_version,
    record_history,
    recorded_write,
    require_change,
    save_validated,
    soft_delete,
    state_of,
    undelete,
)


def context_of(text: str, start: int, end: int) -> tuple[str, str]:
    return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


@recorded_write
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
    prefix, suffix = context_of(text, start, end) if in_range else ("", "")
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
    save_validated(tag, actor=actor)
    progress_start(user=actor, document_id=tag.document_id)
    return tag


@recorded_write
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
    save_validated(tag, actor=actor)
    progress_start(user=actor, document_id=tag.document_id)
    return tag


@recorded_write
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
    require_change(actor, tag)
    check_version(tag, expected_version)
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
            tag.prefix, tag.suffix = context_of(text, tag.start, tag.end)
    save_validated(tag, actor=actor, before=before, expected_version=expected_version)
    return tag


@recorded_write
def tag_delete(*, actor: User, tag: Tag, expected_version: int | None = None) -> None:
    """Soft-delete a tag and, with the same timestamp, the live links that touch it."""
    require_change(actor, tag)
    now = timezone.now()
    soft_delete(tag, actor=actor, at=now, expected_version=expected_version)
    delete_links(Link.objects.filter(Q(source=tag) | Q(target=tag)), actor=actor, at=now)


@recorded_write
def tag_restore(*, actor: User, tag: Tag, expected_version: int | None = None) -> Tag:
    """Restore a deleted tag and the links that were deleted with it."""
    require_change(actor, tag)
    deleted_at = tag.deleted_at
    undelete(tag, actor=actor, expected_version=expected_version)
    cascaded = Link.all_objects.filter(Q(source=tag) | Q(target=tag), deleted_at=deleted_at)
    restore_links(cascaded.select_related("source", "target", "target_link"), actor=actor)
    return tag


@recorded_write
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
    bump_version(tag, expected_version)
    tag.decision = "" if status == "pending" else status
    tag.decided_by = actor
    tag.decided_at = timezone.now()
    tag.save(update_fields=["decision", "decided_by", "decided_at", "updated_at"])
    record_history(tag, action=HistoryAction.DECIDE, actor=actor, before=before, comment=comment)
    return tag
