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

import datetime
import heapq
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from tqdm import tqdm

from annotator.models import Document, Membership, Paragraph, Project
from claims.models import HistoryEntry, Link, Review, Tag
from claims.sanitize import clean_html
from claims.selectors import consistent_reads

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
    "created_at",
)
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


def _dump_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _load_value(model: type[models.Model], name: str, value: Any, where: str) -> Any:
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


# --- Export ---------------------------------------------------------------------------------


class _Refs:
    """Numbers each kind's rows from 1 in the order written; names people by username."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[int, int]] = {kind: {} for kind in MODEL_KINDS.values()}
        self.usernames: dict[int, str] = {}

    def number(self, kind: str, pk: int) -> int:
        ref = self.ids[kind][pk] = len(self.ids[kind]) + 1
        return ref

    def of(self, kind: str, pk: int | None) -> int | str | None:
        if pk is None:
            return None
        if kind == "user":
            if pk not in self.usernames:
                user = get_user_model().objects.filter(pk=pk).first()
                if user is None:  # a deleted user
                    return None
                self.usernames[pk] = user.get_username()
            return self.usernames[pk]
        return self.ids[kind].get(pk)


def _row(obj: models.Model, fields: Iterable[str], refs: dict[str, str], ids: _Refs) -> dict:
    row = {name: _dump_value(getattr(obj, name)) for name in fields}
    for name, kind in refs.items():
        row[name] = ids.of(kind, getattr(obj, f"{name}_id"))
    return row


def _state(model: type[models.Model], own_kind: str, state: Any, ids: _Refs) -> Any:
    """Translate the ``*_id`` values of a history before/after into the file's references."""
    if not isinstance(state, dict):
        return state
    out = {}
    for key, value in state.items():
        if key == "id":
            out[key] = ids.of(own_kind, value)
        elif key.endswith("_id") and isinstance(value, int):
            kind = _kind_of_field(model, key[:-3])
            out[key] = value if kind == "unknown" else ids.of(kind, value)
        else:
            out[key] = value
    return out


def _kind_of_field(model: type[models.Model], name: str) -> str:
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


def _links_in_order(pairs: Iterable[tuple[int, int | None]]) -> list[int]:
    """Link ids (from ``(id, target_link_id)`` pairs) in order, each after the one it undercuts.

    A merge can point an undercut at a link made after it. Among the links whose target is
    written already, the smallest id goes first; on a restored project (whose ids follow this
    order) that gives the same order again.
    """
    pairs = list(pairs)
    known = {pk for pk, _ in pairs}
    waiting: dict[int, list[int]] = {}
    heap = []
    for pk, target_link in pairs:
        if target_link is not None and target_link in known:
            waiting.setdefault(target_link, []).append(pk)
        else:
            heap.append(pk)
    heapq.heapify(heap)
    ordered = []
    while heap:
        pk = heapq.heappop(heap)
        ordered.append(pk)
        for child in waiting.pop(pk, []):
            heapq.heappush(heap, child)
    # The services cannot make a circle of undercuts; should one exist, keep it, not lose it.
    return ordered + sorted(pk for group in waiting.values() for pk in group)


def _in_chunks(queryset: models.QuerySet, pks: list[int], size: int = 2000) -> Iterator:
    """The rows of ``pks`` in that order, read a chunk at a time (by id alone: fast)."""
    for i in range(0, len(pks), size):
        chunk = pks[i : i + size]
        rows = queryset.in_bulk(chunk)
        yield from (rows[pk] for pk in chunk)


class _Writer:
    """Writes the file's sections one row a line, so memory stays flat for large projects."""

    def __init__(self, out: TextIO, progress: tqdm) -> None:
        self.out, self.progress, self.first_section = out, progress, True

    def section(self, name: str, rows: Iterable[Any]) -> None:
        self.out.write(",\n" if not self.first_section else "")
        self.first_section = False
        self.out.write(f"{json.dumps(name)}: [")
        sep = "\n"
        for row in rows:
            self.out.write(sep + _dumps(row))
            sep = ",\n"
            self.progress.update(1)
        self.out.write("\n]" if sep != "\n" else "]")

    def value(self, name: str, value: Any) -> None:
        self.out.write(",\n" if not self.first_section else "")
        self.first_section = False
        self.out.write(f"{json.dumps(name)}: {_dumps(value)}")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def project_export(project: Project, out: TextIO, *, progress: bool = False) -> dict[str, int]:
    """Write the whole project to ``out`` as a backup; return how many rows of each kind."""
    with consistent_reads():
        return _export(project, out, progress=progress)


def _export(project: Project, out: TextIO, *, progress: bool) -> dict[str, int]:
    documents = Document.all_objects.filter(project=project).order_by("pk")
    paragraphs = Paragraph.objects.filter(document__project=project).order_by("pk")
    tags = Tag.all_objects.filter(document__project=project).order_by("pk")
    links = Link.all_objects.filter(source__document__project=project).order_by("pk")
    reviews = Review.all_objects.filter(tag__document__project=project).order_by("pk")
    history = HistoryEntry.objects.filter(project=project).order_by("pk")
    members = (
        Membership.objects.filter(project=project).select_related("user").order_by("user__username")
    )
    querysets = {
        "members": members,
        "documents": documents,
        "paragraphs": paragraphs,
        "tags": tags,
        "links": links,
        "reviews": reviews,
        "history": history,
    }
    counts = {name: qs.count() for name, qs in querysets.items()}
    ids = _Refs()
    bar = tqdm(
        total=sum(counts.values()),
        desc=f"Exporting {project.slug}",
        unit=" rows",
        file=sys.stderr,
        disable=not progress,
    )
    writer = _Writer(out, bar)
    out.write("{")
    writer.value("format", FORMAT)
    writer.value("version", VERSION)
    writer.value("project", {name: _dump_value(getattr(project, name)) for name in PROJECT_FIELDS})

    def member_rows() -> Iterator[dict]:
        for m in members:
            yield {"user": ids.of("user", m.user_id), **_row(m, MEMBER_FIELDS, {}, ids)}

    def numbered(
        kind: str, rows: Iterable, fields: Iterable[str], refs: dict[str, str]
    ) -> Iterator[dict]:
        for obj in rows:
            yield {"id": ids.number(kind, obj.pk), **_row(obj, fields, refs, ids)}

    writer.section("members", member_rows())
    writer.section(
        "documents", numbered("documents", documents.iterator(), DOCUMENT_FIELDS, DOCUMENT_REFS)
    )
    writer.section(
        "paragraphs",
        numbered("paragraphs", paragraphs.iterator(2000), PARAGRAPH_FIELDS, PARAGRAPH_REFS),
    )
    writer.section("tags", numbered("tags", tags.iterator(2000), TAG_FIELDS, TAG_REFS))
    link_order = _links_in_order(links.values_list("pk", "target_link_id"))
    for pk in link_order:  # numbered first: an undercut names a link written before it
        ids.number("links", pk)
    writer.section(
        "links",
        (
            {"id": ids.of("links", link.pk), **_row(link, LINK_FIELDS, LINK_REFS, ids)}
            for link in _in_chunks(Link.all_objects.all(), link_order)
        ),
    )
    writer.section(
        "reviews", numbered("reviews", reviews.iterator(2000), REVIEW_FIELDS, REVIEW_REFS)
    )

    def history_rows() -> Iterator[dict]:
        for entry in history.iterator(2000):
            row = _row(entry, HISTORY_FIELDS, HISTORY_REFS, ids)
            kind, model = HISTORY_KINDS.get(entry.entity, ("unknown", None))
            row["object_id"] = ids.of(kind, entry.object_id) if model else None
            if model is not None:
                row["before"] = _state(model, kind, entry.before, ids)
                row["after"] = _state(model, kind, entry.after, ids)
            yield row

    writer.section("history", history_rows())
    writer.value("users", sorted(name for name in ids.usernames.values()))
    out.write("}\n")
    bar.close()
    return counts


# --- Import ---------------------------------------------------------------------------------


def _rows(data: dict, name: str) -> list[dict]:
    rows = data.get(name)
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise BackupError(f"{name}: expected a list of objects.")
    return rows


def _own_id(row: dict, where: str) -> int:
    ref = row.get("id")
    if not isinstance(ref, int) or isinstance(ref, bool):
        raise BackupError(f"{where}.id: expected a whole number, not {ref!r}.")
    return ref


def _require(row: dict, keys: Iterable[str], where: str) -> None:
    missing = [key for key in keys if key not in row]
    if missing:
        raise BackupError(f"{where}: missing {', '.join(missing)}.")


class _Resolver:
    """Turns the file's references back into the new rows' ids (people into users)."""

    def __init__(self, users: dict[str, User]) -> None:
        self.users = users
        self.pks: dict[str, dict[int, int]] = {kind: {} for kind in MODEL_KINDS.values()}

    def pk(self, kind: str, ref: Any, where: str) -> int | None:
        if ref is None:
            return None
        if kind == "user":
            if not isinstance(ref, str) or ref not in self.users:
                raise BackupError(f"{where}: {ref!r} is not in the file's users.")
            return self.users[ref].pk
        try:
            return self.pks[kind][ref]
        except (KeyError, TypeError):
            raise BackupError(
                f"{where}: there is no {kind[:-1]} {ref!r} before this row in the file."
            ) from None


_M = TypeVar("_M", bound=models.Model)


def _build(
    model: type[_M],
    row: dict,
    fields: Iterable[str],
    refs: dict[str, str],
    resolve: _Resolver,
    where: str,
    **extra: Any,
) -> _M:
    _require(row, [*fields, *refs], where)
    values = {name: _load_value(model, name, row[name], where) for name in fields}
    for name, kind in refs.items():
        if row[name] is None and not cast(models.Field, model._meta.get_field(name)).null:
            raise BackupError(f"{where}.{name}: must name a {kind.rstrip('s')}, not null.")
        values[f"{name}_id"] = resolve.pk(kind, row[name], f"{where}.{name}")
    return model(**values, **extra)


def _load_state(
    model: type[models.Model], kind: str, state: Any, resolve: _Resolver, where: str
) -> Any:
    if not isinstance(state, dict):
        return state
    out = {}
    for key, value in state.items():
        if key == "id":
            out[key] = resolve.pk(kind, value, f"{where}.id")
        elif (
            key.endswith("_id")
            and value is not None
            and _kind_of_field(model, key[:-3]) != "unknown"
        ):
            out[key] = resolve.pk(_kind_of_field(model, key[:-3]), value, f"{where}.{key}")
        else:
            out[key] = value
    return out


def _users(names: Any) -> tuple[dict[str, User], list[str]]:
    """Find the file's users by username, creating the missing ones without a password."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise BackupError("users: expected a list of usernames.")
    User = get_user_model()
    found = {u.get_username(): u for u in User.objects.filter(username__in=names)}
    created = []
    for name in sorted(set(names) - set(found)):
        try:
            User.username_validator(name)
        except ValidationError:
            raise BackupError(f"users: {name!r} is not a valid username.") from None
        user = User(username=name)
        user.set_unusable_password()
        user.save()
        found[name] = user
        created.append(name)
    return found, created


@contextmanager
def _times_as_given(model: type[models.Model]) -> Iterator[None]:
    """Let inserts keep the objects' created_at/updated_at instead of stamping the present.

    Django stamps auto_now and auto_now_add fields as it saves; with the flags off for the
    length of the insert, the file's times go in as they are. (bulk_update could write them
    back afterwards, but takes minutes for a large project.) This changes the model's fields
    for the whole process, so a restore runs in a management command, never in a request.
    """
    # DateFields and DateTimeFields, the ones with auto_now flags.
    fields: list[Any] = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    flags = [(f, f.auto_now, f.auto_now_add) for f in fields]
    try:
        for f in fields:
            f.auto_now = f.auto_now_add = False
        yield
    finally:
        for f, auto_now, auto_now_add in flags:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _insert(model: type[models.Model], objs: Sequence[models.Model], bar: tqdm) -> None:
    """Insert rows in order, so their new ids keep the file's order, with the file's times."""
    with _times_as_given(model):
        # The base manager: the default one of soft-deletable models hides deleted rows.
        model._base_manager.bulk_create(objs, batch_size=1000)
    bar.update(len(objs))


def _sanitised(obj: models.Model, name: str, report: ImportReport) -> None:
    value = getattr(obj, name)
    clean = clean_html(value)
    if clean != value:
        setattr(obj, name, clean)
        report.notes_sanitised += 1


def _check_format(data: object) -> None:
    """Refuse anything but a backup of this version or of version 1, saying what it is."""
    if not isinstance(data, dict):
        raise BackupError(f'This is not a project backup (no "format": {FORMAT!r}).')
    named = (data.get("format"), data.get("version"))
    if named == LEGACY_FORMAT and "documents" in data and "paragraphs" not in data:
        raise BackupError(
            "This is a project export (GET /api/projects/{id}/export/), not a backup: it holds "
            "no members, history or deleted rows. Import its documents one at a time "
            "(POST /api/projects/{id}/import/), or restore from a backup (manage.py "
            "export_project)."
        )
    if named == LEGACY_FORMAT:
        return
    if data.get("format") != FORMAT:
        raise BackupError(f'This is not a project backup (no "format": {FORMAT!r}).')
    if data.get("version") != VERSION:
        raise BackupError(
            f"This backup is version {data.get('version')!r}; this app reads version {VERSION} "
            f"(and version {LEGACY_FORMAT[1]}, named {LEGACY_FORMAT[0]!r})."
        )


@transaction.atomic
def project_import(data: dict, *, slug: str | None = None, progress: bool = False) -> ImportReport:
    """Recreate a backed-up project (under ``slug`` if given) and report what was made.

    Refuses a file of another format or version, a slug that is taken, and a file whose
    references do not hold; nothing is written then.
    """
    _check_format(data)
    fields = data.get("project")
    if not isinstance(fields, dict):
        raise BackupError("project: expected an object.")
    _require(fields, PROJECT_FIELDS, "project")
    values = {name: _load_value(Project, name, fields[name], "project") for name in PROJECT_FIELDS}
    if slug:
        values["slug"] = slug
    if Project.objects.filter(slug=values["slug"]).exists():
        raise BackupError(
            f"A project with the slug {values['slug']!r} exists already: delete it first, or "
            "restore under another slug (--slug)."
        )
    sections = {
        name: _rows(data, name)
        for name in ("members", "documents", "paragraphs", "tags", "links", "reviews", "history")
    }
    users, created = _users(data.get("users"))
    resolve = _Resolver(users)
    bar = tqdm(
        total=sum(len(rows) for rows in sections.values()) + 1,
        desc=f"Restoring {values['slug']}",
        unit=" rows",
        file=sys.stderr,
        disable=not progress,
    )
    project = Project(**values)
    try:
        project.full_clean(exclude=["created_at"])
    except ValidationError as exc:
        raise BackupError(f"project: {'; '.join(exc.messages)}") from None
    _insert(Project, [project], bar)
    report = ImportReport(project=project, users_created=created)

    def build_all(
        kind: str,
        model: type[models.Model],
        fields: Iterable[str],
        refs: dict[str, str],
        **extra: Any,
    ) -> list[models.Model]:
        objs = []
        for i, row in enumerate(sections[kind]):
            where = f"{kind}[{i}]"
            obj = _build(model, row, fields, refs, resolve, where, **extra)
            objs.append(obj)
        return objs

    members = [
        _build(
            Membership,
            row,
            MEMBER_FIELDS,
            {"user": "user"},
            resolve,
            f"members[{i}]",
            project=project,
        )
        for i, row in enumerate(sections["members"])
    ]
    _insert(Membership, members, bar)

    def numbered(
        kind: str,
        model: type[models.Model],
        fields: Iterable[str],
        refs: dict[str, str],
        **extra: Any,
    ) -> None:
        objs = build_all(kind, model, fields, refs, **extra)
        for obj in objs:
            if model is Tag:
                _sanitised(obj, "note", report)
            elif model is Review:
                _sanitised(obj, "comment", report)
        _insert(model, objs, bar)
        for i, (row, obj) in enumerate(zip(sections[kind], objs, strict=True)):
            ref = _own_id(row, f"{kind}[{i}]")
            if ref in resolve.pks[kind]:
                raise BackupError(f"{kind}[{i}].id: {ref} appears twice.")
            resolve.pks[kind][ref] = obj.pk

    try:
        numbered("documents", Document, DOCUMENT_FIELDS, DOCUMENT_REFS, project=project)
        numbered("paragraphs", Paragraph, PARAGRAPH_FIELDS, PARAGRAPH_REFS)
        numbered("tags", Tag, TAG_FIELDS, TAG_REFS)
        _import_links(sections["links"], resolve, report, bar)
        numbered("reviews", Review, REVIEW_FIELDS, REVIEW_REFS)
        _insert(HistoryEntry, _history(sections["history"], project, resolve), bar)
    except IntegrityError as exc:
        raise BackupError(f"The database refused a row of the file: {exc}") from None
    finally:
        bar.close()
    report.counts = {name: len(rows) for name, rows in sections.items()}
    return report


def _history(rows: list[dict], project: Project, resolve: _Resolver) -> list[HistoryEntry]:
    """The history entries, their objects and before/after translated to the new ids."""
    entries = []
    for i, row in enumerate(rows):
        where = f"history[{i}]"
        _require(row, ("entity", "object_id", "before", "after"), where)
        entry = _build(
            HistoryEntry,
            row,
            ("entity", "action", "at", "comment"),
            HISTORY_REFS,
            resolve,
            where,
            project=project,
            object_id=0,  # an entry about something outside the project keeps no object
            before=row["before"],
            after=row["after"],
        )
        kind, model = HISTORY_KINDS.get(row["entity"], ("unknown", None))
        if model is not None:
            entry.object_id = resolve.pk(kind, row["object_id"], f"{where}.object_id") or 0
            entry.before = _load_state(model, kind, row["before"], resolve, f"{where}.before")
            entry.after = _load_state(model, kind, row["after"], resolve, f"{where}.after")
        entries.append(entry)
    return entries


def _import_links(rows: list[dict], resolve: _Resolver, report: ImportReport, bar: tqdm) -> None:
    """Insert links in the file's order, in batches that never hold a link and its undercut."""
    batch: list[Link] = []
    batch_refs: list[Any] = []
    in_batch: set = set()

    def flush() -> None:
        _insert(Link, batch, bar)
        for ref, link in zip(batch_refs, batch, strict=True):
            resolve.pks["links"][ref] = link.pk
        batch.clear()
        batch_refs.clear()
        in_batch.clear()

    for i, row in enumerate(rows):
        where = f"links[{i}]"
        ref = _own_id(row, where)
        if ref in resolve.pks["links"] or ref in in_batch:
            raise BackupError(f"{where}.id: {ref} appears twice.")
        target_link = row.get("target_link")
        if isinstance(target_link, int) and target_link in in_batch:
            flush()  # the link it undercuts must have its id first
        link = _build(Link, row, LINK_FIELDS, LINK_REFS, resolve, where)
        _sanitised(link, "note", report)
        batch.append(link)
        batch_refs.append(ref)
        in_batch.add(ref)
    flush()
