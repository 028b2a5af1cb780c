"""This app's sections of the citizen's case file (portal.registry): requests filed or voted on, and e-requests."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.registry import CaseFileItem
from requests_tracker.models import ERequest, PayableItem, Request

REQUEST_NEXT_STEPS = {
    Request.Status.REGISTERED: gettext_lazy(
        "The municipality will look at it; until then you may edit or withdraw it."
    ),
    Request.Status.ACKNOWLEDGED: gettext_lazy("It has been forwarded to the department responsible."),
    Request.Status.IN_PROGRESS: gettext_lazy("The department is working on it."),
    Request.Status.CLOSED: "",
    Request.Status.WITHDRAWN: "",
}
EREQUEST_NEXT_STEPS = {
    ERequest.Status.SUBMITTED: gettext_lazy("Waiting for its protocol number."),
    ERequest.Status.PROTOCOLLED: gettext_lazy("The department will start working on it."),
    ERequest.Status.IN_PROGRESS: gettext_lazy("The department is preparing the answer."),
    ERequest.Status.READY: gettext_lazy("Pick up the answer at the office."),
}


def request_items(user) -> list[CaseFileItem]:
    voted = Request.objects.filter(votes__citizen=user)
    rows = (Request.objects.filter(reporter=user) | voted).distinct().select_related("municipality")
    items = []
    for citizen_request in rows.order_by("-created_at")[:100]:
        mine = citizen_request.reporter_id == user.pk
        title = f"{citizen_request.code} {citizen_request.title}"
        next_step = str(REQUEST_NEXT_STEPS[citizen_request.status])
        if citizen_request.is_open and citizen_request.due_date:
            next_step += " " + _("Expected by %(day)s.") % {"day": date_format(citizen_request.due_date, "j E Y")}
        if not mine:
            title = _("%(request)s (you voted)") % {"request": title}
            if citizen_request.status == Request.Status.REGISTERED:
                next_step = _("The municipality will look at it.")
        items.append(
            CaseFileItem(
                title=title,
                url=reverse(
                    "requests_tracker:detail",
                    kwargs={"municipality_slug": citizen_request.municipality.slug, "code": citizen_request.code},
                ),
                status=citizen_request.get_status_display(),
                status_colour=citizen_request.status_colour,
                next_step=next_step,
                when=citizen_request.created_at,
            )
        )
    return items


def _erequest_next_step(erequest: ERequest) -> str:
    if erequest.status == ERequest.Status.ANSWERED:
        if erequest.delivery_method == "electronic":
            return _("Download the answer from its page.")
        if erequest.delivery_method == "post":
            return _("The answer is sent to you by post.")
        return _("Pick up the answer at the office.")
    if erequest.status == ERequest.Status.POSTED:
        return _("Posted to you by registered mail no. %(number)s.") % {"number": erequest.tracking_reference}
    if erequest.status == ERequest.Status.COLLECTED:
        return ""
    if erequest.status == ERequest.Status.REJECTED:
        return _("Read the reason on its page.")
    step = str(EREQUEST_NEXT_STEPS[erequest.status])
    if erequest.due_date:
        step += " " + _("Answer due by %(day)s.") % {"day": date_format(erequest.due_date, "SHORT_DATE_FORMAT")}
    return step


def erequest_items(user) -> list[CaseFileItem]:
    rows = ERequest.objects.filter(citizen=user).select_related("municipality", "type").order_by("-created_at")
    return [
        CaseFileItem(
            title=f"{erequest.protocol_label or erequest.reference} · {erequest.type.name}: {erequest.subject}",
            url=reverse(
                "requests_tracker:erequest_detail",
                kwargs={"municipality_slug": erequest.municipality.slug, "public_id": erequest.public_id},
            ),
            status=erequest.get_status_display(),
            status_colour=erequest.status_colour,
            next_step=_erequest_next_step(erequest),
            when=erequest.created_at,
        )
        for erequest in rows[:100]
    ]


def erequest_action(user):
    if user.is_verified_citizen and user.municipality is not None:
        url = reverse("requests_tracker:erequest_types", kwargs={"municipality_slug": user.municipality.slug})
        return (_("New e-request"), url)
    return None


def payment_items(user) -> list[CaseFileItem]:
    rows = PayableItem.objects.filter(citizen=user).select_related("municipality").order_by("-created_at")[:100]
    items = []
    for item in rows:
        if item.is_payable:
            next_step = _("Pay %(amount)s by %(day)s with the RF code or by card.") % {
                "amount": item.amount_display,
                "day": date_format(item.due_date, "SHORT_DATE_FORMAT"),
            }
        elif item.status == PayableItem.Status.PAID:
            next_step = _("Download the receipt from its page.")
        else:
            next_step = ""
        items.append(
            CaseFileItem(
                title=f"{item.rf_display} · {item.description} · {item.amount_display}",
                url=reverse("requests_tracker:payment_item", kwargs={"public_id": item.public_id}),
                status=item.get_status_display(),
                status_colour=item.status_colour,
                next_step=next_step,
                when=item.created_at,
            )
        )
    return items
