from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.gr import vat as gr_vat


def afm_is_valid(value: str) -> bool:
    """The Greek tax number as the citizen types it: nine digits, the last a check digit (python-stdnum's rule).

    stdnum also takes an «EL» prefix, spaces and all zeros; a tax number on a form is the nine digits alone.
    """
    if len(value) != 9 or not value.isdigit() or value == "000000000":
        return False
    return gr_vat.is_valid(value)


def validate_afm(value: str) -> None:
    if not afm_is_valid(value):
        raise ValidationError(
            _("Enter a valid tax number (ΑΦΜ): nine digits, the last a check digit."), code="invalid_afm"
        )
