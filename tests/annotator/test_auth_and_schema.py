"""Authentication (token and session with CSRF), 401 for anonymous callers, the OpenAPI schema."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"  # what UserFactory sets


# --- Token -----------------------------------------------------------------------------------


def test_token_endpoint_returns_a_token_that_authenticates(api_client, document):
    user = MembershipFactory(project=document.project, role="viewer").user
    response = api_client.post(
        "/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert token == Token.objects.get(user=user).key

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = client.get("/api/projects/")
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["results"]] == [document.project_id]
    # Tokens need no CSRF token, even for writes.
    created = client.post("/api/projects/", {"name": "By token"}, format="json")
    assert created.status_code == 201


def test_token_endpoint_takes_a_form_too(api_client, user):
    response = api_client.post(
        "/api/auth/token/", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    # The same user gets the same token again.
    again = api_client.post("/api/auth/token/", {"username": user.username, "password": PASSWORD})
    assert again.json()["token"] == response.json()["token"]


def test_a_stale_token_does_not_block_fetching_a_new_one(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token stale-or-revoked")
    response = client.post(
        "/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=user).key


@pytest.mark.parametrize(
    "body",
    [
        {"username": "user-x", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "user-x"},
        {},
    ],
)
def test_token_endpoint_refuses_bad_credentials(api_client, body):
    UserFactory(username="user-x")
    response = api_client.post("/api/auth/token/", body, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert Token.objects.count() == 0


@pytest.mark.parametrize("header", ["Token not-a-real-token", "Token ", "Token a b", "Bearer x"])
def test_a_bad_token_answers_401(user, header):
    Token.objects.create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/projects/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_an_inactive_users_token_answers_401(user):
    token = Token.objects.create(user=user)
    user.is_active = False
    user.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/projects/").status_code == 401


# --- Session and CSRF ----------------------------------------------------------------------------


@pytest.fixture
def session_client(user) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_session_reads_without_a_csrf_token(session_client, user):
    project = MembershipFactory(user=user, role="viewer").project
    response = session_client.get("/api/projects/")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()["results"]] == [project.pk]


@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_session_writes_need_a_csrf_token(session_client, user, method):
    project = MembershipFactory(user=user, role="owner").project
    url = "/api/projects/" if method == "post" else f"/api/projects/{project.pk}/"
    response = getattr(session_client, method)(url, {"name": "Forged"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    project.refresh_from_db()
    assert project.name != "Forged"
    assert user.projects.count() == 1


def test_session_write_with_the_csrf_token_succeeds(session_client):
    # Any page that renders a form sets the cookie; here it is set directly.
    secret = "a" * 32
    session_client.cookies["csrftoken"] = secret
    response = session_client.post(
        "/api/projects/", {"name": "Mine"}, format="json", HTTP_X_CSRFTOKEN=secret
    )
    assert response.status_code == 201, response.content
    wrong = session_client.post(
        "/api/projects/", {"name": "Mine"}, format="json", HTTP_X_CSRFTOKEN="b" * 32
    )
    assert wrong.status_code == 403


# --- Anonymous callers -------------------------------------------------------------------------

PUBLIC = {"/api/auth/token/", "/api/schema/", "/api/docs/"}


def test_the_route_list_is_complete(api_routes):
    assert {
        "/api/projects/",
        "/api/tags/1/restore/",
        "/api/projects/1/members/someone/",
        "/api/documents/1/export/",
    } <= set(api_routes)
    assert set(api_routes) >= PUBLIC


def test_anonymous_callers_get_401_everywhere_else(api_client, document, api_routes):
    wrong = []
    for url in sorted(set(api_routes) - PUBLIC):
        # DRF authenticates before it looks at the method, so even a method a route does not
        # offer answers 401: an anonymous caller learns nothing about the API.
        for method in ("get", "post", "patch", "put", "delete"):
            response = getattr(api_client, method)(url, {}, format="json")
            if response.status_code != 401 or response.headers["WWW-Authenticate"] != "Token":
                wrong.append((method, url, response.status_code))
    assert wrong == []


def test_anonymous_callers_get_401_on_a_real_project(api_client, document):
    for url in (
        f"/api/projects/{document.project_id}/",
        f"/api/documents/{document.pk}/",
        f"/api/projects/{document.project_id}/members/",
    ):
        assert api_client.get(url).status_code == 401


# --- Schema and docs -----------------------------------------------------------------------------


def test_schema_is_public_and_valid_openapi_3(api_client):
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # drf-spectacular's own OpenAPI 3 JSON-schema check
    paths = schema["paths"]
    for path in (
        "/api/projects/",
        "/api/projects/{id}/members/",
        "/api/documents/",
        "/api/tags/",
        "/api/links/",
        "/api/reviews/",
        "/api/auth/token/",
    ):
        assert path in paths, path
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_describes_the_tag_fields(api_client):
    schema = json.loads(api_client.get("/api/schema/?format=json").content)
    tag = schema["components"]["schemas"]["Tag"]["properties"]
    for name in (
        "document",
        "paragraph",
        "start",
        "end",
        "quote",
        "prefix",
        "suffix",
        "kind",
        "note",
        "author",
        "created_at",
        "updated_at",
        "agree",
        "disagree",
    ):
        assert name in tag, name
    request = schema["components"]["schemas"]["TagRequest"]
    # A span tag sends paragraph/start/end, an implicit statement document/quote: only kind is
    # always required, and the serializer explains which set is missing.
    assert set(request["required"]) == {"kind"}
    assert {"paragraph", "start", "end", "document", "quote"} <= set(request["properties"])
    tag_filters = {p["name"] for p in paths_get(schema, "/api/tags/")["parameters"]}
    assert {"document", "paragraph", "kind", "author", "page_size"} <= tag_filters


def test_schema_responses_match_what_the_views_return(api_client):
    schema = json.loads(api_client.get("/api/schema/?format=json").content)

    def response_ref(path: str, method: str, code: str) -> str:
        content = schema["paths"][path][method]["responses"][code]["content"]
        return content["application/json"]["schema"].get("$ref", "")

    assert response_ref("/api/projects/{id}/members/", "post", "201").endswith("/Member")
    assert response_ref("/api/documents/", "post", "201").endswith("/DocumentDetail")
    assert response_ref("/api/tags/", "post", "201").endswith("/Tag")
    assert response_ref("/api/tags/{id}/restore/", "post", "200").endswith("/Tag")
    assert response_ref("/api/auth/token/", "post", "200").endswith("/AuthToken")
    # The token endpoint needs no credentials; everything else does.
    assert schema["paths"]["/api/auth/token/"]["post"]["security"] == [{}]
    assert {} not in schema["paths"]["/api/tags/"]["get"]["security"]


def paths_get(schema: dict, path: str) -> dict:
    return schema["paths"][path]["get"]


def test_spectacular_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    # --fail-on-warn turns every warning (an unresolvable serializer, a guessed type) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert out.read_text().startswith("openapi: 3.")


def test_docs_page_is_public_and_self_hosted(api_client):
    response = api_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html.lower()
    for cdn in ("cdn.", "jsdelivr", "unpkg", "cdnjs", "googleapis"):
        assert cdn not in html, cdn
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    scripts = [a for a in assets if a.endswith(".js")]
    assert scripts, html
    for asset in assets:
        assert not asset.startswith(("http:", "https:", "//")), asset
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset
    # The page's own script is a file too (no inline script, so the CSP can forbid it).
    assert "<script>" not in html
    script = api_client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()
