"""Our own JSON schema: the whole document with its annotations, importable back unchanged.

Layout (version 1)::

    {"format": "claim-annotator", "version": 1,
     "document": {title, byline, caption, source_url, published_on},
     "paragraphs": [{position, text}],
     "tags": [{id, paragraph, start, end, implicit, quote, prefix, suffix, kind, note, author,
               status, created_at, updated_at}],
     "links": [{id, source, target, target_link, relation, group, note, author,
                created_at, updated_at}],
     "reviews": [{id, tag, reviewer, verdict, comment, created_at, updated_at}]}

``paragraph`` is a paragraph's position; ``source``, ``target`` and ``tag`` are tag ids of the
same file. An implicit statement (a premise or conclusion the author left unstated) has
``"implicit": true``, ``paragraph``, ``start`` and ``end`` null and its own text as ``quote``.
A link ``supports`` or ``attacks`` the tag ``target`` (``target_link`` null) or ``undercuts``
the link ``target_link`` (``target`` null); links into one target with the same relation and
the same non-empty ``group`` form one linked argument. ``status`` (pending, accepted, disputed,
rejected) is derived from reviews and decisions: the importer reads it into the snapshot, but a
database that imports the file derives its own. Offsets count Unicode code points; people are
named by username; times are ISO 8601.

A project export (``GET /api/projects/{id}/export/?format=json``) wraps the documents::

    {"format": "claim-annotator-project", "version": 1, "project": {name, slug},
     "documents": [<one document as above>, ...]}

and each element of ``documents`` is importable on its own.
"""

import datetime
from collections.abc import Iterator
from typing import ClassVar, TextIO

from claims.interchange.exporters.base import json_text
from claims.snapshot import DocumentSnapshot, ProjectSnapshot, TagRow

FORMAT_NAME = "claim-annotator"
PROJECT_FORMAT_NAME = "claim-annotator-project"
FORMAT_VERSION = 1


def _time(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _tag(t: TagRow) -> dict:
    return {
        "id": t.id,
        "paragraph": t.paragraph_position,
        "start": t.start,
        "end": t.end,
        "implicit": t.implicit,
        "quote": t.quote,
        "prefix": t.prefix,
        "suffix": t.suffix,
        "kind": t.kind,
        "note": t.note,
        "author": t.author,
        "status": t.status,
        "created_at": _time(t.created_at),
        "updated_at": _time(t.updated_at),
    }


def snapshot_as_dict(snapshot: DocumentSnapshot) -> dict:
    """Return the snapshot as the plain data of our JSON schema."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "document": {
            "title": snapshot.title,
            "byline": snapshot.byline,
            "caption": snapshot.caption,
            "source_url": snapshot.source_url,
            "published_on": (
                snapshot.published_on.isoformat() if snapshot.published_on is not None else None
            ),
        },
        "paragraphs": [{"position": p.position, "text": p.text} for p in snapshot.paragraphs],
        "tags": [_tag(t) for t in snapshot.tags],
        "links": [
            {
                "id": lk.id,
                "source": lk.source_id,
                "target": lk.target_id,
                "target_link": lk.target_link_id,
                "relation": lk.relation,
                "group": lk.group,
                "note": lk.note,
                "author": lk.author,
                "created_at": _time(lk.created_at),
                "updated_at": _time(lk.updated_at),
            }
            for lk in snapshot.links
        ],
        "reviews": [
            {
                "id": r.id,
                "tag": r.tag_id,
                "reviewer": r.reviewer,
                "verdict": r.verdict,
                "comment": r.comment,
                "created_at": _time(r.created_at),
                "updated_at": _time(r.updated_at),
            }
            for r in snapshot.reviews
        ],
    }


class JsonExporter:
    """The document, paragraphs, tags, links and reviews in our own schema (see the module)."""

    name: ClassVar[str] = "json"
    description: ClassVar[str] = (
        "Our own JSON: documents, paragraphs, tags, links and reviews; imports back unchanged."
    )
    media_type: ClassVar[str] = "application/json"
    extension: ClassVar[str] = "json"

    def export(self, snapshot: DocumentSnapshot, out: TextIO) -> None:
        # Unescaped UTF-8 keeps emoji, CJK and no-break spaces readable in the file.
        out.write(json_text(snapshot_as_dict(snapshot)))
        out.write("\n")

    def project_chunks(self, project: ProjectSnapshot) -> Iterator[str]:
        """The project file a document at a time: the same text as one ``json_text`` of it."""
        head = {"name": project.name, "slug": project.slug}
        yield (
            f'{{\n  "format": "{PROJECT_FORMAT_NAME}",\n  "version": {FORMAT_VERSION},\n'
            f'  "project": {json_text(head, level=1)},\n  "documents": ['
        )
        separator = "\n    "
        for snapshot in project.documents:
            yield separator + json_text(snapshot_as_dict(snapshot), level=2)
            separator = ",\n    "
        yield "]\n}\n" if separator == "\n    " else "\n  ]\n}\n"
