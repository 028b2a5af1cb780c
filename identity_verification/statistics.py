"""Identity verification in the statistics (registered in apps.py): hours from the receipt of the documents to the
decision, against the 48-hour promise; and, for the staff dashboard, the cases late or due within a day."""

from datetime import datetime, timedelta

from django.db.models import Count, F, FloatField, Func, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import user_is_clerk_of
from identity_verification.models import DECISION_TIME, VerificationCase
from portal.registry import DeadlineItem
from portal.statistics import PercentileCont, share

PROMISE_HOURS = DECISION_TIME.total_seconds() / 3600
SOON = timedelta(hours=24)


class _EpochHours(Func):
    template = "EXTRACT(EPOCH FROM %(expressions)s) / 3600.0"
    output_field = FloatField()


def verification_statistics_compute(municipality, filters=None) -> dict:
    """{"decided", "median_hours", "p90_hours" (receipt of the documents → decision; None before any),
    "within_promise_share" (decided within 48 hours, of those decided), "waiting" (documents received, no decision
    yet), "promise_hours": 48}. One aggregate query; `filters` narrows by the day the documents came in."""
    cases = VerificationCase.objects.filter(municipality=municipality, documents_received_at__isnull=False)
    if filters is not None:
        with timezone.override(municipality.zone):
            if filters.date_from:
                cases = cases.filter(documents_received_at__date__gte=filters.date_from)
            if filters.date_to:
                cases = cases.filter(documents_received_at__date__lte=filters.date_to)
    decided = Q(decided_at__isnull=False)
    hours = _EpochHours(F("decided_at") - F("documents_received_at"))
    row = cases.aggregate(
        decided=Count("pk", filter=decided),
        median_hours=PercentileCont(hours, percentile=0.5),
        p90_hours=PercentileCont(hours, percentile=0.9),
        within=Count("pk", filter=decided & Q(decided_at__lte=F("documents_received_at") + DECISION_TIME)),
        waiting=Count("pk", filter=Q(status=VerificationCase.Status.DOCUMENTS_RECEIVED)),
    )
    return {
        "decided": row["decided"],
        "median_hours": row["median_hours"],
        "p90_hours": row["p90_hours"],
        "within_promise_share": share(row["within"], row["decided"]),
        "waiting": row["waiting"],
        "promise_hours": PROMISE_HOURS,
        "computed_at": timezone.now(),
    }


def verification_statistics_table(figures: dict) -> list[list]:
    keys = ["decided", "median_hours", "p90_hours", "within_promise_share", "waiting", "promise_hours"]
    return [keys, [figures[key] for key in keys]]


def _may_decide(user, municipality) -> bool:
    return user_is_clerk_of(
        user=user, municipality_id=municipality.pk, permission="identity_verification.change_verificationcase"
    )


def verification_list_url(user, municipality) -> str | None:
    """The cases waiting for a decision in the admin, for the verification office's clerks of `municipality`."""
    if not _may_decide(user, municipality):
        return None
    status = VerificationCase.Status.DOCUMENTS_RECEIVED
    return f"{reverse('admin:identity_verification_verificationcase_changelist')}?status__exact={status}"


def verification_deadlines(user, municipality, now: datetime | None = None, filters=None) -> list[DeadlineItem]:
    """Cases whose documents are in and whose 48 hours have passed or end within a day, for a clerk of the
    verification office of `municipality` (nothing for anyone else); the link opens the case in the admin."""
    if not _may_decide(user, municipality):
        return []
    now = now or timezone.now()
    cases = VerificationCase.objects.filter(
        municipality=municipality,
        status=VerificationCase.Status.DOCUMENTS_RECEIVED,
        documents_received_at__lt=now + SOON - DECISION_TIME,
    ).order_by("documents_received_at")[:100]
    return [
        DeadlineItem(
            title=_("Identity verification %(reference)s") % {"reference": case.reference},
            url=reverse("admin:identity_verification_verificationcase_change", args=[case.pk]),
            due=case.decision_deadline,
            overdue=case.decision_deadline < now,
        )
        for case in cases
    ]
