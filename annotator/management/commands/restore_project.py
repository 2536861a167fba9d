"""Bring back a deleted project with everything it held, or list the deleted ones."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotator.models import Project
from annotator.services import project_restore


class Command(BaseCommand):
    help = "Restore a project deleted from its settings page (by its slug); --list shows them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", nargs="?", help="the deleted project's slug")
        parser.add_argument("--list", action="store_true", help="list the deleted projects")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"] or not options["slug"]:
            deleted = Project.all_objects.filter(deleted_at__isnull=False).select_related(
                "deleted_by"
            )
            if not deleted:
                self.stdout.write("No project is deleted.")
            for project in deleted.order_by("-deleted_at"):
                by = project.deleted_by.get_username() if project.deleted_by else "someone"
                when = (
                    project.deleted_at.isoformat(timespec="minutes") if project.deleted_at else ""
                )
                self.stdout.write(f"{project.slug}\t{project.name}\tdeleted {when} by {by}")
            return
        try:
            project = project_restore(slug=options["slug"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Restored project {project.slug!r} ({project.name}).")
        )
