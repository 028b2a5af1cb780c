"""Writes for citizen requests: filing, editing, the staff workflow, votes, comments, attachments, API keys."""

import secrets
import uuid
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Department, Municipality
from portal.services import audit_log, email_enqueue
from requests_tracker import uploads
from requests_tracker.geocoding import municipality_area
from requests_tracker.models import (
    ApiKey,
    Attachment,
    Category,
    Comment,
    Request,
    StatusChange,
    Vote,
    code_generate,
    code_prefix,
)

Status = Request.Status
Resolution = Request.Resolution


class RequestError(Exception):
    """A refusal with a message for the citizen or clerk."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class StatusChanged(RequestError):
    """Someone else changed the status first (the compare-and-swap found another status)."""


class NotEditable(RequestError):
    pass


class OutsideArea(RequestError):
    pass


# --- Filing and editing


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
    latitude: Decimal,
    longitude: Decimal,
    address: str = "",
    attachments: list[Attachment] = (),
    note: str = "",
) -> Request:
    if category.municipality_id != municipality.pk:
        raise RequestError(_("Choose one of this municipality's categories."))
    location_check(municipality=municipality, latitude=latitude, longitude=longitude)
    now = timezone.now()
    with transaction.atomic():
        for _attempt in range(5):
            try:
                with transaction.atomic():  # a savepoint: a (very unlikely) code collision retries with a new one
                    request = Request.objects.create(
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
                        created_at=now,
                        updated_at=now,
                    )
                break
            except IntegrityError:
                continue
        else:
            raise RequestError(_("Could not file the request; please try again."))
        StatusChange.objects.create(
            request=request, from_status="", to_status=Status.REGISTERED, changed_by=reporter, note=note, created_at=now
        )
        attachments_attach(request=request, attachments=attachments, user=reporter)
        audit_log(action="requests.request.created", target=request, actor=reporter, municipality=municipality)
    return request


def request_update(
    *,
    request: Request,
    user,
    category: Category,
    title: str,
    description: str,
    latitude: Decimal,
    longitude: Decimal,
    address: str = "",
    attachments: list[Attachment] = (),
) -> Request:
    """The reporter's edit, allowed only while Registered (compare-and-swap on the status)."""
    if request.reporter_id != getattr(user, "pk", None):
        raise NotEditable(_("Only the citizen who filed a request may edit it."))
    if category.municipality_id != request.municipality_id:
        raise RequestError(_("Choose one of this municipality's categories."))
    location_check(municipality=request.municipality, latitude=latitude, longitude=longitude)
    with transaction.atomic():
        changed = Request.objects.filter(pk=request.pk, status=Status.REGISTERED).update(
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
        attachments_attach(request=request, attachments=attachments, user=user)
        audit_log(action="requests.request.edited", target=request, actor=user, municipality=request.municipality)
    request.refresh_from_db()
    return request


def request_withdraw(*, request: Request, user) -> None:
    if request.reporter_id != getattr(user, "pk", None):
        raise NotEditable(_("Only the citizen who filed a request may withdraw it."))
    with transaction.atomic():
        # The status in the filter makes the check and the delete one statement: no clerk can slip in between.
        deleted, _rows = Request.objects.filter(pk=request.pk, status=Status.REGISTERED).delete()
        if not deleted:
            raise NotEditable(_("This request can no longer be withdrawn: the municipality has already taken it up."))
        audit_log(
            action="requests.request.withdrawn",
            target=request,
            actor=user,
            municipality=request.municipality,
            data={"code": request.code},
        )


# --- Attachments


def attachment_stage(*, user, checked: uploads.CheckedUpload, staged_ids: list[int] = ()) -> Attachment:
    """Store a checked upload before its request exists; `staged_ids` are the form's others (for the totals)."""
    existing = Attachment.objects.filter(pk__in=staged_ids, uploaded_by=user, request=None, erequest=None)
    attachment_limits_check(existing=existing, adding=checked.size)
    name = uuid.uuid4().hex
    attachment = Attachment(
        uploaded_by=user,
        kind=checked.kind,
        original_name=checked.original_name,
        size=checked.size,
        content_type=checked.content_type,
    )
    # Server-generated names: nothing of the citizen's file name reaches the file system.
    attachment.file.save(f"{name}.{checked.extension}", ContentFile(checked.content), save=False)
    if checked.thumbnail:
        attachment.thumbnail.save(f"{name}.jpg", ContentFile(checked.thumbnail), save=False)
    attachment.save()
    return attachment


def attachment_limits_check(*, existing, adding: int) -> None:
    totals = existing.aggregate(total=Sum("size"))
    count = existing.count()
    if count + 1 > uploads.MAX_FILES:
        raise RequestError(_("A request can have at most %(count)s files.") % {"count": uploads.MAX_FILES})
    if (totals["total"] or 0) + adding > uploads.MAX_TOTAL_SIZE:
        raise RequestError(
            _("The files of one request may add up to %(limit)s at most.")
            % {"limit": filesizeformat(uploads.MAX_TOTAL_SIZE)}
        )


def attachments_attach(*, request: Request, attachments, user) -> None:
    ids = [attachment.pk for attachment in attachments]
    if not ids:
        return
    already = request.attachments.count()
    if already + len(ids) > uploads.MAX_FILES:
        raise RequestError(_("A request can have at most %(count)s files.") % {"count": uploads.MAX_FILES})
    Attachment.objects.filter(pk__in=ids, uploaded_by=user, request=None, erequest=None).update(request=request)


def attachment_remove(*, attachment: Attachment, user) -> None:
    request = attachment.request
    if attachment.erequest_id is not None:
        raise NotEditable(_("The files of an e-request stay with it: it is in the municipality's protocol."))
    if request is not None and (request.reporter_id != user.pk or not request.is_editable):
        raise NotEditable(_("This request can no longer be edited."))
    if request is None and attachment.uploaded_by_id != user.pk:
        raise NotEditable(_("This file is not yours."))
    attachment.file.delete(save=False)
    if attachment.thumbnail:
        attachment.thumbnail.delete(save=False)
    attachment.delete()


# --- Staff workflow


def status_change(
    *,
    request: Request,
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
    from_status = request.status
    if to_status not in Status.values:
        raise RequestError(_("Unknown status."))
    if to_status == from_status:
        raise RequestError(_("The request already has this status."))
    order = list(Status.values)
    if order.index(to_status) < order.index(from_status) and not note.strip():
        raise RequestError(_("Write a note to say why the request moves back."))
    if to_status == Status.CLOSED:
        if resolution not in Resolution.values:
            raise RequestError(_("Choose how the request was closed."))
        if resolution == Resolution.DUPLICATE:
            if duplicate_of is None or duplicate_of.pk == request.pk:
                raise RequestError(_("Choose the original request that this one duplicates."))
            if duplicate_of.municipality_id != request.municipality_id:
                raise RequestError(_("The original must be a request of the same municipality."))
    else:
        resolution, duplicate_of = "", None
    with transaction.atomic():
        timeline_transition(
            target=request,
            from_status=from_status,
            to_status=to_status,
            actor=clerk,
            note=note,
            resolution=resolution,
            audit_action="requests.request.status_changed",
            changes={
                "resolution": resolution,
                "duplicate_of": duplicate_of,
                "closed_at": timezone.now() if to_status == Status.CLOSED else None,
            },
        )
        request.refresh_from_db()
        _status_notify(request=request, note=note.strip())
    return request


def timeline_transition(
    *,
    target,
    from_status: str,
    to_status: str,
    actor,
    audit_action: str,
    note: str = "",
    resolution: str = "",
    changes: dict | None = None,
) -> None:
    """Compare-and-swap `target` (a Request or an ERequest) from `from_status` to `to_status`, with its timeline entry.

    The status in the UPDATE's filter is the guard: of two clerks deciding at once, the second finds another status,
    changes nothing and gets StatusChanged. The timeline entry and the audit record commit with the change or not
    at all. Used by public requests and e-requests alike, so both have one way to move and one timeline.
    """
    model = type(target)
    now = timezone.now()
    with transaction.atomic():
        changed = model.objects.filter(pk=target.pk, status=from_status).update(
            status=to_status, updated_at=now, **(changes or {})
        )
        if changed != 1:
            raise StatusChanged(_("Someone else changed this request's status in the meantime. Reload and check."))
        parent = {"request": target} if model is Request else {"erequest": target}
        StatusChange.objects.create(
            **parent,
            from_status=from_status,
            to_status=to_status,
            resolution=resolution,
            changed_by=actor if actor is not None and actor.is_authenticated else None,
            note=note.strip(),
            created_at=now,
        )
        audit_log(
            action=audit_action,
            target=target,
            actor=actor,
            municipality=target.municipality,
            data={"from": from_status, "to": to_status, "resolution": resolution},
        )


def _status_notify(*, request: Request, note: str) -> None:
    from accounts.models import User

    recipients = User.objects.filter(is_active=True).exclude(email="")
    recipients = recipients.filter(pk=request.reporter_id) | recipients.filter(request_votes__request=request)
    for user in recipients.distinct():
        email_enqueue(
            to=[user.email],
            template="requests_tracker/email/status_changed",
            context={"request": request, "note": note, "recipient": user},
            language=user.language,
        )


def department_assign(*, request: Request, department: Department | None, clerk) -> None:
    if department is not None and department.municipality_id != request.municipality_id:
        raise RequestError(_("Choose a department of this municipality."))
    Request.objects.filter(pk=request.pk).update(department=department, updated_at=timezone.now())
    audit_log(
        action="requests.request.department_assigned",
        target=request,
        actor=clerk,
        municipality=request.municipality,
        data={"department": department.pk if department else None},
    )


def category_change(*, request: Request, category: Category, clerk) -> None:
    """Re-file a request (typically one filed under «Other»); it goes to the new category's department."""
    if category.municipality_id != request.municipality_id:
        raise RequestError(_("Choose one of this municipality's categories."))
    Request.objects.filter(pk=request.pk).update(
        category=category, department=category.department, updated_at=timezone.now()
    )
    audit_log(
        action="requests.request.recategorised",
        target=request,
        actor=clerk,
        municipality=request.municipality,
        data={"from": request.category_id, "to": category.pk},
    )


# --- Votes and comments


def vote_add(*, request: Request, citizen) -> bool:
    """True if the vote was counted; voting twice changes nothing. Never on one's own request."""
    if request.reporter_id == citizen.pk:
        raise RequestError(_("You filed this request yourself, so you cannot vote for it."))
    with transaction.atomic():
        _vote, created = Vote.objects.get_or_create(request=request, citizen=citizen)
        if created:
            # F(): the counter moves in the same transaction as the row, whatever other voters do at the same time.
            Request.objects.filter(pk=request.pk).update(vote_count=F("vote_count") + 1)
    return created


def vote_remove(*, request: Request, citizen) -> bool:
    with transaction.atomic():
        deleted, _rows = Vote.objects.filter(request=request, citizen=citizen).delete()
        if deleted:
            Request.objects.filter(pk=request.pk).update(vote_count=F("vote_count") - 1)
    return bool(deleted)


def comment_add(*, request: Request, author, body: str, is_staff_reply: bool = False) -> Comment:
    body = body.strip()
    if not body:
        raise RequestError(_("Write a comment before sending it."))
    with transaction.atomic():
        comment = Comment.objects.create(request=request, author=author, body=body, is_staff_reply=is_staff_reply)
        Request.objects.filter(pk=request.pk).update(comment_count=F("comment_count") + 1)
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


# --- Staff role


def requests_group_ensure():
    """The «Γραφείο αιτημάτων πολιτών» group with its permissions (the data migration makes it; this repairs it)."""
    from django.contrib.auth.models import Group, Permission

    from requests_tracker.roles import REQUESTS_OFFICE_GROUP, REQUESTS_OFFICE_PERMISSIONS

    group, _created = Group.objects.get_or_create(name=REQUESTS_OFFICE_GROUP)
    for model, codename in REQUESTS_OFFICE_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="requests_tracker", content_type__model=model, codename=codename
            )
        )
    return group


# --- Open311 API keys


def api_key_create(*, municipality: Municipality, name: str) -> tuple[ApiKey, str]:
    """A new key; the clear text is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(municipality=municipality, name=name, key_hash=ApiKey.hash(key), key_prefix=key[:8])
    return api_key, key


# --- Personal data (accounts.registry)


def citizen_data_export(user) -> dict:
    return {
        "requests": [
            {
                "code": request.code,
                "title": request.title,
                "description": request.description,
                "address": request.address,
                "latitude": str(request.latitude),
                "longitude": str(request.longitude),
                "status": request.status,
                "created_at": request.created_at.isoformat(),
            }
            for request in Request.objects.filter(reporter=user)
        ],
        "comments": [
            {"request": comment.request.code, "body": comment.body, "created_at": comment.created_at.isoformat()}
            for comment in Comment.objects.filter(author=user).select_related("request")
        ],
        "votes": list(Vote.objects.filter(citizen=user).values_list("request__code", flat=True)),
    }


def citizen_data_erase(user) -> None:
    """Public requests stay (the municipality's record of the problem), without the reporter; votes go."""
    for request_id in Vote.objects.filter(citizen=user).values_list("request_id", flat=True):
        Request.objects.filter(pk=request_id).update(vote_count=F("vote_count") - 1)
    Vote.objects.filter(citizen=user).delete()
    Request.objects.filter(reporter=user).update(reporter=None)
    Comment.objects.filter(author=user).update(author=None)
    for attachment in Attachment.objects.filter(uploaded_by=user, request=None, erequest=None):
        attachment.file.delete(save=False)
        attachment.delete()
