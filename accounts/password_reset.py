"""The password reminder by code, beyond allauth's: a code dies when the password changes, and the e-mailed link
works in any browser (allauth keeps the code in the session of the browser that asked for it).

The code is kept, hashed, in the cache for its 15 minutes beside a fingerprint of the password it was issued for.
"""

from allauth.account import app_settings as allauth_settings
from allauth.account.internal.flows.password_reset_by_code import (
    PASSWORD_RESET_VERIFICATION_SESSION_KEY as SESSION_KEY,
)
from allauth.account.internal.flows.password_reset_by_code import PasswordResetVerificationProcess
from allauth.core.internal.cryptokit import normalize_user_code
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts import selectors
from accounts.models import User

_SALT = "accounts.password_reset"


def _fingerprint(user: User) -> str:
    return salted_hmac(_SALT, user.password).hexdigest()


def _code_hash(code: str) -> str:
    return salted_hmac(_SALT + ".code", normalize_user_code(code)).hexdigest()


def _cache_key(user_id) -> str:
    return f"{_SALT}:{user_id}"


def _state_user(state: dict) -> User | None:
    user_id = state.get("user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


def password_reset_code_issued(*, request) -> None:
    """After allauth has e-mailed a code: remember which password it may replace, and the code for other browsers."""
    state = request.session.get(SESSION_KEY) or {}
    user = _state_user(state)
    if user is None or not state.get("code"):
        return
    state["password_fingerprint"] = _fingerprint(user)
    request.session[SESSION_KEY] = state
    record = {"code": _code_hash(state["code"]), "fingerprint": state["password_fingerprint"], "attempts": 0}
    cache.set(_cache_key(user.pk), record, allauth_settings.PASSWORD_RESET_BY_CODE_TIMEOUT)


def password_reset_is_stale(*, request) -> bool:
    """True when this browser's code was issued for a password that has been changed since."""
    state = request.session.get(SESSION_KEY) or {}
    fingerprint = state.get("password_fingerprint")
    if not fingerprint:
        return False
    user = _state_user(state)
    return user is None or not constant_time_compare(fingerprint, _fingerprint(user))


def password_reset_abort(*, request) -> None:
    request.session.pop(SESSION_KEY, None)


def password_reset_resume_elsewhere(*, request, email: str, code: str) -> bool:
    """Accept the e-mailed code in a browser other than the one that asked for it; True if it is right.

    Wrong codes count against the code (allauth's number of attempts), after which it is void.
    """
    users = selectors.users_with_email(email=email)
    user = users[0] if len(users) == 1 else None
    record = cache.get(_cache_key(user.pk)) if user else None
    if not record:
        return False
    if not constant_time_compare(record["fingerprint"], _fingerprint(user)):
        cache.delete(_cache_key(user.pk))
        return False
    if not constant_time_compare(record["code"], _code_hash(code)):
        record["attempts"] += 1
        if record["attempts"] >= allauth_settings.PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS:
            cache.delete(_cache_key(user.pk))
        else:
            cache.set(_cache_key(user.pk), record, allauth_settings.PASSWORD_RESET_BY_CODE_TIMEOUT)
        return False
    cache.delete(_cache_key(user.pk))  # one browser finishes with it
    state = PasswordResetVerificationProcess.initial_state(user, email)
    state.update(code=code, password_fingerprint=record["fingerprint"])
    process = PasswordResetVerificationProcess(request, state=state, user=user)
    process.persist()
    process.confirm_code()
    return True
