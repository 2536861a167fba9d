"""W3C Web Annotation Data Model: an AnnotationCollection with one Annotation per tag.

The collection embeds its single page as ``first``; each annotation carries its own
``@context`` so it stands alone when taken out of the collection (to post it to an annotation
server, say). A tag's kind is a ``classifying`` TextualBody, its note a ``commenting`` one. The
target names the document's page and selects the paragraph (a CssSelector on ``#p-<position>``,
the id the reading page gives each paragraph) refined once by a TextQuoteSelector and once,
as an alternative, by a TextPositionSelector whose offsets count Unicode code points.

An implicit statement (a premise or conclusion the author left unstated) has no passage: its
target is the document's page itself, with no selector, and its text is a ``describing``
TextualBody beside the ``classifying`` one.

A project export is one collection of the annotations of all its documents (each annotation's
target names its own document's page), written an annotation at a time.
"""

import datetime
from collections.abc import Iterator
from typing import ClassVar, TextIO

from claims.interchange.exporters.base import json_text
from claims.snapshot import DocumentSnapshot, ProjectSnapshot, TagRow

CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def _time(value: datetime.datetime) -> str:
    """Return an xsd:dateTime in UTC with a ``Z``, as the model's examples write it."""
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def paragraph_fragment(position: int) -> str:
    """Return the CSS selector of a paragraph on the document's page."""
    return f"#p-{position}"


def annotation(tag: TagRow, *, api_url: str, page_url: str) -> dict:
    """Return one tag as a W3C Annotation."""
    body: list[dict] = [{"type": "TextualBody", "purpose": "classifying", "value": tag.kind}]
    if tag.implicit:
        body.append({"type": "TextualBody", "purpose": "describing", "value": tag.quote})
    if tag.note:
        body.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": tag.note,
                "format": "text/html",
            }
        )
    result: dict = {
        "@context": CONTEXT,
        "id": f"{api_url}tags/{tag.id}/",
        "type": "Annotation",
        "motivation": "classifying",
        "creator": {"type": "Person", "nickname": tag.author},
    }
    if tag.created_at is not None:
        result["created"] = _time(tag.created_at)
    if tag.updated_at is not None:
        result["modified"] = _time(tag.updated_at)
    result["body"] = body
    result["target"] = page_url if tag.implicit else _passage(tag, page_url)
    return result


def _passage(tag: TagRow, page_url: str) -> dict:
    """Return the target of a tag on a passage: its paragraph, refined by quote and offsets."""
    quote: dict = {"type": "TextQuoteSelector", "exact": tag.quote}
    if tag.prefix:
        quote["prefix"] = tag.prefix
    if tag.suffix:
        quote["suffix"] = tag.suffix
    paragraph = paragraph_fragment(tag.paragraph_position or 0)
    return {
        "type": "SpecificResource",
        "source": page_url,
        "selector": [
            {"type": "CssSelector", "value": paragraph, "refinedBy": quote},
            {
                "type": "CssSelector",
                "value": paragraph,
                "refinedBy": {"type": "TextPositionSelector", "start": tag.start, "end": tag.end},
            },
        ],
    }


def _collection_head(collection_id: str, label: str, total: int) -> tuple[dict, dict | None]:
    """Return a collection without its items, and its one page (None when it is empty)."""
    result: dict = {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": label,
        "total": total,
    }
    if not total:
        # The model wants ``first`` whenever there is an annotation; an empty collection has
        # no page at all.
        return result, None
    page = {
        "id": f"{collection_id}#page-1",
        "type": "AnnotationPage",
        # An object, not a bare IRI: the conformance schemas read total and label from it.
        "partOf": {"id": collection_id, "label": label, "total": total},
        "startIndex": 0,
    }
    return result, page


def _check_urls(snapshot: DocumentSnapshot) -> None:
    if not snapshot.api_url or not snapshot.page_url or snapshot.id is None:
        # Annotations need absolute IRIs; inventing placeholder ones would hide the mistake.
        raise ValueError("A w3c export needs a saved document and absolute page and API URLs.")


def collection(snapshot: DocumentSnapshot) -> dict:
    """Return the snapshot's tags as an AnnotationCollection with its one page embedded."""
    _check_urls(snapshot)
    collection_id = f"{snapshot.api_url}documents/{snapshot.id}/export/?format=w3c"
    result, page = _collection_head(collection_id, snapshot.title, len(snapshot.tags))
    if page is not None:
        page["items"] = [
            annotation(tag, api_url=snapshot.api_url, page_url=snapshot.page_url)
            for tag in snapshot.tags
        ]
        result["first"] = page
    return result


def project_collection_chunks(project: ProjectSnapshot) -> Iterator[str]:
    """Yield one collection of every document's annotations, an annotation at a time.

    The text is what ``json_text`` makes of the whole collection. ``total`` is stated before
    the items, so it is counted first (in the same transaction) and checked at the end.
    """
    collection_id = f"{project.api_url}projects/{project.id}/export/?format=w3c"
    head, page = _collection_head(collection_id, project.name, project.tag_count)
    if page is None:
        head_text = json_text(head)
        # Documents without tags still have to be read to know that they have none.
        written = sum(len(snapshot.tags) for snapshot in project.documents)
        if written:
            raise RuntimeError(f"Counted no tags but read {written}.")
        yield head_text + "\n"
        return
    head["first"] = page | {"items": []}
    # The text around the empty items list; the items go between its brackets.
    text = json_text(head)
    at = text.rindex('"items": []')
    outer = at - text.rindex("\n", 0, at) - 1  # the spaces before "items"
    level = outer // 2 + 1
    yield text[: at + len('"items": [')]
    separator, written = "\n" + "  " * level, 0
    for snapshot in project.documents:
        _check_urls(snapshot)
        for tag in snapshot.tags:
            item = annotation(tag, api_url=snapshot.api_url, page_url=snapshot.page_url)
            yield separator + json_text(item, level=level)
            separator = ",\n" + "  " * level
            written += 1
    if written != project.tag_count:
        raise RuntimeError(f"Counted {project.tag_count} tags but wrote {written}.")
    yield "\n" + " " * outer + text[at + len('"items": [') :] + "\n"


class W3CExporter:
    """A W3C Web Annotation AnnotationCollection in JSON-LD (see the module)."""

    name: ClassVar[str] = "w3c"
    description: ClassVar[str] = (
        "W3C Web Annotation JSON-LD: one annotation per tag, for annotation servers and viewers."
    )
    media_type: ClassVar[str] = f'application/ld+json; profile="{CONTEXT}"'
    extension: ClassVar[str] = "jsonld"

    def export(self, snapshot: DocumentSnapshot, out: TextIO) -> None:
        out.write(json_text(collection(snapshot)))
        out.write("\n")

    def project_chunks(self, project: ProjectSnapshot) -> Iterator[str]:
        return project_collection_chunks(project)
