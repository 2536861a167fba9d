"""Send committed changes to the sockets open on their document.

``publish_changes`` listens to ``claims.services.versioned.changes_committed``, which every
write to a tag, link or review sends once it has committed (a rolled-back write sends
nothing). It reads the items' representations once, in the writing process, and sends one
message per change to the document's group; each socket then decides whether its user may see
it (``consumer``). A failure here (Redis away) loses live messages, never the write: clients
catch up from the change feed.
"""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, get_channel_layer
from django.db import transaction

from claims.models import HistoryEntry
from claims.realtime.events import encode, event_of, representations

logger = logging.getLogger(__name__)


def group_name(document_id: int) -> str:
    """The channel-layer group of a document's sockets."""
    return f"document-{document_id}"


def change_messages(entries: list[HistoryEntry]) -> list[tuple[str, dict[str, Any]]]:
    """Each entry as (group, message): the encoded event, with its seq and its item's author
    (which the socket needs for the blind first pass, and does not pass on)."""
    data = representations(entries)
    return [
        (
            group_name(entry.document_id),
            {
                "type": "document.change",
                "seq": entry.seq,
                "item_author": entry.item_author_id,
                "text": encode(event_of(entry, data.get((entry.entity, entry.object_id)))),
            },
        )
        for entry in entries
        if entry.document_id is not None
    ]


async def _send_all(layer: BaseChannelLayer, messages: list[tuple[str, dict[str, Any]]]) -> None:
    # In order: one write's changes leave in seq order.
    for group, message in messages:
        await layer.group_send(group, message)


def _send(messages: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    try:
        async_to_sync(_send_all)(layer, messages)
    except Exception:
        logger.exception(
            "Sending %d live messages failed; clients catch up from the feed", len(messages)
        )


def publish_changes(sender: object, *, entries: list[HistoryEntry], **kwargs: Any) -> None:
    """Send a committed write's changes to their documents' sockets (``changes_committed``)."""
    _send(change_messages(entries))


def announce_access_changed(*, document_id: int, user_id: int) -> None:
    """Once the current transaction commits, tell the user's sockets on the document to look
    again at what they may see (they marked it done, or reopened it)."""
    message = {"type": "access.changed", "user": user_id}
    transaction.on_commit(lambda: _send([(group_name(document_id), message)]))
