"""Export files as people download them, from the API or from the export page.

Both hand out the same file through these functions: the same reads, the same exporter, the
same bytes and the same name. The page and the API may not import each other (the layer
contract in pyproject.toml), so what they share lives here, one layer below them; each view
still finds the document or project through the user's scoped selectors and checks its own
input, and ``attachment`` is the one place an export file becomes an HTTP answer.
"""

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from annotator.models import Document, Project
from claims import selectors
from claims.argmap.consensus import consensus_snapshot
from claims.interchange.exporters import Exporter, ProjectExporter
from claims.selectors.snapshots import User

#: Turns a path on this site into an absolute URL (``request.build_absolute_uri``).
Absolute = Callable[[str], str]


@dataclass(frozen=True)
class ExportFile:
    """An export ready to send: its name, its content type and its bytes as they stream."""

    filename: str
    content_type: str
    chunks: Iterable[bytes]


def content_type(exporter: Exporter) -> str:
    """Return the Content-Type of an exporter's files (text types say their charset)."""
    if exporter.media_type.startswith("text/"):
        return f"{exporter.media_type}; charset=utf-8"
    return exporter.media_type  # JSON media types are UTF-8 by definition (RFC 8259).


def export_filename(
    project: Project,
    exporter: Exporter,
    *,
    document: Document | None = None,
    author: str | None = None,
    statuses: Sequence[str] = (),
    consensus: int | None = None,
) -> str:
    """Name a file ``<project>[-<document>][-<author>][-<statuses>][-consensus-<k>]-<date>
    .<extension>``."""
    parts = [project.slug or f"project-{project.pk}"]
    if document is not None:
        parts.append(slugify(document.title, allow_unicode=True)[:80] or f"document-{document.pk}")
    if author:
        parts.append(slugify(author, allow_unicode=True) or "author")
    parts.extend(statuses)
    if consensus is not None:
        parts.append(f"consensus-{consensus}")
    parts.append(timezone.localdate().isoformat())
    return f"{'-'.join(parts)}.{exporter.extension}"


def document_file(
    document: Document,
    exporter: Exporter,
    *,
    author: str | None = None,
    statuses: Sequence[str] = (),
    consensus: int | None = None,
    absolute: Absolute,
    viewer: User,
) -> ExportFile:
    """Export a document's live tags, links and reviews, kept to ``author`` and ``statuses``
    and to what a blind first pass lets ``viewer`` see.

    ``statuses`` come checked and in order from ``claims.models.parse_statuses``;
    ``consensus`` k exports what at least k annotators agree on (claims.argmap.consensus).
    """
    snapshot = selectors.document_snapshot(
        document,
        author=author,
        statuses=statuses or None,
        viewer=viewer,
        page_url=absolute(f"/documents/{document.pk}/"),
        api_url=absolute("/api/"),
    )
    if consensus is not None:
        snapshot = consensus_snapshot(snapshot, consensus)
    # The snapshot is read before the response starts, so streaming never holds a database
    # connection; exporting to a buffer first keeps exporter errors a clean 500.
    buffer = io.StringIO()
    exporter.export(snapshot, buffer)
    return ExportFile(
        filename=export_filename(
            document.project,
            exporter,
            document=document,
            author=author,
            statuses=statuses,
            consensus=consensus,
        ),
        content_type=content_type(exporter),
        chunks=_encoded(buffer.getvalue()),
    )


def project_file(
    project: Project, exporter: ProjectExporter, *, absolute: Absolute, viewer: User
) -> ExportFile:
    """Export every live document of a project in one file (what a blind first pass lets
    ``viewer`` see), streamed a document at a time.

    The file streams while it is read, all from one consistent view of the database, so memory
    stays that of the largest document however large the project grows.
    """
    api_url = absolute("/api/")
    page_url = absolute("/documents/")

    def chunks() -> Iterator[str]:
        # Runs while the response streams; the transaction ends with the last chunk (or when
        # the client goes away and the server closes the response).
        with selectors.consistent_reads():
            snapshot = selectors.project_snapshot(
                project,
                page_url_of=lambda pk: f"{page_url}{pk}/",
                api_url=api_url,
                viewer=viewer,
            )
            yield from exporter.project_chunks(snapshot)

    return ExportFile(
        filename=export_filename(project, exporter),
        content_type=content_type(exporter),
        chunks=_gathered(chunks()),
    )


def attachment(file: ExportFile) -> StreamingHttpResponse:
    """Answer with the file as a download."""
    response = StreamingHttpResponse(file.chunks, content_type=file.content_type)
    # Never None for an attachment.
    response["Content-Disposition"] = cast(
        str, content_disposition_header(as_attachment=True, filename=file.filename)
    )
    return response


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
