"""Recreate a document with its tags, links and reviews from an imported snapshot.

The snapshot comes from an importer (``claims.interchange.importers``), which has already
checked the file on its own terms; this service checks what only the whole snapshot shows
(ids used twice, references to rows that are not there, undercuts that go round in a circle,
clashing rows, linked arguments that disagree about their target), matches people by
username, then writes
everything in one transaction, validating each row against the models' rules as it goes.
Nothing is written when any row is refused, and the error names the row (``tags[3].quote``,
or the importer's own name for it, such as ``node 12``).

Implicit statements (no paragraph, ``quote`` is their text), undercuts (``target_link_id``:
the link they attack, created before them) and linked-argument groups are recreated as they
are. Times are kept as the file gives them; notes and comments are sanitised again, since a
file is untrusted input. Every row gets a "create" entry in the history, by the importer.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TextIO, TypeVar, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from annotator.models import CURATING_ROLES, Document, Membership, Paragraph, Project, Role
from annotator.services import document_create, require_role
from claims.interchange.importers import UnknownFormat, get_importer
from claims.interchange.importers.source_text import (
    ImportNotes,
    ImportOptions,
    Notice,
    ParsedFile,
    Problems,
)
from claims.models import HistoryAction, HistoryEntry, Link, Review, SoftDeletable, Tag
from claims.permissions import document_id_of, owner_id_of
from claims.sanitize import clean_html
from claims.services import state_of
from claims.services.versioned import number_entries
from claims.snapshot import DocumentSnapshot, LinkRow, ReviewRow, TagRow

#: document_create's error keys that are not fields of the file's "document" object.
_NOT_DOCUMENT_FIELDS = frozenset({"paragraphs"})


@dataclass(frozen=True, slots=True)
class ImportResult:
    document: Document
    paragraphs: int
    tags: int
    #: How many of the tags are implicit statements (no passage in the text).
    implicit: int
    links: int
    reviews: int
    #: Usernames that were not members of the project and were added as annotators.
    members_added: tuple[str, ...]
    skipped: tuple[Notice, ...] = ()
    adjusted: tuple[Notice, ...] = ()

    def report(self) -> dict:
        """Return the counts as plain data, for the API and the command."""
        return {
            "paragraphs": self.paragraphs,
            "tags": self.tags,
            "implicit": self.implicit,
            "links": self.links,
            "reviews": self.reviews,
            "members_added": list(self.members_added),
            "skipped": [notice.as_dict() for notice in self.skipped],
            "adjusted": [notice.as_dict() for notice in self.adjusted],
        }


def problem_lines(exc: ValidationError) -> str:
    """Return one line per problem, each starting with the place it names (for commands)."""
    if not hasattr(exc, "error_dict"):
        return "\n".join(exc.messages)
    return "\n".join(
        message if place == NON_FIELD_ERRORS else f"{place}: {message}"
        for place, messages in exc.message_dict.items()
        for message in messages
    )


def _prefixed(
    exc: ValidationError, place: str, keep: frozenset[str] = frozenset()
) -> ValidationError:
    """Return the error with its field names put under ``place`` (``tags[3].quote``)."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({place: exc.messages})
    errors = {}
    for field, messages in exc.message_dict.items():
        if field in keep:
            errors[field] = messages
        elif field == NON_FIELD_ERRORS:
            errors[place] = messages
        else:
            errors[f"{place}.{field}"] = messages
    return ValidationError(errors)


def _validated(obj: models.Model, place: str) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise _prefixed(exc, place) from exc


# --- Checks across rows -----------------------------------------------------------------------


def _link_depths(
    links: Sequence[LinkRow], places: Sequence[str], problems: Problems
) -> dict[int, int]:
    """Return how many undercuts deep each link is (0: it targets a tag), by row index.

    A link can only be saved after the link it undercuts, so links are written depth by
    depth. Rows in a circle of undercuts, or undercutting a refused row, get no depth.
    """
    index = {row.id: i for i, row in enumerate(links)}
    depths: dict[int, int] = {}
    for i in range(len(links)):
        chain: list[int] = []
        j: int | None = i
        while j is not None and j not in depths:
            if j in chain:
                circle = chain[chain.index(j) :]
                if i in circle:
                    names = ", ".join(places[k] for k in circle)
                    problems.add(
                        f"{places[i]}.target_link",
                        f"These links undercut each other in a circle: {names}.",
                    )
                break
            chain.append(j)
            target = links[j].target_link_id
            j = None if target is None else index.get(target)
            if target is not None and j is None:
                break  # the missing target is reported by _check_links
        else:
            base = 0 if j is None else depths[j] + 1
            for k in reversed(chain):
                depths[k] = base
                base += 1
    return depths


def _check_tags(snapshot: DocumentSnapshot, notes: ImportNotes, problems: Problems) -> None:
    paragraph_ids = {p.id for p in snapshot.paragraphs}
    ids: dict[int, str] = {}
    spans: dict[tuple, str] = {}
    for i, row in enumerate(snapshot.tags):
        place = notes.tag_place(i)
        if row.id in ids:
            problems.add(f"{place}.id", f"Tag id {row.id} is also used by {ids[row.id]}.")
        ids.setdefault(row.id, place)
        if row.implicit:
            continue
        if row.paragraph_id not in paragraph_ids:
            problems.add(f"{place}.paragraph", "There is no such paragraph in this file.")
            continue
        span = (row.paragraph_id, row.start, row.end, row.kind, row.author)
        if span in spans:
            problems.add(place, f"{spans[span]} already tags this span with this kind.")
        spans.setdefault(span, place)


def _check_links(snapshot: DocumentSnapshot, notes: ImportNotes, problems: Problems) -> None:
    tag_ids = {row.id for row in snapshot.tags}
    link_ids: dict[int, str] = {}
    for i, row in enumerate(snapshot.links):
        place = notes.link_place(i)
        if row.id in link_ids:
            problems.add(f"{place}.id", f"Link id {row.id} is also used by {link_ids[row.id]}.")
        link_ids.setdefault(row.id, place)
    seen: dict[tuple, str] = {}
    groups: dict[str, tuple[tuple, str, set[int]]] = {}
    for i, row in enumerate(snapshot.links):
        place = notes.link_place(i)
        if row.source_id not in tag_ids:
            problems.add(f"{place}.source", f"There is no tag with id {row.source_id} here.")
        if row.target_id is not None and row.target_link_id is not None:
            problems.add(place, "Give a target tag or a target link, not both.")
            continue
        if row.target_id is None and row.target_link_id is None:
            problems.add(place, "A link needs a target tag, or (an undercut) a target link.")
            continue
        if row.target_id is not None and row.target_id not in tag_ids:
            problems.add(f"{place}.target", f"There is no tag with id {row.target_id} here.")
        if row.target_link_id is not None:
            if row.target_link_id not in link_ids:
                problems.add(
                    f"{place}.target_link", f"There is no link with id {row.target_link_id} here."
                )
            elif row.target_link_id == row.id:
                problems.add(f"{place}.target_link", "A link cannot undercut itself.")
        target = (row.target_id, row.target_link_id)
        key = (row.source_id, *target, row.relation, row.author)
        if key in seen:
            problems.add(place, f"{seen[key]} already makes this link.")
        seen.setdefault(key, place)
        if row.group:
            argument = (*target, row.relation)
            first = groups.setdefault(row.group, (argument, place, set()))
            if first[0] != argument:
                problems.add(
                    f"{place}.group",
                    f"Group {row.group!r} of {first[1]} has another target or relation; the "
                    "premises of a linked argument share their target and relation.",
                )
            elif row.source_id in first[2]:
                problems.add(
                    f"{place}.group", "This tag is already a premise of that linked argument."
                )
            first[2].add(row.source_id)


def _check_reviews(snapshot: DocumentSnapshot, problems: Problems) -> None:
    tag_ids = {row.id for row in snapshot.tags}
    seen: dict[tuple, str] = {}
    for i, row in enumerate(snapshot.reviews):
        place = f"reviews[{i}]"
        if row.tag_id not in tag_ids:
            problems.add(f"{place}.tag", f"There is no tag with id {row.tag_id} here.")
        key = (row.tag_id, row.reviewer)
        if key in seen:
            problems.add(place, f"{seen[key]} is already this reviewer's review of this tag.")
        seen.setdefault(key, place)


# --- People -----------------------------------------------------------------------------------


def _users_by_name(snapshot: DocumentSnapshot, notes: ImportNotes) -> dict[str, User]:
    """Find everyone the snapshot names, or raise a ValidationError listing who is missing."""
    needed: dict[str, str] = {}
    row: TagRow | LinkRow | ReviewRow
    for i, row in enumerate(snapshot.tags):
        needed.setdefault(row.author, f"{notes.tag_place(i)}.author")
    for i, row in enumerate(snapshot.links):
        needed.setdefault(row.author, f"{notes.link_place(i)}.author")
    for i, row in enumerate(snapshot.reviews):
        needed.setdefault(row.reviewer, f"reviews[{i}].reviewer")
    users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=needed)}
    missing = {name: place for name, place in needed.items() if name not in users}
    if missing:
        raise ValidationError(
            {
                place: f"There is no user named {name!r}; create the account first, then "
                "import again."
                for name, place in missing.items()
            }
        )
    return users


def _add_members(project: Project, users: Iterable[User]) -> tuple[str, ...]:
    """Make the people who are not members yet annotators; return their usernames."""
    member_ids = set(project.memberships.values_list("user_id", flat=True))
    newcomers = sorted((u for u in users if u.pk not in member_ids), key=lambda u: u.get_username())
    Membership.objects.bulk_create(
        Membership(project=project, user=u, role=Role.ANNOTATOR) for u in newcomers
    )
    return tuple(u.get_username() for u in newcomers)


# --- Writing ----------------------------------------------------------------------------------


_Contribution = TypeVar("_Contribution", Tag, Link, Review)


def _keep_times(
    model: type[_Contribution],
    objs: Sequence[_Contribution],
    times: Sequence[tuple[datetime.datetime | None, datetime.datetime | None]],
) -> None:
    """Put back the file's created_at/updated_at, which saving replaced with now."""
    changed = []
    for obj, (created_at, updated_at) in zip(objs, times, strict=True):
        if created_at is None and updated_at is None:
            continue
        obj.created_at = created_at or obj.created_at
        obj.updated_at = updated_at or created_at or obj.updated_at
        changed.append(obj)
    # bulk_update bypasses save(), so auto_now does not overwrite the values again.
    model.objects.bulk_update(changed, ["created_at", "updated_at"], batch_size=500)


def _record_history(project: Project, actor: User | None, objs: Iterable[SoftDeletable]) -> None:
    """A "create" entry for every row, numbered in the new document's change feed.

    Nobody can be following a document that did not exist, so no event is announced.
    """
    entries = [
        HistoryEntry(
            project=project,
            document_id=document_id_of(obj),
            entity=cast(str, obj._meta.model_name),
            object_id=obj.pk,
            item_author_id=owner_id_of(obj),
            action=HistoryAction.CREATE,
            actor=actor,
            after=state_of(obj),
            comment="Imported.",
        )
        for obj in objs
    ]
    number_entries(entries)
    HistoryEntry.objects.bulk_create(entries, batch_size=500)


def _create_links(
    snapshot: DocumentSnapshot,
    notes: ImportNotes,
    depths: dict[int, int],
    tags: dict[int, Tag],
    users: dict[str, User],
) -> list[Link]:
    """Create the links depth by depth, so each undercut's target has its id; return them in
    snapshot order."""
    by_id: dict[int, Link] = {}
    created: dict[int, Link] = {}
    for depth in sorted(set(depths.values())):
        layer = []
        for i, row in enumerate(snapshot.links):
            if depths[i] != depth:
                continue
            link = Link(
                source=tags[row.source_id],
                target=None if row.target_id is None else tags[row.target_id],
                target_link=None if row.target_link_id is None else by_id[row.target_link_id],
                relation=row.relation,
                group=row.group,
                note=clean_html(row.note),
                author=users[row.author],
            )
            _validated(link, notes.link_place(i))
            layer.append(link)
            by_id[row.id] = link
            created[i] = link
        # On PostgreSQL and SQLite (3.35+) bulk_create sets the ids the next layer points at.
        Link.objects.bulk_create(layer, batch_size=500)
    return [created[i] for i in range(len(snapshot.links))]


@transaction.atomic
def annotations_import(
    *,
    actor: User | None,
    project: Project,
    snapshot: DocumentSnapshot,
    notes: ImportNotes | None = None,
) -> ImportResult:
    """Create a new document in ``project`` holding everything in ``snapshot``.

    Curators and owners may import (``actor=None`` is for management commands). Everyone the
    snapshot names must have an account; those who are not members become annotators.
    ``notes`` (from the importer) name the rows in errors and go into the report.
    Nothing is written when any row is refused.
    """
    notes = notes or ImportNotes()
    if actor is not None:
        require_role(actor, project, CURATING_ROLES)
    problems = Problems()
    _check_tags(snapshot, notes, problems)
    _check_links(snapshot, notes, problems)
    _check_reviews(snapshot, problems)
    problems.raise_if_any()
    link_places = [notes.link_place(i) for i in range(len(snapshot.links))]
    depths = _link_depths(snapshot.links, link_places, problems)
    problems.raise_if_any()
    users = _users_by_name(snapshot, notes)
    members_added = _add_members(project, users.values())
    try:
        document = document_create(
            actor=actor,
            project=project,
            title=snapshot.title,
            paragraphs=[p.text for p in sorted(snapshot.paragraphs, key=lambda p: p.position)],
            byline=snapshot.byline,
            caption=snapshot.caption,
            source_url=snapshot.source_url,
            published_on=snapshot.published_on,
        )
    except ValidationError as exc:
        raise _prefixed(exc, "document", keep=_NOT_DOCUMENT_FIELDS) from exc
    by_position = {p.position: p for p in Paragraph.objects.filter(document=document)}
    by_file_id = {p.id: by_position[p.position] for p in snapshot.paragraphs}

    tags: dict[int, Tag] = {}
    tag_objs = []
    row: TagRow | ReviewRow
    for i, row in enumerate(snapshot.tags):
        tag = Tag(
            document=document,
            paragraph=None if row.implicit else by_file_id[cast(int, row.paragraph_id)],
            start=row.start,
            end=row.end,
            quote=row.quote,
            prefix=row.prefix,
            suffix=row.suffix,
            kind=row.kind,
            note=clean_html(row.note),
            author=users[row.author],
        )
        _validated(tag, notes.tag_place(i))
        tags[row.id] = tag
        tag_objs.append(tag)
    # full_clean has checked each row against the database, and the checks above have ruled
    # out clashes between rows of the file, so the rows can go in together.
    Tag.objects.bulk_create(tag_objs, batch_size=500)
    _keep_times(Tag, tag_objs, [(t.created_at, t.updated_at) for t in snapshot.tags])

    links = _create_links(snapshot, notes, depths, tags, users)
    _keep_times(Link, links, [(lk.created_at, lk.updated_at) for lk in snapshot.links])

    reviews = []
    for i, row in enumerate(snapshot.reviews):
        review = Review(
            tag=tags[row.tag_id],
            reviewer=users[row.reviewer],
            verdict=row.verdict,
            comment=clean_html(row.comment),
        )
        _validated(review, f"reviews[{i}]")
        reviews.append(review)
    Review.objects.bulk_create(reviews, batch_size=500)
    _keep_times(Review, reviews, [(r.created_at, r.updated_at) for r in snapshot.reviews])
    _record_history(project, actor, [*tag_objs, *links, *reviews])

    return ImportResult(
        document=document,
        paragraphs=len(snapshot.paragraphs),
        tags=len(tag_objs),
        implicit=sum(1 for t in tag_objs if t.is_implicit),
        links=len(links),
        reviews=len(reviews),
        members_added=members_added,
        skipped=notes.skipped,
        adjusted=notes.adjusted,
    )


# --- Files of any format ----------------------------------------------------------------------


def file_read(*, format_name: str, source: TextIO, options: ImportOptions) -> ParsedFile:
    """Parse a file in the named import format (no database); ``options.title``, when given,
    replaces the title a json export carries."""
    try:
        importer = get_importer(format_name)
    except UnknownFormat as exc:
        raise ValidationError({"format": str(exc)}) from None
    read = getattr(importer, "read", None)
    if read is not None:
        return read(source, options)
    snapshot = importer.load(source)
    if options.title:
        snapshot = replace(snapshot, title=options.title)
    return ParsedFile(snapshot)


def _default_author(project: Project) -> str:
    owner = (
        Membership.objects.filter(project=project, role=Role.OWNER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if owner is None:
        raise ValidationError(
            {"author": f"Project {project.slug} has no owner; name the author of the tags."}
        )
    return owner.user.get_username()


def file_import(
    *,
    actor: User | None,
    project: Project,
    format_name: str,
    source: TextIO,
    options: ImportOptions,
) -> ImportResult:
    """Read a file in any import format and create its document in ``project``.

    Curators and owners may import. AIF and brat name no annotators: their tags and links are
    attributed to ``options.author``, else to the actor, else (a command) to the project's
    first owner.
    """
    if actor is not None:
        require_role(actor, project, CURATING_ROLES)
    author = options.author or (actor.get_username() if actor is not None else "")
    if not author and format_name != "json":
        author = _default_author(project)
    parsed = file_read(
        format_name=format_name, source=source, options=replace(options, author=author)
    )
    return annotations_import(
        actor=actor, project=project, snapshot=parsed.snapshot, notes=parsed.notes
    )


__all__ = ["ImportOptions", "ImportResult", "annotations_import", "file_import", "file_read"]
