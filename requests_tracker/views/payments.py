"""E-payment pages: a payable item with its RF code and «Pay by card», the card provider's return and webhook,
and the receipt. Verified citizens only; the webhook is the provider's, and trusts nothing it is told."""

import json
import logging
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import verified_citizen_required
from requests_tracker import receipts, selectors, services, viva

logger = logging.getLogger(__name__)
PAYMENT_CREATED = 1796  # Viva's EventTypeId for "transaction payment created"


@verified_citizen_required
@require_GET
def item_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = selectors.item_get_for_citizen(citizen=request.user, public_id=public_id)
    return render(
        request,
        "requests_tracker/payments/item.html",
        {
            "item": item,
            "account": selectors.payment_account_get(municipality_id=item.municipality_id),
            "payment": item.payments.first(),
            "card_available": viva.card_provider() is not None,
        },
    )


@verified_citizen_required
@require_POST
def card_start(request: HttpRequest, public_id: UUID) -> HttpResponse:
    item = selectors.item_get_for_citizen(citizen=request.user, public_id=public_id)
    try:
        checkout_url = services.card_checkout_start(item=item, citizen=request.user)
    except services.RequestError as error:
        messages.error(request, str(error))
        return redirect("requests_tracker:payment_item", public_id=item.public_id)
    return redirect(checkout_url)


@login_required
@require_GET
def card_return(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser here with `t` (transaction) and `s` (order); we ask the provider ourselves."""
    transaction_id = request.GET.get("t", "")[:64]
    if not transaction_id:
        return HttpResponseBadRequest()
    try:
        item = services.card_payment_confirm(transaction_id=transaction_id, source="return")
    except viva.ProviderUnavailable:
        item = None
        messages.warning(
            request,
            _("We could not confirm the payment with the card service yet; it will show here once confirmed."),
        )
    else:
        if item is not None:
            messages.success(request, _("Thank you: your payment has been received."))
        else:
            messages.error(request, _("The card payment was not completed. The item is still payable."))
    if item is None:
        return redirect("portal:case_file")
    return redirect("requests_tracker:payment_item", public_id=item.public_id)


@login_required
@require_GET
def card_failure(request: HttpRequest) -> HttpResponse:
    item = services.card_checkout_failed(order_code=request.GET.get("s", "")[:32])
    messages.error(request, _("The card payment was not completed. Nothing was charged; the item is still payable."))
    if item is None or item.citizen_id != request.user.pk:
        return redirect("portal:case_file")
    return redirect("requests_tracker:payment_item", public_id=item.public_id)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def card_webhook(request: HttpRequest) -> HttpResponse:
    """Viva's webhook. GET: the verification key. POST: an event; the transaction is re-read from the provider,
    so a forged or replayed event changes nothing. 503 asks the provider to retry later."""
    provider = viva.card_provider()
    if provider is None:
        return HttpResponse(status=404)
    if request.method == "GET":
        try:
            return JsonResponse({"Key": provider.webhook_key()})
        except viva.ProviderUnavailable:
            return HttpResponse(status=503)
    try:
        event = json.loads(request.body)
        event_type = int(event.get("EventTypeId", 0))
        transaction_id = str((event.get("EventData") or {}).get("TransactionId") or "")[:64]
    except (ValueError, TypeError, AttributeError):
        return HttpResponseBadRequest()
    if event_type != PAYMENT_CREATED or not transaction_id:
        return JsonResponse({})  # events we do not act on are acknowledged, so that they are not retried
    try:
        services.card_payment_confirm(transaction_id=transaction_id, source="webhook")
    except viva.ProviderUnavailable:
        logger.warning("Webhook for %s: the provider cannot confirm it now; it will retry", transaction_id)
        return HttpResponse(status=503)
    return JsonResponse({})


@login_required
@require_GET
def receipt(request: HttpRequest, public_id: UUID) -> HttpResponse:
    payment = selectors.payment_get_for_receipt(user=request.user, public_id=public_id)
    content = receipts.receipt_pdf(
        payment=payment, account=selectors.payment_account_get(municipality_id=payment.item.municipality_id)
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{payment.receipt_number}.pdf"'
    return response
