"""Demo data: Chania's Building Service with the guide's three services, three clerks and a few bookings; two services
of Thessaloniki with four months of past bookings (for its statistics)."""

import random
from datetime import UTC, datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from appointments import selectors, services
from appointments.holidays import greek_holidays
from appointments.models import Appointment, Holiday, Mode, Service, StaffMember, WorkingHours, new_token, token_hash
from portal.models import Department, Municipality
from portal.working_days import is_working_day

CLERK_PASSWORD = "demo-clerk-2026"  # noqa: S105 - a published demo login
LOCATION = ("Υπηρεσία Δόμησης, Κυδωνίας 29, Χανιά", "Building Service, Kydonias 29, Chania")  # demo placeholder
SERVICES = [
    (
        "Πολεοδομικός Σχεδιασμός",
        "Town planning",
        "Πληροφορίες ή διευκρινίσεις για πολεοδομικά σχέδια, πράξεις εφαρμογής, όρια οικισμών καθώς και τις "
        "τροποποιήσεις ή διορθώσεις αυτών, που διαχειρίζεται η Υπηρεσία Δόμησης του Δήμου Χανίων (Πολεοδομία).",
        "Information or clarifications on town plans, implementation acts and settlement boundaries, and their "
        "amendments or corrections, handled by the Building Service of the Municipality of Chania.",
    ),
    (
        "Αυθαίρετα",
        "Unauthorised buildings",
        "Πληροφορίες και διευκρινίσεις για τη νομοθεσία που διέπει τις αυθαίρετες κατασκευές και για υποθέσεις "
        "αυθαιρέτων που διαχειρίζεται η Υπηρεσία Δόμησης του Δήμου Χανίων (Πολεοδομία).",
        "Information and clarifications on the law on unauthorised constructions and on such cases handled by the "
        "Building Service of the Municipality of Chania.",
    ),
    (
        "Οικοδομικές Άδειες",
        "Building permits",
        "Πληροφορίες για την ισχύουσα πολεοδομική νομοθεσία και διευκρινίσεις για τις υποθέσεις που έχουν "
        "υποβληθεί στο e-Άδειες και διαχειρίζεται η Υπηρεσία Δόμησης του Δήμου Χανίων (Πολεοδομία).",
        "Information on the building law in force and clarifications on applications filed in e-Adeies and "
        "handled by the Building Service of the Municipality of Chania.",
    ),
]
CLERKS = [
    ("clerk.building1", "Αντώνης Μαυρογιάννης", "building1@example.gr"),
    ("clerk.building2", "Σοφία Τζανακάκη", "building2@example.gr"),
    ("clerk.building3", "Δημήτρης Καλαϊτζάκης", "building3@example.gr"),
]


def demo_load(say) -> None:
    _thessaloniki(say)
    chania = Municipality.objects.filter(slug="chania").first()
    department = Department.objects.filter(municipality=chania, name_el="Υπηρεσία Δόμησης").first()
    if chania is None or department is None:
        return
    year = timezone.now().year
    for y in (year, year + 1):
        for day, name_el, name_en in greek_holidays(y):
            Holiday.objects.get_or_create(
                municipality=chania, date=day, defaults={"name_el": name_el, "name_en": name_en}
            )
    created_services = []
    for name_el, name_en, description_el, description_en in SERVICES:
        service, _created = Service.objects.update_or_create(
            municipality=chania,
            name_el=name_el,
            defaults={
                "department": department,
                "name_en": name_en,
                "description_el": description_el,
                "description_en": description_en,
                "modes": [Mode.IN_PERSON, Mode.VIDEO],
                "duration_minutes": 20,
                "interval_minutes": 30,
                "buffer_after_minutes": 5,
                "minimum_notice_hours": 24,
                "horizon_days": 60,
                "location_el": LOCATION[0],
                "location_en": LOCATION[1],
                "instructions_el": "Φέρτε ή στείλτε με e-mail εκ των προτέρων τα σχετικά έγγραφα της υπόθεσής σας.",
                "instructions_en": "Bring, or e-mail beforehand, the documents of your case.",
            },
        )
        created_services.append(service)
    for username, full_name, email in CLERKS:
        staff, first_hours = _demo_clerk(username, full_name, email, municipality=chania, department=department)
        staff.services.set(created_services)
        if first_hours:
            WorkingHours.objects.create(staff=staff, weekday=2, start=time(17, 0), end=time(19, 0))
        say(f"  Building Service clerk  {username} / {CLERK_PASSWORD}")
    _bookings(created_services)


def _demo_clerk(username, full_name, email, *, municipality, department) -> tuple[StaffMember, bool]:
    """The demo clerk `username` (created once, with the published password) as a calendar clerk of
    `municipality`; True when their weekday hours 08:30–13:30 were written now (a first run)."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"full_name": full_name, "email": email, "municipality": municipality, "is_staff": True},
    )
    if created:
        user.set_password(CLERK_PASSWORD)
        user.save()
        user.departments.add(department)
    staff, _created = StaffMember.objects.get_or_create(user=user, defaults={"municipality": municipality})
    if staff.working_hours.exists():
        return staff, False
    for weekday in range(5):
        WorkingHours.objects.create(staff=staff, weekday=weekday, start=time(8, 30), end=time(13, 30))
    return staff, True


def _bookings(service_list) -> None:
    citizen = User.objects.filter(username="citizen.verified").first()
    if citizen is None or Appointment.objects.filter(citizen=citizen).exists():
        return
    now = timezone.now()
    _past_bookings(service_list, citizen, now)
    for index, (service, mode) in enumerate(
        zip(service_list, [Mode.IN_PERSON, Mode.VIDEO, Mode.IN_PERSON], strict=False)
    ):
        days = selectors.slots_available(
            service=service,
            day_from=(now + timedelta(days=2 + index * 3)).date(),
            day_to=(now + timedelta(days=30)).date(),
        )
        if not days:
            continue
        slot = next(iter(days.values()))[0]
        services.appointment_book(
            service=service,
            mode=mode,
            start=slot.start.astimezone(UTC),
            citizen=citizen,
            details={
                "full_name": citizen.full_name,
                "email": citizen.email,
                "mobile_phone": "+306912345678",
                "subject": ["Όρια οικισμού για οικόπεδο", "Τακτοποίηση αυθαιρέτου", "Πορεία αίτησης e-Άδειες"][index],
                "application_number": "" if index else "ΥΔ-2026/1234",
                "documents_acknowledged": mode == Mode.VIDEO,
            },
        )


# Bookings of the last working days, still unmarked, so that a clerk sees «Προσήλθε / Δεν προσήλθε» at once.
PAST_SUBJECTS = ["Έλεγχος φακέλου οικοδομικής άδειας", "Βεβαίωση χρήσης γης"]


def _past_bookings(service_list, citizen, now) -> None:
    if not service_list:
        return
    service = service_list[0]
    zone = service.municipality.zone
    clerks = list(service.staff.filter(bookable=True).order_by("pk"))
    day = now.astimezone(zone).date()
    placed = 0
    while placed < len(PAST_SUBJECTS) and clerks:
        day -= timedelta(days=1)
        if day.weekday() >= 5:
            continue
        start = datetime.combine(day, time(9, 0), tzinfo=zone).astimezone(UTC)
        # Past times are not bookable through the service: these are written as they would stand today.
        Appointment.objects.create(
            code=f"DEMO{placed + 1:02d}{day:%m%d}",
            service=service,
            clerk=clerks[placed % len(clerks)],
            citizen=citizen,
            mode=Mode.IN_PERSON,
            start=start,
            end=start + service.duration,
            blocked_start=start,
            blocked_end=start + service.duration,
            full_name=citizen.full_name,
            email=citizen.email,
            mobile_phone="+306912345678",
            subject=PAST_SUBJECTS[placed],
            consent_at=start - timedelta(days=3),
            manage_token_hash=token_hash(new_token()),
        )
        placed += 1


# --- Thessaloniki: two services with a clerk each and four months of past bookings, for its statistics page.
# (department, Greek, English, clerk's username, clerk's name)
THESSALONIKI_SERVICES = [
    (
        "Διεύθυνση Πρασίνου",
        "Άδειες κοπής και κλαδέματος δέντρων σε ιδιωτικούς χώρους",
        "Permits to fell or prune trees on private land",
        "clerk.parks",
        "Αγγελική Παπαθανασίου",
    ),
    (
        "Διεύθυνση Οδοποιίας",
        "Άδειες τομής οδοστρώματος και πεζοδρομίου",
        "Permits to dig up a road or pavement",
        "clerk.roads",
        "Θεόδωρος Μελετίου",
    ),
]
HISTORY_DAYS = 120
HISTORY_TIMES = [time(9, 0), time(10, 0), time(11, 30), time(12, 30)]
HISTORY_SUBJECTS = ["Αίτηση για άδεια", "Συμπληρωματικά δικαιολογητικά", "Πορεία της αίτησης μου"]


def _thessaloniki(say) -> None:
    """Services, clerks and past bookings of Thessaloniki; the bookings are written once (dates relative to now)."""
    thessaloniki = Municipality.objects.filter(slug="thessaloniki").first()
    if thessaloniki is None:
        return
    service_list = []
    for department_name, name_el, name_en, username, full_name in THESSALONIKI_SERVICES:
        department = Department.objects.filter(municipality=thessaloniki, name_el=department_name).first()
        if department is None:
            continue
        service, _created = Service.objects.update_or_create(
            municipality=thessaloniki,
            name_el=name_el,
            defaults={
                "department": department,
                "name_en": name_en,
                "modes": [Mode.IN_PERSON, Mode.VIDEO],
                "duration_minutes": 30,
                "interval_minutes": 30,
                "minimum_notice_hours": 24,
                "horizon_days": 45,
                "location_el": f"{department_name}, Βασιλέως Γεωργίου Α΄ 1, Θεσσαλονίκη",
                "location_en": f"{department.name_en or department_name}, Vasileos Georgiou A 1, Thessaloniki",
            },
        )
        staff, _first_hours = _demo_clerk(
            username, full_name, f"{username}@example.gr", municipality=thessaloniki, department=department
        )
        staff.services.add(service)
        service_list.append((service, staff))
        say(f"  appointments clerk (Thessaloniki)  {username} / {CLERK_PASSWORD}")
    if Appointment.objects.filter(service__municipality=thessaloniki).exists():
        return
    citizens = list(User.objects.filter(municipality=thessaloniki, is_staff=False).order_by("username")[:20])
    _history(service_list, citizens, timezone.now())
    count = Appointment.objects.filter(service__municipality=thessaloniki).count()
    say(f"  {count} past bookings in Thessaloniki (their statistics)")


def _history(service_list, citizens, now) -> None:
    """Past bookings on working days: most attended, some cancelled, some missed («Δεν προσήλθε»)."""
    rng = random.Random(30)  # noqa: S311 - demo data, deterministic
    rows = []
    for index, (service, staff) in enumerate(service_list):
        zone = service.municipality.zone
        today = now.astimezone(zone).date()
        for days_ago in range(HISTORY_DAYS, 0, -1):
            day = today - timedelta(days=days_ago)
            if not is_working_day(day) or rng.random() < 0.5:
                continue
            for slot in rng.sample(HISTORY_TIMES, rng.randint(1, 2)):
                start = datetime.combine(day, slot, tzinfo=zone).astimezone(UTC)
                citizen = rng.choice(citizens) if citizens else None
                status = rng.choices(
                    [Appointment.Status.ATTENDED, Appointment.Status.CANCELLED, Appointment.Status.NO_SHOW],
                    weights=[7, 2, 1],
                )[0]
                cancelled = status == Appointment.Status.CANCELLED
                rows.append(
                    Appointment(
                        code=f"TH{index + 1}{day:%y%m%d}{slot:%H%M}",
                        service=service,
                        clerk=staff,
                        citizen=citizen,
                        mode=Mode.IN_PERSON,
                        start=start,
                        end=start + service.duration,
                        blocked_start=start,
                        blocked_end=start + service.duration,
                        status=status,
                        full_name=citizen.full_name if citizen else "Πολίτης επίδειξης",
                        email=citizen.email if citizen else "citizen@example.gr",
                        mobile_phone="+306912345678",
                        subject=rng.choice(HISTORY_SUBJECTS),
                        consent_at=start - timedelta(days=5),
                        cancelled_at=start - timedelta(days=1) if cancelled else None,
                        cancelled_by=citizen if cancelled else None,
                        cancel_reason="Δεν μπορώ να έρθω." if cancelled else "",
                        manage_token_hash=token_hash(new_token()),
                    )
                )
    Appointment.objects.bulk_create(rows)
