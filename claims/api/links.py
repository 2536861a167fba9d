"""/api/links/: the edges of the argument map."""

# DRF's get_object_or_404 answers 404, not 500, for an id that is not a number (/tags/x/).
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)

from claims import selectors, services
from claims.api.contributions import ContributionViewSet
from claims.filters import LinkFilter
from claims.models import Link
from claims.serializers import (
    LinkSerializer,
)

_DELETED_LINKS_PARAM = OpenApiParameter(
    "deleted",
    OpenApiTypes.BOOL,
    description="true: list deleted links instead (in projects where you are a curator or "
    "owner), those deleted along with a tag included.",
)


@extend_schema_view(list=extend_schema(parameters=[_DELETED_LINKS_PARAM]))
class LinkViewSet(ContributionViewSet):
    """Edges of the argument map: a tag supports or attacks another tag of the same document."""

    serializer_class = LinkSerializer
    filterset_class = LinkFilter

    def get_queryset(self) -> QuerySet[Link]:
        deleted = self.request.query_params.get("deleted") == "true" and self.action == "list"
        return selectors.links_for(self.request.user, deleted=deleted)

    def restorable(self) -> QuerySet[Link]:
        return selectors.link_for_restore(self.request.user)

    def create_service(self, *, actor: User, **data: Any) -> Link:
        return services.link_create(actor=actor, **data)

    def update_service(self, *, actor: User, instance: Link, **data: Any) -> Link:
        return services.link_update(actor=actor, link=instance, **data)

    def delete_service(self, *, actor: User, instance: Link, expected_version: int | None) -> None:
        services.link_delete(actor=actor, link=instance, expected_version=expected_version)

    def restore_service(self, *, actor: User, instance: Link, expected_version: int | None) -> Link:
        return services.link_restore(actor=actor, link=instance, expected_version=expected_version)
