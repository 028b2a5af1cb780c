import pytest
from django.core.management import call_command
from django.utils import timezone

from appointments.models import Appointment, Service, StaffMember

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_data_is_loaded_once_however_often_it_runs(capsys):
    call_command("load_demo")
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "clerk.building1 / demo-clerk-2026" in out
    assert sorted(Service.objects.filter(municipality__slug="chania").values_list("name_el", flat=True)) == [
        "Αυθαίρετα",
        "Οικοδομικές Άδειες",
        "Πολεοδομικός Σχεδιασμός",
    ]
    assert StaffMember.objects.filter(municipality__slug="chania").count() == 3
    bookings = Appointment.objects.filter(citizen__username="citizen.verified")
    now = timezone.now()
    assert 1 <= bookings.filter(start__gt=now).count() <= 3
    assert bookings.filter(start__lt=now).count() == 2  # unmarked, for «Προσήλθε / Δεν προσήλθε»
