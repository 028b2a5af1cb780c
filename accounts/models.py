from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The portal's user from the first migration on; the accounts issue adds the citizen's fields."""

    class Language(models.TextChoices):
        GREEK = "el", _("Greek")
        ENGLISH = "en", _("English")

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(_("preferred language"), max_length=8, choices=Language.choices, default=Language.GREEK)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.full_name or self.get_username()
