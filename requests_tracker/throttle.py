"""Rate limits of citizen requests, counted by allauth's rate limiter (the one accounts uses), in the shared cache.

A rate is allauth's syntax: «10/m/user» is ten a minute per account, «30/m/ip» thirty a minute per client address
(behind the proxy, the address it added: ALLAUTH_TRUSTED_PROXY_COUNT). settings.REQUESTS_RATE_LIMITS overrides any
of them; an empty string turns one off.
"""

from allauth.core.internal import ratelimit as _allauth_ratelimit
from django.conf import settings

DEFAULT_RATES = {
    "comment": "10/m/user,60/h/user",
    "vote": "30/m/user",
    "upload": "20/m/user,100/h/user",
    "geocode": "30/m/ip",
    "open311_post": "30/m/ip,300/h/ip",
}


def rates() -> dict[str, str]:
    return {**DEFAULT_RATES, **getattr(settings, "REQUESTS_RATE_LIMITS", {})}


def allowed(request, *, action: str) -> bool:
    """Count one `action` for this request's user or address; False once the rate is used up."""
    user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
    usage = _allauth_ratelimit.consume(
        request, app="requests_tracker", action=action, config=rates(), user=user, limit_get=True
    )
    return usage is not None
