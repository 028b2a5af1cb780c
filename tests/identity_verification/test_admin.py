import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.urls import reverse

from identity_verification.models import Office, VerificationCase
from tests.identity_verification.fixtures import make_case, make_citizen, make_online_case

CHANGELIST = reverse("admin:identity_verification_verificationcase_changelist")
Status = VerificationCase.Status


def _change_url(case):
    return reverse("admin:identity_verification_verificationcase_change", args=[case.pk])


@pytest.fixture
def thessaloniki_case(thessaloniki):
    return make_case(make_citizen("giannis", thessaloniki), received_hours_ago=1)


def test_every_migrate_makes_or_repairs_the_verification_office_group(db):
    # `migrate` ends with post_migrate; a deleted group (or one that lost a permission) comes back whole.
    Group.objects.filter(name="Γραφείο ταυτοποίησης").delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    group = Group.objects.get(name="Γραφείο ταυτοποίησης")
    assert set(group.permissions.values_list("codename", flat=True)) == {
        "view_verificationcase",
        "change_verificationcase",
        "view_verificationdocument",
        "view_office",
    }


def test_a_clerk_sees_only_the_cases_of_their_municipality(client, clerk, received_case, thessaloniki_case):
    client.force_login(clerk)
    response = client.get(CHANGELIST)
    assert list(response.context["cl"].result_list) == [received_case]
    assert client.get(_change_url(thessaloniki_case)).status_code == 302  # "does not exist", back to the list
    assert client.get(_change_url(received_case)).status_code == 200


def test_a_superuser_sees_every_municipality(client, received_case, thessaloniki_case):
    root = get_user_model().objects.create_superuser("root", "root@example.gr", "x-Long-enough-1")
    client.force_login(root)
    assert set(client.get(CHANGELIST).context["cl"].result_list) == {received_case, thessaloniki_case}


def test_staff_without_the_role_see_nothing(client, staff_without_role, received_case):
    client.force_login(staff_without_role)
    assert client.get(CHANGELIST).status_code == 403


def test_overdue_cases_stand_out_and_can_be_filtered(client, clerk, citizen, other_citizen, offices):
    on_time = make_case(citizen, received_hours_ago=3)
    late = make_case(other_citizen, received_hours_ago=50)
    client.force_login(clerk)
    page = client.get(CHANGELIST).content.decode()
    assert page.count('class="verification-overdue"') == 1
    assert list(client.get(CHANGELIST + "?overdue=yes").context["cl"].result_list) == [late]
    assert list(client.get(CHANGELIST + "?overdue=no").context["cl"].result_list) == [on_time]
    assert list(
        client.get(CHANGELIST + f"?status={Status.DOCUMENTS_RECEIVED}&method=by_post").context["cl"].result_list
    )


def test_the_detail_shows_the_citizen_and_links_to_the_protected_documents(client, clerk, citizen, chania):
    case = make_online_case(citizen)
    client.force_login(clerk)
    page = client.get(_change_url(case)).content.decode()
    assert "Μαρία Κουκουράκη" in page and "maria@example.gr" in page and case.afm in page
    for document in case.documents.all():
        assert reverse("identity_verification:document", kwargs={"public_id": document.public_id}) in page
    assert "/media/" not in page
    assert 'name="_save"' not in page  # decisions, not edits
    # The scans came with the request: no «Παραλαβή δικαιολογητικών» to press, the decision is due.
    assert "Παραλαβή δικαιολογητικών" not in page
    assert "verification-reject" in page  # approve and reject are offered


def test_clerks_search_by_reference_and_tax_number(client, clerk, received_case, other_citizen):
    make_case(other_citizen)
    client.force_login(clerk)
    for term in (received_case.reference.lower(), received_case.citizen.username):
        assert list(client.get(CHANGELIST, {"q": term}).context["cl"].result_list) == [received_case]


def test_receipt_and_approval_by_the_change_page_buttons(client, clerk, citizen, offices):
    case = make_case(citizen, office=offices["transparency"])
    client.force_login(clerk)
    response = client.post(reverse("admin:identity_verification_case_receive", args=[case.pk]), follow=True)
    assert "Αιτήσεις που ενημερώθηκαν: 1." in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.DOCUMENTS_RECEIVED
    assert "Έγκριση" in response.content.decode()

    client.post(reverse("admin:identity_verification_case_approve", args=[case.pk]))
    case.refresh_from_db()
    citizen.refresh_from_db()
    assert case.status == Status.APPROVED and citizen.is_verified_citizen

    again = client.post(reverse("admin:identity_verification_case_approve", args=[case.pk]), follow=True)
    assert "έχει ήδη αποφασίσει ο/η Υπάλληλος clerk.chania" in again.content.decode()


def test_the_buttons_refuse_get_and_other_municipalities(client, clerk_of_other_municipality, clerk, received_case):
    approve = reverse("admin:identity_verification_case_approve", args=[received_case.pk])
    client.force_login(clerk)
    assert client.get(approve).status_code == 405
    client.force_login(clerk_of_other_municipality)
    assert client.post(approve).status_code == 404
    received_case.refresh_from_db()
    assert received_case.status == Status.DOCUMENTS_RECEIVED


def test_list_actions_receive_and_approve(client, clerk, citizen, other_citizen):
    first, second = make_case(citizen), make_case(other_citizen)
    client.force_login(clerk)
    client.post(CHANGELIST, {"action": "mark_received", "_selected_action": [first.pk, second.pk]})
    assert set(VerificationCase.objects.values_list("status", flat=True)) == {Status.DOCUMENTS_RECEIVED}
    response = client.post(CHANGELIST, {"action": "approve", "_selected_action": [first.pk]}, follow=True)
    assert "Αιτήσεις που ενημερώθηκαν: 1." in response.content.decode()
    first.refresh_from_db()
    assert first.status == Status.APPROVED


def test_rejection_asks_for_a_reason_first(client, clerk, received_case, django_capture_on_commit_callbacks):
    client.force_login(clerk)
    response = client.post(CHANGELIST, {"action": "reject", "_selected_action": [received_case.pk]})
    reject_url = response.url
    assert reject_url.startswith(reverse("admin:identity_verification_case_reject"))
    page = client.get(reject_url)
    assert page.status_code == 200 and received_case.reference in page.content.decode()

    no_reason = client.post(reject_url, {"case": [received_case.pk], "reason": ""})
    assert no_reason.status_code == 200 and no_reason.context["form"].errors["reason"]
    received_case.refresh_from_db()
    assert received_case.status == Status.DOCUMENTS_RECEIVED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reject_url, {"case": [received_case.pk], "reason": "Το έγγραφο του ΑΦΜ λείπει."})
    received_case.refresh_from_db()
    assert received_case.status == Status.REJECTED
    assert received_case.rejection_reason == "Το έγγραφο του ΑΦΜ λείπει."
    assert "Το έγγραφο του ΑΦΜ λείπει." in mail.outbox[-1].body


def test_the_reject_page_hides_other_municipalities_cases(client, clerk, thessaloniki_case):
    client.force_login(clerk)
    url = reverse("admin:identity_verification_case_reject") + f"?case={thessaloniki_case.pk}"
    assert client.get(url).status_code == 404
    assert client.post(url, {"case": [thessaloniki_case.pk], "reason": "x"}).status_code == 404


def test_nobody_adds_or_deletes_cases_in_the_admin(client, clerk, received_case):
    client.force_login(clerk)
    assert client.get(reverse("admin:identity_verification_verificationcase_add")).status_code == 403
    assert (
        client.get(reverse("admin:identity_verification_verificationcase_delete", args=[received_case.pk])).status_code
        == 403
    )


def test_offices_are_scoped_to_the_clerks_municipality(client, clerk, offices, thessaloniki_office):
    client.force_login(clerk)
    response = client.get(reverse("admin:identity_verification_office_changelist"))
    assert set(response.context["cl"].result_list) == set(Office.objects.filter(municipality=clerk.municipality))
    assert thessaloniki_office not in response.context["cl"].result_list
