"""Import a document with its tags, links and reviews from a ``json`` export file."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotator.models import Project
from claims.interchange.importers import get_importer
from claims.interchange.importing import DuplicateDocument, annotations_import, problem_lines

DUPLICATE_HINT = "--allow-duplicate imports it all the same."


class Command(BaseCommand):
    help = (
        "Create a document in a project from a claim-annotator json export (GET "
        "/api/documents/ID/export/?format=json), with its tags, links and reviews. Authors "
        "are matched by username and must have accounts; non-members become annotators."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE")
        parser.add_argument("--project", required=True, metavar="SLUG", help="project slug")
        parser.add_argument(
            "--allow-duplicate",
            action="store_true",
            help="import even if the project has a document with the same title and text",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        project = Project.objects.filter(slug=options["project"]).first()
        if project is None:
            raise CommandError(f"There is no project with slug {options['project']!r}.")
        try:
            # utf-8-sig: a byte order mark left by an editor is not part of the JSON.
            with path.open(encoding="utf-8-sig") as source:
                snapshot = get_importer("json").load(source)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text.") from None
        except ValidationError as exc:
            raise CommandError(f"{path} was not imported:\n{problem_lines(exc)}") from None
        try:
            result = annotations_import(
                actor=None,
                project=project,
                snapshot=snapshot,
                allow_duplicate=options["allow_duplicate"],
            )
        except DuplicateDocument as exc:
            raise CommandError(f"{path} was not imported: {exc} {DUPLICATE_HINT}") from None
        except ValidationError as exc:
            raise CommandError(f"{path} was not imported:\n{problem_lines(exc)}") from None
        report = result.report()
        self.stdout.write(
            f"Imported {result.document.title!r} as document {result.document.pk} into "
            f"{project.slug}: {report['paragraphs']} paragraphs, {report['tags']} tags, "
            f"{report['links']} links, {report['reviews']} reviews."
        )
        if result.members_added:
            self.stdout.write(
                f"Added as annotators of {project.slug}: {', '.join(result.members_added)}."
            )
