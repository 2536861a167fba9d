"""Back up a whole project to one JSON file and restore it, into this or another database.

``project_export`` writes everything a project holds: its fields and review thresholds, its
members (by username), its documents and paragraphs, and every tag, link, review and history
entry, soft-deleted ones included (a backup keeps what a curator could still restore), with
their timestamps and versions. ``project_import`` recreates it in one transaction and reports
what it did. Exporting the restored project gives the same file again, byte for byte.

The format, version 2 (UTF-8 JSON, one row per line so the file streams out and diffs well)::

    {"format": "claim-annotator-backup", "version": 2,
     "project": {"name", "slug", "description", "accept_after_agrees",
                 "reject_after_disagrees", "created_at"},
     "members": [{"user", "role", "created_at"}, ...],
     "documents": [{"id", "title", "byline", "caption", "source_url", "published_on",
                    "created_by", "created_at", "deleted_at"}, ...],
     "paragraphs": [{"id", "document", "position", "text"}, ...],
     "tags": [{"id", "document", "paragraph", "start", "end", "quote", "prefix", "suffix",
               "kind", "note", "author", "decision", "decided_by", "decided_at", "version",
               "created_at", "updated_at", "deleted_at", "deleted_by"}, ...],
     "links": [{"id", "source", "target", "target_link", "relation", "group", "note",
                "author", "version", "created_at", "updated_at", "deleted_at",
                "deleted_by"}, ...],
     "reviews": [{"id", "tag", "reviewer", "verdict", "comment", "version", "created_at",
                  "updated_at", "deleted_at", "deleted_by"}, ...],
     "history": [{"entity", "object_id", "action", "actor", "at", "before", "after",
                  "comment"}, ...],
     "users": ["username", ...]}

- ``id``\\ s are the file's own, numbered from 1 per kind in database order; references
  (``document``, ``paragraph``, ``source``, ``target``, ``target_link``, ``tag``, a history
  entry's ``object_id``) use them. A link comes after the link it undercuts.
- People are usernames (``author``, ``reviewer``, ``created_by``, ``actor``...; ``users`` lists
  everyone the file names). A restore finds them by username and creates the missing ones
  with unusable passwords (an administrator sets one), and says whom it created.
- Times are ISO 8601 with microseconds and offset; ``published_on`` is a date.
- History ``before``/``after`` are the fields of the tag, link or review as they were, with
  their ``*_id`` values translated like the references above (people as usernames); a value
  that points outside the project becomes null, and so does an ``object_id``.
- Version 1 was the same file named ``claim-annotator-project``, the name the API's project
  export (``claims.interchange.exporters.json_export``) also has; a restore still reads it.
- Notes and comments are sanitised again on the way in; the report counts any that changed
  (only a hand-edited file can hold one).
"""

from claims.interchange.backup.fields import (
    DOCUMENT_FIELDS,
    DOCUMENT_REFS,
    FORMAT,
    HISTORY_DERIVED,
    HISTORY_FIELDS,
    HISTORY_REFS,
    LEGACY_FORMAT,
    LINK_FIELDS,
    LINK_REFS,
    MEMBER_FIELDS,
    NOT_KEPT,
    PARAGRAPH_FIELDS,
    PARAGRAPH_REFS,
    PROGRESS_FIELDS,
    PROGRESS_REFS,
    PROJECT_FIELDS,
    PROJECT_FIELDS_ADDED_LATER,
    PROJECT_LEFT_OUT,
    REVIEW_FIELDS,
    REVIEW_REFS,
    TAG_FIELDS,
    TAG_REFS,
    VERSION,
    BackupError,
    ImportReport,
)
from claims.interchange.backup.reader import project_import
from claims.interchange.backup.writer import project_export

__all__ = [
    "DOCUMENT_FIELDS",
    "DOCUMENT_REFS",
    "FORMAT",
    "HISTORY_DERIVED",
    "HISTORY_FIELDS",
    "HISTORY_REFS",
    "LEGACY_FORMAT",
    "LINK_FIELDS",
    "LINK_REFS",
    "MEMBER_FIELDS",
    "NOT_KEPT",
    "PARAGRAPH_FIELDS",
    "PARAGRAPH_REFS",
    "PROGRESS_FIELDS",
    "PROGRESS_REFS",
    "PROJECT_FIELDS",
    "PROJECT_FIELDS_ADDED_LATER",
    "PROJECT_LEFT_OUT",
    "REVIEW_FIELDS",
    "REVIEW_REFS",
    "TAG_FIELDS",
    "TAG_REFS",
    "VERSION",
    "BackupError",
    "ImportReport",
    "project_export",
    "project_import",
]
