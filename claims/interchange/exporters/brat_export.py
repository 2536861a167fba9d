"""brat standoff: the tags and links as an ``.ann`` file over the document's ``.txt``.

The ``.txt`` (``BratTextExporter``, or ``brat_text``) is the paragraphs, one a line, each
ending with a newline; offsets in the ``.ann`` count code points of that text::

    T1<TAB>claim 0 11<TAB>Cooperation
    T2<TAB>evidence 81 101<TAB>agreed 🤝 to share 情报
    R1<TAB>supports Arg1:T2 Arg2:T1<TAB>
    #1<TAB>AnnotatorNotes T2<TAB>See this.

Entity types are our kinds (``claim``, ``evidence``, ``opinion``) and relation types our
relations (``supports``, ``attacks``), so the brat importer reads the file back without a
mapping. Notes become ``AnnotatorNotes`` in plain text on one line. brat has no place for an
implicit statement (it has no span), an undercut (a relation joins two entities) or a linked
argument, so those are left out, with the links that touch an implicit statement. A tag over
a line break inside a paragraph is written as brat writes one: fragments split at the break.
"""

import html
import re
from typing import ClassVar, TextIO

import bleach

from claims.snapshot import DocumentSnapshot

RELATIONS = ("supports", "attacks")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def brat_text(snapshot: DocumentSnapshot) -> str:
    """Return the ``.txt`` the ``.ann`` offsets point into: one paragraph a line."""
    return "".join(f"{p.text}\n" for p in sorted(snapshot.paragraphs, key=lambda p: p.position))


def plain_note(note: str) -> str:
    """Return a note's HTML as plain text on one line."""
    text = html.unescape(bleach.clean(note, tags=set(), strip=True))
    return " ".join(text.split())


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``[start, end)`` at the line breaks inside it, dropping empty pieces."""
    pieces, pos = [], start
    for match in _LINE_BREAK.finditer(text, start, end):
        pieces.append((pos, match.start()))
        pos = match.end()
    pieces.append((pos, end))
    return [(s, e) for s, e in pieces if s < e]


def brat_ann(snapshot: DocumentSnapshot) -> str:
    """Return the ``.ann`` file for the snapshot (see the module)."""
    paragraphs = sorted(snapshot.paragraphs, key=lambda p: p.position)
    offsets, pos = {}, 0
    for p in paragraphs:
        offsets[p.position] = pos
        pos += len(p.text) + 1
    texts = {p.position: p.text for p in paragraphs}
    lines: list[str] = []
    entity: dict[int, str] = {}
    notes: list[tuple[str, str]] = []
    for tag in snapshot.tags:
        if tag.implicit or tag.paragraph_position is None:
            continue
        base = offsets[tag.paragraph_position]
        text = texts[tag.paragraph_position]
        pieces = _fragments(text, tag.start or 0, tag.end or 0)
        if not pieces:
            continue  # a tag over line breaks only: brat cannot show it
        ann_id = f"T{len(entity) + 1}"
        entity[tag.id] = ann_id
        spans = ";".join(f"{base + s} {base + e}" for s, e in pieces)
        quote = " ".join(text[s:e] for s, e in pieces)
        lines.append(f"{ann_id}\t{tag.kind} {spans}\t{quote}")
        if plain_note(tag.note):
            notes.append((ann_id, plain_note(tag.note)))
    relation_count = 0
    for link in snapshot.links:
        if link.relation not in RELATIONS:
            continue
        if link.source_id not in entity or link.target_id not in entity:
            continue
        relation_count += 1
        ann_id = f"R{relation_count}"
        source, target = entity[link.source_id], entity[link.target_id]
        # brat itself ends a relation line with a tab (an empty text field).
        lines.append(f"{ann_id}\t{link.relation} Arg1:{source} Arg2:{target}\t")
        if plain_note(link.note):
            notes.append((ann_id, plain_note(link.note)))
    for i, (target, note) in enumerate(notes, start=1):
        lines.append(f"#{i}\tAnnotatorNotes {target}\t{note}")
    return "".join(f"{line}\n" for line in lines)


class BratExporter:
    """The ``.ann`` standoff file of brat (see the module); pair it with ``brat-txt``."""

    name: ClassVar[str] = "brat"
    description: ClassVar[str] = (
        "brat standoff annotations (.ann) for brat and corpus tools; download brat-txt too."
    )
    media_type: ClassVar[str] = "text/x-brat-ann"
    extension: ClassVar[str] = "ann"

    def export(self, snapshot: DocumentSnapshot, out: TextIO) -> None:
        out.write(brat_ann(snapshot))


class BratTextExporter:
    """The ``.txt`` a brat ``.ann`` export points into: one paragraph a line."""

    name: ClassVar[str] = "brat-txt"
    description: ClassVar[str] = "The plain text (.txt) that a brat .ann file's offsets point into."
    media_type: ClassVar[str] = "text/plain"
    extension: ClassVar[str] = "txt"

    def export(self, snapshot: DocumentSnapshot, out: TextIO) -> None:
        out.write(brat_text(snapshot))
