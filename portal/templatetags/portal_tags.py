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


@register.simple_tag
def time_elsewhere(moment, zone) -> str:
    """`moment` as the clock reads it in `zone`, when that differs from the shown zone; else "".

    An in-person appointment in Chania seen from Los Angeles: «τοπική ώρα στον τόπο του ραντεβού: Παρασκευή
    4 Δεκεμβρίου, 08:30».
    """
    from django.utils import formats, timezone
    from django.utils.translation import gettext

    if not moment or zone is None:
        return ""
    shown = moment.astimezone(timezone.get_current_timezone())
    there = moment.astimezone(zone)
    if shown.utcoffset() == there.utcoffset():
        return ""
    when = formats.date_format(there.replace(tzinfo=None), "l j E, H:i")
    return gettext("local time at the appointment: %(when)s") % {"when": when}


@register.simple_tag
def email_greeting(person) -> str:
    """The opening line of every e-mail to a person (portal/greetings.py): «Γεια σας, Γιώργο,» / "Dear Giorgos,"."""
    from portal.greetings import greeting

    return greeting(person)
