"""Projects and their members: creation, visibility, roles and the last-owner rule."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from annotator import services
from annotator.models import Membership, Project
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@contextmanager
def raises_integrity() -> Iterator[None]:
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


def members_of(project: Project) -> dict[str, str]:
    return dict(project.memberships.values_list("user__username", "role"))


@pytest.fixture
def owner_client(members, client_for):
    return client_for(members["owner"])


# --- Projects --------------------------------------------------------------------------------


def test_any_signed_in_user_creates_a_project_and_owns_it(user, client_for):
    response = client_for(user).post(
        "/api/projects/", {"name": "Op-eds 2026", "description": "Spring"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["slug"], body["role"]) == ("Op-eds 2026", "op-eds-2026", "owner")
    assert members_of(Project.objects.get(pk=body["id"])) == {user.username: "owner"}


def test_generated_slugs_do_not_clash(user, client_for):
    client = client_for(user)
    slugs = [client.post("/api/projects/", {"name": "Same"}).json()["slug"] for _ in range(3)]
    assert slugs == ["same", "same-2", "same-3"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Fine", "slug": "not a slug!"}, "slug"),
        ({"name": "Fine", "slug": "taken"}, "slug"),
    ],
)
def test_create_refuses_with_a_message_naming_the_field(user, client_for, body, field):
    ProjectFactory(slug="taken")
    before = (Project.objects.count(), Membership.objects.count())
    response = client_for(user).post("/api/projects/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert (Project.objects.count(), Membership.objects.count()) == before


def test_list_shows_only_your_projects_with_your_role(members, client_for, document):
    elsewhere = MembershipFactory(user=members["viewer"], role="owner").project
    ProjectFactory()  # nobody here is a member
    listed = client_for(members["viewer"]).get("/api/projects/").json()["results"]
    assert {(p["id"], p["role"]) for p in listed} == {
        (document.project_id, "viewer"),
        (elsewhere.pk, "owner"),
    }
    assert client_for(members["outsider"]).get("/api/projects/").json()["count"] == 0


def test_non_members_cannot_tell_a_project_exists(members, client_for, document):
    outsider = client_for(members["outsider"])
    for url in (f"/api/projects/{document.project_id}/", "/api/projects/987654/"):
        response = outsider.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "No Project matches the given query."}


def test_owner_updates_the_project(owner_client, document):
    response = owner_client.patch(
        f"/api/projects/{document.project_id}/", {"description": "Changed"}, format="json"
    )
    assert response.status_code == 200
    assert Project.objects.get(pk=document.project_id).description == "Changed"


def test_update_to_a_taken_slug_is_refused(owner_client, document):
    ProjectFactory(slug="taken")
    response = owner_client.patch(
        f"/api/projects/{document.project_id}/", {"slug": "taken"}, format="json"
    )
    assert response.status_code == 400
    assert "slug" in response.json()


# --- Members ---------------------------------------------------------------------------------


def test_members_are_read_as_user_and_role(members, client_for, document):
    response = client_for(members["viewer"]).get(f"/api/projects/{document.project_id}/members/")
    assert response.status_code == 200
    assert response.json() == [
        {"user": "annotator", "role": "annotator"},
        {"user": "curator", "role": "curator"},
        {"user": "owner", "role": "owner"},
        {"user": "viewer", "role": "viewer"},
    ]


def test_owner_adds_changes_and_removes_a_member(owner_client, document):
    UserFactory(username="newcomer")
    url = f"/api/projects/{document.project_id}/members/"
    response = owner_client.post(url, {"user": "newcomer", "role": "viewer"}, format="json")
    assert response.status_code == 201
    assert response.json() == {"user": "newcomer", "role": "viewer"}
    response = owner_client.patch(f"{url}newcomer/", {"role": "curator"}, format="json")
    assert response.json() == {"user": "newcomer", "role": "curator"}
    assert members_of(document.project)["newcomer"] == "curator"
    assert owner_client.delete(f"{url}newcomer/").status_code == 204
    assert "newcomer" not in members_of(document.project)


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"user": "nobody", "role": "viewer"}, "user", "no user named 'nobody'"),
        ({"user": "outsider", "role": "boss"}, "role", "not a valid choice"),
        ({"user": "outsider"}, "role", "required"),
        ({"role": "viewer"}, "user", "required"),
    ],
)
def test_adding_a_member_refuses_with_a_message_naming_the_field(
    owner_client, document, body, field, fragment
):
    before = members_of(document.project)
    response = owner_client.post(
        f"/api/projects/{document.project_id}/members/", body, format="json"
    )
    assert response.status_code == 400
    assert fragment in " ".join(response.json()[field])
    assert members_of(document.project) == before


@pytest.mark.parametrize("username", ["outsider", "nobody"])
def test_only_members_are_addressable(owner_client, document, username):
    url = f"/api/projects/{document.project_id}/members/{username}/"
    before = members_of(document.project)
    assert owner_client.delete(url).status_code == 404
    # Changing the role of a non-member does not quietly add them: that is a POST to members/.
    assert owner_client.patch(url, {"role": "viewer"}, format="json").status_code == 404
    assert members_of(document.project) == before


def test_service_refuses_removing_a_non_member(members, document):
    with pytest.raises(ValidationError, match="not a member"):
        services.membership_remove(
            actor=members["owner"], project=document.project, username="outsider"
        )


@pytest.mark.parametrize("role", ["curator", "annotator", "viewer"])
def test_members_may_leave(members, client_for, document, role):
    response = client_for(members[role]).delete(
        f"/api/projects/{document.project_id}/members/{role}/"
    )
    assert response.status_code == 204
    assert role not in members_of(document.project)


def test_members_may_not_change_their_own_role(members, client_for, document):
    response = client_for(members["viewer"]).patch(
        f"/api/projects/{document.project_id}/members/viewer/", {"role": "owner"}, format="json"
    )
    assert response.status_code == 403
    assert members_of(document.project)["viewer"] == "viewer"


# --- The last owner ----------------------------------------------------------------------------


def test_the_last_owner_cannot_be_demoted(owner_client, document):
    response = owner_client.patch(
        f"/api/projects/{document.project_id}/members/owner/", {"role": "curator"}, format="json"
    )
    assert response.status_code == 400
    assert "at least one owner" in response.json()["role"][0]
    assert members_of(document.project)["owner"] == "owner"


def test_the_last_owner_cannot_be_removed_or_leave(owner_client, document):
    response = owner_client.delete(f"/api/projects/{document.project_id}/members/owner/")
    assert response.status_code == 400
    assert "at least one owner" in response.json()["user"][0]
    assert members_of(document.project)["owner"] == "owner"


def test_with_two_owners_one_may_step_down(owner_client, members, document):
    url = f"/api/projects/{document.project_id}/members/"
    assert owner_client.patch(f"{url}curator/", {"role": "owner"}).status_code == 200
    assert owner_client.patch(f"{url}owner/", {"role": "viewer"}).status_code == 200
    assert members_of(document.project)["owner"] == "viewer"
    # The former owner is now a viewer and can no longer manage members.
    assert owner_client.patch(f"{url}curator/", {"role": "viewer"}).status_code == 403


def test_an_owner_may_remove_another_owner_but_not_the_last(owner_client, members, document):
    url = f"/api/projects/{document.project_id}/members/"
    assert owner_client.patch(f"{url}curator/", {"role": "owner"}).status_code == 200
    assert owner_client.delete(f"{url}curator/").status_code == 204
    assert owner_client.delete(f"{url}owner/").status_code == 400


def test_services_keep_the_last_owner(members, document):
    owner, project = members["owner"], document.project
    with pytest.raises(ValidationError):
        services.membership_set(actor=owner, project=project, username="owner", role="viewer")
    with pytest.raises(ValidationError):
        services.membership_remove(actor=owner, project=project, username="owner")
    with pytest.raises(PermissionDenied):
        services.membership_set(
            actor=members["curator"], project=project, username="viewer", role="owner"
        )
    assert members_of(project)["owner"] == "owner"


# --- Membership constraints at the database -----------------------------------------------------


def test_db_refuses_an_unknown_role(document):
    with raises_integrity():
        MembershipFactory(project=document.project, role="boss")


def test_db_refuses_two_memberships_of_one_user(members, document):
    with raises_integrity():
        Membership.objects.create(user=members["viewer"], project=document.project, role="owner")


def test_db_refuses_a_duplicate_slug(document):
    with raises_integrity():
        ProjectFactory(slug=document.project.slug)
