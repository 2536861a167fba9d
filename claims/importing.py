"""Recreate a document with its tags, links and reviews from an imported snapshot.

The snapshot comes from an importer (``claims.importers``), which has already checked the file
on its own terms; this service matches people by username, then writes everything in one
transaction, validating each row against the models' rules as it goes. Times are kept as the
file gives them; notes and comments are sanitised again, since a file is untrusted input.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction

from annotator.models import CURATING_ROLES, Document, Membership, Paragraph, Project, Role
from annotator.services import document_create, require_role
from claims.models import Link, Review, Tag
from claims.sanitize import clean_html
from claims.snapshot import DocumentSnapshot

#: document_create's error keys that are not fields of the file's "document" object.
_NOT_DOCUMENT_FIELDS = frozenset({"paragraphs"})


@dataclass(frozen=True, slots=True)
class ImportResult:
    document: Document
    paragraphs: int
    tags: int
    links: int
    reviews: int
    #: Usernames that were not members of the project and were added as annotators.
    members_added: tuple[str, ...]

    def report(self) -> dict:
        """Return the counts as plain data, for the API and the command."""
        return {
            "paragraphs": self.paragraphs,
            "tags": self.tags,
            "links": self.links,
            "reviews": self.reviews,
            "members_added": list(self.members_added),
        }


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


def _users_by_name(snapshot: DocumentSnapshot) -> dict[str, AbstractBaseUser]:
    """Find everyone the snapshot names, or raise a ValidationError listing who is missing."""
    needed: dict[str, str] = {}
    for rows, field, what in (
        (snapshot.tags, "author", "tags"),
        (snapshot.links, "author", "links"),
        (snapshot.reviews, "reviewer", "reviews"),
    ):
        for i, row in enumerate(rows):
            needed.setdefault(getattr(row, field), f"{what}[{i}].{field}")
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


def _add_members(project: Project, users: Iterable[AbstractBaseUser]) -> tuple[str, ...]:
    """Make the people who are not members yet annotators; return their usernames."""
    member_ids = set(project.memberships.values_list("user_id", flat=True))
    newcomers = sorted((u for u in users if u.pk not in member_ids), key=lambda u: u.get_username())
    Membership.objects.bulk_create(
        Membership(project=project, user=u, role=Role.ANNOTATOR) for u in newcomers
    )
    return tuple(u.get_username() for u in newcomers)


def _keep_times(
    model: type[models.Model],
    objs: Sequence[models.Model],
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


@transaction.atomic
def annotations_import(
    *, actor: AbstractBaseUser | None, project: Project, snapshot: DocumentSnapshot
) -> ImportResult:
    """Create a new document in ``project`` holding everything in ``snapshot``.

    Curators and owners may import (``actor=None`` is for management commands). Everyone the
    snapshot names must have an account; those who are not members become annotators.
    Nothing is written when any row is refused.
    """
    if actor is not None:
        require_role(actor, project, CURATING_ROLES)
    users = _users_by_name(snapshot)
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
    by_file_position = {p.id: by_position[p.position] for p in snapshot.paragraphs}

    tags: dict[int, Tag] = {}
    tag_objs = []
    for i, row in enumerate(snapshot.tags):
        tag = Tag(
            document=document,
            paragraph=by_file_position[row.paragraph_id],
            start=row.start,
            end=row.end,
            quote=row.quote,
            prefix=row.prefix,
            suffix=row.suffix,
            kind=row.kind,
            note=clean_html(row.note),
            author=users[row.author],
        )
        _validated(tag, f"tags[{i}]")
        tags[row.id] = tag
        tag_objs.append(tag)
    # full_clean has checked each row against the database, and the importer has ruled out
    # clashes between rows of the file, so the rows can go in together.
    Tag.objects.bulk_create(tag_objs, batch_size=500)
    _keep_times(Tag, tag_objs, [(t.created_at, t.updated_at) for t in snapshot.tags])

    links = []
    for i, row in enumerate(snapshot.links):
        link = Link(
            source=tags[row.source_id],
            target=tags[row.target_id],
            relation=row.relation,
            note=clean_html(row.note),
            author=users[row.author],
        )
        _validated(link, f"links[{i}]")
        links.append(link)
    Link.objects.bulk_create(links, batch_size=500)
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

    return ImportResult(
        document=document,
        paragraphs=len(snapshot.paragraphs),
        tags=len(tag_objs),
        links=len(links),
        reviews=len(reviews),
        members_added=members_added,
    )
