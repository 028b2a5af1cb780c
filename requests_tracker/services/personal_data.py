"""Personal data (accounts.registry): what a citizen's export holds of this app, and what erasing them does."""

from django.db.models import F, Q

from requests_tracker.caching import requests_changed
from requests_tracker.models import Attachment, Comment, CommentSignature, ERequest, PayableItem, Request, Vote
from requests_tracker.services.shared import attachments_delete


def requests_data_export(user) -> dict:
    return {
        "requests": [
            {
                "code": citizen_request.code,
                "title": citizen_request.title,
                "description": citizen_request.description,
                "address": citizen_request.address,
                "latitude": str(citizen_request.latitude),
                "longitude": str(citizen_request.longitude),
                "status": citizen_request.status,
                "created_at": citizen_request.created_at.isoformat(),
            }
            for citizen_request in Request.objects.filter(reporter=user)
        ],
        "comments": [
            {"request": comment.request.code, "body": comment.body, "created_at": comment.created_at.isoformat()}
            for comment in Comment.objects.filter(author=user).select_related("request")
        ],
        "votes": list(Vote.objects.filter(citizen=user).values_list("request__code", flat=True)),
        "comment_signature": list(CommentSignature.objects.filter(user=user).values("shown_as", "display_name")),
    }


def requests_data_erase(user) -> None:
    """Public requests stay (the municipality's record of the problem), without the reporter; votes go."""
    CommentSignature.objects.filter(user=user).delete()  # a display name is the person's own words
    touched = Request.objects.filter(Q(reporter=user) | Q(votes__citizen=user)).values_list(
        "municipality_id", flat=True
    )
    for municipality_id in set(touched):  # their lists showed «My request» and the votes
        requests_changed(municipality_id=municipality_id)
    for request_id in Vote.objects.filter(citizen=user).values_list("request_id", flat=True):
        Request.objects.filter(pk=request_id).update(vote_count=F("vote_count") - 1)
    Vote.objects.filter(citizen=user).delete()
    Request.objects.filter(reporter=user).update(reporter=None)
    Comment.objects.filter(author=user).update(author=None)
    # Staged uploads that never became part of a request are the citizen's alone.
    attachments_delete(attachments=Attachment.objects.filter(uploaded_by=user, request=None, erequest=None))


def erequests_data_export(user) -> dict:
    return {
        "erequests": [
            {
                "protocol": erequest.protocol_label,
                "type": erequest.type.name_el,
                "subject": erequest.subject,
                "description": erequest.description,
                "delivery_method": erequest.delivery_method,
                "postal_address": erequest.postal_address,
                "status": erequest.status,
                "created_at": erequest.created_at.isoformat(),
            }
            for erequest in ERequest.objects.filter(citizen=user).select_related("type")
        ]
    }


def erequests_data_erase(user) -> None:
    """E-requests are entries of the municipality's protocol, kept as the archives law says; nothing is erased."""


def payments_data_export(user) -> dict:
    items = PayableItem.objects.filter(citizen=user).select_related("municipality").prefetch_related("payments")
    return {
        "payable_items": [
            {
                "municipality": item.municipality.slug,
                "description": item.description_el,
                "amount_cents": item.amount_cents,
                "rf_reference": item.rf_reference,
                "due_date": item.due_date.isoformat(),
                "status": item.status,
                "payments": [
                    {
                        "method": payment.method,
                        "amount_cents": payment.amount_cents,
                        "reference": payment.external_id,
                        "paid_at": payment.paid_at.isoformat(),
                        "receipt_number": payment.receipt_number,
                        "refund": payment.refund_status,
                    }
                    for payment in item.payments.all()
                ],
            }
            for item in items
        ]
    }


def payments_data_erase(user) -> None:
    """Payments are the municipality's accounting records, kept as the law on public accounts says."""
