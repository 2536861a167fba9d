"""The permission table: every role against every endpoint and method, with the status expected.

Viewers read; annotators create tags, links and reviews and change only their own; curators and
owners change anyone's and manage documents; owners manage members. Non-members get 404 for
anything of the project (and do not see it in lists); anonymous callers get 401.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from annotator import services
from annotator.models import Document, Paragraph, Project, Role
from claims.models import Link, Review, Tag
from tests.factories import (
    LinkFactory,
    MembershipFactory,
    ReviewFactory,
    TagFactory,
    UserFactory,
)

ROLES = ("owner", "curator", "annotator", "viewer", "outsider", "anonymous")


@dataclass
class World:
    """One project with a member in each role; contributions are made on demand."""

    project: Project
    document: Document
    paragraph: Paragraph
    spare_paragraph: Paragraph
    users: dict
    base: tuple[Tag, Tag] = field(init=False)

    def __post_init__(self) -> None:
        third = self.users["third"]
        self.base = (
            TagFactory(paragraph=self.paragraph, author=third, start=0, end=11),
            TagFactory(paragraph=self.paragraph, author=third, start=15, end=23),
        )

    def _deleted(self, obj):
        obj.deleted_at = timezone.now()
        obj.save(update_fields=["deleted_at"])
        return obj

    def tag_by(self, who: str, *, deleted: bool = False) -> Tag:
        tag = TagFactory(paragraph=self.paragraph, author=self.users[who], start=24, end=32)
        return self._deleted(tag) if deleted else tag

    def link_by(self, who: str, *, deleted: bool = False) -> Link:
        link = LinkFactory(source=self.base[0], target=self.base[1], author=self.users[who])
        return self._deleted(link) if deleted else link

    def invitation_token(self) -> str:
        """A fresh link's token: each caller may use it up by joining."""
        made = services.invitation_create(
            actor=self.users["owner"], project=self.project, role=Role.VIEWER
        )
        return made.token

    def invitation_id(self) -> int:
        made = services.invitation_create(
            actor=self.users["owner"], project=self.project, role=Role.VIEWER
        )
        return made.invitation.pk

    def review_by(self, who: str, *, deleted: bool = False) -> Review:
        review = ReviewFactory(tag=self.base[0], reviewer=self.users[who])
        return self._deleted(review) if deleted else review


@pytest.fixture
def world(document, members) -> World:
    users = dict(members)
    for name in ("other", "third"):
        users[name] = MembershipFactory(
            project=document.project, role="annotator", user__username=name
        ).user
    users["newcomer"] = UserFactory(username="newcomer")
    return World(
        project=document.project,
        document=document,
        paragraph=document.paragraphs.get(position=0),
        spare_paragraph=document.paragraphs.get(position=1),
        users=users,
    )


def exported(w: World) -> dict:
    """The document's ``json`` export, as an owner would download it."""
    client = APIClient()
    client.force_authenticate(w.users["owner"])
    response = client.get(f"/api/documents/{w.document.pk}/export/?format=json")
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def own(role: str) -> str:
    """Whose contribution counts as the caller's own (anonymous callers own nothing)."""
    return "other" if role == "anonymous" else role


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[World, str], str]
    expected: dict
    body: Callable[[World], dict] | None = None


def statuses(**by_role: int) -> dict:
    assert set(by_role) == set(ROLES), by_role
    return by_role


# Common rows of the table.
READ = statuses(owner=200, curator=200, annotator=200, viewer=200, outsider=404, anonymous=401)
LIST = statuses(owner=200, curator=200, annotator=200, viewer=200, outsider=200, anonymous=401)
CONTRIBUTE = statuses(
    owner=201, curator=201, annotator=201, viewer=403, outsider=400, anonymous=401
)
EDIT_OWN = statuses(owner=200, curator=200, annotator=200, viewer=403, outsider=404, anonymous=401)
EDIT_ANY = statuses(owner=200, curator=200, annotator=403, viewer=403, outsider=404, anonymous=401)
DELETE_OWN = statuses(
    owner=204, curator=204, annotator=204, viewer=403, outsider=404, anonymous=401
)
DELETE_ANY = statuses(
    owner=204, curator=204, annotator=403, viewer=403, outsider=404, anonymous=401
)
OWNER_ONLY = statuses(
    owner=200, curator=403, annotator=403, viewer=403, outsider=404, anonymous=401
)


def contribution_cases(kind: str, make: str, create_body: Callable[[World], dict]) -> list[Case]:
    """The rows every contribution type (tags, links, reviews) shares."""
    url = f"/api/{kind}s/"

    def item(whose: Callable[[str], str], deleted: bool = False, suffix: str = ""):
        def build(w: World, role: str) -> str:
            obj = getattr(w, make)(whose(role), deleted=deleted)
            return f"{url}{obj.pk}/{suffix}"

        return build

    patch_body = {
        "tag": lambda w: {"kind": "opinion"},
        "link": lambda w: {"relation": "attacks"},
        "review": lambda w: {"verdict": "disagree"},
    }[kind]
    return [
        Case(f"{kind}s list", "get", lambda w, r: url, LIST),
        Case(f"{kind} detail", "get", item(lambda r: "other"), READ),
        Case(f"{kind} create", "post", lambda w, r: url, CONTRIBUTE, create_body),
        Case(f"{kind} patch own", "patch", item(own), EDIT_OWN, patch_body),
        Case(f"{kind} patch other's", "patch", item(lambda r: "other"), EDIT_ANY, patch_body),
        Case(f"{kind} delete own", "delete", item(own), DELETE_OWN),
        Case(f"{kind} delete other's", "delete", item(lambda r: "other"), DELETE_ANY),
        Case(f"{kind} restore own", "post", item(own, True, "restore/"), EDIT_OWN),
        Case(
            f"{kind} restore other's", "post", item(lambda r: "other", True, "restore/"), EDIT_ANY
        ),
        Case(f"{kind} history", "get", item(lambda r: "other", True, "history/"), READ),
    ]


CASES = [
    # Curators decide a tag's status.
    Case(
        "tag decision",
        "post",
        lambda w, r: f"/api/tags/{w.tag_by('other').pk}/decision/",
        EDIT_ANY,
        lambda w: {"status": "accepted"},
    ),
    # ... merge near-duplicates into one accepted tag; members read a tag's discussion.
    Case(
        "tag merge",
        "post",
        lambda w, r: "/api/tags/merge/",
        EDIT_ANY,
        lambda w: {
            "tags": [
                w.base[0].pk,
                TagFactory(paragraph=w.paragraph, author=w.users["other"], start=5, end=15).pk,
            ]
        },
    ),
    Case("tag discussion", "get", lambda w, r: f"/api/tags/{w.base[0].pk}/discussion/", READ),
    Case(
        "document agreement", "get", lambda w, r: f"/api/documents/{w.document.pk}/agreement/", READ
    ),
    # The argument map: every member reads it, in every view.
    Case("document map", "get", lambda w, r: f"/api/documents/{w.document.pk}/map/", READ),
    Case("document changes", "get", lambda w, r: f"/api/documents/{w.document.pk}/changes/", READ),
    # Progress: members read everyone's; contributors mark the document done for themselves.
    Case(
        "document progress", "get", lambda w, r: f"/api/documents/{w.document.pk}/progress/", READ
    ),
    Case(
        "document state",
        "post",
        lambda w, r: f"/api/documents/{w.document.pk}/state/",
        statuses(owner=200, curator=200, annotator=200, viewer=403, outsider=404, anonymous=401),
        lambda w: {"state": "done"},
    ),
    Case(
        "document map, one author, accepted only",
        "get",
        lambda w, r: f"/api/documents/{w.document.pk}/map/?author=third&status=accepted",
        READ,
    ),
    Case(
        "project review thresholds",
        "patch",
        lambda w, r: f"/api/projects/{w.project.pk}/",
        OWNER_ONLY,
        lambda w: {"accept_after_agrees": 3, "reject_after_disagrees": 0},
    ),
    # Projects and members.
    Case("projects list", "get", lambda w, r: "/api/projects/", LIST),
    Case("project detail", "get", lambda w, r: f"/api/projects/{w.project.pk}/", READ),
    Case(
        "project create",
        "post",
        lambda w, r: "/api/projects/",
        statuses(owner=201, curator=201, annotator=201, viewer=201, outsider=201, anonymous=401),
        lambda w: {"name": "Another project"},
    ),
    Case(
        "project patch",
        "patch",
        lambda w, r: f"/api/projects/{w.project.pk}/",
        OWNER_ONLY,
        lambda w: {"description": "Changed"},
    ),
    Case("members list", "get", lambda w, r: f"/api/projects/{w.project.pk}/members/", READ),
    Case(
        "member add",
        "post",
        lambda w, r: f"/api/projects/{w.project.pk}/members/",
        {**OWNER_ONLY, "owner": 201},
        lambda w: {"user": "newcomer", "role": "viewer"},
    ),
    Case(
        "member patch",
        "patch",
        lambda w, r: f"/api/projects/{w.project.pk}/members/other/",
        OWNER_ONLY,
        lambda w: {"role": "viewer"},
    ),
    Case(
        "member delete",
        "delete",
        lambda w, r: f"/api/projects/{w.project.pk}/members/other/",
        {**OWNER_ONLY, "owner": 204},
    ),
    # Invitations: owners make, list and revoke them; anyone signed in accepts one.
    Case(
        "invitations list",
        "get",
        lambda w, r: f"/api/projects/{w.project.pk}/invitations/",
        OWNER_ONLY,
    ),
    Case(
        "invitation create",
        "post",
        lambda w, r: f"/api/projects/{w.project.pk}/invitations/",
        {**OWNER_ONLY, "owner": 201},
        lambda w: {"role": "annotator", "uses": 5, "expires_in_days": 7},
    ),
    Case(
        "invitation revoke",
        "delete",
        lambda w, r: f"/api/projects/{w.project.pk}/invitations/{w.invitation_id()}/",
        {**OWNER_ONLY, "owner": 204},
    ),
    Case(
        "invitation accept",
        "post",
        lambda w, r: f"/api/invitations/{w.invitation_token()}/accept/",
        # Members keep their role (still 200); an outsider joins.
        statuses(owner=200, curator=200, annotator=200, viewer=200, outsider=200, anonymous=401),
    ),
    # Documents and paragraphs.
    Case("documents list", "get", lambda w, r: "/api/documents/", LIST),
    Case("document detail", "get", lambda w, r: f"/api/documents/{w.document.pk}/", READ),
    Case(
        "document create",
        "post",
        lambda w, r: "/api/documents/",
        # Outsiders cannot name the project: it reads as missing, like one that does not exist.
        statuses(owner=201, curator=201, annotator=403, viewer=403, outsider=400, anonymous=401),
        lambda w: {"project": w.project.pk, "title": "New", "paragraphs": ["One.", "Two."]},
    ),
    Case(
        "document patch",
        "patch",
        lambda w, r: f"/api/documents/{w.document.pk}/",
        EDIT_ANY,
        lambda w: {"title": "Renamed"},
    ),
    Case("document delete", "delete", lambda w, r: f"/api/documents/{w.document.pk}/", DELETE_ANY),
    Case("paragraphs list", "get", lambda w, r: "/api/paragraphs/", LIST),
    Case("paragraph detail", "get", lambda w, r: f"/api/paragraphs/{w.paragraph.pk}/", READ),
    Case(
        "paragraph patch",
        "patch",
        lambda w, r: f"/api/paragraphs/{w.spare_paragraph.pk}/",
        EDIT_ANY,
        lambda w: {"text": "A corrected paragraph."},
    ),
    # Export and import.
    Case(
        "document export",
        "get",
        lambda w, r: f"/api/documents/{w.document.pk}/export/?format=json",
        READ,
    ),
    *(
        Case(
            f"project export {fmt}",
            "get",
            lambda w, r, fmt=fmt: f"/api/projects/{w.project.pk}/export/?format={fmt}",
            READ,
        )
        for fmt in ("json", "w3c", "aif")
    ),
    Case(
        "project import",
        "post",
        lambda w, r: f"/api/projects/{w.project.pk}/import/",
        statuses(owner=201, curator=201, annotator=403, viewer=403, outsider=404, anonymous=401),
        lambda w: exported(w),
    ),
    # Contributions.
    *contribution_cases(
        "tag",
        "tag_by",
        lambda w: {"paragraph": w.paragraph.pk, "start": 0, "end": 11, "kind": "claim"},
    ),
    *contribution_cases(
        "link",
        "link_by",
        lambda w: {"source": w.base[1].pk, "target": w.base[0].pk, "relation": "supports"},
    ),
    *contribution_cases("review", "review_by", lambda w: {"tag": w.base[0].pk, "verdict": "agree"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_permission_table(world: World, case: Case, role: str) -> None:
    client = APIClient()
    if role != "anonymous":
        client.force_authenticate(world.users[role])
    url = case.url(world, role)
    body = case.body(world) if case.body else None
    response = getattr(client, case.method)(url, body, format="json")
    expected = case.expected[role]
    assert response.status_code == expected, (case.name, role, response.content)
    if expected == 401:
        assert response.headers["WWW-Authenticate"].startswith("Token")


@pytest.mark.django_db
def test_the_table_covers_every_route(world: World, api_routes: list[str]) -> None:
    """A new endpoint under /api/ needs a row here (only the public three are exempt)."""
    shapes = set()
    for case in CASES:
        with transaction.atomic():  # each row makes its own objects; undo them after
            url = case.url(world, "annotator").split("?")[0]
            transaction.set_rollback(True)
        url = re.sub(r"/members/[^/]+/", "/members/someone/", url)
        url = re.sub(r"^/api/invitations/[^/]+/", "/api/invitations/1/", url)
        shapes.add(re.sub(r"/\d+/", "/1/", url))
    public = {"/api/auth/token/", "/api/schema/", "/api/docs/"}
    assert set(api_routes) - public - shapes == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "endpoint", ["projects", "documents", "paragraphs", "tags", "links", "reviews"]
)
@pytest.mark.parametrize("role", ["owner", "curator", "annotator", "viewer", "outsider"])
def test_lists_show_the_project_to_members_only(world: World, endpoint: str, role: str) -> None:
    world.link_by("other")
    world.review_by("other")
    client = APIClient()
    client.force_authenticate(world.users[role])
    count = client.get(f"/api/{endpoint}/").json()["count"]
    assert (count > 0) == (role != "outsider"), (endpoint, role, count)
