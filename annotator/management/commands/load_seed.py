"""Load the seed op-ed into the demo project (idempotent)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from annotator.importing import DEMO_PROJECT_SLUG, DEMO_USERNAME, seed_load
from annotator.paragraphs import ImportFileError


class Command(BaseCommand):
    help = (
        f"Ensure the user {DEMO_USERNAME!r} (password {DEMO_USERNAME!r}), the project "
        f"{DEMO_PROJECT_SLUG!r} it owns, and the seed op-ed in it exist. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--owner",
            metavar="USERNAME",
            help=f"an existing user to own the project instead of creating {DEMO_USERNAME!r}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = seed_load(owner_username=options["owner"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        if options["verbosity"] == 0:
            return
        where = (
            f"document {result.document.pk} {result.document.title!r} in project "
            f"{result.project.slug!r}, owned by {result.owner.get_username()!r}"
        )
        if not result.changes:
            self.stdout.write(f"Nothing to do: the seed is already loaded ({where}).")
            return
        for change in result.changes:
            self.stdout.write(self.style.SUCCESS(change))
        self.stdout.write(f"Seed loaded: {where}.")
