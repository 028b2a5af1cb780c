"""System checks of the production set-up (`manage.py check --deploy`), beyond Django's own."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs) -> list[Warning]:
    """W001 without CACHE_URL: each process keeps its own cache, so rate limits count per process, not per site."""
    if settings.CACHE_URL:
        return []
    return [
        Warning(
            "CACHE_URL is not set: every web process keeps its own in-memory cache, so login and other rate limits "
            "count per process (a client gets N times the limit behind N processes).",
            hint="Set CACHE_URL to a Redis shared by all web processes, e.g. redis://redis:6379/1.",
            id="portal.W001",
        )
    ]
