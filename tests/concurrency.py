import threading
import time

from django.db import connection, connections


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


def hold_the_first_caller(monkeypatch, owner, name: str, *, after: bool = False) -> list[bool]:
    """Wrap `owner.name` so that its first caller, inside its transaction, waits until a rival is blocked.

    Returns a list that receives whether a blocked rival was seen: a test asserts it, so the race is proven real.
    With `after`, the first caller runs the real function first (to hold the locks it takes) and then waits.
    """
    real = getattr(owner, name)
    first = threading.Lock()
    saw_blocked: list[bool] = []

    def held(*args, **kwargs):
        result = real(*args, **kwargs) if after else None
        if first.acquire(blocking=False):
            saw_blocked.append(wait_for_a_blocked_backend())
        return result if after else real(*args, **kwargs)

    monkeypatch.setattr(owner, name, held)
    return saw_blocked


def run_at_once(calls) -> list:
    """Start every call in its own thread at the same moment; each call's result, or the exception it raised.

    Each thread closes its database connections when done, so that no test database is left in use.
    """
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        start.wait()
        try:
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
