"""Measuring the work a request does, to compare two paths that must look alike: hashes computed, queries run,
e-mails written and tasks queued. Wall time is never compared (it is noise on a shared machine)."""

from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from portal.models import OutboundEmail


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting every hash it computes (encode is what verify calls too)."""

    algorithm = "md5"
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


@dataclass
class Work:
    hashes: int = 0
    queries: list[str] = field(default_factory=list)
    emails_written: int = 0
    tasks: list[str] = field(default_factory=list)

    @property
    def statements(self) -> list[str]:
        """Each query's kind and table, without values: what differs in shape, not in data."""
        shapes = []
        for sql in self.queries:
            words = sql.split()
            verb = words[0].upper()
            table = next(
                (w for i, w in enumerate(words) if i and words[i - 1].upper() in {"FROM", "INTO", "UPDATE"}), ""
            )
            shapes.append(f"{verb} {table}")
        return shapes


@contextmanager
def measured(captured_tasks: list[str] | None = None):
    """Count the work done inside the block; `captured_tasks` is filled by the caller's task spy, if any."""
    work = Work()
    emails_before = OutboundEmail.objects.count()
    with override_settings(PASSWORD_HASHERS=["tests.accounts.work.CountingHasher"]):
        CountingHasher.calls = 0
        with CaptureQueriesContext(connection) as queries:
            yield work
        work.hashes = CountingHasher.calls
    work.queries = [query["sql"] for query in queries.captured_queries]
    work.emails_written = OutboundEmail.objects.count() - emails_before
