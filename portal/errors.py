"""The one error type of the portal's services: a refusal with a message for the person who asked.

Apps subclass it (`VerificationError`, `RequestError`, `SlotTaken`, …). A subclass states its message as a class
attribute, or a caller passes one; `field` names the form field to blame, when one is. Views show `str(error)`.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class PortalError(Exception):
    message: str | Promise = _("This cannot be done.")
    field: str | None = None

    def __init__(self, message: str | Promise | None = None, *, field: str | None = None):
        if message is not None:
            self.message = message
        if field is not None:
            self.field = field
        super().__init__(str(self.message))

    def __str__(self) -> str:
        # Lazy messages are translated when shown, in the language active then.
        return str(self.message)

    def add_to_form(self, form) -> None:
        """Show the error on `form`: beside its field when the form has that field, else above the form."""
        form.add_error(self.field if self.field in form.fields else None, str(self))
