"""Isolation: a member of another project learns nothing about this project's objects.

For every API route and method, what an outsider gets for this project's objects is exactly
what they get for ids that do not exist (a 404, or a 405 for a method the route lacks), and
no response carries any of the project's text.
"""

import re

import pytest
from rest_framework.test import APIClient

from annotator import services
from annotator.models import Role
from tests.factories import (
    DocumentFactory,
    LinkFactory,
    MembershipFactory,
    ParagraphFactory,
    ReviewFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRETS = [
    "Victim title",
    "Victim byline",
    "vault holds the plan",
    "victim-owner",
    "victim-annotator",
    "secret tag note",
    "secret link note",
    "secret review comment",
    "secret project",
]
METHODS = ["get", "post", "patch", "delete"]
NOWHERE = 10**12  # an id nothing has


@pytest.fixture
def victim() -> dict:
    """A project with one of everything, and the ids to put into each route."""
    owner = UserFactory(username="victim-owner")
    annotator = UserFactory(username="victim-annotator")
    document = DocumentFactory(
        title="Victim title", byline="Victim byline", project__name="A secret project"
    )
    MembershipFactory(project=document.project, user=owner, role=Role.OWNER)
    MembershipFactory(project=document.project, user=annotator, role=Role.ANNOTATOR)
    paragraph = ParagraphFactory(
        document=document, position=0, text="The vault holds the plan for the alliance."
    )
    tag = TagFactory(paragraph=paragraph, author=annotator, note="secret tag note")
    other = TagFactory(paragraph=paragraph, author=owner, start=16, end=24)
    link = LinkFactory(source=tag, target=other, author=annotator, note="secret link note")
    review = ReviewFactory(
        tag=other, reviewer=annotator, verdict="disagree", comment="secret review comment"
    )
    invitation = services.invitation_create(
        actor=owner, project=document.project, role=Role.VIEWER
    ).invitation
    return {
        "owner": owner,
        "ids": {
            "projects": document.project_id,
            # The accept route takes a token there; the id stands for one nobody has.
            "invitations": invitation.pk,
            "documents": document.pk,
            "paragraphs": paragraph.pk,
            "tags": tag.pk,
            "links": link.pk,
            "reviews": review.pk,
        },
        "username": annotator.username,
        "other_tag": other.pk,
    }


@pytest.fixture
def outsider() -> APIClient:
    """An owner of another project, with a document and a tag of their own."""
    user = UserFactory(username="outsider")
    document = DocumentFactory(title="Outsider's own")
    MembershipFactory(project=document.project, user=user, role=Role.OWNER)
    TagFactory(paragraph=ParagraphFactory(document=document), author=user)
    client = APIClient()
    client.force_authenticate(user)
    return client


def concrete(route: str, ids: dict, username: str) -> str:
    """Put the ids (and the username) into a route of the ``api_routes`` fixture."""
    parts = route.strip("/").split("/")
    out = []
    for i, part in enumerate(parts):
        if part == "1":
            out.append(str(ids[parts[i - 1]]))
        elif part == "someone":
            out.append(username)
        else:
            out.append(part)
    return "/" + "/".join(out) + "/"


def with_ids(route: str) -> bool:
    return "/1/" in route


def call(client: APIClient, method: str, url: str, body: dict | None = None):
    if method in {"post", "patch"}:
        return getattr(client, method)(url, body or {}, format="json")
    return getattr(client, method)(url)


def text_of(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def assert_no_secrets(response, where: str) -> None:
    text = text_of(response)
    leaked = [secret for secret in SECRETS if secret.lower() in text.lower()]
    assert not leaked, f"{where} answered {response.status_code} with {leaked}: {text[:300]}"


def test_every_route_with_an_id_answers_as_if_the_object_did_not_exist(
    api_routes, victim, outsider
):
    nowhere = dict.fromkeys(victim["ids"], NOWHERE)
    routes = [route for route in api_routes if with_ids(route)]
    assert len(routes) >= 15  # the fixture found the routes
    for route in routes:
        real = concrete(route, victim["ids"], victim["username"])
        fake = concrete(route, nowhere, "nobody-here")
        statuses = set()
        for method in METHODS:
            seen = call(outsider, method, real)
            expected = call(outsider, method, fake)
            where = f"{method.upper()} {route}"
            assert seen.status_code in {404, 405}, f"{where}: {seen.status_code} {text_of(seen)}"
            assert (seen.status_code, text_of(seen)) == (
                expected.status_code,
                text_of(expected),
            ), where
            assert_no_secrets(seen, where)
            statuses.add(seen.status_code)
        assert 404 in statuses, route


def test_the_ids_used_are_real_for_a_member(api_routes, victim, client_for):
    """The outsider's 404s above mean something: the project's owner reads every route."""
    owner = client_for(victim["owner"])
    readable = [r for r in api_routes if with_ids(r) and not r.endswith(("restore/", "import/"))]
    for route in readable:
        if route.endswith(("decision/", "members/someone/", "accept/", "state/")) or re.search(
            r"/invitations/1/$", route
        ):
            continue  # writes only
        response = call(owner, "get", concrete(route, victim["ids"], victim["username"]))
        assert response.status_code == 200, f"GET {route}: {response.status_code}"
        # Something of the victim's project is in every answer, not an empty shell (histories
        # may be empty: factories write rows without history).
        body = b"".join(response.streaming_content) if response.streaming else response.content
        empty = {b"", b"{}"} if route.endswith("history/") else {b"", b"{}", b"[]"}
        assert body.strip() not in empty, f"GET {route}: {body[:80]!r}"


def test_lists_and_references_reveal_nothing(api_routes, victim, outsider):
    ids = victim["ids"]
    for route in [r for r in api_routes if not with_ids(r)]:
        assert_no_secrets(call(outsider, "get", route), f"GET {route}")
    filtered = [
        f"/api/tags/?document={ids['documents']}",
        f"/api/tags/?paragraph={ids['paragraphs']}",
        f"/api/links/?document={ids['documents']}",
        f"/api/reviews/?tag={victim['other_tag']}",
        f"/api/paragraphs/?document={ids['documents']}",
        f"/api/documents/?project={ids['projects']}",
    ]
    for url in filtered:
        response = outsider.get(url)
        assert response.status_code in {200, 400}, url
        if response.status_code == 200:
            assert response.json()["results"] == [], url
        assert_no_secrets(response, f"GET {url}")


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/tags/", lambda v: {"paragraph": v["paragraphs"], "start": 0, "end": 3}),
        ("/api/tags/", lambda v: {"document": v["documents"], "quote": "x", "kind": "claim"}),
        ("/api/links/", lambda v: {"source": v["tags"], "target": v["tags"]}),
        ("/api/links/", lambda v: {"source": v["tags"], "target_link": v["links"]}),
        ("/api/reviews/", lambda v: {"tag": v["tags"], "verdict": "agree"}),
        ("/api/documents/", lambda v: {"project": v["projects"], "title": "x", "text": "y"}),
        ("/api/tags/merge/", lambda v: {"tags": [v["tags"], v["tags"] + 1]}),
    ],
)
def test_references_to_its_objects_read_like_missing_ids(victim, outsider, url, body):
    ids = victim["ids"]
    seen = outsider.post(url, body(ids), format="json")
    fake_ids = {name: NOWHERE + i for i, name in enumerate(ids)}
    expected = outsider.post(url, body(fake_ids), format="json")
    assert seen.status_code == expected.status_code, seen.content
    # The ids sent come back in the messages; apart from them nothing may differ.
    assert re.sub(r"\d+", "N", text_of(seen)) == re.sub(r"\d+", "N", text_of(expected))
    assert_no_secrets(seen, url)


@pytest.mark.parametrize(
    ("route", "parameter", "kind"),
    [
        ("/api/tags/", "document", "documents"),
        ("/api/tags/", "paragraph", "paragraphs"),
        ("/api/links/", "document", "documents"),
        ("/api/links/", "source", "tags"),
        ("/api/links/", "target", "tags"),
        ("/api/links/", "target_link", "links"),
        ("/api/reviews/", "document", "documents"),
        ("/api/reviews/", "tag", "tags"),
        ("/api/paragraphs/", "document", "documents"),
        ("/api/documents/", "project", "projects"),
    ],
)
def test_a_filter_by_id_answers_alike_for_a_foreign_and_a_missing_id(
    victim, outsider, route, parameter, kind
):
    """Filtering by another project's id tells nothing, not even that the id exists."""
    real = outsider.get(f"{route}?{parameter}={victim['ids'][kind]}")
    missing = outsider.get(f"{route}?{parameter}={NOWHERE}")
    assert (real.status_code, real.json()) == (missing.status_code, missing.json())
    assert real.status_code == 200
    assert real.json()["results"] == []
