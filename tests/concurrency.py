import time

from django.db import connection


def wait_for_a_blocked_backend(timeout: float = 10.0) -> bool:
    """Poll (from inside the winner's transaction) until another PostgreSQL backend waits for a lock.

    This is how a concurrency test knows the racers really overlap, without sleeping a guessed time.
    """
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False
