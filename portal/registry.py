"""What the feature apps contribute to the core's pages, without the core importing them.

Each feature app registers its entries in its `AppConfig.ready()`; the core only reads the registry.
"""

from dataclasses import dataclass

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


def register_service(service: PortalService) -> None:
    _services[service.key] = service


def services() -> list[PortalService]:
    return sorted(_services.values(), key=lambda service: service.order)
