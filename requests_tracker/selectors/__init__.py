"""Reads, by domain (HackSoft's selectors package); every public name is re-exported here.

citizen_requests  the filtered list, map pins, the detail page, the clerk check and the staff queue
erequests         e-requests, and the one place that says who may see one
payments          payable items and receipts, and who may see them
shared            attachments: staged uploads and who may see a file
open311           what the Open311 API lists
"""

from requests_tracker.selectors.citizen_requests import (
    PAGE_SIZES,
    PUBLIC_STATUSES,
    SORTS,
    STAFF_PAGE_SIZE,
    STAFF_SORTS,
    STATUS_FILTERS,
    ListFilters,
    StaffFilters,
    categories_list,
    comment_signature,
    comments_visible,
    is_clerk,
    map_pins,
    nearby_open,
    overdue_before,
    request_detail_parts,
    request_get,
    requests_filtered,
    requests_list,
    staff_queue,
    text_search,
)
from requests_tracker.selectors.erequests import (
    QUEUE_STATUSES,
    clerk_departments,
    erequest_by_reference,
    erequest_get_for_citizen,
    erequest_get_for_clerk,
    erequest_staff_url,
    erequest_types_list,
    erequests_for_reference,
    erequests_staff_queue,
    is_erequest_clerk,
    may_see_file,
    postal_address_suggest,
)
from requests_tracker.selectors.open311 import open311_requests, open311_services
from requests_tracker.selectors.payments import (
    erequest_fee,
    is_payments_clerk,
    item_get_for_citizen,
    items_for_citizen,
    payment_account_get,
    payment_get_for_receipt,
)
from requests_tracker.selectors.shared import attachment_get_for_user, staged_attachments

__all__ = [
    "PAGE_SIZES",
    "PUBLIC_STATUSES",
    "QUEUE_STATUSES",
    "SORTS",
    "STAFF_PAGE_SIZE",
    "STAFF_SORTS",
    "STATUS_FILTERS",
    "ListFilters",
    "StaffFilters",
    "attachment_get_for_user",
    "categories_list",
    "clerk_departments",
    "comment_signature",
    "comments_visible",
    "erequest_by_reference",
    "erequest_fee",
    "erequest_get_for_citizen",
    "erequest_get_for_clerk",
    "erequest_staff_url",
    "erequest_types_list",
    "erequests_for_reference",
    "erequests_staff_queue",
    "is_clerk",
    "is_erequest_clerk",
    "is_payments_clerk",
    "item_get_for_citizen",
    "items_for_citizen",
    "map_pins",
    "may_see_file",
    "nearby_open",
    "open311_requests",
    "open311_services",
    "overdue_before",
    "payment_account_get",
    "payment_get_for_receipt",
    "postal_address_suggest",
    "request_detail_parts",
    "request_get",
    "requests_filtered",
    "requests_list",
    "staff_queue",
    "staged_attachments",
    "text_search",
]
