"""Where annotators disagree, unit by unit: GET /api/documents/{id}/disagreements/."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.permissions import acting_user
from annotator.selectors import documents_for
from claims.models import parse_choices
from claims.selectors.disagreements import CATEGORIES, KIND_CHOICES, document_disagreements


class DocumentDisagreementsView(APIView):
    """The units where the annotators of a document disagree, in reading order (any member).

    A span item is a cluster of overlapping tags (see claims/alignment.py for the rule) with
    each annotator's version; a link item is every annotator's links between two clusters
    (each cluster with the ids of its tags). ``tags`` describes each tag the items name once:
    annotator, offsets, kind, decision and version (for If-Match on a decision).
    Units a curator has settled leave the list unless ``settled=true``. In a blind project an
    annotator compares only what the blind first pass lets them see; curators see everyone's.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind", str, description="Comma separated: " + ", ".join(KIND_CHOICES)
            ),
            OpenApiParameter(
                "category", str, description="Comma separated: " + ", ".join(CATEGORIES)
            ),
            OpenApiParameter(
                "annotator", str, description="Units where this username tagged or linked."
            ),
            OpenApiParameter("settled", bool, description="true: list settled units too."),
        ],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="{annotators, results}")},
    )
    def get(self, request: Request, pk: int) -> Response:
        document = get_object_or_404(documents_for(acting_user(request)), pk=pk)
        params = request.query_params
        settled = params.get("settled", "false").lower()
        kinds = parse_choices(params.getlist("kind"), KIND_CHOICES, "kind")
        categories = parse_choices(params.getlist("category"), CATEGORIES, "category")
        if settled not in {"true", "false", "1", "0"}:
            raise ValidationError({"settled": "settled is true or false."})
        return Response(
            document_disagreements(
                document,
                viewer=request.user,
                kinds=kinds,
                categories=categories,
                annotator=params.get("annotator", ""),
                settled=settled in {"true", "1"},
            )
        )
