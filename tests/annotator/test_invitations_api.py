"""The invitations API: owners make, list and revoke links; anyone signed in accepts one."""

import datetime

import pytest
from django.utils import timezone

from annotator import services
from annotator.models import Invitation, Membership, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("owner", "curator", "annotator", "viewer", "outsider")


@pytest.fixture
def owner(members, client_for):
    return client_for(members["owner"])


def url_of(document) -> str:
    return f"/api/projects/{document.project_id}/invitations/"


def made(members, document, **kwargs) -> services.NewInvitation:
    kwargs.setdefault("role", Role.VIEWER)
    return services.invitation_create(actor=members["owner"], project=document.project, **kwargs)


def test_an_owner_makes_an_invitation_and_gets_its_link_once(owner, document):
    body = {"role": "annotator", "uses": 5, "expires_in_days": 7}
    response = owner.post(url_of(document), body, format="json")
    assert response.status_code == 201, response.content
    answer = response.json()
    assert set(answer) == {"id", "url", "role", "uses_left", "expires_at"}
    assert (answer["role"], answer["uses_left"]) == ("annotator", 5)
    assert answer["url"].startswith("http://testserver/join/")
    token = answer["url"].removeprefix("http://testserver/join/").rstrip("/")
    assert Invitation.objects.get(pk=answer["id"]).token_digest == Invitation.digest_of(token)
    expires = datetime.datetime.fromisoformat(answer["expires_at"])
    assert abs(expires - timezone.now() - datetime.timedelta(days=7)) < datetime.timedelta(
        minutes=1
    )
    listed = owner.get(url_of(document)).json()
    assert [row["id"] for row in listed] == [answer["id"]]
    assert "url" not in listed[0]
    assert token not in str(listed)
    assert listed[0]["state"] == "live"


def test_defaults_are_one_use_for_a_week(owner, document):
    response = owner.post(url_of(document), {"role": "viewer"}, format="json")
    assert response.json()["uses_left"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "boss"}, "role"),
        ({}, "role"),
        ({"role": "viewer", "uses": 0}, "uses"),
        ({"role": "viewer", "uses": -1}, "uses"),
        ({"role": "viewer", "uses": 1001}, "uses"),
        ({"role": "viewer", "uses": "5"}, "uses"),
        ({"role": "viewer", "expires_in_days": 0}, "expires_in_days"),
        ({"role": "viewer", "expires_in_days": 366}, "expires_in_days"),
        ({"role": "viewer", "token": "mine"}, "token"),
    ],
)
def test_making_refuses_bad_input_naming_the_field(owner, document, body, field):
    response = owner.post(url_of(document), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_permission_table(members, document, client_for, role):
    client = client_for(members[role])
    invitation = made(members, document).invitation
    expected = {
        "owner": (201, 200, 204),
        "curator": (403, 403, 403),
        "annotator": (403, 403, 403),
        "viewer": (403, 403, 403),
        "outsider": (404, 404, 404),
    }[role]
    seen = (
        client.post(url_of(document), {"role": "viewer"}, format="json").status_code,
        client.get(url_of(document)).status_code,
        client.delete(f"{url_of(document)}{invitation.pk}/").status_code,
    )
    assert seen == expected


def test_anonymous_callers_get_401_everywhere(api_client, members, document):
    new = made(members, document)
    assert api_client.post(url_of(document), {"role": "viewer"}).status_code == 401
    assert api_client.get(url_of(document)).status_code == 401
    assert api_client.delete(f"{url_of(document)}{new.invitation.pk}/").status_code == 401
    assert api_client.post(f"/api/invitations/{new.token}/accept/").status_code == 401


def test_revoking_is_soft_and_stops_the_link(owner, members, document, client_for):
    new = made(members, document)
    assert owner.delete(f"{url_of(document)}{new.invitation.pk}/").status_code == 204
    assert Invitation.objects.get(pk=new.invitation.pk).revoked_at is not None
    assert owner.get(url_of(document)).json()[0]["state"] == "revoked"
    response = client_for(members["outsider"]).post(f"/api/invitations/{new.token}/accept/")
    assert response.status_code == 410
    assert "withdrawn" in response.json()["detail"]


def test_an_invitation_of_another_project_cannot_be_revoked_here(owner, document):
    elsewhere = UserFactory()
    other = services.project_create(actor=elsewhere, name="Elsewhere")
    theirs = services.invitation_create(actor=elsewhere, project=other, role=Role.VIEWER)
    assert owner.delete(f"{url_of(document)}{theirs.invitation.pk}/").status_code == 404
    assert Invitation.objects.get(pk=theirs.invitation.pk).revoked_at is None


def test_accepting_joins_in_the_role(members, document, client_for):
    new = made(members, document, role=Role.CURATOR)
    response = client_for(members["outsider"]).post(f"/api/invitations/{new.token}/accept/")
    assert response.status_code == 200
    assert response.json()["project"] == document.project_id
    assert response.json()["role"] == "curator"
    assert Membership.objects.get(user=members["outsider"]).role == "curator"


def test_a_member_accepting_keeps_their_role_and_is_told_so(members, document, client_for):
    new = made(members, document, role=Role.OWNER)
    response = client_for(members["viewer"]).post(f"/api/invitations/{new.token}/accept/")
    assert response.status_code == 200
    assert response.json()["role"] == "viewer"
    assert "already a member" in response.json()["detail"]
    assert Invitation.objects.get(pk=new.invitation.pk).uses_left == 1


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"expires_at": timezone.now()}, "expired"),
        ({"revoked_at": timezone.now()}, "withdrawn"),
        ({"uses_left": 0}, "used as many times"),
    ],
)
def test_a_dead_link_answers_410_saying_why(members, document, client_for, change, words):
    new = made(members, document)
    Invitation.objects.filter(pk=new.invitation.pk).update(**change)
    response = client_for(members["outsider"]).post(f"/api/invitations/{new.token}/accept/")
    assert response.status_code == 410
    assert words in response.json()["detail"]
    assert not Membership.objects.filter(user=members["outsider"]).exists()


def test_an_unknown_token_answers_404(members, client_for):
    response = client_for(members["outsider"]).post("/api/invitations/nope/accept/")
    assert response.status_code == 404
    assert "not known" in response.json()["detail"]


def test_the_list_reads_in_a_fixed_number_of_queries(
    owner, members, document, django_assert_max_num_queries
):
    for _ in range(5):
        made(members, document)
    with django_assert_max_num_queries(6):
        assert len(owner.get(url_of(document)).json()) == 5
