"""The one small interface every export format implements."""

from typing import ClassVar, Protocol, TextIO

from claims.snapshot import DocumentSnapshot


class Exporter(Protocol):
    """Writes a document snapshot in one format; a pure function of the snapshot (no ORM)."""

    name: ClassVar[str]  # "json", "w3c", "aif", ...: the ?format= value
    media_type: ClassVar[str]
    extension: ClassVar[str]

    def export(self, snapshot: DocumentSnapshot, out: TextIO) -> None: ...


class UnknownFormat(ValueError):
    """Asked for an export or import format that has no registered implementation."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = sorted(known)
        super().__init__(f"Unknown format {name!r}; use one of: {', '.join(self.known)}.")
