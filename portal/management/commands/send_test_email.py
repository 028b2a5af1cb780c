from django.core.management.base import BaseCommand
from django.db import transaction

from portal.services import email_enqueue


class Command(BaseCommand):
    help = "Queue a test e-mail to an address, to check the mail settings and the worker end to end."

    def add_arguments(self, parser):
        parser.add_argument("address")
        parser.add_argument("--language", default="el", choices=["el", "en"])

    def handle(self, *args, address: str, language: str, **options):
        with transaction.atomic():
            email = email_enqueue(
                to=[address],
                template="portal/email/test",
                context={"name": ""},  # an address is no name: the greeting is «Γεια σας,»
                language=language,
            )
        self.stdout.write(f"Queued e-mail {email.pk} to {address}.")
