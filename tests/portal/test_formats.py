"""24-hour times and one date form per language, everywhere (the admin included)."""

from datetime import UTC, datetime, time

import pytest
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format

from portal.models import AuditEntry

AFTERNOON = datetime(2026, 11, 30, 13, 13, tzinfo=UTC)  # 15:13 in Athens


@pytest.mark.parametrize("language", ["el", "en"])
def test_times_are_24_hour_and_dates_one_form(language):
    with translation.override(language), timezone.override("Europe/Athens"):
        local = timezone.localtime(AFTERNOON)
        # Fault: «30/11/2026 3:13 μ.μ.» and «9 π.μ.» in Greek.
        assert date_format(local, "DATETIME_FORMAT") == "30/11/2026 15:13"
        assert date_format(local, "SHORT_DATETIME_FORMAT") == "30/11/2026 15:13"
        assert date_format(local, "DATE_FORMAT") == date_format(local, "SHORT_DATE_FORMAT") == "30/11/2026"
        assert time_format(time(9, 0)) == "09:00"
        assert Template("{{ t|time }}").render(Context({"t": time(21, 5)})) == "21:05"


def test_the_admin_shows_24_hour_times(client, django_user_model, chania):
    admin = django_user_model.objects.create_superuser("root", "root@example.gr", "x")
    AuditEntry.objects.create(action="test.made", object_type="x", object_id="1", created_at=AFTERNOON)
    client.force_login(admin)
    page = client.get("/admin/portal/auditentry/").content.decode()
    assert "30/11/2026 15:13" in page
    assert "μ.μ." not in page
