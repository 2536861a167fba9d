"""Writes to projects, memberships, invitations, documents and paragraphs.

Each service checks the actor's role, validates, and writes in one transaction.
"""

import datetime
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from annotator.models import (
    CONTRIBUTING_ROLES,
    CURATING_ROLES,
    MAX_INVITATION_DAYS,
    MAX_INVITATION_USES,
    Document,
    DocumentProgress,
    Invitation,
    InvitationState,
    Membership,
    Paragraph,
    ProgressState,
    Project,
    Role,
)
from annotator.selectors import role_in


class Conflict(Exception):
    """The request is valid but clashes with the current state (answered as 409)."""


class StaleVersion(Exception):
    """A write based on another version of an item than the stored one (answered as 412)."""

    def __init__(self, obj: models.Model, current: int | None) -> None:
        self.entity = obj._meta.model_name
        self.object_id = obj.pk
        self.current = current
        now = "it is gone now" if current is None else f"now version {current}"
        super().__init__(
            f"This {obj._meta.verbose_name} was changed by someone else since you loaded it "
            f"({now}); reload it and apply your change again."
        )


def require_role(actor: User, project: Project, roles: frozenset[str]) -> str:
    """Return the actor's role in the project, or raise PermissionDenied if it is not in roles."""
    role = role_in(actor, project.pk)
    if role not in roles:
        allowed = ", ".join(sorted(roles))
        raise PermissionDenied(f"This needs one of these roles in the project: {allowed}.")
    return role


def _unique_slug(name: str) -> str:
    base = slugify(name)[:90] or "project"
    slug, n = base, 2
    while Project.all_objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def project_create(
    *,
    actor: User,
    name: str,
    slug: str = "",
    description: str = "",
    accept_after_agrees: int | None = None,
    reject_after_disagrees: int | None = None,
    blind: bool = False,
) -> Project:
    """Create a project owned by the actor; thresholds left out keep the model's defaults."""
    project = Project(
        name=name, slug=slug or _unique_slug(name), description=description, blind=blind
    )
    if accept_after_agrees is not None:
        project.accept_after_agrees = accept_after_agrees
    if reject_after_disagrees is not None:
        project.reject_after_disagrees = reject_after_disagrees
    project.full_clean()
    project.save()
    Membership.objects.create(user=actor, project=project, role=Role.OWNER)
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, **fields: object) -> Project:
    """Change a project's name, slug, description, review thresholds or blind first pass
    (owners only)."""
    require_role(actor, project, frozenset({Role.OWNER}))
    for name, value in fields.items():
        setattr(project, name, value)
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_delete(*, actor: User, project: Project, confirmation: str) -> Project:
    """Soft-delete a project (owners only) once the actor has typed its name.

    Nothing is removed: the project and everything in it disappear from every page and list
    and come back with ``manage.py restore_project <slug>``.
    """
    require_role(actor, project, frozenset({Role.OWNER}))
    if confirmation.strip() != project.name.strip():
        raise ValidationError(
            {"confirmation": f"Type the project's name, {project.name!r}, to delete it."}
        )
    project.deleted_at = timezone.now()
    project.deleted_by = actor
    project.save(update_fields=["deleted_at", "deleted_by"])
    return project


@transaction.atomic
def project_restore(*, slug: str) -> Project:
    """Bring back a soft-deleted project with all it held (for the command line)."""
    project = Project.all_objects.select_for_update().filter(slug=slug).first()
    if project is None:
        raise ValidationError({"slug": f"There is no project with the slug {slug!r}."})
    if project.deleted_at is None:
        raise ValidationError({"slug": f"Project {slug!r} is not deleted."})
    project.deleted_at = None
    project.deleted_by = None
    project.save(update_fields=["deleted_at", "deleted_by"])
    return project


def _lock_owner_count(project: Project) -> int:
    # Lock the project's memberships so two owners cannot demote each other at once.
    owners = list(Membership.objects.select_for_update().filter(project=project, role=Role.OWNER))
    return len(owners)


@transaction.atomic
def membership_set(*, actor: User, project: Project, username: str, role: str) -> Membership:
    """Add a member with a role, or change a member's role (owners only)."""
    require_role(actor, project, frozenset({Role.OWNER}))
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; use one of {Role.values}."})
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"user": f"There is no user named {username!r}."})
    membership = Membership.objects.filter(project=project, user=user).first()
    if membership is None:
        return Membership.objects.create(project=project, user=user, role=role)
    if membership.role == Role.OWNER and role != Role.OWNER and _lock_owner_count(project) <= 1:
        raise ValidationError(
            {"role": "A project must keep at least one owner; make someone else owner first."}
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, actor: User, project: Project, username: str) -> None:
    """Remove a member (owners only; members may also leave by removing themselves)."""
    membership = (
        Membership.objects.select_related("user")
        .filter(project=project, user__username=username)
        .first()
    )
    if membership is None:
        raise ValidationError({"user": f"{username!r} is not a member of this project."})
    if membership.user_id != actor.pk:
        require_role(actor, project, frozenset({Role.OWNER}))
    if membership.role == Role.OWNER and _lock_owner_count(project) <= 1:
        raise ValidationError(
            {"user": "A project must keep at least one owner; make someone else owner first."}
        )
    membership.delete()


# --- Invitations -----------------------------------------------------------------------------


class InvitationUnknown(Exception):
    """No invitation has this token (answered as 404)."""

    def __init__(self) -> None:
        super().__init__(
            "This invitation link is not known; check that it was copied whole, or ask the "
            "project's owner for a new one."
        )


class InvitationGone(Exception):
    """The invitation expired, was revoked or was used up (answered as 410)."""

    MESSAGES = {
        InvitationState.EXPIRED: "This invitation has expired; ask the project's owner for a new "
        "one.",
        InvitationState.REVOKED: "This invitation was withdrawn by the project's owner; ask them "
        "for a new one.",
        InvitationState.USED_UP: "This invitation has been used as many times as it allows; ask "
        "the project's owner for a new one.",
    }

    def __init__(self, state: InvitationState) -> None:
        self.state = state
        super().__init__(self.MESSAGES[state])


@dataclass(frozen=True)
class NewInvitation:
    """A new invitation and its plain token, which exists only here (the database has its
    digest)."""

    invitation: Invitation
    token: str


@dataclass(frozen=True)
class Acceptance:
    """What accepting an invitation did: ``joined`` is False for someone already a member,
    who keeps their role (the invitation is not used up)."""

    membership: Membership
    joined: bool

    @property
    def message(self) -> str:
        project, role = self.membership.project, self.membership.role
        if self.joined:
            return f"You joined {project} as {role}."
        return (
            f"You are already a member of {project} as {role}; your role stays as it is and "
            "the invitation was not used."
        )


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    project: Project,
    role: str,
    uses: int = 1,
    expires_in_days: int = 7,
) -> NewInvitation:
    """Make an invitation link to the project in a role (owners only)."""
    require_role(actor, project, frozenset({Role.OWNER}))
    errors = {}
    if role not in Role.values:
        errors["role"] = f"Unknown role {role!r}; use one of {', '.join(Role.values)}."
    if not 1 <= uses <= MAX_INVITATION_USES:
        errors["uses"] = f"An invitation admits from 1 to {MAX_INVITATION_USES} people, not {uses}."
    if not 1 <= expires_in_days <= MAX_INVITATION_DAYS:
        errors["expires_in_days"] = (
            f"An invitation lasts from 1 to {MAX_INVITATION_DAYS} days, not {expires_in_days}."
        )
    if errors:
        raise ValidationError(errors)
    token = secrets.token_urlsafe(32)  # 256 bits
    invitation = Invitation(
        project=project,
        role=role,
        token_digest=Invitation.digest_of(token),
        uses_left=uses,
        expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
        created_by=actor,
    )
    invitation.full_clean()
    invitation.save()
    return NewInvitation(invitation=invitation, token=token)


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """Withdraw an invitation so that nobody more can join with it (owners only)."""
    require_role(actor, invitation.project, frozenset({Role.OWNER}))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Acceptance:
    """Join the invitation's project in its role, using up one of its uses.

    The invitation's row stays locked until the transaction ends, so of two people taking the
    last use at once exactly one joins (on SQLite, writing transactions take turns anyway).
    """
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("project")
        .filter(token_digest=Invitation.digest_of(token))
        .first()
    )
    if invitation is None:
        raise InvitationUnknown()
    membership = (
        Membership.objects.select_related("project")
        .filter(project=invitation.project, user=user)
        .first()
    )
    if membership is not None:
        return Acceptance(membership=membership, joined=False)
    state = invitation.state()
    if state != InvitationState.LIVE:
        raise InvitationGone(state)
    membership = Membership.objects.create(
        project=invitation.project, user=user, role=invitation.role
    )
    invitation.uses_left -= 1
    invitation.save(update_fields=["uses_left"])
    return Acceptance(membership=membership, joined=True)


@transaction.atomic
def document_create(
    *,
    actor: User | None,
    project: Project,
    title: str,
    paragraphs: Sequence[str],
    byline: str = "",
    caption: str = "",
    source_url: str = "",
    published_on: datetime.date | None = None,
) -> Document:
    """Create a document from its paragraphs, stored exactly as given.

    ``actor=None`` is for management commands run by whoever runs the server.
    """
    if actor is not None:
        require_role(actor, project, CURATING_ROLES)
    texts = list(paragraphs)
    if not texts:
        raise ValidationError({"paragraphs": "A document needs at least one paragraph."})
    for i, text in enumerate(texts):
        if not isinstance(text, str) or not text.strip():
            raise ValidationError({"paragraphs": f"Paragraph {i} is empty."})
        if "\x00" in text:
            raise ValidationError({"paragraphs": f"Paragraph {i} holds a NUL character."})
    document = Document(
        project=project,
        title=title,
        byline=byline,
        caption=caption,
        source_url=source_url,
        published_on=published_on,
        created_by=actor,
    )
    document.full_clean()
    document.save()
    Paragraph.objects.bulk_create(
        Paragraph(document=document, position=i, text=text) for i, text in enumerate(texts)
    )
    return document


@transaction.atomic
def document_update(*, actor: User, document: Document, **fields: object) -> Document:
    """Change a document's metadata (curators and owners)."""
    require_role(actor, document.project, CURATING_ROLES)
    for name, value in fields.items():
        setattr(document, name, value)
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def document_delete(*, actor: User, document: Document) -> None:
    """Soft-delete a document; its tags stay in place for a restore."""
    require_role(actor, document.project, CURATING_ROLES)
    document.deleted_at = timezone.now()
    document.save(update_fields=["deleted_at"])


@transaction.atomic
def document_restore(*, actor: User, document: Document) -> Document:
    """Bring back a soft-deleted document."""
    require_role(actor, document.project, CURATING_ROLES)
    document.deleted_at = None
    document.save(update_fields=["deleted_at"])
    return document


#: The states a person may set for themselves; "not started" is only ever the absence of work.
SETTABLE_PROGRESS = frozenset({ProgressState.IN_PROGRESS, ProgressState.DONE})


@transaction.atomic
def progress_set(*, actor: User, document: Document, state: str) -> DocumentProgress:
    """Mark the document done for the actor, or reopen it (back to in progress).

    For people who annotate; in a blind project, done is what shows them everyone's work.
    """
    require_role(actor, document.project, CONTRIBUTING_ROLES)
    if state not in SETTABLE_PROGRESS:
        choices = " or ".join(repr(str(s)) for s in sorted(SETTABLE_PROGRESS))
        raise ValidationError({"state": f"Unknown state {state!r}: use {choices}."})
    progress, _ = DocumentProgress.objects.update_or_create(
        document=document, user=actor, defaults={"state": state}
    )
    return progress


def progress_start(*, user: User, document_id: int) -> None:
    """Record that the user started on a document (their first tag); later states stay.

    One statement, whatever the state: an existing row is left alone.
    """
    DocumentProgress.objects.bulk_create(
        [DocumentProgress(document_id=document_id, user=user, state=ProgressState.IN_PROGRESS)],
        ignore_conflicts=True,
    )


@transaction.atomic
def paragraph_update(*, actor: User, paragraph: Paragraph, text: str) -> Paragraph:
    """Replace a paragraph's text, which is only allowed while no tag points into it."""
    require_role(actor, paragraph.document.project, CURATING_ROLES)
    paragraph = Paragraph.objects.select_for_update().get(pk=paragraph.pk)
    # Deleted tags count too: they can be restored and must still match the text.
    if paragraph.tags.model.all_objects.filter(paragraph=paragraph).exists():
        raise Conflict(
            "This paragraph's text cannot change because tags (live or deleted, which can be "
            "restored) point into it and their offsets would stop matching. Import the new "
            "text as a new document instead."
        )
    paragraph.text = text
    paragraph.full_clean()
    paragraph.save(update_fields=["text"])
    return paragraph
