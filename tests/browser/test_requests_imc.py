"""Citizen requests as Improve My City users expect, in a real browser: the keyboard, the marker and its address,
staged files, the nearby-duplicate suggestion, withdrawing with a confirmation, and the staff desk."""

import re

import pytest
from playwright.sync_api import Page, expect

from requests_tracker import services, uploads
from requests_tracker.models import Request
from tests.browser import test_requests as requests_browser
from tests.browser.fixtures import assert_accessible
from tests.requests_tracker import fixtures as request_fixtures
from tests.requests_tracker.fixtures import PDF_BYTES, image_bytes, make_request

categories = request_fixtures.categories
reporter = request_fixtures.reporter
neighbour = request_fixtures.neighbour
clerk = request_fixtures.clerk
geocoder = request_fixtures.geocoder
private_media = request_fixtures.private_media

clerk_page = requests_browser.clerk_page
local_tiles = requests_browser.local_tiles
login_as = requests_browser.login_as

pytestmark = pytest.mark.browser
CENTRE = (40.629269, 22.947412)  # Thessaloniki's map centre (tests/conftest.py)


def _fill_basics(page: Page, *, title="Σπασμένο παγκάκι") -> None:
    page.get_by_label("Τίτλος").fill(title)
    page.get_by_label("Κατηγορία").select_option(label="Λακκούβες")
    page.get_by_label("Περιγραφή").fill("Λείπει μια σανίδα.")


def test_filing_with_the_keyboard_only(page, live_server, reporter, categories, geocoder):
    login_as(page, live_server, reporter)
    page.goto(live_server.url + "/requests/thessaloniki/new/")
    marker = page.locator("#request-map .leaflet-marker-icon")
    expect(marker).to_have_class(re.compile("marker-unplaced"))  # a ghost until placed
    expect(page.locator("#location-status")).to_have_text("Ο δείκτης δεν έχει τοποθετηθεί ακόμη.")
    assert_accessible(page)

    page.get_by_label("Τίτλος").focus()
    page.keyboard.type("Σπασμένο παγκάκι")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # the first category
    page.get_by_label("Περιγραφή").focus()
    page.keyboard.type("Λείπει μια σανίδα.")
    page.get_by_role("button", name="Τοποθέτηση στο κέντρο του χάρτη").focus()
    page.keyboard.press("Enter")
    expect(marker).not_to_have_class(re.compile("marker-unplaced"))
    expect(marker).to_be_focused()  # focus lands on the marker, where the arrows move it
    placed = float(page.locator("#id_latitude").input_value())
    assert abs(placed - CENTRE[0]) < 0.0005
    page.keyboard.press("Shift+ArrowUp")
    page.keyboard.press("Shift+ArrowUp")
    page.keyboard.press("Enter")
    expect(page.locator("#id_latitude")).not_to_have_value(f"{placed:.6f}")
    moved = float(page.locator("#id_latitude").input_value())
    assert 0.0007 < moved - placed < 0.0011  # two steps of 50 m north
    page.get_by_role("button", name="Υποβολή").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/requests/thessaloniki/r/THE-\w{6}/$"))
    saved = Request.objects.get()
    assert abs(float(saved.latitude) - moved) < 0.000002
    assert_accessible(page)


def test_a_moved_marker_gets_its_address_and_an_unfound_text_is_never_saved(
    page, live_server, reporter, categories, geocoder
):
    login_as(page, live_server, reporter)
    page.goto(live_server.url + "/requests/thessaloniki/new/")
    _fill_basics(page)
    page.get_by_label("Διεύθυνση").fill("ionos dragoumi 47")
    page.get_by_role("button", name="Εύρεση διεύθυνσης").click()
    page.get_by_role("button", name=re.compile("47, Ίωνος Δραγούμη")).click()
    expect(page.locator("#request-map .leaflet-marker-icon")).to_be_focused()
    page.get_by_label("Διεύθυνση").fill("qwzx nonexistent")
    page.get_by_role("button", name="Εύρεση διεύθυνσης").click()
    expect(page.locator("#geocode-message")).to_have_text("Δεν βρέθηκε σημείο με αυτή τη διεύθυνση στον δήμο.")
    # The marker moves about 90 m south-east: the address follows it (the stand-in's nearest known street).
    page.locator("#request-map .leaflet-marker-icon").focus()
    for _ in range(2):
        page.keyboard.press("Shift+ArrowDown")
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Διεύθυνση")).to_have_value(re.compile("Ίωνος Δραγούμη, Κέντρο"))
    expect(page.locator("#location-status")).to_contain_text("Ίωνος Δραγούμη")
    assert_accessible(page)
    page.get_by_role("button", name="Υποβολή").click()
    expect(page).to_have_url(re.compile(r"/r/THE-\w{6}/$"))
    saved = Request.objects.get()
    assert saved.address != "qwzx nonexistent" and "Ίωνος Δραγούμη" in saved.address
    assert float(saved.latitude) < 40.636581


def test_staged_files_can_be_removed_and_are_checked_in_the_browser_first(
    page, live_server, reporter, categories, geocoder
):
    login_as(page, live_server, reporter)
    page.goto(live_server.url + "/requests/thessaloniki/new/")
    _fill_basics(page)
    page.locator("#place-centre").click()
    photo = {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": image_bytes("JPEG")}
    letter = {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    page.locator("#id_files").set_input_files([photo, letter])
    page.get_by_role("button", name="Έναρξη μεταφόρτωσης").click()
    staged = page.locator("#staged-files li")
    expect(staged).to_have_count(2)
    expect(staged.first.locator("img.staged-thumb")).to_have_count(1)
    assert_accessible(page)

    # The same photo again is refused here, before any upload.
    page.locator("#id_files").set_input_files([photo])
    expect(page.locator(".upload-error")).to_have_text("photo.jpg: υπάρχει ήδη στα αρχεία και δεν προστέθηκε ξανά.")
    # A 15 MB photo is refused by the browser, and never sent.
    sent = []
    page.on("request", lambda request: sent.append(request.url) if "/upload/" in request.url else None)
    big = {"name": "huge.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8" + b"0" * (15 * 1024 * 1024)}
    page.locator("#id_files").set_input_files([big])
    expect(page.locator(".upload-error")).to_contain_text("huge.jpg: είναι μεγαλύτερο από")
    expect(page.get_by_role("button", name="Έναρξη μεταφόρτωσης")).to_be_disabled()
    assert sent == []
    # Over the limit of five: the refused files are named.
    extra = [
        {"name": f"p{index}.png", "mimeType": "image/png", "buffer": image_bytes("PNG", size=(20 + index, 20))}
        for index in range(4)
    ]
    page.locator("#id_files").set_input_files(extra)
    expect(page.locator(".upload-error")).to_have_text(
        "Ένα αίτημα μπορεί να έχει το πολύ 5 αρχεία. Δεν προστέθηκαν: p3.png"
    )

    page.get_by_role("button", name="Αφαίρεση: letter.pdf").click()
    expect(staged).to_have_count(1)
    expect(page.locator("#upload-message")).to_contain_text("Αφαιρέθηκε το αρχείο: letter.pdf")
    page.get_by_role("button", name="Υποβολή").click()
    expect(page).to_have_url(re.compile(r"/r/THE-\w{6}/$"))
    expect(page.locator("img.request-thumb")).to_have_count(4)
    expect(page.get_by_role("link", name=re.compile(r"letter\.pdf"))).to_have_count(0)


def test_a_nearby_open_request_of_the_same_category_is_offered_for_a_vote(
    page, live_server, reporter, neighbour, categories, geocoder
):
    existing = make_request(neighbour, categories["potholes"], title="Λακκούβα στην Τσιμισκή")
    make_request(neighbour, categories["bins"], title="Κάδος στην Τσιμισκή")  # another category: not offered
    login_as(page, live_server, reporter)
    page.goto(live_server.url + "/requests/thessaloniki/new/")
    _fill_basics(page, title="Λακκούβα")
    page.get_by_label("Διεύθυνση").fill("tsimiski")
    page.get_by_role("button", name="Εύρεση διεύθυνσης").click()
    page.get_by_role("button", name=re.compile("Τσιμισκή, Κέντρο")).click()
    suggestion = page.locator("#nearby")
    expect(suggestion.get_by_role("heading")).to_have_text(
        "Μήπως είναι κάποιο από αυτά; Ψηφίστε το αντί για νέο αίτημα"
    )
    expect(suggestion.get_by_role("link")).to_have_count(1)
    assert_accessible(page)
    suggestion.get_by_role("link", name=re.compile(existing.code)).click()
    expect(page).to_have_url(re.compile(existing.code))
    page.get_by_role("button", name="Έχω κι εγώ αυτό το πρόβλημα").click()
    expect(page.locator("#vote-count")).to_have_text("Πολίτες που έχουν κι αυτοί το πρόβλημα: 1")
    assert Request.objects.count() == 2  # no new request was filed


def test_withdraw_asks_first_and_keeps_the_request(page, live_server, reporter, neighbour, categories):
    citizen_request = make_request(reporter, categories["potholes"], title="Λακκούβα που έκλεισε")
    services.vote_add(citizen_request=citizen_request, citizen=neighbour)
    services.comment_add(citizen_request=citizen_request, author=neighbour, body="Κι εγώ την είδα.")
    login_as(page, live_server, reporter)
    page.goto(live_server.url + f"/requests/thessaloniki/r/{citizen_request.code}/")
    page.get_by_role("link", name="Επεξεργασία ή απόσυρση").click()
    page.get_by_role("link", name="Απόσυρση του αιτήματος").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Απόσυρση του αιτήματος {citizen_request.code};")
    assert_accessible(page)
    page.get_by_role("link", name="Όχι, να παραμείνει").click()
    expect(page.locator(".status-badge")).to_have_text("Καταχωρίστηκε")
    page.get_by_role("link", name="Επεξεργασία ή απόσυρση").click()
    page.get_by_role("link", name="Απόσυρση του αιτήματος").click()
    page.get_by_label("Γιατί το αποσύρετε; (προαιρετικό)").fill("Το έφτιαξε ο γείτονας.")
    page.get_by_role("button", name="Ναι, απόσυρση του αιτήματος").click()

    expect(page.locator(".status-badge")).to_have_text("Αποσύρθηκε")
    expect(page.locator("#withdrawn-notice")).to_be_visible()
    expect(page.locator("#vote-count")).to_have_text("Πολίτες που έχουν κι αυτοί το πρόβλημα: 1")
    expect(page.locator(".comment")).to_contain_text("Κι εγώ την είδα.")
    expect(page.locator(".request-path-step.is-current")).to_contain_text("Αποσύρθηκε")
    page.locator("#timeline summary").click()
    expect(page.locator("#timeline")).to_contain_text("Το έφτιαξε ο γείτονας.")
    assert_accessible(page)
    page.goto(live_server.url + "/requests/thessaloniki/")
    expect(page.locator(".request-card")).to_have_count(0)


def test_the_staff_desk_shows_map_address_photos_and_finds_by_code(
    clerk_page, live_server, reporter, neighbour, categories, clerk
):
    checked = uploads.upload_check(request_fixtures.upload("photo.jpg", image_bytes("JPEG")))
    photo = services.attachment_stage(user=reporter, checked=checked)
    wanted = make_request(reporter, categories["potholes"], title="Λακκούβα με φωτογραφία", attachments=[photo])
    for index in range(30):
        make_request(neighbour, categories["bins"], title=f"Κάδος {index}")
    page = clerk_page
    login_as(page, live_server, clerk)
    page.goto(live_server.url + "/requests/thessaloniki/staff/")
    expect(page.locator(".queue-row")).to_have_count(25)  # one page
    expect(page.locator("#queue-count")).to_have_text("Αιτήματα που βρέθηκαν: 31")
    assert_accessible(page)
    page.get_by_label("Κωδικός ή κείμενο").fill(wanted.code.lower())
    page.get_by_role("button", name="Εμφάνιση").click()
    expect(page.locator(".queue-row")).to_have_count(1)
    page.get_by_label("Κωδικός ή κείμενο").fill("")
    page.get_by_label("Κατηγορία").select_option(label="Λακκούβες")
    page.get_by_role("button", name="Εμφάνιση").click()
    expect(page.locator(".queue-row")).to_have_count(1)
    page.get_by_role("link", name=wanted.code).click()

    expect(page.locator("#detail-map .leaflet-marker-icon")).to_be_visible()
    expect(page.locator("#staff-address")).to_contain_text("Τσιμισκή 40")
    expect(page.get_by_role("img", name="Φωτογραφία: photo.jpg")).to_be_visible()
    expect(page.locator(".request-path-step")).to_have_count(4)
    expect(page.locator(".request-path-step.is-ahead")).to_have_count(3)
    assert_accessible(page)


def test_a_citizen_chooses_how_their_comments_are_signed(page, live_server, reporter, neighbour, categories):
    citizen_request = make_request(neighbour, categories["potholes"])
    reporter.full_name = "Ελένη Παπαδοπούλου"
    reporter.save()
    login_as(page, live_server, reporter)
    page.goto(live_server.url + f"/requests/thessaloniki/r/{citizen_request.code}/")
    expect(page.locator("#comment-signature-note")).to_contain_text("Το σχόλιό σας θα υπογραφεί «Ε. Π.»")
    page.get_by_label("Το σχόλιό σας").fill("Ισχύει.")
    page.get_by_role("button", name="Αποστολή σχολίου").click()
    expect(page.locator(".comment")).to_contain_text("Ε. Π.")
    expect(page.locator(".comment")).not_to_contain_text("Παπαδοπούλου")
    page.get_by_role("link", name="Αλλαγή του τρόπου υπογραφής των σχολίων").click()
    assert_accessible(page)
    page.get_by_label("Ένα όνομα εμφάνισης της επιλογής μου").check()
    page.get_by_label("Όνομα εμφάνισης", exact=True).fill("Γειτόνισσα")
    page.get_by_role("button", name="Αποθήκευση").click()
    expect(page).to_have_url(re.compile(citizen_request.code))
    expect(page.locator(".comment")).to_contain_text("Γειτόνισσα")
    expect(page.locator("#comment-signature-note")).to_contain_text("«Γειτόνισσα»")
    assert_accessible(page)
    # The account page says which, with the way to change it.
    page.goto(live_server.url + "/accounts/profile/")
    choices = page.locator("section[aria-labelledby=choices-heading]")
    expect(choices).to_contain_text("Τα σχόλιά μου στα αιτήματα πολιτών υπογράφονται")
    expect(choices.locator("dd")).to_contain_text("Γειτόνισσα")
    expect(choices.get_by_role("link", name=re.compile("Αλλαγή"))).to_have_attribute(
        "href", "/requests/comment-signature/"
    )
