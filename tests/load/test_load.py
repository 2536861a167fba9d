"""Load and concurrency: 16 API clients for LOAD_SECONDS (60) against gunicorn on PostgreSQL.

Clients of eight users (an owner, a curator, six annotators; two clients each) create, edit
(If-Match), delete and restore tags, links and reviews on the seed op-ed, aiming often at the
same "hot" tags, and linking their tags to other users' tags as those are being deleted. Passes
only if no answer is a 5xx, none hangs, every 4xx is an expected kind (counted), the database
then holds exactly what the clients were told (ledger.py; cross-user links within bounds), and
no live link has a deleted end. Run
once against one server, and once against two servers on one database and one shared cache,
the clients alternating between them; that run also shows a session and a rate limit holding
across servers.

PostgreSQL only (the servers share the test's database over the network; SQLite's in-memory
test database cannot be shared): CI runs it in its PostgreSQL pass. ``-m "not load"`` leaves
it out of a quick local run. By hand, shorter, with Redis as the shared cache:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/claims LOAD_SECONDS=20 \
        LOAD_REDIS_URL=redis://127.0.0.1:6379/1 .venv/bin/pytest -m load tests/load

The figures (requests, req/s, latency percentiles, answers by status and kind) are shown at the
end of the pytest output and written to bench/results/load.txt.
"""

import json
import os
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from annotator.importing import seed_load
from annotator.models import Membership, Role
from claims.models import Tag
from tests.load.ledger import compare, database_rows, invariants
from tests.load.servers import database_url, gunicorn_servers, server_log
from tests.load.workload import REPORTS, Paragraph, run_clients, summary

SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
PASSWORD = "load-test-password-7"
LOGIN_RATE = 5  # token requests per username and address a minute, for the throttle check

pytestmark = [
    pytest.mark.load,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="load test needs PostgreSQL (servers share the test database); "
        "CI runs it in the DATABASE_URL=postgres://... pass",
    ),
]


@pytest.fixture
def scene(transactional_db, tmp_path: Path) -> dict:
    """The seed op-ed in its project, eight users in it, two hot tags each, server settings."""
    seed = seed_load()
    suffix = uuid.uuid4().hex[:6]  # fresh names: no rate-limit count from an earlier run
    roles = [("owner", Role.OWNER), ("curator", Role.CURATOR)] + [
        (f"ann{n}", Role.ANNOTATOR) for n in range(1, 7)
    ]
    # The servers check passwords with Django's default hasher, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    users = []
    for name, role in roles:
        user = get_user_model().objects.create(
            username=f"load-{name}-{suffix}", password=hasher.encode(PASSWORD, hasher.salt())
        )
        Membership.objects.create(project=seed.project, user=user, role=role)
        users.append((user, role))
    paragraphs = [Paragraph.of(p.pk, p.text) for p in seed.document.paragraphs.order_by("position")]
    hot = []
    for n, (user, _) in enumerate(users):
        for k in range(2):
            p = paragraphs[(2 * n + k) % len(paragraphs)]
            start, end = p.spans[-1]
            tag = Tag.objects.create(
                document=seed.document,
                paragraph_id=p.id,
                start=start,
                end=end,
                quote=p.text[start:end],
                kind="claim",
                author=user,
            )
            hot.append(tag)
    env = {
        "DATABASE_URL": database_url(connection.settings_dict),
        "DJANGO_HTTPS": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # one key for every server
        "DJANGO_THROTTLE_USER": "1000000/min",
        "DJANGO_THROTTLE_WRITES": "1000000/min",
        "DJANGO_THROTTLE_ANON": "1000000/min",
        "DJANGO_THROTTLE_LOGIN": f"{LOGIN_RATE}/min",
        # The shared cache: Redis if LOAD_REDIS_URL names one, else the database's cache table.
        "REDIS_URL": os.environ.get("LOAD_REDIS_URL", ""),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    return {
        "document": seed.document,
        "users": users,
        "paragraphs": paragraphs,
        "hot": hot,
        "env": env,
        "logs": tmp_path,
        "suffix": suffix,
    }


def post_json(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - loopback
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def tokens(servers: list[str], users: list) -> dict[str, str]:
    """Each user's API token from /api/auth/token/ (in parallel: password hashing is slow)."""
    found: dict[str, str] = {}

    def fetch(n: int, username: str) -> None:
        url = f"{servers[n % len(servers)]}/api/auth/token/"
        status, data = post_json(url, {"username": username, "password": PASSWORD})
        assert status == 200, (username, status, data)
        found[username] = data["token"]

    threads = [
        threading.Thread(target=fetch, args=(n, user.username)) for n, (user, _) in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == len(users), "a token request failed (see above)"
    return found


def run_and_check(scene: dict, servers: list[str], title: str) -> None:
    """Run the clients, then hold the database to their ledger."""
    token_of = tokens(servers, scene["users"])
    clients = [
        (user.username, role, token_of[user.username])
        for user, role in scene["users"]
        for _ in range(2)
    ]
    hot = [(("tag", t.pk), t.version, t.author.username) for t in scene["hot"]]
    run = run_clients(clients, servers, scene["paragraphs"], hot, SECONDS)
    for tag in scene["hot"]:
        data = {
            "paragraph": tag.paragraph_id,
            "start": tag.start,
            "end": tag.end,
            "kind": tag.kind,
            "note": tag.note,
            "decision": tag.decision,
            "author": tag.author.username,
        }
        run.ledger.baseline(("tag", tag.pk), tag.version, data)

    rows = database_rows(scene["document"].pk)
    problems = run.stats.problems + compare(run.ledger, rows) + invariants(rows)
    # Errors no answer showed (a worker killed for a timeout, an error after the response).
    log = server_log(scene["logs"], limit=10**7)
    problems += [
        f"server log: {line.strip()[:300]}"
        for line in log.splitlines()
        if re.search(r"Traceback|Internal Server Error|WORKER TIMEOUT|\[CRITICAL\]|\[ERROR\]", line)
    ]
    checked = Counter(entity for entity, _ in rows)
    cross = {key: rows[key] for key in run.ledger.cross if key in rows}
    checked["cross-user link"] = len(cross)
    checked["cascade-deleted cross-user link"] = sum(
        row.deleted and run.ledger.cross[key] is None for key, row in cross.items()
    )
    report = summary(title, run, checked)
    REPORTS.append(report)
    print(report)  # also under -rA / -s; the terminal summary shows it in every case
    details = "\n".join(problems[:40])
    if any(re.search(r": 5\d\d |server log", p) for p in problems):
        details += "\n" + server_log(scene["logs"])
    assert not problems, f"{len(problems)} problems under load:\n{details}"
    # The run did what it claims: many requests, and clients really raced for the same rows.
    assert len(run.stats.latencies) > 5 * SECONDS
    assert run.stats.kinds["412", "stale-version"] > 0
    assert run.stats.statuses[201] > 0
    assert run.stats.statuses[204] > 0
    # Cross-user links were made, and some went with an end another client deleted.
    assert checked["cross-user link"] > 0
    assert checked["cascade-deleted cross-user link"] > 0


def test_one_server(scene: dict) -> None:
    with gunicorn_servers(1, scene["env"], scene["logs"]) as servers:
        run_and_check(scene, servers, f"load, 1 server x 2 workers, 16 clients, {SECONDS:.0f} s")


def test_two_servers_one_database(scene: dict) -> None:
    with gunicorn_servers(2, scene["env"], scene["logs"]) as servers:
        session_holds_across(servers, scene["users"][0][0].username)
        rate_limit_holds_across(servers, f"probe-{scene['suffix']}")
        cache = "Redis" if scene["env"]["REDIS_URL"] else "the database cache"
        title = f"load, 2 servers x 2 workers on one database and {cache}, 16 clients, "
        run_and_check(scene, servers, f"{title}{SECONDS:.0f} s")


def session_holds_across(servers: list[str], username: str) -> None:
    """Sign in on one server; the session cookie works on the other (sessions are not local)."""
    first, second = servers
    jar = CookieJar()  # cookies ignore ports: both servers get the same ones
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = browser.open(f"{first}/accounts/login/", timeout=30).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    body = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf}
    ).encode()
    browser.open(f"{first}/accounts/login/", data=body, timeout=30).read()
    assert any(cookie.name == "sessionid" for cookie in jar), "signing in set no session"
    with browser.open(f"{second}/api/projects/", timeout=30) as response:
        projects = json.load(response)
    assert response.status == 200
    assert projects["count"] >= 1
    # Without the cookie the same request is refused: the cookie is what signed it in.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{second}/api/projects/", timeout=30)  # noqa: S310
    assert refused.value.code == 401


def rate_limit_holds_across(servers: list[str], username: str) -> None:
    """Token requests alternate between servers; the limit counts them all together.

    Counted per process, the four workers would allow four times as many before a 429.
    """
    for attempt in range(3):
        window = int(time.time() // 60)  # the counters count in whole minutes
        statuses = [
            post_json(
                f"{servers[n % 2]}/api/auth/token/",
                {"username": f"{username}-{attempt}", "password": "x"},
            )[0]
            for n in range(LOGIN_RATE + 1)
        ]
        if int(time.time() // 60) == window:
            break  # else a new minute began halfway: try again with a fresh name
    assert statuses == [400] * LOGIN_RATE + [429], statuses
