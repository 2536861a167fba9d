"""Fixtures shared by every test: users in each role of one project, and API clients."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from annotator.models import Document, Role
from tests.factories import DocumentFactory, MembershipFactory, ParagraphFactory, UserFactory


@pytest.fixture(autouse=True)
def _plain_http_and_fast_hashing(settings) -> None:
    # The test client speaks plain HTTP; the fast hasher keeps user creation cheap.
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
