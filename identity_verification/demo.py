"""Demo data for `manage.py load_demo`: Chania's offices, a clerk of the verification office and citizens waiting;
Thessaloniki's decided verifications (for its statistics)."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone
from stdnum.gr import vat as gr_vat

from accounts.demo import CHANIA_CLERK
from accounts.models import User
from accounts.roles import group_ensure
from identity_verification.models import Office, VerificationCase
from identity_verification.roles import VERIFICATION_OFFICE
from portal.models import Department, Municipality

CLERK = CHANIA_CLERK
CITIZEN_PASSWORD = "demo-citizen-2026"  # noqa: S105 - a published demo login
HOURS = "Δευτέρα–Παρασκευή 08:00–14:00"  # demo placeholder: the seed gives no opening hours
HOURS_EN = "Monday–Friday 08:00–14:00"

# The seed (chania-eservices-registration §Β1): the Transparency office and the municipal units' old town halls.
CHANIA_OFFICES = [
    (
        "Γραφείο Διαφάνειας και Υποστήριξης του Δημότη",
        "Transparency and Citizen Support Office",
        "οδός Μυλωνογιάννη και Υψηλαντών γωνία, Χανιά",
    ),
    ("Δημοτική Ενότητα Ακρωτηρίου (παλιό Δημαρχείο)", "Akrotiri municipal unit (old town hall)", ""),
    ("Δημοτική Ενότητα Ελ. Βενιζέλου (παλιό Δημαρχείο)", "El. Venizelos municipal unit (old town hall)", ""),
    ("Δημοτική Ενότητα Θερίσου (παλιό Δημαρχείο)", "Therisos municipal unit (old town hall)", ""),
    ("Δημοτική Ενότητα Ν. Κυδωνίας (παλιό Δημαρχείο)", "N. Kydonia municipal unit (old town hall)", ""),
    ("Δημοτική Ενότητα Κεραμιών (παλιό Δημαρχείο)", "Keramia municipal unit (old town hall)", ""),
    ("Δημοτική Ενότητα Σούδας (παλιό Δημαρχείο)", "Souda municipal unit (old town hall)", ""),
]
# §Β2: applications by post go to the IT department at the town hall.
CHANIA_POSTAL = (
    "Δημαρχείο Χανίων, Τμήμα Τεχνολογιών Πληροφορικής και Επικοινωνιών",
    "Chania Town Hall, Information and Communication Technologies Department",
    "Κυδωνίας 29, Τ.Κ. 73135, Χανιά Κρήτης",
)
# (username, full name, e-mail, ΑΦΜ, method, documents received this many hours ago)
PENDING_CITIZENS = [
    ("citizen.pending", "Κατερίνα Βλαχάκη", "citizen.pending@example.gr", "526018151", "by_post", 3),
    ("citizen.overdue", "Νίκος Σπανουδάκης", "citizen.overdue@example.gr", "908301668", "in_person", 52),
]


def demo_load(say) -> None:
    _thessaloniki_history(say)
    chania = Municipality.objects.filter(slug="chania").first()
    if chania is None:
        return
    counters = []
    for position, (name_el, name_en, address) in enumerate(CHANIA_OFFICES):
        office, _created = Office.objects.update_or_create(
            municipality=chania,
            name_el=name_el,
            defaults={
                "kind": Office.Kind.COUNTER,
                "name_en": name_en,
                "address": address,
                "opening_hours_el": HOURS,
                "opening_hours_en": HOURS_EN,
                "position": position,
            },
        )
        counters.append(office)
    name_el, name_en, address = CHANIA_POSTAL
    Office.objects.update_or_create(
        municipality=chania,
        name_el=name_el,
        defaults={"kind": Office.Kind.POSTAL, "name_en": name_en, "address": address},
    )

    group = group_ensure(VERIFICATION_OFFICE)
    username, password = CLERK
    clerk = _user(
        username,
        password,
        full_name="Μαρία Κουκάκη",
        email="clerk.chania@example.gr",
        municipality=chania,
        is_staff=True,
    )
    clerk.groups.add(group)
    office_department = Department.objects.filter(municipality=chania, name_el=CHANIA_OFFICES[0][0]).first()
    if office_department is not None:
        clerk.departments.add(office_department)
    say(f"  verification clerk (Chania)  {username} / {password}  (http://127.0.0.1:8000/admin/)")

    for username, full_name, email, afm, method, hours_ago in PENDING_CITIZENS:
        citizen = _user(
            username,
            CITIZEN_PASSWORD,
            full_name=full_name,
            email=email,
            municipality=chania,
            afm=afm,
            privacy_consent_at=timezone.now(),
            privacy_policy_version=settings.PRIVACY_POLICY_VERSION,
        )
        EmailAddress.objects.update_or_create(user=citizen, email=email, defaults={"verified": True, "primary": True})
        if not citizen.is_verified_citizen and not VerificationCase.objects.open().filter(citizen=citizen).exists():
            received = timezone.now() - timedelta(hours=hours_ago)
            VerificationCase.objects.create(
                citizen=citizen,
                municipality=chania,
                method=method,
                office=counters[0] if method == VerificationCase.Method.IN_PERSON else None,
                afm=afm,
                status=VerificationCase.Status.DOCUMENTS_RECEIVED,
                submitted_at=received - timedelta(days=2),
                documents_received_at=received,
                received_by=clerk,
            )
        late = " (decision overdue)" if hours_ago > 48 else ""
        say(f"  citizen awaiting verification{late}  {username} / {CITIZEN_PASSWORD}")


# Thessaloniki's past verifications, for its statistics page: citizens who sent their documents over the last months
# and were decided (most within the 48 hours, a few later, two rejected). No published logins: unusable passwords.
# (username, full name, days ago the documents came in, hours to the decision, rejection reason or "")
THESSALONIKI_DECIDED = [
    ("thess.verified01", "Αθανάσιος Γεωργίου", 118, 20, ""),
    ("thess.verified02", "Μαρίνα Ιωαννίδου", 101, 30, ""),
    ("thess.verified03", "Στέλιος Καραγιάννης", 87, 70, ""),
    ("thess.verified04", "Χρυσούλα Νικολαΐδου", 74, 6, ""),
    ("thess.verified05", "Παναγιώτης Αλεξίου", 61, 44, "Η φωτογραφία της ταυτότητας δεν διαβάζεται."),
    ("thess.verified06", "Ευαγγελία Τσολάκη", 45, 26, ""),
    ("thess.verified07", "Κωνσταντίνος Ζαχαρίου", 33, 95, ""),
    ("thess.verified08", "Δέσποινα Μιχαηλίδου", 20, 12, ""),
    ("thess.verified09", "Ηλίας Πετρίδης", 9, 40, "Ο ΑΦΜ δεν αντιστοιχεί στο έγγραφο."),
    ("thess.verified10", "Σοφία Χατζηπαύλου", 4, 3, ""),
]


def _thessaloniki_history(say) -> None:
    """Decided verification cases in Thessaloniki (dates relative to now); created once, whatever runs again."""
    thessaloniki = Municipality.objects.filter(slug="thessaloniki").first()
    if thessaloniki is None:
        return
    now = timezone.now()
    for number, (username, full_name, days_ago, hours, reason) in enumerate(THESSALONIKI_DECIDED, start=1):
        if User.objects.filter(username=username).exists():
            continue
        afm = f"1{number:07d}" + gr_vat.calc_check_digit(f"1{number:07d}")  # a well-formed ΑΦΜ
        received = now - timedelta(days=days_ago, hours=3)
        decided = received + timedelta(hours=hours)
        approved = not reason
        citizen = User.objects.create(
            username=username,
            full_name=full_name,
            email=f"{username}@example.gr",
            municipality=thessaloniki,
            afm=afm if approved else "",
            privacy_consent_at=received - timedelta(days=1),
            privacy_policy_version=settings.PRIVACY_POLICY_VERSION,
            identity_verified_at=decided if approved else None,
            identity_verification_method=VerificationCase.Method.BY_POST if approved else "",
        )
        citizen.set_unusable_password()
        citizen.save(update_fields=["password"])
        VerificationCase.objects.create(
            citizen=citizen,
            municipality=thessaloniki,
            method=VerificationCase.Method.BY_POST,
            afm=afm,
            status=VerificationCase.Status.APPROVED if approved else VerificationCase.Status.REJECTED,
            rejection_reason=reason,
            submitted_at=received - timedelta(days=2),
            documents_received_at=received,
            decided_at=decided,
        )
    decided = VerificationCase.objects.filter(municipality=thessaloniki, decided_at__isnull=False).count()
    say(f"  {decided} decided identity verifications in Thessaloniki (their statistics)")


def _user(username: str, password: str, **fields) -> User:
    user, created = User.objects.update_or_create(username=username, defaults=fields)
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
