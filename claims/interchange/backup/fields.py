"""What a backup holds: the fields and references of each table, and how values are
written to the file and read back."""

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from annotator.models import Document, Paragraph, Project
from claims.models import Link, Review, Tag

FORMAT = "claim-annotator-backup"
VERSION = 2
#: Version 1 of the backup, named like the API's project export; restores still read it.
LEGACY_FORMAT = ("claim-annotator-project", 1)

#: Plain fields of each kind, written as they are (times and dates as ISO 8601).
PROJECT_FIELDS = (
    "name",
    "slug",
    "description",
    "accept_after_agrees",
    "reject_after_disagrees",
    "blind",
    "created_at",
)
#: Project fields a file may lack (it was written before they existed), with the value then.
PROJECT_FIELDS_ADDED_LATER = {"blind": False}
#: A deleted project cannot be exported, so a backup always holds a live one.
PROJECT_LEFT_OUT = ("deleted_at", "deleted_by")
MEMBER_FIELDS = ("role", "created_at")
DOCUMENT_FIELDS = (
    "title",
    "byline",
    "caption",
    "source_url",
    "published_on",
    "created_at",
    "deleted_at",
)
PARAGRAPH_FIELDS = ("position", "text")
TAG_FIELDS = (
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "kind",
    "note",
    "decision",
    "decided_at",
    "version",
    "created_at",
    "updated_at",
    "deleted_at",
)
LINK_FIELDS = (
    "relation",
    "group",
    "note",
    "version",
    "created_at",
    "updated_at",
    "deleted_at",
)
REVIEW_FIELDS = ("verdict", "comment", "version", "created_at", "updated_at", "deleted_at")
HISTORY_FIELDS = ("entity", "action", "at", "before", "after", "comment")

#: Foreign keys of each kind: the field and the kind (or "user") it points at.
DOCUMENT_REFS = {"created_by": "user"}
PARAGRAPH_REFS = {"document": "documents"}
TAG_REFS = {
    "document": "documents",
    "paragraph": "paragraphs",
    "author": "user",
    "decided_by": "user",
    "deleted_by": "user",
}
LINK_REFS = {
    "source": "tags",
    "target": "tags",
    "target_link": "links",
    "author": "user",
    "deleted_by": "user",
}
REVIEW_REFS = {"tag": "tags", "reviewer": "user", "deleted_by": "user"}
HISTORY_REFS = {"actor": "user"}
#: Each person's state on each document (the blind first pass reads it). Files written before
#: it existed have no "progress" section.
PROGRESS_FIELDS = ("state", "updated_at")
PROGRESS_REFS = {"document": "documents", "user": "user"}
#: What a restore works out again from the items, so a backup leaves it out: each entry's
#: document and item author, and its number in the document's change feed.
HISTORY_DERIVED = ("document", "item_author", "seq")

#: The kind behind each history entity, and its model (for the ``*_id`` keys of before/after).
HISTORY_KINDS = {"tag": ("tags", Tag), "link": ("links", Link), "review": ("reviews", Review)}
MODEL_KINDS = {
    Document: "documents",
    Paragraph: "paragraphs",
    Tag: "tags",
    Link: "links",
    Review: "reviews",
}

#: Fields deliberately not in a backup: the database's own ids and the project a row is in.
NOT_KEPT = {"id", "project"}


class BackupError(Exception):
    """The file cannot be restored (or the project cannot be written); says why and where."""


@dataclass
class ImportReport:
    project: Project
    counts: dict[str, int] = field(default_factory=dict)
    users_created: list[str] = field(default_factory=list)
    notes_sanitised: int = 0

    def lines(self) -> list[str]:
        """The report as lines a person reads."""
        counted = ", ".join(f"{n} {kind}" for kind, n in self.counts.items())
        lines = [f"Restored project {self.project.slug!r} (id {self.project.pk}): {counted}."]
        if self.users_created:
            lines.append(
                f"Created {len(self.users_created)} user(s) with unusable passwords (set one "
                f"with `manage.py changepassword NAME`): {', '.join(self.users_created)}."
            )
        if self.notes_sanitised:
            lines.append(
                f"{self.notes_sanitised} note(s) or comment(s) held markup past the allow-list "
                "and were sanitised."
            )
        return lines


# --- Values ---------------------------------------------------------------------------------


def dump_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def load_value(model: type[models.Model], name: str, value: Any, where: str) -> Any:
    if value is None:
        return None
    internal = cast(models.Field, model._meta.get_field(name)).get_internal_type()
    try:
        if internal == "DateTimeField":
            parsed = datetime.datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError("no UTC offset")
            return parsed
        if internal == "DateField":
            return datetime.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise BackupError(f"{where}.{name}: {value!r} is not an ISO 8601 time ({exc}).") from None
    return value


def kind_of_field(model: type[models.Model], name: str) -> str:
    try:
        related = model._meta.get_field(name).related_model
    except FieldDoesNotExist:  # a field this version of the model no longer has
        return "unknown"
    if related is None:
        return "unknown"
    if related is get_user_model():
        return "user"
    # related_model is a class once the models are loaded ("self" only before).
    return MODEL_KINDS.get(cast(type[models.Model], related), "unknown")
