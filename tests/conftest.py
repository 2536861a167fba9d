"""Fixtures shared by every test: users in each role of one project, and API clients."""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from annotator.models import Document, Role
from tests.factories import DocumentFactory, MembershipFactory, ParagraphFactory, UserFactory


@pytest.fixture(autouse=True)
def _plain_http_and_fast_hashing(settings) -> None:
    # The test client speaks plain HTTP; the fast hasher keeps user creation cheap.
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _roomy_rate_limits(settings) -> Iterator[None]:
    """Count rate limits in memory, afresh in each test, with limits no test reaches.

    Suites make many requests as one user; tests/claims/api/test_throttles.py puts the real rates
    and the database cache back to test the limits themselves.
    """
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(settings.THROTTLE_RATES, "100000/min"),
    }
    settings.SIGNIN_MAX_FAILURES = 1000
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for() -> Callable[..., APIClient]:
    """Return a factory of API clients authenticated as a given user."""

    def make(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def document(db) -> Document:
    """A document of two paragraphs in a project of its own."""
    doc = DocumentFactory()
    ParagraphFactory(document=doc, position=0)
    ParagraphFactory(document=doc, position=1, text="India and China agreed to share intelligence.")
    return doc


@pytest.fixture
def members(document) -> dict:
    """One user per role in the document's project, plus an outsider."""
    users = {}
    for role in Role.values:
        users[role] = MembershipFactory(
            project=document.project, role=role, user__username=role
        ).user
    users["outsider"] = UserFactory(username="outsider")
    return users


@pytest.fixture(scope="session")
def api_routes() -> list[str]:
    """Every URL under /api/, with ``1`` for each id and ``someone`` for a username."""

    def walk(patterns, prefix: str) -> list[str]:
        urls = []
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                urls += walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                urls.append(prefix + route)
        return urls

    # Both apps include their routes under api/.
    apis = [p for p in get_resolver().url_patterns if str(p.pattern) == "api/"]
    concrete = set()
    for route in (r for api in apis for r in walk(api.url_patterns, "/api/")):
        if "<format>" in route:  # DRF's optional format suffixes repeat the same views
            continue
        url = route.replace("^", "").replace("$", "").replace("\\.", ".")
        url = re.sub(r"\(\?P<username>[^)]*\)|<(?:\w+:)?username>", "someone", url)
        url = re.sub(r"\(\?P<\w+>[^)]*\)|<(?:\w+:)?\w+>", "1", url)
        concrete.add(url)
    return sorted(concrete)


@pytest.fixture
def shared_dir() -> Path:
    """The project's ``shared/`` folder beside the checkout (the seed text, the W3C schemas).

    A checkout on its own skips the tests that compare with it; CI (``CI`` set) has it beside
    the clone, so there a missing folder fails instead of passing silently.
    """
    shared = Path(__file__).resolve().parents[2] / "shared"
    if not shared.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{shared} is missing: CI lays shared/ beside the clone.")
        pytest.skip(f"{shared} is not beside this checkout")
    return shared
