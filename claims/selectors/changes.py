"""A document's change feed: its history entries in ``seq`` order, as one user may see them."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser

from annotator.models import Document
from annotator.selectors import blinded_on
from claims.models import ChangeCounter, HistoryEntry

User = AuthUser | AnonymousUser


def document_seq(document_id: int) -> int:
    """The seq of the document's last committed change (0 before the first)."""
    counter = ChangeCounter.objects.filter(pk=document_id).values_list("last_seq", flat=True)
    return counter.first() or 0


@dataclass(frozen=True)
class ChangePage:
    """Entries after a seq: those the user may see, how far the page read, and whether more
    entries follow."""

    entries: list[HistoryEntry]
    last_seq: int
    more: bool


def visible_change(*, blinded: bool, user_id: int | None, item_author_id: int | None) -> bool:
    """Whether a user sees a change: always, unless a blind first pass hides other people's
    items from them (``annotator.selectors.blinded_on``); then only changes to their own."""
    return not blinded or (item_author_id is not None and item_author_id == user_id)


def changes_since(user: User, document: Document, since: int, limit: int) -> ChangePage:
    """The document's changes after ``since``, at most ``limit`` of them read, oldest first.

    The caller has checked that the user is a member (``documents_for``). Entries hidden by a
    blind first pass count towards ``limit`` and ``last_seq`` but are left out, so a client
    that goes on from ``last_seq`` neither misses nor re-reads anything, and ``last_seq`` comes
    from the rows read, never from a later look at the counter.
    """
    rows = list(
        HistoryEntry.objects.filter(document=document, seq__gt=since)
        .select_related("actor")
        .order_by("seq")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    blinded = blinded_on(user, document)
    entries = [
        entry
        for entry in rows
        if visible_change(blinded=blinded, user_id=user.pk, item_author_id=entry.item_author_id)
    ]
    last_seq = max(since, rows[-1].seq or 0) if rows else since
    return ChangePage(entries=entries, last_seq=last_seq, more=more)
