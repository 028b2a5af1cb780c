"""The municipality's central protocol («Κεντρικό Πρωτόκολλο»): who gives an e-request its number.

A backend is chosen by the PROTOCOL_BACKEND setting (a dotted path to a class). `register(erequest=…)` is called
inside the transaction that records the number on the e-request, and returns the number and the protocol date.
A backend that cannot answer raises; the e-request then stays saved, unnumbered, and a retried task asks again.
An outside protocol system can be plugged in the same way: it gives its own numbers, and the database's unique
constraint (municipality, year, number) still refuses a number given twice.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string

from requests_tracker.models import ProtocolCounter


class ProtocolUnavailable(Exception):
    """The protocol system could not number the e-request now; try again later."""


@dataclass(frozen=True)
class ProtocolEntry:
    number: int
    year: int
    date: date


class DatabaseProtocol:
    """The register kept in our database: one counter row per municipality and year.

    INSERT … ON CONFLICT DO UPDATE … RETURNING creates or increments the row in one statement and keeps it locked
    until the caller's transaction ends. A second filing waits on that lock and then reads the committed number,
    so no two filings get the same number; and a filing that rolls back takes its increment with it, so there is
    no gap. (A max()+1 over the e-requests would let two transactions read the same maximum.)
    """

    def register(self, *, erequest) -> ProtocolEntry:
        if not connection.in_atomic_block:
            raise RuntimeError("The protocol number must be taken inside the transaction that records it.")
        today = timezone.localdate(timezone.now(), erequest.municipality.zone)
        table = connection.ops.quote_name(ProtocolCounter._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (municipality_id, year, last_number) VALUES (%s, %s, 1) "  # noqa: S608 - our table name
                f"ON CONFLICT (municipality_id, year) DO UPDATE SET last_number = {table}.last_number + 1 "
                "RETURNING last_number",
                [erequest.municipality_id, today.year],
            )
            (number,) = cursor.fetchone()
        return ProtocolEntry(number=number, year=today.year, date=today)


def protocol_backend():
    return import_string(settings.PROTOCOL_BACKEND)()
