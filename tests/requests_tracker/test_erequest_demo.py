from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts import demo as accounts_demo
from identity_verification.demo import demo_load as verification_demo_load
from portal.management.commands import load_demo
from portal.registry import demo_loaders
from requests_tracker import selectors
from requests_tracker.demo import demo_load_erequests
from requests_tracker.models import ERequest, ERequestType


def test_the_erequests_demo_is_registered_and_idempotent(db, monkeypatch, capsys):
    assert demo_load_erequests in demo_loaders()
    # The other apps' loaders this one builds on (accounts' citizens, the verification clerk), not all of them.
    monkeypatch.setattr(
        load_demo, "demo_loaders", lambda: [accounts_demo.load, verification_demo_load, demo_load_erequests]
    )
    call_command("load_demo")
    call_command("load_demo")
    assert set(ERequestType.objects.values_list("name_el", flat=True)) == {
        "Βεβαίωση μόνιμης κατοικίας",
        "Αντίγραφο από φάκελο οικοδομικής άδειας",
        "Βεβαίωση χρήσεων γης",
    }
    assert ERequestType.objects.get(name_el="Αντίγραφο από φάκελο οικοδομικής άδειας").delivery_post is False
    erequests = ERequest.objects.filter(citizen__username="citizen.verified")
    assert sorted(erequests.values_list("protocol_number", flat=True)) == [1, 2]
    clerk = authenticate(username="clerk.chania", password="demo-clerk-2026")
    for erequest in erequests:
        assert selectors.is_erequest_clerk(user=clerk, department=erequest.department)
    assert "e-requests clerk (Chania)  clerk.chania" in capsys.readouterr().out


def test_migrate_makes_the_erequests_office_group(db):
    from django.contrib.auth.models import Group

    from requests_tracker.roles import EREQUESTS_OFFICE

    group = Group.objects.get(name=EREQUESTS_OFFICE.group)
    assert set(group.permissions.values_list("codename", flat=True)) == {
        "view_erequest",
        "change_erequest",
        "view_erequesttype",
    }
