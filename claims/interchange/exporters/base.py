"""The one small interface every export format implements, and the JSON text they share."""

from collections.abc import Iterator
from typing import Any, ClassVar, Protocol, TextIO

import orjson

from claims.snapshot import DocumentSnapshot, ProjectSnapshot


class Exporter(Protocol):
    """Writes a document snapshot in one format; a pure function of the snapshot (no ORM)."""

    name: ClassVar[str]  # "json", "w3c", "aif", ...: the ?format= value
    media_type: ClassVar[str]
    extension: ClassVar[str]
    #: One sentence on what the format is for, shown beside it where people choose a format.
    description: ClassVar[str]

    def export(self, snapshot: DocumentSnapshot, out: TextIO) -> None: ...


class ProjectExporter(Exporter, Protocol):
    """A format that can also hold a whole project in one file.

    ``project_chunks`` yields the file in pieces while it reads the project's documents one at
    a time, so a project of any size streams in the memory of its largest document.
    """

    def project_chunks(self, project: ProjectSnapshot) -> Iterator[str]: ...


class UnknownFormat(ValueError):
    """Asked for an export or import format that has no registered implementation."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = sorted(known)
        super().__init__(f"Unknown format {name!r}; use one of: {', '.join(self.known)}.")


def json_text(value: Any, *, level: int = 0) -> str:
    """Return ``value`` as JSON indented by two spaces, for a place ``level`` levels deep.

    The same text as ``json.dumps(value, ensure_ascii=False, indent=2)`` (UTF-8 kept as is),
    several times faster. A value written at ``level`` lines up inside an enclosing file that
    is itself indented by two spaces per level; raw line breaks occur only between JSON tokens
    (line breaks in strings are escaped), so re-indenting cannot change a value.
    """
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    return text.replace("\n", "\n" + "  " * level) if level else text
