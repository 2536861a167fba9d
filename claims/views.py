"""API views for tags, links and reviews; each write is one service call."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from claims import selectors, services
from claims.filters import LinkFilter, ReviewFilter, TagFilter
from claims.permissions import IsContributionEditor
from claims.serializers import LinkSerializer, ReviewSerializer, TagSerializer

_DELETED_PARAM = OpenApiParameter(
    "deleted",
    OpenApiTypes.BOOL,
    description="true: list deleted tags instead (in projects where you are a curator or owner).",
)


class ContributionViewSet(viewsets.ModelViewSet):
    """Shared wiring: scoped querysets, service calls for writes, a restore action."""

    permission_classes = [IsAuthenticated, IsContributionEditor]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    # Each subclass names its selectors and services.
    def restorable(self):
        raise NotImplementedError

    def create_service(self, *, actor, **data):
        raise NotImplementedError

    def update_service(self, *, actor, instance, **data):
        raise NotImplementedError

    def restore_service(self, *, actor, instance):
        raise NotImplementedError

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        """Restore a deleted item (its author, a curator or an owner)."""
        instance = self.get_restorable_object()
        restored = self.restore_service(actor=request.user, instance=instance)
        return Response(self.get_serializer(self.reload(restored)).data)

    def get_restorable_object(self):
        return get_object_or_404(self.restorable(), pk=self.kwargs["pk"])

    def reload(self, instance):
        return self.get_queryset().get(pk=instance.pk)

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.create_service(actor=request.user, **serializer.validated_data)
        return Response(
            self.get_serializer(self.reload(instance)).data, status=status.HTTP_201_CREATED
        )

    def update(self, request: Request, *args, **kwargs) -> Response:
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = self.update_service(
            actor=request.user, instance=instance, **serializer.validated_data
        )
        return Response(self.get_serializer(self.reload(updated)).data)


@extend_schema_view(list=extend_schema(parameters=[_DELETED_PARAM]))
class TagViewSet(ContributionViewSet):
    """Spans tagged as claim, evidence or opinion. Offsets are Unicode code points."""

    serializer_class = TagSerializer
    filterset_class = TagFilter

    def get_queryset(self):
        deleted = self.request.query_params.get("deleted") == "true" and self.action == "list"
        return selectors.tags_for(self.request.user, deleted=deleted)

    def restorable(self):
        return selectors.tag_for_restore(self.request.user)

    def create_service(self, *, actor, **data):
        return services.tag_create(actor=actor, **data)

    def update_service(self, *, actor, instance, **data):
        return services.tag_update(actor=actor, tag=instance, **data)

    def restore_service(self, *, actor, instance):
        return services.tag_restore(actor=actor, tag=instance)

    def perform_destroy(self, instance) -> None:
        services.tag_delete(actor=self.request.user, tag=instance)


class LinkViewSet(ContributionViewSet):
    """Edges of the argument map: a tag supports or attacks another tag of the same document."""

    serializer_class = LinkSerializer
    filterset_class = LinkFilter

    def get_queryset(self):
        return selectors.links_for(self.request.user)

    def restorable(self):
        return selectors.link_for_restore(self.request.user)

    def create_service(self, *, actor, **data):
        return services.link_create(actor=actor, **data)

    def update_service(self, *, actor, instance, **data):
        return services.link_update(actor=actor, link=instance, **data)

    def restore_service(self, *, actor, instance):
        return services.link_restore(actor=actor, link=instance)

    def perform_destroy(self, instance) -> None:
        services.link_delete(actor=self.request.user, link=instance)


class ReviewViewSet(ContributionViewSet):
    """Verdicts (agree or disagree) on other people's tags: one per reviewer and tag."""

    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter

    def get_queryset(self):
        return selectors.reviews_for(self.request.user)

    def restorable(self):
        return selectors.review_for_restore(self.request.user)

    def create_service(self, *, actor, **data):
        return services.review_submit(actor=actor, **data)

    def update_service(self, *, actor, instance, **data):
        return services.review_update(actor=actor, review=instance, **data)

    def restore_service(self, *, actor, instance):
        return services.review_restore(actor=actor, review=instance)

    def perform_destroy(self, instance) -> None:
        services.review_delete(actor=self.request.user, review=instance)
