"""Every write of the identity-verification flow: a citizen's request, and the clerk's receipt and decision.

State changes are compare-and-swap (`_transition`): of two clerks deciding one case at once exactly one succeeds,
and the other learns who was first.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import user_mark_verified
from identity_verification import selectors
from identity_verification.models import Office, VerificationCase, VerificationDocument, private_storage
from portal.errors import PortalError
from portal.models import Municipality
from portal.services import audit_log, email_enqueue
from portal.uploads import CheckedUpload

Status = VerificationCase.Status
Method = VerificationCase.Method


class VerificationError(PortalError):
    """A request the current state does not allow; `str(error)` is a message for the person who asked."""

    message = _("This request cannot be carried out.")


class AlreadyVerified(VerificationError):
    message = _("Your account is already verified.")


class CaseAlreadyOpen(VerificationError):
    message = _("You already have a verification request in progress.")


class AfmTaken(VerificationError):
    message = _("This tax number (ΑΦΜ) belongs to another account. If it is yours, contact the municipality.")


class InvalidRequest(VerificationError):
    pass


class CaseStateChanged(VerificationError):
    """Someone else moved the case first (the compare-and-swap found another status)."""

    def __init__(self, case: VerificationCase):
        self.case = case
        super().__init__()

    def __str__(self) -> str:
        case = self.case
        if case.status in VerificationCase.DECIDED_STATUSES:
            return gettext("Request %(reference)s was already decided by %(clerk)s on %(time)s: %(status)s.") % {
                "reference": case.reference,
                "clerk": case.decided_by or gettext("another clerk"),
                "time": _when(case.decided_at),
                "status": case.get_status_display(),
            }
        if case.status == Status.DOCUMENTS_RECEIVED:
            return gettext(
                "The receipt of the documents of request %(reference)s was already recorded by %(clerk)s on %(time)s."
            ) % {
                "reference": case.reference,
                "clerk": case.received_by or gettext("another clerk"),
                "time": _when(case.documents_received_at),
            }
        return gettext("Request %(reference)s cannot be decided before its documents are received.") % {
            "reference": case.reference
        }


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else ""


# --- The citizen's request -------------------------------------------------------------------------------------


def case_submit(
    *,
    citizen: User,
    municipality: Municipality,
    method: str,
    afm: str,
    office: Office | None = None,
    documents: dict[str, CheckedUpload] | None = None,
) -> VerificationCase:
    """Open a verification request. Online requests carry both scans; in-person ones name an office."""
    documents = documents or {}
    if citizen.is_verified_citizen:
        raise AlreadyVerified
    if method == Method.IN_PERSON:
        if office is None or office.municipality_id != municipality.pk or office.kind != Office.Kind.COUNTER:
            raise InvalidRequest(_("Choose one of the municipality's offices."))
    else:
        office = None
    if method == Method.ONLINE and set(documents) != set(VerificationDocument.Kind.values):
        raise InvalidRequest(_("Upload both documents."))
    if method != Method.ONLINE:
        documents = {}

    stored: list[str] = []
    try:
        with transaction.atomic():
            _afm_check_free(citizen=citizen, afm=afm)
            try:
                with transaction.atomic():
                    # The scans arrive with an online request: its 48 hours for a decision start at once,
                    # without a clerk's «Παραλαβή δικαιολογητικών» (which in person and by post starts them).
                    received = {"status": Status.DOCUMENTS_RECEIVED, "documents_received_at": timezone.now()}
                    case = VerificationCase.objects.create(
                        citizen=citizen,
                        municipality=municipality,
                        method=method,
                        office=office,
                        afm=afm,
                        **(received if method == Method.ONLINE else {}),
                    )
            except IntegrityError as error:
                if _constraint(error) == "identity_verification_one_open_case_per_citizen":
                    raise CaseAlreadyOpen from error
                raise
            for kind, upload in documents.items():
                document = VerificationDocument(
                    case=case,
                    kind=kind,
                    original_name=upload.original_name,
                    size=upload.size,
                    content_type=upload.content_type,
                )
                document.file.save("upload", ContentFile(upload.content), save=False)
                stored.append(document.file.name)
                document.save()
            audit_log(
                action="identity_verification.case.submitted",
                target=case,
                actor=citizen,
                municipality=municipality,
                data={"method": method, "office": office.pk if office else None, "documents": len(documents)},
            )
            _email_citizen(case=case, template="submitted")
    except BaseException:
        # A rolled-back request must not leave scans of someone's identity card behind.
        for name in stored:
            private_storage().delete(name)
        raise
    return case


def _afm_check_free(*, citizen: User, afm: str) -> None:
    # The ΑΦΜ stays on the case until a clerk approves it: an unproven claim must not reserve someone else's
    # tax number (that would lock its owner out of TAXISnet login).
    if User.objects.filter(afm=afm).exclude(pk=citizen.pk).exists():
        raise AfmTaken


def _afm_confirm(*, citizen: User, afm: str) -> None:
    """On approval the proven ΑΦΜ moves to the account."""
    if citizen.afm == afm:
        return
    _afm_check_free(citizen=citizen, afm=afm)
    citizen.afm = afm
    try:
        with transaction.atomic():
            citizen.save(update_fields=["afm"])
    except IntegrityError as error:  # another account took it between the check and the write
        if _constraint(error) == "accounts_user_unique_afm":
            raise AfmTaken from error
        raise


def _constraint(error: IntegrityError) -> str | None:
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)


# --- The clerk's steps ------------------------------------------------------------------------------------------


def _transition(*, case: VerificationCase, from_status: str, **changes) -> bool:
    """Compare-and-swap: apply `changes` only if the case is still in `from_status`; True if this call did."""
    return VerificationCase.objects.filter(pk=case.pk, status=from_status).update(**changes) == 1


def _ensure_clerk(*, clerk: User, case: VerificationCase) -> None:
    if not selectors.staff_may_handle(user=clerk, case=case, permission="change_verificationcase"):
        raise PermissionDenied


@transaction.atomic
def case_mark_received(*, case: VerificationCase, clerk: User) -> VerificationCase:
    """«Παραλαβή δικαιολογητικών»: the 48 hours for a decision start now."""
    _ensure_clerk(clerk=clerk, case=case)
    now = timezone.now()
    if not _transition(
        case=case,
        from_status=Status.SUBMITTED,
        status=Status.DOCUMENTS_RECEIVED,
        documents_received_at=now,
        received_by=clerk,
    ):
        case.refresh_from_db()
        raise CaseStateChanged(case)
    case.refresh_from_db()
    audit_log(
        action="identity_verification.case.received",
        target=case,
        actor=clerk,
        municipality=case.municipality,
        data={"deadline": case.decision_deadline.isoformat()},
    )
    _email_citizen(case=case, template="received")
    return case


@transaction.atomic
def case_approve(*, case: VerificationCase, clerk: User) -> VerificationCase:
    """«Έγκριση»: the citizen becomes verified, in the same transaction as the decision."""
    _ensure_clerk(clerk=clerk, case=case)
    now = timezone.now()
    if not _transition(
        case=case, from_status=Status.DOCUMENTS_RECEIVED, status=Status.APPROVED, decided_at=now, decided_by=clerk
    ):
        case.refresh_from_db()
        raise CaseStateChanged(case)
    case.refresh_from_db()
    _afm_confirm(citizen=case.citizen, afm=case.afm)
    user_mark_verified(user=case.citizen, method=case.method, actor=clerk, at=now)
    audit_log(
        action="identity_verification.case.approved",
        target=case,
        actor=clerk,
        municipality=case.municipality,
        data={"method": case.method, "overdue": now > case.decision_deadline},
    )
    _email_citizen(case=case, template="approved")
    return case


@transaction.atomic
def case_reject(*, case: VerificationCase, clerk: User, reason: str) -> VerificationCase:
    """«Απόρριψη» with a reason the citizen reads. The citizen may then send a new request."""
    _ensure_clerk(clerk=clerk, case=case)
    reason = reason.strip()
    if not reason:
        raise InvalidRequest(_("Give the reason for the rejection: the citizen will read it."))
    now = timezone.now()
    if not _transition(
        case=case,
        from_status=Status.DOCUMENTS_RECEIVED,
        status=Status.REJECTED,
        decided_at=now,
        decided_by=clerk,
        rejection_reason=reason,
    ):
        case.refresh_from_db()
        raise CaseStateChanged(case)
    case.refresh_from_db()
    audit_log(
        action="identity_verification.case.rejected",
        target=case,
        actor=clerk,
        municipality=case.municipality,
        data={"reason": reason, "overdue": now > case.decision_deadline},
    )
    _email_citizen(case=case, template="rejected")
    return case


def _email_citizen(*, case: VerificationCase, template: str) -> None:
    citizen = case.citizen
    if not citizen.email:
        return
    language = citizen.language or settings.LANGUAGE_CODE
    with translation.override(language):
        case_url = settings.SITE_URL + reverse("identity_verification:case", kwargs={"public_id": case.public_id})
    email_enqueue(
        to=[citizen.email],
        template=f"identity_verification/email/{template}",
        context={
            "citizen": citizen,
            "case": case,
            "case_url": case_url,
            "municipality": case.municipality,
            "office": case.office,
            "postal_address": selectors.postal_address_get(municipality=case.municipality),
            "time_zone": case.municipality.time_zone,
        },
        language=language,
    )


def citizen_documents_delete(*, citizen: User) -> int:
    """Erase a citizen's uploaded scans, files included (for account deletion); returns how many were erased.

    Deleting a user cascades to their cases and document rows, but never to files on disk: call this first.
    """
    documents = list(VerificationDocument.objects.filter(case__citizen=citizen))
    with transaction.atomic():
        VerificationDocument.objects.filter(pk__in=[document.pk for document in documents]).delete()
        names = [document.file.name for document in documents]
        transaction.on_commit(lambda: [private_storage().delete(name) for name in names])
    return len(documents)


# --- Personal data (registered with accounts in apps.py) ------------------------------------------------------------


def citizen_data_export(citizen: User) -> list[dict]:
    return [
        {
            "reference": case.reference,
            "municipality": case.municipality.slug,
            "method": case.method,
            "status": case.status,
            "afm": case.afm,
            "office": case.office.name_el if case.office else None,
            "submitted_at": case.submitted_at.isoformat() if case.submitted_at else None,
            "documents_received_at": case.documents_received_at.isoformat() if case.documents_received_at else None,
            "decided_at": case.decided_at.isoformat() if case.decided_at else None,
            "rejection_reason": case.rejection_reason,
            "documents": [
                {"kind": document.kind, "original_name": document.original_name, "size": document.size}
                for document in case.documents.all()
            ],
        }
        for case in VerificationCase.objects.filter(citizen=citizen).select_related("municipality", "office")
    ]


def citizen_data_erase(citizen: User) -> None:
    """The scans go; the case rows stay as the record of the clerks' decisions, without the tax number."""
    citizen_documents_delete(citizen=citizen)
    VerificationCase.objects.filter(citizen=citizen).update(afm="")
