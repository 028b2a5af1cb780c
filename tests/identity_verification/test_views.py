import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from identity_verification.models import VerificationCase, VerificationDocument
from identity_verification.uploads import MAX_DOCUMENT_SIZE
from tests.identity_verification.fixtures import PDF_BYTES, VALID_AFM, image_bytes, make_case, make_online_case, upload

START = reverse("identity_verification:start")
REQUEST = reverse("identity_verification:request")


def _form(chania, method, **extra):
    return {"municipality": chania.pk, "method": method, "afm": VALID_AFM, **extra}


# --- Who may ask -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [START, REQUEST])
def test_anonymous_visitors_are_sent_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_start_page_explains_the_three_ways(client, citizen, offices):
    client.force_login(citizen)
    page = client.get(START).content.decode()
    for text in (
        "Με φυσική παρουσία",
        "φωτοτυπία αστυνομικής ταυτότητας",
        "ΚΕΠ (Κέντρο Εξυπηρέτησης Πολιτών)",
        "εντός 48 ωρών",
        "Γραφείο Διαφάνειας και Υποστήριξης του Δημότη",
        "Κυδωνίας 29",
    ):
        assert text in page


def test_a_verified_citizen_is_told_so(client, citizen):
    citizen.identity_verified_at = timezone.now()
    citizen.identity_verification_method = "taxisnet"
    citizen.save()
    client.force_login(citizen)
    assert "Ο λογαριασμός σας είναι ταυτοποιημένος." in client.get(START).content.decode()
    assert client.get(REQUEST).url == START


def test_a_citizen_with_an_open_request_is_sent_to_it(client, citizen):
    case = make_case(citizen)
    client.force_login(citizen)
    response = client.get(REQUEST)
    assert response.url == reverse("identity_verification:case", kwargs={"public_id": case.public_id})


# --- The request form ----------------------------------------------------------------------------------------------


def test_the_form_starts_with_the_citizens_municipality(client, citizen, offices, thessaloniki):
    client.force_login(citizen)
    form = client.get(REQUEST).context["form"]
    assert form.initial["municipality"] == citizen.municipality
    assert client.get(REQUEST + "?municipality=thessaloniki").context["form"].initial["municipality"] == thessaloniki


def test_an_in_person_request_leads_to_the_case_page_and_the_printable_form(client, citizen, offices, chania):
    client.force_login(citizen)
    response = client.post(REQUEST, _form(chania, "in_person", office=offices["souda"].pk))
    case = VerificationCase.objects.get(citizen=citizen)
    assert response.url == reverse("identity_verification:case", kwargs={"public_id": case.public_id})
    page = client.get(response.url).content.decode()
    assert "Υποβλήθηκε" in page and "Δημοτική Ενότητα Σούδας" in page
    form = client.get(reverse("identity_verification:form", kwargs={"public_id": case.public_id})).content.decode()
    for text in ("Αίτηση ταυτοποίησης", "Μαρία Κουκουράκη", "maria", "maria@example.gr", VALID_AFM, "(υπογραφή)"):
        assert text in form
    assert "identity_verification/verification.js" in form  # the print button's script, allowed by the CSP


def test_the_office_is_required_in_person_and_must_be_of_that_municipality(
    client, citizen, offices, chania, thessaloniki_office
):
    client.force_login(citizen)
    response = client.post(REQUEST, _form(chania, "in_person"))
    assert "Επιλέξτε το γραφείο που θα επισκεφθείτε." in response.content.decode()
    response = client.post(REQUEST, _form(chania, "in_person", office=thessaloniki_office.pk))
    assert "Το γραφείο αυτό ανήκει σε άλλο Δήμο." in response.content.decode()
    assert not VerificationCase.objects.exists()


def test_a_wrong_tax_number_is_refused(client, citizen, chania):
    client.force_login(citizen)
    response = client.post(REQUEST, _form(chania, "by_post", afm="123456789"))
    assert "afm" in response.context["form"].errors
    assert not VerificationCase.objects.exists()


def test_a_tax_number_of_another_account_is_refused_with_a_clear_message(client, citizen, other_citizen, chania):
    other_citizen.afm = VALID_AFM
    other_citizen.save()
    client.force_login(citizen)
    response = client.post(REQUEST, _form(chania, "by_post"))
    assert response.context["form"].errors["afm"] == [
        "Αυτός ο ΑΦΜ ανήκει σε άλλο λογαριασμό. Αν είναι δικός σας, επικοινωνήστε με τον Δήμο."
    ]
    assert not VerificationCase.objects.exists()


@pytest.mark.parametrize(
    ("identity_document", "message"),
    [
        (upload("ταυτότητα.pdf", b"just text, not a PDF"), "Το αρχείο δεν είναι εικόνα JPEG ή PNG ούτε έγγραφο PDF."),
        (upload("huge.pdf", PDF_BYTES.ljust(MAX_DOCUMENT_SIZE + 1, b" ")), "γίνονται δεκτά αρχεία έως 5,0"),
    ],
)
def test_a_bad_upload_is_explained_and_the_typed_values_are_kept(client, citizen, chania, identity_document, message):
    client.force_login(citizen)
    response = client.post(
        REQUEST,
        _form(chania, "online", identity_document=identity_document, afm_document=upload("afm.png", image_bytes())),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'value="{VALID_AFM}"' in page
    assert response.context["form"]["method"].value() == "online"
    assert "επιλέξτε ξανά τα δικαιολογητικά" in page
    assert not VerificationCase.objects.exists()


def test_an_online_request_needs_both_files(client, citizen, chania):
    client.force_login(citizen)
    response = client.post(REQUEST, _form(chania, "online", identity_document=upload("id.png", image_bytes())))
    assert response.context["form"].errors["afm_document"] == ["Ανεβάστε αυτό το δικαιολογητικό."]


def test_an_online_request_is_stored_with_its_files(client, citizen, chania):
    client.force_login(citizen)
    client.post(
        REQUEST,
        _form(
            chania,
            "online",
            identity_document=upload("ταυτότητα.jpg", image_bytes("JPEG")),
            afm_document=upload("e9.pdf", PDF_BYTES),
        ),
    )
    case = VerificationCase.objects.get(citizen=citizen)
    assert case.method == "online"
    assert sorted(case.documents.values_list("original_name", flat=True)) == ["e9.pdf", "ταυτότητα.jpg"]
    page = client.get(reverse("identity_verification:case", kwargs={"public_id": case.public_id})).content.decode()
    for document in case.documents.all():
        assert reverse("identity_verification:document", kwargs={"public_id": document.public_id}) in page


# --- Ownership -----------------------------------------------------------------------------------------------------


def test_another_citizens_case_pages_are_not_found(client, citizen, other_citizen):
    case = make_case(citizen)
    client.force_login(other_citizen)
    for name in ("case", "form"):
        assert (
            client.get(reverse(f"identity_verification:{name}", kwargs={"public_id": case.public_id})).status_code
            == 404
        )


def _document_url(case, kind=VerificationDocument.Kind.IDENTITY_DOCUMENT):
    document = case.documents.get(kind=kind)
    return reverse("identity_verification:document", kwargs={"public_id": document.public_id})


def test_the_citizen_and_the_clerks_of_the_municipality_may_see_the_scans(client, citizen, clerk):
    case = make_online_case(citizen)
    superuser = get_user_model().objects.create_superuser("root", "root@example.gr", "x-Long-enough-1")
    for user in (citizen, clerk, superuser):
        client.force_login(user)
        response = client.get(_document_url(case))
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/jpeg"
        assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
        assert response["Content-Disposition"] == 'attachment; filename="id.jpg"'
        assert b"".join(response.streaming_content) == case.documents.get(kind="identity_document").file.read()
    pdf = client.get(_document_url(case, VerificationDocument.Kind.AFM_DOCUMENT))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="afm.pdf"'


def test_nobody_else_may_see_the_scans(client, citizen, other_citizen, clerk_of_other_municipality, staff_without_role):
    case = make_online_case(citizen)
    url = _document_url(case)
    assert client.get(url).status_code == 404  # anonymous
    for outsider in (other_citizen, clerk_of_other_municipality, staff_without_role):
        client.force_login(outsider)
        assert client.get(url).status_code == 404, outsider


def test_scans_have_no_public_address(client, citizen, settings, private_media):
    case = make_online_case(citizen)
    document = case.documents.first()
    assert (private_media / document.file.name).is_file()
    assert document.original_name not in document.file.name
    client.force_login(citizen)
    assert client.get("/media/" + document.file.name).status_code == 404
    assert client.get("/private/" + document.file.name).status_code == 404
