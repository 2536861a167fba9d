"""API views for tags, links and reviews; each write is one service call."""

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import ClassVar

from django.core.files.uploadedfile import UploadedFile
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAcceptable, NotFound, ValidationError

# DRF's get_object_or_404 answers 404, not 500, for an id that is not a number (/tags/x/).
from rest_framework.generics import get_object_or_404
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.exceptions import PreconditionFailed
from annotator.models import CURATING_ROLES, Document
from annotator.parsers import LimitedJSONParser, check_json_file
from annotator.schema import ErrorSerializer
from annotator.selectors import documents_for, projects_for
from annotator.services import require_role
from claims import selectors, services
from claims.exporters import (
    EXPORTERS,
    PROJECT_EXPORTERS,
    Exporter,
    ProjectExporter,
    UnknownFormat,
)
from claims.filters import LinkFilter, ReviewFilter, TagFilter
from claims.importers import IMPORTERS
from claims.importers.json_import import JsonImporter
from claims.importers.source_text import ImportOptions
from claims.importing import annotations_import, file_import
from claims.models import TagStatus
from claims.permissions import IsContributionEditor
from claims.serializers import (
    DecisionSerializer,
    DiscussionSerializer,
    HistoryEntrySerializer,
    LinkSerializer,
    MergeSerializer,
    ReviewSerializer,
    TagSerializer,
)

_DELETED_PARAM = OpenApiParameter(
    "deleted",
    OpenApiTypes.BOOL,
    description="true: list deleted tags instead (in projects where you are a curator or owner).",
)

_DELETED_LINKS_PARAM = OpenApiParameter(
    "deleted",
    OpenApiTypes.BOOL,
    description="true: list deleted links instead (in projects where you are a curator or "
    "owner), those deleted along with a tag included.",
)


def etag(entity: str, pk: int, version: int) -> str:
    """Return the strong validator of one version of a tag, link or review."""
    return f'"{entity}-{pk}-v{version}"'


_IF_MATCH_PARAM = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description='The ETag of the version you loaded (such as "tag-12-v3"): the change applies '
    "only to that version, else 412. Without it the change applies to whatever is stored.",
)


@extend_schema_view(
    partial_update=extend_schema(parameters=[_IF_MATCH_PARAM]),
    destroy=extend_schema(parameters=[_IF_MATCH_PARAM]),
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
    def restorable(self):
        raise NotImplementedError

    def create_service(self, *, actor, **data):
        raise NotImplementedError

    def update_service(self, *, actor, instance, expected_version, **data):
        raise NotImplementedError

    def delete_service(self, *, actor, instance, expected_version):
        raise NotImplementedError

    def restore_service(self, *, actor, instance, expected_version):
        raise NotImplementedError

    @extend_schema(request=None, parameters=[_IF_MATCH_PARAM])
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        """Restore a deleted item (its author, a curator or an owner)."""
        instance = self.get_restorable_object()
        restored = self.restore_service(
            actor=request.user, instance=instance, expected_version=self.if_match(instance)
        )
        return Response(self.get_serializer(self.reload(restored)).data)

    def if_match(self, instance) -> int | None:
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
        entity = instance._meta.model_name
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

    def finalize_response(self, request: Request, response, *args, **kwargs):
        # The detail and the writes answer one item's representation: give it its ETag.
        data = getattr(response, "data", None)
        if (
            200 <= response.status_code < 300
            and isinstance(data, dict)
            and isinstance(data.get("id"), int)
            and isinstance(data.get("version"), int)
        ):
            entity = self.get_serializer_class().Meta.model._meta.model_name
            response["ETag"] = etag(entity, data["id"], data["version"])
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(responses=HistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        """Every recorded change of this item (deleted items too), oldest first."""
        instance = self.get_restorable_object()
        entries = selectors.history_of(instance._meta.model_name, instance.pk)
        return Response(HistoryEntrySerializer(entries, many=True).data)

    def get_restorable_object(self):
        return get_object_or_404(self.restorable(), pk=self.kwargs["pk"])

    def reload(self, instance):
        """Read the item back as lists show it, with its derived fields.

        Someone may delete it (or its tag) between this request's commit and this read; the
        write still succeeded, so the answer is the item as written, never a 500.
        """
        return self.get_queryset().filter(pk=instance.pk).first() or self.as_written(instance)

    def as_written(self, instance):
        return instance

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.create_service(actor=request.user, **serializer.validated_data)
        return Response(
            self.get_serializer(self.reload(instance)).data, status=status.HTTP_201_CREATED
        )

    def update(self, request: Request, *args, **kwargs) -> Response:
        instance = self.get_object()
        expected = self.if_match(instance)
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        updated = self.update_service(
            actor=request.user,
            instance=instance,
            expected_version=expected,
            **serializer.validated_data,
        )
        return Response(self.get_serializer(self.reload(updated)).data)

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        instance = self.get_object()
        self.delete_service(
            actor=request.user, instance=instance, expected_version=self.if_match(instance)
        )
        response = Response(status=status.HTTP_204_NO_CONTENT)
        # The deleted item's new version: what a restore's If-Match names.
        response["ETag"] = etag(instance._meta.model_name, instance.pk, instance.version)
        return response


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

    def as_written(self, instance):
        # Its review counts and status, which a bare instance lacks, are read with it.
        found = selectors.with_review_counts(self.restorable()).filter(pk=instance.pk).first()
        return found or instance

    def create_service(self, *, actor, **data):
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

    def update_service(self, *, actor, instance, **data):
        return services.tag_update(actor=actor, tag=instance, **data)

    def delete_service(self, *, actor, instance, expected_version):
        services.tag_delete(actor=actor, tag=instance, expected_version=expected_version)

    def restore_service(self, *, actor, instance, expected_version):
        return services.tag_restore(actor=actor, tag=instance, expected_version=expected_version)

    @extend_schema(
        request=DecisionSerializer, responses=TagSerializer, parameters=[_IF_MATCH_PARAM]
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str | None = None) -> Response:
        """Accept or reject the tag (curators and owners); pending withdraws the decision."""
        tag = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.tag_decide(
            actor=request.user,
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
            actor=request.user,
            tags=[found[pk] for pk in ids],
            into=None if into is None else found[into],
        )
        return Response(self.get_serializer(self.reload(kept)).data)

    @extend_schema(responses=DiscussionSerializer)
    @action(detail=True, methods=["get"], pagination_class=None)
    def discussion(self, request: Request, pk: str | None = None) -> Response:
        """The tag's review comments and its decisions, oldest first (any member)."""
        tag = get_object_or_404(selectors.with_review_counts(self.restorable()), pk=pk)
        reviews, decisions = selectors.tag_discussion(tag)
        data = {
            "tag": tag.pk,
            "status": tag.status,
            "agree": tag.agree_count,
            "disagree": tag.disagree_count,
            "reviews": reviews,
            "decisions": decisions,
        }
        return Response(DiscussionSerializer(data).data)


@extend_schema_view(list=extend_schema(parameters=[_DELETED_LINKS_PARAM]))
class LinkViewSet(ContributionViewSet):
    """Edges of the argument map: a tag supports or attacks another tag of the same document."""

    serializer_class = LinkSerializer
    filterset_class = LinkFilter

    def get_queryset(self):
        deleted = self.request.query_params.get("deleted") == "true" and self.action == "list"
        return selectors.links_for(self.request.user, deleted=deleted)

    def restorable(self):
        return selectors.link_for_restore(self.request.user)

    def create_service(self, *, actor, **data):
        return services.link_create(actor=actor, **data)

    def update_service(self, *, actor, instance, **data):
        return services.link_update(actor=actor, link=instance, **data)

    def delete_service(self, *, actor, instance, expected_version):
        services.link_delete(actor=actor, link=instance, expected_version=expected_version)

    def restore_service(self, *, actor, instance, expected_version):
        return services.link_restore(actor=actor, link=instance, expected_version=expected_version)


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

    def delete_service(self, *, actor, instance, expected_version):
        services.review_delete(actor=actor, review=instance, expected_version=expected_version)

    def restore_service(self, *, actor, instance, expected_version):
        return services.review_restore(
            actor=actor, review=instance, expected_version=expected_version
        )


# --- Export and import -----------------------------------------------------------------------


class ExportRenderer(BaseRenderer):
    """Stands for one exporter in DRF's content negotiation (``?format=`` and Accept).

    The export view streams the exporter's output itself, so ``render`` (which BaseRenderer
    leaves unimplemented) is never called; any other response of that view is JSON.
    """

    exporter: ClassVar[Exporter]


def _renderer_for(exporter: Exporter) -> type[ExportRenderer]:
    # Negotiate on the bare media type, so "Accept: application/ld+json" finds the w3c export
    # with or without its profile parameter; the response carries the full media type.
    return type(
        f"{exporter.name.capitalize()}ExportRenderer",
        (ExportRenderer,),
        {
            "exporter": exporter,
            "format": exporter.name,
            "media_type": exporter.media_type.split(";")[0].strip(),
        },
    )


EXPORT_RENDERERS = [_renderer_for(exporter) for exporter in EXPORTERS.values()]
PROJECT_EXPORT_RENDERERS = [r for r in EXPORT_RENDERERS if r.format in PROJECT_EXPORTERS]


def _known_formats(renderers=EXPORT_RENDERERS) -> str:
    return "; ".join(f"{r.exporter.name} ({r.exporter.media_type})" for r in renderers)


def _profiled(request: Request, renderers) -> type[ExportRenderer] | None:
    """Return the renderer whose profile the Accept header names, if it names one.

    Two exports share ``application/json`` (ours and AIF); a ``profile`` parameter tells them
    apart, which negotiating on bare media types would ignore.
    """
    for item in request.META.get("HTTP_ACCEPT", "").split(","):
        wanted = _profile_of(item)
        if wanted[1] is None:
            continue
        for renderer in renderers:
            if _profile_of(renderer.exporter.media_type) == wanted:
                return renderer
    return None


def _profile_of(media_type: str) -> tuple[str, str | None]:
    """Return a media type's bare type and its ``profile`` parameter (None if it has none)."""
    bare, *params = media_type.split(";")
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "profile":
            return bare.strip().lower(), value.strip().strip('"')
    return bare.strip().lower(), None


class ExportNegotiation(DefaultContentNegotiation):
    """Pick the exporter from ``?format=`` (which wins over Accept) or from the Accept header.

    DRF's own negotiation answers an unknown ``?format=`` with a bare 404; this one answers
    400 and names the formats there are. A media type with a ``profile`` that one exporter
    declares picks that exporter.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        name = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if name:
            for renderer in renderers:
                if renderer.format == name:
                    return renderer, renderer.media_type
            known = UnknownFormat(name, [r.format for r in renderers])
            raise ValidationError({"format": [str(known)]})
        profiled = _profiled(request, renderers)
        if profiled is not None:
            return profiled, profiled.media_type
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            raise NotAcceptable(
                "None of the media types in the Accept header can be exported. Ask for one of: "
                f"{_known_formats(renderers)}; or add ?format= with one of the names."
            ) from None


def _content_type(exporter: Exporter) -> str:
    if exporter.media_type.startswith("text/"):
        return f"{exporter.media_type}; charset=utf-8"
    return exporter.media_type  # JSON media types are UTF-8 by definition (RFC 8259).


def _export_filename(
    document: Document, exporter: Exporter, author: str | None, statuses: list[str]
) -> str:
    stem = slugify(document.title, allow_unicode=True)[:80] or f"document-{document.pk}"
    if author:
        stem = f"{stem}-{slugify(author, allow_unicode=True) or 'author'}"
    if statuses:
        stem = f"{stem}-{'-'.join(statuses)}"
    return f"{stem}.{exporter.extension}"


def _statuses(request: Request) -> list[str]:
    """Return the statuses asked for with ``status=`` (comma separated), checked."""
    raw = request.query_params.getlist("status")
    statuses = [s.strip() for value in raw for s in value.split(",") if s.strip()]
    unknown = [s for s in statuses if s not in TagStatus.values]
    if unknown:
        raise ValidationError(
            {
                "status": [
                    f"Unknown status {', '.join(map(repr, unknown))}; use one or more of "
                    f"{', '.join(TagStatus.values)}, separated by commas."
                ]
            }
        )
    return sorted(set(statuses), key=TagStatus.values.index)


def _encoded(text: str, chunk_chars: int = 64 * 1024) -> Iterator[bytes]:
    for i in range(0, len(text), chunk_chars):
        yield text[i : i + chunk_chars].encode("utf-8")


def _gathered(chunks: Iterable[str], chunk_chars: int = 64 * 1024) -> Iterator[bytes]:
    """Join small pieces of text into blocks of about ``chunk_chars`` for the socket."""
    pieces: list[str] = []
    size = 0
    for chunk in chunks:
        pieces.append(chunk)
        size += len(chunk)
        if size >= chunk_chars:
            yield "".join(pieces).encode("utf-8")
            pieces, size = [], 0
    if pieces:
        yield "".join(pieces).encode("utf-8")


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


class ExportView(APIView):
    """Streams an export in the negotiated format; anything else it answers is JSON."""

    permission_classes = [IsAuthenticated]
    content_negotiation_class = ExportNegotiation

    def finalize_response(self, request: Request, response, *args, **kwargs):
        if isinstance(response, Response):
            # Errors (404, 401, a bad format) and OPTIONS are JSON whatever format was asked.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class DocumentExportView(ExportView):
    """Export a document with its live tags, links and reviews (any member).

    ``author=`` keeps one person's work and ``status=`` the tags of some statuses (with the
    links between them), in every format.
    """

    renderer_classes = EXPORT_RENDERERS

    @extend_schema(
        parameters=[_FORMAT_PARAM, _AUTHOR_PARAM, _STATUS_PARAM],
        responses={
            (200, e.media_type.split(";")[0]): OpenApiResponse(
                OpenApiTypes.OBJECT if "json" in e.media_type else OpenApiTypes.STR,
                description=f"The export in the format asked for: {_known_formats()}.",
            )
            for e in EXPORTERS.values()
        },
    )
    def get(self, request: Request, pk: int) -> StreamingHttpResponse:
        document = get_object_or_404(documents_for(request.user), pk=pk)
        exporter: Exporter = request.accepted_renderer.exporter
        author = request.query_params.get("author") or None
        statuses = _statuses(request)
        snapshot = selectors.document_snapshot(
            document,
            author=author,
            statuses=statuses or None,
            page_url=request.build_absolute_uri(f"/documents/{document.pk}/"),
            api_url=request.build_absolute_uri("/api/"),
        )
        # The snapshot is read before the response starts, so streaming never holds a
        # database connection; exporting to a buffer first keeps exporter errors a clean 500.
        buffer = io.StringIO()
        exporter.export(snapshot, buffer)
        response = StreamingHttpResponse(
            _encoded(buffer.getvalue()), content_type=_content_type(exporter)
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=_export_filename(document, exporter, author, statuses)
        )
        return response


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
                f"{_known_formats(PROJECT_EXPORT_RENDERERS)}.",
            )
            for e in PROJECT_EXPORTERS.values()
        },
    )
    def get(self, request: Request, pk: int) -> StreamingHttpResponse:
        project = get_object_or_404(projects_for(request.user), pk=pk)
        exporter: ProjectExporter = request.accepted_renderer.exporter
        api_url = request.build_absolute_uri("/api/")
        page_url = request.build_absolute_uri("/documents/")

        def chunks() -> Iterator[str]:
            # Runs while the response streams; the transaction ends with the last chunk (or
            # when the client goes away and the server closes the response).
            with selectors.consistent_reads():
                snapshot = selectors.project_snapshot(
                    project, page_url_of=lambda pk: f"{page_url}{pk}/", api_url=api_url
                )
                yield from exporter.project_chunks(snapshot)

        response = StreamingHttpResponse(_gathered(chunks()), content_type=_content_type(exporter))
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"{project.slug}.{exporter.extension}"
        )
        return response


#: The largest file (or text file) the import endpoint reads.
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ImportNoticeSerializer(serializers.Serializer):
    """Something of an imported file that was skipped or adjusted (for the schema)."""

    what = serializers.CharField()
    count = serializers.IntegerField()
    why = serializers.CharField()
    ids = serializers.ListField(child=serializers.CharField(), help_text="The first ten.")


def _uploaded_text(upload: UploadedFile, field: str, *, keep_bom: bool = False) -> str:
    """Return an uploaded file as text, or raise a ValidationError naming the field.

    A brat .txt keeps its byte order mark, since brat counts it in the offsets.
    """
    if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
        raise ValidationError(
            {field: [f"This file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB."]}
        )
    try:
        text = upload.read().decode("utf-8" if keep_bom else "utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({field: [f"{upload.name} is not UTF-8 text."]}) from None
    if "\x00" in text:  # PostgreSQL stores no NUL in text
        at = text.index("\x00")
        message = f"{upload.name} holds a NUL character (character {at}): not a text file."
        raise ValidationError({field: [message]})
    return text


def _import_request(request: Request) -> tuple[str, UploadedFile, ImportOptions]:
    """Check the fields of a multipart import; return the format, the file and the options."""
    data, files = request.data, request.FILES

    def field(name: str) -> str:
        value = data.get(name)
        return value.strip() if isinstance(value, str) else ""

    errors: dict[str, list[str]] = {}
    format_name = field("format")
    if not format_name:
        errors["format"] = [f"Say which format the file is in: {', '.join(IMPORTERS)}."]
    elif format_name not in IMPORTERS:
        errors["format"] = [str(UnknownFormat(format_name, list(IMPORTERS)))]
    upload = files.get("file")
    if upload is None:
        errors["file"] = ["Attach the file to import as the field file."]
    text_upload = files.get("text_file")
    # Not stripped: the text's own spaces and line ends are part of the document.
    text = data.get("text") if isinstance(data.get("text"), str) else ""
    if text and text_upload is not None:
        errors["text"] = ["Give the source text once: as text or as text_file, not both."]
    if format_name == "json":
        for name in ("text", "mapping", "relation_mapping"):
            if field(name) or (name == "text" and text_upload is not None):
                errors[name] = [f"A json export carries its own {name.replace('_', ' ')}."]
    elif format_name == "aif":
        for name in ("mapping", "relation_mapping"):
            if field(name):
                errors[name] = ["Mappings are for brat files; AIF says what each node is."]
    if errors:
        raise ValidationError(errors)
    if text_upload is not None:
        text = _uploaded_text(text_upload, "text_file", keep_bom=format_name == "brat")
    title = field("title")
    if not title and format_name != "json":
        title = Path(upload.name or "").stem
    options = ImportOptions(
        text=text or None,
        title=title,
        mapping=field("mapping"),
        relation_mapping=field("relation_mapping"),
    )
    return format_name, upload, options


class ProjectImportView(APIView):
    """Create a document with its tags and links from an imported file.

    Curators and owners only; nothing is written if any part of the file is refused.

    - JSON body: a ``json`` export (``GET /api/documents/{id}/export/?format=json``), with its
      reviews. Authors are matched by username; people who are not members yet become
      annotators.
    - multipart/form-data: ``format`` (json, aif or brat), ``file``, the source text as
      ``text`` or ``text_file`` (aif: optional when an OVA file carries its text; brat: the
      ``.txt``), ``title`` (default: the file's name), and for brat ``mapping`` (entity types
      to kinds, ``MajorClaim=claim,Premise=evidence``) and ``relation_mapping``. AIF and brat
      name no annotators: their tags and links are yours.

    The report counts what was created, and lists what the file held that was skipped or
    adjusted on the way in, and why.
    """

    permission_classes = [IsAuthenticated]
    parser_classes = [LimitedJSONParser, MultiPartParser]

    @extend_schema(
        request={
            "application/json": OpenApiTypes.OBJECT,
            "multipart/form-data": inline_serializer(
                "ImportUpload",
                {
                    "format": serializers.ChoiceField(choices=list(IMPORTERS)),
                    "file": serializers.FileField(),
                    "text": serializers.CharField(required=False),
                    "text_file": serializers.FileField(required=False),
                    "title": serializers.CharField(required=False),
                    "mapping": serializers.CharField(required=False),
                    "relation_mapping": serializers.CharField(required=False),
                },
            ),
        },
        responses={
            201: inline_serializer(
                "ImportResult",
                {
                    "document": serializers.IntegerField(),
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
            )
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        project = get_object_or_404(projects_for(request.user), pk=pk)
        # Before reading the body, so a viewer hears about the role rather than the file.
        require_role(request.user, project, CURATING_ROLES)
        if request.content_type.startswith("multipart/form-data"):
            format_name, upload, options = _import_request(request)
            source = _uploaded_text(upload, "file")
            if format_name in {"json", "aif"}:
                check_json_file(source, "file")
            result = file_import(
                actor=request.user,
                project=project,
                format_name=format_name,
                source=io.StringIO(source),
                options=options,
            )
        else:
            snapshot = JsonImporter().load_data(request.data)
            result = annotations_import(actor=request.user, project=project, snapshot=snapshot)
        return Response(
            {"document": result.document.pk, "report": result.report()},
            status=status.HTTP_201_CREATED,
        )
