"""Compile and check the translation catalogues with Babel, so a newcomer needs no GNU gettext.

`makemessages` (which does need gettext's xgettext) is only for developers who add strings.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def _catalogues() -> list[Path]:
    return sorted(path for locale_dir in settings.LOCALE_PATHS for path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"))


class Command(BaseCommand):
    help = "Compile the .po catalogues to .mo (`compile`) or fail on untranslated or fuzzy entries (`check`)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["compile", "check"])

    def handle(self, *args, action: str, **options):
        problems = []
        for po_path in _catalogues():
            with po_path.open("rb") as po_file:
                catalogue = read_po(po_file, abort_invalid=True)
            if action == "compile":
                with po_path.with_suffix(".mo").open("wb") as mo_file:
                    write_mo(mo_file, catalogue)
                self.stdout.write(f"compiled {po_path}")
                continue
            for message in catalogue:
                if not message.id:
                    continue
                untranslated = not all(message.string) if message.pluralizable else not message.string
                if untranslated or message.fuzzy:
                    state = "fuzzy" if message.fuzzy else "untranslated"
                    problems.append(f"{po_path}: {state}: {message.id!r}")
        if problems:
            raise CommandError("Incomplete translations:\n" + "\n".join(problems))
        if action == "check":
            self.stdout.write(self.style.SUCCESS(f"{len(_catalogues())} catalogue(s) complete."))
