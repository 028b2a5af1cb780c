"""Writes: booking, rescheduling, cancelling, clerks' decisions. Keyword-only; e-mails and meetings after commit."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from appointments import emails, selectors
from appointments.availability import availability_changed
from appointments.models import (
    Appointment,
    Mode,
    Service,
    StaffMember,
    TimeOff,
    WorkingHours,
    new_token,
    token_hash,
)
from portal.errors import PortalError
from portal.services import audit_log, task_enqueue_on_commit

OVERLAP_CONSTRAINT = "appointments_no_overlap"
ACCOUNT_DELETED_REASON = _("The citizen deleted their account.")


class SlotTaken(PortalError):
    """Someone else booked this time a moment ago (the database's exclusion constraint said no)."""

    message = _("This time was just taken by someone else. Please choose another.")


class SlotUnavailable(PortalError):
    """The time is not bookable: past, too soon, outside working hours, on a holiday or beyond the horizon."""

    message = _("This time is not available. Please choose one of the times shown.")


class TooLate(PortalError):
    message = _("This appointment has already started and can no longer be changed.")


def _code() -> str:
    return secrets.token_hex(6).upper()


def _guarded_insert(appointment: Appointment) -> None:
    # A savepoint, so that the violation rolls back only this insert and the caller's transaction goes on.
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as error:
        if OVERLAP_CONSTRAINT in str(error):
            raise SlotTaken from error
        raise


def _blocked(service: Service, start: datetime, end: datetime) -> tuple[datetime, datetime]:
    return (
        start - timedelta(minutes=service.buffer_before_minutes),
        end + timedelta(minutes=service.buffer_after_minutes),
    )


def _pick_clerk(*, service: Service, start: datetime, clerk: StaffMember | None, exclude=None) -> StaffMember:
    slot = selectors.slot_find(service=service, start=start, clerk=clerk, exclude_appointment=exclude)
    if slot is None:
        raise SlotUnavailable
    if clerk is not None:
        return clerk
    zone = service.municipality.zone
    clerk_id = selectors.fairest_clerk_id(clerk_ids=slot.clerk_ids, day=start.astimezone(zone).date(), zone=zone)
    return StaffMember.objects.select_related("user").get(pk=clerk_id)


@transaction.atomic
def appointment_book(
    *,
    service: Service,
    mode: str,
    start: datetime,
    citizen,
    clerk: StaffMember | None = None,
    details: dict,
    citizen_time_zone: str = "Europe/Athens",
) -> tuple[Appointment, str]:
    """Book `start` with `clerk` or the fairest free one; returns the booking and its secret manage token.

    `citizen_time_zone` (an IANA name) is the zone the citizen's e-mails speak.

    The slot check reads a snapshot and cannot stop a concurrent booking of the same time; the exclusion
    constraint does, and its violation becomes SlotTaken.
    """
    if mode not in service.modes:
        raise SlotUnavailable
    chosen = _pick_clerk(service=service, start=start, clerk=clerk)
    token = new_token()
    end = start + service.duration
    blocked_start, blocked_end = _blocked(service, start, end)
    video = mode == Mode.VIDEO
    appointment = Appointment(
        code=_code(),
        service=service,
        clerk=chosen,
        citizen=citizen,
        mode=mode,
        start=start,
        end=end,
        blocked_start=blocked_start,
        blocked_end=blocked_end,
        full_name=details["full_name"],
        email=details["email"],
        mobile_phone=details["mobile_phone"],
        subject=details["subject"],
        application_number=details.get("application_number", ""),
        third_party_role=details.get("third_party_role", "") if video else "",
        third_party_name=details.get("third_party_name", "") if video else "",
        third_party_email=details.get("third_party_email", "") if video else "",
        documents_acknowledged=bool(details.get("documents_acknowledged")) if video else False,
        consent_at=timezone.now(),
        citizen_time_zone=citizen_time_zone,
        manage_token_hash=token_hash(token),
    )
    _guarded_insert(appointment)
    audit_log(
        action="appointments.booked",
        target=appointment,
        actor=citizen,
        municipality=service.municipality,
        data={"clerk": chosen.pk, "start": start.isoformat()},
    )
    emails.booked(appointment=appointment, token=token)
    if video:
        from appointments.tasks import meeting_create

        task_enqueue_on_commit(meeting_create, appointment.pk)
    return appointment, token


def _ensure_not_started(appointment: Appointment) -> None:
    if appointment.start <= timezone.now() or appointment.status != Appointment.Status.BOOKED:
        raise TooLate


DETAIL_FIELDS = (
    "full_name",
    "email",
    "mobile_phone",
    "subject",
    "application_number",
    "third_party_role",
    "third_party_name",
    "third_party_email",
)


@transaction.atomic
def appointment_reschedule(
    *,
    appointment: Appointment,
    start: datetime,
    actor=None,
    details: dict | None = None,
    citizen_time_zone: str | None = None,
) -> tuple[Appointment, str]:
    """Move a booking to `start` and/or change its details (guide §3: «την ημέρα και ώρα … καθώς και τα στοιχεία
    σας»); returns the booking and a new manage token that replaces the old, so the earlier e-mail's links are
    used up. The same clerk keeps it if free at `start`, else the fairest free one. Everyone in the event gets
    an iTIP REQUEST with a higher SEQUENCE.

    Raises TooLate once the appointment has started, SlotUnavailable or SlotTaken for a time not free.
    """
    # Lock only the booking itself: locking the joined service row would serialise every reschedule of it.
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("service__municipality", "service__department", "clerk__user")
        .get(pk=appointment.pk)
    )
    _ensure_not_started(appointment)
    service = appointment.service
    try:
        clerk = _pick_clerk(service=service, start=start, clerk=appointment.clerk, exclude=appointment)
    except SlotUnavailable:
        clerk = _pick_clerk(service=service, start=start, clerk=None, exclude=appointment)
    old_start, old_clerk = appointment.start, appointment.clerk
    old_third_party = (appointment.third_party_email, appointment.third_party_name)
    old_blocked = (appointment.blocked_start, appointment.blocked_end)
    changed_details = {
        name: value
        for name, value in (details or {}).items()
        if name in DETAIL_FIELDS and getattr(appointment, name) != value
    }
    if not appointment.is_video:
        changed_details = {name: value for name, value in changed_details.items() if not name.startswith("third_")}
    token = new_token()
    appointment.start = start
    appointment.end = start + service.duration
    appointment.blocked_start, appointment.blocked_end = _blocked(service, appointment.start, appointment.end)
    appointment.clerk = clerk
    appointment.manage_token_hash = token_hash(token)
    appointment.ical_sequence += 1
    for name, value in changed_details.items():
        setattr(appointment, name, value)
    if citizen_time_zone:
        appointment.citizen_time_zone = citizen_time_zone
    if start != old_start:
        appointment.history = [
            *appointment.history,
            {"from": old_start.isoformat(), "to": start.isoformat(), "at": timezone.now().isoformat()},
        ]
    _guarded_insert(appointment)
    if start != old_start or clerk.pk != old_clerk.pk:
        _freed(old_clerk.pk, *old_blocked, "moved")
    audit_log(
        action="appointments.rescheduled",
        target=appointment,
        actor=actor,
        municipality=service.municipality,
        data={
            "from": old_start.isoformat(),
            "to": start.isoformat(),
            "clerk": clerk.pk,
            "details_changed": sorted(changed_details),
        },
    )
    emails.rescheduled(
        appointment=appointment,
        token=token,
        old_clerk=old_clerk,
        moved=start != old_start,
        old_third_party=old_third_party if old_third_party[0] != appointment.third_party_email else None,
    )
    if appointment.is_video:
        from appointments.tasks import meeting_create, meeting_delete, meeting_update

        if old_clerk.pk != clerk.pk and appointment.meeting_id:
            # The meeting belongs to its organizer: a new clerk needs a meeting of their own. The join page
            # (ics.join_url) stays the same, so no one needs a new link.
            meeting_id, organizer = appointment.meeting_id, _organizer(old_clerk)
            provider = appointment.meeting_provider
            Appointment.objects.filter(pk=appointment.pk).update(meeting_id="", meeting_url="")
            task_enqueue_on_commit(meeting_delete, provider, meeting_id, organizer)
            task_enqueue_on_commit(meeting_create, appointment.pk)
        elif start != old_start:
            task_enqueue_on_commit(meeting_update, appointment.pk)
    return appointment, token


def _freed(clerk_id: int, start: datetime, end: datetime, reason: str) -> None:
    """The time is free again: the waitlist is offered it after the commit (appointments/waitlist.py)."""
    from appointments.waitlist import freed_time_record

    freed_time_record(clerk_id=clerk_id, start=start, end=end, reason=reason)


@transaction.atomic
def working_hours_add(*, staff: StaffMember, weekday: int, start, end) -> WorkingHours:
    """A clerk adds working hours; the new times are offered to the waitlist."""
    hours = WorkingHours.objects.create(staff=staff, weekday=weekday, start=start, end=end)
    now = timezone.now()
    horizon = max(staff.services.values_list("horizon_days", flat=True), default=0)
    _freed(staff.pk, now, now + timedelta(days=horizon + 1), "hours_added")
    return hours


@transaction.atomic
def time_off_remove(*, staff: StaffMember, pk) -> None:
    """A clerk removes time off; its times are offered to the waitlist."""
    for off in TimeOff.objects.filter(staff=staff, pk=pk):
        off.delete()
        _freed(staff.pk, off.start, off.end, "time_off_removed")


def meeting_organizer(clerk: StaffMember) -> str:
    """The Graph object id that organises this clerk's Teams meetings: their own, else the portal's."""
    return _organizer(clerk)


def _organizer(clerk: StaffMember) -> str:

    return clerk.graph_user_id or settings.TEAMS_ORGANIZER_ID


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, actor=None, reason: str = "", by_clerk: bool = False, notify_citizen: bool = True
) -> bool:
    """Cancel a booking once; True if this call did it (compare-and-swap on the status).

    The booking stays, marked cancelled with who and when; everyone in the event gets an iTIP CANCEL with a
    higher SEQUENCE; the meeting is removed at the provider after the commit (or by meetings_reconcile).
    Raises TooLate when a citizen tries after the start (a clerk may cancel then).
    """
    if not by_clerk and appointment.start <= timezone.now():
        raise TooLate
    changed = Appointment.objects.filter(pk=appointment.pk, status=Appointment.Status.BOOKED).update(
        status=Appointment.Status.CANCELLED,
        cancel_reason=reason[:300],
        cancelled_at=timezone.now(),
        cancelled_by=actor if getattr(actor, "is_authenticated", False) else None,
        manage_token_hash=token_hash(new_token()),
        ical_sequence=F("ical_sequence") + 1,
    )
    if not changed:
        return False
    appointment.refresh_from_db()
    availability_changed(municipality_id=appointment.service.municipality_id)
    if appointment.start > timezone.now():
        _freed(appointment.clerk_id, appointment.blocked_start, appointment.blocked_end, "cancelled")
    audit_log(
        action="appointments.cancelled",
        target=appointment,
        actor=actor,
        municipality=appointment.service.municipality,
        data={"reason": reason, "by_clerk": by_clerk},
    )
    emails.cancelled(appointment=appointment, by_clerk=by_clerk, notify_citizen=notify_citizen)
    if appointment.meeting_id:
        from appointments.tasks import meeting_cancel

        task_enqueue_on_commit(meeting_cancel, appointment.pk)
    return True


def appointment_mark(*, appointment: Appointment, status: str, actor) -> bool:
    """A clerk records attended or no-show, once the appointment has started."""
    if status not in {Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW}:
        raise ValueError(status)
    # The change and its audit entry commit together, or neither does.
    with transaction.atomic():
        changed = Appointment.objects.filter(
            pk=appointment.pk, status=Appointment.Status.BOOKED, start__lte=timezone.now()
        ).update(status=status)
        if changed:
            # Attended or not, the booking no longer holds its clerk's time.
            availability_changed(municipality_id=appointment.service.municipality_id)
            audit_log(
                action=f"appointments.{status}",
                target=appointment,
                actor=actor,
                municipality=appointment.service.municipality,
            )
    return bool(changed)


def meeting_attach(*, appointment_id: int, provider: str, meeting_id: str, join_url: str) -> bool:
    """Store a meeting made by the provider, once however often the task runs; True if this call stored it.

    Nobody is e-mailed: every message already carries the booking's join page (ics.join_url), which opens
    this meeting from now on.
    """
    changed = Appointment.objects.filter(pk=appointment_id, status=Appointment.Status.BOOKED, meeting_url="").update(
        meeting_provider=provider, meeting_id=meeting_id, meeting_url=join_url
    )
    return bool(changed)


def meeting_removed(*, appointment_id: int) -> None:
    """Record that a cancelled booking's meeting is gone at the provider (so meetings_reconcile skips it)."""
    Appointment.objects.filter(pk=appointment_id, meeting_deleted_at__isnull=True).update(
        meeting_deleted_at=timezone.now()
    )


def feed_token_reset(*, staff: StaffMember) -> str:
    token = new_token()
    staff.feed_token_hash = token_hash(token)
    staff.save(update_fields=["feed_token_hash"])
    return token


def reminders_send(*, now: datetime | None = None) -> int:
    """Send the 24-hour and 2-hour reminders that are due; each at most once (a sent-at flag set by CAS)."""
    now = now or timezone.now()
    sent = 0
    for hours, flag in ((24, "reminder_24h_sent_at"), (2, "reminder_2h_sent_at")):
        due = Appointment.objects.active().filter(
            start__gt=now, start__lte=now + timedelta(hours=hours), **{f"{flag}__isnull": True}
        )
        for pk in due.values_list("pk", flat=True)[:500]:
            with transaction.atomic():
                if Appointment.objects.filter(pk=pk, **{f"{flag}__isnull": True}).update(**{flag: now}):
                    appointment = Appointment.objects.select_related("service__municipality").get(pk=pk)
                    emails.reminder(appointment=appointment, hours=hours)
                    sent += 1
    return sent


def citizen_data_export(user) -> list[dict]:
    return [
        {
            "code": a.code,
            "service": a.service.name_el,
            "mode": a.mode,
            "start": a.start.isoformat(),
            "status": a.status,
            "full_name": a.full_name,
            "email": a.email,
            "mobile_phone": a.mobile_phone,
            "subject": a.subject,
            "application_number": a.application_number,
            "third_party": {"role": a.third_party_role, "name": a.third_party_name, "email": a.third_party_email},
            "consent_at": a.consent_at.isoformat(),
        }
        for a in Appointment.objects.filter(citizen=user).select_related("service")
    ]


def citizen_data_erase(user) -> None:
    """Account deletion: upcoming bookings are cancelled (the clerk and any third person are told, the calendar
    frees up); the record that past meetings took place stays, without who they were with."""
    for appointment in selectors.upcoming_for_citizen(user=user):
        # Stored on the booking for the clerk, in the municipality's language.
        with translation.override(settings.LANGUAGE_CODE):
            reason = str(ACCOUNT_DELETED_REASON)
        appointment_cancel(appointment=appointment, actor=user, reason=reason, notify_citizen=False)
    Appointment.objects.filter(citizen=user).update(
        citizen=None,
        full_name="",
        email="",
        mobile_phone="",
        subject="",
        application_number="",
        third_party_name="",
        third_party_email="",
    )


def citizen_erase_consequences(user) -> list[str]:
    """For the account-deletion page: one sentence per upcoming booking that deletion will cancel."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext

    lines = []
    for appointment in selectors.upcoming_for_citizen(user=user):
        when = date_format(timezone.localtime(appointment.start), "l j E Y, H:i")
        lines.append(
            gettext("Your appointment of %(when)s (%(service)s) will be cancelled; the clerk will be told.")
            % {"when": when, "service": appointment.service.name}
        )
    return lines
