"""Open311 clients: the keys with which other systems file citizen requests."""

import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality


class ApiKey(models.Model):
    """An Open311 client's key for POSTing requests to one municipality. Only a hash of the key is kept."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="open311_keys", verbose_name=_("municipality")
    )
    name = models.CharField(_("client name"), max_length=150)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["municipality", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        # The keys are long random strings, so a fast hash is enough: there is nothing to brute-force.
        return hashlib.sha256(key.encode()).hexdigest()
