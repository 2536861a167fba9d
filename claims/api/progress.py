"""Each person's progress on a document, and marking it done:
GET /api/documents/{id}/progress/ and POST /api/documents/{id}/state/."""

from dataclasses import asdict

from django.contrib.auth.models import User
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import Document, ProgressState
from annotator.permissions import acting_user
from annotator.selectors import blinded_on, documents_for
from annotator.services import SETTABLE_PROGRESS, progress_set
from annotator.strict_input import StrictInputMixin
from claims.realtime.publish import announce_access_changed
from claims.selectors.progress import progress_by_document


class AnnotatorProgressSerializer(serializers.Serializer):
    user = serializers.CharField()
    state = serializers.ChoiceField(choices=ProgressState.choices)
    tags = serializers.IntegerField(help_text="Live tags this person made in the document.")
    links = serializers.IntegerField()
    reviews = serializers.IntegerField()


class DocumentProgressSerializer(serializers.Serializer):
    document = serializers.IntegerField()
    blind = serializers.BooleanField(help_text="Whether the project runs a blind first pass.")
    blinded = serializers.BooleanField(
        help_text="Whether you see only your own work here until you mark the document done."
    )
    annotators = AnnotatorProgressSerializer(many=True)


class StateSerializer(StrictInputMixin, serializers.Serializer):
    state = serializers.ChoiceField(
        choices=sorted(SETTABLE_PROGRESS),
        help_text="done when you have finished the document (in a blind project this shows you "
        "everyone's work); in_progress reopens it.",
    )


def _progress(user: User, document: Document) -> Response:
    rows = progress_by_document(document.project_id, [document.pk])[document.pk]
    data = {
        "document": document.pk,
        "blind": document.project.blind,
        "blinded": blinded_on(user, document),
        "annotators": [asdict(row) for row in rows],
    }
    return Response(DocumentProgressSerializer(data).data)


class DocumentProgressView(APIView):
    """Who works on a document and how far they are (any member).

    Every annotator of the project is listed, and anyone else who tagged, linked or reviewed
    there; the counts are of live tags, links and reviews.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=DocumentProgressSerializer)
    def get(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        return _progress(user, get_object_or_404(documents_for(user), pk=pk))


class DocumentStateView(APIView):
    """Mark a document done for yourself, or reopen it (owners, curators, annotators)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=StateSerializer, responses=DocumentProgressSerializer)
    def post(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        document = get_object_or_404(documents_for(user), pk=pk)
        serializer = StateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            progress_set(actor=user, document=document, state=serializer.validated_data["state"])
            # The user's live sockets look again at what a blind first pass lets them see.
            announce_access_changed(document_id=document.pk, user_id=user.pk)
        return _progress(user, document)
