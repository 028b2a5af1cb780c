"""The load test's people, for locust (started by bench/load.py, which prepares the data and reads the results).

Each class is a kind of person at a fixed number of users and a fixed pace (constant_throughput), so the arrival
rate is fixed whatever the latency. The data (sessions, codes, slots, a photo) come from the JSON file named by
LOAD_FIXTURES. Cookies and the CSRF token are sent by hand: a session made by the driver, and a CSRF cookie whose
secret the forms repeat (Django accepts the unmasked secret).
"""

import json
import os
import random
import uuid
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, constant_throughput, task

FIXTURES = json.loads(Path(os.environ["LOAD_FIXTURES"]).read_text())
SLUG = FIXTURES["slug"]
COUNTS = FIXTURES["users"]
PACE = FIXTURES["pace"]  # tasks per second per user, by kind
PHOTO = Path(FIXTURES["photo"]).read_bytes()


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Person(FastHttpUser):
    abstract = True
    kind = ""
    started = 0  # users of this class started so far: the n-th takes the n-th session (greenlets: no race)

    def on_start(self) -> None:
        self.csrf = uuid.uuid4().hex  # 32 characters: a CSRF secret
        self.index = type(self).started
        type(self).started += 1
        sessions = FIXTURES["sessions"].get(self.kind, [])
        self.session = sessions[self.index % len(sessions)] if sessions else ""
        cookie = f"{FIXTURES['csrf_cookie']}={self.csrf}"
        if self.session:
            cookie += f"; {FIXTURES['session_cookie']}={self.session}"
        self.headers = {"Accept-Language": "el", "Cookie": cookie, "User-Agent": "dimos-portal-load"}

    def get(self, path: str, name: str, **kwargs):
        return self.client.get(path, name=name, headers=self.headers, **kwargs)

    def post(self, path: str, name: str, data: dict, **kwargs):
        return self.client.post(
            path, name=name, headers=self.headers, data={"csrfmiddlewaretoken": self.csrf, **data}, **kwargs
        )


class Visitor(Person):
    """Browses the request list (filters, pages, search), the map data, a request and the portal's pages."""

    fixed_count = COUNTS["visitor"]
    wait_time = constant_throughput(PACE["visitor"])

    @task(4)
    def request_list(self):
        page = random.randint(1, 5)
        status = random.choice(["", "open", "closed"])
        self.get(f"/requests/{SLUG}/?status={status}&page={page}", "visitor: request list")

    @task(1)
    def request_search(self):
        self.get(f"/requests/{SLUG}/?q=ΠΡΟΒΛΗΜΑ+{random.randint(1000, 9999)}", "visitor: request search")

    @task(3)
    def map_data(self):
        self.get(random.choice(FIXTURES["map_paths"]), "visitor: map.json")

    @task(3)
    def request_detail(self):
        self.get(f"/requests/{SLUG}/r/{random.choice(FIXTURES['request_codes'])}/", "visitor: request page")

    @task(2)
    def pages(self):
        self.get(random.choice(["/", f"/dimos/{SLUG}/", f"/appointments/{SLUG}/"]), "visitor: portal pages")


class Citizen(Person):
    """Files a request with a photo, votes for others' requests and comments on them."""

    kind = "citizen"
    fixed_count = COUNTS["citizen"]
    wait_time = constant_throughput(PACE["citizen"])

    @task(1)
    def file_request(self):
        latitude, longitude = FIXTURES["centre"]
        fields = {
            "csrfmiddlewaretoken": self.csrf,
            "title": f"Σπασμένο φανάρι {random.randint(1, 10**6)}",
            "category": str(random.choice(FIXTURES["category_ids"])),
            "description": "Το φανάρι στη γωνία δεν ανάβει από χθες το βράδυ.",
            "address": "",
            "latitude": f"{latitude + random.uniform(-0.01, 0.01):.6f}",
            "longitude": f"{longitude + random.uniform(-0.01, 0.01):.6f}",
        }
        body, content_type = _multipart(fields, {"files": ("photo.jpg", PHOTO, "image/jpeg")})
        self.client.post(
            f"/requests/{SLUG}/new/",
            name="citizen: file a request with a photo",
            data=body,
            headers={**self.headers, "Content-Type": content_type},
        )

    @task(2)
    def vote(self):
        code = random.choice(FIXTURES["request_codes"])
        self.post(f"/requests/{SLUG}/r/{code}/vote/", "citizen: vote", {})

    @task(2)
    def comment(self):
        code = random.choice(FIXTURES["request_codes"])
        self.post(f"/requests/{SLUG}/r/{code}/comment/", "citizen: comment", {"body": "Κι εμένα με επηρεάζει."})


class VerifiedCitizen(Person):
    """Books an appointment (the details form, then the booking) and cancels it."""

    kind = "verified"
    fixed_count = COUNTS["verified"]
    wait_time = constant_throughput(PACE["verified"])

    @task
    def book_and_cancel(self):
        slot = random.choice(FIXTURES["slots"])
        details = f"/appointments/{SLUG}/in_person/{FIXTURES['service_id']}/details/"
        # Encoded: the slot's «+00:00» would reach the server as a space, an unreadable slot, and the form would
        # redirect to the calendar instead of showing itself.
        self.get(f"{details}?{urlencode({'slot': slot})}", "verified: booking details form")
        form = {
            "slot": slot,
            "clerk": "",
            "full_name": "Πολίτης Φόρτου",
            "email": "load@example.gr",
            "mobile_phone": "+306912345678",
            "subject": "Άδεια δόμησης",
            "privacy_consent": "on",
        }
        with self.client.post(
            details,
            name="verified: book",
            headers=self.headers,
            data={"csrfmiddlewaretoken": self.csrf, **form},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302:
                response.failure(f"booking answered {response.status_code}")
                return
            response.success()
        if "/booking/" not in location:
            return  # the time was taken meanwhile: the form came back to the calendar (not an error)
        code = location.rstrip("/").rsplit("/", 1)[-1]
        self.get(f"/appointments/booking/{code}/", "verified: booking page")
        self.post(f"/appointments/booking/{code}/cancel/", "verified: cancel", {"reason": "Άλλαξε το πρόγραμμα."})


class Clerk(Person):
    """Reads the queue and moves requests on (registered → acknowledged → in progress)."""

    kind = "clerk"
    fixed_count = COUNTS["clerk"]
    wait_time = constant_throughput(PACE["clerk"])

    def on_start(self) -> None:
        super().on_start()
        self.codes = list(FIXTURES["clerk_codes"][self.index % len(FIXTURES["clerk_codes"])])

    @task(1)
    def queue(self):
        self.get(f"/requests/{SLUG}/staff/?status=registered", "clerk: queue")

    @task(1)
    def move(self):
        if not self.codes:
            return self.queue()
        code = self.codes.pop()
        path = f"/requests/{SLUG}/staff/{code}/status/"
        self.post(path, "clerk: acknowledge", {"status": "acknowledged", "seen_status": "registered", "note": ""})
