from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, Q

from accounts.models import User


class AuthenticationBackend(AllauthBackend):
    """allauth's backend, doing the same work for every attempt whether or not the login names an account.

    allauth's own tries a login typed as an e-mail address twice (as a username and as an address), and Django's
    ModelBackend beside it hashed once more, so that a registered address cost one hash more than an unknown one:
    enough to tell them apart over HTTP. Here an attempt runs one query and hashes exactly once: the account's
    password, or (allauth's `_mitigate_timing_attack`) a throw-away one.
    """

    def _authenticate(self, request, **credentials):
        login = (credentials.get("email") or credentials.get("username") or "").strip()
        if not login:
            return None
        return self._check_password(user_for_login(login), credentials.get("password") or "")


def user_for_login(login: str) -> User | None:
    """The account a login names, in one query: by a confirmed address, then a sign-up address, then a username.

    Case is ignored, as allauth does; a login that two accounts share at the same rank names neither.
    """
    lowered = login.lower()
    matches = Q(username__iexact=login)
    if "@" in login:
        addresses = EmailAddress.objects.filter(email__iexact=login)
        matches |= Q(email__iexact=login) | Q(pk__in=addresses.values("user_id"))
    confirmed = EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=login, verified=True)
    candidates = list(User.objects.filter(matches).annotate(confirmed=Exists(confirmed)).order_by("pk")[:5])
    for rank in (
        [user for user in candidates if user.confirmed],
        [user for user in candidates if "@" in login and user.email.lower() == lowered],
        [user for user in candidates if user.username.lower() == lowered],
    ):
        if rank:
            return rank[0] if len(rank) == 1 else None
    return None
