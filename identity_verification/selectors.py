from dataclasses import dataclass
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from accounts.selectors import user_is_clerk_of
from identity_verification.models import Office, VerificationCase, VerificationDocument
from portal.models import Municipality


@dataclass(frozen=True)
class PostalAddress:
    recipient: str
    address: str


def offices_list(*, municipality: Municipality | None = None) -> QuerySet[Office]:
    """Counters where citizens can bring their documents, of one municipality or of all."""
    offices = Office.objects.filter(kind=Office.Kind.COUNTER, is_active=True).select_related("municipality")
    if municipality is not None:
        offices = offices.filter(municipality=municipality)
    return offices


def postal_address_get(*, municipality: Municipality) -> PostalAddress:
    """Where applications by post go: the municipality's postal entry, else its town-hall address."""
    office = Office.objects.filter(municipality=municipality, kind=Office.Kind.POSTAL, is_active=True).first()
    if office is not None:
        return PostalAddress(recipient=office.name, address=office.address)
    return PostalAddress(recipient=municipality.name, address=municipality.address)


def case_open_get(*, citizen: User) -> VerificationCase | None:
    return VerificationCase.objects.open().filter(citizen=citizen).first()


def case_latest_get(*, citizen: User) -> VerificationCase | None:
    return VerificationCase.objects.filter(citizen=citizen).order_by("-submitted_at").first()


def case_get_for_citizen(*, citizen: User, public_id: UUID) -> VerificationCase:
    """The citizen's own case, or 404: nobody learns whether someone else's case exists."""
    case = (
        VerificationCase.objects.select_related("municipality", "office", "decided_by", "citizen")
        .filter(citizen=citizen, public_id=public_id)
        .first()
    )
    if case is None:
        raise Http404
    return case


def staff_may_handle(*, user: User, case: VerificationCase, permission: str) -> bool:
    """A clerk of the case's municipality holding `permission` (e.g. "view_verificationdocument"), or a superuser."""
    return user_is_clerk_of(
        user=user, municipality_id=case.municipality_id, permission=f"identity_verification.{permission}"
    )


def document_get_for_user(*, user: User, public_id: UUID) -> VerificationDocument:
    """A scan for its own citizen or an authorised clerk of the case's municipality; 404 for everyone else."""
    document = VerificationDocument.objects.select_related("case").filter(public_id=public_id).first()
    if document is None or not user.is_authenticated:
        raise Http404
    case = document.case
    if case.citizen_id == user.pk or staff_may_handle(user=user, case=case, permission="view_verificationdocument"):
        return document
    raise Http404


@dataclass(frozen=True)
class Places:
    """Where a municipality's citizens bring or post their documents."""

    municipality: Municipality
    offices: list[Office]
    postal_address: PostalAddress


def places_list(*, municipality: Municipality | None = None) -> list[Places]:
    municipalities = [municipality] if municipality is not None else list(Municipality.objects.all())
    offices = list(offices_list(municipality=municipality))
    return [
        Places(
            municipality=each,
            offices=[office for office in offices if office.municipality_id == each.pk],
            postal_address=postal_address_get(municipality=each),
        )
        for each in municipalities
    ]


def case_file_items(user: User) -> list:
    """The verification part of the citizen's case file (portal.registry): verified, a case under way, or neither."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from portal.registry import CaseFileItem

    if user.is_verified_citizen:
        return [
            CaseFileItem(
                title=_("Identity verified (%(method)s)") % {"method": user.get_identity_verification_method_display()},
                url=reverse("identity_verification:start"),
                status=_("Verified"),
                status_colour="text-bg-success",
                next_step=_("You can book appointments and file e-requests."),
                when=user.identity_verified_at,
            )
        ]
    case = case_latest_get(citizen=user)
    if case is None:
        return [
            CaseFileItem(
                title=_("Identity not verified yet"),
                url=reverse("identity_verification:start"),
                status=_("Not verified"),
                status_colour="text-bg-warning",
                next_step=_("Ask to be verified, to book appointments and file e-requests."),
            )
        ]
    next_steps = {
        VerificationCase.Status.SUBMITTED: _("Bring or send your documents to the municipality."),
        VerificationCase.Status.DOCUMENTS_RECEIVED: _("The municipality decides within 48 hours of receiving them."),
        VerificationCase.Status.REJECTED: _("Read the reason and ask again."),
    }
    colours = {VerificationCase.Status.REJECTED: "text-bg-danger", VerificationCase.Status.SUBMITTED: "text-bg-warning"}
    return [
        CaseFileItem(
            title=_("Verification request %(reference)s") % {"reference": case.reference},
            url=reverse("identity_verification:case", kwargs={"public_id": case.public_id}),
            status=case.get_status_display(),
            status_colour=colours.get(case.status, "text-bg-primary"),
            next_step=next_steps.get(case.status, ""),
            when=case.submitted_at,
        )
    ]
