"""Projects, their members and invitations, and the documents (split into paragraphs) that
members annotate."""

import datetime
import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class LiveManager(models.Manager):
    """Hides soft-deleted rows; ``all_objects`` still sees them so they can be restored."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Project(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    accept_after_agrees = models.PositiveSmallIntegerField(
        default=2,
        help_text="A tag with this many agrees and no disagree is accepted without a curator "
        "(0 turns the rule off).",
    )
    reject_after_disagrees = models.PositiveSmallIntegerField(
        default=2,
        help_text="A tag with this many disagrees and no agree is rejected without a curator "
        "(0 turns the rule off).",
    )
    blind = models.BooleanField(
        default=False,
        help_text="Blind first pass: an annotator sees only their own tags, links and reviews "
        "on a document until they mark it done.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="projects_deleted",
    )
    members: "models.ManyToManyField[User, Membership]" = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="projects"
    )

    objects = LiveManager()
    # ruff takes a plain Manager for a field here (DJ012); it is the unfiltered manager.
    all_objects = models.Manager()  # noqa: DJ012

    class Meta:
        ordering = ["name", "id"]
        base_manager_name = "all_objects"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    CURATOR = "curator", "Curator"
    ANNOTATOR = "annotator", "Annotator"
    VIEWER = "viewer", "Viewer"


#: Roles that may write tags, links and reviews.
CONTRIBUTING_ROLES = frozenset({Role.OWNER, Role.CURATOR, Role.ANNOTATOR})
#: Roles that may change anyone's tags and manage documents.
CURATING_ROLES = frozenset({Role.OWNER, Role.CURATOR})
#: Roles that see everyone's work even during a blind first pass (annotators wait for "done").
BLIND_EXEMPT_ROLES = frozenset({Role.OWNER, Role.CURATOR, Role.VIEWER})


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANNOTATOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "project"], name="membership_unique_user"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.project} as {self.role}"


class Document(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=500)
    byline = models.CharField(max_length=300, blank=True)
    caption = models.TextField(
        blank=True, help_text="Text that came with the document but is not part of it."
    )
    source_url = models.URLField(max_length=2000, blank=True)
    published_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = LiveManager()
    # ruff takes a plain Manager for a field here (DJ012); it is the unfiltered manager.
    all_objects = models.Manager()  # noqa: DJ012

    class Meta:
        ordering = ["project_id", "id"]
        base_manager_name = "all_objects"

    def __str__(self) -> str:
        return self.title


class Paragraph(models.Model):
    """One paragraph of a document, its text stored exactly as imported.

    Tags address text by code-point offsets into ``text``; it must never be normalised.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField(help_text="0-based order within the document.")
    text = models.TextField()

    class Meta:
        ordering = ["document_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "position"], name="paragraph_unique_position"
            ),
            models.CheckConstraint(condition=Q(position__gte=0), name="paragraph_position_gte_0"),
            models.CheckConstraint(condition=~Q(text=""), name="paragraph_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.document} ¶{self.position}"


class ProgressState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class DocumentProgress(models.Model):
    """How far one person is with a document: started by their first tag, done when they say.

    No row means not started. In a blind project, ``done`` is what lets an annotator see
    everyone's work on the document; reopening (back to in progress) hides it again.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="document_progress"
    )
    state = models.CharField(
        max_length=16, choices=ProgressState.choices, default=ProgressState.IN_PROGRESS
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["document_id", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "user"], name="progress_unique_user"),
            models.CheckConstraint(
                condition=Q(state__in=ProgressState.values), name="progress_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.document}: {self.state}"


#: An invitation admits at most this many people, and lives at most this many days.
MAX_INVITATION_USES = 1000
MAX_INVITATION_DAYS = 365


class InvitationState(models.TextChoices):
    LIVE = "live", "Live"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"
    USED_UP = "used_up", "Used up"


class Invitation(models.Model):
    """A link that lets whoever holds it join a project in a role, a number of times.

    Only the SHA-256 digest of the link's token is stored: the token itself is shown once,
    when the invitation is made, so a copy of the database cannot be used to join.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANNOTATOR)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    uses_left = models.PositiveIntegerField(
        help_text="How many more people may join with this invitation."
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_created",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project_id", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(uses_left__gte=0), name="invitation_uses_left_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(uses_left__lte=MAX_INVITATION_USES), name="invitation_uses_left_max"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.project} as {self.role}"

    @staticmethod
    def digest_of(token: str) -> str:
        """Return the stored form of a token (its SHA-256, in hex)."""
        return hashlib.sha256(token.encode()).hexdigest()

    def clean(self) -> None:
        if self._state.adding:
            errors = {}
            if self.uses_left is not None and self.uses_left < 1:
                errors["uses_left"] = "A new invitation must admit at least one person."
            if self.expires_at is not None and self.expires_at <= timezone.now():
                errors["expires_at"] = "A new invitation must expire in the future."
            if errors:
                raise ValidationError(errors)

    def state(self, at: datetime.datetime | None = None) -> InvitationState:
        """Say whether the invitation can still be used, and if not, why (revoked first)."""
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= (at or timezone.now()):
            return InvitationState.EXPIRED
        if self.uses_left <= 0:
            return InvitationState.USED_UP
        return InvitationState.LIVE
