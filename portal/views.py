import logging
import sys

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from portal import health, registry, selectors, timezones
from portal.caching import MUNICIPALITIES_VERSION, anonymous_page, data_version
from portal.forms import TimeZoneForm

logger = logging.getLogger(__name__)

# A visitor's home page is kept this long at most (a municipality's change ends it sooner).
HOME_CACHE_SECONDS = 600


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """A visitor gets the whole page from the cache until a municipality changes; for anyone else the
    municipalities' section is a cached fragment per language and version (the query runs on a miss only)."""

    def build() -> HttpResponse:
        return render(
            request,
            "portal/home.html",
            {
                "municipalities": selectors.municipalities_lazy(),
                "municipalities_version": data_version(MUNICIPALITIES_VERSION),
            },
        )

    return anonymous_page(
        request, key="home", versions=[MUNICIPALITIES_VERSION], build=build, timeout=HOME_CACHE_SECONDS
    )


@require_GET
def municipality_choose(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("municipality", "")
    if not slug:
        return redirect("portal:home")
    return redirect("portal:municipality", municipality_slug=slug)


@require_GET
def municipality_detail(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = selectors.municipality_get(slug=municipality_slug)
    services = [(service, service.url_for(municipality)) for service in registry.services()]
    return render(request, "portal/municipality.html", {"municipality": municipality, "services": services})


@require_GET
def privacy_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html", {"municipalities": selectors.municipalities_list()})


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html")


def time_zone_choose(request: HttpRequest) -> HttpResponse:
    """Shows and changes the zone citizens' times are shown in (a cookie; Athens until the browser or person says)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = {request.get_host()}
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts=allowed, require_https=request.is_secure()):
        next_url = ""
    if request.method == "POST":
        form = TimeZoneForm(request.POST)
        if form.is_valid():
            response = redirect(next_url or "portal:home")
            response.set_cookie(
                timezones.COOKIE_NAME,
                form.cleaned_data["time_zone"].key,
                max_age=timezones.COOKIE_MAX_AGE,
                samesite="Lax",
                secure=request.is_secure(),
            )
            return response
    else:
        form = TimeZoneForm(initial={"time_zone": request.time_zone.key})
    return render(
        request,
        "portal/time_zone.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
@require_GET
def case_file(request: HttpRequest) -> HttpResponse:
    """«Ο φάκελός μου»: everything of the citizen's, one section per feature app (portal/registry.py)."""
    sections = []
    for section in registry.case_file_sections():
        try:
            items, failed = section.items(request.user), False
        except Exception:
            # One app's failure must not take the whole case file down; the section says it is unavailable.
            logger.exception("Case-file section %s failed", section.key)
            items, failed = [], True
        action = section.action(request.user) if section.action else None
        sections.append({"section": section, "items": items, "failed": failed, "action": action})
    return render(request, "portal/case_file.html", {"sections": sections})


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and feed readers ask for whatever the page says: the portal's SVG icon.

    A temporary redirect, because the icon's static address carries a content hash that changes with the file.
    """
    return redirect(static("portal/favicon.svg"))


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = health.database_state()
    broker = health.broker_state()
    healthy = database == health.OK and broker in {health.OK, health.IN_PROCESS}
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )


def _error_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    # A plain context on purpose: no context processors, so an error page never touches the database.
    return HttpResponse(render_to_string(template, {"request": request}), status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], DatabaseError):
        return _error_page(request, "503.html", 503)
    return _error_page(request, "500.html", 500)
