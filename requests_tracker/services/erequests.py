"""Writes for e-requests: filing, numbering in the central protocol, and the clerk's workflow.

They reuse the machinery shared with citizen requests (services/shared.py): staged uploads (`attachment_stage`,
`uploads.upload_check`), the compare-and-swap with its timeline entry (`timeline_transition`) and the e-mail outbox.
"""

import logging
import re
import uuid
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.services import audit_log, email_enqueue
from portal.working_days import working_days_add
from requests_tracker import uploads
from requests_tracker.models import Attachment, DeliveryMethod, ERequest, ERequestType
from requests_tracker.protocol import protocol_backend
from requests_tracker.services import payments
from requests_tracker.services.shared import RequestError, timeline_transition

logger = logging.getLogger(__name__)
Status = ERequest.Status
# From which statuses a clerk may take each step.
STEPS_FROM = {
    Status.IN_PROGRESS: (Status.PROTOCOLLED,),
    Status.ANSWERED: (Status.PROTOCOLLED, Status.IN_PROGRESS),
    Status.POSTED: (Status.PROTOCOLLED, Status.IN_PROGRESS),
    Status.READY: (Status.PROTOCOLLED, Status.IN_PROGRESS),
    Status.COLLECTED: (Status.READY,),
    Status.REJECTED: (Status.PROTOCOLLED, Status.IN_PROGRESS),
}
# How the answer reaches the citizen, by the delivery they chose: the step that ends the clerk's work.
DELIVERY_STEP = {
    DeliveryMethod.ELECTRONIC: Status.ANSWERED,
    DeliveryMethod.POST: Status.POSTED,
    DeliveryMethod.PICKUP: Status.READY,
}
ANSWER_NOT_PDF = _(
    "The answer must be a PDF document and this file is not one. Save or print the answer as PDF and upload it again."
)
# ΕΛΤΑ registered mail carries a UPU S10 number: 2 letters, 8 digits, a check digit, GR (e.g. RE123456785GR).
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


class DeliveryRefused(RequestError):
    """A delivery method the type does not allow, or post without an address."""


class AttachmentsMissing(RequestError):
    pass


def registered_mail_check(number: str) -> str:
    """The ΕΛΤΑ registered-mail number, tidied (upper case, no spaces), or RequestError if it cannot be one.

    UPU S10: the check digit is 11 − (Σ digit × weight mod 11), with 10 → 0 and 11 → 5.
    """
    compact = "".join(number.split()).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{9}GR", compact):
        raise RequestError(
            _("A ΕΛΤΑ registered-mail number has 2 letters, 9 digits and GR, e.g. RE123456785GR."),
            field="tracking_reference",
        )
    digits = [int(digit) for digit in compact[2:10]]
    check = 11 - sum(d * w for d, w in zip(digits, S10_WEIGHTS, strict=True)) % 11
    check = {10: 0, 11: 5}.get(check, check)
    if check != int(compact[10]):
        raise RequestError(
            _("This registered-mail number has a wrong check digit: copy it again from the ΕΛΤΑ receipt."),
            field="tracking_reference",
        )
    return compact


def delivery_check(*, erequest_type: ERequestType, delivery_method: str, postal_address: str) -> None:
    if delivery_method not in DeliveryMethod.values:
        raise DeliveryRefused(_("Choose how you want to receive the answer."), field="delivery_method")
    if delivery_method not in erequest_type.delivery_methods:
        raise DeliveryRefused(
            _("«%(type)s» cannot be delivered %(method)s. Choose one of: %(allowed)s.")
            % {
                "type": erequest_type.name,
                "method": DeliveryMethod(delivery_method).label,
                "allowed": ", ".join(str(label) for label in erequest_type.delivery_labels()),
            },
            field="delivery_method",
        )
    if delivery_method == DeliveryMethod.POST and not postal_address.strip():
        raise DeliveryRefused(_("Write the postal address the answer should be sent to."), field="postal_address")


def erequest_file(
    *,
    citizen,
    erequest_type: ERequestType,
    subject: str,
    description: str,
    delivery_method: str,
    postal_address: str = "",
    attachments: list[Attachment] = (),
) -> ERequest:
    """File an e-request and number it in the central protocol, in one transaction.

    If the protocol backend fails, the e-request is still saved (status submitted, no number) and a retried task
    numbers it later: a citizen's application is never lost to an outside system being down.
    """
    if not citizen.is_verified_citizen:
        raise RequestError(_("Only citizens whose identity is verified can file e-requests."))
    if not erequest_type.is_active:
        raise RequestError(_("This kind of e-request is not accepted online any more."))
    delivery_check(erequest_type=erequest_type, delivery_method=delivery_method, postal_address=postal_address)
    if len(attachments) < erequest_type.required_attachments:
        raise AttachmentsMissing(
            _("Attach the documents this application needs: at least %(count)s files (you attached %(given)s).")
            % {"count": erequest_type.required_attachments, "given": len(attachments)},
            field="files",
        )
    if len(attachments) > uploads.MAX_FILES:
        raise RequestError(_("A request can have at most %(count)s files.") % {"count": uploads.MAX_FILES})
    payments.fee_check(erequest_type=erequest_type)
    now = timezone.now()
    today = timezone.localdate(now, erequest_type.municipality.zone)
    with transaction.atomic():
        erequest = ERequest.objects.create(
            municipality=erequest_type.municipality,
            type=erequest_type,
            department=erequest_type.department,
            citizen=citizen,
            subject=subject.strip(),
            description=description.strip(),
            delivery_method=delivery_method,
            postal_address=postal_address.strip() if delivery_method == DeliveryMethod.POST else "",
            due_date=erequest_due_date(erequest_type=erequest_type, start=today),
            created_at=now,
            updated_at=now,
        )
        erequest.timeline.create(from_status="", to_status=Status.SUBMITTED, changed_by=citizen, created_at=now)
        ids = [attachment.pk for attachment in attachments]
        attached = Attachment.objects.filter(pk__in=ids, uploaded_by=citizen, request=None, erequest=None).update(
            erequest=erequest
        )
        if attached != len(ids):
            raise RequestError(_("Some of the files are no longer available; add them again."))
        audit_log(action="requests.erequest.filed", target=erequest, actor=citizen, municipality=erequest.municipality)
        if erequest_type.fee_cents:
            payments.erequest_fee_issue(erequest=erequest)
        try:
            with transaction.atomic():  # a savepoint: a failing protocol undoes only the numbering
                _protocol_number(erequest)
        except Exception:
            logger.exception("The protocol could not number e-request %s now; it is queued", erequest.pk)
            _notify(erequest=erequest)
            transaction.on_commit(lambda: _numbering_enqueue(erequest.pk))
    erequest.refresh_from_db()
    return erequest


def erequest_due_date(*, erequest_type: ERequestType, start: date) -> date:
    """The legal deadline (calendar days), or the type's own target in working days when that comes sooner."""
    legal = start + timedelta(days=erequest_type.response_days)
    if erequest_type.target_working_days:
        return min(
            legal,
            working_days_add(start, erequest_type.target_working_days, municipality_id=erequest_type.municipality_id),
        )
    return legal


def _numbering_enqueue(erequest_id: int) -> None:
    from requests_tracker.tasks import erequest_number

    try:
        erequest_number.delay(erequest_id)
    except Exception:
        # The broker is down too: erequests_number_pending (every few minutes) finds the e-request by its status.
        logger.exception("Could not enqueue the numbering of e-request %s", erequest_id)


def _protocol_number(erequest: ERequest) -> None:
    entry = protocol_backend().register(erequest=erequest)
    timeline_transition(
        target=erequest,
        from_status=Status.SUBMITTED,
        to_status=Status.PROTOCOLLED,
        actor=None,
        audit_action="requests.erequest.protocolled",
        changes={
            "protocol_number": entry.number,
            "protocol_year": entry.year,
            "protocol_date": entry.date,
            "due_date": erequest_due_date(erequest_type=erequest.type, start=entry.date),
        },
    )
    erequest.refresh_from_db()
    _notify(erequest=erequest)


def erequest_number(*, erequest_id: int) -> bool:
    """Number an e-request the protocol could not number at filing; True if this call numbered it. Idempotent.

    The row lock makes two workers that got the same task number it once: the second waits, then finds the number.
    """
    with transaction.atomic():
        erequest = (
            ERequest.objects.select_for_update(of=("self",))
            .select_related("municipality", "type")
            .filter(pk=erequest_id)
            .first()
        )
        if erequest is None or erequest.protocol_number is not None:
            return False
        _protocol_number(erequest)
    return True


def erequests_unnumbered(*, older_than: timedelta) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(
        ERequest.objects.filter(status=Status.SUBMITTED, created_at__lt=cutoff).values_list("pk", flat=True)[:500]
    )


# --- The clerk's workflow


def _step(*, erequest: ERequest, to_status: str, clerk, note: str = "", changes: dict | None = None) -> ERequest:
    if to_status != Status.REJECTED and fee_unpaid(erequest=erequest):
        raise RequestError(_("This e-request waits for its fee to be paid: it cannot be handled yet."))
    if erequest.status not in STEPS_FROM[to_status]:
        raise RequestError(
            _("This e-request is %(status)s: it cannot be moved to %(to)s.")
            % {"status": erequest.get_status_display(), "to": Status(to_status).label}
        )
    with transaction.atomic():
        timeline_transition(
            target=erequest,
            from_status=erequest.status,
            to_status=to_status,
            actor=clerk,
            note=note,
            audit_action=f"requests.erequest.{to_status}",
            changes=changes,
        )
        erequest.refresh_from_db()
        _notify(erequest=erequest, note=note.strip())
    return erequest


def erequest_start(*, erequest: ERequest, clerk, note: str = "") -> ERequest:
    return _step(erequest=erequest, to_status=Status.IN_PROGRESS, clerk=clerk, note=note)


def erequest_reject(*, erequest: ERequest, clerk, reason: str) -> ERequest:
    """Reject, and settle its fee in the same transaction: an unpaid one is cancelled, a paid one refunded."""
    if not reason.strip():
        raise RequestError(_("Write the reason for the rejection: the citizen reads it."))
    with transaction.atomic():
        erequest = _step(
            erequest=erequest,
            to_status=Status.REJECTED,
            clerk=clerk,
            note=reason,
            changes={"rejection_reason": reason.strip()},
        )
        payments.fee_settle_on_rejection(erequest=erequest, clerk=clerk, reason=reason)
    return erequest


def erequest_answer(*, erequest: ERequest, clerk, checked: uploads.CheckedUpload, note: str = "") -> ERequest:
    """The answer document (a certificate, an attestation) for electronic delivery: a PDF, judged by its content."""
    if erequest.delivery_method != DeliveryMethod.ELECTRONIC:
        raise RequestError(
            _("The citizen asked for delivery %(method)s: record that step instead of uploading an answer.")
            % {"method": DeliveryMethod(erequest.delivery_method).label}
        )
    if checked.content_type != "application/pdf":
        raise RequestError(ANSWER_NOT_PDF, field="document")
    if erequest.status not in STEPS_FROM[Status.ANSWERED]:
        return _step(erequest=erequest, to_status=Status.ANSWERED, clerk=clerk)  # raises with the reason
    return _with_document(
        erequest=erequest, clerk=clerk, checked=checked, to_status=Status.ANSWERED, note=note, changes={}
    )


def _with_document(*, erequest, clerk, checked, to_status, note, changes) -> ERequest:
    """A step that keeps a PDF as the e-request's answer (the answer itself, or the scan of what was posted)."""
    with transaction.atomic():
        answer = Attachment(
            erequest=erequest,
            uploaded_by=clerk,
            kind=Attachment.Kind.DOCUMENT,
            original_name=checked.original_name,
            size=checked.size,
            content_type=checked.content_type,
        )
        answer.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(checked.content), save=False)
        try:
            answer.save()
            return _step(
                erequest=erequest, to_status=to_status, clerk=clerk, note=note, changes={**changes, "answer": answer}
            )
        except Exception:
            answer.file.delete(save=False)  # the rollback removes the row, not the file
            raise


def erequest_dispatch_record(
    *,
    erequest: ERequest,
    clerk,
    dispatched_on: date,
    tracking_reference: str,
    scan: uploads.CheckedUpload | None = None,
    note: str = "",
) -> ERequest:
    """«Καταγραφή αποστολής»: the answer went by registered mail on `dispatched_on`; a scan of it is optional."""
    if erequest.delivery_method != DeliveryMethod.POST:
        raise RequestError(_("Only an e-request the citizen asked to receive by post has a dispatch to record."))
    number = registered_mail_check(tracking_reference)
    today = timezone.localdate(timezone.now(), erequest.municipality.zone)
    if dispatched_on > today:
        raise RequestError(_("The dispatch date cannot be in the future."), field="dispatched_on")
    if erequest.protocol_date and dispatched_on < erequest.protocol_date:
        raise RequestError(_("The dispatch date cannot be before the protocol date."), field="dispatched_on")
    changes = {"dispatched_on": dispatched_on, "tracking_reference": number}
    if scan is None:
        return _step(erequest=erequest, to_status=Status.POSTED, clerk=clerk, note=note, changes=changes)
    if scan.content_type != "application/pdf":
        raise RequestError(_("The scan of what was posted must be a PDF document."), field="scan")
    return _with_document(
        erequest=erequest, clerk=clerk, checked=scan, to_status=Status.POSTED, note=note, changes=changes
    )


def erequest_ready_for_pickup(*, erequest: ERequest, clerk, office: str, hours: str, note: str = "") -> ERequest:
    """«Έτοιμο για παραλαβή»: the answer waits at `office`, open at `hours`."""
    if erequest.delivery_method != DeliveryMethod.PICKUP:
        raise RequestError(_("Only an e-request the citizen asked to pick up can be marked ready for pick-up."))
    if not office.strip():
        raise RequestError(_("Write the office where the citizen picks up the answer."), field="office")
    if not hours.strip():
        raise RequestError(_("Write the office's opening hours."), field="hours")
    changes = {"pickup_office": office.strip(), "pickup_hours": hours.strip()}
    return _step(erequest=erequest, to_status=Status.READY, clerk=clerk, note=note, changes=changes)


def erequest_collected(*, erequest: ERequest, clerk, note: str = "") -> ERequest:
    """«Παραλήφθηκε»: the citizen (or their representative) took the answer from the office."""
    return _step(erequest=erequest, to_status=Status.COLLECTED, clerk=clerk, note=note)


def fee_unpaid(*, erequest: ERequest) -> bool:
    """An e-request whose type carries a fee waits until the fee is paid before a clerk handles it."""
    from requests_tracker.models import PayableItem

    return PayableItem.objects.filter(erequest=erequest, status=PayableItem.Status.PAYABLE).exists()


def _notify(*, erequest: ERequest, note: str = "", template: str = "requests_tracker/email/erequest_status") -> None:
    citizen = erequest.citizen
    if not citizen.is_active or not citizen.email:
        return
    email_enqueue(
        to=[citizen.email],
        template=template,
        context={"erequest": erequest, "note": note, "recipient": citizen},
        language=citizen.language,
    )
