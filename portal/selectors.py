from django.shortcuts import get_object_or_404

from portal.models import Municipality


def municipalities_list() -> list[Municipality]:
    return list(Municipality.objects.all())


def municipality_get(*, slug: str) -> Municipality:
    return get_object_or_404(Municipality, slug=slug)
