"""A history entry as an event: what a live socket receives and the change feed lists.

``{"seq", "type", "id", "version", "actor", "data"}``: ``type`` is ``<entity>.<what
happened>`` (see ``event_type``), ``version`` the item's version after the change, ``actor``
the username of who made it, and ``data`` the item's API representation (as
``GET /api/tags/{id}/`` and the like give it) as it is when the event is built: right after
the write commits for a socket, at the time of the request for the feed. So ``data`` can be
newer than ``version`` (never older); a client keeps whichever version it holds is higher.
"""

import json
from collections.abc import Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from claims.models import HistoryAction, HistoryEntry, Link, Review, Tag
from claims.selectors import with_review_counts
from claims.serializers import LinkSerializer, ReviewSerializer, TagSerializer

#: Every event type, for the schema and the tests.
EVENT_TYPES = (
    "tag.created",
    "tag.updated",
    "tag.deleted",
    "tag.restored",
    "tag.decided",
    "tag.merged",
    "link.created",
    "link.updated",
    "link.deleted",
    "link.restored",
    "review.created",
    "review.updated",
    "review.deleted",
    "review.restored",
)

_PAST = {
    HistoryAction.CREATE: "created",
    HistoryAction.UPDATE: "updated",
    HistoryAction.DELETE: "deleted",
    HistoryAction.RESTORE: "restored",
}


def event_type(entry: HistoryEntry) -> str:
    """The event type of an entry.

    A merge is ``tag.merged`` for the tags merged (the kept one and those deleted into it);
    the links it moves or drops and the reviews it moves are ``link.updated``,
    ``link.deleted`` and ``review.updated``, as any other change to them.
    """
    if entry.action == HistoryAction.DECIDE:
        return "tag.decided"
    if entry.action == HistoryAction.MERGE:
        if entry.entity == "tag":
            return "tag.merged"
        dropped = (entry.after or {}).get("deleted_at") is not None
        return f"{entry.entity}.{'deleted' if dropped else 'updated'}"
    return f"{entry.entity}.{_PAST[HistoryAction(entry.action)]}"


def entry_version(entry: HistoryEntry) -> int | None:
    """The item's version after the change (None for entries older than versions)."""
    if entry.after is not None:
        return entry.after.get("version")
    # A deletion keeps no "after"; it took the version after the one it saw.
    before = (entry.before or {}).get("version")
    return None if before is None else before + 1


def representations(entries: Iterable[HistoryEntry]) -> dict[tuple[str, int], dict[str, Any]]:
    """The API representation of each entry's item, deleted or not, by (entity, id).

    One query per kind of item, whatever the number of entries.
    """
    ids: dict[str, set[int]] = {"tag": set(), "link": set(), "review": set()}
    for entry in entries:
        ids.get(entry.entity, set()).add(entry.object_id)
    found: dict[tuple[str, int], dict[str, Any]] = {}
    if ids["tag"]:
        tags = with_review_counts(Tag.all_objects.filter(pk__in=ids["tag"]))
        found.update((("tag", row["id"]), row) for row in TagSerializer.rows(tags))
    if ids["link"]:
        links = Link.all_objects.filter(pk__in=ids["link"]).select_related(
            "author", "source", "deleted_by"
        )
        found.update((("link", row["id"]), row) for row in LinkSerializer(links, many=True).data)
    if ids["review"]:
        reviews = Review.all_objects.filter(pk__in=ids["review"]).select_related("reviewer", "tag")
        found.update(
            (("review", row["id"]), row) for row in ReviewSerializer(reviews, many=True).data
        )
    return found


def event_of(entry: HistoryEntry, data: dict[str, Any] | None) -> dict[str, Any]:
    """The event of one entry, ``data`` being its item's representation."""
    return {
        "seq": entry.seq,
        "type": event_type(entry),
        "id": entry.object_id,
        "version": entry_version(entry),
        "actor": entry.actor.username if entry.actor is not None else None,
        "data": data,
    }


def encode(event: dict[str, Any]) -> str:
    """An event as the socket sends it: compact JSON, times as the API writes them."""
    return json.dumps(event, cls=DjangoJSONEncoder, separators=(",", ":"))
