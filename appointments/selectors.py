"""Reads: free slots, a citizen's or a clerk's bookings, ownership lookups that raise 404."""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.selectors import user_is_staff
from appointments.models import (
    Appointment,
    Holiday,
    Mode,
    Service,
    StaffMember,
    TimeOff,
    TsTzRange,
    WaitlistEntry,
    token_hash,
)


@dataclass
class Slot:
    start: datetime  # UTC
    end: datetime  # UTC
    clerk_ids: list[int] = field(default_factory=list)


def services_for(*, municipality, mode: str | None = None) -> list[Service]:
    services = Service.objects.filter(municipality=municipality, is_active=True).select_related("department")
    return [service for service in services if mode is None or mode in service.modes]


def modes_for(*, municipality) -> list[str]:
    offered = {mode for service in services_for(municipality=municipality) for mode in service.modes}
    return [mode for mode in Mode.values if mode in offered]


def clerks_for(*, service: Service) -> list[StaffMember]:
    return list(StaffMember.objects.filter(services=service, bookable=True).select_related("user").order_by("pk"))


def bookable_window(*, service: Service, now: datetime | None = None) -> tuple[datetime, date]:
    """The earliest start (minimum notice) and the last local day (horizon) one may book now."""
    now = now or timezone.now()
    zone = service.municipality.zone
    return now + timedelta(hours=service.minimum_notice_hours), (now.astimezone(zone).date()) + timedelta(
        days=service.horizon_days
    )


def slots_available(
    *,
    service: Service,
    day_from: date,
    day_to: date,
    clerk: StaffMember | None = None,
    now: datetime | None = None,
    exclude_appointment: Appointment | None = None,
    first_day_only: bool = False,
) -> dict[date, list[Slot]]:
    """Free slots per local day (both ends included) for one clerk, or for Any clerk (their union).

    Five queries whatever the number of clerks or days: clerks with their working hours, time off,
    holidays, and the clerks' active bookings in the range. Wall times are turned into instants day by day
    with the municipality's zone, so a range of 09:00–13:00 stays 09:00–13:00 across the DST changes.
    `exclude_appointment` lets a booking being rescheduled not block its own neighbourhood. The holds of
    waitlist offers are busy like bookings. `first_day_only` stops after the first day with a free time.
    """
    earliest, last_day = bookable_window(service=service, now=now)
    day_to = min(day_to, last_day)
    if day_from > day_to:
        return {}
    return _free_slots(
        service=service,
        day_from=day_from,
        day_to=day_to,
        clerk=clerk,
        earliest=earliest,
        exclude_appointment=exclude_appointment,
        first_day_only=first_day_only,
    )


def free_starts_by_local_day(
    *, service: Service, zone, day_from: date, day_to: date, clerk: StaffMember | None = None
) -> dict[date, list[datetime]]:
    """The free starts (UTC, ascending) per day of `zone`, both ends included, before the minimum notice and the
    horizon are applied: what does not depend on the clock, and so may be cached (appointments/availability.py).

    Five queries, whatever the number of clerks, days or bookings (those of `slots_available`).
    """
    by_municipality_day = _free_slots(
        service=service,
        day_from=day_from - timedelta(days=1),
        day_to=day_to + timedelta(days=1),
        clerk=clerk,
        with_clerks=False,
    )
    result: dict[date, list[datetime]] = defaultdict(list)
    for day_slots in by_municipality_day.values():
        for slot in day_slots:
            local_day = slot.start.astimezone(zone).date()
            if day_from <= local_day <= day_to:
                result[local_day].append(slot.start)
    return {day: sorted(result[day]) for day in sorted(result)}


def _busy_rows(*, staff_ids: list[int], range_start: datetime, range_end: datetime):
    """The clerks' busy rows overlapping [range_start, range_end), asked as the exclusion constraint states them
    (clerk =, tstzrange && , status booked or held) so that its GiST index answers: only the rows of the range
    are read, however long the clerks' history. No ORDER BY: the caller sorts the few rows it gets."""
    return (
        Appointment.objects.busy()
        .alias(blocked=TsTzRange("blocked_start", "blocked_end"))
        .filter(clerk_id__in=staff_ids, blocked__overlap=(range_start, range_end))
        .order_by()
    )


def _free_slots(
    *,
    service: Service,
    day_from: date,
    day_to: date,
    clerk: StaffMember | None = None,
    earliest: datetime | None = None,
    exclude_appointment: Appointment | None = None,
    first_day_only: bool = False,
    with_clerks: bool = True,
) -> dict[date, list[Slot]]:
    # slots_available without the clock: `earliest` (None: no minimum) is the only instant it is given.
    # `with_clerks=False` leaves each slot's clerk_ids incomplete (the first free clerk only), which is all the
    # free-slot page needs and spares the overlap checks of every other clerk at a start already known free.
    zone = service.municipality.zone
    staff = StaffMember.objects.filter(services=service, bookable=True)
    if clerk is not None:
        staff = staff.filter(pk=clerk.pk)
    staff = list(staff.prefetch_related("working_hours").order_by("pk"))
    if not staff:
        return {}
    range_start = datetime.combine(day_from, datetime.min.time(), tzinfo=zone) - timedelta(days=1)
    range_end = datetime.combine(day_to, datetime.min.time(), tzinfo=zone) + timedelta(days=2)
    staff_ids = [member.pk for member in staff]
    holidays = set(
        Holiday.objects.filter(municipality_id=service.municipality_id, date__range=(day_from, day_to)).values_list(
            "date", flat=True
        )
    )
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for staff_id, start, end in (
        TimeOff.objects.filter(staff_id__in=staff_ids, start__lt=range_end, end__gt=range_start)
        .order_by()
        .values_list("staff_id", "start", "end")
    ):
        busy[staff_id].append((start, end))
    booked = _busy_rows(staff_ids=staff_ids, range_start=range_start, range_end=range_end)
    if exclude_appointment is not None:
        booked = booked.exclude(pk=exclude_appointment.pk)
    for staff_id, start, end in booked.values_list("clerk_id", "blocked_start", "blocked_end"):
        busy[staff_id].append((start, end))
    starts: dict[int, list[datetime]] = {}
    reach: dict[int, list[datetime]] = {}  # reach[i]: the latest end among the first i+1 intervals
    for staff_id, intervals in busy.items():
        intervals.sort()
        starts[staff_id] = [start for start, _ in intervals]
        reach[staff_id] = list(accumulate((end for _, end in intervals), max))

    duration = timedelta(minutes=service.duration_minutes)
    step = timedelta(minutes=service.interval_minutes)
    before = timedelta(minutes=service.buffer_before_minutes)
    after = timedelta(minutes=service.buffer_after_minutes)
    result: dict[date, dict[datetime, Slot]] = defaultdict(dict)
    day = day_from
    while day <= day_to:
        if day not in holidays:
            # The candidate starts of one range of hours, turned into instants once per day for every clerk
            # who keeps those hours (most do), not once per clerk.
            candidates: dict[tuple, list[tuple[datetime, datetime]]] = {}
            free = result[day]
            for member in staff:
                member_starts, member_reach = starts.get(member.pk, ()), reach.get(member.pk, ())
                for hours in member.working_hours.all():
                    if hours.weekday != day.weekday():
                        continue
                    key = (hours.start, hours.end)
                    if key not in candidates:
                        candidates[key] = _candidates(day, hours.start, hours.end, zone, duration, step, earliest)
                    for start, end in candidates[key]:
                        slot = free.get(start)
                        if slot is not None and not with_clerks:
                            continue  # free with an earlier clerk already: who else is free is not asked
                        if _overlaps(member_starts, member_reach, start - before, end + after):
                            continue
                        if slot is None:
                            slot = free[start] = Slot(start=start, end=end)
                        slot.clerk_ids.append(member.pk)
        if first_day_only and result.get(day):
            break
        day += timedelta(days=1)
    return {day: [slots[key] for key in sorted(slots)] for day, slots in sorted(result.items()) if slots}


def _candidates(day: date, opens, closes, zone, duration, step, earliest) -> list[tuple[datetime, datetime]]:
    """The (start, end) instants of one range of wall hours on one day, every `step`, from `earliest` on."""
    close = datetime.combine(day, closes, tzinfo=zone).astimezone(UTC)
    wall = datetime.combine(day, opens)
    result = []
    while True:
        start = wall.replace(tzinfo=zone).astimezone(UTC)
        end = start + duration
        if end > close:
            return result
        wall += step
        if earliest is None or start >= earliest:
            result.append((start, end))


def _overlaps(starts, reach, start: datetime, end: datetime) -> bool:
    # Only intervals starting before `end` can overlap [start, end); one of them does if the latest end
    # among them passes `start`. Two bisections per candidate, however many bookings a clerk has.
    index = bisect_left(starts, end)
    return index > 0 and reach[index - 1] > start


def booking_days(*, service: Service, zone, now: datetime | None = None) -> tuple[date, date]:
    """The first and last days, in `zone` (the citizen's), that may hold a bookable start now.

    The horizon counts whole days of the municipality; its last day ends at midnight in the municipality,
    which may be another date where the citizen lives.
    """
    earliest, last_day = bookable_window(service=service, now=now)
    municipality_zone = service.municipality.zone
    horizon_end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=municipality_zone)
    return earliest.astimezone(zone).date(), (horizon_end - timedelta(microseconds=1)).astimezone(zone).date()


def slots_by_local_day(*, service: Service, zone, day_from: date, day_to: date, **kwargs) -> dict[date, list[Slot]]:
    """Free slots grouped by the days of `zone` (the citizen's own), both ends included, each day ascending.

    A citizen's day overlaps two of the municipality's days (zones differ by less than a day), so the
    municipality days one either side are asked too; the other arguments are those of `slots_available`.
    """
    by_municipality_day = slots_available(
        service=service, day_from=day_from - timedelta(days=1), day_to=day_to + timedelta(days=1), **kwargs
    )
    result: dict[date, list[Slot]] = defaultdict(list)
    for day_slots in by_municipality_day.values():
        for slot in day_slots:
            local_day = slot.start.astimezone(zone).date()
            if day_from <= local_day <= day_to:
                result[local_day].append(slot)
    return {day: sorted(result[day], key=lambda slot: slot.start) for day in sorted(result)}


def first_free_slot(*, service: Service, clerk: StaffMember | None = None, now: datetime | None = None) -> Slot | None:
    """The earliest free time within the booking horizon, of any clerk or of `clerk`: five queries, however far."""
    now = now or timezone.now()
    _earliest, last_day = bookable_window(service=service, now=now)
    first_day = now.astimezone(service.municipality.zone).date()
    days = slots_available(
        service=service, day_from=first_day, day_to=last_day, clerk=clerk, now=now, first_day_only=True
    )
    return next((slots[0] for slots in days.values() if slots), None)


def slot_find(*, service: Service, start: datetime, clerk: StaffMember | None = None, **kwargs) -> Slot | None:
    day = start.astimezone(service.municipality.zone).date()
    for slot in slots_available(service=service, day_from=day, day_to=day, clerk=clerk, **kwargs).get(day, []):
        if slot.start == start:
            return slot
    return None


def fairest_clerk_id(*, clerk_ids: list[int], day: date, zone) -> int:
    """Among the free clerks, the one with the fewest bookings that local day; ties go to the lowest id."""
    day_start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    counts = dict(
        StaffMember.objects.filter(pk__in=clerk_ids)
        .annotate(
            n=Count(
                "appointments",
                filter=Q(
                    appointments__status=Appointment.Status.BOOKED,
                    appointments__start__gte=day_start,
                    appointments__start__lt=day_start + timedelta(days=1),
                ),
            )
        )
        .values_list("pk", "n")
    )
    return min(clerk_ids, key=lambda pk: (counts.get(pk, 0), pk))


def appointment_for_citizen(*, code: str, user) -> Appointment:
    """The citizen's own booking, or 404 — another citizen's booking does not exist for them."""
    return get_object_or_404(
        Appointment.objects.bookings().select_related("service__municipality", "clerk__user"), code=code, citizen=user
    )


def appointment_for_token(*, token: str) -> Appointment:
    """The booking a manage link is for; a forged, old or used token finds nothing."""
    if not token or len(token) > 100:
        raise Http404
    return get_object_or_404(
        Appointment.objects.bookings().select_related("service__municipality", "clerk__user"),
        manage_token_hash=token_hash(token),
    )


def appointment_for_join(*, code: str) -> Appointment:
    """A video booking by its public code (the join page); 404 for anything else."""
    return get_object_or_404(
        Appointment.objects.select_related("service__municipality", "service__department"), code=code, mode=Mode.VIDEO
    )


def appointment_for_dev_room(*, room: str) -> Appointment | None:
    return (
        Appointment.objects.select_related("service__municipality")
        .filter(meeting_provider="dev", meeting_id=room)
        .first()
    )


def staff_member_for(*, user) -> StaffMember:
    """The clerk's StaffMember row (its municipality scopes everything they see); 404 for anyone else.

    "Is this person staff" is accounts' answer (active, staff or superuser); a calendar clerk is whoever has a row,
    so there is no permission to ask `user_is_clerk_of` about (appointments grants no staff role).
    """
    if not user.is_authenticated or not user_is_staff(user=user):
        raise Http404
    return get_object_or_404(StaffMember.objects.select_related("municipality", "user"), user=user)


def staff_appointments(*, staff: StaffMember, start: datetime, end: datetime) -> list[Appointment]:
    """The clerk's bookings that overlap [start, end), cancelled ones included (the calendar strikes them through)."""
    return list(
        Appointment.objects.filter(clerk=staff, start__lt=end, end__gt=start)
        .exclude(status=Appointment.Status.RELEASED)
        .select_related("service", "cancelled_by")
        .prefetch_related("documents", "document_requests")
        .order_by("start", "pk")
    )


def staff_appointment(*, staff: StaffMember, code: str) -> Appointment:
    return get_object_or_404(
        Appointment.objects.bookings().select_related("service__municipality"), clerk=staff, code=code
    )


def staff_for_feed(*, token: str) -> StaffMember:
    if not token or len(token) > 100:
        raise Http404
    return get_object_or_404(StaffMember.objects.select_related("municipality"), feed_token_hash=token_hash(token))


def meetings_missing(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    """Ids of upcoming video bookings that have no meeting yet, soonest first."""
    now = now or timezone.now()
    return list(
        Appointment.objects.active()
        .filter(mode=Mode.VIDEO, meeting_url="", end__gt=now)
        .order_by("start")
        .values_list("pk", flat=True)[:limit]
    )


def meetings_to_remove(*, limit: int = 200) -> list[int]:
    """Ids of cancelled bookings whose meeting is still open at the provider."""
    return list(
        Appointment.objects.filter(status=Appointment.Status.CANCELLED, meeting_deleted_at__isnull=True)
        .exclude(meeting_id="")
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def upcoming_for_citizen(*, user, now: datetime | None = None) -> list[Appointment]:
    """The citizen's bookings that have not started yet, soonest first."""
    return list(
        Appointment.objects.active()
        .filter(citizen=user, start__gt=now or timezone.now())
        .select_related("service__municipality", "service__department", "clerk__user")
        .order_by("start")
    )


# --- The waitlist


def waitlist_match(
    *, service_id: int, clerk_id: int, start: datetime, end: datetime, lock: bool = True
) -> WaitlistEntry | None:
    """The first waiting citizen (in the order they joined) whose days and clerk fit a freed time, row-locked.

    One query on the partial FIFO index, however many wait. SKIP LOCKED: two offers made at once each take a
    different citizen instead of queueing behind one another's lock. A citizen who let this very time run out
    is not offered it again. (`lock=False` exists for the concurrency tests' control run only.)
    """
    let_go = Appointment.objects.filter(
        waitlist_entry=OuterRef("pk"), clerk_id=clerk_id, start=start, status=Appointment.Status.RELEASED
    )
    entries = WaitlistEntry.objects.select_for_update(skip_locked=True, of=("self",)) if lock else WaitlistEntry.objects
    return (
        entries.select_related("citizen")
        .filter(
            Q(clerk__isnull=True) | Q(clerk_id=clerk_id),
            service_id=service_id,
            status=WaitlistEntry.Status.WAITING,
            range_start__lte=start,
            range_end__gte=end,
        )
        .exclude(Exists(let_go))
        .order_by("created_at", "pk")
        .first()
    )


def waitlist_services_waiting(*, clerk: StaffMember, start: datetime, end: datetime) -> list[Service]:
    """The clerk's services with citizens waiting for days that touch [start, end), one query; each carries
    `waiting` (how many), `wait_from` and `wait_to` (the span of their days) to narrow the slot search."""
    waiting = Q(
        waitlist_entries__status=WaitlistEntry.Status.WAITING,
        waitlist_entries__range_start__lt=end,
        waitlist_entries__range_end__gt=start,
    )
    return list(
        Service.objects.filter(staff=clerk, is_active=True)
        .select_related("municipality")
        .annotate(
            waiting=Count("waitlist_entries", filter=waiting),
            wait_from=Min("waitlist_entries__range_start", filter=waiting),
            wait_to=Max("waitlist_entries__range_end", filter=waiting),
        )
        .filter(waiting__gt=0)
        .order_by("pk")
    )


def waitlist_anyone_waiting(*, clerk_id: int, start: datetime, end: datetime) -> bool:
    return WaitlistEntry.objects.filter(
        service__staff__pk=clerk_id,
        status=WaitlistEntry.Status.WAITING,
        range_start__lt=end,
        range_end__gt=start,
    ).exists()


def waitlist_for_citizen(*, user) -> list[WaitlistEntry]:
    return list(
        WaitlistEntry.objects.filter(citizen=user)
        .select_related("service__municipality", "clerk__user")
        .prefetch_related("holds")
        .order_by("-created_at")[:100]
    )


def waitlist_entry_for_citizen(*, code: str, user) -> WaitlistEntry:
    return get_object_or_404(
        WaitlistEntry.objects.select_related("service__municipality", "clerk__user"), code=code, citizen=user
    )


def offer_live(*, entry: WaitlistEntry) -> Appointment | None:
    """The time held for this entry now, if any."""
    return (
        Appointment.objects.filter(waitlist_entry=entry, status=Appointment.Status.HELD)
        .select_related("service__municipality", "clerk__user")
        .first()
    )


def offer_for_token(*, token: str) -> Appointment:
    """The offer an e-mailed link is for (held, claimed or run out); 404 for anything else."""
    if not token or len(token) > 100:
        raise Http404
    return get_object_or_404(
        Appointment.objects.select_related("service__municipality", "clerk__user", "waitlist_entry").filter(
            waitlist_entry__isnull=False
        ),
        manage_token_hash=token_hash(token),
    )


def waitlist_lengths(*, staff: StaffMember) -> list[Service]:
    """The clerk's services, each with `waiting`: how many citizens wait for it (one query)."""
    return list(
        Service.objects.filter(staff=staff, is_active=True)
        .annotate(
            waiting=Count(
                "waitlist_entries",
                filter=Q(waitlist_entries__status__in=[WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED]),
            )
        )
        .order_by("name_el")
    )


def holds_expired(*, now: datetime, limit: int = 500) -> list[int]:
    return list(
        Appointment.objects.filter(status=Appointment.Status.HELD, hold_expires_at__lte=now)
        .order_by("hold_expires_at")
        .values_list("pk", flat=True)[:limit]
    )
