from django import template
from django.conf import settings
from django.urls import translate_url

register = template.Library()


@register.simple_tag(takes_context=True)
def language_url(context, language_code: str) -> str:
    """This page's address in another language (Greek has no prefix, English lives under /en/)."""
    request = context.get("request")
    if request is None:
        return "/" if language_code == settings.LANGUAGE_CODE else f"/{language_code}/"
    path = request.get_full_path()
    translated = translate_url(path, language_code)
    if translated != path:
        return translated
    # Pages that do not resolve (a 404) still switch language by their prefix.
    bare = path.removeprefix("/en/")
    bare = bare if bare.startswith("/") else f"/{bare}"
    return bare if language_code == settings.LANGUAGE_CODE else f"/{language_code}{bare}"


@register.simple_tag(takes_context=True)
def time_zone_label(context, at=None) -> str:
    """The zone this page's times are shown in, in words («(UTC+02:00) Αθήνα — Ώρα Ανατολικής Ευρώπης»)."""
    from django.utils import timezone

    from portal.timezones import zone_label

    return zone_label(timezone.get_current_timezone(), at=at)
