"""One row per tag, for spreadsheets and data tools.

``implicit`` is ``true`` for a statement the author left unstated: its paragraph, start and end
are blank and ``quote`` is its text. ``status`` is where the tag stands after review (pending,
accepted, disputed, rejected). Cells hold the data exactly (RFC 4180 quoting takes care of
commas, quotes and newlines); a tool that opens the file as a spreadsheet sees text that starts
with ``=`` as typed.
"""

import csv
import datetime
from typing import ClassVar, TextIO

from claims.snapshot import DocumentSnapshot

COLUMNS = (
    "id",
    "document",
    "paragraph",
    "start",
    "end",
    "implicit",
    "kind",
    "quote",
    "prefix",
    "suffix",
    "note",
    "author",
    "created_at",
    "updated_at",
    "agree",
    "disagree",
    "status",
)


def _time(value: datetime.datetime | None) -> str:
    return value.isoformat() if value is not None else ""


class CsvExporter:
    """Tags as CSV rows; ``paragraph`` is the paragraph's 0-based position (blank if implicit)."""

    name: ClassVar[str] = "csv"
    description: ClassVar[str] = "One row per tag, for spreadsheets, R and pandas."
    media_type: ClassVar[str] = "text/csv"
    extension: ClassVar[str] = "csv"

    def export(self, snapshot: DocumentSnapshot, out: TextIO) -> None:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        document = "" if snapshot.id is None else snapshot.id
        for t in snapshot.tags:
            writer.writerow(
                (
                    t.id,
                    document,
                    t.paragraph_position,
                    t.start,
                    t.end,
                    "true" if t.implicit else "false",
                    t.kind,
                    t.quote,
                    t.prefix,
                    t.suffix,
                    t.note,
                    t.author,
                    _time(t.created_at),
                    _time(t.updated_at),
                    t.agree,
                    t.disagree,
                    t.status,
                )
            )
