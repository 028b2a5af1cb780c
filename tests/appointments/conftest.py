"""A small Building Service: two clerks working Monday–Friday 09:00–13:00 Athens time (people: tests/personas.py)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from appointments.models import Appointment, Mode, Service, StaffMember, WorkingHours, new_token, token_hash
from portal.models import Department
from tests import personas


def make_citizen(username: str, municipality, *, language="el") -> User:
    """A verified citizen with a mobile phone: the only kind who books."""
    return personas.make_citizen(
        username,
        municipality,
        language=language,
        verified=True,
        full_name=f"Πολίτης {username}",
        mobile_phone="+306912345678",
    )


def make_clerk(username: str, municipality, service=None, *, hours=((time(9), time(13)),), weekdays=range(5)):
    """A bookable clerk (the StaffMember row) with working hours, offering `service`."""
    user = personas.make_clerk(username, municipality, email=f"{username}@chania.example.gr")
    staff = StaffMember.objects.create(user=user, municipality=municipality)
    if service is not None:
        staff.services.add(service)
    for weekday in weekdays:
        for start, end in hours:
            WorkingHours.objects.create(staff=staff, weekday=weekday, start=start, end=end)
    return staff


def make_appointment(
    service, clerk, citizen, start: datetime, status=Appointment.Status.BOOKED, *, code_prefix="A"
) -> Appointment:
    """A 20-minute in-person appointment written straight to the table (no booking rules): for reads and figures."""
    return Appointment.objects.create(
        code=f"{code_prefix}{start:%m%d%H%M}",
        service=service,
        clerk=clerk,
        citizen=citizen,
        mode=Mode.IN_PERSON,
        start=start,
        end=start + timedelta(minutes=20),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=20),
        status=status,
        full_name="Μαρία Κ.",
        email="m@example.gr",
        mobile_phone="+306912345678",
        subject="Άδεια",
        consent_at=timezone.now(),
        manage_token_hash=token_hash(new_token()),
    )


def make_service(municipality, **overrides) -> Service:
    """Chania's «Οικοδομικές Άδειες»: 20 minutes every 30, in person or by video; overrides change any field."""
    fields = {
        "municipality": municipality,
        "department": Department.objects.get(municipality=municipality),
        "name_el": "Οικοδομικές Άδειες",
        "name_en": "Building permits",
        "description_el": "Πληροφορίες για οικοδομικές άδειες.",
        "description_en": "Information on building permits.",
        "modes": [Mode.IN_PERSON, Mode.VIDEO],
        "duration_minutes": 20,
        "interval_minutes": 30,
        "minimum_notice_hours": 2,
        "horizon_days": 500,
        "location_el": "Κυδωνίας 29",
        "location_en": "Kydonias 29",
        **overrides,
    }
    return Service.objects.create(**fields)


@pytest.fixture
def service(chania) -> Service:
    return make_service(chania)


@pytest.fixture
def clerk(chania, service) -> StaffMember:
    return make_clerk("clerk.one", chania, service)


@pytest.fixture
def clerk_two(chania, service) -> StaffMember:
    return make_clerk("clerk.two", chania, service)


@pytest.fixture
def other_citizen(chania) -> User:
    # Here a second citizen who may book, to race or trespass on `verified`'s booking.
    return make_citizen("nikos", chania)


def next_weekday(weekday: int = 1, *, weeks_ahead: int = 1) -> date:
    """A date of the given weekday at least a week from today (so minimum notice never interferes)."""
    today = timezone.now().date()
    day = today + timedelta(days=7 * weeks_ahead)
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def athens(day: date, hour: int, minute: int = 0) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo("Europe/Athens")).astimezone(UTC)


def details(**overrides) -> dict:
    return {
        "full_name": "Ελένη Παπαδάκη",
        "email": "eleni@example.gr",
        "mobile_phone": "+306912345678",
        "subject": "Άδεια δόμησης",
        "application_number": "",
        **overrides,
    }
