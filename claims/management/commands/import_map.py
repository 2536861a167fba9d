"""Import an argument map (AIF JSON or a brat .ann file) over its source text as a document."""

from io import StringIO
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotator.models import Project
from claims.interchange.importers.source_text import ImportOptions
from claims.interchange.importing import (
    DuplicateDocument,
    ImportResult,
    file_import,
    problem_lines,
)
from claims.management.commands.import_annotations import DUPLICATE_HINT


def _read(path: Path, *, keep_bom: bool = False) -> str:
    try:
        # utf-8-sig drops a byte order mark; a brat .txt keeps it, as brat counts it.
        return path.read_text(encoding="utf-8" if keep_bom else "utf-8-sig")
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text.") from None


def _summary(result: ImportResult, slug: str) -> list[str]:
    lines = [
        f"Imported {result.document.title!r} as document {result.document.pk} into {slug}: "
        f"{result.counts_text()}.",
        *result.notice_lines(),
    ]
    if result.members_added:
        lines.append(f"Added as annotators of {slug}: {', '.join(result.members_added)}.")
    return lines


class Command(BaseCommand):
    help = (
        "Create a document in a project from an argument map over its source text: AIF JSON "
        "(AIFdb, OVA) or a brat .ann file. The text's lines are the paragraphs; tags and links "
        "are attributed to --author (default: the project's first owner)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, metavar="FILE", help="the .json or .ann file")
        parser.add_argument("--project", required=True, metavar="SLUG", help="project slug")
        parser.add_argument("--format", required=True, choices=["aif", "brat"])
        parser.add_argument(
            "--text",
            type=Path,
            metavar="TEXTFILE",
            help="the source text (brat: the .txt; AIF: optional for OVA files that carry it)",
        )
        parser.add_argument("--title", default="", help="default: the file's name")
        parser.add_argument(
            "--mapping", default="", help="brat entity types to kinds: MajorClaim=claim,..."
        )
        parser.add_argument(
            "--relation-mapping", default="", help="brat relation types: Support=supports,..."
        )
        parser.add_argument("--author", default="", metavar="USERNAME")
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
        source = _read(path)
        text_path: Path | None = options["text"]
        text = None if text_path is None else _read(text_path, keep_bom=True)
        import_options = ImportOptions(
            text=text,
            title=options["title"] or path.stem,
            author=options["author"],
            mapping=options["mapping"],
            relation_mapping=options["relation_mapping"],
        )
        try:
            result = file_import(
                actor=None,
                project=project,
                format_name=options["format"],
                source=StringIO(source),
                options=import_options,
                allow_duplicate=options["allow_duplicate"],
            )
        except DuplicateDocument as exc:
            raise CommandError(f"{path} was not imported: {exc} {DUPLICATE_HINT}") from None
        except ValidationError as exc:
            raise CommandError(f"{path} was not imported:\n{problem_lines(exc)}") from None
        self.stdout.write("\n".join(_summary(result, project.slug)))
