"""Writes of the waitlist: joining and leaving it, offering freed times, claiming and releasing offers.

A freed time (a cancellation, a move's old time, new working hours, removed time off, an offer let go) is
written as a FreedTime row in the transaction that freed it and offered after the commit by a task; the beat
task `waitlist_reconcile` offers whatever a refused publish left and passes expired offers on.

An offer is an Appointment row with status `held`: the exclusion constraint `appointments_no_overlap` covers
it, so nobody can book the offered time meanwhile. Claiming is the compare-and-swap held → booked while the
hold lasts; expiry is held → released. Only one of them can change the row.
"""

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments import emails, selectors, services
from appointments.availability import availability_changed
from appointments.models import Appointment, FreedTime, Mode, Service, StaffMember, WaitlistEntry, new_token, token_hash
from portal.services import audit_log, task_enqueue_on_commit


class WaitlistRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class OfferGone(Exception):
    message = _("This offer has run out: the time was passed to the next person waiting.")


TIMES_FREE = _("There are free times on these days: please choose one in the calendar.")
ALREADY_WAITING = _("You are already on the waitlist for this service.")
DAYS_OUTSIDE = _("Choose days from %(first)s to %(last)s.")
DAYS_ORDER = _("The last day must not be before the first.")


def _swap(pk: int, old: str, new: str, *, extra: dict | None = None, **changes) -> bool:
    """held → booked or held → released, once: a compare-and-swap on the status (and `extra` conditions)."""
    return bool(Appointment.objects.filter(pk=pk, status=old, **(extra or {})).update(status=new, **changes))


def waitlist_join(
    *,
    service: Service,
    citizen,
    clerk: StaffMember | None,
    mode: str,
    first_day: date,
    last_day: date,
    zone,
    subject: str,
    now: datetime | None = None,
) -> WaitlistEntry:
    """Put a citizen on a service's waitlist for the days `first_day`–`last_day` of their own zone.

    Refused (WaitlistRefused) for days outside the bookable range, for days that still have free times (the
    calendar offers them) and when the citizen already waits for this service.
    """
    now = now or timezone.now()
    opens, closes = selectors.booking_days(service=service, zone=zone, now=now)
    if last_day < first_day:
        raise WaitlistRefused(DAYS_ORDER)
    if first_day < opens or last_day > closes:
        raise WaitlistRefused(DAYS_OUTSIDE % {"first": opens.strftime("%d/%m/%Y"), "last": closes.strftime("%d/%m/%Y")})
    if mode and mode not in service.modes:
        raise WaitlistRefused(services.SlotUnavailable.message)
    if selectors.slots_by_local_day(service=service, zone=zone, day_from=first_day, day_to=last_day, clerk=clerk):
        raise WaitlistRefused(TIMES_FREE)
    entry = WaitlistEntry(
        code=secrets.token_hex(6).upper(),
        service=service,
        citizen=citizen,
        clerk=clerk,
        mode=mode,
        first_day=first_day,
        last_day=last_day,
        range_start=datetime.combine(first_day, datetime.min.time(), tzinfo=zone),
        range_end=datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=zone),
        subject=subject,
        citizen_time_zone=zone.key,
        consent_at=now,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:
        if "appointments_waitlist_one_open_entry" in str(error):
            raise WaitlistRefused(ALREADY_WAITING) from error
        raise
    audit_log(
        action="appointments.waitlist_joined",
        target=entry,
        actor=citizen,
        municipality=service.municipality,
        data={"from": first_day.isoformat(), "until": last_day.isoformat(), "clerk": clerk.pk if clerk else None},
    )
    return entry


@transaction.atomic
def waitlist_leave(*, entry: WaitlistEntry, actor) -> bool:
    """The citizen leaves; a time held for them is released to the next. True if this call did it."""
    changed = WaitlistEntry.objects.filter(
        pk=entry.pk, status__in=[WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED]
    ).update(status=WaitlistEntry.Status.LEFT)
    if not changed:
        return False
    for hold in Appointment.objects.filter(waitlist_entry=entry, status=Appointment.Status.HELD):
        if _swap(hold.pk, Appointment.Status.HELD, Appointment.Status.RELEASED):
            availability_changed(municipality_id=entry.service.municipality_id)
            freed_time_record(clerk_id=hold.clerk_id, start=hold.blocked_start, end=hold.blocked_end, reason="left")
    audit_log(action="appointments.waitlist_left", target=entry, actor=actor, municipality=entry.service.municipality)
    return True


# --- Freed times


def freed_time_record(*, clerk_id: int, start: datetime, end: datetime, reason: str) -> FreedTime | None:
    """Inside the transaction that frees a clerk's time: remember it, and offer it after the commit.

    Nothing is written when nobody waits for days that touch it (one query) or when it is already past.
    """
    if end <= timezone.now() or not selectors.waitlist_anyone_waiting(clerk_id=clerk_id, start=start, end=end):
        return None
    freed = FreedTime.objects.create(clerk_id=clerk_id, start=start, end=end, reason=reason)
    from appointments.tasks import waitlist_offer

    task_enqueue_on_commit(waitlist_offer, freed.pk)
    return freed


def freed_time_offer(*, freed_id: int, now: datetime | None = None) -> int:
    """Offer one freed time to the waitlist; the number of offers made. Idempotent: a freed time is offered
    once, and a second worker on the same row skips it (SKIP LOCKED) instead of waiting."""
    now = now or timezone.now()
    with transaction.atomic():
        freed = (
            # Only the freed time's row: locking the joined clerk would make a second freed time of theirs skip.
            FreedTime.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("clerk")
            .filter(pk=freed_id, processed_at__isnull=True)
            .first()
        )
        if freed is None:
            return 0
        offered = _offer_window(clerk=freed.clerk, start=freed.start, end=freed.end, now=now)
        FreedTime.objects.filter(pk=freed.pk).update(processed_at=now)
    return offered


def _offer_window(*, clerk: StaffMember, start: datetime, end: datetime, now: datetime) -> int:
    """Offer the clerk's free times that touch [start, end), service by service, each to its first fitting
    citizen. Queries: one for the services, five for their free times, then per free time one match, one
    insert and the offer's writes — none of it grows with the number of citizens waiting."""
    offered = 0
    for service in selectors.waitlist_services_waiting(clerk=clerk, start=start, end=end):
        low, high = max(start, service.wait_from), min(end, service.wait_to)
        if low >= high:
            continue
        zone = service.municipality.zone
        days = selectors.slots_available(
            service=service,
            day_from=low.astimezone(zone).date(),
            day_to=high.astimezone(zone).date(),
            clerk=clerk,
            now=now,
        )
        remaining = service.waiting
        for slot in (slot for day_slots in days.values() for slot in day_slots):
            if remaining <= 0:
                break
            if slot.end <= low or slot.start >= high:
                continue
            if _offer_slot(service=service, clerk=clerk, start=slot.start, now=now):
                offered += 1
                remaining -= 1
    return offered


def _offer_slot(*, service: Service, clerk: StaffMember, start: datetime, now: datetime) -> bool:
    end = start + service.duration
    entry = selectors.waitlist_match(service_id=service.pk, clerk_id=clerk.pk, start=start, end=end)
    if entry is None:
        return False
    citizen = entry.citizen
    token = new_token()
    blocked_start, blocked_end = services._blocked(service, start, end)
    hold = Appointment(
        code=services._code(),
        service=service,
        clerk=clerk,
        citizen=citizen,
        mode=entry.mode or service.modes[0],
        start=start,
        end=end,
        blocked_start=blocked_start,
        blocked_end=blocked_end,
        status=Appointment.Status.HELD,
        hold_expires_at=min(now + timedelta(minutes=settings.WAITLIST_HOLD_MINUTES), start),
        waitlist_entry=entry,
        full_name=citizen.full_name or citizen.get_username(),
        email=citizen.email,
        mobile_phone=citizen.mobile_phone or "",
        subject=entry.subject,
        consent_at=entry.consent_at,
        citizen_time_zone=entry.citizen_time_zone,
        manage_token_hash=token_hash(token),
    )
    try:
        services._guarded_insert(hold)
    except services.SlotTaken:
        return False  # booked a moment ago by someone else: the time is not free after all
    except IntegrityError:
        return False  # this citizen holds another time already (appointments_one_hold_per_entry)
    WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.OFFERED)
    audit_log(
        action="appointments.waitlist_offered",
        target=hold,
        municipality=service.municipality,
        data={"entry": entry.code, "start": start.isoformat(), "until": hold.hold_expires_at.isoformat()},
    )
    emails.offered(appointment=hold, token=token)
    return True


# --- Claiming and letting go


@transaction.atomic
def offer_claim(
    *,
    hold: Appointment,
    token: str = "",
    mode: str = "",
    documents_acknowledged: bool = False,
    now: datetime | None = None,
) -> tuple[Appointment, str]:
    """Book the held time for its citizen in one step; returns the booking and its manage token: the offer's
    own `token` when claimed from the e-mailed link (so the link then opens the booking), else a new one.

    A compare-and-swap held → booked while the hold lasts: of a claim and the hold's expiry (or two claims)
    exactly one changes the row; the loser gets OfferGone.
    """
    now = now or timezone.now()
    mode = mode or hold.mode
    if mode not in hold.service.modes:
        raise services.SlotUnavailable
    token = token or new_token()
    if not _swap(
        hold.pk,
        Appointment.Status.HELD,
        Appointment.Status.BOOKED,
        extra={"hold_expires_at__gt": now},
        mode=mode,
        documents_acknowledged=documents_acknowledged and mode == Mode.VIDEO,
        manage_token_hash=token_hash(token),
    ):
        raise OfferGone
    WaitlistEntry.objects.filter(pk=hold.waitlist_entry_id).update(status=WaitlistEntry.Status.BOOKED)
    appointment = Appointment.objects.select_related(
        "service__municipality", "service__department", "clerk__user", "citizen"
    ).get(pk=hold.pk)
    audit_log(
        action="appointments.booked",
        target=appointment,
        actor=appointment.citizen,
        municipality=appointment.service.municipality,
        data={"clerk": appointment.clerk_id, "start": appointment.start.isoformat(), "waitlist": True},
    )
    emails.booked(appointment=appointment, token=token)
    if appointment.is_video:
        from appointments.tasks import meeting_create

        task_enqueue_on_commit(meeting_create, appointment.pk)
    return appointment, token


def holds_expire(*, now: datetime | None = None) -> int:
    """Release the holds that ran out, each time left as a FreedTime for the next citizen waiting (the caller,
    waitlist_reconcile, offers them next); the number released."""
    now = now or timezone.now()
    released = 0
    for pk in selectors.holds_expired(now=now):
        with transaction.atomic():
            if not _swap(pk, Appointment.Status.HELD, Appointment.Status.RELEASED, extra={"hold_expires_at__lte": now}):
                continue  # claimed (or released) a moment ago
            hold = Appointment.objects.select_related("waitlist_entry").get(pk=pk)
            availability_changed(clerk_id=hold.clerk_id)
            entry = hold.waitlist_entry
            if entry is not None:
                # Still waiting for other times, unless their days are over.
                WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistEntry.Status.OFFERED).update(
                    status=WaitlistEntry.Status.WAITING if entry.range_end > now else WaitlistEntry.Status.EXPIRED
                )
            audit_log(action="appointments.waitlist_offer_expired", target=hold, data={"entry": entry and entry.code})
            emails.offer_expired(appointment=hold)
            FreedTime.objects.create(
                clerk_id=hold.clerk_id, start=hold.blocked_start, end=hold.blocked_end, reason="offer_expired"
            )
            released += 1
    return released


def entries_expire(*, now: datetime | None = None) -> int:
    """Waiting entries whose days are over."""
    return WaitlistEntry.objects.filter(
        status=WaitlistEntry.Status.WAITING, range_end__lte=now or timezone.now()
    ).update(status=WaitlistEntry.Status.EXPIRED)


def freed_times_pending(*, limit: int = 200) -> list[int]:
    return list(
        FreedTime.objects.filter(processed_at__isnull=True).order_by("created_at").values_list("pk", flat=True)[:limit]
    )


def citizen_data_export(user) -> list[dict]:
    return [
        {
            "code": entry.code,
            "service": entry.service.name_el,
            "from": entry.first_day.isoformat(),
            "until": entry.last_day.isoformat(),
            "clerk": str(entry.clerk) if entry.clerk else "",
            "mode": entry.mode,
            "subject": entry.subject,
            "status": entry.status,
            "joined_at": entry.created_at.isoformat(),
        }
        for entry in WaitlistEntry.objects.filter(citizen=user).select_related("service", "clerk__user")
    ]


def citizen_data_erase(user) -> None:
    """Account deletion: the citizen leaves every waitlist; held times go to the next."""
    for entry in WaitlistEntry.objects.filter(
        citizen=user, status__in=[WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED]
    ):
        waitlist_leave(entry=entry, actor=user)
    WaitlistEntry.objects.filter(citizen=user).delete()
