"""Owners make and revoke invitation links on the members page; the link is shown once."""

import re

import pytest
from django.test import Client

from annotator.models import Invitation, Membership
from tests.annotator.test_project_pages import WHO
from tests.clients import client_as, notices

pytestmark = pytest.mark.django_db


def members_url(document) -> str:
    return f"/projects/{document.project_id}/members/"


def invite(client: Client, document, **fields):
    body = {"action": "invite", "role": "annotator", "uses": "2", "expires_in_days": "7"}
    return client.post(members_url(document), {**body, **fields})


def test_an_owner_makes_a_link_that_is_shown_once_and_lets_someone_join(document, members):
    owner = client_as(members, "owner")
    response = invite(owner, document)
    assert response.status_code == 200
    link = re.search(
        r'id="new-link" value="(http://testserver/join/([\w-]+)/)"', response.content.decode()
    )
    assert link, "the new link is on the page"
    invitation = Invitation.objects.get(project=document.project)
    assert (invitation.role, invitation.uses_left) == ("annotator", 2)
    # Listed afterwards, without the link: only its digest is kept.
    listed = owner.get(members_url(document)).content.decode()
    assert f'data-invitation="{invitation.pk}"' in listed
    assert link[2] not in listed
    newcomer = Client()
    joined = newcomer.post(
        f"/join/{link[2]}/",
        {
            "username": "nadia",
            "password1": "a long enough pass 93",
            "password2": "a long enough pass 93",
        },
    )
    assert joined.status_code == 302
    assert (
        Membership.objects.get(project=document.project, user__username="nadia").role == "annotator"
    )


def test_an_owner_revokes_a_link(document, members):
    owner = client_as(members, "owner")
    invite(owner, document)
    invitation = Invitation.objects.get()
    response = owner.post(members_url(document), {"action": "revoke", "invitation": invitation.pk})
    assert response.status_code == 302
    assert notices(response) == ["The invitation link is revoked: it no longer works."]
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    listed = owner.get(members_url(document)).content.decode()
    assert re.search(rf'data-invitation="{invitation.pk}">.*?Revoked', listed, re.S)


@pytest.mark.parametrize("who", [w for w in WHO if w != "owner"])
def test_only_owners_make_or_revoke_links(document, members, who):
    Invitation.objects.all().delete()
    response = invite(client_as(members, who), document)
    if who == "outsider":
        assert response.status_code == 404
    elif who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"role": "boss"}, "Unknown role 'boss'"),
        ({"uses": "0"}, "from 1 to 1000 people, not 0"),
        ({"uses": "many"}, "Uses: give a whole number."),
        ({"expires_in_days": "400"}, "365"),
    ],
)
def test_bad_input_is_named_and_nothing_is_made(document, members, fields, words):
    response = invite(client_as(members, "owner"), document, **fields)
    assert response.status_code == 302
    assert words.lower() in " ".join(notices(response)).lower()
    assert not Invitation.objects.exists()
