"""Writes for Open311 clients: their API keys."""

import secrets

from portal.models import Municipality
from requests_tracker.models import ApiKey


def api_key_create(*, municipality: Municipality, name: str) -> tuple[ApiKey, str]:
    """A new key; the clear text is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(municipality=municipality, name=name, key_hash=ApiKey.hash(key), key_prefix=key[:8])
    return api_key, key
