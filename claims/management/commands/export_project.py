"""Back up a whole project to a JSON file (see claims.interchange.backup for the format)."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotator.models import Project
from claims.interchange.backup import project_export


class Command(BaseCommand):
    help = (
        "Write a project with its members, documents, tags, links, reviews and history "
        "(deleted ones too) to FILE ('-' for standard output); import_project restores it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", metavar="SLUG", help="the project's slug")
        parser.add_argument("file", metavar="FILE", help="where to write the backup; - for stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        project = Project.objects.filter(slug=options["slug"]).first()
        if project is None:
            raise CommandError(f"There is no project with the slug {options['slug']!r}.")
        # A progress bar on stderr unless asked to be quiet (-v 0).
        progress = options["verbosity"] > 0
        if options["file"] == "-":
            # The raw stream: Django's OutputWrapper would end every write with a newline.
            out = options.get("stdout") or sys.stdout
            counts = project_export(project, out, progress=progress)
        else:
            path = Path(options["file"])
            try:
                with path.open("w", encoding="utf-8", newline="\n") as out:
                    counts = project_export(project, out, progress=progress)
            except OSError as exc:
                raise CommandError(f"Cannot write {path}: {exc.strerror}.") from None
        if options["verbosity"] > 0 and options["file"] != "-":
            summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
            self.stdout.write(f"Wrote {project.slug!r} to {options['file']}: {summary}.")
