"""Writes to links: create, change, delete and restore, and the links a tag takes along."""

import datetime
from collections.abc import Iterable
from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from annotator.selectors import role_in
from annotator.services import Conflict
from claims.models import (
    Link,
    Tag,
)
from claims.permissions import (
    can_contribute,
    require,
)
from claims.sanitize import clean_html
from claims.services.versioned import (
    NOT_A_CONTRIBUTOR,
    bump_version,
    check_version,
    recorded_write,
    require_change,
    save_validated,
    soft_delete,
    state_of,
    undelete,
)


def delete_links(links: Iterable[Link], *, actor: User, at: datetime.datetime) -> None:
    """Soft-delete links and, with the same timestamp, the live links that undercut them."""
    pending = list(links)
    while pending:
        link = pending.pop()
        if link.deleted_at is not None:
            continue
        soft_delete(link, actor=actor, at=at)
        pending.extend(Link.objects.filter(target_link=link))


def lock_ends(link: Link) -> dict[str, datetime.datetime]:
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


def restore_links(links: Iterable[Link], *, actor: User) -> None:
    """Restore links deleted in one cascade, and the undercuts deleted with them.

    A link whose other end is still deleted takes that end's deletion time, so restoring
    that end later brings the link back too.
    """
    pending = list(links)
    while pending:
        link = pending.pop()
        if gone := lock_ends(link):
            # Its other end is still deleted: it takes that end's deletion time.
            bump_version(link)
            link.deleted_at = max(gone.values())
            link.save(update_fields=["deleted_at"])
            continue
        deleted_at = link.deleted_at
        undelete(link, actor=actor)
        pending.extend(Link.all_objects.filter(target_link=link, deleted_at=deleted_at))


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


@recorded_write
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
    if gone := lock_ends(link):
        raise ValidationError(
            {
                name: f"{'Link' if name == 'target_link' else 'Tag'} {getattr(link, f'{name}_id')} "
                "was deleted while this link was being made; it does not exist any more."
                for name in gone
            }
        )
    _check_group(link)
    save_validated(link, actor=actor)
    return link


@recorded_write
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
    require_change(actor, link)
    check_version(link, expected_version)
    before = state_of(link)
    if relation is not None:
        link.relation = relation
    if note is not None:
        link.note = clean_html(note)
    if group is not None:
        link.group = group
    _check_group(link)
    save_validated(link, actor=actor, before=before, expected_version=expected_version)
    return link


@recorded_write
def link_delete(*, actor: User, link: Link, expected_version: int | None = None) -> None:
    """Soft-delete a link and the links that undercut it."""
    require_change(actor, link)
    now = timezone.now()
    soft_delete(link, actor=actor, at=now, expected_version=expected_version)
    delete_links(Link.objects.filter(target_link=link), actor=actor, at=now)


@recorded_write
def link_restore(*, actor: User, link: Link, expected_version: int | None = None) -> Link:
    """Restore a deleted link (and undercuts deleted with it); its ends must be live."""
    require_change(actor, link)
    check_version(link, expected_version)
    if link.deleted_at is None:
        raise Conflict("This link is not deleted.")
    if lock_ends(link):
        raise Conflict(
            "Restore the deleted tag first (or the link it undercuts): a link needs both ends."
        )
    deleted_at = link.deleted_at
    undelete(link, actor=actor, expected_version=expected_version)
    undercuts = Link.all_objects.filter(target_link=link, deleted_at=deleted_at)
    restore_links(undercuts.select_related("source", "target", "target_link"), actor=actor)
    link.refresh_from_db()
    return link
