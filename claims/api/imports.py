"""POST /api/projects/{id}/import/: a document with its tags and links from a file."""

import io
from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError

# DRF's get_object_or_404 answers 404, not 500, for an id that is not a number (/tags/x/).
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.models import CURATING_ROLES, Project
from annotator.parsers import LimitedJSONParser
from annotator.permissions import acting_user
from annotator.selectors import projects_for
from annotator.services import require_role
from claims.interchange.exporters import (
    UnknownFormat,
)
from claims.interchange.importers import IMPORTERS
from claims.interchange.importers.json_import import JsonImporter
from claims.interchange.importing import (
    DuplicateDocument,
    ImportResult,
    annotations_import,
    file_import,
)
from claims.interchange.uploads import upload_read

__all__ = ["ProjectImportView"]

ALLOW_DUPLICATE_HELP = (
    "Import the file even when the project already has a live document with the same title "
    "and the same text; without it such a file is answered with 409."
)


class ImportNoticeSerializer(serializers.Serializer):
    """Something of an imported file that was skipped or adjusted (for the schema)."""

    what = serializers.CharField()
    count = serializers.IntegerField()
    why = serializers.CharField()
    ids = serializers.ListField(child=serializers.CharField(), help_text="The first ten.")


class FormatField(serializers.ChoiceField):
    """An import format's name, spaces around it ignored; an unknown name lists the known ones."""

    def to_internal_value(self, data: object) -> str:
        name = data.strip() if isinstance(data, str) else ""
        if not name:
            self.fail("required")
        if name not in self.choices:
            raise ValidationError(str(UnknownFormat(name, list(self.choices))))
        return name


def _file_field(*, required: bool, missing: str = "") -> serializers.FileField:
    # Empty files go through to the importer, which says what the file lacks.
    messages: dict[str, Any] = {"required": missing, "invalid": missing} if missing else {}
    return serializers.FileField(required=required, allow_empty_file=True, error_messages=messages)


class ImportUploadSerializer(serializers.Serializer):
    """The fields of a multipart import; ``validated_data`` is the format, text and options."""

    format = FormatField(
        choices=list(IMPORTERS),
        error_messages={"required": f"Say which format the file is in: {', '.join(IMPORTERS)}."},
    )
    file = _file_field(required=True, missing="Attach the file to import as the field file.")
    # Not stripped: the text's own spaces and line ends are part of the document.
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    text_file = _file_field(required=False)
    title = serializers.CharField(required=False, allow_blank=True)
    mapping = serializers.CharField(required=False, allow_blank=True)
    relation_mapping = serializers.CharField(required=False, allow_blank=True)
    allow_duplicate = serializers.BooleanField(
        required=False, default=False, help_text=ALLOW_DUPLICATE_HELP
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        fields = {k: v for k, v in attrs.items() if k not in {"format", "allow_duplicate"}}
        read = upload_read(format_name=attrs["format"], **fields)
        return {"read": read, "allow_duplicate": attrs["allow_duplicate"]}


class ImportQuerySerializer(serializers.Serializer):
    """The query of an import whose body is a json export (the body is the file itself)."""

    allow_duplicate = serializers.BooleanField(
        required=False, default=False, help_text=ALLOW_DUPLICATE_HELP
    )


def _page_url(document_id: int) -> str:
    return reverse("document", args=[document_id])


class ProjectImportView(APIView):
    """Create a document with its tags and links from an imported file.

    Curators and owners only; nothing is written if any part of the file is refused.

    - JSON body: a ``json`` export (``GET /api/documents/{id}/export/?format=json``), with its
      reviews. Authors are matched by username; people who are not members yet become
      annotators.
    - multipart/form-data: ``format``, ``file``, ``title`` (default: the file's name; a json
      export has its own). Articles without annotations: ``text`` (one paragraph a line),
      ``markdown`` or ``html``. Files with annotations: ``json`` (our export), ``aif`` and
      ``brat``, with the source text as ``text`` or ``text_file`` (aif: optional when an OVA
      file carries its text; brat: the ``.txt``), and for brat ``mapping`` (entity types to
      kinds, ``MajorClaim=claim,Premise=evidence``) and ``relation_mapping``. AIF and brat
      name no annotators: their tags and links are yours.

    A file whose document the project already has (a live document with the same title and
    the same paragraph texts) is answered with 409, naming that document, and nothing is
    written; ``allow_duplicate`` (a form field, or ``?allow_duplicate=true`` with a JSON body)
    imports it all the same.

    The report counts what was created, and lists what the file held that was skipped or
    adjusted on the way in, and why.
    """

    permission_classes = [IsAuthenticated]
    parser_classes = [LimitedJSONParser, MultiPartParser]

    @extend_schema(
        request={
            "application/json": OpenApiTypes.OBJECT,
            "multipart/form-data": ImportUploadSerializer,
        },
        parameters=[
            OpenApiParameter(
                "allow_duplicate",
                OpenApiTypes.BOOL,
                description=f"JSON body only (a form sends the field). {ALLOW_DUPLICATE_HELP}",
            )
        ],
        responses={
            201: inline_serializer(
                "ImportResult",
                {
                    "document": serializers.IntegerField(),
                    "title": serializers.CharField(),
                    "url": serializers.CharField(help_text="The new document's page."),
                    "report": inline_serializer(
                        "ImportReport",
                        {
                            "paragraphs": serializers.IntegerField(),
                            "tags": serializers.IntegerField(),
                            "implicit": serializers.IntegerField(),
                            "links": serializers.IntegerField(),
                            "reviews": serializers.IntegerField(),
                            "members_added": serializers.ListField(child=serializers.CharField()),
                            "skipped": ImportNoticeSerializer(many=True),
                            "adjusted": ImportNoticeSerializer(many=True),
                        },
                    ),
                },
            ),
            409: inline_serializer(
                "ImportDuplicate",
                {
                    "detail": serializers.CharField(),
                    "existing": inline_serializer(
                        "ImportDuplicateOf",
                        {
                            "document": serializers.IntegerField(),
                            "title": serializers.CharField(),
                            "url": serializers.CharField(help_text="The document's page."),
                        },
                    ),
                },
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = acting_user(request)
        project = get_object_or_404(projects_for(user), pk=pk)
        # Before reading the body, so a viewer hears about the role rather than the file.
        require_role(user, project, CURATING_ROLES)
        try:
            result = self._import(request, project)
        except DuplicateDocument as duplicate:
            existing = duplicate.existing
            body = {
                "detail": str(duplicate),
                "existing": {
                    "document": existing.pk,
                    "title": existing.title,
                    "url": _page_url(existing.pk),
                },
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(
            {
                "document": result.document.pk,
                "title": result.document.title,
                "url": _page_url(result.document.pk),
                "report": result.report(),
            },
            status=status.HTTP_201_CREATED,
        )

    def _import(self, request: Request, project: Project) -> ImportResult:
        if request.content_type.startswith("multipart/form-data"):
            upload = ImportUploadSerializer(data=request.data)
            upload.is_valid(raise_exception=True)
            read = upload.validated_data["read"]
            return file_import(
                actor=acting_user(request),
                project=project,
                format_name=read.format_name,
                source=io.StringIO(read.source),
                options=read.options,
                allow_duplicate=upload.validated_data["allow_duplicate"],
            )
        query = ImportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        snapshot = JsonImporter().load_data(request.data)
        return annotations_import(
            actor=acting_user(request),
            project=project,
            snapshot=snapshot,
            allow_duplicate=query.validated_data["allow_duplicate"],
        )
