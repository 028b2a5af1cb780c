"""`manage.py backup [--output DIR]`: a consistent dump of the database plus the media files, with a manifest."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump -Fc, one snapshot) and the media files, with a manifest of counts and sums."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=Path(settings.BASE_DIR) / ".data" / "backups",
            help="directory in which a new backup-<UTC time> directory is made (default .data/backups)",
        )

    def handle(self, *args, output: Path, **options):
        try:
            report = backup_create(destination=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = report.manifest["database"]["tables"]
        self.stdout.write(f"Backup written to {report.path}")
        self.stdout.write(
            f"  database: {len(tables)} tables, {sum(tables.values())} rows, "
            f"{report.manifest['database']['dump_size']} bytes in {report.durations['database']:.1f} s"
        )
        self.stdout.write(f"  files:    {len(report.manifest['files'])} in {report.durations['files']:.1f} s")
