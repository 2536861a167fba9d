"""Who may do what with tags, links and reviews.

The rules are plain functions so services and DRF permission classes share them.
Visibility (404 for non-members) is handled by scoping querysets, not here.
"""

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from annotator.models import CONTRIBUTING_ROLES, CURATING_ROLES
from annotator.permissions import acting_user
from annotator.selectors import role_in
from claims.models import Link, Review, Tag

if TYPE_CHECKING:
    from rest_framework.views import APIView


def can_contribute(role: str | None) -> bool:
    """Whether a role may create tags, links and reviews."""
    return role in CONTRIBUTING_ROLES


def can_change(role: str | None, *, owner_id: int, user_id: int) -> bool:
    """Whether a role may edit or delete a contribution owned by ``owner_id``."""
    if role in CURATING_ROLES:
        return True
    return role in CONTRIBUTING_ROLES and owner_id == user_id


def can_curate(role: str | None) -> bool:
    return role in CURATING_ROLES


def project_id_of(obj: object) -> int:
    """Return the project id of a tag, link, review, document or paragraph."""
    if isinstance(obj, Tag):
        return obj.document.project_id
    if isinstance(obj, Link):
        return obj.source.document.project_id
    if isinstance(obj, Review):
        return obj.tag.document.project_id
    raise TypeError(f"No project for {type(obj).__name__}")


def document_id_of(obj: object) -> int:
    """Return the document id of a tag, link or review."""
    if isinstance(obj, Tag):
        return obj.document_id
    if isinstance(obj, Link):
        return obj.source.document_id
    if isinstance(obj, Review):
        return obj.tag.document_id
    raise TypeError(f"No document for {type(obj).__name__}")


def owner_id_of(obj: Any) -> int:
    # A tag or link (author_id) or a review (reviewer_id).
    return getattr(obj, "author_id", None) or obj.reviewer_id


class IsContributionEditor(BasePermission):
    """Members read; the author (annotator or above) or a curator may change or delete."""

    message = "Only the author of this item, a curator or an owner may change it."

    def has_object_permission(self, request: Request, view: "APIView", obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        role = role_in(request.user, project_id_of(obj))
        # Behind IsAuthenticated, which DRF checks before any object permission.
        user_id = acting_user(request).pk
        return can_change(role, owner_id=owner_id_of(obj), user_id=user_id)


def require(allowed: bool, message: str) -> None:
    """Raise PermissionDenied with ``message`` unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)
