import pytest
from django.core.management import call_command

from appointments.models import Appointment, Service, StaffMember

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_data_is_loaded_once_however_often_it_runs(capsys):
    call_command("load_demo")
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "clerk.building1 / demo-clerk-2026" in out
    assert sorted(Service.objects.values_list("name_el", flat=True)) == [
        "Αυθαίρετα",
        "Οικοδομικές Άδειες",
        "Πολεοδομικός Σχεδιασμός",
    ]
    assert StaffMember.objects.count() == 3
    assert 1 <= Appointment.objects.filter(citizen__username="citizen.verified").count() <= 3
