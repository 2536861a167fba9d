"""Restore a project from a backup file, in one transaction."""

import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from tqdm import tqdm

from annotator.models import Document, DocumentProgress, Membership, Paragraph, Project
from claims.interchange.backup.fields import (
    DOCUMENT_FIELDS,
    DOCUMENT_REFS,
    FORMAT,
    HISTORY_KINDS,
    HISTORY_REFS,
    LEGACY_FORMAT,
    LINK_FIELDS,
    LINK_REFS,
    MEMBER_FIELDS,
    MODEL_KINDS,
    PARAGRAPH_FIELDS,
    PARAGRAPH_REFS,
    PROGRESS_FIELDS,
    PROGRESS_REFS,
    PROJECT_FIELDS,
    PROJECT_FIELDS_ADDED_LATER,
    REVIEW_FIELDS,
    REVIEW_REFS,
    TAG_FIELDS,
    TAG_REFS,
    VERSION,
    BackupError,
    ImportReport,
    kind_of_field,
    load_value,
)
from claims.models import HistoryEntry, Link, Review, Tag
from claims.sanitize import clean_html
from claims.services.versioned import number_entries

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
    values = {name: load_value(model, name, row[name], where) for name in fields}
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
            and kind_of_field(model, key[:-3]) != "unknown"
        ):
            out[key] = resolve.pk(kind_of_field(model, key[:-3]), value, f"{where}.{key}")
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
    fields = {**PROJECT_FIELDS_ADDED_LATER, **fields}
    _require(fields, PROJECT_FIELDS, "project")
    values = {name: load_value(Project, name, fields[name], "project") for name in PROJECT_FIELDS}
    if slug:
        values["slug"] = slug
    if Project.all_objects.filter(slug=values["slug"]).exists():
        raise BackupError(
            f"A project with the slug {values['slug']!r} exists already: delete it first, or "
            "restore under another slug (--slug)."
        )
    sections = {
        name: _rows(data, name)
        for name in ("members", "documents", "paragraphs", "tags", "links", "reviews", "history")
    }
    # Files written before people's progress was kept have none.
    sections["progress"] = _rows(data, "progress") if "progress" in data else []
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
        history = _history(sections["history"], project, resolve)
        _attribute(history, project)
        _insert(HistoryEntry, history, bar)
        states = build_all("progress", DocumentProgress, PROGRESS_FIELDS, PROGRESS_REFS)
        _insert(DocumentProgress, states, bar)
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


def _attribute(entries: list[HistoryEntry], project: Project) -> None:
    """Give each entry its item's document and author, and number each document's entries in
    the file's order (the order they were recorded in): the change feed starts again.

    A backup keeps neither (they follow from the items); an entry whose item the file lacks
    keeps no document and is in no feed.
    """
    items = {
        "tag": Tag.all_objects.filter(document__project=project).values_list(
            "pk", "document_id", "author_id"
        ),
        "link": Link.all_objects.filter(source__document__project=project).values_list(
            "pk", "source__document_id", "author_id"
        ),
        "review": Review.all_objects.filter(tag__document__project=project).values_list(
            "pk", "tag__document_id", "reviewer_id"
        ),
    }
    found = {
        (entity, pk): (document_id, author_id)
        for entity, rows in items.items()
        for pk, document_id, author_id in rows
    }
    for entry in entries:
        entry.document_id, entry.item_author_id = found.get(
            (entry.entity, entry.object_id), (None, None)
        )
    number_entries(entries)


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
