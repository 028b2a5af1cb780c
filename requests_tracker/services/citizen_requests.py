"""Writes for citizen requests: filing, editing, the staff workflow, votes and comments."""

from datetime import timedelta
from decimal import Decimal

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Department, Municipality
from portal.services import audit_log, email_enqueue
from requests_tracker import uploads
from requests_tracker.caching import requests_changed
from requests_tracker.geocoding import GeocoderUnavailable, as_decimal, first_match, municipality_area
from requests_tracker.models import (
    Attachment,
    Category,
    Comment,
    CommentSignature,
    Request,
    StatusChange,
    Vote,
    code_generate,
    code_prefix,
)
from requests_tracker.services import service_levels
from requests_tracker.services.shared import (
    NotEditable,
    RequestError,
    StatusChanged,
    attachments_delete,
    timeline_transition,
)

Status = Request.Status
Resolution = Request.Resolution


class OutsideArea(RequestError):
    pass


class LocationMissing(RequestError):
    pass


class AddressNotFound(RequestError):
    pass


class AddressLookupUnavailable(RequestError):
    pass


# --- Filing and editing

ADDRESS_SALT = "requests_tracker.address"


def address_token(label: str) -> str:
    """A signature the geocoder's answers carry to the form: the address the form posts back is one we found."""
    return signing.dumps(label, salt=ADDRESS_SALT, compress=True)


def address_confirmed(*, address: str, token: str | None) -> str:
    """The address to save with coordinates from the map: only one the geocoder gave (signed), else none.

    `token=None` is a trusted caller (an Open311 client states its own address_string).
    """
    address = address.strip()
    if token is None or not address:
        return address
    try:
        return address if signing.loads(token, salt=ADDRESS_SALT) == address else ""
    except signing.BadSignature:
        return ""


def location_resolve(
    *,
    municipality: Municipality,
    latitude: Decimal | None,
    longitude: Decimal | None,
    address: str,
    address_token: str | None = None,
) -> tuple[Decimal, Decimal, str]:
    """The coordinates and address to save: the marker's with a confirmed address, or the typed address's place.

    The address is looked up only without coordinates: a form posted without JavaScript, or an Open311 client that
    sends address_string alone; the place's own label is then saved, never the text typed. With coordinates, a
    typed address the geocoder did not give is dropped (address_confirmed). Call it before any transaction: the
    geocoder is an outside server.
    """
    if latitude is not None and longitude is not None:
        return latitude, longitude, address_confirmed(address=address, token=address_token)
    if not address.strip():
        raise LocationMissing(_("Show where the problem is: place the marker on the map or type an address."))
    try:
        place = first_match(query=address, municipality=municipality)
    except GeocoderUnavailable as error:
        raise AddressLookupUnavailable(
            _("The address search is not available right now. Place the marker on the map, or try later."),
            field="address",
        ) from error
    if place is None:
        raise AddressNotFound(_("No place with this address was found in the municipality."), field="address")
    return as_decimal(place.latitude), as_decimal(place.longitude), place.label[:255]


def location_check(*, municipality: Municipality, latitude, longitude) -> None:
    if not municipality_area(municipality).contains(latitude, longitude):
        raise OutsideArea(
            _("This location is outside the area of %(municipality)s. Move the marker into the municipality.")
            % {"municipality": municipality.name}
        )


def request_create(
    *,
    municipality: Municipality,
    reporter,
    category: Category,
    title: str,
    description: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    address: str = "",
    attachments: list[Attachment] = (),
    note: str = "",
    address_token: str | None = None,
) -> Request:
    """File a request; without coordinates, the typed address is looked up (location_resolve)."""
    if category.municipality_id != municipality.pk:
        raise RequestError(_("Choose one of this municipality's categories."))
    latitude, longitude, address = location_resolve(
        municipality=municipality, latitude=latitude, longitude=longitude, address=address, address_token=address_token
    )
    location_check(municipality=municipality, latitude=latitude, longitude=longitude)
    now = timezone.now()
    due_date, remind_on = service_levels.target_dates(
        start=service_levels.local_date(now, municipality),
        target_working_days=category.target_working_days,
        municipality_id=municipality.pk,
    )
    with transaction.atomic():
        for _attempt in range(5):
            try:
                with transaction.atomic():  # a savepoint: a (very unlikely) code collision retries with a new one
                    citizen_request = Request.objects.create(
                        code=code_generate(code_prefix(municipality)),
                        municipality=municipality,
                        category=category,
                        department=category.department,
                        title=title.strip(),
                        description=description.strip(),
                        latitude=latitude,
                        longitude=longitude,
                        address=address.strip(),
                        reporter=reporter,
                        due_date=due_date,
                        remind_on=remind_on,
                        created_at=now,
                        updated_at=now,
                    )
                break
            except IntegrityError:
                continue
        else:
            raise RequestError(_("Could not file the request; please try again."))
        StatusChange.objects.create(
            request=citizen_request,
            from_status="",
            to_status=Status.REGISTERED,
            changed_by=reporter,
            note=note,
            created_at=now,
        )
        attachments_attach(citizen_request=citizen_request, attachments=attachments, user=reporter)
        audit_log(action="requests.request.created", target=citizen_request, actor=reporter, municipality=municipality)
        if reporter is not None and reporter.email:
            # «Το αίτημά σας καταχωρίστηκε»: the code and the promised date, in the reporter's language.
            email_enqueue(
                to=[reporter.email],
                template="requests_tracker/email/request_filed",
                context={"citizen_request": citizen_request, "recipient": reporter},
                language=reporter.language,
            )
    return citizen_request


def request_update(
    *,
    citizen_request: Request,
    user,
    category: Category,
    title: str,
    description: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    address: str = "",
    attachments: list[Attachment] = (),
    address_token: str | None = None,
) -> Request:
    """The reporter's edit, allowed only while Registered (compare-and-swap on the status)."""
    if citizen_request.reporter_id != getattr(user, "pk", None):
        raise NotEditable(_("Only the citizen who filed a request may edit it."))
    if category.municipality_id != citizen_request.municipality_id:
        raise RequestError(_("Choose one of this municipality's categories."))
    latitude, longitude, address = location_resolve(
        municipality=citizen_request.municipality,
        latitude=latitude,
        longitude=longitude,
        address=address,
        address_token=address_token,
    )
    location_check(municipality=citizen_request.municipality, latitude=latitude, longitude=longitude)
    with transaction.atomic():
        changed = Request.objects.filter(pk=citizen_request.pk, status=Status.REGISTERED).update(
            category=category,
            department=category.department,
            title=title.strip(),
            description=description.strip(),
            latitude=latitude,
            longitude=longitude,
            address=address.strip(),
            updated_at=timezone.now(),
        )
        if changed != 1:
            raise NotEditable(_("This request can no longer be edited: the municipality has already taken it up."))
        requests_changed(municipality_id=citizen_request.municipality_id)
        attachments_attach(citizen_request=citizen_request, attachments=attachments, user=user)
        audit_log(
            action="requests.request.edited",
            target=citizen_request,
            actor=user,
            municipality=citizen_request.municipality,
        )
    citizen_request.refresh_from_db()
    return citizen_request


def request_withdraw(*, citizen_request: Request, user, note: str = "") -> Request:
    """The reporter takes back a request still Registered: it becomes Withdrawn, nothing is deleted.

    Compare-and-swap on Registered (no clerk can take it up in between); its photos, votes and comments stay for the
    record, the timeline shows the step, and Open311 reports it closed. It leaves the public list.
    """
    if citizen_request.reporter_id != getattr(user, "pk", None):
        raise NotEditable(_("Only the citizen who filed a request may withdraw it."))
    try:
        timeline_transition(
            target=citizen_request,
            from_status=Status.REGISTERED,
            to_status=Status.WITHDRAWN,
            actor=user,
            note=note,
            audit_action="requests.request.withdrawn",
        )
    except StatusChanged as error:
        raise NotEditable(
            _("This request can no longer be withdrawn: the municipality has already taken it up.")
        ) from error
    citizen_request.refresh_from_db()
    return citizen_request


# Staged uploads (not yet part of a request) one account may hold at once; the beat task purges abandoned ones.
STAGED_MAX_FILES = 15
STAGED_MAX_BYTES = 50 * 1024 * 1024
STAGED_ABANDONED_AFTER = timedelta(days=1)


def staged_quota_check(*, user, adding: int) -> None:
    """Refuse an upload that would take one account's staged files past the quota (before any is written)."""
    staged = Attachment.objects.filter(uploaded_by=user, request=None, erequest=None)
    totals = staged.aggregate(count=Count("pk"), size=Sum("size"))
    if totals["count"] >= STAGED_MAX_FILES or (totals["size"] or 0) + (adding or 0) > STAGED_MAX_BYTES:
        raise RequestError(
            _("You have too many files waiting to be filed. File your request, or try again tomorrow."),
            field="files",
        )


def staged_duplicate_check(*, user, checked: uploads.CheckedUpload, staged_ids) -> None:
    """The same file twice in one request counts twice against the limit of five: refuse the second one.

    Compared by content after the check (images re-encoded the same way give the same bytes), among the form's staged
    files of the same size only, so at most a handful of small reads.
    """
    ids = [int(value) for value in staged_ids if str(value).isdigit()]
    same_size = Attachment.objects.filter(pk__in=ids, uploaded_by=user, request=None, erequest=None, size=checked.size)
    for attachment in same_size:
        with attachment.file.open("rb") as stored:
            if stored.read() == checked.content:
                raise RequestError(
                    _("%(name)s: this file is already among the files of this request.")
                    % {"name": checked.original_name},
                    field="files",
                )


def staged_uploads_purge(*, now=None) -> int:
    """Delete the staged uploads nobody filed within a day (rows now, files after the commit); how many went."""
    cutoff = (now or timezone.now()) - STAGED_ABANDONED_AFTER
    abandoned = list(Attachment.objects.filter(request=None, erequest=None, created_at__lt=cutoff))
    attachments_delete(attachments=abandoned)
    return len(abandoned)


def attachments_attach(*, citizen_request: Request, attachments, user) -> None:
    ids = [attachment.pk for attachment in attachments]
    if not ids:
        return
    already = citizen_request.attachments.count()
    if already + len(ids) > uploads.MAX_FILES:
        raise RequestError(_("A request can have at most %(count)s files.") % {"count": uploads.MAX_FILES})
    Attachment.objects.filter(pk__in=ids, uploaded_by=user, request=None, erequest=None).update(request=citizen_request)


# --- Staff workflow


def status_change(
    *,
    citizen_request: Request,
    to_status: str,
    clerk,
    note: str = "",
    resolution: str = "",
    duplicate_of: Request | None = None,
) -> Request:
    """Move a request to another status, compare-and-swap on the status the clerk saw; always one timeline entry.

    Moving back (e.g. a closed request re-opened) is allowed with a note. Closing needs a resolution; a duplicate
    needs the original. The reporter and every voter are e-mailed, each in their own language, after the commit.
    """
    from_status = citizen_request.status
    if from_status == Status.WITHDRAWN:
        raise RequestError(_("Its citizen has withdrawn this request; it stays as it is, for the record."))
    if to_status not in Request.WORKFLOW:
        raise RequestError(_("Unknown status."))
    if to_status == from_status:
        raise RequestError(_("The request already has this status."))
    order = list(Request.WORKFLOW)
    if order.index(to_status) < order.index(from_status) and not note.strip():
        raise RequestError(_("Write a note to say why the request moves back."))
    if to_status == Status.CLOSED:
        if resolution not in Resolution.values:
            raise RequestError(_("Choose how the request was closed."))
        if resolution == Resolution.DUPLICATE:
            if duplicate_of is None or duplicate_of.pk == citizen_request.pk:
                raise RequestError(_("Choose the original request that this one duplicates."))
            if duplicate_of.municipality_id != citizen_request.municipality_id:
                raise RequestError(_("The original must be a request of the same municipality."))
    else:
        resolution, duplicate_of = "", None
    now = timezone.now()
    changes = {
        "resolution": resolution,
        "duplicate_of": duplicate_of,
        "closed_at": now if to_status == Status.CLOSED else None,
        "closing_working_days": (
            service_levels.working_days_since_filing(citizen_request=citizen_request, moment=now)
            if to_status == Status.CLOSED
            else None
        ),
        **service_levels.first_answer_changes(citizen_request=citizen_request, moment=now),
    }
    with transaction.atomic():
        timeline_transition(
            target=citizen_request,
            from_status=from_status,
            to_status=to_status,
            actor=clerk,
            note=note,
            resolution=resolution,
            audit_action="requests.request.status_changed",
            changes=changes,
        )
        citizen_request.refresh_from_db()
        followers_notify(
            citizen_request=citizen_request,
            template="requests_tracker/email/status_changed",
            context={"note": note.strip()},
        )
    return citizen_request


def followers_notify(*, citizen_request: Request, template: str, context: dict, exclude_pk=None) -> None:
    """E-mail the reporter and every voter, each in their own language, after the commit (the outbox)."""
    from accounts.models import User

    recipients = User.objects.filter(is_active=True).exclude(email="")
    recipients = recipients.filter(pk=citizen_request.reporter_id) | recipients.filter(
        request_votes__request=citizen_request
    )
    if exclude_pk is not None:
        recipients = recipients.exclude(pk=exclude_pk)
    for user in recipients.distinct():
        email_enqueue(
            to=[user.email],
            template=template,
            context={"citizen_request": citizen_request, "recipient": user, **context},
            language=user.language,
        )


def department_assign(*, citizen_request: Request, department: Department | None, clerk) -> None:
    if department is not None and department.municipality_id != citizen_request.municipality_id:
        raise RequestError(_("Choose a department of this municipality."))
    with transaction.atomic():  # the change and its audit record, or neither
        Request.objects.filter(pk=citizen_request.pk).update(department=department, updated_at=timezone.now())
        requests_changed(municipality_id=citizen_request.municipality_id)
        audit_log(
            action="requests.request.department_assigned",
            target=citizen_request,
            actor=clerk,
            municipality=citizen_request.municipality,
            data={"department": department.pk if department else None},
        )


def category_change(*, citizen_request: Request, category: Category, clerk) -> None:
    """Re-file a request (typically one filed under «Other»); it goes to the new category's department."""
    if category.municipality_id != citizen_request.municipality_id:
        raise RequestError(_("Choose one of this municipality's categories."))
    with transaction.atomic():  # the change and its audit record, or neither
        Request.objects.filter(pk=citizen_request.pk).update(
            category=category, department=category.department, updated_at=timezone.now()
        )
        requests_changed(municipality_id=citizen_request.municipality_id)
        audit_log(
            action="requests.request.recategorised",
            target=citizen_request,
            actor=clerk,
            municipality=citizen_request.municipality,
            data={"from": citizen_request.category_id, "to": category.pk},
        )


# --- Votes and comments


def vote_add(*, citizen_request: Request, citizen) -> bool:
    """True if the vote was counted; voting twice changes nothing. Never on one's own request."""
    if citizen_request.reporter_id == citizen.pk:
        raise RequestError(_("You filed this request yourself, so you cannot vote for it."))
    if citizen_request.is_withdrawn:
        raise RequestError(_("This request has been withdrawn; file a new one if the problem is still there."))
    with transaction.atomic():
        _vote, created = Vote.objects.get_or_create(request=citizen_request, citizen=citizen)
        if created:
            # F(): the counter moves in the same transaction as the row, whatever other voters do at the same time.
            Request.objects.filter(pk=citizen_request.pk).update(vote_count=F("vote_count") + 1)
            requests_changed(municipality_id=citizen_request.municipality_id)  # the list shows the votes
    return created


def vote_remove(*, citizen_request: Request, citizen) -> bool:
    with transaction.atomic():
        deleted, _rows = Vote.objects.filter(request=citizen_request, citizen=citizen).delete()
        if deleted:
            Request.objects.filter(pk=citizen_request.pk).update(vote_count=F("vote_count") - 1)
            requests_changed(municipality_id=citizen_request.municipality_id)
    return bool(deleted)


def comment_add(*, citizen_request: Request, author, body: str, is_staff_reply: bool = False) -> Comment:
    body = body.strip()
    if not body:
        raise RequestError(_("Write a comment before sending it."))
    with transaction.atomic():
        comment = Comment.objects.create(
            request=citizen_request, author=author, body=body, is_staff_reply=is_staff_reply
        )
        Request.objects.filter(pk=citizen_request.pk).update(comment_count=F("comment_count") + 1)
        if is_staff_reply:
            # «Απάντηση εκ μέρους του δήμου» is a first answer, and reaches the followers like a status change does.
            service_levels.first_answer_record(citizen_request=citizen_request, moment=comment.created_at)
            followers_notify(
                citizen_request=citizen_request,
                template="requests_tracker/email/staff_reply",
                context={"reply": body},
                exclude_pk=getattr(author, "pk", None),
            )
    return comment


def comment_hide(*, comment: Comment, clerk, hidden: bool = True) -> None:
    with transaction.atomic():
        changed = Comment.objects.filter(pk=comment.pk, is_hidden=not hidden).update(is_hidden=hidden)
        if changed:
            # The counter shows what the public sees.
            Request.objects.filter(pk=comment.request_id).update(
                comment_count=F("comment_count") + (-1 if hidden else 1)
            )
            audit_log(
                action="requests.comment.hidden" if hidden else "requests.comment.shown",
                target=comment,
                actor=clerk,
                municipality=comment.request.municipality,
            )


def comment_signature_set(*, user, shown_as: str, display_name: str = "") -> CommentSignature:
    """The citizen's choice of how their comments are signed (initials, or a display name of their own)."""
    display_name = " ".join(display_name.split())[:40]
    if shown_as not in CommentSignature.ShownAs.values:
        raise RequestError(_("Choose how your comments are signed."), field="shown_as")
    if shown_as == CommentSignature.ShownAs.DISPLAY_NAME and not display_name:
        raise RequestError(_("Type the display name to sign your comments with."), field="display_name")
    signature, _created = CommentSignature.objects.update_or_create(
        user=user, defaults={"shown_as": shown_as, "display_name": display_name}
    )
    return signature
