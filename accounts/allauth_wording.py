"""allauth's own messages that our Greek catalogue words again (makemessages finds them here).

allauth's stock Greek mixes terms and registers («Συνθηματικό» beside «κωδικός»; the seeds say «κωδικός
πρόσβασης»), misspells («την διεύθυνση», «Επιβεβαίωση διεύθυνση e-mail», a stray «)» after the address, a Latin
«A» in «Κωδικοί Aνάκτησης») and leaves English («Authenticator»). The portal's catalogue comes first in
LOCALE_PATHS, so a msgid listed here and translated in locale/el wins. Each text must stay exactly allauth's msgid:
tests/accounts/test_wording.py checks that allauth still has it and that our Greek has none of those faults.
"""

from django.utils.translation import gettext_noop

MSGIDS = [
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("Please type your current password."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("The username and/or password you specified are not correct."),
    gettext_noop("You must type the same password each time."),
    gettext_noop("Password"),
    gettext_noop("Forgot your password?"),
    gettext_noop("Email address confirmation"),
    gettext_noop("Password (again)"),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Your account has no password set up."),
    gettext_noop("We've sent a code to %(recipient)s. The code expires shortly, so please enter it soon."),
    gettext_noop("Password Reset"),
    gettext_noop("Please Confirm Your Email Address"),
    gettext_noop("Password Reset Email"),
    gettext_noop("Confirm Email Address"),
    gettext_noop("If you have not created an account yet, then please %(link)ssign up%(end_link)s first."),
    gettext_noop("Password successfully changed."),
    gettext_noop("Password successfully set."),
    gettext_noop("Change Password"),
    gettext_noop("Reset My Password"),
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    gettext_noop(
        'The password reset link was invalid, possibly because it has already been used.  Please request a <a href="%(passwd_reset_url)s">new password reset</a>.'
    ),
    gettext_noop("Your password is now changed."),
    gettext_noop("Set Password"),
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    gettext_noop("Verify Your Email Address"),
    gettext_noop("Authenticator app activated."),
    gettext_noop("Authenticator App Activated"),
    gettext_noop("Authenticator app deactivated."),
    gettext_noop("Authenticator App Deactivated"),
    gettext_noop("Recovery Codes"),
    gettext_noop("Generate"),
    gettext_noop("Are you sure?"),
    gettext_noop("Activate Authenticator App"),
    gettext_noop("Deactivate Authenticator App"),
    gettext_noop("Authenticator App"),
    gettext_noop("Authenticator secret"),
    gettext_noop("Two-Factor Authentication"),
    gettext_noop(
        "You are receiving this email because you or someone else tried to signup for an\naccount using email address:\n\n%(email)s\n\nHowever, an account using that email address already exists.  In case you have\nforgotten about this, please use the password forgotten procedure to recover\nyour account:\n\n%(password_reset_url)s"
    ),
    gettext_noop(
        "You're receiving this email because you or someone else has requested a password reset for your user account.\nIt can be safely ignored if you did not request a password reset. Click the link below to reset your password."
    ),
]
