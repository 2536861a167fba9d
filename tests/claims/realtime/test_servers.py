"""Two Daphne servers on different ports sharing Redis and PostgreSQL: a write through one
reaches a socket on the other, and both serve the same change feed.

Needs PostgreSQL (the servers share the test database over the network) and Redis
(``SERVERS_REDIS_URL``, given to the servers as their ``REDIS_URL``: the channel layer across
processes). The test process itself keeps the settings of the rest of the suite (the database
cache), so the other tests that start servers find what they expect. CI runs it in its
PostgreSQL pass, where both are set. By hand:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/claims \\
        SERVERS_REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/pytest tests/claims/realtime/test_servers.py
"""

import asyncio
import json
import os
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import connect

from annotator.models import Role
from tests.factories import DocumentFactory, MembershipFactory, ParagraphFactory
from tests.load.servers import daphne_servers, database_url, server_log

pytestmark = [
    pytest.mark.servers,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"]
        or not os.environ.get("SERVERS_REDIS_URL"),
        reason="needs PostgreSQL (DATABASE_URL) and Redis (SERVERS_REDIS_URL): CI's PostgreSQL "
        "pass",
    ),
]

TEXT = "India and China agreed to share intelligence on militant groups along their border."


def api(base: str, token: str, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{base}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return json.loads(response.read() or b"{}")


async def next_change(socket, timeout: float = 10) -> dict:
    while True:
        message = json.loads(await asyncio.wait_for(socket.recv(), timeout))
        if message.get("type") != "presence":
            return message


@pytest.mark.django_db(transaction=True)
def test_a_write_through_one_server_reaches_a_socket_on_the_other(tmp_path: Path):
    document = DocumentFactory()
    paragraph = ParagraphFactory(document=document, position=0, text=TEXT)
    writer = MembershipFactory(project=document.project, role=Role.ANNOTATOR).user
    reader = MembershipFactory(project=document.project, role=Role.VIEWER).user
    token = Token.objects.create(user=writer).key
    browser = Client()
    browser.force_login(reader)
    session = browser.cookies["sessionid"].value
    env = {
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": os.environ["SERVERS_REDIS_URL"],
        # The test's key: the session made here must check out on the servers.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_HTTPS": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_THROTTLE_USER": "100000/min",
        "DJANGO_THROTTLE_WRITES": "100000/min",
    }

    async def scenario(one: str, two: str) -> list[dict]:
        host = two.removeprefix("http://")
        async with connect(
            f"ws://{host}/ws/documents/{document.pk}/",
            origin=two,
            additional_headers={"Cookie": f"sessionid={session}"},
        ) as socket:
            assert json.loads(await socket.recv()) == {
                "type": "presence",
                "users": [reader.username],
            }
            received = []
            for n in range(6):
                # Alternate servers: every change reaches the socket on server two, in order.
                base = one if n % 2 == 0 else two
                body = {"paragraph": paragraph.pk, "start": n, "end": n + 5, "kind": "claim"}
                created = await asyncio.to_thread(api, base, token, "POST", "/api/tags/", body)
                change = await next_change(socket)
                assert (change["type"], change["id"]) == ("tag.created", created["id"])
                assert change["data"] == created
                received.append(change)
            return received

    with daphne_servers(2, env, tmp_path) as (one, two):
        try:
            received = asyncio.run(scenario(one, two))
            feeds = [
                api(base, token, "GET", f"/api/documents/{document.pk}/changes/")
                for base in (one, two)
            ]
        except BaseException:
            print(server_log(tmp_path))
            raise
    assert feeds[0] == feeds[1]
    assert [(c["seq"], c["id"]) for c in feeds[0]["results"]] == [
        (c["seq"], c["id"]) for c in received
    ]
    assert [c["seq"] for c in received] == [1, 2, 3, 4, 5, 6]
