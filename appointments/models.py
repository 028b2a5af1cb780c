import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import Func, Q
from django.utils.translation import gettext_lazy as _

from portal.models import BilingualName, Department, Municipality, localized
from portal.storage import PrivateStorage

_private_storage = PrivateStorage("appointments")


def private_storage() -> PrivateStorage:
    return _private_storage


def token_hash(token: str) -> str:
    """Manage and feed tokens are stored only as a SHA-256 hash: a leaked table does not leak the links."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone call")


class Service(BilingualName, models.Model):  # noqa: DJ008 - str() from BilingualName
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="appointment_services", verbose_name=_("municipality")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="appointment_services", verbose_name=_("department")
    )
    name_el = models.CharField(_("name (Greek)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    description_el = models.TextField(_("description (Greek)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    modes = models.JSONField(_("modes offered"), default=list, help_text=_("in_person, video, phone"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=20)
    interval_minutes = models.PositiveSmallIntegerField(_("slot interval (minutes)"), default=30)
    buffer_before_minutes = models.PositiveSmallIntegerField(_("buffer before (minutes)"), default=0)
    buffer_after_minutes = models.PositiveSmallIntegerField(_("buffer after (minutes)"), default=0)
    minimum_notice_hours = models.PositiveSmallIntegerField(_("minimum notice (hours)"), default=24)
    horizon_days = models.PositiveSmallIntegerField(_("bookable up to (days ahead)"), default=60)
    location_el = models.CharField(_("location (Greek)"), max_length=255, blank=True)
    location_en = models.CharField(_("location (English)"), max_length=255, blank=True)
    instructions_el = models.TextField(_("instructions (Greek)"), blank=True)
    instructions_en = models.TextField(_("instructions (English)"), blank=True)
    documents_expected_el = models.TextField(
        _("documents expected (Greek)"), blank=True, help_text=_("One document per line; shown at the details step.")
    )
    documents_expected_en = models.TextField(
        _("documents expected (English)"), blank=True, help_text=_("One document per line; shown at the details step.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["municipality", "name_el"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="appointments_service_duration_positive"),
            models.CheckConstraint(condition=Q(interval_minutes__gt=0), name="appointments_service_interval_positive"),
        ]

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def location(self) -> str:
        return localized(self, "location")

    @property
    def instructions(self) -> str:
        return localized(self, "instructions")

    @property
    def documents_expected(self) -> list[str]:
        """The documents a citizen should attach, one per line, in the current language (Greek if none)."""
        return [line.strip() for line in localized(self, "documents_expected").splitlines() if line.strip()]

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    def mode_labels(self) -> list[str]:
        return [Mode(mode).label for mode in self.modes if mode in Mode.values]


class StaffMember(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appointment_staff", verbose_name=_("user")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="appointment_staff", verbose_name=_("municipality")
    )
    services = models.ManyToManyField(Service, related_name="staff", blank=True, verbose_name=_("services"))
    bookable = models.BooleanField(_("bookable"), default=True)
    graph_user_id = models.CharField(
        _("Microsoft Graph object id"), max_length=64, blank=True, help_text=_("Organizer of this clerk's meetings.")
    )
    feed_token_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("clerk")
        verbose_name_plural = _("clerks")
        ordering = ["user__full_name", "pk"]

    def __str__(self) -> str:
        return str(self.user)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingHours(models.Model):
    """One range of one weekday, in the municipality's local time: a day may have several."""

    staff = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="working_hours", verbose_name=_("clerk")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["staff", "weekday", "start"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appointments_hours_order")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class TimeOff(models.Model):
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="time_off", verbose_name=_("clerk"))
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("time off")
        verbose_name_plural = _("time off")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appointments_timeoff_order")
        ]

    def __str__(self) -> str:
        return f"{self.staff}: {self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M}"


class Holiday(BilingualName, models.Model):  # noqa: DJ008 - str() from BilingualName
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="holidays", verbose_name=_("municipality")
    )
    date = models.DateField(_("date"))
    name_el = models.CharField(_("name (Greek)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "date"], name="appointments_holiday_unique_day"),
        ]


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Appointment.Status.BOOKED)

    def busy(self):
        """The rows that occupy their clerk's time: bookings and the holds of waitlist offers."""
        return self.filter(status__in=Appointment.BUSY_STATUSES)

    def bookings(self):
        """Real bookings, whatever their state; not the holds of waitlist offers, live or released."""
        return self.exclude(status__in=(Appointment.Status.HELD, Appointment.Status.RELEASED))


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("booked")
        CANCELLED = "cancelled", _("cancelled")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("no-show")
        # A freed time offered to a waiting citizen: it blocks the clerk like a booking until claimed or released.
        HELD = "held", _("held for a waiting citizen")
        RELEASED = "released", _("offer released")

    BUSY_STATUSES = ("booked", "held")

    class ThirdPartyRole(models.TextChoices):
        ENGINEER = "engineer", _("Engineer")
        LAWYER = "lawyer", _("Lawyer")
        OWNER = "owner", _("Owner")

    # The public id in links and e-mails: unguessable, unlike the primary key.
    code = models.CharField(_("booking code"), max_length=16, unique=True, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("service")
    )
    clerk = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("clerk")
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="appointments",
        verbose_name=_("citizen"),
    )
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # The buffers as they were at booking time, so that editing the service does not change the guarded range.
    blocked_start = models.DateTimeField(editable=False)
    blocked_end = models.DateTimeField(editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.BOOKED)
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    mobile_phone = models.CharField(_("mobile phone"), max_length=20)
    subject = models.CharField(_("subject"), max_length=300)
    application_number = models.CharField(_("application number"), max_length=60, blank=True)
    third_party_role = models.CharField(
        _("third person's role"), max_length=16, choices=ThirdPartyRole.choices, blank=True
    )
    third_party_name = models.CharField(_("third person's name"), max_length=150, blank=True)
    third_party_email = models.EmailField(_("third person's e-mail"), blank=True)
    documents_acknowledged = models.BooleanField(_("documents will be attached beforehand"), default=False)
    consent_at = models.DateTimeField(_("privacy consent given at"))
    # The IANA zone the citizen booked from: their e-mails and pages speak it, whatever the municipality's.
    citizen_time_zone = models.CharField(_("citizen's time zone"), max_length=64, default="Europe/Athens")
    meeting_url = models.URLField(_("meeting link"), max_length=1000, blank=True)
    meeting_provider = models.CharField(_("meeting provider"), max_length=16, blank=True)
    meeting_id = models.CharField(_("meeting id at the provider"), max_length=500, blank=True)
    manage_token_hash = models.CharField(max_length=64, editable=False)
    meeting_deleted_at = models.DateTimeField(_("meeting removed at the provider"), null=True, blank=True)
    # iTIP's SEQUENCE (RFC 5546): one more for every message that changes the event, so calendars apply each.
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )
    history = models.JSONField(_("reschedules"), default=list, blank=True)
    reminder_24h_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_2h_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    # A waitlist offer: the row is `held` until the citizen claims it (→ booked) or it runs out (→ released).
    waitlist_entry = models.ForeignKey(
        "WaitlistEntry",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="holds",
        verbose_name=_("waitlist entry"),
    )
    hold_expires_at = models.DateTimeField(_("offer held until"), null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["start"]
        indexes = [models.Index(fields=["clerk", "start"], name="appointments_clerk_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appointments_appointment_order"),
            # The database, not the code, guarantees that no clerk is booked twice at once: two concurrent
            # inserts into an empty slot both pass any SELECT … FOR UPDATE check, but not this.
            ExclusionConstraint(
                name="appointments_no_overlap",
                expressions=[
                    ("clerk", RangeOperators.EQUAL),
                    (TsTzRange("blocked_start", "blocked_end"), RangeOperators.OVERLAPS),
                ],
                # A hold of a waitlist offer takes part: nobody can book the offered time meanwhile.
                condition=Q(status__in=["booked", "held"]),
            ),
            # One live offer per waiting citizen, whatever runs at once.
            models.UniqueConstraint(
                fields=["waitlist_entry"], condition=Q(status="held"), name="appointments_one_hold_per_entry"
            ),
            models.CheckConstraint(
                condition=~Q(status="held") | Q(hold_expires_at__isnull=False), name="appointments_hold_has_expiry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.service} {self.start:%Y-%m-%d %H:%M}"

    @property
    def citizen_zone(self):
        """The citizen's zone as a ZoneInfo; the municipality's if the stored name is no longer a known zone."""
        from portal.timezones import zone_parse

        return zone_parse(self.citizen_time_zone) or self.service.municipality.zone

    @property
    def is_video(self) -> bool:
        return self.mode == Mode.VIDEO

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.BOOKED

    def get_mode_display_text(self) -> str:
        return Mode(self.mode).label


class WaitlistEntry(models.Model):
    """A citizen waiting for a time of one service (optionally one clerk and one mode) within a range of days.

    The days are the citizen's own; `range_start`/`range_end` are those days as instants, so that matching a
    freed time is one indexed comparison whatever the zones.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        OFFERED = "offered", _("a time is offered")
        BOOKED = "booked", _("booked")
        LEFT = "left", _("left the waitlist")
        EXPIRED = "expired", _("expired")

    code = models.CharField(_("code"), max_length=16, unique=True, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="waitlist_entries", verbose_name=_("service")
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries", verbose_name=_("citizen")
    )
    clerk = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("clerk")
    )
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, blank=True, help_text=_("Empty: any."))
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("until"))
    range_start = models.DateTimeField(editable=False)
    range_end = models.DateTimeField(editable=False)
    subject = models.CharField(_("subject"), max_length=300)
    citizen_time_zone = models.CharField(_("citizen's time zone"), max_length=64, default="Europe/Athens")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.WAITING)
    consent_at = models.DateTimeField(_("privacy consent given at"))
    created_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        ordering = ["created_at", "pk"]
        indexes = [
            # The matching query: the first waiting citizen of a service, in the order they joined.
            models.Index(
                fields=["service", "created_at", "id"],
                condition=Q(status="waiting"),
                name="appointments_waitlist_fifo_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(range_end__gt=models.F("range_start")), name="appointments_waitlist_range_order"
            ),
            models.UniqueConstraint(
                fields=["service", "citizen"],
                condition=Q(status__in=["waiting", "offered"]),
                name="appointments_waitlist_one_open_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.service} {self.first_day}–{self.last_day}"

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.WAITING, self.Status.OFFERED}


class FreedTime(models.Model):
    """A clerk's time that became free (a cancellation, a move, new hours, a released offer): an outbox row.

    Written in the transaction that freed the time and offered to the waitlist after the commit; a refused
    publish leaves it pending for the beat task, so a broker outage loses no offer.
    """

    clerk = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("freed time")
        verbose_name_plural = _("freed times")
        indexes = [
            models.Index(fields=["created_at"], condition=Q(processed_at__isnull=True), name="appointments_freed_todo")
        ]

    def __str__(self) -> str:
        return f"{self.clerk}: {self.start:%Y-%m-%d %H:%M} – {self.end:%H:%M} ({self.reason})"


class BookingDocument(models.Model):
    """A document the citizen attached to a booking: private, shown only to them, its clerk and the department.

    Deleted `APPOINTMENT_DOCUMENTS_RETENTION_DAYS` after the appointment (appointments/documents.py).
    """

    class Kind(models.TextChoices):
        IMAGE = "image", _("image")
        DOCUMENT = "document", _("document")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    original_name = models.CharField(_("original name"), max_length=255)
    file = models.FileField(_("file"), storage=private_storage, upload_to="documents/%Y/%m")
    size = models.PositiveIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )

    class Meta:
        verbose_name = _("booking document")
        verbose_name_plural = _("booking documents")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="appointments_document_not_empty"),
            # Who checked may be erased later (SET NULL), but a checker is never recorded without the time.
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True) | Q(checked_at__isnull=False),
                name="appointments_document_checked_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_checked(self) -> bool:
        return self.checked_at is not None


class DocumentRequest(models.Model):
    """A clerk asks the citizen for a document that is missing; answered by the next upload."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="document_requests")
    message = models.CharField(_("message"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("asked by")
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document request")
        verbose_name_plural = _("document requests")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(message=""), name="appointments_document_request_has_message"),
        ]

    def __str__(self) -> str:
        return self.message
