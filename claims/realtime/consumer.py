"""The live socket of a document, ``/ws/documents/<id>/``: it only receives.

Signed in by the session (the page's cookie; the origin is checked by ``annotator.asgi``). An
anonymous socket, or one on a document the user may not see, is accepted and closed at once
with code 4403, so a page can tell a refusal from a lost connection and stop retrying.

Messages, JSON, one per frame:

- ``{"seq", "type", "id", "version", "actor", "data"}``: a committed change (see
  ``claims.realtime.events``), in ``seq`` order. A change whose message is late is waited for
  up to ``GAP_WAIT`` seconds; a change hidden from the user (a blind first pass shows an
  annotator only their own items until they mark the document done) leaves a gap in the seqs
  they see, as the change feed does.
- ``{"type": "presence", "users": [usernames]}``: who has the document open, whenever that
  changes (and once on connecting).
- ``{"type": "pong"}`` answers ``{"type": "ping"}``; anything else the client sends is
  answered with ``{"type": "error", "message": ...}`` and changes nothing: writes go through
  the REST API.

Presence lives in the document's group, on every server alike: a new socket announces
itself, the others answer it directly, a closing socket says goodbye, and every socket
repeats itself every ``PRESENCE_BEAT`` seconds, so one on a server that died drops out after
``PRESENCE_TTL``. The same beat looks again at the user's access (a removed member's socket is
closed; a blind first pass ends or begins), as does a nudge when they mark the document done
or reopen it (``publish.announce_access_changed``).
"""

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth.models import AnonymousUser, User

from annotator.selectors import blinded_on, documents_for
from claims.realtime.publish import group_name
from claims.selectors import document_seq, visible_change

#: Close code of a socket the user may not open (anonymous, not a member, no such document).
REFUSED = 4403
#: Seconds a change waits for the change before it, whose message is late, before going out.
GAP_WAIT = 1.0
#: Seconds between a socket's presence announcements; after PRESENCE_TTL without one, it is gone.
PRESENCE_BEAT = 20.0
PRESENCE_TTL = 50.0

READ_ONLY = (
    "This socket only sends changes; make changes through the REST API. "
    'Send {"type": "ping"} to check the connection.'
)


@dataclass(frozen=True)
class Access:
    user_id: int
    username: str
    blinded: bool


def socket_access(user: User | AnonymousUser | None, document_id: int) -> Access | None:
    """Who the socket's user is and whether a blind first pass limits them; None if they may
    not open this document."""
    if user is None or not user.is_authenticated:
        return None
    document = documents_for(user).filter(pk=document_id).first()
    if document is None:
        return None
    return Access(user_id=user.pk, username=user.get_username(), blinded=blinded_on(user, document))


class DocumentConsumer(AsyncWebsocketConsumer):
    access: Access | None = None
    joined = False
    beat: "asyncio.Task[None] | None" = None
    gap_timer: "asyncio.Task[None] | None" = None

    async def connect(self) -> None:
        self.document_id = int(self.scope["url_route"]["kwargs"]["pk"])
        self.group = group_name(self.document_id)
        self.access = await self._access()
        await self.accept()
        if self.access is None:
            await self.close(code=REFUSED)
            return
        self.waiting: dict[int, dict[str, Any]] = {}
        self.present: dict[str, tuple[str, float]] = {}
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.joined = True
        # Read after joining: a change committed since is either counted here or arrives.
        self.expected = await database_sync_to_async(document_seq)(self.document_id) + 1
        await self._seen(self.channel_name, self.access.username, announce=True)
        await self.channel_layer.group_send(
            self.group,
            {"type": "presence.join", "channel": self.channel_name, "user": self.access.username},
        )
        self.beat = asyncio.create_task(self._beat())

    async def disconnect(self, code: int) -> None:
        for task in (self.beat, self.gap_timer):
            if task is not None:
                task.cancel()
        if self.joined:
            self.joined = False
            await self.channel_layer.group_send(
                self.group, {"type": "presence.leave", "channel": self.channel_name}
            )
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            message = json.loads(text_data or "")
        except ValueError:
            message = None
        if isinstance(message, dict) and message.get("type") == "ping":
            await self._send_json({"type": "pong"})
        else:
            await self._send_json({"type": "error", "message": READ_ONLY})

    # --- Changes, in seq order ----------------------------------------------------------

    async def document_change(self, message: dict[str, Any]) -> None:
        seq = message["seq"]
        if seq < self.expected:
            # Late past its wait, or committed before this socket counted: out as it is (the
            # client keeps the higher version).
            await self._deliver(message)
            return
        self.waiting[seq] = message
        await self._drain()
        self._watch_gap()

    async def gap_expired(self, message: dict[str, Any]) -> None:
        self.gap_timer = None
        if self.waiting and self.expected == message["seq"]:
            # The change before never came (a server lost it after committing): go on; the
            # client sees the gap in seq and can read it from the change feed.
            self.expected = min(self.waiting)
        await self._drain()
        self._watch_gap()

    async def _drain(self) -> None:
        while self.expected in self.waiting:
            message = self.waiting.pop(self.expected)
            self.expected += 1
            await self._deliver(message)

    def _watch_gap(self) -> None:
        if self.waiting and self.gap_timer is None:
            self.gap_timer = asyncio.create_task(self._gap_timeout(self.expected))

    async def _gap_timeout(self, seq: int) -> None:
        await asyncio.sleep(GAP_WAIT)
        # Through the layer, so it is handled in turn with the changes.
        await self.channel_layer.send(self.channel_name, {"type": "gap.expired", "seq": seq})

    async def _deliver(self, message: dict[str, Any]) -> None:
        access = self.access
        if access is not None and visible_change(
            blinded=access.blinded, user_id=access.user_id, item_author_id=message["item_author"]
        ):
            await self.send(text_data=message["text"])

    # --- Presence and access -------------------------------------------------------------

    async def presence_join(self, message: dict[str, Any]) -> None:
        if message["channel"] != self.channel_name and self.access is not None:
            await self.channel_layer.send(
                message["channel"],
                {
                    "type": "presence.here",
                    "channel": self.channel_name,
                    "user": self.access.username,
                },
            )
        await self._seen(message["channel"], message["user"])

    async def presence_here(self, message: dict[str, Any]) -> None:
        await self._seen(message["channel"], message["user"])

    async def presence_leave(self, message: dict[str, Any]) -> None:
        before = self._users()
        self.present.pop(message["channel"], None)
        if self._users() != before:
            await self._send_presence()

    async def presence_beat(self, message: dict[str, Any]) -> None:
        now = asyncio.get_running_loop().time()
        before = self._users()
        for channel, (_, seen) in list(self.present.items()):
            if channel != self.channel_name and now - seen > PRESENCE_TTL:
                del self.present[channel]
        if self._users() != before:
            await self._send_presence()
        if self.access is not None:
            await self.channel_layer.group_send(
                self.group,
                {
                    "type": "presence.here",
                    "channel": self.channel_name,
                    "user": self.access.username,
                },
            )
        await self._recheck()

    async def access_changed(self, message: dict[str, Any]) -> None:
        if self.access is not None and message["user"] == self.access.user_id:
            await self._recheck()

    async def _recheck(self) -> None:
        access = await self._access()
        if access is None:
            self.access = None
            await self.close(code=REFUSED)
        else:
            self.access = access

    async def _seen(self, channel: str, user: str, *, announce: bool = False) -> None:
        before = self._users()
        self.present[channel] = (user, asyncio.get_running_loop().time())
        if announce or self._users() != before:
            await self._send_presence()

    def _here(self) -> dict[str, Any]:
        username = self.access.username if self.access is not None else ""
        return {"type": "presence.here", "channel": self.channel_name, "user": username}

    def _users(self) -> list[str]:
        return sorted({user for user, _ in self.present.values()})

    async def _send_presence(self) -> None:
        await self._send_json({"type": "presence", "users": self._users()})

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(PRESENCE_BEAT)
            await self.channel_layer.send(self.channel_name, {"type": "presence.beat"})

    async def _access(self) -> Access | None:
        user = self.scope.get("user")
        return await database_sync_to_async(socket_access)(user, self.document_id)

    async def _send_json(self, content: dict[str, Any]) -> None:
        if self.access is not None:  # None: closed (or closing) with REFUSED
            await self.send(text_data=json.dumps(content))
