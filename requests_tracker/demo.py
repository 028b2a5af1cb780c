"""Demo data for `manage.py load_demo`: Thessaloniki's categories, a clerk, citizens and 200 requests on the map (with
their promised dates, first answers and closings, three reopened) and four months of e-requests; Chania's e-requests."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from accounts.roles import group_ensure
from portal.models import Department, Municipality
from portal.registry import local_holidays
from portal.working_days import working_days_add, working_days_between
from requests_tracker.models import Category, Comment, Request, StatusChange, Vote, code_generate, code_prefix
from requests_tracker.roles import EREQUESTS_OFFICE, REQUESTS_OFFICE
from requests_tracker.services.service_levels import REMINDER_SHARE

CLERK = ("clerk.thessaloniki", "demo-clerk-2026")  # a published demo login
CITIZEN_PASSWORD = "demo-citizen-2026"  # noqa: S105 - a published demo login
REQUESTS = 200
# (code, Greek, English, department, colour)
CATEGORIES = [
    ("bulky-items", "Περισυλλογή ογκωδών αντικειμένων", "Bulky-item collection", "Διεύθυνση Καθαριότητας", "#6f42c1"),
    ("street-lighting", "Ηλεκτροφωτισμός", "Street lighting", "Διεύθυνση Οδοποιίας", "#fd7e14"),
    ("potholes", "Λακκούβες", "Potholes", "Διεύθυνση Οδοποιίας", "#495057"),
    ("bins", "Κάδοι απορριμμάτων", "Rubbish bins", "Διεύθυνση Καθαριότητας", "#198754"),
    ("green-spaces", "Πράσινο", "Green spaces", "Διεύθυνση Πρασίνου", "#20c997"),
    ("other", "Άλλο", "Other", None, "#6c757d"),
]
TITLES = {
    "bulky-items": ["Παλιός καναπές στο πεζοδρόμιο", "Στρώματα δίπλα στους κάδους", "Πεταμένα έπιπλα"],
    "street-lighting": ["Καμένη λάμπα στον στύλο", "Σβηστά φώτα σε όλο το τετράγωνο", "Φανοστάτης που αναβοσβήνει"],
    "potholes": ["Λακκούβα στο οδόστρωμα", "Σπασμένο πεζοδρόμιο", "Βαθιά λακκούβα στη διάβαση"],
    "bins": ["Ξεχειλισμένος κάδος", "Σπασμένο καπάκι κάδου", "Λείπει ο κάδος ανακύκλωσης"],
    "green-spaces": ["Ξερό δέντρο κινδυνεύει να πέσει", "Απότιστο παρτέρι", "Κλαδιά πάνω στα καλώδια"],
    "other": ["Εγκαταλελειμμένο αυτοκίνητο", "Γκράφιτι στον τοίχο του σχολείου", "Θόρυβος από εργοτάξιο τη νύχτα"],
}
STREETS = ["Εγνατία", "Τσιμισκή", "Μητροπόλεως", "Αγίας Σοφίας", "Ίωνος Δραγούμη", "Λεωφόρος Νίκης", "Κασσάνδρου"]
CITIZENS = [
    ("citizen.thessaloniki", "Γιώργος Παπαδόπουλος", "el"),
    ("citizen.kalamaria", "Ελένη Δημητρίου", "el"),
    ("citizen.english", "John Smith", "en"),
]


def demo_load(say) -> None:
    thessaloniki = Municipality.objects.filter(slug="thessaloniki").first()
    if thessaloniki is None:
        return
    categories = _categories(thessaloniki)
    clerk = _user(CLERK[0], CLERK[1], full_name="Σοφία Αντωνίου", municipality=thessaloniki, is_staff=True)
    clerk.groups.add(group_ensure(REQUESTS_OFFICE))
    clerk.departments.add(*Department.objects.filter(municipality=thessaloniki))
    say(
        f"  requests clerk (Thessaloniki)  {CLERK[0]} / {CLERK[1]}  (http://127.0.0.1:8000/requests/thessaloniki/staff/)"
    )
    citizens = []
    for username, full_name, language in CITIZENS:
        citizen = _user(username, CITIZEN_PASSWORD, full_name=full_name, municipality=thessaloniki, language=language)
        EmailAddress.objects.update_or_create(
            user=citizen, email=citizen.email, defaults={"verified": True, "primary": True}
        )
        citizens.append(citizen)
        say(f"  citizen (Thessaloniki)  {username} / {CITIZEN_PASSWORD}")
    if not Request.objects.filter(municipality=thessaloniki).exists():
        _requests(thessaloniki, categories, citizens, clerk)
    _service_levels(thessaloniki)
    _thessaloniki_erequests(thessaloniki, say)
    say(f"  {Request.objects.filter(municipality=thessaloniki).count()} citizen requests in Thessaloniki")


def _categories(municipality) -> list[Category]:
    categories = []
    for position, (code, name_el, name_en, department_name, colour) in enumerate(CATEGORIES):
        department = Department.objects.filter(municipality=municipality, name_el=department_name).first()
        category, _created = Category.objects.update_or_create(
            municipality=municipality,
            code=code,
            defaults={
                "name_el": name_el,
                "name_en": name_en,
                "department": department,
                "colour": colour,
                "is_other": code == "other",
                "position": position,
            },
        )
        categories.append(category)
    return categories


def _requests(municipality, categories, citizens, clerk) -> None:
    rng = random.Random(2026)  # noqa: S311 - demo data, deterministic: the same demo every time
    pace_rng = random.Random(16)  # noqa: S311 - the same
    now = timezone.now()
    statuses = list(Request.WORKFLOW)
    centre_lat, centre_lng = float(municipality.map_center_latitude), float(municipality.map_center_longitude)
    requests, steps_of = [], []
    for number in range(REQUESTS):
        category = rng.choice(categories)
        status = rng.choices(statuses, weights=[4, 3, 3, 5])[0]
        created = now - timedelta(days=rng.uniform(0, 120), minutes=rng.randint(0, 600))
        path = statuses[: statuses.index(status) + 1]
        # About one request in four is handled slowly, so that the statistics show late closings beside timely ones
        # (a second generator, so that the first draws what it always drew).
        pace = pace_rng.choice([1, 1, 1, 3.5])
        times, moment = [], created
        for index in range(len(path)):
            moment = min(moment + timedelta(days=rng.uniform(0.5, 4) * pace if index else 0), now)
            times.append(moment)
        resolution = rng.choice(["resolved", "resolved", "resolved", "not_resolved", "not_responsible"])
        requests.append(
            Request(
                code=code_generate(code_prefix(municipality)),
                municipality=municipality,
                category=category,
                department=category.department,
                title=rng.choice(TITLES[category.code]),
                description=f"Παρακαλώ να επιληφθεί η αρμόδια υπηρεσία. (Αίτημα επίδειξης {number + 1}.)",
                # The city centre stretches along the waterfront: a flattened spread, more west-east than north.
                latitude=Decimal(f"{centre_lat + rng.gauss(0, 0.008):.6f}"),
                longitude=Decimal(f"{centre_lng + rng.gauss(0, 0.014):.6f}"),
                address=f"{rng.choice(STREETS)} {rng.randint(1, 150)}, Θεσσαλονίκη",
                reporter=rng.choice(citizens),
                status=status,
                resolution=resolution if status == "closed" else "",
                created_at=created,
                updated_at=times[-1],
                closed_at=times[-1] if status == "closed" else None,
            )
        )
        steps_of.append([(status, moment, "") for status, moment in zip(path, times, strict=True)])
    _reopen(requests, steps_of, now=now, rng=pace_rng)
    Request.objects.bulk_create(requests)
    changes, votes, comments = [], [], []
    for citizen_request, steps in zip(requests, steps_of, strict=True):
        previous = ""
        for status, moment, note in steps:
            by_citizen = not previous or note  # the filing, and «Δεν διορθώθηκε»
            changes.append(
                StatusChange(
                    request=citizen_request,
                    from_status=previous,
                    to_status=status,
                    resolution=citizen_request.resolution if status == "closed" else "",
                    changed_by=citizen_request.reporter if by_citizen else clerk,
                    note=note,
                    created_at=moment,
                )
            )
            previous = status
        voters = [citizen for citizen in citizens if citizen != citizen_request.reporter and rng.random() < 0.4]
        votes += [
            Vote(request=citizen_request, citizen=voter, created_at=citizen_request.created_at) for voter in voters
        ]
        citizen_request.vote_count = len(voters)
        if rng.random() < 0.3:
            comments.append(
                Comment(
                    request=citizen_request,
                    author=clerk,
                    body="Το αίτημα προωθήθηκε στην αρμόδια υπηρεσία.",
                    is_staff_reply=True,
                    created_at=citizen_request.updated_at,
                )
            )
            citizen_request.comment_count = 1
    StatusChange.objects.bulk_create(changes)
    Vote.objects.bulk_create(votes)
    Comment.objects.bulk_create(comments)
    Request.objects.bulk_update(requests, ["vote_count", "comment_count"])


REOPENED = 3
REOPEN_NOTE = "Δεν διορθώθηκε: το πρόβλημα παραμένει."


def _reopen(requests: list[Request], steps_of: list[list], *, now, rng: random.Random) -> None:
    """«Δεν διορθώθηκε» on a few requests closed at least four days ago: the reporter reopens each two days after
    its closing; the first is closed again two days later, the others stay in progress."""
    closed = [
        index
        for index, row in enumerate(requests)
        if row.status == Request.Status.CLOSED and row.closed_at <= now - timedelta(days=4)
    ]
    for order, index in enumerate(sorted(rng.sample(closed, min(REOPENED, len(closed))))):
        row, steps = requests[index], steps_of[index]
        reopened = row.closed_at + timedelta(days=2)
        steps.append((Request.Status.IN_PROGRESS, reopened, REOPEN_NOTE))
        row.reopen_count = 1
        if order == 0:
            row.closed_at = min(reopened + timedelta(days=2), now)
            steps.append((Request.Status.CLOSED, row.closed_at, ""))
        else:
            row.status, row.resolution, row.closed_at = Request.Status.IN_PROGRESS, "", None
        row.updated_at = steps[-1][1]


def _service_levels(municipality) -> int:
    """The promised dates and the statistics' working days of the municipality's requests that have none yet,
    from their timelines, as the services write them when things happen (bulk-created rows skip the services).
    Returns how many requests it filled; a second run fills none."""
    rows = list(
        Request.objects.filter(municipality=municipality, due_date=None)
        .select_related("category")
        .prefetch_related("timeline")
    )
    if not rows:
        return 0
    zone = municipality.zone
    today = timezone.localdate(timezone.now(), zone)
    first_day = min(timezone.localdate(row.created_at, zone) for row in rows)
    extra = local_holidays(municipality_id=municipality.pk, first=first_day, last=first_day + timedelta(days=400))

    def days(row, moment):
        return working_days_between(
            timezone.localdate(row.created_at, zone), timezone.localdate(moment, zone), extra=extra
        )

    for row in rows:
        filed = timezone.localdate(row.created_at, zone)
        row.due_date = working_days_add(filed, row.category.target_working_days, extra=extra)
        reminder = max(1, int(row.category.target_working_days * REMINDER_SHARE))
        row.remind_on = working_days_add(filed, reminder, extra=extra)
        if row.remind_on < today:  # the beat reminded the department then: the first beat sends no backlog of them
            row.reminded_at = datetime.combine(row.remind_on, time(8, 0), tzinfo=zone)
        answer = min(
            (step.created_at for step in row.timeline.all() if step.from_status == Request.Status.REGISTERED),
            default=None,
        )
        if answer is not None:
            row.first_answered_at, row.first_answer_working_days = answer, days(row, answer)
        if row.closed_at is not None:
            row.closing_working_days = days(row, row.closed_at)
    Request.objects.bulk_update(
        rows,
        [
            "due_date",
            "remind_on",
            "reminded_at",
            "first_answered_at",
            "first_answer_working_days",
            "closing_working_days",
        ],
        batch_size=500,
    )
    return len(rows)


def _user(username: str, password: str, **fields) -> User:
    fields.setdefault("email", f"{username}@example.gr")
    user, created = User.objects.update_or_create(username=username, defaults=fields)
    if created:
        user.password = make_password(password)
        user.save(update_fields=["password"])
    return user


# --- E-requests in Thessaloniki: past applications by its verified citizens, for the statistics page.
THESSALONIKI_EREQUEST_TYPES = [
    ("Διεύθυνση Καθαριότητας", "Βεβαίωση καθαρισμού οικοπέδου", "Certificate that a plot has been cleared", 20),
    ("Διεύθυνση Πρασίνου", "Άδεια κοπής δέντρου σε ιδιωτικό χώρο", "Permit to fell a tree on private land", 30),
    ("Διεύθυνση Οδοποιίας", "Βεβαίωση αποκατάστασης τομής", "Certificate that a road excavation was restored", 15),
]
THESSALONIKI_EREQUESTS = 36
PICKUP = ("Κέντρο Εξυπηρέτησης Δημοτών, Βασιλέως Γεωργίου Α΄ 1", "Δευτέρα–Παρασκευή 08:00–14:00")


def _thessaloniki_erequests(municipality, say) -> None:
    """E-requests of the last four months (dates relative to now), numbered in the protocol in date order: most
    answered (ready for pick-up, then collected) within the legal deadline, some late, a few rejected, a few open.
    Written once: nothing is added while the municipality has any e-request."""
    from requests_tracker.models import ERequest, ERequestType, ProtocolCounter
    from requests_tracker.services.erequests import erequest_due_date

    types = []
    for position, (department_name, name_el, name_en, days) in enumerate(THESSALONIKI_EREQUEST_TYPES):
        department = Department.objects.filter(municipality=municipality, name_el=department_name).first()
        if department is None:
            continue
        erequest_type, _created = ERequestType.objects.update_or_create(
            municipality=municipality,
            name_el=name_el,
            defaults={
                "name_en": name_en,
                "department": department,
                "response_days": days,
                "required_attachments": 1,
                "position": position,
            },
        )
        types.append(erequest_type)
    citizens = list(
        User.objects.filter(municipality=municipality, identity_verified_at__isnull=False).order_by("username")
    )
    if not types or not citizens or ERequest.objects.filter(municipality=municipality).exists():
        return
    rng = random.Random(45)  # noqa: S311 - demo data, deterministic
    now = timezone.now()
    zone = municipality.zone
    filed_times = sorted(
        now - timedelta(days=rng.uniform(1, 120), hours=rng.uniform(0, 6)) for _ in range(THESSALONIKI_EREQUESTS)
    )
    steps_of, rows = [], []
    for filed in filed_times:
        erequest_type = rng.choice(types)
        protocol_date = timezone.localdate(filed, zone)
        counter, _created = ProtocolCounter.objects.select_for_update().get_or_create(
            municipality=municipality, year=protocol_date.year
        )
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        # Days to the answer: mostly within the legal deadline, one in four up to two weeks past it.
        late = rng.random() < 0.25
        answer_days = (
            erequest_type.response_days + rng.randint(1, 14) if late else rng.randint(2, erequest_type.response_days)
        )
        answered = filed + timedelta(days=answer_days)
        rejected = rng.random() < 0.12
        steps = [(ERequest.Status.SUBMITTED, filed, ""), (ERequest.Status.PROTOCOLLED, filed, "")]
        started = filed + timedelta(days=rng.uniform(0.5, 2))
        if started < now:
            steps.append((ERequest.Status.IN_PROGRESS, started, ""))
        if answered < now:
            if rejected:
                steps.append((ERequest.Status.REJECTED, answered, "Λείπει το τοπογραφικό διάγραμμα."))
            else:
                steps.append((ERequest.Status.READY, answered, ""))
                collected = answered + timedelta(days=rng.uniform(1, 5))
                if collected < now:
                    steps.append((ERequest.Status.COLLECTED, collected, ""))
        status = steps[-1][0]
        rows.append(
            ERequest(
                municipality=municipality,
                type=erequest_type,
                department=erequest_type.department,
                citizen=rng.choice(citizens),
                subject=erequest_type.name_el,
                description="Παρακαλώ για την έκδοση. (Αίτηση επίδειξης.)",
                delivery_method="pickup",
                status=status,
                protocol_number=counter.last_number,
                protocol_year=protocol_date.year,
                protocol_date=protocol_date,
                due_date=erequest_due_date(erequest_type=erequest_type, start=protocol_date),
                rejection_reason=steps[-1][2] if status == ERequest.Status.REJECTED else "",
                pickup_office=PICKUP[0] if status in (ERequest.Status.READY, ERequest.Status.COLLECTED) else "",
                pickup_hours=PICKUP[1] if status in (ERequest.Status.READY, ERequest.Status.COLLECTED) else "",
                created_at=filed,
                updated_at=steps[-1][1],
            )
        )
        steps_of.append(steps)
    ERequest.objects.bulk_create(rows)
    StatusChange.objects.bulk_create(
        StatusChange(
            erequest=erequest,
            from_status=steps[index - 1][0] if index else "",
            to_status=status,
            note=note,
            changed_by=erequest.citizen if not index else None,
            created_at=moment,
        )
        for erequest, steps in zip(rows, steps_of, strict=True)
        for index, (status, moment, note) in enumerate(steps)
    )
    say(f"  {len(rows)} past e-requests in Thessaloniki (their statistics)")


# --- E-requests in Chania (the seed's §Γ): three kinds, the verification clerk answers them, two filed already.
BUILDING_SERVICE = "Υπηρεσία Δόμησης"
CITIZEN_OFFICE = "Γραφείο Διαφάνειας και Υποστήριξης του Δημότη"
EREQUEST_TYPES = [
    {
        "name_el": "Βεβαίωση μόνιμης κατοικίας",
        "name_en": "Certificate of permanent residence",
        "department": CITIZEN_OFFICE,
        "description_el": "Βεβαίωση ότι κατοικείτε μόνιμα στον Δήμο Χανίων.",
        "description_en": "A certificate that you live permanently in the Municipality of Chania.",
        "documents_el": "Αντίγραφο αστυνομικής ταυτότητας\nΛογαριασμός ΔΕΚΟ ή μισθωτήριο στο όνομά σας",
        "documents_en": "A copy of your identity card\nA utility bill or a lease in your name",
        "required_attachments": 1,
        "delivery_post": True,
        "response_days": 10,
    },
    {
        "name_el": "Αντίγραφο από φάκελο οικοδομικής άδειας",
        "name_en": "Copy from a building-permit file",
        "department": BUILDING_SERVICE,
        "description_el": "Αντίγραφα σχεδίων ή εγγράφων από φάκελο οικοδομικής άδειας. Δεν αποστέλλονται ταχυδρομικά.",
        "description_en": "Copies of drawings or documents from a building-permit file. They are never sent by post.",
        "documents_el": "Έγγραφο που αποδεικνύει έννομο συμφέρον (π.χ. συμβόλαιο ιδιοκτησίας)",
        "documents_en": "A document showing your legitimate interest (e.g. a title deed)",
        "required_attachments": 1,
        "delivery_post": False,  # the seed: copies from a building-permit file cannot be sent by post
        "fee_cents": 500,  # a copy fee (παράβολο), paid by RF code or by card before the copy is made
        "response_days": 50,
    },
    {
        "name_el": "Βεβαίωση χρήσεων γης",
        "name_en": "Land-use certificate",
        "department": BUILDING_SERVICE,
        "description_el": "Βεβαίωση για τις επιτρεπόμενες χρήσεις γης ενός ακινήτου.",
        "description_en": "A certificate of the land uses allowed for a property.",
        "documents_el": "Τοπογραφικό διάγραμμα ή απόσπασμα χάρτη με τη θέση του ακινήτου",
        "documents_en": "A survey plan or a map extract showing the property",
        "required_attachments": 1,
        "delivery_post": True,
        "response_days": 50,
    },
]
DEMO_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def demo_load_erequests(say) -> None:
    from accounts.demo import CHANIA_CLERK
    from requests_tracker import services, uploads
    from requests_tracker.models import ERequest, ERequestType
    from requests_tracker.services import attachment_stage

    chania = Municipality.objects.filter(slug="chania").first()
    if chania is None:
        return
    from requests_tracker.models import PaymentAccount

    # The collection account RF codes pay into (a well-formed demo IBAN; the prefix the bank would give).
    PaymentAccount.objects.get_or_create(
        municipality=chania,
        defaults={
            "beneficiary": "Δήμος Χανίων",
            "iban": "GR1601101250000000012300695",
            "rf_prefix": "1001",
            "address": "Κυδωνίας 29, 73135 Χανιά",
        },
    )
    types = []
    for position, row in enumerate(EREQUEST_TYPES):
        department = Department.objects.filter(municipality=chania, name_el=row["department"]).first()
        if department is None:
            continue
        defaults = {**row, "department": department, "position": position}
        erequest_type, _created = ERequestType.objects.update_or_create(
            municipality=chania, name_el=row["name_el"], defaults=defaults
        )
        types.append(erequest_type)
    say(f"  {len(types)} e-request types in Chania  (http://127.0.0.1:8000/requests/chania/e/)")
    clerk = User.objects.filter(username=CHANIA_CLERK[0]).first()
    if clerk is not None:
        clerk.groups.add(group_ensure(EREQUESTS_OFFICE))
        clerk.departments.add(*{erequest_type.department for erequest_type in types})
        say(f"  e-requests clerk (Chania)  {CHANIA_CLERK[0]}  (http://127.0.0.1:8000/requests/chania/e-staff/)")
    citizen = User.objects.filter(username="citizen.verified", identity_verified_at__isnull=False).first()
    if citizen is None or len(types) < 3 or ERequest.objects.filter(citizen=citizen).exists():
        return
    for erequest_type, subject, method, address in [
        (types[0], "Βεβαίωση για την εφορία", "electronic", ""),
        (types[2], "Χρήσεις γης οικοπέδου στο Ακρωτήρι", "post", "Κυδωνίας 10, 73135 Χανιά"),
    ]:
        checked = uploads.upload_check(_BytesFile(DEMO_PDF), name="έγγραφο.pdf")
        staged = attachment_stage(user=citizen, checked=checked)
        services.erequest_file(
            citizen=citizen,
            erequest_type=erequest_type,
            subject=subject,
            description="Παρακαλώ για την έκδοση της βεβαίωσης. (Αίτημα επίδειξης.)",
            delivery_method=method,
            postal_address=address,
            attachments=[staged],
        )
    say("  2 e-requests by citizen.verified")


class _BytesFile:
    def __init__(self, content: bytes):
        import io

        self._buffer = io.BytesIO(content)
        self.size = len(content)
        self.name = "demo.pdf"

    def seek(self, position):
        self._buffer.seek(position)

    def read(self, size=-1):
        return self._buffer.read(size)
