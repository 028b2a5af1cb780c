from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from portal.caching import MUNICIPALITIES_VERSION, cached_at_versions
from portal.models import Municipality

# Municipalities change rarely and every change moves MUNICIPALITIES_VERSION on commit; the expiry only returns memory.
MUNICIPALITY_CACHE_SECONDS = 600


def municipalities_list() -> list[Municipality]:
    return list(Municipality.objects.all())


def municipalities_lazy() -> QuerySet[Municipality]:
    """All municipalities, read only when a template first iterates them (not at all when its fragment is cached)."""
    return Municipality.objects.all()


def municipality_get(*, slug: str) -> Municipality:
    return get_object_or_404(Municipality, slug=slug)


def municipality_cached(*, slug: str) -> Municipality:
    """The municipality of `slug` from the cache, read from the database once per version of the municipalities
    (portal.apps moves it on every save or deletion): one cache round trip and no query when warm. Raises Http404
    for a slug that names none (that answer is cached too: adding the municipality moves the version)."""
    if not slug or len(slug) > 50:
        raise Http404
    found = cached_at_versions(
        f"portal:municipality:{slug}",
        [MUNICIPALITIES_VERSION],
        lambda: Municipality.objects.filter(slug=slug).first() or "",
        timeout=MUNICIPALITY_CACHE_SECONDS,
    )
    if not found:
        raise Http404
    return found
