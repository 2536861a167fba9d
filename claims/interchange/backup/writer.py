"""Write a project to a backup file, streamed a table at a time."""

import heapq
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import models
from tqdm import tqdm

from annotator.models import Document, DocumentProgress, Membership, Paragraph, Project
from claims.interchange.backup.fields import (
    DOCUMENT_FIELDS,
    DOCUMENT_REFS,
    FORMAT,
    HISTORY_FIELDS,
    HISTORY_KINDS,
    HISTORY_REFS,
    LINK_FIELDS,
    LINK_REFS,
    MEMBER_FIELDS,
    MODEL_KINDS,
    PARAGRAPH_FIELDS,
    PARAGRAPH_REFS,
    PROGRESS_FIELDS,
    PROGRESS_REFS,
    PROJECT_FIELDS,
    REVIEW_FIELDS,
    REVIEW_REFS,
    TAG_FIELDS,
    TAG_REFS,
    VERSION,
    dump_value,
    kind_of_field,
)
from claims.models import HistoryEntry, Link, Review, Tag
from claims.selectors import consistent_reads

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
    row = {name: dump_value(getattr(obj, name)) for name in fields}
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
            kind = kind_of_field(model, key[:-3])
            out[key] = value if kind == "unknown" else ids.of(kind, value)
        else:
            out[key] = value
    return out


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
    states = DocumentProgress.objects.filter(document__project=project).order_by("pk")
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
        "progress": states,
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
    writer.value("project", {name: dump_value(getattr(project, name)) for name in PROJECT_FIELDS})

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
    writer.section(
        "progress",
        (_row(p, PROGRESS_FIELDS, PROGRESS_REFS, ids) for p in states.iterator(2000)),
    )
    writer.value("users", sorted(name for name in ids.usernames.values()))
    out.write("}\n")
    bar.close()
    return counts
