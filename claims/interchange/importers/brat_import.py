"""Read brat standoff annotations (an ``.ann`` file) over their ``.txt``.

Lines of the ``.ann`` (fields separated by tabs)::

    T1  MajorClaim 0 42  we should ban smoking     an entity: type, start, end, its text
    T2  Premise 50 60;65 70  first part second     a discontinuous entity (fragments)
    R1  supports Arg1:T2 Arg2:T1                  a relation from Arg1 to Arg2
    #1  AnnotatorNotes T1  a note                 a note on an entity or a relation
    A1  Stance T1 For                             attributes (A, M), events (E),
    N1  Reference T1 Wiki:123  ...                normalisations (N), equivalences (*)

- The document's paragraphs are the lines of the ``.txt`` (blank lines left out). brat
  offsets count characters (code points) of the whole ``.txt``, line ends included (a CR LF
  is two); they are turned into (paragraph, start, end). A byte order mark counts as one.
- Entity types become kinds through ``mapping`` (``MajorClaim=claim,Claim=claim,
  Premise=evidence``); a type spelled exactly like one of our kinds (``claim``, ``evidence``,
  ``opinion``, as our own brat export writes them) needs no mapping. Relation types become
  ``supports`` or ``attacks`` through ``relation_mapping`` (default ``supports=supports,
  attacks=attacks,Support=supports,Attack=attacks``). The relation goes from the ``Arg1``
  entity to the ``Arg2`` entity (with other role names, from the first to the second).
- A discontinuous entity whose fragments lie in one line becomes one tag over their hull
  (from the first fragment's start to the last one's end, the gap included); the report lists
  it under "adjusted". One whose fragments lie in different lines is refused: a tag stays
  within one paragraph.
- ``AnnotatorNotes`` on an entity or a relation become the note of its tag or link.
  Attributes, events, normalisations, equivalences, other notes and repeated relations are
  skipped and counted in the report.

Refused, with nothing imported, each problem named by line number: a line that is not brat
standoff, an id used twice, offsets past the end of the text or across a line break, an entity
whose text is not the text at its offsets, an entity type or relation type the mappings do
not name, a relation to an entity that is not in the file (or to itself), and two entities
with the same span that map to the same kind.
"""

import html
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, TextIO

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from claims.interchange.importers.source_text import (
    ImportNotes,
    ImportOptions,
    NoticeBoard,
    ParsedFile,
    Problems,
    SourceText,
    Span,
    parse_mapping,
)
from claims.models import Relation, TagKind
from claims.snapshot import DocumentSnapshot, LinkRow, TagRow

DEFAULT_RELATION_MAPPING = "supports=supports,attacks=attacks,Support=supports,Attack=attacks"
RELATIONS = (Relation.SUPPORTS.value, Relation.ATTACKS.value)
SKIPPED_LINES = {
    "A": ("attributes (A lines)", "attributes such as a stance have no counterpart here"),
    "M": ("attributes (M lines)", "attributes such as a stance have no counterpart here"),
    "E": ("events (E lines)", "events have no counterpart here"),
    "N": ("normalisations (N lines)", "references to outside resources have no counterpart here"),
    "*": ("equivalences (* lines)", "equivalence sets have no counterpart here"),
}
_EXAMPLE = "T1<TAB>Claim 0 42<TAB>the text"
#: Without these, every line would be wrong: the problem is reported alone.
_OPTIONS = ("mapping", "relation_mapping")


@dataclass(frozen=True, slots=True)
class _Entity:
    line: int
    id: str
    type: str
    fragments: tuple[tuple[int, int], ...]
    text: str

    @property
    def place(self) -> str:
        return f"line {self.line} ({self.id})"


@dataclass(frozen=True, slots=True)
class _Relation:
    line: int
    id: str
    type: str
    source: str
    target: str

    @property
    def place(self) -> str:
        return f"line {self.line} ({self.id})"


def _lines(ann: str) -> Iterator[tuple[int, str]]:
    """Yield (line number, line) for the non-blank lines, without their line ends."""
    for number, line in enumerate(ann.split("\n"), start=1):
        line = line.removesuffix("\r")
        if line.strip():
            yield number, line


def _fragments(value: str) -> tuple[tuple[int, int], ...] | None:
    fragments = []
    for part in value.split(";"):
        bounds = part.split()
        if len(bounds) != 2 or not all(b.isdigit() for b in bounds):
            return None
        start, end = int(bounds[0]), int(bounds[1])
        if start >= end:
            return None
        fragments.append((start, end))
    return tuple(fragments)


class _Parser:
    """Reads the lines of an ``.ann`` file, collecting problems by line number."""

    def __init__(self, problems: Problems, skipped: NoticeBoard) -> None:
        self.problems = problems
        self.skipped = skipped
        self.entities: dict[str, _Entity] = {}
        self.relations: dict[str, _Relation] = {}
        self.note_lines: list[tuple[int, str, str]] = []
        self.ids: dict[str, int] = {}
        self.understood = 0

    def parse(self, ann: str) -> None:
        for number, line in _lines(ann):
            ann_id, tab, rest = line.partition("\t")
            ann_id = ann_id.strip()
            if not tab or not ann_id:
                self.problems.add(
                    f"line {number}",
                    "This is not a brat standoff line: it should start with an id, a tab and "
                    f"the annotation, as in {_EXAMPLE}.",
                )
                continue
            letter = ann_id[0]
            if ann_id != "*" and letter != "#":
                if ann_id in self.ids:
                    self.problems.add(
                        f"line {number}", f"{ann_id} is also defined on line {self.ids[ann_id]}."
                    )
                    continue
                self.ids[ann_id] = number
            if letter == "T":
                self._entity(number, ann_id, rest)
            elif letter == "R":
                self._relation(number, ann_id, rest)
            elif letter == "#":
                self._note(number, ann_id, rest)
            elif letter in SKIPPED_LINES:
                self.understood += 1
                self.skipped.add(*SKIPPED_LINES[letter], ann_id if ann_id != "*" else number)
            else:
                self.problems.add(
                    f"line {number}",
                    f"{ann_id!r} is not a brat annotation id: ids start with T (entity), "
                    "R (relation), E, A, M, N, # or *.",
                )

    def _entity(self, number: int, ann_id: str, rest: str) -> None:
        head, tab, text = rest.partition("\t")
        kind, _, spans = head.strip().partition(" ")
        fragments = _fragments(spans) if kind else None
        if fragments is None:
            self.problems.add(
                f"line {number}",
                f"{ann_id}: expected a type, then start and end offsets with start < end "
                f"(fragments separated by ';'), as in {_EXAMPLE}; found {head!r}.",
            )
            return
        self.understood += 1
        if not tab:
            self.problems.add(
                f"line {number}", f"{ann_id}: the entity's text is missing (after a second tab)."
            )
            return
        self.entities[ann_id] = _Entity(number, ann_id, kind, fragments, text)

    def _relation(self, number: int, ann_id: str, rest: str) -> None:
        parts = rest.split("\t")[0].split()
        args = [part.partition(":") for part in parts[1:]]
        if len(parts) != 3 or any(not sep or not ref for _, sep, ref in args):
            self.problems.add(
                f"line {number}",
                f"{ann_id}: expected a type and two arguments, as in "
                f"R1<TAB>supports Arg1:T2 Arg2:T1; found {rest!r}.",
            )
            return
        self.understood += 1
        roles = {role: ref for role, _, ref in args}
        if set(roles) == {"Arg1", "Arg2"}:
            source, target = roles["Arg1"], roles["Arg2"]
        else:
            source, target = args[0][2], args[1][2]
        self.relations[ann_id] = _Relation(number, ann_id, parts[0], source, target)

    def _note(self, number: int, ann_id: str, rest: str) -> None:
        head, _, note = rest.partition("\t")
        parts = head.split()
        self.understood += 1
        if len(parts) == 2 and parts[0] == "AnnotatorNotes":
            self.note_lines.append((number, parts[1], note.strip()))
        else:
            self.skipped.add("notes (# lines)", "only AnnotatorNotes are read", ann_id)


class BratImporter:
    """brat standoff: an ``.ann`` file over its ``.txt`` (see the module)."""

    name: ClassVar[str] = "brat"
    media_type: ClassVar[str] = "text/plain"
    label: ClassVar[str] = "brat standoff (.ann) over its .txt"
    extensions: ClassVar[tuple[str, ...]] = (".ann",)

    def load(self, source: TextIO, options: ImportOptions | None = None) -> DocumentSnapshot:
        """Read the file into a snapshot (``read`` also gives what was skipped)."""
        return self.read(source, options or ImportOptions()).snapshot

    def read(self, source: TextIO, options: ImportOptions) -> ParsedFile:
        """Read the ``.ann`` file over ``options.text`` (the ``.txt``) into a snapshot."""
        problems = Problems()
        if not options.title.strip():
            problems.add("title", "Give the document a title.")
        if not options.author:
            problems.add("author", "Name the person the imported tags and links belong to.")
        if options.text is None:
            problems.add("text", "A brat .ann file needs its .txt: give the source text.")
        kinds = _mapping(options.mapping, TagKind.values, "mapping", problems)
        relations = _mapping(
            options.relation_mapping or DEFAULT_RELATION_MAPPING,
            RELATIONS,
            "relation_mapping",
            problems,
        )
        skipped = NoticeBoard()
        parser = _Parser(problems, skipped)
        ann = source.read()
        parser.parse(ann)
        if parser.understood == 0 and ann.strip():
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: "This is not a brat standoff (.ann) file: no line holds "
                    f"an annotation such as {_EXAMPLE}."
                }
            )
        if options.text is not None and not SourceText(options.text).lines:
            problems.add("text", "The source text is empty.")
        if any(place in problems.errors for place in ("title", "author", "text", *_OPTIONS)):
            problems.raise_if_any()
        # The lines refused so far are left out; the rest are still checked, so that every
        # problem of the file is reported at once.
        text = SourceText(options.text or "")
        return _Builder(parser, text, options, kinds, relations, problems, skipped).build()


def _mapping(value: str, allowed: Sequence[str], where: str, problems: Problems) -> dict:
    try:
        return parse_mapping(value, allowed, where)
    except ValueError as exc:
        problems.add(where, str(exc).removeprefix(f"{where}: "))
        return {}


class _Builder:
    def __init__(
        self,
        parser: _Parser,
        text: SourceText,
        options: ImportOptions,
        kinds: dict[str, str],
        relations: dict[str, str],
        problems: Problems,
        skipped: NoticeBoard,
    ) -> None:
        self.parser = parser
        self.text = text
        self.options = options
        self.kinds = kinds
        self.relations = relations
        self.problems = problems
        self.skipped = skipped
        self.adjusted = NoticeBoard()

    def build(self) -> ParsedFile:
        notes = self._notes()
        tags: list[TagRow] = []
        tag_ids: dict[str, int] = {}
        spans: dict[tuple, _Entity] = {}
        for entity in self.parser.entities.values():
            span = self._span(entity)
            kind = self._kind(entity)
            if span is None or kind is None:
                continue
            key = (span, kind)
            if key in spans:
                self.problems.add(
                    f"line {entity.line}",
                    f"{entity.id} has the same span as {spans[key].id} (line {spans[key].line}) "
                    f"and both are {kind}; a span is tagged once per kind.",
                )
                continue
            spans[key] = entity
            tag_ids[entity.id] = len(tags) + 1
            prefix, suffix = self.text.context(span)
            tags.append(
                TagRow(
                    id=len(tags) + 1,
                    paragraph_id=span.position,
                    paragraph_position=span.position,
                    start=span.start,
                    end=span.end,
                    quote=self.text.quote(span),
                    prefix=prefix,
                    suffix=suffix,
                    kind=kind,
                    note=notes.get(entity.id, ""),
                    author=self.options.author,
                )
            )
        links = self._links(tag_ids, notes)
        self.problems.raise_if_any()
        snapshot = DocumentSnapshot(
            id=None,
            title=self.options.title.strip(),
            paragraphs=self.text.paragraphs,
            tags=tuple(tags),
            links=tuple(link for link, _ in links),
        )
        entities = {e.id: e for e in self.parser.entities.values()}
        by_tag = {tag_id: entities[ann_id].place for ann_id, tag_id in tag_ids.items()}
        return ParsedFile(
            snapshot,
            ImportNotes(
                skipped=self.skipped.notices(),
                adjusted=self.adjusted.notices(),
                tag_places=tuple(by_tag[t.id] for t in tags),
                link_places=tuple(place for _, place in links),
            ),
        )

    def _notes(self) -> dict[str, str]:
        """Return the AnnotatorNotes by entity or relation id, as HTML-escaped text."""
        notes: dict[str, list[str]] = {}
        for number, target, note in self.parser.note_lines:
            if target in self.parser.entities or target in self.parser.relations:
                notes.setdefault(target, []).append(html.escape(note, quote=False))
            else:
                self.skipped.add(
                    "notes (# lines)",
                    "they annotate something that is not an entity or a relation of this file",
                    f"line {number}",
                )
        return {target: "\n".join(texts) for target, texts in notes.items()}

    def _span(self, entity: _Entity) -> Span | None:
        """Check the entity against the text; return its passage, or None (problem added)."""
        place = f"line {entity.line}"
        length = len(self.text.text)
        for _, end in entity.fragments:
            if end > length:
                self.problems.add(
                    place,
                    f"{entity.id} ends at {end}, past the end of the text ({length} characters).",
                )
                return None
        found = " ".join(self.text.text[start:end] for start, end in entity.fragments)
        if found != entity.text:
            hint = ""
            if "\r\n" in self.text.text:
                hint = (
                    " The text has Windows line ends (CR LF), which brat counts as two "
                    "characters; if it was pasted into a form, send the .txt file itself."
                )
            offsets = ";".join(f"{s} {e}" for s, e in entity.fragments)
            self.problems.add(
                place,
                f"{entity.id}: the text at {offsets} reads {found!r}, not {entity.text!r}.{hint}",
            )
            return None
        start = min(s for s, _ in entity.fragments)
        end = max(e for _, e in entity.fragments)
        span = self.text.locate(start, end)
        if span is None:
            self.problems.add(
                place,
                f"{entity.id} ({start}-{end}) does not lie within one line of the text; a tag "
                "stays within one paragraph (line).",
            )
            return None
        if len(entity.fragments) > 1:
            self.adjusted.add(
                "discontinuous entities",
                "a tag is one span: each became the span from its first fragment to its last, "
                "the gap included",
                entity.id,
            )
        return span

    def _kind(self, entity: _Entity) -> str | None:
        kind = self.kinds.get(entity.type)
        if kind is None and entity.type in TagKind.values:
            kind = entity.type
        if kind is None:
            self.problems.add(
                f"line {entity.line}",
                f"{entity.id} has type {entity.type!r}, which the mapping does not name; add "
                f"{entity.type}=claim, {entity.type}=evidence or {entity.type}=opinion to it.",
            )
        return kind

    def _links(self, tag_ids: dict[str, int], notes: dict[str, str]) -> list[tuple[LinkRow, str]]:
        links: list[tuple[LinkRow, str]] = []
        seen: set[tuple] = set()
        for rel in self.parser.relations.values():
            place = f"line {rel.line}"
            relation = self.relations.get(rel.type)
            if relation is None:
                self.problems.add(
                    place,
                    f"{rel.id} has type {rel.type!r}, which the relation mapping does not "
                    f"name; add {rel.type}=supports or {rel.type}=attacks to it.",
                )
            ends_ok = True
            for role, ref in (("Arg1", rel.source), ("Arg2", rel.target)):
                if ref in self.parser.entities:
                    continue
                ends_ok = False
                if ref.startswith("T") and ref in self.parser.ids:
                    continue  # an entity refused on its own line; that is the news
                what = "a relation or other annotation" if ref in self.parser.ids else "missing"
                self.problems.add(
                    place, f"{rel.id}: {role} {ref} is not an entity of this file ({what})."
                )
            if ends_ok and rel.source == rel.target:
                self.problems.add(place, f"{rel.id} joins {rel.source} to itself.")
                ends_ok = False
            if relation is None or not ends_ok:
                continue
            if rel.source not in tag_ids or rel.target not in tag_ids:
                continue  # the entity was refused; that is the news
            key = (tag_ids[rel.source], tag_ids[rel.target], relation)
            if key in seen:
                self.skipped.add(
                    "relations (R lines)",
                    "they repeat an earlier relation between the same entities",
                    rel.id,
                )
                continue
            seen.add(key)
            row = LinkRow(
                id=len(links) + 1,
                source_id=key[0],
                target_id=key[1],
                relation=relation,
                note=notes.get(rel.id, ""),
                author=self.options.author,
            )
            links.append((row, rel.place))
        return links
