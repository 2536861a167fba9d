"""The argument map of a document as JSON: ``GET /api/documents/{id}/map/``.

Nodes are the document's live tags, edges its links, arguments the edges grouped into
inferences (a linked argument has several premises), and findings the map check (see
``claims.argmap.checks``). ``author=`` keeps one person's tags and links and ``status=`` the
tags of some statuses (``accepted`` is the gold layer), as the map page and the exports do.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.permissions import acting_user
from annotator.selectors import documents_for
from claims.argmap.checks import CODES, check_map
from claims.argmap.graph import ArgumentMap, MapNode
from claims.models import (
    Relation,
    TagKind,
    TagStatus,
    parse_consensus,
    parse_statuses,
    tag_page_url,
)
from claims.selectors import argument_map


class MapNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=TagKind.choices)
    text = serializers.CharField(help_text="The tag's quote, or an implicit statement's text.")
    author = serializers.CharField()
    implicit = serializers.BooleanField()
    paragraph_position = serializers.IntegerField(allow_null=True)
    start = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=TagStatus.choices)
    url = serializers.SerializerMethodField(help_text="The document page at this passage.")

    def get_url(self, node: MapNode) -> str:
        return tag_page_url(self.context["document_id"], node.id)


class MapEdgeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The link's id.")
    # The serializer's metaclass takes declared fields off the class, so this field never
    # shadows Field.source at runtime; the stubs see a clash.
    source = serializers.IntegerField()  # type: ignore[assignment]
    relation = serializers.ChoiceField(choices=Relation.choices)
    target = serializers.IntegerField(
        source="target_node", allow_null=True, help_text="The tag supported or attacked."
    )
    target_link = serializers.IntegerField(
        source="target_edge", allow_null=True, help_text="The link an undercut attacks."
    )
    group = serializers.CharField(allow_null=True, help_text="The linked argument, if any.")
    author = serializers.CharField()


class MapArgumentSerializer(serializers.Serializer):
    id = serializers.CharField(help_text='The group, or "e<link id>" for a link on its own.')
    relation = serializers.ChoiceField(choices=Relation.choices)
    premises = serializers.ListField(child=serializers.IntegerField())
    target = serializers.IntegerField(source="target_node", allow_null=True)
    target_link = serializers.IntegerField(source="target_edge", allow_null=True)
    links = serializers.ListField(child=serializers.IntegerField(), source="edge_ids")
    linked = serializers.BooleanField(help_text="Several premises that work only together.")


class MapFindingSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[(c, c) for c in CODES])
    message = serializers.CharField()
    tags = serializers.ListField(child=serializers.IntegerField())


class ArgumentMapSerializer(serializers.Serializer):
    nodes = MapNodeSerializer(many=True)
    edges = MapEdgeSerializer(many=True)
    arguments = MapArgumentSerializer(many=True)
    findings = MapFindingSerializer(many=True)


def map_payload(m: ArgumentMap, *, document_id: int) -> dict:
    """Return the map, its arguments and its findings as the API sends them."""
    data = {
        "nodes": m.nodes,
        "edges": m.edges,
        "arguments": m.arguments(),
        "findings": check_map(m),
    }
    return ArgumentMapSerializer(data, context={"document_id": document_id}).data


class DocumentMapView(APIView):
    """The argument map of a document, with the map check's findings (any member).

    ``author=`` keeps one person's tags and links; ``status=`` (comma separated) keeps the
    tags of those statuses and the links between them.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("author", OpenApiTypes.STR, description="Only this user's work."),
            OpenApiParameter(
                "consensus",
                OpenApiTypes.INT,
                description="Only what at least this many annotators agree on (a node per "
                "passage and kind that k tagged, an edge per relation k drew).",
            ),
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                description="Only tags of these statuses, comma separated (pending, accepted, "
                "disputed, rejected); accepted is the gold layer.",
            ),
        ],
        responses=ArgumentMapSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        document = get_object_or_404(documents_for(acting_user(request)), pk=pk)
        statuses = parse_statuses(request.query_params.getlist("status"))
        m = argument_map(
            document,
            author=request.query_params.get("author") or None,
            statuses=statuses or None,
            viewer=request.user,
            consensus=parse_consensus(request.query_params.get("consensus")),
        )
        return Response(map_payload(m, document_id=document.pk))
