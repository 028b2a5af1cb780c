"""Requests filed before service levels get the date a request filed that day would be promised: their category's
target in working days from the local day of filing (Greek public holidays skipped; a municipality's own holidays
are not known here, since the core's calendar asks the apps for them), and the 80 % reminder day. Open requests
already past that date show as overdue, as they are."""

from datetime import datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

from django.db import migrations
from django.db.models.functions import TruncDate

from portal.working_days import working_days_add

REMINDER_SHARE = 0.8


def promise(apps, schema_editor):
    # Requests of one category filed on one local day get the same dates: one UPDATE per such pair (served by the
    # category + date index), not a Python loop over every request.
    Municipality = apps.get_model("portal", "Municipality")
    Request = apps.get_model("requests_tracker", "Request")
    for municipality in Municipality.objects.all():
        zone = ZoneInfo(getattr(municipality, "time_zone", "") or "Europe/Athens")
        pending = Request.objects.filter(municipality=municipality, due_date=None).exclude(status="withdrawn")
        pairs = (
            pending.annotate(day=TruncDate("created_at", tzinfo=zone))
            .values_list("category_id", "category__target_working_days", "day")
            .distinct()
        )
        for category_id, target, day in list(pairs):
            start = datetime.combine(day, dtime.min, tzinfo=zone)
            pending.filter(
                category_id=category_id, created_at__gte=start, created_at__lt=start + timedelta(days=1)
            ).update(
                due_date=working_days_add(day, target),
                remind_on=working_days_add(day, min(max(1, int(target * REMINDER_SHARE)), target)),
            )


class Migration(migrations.Migration):
    dependencies = [("requests_tracker", "0014_service_levels")]

    operations = [migrations.RunPython(promise, migrations.RunPython.noop, elidable=True)]
