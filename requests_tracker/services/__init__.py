"""Writes, by domain (HackSoft's services package); every public name is re-exported here.

citizen_requests  filing and editing, the staff workflow, votes and comments
erequests         e-requests: filing and numbering in the central protocol, the clerk's workflow
shared            the refusal type, the status compare-and-swap with its timeline entry, staged attachments
open311           Open311 clients: API keys and the requests they file
personal_data     the citizen's export and erasure (accounts.registry)
"""

from requests_tracker.services.citizen_requests import (
    AddressLookupUnavailable,
    AddressNotFound,
    LocationMissing,
    OutsideArea,
    attachments_attach,
    category_change,
    comment_add,
    comment_hide,
    department_assign,
    location_check,
    location_resolve,
    request_create,
    request_update,
    request_withdraw,
    status_change,
    vote_add,
    vote_remove,
)
from requests_tracker.services.erequests import (
    STEPS_FROM,
    AttachmentsMissing,
    DeliveryRefused,
    delivery_check,
    erequest_answer,
    erequest_dispatch_record,
    erequest_file,
    erequest_number,
    erequest_reject,
    erequest_start,
    erequests_unnumbered,
)
from requests_tracker.services.open311 import Open311Error, api_key_create, open311_request_create
from requests_tracker.services.personal_data import (
    erequests_data_erase,
    erequests_data_export,
    requests_data_erase,
    requests_data_export,
)
from requests_tracker.services.shared import (
    NotEditable,
    RequestError,
    StatusChanged,
    attachment_limits_check,
    attachment_remove,
    attachment_stage,
    attachments_delete,
    timeline_transition,
)

__all__ = [
    "STEPS_FROM",
    "AddressLookupUnavailable",
    "AddressNotFound",
    "AttachmentsMissing",
    "DeliveryRefused",
    "LocationMissing",
    "NotEditable",
    "Open311Error",
    "OutsideArea",
    "RequestError",
    "StatusChanged",
    "api_key_create",
    "attachment_limits_check",
    "attachment_remove",
    "attachment_stage",
    "attachments_attach",
    "attachments_delete",
    "category_change",
    "comment_add",
    "comment_hide",
    "delivery_check",
    "department_assign",
    "erequest_answer",
    "erequest_dispatch_record",
    "erequest_file",
    "erequest_number",
    "erequest_reject",
    "erequest_start",
    "erequests_data_erase",
    "erequests_data_export",
    "erequests_unnumbered",
    "location_check",
    "location_resolve",
    "open311_request_create",
    "request_create",
    "request_update",
    "request_withdraw",
    "requests_data_erase",
    "requests_data_export",
    "status_change",
    "timeline_transition",
    "vote_add",
    "vote_remove",
]
