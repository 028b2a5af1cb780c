"""What the feature apps contribute to the core's pages, without the core importing them.

Each feature app registers its entries in its `AppConfig.ready()`; the core only reads the registry.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class PortalService:
    """A service offered per municipality, shown as a card on the municipality's page."""

    key: str
    title: str | Promise
    description: str | Promise
    url_name: str
    order: int = 0

    def url_for(self, municipality) -> str:
        try:
            return reverse(self.url_name, kwargs={"municipality_slug": municipality.slug})
        except NoReverseMatch:
            return reverse(self.url_name)


_services: dict[str, PortalService] = {}
_demo_loaders: list[tuple[int, Callable[[Callable[[str], None]], None]]] = []


def register_service(service: PortalService) -> None:
    _services[service.key] = service


def services() -> list[PortalService]:
    return sorted(_services.values(), key=lambda service: service.order)


def register_demo_loader(loader: Callable[[Callable[[str], None]], None], *, order: int = 0) -> None:
    """A feature app's part of `manage.py load_demo`: `loader(say)` must be idempotent; `say` prints a line."""
    _demo_loaders.append((order, loader))


def demo_loaders() -> list[Callable[[Callable[[str], None]], None]]:
    return [loader for _, loader in sorted(_demo_loaders, key=lambda item: item[0])]


# --- The citizen's case file («Ο φάκελός μου»): one page, one section per feature app.


@dataclass(frozen=True)
class CaseFileItem:
    """One thing of the citizen's: what it is, where its page is, its status and what happens next."""

    title: str
    url: str
    status: str
    next_step: str = ""
    when: Any = None  # a datetime or date shown with the item, e.g. when it was filed or when it takes place
    status_colour: str = "text-bg-secondary"  # a Bootstrap badge class
    # A heading the item is listed under, e.g. «Προσεχή» / «Παλαιότερα»; items of one group must be adjacent.
    group: str = ""


@dataclass(frozen=True)
class CaseFileSection:
    """A feature app's part of the case file: `items(user)` returns that user's items, newest or soonest first."""

    key: str
    title: str | Promise
    items: Callable[[Any], list[CaseFileItem]]
    order: int = 0
    empty_text: str | Promise = ""
    # An optional link for starting something new from the section, e.g. (_("New e-request"), "/requests/…").
    action: Callable[[Any], tuple[str, str] | None] | None = None


_case_file_sections: dict[str, CaseFileSection] = {}


def register_case_file_section(section: CaseFileSection) -> None:
    _case_file_sections[section.key] = section


def case_file_sections() -> list[CaseFileSection]:
    return sorted(_case_file_sections.values(), key=lambda section: section.order)


# --- References between apps: a booking's «Αριθμός Αίτησης» may name an e-request, which another app owns.


@dataclass(frozen=True)
class ReferenceSource:
    """Numbers a citizen may quote in another app's form, offered by the app that issues them."""

    key: str
    # (user, municipality) -> [(reference, label)]: the citizen's own numbers, newest first.
    choices: Callable[[Any, Any], list[tuple[str, str]]]
    # (user, municipality, reference) -> the page a member of staff opens for it, or None (unknown or not theirs).
    staff_url: Callable[[Any, Any, str], str | None]


_reference_sources: dict[str, ReferenceSource] = {}


def register_reference_source(source: ReferenceSource) -> None:
    _reference_sources[source.key] = source


def reference_choices(*, user, municipality) -> list[tuple[str, str]]:
    return [choice for source in _reference_sources.values() for choice in source.choices(user, municipality)]


def reference_staff_url(*, user, municipality, reference: str) -> str | None:
    for source in _reference_sources.values():
        url = source.staff_url(user, municipality, reference)
        if url:
            return url
    return None


# --- Metrics: counts a feature app offers to the Prometheus endpoint (portal/metrics.py), read at each scrape.


@dataclass(frozen=True)
class MetricSource:
    """A gauge named `dimos_<name>`: `values()` returns [(labels, number)], labels a dict of `label_names`' values.

    It runs at every scrape (web and worker), so it should be one cheap query, e.g. a count grouped by status.
    """

    name: str
    documentation: str
    label_names: tuple[str, ...]
    values: Callable[[], list[tuple[dict[str, str], float]]]


_metric_sources: dict[str, MetricSource] = {}


def register_metric(source: MetricSource) -> None:
    _metric_sources[source.name] = source


def metric_sources() -> list[MetricSource]:
    return list(_metric_sources.values())


# --- Public statistics (/dimos/<slug>/statistics/): one section per feature app, each with its downloads.


@dataclass(frozen=True)
class StatisticsSection:
    """A feature app's figures on the public statistics page and the staff dashboard.

    `compute(municipality, filters)` returns the section's figures as a dict of plain values (numbers, strings,
    dates, lists of dicts) from SQL aggregates in a constant number of queries; `filters` is None on the public page
    or a `StatisticsFilters` on the staff dashboard (a section ignores what it cannot filter by). `table(figures)`
    gives the rows of its downloads (CSV, JSON), header first. `template` renders `figures` inside the page.
    """

    key: str  # also the downloads' file name: <key>.csv, <key>.json
    title: str | Promise
    compute: Callable[[Any, Any], dict]
    table: Callable[[dict], list[list]]
    template: str
    order: int = 0


_statistics_sections: dict[str, StatisticsSection] = {}


def register_statistics_section(section: StatisticsSection) -> None:
    _statistics_sections[section.key] = section


def statistics_sections() -> list[StatisticsSection]:
    return sorted(_statistics_sections.values(), key=lambda section: section.order)


# --- The staff dashboard's lists of what is late or due soon, one source per feature app.


@dataclass(frozen=True)
class DeadlineItem:
    """Something a member of staff must act on: its page, its deadline, and whether that has passed."""

    title: str
    url: str
    due: Any  # a date or a datetime
    overdue: bool
    department: str = ""


@dataclass(frozen=True)
class DeadlineSource:
    """`items(user, municipality, now, filters)`: the overdue and soon-due items `user` may act on there, soonest
    first, narrowed by the dashboard's `filters` (portal.statistics.StatisticsFilters or None: department, category)
    where the items have them (identity verifications belong to no department, so they ignore them).

    `list_url(user, municipality)`: the page listing all such work (a queue) when `user` may open it there, else
    None; the dashboard shows a source only to those who may act on it, and links only to pages they may open.
    """

    key: str
    title: str | Promise
    items: Callable[[Any, Any, Any, Any], list[DeadlineItem]]
    order: int = 0
    list_url: Callable[[Any, Any], str | None] | None = None

    def url_for(self, user, municipality) -> str | None:
        return self.list_url(user, municipality) if self.list_url is not None else None


_deadline_sources: dict[str, DeadlineSource] = {}


def register_deadline_source(source: DeadlineSource) -> None:
    _deadline_sources[source.key] = source


def deadline_sources() -> list[DeadlineSource]:
    return sorted(_deadline_sources.values(), key=lambda source: source.order)


# --- A municipality's own holidays (a patron saint's day), kept by the app that has a holiday calendar.

_local_holiday_sources: list[Callable[[int, Any, Any], Any]] = []


def register_local_holidays(source: Callable[[int, Any, Any], Any]) -> None:
    """`source(municipality_id, first, last)` returns the municipality's own holidays between two dates (included)."""
    _local_holiday_sources.append(source)


def local_holidays(*, municipality_id: int, first, last) -> frozenset:
    return frozenset(day for source in _local_holiday_sources for day in source(municipality_id, first, last))
