"""Import a bank statement (ISO 20022 camt.053 or camt.054 XML) for a municipality: matched credits pay their
items; partial, duplicate and unknown ones are listed in the admin for a clerk. Importing a file twice changes
nothing.

    python manage.py import_statement chania statement.xml
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.models import Municipality
from requests_tracker import services


class Command(BaseCommand):
    help = "Import an ISO 20022 bank statement (camt.053/camt.054) and apply its RF-code credits."

    def add_arguments(self, parser):
        parser.add_argument("municipality", help="the municipality's slug, e.g. chania")
        parser.add_argument("path", type=Path)

    def handle(self, *args, municipality, path, **options):
        found = Municipality.objects.filter(slug=municipality).first()
        if found is None:
            raise CommandError(f"No municipality {municipality!r}.")
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error
        try:
            statement, summary = services.statement_import(municipality=found, content=content, file_name=path.name)
        except services.RequestError as error:
            raise CommandError(str(error)) from error
        if summary["already_imported"]:
            self.stdout.write(f"{path.name} was imported before ({statement.created_at:%Y-%m-%d}): nothing changed.")
            return
        counts = ", ".join(f"{key} {summary[key]}" for key in ("matched", "partial", "duplicate", "unknown", "skipped"))
        self.stdout.write(counts)
