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
"""

import datetime
import json
from typing import ClassVar, TextIO

from claims.snapshot import DocumentSnapshot, TagRow

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


def collection(snapshot: DocumentSnapshot) -> dict:
    """Return the snapshot's tags as an AnnotationCollection with its one page embedded."""
    if not snapshot.api_url or not snapshot.page_url or snapshot.id is None:
        # Annotations need absolute IRIs; inventing placeholder ones would hide the mistake.
        raise ValueError("A w3c export needs a saved document and absolute page and API URLs.")
    collection_id = f"{snapshot.api_url}documents/{snapshot.id}/export/?format=w3c"
    total = len(snapshot.tags)
    result: dict = {
        "@context": CONTEXT,
        "id": collection_id,
        "type": "AnnotationCollection",
        "label": snapshot.title,
        "total": total,
    }
    if total:
        # The model wants ``first`` whenever there is an annotation; an empty collection has
        # no page at all.
        result["first"] = {
            "id": f"{collection_id}#page-1",
            "type": "AnnotationPage",
            # An object, not a bare IRI: the conformance schemas read total and label from it.
            "partOf": {"id": collection_id, "label": snapshot.title, "total": total},
            "startIndex": 0,
            "items": [
                annotation(tag, api_url=snapshot.api_url, page_url=snapshot.page_url)
                for tag in snapshot.tags
            ],
        }
    return result


class W3CExporter:
    """A W3C Web Annotation AnnotationCollection in JSON-LD (see the module)."""

    name: ClassVar[str] = "w3c"
    media_type: ClassVar[str] = f'application/ld+json; profile="{CONTEXT}"'
    extension: ClassVar[str] = "jsonld"

    def export(self, snapshot: DocumentSnapshot, out: TextIO) -> None:
        json.dump(collection(snapshot), out, ensure_ascii=False, indent=2)
        out.write("\n")
