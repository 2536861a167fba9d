"""The one small interface every import format implements."""

from typing import ClassVar, Protocol, TextIO

from claims.snapshot import DocumentSnapshot


class Importer(Protocol):
    """Reads a file into a document snapshot, or raises a ValidationError naming each problem.

    Parsing is pure (no ORM): whether the named people exist is the import service's concern.
    """

    name: ClassVar[str]
    media_type: ClassVar[str]
    #: What a person choosing the format reads (the import page's choices).
    label: ClassVar[str]
    #: The file name extensions it usually has (``.json``), lower case.
    extensions: ClassVar[tuple[str, ...]]

    def load(self, source: TextIO) -> DocumentSnapshot: ...
