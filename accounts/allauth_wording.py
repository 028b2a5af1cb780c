"""allauth's own messages that our Greek catalogue words again (makemessages finds them here).

allauth's stock Greek mixes registers and terms («Συνθηματικό» beside «κωδικός», «την διεύθυνση», a Latin «A» in
«Κωδικοί Aνάκτησης»); the portal's catalogue comes first in LOCALE_PATHS, so a msgid listed here and translated
in locale/el wins. The texts must stay exactly allauth's msgids; tests/accounts/test_wording.py checks both.
"""

from django.utils.translation import gettext_noop

MSGIDS = [
    # Second factor (allauth.mfa)
    gettext_noop("Recovery Codes"),
]
