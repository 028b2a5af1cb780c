from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def afm_is_valid(value: str) -> bool:
    """The Greek tax number: nine digits, the last a mod-11 check digit of the first eight."""
    if len(value) != 9 or not value.isdigit() or value == "000000000":
        return False
    total = sum(int(digit) * 2 ** (8 - position) for position, digit in enumerate(value[:8]))
    return total % 11 % 10 == int(value[8])


def validate_afm(value: str) -> None:
    if not afm_is_valid(value):
        raise ValidationError(
            _("Enter a valid tax number (ΑΦΜ): nine digits, the last a check digit."), code="invalid_afm"
        )
