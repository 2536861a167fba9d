"""Shared set-up for benchmarks: a database of their own, bulk data, real gunicorn and Daphne
servers."""

import contextlib
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def configure_django(database_url: str | None = None, sqlite_name: str = "bench") -> str:
    """Point Django at the benchmark database (a fresh SQLite file unless DATABASE_URL is set)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    if database_url is None:
        database_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if database_url is None:
        path = RESULTS / f"{sqlite_name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):  # a stale write-ahead log would corrupt the new file
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        database_url = f"sqlite:///{path}"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_HTTPS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0) if _has_tables() else None
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)  # the rate-limit counters live there
    return database_url


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database ``url`` names, if it does not exist yet."""
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _has_tables() -> bool:
    from django.db import connection

    return "claims_tag" in connection.introspection.table_names()


def bulk_tags(document, count: int, authors: list, seed: int = 7) -> list:
    """Insert ``count`` valid tags spread over the document's paragraphs, in batches.

    Returns the new tags (with their ids).
    """
    from claims.models import CONTEXT_CHARS, Tag, TagKind

    rng = random.Random(seed)
    paragraphs = list(document.paragraphs.all())
    kinds = list(TagKind.values)
    rows, seen = [], set()
    while len(rows) < count:
        p = rng.choice(paragraphs)
        start = rng.randrange(0, len(p.text) - 1)
        end = min(len(p.text), start + rng.randint(5, 120))
        kind, author = rng.choice(kinds), rng.choice(authors)
        key = (p.pk, start, end, kind, author.pk)
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            Tag(
                document=document,
                paragraph=p,
                start=start,
                end=end,
                quote=p.text[start:end],
                prefix=p.text[max(0, start - CONTEXT_CHARS) : start],
                suffix=p.text[end : end + CONTEXT_CHARS],
                kind=kind,
                author=author,
            )
        )
    return Tag.objects.bulk_create(rows, batch_size=1000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    pid: int  # gunicorn's master; its children are the workers

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        return [int(pid) for pid in children.split()]


@contextlib.contextmanager
def gunicorn(workers: int = 2, port: int | None = None) -> Iterator[str]:
    """Run the app under gunicorn on loopback; yield its base URL."""
    with gunicorn_server(workers, port) as server:
        yield server.url


@contextlib.contextmanager
def gunicorn_server(workers: int = 2, port: int | None = None) -> Iterator[Server]:
    """Run the app under gunicorn on loopback; yield its URL and process id."""
    port = port or free_port()
    env = {**os.environ, "DJANGO_HTTPS": "0"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        check=True,
        env=env,
    )
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "annotator.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/accounts/login/", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield Server(url, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def daphne_server(port: int | None = None, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run the ASGI app (HTTP and the live sockets) under Daphne on loopback; yield its URL."""
    port = port or free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            sys.executable,
            "-m",
            "daphne",
            "-v",
            "0",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "annotator.asgi:application",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_HTTPS": "0", **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/accounts/login/", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("daphne did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]
