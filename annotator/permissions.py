"""Permission classes for projects and documents; visibility is handled by scoped querysets."""

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from annotator.models import CURATING_ROLES, Project, Role
from annotator.selectors import role_in

if TYPE_CHECKING:
    from rest_framework.views import APIView


def acting_user(request: HttpRequest | Request) -> User:
    """Return the signed-in user of a request that only signed-in people reach.

    Views check that first (IsAuthenticated, login_required); this is the typed way to say so,
    and refuses rather than acting as an anonymous user if a view ever forgets.
    """
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user


class IsProjectOwner(BasePermission):
    """Members read; only owners change the project and its members."""

    message = "Only an owner of this project may do this."

    def has_object_permission(self, request: Request, view: "APIView", obj: Project) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return role_in(request.user, obj.pk) == Role.OWNER


class IsProjectOwnerToRead(BasePermission):
    """Only owners, even to read: for what only they handle, such as the project's invitations."""

    message = "Only an owner of this project may do this."

    def has_object_permission(self, request: Request, view: "APIView", obj: Project) -> bool:
        return role_in(request.user, obj.pk) == Role.OWNER


class IsDocumentCurator(BasePermission):
    """Members read; curators and owners change documents and their paragraphs."""

    message = "Only a curator or an owner of this project may change its documents."

    def has_object_permission(self, request: Request, view: "APIView", obj: Any) -> bool:
        # obj is a Document or a Paragraph; the line below tells them apart by duck typing.
        if request.method in SAFE_METHODS:
            return True
        project_id = getattr(obj, "project_id", None) or obj.document.project_id
        return role_in(request.user, project_id) in CURATING_ROLES
