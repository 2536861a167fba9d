"""Importing documents from files, and loading the seed op-ed the app ships with.

Both read files through annotator.paragraphs, so a paragraph's text is exactly what the file
holds, and create documents through services.document_create.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import cast

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from annotator.models import Document, Membership, Project, Role
from annotator.paragraphs import (
    Format,
    ImportFileError,
    parse_file,
    read_text_file,
    split_plain_text,
)
from annotator.services import document_create

TITLE_MAX = cast(int, Document._meta.get_field("title").max_length)

SEED_FILE = Path(__file__).resolve().parent / "seed" / "oped-china-india-internal-security.txt"
SEED_BYLINE = "Swaran Singh"
#: Non-blank lines of the seed file: caption, headline, 15 body paragraphs, the author's note.
SEED_LINES = 18
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"  # noqa: S105 -- the documented password of the local demo account
DEMO_PROJECT_SLUG = "demo"
DEMO_PROJECT_NAME = "Demo project"


def _fit_title(title: str) -> str:
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"


def project_for_import(slug: str) -> Project:
    """Return the project with this slug, or raise ValidationError naming the known ones."""
    project = Project.objects.filter(slug=slug).first()
    if project is None:
        known = ", ".join(Project.objects.order_by("slug").values_list("slug", flat=True)[:20])
        hint = f"known slugs: {known}" if known else "there are no projects yet"
        raise ValidationError({"project": f"There is no project with slug {slug!r} ({hint})."})
    return project


@transaction.atomic
def document_import_file(
    *,
    project: Project,
    path: Path,
    actor: User | None = None,
    title: str = "",
    byline: str = "",
    caption: str = "",
    source_url: str = "",
    fmt: Format | None = None,
) -> Document:
    """Create a document in the project from a text, Markdown or HTML file.

    The title defaults to the file's first <h1> (or Markdown "#") heading, else its name; the
    heading stays a paragraph too, since a headline often carries the main claim. Raises
    ImportFileError for a file that cannot be read or holds no text, ValidationError for bad
    metadata.
    """
    parsed = parse_file(path, fmt)
    return document_create(
        actor=actor,
        project=project,
        title=title or _fit_title(parsed.heading or path.name),
        paragraphs=parsed.paragraphs,
        byline=byline,
        caption=caption,
        source_url=source_url,
    )


@dataclass(frozen=True)
class SeedResult:
    """What load_seed found and what it made."""

    owner: User
    project: Project
    document: Document
    changes: tuple[str, ...]  # what it did, in sentences; empty when all was in place


def seed_read(path: Path = SEED_FILE) -> tuple[str, str, list[str]]:
    """Return the seed's caption, headline and paragraphs, each exactly as its line."""
    lines = split_plain_text(read_text_file(path))
    if len(lines) != SEED_LINES:
        raise ImportFileError(
            f"{path}: expected {SEED_LINES} non-blank lines (caption, headline, 15 body "
            f"paragraphs, author's note) but found {len(lines)}; restore the file from git."
        )
    caption, headline, *paragraphs = lines
    return caption, headline, paragraphs


@transaction.atomic
def seed_load(*, owner_username: str | None = None) -> SeedResult:
    """Ensure the demo user, the demo project and the seed op-ed in it exist.

    Idempotent: what exists is left alone (an existing demo user keeps its password; a seed
    document that was deleted stays deleted, to be restored rather than duplicated). With
    owner_username, that existing user owns the project and no demo user is made.
    """
    changes: list[str] = []
    users = get_user_model().objects
    if owner_username is None:
        owner = users.filter(username=DEMO_USERNAME).first()
        if owner is None:
            owner = users.create_user(username=DEMO_USERNAME, password=DEMO_PASSWORD)
            changes.append(f"Created user {DEMO_USERNAME!r} (password {DEMO_PASSWORD!r}).")
    else:
        owner = users.filter(username=owner_username).first()
        if owner is None:
            raise ValidationError(
                {"owner": f"There is no user named {owner_username!r}; create it first."}
            )

    project = Project.all_objects.filter(slug=DEMO_PROJECT_SLUG).first()
    if project is not None and project.deleted_at is not None:
        changes.append(
            f"Project {DEMO_PROJECT_SLUG!r} is deleted and stays so; bring it back with "
            f"`manage.py restore_project {DEMO_PROJECT_SLUG}`."
        )
    if project is None:
        project = Project(slug=DEMO_PROJECT_SLUG, name=DEMO_PROJECT_NAME)
        project.full_clean()
        project.save()
        changes.append(f"Created project {DEMO_PROJECT_SLUG!r} ({DEMO_PROJECT_NAME}).")
    membership = Membership.objects.filter(project=project, user=owner).first()
    if membership is None or membership.role != Role.OWNER:
        Membership.objects.update_or_create(
            project=project, user=owner, defaults={"role": Role.OWNER}
        )
        changes.append(f"Made {owner.get_username()!r} an owner of project {project.slug!r}.")

    caption, headline, paragraphs = seed_read()
    # all_objects: a seed document someone deleted is not loaded again behind their back.
    document = Document.all_objects.filter(project=project, title=headline).first()
    if document is None:
        document = document_create(
            actor=owner,
            project=project,
            title=headline,
            paragraphs=paragraphs,
            byline=SEED_BYLINE,
            caption=caption,
        )
        changes.append(f"Created document {headline!r} with {len(paragraphs)} paragraphs.")
    return SeedResult(owner=owner, project=project, document=document, changes=tuple(changes))
