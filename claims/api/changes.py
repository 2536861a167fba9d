"""A document's change feed, GET /api/documents/{id}/changes/?since=<seq>: what live sockets
were sent, for a page that reconnects and for API clients that sync."""

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from annotator.permissions import acting_user
from annotator.selectors import documents_for
from claims.realtime.events import EVENT_TYPES, event_of, representations
from claims.selectors import changes_since

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class ChangeSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="The change's number in the document's feed.")
    type = serializers.ChoiceField(choices=EVENT_TYPES)
    id = serializers.IntegerField(help_text="The tag's, link's or review's id.")
    version = serializers.IntegerField(
        allow_null=True, help_text="The item's version after this change."
    )
    actor = serializers.CharField(allow_null=True, help_text="Who made the change.")
    at = serializers.DateTimeField()
    # The metaclass takes declared fields off the class, so this never shadows Serializer.data
    # at runtime; the stubs see a clash.
    data = serializers.DictField(  # type: ignore[assignment]
        allow_null=True,
        help_text="The item's current representation (as GET /api/tags/{id}/ and the like give "
        "it now, deleted or not): it may be newer than version.",
    )


class ChangePageSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    last_seq = serializers.IntegerField(
        help_text="Send it as since next time: the feed was read up to here."
    )
    next = serializers.URLField(
        allow_null=True, help_text="The next page, while more changes follow."
    )


class FeedQuerySerializer(serializers.Serializer):
    since = serializers.IntegerField(min_value=0, max_value=2**63 - 1, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT)


class DocumentChangesView(APIView):
    """Changes to the document's tags, links and reviews after ``since``, oldest first.

    Any member may read it; others get 404. A blind first pass hides the changes to other
    people's items as the lists hide the items; hidden changes still count towards ``limit``
    and ``last_seq``. Follow ``next`` until it is null; then keep ``last_seq`` for next time.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.INT,
                description="The last seq you have (0, the default: from the start).",
            ),
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=f"Changes read per page, up to {MAX_LIMIT} ({DEFAULT_LIMIT}).",
            ),
        ],
        responses=ChangePageSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        user: User = acting_user(request)
        document = get_object_or_404(documents_for(user), pk=pk)
        query = FeedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        since, limit = query.validated_data["since"], query.validated_data["limit"]
        page = changes_since(user, document, since, limit)
        data = representations(page.entries)
        results: list[dict[str, Any]] = []
        for entry in page.entries:
            change = event_of(entry, data.get((entry.entity, entry.object_id)))
            results.append({**change, "at": entry.at})
        next_url = None
        if page.more:
            url = request.build_absolute_uri()
            next_url = replace_query_param(url, "since", page.last_seq)
        body = {"results": results, "last_seq": page.last_seq, "next": next_url}
        return Response(ChangePageSerializer(body).data)
