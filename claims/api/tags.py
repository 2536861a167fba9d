"""/api/tags/: span tags and implicit statements, their decisions, merges and discussion."""

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound

# DRF's get_object_or_404 answers 404, not 500, for an id that is not a number (/tags/x/).
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from annotator.permissions import acting_user
from annotator.schema import ErrorSerializer
from claims import selectors, services
from claims.api.contributions import IF_MATCH_PARAM, ContributionViewSet
from claims.filters import TagFilter
from claims.models import SoftDeletable, Tag
from claims.serializers import (
    DecisionSerializer,
    DiscussionSerializer,
    MergeSerializer,
    TagSerializer,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from claims.selectors import ReviewCounts

_DELETED_PARAM = OpenApiParameter(
    "deleted",
    OpenApiTypes.BOOL,
    description="true: list deleted tags instead (in projects where you are a curator or owner).",
)


@extend_schema_view(list=extend_schema(parameters=[_DELETED_PARAM]))
class TagViewSet(ContributionViewSet):
    """Spans tagged as claim, evidence or opinion. Offsets are Unicode code points."""

    serializer_class = TagSerializer
    filterset_class = TagFilter

    def get_queryset(self) -> QuerySet[Tag]:
        deleted = self.request.query_params.get("deleted") == "true" and self.action == "list"
        return selectors.tags_for(self.request.user, deleted=deleted)

    def restorable(self) -> QuerySet[Tag]:
        return selectors.tag_for_restore(self.request.user)

    def as_written(self, instance: SoftDeletable) -> SoftDeletable:
        # Its review counts and status, which a bare instance lacks, are read with it.
        found = selectors.with_review_counts(self.restorable()).filter(pk=instance.pk).first()
        return found or instance

    def create_service(self, *, actor: User, **data: Any) -> Tag:
        if data.get("paragraph") is None:
            return services.implicit_tag_create(
                actor=actor,
                document=data["document"],
                text=data["quote"],
                kind=data["kind"],
                note=data.get("note", ""),
            )
        data.pop("document", None)
        return services.tag_create(actor=actor, **data)

    def update_service(self, *, actor: User, instance: Tag, **data: Any) -> Tag:
        return services.tag_update(actor=actor, tag=instance, **data)

    def delete_service(self, *, actor: User, instance: Tag, expected_version: int | None) -> None:
        services.tag_delete(actor=actor, tag=instance, expected_version=expected_version)

    def restore_service(self, *, actor: User, instance: Tag, expected_version: int | None) -> Tag:
        return services.tag_restore(actor=actor, tag=instance, expected_version=expected_version)

    @extend_schema(request=DecisionSerializer, responses=TagSerializer, parameters=[IF_MATCH_PARAM])
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str | None = None) -> Response:
        """Accept or reject the tag (curators and owners); pending withdraws the decision."""
        tag = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.tag_decide(
            actor=acting_user(request),
            tag=tag,
            expected_version=self.if_match(tag),
            **serializer.validated_data,
        )
        return Response(self.get_serializer(self.reload(tag)).data)

    @extend_schema(
        request=MergeSerializer,
        responses={
            200: TagSerializer,
            404: OpenApiResponse(ErrorSerializer, description="A tag is not among yours to see."),
        },
    )
    @action(detail=False, methods=["post"])
    def merge(self, request: Request) -> Response:
        """Merge near-duplicate tags into one accepted tag (curators and owners).

        The others are deleted (restorable); their links and reviews move to the kept tag.
        """
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(serializer.validated_data["tags"]))
        found = selectors.tags_visible_to(request.user).in_bulk(ids)
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise NotFound(
                f"No tag {missing[0]} among the live tags you can see (deleted or merged already?)."
            )
        into = serializer.validated_data.get("into")
        kept = services.tags_merge(
            actor=acting_user(request),
            tags=[found[pk] for pk in ids],
            into=None if into is None else found[into],
        )
        return Response(self.get_serializer(self.reload(kept)).data)

    @extend_schema(responses=DiscussionSerializer)
    @action(detail=True, methods=["get"], pagination_class=None)
    def discussion(self, request: Request, pk: str | None = None) -> Response:
        """The tag's review comments and its decisions, oldest first (any member)."""
        tag: WithAnnotations[Tag, ReviewCounts] = get_object_or_404(
            selectors.with_review_counts(self.restorable()), pk=pk
        )
        reviews, decisions = selectors.tag_discussion(tag, viewer=request.user)
        data = {
            "tag": tag.pk,
            "status": tag.status,
            "agree": tag.agree_count,
            "disagree": tag.disagree_count,
            "reviews": reviews,
            "decisions": decisions,
        }
        return Response(DiscussionSerializer(data).data)
