from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import Interest, User
from portal.models import Municipality

INTERESTS = {
    "chania": [("Πολιτισμός", "Culture"), ("Δόμηση και πολεοδομία", "Building and planning"), ("Αθλητισμός", "Sports")],
    "thessaloniki": [("Καθαριότητα", "Cleaning"), ("Πράσινο", "Parks and greenery"), ("Οδοποιία", "Roads")],
}
PASSWORD = "demo-citizen-2026"  # noqa: S105 - a published demo login
# Chania's clerk of the verification office, who also answers e-requests: each app's demo gives it its own group.
CHANIA_CLERK = ("clerk.chania", "demo-clerk-2026")  # a published demo login


def load(say) -> None:
    for slug, names in INTERESTS.items():
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            continue
        for name_el, name_en in names:
            Interest.objects.update_or_create(municipality=municipality, name_el=name_el, defaults={"name_en": name_en})
    chania = Municipality.objects.get(slug="chania")
    verified = _citizen(
        "citizen.verified",
        "Ελένη Παπαδάκη",
        "eleni@example.gr",
        chania,
        afm="090000045",
        verified_by=User.VerificationMethod.IN_PERSON,
    )
    verified.interests.set(Interest.objects.filter(municipality=chania, name_el="Πολιτισμός"))
    _citizen("citizen.new", "Γιώργος Μαρκάκης", "giorgos@example.gr", chania)
    say(f"  verified citizen  citizen.verified / {PASSWORD}")
    say(f"  new citizen (not verified)  citizen.new / {PASSWORD}")


def _citizen(username, full_name, email, municipality, afm="", verified_by="") -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "email": email,
            "municipality": municipality,
            "afm": afm,
            "privacy_consent_at": timezone.now(),
            "privacy_policy_version": "2026-11",
            "newsletter_opt_in": True,
            "identity_verified_at": timezone.now() if verified_by else None,
            "identity_verification_method": verified_by,
        },
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user
