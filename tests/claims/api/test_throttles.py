"""Rate limits with the real rates, counted in the database cache as in production.

tests/conftest.py gives every other test limits it never reaches; these put the real ones
back. A fake clock moves time forward, so a window can end without waiting for it.
"""

import runpy

import pytest
from django.core.cache import cache, caches
from rest_framework.test import APIClient

from annotator import settings as project
from annotator import throttling
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"
WRONG = "not-the-password"
START = 3600.0 * 500_000  # a moment where every window (minute, 15 minutes) starts


def limit_of(scope: str) -> tuple[int, int]:
    """The real rate of a scope, as (requests, seconds)."""
    return throttling.UserThrottle().parse_rate(project.THROTTLE_RATES[scope])


@pytest.fixture
def now(monkeypatch) -> list[float]:
    """The throttles' clock; tests move it by changing ``now[0]``."""
    clock = [START]
    monkeypatch.setattr(throttling, "clock", lambda: clock[0])
    return clock


@pytest.fixture(autouse=True)
def real_limits(settings, now) -> None:
    settings.CACHES = project.CACHES
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": project.THROTTLE_RATES,
    }
    settings.SIGNIN_MAX_FAILURES = project.SIGNIN_MAX_FAILURES
    settings.SIGNIN_FAILURE_WINDOW = project.SIGNIN_FAILURE_WINDOW
    assert type(caches["default"]).__name__ == "DatabaseCache"


def used_up(scope: str, *ident: str, leave: int = 1) -> None:
    """Count a client's window as if it had made all but ``leave`` of its requests."""
    requests, seconds = limit_of(scope)
    slot, _left = throttling._slot(throttling.client_key(scope, *ident), seconds, START)
    cache.set(slot, requests - leave, seconds + 1)


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- The settings ----------------------------------------------------------------------------


def test_the_rates_leave_room_for_an_annotator_and_stop_a_flood():
    assert limit_of("user") == (1200, 60)
    assert limit_of("writes") == (300, 60)
    assert limit_of("login") == (10, 60)
    assert limit_of("anon") == (60, 60)
    assert (project.SIGNIN_MAX_FAILURES, project.SIGNIN_FAILURE_WINDOW) == (5, 900)


def test_the_cache_is_shared_redis_or_the_database_never_the_process(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    default = runpy.run_path(project.__file__)
    assert default["CACHES"]["default"]["BACKEND"].endswith("db.DatabaseCache")
    assert default["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/1")
    redis = runpy.run_path(project.__file__)["CACHES"]["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://cache.internal:6379/1"


# --- The API ---------------------------------------------------------------------------------


def test_the_user_limit_triggers_at_its_rate_and_resets(user, now):
    client = signed_in(user)
    used_up("user", str(user.pk))
    assert client.get("/api/projects/").status_code == 200  # the last one of the window
    refused = client.get("/api/projects/")
    assert refused.status_code == 429
    assert "throttled" in refused.json()["detail"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert signed_in(UserFactory()).get("/api/projects/").status_code == 200  # others go on
    now[0] += 60
    assert client.get("/api/projects/").status_code == 200


def test_the_write_limit_stops_writes_but_not_reads(document, members, now):
    annotator = members["annotator"]
    client = signed_in(annotator)
    body = {"document": document.pk, "quote": "Left unsaid.", "kind": "claim"}
    used_up("writes", str(annotator.pk))
    assert client.post("/api/tags/", body, format="json").status_code == 201
    assert client.post("/api/tags/", body, format="json").status_code == 429
    assert client.get("/api/tags/").status_code == 200
    now[0] += 60
    assert client.post("/api/tags/", body, format="json").status_code == 201


def _token(client: APIClient, username: str, password: str = WRONG, address: str = "10.0.0.1"):
    return client.post(
        "/api/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def test_the_token_endpoint_allows_ten_tries_per_username_and_address(user, now):
    client = APIClient()
    tries, _seconds = limit_of("login")
    assert all(_token(client, user.username).status_code == 400 for _ in range(tries))
    refused = _token(client, user.username, PASSWORD)
    assert refused.status_code == 429  # even with the right password
    assert _token(client, user.username, PASSWORD, address="10.0.0.2").status_code == 200
    assert _token(client, "someone-else").status_code == 400
    now[0] += 60
    assert _token(client, user.username, PASSWORD).status_code == 200


def test_anonymous_requests_are_limited_per_address(now):
    client = APIClient()
    used_up("anon", "10.0.0.1")
    assert _token(client, "a").status_code == 400
    assert _token(client, "b").status_code == 429
    assert _token(client, "c", address="10.0.0.9").status_code == 400
    now[0] += 60
    assert _token(client, "d").status_code == 400


def test_an_annotator_at_full_speed_is_never_throttled(document, members, now):
    """Two minutes of a fast annotator: a tag, a note and two reads every two seconds, and
    the page loaded again every thirty seconds."""
    annotator = members["annotator"]
    client = signed_in(annotator)
    statuses = []
    for step in range(60):
        now[0] = START + 2 * step
        if step % 15 == 0:  # the document page's requests
            for url in (
                f"/api/documents/{document.pk}/",
                f"/api/tags/?document={document.pk}",
                f"/api/links/?document={document.pk}",
                f"/api/reviews/?document={document.pk}",
                f"/api/documents/{document.pk}/map/",
            ):
                statuses.append(client.get(url).status_code)
        made = client.post(
            "/api/tags/",
            {"document": document.pk, "quote": f"Unstated premise {step}.", "kind": "claim"},
            format="json",
        )
        statuses.append(made.status_code)
        tag = made.json()["id"]
        statuses.append(client.patch(f"/api/tags/{tag}/", {"note": "why"}).status_code)
        statuses.append(client.get(f"/api/tags/{tag}/").status_code)
        statuses.append(client.get(f"/api/tags/{tag}/history/").status_code)
    assert 429 not in statuses
    assert set(statuses) <= {200, 201}
    # A minute of this uses well under half of either limit.
    used, _left = throttling.hits(throttling.client_key("user", str(annotator.pk)), 60)
    writes, _left = throttling.hits(throttling.client_key("writes", str(annotator.pk)), 60)
    assert used < limit_of("user")[0] / 2
    assert writes < limit_of("writes")[0] / 2


# --- The sign-in form ------------------------------------------------------------------------


def _sign_in(client, username: str, password: str = WRONG, address: str = "10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_the_sign_in_form_closes_after_five_failures_and_opens_again(client, user, now):
    for _ in range(project.SIGNIN_MAX_FAILURES):
        assert _sign_in(client, user.username).status_code == 200  # the form, with its error
    locked = _sign_in(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert locked["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session
    now[0] += project.SIGNIN_FAILURE_WINDOW
    assert _sign_in(client, user.username, PASSWORD).status_code == 302


def test_the_lock_is_per_username_and_address(client, user, now):
    for _ in range(project.SIGNIN_MAX_FAILURES):
        _sign_in(client, user.username)
    assert _sign_in(client, user.username, PASSWORD).status_code == 429
    other_place = _sign_in(client, user.username, PASSWORD, address="10.0.0.2")
    assert other_place.status_code == 302  # a guesser elsewhere cannot lock the user out
    other = UserFactory()
    assert _sign_in(client, other.username, PASSWORD).status_code == 302


def test_signing_in_clears_the_failures(client, user, now):
    for _ in range(project.SIGNIN_MAX_FAILURES - 1):
        _sign_in(client, user.username)
    assert _sign_in(client, user.username, PASSWORD).status_code == 302
    for _ in range(project.SIGNIN_MAX_FAILURES - 1):
        assert _sign_in(client, user.username).status_code == 200
