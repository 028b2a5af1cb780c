import uuid
from datetime import datetime

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.utils import timezone

from accounts import selectors
from accounts.models import User
from accounts.registry import personal_data_sections
from portal.services import audit_log, email_enqueue


@transaction.atomic
def user_mark_verified(*, user: User, method: str, actor: User | None = None, at: datetime | None = None) -> User:
    """Make `user` a verified citizen. The one writer of the verified state (identity_verification calls it)."""
    user.identity_verified_at = at or timezone.now()
    user.identity_verification_method = method
    user.save(update_fields=["identity_verified_at", "identity_verification_method"])
    audit_log(
        action="accounts.user.verified",
        target=user,
        actor=actor,
        municipality=user.municipality,
        data={"method": method},
    )
    return user


def staff_email_vouch(*, user: User) -> None:
    """Record a staff member's address as confirmed: the administrator who made the account vouches for it.

    Without this, allauth's second-factor enrolment refuses an account that has an unconfirmed address.
    """
    if not user.email:
        return
    EmailAddress.objects.filter(user=user, verified=False).exclude(email__iexact=user.email).delete()
    address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
    if address is None:
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


def username_reminder_request(*, email: str) -> None:
    """Queue the username reminder for `email`; the worker finds the accounts and writes the e-mail, if any."""
    from accounts.tasks import username_reminder_send as task

    task.delay_on_commit(email)


@transaction.atomic
def username_reminder_send(*, email: str) -> int:
    """E-mail their username to the accounts of `email`; nothing for an unknown address (the page is the same)."""
    users = selectors.users_with_email(email=email)
    for user in users:
        email_enqueue(
            to=[email],
            template="accounts/email/username_reminder",
            context={"user": user, "username": user.get_username()},
            language=user.language,
        )
    return len(users)


def user_export(*, user: User) -> dict:
    """Everything the portal holds about `user`, as JSON-ready data."""
    data = {
        "account": {
            "username": user.username,
            "full_name": user.full_name,
            "email": user.email,
            "mobile_phone": user.mobile_phone,
            "postal_address": user.postal_address,
            "language": user.language,
            "municipality": user.municipality.slug if user.municipality else None,
            "afm": user.afm,
            "father_name": user.father_name,
            "mother_name": user.mother_name,
            "birth_year": user.birth_year,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "privacy_consent_at": user.privacy_consent_at.isoformat() if user.privacy_consent_at else None,
            "privacy_policy_version": user.privacy_policy_version,
            "identity_verified_at": user.identity_verified_at.isoformat() if user.identity_verified_at else None,
            "identity_verification_method": user.identity_verification_method,
            "newsletter_opt_in": user.newsletter_opt_in,
            "interests": [f"{interest.municipality.slug}: {interest.name_el}" for interest in user.interests.all()],
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
        "linked_logins": [
            {"provider": account.provider, "uid": account.uid} for account in SocialAccount.objects.filter(user=user)
        ],
    }
    for section in personal_data_sections():
        data[section.key] = section.export(user)
    return data


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete what is the user's; keep, anonymised, the account row that audit entries point at."""
    for section in personal_data_sections():
        section.erase(user)
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    user.interests.clear()
    user.departments.clear()
    user.username = f"deleted-{uuid.uuid4().hex[:12]}"
    user.email = user.full_name = user.first_name = user.last_name = ""
    user.mobile_phone = user.postal_address = user.afm = user.father_name = user.mother_name = ""
    user.birth_year = None
    user.identity_verified_at = None
    user.identity_verification_method = ""
    user.newsletter_opt_in = False
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    audit_log(action="accounts.user.deleted", target=user, municipality=user.municipality)
