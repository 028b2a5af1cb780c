from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import user_mark_verified
from accounts.taxisnet.client import TaxisnetProfile

PROFILE_FIELDS = ["afm", "first_name", "last_name", "full_name", "father_name", "mother_name", "birth_year"]
AFM_CONSTRAINT = "accounts_user_unique_afm"


class IdentityConflict(Exception):
    """A TAXISnet identity that cannot be joined to this account; `message` says why, in the citizen's words."""

    def __init__(self, message: str | Promise):
        super().__init__(message)
        self.message = message


AFM_IN_USE = _(
    "Your tax number (ΑΦΜ) already belongs to another account on the portal. Log in to that account with its "
    "username and password and link TAXISnet from “My account”, or ask the municipality for help."
)
AFM_DIFFERENT = _("This account already has a different tax number (ΑΦΜ): it cannot be linked to these TAXISnet codes.")


def is_afm_conflict(error: IntegrityError) -> bool:
    return AFM_CONSTRAINT in str(error)


def profile_copy_to_user(*, user: User, profile: TaxisnetProfile) -> None:
    """Copy the registry's profile onto `user` in memory (a new user is saved by allauth)."""
    for field in PROFILE_FIELDS:
        setattr(user, field, profile[field])


def user_update_from_taxisnet(*, user: User, profile: TaxisnetProfile) -> User:
    """Refresh a saved `user` from GSIS and make them a verified citizen: GSIS has just vouched for who they are."""
    if user.afm and user.afm != profile["afm"]:
        raise IdentityConflict(AFM_DIFFERENT)
    if User.objects.filter(afm=profile["afm"]).exclude(pk=user.pk).exists():
        raise IdentityConflict(AFM_IN_USE)
    profile_copy_to_user(user=user, profile=profile)
    try:
        with transaction.atomic():
            user.save(update_fields=PROFILE_FIELDS)
            if not user.is_verified_citizen:
                user_mark_verified(user=user, method=User.VerificationMethod.TAXISNET)
    except IntegrityError as error:  # another account took the ΑΦΜ after the check above
        user.refresh_from_db(fields=PROFILE_FIELDS)
        if is_afm_conflict(error):
            raise IdentityConflict(AFM_IN_USE) from error
        raise
    return user
