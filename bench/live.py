"""Event latency: from the API's 201 for a write to the change arriving on another socket.

``--clients`` writers (16) each create ``--writes`` tags through the REST API on one document
as fast as their answers come back, while a viewer's socket (``/ws/documents/<id>/``) on the
document collects the changes. For each tag: the time from the writer's 201 to the socket's
message (negative when the message came first: a change goes out when the write commits,
before its answer is sent), and from the request's start. The clients, the listener and the
server(s) share the machine's cores.

- one server (default): Daphne on SQLite with the in-memory channel layer, as ``make run``;
- ``--servers 2``: two Daphne servers on PostgreSQL (``--database-url``) sharing Redis
  (``REDIS_URL``): writers on the first, the socket on the second.

    python -m bench.live [--clients 16] [--writes 25] [--servers 2 --database-url URL]
"""

import argparse
import asyncio
import contextlib
import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

from bench.setup import configure_django, daphne_server, percentile

UNTHROTTLED = {
    f"DJANGO_THROTTLE_{scope}": "100000000/min" for scope in ("ANON", "USER", "WRITES", "LOGIN")
}


@dataclass(frozen=True)
class Scene:
    document: int
    paragraphs: list[tuple[int, int]]  # id, length
    tokens: list[str]
    listener_session: str


def _scene(clients: int) -> Scene:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from annotator.models import Document, Membership, Paragraph, Project, Role

    call_command("load_seed", verbosity=0)
    seed = Document.objects.get(project__slug="demo")
    project = Project.objects.create(name="Live bench", slug="live-bench")
    document = Document.objects.create(project=project, title="Live writes")
    paragraphs = Paragraph.objects.bulk_create(
        Paragraph(document=document, position=p.position, text=p.text)
        for p in seed.paragraphs.order_by("position")
    )
    User = get_user_model()
    tokens = []
    for i in range(clients):
        user = User.objects.create_user(f"writer{i}")
        Membership.objects.create(user=user, project=project, role=Role.ANNOTATOR)
        tokens.append(Token.objects.create(user=user).key)
    listener = User.objects.create_user("listener")
    Membership.objects.create(user=listener, project=project, role=Role.VIEWER)
    browser = Client()
    browser.force_login(listener)
    return Scene(
        document=document.pk,
        paragraphs=[(p.pk, len(p.text)) for p in paragraphs if len(p.text) > 40],
        tokens=tokens,
        listener_session=browser.cookies["sessionid"].value,
    )


class Listener:
    """A socket on the document in a thread of its own, noting when each tag's change came."""

    def __init__(self, url: str, scene: Scene) -> None:
        self.url, self.scene = url, scene
        self.arrived: dict[int, float] = {}
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _run(self) -> None:
        from websockets.asyncio.client import connect

        host = self.url.removeprefix("http://")
        async with connect(
            f"ws://{host}/ws/documents/{self.scene.document}/",
            origin=self.url,
            additional_headers={"Cookie": f"sessionid={self.scene.listener_session}"},
        ) as socket:
            self.ready.set()
            while not self.stop.is_set():
                try:
                    text = await asyncio.wait_for(socket.recv(), 0.5)
                except TimeoutError:
                    continue
                now = time.perf_counter()
                message = json.loads(text)
                if message.get("type") == "tag.created":
                    self.arrived.setdefault(message["id"], now)


def _writer(url: str, token: str, scene: Scene, writes: int, out: list, errors: list) -> None:
    for j in range(writes):
        # A span this writer has not tagged: paragraphs in turn, then one character on.
        paragraph, length = scene.paragraphs[j % len(scene.paragraphs)]
        start = (j // len(scene.paragraphs)) % (length - 10)
        body = {"paragraph": paragraph, "start": start, "end": start + 5, "kind": "claim"}
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{url}/api/tags/",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                created = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            errors.append(f"{exc.code} {exc.read()[:200]!r}")
            continue
        out.append((created["id"], started, time.perf_counter()))


@contextlib.contextmanager
def _servers(count: int, env: dict[str, str]) -> Iterator[list[str]]:
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(daphne_server(env=env)) for _ in range(count)]


def run(clients: int, writes: int, servers: int, database_url: str | None) -> dict:
    if servers > 1 and not (os.environ.get("REDIS_URL") and database_url):
        raise SystemExit("--servers 2 needs REDIS_URL and --database-url (PostgreSQL)")
    if servers == 1:
        os.environ.pop("REDIS_URL", None)  # the in-memory layer, as make run
    configure_django(database_url, sqlite_name="live")
    scene = _scene(clients)
    env = {**UNTHROTTLED, "DJANGO_DEBUG": "0", "DJANGO_LOG_LEVEL": "ERROR"}
    if servers > 1:
        env["DJANGO_CONN_MAX_AGE"] = "60"  # as .env.example: a connection kept per server
    with _servers(servers, env) as urls:
        listener = Listener(urls[-1], scene)
        listener.thread.start()
        if not listener.ready.wait(15):
            raise RuntimeError("the listening socket did not connect")
        done: list[tuple[int, float, float]] = []
        errors: list[str] = []
        threads = [
            threading.Thread(target=_writer, args=(urls[0], token, scene, writes, done, errors))
            for token in scene.tokens
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        deadline = time.monotonic() + 30
        while len(listener.arrived) < len(done) and time.monotonic() < deadline:
            time.sleep(0.05)
        listener.stop.set()
        listener.thread.join(5)
    if errors:
        raise RuntimeError(f"{len(errors)} writes failed, e.g. {errors[0]}")
    missing = [tag for tag, _, _ in done if tag not in listener.arrived]
    if missing:
        raise RuntimeError(f"{len(missing)} of {len(done)} changes never reached the socket")
    after_201 = [(listener.arrived[tag] - answered) * 1000 for tag, _, answered in done]
    after_start = [(listener.arrived[tag] - begun) * 1000 for tag, begun, _ in done]
    answers = [(answered - begun) * 1000 for _, begun, answered in done]
    return {
        "servers": servers,
        "database": "PostgreSQL + Redis" if servers > 1 else "SQLite + in-memory layer",
        "clients": clients,
        "writes": len(done),
        "rps": round(len(done) / wall, 1),
        "after_201": _figures(after_201),
        "after_start": _figures(after_start),
        "answer": _figures(answers),
    }


def _figures(ms: list[float]) -> dict:
    return {
        "p50": round(percentile(ms, 50), 1),
        "p95": round(percentile(ms, 95), 1),
        "max": round(max(ms), 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--writes", type=int, default=25, help="tags each client creates")
    parser.add_argument("--servers", type=int, default=1, choices=(1, 2))
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    row = run(args.clients, args.writes, args.servers, args.database_url)
    after, start, answer = row["after_201"], row["after_start"], row["answer"]
    print(
        f"live events, {row['servers']} server(s), {row['database']}: {row['clients']} clients, "
        f"{row['writes']} writes at {row['rps']} req/s; socket message after the 201: "
        f"p50 {after['p50']} ms, p95 {after['p95']} ms, max {after['max']} ms; after the "
        f"request's start: p50 {start['p50']}, p95 {start['p95']}, max {start['max']} ms; "
        f"the 201 itself: p50 {answer['p50']}, p95 {answer['p95']} ms"
    )


if __name__ == "__main__":
    main()
