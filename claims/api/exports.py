"""Exports of a document or a whole project, streamed in the negotiated format."""

from typing import Any, cast

from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)

# DRF's get_object_or_404 answers 404, not 500, for an id that is not a number (/tags/x/).
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.permissions import acting_user
from annotator.selectors import documents_for, projects_for
from claims.api.negotiation import (
    EXPORT_RENDERERS,
    PROJECT_EXPORT_RENDERERS,
    ExportNegotiation,
    ExportRenderer,
    known_formats,
)
from claims.interchange import downloads
from claims.interchange.exporters import (
    EXPORTERS,
    PROJECT_EXPORTERS,
    Exporter,
    ProjectExporter,
)
from claims.models import parse_consensus, parse_statuses

_FORMAT_PARAM = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=list(EXPORTERS),
    description="Export format; wins over the Accept header. Default: json.",
)
_AUTHOR_PARAM = OpenApiParameter(
    "author", OpenApiTypes.STR, description="Only this user's tags, links and reviews."
)
_STATUS_PARAM = OpenApiParameter(
    "status",
    OpenApiTypes.STR,
    description=(
        "Only tags with one of these statuses, comma separated (pending, accepted, disputed, "
        "rejected); accepted is the gold layer. Links are kept between kept tags."
    ),
)
_CONSENSUS_PARAM = OpenApiParameter(
    "consensus",
    OpenApiTypes.INT,
    description="Only what at least this many annotators agree on: a node per passage (cluster "
    "of overlapping tags) and kind that k tagged, an edge per relation k drew between them.",
)


class ExportView(APIView):
    """Streams an export in the negotiated format; anything else it answers is JSON."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = ExportNegotiation

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> Response:
        if isinstance(response, Response):
            # Errors (404, 401, a bad format) and OPTIONS are JSON whatever format was asked.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        # DRF finalizes (and returns) any HttpResponseBase, here a streamed export; the stubs
        # say Response.
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[arg-type]


class DocumentExportView(ExportView):
    """Export a document with its live tags, links and reviews (any member).

    ``author=`` keeps one person's work and ``status=`` the tags of some statuses (with the
    links between them), in every format; ``consensus=k`` what at least k annotators agree on
    (a node per passage and kind that k tagged, an edge per relation k drew).
    """

    renderer_classes = EXPORT_RENDERERS

    @extend_schema(
        parameters=[_FORMAT_PARAM, _AUTHOR_PARAM, _STATUS_PARAM, _CONSENSUS_PARAM],
        responses={
            (200, e.media_type.split(";")[0]): OpenApiResponse(
                OpenApiTypes.OBJECT if "json" in e.media_type else OpenApiTypes.STR,
                description=f"The export in the format asked for: {known_formats()}.",
            )
            for e in EXPORTERS.values()
        },
    )
    def get(self, request: Request, pk: int) -> StreamingHttpResponse:
        document = get_object_or_404(documents_for(acting_user(request)), pk=pk)
        exporter: Exporter = cast(ExportRenderer, request.accepted_renderer).exporter
        file = downloads.document_file(
            document,
            exporter,
            author=request.query_params.get("author") or None,
            statuses=parse_statuses(request.query_params.getlist("status")),
            consensus=parse_consensus(request.query_params.get("consensus")),
            absolute=request.build_absolute_uri,
            viewer=request.user,
        )
        return downloads.attachment(file)


class ProjectExportView(ExportView):
    """Export every live document of a project in one file: json, w3c or aif (any member).

    The file streams while it is read, a document at a time, from one consistent view of the
    database, so memory stays that of the largest document however large the project grows.
    """

    renderer_classes = PROJECT_EXPORT_RENDERERS

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=list(PROJECT_EXPORTERS),
                description="Export format; wins over the Accept header. Default: json.",
            )
        ],
        responses={
            (200, e.media_type.split(";")[0]): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="The project in the format asked for: "
                f"{known_formats(PROJECT_EXPORT_RENDERERS)}.",
            )
            for e in PROJECT_EXPORTERS.values()
        },
    )
    def get(self, request: Request, pk: int) -> StreamingHttpResponse:
        project = get_object_or_404(projects_for(acting_user(request)), pk=pk)
        # The negotiation picked one of PROJECT_EXPORT_RENDERERS.
        exporter = cast(ProjectExporter, cast(ExportRenderer, request.accepted_renderer).exporter)
        return downloads.attachment(
            downloads.project_file(
                project, exporter, absolute=request.build_absolute_uri, viewer=request.user
            )
        )
