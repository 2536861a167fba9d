"""What the importers that read annotations over a separate source text (AIF, brat) share.

- ``SourceText``: the document's paragraphs are the text's non-blank lines, kept exactly (as
  ``annotator.paragraphs.split_plain_text`` makes them); it converts offsets into the whole
  text to (paragraph, start, end) and finds a statement's words in the paragraphs.
- ``ImportOptions``: what the person importing says besides the file.
- ``Notice``, ``ImportNotes``, ``ParsedFile``: what such an import reports beyond the snapshot
  (what was skipped or adjusted, and how to name each row of the snapshot in an error).

All offsets are Unicode code points, as everywhere in this project.
"""

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from claims.models import CONTEXT_CHARS
from claims.snapshot import DocumentSnapshot, ParagraphRow

#: The line ends a text editor writes (the same as annotator.paragraphs.split_plain_text).
_LINE_END = re.compile(r"\r\n|\r|\n")
_BOM = "\ufeff"
#: How many ids a notice lists; the count says how many there were.
MAX_NOTICE_IDS = 10


@dataclass(frozen=True, slots=True)
class Line:
    """One paragraph: a non-blank line of the text and where it starts in the whole text."""

    position: int
    offset: int
    text: str

    @property
    def end(self) -> int:
        return self.offset + len(self.text)


@dataclass(frozen=True, slots=True)
class Span:
    """A passage of one paragraph: ``[start, end)`` in code points."""

    position: int
    start: int
    end: int


class SourceText:
    """A text split into paragraphs (its non-blank lines) that remembers where each one starts.

    A byte order mark at the very start is not part of the first paragraph, but it still takes
    offset 0, as in brat (which counts every character of the ``.txt`` it reads).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        lines: list[Line] = []
        pos = 1 if text.startswith(_BOM) else 0
        for match in [*_LINE_END.finditer(text, pos), None]:
            end = len(text) if match is None else match.start()
            line = text[pos:end]
            if line and not line.isspace():
                lines.append(Line(position=len(lines), offset=pos, text=line))
            if match is not None:
                pos = match.end()
        self.lines: tuple[Line, ...] = tuple(lines)
        self._offsets = [line.offset for line in lines]

    @property
    def paragraphs(self) -> tuple[ParagraphRow, ...]:
        """The paragraphs, known by their position (as importers give them)."""
        return tuple(
            ParagraphRow(id=line.position, position=line.position, text=line.text)
            for line in self.lines
        )

    def locate(self, start: int, end: int) -> Span | None:
        """Return the paragraph passage at ``[start, end)`` of the whole text, or None when
        that span is not inside one paragraph."""
        i = bisect.bisect_right(self._offsets, start) - 1
        if i < 0 or start >= end:
            return None
        line = self.lines[i]
        if end > line.end:
            return None
        return Span(line.position, start - line.offset, end - line.offset)

    def context(self, span: Span) -> tuple[str, str]:
        """Return the prefix and suffix a tag keeps for re-anchoring."""
        text = self.lines[span.position].text
        prefix = text[max(0, span.start - CONTEXT_CHARS) : span.start]
        return prefix, text[span.end : span.end + CONTEXT_CHARS]

    def quote(self, span: Span) -> str:
        return self.lines[span.position].text[span.start : span.end]

    def find(
        self, statement: str, *, after: Span | None, exact: bool, whole_words: bool
    ) -> Span | None:
        """Return the first place after ``after`` (reading order) where the statement occurs
        in one paragraph, or None.

        ``exact=False`` lets whitespace differ: a run of spaces, tabs or no-break spaces
        matches any other run, and the statement's own leading and trailing whitespace is
        ignored. ``whole_words`` refuses a match that starts or ends inside a word.
        """
        if exact:
            pattern = re.compile(re.escape(statement))
        else:
            words = statement.split()
            if not words:
                return None
            pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
        first = 0 if after is None else after.position
        for line in self.lines[first:]:
            pos = after.start + 1 if after is not None and line.position == first else 0
            while (match := pattern.search(line.text, pos)) is not None:
                if match.end() > match.start() and (
                    not whole_words or _whole_words(line.text, match.start(), match.end())
                ):
                    return Span(line.position, match.start(), match.end())
                pos = match.start() + 1
        return None


def _whole_words(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` neither starts nor ends in the middle of a word."""
    cut_before = start > 0 and text[start - 1].isalnum() and text[start].isalnum()
    cut_after = end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not (cut_before or cut_after)


def parse_mapping(value: str, allowed: Sequence[str], where: str) -> dict[str, str]:
    """Parse ``A=b,C=d`` into ``{"A": "b", "C": "d"}``; raise ValueError saying what is wrong.

    Spaces around names are ignored; a name given twice must map to the same value.
    """
    mapping: dict[str, str] = {}
    for item in value.split(","):
        if not item.strip():
            continue
        name, sep, target = (part.strip() for part in item.partition("="))
        if not sep or not name or not target:
            raise ValueError(
                f"{where}: {item.strip()!r} should be NAME=VALUE, as in "
                f"{'Claim=claim' if 'claim' in allowed else 'Support=supports'}."
            )
        if target not in allowed:
            raise ValueError(
                f"{where}: {name}={target}: {target!r} is not one of: {', '.join(allowed)}."
            )
        if mapping.get(name, target) != target:
            raise ValueError(f"{where}: {name} is mapped both to {mapping[name]} and {target}.")
        mapping[name] = target
    return mapping


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the person importing gives besides the file."""

    #: The source text, for formats whose file holds only the annotations.
    text: str | None = None
    #: The document's title; formats without one need it.
    title: str = ""
    #: The username every tag and link is attributed to (AIF and brat name no annotators).
    author: str = ""
    #: brat: entity types to kinds, ``MajorClaim=claim,Claim=claim,Premise=evidence``.
    mapping: str = ""
    #: brat: relation types to supports/attacks.
    relation_mapping: str = ""


@dataclass(frozen=True, slots=True)
class Notice:
    """Something of the file that was left out (skipped) or changed on the way in (adjusted)."""

    what: str
    why: str
    #: The node ids, entity ids or line numbers concerned, in file order.
    ids: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "what": self.what,
            "count": len(self.ids),
            "why": self.why,
            "ids": list(self.ids[:MAX_NOTICE_IDS]),
        }


@dataclass(frozen=True, slots=True)
class ImportNotes:
    """What an import reports besides its counts, and where each row of the snapshot came from.

    ``tag_places[i]`` names ``snapshot.tags[i]`` in the file (``"node 12"``, ``"line 3 (T2)"``);
    without them the service says ``tags[i]``.
    """

    skipped: tuple[Notice, ...] = ()
    adjusted: tuple[Notice, ...] = ()
    tag_places: tuple[str, ...] = ()
    link_places: tuple[str, ...] = ()

    def tag_place(self, i: int) -> str:
        return self.tag_places[i] if i < len(self.tag_places) else f"tags[{i}]"

    def link_place(self, i: int) -> str:
        return self.link_places[i] if i < len(self.link_places) else f"links[{i}]"


@dataclass(frozen=True, slots=True)
class ParsedFile:
    snapshot: DocumentSnapshot
    notes: ImportNotes = field(default_factory=ImportNotes)


class NoticeBoard:
    """Collects notices by (what, why), keeping the ids in file order."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], list[str]] = {}

    def add(self, what: str, why: str, item_id: object) -> None:
        self._ids.setdefault((what, why), []).append(str(item_id))

    def notices(self) -> tuple[Notice, ...]:
        return tuple(Notice(what, why, tuple(ids)) for (what, why), ids in self._ids.items())


#: Stop collecting after this many places with problems; a file that bad needs fixing first.
MAX_PROBLEMS = 50


class Problems:
    """Collects what is wrong with a file by place (``"node 12"``, ``"line 3"``)."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}
        self.truncated = False

    def add(self, where: str, message: str) -> None:
        if where not in self.errors and len(self.errors) >= MAX_PROBLEMS:
            self.truncated = True
            return
        self.errors.setdefault(where, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self) -> None:
        """Raise one ValidationError listing every problem, if there is any."""
        if not self.errors:
            return
        errors = dict(self.errors)
        if self.truncated:
            errors[NON_FIELD_ERRORS] = [
                f"Only the first {MAX_PROBLEMS} problems are listed; fix them and try again."
            ]
        raise ValidationError(errors)
