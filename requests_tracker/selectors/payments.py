"""Reads for e-payments, and the one place that says who may see an item or its receipt."""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from requests_tracker.models import PayableItem, Payment, PaymentAccount


def items_for_citizen(*, citizen) -> QuerySet[PayableItem]:
    return (
        PayableItem.objects.filter(citizen_id=getattr(citizen, "pk", None))
        .select_related("municipality", "erequest")
        .order_by("-created_at")
    )


def item_get_for_citizen(*, citizen, public_id: UUID) -> PayableItem:
    """The citizen's own item, or 404: nobody learns whether someone else's exists."""
    item = items_for_citizen(citizen=citizen).filter(public_id=public_id).first()
    if item is None:
        raise Http404
    return item


def is_payments_clerk(*, user, municipality_id: int) -> bool:
    """Staff of the item's municipality who may see its payments (the treasury, the admin); superusers."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return user.municipality_id == municipality_id and user.has_perm("requests_tracker.view_payableitem")


def payment_get_for_receipt(*, user, public_id: UUID) -> Payment:
    """The payment of a paid (or refunded) item, for its citizen or a clerk of its municipality; else 404."""
    payment = (
        Payment.objects.select_related("item__municipality", "item__citizen", "item__erequest")
        .filter(item__public_id=public_id)
        .first()
    )
    if payment is None:
        raise Http404
    item = payment.item
    if item.citizen_id != user.pk and not is_payments_clerk(user=user, municipality_id=item.municipality_id):
        raise Http404
    return payment


def payment_account_get(*, municipality_id: int) -> PaymentAccount | None:
    return PaymentAccount.objects.filter(municipality_id=municipality_id).first()


def erequest_fee(*, erequest) -> PayableItem | None:
    return PayableItem.objects.filter(erequest=erequest).first()
