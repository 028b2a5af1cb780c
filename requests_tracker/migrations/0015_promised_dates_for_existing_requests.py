"""Requests filed before service levels get the date a request filed that day would be promised: their category's
target in working days from the local day of filing (Greek public holidays skipped; a municipality's own holidays
are not known here, since the core's calendar asks the apps for them), and the 80 % reminder day. Open requests
already past that date show as overdue, as they are."""

from zoneinfo import ZoneInfo

from django.db import migrations

from portal.working_days import working_days_add

REMINDER_SHARE = 0.8
BATCH = 2000


def promise(apps, schema_editor):
    Request = apps.get_model("requests_tracker", "Request")
    rows = (
        Request.objects.filter(due_date=None)
        .exclude(status="withdrawn")
        .select_related("category", "municipality")
        .only("pk", "created_at", "category__target_working_days", "municipality__time_zone")
    )
    changed = []
    for request in rows.iterator(chunk_size=BATCH):
        zone = ZoneInfo(getattr(request.municipality, "time_zone", "") or "Europe/Athens")
        start = request.created_at.astimezone(zone).date()
        target = request.category.target_working_days
        request.due_date = working_days_add(start, target)
        request.remind_on = working_days_add(start, min(max(1, int(target * REMINDER_SHARE)), target))
        changed.append(request)
        if len(changed) == BATCH:
            Request.objects.bulk_update(changed, ["due_date", "remind_on"])
            changed = []
    Request.objects.bulk_update(changed, ["due_date", "remind_on"])


class Migration(migrations.Migration):
    dependencies = [("requests_tracker", "0014_service_levels")]

    operations = [migrations.RunPython(promise, migrations.RunPython.noop, elidable=True)]
