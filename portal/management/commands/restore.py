"""`manage.py restore BACKUP_DIR --database NAME [--replace]`: restore into a named database, then verify it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into a new database of the given name and the files into the "
        "media storage, then check every table's row count and every file's SHA-256 against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="the backup-<time> directory")
        parser.add_argument("--database", required=True, help="name of the database to create on the same server")
        parser.add_argument("--replace", action="store_true", help="drop that database first if it exists")

    def handle(self, *args, backup: Path, database: str, replace: bool, **options):
        try:
            report = backup_restore(source=backup, database=database, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = report.manifest["database"]["tables"]
        took = report.durations
        self.stdout.write(f"Restored {backup} into the database {database!r}; verified against its manifest:")
        self.stdout.write(
            f"  database: {len(tables)} tables, {sum(tables.values())} rows; restore {took['database']:.1f} s, "
            f"count check {took['verify_database']:.1f} s"
        )
        self.stdout.write(f"  files:    {len(report.manifest['files'])}, checksums equal; {took['files']:.1f} s")
        self.stdout.write(f"Point DATABASE_URL at {database!r} to serve it.")
