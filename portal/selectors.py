from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from portal.models import Municipality


def municipalities_list() -> list[Municipality]:
    return list(Municipality.objects.all())


def municipalities_lazy() -> QuerySet[Municipality]:
    """All municipalities, read only when a template first iterates them (not at all when its fragment is cached)."""
    return Municipality.objects.all()


def municipality_get(*, slug: str) -> Municipality:
    return get_object_or_404(Municipality, slug=slug)
