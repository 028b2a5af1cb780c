"""Citizen requests («αιτήματα πολιτών»): public reports of a problem on the map, with votes and comments."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import Collate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import BilingualName, Department, Municipality

# Crockford's base32 without I, L, O, U: codes read out over the phone are not mistaken for one another.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 6


def code_generate(prefix: str) -> str:
    """`THE-7K2M9Q`: random, so that codes say nothing about how many requests exist or which comes next."""
    return f"{prefix}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_prefix(municipality: Municipality) -> str:
    return (municipality.slug.replace("-", "")[:3] or "REQ").upper()


# An ICU collation made by migration 0008: Greek alphabetical order, accents and case at a lower level.
TITLE_COLLATION = "requests_el"
# Functions made by migration 0008 (IMMUTABLE wrappers around unaccent, so that an index may use them).
NORMALISE_FUNCTION = "requests_search_normalise"
DOCUMENT_FUNCTION = "requests_search_document"


class SearchNormalise(Func):
    """Lower case, no accents or diaeresis, final sigma as sigma: «ΛΑΚΚΟΥΒΑ», «λακκούβα» and «λακκουβα» are one."""

    function = NORMALISE_FUNCTION
    output_field = models.TextField()


def title_sort_key() -> Collate:
    """Greek alphabetical order of titles: the normalised title (lower case, no accents, final sigma as sigma)
    in the `requests_el` collation. With ICU that is Greek order; where PostgreSQL has no ICU (the embedded
    server of `make run`) `requests_el` is "C", and the normalised Greek letters' code points are already in
    alphabetical order, so the order is the same."""
    return Collate(SearchNormalise("title"), TITLE_COLLATION)


class SearchDocument(Func):
    """A request's title and description, normalised like SearchNormalise; what the trigram index holds."""

    function = DOCUMENT_FUNCTION
    output_field = models.TextField()

    def __init__(self, **extra):
        super().__init__(F("title"), F("description"), **extra)


def status_rank():
    """The status's place in the workflow (Registered 0 … Closed 3, Withdrawn last), for sorting."""
    return Case(
        When(status="registered", then=Value(0)),
        When(status="acknowledged", then=Value(1)),
        When(status="in_progress", then=Value(2)),
        When(status="closed", then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )


# A category's service-level target unless the municipality sets another: two working weeks.
DEFAULT_TARGET_WORKING_DAYS = 10
# «Δεν διορθώθηκε» is accepted this long after closing.
REOPEN_WINDOW_DAYS = 30

# A category's colour is written into a style attribute: only «#rrggbb», never anything a browser would parse further.
COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"


class Category(BilingualName, models.Model):  # noqa: DJ008 - str() from BilingualName
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="request_categories", verbose_name=_("municipality")
    )
    name_el = models.CharField(_("name (Greek)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    code = models.SlugField(_("service code"), max_length=50, help_text=_("The Open311 service code."))
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request_categories",
        verbose_name=_("department"),
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#0d6efd",
        validators=[RegexValidator(COLOUR_PATTERN, message=_("Enter a colour as #rrggbb, e.g. #0d6efd."))],
        help_text=_("Six hexadecimal digits after #, e.g. #0d6efd."),
    )
    icon = models.CharField(_("icon"), max_length=40, blank=True)
    is_other = models.BooleanField(
        _("«Other»"), default=False, help_text=_("Requests filed under «Other» are re-filed by staff.")
    )
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)
    target_working_days = models.PositiveSmallIntegerField(
        _("target in working days"),
        default=DEFAULT_TARGET_WORKING_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Working days (weekends and public holidays skipped) within which a request should be closed."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["municipality", "is_other", "position", "name_el"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="requests_category_unique_code"),
            models.UniqueConstraint(fields=["municipality", "name_el"], name="requests_category_unique_name"),
            models.UniqueConstraint(
                fields=["municipality"], condition=Q(is_other=True), name="requests_one_other_category"
            ),
            models.CheckConstraint(condition=Q(colour__regex=COLOUR_PATTERN), name="requests_category_colour_hex"),
        ]


class Request(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")
        # The citizen's own withdrawal: kept for the record (timeline, votes, comments), out of the public list.
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Resolution(models.TextChoices):
        RESOLVED = "resolved", _("resolved")
        NOT_RESOLVED = "not_resolved", _("not resolved")
        DUPLICATE = "duplicate", _("duplicate")
        NOT_RESPONSIBLE = "not_responsible", _("not our responsibility")

    # Bootstrap badge classes, chosen for contrast with their text (axe checks it).
    STATUS_COLOURS = {
        Status.REGISTERED: "text-bg-danger",
        Status.ACKNOWLEDGED: "text-bg-warning",
        Status.IN_PROGRESS: "text-bg-primary",
        Status.CLOSED: "text-bg-success",
        Status.WITHDRAWN: "text-bg-secondary",
    }
    STATUS_PIN_COLOURS = {
        Status.REGISTERED: "#dc3545",
        Status.ACKNOWLEDGED: "#ffc107",
        Status.IN_PROGRESS: "#0d6efd",
        Status.CLOSED: "#198754",
        Status.WITHDRAWN: "#6c757d",
    }
    # The workflow's order (the guide's «Πορεία διεκπεραίωσης»), not the codes' alphabetical one.
    WORKFLOW = (Status.REGISTERED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.CLOSED)
    FINISHED = (Status.CLOSED, Status.WITHDRAWN)

    code = models.CharField(_("code"), max_length=16, unique=True, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="citizen_requests", verbose_name=_("municipality")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="requests", verbose_name=_("category")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citizen_requests",
        verbose_name=_("department"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citizen_requests",
        verbose_name=_("reporter"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    resolution = models.CharField(_("resolution"), max_length=16, choices=Resolution.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The service level: the date promised to the citizen («αναμένεται έως»), moved only by request_due_date_move
    # with a reason in the timeline; the day the department is reminded (80 % of the target) and when it was.
    due_date = models.DateField(_("expected by"), null=True, blank=True)
    remind_on = models.DateField(_("department reminded on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("department reminded at"), null=True, blank=True)
    # For the statistics, in working days from filing (written by the services when it happens).
    first_answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    first_answer_working_days = models.PositiveSmallIntegerField(_("working days to first answer"), null=True)
    closing_working_days = models.PositiveSmallIntegerField(_("working days to closing"), null=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened by citizens"), default=0)

    class Meta:
        verbose_name = _("citizen request")
        verbose_name_plural = _("citizen requests")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) | (~Q(status="closed") & Q(closed_at=None)),
                name="requests_closed_has_time",
            ),
            models.CheckConstraint(
                condition=(Q(status="closed") & ~Q(resolution="")) | (~Q(status="closed") & Q(resolution="")),
                name="requests_closed_has_resolution",
            ),
            models.CheckConstraint(
                condition=Q(resolution="duplicate", duplicate_of__isnull=False)
                | (~Q(resolution="duplicate") & Q(duplicate_of=None)),
                name="requests_duplicate_has_original",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "latitude", "longitude"], name="requests_location_idx"),
            models.Index(fields=["municipality", "status", "-created_at"], name="requests_status_idx"),
            models.Index(
                fields=["department", "due_date"],
                name="requests_open_due_idx",
                condition=Q(status__in=["registered", "acknowledged", "in_progress"]),
            ),
            # Greek alphabetical order whatever the database's default collation (see title_sort_key); the id
            # breaks ties as the list's ORDER BY does, so the index gives the whole order.
            models.Index(F("municipality"), title_sort_key(), F("id"), name="requests_title_el_idx"),
            # One per offered sort under a category filter, and by date without one (the default list, Open311):
            # the first page reads about as many index entries as it shows, whatever the number of rows.
            models.Index(
                F("municipality"), F("category"), title_sort_key(), F("id"), name="requests_category_title_idx"
            ),
            models.Index(fields=["municipality", "category", "created_at", "id"], name="requests_category_date_idx"),
            models.Index(fields=["municipality", "created_at", "id"], name="requests_date_idx"),
            models.Index(F("municipality"), status_rank(), F("created_at").desc(), name="requests_status_rank_idx"),
            # Accent-, case- and final-sigma-insensitive search (LIKE '%…%' served by a trigram index).
            GinIndex(OpClass(SearchDocument(), name="gin_trgm_ops"), name="requests_search_trgm_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def status_colour(self) -> str:
        return self.STATUS_COLOURS[self.status]

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.REGISTERED

    @property
    def is_open(self) -> bool:
        return self.status not in self.FINISHED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN

    def is_overdue(self, *, today=None) -> bool:
        today = today or timezone.localdate(timezone=self.municipality.zone)
        return self.is_open and self.due_date is not None and self.due_date < today

    def may_reopen(self, *, now=None) -> bool:
        """Closed less than REOPEN_WINDOW_DAYS ago: the reporter and voters may still say «Δεν διορθώθηκε»."""
        now = now or timezone.now()
        return (
            self.status == self.Status.CLOSED
            and self.closed_at is not None
            and now - self.closed_at <= timedelta(days=REOPEN_WINDOW_DAYS)
        )


# The map's kept grids (MapCell): cells of a quarter of a 256-pixel tile at these zooms (about 150 m and 40 m), the
# cluster sizes there (selectors.citizen_requests._cell_size). Any zoom at or below one of them clusters by whole
# groups of its cells; above the finest, the map groups the few requests of its small area itself.
MAP_CELL_ZOOMS = (16, 18)


def map_cell_degrees(zoom: int) -> float:
    """The side of the map's grid cells at `zoom`, in degrees (exact in binary: 360 / 2**zoom / 4)."""
    return 360.0 / 2**zoom / 4


class MapCell(models.Model):
    """How many of a municipality's requests of one status and category lie in one cell of a kept grid (zoom 16 or
    18), and the sums of their coordinates: the map's clusters add these up instead of grouping every request (a
    million requests city-wide: a few thousand cells against ~1 s of grouping).

    Kept by the database itself, in the statement that changes the requests (triggers of migration 0017, for
    inserts, updates and deletions, bulk SQL and the admin included), so the cells are always exactly the rows:
    `row` is floor(latitude / map_cell_degrees(zoom)), `col` likewise with the longitude, as the map computes them;
    `id_sum` names the request of a cell that holds one.
    Cells that reach 0 stay until the next change fills them again; readers skip them.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    zoom = models.PositiveSmallIntegerField()
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16)
    row = models.IntegerField()
    col = models.IntegerField()
    count = models.IntegerField()
    latitude_sum = models.DecimalField(max_digits=24, decimal_places=6)
    longitude_sum = models.DecimalField(max_digits=24, decimal_places=6)
    # The sum of the requests' ids: when the count is 1, the id of the one request (its pin's code and title).
    id_sum = models.DecimalField(max_digits=30, decimal_places=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "zoom", "row", "col", "status", "category"], name="requests_mapcell_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} z{self.zoom} ({self.row}, {self.col}) {self.status}: {self.count}"


class Vote(models.Model):
    """«Έχω κι εγώ αυτό το πρόβλημα»: one per citizen and request, never on one's own (checked in the service)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="votes", verbose_name=_("request"))
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="request_votes", verbose_name=_("citizen")
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["request", "citizen"], name="requests_one_vote_per_citizen"),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} → {self.request_id}"


class Comment(models.Model):
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="comments", verbose_name=_("request"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request_comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=4000)
    is_staff_reply = models.BooleanField(_("staff reply"), default=False)
    is_hidden = models.BooleanField(_("hidden by moderator"), default=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class CommentSignature(models.Model):
    """How a citizen's comments are signed in public: initials by default, or a display name they choose.

    Never the full legal name (a TAXISnet name is the person's official one).
    """

    class ShownAs(models.TextChoices):
        INITIALS = "initials", _("My initials")
        DISPLAY_NAME = "display_name", _("A display name I choose")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="request_comment_signature",
        verbose_name=_("citizen"),
    )
    shown_as = models.CharField(_("comments signed with"), max_length=16, choices=ShownAs.choices)
    display_name = models.CharField(_("display name"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("comment signature")
        verbose_name_plural = _("comment signatures")
        constraints = [
            models.CheckConstraint(
                condition=~Q(shown_as="display_name") | ~Q(display_name=""),
                name="requests_signature_display_name_given",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.shown_as


class OverdueDigest(models.Model):
    """One department's daily digest of overdue items to its supervisor: the row makes the beat task send it once."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="overdue_digests", verbose_name=_("department")
    )
    day = models.DateField(_("day"))
    items = models.PositiveIntegerField(_("overdue items"))
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("overdue digest")
        verbose_name_plural = _("overdue digests")
        constraints = [
            models.UniqueConstraint(fields=["department", "day"], name="requests_one_overdue_digest_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.day}"
