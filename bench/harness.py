"""Throughput of the real portal under gunicorn, against a one-query Django floor served by the same server.

    .venv/bin/python -m bench [--duration 10] [--warmup 2] [--concurrency 8] [--max-requests 100000]

Every option also reads an environment variable (BENCH_DURATION, BENCH_WARMUP, BENCH_CONCURRENCY,
BENCH_MAX_REQUESTS, BENCH_WORKERS). The server runs with production settings (DEBUG off, a fresh secret
key, ALLOWED_HOSTS=127.0.0.1, no HTTPS redirect) on a free port of 127.0.0.1, with 2 sync workers. The
database is DATABASE_URL, or the quick start's embedded PostgreSQL when that is unset. CELERY_BROKER_URL is
passed through as it is, so /healthz checks a broker only when one is configured. The database is migrated
and given the demo data first (`--skip-setup` skips that and collectstatic): do not point DATABASE_URL at a
database you care about.

The load generator is plain Python (threads, one http.client connection each, 127.0.0.1 only) so it runs on
a fresh machine. Gunicorn's sync workers close the connection after every response, so each request
includes a loopback TCP connect, as it would behind a reverse proxy. The exit status is 1 when any response
was not 200.
"""

import argparse
import contextlib
import http.client
import math
import os
import platform
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
ENDPOINTS = [("home", "/"), ("healthz", "/healthz"), ("floor", "/bench/floor")]
HEADERS = {"Accept-Language": "el", "User-Agent": "dimos-portal-bench"}
# A shared machine under load may need longer to boot gunicorn's workers (BENCH_STARTUP_TIMEOUT seconds).
STARTUP_TIMEOUT = float(os.environ.get("BENCH_STARTUP_TIMEOUT") or 30.0)
REQUEST_TIMEOUT = float(os.environ.get("BENCH_REQUEST_TIMEOUT") or 10.0)  # seconds


def env_number(name: str, default: float, kind: type = float):
    value = os.environ.get(name, "")
    return kind(value) if value.strip() else kind(default)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration",
        type=float,
        default=env_number("BENCH_DURATION", 10.0),
        help="seconds measured per endpoint (BENCH_DURATION, default 10)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=env_number("BENCH_WARMUP", 2.0),
        help="seconds of unmeasured load per endpoint first (BENCH_WARMUP, default 2)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=env_number("BENCH_CONCURRENCY", 8, int),
        help="client threads, one connection each (BENCH_CONCURRENCY, default 8)",
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=env_number("BENCH_MAX_REQUESTS", 100_000, int),
        help="cap on measured requests per endpoint (BENCH_MAX_REQUESTS, default 100000)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=env_number("BENCH_WORKERS", 2, int),
        help="gunicorn sync workers (BENCH_WORKERS, default 2)",
    )
    parser.add_argument("--skip-setup", action="store_true", help="skip migrate, load_demo and collectstatic")
    args = parser.parse_args(argv)
    if args.duration <= 0 or args.warmup < 0 or args.concurrency < 1 or args.max_requests < 1 or args.workers < 1:
        parser.error("duration, concurrency, max-requests and workers must be positive, warmup not negative")
    return args


# --- The server ---------------------------------------------------------------------------------------------


def masked(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def server_environment() -> tuple[dict[str, str], str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_SECURE_SSL_REDIRECT="0",
        PYTHONUNBUFFERED="1",
    )
    env.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    env.pop("GUNICORN_CMD_ARGS", None)  # the command line below is the whole configuration
    source = "DATABASE_URL"
    if not env.get("DATABASE_URL"):
        from portal import embedded_db

        env["DATABASE_URL"] = embedded_db.ensure_started()
        source = "embedded PostgreSQL (DATABASE_URL unset)"
    return env, source


def manage(env: dict[str, str], *args: str) -> None:
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise SystemExit(f"bench: manage.py {' '.join(args)} failed (exit {completed.returncode})")
    print(f"  manage.py  {' '.join(args):<44} {time.perf_counter() - started:5.1f} s")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn with `workers` processes: sync workers (one request at a time each) when `threads` is 1, else gthread
    workers of `threads` threads each."""

    def __init__(self, env: dict[str, str], workers: int, threads: int = 1) -> None:
        self.env = env
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "bench.wsgi:application",
            f"--bind={HOST}:{self.port}",
            f"--workers={self.workers}",
            *(
                ["--worker-class=sync"]
                if self.threads <= 1
                else ["--worker-class=gthread", f"--threads={self.threads}"]
            ),
            f"--chdir={BASE_DIR}",
            "--log-level=warning",
            f"--timeout={int(os.environ.get('BENCH_GUNICORN_TIMEOUT') or 30)}",  # a loaded machine boots slowly
        ]
        if gunicorn_version() >= (25, 1):
            # Since 25.1 every gunicorn opens ~/.gunicorn/gunicorn.ctl; ours must not take another's.
            command.append("--no-control-socket")
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() reaches the workers too
        )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: gunicorn exited with {self.process.returncode}\n{self.log_tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _, _ = fetch(self.port, "/healthz")
                if status:
                    return
            time.sleep(0.1)
        raise SystemExit(f"bench: gunicorn did not answer within {STARTUP_TIMEOUT:.0f} s\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log_tail(self, lines: int = 40) -> str:
        self.log.flush()
        text = Path(self.log.name).read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def close(self) -> None:
        self.stop()
        self.log.close()
        with contextlib.suppress(OSError):
            os.unlink(self.log.name)


def gunicorn_version() -> tuple[int, ...]:
    import gunicorn

    return tuple(gunicorn.version_info)


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", path, headers={**HEADERS, **(headers or {})})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


# --- The load generator -------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    path: str
    elapsed: float = 0.0
    client_cpu: float = 0.0  # CPU seconds the load generator itself used
    latencies: list[float] = field(default_factory=list)  # seconds, 200 responses only
    errors: Counter = field(default_factory=Counter)  # description -> count

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def failed(self) -> int:
        return sum(self.errors.values())

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile in milliseconds."""
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000


def load(
    port: int,
    name: str,
    path: str,
    duration: float,
    concurrency: int,
    max_requests: int,
    *,
    headers: dict[str, str] | None = None,
    expect: int = 200,
) -> Result:
    """Keep `concurrency` connections busy on `path` until `duration` passes or `max_requests` are sent.

    `headers` are sent on top of HEADERS; a response counts as answered when its status is `expect` (a
    conditional GET expects 304)."""
    result = Result(name, path)
    lock = threading.Lock()
    issued = 0
    start_line = threading.Barrier(concurrency + 1)
    deadline = 0.0
    sent = {**HEADERS, **(headers or {})}

    def client() -> None:
        nonlocal issued
        latencies: list[float] = []
        errors: Counter = Counter()
        conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
        start_line.wait()
        try:
            while time.perf_counter() < deadline:
                with lock:
                    if issued >= max_requests:
                        break
                    issued += 1
                started = time.perf_counter()
                try:
                    # http.client reopens the connection by itself after a `Connection: close` response.
                    conn.request("GET", path, headers=sent)
                    response = conn.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    errors[f"{type(exc).__name__}: {exc}"] += 1
                    conn.close()
                    continue
                if response.status == expect:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors[f"HTTP {response.status}: {body[:120].decode(errors='replace')!r}"] += 1
        finally:
            conn.close()
            with lock:
                result.latencies.extend(latencies)
                result.errors.update(errors)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    cpu_before = cpu_seconds()
    began = time.perf_counter()
    deadline = began + duration
    start_line.wait()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - began
    result.client_cpu = cpu_seconds() - cpu_before
    return result


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- The run ------------------------------------------------------------------------------------------------


def check_endpoints(server: Gunicorn) -> None:
    """One request each before any load: fail early and clearly when an endpoint is broken."""
    for name, path in ENDPOINTS:
        status, headers, body = fetch(server.port, path)
        if status != 200:
            text = body[:300].decode(errors="replace")
            log = server.log_tail()
            raise SystemExit(f"bench: GET {path} ({name}) answered {status}:\n{text}\n--- gunicorn log:\n{log}")
        if name == "home":
            language = headers.get("content-language")
            if language != "el":
                print(f"  warning: home answered in Content-Language {language!r}, not 'el'")
            if "Χανίων".encode() not in body:
                print("  warning: the home page does not show the demo municipalities")


def report(results: list[Result]) -> None:
    print()
    header = ("endpoint", "path", "requests", "errors", "req/s", "p50 ms", "p95 ms")
    print("{:<10} {:<14} {:>9} {:>7} {:>9} {:>8} {:>8}".format(*header))
    for r in results:
        print(
            f"{r.name:<10} {r.path:<14} {r.ok + r.failed:>9} {r.failed:>7} {r.rate:>9.1f} "
            f"{r.percentile(50):>8.2f} {r.percentile(95):>8.2f}"
        )
    by_name = {r.name: r for r in results}
    floor = by_name["floor"].rate
    print()
    for name in ("home", "healthz"):
        ratio = by_name[name].rate / floor if floor else math.nan
        label = f"{name}/floor"
        print(f"{label:<14} {ratio:5.2f}  ({name} runs at {ratio:.0%} of the floor's throughput)")
    for r in results:
        for description, count in r.errors.most_common(10):
            print(f"error  {r.name}: {count} x {description}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # make, CI runners and `timeout` stop us with SIGTERM: turn it into SystemExit so gunicorn is stopped too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))

    env, source = server_environment()
    print("Dimos Portal benchmark")
    print(f"  python {platform.python_version()}, {os.cpu_count()} CPUs (client and server share them)")
    print(f"  database   {masked(env['DATABASE_URL'])}  [{source}]")
    print(f"  broker     {masked(env.get('CELERY_BROKER_URL', '')) or 'none (tasks in-process)'}")
    print(
        f"  gunicorn   {args.workers} sync workers; load: {args.concurrency} connections, "
        f"{args.warmup:g} s warm-up + {args.duration:g} s (max {args.max_requests} requests) per endpoint"
    )
    if not args.skip_setup:
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--noinput", "--verbosity=0")

    server = Gunicorn(env, args.workers)
    try:
        server.start()
        print(f"  serving    http://{HOST}:{server.port}/ (pid {server.process.pid})")
        check_endpoints(server)
        results = []
        for name, path in ENDPOINTS:
            if args.warmup:
                warm = load(server.port, name, path, args.warmup, args.concurrency, args.max_requests)
                for description, count in warm.errors.most_common(5):
                    print(f"  warm-up error  {name}: {count} x {description}")
            result = load(server.port, name, path, args.duration, args.concurrency, args.max_requests)
            print(
                f"  measured   {name:<8} {result.ok + result.failed:>7} requests in {result.elapsed:5.1f} s, "
                f"load generator at {result.client_cpu / result.elapsed:.0%} of a CPU"
            )
            results.append(result)
        if server.process.poll() is not None:
            print(f"bench: gunicorn died during the run\n{server.log_tail()}", file=sys.stderr)
            return 1
    finally:
        server.close()

    report(results)
    return 1 if any(r.failed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
