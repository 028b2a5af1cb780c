"""The app's tables, by domain; every name is re-exported here, so `from requests_tracker.models import X` works."""

from requests_tracker.models.citizen_requests import (
    CODE_ALPHABET,
    CODE_LENGTH,
    DEFAULT_TARGET_WORKING_DAYS,
    REOPEN_WINDOW_DAYS,
    Category,
    Comment,
    CommentSignature,
    OverdueDigest,
    Request,
    Vote,
    code_generate,
    code_prefix,
)
from requests_tracker.models.erequests import (
    DEFAULT_RESPONSE_DAYS,
    DeliveryMethod,
    ERequest,
    ERequestType,
    ProtocolCounter,
)
from requests_tracker.models.open311 import ApiKey
from requests_tracker.models.payments import (
    CardCheckout,
    PayableItem,
    Payment,
    PaymentAccount,
    StatementEntry,
    StatementImport,
    euros,
)
from requests_tracker.models.shared import TIMELINE_STATUSES, Attachment, StatusChange, private_storage

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "DEFAULT_RESPONSE_DAYS",
    "DEFAULT_TARGET_WORKING_DAYS",
    "REOPEN_WINDOW_DAYS",
    "TIMELINE_STATUSES",
    "ApiKey",
    "Attachment",
    "CardCheckout",
    "Category",
    "Comment",
    "CommentSignature",
    "DeliveryMethod",
    "ERequest",
    "ERequestType",
    "OverdueDigest",
    "PayableItem",
    "Payment",
    "PaymentAccount",
    "ProtocolCounter",
    "Request",
    "StatementEntry",
    "StatementImport",
    "StatusChange",
    "Vote",
    "code_generate",
    "code_prefix",
    "euros",
    "private_storage",
]
