"""The free-slot page's caches: a month's free start times per (service, clerk or Any, citizen's zone, month); the
service and its clerks (`service_with_clerk_ids`, `clerks_cached`); the first free time (`first_free_start`, also
the service page's «next free time»); and the page's rendered part (`page_part_cached`: the calendar,
the day's buttons and the clerk list, per language, mode, citizen's zone, clerk or Any, month, day and «first»).
All are under the municipality's availability version below; the last two also hold only until the clock alone
would change them.

What is cached is public and the same for every citizen: the starts that the clerks' hours, time off, holidays
and bookings leave free, before the minimum notice and the horizon are applied. Those two depend on the clock
and are applied when the page is read, so an entry never goes stale by time passing; only the day shown is
turned into `Slot`s.

Entries are found through a version per municipality kept in the same cache (Redis through CACHE_URL, so that
every web process sees one version). Anything that changes availability — a booking made, cancelled, moved or
marked, a waitlist hold, time off, a holiday, working hours, a service's settings, a clerk's services or name — calls
`availability_changed`, which replaces the version now and again after the commit: the second replacement is
the one that matters, since a page computed between the first and the commit may have read the old rows and
stored them under the first. Pages never show a time taken by a committed booking once its commit has run its
callbacks. The database's exclusion constraint, not this cache, keeps two bookings from one time: booking
re-checks the slot in the database (`selectors.slot_find`).
"""

import logging
from bisect import bisect_left
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

from appointments import selectors
from appointments.models import Appointment, Holiday, Service, StaffMember, TimeOff, WorkingHours
from portal.caching import cached, cached_at_versions, data_changed, data_version, data_version_key

logger = logging.getLogger(__name__)

# Entries are replaced through the version; the expiry returns the memory of months nobody looks at, and bounds
# what a version lost to a cache outage at a commit could leave shown.
ENTRY_SECONDS = 600


def _version_name(municipality_id: int) -> str:
    return f"availability:{municipality_id}"


def version_key(municipality_id: int) -> str:
    """The cache key of the municipality's availability version (see portal.caching)."""
    return data_version_key(_version_name(municipality_id))


def availability_changed(*, municipality_id: int | None = None, clerk_id: int | None = None) -> None:
    """Forget the cached free times of a municipality (given directly or through one of its clerks).

    Replaces the version at once (the transaction's own later reads, and tests whose transaction never commits,
    see it) and again on commit (`transaction.on_commit`), after which no process reads times cached before.
    """
    if municipality_id is None and clerk_id is not None:
        municipality_id = StaffMember.objects.filter(pk=clerk_id).values_list("municipality_id", flat=True).first()
    if municipality_id is None:
        return
    data_changed(_version_name(municipality_id), at_once=True)


def _month_key(*, service: Service, clerk: StaffMember | None, zone, month: date) -> str:
    # Everything that changes the stored starts: the service and its step, the clerk or Any, the municipality's
    # zone (wall times become instants there) and the citizen's (days are grouped there), the month.
    return ":".join(
        str(part)
        for part in (
            "appointments:availability",
            data_version(_version_name(service.municipality_id)),
            service.pk,
            service.duration_minutes,
            service.interval_minutes,
            service.buffer_before_minutes,
            service.buffer_after_minutes,
            clerk.pk if clerk else "any",
            service.municipality.time_zone,
            zone.key,
            f"{month:%Y-%m}",
        )
    )


def _month_starts(*, service: Service, clerk: StaffMember | None, zone, month: date) -> dict[date, tuple[int, ...]]:
    """The month's free starts per local day of `zone` (POSIX seconds, ascending), from the cache or computed."""

    def compute() -> dict[date, tuple[int, ...]]:
        month_end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        days = selectors.free_starts_by_local_day(
            service=service, zone=zone, day_from=month, day_to=month_end, clerk=clerk
        )
        return {day: tuple(int(start.timestamp()) for start in day_starts) for day, day_starts in days.items()}

    return cached(_month_key(service=service, clerk=clerk, zone=zone, month=month), compute, timeout=ENTRY_SECONDS)


def month_availability(
    *, service: Service, zone, month: date, clerk: StaffMember | None = None, now: datetime | None = None
) -> "MonthAvailability":
    """The free days of `month` (the first day of a month) in `zone`'s days, and each day's free times.

    One cache read when warm (two with the version), no database query; a cold entry costs the five queries of
    `selectors.free_starts_by_local_day`. The minimum notice and the horizon are applied here, against `now`.
    """
    earliest, last_day = selectors.bookable_window(service=service, now=now)
    horizon_end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=service.municipality.zone)
    return MonthAvailability(
        starts=_month_starts(service=service, clerk=clerk, zone=zone, month=month),
        low=int(earliest.timestamp()) + (earliest.microsecond > 0),
        high=int(horizon_end.timestamp()),
        duration=timedelta(minutes=service.duration_minutes),
    )


def first_free_start(*, service: Service, clerk: StaffMember | None = None, now: datetime | None = None):
    """The earliest bookable start within the horizon (UTC datetime), of Any clerk or of `clerk`, or None: what
    `selectors.first_free_slot` finds (five queries, however far), cached under the availability version.

    As the clock moves on, bookable times only go (the notice passes them) until the horizon gains a day at the
    municipality's midnight: the answer holds until the notice reaches it or that midnight, whichever comes
    first, and is then worked out again. One cache read when warm.
    """
    now = now or timezone.now()
    municipality = service.municipality
    key = f"appointments:first-free:{service.pk}:{clerk.pk if clerk else 'any'}:{municipality.time_zone}"

    def build() -> tuple[datetime | None, datetime]:
        slot = selectors.first_free_slot(service=service, clerk=clerk, now=now)
        today = now.astimezone(municipality.zone).date()
        moments = [datetime.combine(today + timedelta(days=1), time.min, tzinfo=municipality.zone)]
        if slot is not None:
            moments.append(slot.start - timedelta(hours=service.minimum_notice_hours))
        return (slot.start if slot else None), min(moments)

    return cached_at_versions(key, [_version_name(service.municipality_id)], build, timeout=ENTRY_SECONDS, now=now)


def service_with_clerk_ids(*, municipality, service_id: int) -> tuple[Service, frozenset[int]] | None:
    """The municipality's active service `service_id` and the ids of its bookable clerks, or None.

    Cached under the municipality's availability version, which every change of a service, a clerk or a clerk's
    services moves: one small cache read and no query when warm (the clerks themselves, which a page needs only
    when it renders its list, are `clerks_cached`). The service's `municipality` is the one given (the caller's
    current copy), not the one it was cached with.
    """

    def build() -> tuple:
        service = Service.objects.filter(pk=service_id, municipality_id=municipality.pk, is_active=True).first()
        if service is None:
            return ()
        clerk_ids = StaffMember.objects.filter(services=service, bookable=True).values_list("pk", flat=True)
        return service, frozenset(clerk_ids)

    found = cached_at_versions(
        f"appointments:service:{municipality.pk}:{service_id}",
        [_version_name(municipality.pk)],
        build,
        timeout=ENTRY_SECONDS,
    )
    if not found:
        return None
    service, clerk_ids = found
    service.municipality = municipality
    return service, clerk_ids


def clerks_cached(*, service: Service) -> list[StaffMember]:
    """The service's bookable clerks with their users, by id (`selectors.clerks_for`), cached under the
    availability version, which a clerk's name moves too (`_on_user_saved`)."""
    version = data_version(_version_name(service.municipality_id))
    return cached(
        f"appointments:clerks:{version}:{service.pk}",
        lambda: selectors.clerks_for(service=service),
        timeout=ENTRY_SECONDS,
    )


def page_part_cached(
    *, service: Service, parts: tuple, build: Callable[[], tuple[str, datetime | None]], now: datetime
) -> str:
    """A rendered part of the free-slot page, built by `build()` → (html, stable_until) when missing, built at an
    older availability version, or past `stable_until` (the moment the clock alone would change it: a shown time
    passing its minimum notice, a new day; see `calendar_context`). Keyed by the service and its municipality's
    zone, the language and `parts` (everything else the part shows: the mode, the clerk or Any, the citizen's
    zone, the month and day asked for…; a stable repr, nothing personal). One cache round trip when warm.
    """
    key = ":".join(
        str(part)
        for part in (
            "appointments:fragment",
            service.pk,
            service.municipality.time_zone,
            translation.get_language(),
            *parts,
        )
    )
    return cached_at_versions(key, [_version_name(service.municipality_id)], build, timeout=ENTRY_SECONDS, now=now)


class MonthAvailability:
    """A month's cached free starts seen at one moment: `free_days` and `slots(day)`, both within [low, high)."""

    def __init__(self, *, starts: dict[date, tuple[int, ...]], low: int, high: int, duration: timedelta):
        self._starts, self._low, self._high, self._duration = starts, low, high, duration

    def _bookable(self, day_starts: tuple[int, ...]) -> tuple[int, ...]:
        return day_starts[bisect_left(day_starts, self._low) : bisect_left(day_starts, self._high)]

    @property
    def free_days(self) -> list[date]:
        """The local days with at least one bookable time, ascending."""
        return [day for day, day_starts in sorted(self._starts.items()) if self._bookable(day_starts)]

    @property
    def first_start(self) -> datetime | None:
        """The month's earliest bookable start (UTC), or None."""
        for _day, day_starts in sorted(self._starts.items()):
            bookable = self._bookable(day_starts)
            if bookable:
                return datetime.fromtimestamp(bookable[0], UTC)
        return None

    def slots(self, day: date) -> list[selectors.Slot]:
        """The day's bookable times as Slots (UTC, ascending). Their `clerk_ids` are left empty: booking picks
        the clerk from the database."""
        result = []
        for start in self._bookable(self._starts.get(day, ())):
            moment = datetime.fromtimestamp(start, UTC)
            result.append(selectors.Slot(start=moment, end=moment + self._duration))
        return result


# --- What changes availability. Writes through the ORM's save/delete are caught here (the admin, the clerks'
# availability page, the demo); compare-and-swap updates of a booking's status call availability_changed
# themselves (appointments/services.py, appointments/waitlist.py).


def _municipality_of(instance) -> int | None:
    if isinstance(instance, Service | StaffMember | Holiday):
        return instance.municipality_id
    if isinstance(instance, WorkingHours | TimeOff):
        if type(instance).staff.is_cached(instance):
            return instance.staff.municipality_id
        return StaffMember.objects.filter(pk=instance.staff_id).values_list("municipality_id", flat=True).first()
    if isinstance(instance, Appointment):
        if Appointment.service.is_cached(instance):
            return instance.service.municipality_id
        return Service.objects.filter(pk=instance.service_id).values_list("municipality_id", flat=True).first()
    return None


def _on_write(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return  # fixtures being loaded
    availability_changed(municipality_id=_municipality_of(instance))


def _on_user_saved(sender, instance, update_fields=None, **kwargs) -> None:
    # A clerk's name is shown in the cached clerk list; a login only stamps last_login.
    if kwargs.get("raw") or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    for municipality_id in set(
        StaffMember.objects.filter(user_id=instance.pk).values_list("municipality_id", flat=True)
    ):
        availability_changed(municipality_id=municipality_id)


def _on_services_changed(sender, instance, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        availability_changed(municipality_id=instance.municipality_id)


def connect_signals() -> None:
    """Called once from AppointmentsConfig.ready()."""
    for model in (Service, StaffMember, WorkingHours, TimeOff, Holiday, Appointment):
        post_save.connect(_on_write, sender=model, dispatch_uid=f"availability-save-{model.__name__}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"availability-delete-{model.__name__}")
    post_save.connect(_on_user_saved, sender=settings.AUTH_USER_MODEL, dispatch_uid="availability-clerk-user")
    m2m_changed.connect(
        _on_services_changed, sender=StaffMember.services.through, dispatch_uid="availability-clerk-services"
    )
