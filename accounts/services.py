from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from portal.services import audit_log


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
