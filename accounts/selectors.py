from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings

from accounts.models import User


def users_with_email(*, email: str) -> list[User]:
    """Active accounts whose confirmed address, or sign-up address, is `email`."""
    confirmed = EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
    return list(User.objects.filter(is_active=True, pk__in=confirmed)) or list(
        User.objects.filter(is_active=True, email__iexact=email)
    )


def user_is_staff(*, user: User) -> bool:
    return user.is_active and (user.is_staff or user.is_superuser)


def user_is_clerk_of(*, user, municipality_id: int | None, permission: str) -> bool:
    """Is `user` a clerk of municipality M with permission P ("app_label.codename")? The one answer for every app.

    An active member of staff tied to that municipality who holds the permission (directly or through a group);
    an active superuser is a clerk everywhere; anonymous and inactive accounts never are.
    """
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return bool(
        user.is_staff
        and municipality_id is not None
        and user.municipality_id == municipality_id
        and user.has_perm(permission)
    )


def staff_must_use_second_factor(*, user: User) -> bool:
    """Staff who can see identity documents, bookings or e-requests (superusers see everything).

    The rights are listed in settings (`STAFF_SECOND_FACTOR_PERMISSIONS`); appointment clerks hold no permission
    of their own but a clerk row, named by its relation to the user (`STAFF_SECOND_FACTOR_ROLES`), so that this
    app needs to import none of the apps it protects.
    """
    if not (user.is_authenticated and user_is_staff(user=user)):
        return False
    if user.is_superuser or any(user.has_perm(permission) for permission in settings.STAFF_SECOND_FACTOR_PERMISSIONS):
        return True
    roles = [role for role in settings.STAFF_SECOND_FACTOR_ROLES if _has_relation(role)]
    return any(User.objects.filter(pk=user.pk, **{f"{role}__isnull": False}).exists() for role in roles)


def _has_relation(name: str) -> bool:
    return any(field.name == name for field in User._meta.get_fields())


def user_has_second_factor(*, user: User) -> bool:
    """An authenticator app (TOTP) or a passkey; recovery codes alone are a fallback, not a factor."""
    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def staff_second_factor_missing(*, user: User) -> bool:
    return staff_must_use_second_factor(user=user) and not user_has_second_factor(user=user)


def staff_second_factor_due_at(*, user: User) -> datetime:
    """Until then a new member of staff may postpone enrolment; after it, staff pages refuse them without it."""
    return user.date_joined + timedelta(days=settings.STAFF_SECOND_FACTOR_GRACE_DAYS)


def staff_second_factor_overdue(*, user: User, now: datetime) -> bool:
    return staff_second_factor_missing(user=user) and now >= staff_second_factor_due_at(user=user)
