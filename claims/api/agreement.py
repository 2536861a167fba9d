"""Agreement between the annotators of a document, as JSON: GET /api/documents/{id}/agreement/."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.permissions import acting_user
from annotator.selectors import documents_for
from claims.models import TagKind, parse_choices, parse_statuses
from claims.selectors import document_agreement

_EXAMPLE = {
    "annotators": ["alice", "bob"],
    "pairs": [
        {
            "a": "alice",
            "b": "bob",
            "span_f1_exact": 0.5,
            "span_f1_overlap": 1.0,
            "cohen_kappa": 0.71,
            "link_f1": None,
            "link_f1_reason": "neither annotator made a link",
        }
    ],
    "overall": {"krippendorff_alpha": 0.7, "span_f1_exact": 0.5, "span_f1_overlap": 1.0},
    "by_kind": {"claim": {"krippendorff_alpha": 0.8, "pairs": []}},
    "summary": ["all kinds: substantial agreement (alpha 0.70)"],
}


class DocumentAgreementView(APIView):
    """How far the annotators of a document agree (any member).

    Per pair of annotators: span precision, recall and F1 with exact and with overlap match,
    Cohen's kappa on per-character kind labels, link F1 over (source span, target span,
    relation) and aligned link F1 (the ends' spans aligned by overlap, as the disagreements
    align them). Overall and per kind: Krippendorff's alpha (nominal, per character, all
    annotators) and micro-averaged span F1. A measure that is undefined is null, with a
    sibling ``<measure>_reason`` saying why. ``summary`` reads the alphas in plain words.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                str,
                description="Compare only tags of these statuses (comma separated), such as "
                "pending,accepted,disputed to leave out rejected tags; links need both ends kept.",
            ),
            OpenApiParameter(
                "kind", str, description="Compare only tags of these kinds (comma separated)."
            ),
        ],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="See claims/agreement.py for every key.",
                examples=[OpenApiExample("Two annotators", value=_EXAMPLE)],
            )
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        document = get_object_or_404(documents_for(acting_user(request)), pk=pk)
        statuses = parse_statuses(request.query_params.getlist("status"))
        kinds = parse_choices(request.query_params.getlist("kind"), TagKind.values, "kind")
        return Response(
            document_agreement(document, viewer=request.user, statuses=statuses, kinds=kinds)
        )
