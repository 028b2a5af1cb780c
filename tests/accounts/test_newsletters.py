import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts import newsletters
from accounts.models import Interest, Newsletter, NewsletterDelivery, User
from tests.emails import last_email_to, link_in


@pytest.fixture
def culture(chania) -> Interest:
    return Interest.objects.create(municipality=chania, name_el="Πολιτισμός", name_en="Culture")


def _reader(username, interest, *, opt_in=True, confirmed=True, language="el") -> User:
    user = User.objects.create_user(
        username, email=f"{username}@example.gr", newsletter_opt_in=opt_in, language=language
    )
    user.interests.add(interest)
    EmailAddress.objects.create(user=user, email=user.email, verified=confirmed, primary=True)
    return user


@pytest.fixture
def issue(chania, culture) -> Newsletter:
    newsletter = Newsletter.objects.create(
        municipality=chania,
        subject_el="Πολιτιστικό καλοκαίρι",
        subject_en="Cultural summer",
        body_el="Συναυλίες στο λιμάνι.",
        body_en="Concerts at the harbour.",
    )
    newsletter.interests.add(culture)
    return newsletter


def test_only_opted_in_confirmed_readers_with_a_matching_interest_receive_it(
    issue, culture, chania, django_capture_on_commit_callbacks
):
    sports = Interest.objects.create(municipality=chania, name_el="Αθλητισμός")
    _reader("anna", culture)
    _reader("nikos", culture, language="en")
    _reader("eleni", culture, opt_in=False)
    _reader("petros", culture, confirmed=False)
    _reader("kostas", sports)
    admin = User.objects.create_superuser("boss", "boss@example.gr", "x")

    with django_capture_on_commit_callbacks(execute=True):
        newsletters.newsletter_send(newsletter=issue, actor=admin)

    assert sorted(to for message in mail.outbox for to in message.to) == ["anna@example.gr", "nikos@example.gr"]
    assert last_email_to("anna@example.gr").subject == "Πολιτιστικό καλοκαίρι"
    english = last_email_to("nikos@example.gr")
    assert english.subject == "Cultural summer" and "Concerts at the harbour." in english.body
    assert english.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    issue.refresh_from_db()
    assert issue.status == Newsletter.Status.SENT
    with pytest.raises(newsletters.NewsletterAlreadySent):
        newsletters.newsletter_send(newsletter=issue, actor=admin)


def test_batches_send_each_reader_once(issue, culture, django_capture_on_commit_callbacks):
    for name in ["a1", "a2", "a3"]:
        _reader(name, culture)
    Newsletter.objects.filter(pk=issue.pk).update(status=Newsletter.Status.SENDING)
    with django_capture_on_commit_callbacks(execute=True):
        assert newsletters.newsletter_send_batch_now(newsletter_id=issue.pk, batch_size=2) is True
        assert newsletters.newsletter_send_batch_now(newsletter_id=issue.pk, batch_size=2) is False
        assert newsletters.newsletter_send_batch_now(newsletter_id=issue.pk, batch_size=2) is False
    assert NewsletterDelivery.objects.filter(newsletter=issue).count() == 3
    assert len(mail.outbox) == 3


def test_unsubscribe_link_works_without_logging_in(client, issue, culture, django_capture_on_commit_callbacks):
    reader = _reader("anna", culture)
    Newsletter.objects.filter(pk=issue.pk).update(status=Newsletter.Status.SENDING)
    with django_capture_on_commit_callbacks(execute=True):
        newsletters.newsletter_send_batch_now(newsletter_id=issue.pk)
    link = link_in(last_email_to("anna@example.gr"), "/newsletter/unsubscribe/")
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    response = client.post("/" + path, {"List-Unsubscribe": "One-Click"})  # no CSRF token, as mail clients send
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.newsletter_opt_in is False


def test_a_forged_unsubscribe_link_is_refused(client, db):
    assert client.post("/accounts/newsletter/unsubscribe/forged-token/").status_code == 404


def test_sending_needs_the_confirmed_number_of_recipients(issue, culture, django_capture_on_commit_callbacks):
    from accounts import newsletters

    count = newsletters.newsletter_recipients(newsletter=issue).count()
    with pytest.raises(newsletters.NewsletterRecipientsChanged) as changed:
        newsletters.newsletter_send(newsletter=issue, actor=None, confirmed_count=count + 1)
    assert changed.value.count == count
    issue.refresh_from_db()
    assert issue.status == issue.Status.DRAFT


def test_the_interests_must_be_the_newsletters_municipality(chania, thessaloniki):
    from accounts.admin import NewsletterForm
    from accounts.models import Interest

    elsewhere = Interest.objects.create(municipality=thessaloniki, name_el="Αθλητισμός")
    form = NewsletterForm(
        {"municipality": chania.pk, "interests": [elsewhere.pk], "subject_el": "Θέμα", "body_el": "Κείμενο"}
    )
    assert not form.is_valid()
    assert form.errors["interests"] == ["Επιλέξτε ενδιαφέροντα του δήμου του ίδιου του ενημερωτικού δελτίου."]
