"""The fixed people of every test, one definition each (loaded for all tests by tests/conftest.py).

- `citizen`: Μαρία of Chania, registered with a confirmed address, not verified;
- `other_citizen`: Νίκος of Chania, the same kind of account, for ownership tests;
- `verified`: Ελένη of Chania, a verified citizen (who may book and file e-requests);
- `clerk`: a member of staff of Chania; each app's conftest gives it that app's role (`make_clerk(roles=…)`);
- `clerk_of_other_municipality`: the same role's member of staff of Thessaloniki.

`make_citizen` and `make_clerk` make more of them; `login_as` logs one into a Playwright page.
"""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.roles import StaffRole, group_ensure

PASSWORD = "a-Long-enough-passw0rd"


def make_citizen(username: str, municipality, *, language: str = "el", verified: bool = False, **fields) -> User:
    """A citizen with a confirmed e-mail address (`username@example.gr`); `verified` as if a clerk had checked."""
    if verified:
        fields.setdefault("identity_verified_at", timezone.now())
        fields.setdefault("identity_verification_method", User.VerificationMethod.IN_PERSON)
    user = User.objects.create_user(
        username,
        email=fields.pop("email", f"{username}@example.gr"),
        password=PASSWORD,
        full_name=fields.pop("full_name", f"Δημότης {username}"),
        municipality=municipality,
        language=language,
        **fields,
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_clerk(username: str, municipality, *, roles: tuple[StaffRole, ...] = (), departments=(), **fields) -> User:
    """A member of staff of `municipality` holding `roles` (each app's roles.py), in `departments`."""
    fields.setdefault("full_name", f"Υπάλληλος {username}")
    user = make_citizen(username, municipality, is_staff=True, **fields)
    user.groups.add(*[group_ensure(role) for role in roles])
    user.departments.add(*departments)
    return user


def login_as(page, live_server, user) -> None:
    """Log `user` into a browser page without the login form: a test client's session, copied into the browser."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def citizen(chania) -> User:
    return make_citizen("maria", chania, full_name="Μαρία Κουκουράκη")


@pytest.fixture
def other_citizen(chania) -> User:
    return make_citizen("nikos", chania, full_name="Νίκος Παπαδάκης")


@pytest.fixture
def verified(chania) -> User:
    return make_citizen("eleni", chania, verified=True, full_name="Ελένη Παπαδάκη", mobile_phone="+306912345678")


@pytest.fixture
def clerk(chania) -> User:
    return make_clerk("clerk.chania", chania)


@pytest.fixture
def clerk_of_other_municipality(thessaloniki) -> User:
    return make_clerk("clerk.thessaloniki", thessaloniki)
