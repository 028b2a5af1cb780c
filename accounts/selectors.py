from allauth.account.models import EmailAddress

from accounts.models import User


def users_with_email(*, email: str) -> list[User]:
    """Active accounts whose confirmed address, or sign-up address, is `email`."""
    confirmed = EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
    return list(User.objects.filter(is_active=True, pk__in=confirmed)) or list(
        User.objects.filter(is_active=True, email__iexact=email)
    )
