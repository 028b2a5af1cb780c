"""Test helpers for the second factor: an authenticator app (TOTP) whose codes the test computes with pyotp."""

import time

import pyotp
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # any base32 secret will do


def totp_enrol(user, secret: str = SECRET) -> Authenticator:
    """The state a user is in after scanning the QR code and confirming it (allauth stores the secret)."""
    return TOTP.activate(user, secret).instance


def totp_code(secret: str = SECRET, *, step: int = 0) -> str:
    """The app's code now, or `step` periods on (allauth accepts a code once, and one step either side)."""
    totp = pyotp.TOTP(secret)
    return totp.at(time.time() + step * totp.interval)


def portal_login(page, live_server, username: str, password: str, *, next_url: str = "", secret: str | None = None):
    """Log in in a browser at the portal's own page; with `secret`, answer the authenticator-app question too."""
    page.goto(f"{live_server.url}/accounts/login/" + (f"?next={next_url}" if next_url else ""))
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    if secret:
        page.locator("#id_code").fill(totp_code(secret))
        page.locator("main form button[type=submit]").first.click()
