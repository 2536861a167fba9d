"""The join page (an invitation's link) and the open sign-up page."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from annotator import services
from annotator.models import Invitation, Membership, Role
from tests.clients import signed_in

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def new(members, document) -> services.NewInvitation:
    return services.invitation_create(
        actor=members["owner"], project=document.project, role=Role.CURATOR
    )


def account(username: str, password: str = GOOD_PASSWORD, again: str | None = None) -> dict:
    return {"username": username, "password1": password, "password2": again or password}


def test_signed_out_the_page_names_the_project_and_role_and_offers_both_ways(new, document):
    response = Client().get(f"/join/{new.token}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert document.project.name in page
    assert "curator" in page
    assert "Create an account" in page
    for field in ("id_username", "id_password1", "id_password2"):
        assert f'<label for="{field}"' in page
    assert f'href="/accounts/login/?next=/join/{new.token}/"' in page


def test_making_an_account_there_signs_in_and_joins(new, document):
    client = Client()
    response = client.post(f"/join/{new.token}/", account("newcomer"))
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{document.project_id}/"
    user = get_user_model().objects.get(username="newcomer")
    assert Membership.objects.get(user=user, project=document.project).role == "curator"
    assert client.get("/").context["user"] == user
    assert Invitation.objects.get(pk=new.invitation.pk).uses_left == 0


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (account("newcomer", "12345678"), "entirely numeric"),
        (account("newcomer", "short"), "too short"),
        (account("newcomer", GOOD_PASSWORD, "something else 43"), "didn"),
        (account("outsider"), "already exists"),
    ],
)
def test_a_bad_account_is_refused_on_the_page_and_nobody_joins(new, body, words):
    users = get_user_model().objects.count()
    response = Client().post(f"/join/{new.token}/", body)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert get_user_model().objects.count() == users
    assert Invitation.objects.get(pk=new.invitation.pk).uses_left == 1


def test_signed_in_a_button_joins(new, members, document):
    client = signed_in(members["outsider"])
    page = client.get(f"/join/{new.token}/").content.decode()
    assert f"Join {document.project.name} as curator" in page
    assert "csrfmiddlewaretoken" in page
    response = client.post(f"/join/{new.token}/")
    landing = f"/projects/{document.project_id}/"
    assert (response.status_code, response["Location"]) == (302, landing)
    assert Membership.objects.get(user=members["outsider"]).role == "curator"
    notice = client.get(landing).content.decode()
    assert f"You joined {document.project.name} as curator." in notice


def test_the_button_needs_the_csrf_token(new, members):
    client = Client(enforce_csrf_checks=True)
    client.force_login(members["outsider"])
    assert client.post(f"/join/{new.token}/").status_code == 403
    assert not Membership.objects.filter(user=members["outsider"]).exists()


def test_a_member_opening_it_again_is_told_their_role_stays(new, members):
    client = signed_in(members["viewer"])
    for response in (client.get(f"/join/{new.token}/"), client.post(f"/join/{new.token}/")):
        assert response.status_code == 200
        assert "already in" in response.content.decode()
    assert Membership.objects.get(user=members["viewer"]).role == "viewer"
    assert Invitation.objects.get(pk=new.invitation.pk).uses_left == 1


@pytest.mark.parametrize(
    ("change", "heading"),
    [
        ({"expires_at": timezone.now()}, "This invitation has expired"),
        ({"revoked_at": timezone.now()}, "This invitation was withdrawn"),
        ({"uses_left": 0}, "This invitation is used up"),
    ],
)
@pytest.mark.parametrize("who", ["signed out", "outsider"])
def test_a_dead_link_says_which_with_410(new, members, change, heading, who):
    Invitation.objects.filter(pk=new.invitation.pk).update(**change)
    client = Client() if who == "signed out" else signed_in(members["outsider"])
    body = account("newcomer") if who == "signed out" else {}
    for response in (client.get(f"/join/{new.token}/"), client.post(f"/join/{new.token}/", body)):
        assert response.status_code == 410
        assert heading in response.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()
    assert not Membership.objects.filter(user=members["outsider"]).exists()


def test_an_unknown_link_says_so_with_404(members):
    response = signed_in(members["outsider"]).get("/join/no-such-token/")
    assert response.status_code == 404
    assert "Unknown invitation" in response.content.decode()


def test_an_invitation_that_ends_while_the_form_is_filled_in_makes_no_account(new, monkeypatch):
    accept = services.invitation_accept

    def revoked_meanwhile(**kwargs):
        Invitation.objects.filter(pk=new.invitation.pk).update(revoked_at=timezone.now())
        return accept(**kwargs)

    monkeypatch.setattr(services, "invitation_accept", revoked_meanwhile)
    response = Client().post(f"/join/{new.token}/", account("newcomer"))
    assert response.status_code == 410
    assert not get_user_model().objects.filter(username="newcomer").exists()


# --- Open sign-up ----------------------------------------------------------------------------


def test_sign_up_is_closed_by_default(db):
    assert Client().get("/accounts/signup/").status_code == 404
    assert Client().post("/accounts/signup/", account("someone")).status_code == 404
    assert not get_user_model().objects.filter(username="someone").exists()


def test_open_sign_up_makes_an_account_and_signs_in(db, settings):
    settings.OPEN_SIGNUP = True
    client = Client()
    page = client.get("/accounts/signup/").content.decode()
    assert '<label for="id_password2"' in page
    response = client.post("/accounts/signup/", account("someone"))
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/").context["user"].username == "someone"


def test_open_sign_up_refuses_a_weak_password(db, settings):
    settings.OPEN_SIGNUP = True
    response = Client().post("/accounts/signup/", account("someone", "password"))
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not get_user_model().objects.filter(username="someone").exists()
