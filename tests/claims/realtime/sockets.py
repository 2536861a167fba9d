"""Open a document's socket in-process (Channels' WebsocketCommunicator) as a signed-in user."""

import json
from typing import Any

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from annotator.asgi import application

ORIGIN = b"http://127.0.0.1"


def session_cookie(user) -> str:
    """The session cookie of a signed-in browser of ``user``."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def open_socket(
    document_id: int, user=None, *, origin: bytes = ORIGIN, path: str | None = None
) -> tuple[WebsocketCommunicator, bool]:
    """Connect; return the communicator and whether the handshake was accepted."""
    headers = [(b"origin", origin)]
    if user is not None:
        cookie = await sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    socket = WebsocketCommunicator(
        application, path or f"/ws/documents/{document_id}/", headers=headers
    )
    connected, _ = await socket.connect(timeout=5)
    return socket, connected


async def receive(socket: WebsocketCommunicator, timeout: float = 3) -> dict[str, Any]:
    return json.loads(await socket.receive_from(timeout=timeout))


async def receive_change(socket: WebsocketCommunicator, timeout: float = 3) -> dict[str, Any]:
    """The next change, skipping presence messages."""
    while True:
        message = await receive(socket, timeout)
        if message.get("type") != "presence":
            return message


async def receive_presence(socket: WebsocketCommunicator, timeout: float = 3) -> list[str]:
    while True:
        message = await receive(socket, timeout)
        if message.get("type") == "presence":
            return message["users"]
