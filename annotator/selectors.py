"""Reads of projects, members, invitations and documents, always scoped to what a user may see."""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, QuerySet

from annotator.models import (
    BLIND_EXEMPT_ROLES,
    Document,
    DocumentProgress,
    Invitation,
    Membership,
    Paragraph,
    ProgressState,
    Project,
)


def roles_of(user: User | AnonymousUser) -> dict[int, str]:
    """Map project id to the user's role there (one query; empty for anonymous users)."""
    if not user.is_authenticated:
        return {}
    return dict(
        Membership.objects.filter(user=user, project__deleted_at__isnull=True).values_list(
            "project_id", "role"
        )
    )


def role_in(user: User | AnonymousUser, project_id: int) -> str | None:
    """Return the user's role in a project, or None when they are not a member."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(
            user=user, project_id=project_id, project__deleted_at__isnull=True
        )
        .values_list("role", flat=True)
        .first()
    )


def projects_for(user: User) -> QuerySet[Project]:
    return Project.objects.filter(memberships__user_id=user.pk)


def memberships_of(project: Project) -> QuerySet[Membership]:
    return project.memberships.select_related("user").order_by("user__username")


def invitations_of(project: Project) -> QuerySet[Invitation]:
    """The project's invitations, newest first, live or not (for its owners)."""
    return project.invitations.select_related("created_by").order_by("-created_at", "-id")


def invitation_by_token(token: str) -> Invitation | None:
    """Return the invitation a link's token opens, or None when no invitation has it."""
    return (
        Invitation.objects.select_related("project")
        .filter(token_digest=Invitation.digest_of(token), project__deleted_at__isnull=True)
        .first()
    )


def documents_for(user: User) -> QuerySet[Document]:
    return Document.objects.filter(
        project__deleted_at__isnull=True, project__memberships__user_id=user.pk
    ).select_related("project", "created_by")


def documents_with_paragraphs_for(
    user: User,
) -> QuerySet[Document]:
    return documents_for(user).prefetch_related(
        Prefetch("paragraphs", queryset=Paragraph.objects.order_by("position"))
    )


def paragraphs_for(user: User) -> QuerySet[Paragraph]:
    return Paragraph.objects.filter(
        document__deleted_at__isnull=True,
        document__project__deleted_at__isnull=True,
        document__project__memberships__user_id=user.pk,
    ).select_related("document")


def state_of(user: User | AnonymousUser, document: Document) -> str:
    """The state the user set on the document, or in progress / not started by their work."""
    if not user.is_authenticated:
        return ProgressState.NOT_STARTED
    state = (
        DocumentProgress.objects.filter(document=document, user=user)
        .values_list("state", flat=True)
        .first()
    )
    return state or ProgressState.NOT_STARTED


def blinded_on(user: User | AnonymousUser, document: Document) -> bool:
    """Whether a blind first pass hides everyone else's work on the document from the user.

    True for an annotator of a blind project until they mark the document done. No query
    when the project is not blind.
    """
    if not document.project.blind or not user.is_authenticated:
        return False
    if role_in(user, document.project_id) in BLIND_EXEMPT_ROLES:
        return False
    return not DocumentProgress.objects.filter(
        document=document, user=user, state=ProgressState.DONE
    ).exists()
