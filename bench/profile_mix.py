"""Each endpoint of the load test's mix (bench/locustfile.py), profiled in-process against the load data.

    .venv/bin/python -m bench.profile_mix [--repeat 20] [--top 12] [--only clerk] [--sort tottime]

Needs the load municipality in DATABASE_URL (`python -m bench.load --long --load-only`). Production settings
(bench.settings, DEBUG off); Django's test client with force_login for the load's own people, so the middleware,
sessions, templates and queries are the server's, without gunicorn or HTTP. For each endpoint it prints the median
wall time (ms), the queries per request, the slowest query and the top functions of cProfile (by own time unless
--sort says otherwise). Posts write rows like the load does (votes, comments, requests, acknowledged requests, a
booking then its cancellation). With CELERY_BROKER_URL set, tasks are published to it (start a worker, or they wait
there); without it they run in-process, as `make run` does. E-mails go to the dummy backend either way.
"""

import argparse
import cProfile
import io
import itertools
import os
import pstats
import random
import statistics
import sys
import time

from bench import harness
from bench.bench_appointments import setup_django
from bench.load import CENTRE, SLUG, booking_slots, map_paths, photo_write


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_mix", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="measured calls per endpoint (after one warm-up)")
    parser.add_argument("--top", type=int, default=12, help="functions shown per endpoint")
    parser.add_argument("--only", default="", help="only endpoints whose name contains this")
    parser.add_argument("--sort", default="tottime", help="pstats sort key: tottime or cumulative")
    parser.add_argument("--no-profile", action="store_true", help="times and queries only")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="keep the cached pages between calls (by default the municipality's data version moves before each "
        "call, as the load's votes, filings and status changes move it several times a second)",
    )
    return parser.parse_args(argv)


def endpoints(facts: dict) -> list[tuple[str, str, object]]:
    """(name, kind of person, a function of the client that makes one request and returns the response)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    slug = SLUG
    codes = facts["codes"]
    clerk_codes = facts["clerk_codes"]
    photo = facts["photo"]
    categories = facts["category_ids"]
    details = f"/appointments/{slug}/in_person/{facts['service_id']}/details/"

    def request_list(client):
        status = random.choice(["", "open", "closed"])
        return client.get(f"/requests/{slug}/?status={status}&page={random.randint(1, 5)}")

    def request_search(client):
        return client.get(f"/requests/{slug}/?q=ΠΡΟΒΛΗΜΑ+{random.randint(1000, 9999)}")

    def map_city(client):
        return client.get(facts["map_paths"][0])

    def map_street(client):
        return client.get(facts["map_paths"][1])

    def request_detail(client):
        return client.get(f"/requests/{slug}/r/{random.choice(codes)}/")

    def pages(client):
        return client.get(random.choice(["/", f"/dimos/{slug}/", f"/appointments/{slug}/"]))

    def file_request(client):
        return client.post(
            f"/requests/{slug}/new/",
            {
                "title": f"Σπασμένο φανάρι {random.randint(1, 10**6)}",
                "category": str(random.choice(categories)),
                "description": "Το φανάρι στη γωνία δεν ανάβει από χθες το βράδυ.",
                "address": "",
                "latitude": f"{CENTRE[0] + random.uniform(-0.01, 0.01):.6f}",
                "longitude": f"{CENTRE[1] + random.uniform(-0.01, 0.01):.6f}",
                "files": SimpleUploadedFile("photo.jpg", photo, content_type="image/jpeg"),
            },
        )

    def vote(client):
        return client.post(f"/requests/{slug}/r/{random.choice(codes)}/vote/")

    def comment(client):
        return client.post(f"/requests/{slug}/r/{random.choice(codes)}/comment/", {"body": "Κι εμένα με επηρεάζει."})

    def booking_form(client):
        return client.get(details, {"slot": random.choice(facts["slots"])})

    def book(client):
        response = client.post(
            details,
            {
                "slot": random.choice(facts["slots"]),
                "clerk": "",
                "full_name": "Πολίτης Φόρτου",
                "email": "load@example.gr",
                "mobile_phone": "+306912345678",
                "subject": "Άδεια δόμησης",
                "privacy_consent": "on",
            },
        )
        location = response.headers.get("Location", "")
        if "/booking/" in location:
            facts["booked"].append((client, location.rstrip("/").rsplit("/", 1)[-1]))
        return response

    def booking_page(client):
        owner, code = facts["booked"][-1]  # the citizen who booked it
        return owner.get(f"/appointments/booking/{code}/")

    def cancel(client):
        owner, code = facts["booked"].pop()
        return owner.post(f"/appointments/booking/{code}/cancel/", {"reason": "Άλλαξε."})

    def queue(client):
        return client.get(f"/requests/{slug}/staff/?status=registered")

    def acknowledge(client):
        return client.post(
            f"/requests/{slug}/staff/{clerk_codes.pop()}/status/",
            {"status": "acknowledged", "seen_status": "registered", "note": ""},
        )

    return [
        ("visitor: request list", "visitor", request_list),
        ("visitor: request search", "visitor", request_search),
        ("visitor: map.json city-wide", "visitor", map_city),
        ("visitor: map.json street", "visitor", map_street),
        ("visitor: request page", "visitor", request_detail),
        ("visitor: portal pages", "visitor", pages),
        ("citizen: file a request with a photo", "citizen", file_request),
        ("citizen: vote", "citizen", vote),
        ("citizen: comment", "citizen", comment),
        ("verified: booking details form", "verified", booking_form),
        ("verified: book", "verified", book),
        ("verified: booking page", "verified", booking_page),
        ("verified: cancel", "verified", cancel),
        ("clerk: queue", "clerk", queue),
        ("clerk: acknowledge", "clerk", acknowledge),
    ]


def facts_gather() -> dict:

    from appointments.models import Service
    from portal.models import Municipality
    from requests_tracker.models import Category, Request

    municipality = Municipality.objects.filter(slug=SLUG).first()
    if municipality is None:
        raise SystemExit("profile_mix: no load data; run `python -m bench.load --long --load-only` first")
    photo_path = harness.BASE_DIR / ".data" / "profile-photo.jpg"
    photo_path.parent.mkdir(exist_ok=True)
    photo_write(photo_path)
    return {
        "municipality_id": municipality.pk,
        "codes": list(
            Request.objects.filter(municipality=municipality).order_by("?").values_list("code", flat=True)[:2000]
        ),
        "clerk_codes": list(
            Request.objects.filter(municipality=municipality, status="registered")
            .order_by("created_at")
            .values_list("code", flat=True)[:1000]
        ),
        "category_ids": list(Category.objects.filter(municipality=municipality).values_list("pk", flat=True)),
        "map_paths": map_paths(municipality),
        "service_id": Service.objects.get(municipality=municipality).pk,
        "slots": booking_slots(municipality),
        "photo": photo_path.read_bytes(),
        "booked": [],
    }


def clients() -> dict:
    from django.test import Client

    from accounts.models import User

    made = {"visitor": [Client(HTTP_ACCEPT_LANGUAGE="el")]}
    for kind in ("citizen", "verified", "clerk"):
        made[kind] = []
        # Several people of each kind, in turn, as in the load: one alone would soon meet the rate limits.
        for user in User.objects.filter(username__startswith=f"load.{kind}").order_by("pk")[:20]:
            client = Client(HTTP_ACCEPT_LANGUAGE="el")
            client.force_login(user)
            made[kind].append(client)
    for client in [client for kind in made.values() for client in kind]:
        # Each test client loads the middleware on its first request (WhiteNoise then scans the static files):
        # not a cost of any endpoint.
        client.get("/healthz")
    return made


def main(argv=None) -> int:
    args = parse_args(argv)
    env, _source = harness.server_environment()
    env["EMAIL_URL"] = "dummy://"
    env["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["EMAIL_URL"] = "dummy://"
    setup_django(env)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from requests_tracker.caching import requests_changed

    random.seed(17)
    facts = facts_gather()
    people = clients()
    table = []
    for name, kind, call in endpoints(facts):
        if args.only and args.only not in name:
            continue
        turn = itertools.cycle(people[kind])
        response = call(next(turn))  # warm: templates, translations, caches
        if response.status_code >= 400:
            print(f"{name}: HTTP {response.status_code}\n{response.content[:2000].decode(errors='replace')}")
            return 1
        times, counts, slowest = [], [], (0.0, "")
        profile = cProfile.Profile()
        for _ in range(args.repeat):
            if not args.warm:
                requests_changed(municipality_id=facts["municipality_id"])
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                if args.no_profile:
                    call(next(turn))
                else:
                    client = next(turn)
                    profile.enable()
                    call(client)
                    profile.disable()
                times.append((time.perf_counter() - began) * 1000)
            counts.append(len(queries.captured_queries))
            for query in queries.captured_queries:
                if float(query["time"]) * 1000 > slowest[0]:
                    slowest = (float(query["time"]) * 1000, query["sql"])
        median = statistics.median(times)
        table.append((name, median, statistics.median(counts), slowest))
        print(f"\n=== {name}: median {median:.1f} ms, {statistics.median(counts):g} queries; slowest query "
              f"{slowest[0]:.1f} ms: {slowest[1][:300]}")  # fmt: skip
        if not args.no_profile:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
            lines = out.getvalue().splitlines()
            start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
            print("\n".join(line.replace(str(harness.BASE_DIR) + "/", "") for line in lines[start:] if line.strip()))
    print(f"\n{'endpoint':<40} {'ms':>8} {'queries':>8} {'slowest query ms':>17}")
    for name, median, count, slowest in table:
        print(f"{name:<40} {median:>8.1f} {count:>8g} {slowest[0]:>17.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
