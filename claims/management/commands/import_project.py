"""Restore a project from a backup written by export_project."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.interchange.backup import BackupError, project_import


class Command(BaseCommand):
    help = (
        "Recreate a project from a backup file ('-' for standard input). Members are matched "
        "by username; missing users are created with unusable passwords. Refuses a slug that "
        "exists; nothing is written if any part of the file is refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="a file written by export_project")
        parser.add_argument("--slug", help="restore under this slug instead of the file's")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["file"] == "-":
                data = json.load(sys.stdin)
            else:
                with Path(options["file"]).open(encoding="utf-8") as source:
                    data = json.load(source)
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}.") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{options['file']} is not a JSON backup: {exc}") from None
        try:
            report = project_import(data, slug=options["slug"], progress=options["verbosity"] > 0)
        except BackupError as exc:
            raise CommandError(f"Nothing was restored. {exc}") from None
        if options["verbosity"] > 0:
            for line in report.lines():
                self.stdout.write(line)
