"""Invitations: made, listed and revoked by owners; accepted once per use, by anyone signed in."""

import datetime
import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from annotator import services
from annotator.models import Invitation, InvitationState, Membership, Role
from annotator.services import InvitationGone, InvitationUnknown
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make(members, document, **kwargs) -> services.NewInvitation:
    kwargs.setdefault("role", Role.ANNOTATOR)
    return services.invitation_create(actor=members["owner"], project=document.project, **kwargs)


def role_of(user, project) -> str | None:
    return (
        Membership.objects.filter(user=user, project=project).values_list("role", flat=True).first()
    )


# --- The model -------------------------------------------------------------------------------


def test_only_the_digest_of_the_token_is_stored(members, document):
    made = make(members, document)
    assert len(made.token) >= 43  # 32 random bytes, base64
    stored = Invitation.objects.get(pk=made.invitation.pk)
    assert stored.token_digest == Invitation.digest_of(made.token)
    assert made.token not in {str(v) for v in Invitation.objects.values_list().get()}


def test_the_database_refuses_negative_uses(members, document):
    invitation = make(members, document).invitation
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk).update(uses_left=-1)


def test_a_new_invitation_must_admit_someone_and_expire_later(members, document):
    invitation = Invitation(
        project=document.project,
        role=Role.VIEWER,
        token_digest="0" * 64,
        uses_left=0,
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    with pytest.raises(ValidationError) as refused:
        invitation.full_clean()
    assert set(refused.value.message_dict) == {"uses_left", "expires_at"}


# --- Making and revoking ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"role": "boss"}, "role", "Unknown role 'boss'"),
        ({"uses": 0}, "uses", "from 1 to 1000 people, not 0"),
        ({"uses": -3}, "uses", "not -3"),
        ({"uses": 1001}, "uses", "not 1001"),
        ({"expires_in_days": 0}, "expires_in_days", "from 1 to 365 days, not 0"),
        ({"expires_in_days": 366}, "expires_in_days", "not 366"),
    ],
)
def test_making_refuses_bad_values_naming_them(members, document, kwargs, field, fragment):
    with pytest.raises(ValidationError) as refused:
        make(members, document, **kwargs)
    assert fragment in " ".join(refused.value.message_dict[field])
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", ["curator", "annotator", "viewer", "outsider"])
def test_only_owners_make_and_revoke(members, document, role):
    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=members[role], project=document.project, role=Role.VIEWER)
    invitation = make(members, document).invitation
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(actor=members[role], invitation=invitation)


# --- Accepting -------------------------------------------------------------------------------


def test_accepting_joins_in_the_role_and_uses_one_use(members, document):
    made = make(members, document, role=Role.CURATOR, uses=2)
    accepted = services.invitation_accept(user=members["outsider"], token=made.token)
    assert accepted.joined
    assert role_of(members["outsider"], document.project) == "curator"
    assert Invitation.objects.get(pk=made.invitation.pk).uses_left == 1


def test_a_member_keeps_their_role_and_uses_nothing(members, document):
    made = make(members, document, role=Role.OWNER)
    accepted = services.invitation_accept(user=members["viewer"], token=made.token)
    assert not accepted.joined
    assert "already a member" in accepted.message
    assert accepted.membership.role == "viewer"
    assert Invitation.objects.get(pk=made.invitation.pk).uses_left == 1


def _expire(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())


def _revoke(invitation: Invitation) -> None:
    services.invitation_revoke(actor=invitation.created_by, invitation=invitation)


def _use_up(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(uses_left=0)


DEATHS: dict[str, Callable[[Invitation], None]] = {
    "expired": _expire,
    "revoked": _revoke,
    "used_up": _use_up,
}
DEATH_WORDS = {"expired": "has expired", "revoked": "withdrawn", "used_up": "used as many times"}


@pytest.mark.parametrize("death", DEATHS)
def test_a_dead_invitation_is_refused_saying_why(members, document, death):
    made = make(members, document)
    DEATHS[death](made.invitation)
    with pytest.raises(InvitationGone) as refused:
        services.invitation_accept(user=members["outsider"], token=made.token)
    assert refused.value.state == InvitationState(death)
    assert DEATH_WORDS[death] in str(refused.value)
    assert role_of(members["outsider"], document.project) is None


def test_an_unknown_token_is_refused(members, document):
    with pytest.raises(InvitationUnknown):
        services.invitation_accept(user=members["outsider"], token="no-such-token")


def test_the_last_use_admits_one_person_then_none(members, document):
    made = make(members, document)
    services.invitation_accept(user=members["outsider"], token=made.token)
    with pytest.raises(InvitationGone):
        services.invitation_accept(user=UserFactory(), token=made.token)


@pytest.mark.django_db(transaction=True)
def test_of_two_people_racing_for_the_last_use_exactly_one_joins(members, document):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite runs one writing transaction at a time: the two cannot overlap")
    made = make(members, document)
    racers = [UserFactory(username="first"), UserFactory(username="second")]
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[object] = [None, None]

    def run(i: int) -> None:
        try:
            barrier.wait()  # both start together; the row lock orders them
            outcomes[i] = services.invitation_accept(user=racers[i], token=made.token)
        except Exception as exc:  # handed to the test to assert on
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    joined = [o for o in outcomes if isinstance(o, services.Acceptance)]
    refused = [o for o in outcomes if isinstance(o, InvitationGone)]
    assert (len(joined), len(refused)) == (1, 1), outcomes
    assert refused[0].state == InvitationState.USED_UP
    assert Membership.objects.filter(user__in=racers).count() == 1
    assert Invitation.objects.get(pk=made.invitation.pk).uses_left == 0
