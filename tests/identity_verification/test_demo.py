from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate

from identity_verification.demo import demo_load
from identity_verification.models import Office, VerificationCase
from portal.registry import demo_loaders


def test_the_demo_loader_is_registered():
    assert demo_load in demo_loaders()


def test_the_demo_is_idempotent_and_fills_the_clerks_queue(chania):
    said = []
    demo_load(said.append)
    demo_load(said.append)

    assert Office.objects.filter(municipality=chania, kind=Office.Kind.COUNTER).count() == 7
    postal = Office.objects.get(municipality=chania, kind=Office.Kind.POSTAL)
    assert "Κυδωνίας 29" in postal.address and "Πληροφορικής" in postal.name_el

    clerk = authenticate(username="clerk.chania", password="demo-clerk-2026")
    assert clerk is not None and clerk.is_staff and clerk.municipality == chania
    assert clerk.has_perm("identity_verification.change_verificationcase")

    citizen = authenticate(username="citizen.pending", password="demo-citizen-2026")
    assert citizen is not None and not citizen.is_verified_citizen
    assert EmailAddress.objects.get(user=citizen).verified
    (case,) = VerificationCase.objects.filter(citizen=citizen)
    assert case.status == VerificationCase.Status.DOCUMENTS_RECEIVED and not case.is_overdue()
    (late,) = VerificationCase.objects.filter(citizen__username="citizen.overdue")
    assert late.is_overdue()

    assert sum("clerk.chania / demo-clerk-2026" in line for line in said) == 2
    assert sum("citizen.pending / demo-citizen-2026" in line for line in said) == 2


def test_the_demo_skips_a_portal_without_chania(db):
    said = []
    demo_load(said.append)
    assert said == [] and not Office.objects.exists()
