"""Reads for the Open311 API: a municipality's citizen requests with what GeoReport v2 shows of them."""

from django.db.models import OuterRef, QuerySet, Subquery

from portal.models import Municipality
from requests_tracker.models import Attachment, Category, Request, StatusChange


def open311_services(*, municipality: Municipality) -> QuerySet[Category]:
    return Category.objects.filter(municipality=municipality).select_related("department")


OPEN311_FIELDS = (
    "code",
    "status",
    "description",
    "address",
    "latitude",
    "longitude",
    "created_at",
    "updated_at",
    "category__name_el",
    "category__code",
    "department__name_el",
    "status_notes",
    "media_id",
)


def open311_requests(*, municipality: Municipality) -> QuerySet:
    """Each request as a dict of OPEN311_FIELDS, with its last note (`status_notes`) and its first photo's public id
    (`media_id`), in one query: dicts, not model instances (half the time for a thousand rows)."""
    last_note = StatusChange.objects.filter(request=OuterRef("pk")).exclude(note="").order_by("-created_at", "-pk")
    first_image = Attachment.objects.filter(request=OuterRef("pk"), kind=Attachment.Kind.IMAGE).order_by("pk")
    return (
        Request.objects.filter(municipality=municipality)
        .annotate(
            status_notes=Subquery(last_note.values("note")[:1]),
            media_id=Subquery(first_image.values("public_id")[:1]),
        )
        .values(*OPEN311_FIELDS)
    )
