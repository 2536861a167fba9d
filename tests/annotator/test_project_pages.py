"""The project administration pages: a new project, its members and its settings."""

import pytest
from django.test import Client

from annotator.models import Membership, Project, Role
from tests.clients import client_as, notices
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

WHO = ["owner", "curator", "annotator", "viewer", "outsider", "anonymous"]


def roles(project: Project) -> dict[str, str]:
    return dict(Membership.objects.filter(project=project).values_list("user__username", "role"))


# --- Who may open and post to each page ------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("curator", 200),
        ("annotator", 200),
        ("viewer", 200),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_members_page_is_for_members(document, members, who, status):
    response = client_as(members, who).get(f"/projects/{document.project.pk}/members/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")
    if status == 200:
        html = response.content.decode()
        assert all(f'data-member="{name}"' in html for name in Role.values)
        assert ('id="add-username"' in html) is (who == "owner")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("curator", 403),
        ("annotator", 403),
        ("viewer", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_settings_page_is_for_owners(document, members, who, status):
    response = client_as(members, who).get(f"/projects/{document.project.pk}/settings/")
    assert response.status_code == status


@pytest.mark.parametrize(("who", "status"), [("owner", 200), ("outsider", 200), ("anonymous", 302)])
def test_new_project_page_is_for_anyone_signed_in(document, members, who, status):
    assert client_as(members, who).get("/projects/new/").status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 302),
        ("curator", 403),
        ("annotator", 403),
        ("viewer", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
@pytest.mark.parametrize(
    "form",
    [
        {"action": "add", "username": "newcomer", "role": "annotator"},
        {"action": "role", "username": "extra", "role": "curator"},
        {"action": "remove", "username": "extra"},
    ],
)
def test_member_changes_are_for_owners(document, members, who, status, form):
    """Changes to someone else's membership (leaving is tested below)."""
    UserFactory(username="newcomer")
    project = document.project
    MembershipFactory(project=project, role=Role.VIEWER, user__username="extra")
    before = roles(project)
    response = client_as(members, who).post(f"/projects/{project.pk}/members/", form)
    assert response.status_code == status
    if who == "owner":
        assert roles(project) != before
    else:
        assert roles(project) == before
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 302),
        ("curator", 403),
        ("annotator", 403),
        ("viewer", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_settings_changes_are_for_owners(document, members, who, status):
    project = document.project
    form = {
        "name": "Renamed",
        "description": "",
        "accept_after_agrees": "3",
        "reject_after_disagrees": "4",
    }
    response = client_as(members, who).post(f"/projects/{project.pk}/settings/", form)
    assert response.status_code == status
    project.refresh_from_db()
    assert (project.name == "Renamed") is (who == "owner")


def test_anonymous_cannot_create_a_project(db):
    response = Client().post("/projects/new/", {"name": "Sneaky"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Project.objects.exists()


# --- What each page does ---------------------------------------------------------------------


def test_new_project_makes_the_creator_owner_with_a_slug_from_the_name(user):
    client = Client()
    client.force_login(user)
    response = client.post("/projects/new/", {"name": "Climate op-eds", "description": "Why"})
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/"
    assert (project.name, project.slug, project.description) == (
        "Climate op-eds",
        "climate-op-eds",
        "Why",
    )
    assert roles(project) == {user.username: Role.OWNER}
    page = client.get(response["Location"])
    assert "Project Climate op-eds created" in page.content.decode()


def test_new_project_keeps_a_slug_typed_in(user):
    client = Client()
    client.force_login(user)
    client.post("/projects/new/", {"name": "Climate", "slug": "clim-2026"})
    assert Project.objects.get().slug == "clim-2026"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "   "}, "This field is required."),
        ({"name": "Fine", "slug": "taken"}, "Project with this Slug already exists."),
        ({"name": "Fine", "slug": "not a slug!"}, "Enter a valid “slug”"),
    ],
)
def test_new_project_with_bad_input_creates_nothing_and_says_why(user, form, message):
    ProjectFactory(slug="taken")
    client = Client()
    client.force_login(user)
    response = client.post("/projects/new/", form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Project.objects.count() == 1
    assert not Membership.objects.filter(user=user).exists()


def test_home_page_shows_the_new_project_form(user):
    client = Client()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'action="/projects/new/"' in html
    assert '<label for="id_name">Name</label>' in html
    assert '<label for="id_slug">Slug <span class="muted">(optional)</span></label>' in html


def test_owner_adds_a_member_by_username(document, members):
    UserFactory(username="newcomer")
    project = document.project
    response = client_as(members, "owner").post(
        f"/projects/{project.pk}/members/",
        {"action": "add", "username": "newcomer", "role": "viewer"},
    )
    assert response["Location"] == f"/projects/{project.pk}/members/"
    assert roles(project)["newcomer"] == Role.VIEWER
    assert notices(response) == ["newcomer is now a member (viewer)."]


def test_owner_changes_a_role_and_removes_a_member(document, members):
    project = document.project
    client = client_as(members, "owner")
    url = f"/projects/{project.pk}/members/"
    client.post(url, {"action": "role", "username": "viewer", "role": "curator"})
    assert roles(project)["viewer"] == Role.CURATOR
    response = client.post(url, {"action": "remove", "username": "annotator"}, follow=True)
    assert "annotator" not in roles(project)
    assert "annotator is no longer a member." in response.content.decode()


@pytest.mark.parametrize(
    "form",
    [
        {"action": "role", "username": "owner", "role": "viewer"},
        {"action": "remove", "username": "owner"},
    ],
)
def test_the_last_owner_is_kept_with_a_plain_message(document, members, form):
    project = document.project
    before = roles(project)
    response = client_as(members, "owner").post(
        f"/projects/{project.pk}/members/", form, follow=True
    )
    assert response.status_code == 200
    assert "A project must keep at least one owner" in response.content.decode()
    assert roles(project) == before


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"action": "add", "username": "nobody", "role": "viewer"}, "There is no user named"),
        ({"action": "add", "username": "outsider", "role": "boss"}, "Unknown role"),
        ({"action": "remove", "username": "outsider"}, "is not a member of this project"),
        ({"action": "explode", "username": "viewer"}, "no known action"),
    ],
)
def test_bad_member_changes_change_nothing_and_say_why(document, members, form, message):
    project = document.project
    before = roles(project)
    response = client_as(members, "owner").post(
        f"/projects/{project.pk}/members/", form, follow=True
    )
    assert message in response.content.decode()
    assert roles(project) == before


@pytest.mark.parametrize("who", ["curator", "annotator", "viewer"])
def test_any_member_may_leave(document, members, who):
    project = document.project
    response = client_as(members, who).post(
        f"/projects/{project.pk}/members/", {"action": "remove", "username": who}
    )
    assert response["Location"] == "/"
    assert who not in roles(project)
    assert notices(response) == [f"You left {project.name}."]


def test_an_owner_may_leave_when_another_owner_stays(document, members):
    project = document.project
    MembershipFactory(project=project, role=Role.OWNER, user__username="second")
    client_as(members, "owner").post(
        f"/projects/{project.pk}/members/", {"action": "remove", "username": "owner"}
    )
    assert "owner" not in roles(project)


def test_owner_saves_the_settings(document, members):
    project = document.project
    response = client_as(members, "owner").post(
        f"/projects/{project.pk}/settings/",
        {
            "name": "Renamed",
            "description": "New words",
            "accept_after_agrees": "0",
            "reject_after_disagrees": "5",
        },
        follow=True,
    )
    project.refresh_from_db()
    assert (project.name, project.description) == ("Renamed", "New words")
    assert (project.accept_after_agrees, project.reject_after_disagrees) == (0, 5)
    assert "Settings saved." in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("accept_after_agrees", "-1", "greater than or equal to 0"),
        ("reject_after_disagrees", "51", "less than or equal to 50"),
        ("accept_after_agrees", "two", "Enter a whole number."),
    ],
)
def test_bad_settings_change_nothing_and_say_why(document, members, field, value, message):
    project = document.project
    form = {
        "name": "Renamed",
        "description": "",
        "accept_after_agrees": "3",
        "reject_after_disagrees": "3",
        field: value,
    }
    response = client_as(members, "owner").post(f"/projects/{project.pk}/settings/", form)
    assert response.status_code == 400
    assert message in response.content.decode()
    fresh = Project.objects.get(pk=project.pk)
    assert (fresh.name, fresh.accept_after_agrees, fresh.reject_after_disagrees) == (
        project.name,
        2,
        2,
    )


def test_settings_form_shows_the_current_values_with_labels(document, members):
    html = client_as(members, "owner").get(f"/projects/{document.project.pk}/settings/")
    html = html.content.decode()
    assert '<label for="id_accept_after_agrees">Accept after agrees</label>' in html
    assert 'name="accept_after_agrees" value="2"' in html
