"""Real gunicorn and Daphne servers on loopback over the test's own PostgreSQL database."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(settings_dict: dict) -> str:
    """The URL of the database Django's connection uses (the test database)."""
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


@contextlib.contextmanager
def gunicorn_servers(count: int, env: dict[str, str], log_dir: Path) -> Iterator[list[str]]:
    """Start ``count`` gunicorn servers (2 workers each); yield their base URLs.

    Each server's stderr (Django's error log: tracebacks of any 500) goes to a file in
    ``log_dir``; ``server_log`` reads it back.
    """
    command = [sys.executable, "-m", "gunicorn", "annotator.wsgi:application", "--workers", "2"]
    with _servers(
        count,
        lambda port: [*command, "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        env,
        log_dir,
    ) as urls:
        yield urls


@contextlib.contextmanager
def daphne_servers(count: int, env: dict[str, str], log_dir: Path) -> Iterator[list[str]]:
    """Start ``count`` Daphne servers (HTTP and the live sockets); yield their base URLs."""
    command = [sys.executable, "-m", "daphne", "-v", "1", "-b", "127.0.0.1"]
    with _servers(
        count,
        lambda port: [*command, "-p", str(port), "annotator.asgi:application"],
        env,
        log_dir,
    ) as urls:
        yield urls


@contextlib.contextmanager
def _servers(
    count: int, argv: Callable[[int], list[str]], env: dict[str, str], log_dir: Path
) -> Iterator[list[str]]:
    processes, urls = [], []
    try:
        for n in range(count):
            port = free_port()
            log = (log_dir / f"server-{n}.log").open("w")
            processes.append(
                subprocess.Popen(  # noqa: S603 - fixed arguments
                    argv(port),
                    cwd=ROOT,
                    env={**os.environ, **env},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            log.close()
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_until_up(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_up(
    url: str, process: subprocess.Popen, *, seconds: float = 30, log: Path | None = None
) -> None:
    """Wait until the server at ``url`` answers; raise (with its ``log``) if it never does."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{url}/accounts/login/", timeout=2)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                tail = f":\n{log.read_text(errors='replace')}" if log else ""
                raise RuntimeError(f"the server at {url} did not start{tail}") from None
            time.sleep(0.2)


def server_log(log_dir: Path, limit: int = 6000) -> str:
    """The end of every server's log, for a failure message."""
    parts = []
    for path in sorted(log_dir.glob("server-*.log")):
        text = path.read_text(errors="replace")
        parts.append(f"--- {path.name} ---\n{text[-limit:]}")
    return "\n".join(parts)
