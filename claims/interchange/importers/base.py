"""The one small interface every import format implements."""

from typing import ClassVar, Protocol, TextIO

from claims.snapshot import DocumentSnapshot


class Importer(Protocol):
    """Reads a file into a document snapshot, or raises a ValidationError naming each problem.

    Parsing is pure (no ORM): whether the named people exist is the import service's concern.
    """

    name: ClassVar[str]
    media_type: ClassVar[str]

    def load(self, source: TextIO) -> DocumentSnapshot: ...
