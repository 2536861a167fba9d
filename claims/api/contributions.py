"""The shared wiring of the tag, link and review endpoints: scoped querysets, one service
call per write, optimistic concurrency with ETag and If-Match, restore and history."""

import re
from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action

# DRF's get_object_or_404 answers 404, not 500, for an id that is not a number (/tags/x/).
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from annotator.exceptions import PreconditionFailed
from annotator.permissions import acting_user
from claims import selectors
from claims.models import SoftDeletable
from claims.permissions import IsContributionEditor
from claims.serializers import (
    HistoryEntrySerializer,
)


def etag(entity: str, pk: int, version: int) -> str:
    """Return the strong validator of one version of a tag, link or review."""
    return f'"{entity}-{pk}-v{version}"'


IF_MATCH_PARAM = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description='The ETag of the version you loaded (such as "tag-12-v3"): the change applies '
    "only to that version, else 412. Without it the change applies to whatever is stored.",
)


@extend_schema_view(
    partial_update=extend_schema(parameters=[IF_MATCH_PARAM]),
    destroy=extend_schema(parameters=[IF_MATCH_PARAM]),
)
class ContributionViewSet(viewsets.ModelViewSet):
    """Shared wiring: scoped querysets, service calls for writes, a restore action.

    Optimistic concurrency: the detail and every write answer an ``ETag`` naming the item's
    version; a PATCH, DELETE, restore (or decision) with an ``If-Match`` naming another version
    answers 412 and changes nothing. Without If-Match the write applies to the stored version.
    """

    permission_classes = [IsAuthenticated, IsContributionEditor]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    # Each subclass names its selectors and services.
    # instance is Any here: each subclass takes its own model.
    def restorable(self) -> QuerySet[Any]:
        raise NotImplementedError

    def create_service(self, *, actor: User, **data: Any) -> SoftDeletable:
        raise NotImplementedError

    def update_service(
        self, *, actor: User, instance: Any, expected_version: int | None, **data: Any
    ) -> SoftDeletable:
        raise NotImplementedError

    def delete_service(self, *, actor: User, instance: Any, expected_version: int | None) -> None:
        raise NotImplementedError

    def restore_service(
        self, *, actor: User, instance: Any, expected_version: int | None
    ) -> SoftDeletable:
        raise NotImplementedError

    @extend_schema(request=None, parameters=[IF_MATCH_PARAM])
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        """Restore a deleted item (its author, a curator or an owner)."""
        instance = self.get_restorable_object()
        restored = self.restore_service(
            actor=acting_user(request),
            instance=instance,
            expected_version=self.if_match(instance),
        )
        return Response(self.get_serializer(self.reload(restored)).data)

    def if_match(self, instance: SoftDeletable) -> int | None:
        """Return the version the request's If-Match names; None without one (or with ``*``).

        An If-Match naming no version of this item (another item, a weak or garbled tag)
        cannot hold, so it answers 412 like a stale one.
        """
        header = self.request.headers.get("If-Match")
        if header is None:
            return None
        tags = [tag.strip() for tag in header.split(",") if tag.strip()]
        if "*" in tags:
            return None
        entity = cast(str, instance._meta.model_name)  # None only for abstract models
        pattern = re.compile(rf'"{entity}-{instance.pk}-v([0-9]{{1,9}})"')
        versions = [int(m[1]) for tag in tags if (m := pattern.fullmatch(tag))]
        if not versions:
            example = etag(entity, instance.pk, instance.version)
            raise PreconditionFailed(
                f"If-Match {header[:100]!r} names no version of this {entity}; send the ETag "
                f"you got when you loaded it, such as {example}.",
                current_version=instance.version,
            )
        return instance.version if instance.version in versions else versions[0]

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        # The detail and the writes answer one item's representation: give it its ETag.
        data = getattr(response, "data", None)
        if (
            200 <= response.status_code < 300
            and isinstance(data, dict)
            and isinstance(data.get("id"), int)
            and isinstance(data.get("version"), int)
        ):
            # A ModelSerializer, whose Meta names the model (the stubs' Meta is not generic).
            serializer_class: Any = self.get_serializer_class()
            entity = serializer_class.Meta.model._meta.model_name
            response["ETag"] = etag(entity, data["id"], data["version"])
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Every recorded change of this item (deleted items too), oldest first."""
        instance = self.get_restorable_object()
        entries = selectors.history_of(instance._meta.model_name, instance.pk)
        return Response(HistoryEntrySerializer(entries, many=True).data)

    def get_restorable_object(self) -> Any:
        return get_object_or_404(self.restorable(), pk=self.kwargs["pk"])

    def reload(self, instance: SoftDeletable) -> SoftDeletable:
        """Read the item back as lists show it, with its derived fields.

        Someone may delete it (or its tag) between this request's commit and this read; the
        write still succeeded, so the answer is the item as written, never a 500.
        """
        return self.get_queryset().filter(pk=instance.pk).first() or self.as_written(instance)

    def as_written(self, instance: SoftDeletable) -> SoftDeletable:
        return instance

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.create_service(actor=acting_user(request), **serializer.validated_data)
        return Response(
            self.get_serializer(self.reload(instance)).data, status=status.HTTP_201_CREATED
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        expected = self.if_match(instance)
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = self.update_service(
            actor=acting_user(request),
            instance=instance,
            expected_version=expected,
            **serializer.validated_data,
        )
        return Response(self.get_serializer(self.reload(updated)).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        self.delete_service(
            actor=acting_user(request),
            instance=instance,
            expected_version=self.if_match(instance),
        )
        response = Response(status=status.HTTP_204_NO_CONTENT)
        # The deleted item's new version: what a restore's If-Match names.
        response["ETag"] = etag(instance._meta.model_name, instance.pk, instance.version)
        return response
