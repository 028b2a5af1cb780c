"""The card provider's client: Viva Wallet Smart Checkout, reached at the URLs and with the credentials in settings.

OAuth2 client credentials (Bearer) for orders and transactions; the merchant id and API key (Basic) for the older
API: the transactions of an order, refunds and the webhook verification key. Tests and `make run` point the URLs
at tests/stubs/viva.py, which speaks the same protocol over HTTP. Any failure to reach the provider, or an answer
that is not what the protocol says, raises ProviderUnavailable: the caller leaves the item payable and says so.
"""

import logging
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

import requests
from django.conf import settings

logger = logging.getLogger(__name__)
PAID = "F"  # Viva's StatusId of a finished (successful) transaction


class ProviderUnavailable(Exception):
    pass


class TransactionUnknown(Exception):
    """The provider says there is no such transaction (a forged or mistyped id)."""


@dataclass(frozen=True)
class Transaction:
    transaction_id: str
    order_code: str
    status: str
    amount_cents: int
    merchant_trns: str

    @property
    def is_paid(self) -> bool:
        return self.status == PAID


def _cents(amount) -> int:
    # Viva gives transaction amounts in euros (10.5); orders and refunds take cents.
    return int((Decimal(str(amount)) * 100).to_integral_value())


class VivaClient:
    _token_lock = threading.Lock()
    _token: tuple[str, float] | None = None  # (token, expiry as time.monotonic())

    def __init__(self):
        self.accounts_url = settings.VIVA_ACCOUNTS_URL
        self.api_url = settings.VIVA_API_URL
        self.web_url = settings.VIVA_WEB_URL
        self.timeout = settings.VIVA_TIMEOUT

    # --- plumbing

    def _call(self, method: str, url: str, **kwargs) -> dict:
        try:
            response = requests.request(method, url, timeout=self.timeout, **kwargs)
        except requests.RequestException as error:
            raise ProviderUnavailable(f"{method} {url}: {error}") from error
        if response.status_code == 404 and "/transactions/" in url and method == "GET":
            raise TransactionUnknown(url)
        if response.status_code >= 400:
            raise ProviderUnavailable(f"{method} {url}: HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as error:
            raise ProviderUnavailable(f"{method} {url}: not JSON") from error

    def _bearer(self) -> dict:
        with self._token_lock:
            cached = VivaClient._token
            if cached is None or cached[1] <= time.monotonic():
                data = self._call(
                    "POST",
                    f"{self.accounts_url}/connect/token",
                    data={"grant_type": "client_credentials"},
                    auth=(settings.VIVA_CLIENT_ID, settings.VIVA_CLIENT_SECRET),
                )
                if "access_token" not in data:
                    raise ProviderUnavailable("no access_token")
                lifetime = max(int(data.get("expires_in", 3600)) - 60, 1)
                VivaClient._token = cached = (data["access_token"], time.monotonic() + lifetime)
        return {"Authorization": f"Bearer {cached[0]}"}

    def _basic(self) -> tuple[str, str]:
        return (settings.VIVA_MERCHANT_ID, settings.VIVA_API_KEY)

    # --- the calls

    def order_create(
        self, *, amount_cents: int, customer_trns: str, email: str, full_name: str, language: str, merchant_trns: str
    ) -> str:
        body = {
            "amount": amount_cents,
            "customerTrns": customer_trns[:2048],
            "customer": {"email": email, "fullName": full_name, "requestLang": language},
            "merchantTrns": merchant_trns,
            "sourceCode": settings.VIVA_SOURCE_CODE,
            "paymentTimeout": 1800,
        }
        data = self._call("POST", f"{self.api_url}/checkout/v2/orders", json=body, headers=self._bearer())
        if not data.get("orderCode"):
            raise ProviderUnavailable("no orderCode")
        return str(data["orderCode"])

    def checkout_url(self, order_code: str) -> str:
        return f"{self.web_url}/web/checkout?{urlencode({'ref': order_code})}"

    def transaction(self, transaction_id: str) -> Transaction:
        data = self._call("GET", f"{self.api_url}/checkout/v2/transactions/{transaction_id}", headers=self._bearer())
        try:
            return Transaction(
                transaction_id=str(transaction_id),
                order_code=str(data["orderCode"]),
                status=str(data["statusId"]),
                amount_cents=_cents(data["amount"]),
                merchant_trns=str(data.get("merchantTrns") or ""),
            )
        except (KeyError, ArithmeticError, ValueError) as error:
            raise ProviderUnavailable(f"transaction {transaction_id}: {error}") from error

    def transactions_for_order(self, order_code: str) -> list[Transaction]:
        url = f"{self.web_url}/api/transactions"
        data = self._call("GET", url, params={"ordercode": order_code}, auth=self._basic())
        found = []
        for row in data.get("Transactions") or []:
            found.append(
                Transaction(
                    transaction_id=str(row["TransactionId"]),
                    order_code=str((row.get("Order") or {}).get("OrderCode", order_code)),
                    status=str(row["StatusId"]),
                    amount_cents=_cents(row["Amount"]),
                    merchant_trns=str(row.get("MerchantTrns") or ""),
                )
            )
        return found

    def refund(self, *, transaction_id: str, amount_cents: int) -> str:
        data = self._call(
            "DELETE",
            f"{self.web_url}/api/transactions/{transaction_id}",
            params={"amount": amount_cents},
            auth=self._basic(),
        )
        if not data.get("Success", data.get("ErrorCode") == 0) or not data.get("TransactionId"):
            raise ProviderUnavailable(f"refund of {transaction_id}: {data.get('ErrorText') or 'refused'}")
        return str(data["TransactionId"])

    def webhook_key(self) -> str:
        data = self._call("GET", f"{self.web_url}/api/messages/config/token", auth=self._basic())
        if not data.get("Key"):
            raise ProviderUnavailable("no Key")
        return str(data["Key"])


def card_provider() -> VivaClient | None:
    """The configured client, or None when card payments are switched off (no credentials)."""
    if not settings.VIVA_CLIENT_ID:
        return None
    return VivaClient()
