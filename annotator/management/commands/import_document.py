"""Import text, Markdown or HTML files as documents of a project."""

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from annotator.importing import document_import_file, project_for_import
from annotator.paragraphs import Format, ImportFileError


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(exc.messages)
    return str(exc)


class Command(BaseCommand):
    help = (
        "Import plain text (.txt: one paragraph a line), Markdown (.md) or HTML (.html) files "
        "as documents of a project. Paragraph text is kept exactly as in the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument("--project", required=True, metavar="SLUG", help="project slug")
        parser.add_argument(
            "--title", default="", help="default: the first <h1> or # heading, else file name"
        )
        parser.add_argument("--byline", default="")
        parser.add_argument("--caption", default="", help="text shown with the document")
        parser.add_argument("--source-url", default="")
        parser.add_argument(
            "--format",
            choices=[f.value for f in Format],
            help="default: from the file extension (HTML is sniffed for other extensions)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            project = project_for_import(options["project"])
        except ValidationError as exc:
            raise CommandError(_reason(exc)) from None
        files: list[Path] = options["files"]
        fmt = Format(options["format"]) if options["format"] else None
        several = len(files) > 1
        # tqdm needs the raw streams: Django's OutputWrapper ends every write with a newline.
        out = options.get("stdout") or sys.stdout
        err = options.get("stderr") or sys.stderr
        failed: list[tuple[Path, str]] = []
        for path in tqdm(files, desc="Importing", unit="file", file=err, disable=not several):
            try:
                document = document_import_file(
                    project=project,
                    path=path,
                    title=options["title"],
                    byline=options["byline"],
                    caption=options["caption"],
                    source_url=options["source_url"],
                    fmt=fmt,
                )
            except (ImportFileError, ValidationError) as exc:
                failed.append((path, _reason(exc)))
                if several:
                    tqdm.write(self.style.ERROR(f"Failed: {_reason(exc)}"), file=err)
                continue
            count = document.paragraphs.count()
            message = self.style.SUCCESS(
                f"Imported {document.title!r}: {count} paragraph{'s' * (count != 1)} "
                f"into project {project.slug} (document {document.pk})"
            )
            tqdm.write(message, file=out)
        if not several:
            if failed:
                raise CommandError(failed[0][1])
            return
        done = len(files) - len(failed)
        summary = f"{done} of {len(files)} files imported into project {project.slug}"
        if failed:
            names = ", ".join(str(path) for path, _ in failed)
            raise CommandError(f"{summary}; {len(failed)} failed: {names}")
        self.stdout.write(self.style.SUCCESS(summary + "."))
