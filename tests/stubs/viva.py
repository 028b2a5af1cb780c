"""A stand-in for Viva Wallet's Smart Checkout, on this machine, over real HTTP, speaking Viva's protocol.

- `POST /connect/token` (Basic client id:secret, grant_type=client_credentials) → `{"access_token", "expires_in"}`
- `POST /checkout/v2/orders` (Bearer) with `amount` in cents, `customerTrns`, `customer`, `merchantTrns`,
  `sourceCode` → `{"orderCode": 16 digits}`
- `GET /web/checkout?ref={orderCode}`: the payment page (in Greek), with «Πληρωμή» and «Ακύρωση». Paying makes a
  transaction (status F), POSTs the webhook (EventTypeId 1796) to `webhook_url` and sends the browser to
  `success_url?t={transactionId}&s={orderCode}`; cancelling to `failure_url?s={orderCode}`.
- `GET /checkout/v2/transactions/{id}` (Bearer) → `{"statusId", "amount" (euros), "orderCode", "merchantTrns", …}`
- `GET /api/transactions?ordercode=` (Basic merchant id:API key) → `{"Transactions": [...]}`
- `DELETE /api/transactions/{id}?amount=` (Basic) → a refund transaction
- `GET /api/messages/config/token` (Basic) → `{"Key": …}` for the webhook endpoint's verification

In tests: `with VivaStub() as viva: point_settings_at(settings, viva, live_server.url)`. For `make run`:
`python -m tests.stubs.viva --port 8003 --portal http://127.0.0.1:8000`. Set `failure = "down"` for HTTP 503.
"""

import argparse
import base64
import contextlib
import copy
import html
import json
import secrets
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

WEBHOOK_KEY = "B3248BC7A1E1E4D0D2F1E95A7E0E1F3C6B5A4D3C"
PAYMENT_CREATED = 1796


class VivaStub:
    def __init__(
        self,
        *,
        client_id: str = "test-client",
        client_secret: str = "test-secret",  # noqa: S107
        merchant_id: str = "test-merchant",
        api_key: str = "test-api-key",
        source_code: str = "1234",
        port: int = 0,
    ):
        self.client_id, self.client_secret = client_id, client_secret
        self.merchant_id, self.api_key, self.source_code = merchant_id, api_key, source_code
        self.orders: dict[str, dict] = {}
        self.transactions: dict[str, dict] = {}
        self.tokens: set[str] = set()
        self.calls: list[tuple[str, str]] = []
        self.webhooks_sent: list[dict] = []
        self.failure: str | None = None
        self.success_url = self.failure_url = self.webhook_url = ""
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body, content_type="application/json; charset=utf-8", headers=()):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _basic(self) -> tuple[str, str] | None:
                header = self.headers.get("Authorization", "")
                if not header.startswith("Basic "):
                    return None
                user, _sep, password = base64.b64decode(header[6:]).decode().partition(":")
                return user, password

            def _bearer_ok(self) -> bool:
                header = self.headers.get("Authorization", "")
                return header.startswith("Bearer ") and header[7:] in stub.tokens

            def _merchant_ok(self) -> bool:
                return self._basic() == (stub.merchant_id, stub.api_key)

            def _route(self, method):
                url = urlsplit(self.path)
                query = {key: values[-1] for key, values in parse_qs(url.query).items()}
                stub.calls.append((method, url.path))
                if stub.failure == "down" and not url.path.startswith("/web/"):
                    return self._send(503, {"message": "Service Unavailable"})
                handler = getattr(stub, f"_{method.lower()}", None)
                status, body, *rest = handler(self, url.path, query)
                self._send(status, body, *rest)

            def do_GET(self):
                self._route("GET")

            def do_POST(self):
                self._route("POST")

            def do_DELETE(self):
                self._route("DELETE")

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.origin = self.base_url

    # --- routes

    def _post(self, handler, path, query):
        if path == "/connect/token":
            form = parse_qs(handler._body().decode())
            if handler._basic() != (self.client_id, self.client_secret) or form.get("grant_type") != [
                "client_credentials"
            ]:
                return 401, {"error": "invalid_client"}
            token = secrets.token_urlsafe(24)
            self.tokens.add(token)
            return 200, {"access_token": token, "expires_in": 3600, "token_type": "Bearer", "scope": "urn:viva"}
        if path == "/checkout/v2/orders":
            if not handler._bearer_ok():
                return 401, {"message": "Unauthorized"}
            body = json.loads(handler._body() or b"{}")
            amount = body.get("amount")
            if not isinstance(amount, int) or amount < 30:
                return 400, {"message": "amount is invalid"}
            code = str(secrets.randbelow(9 * 10**15) + 10**15)
            self.orders[code] = {**body, "orderCode": code, "state": 0}
            return 200, {"orderCode": int(code)}
        if path == "/web/checkout/pay":
            form = {key: values[-1] for key, values in parse_qs(handler._body().decode()).items()}
            code = form.get("ref", "")
            if code not in self.orders:
                return 404, b"unknown order", "text/plain"
            if form.get("action") == "cancel":
                return 302, b"", "text/plain", [("Location", f"{self.failure_url}?{urlencode({'s': code})}")]
            transaction_id = self.pay(code)
            self.webhook_send(transaction_id)
            location = f"{self.success_url}?{urlencode({'t': transaction_id, 's': code, 'lang': 'el-GR'})}"
            return 302, b"", "text/plain", [("Location", location)]
        return 404, {"message": "not found"}

    def _get(self, handler, path, query):
        if path == "/web/checkout":
            order = self.orders.get(query.get("ref", ""))
            if order is None:
                return 404, b"unknown order", "text/plain"
            return 200, self._checkout_page(order).encode(), "text/html; charset=utf-8"
        if path.startswith("/checkout/v2/transactions/"):
            if not handler._bearer_ok():
                return 401, {"message": "Unauthorized"}
            found = self.transactions.get(path.rsplit("/", 1)[-1])
            if found is None:
                return 404, {"message": "transaction not found"}
            return 200, {
                "email": found["email"],
                "amount": found["amount_cents"] / 100,
                "orderCode": int(found["order_code"]),
                "statusId": found["status"],
                "fullName": found["full_name"],
                "insDate": "2026-01-01T10:00:00.000+02:00",
                "currencyCode": "978",
                "customerTrns": found["customer_trns"],
                "merchantTrns": found["merchant_trns"],
                "transactionTypeId": 5,
                "cardNumber": "414746XXXXXX0133",
            }
        if path == "/api/transactions":
            if not handler._merchant_ok():
                return 401, {"message": "Unauthorized"}
            rows = [t for t in self.transactions.values() if t["order_code"] == query.get("ordercode")]
            return 200, {
                "Transactions": [
                    {
                        "TransactionId": t["id"],
                        "StatusId": t["status"],
                        "Amount": t["amount_cents"] / 100,
                        "MerchantTrns": t["merchant_trns"],
                        "Order": {"OrderCode": int(t["order_code"])},
                    }
                    for t in rows
                ],
                "ErrorCode": 0,
                "Success": True,
            }
        if path == "/api/messages/config/token":
            if not handler._merchant_ok():
                return 401, {"message": "Unauthorized"}
            return 200, {"Key": WEBHOOK_KEY}
        return 404, {"message": "not found"}

    def _delete(self, handler, path, query):
        if path.startswith("/api/transactions/"):
            if not handler._merchant_ok():
                return 401, {"message": "Unauthorized"}
            original = self.transactions.get(path.rsplit("/", 1)[-1])
            amount = int(query.get("amount", "0"))
            if original is None or original["status"] != "F" or not 0 < amount <= original["amount_cents"]:
                return 200, {"ErrorCode": 403, "ErrorText": "refund refused", "Success": False}
            refund_id = str(uuid.uuid4())
            with self._lock:
                self.transactions[refund_id] = {
                    **original,
                    "id": refund_id,
                    "amount_cents": amount,
                    "refund_of": original["id"],
                }
                original["refunded_cents"] = original.get("refunded_cents", 0) + amount
            return 200, {
                "TransactionId": refund_id,
                "StatusId": "F",
                "Amount": amount / 100,
                "ErrorCode": 0,
                "Success": True,
            }
        return 404, {"message": "not found"}

    # --- helpers for tests and the checkout page

    def pay(self, order_code: str) -> str:
        """The card holder pays the order: a finished transaction (StatusId F) for its amount."""
        order = self.orders[order_code]
        transaction_id = str(uuid.uuid4())
        with self._lock:
            order["state"] = 3
            self.transactions[transaction_id] = {
                "id": transaction_id,
                "order_code": order_code,
                "status": "F",
                "amount_cents": order["amount"],
                "email": order.get("customer", {}).get("email", ""),
                "full_name": order.get("customer", {}).get("fullName", ""),
                "customer_trns": order.get("customerTrns", ""),
                "merchant_trns": order.get("merchantTrns", ""),
            }
        return transaction_id

    def webhook_event(self, transaction_id: str) -> dict:
        found = self.transactions[transaction_id]
        return {
            "Url": self.webhook_url,
            "EventData": {
                "TransactionId": transaction_id,
                "OrderCode": int(found["order_code"]),
                "Amount": found["amount_cents"] / 100,
                "StatusId": found["status"],
                "MerchantTrns": found["merchant_trns"],
                "CustomerTrns": found["customer_trns"],
                "Email": found["email"],
                "FullName": found["full_name"],
                "SourceCode": self.source_code,
                "CurrencyCode": "978",
            },
            "Created": "2026-01-01T08:00:00.0000000Z",
            "CorrelationId": str(uuid.uuid4()),
            "EventTypeId": PAYMENT_CREATED,
            "Delay": None,
            "MessageId": str(uuid.uuid4()),
            "RecipientId": self.merchant_id,
            "MessageTypeId": 512,
        }

    def webhook_send(self, transaction_id: str) -> None:
        if not self.webhook_url:
            return
        event = self.webhook_event(transaction_id)
        self.webhooks_sent.append(event)
        with contextlib.suppress(requests.RequestException):
            requests.post(self.webhook_url, json=event, timeout=10)

    def _checkout_page(self, order: dict) -> str:
        amount = f"{order['amount'] // 100},{order['amount'] % 100:02d} €"
        code = html.escape(order["orderCode"])
        return f"""<!doctype html>
<html lang="el"><head><meta charset="utf-8"><title>Viva Smart Checkout (δοκιμαστικό)</title></head>
<body><main><h1>Πληρωμή με κάρτα</h1>
<p id="merchant-trns">{html.escape(order.get("customerTrns", ""))}</p>
<p>Ποσό: <strong id="amount">{amount}</strong></p>
<form method="post" action="/web/checkout/pay"><input type="hidden" name="ref" value="{code}">
<label for="card">Αριθμός κάρτας</label> <input id="card" name="card" value="4111 1111 1111 1111">
<button type="submit" name="action" value="pay">Πληρωμή</button>
<button type="submit" name="action" value="cancel">Ακύρωση</button></form></main></body></html>"""

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def point_settings_at(settings, stub: VivaStub, portal_url: str, *, timeout: float = 5) -> None:
    """Aim the portal's card-provider settings at `stub`, and the stub's source URLs at the portal."""
    from requests_tracker.viva import VivaClient

    VivaClient._token = None  # a token of another stand-in is worthless here
    settings.VIVA_ACCOUNTS_URL = settings.VIVA_API_URL = settings.VIVA_WEB_URL = stub.base_url
    settings.VIVA_CLIENT_ID, settings.VIVA_CLIENT_SECRET = stub.client_id, stub.client_secret
    settings.VIVA_MERCHANT_ID, settings.VIVA_API_KEY = stub.merchant_id, stub.api_key
    settings.VIVA_SOURCE_CODE = stub.source_code
    settings.VIVA_TIMEOUT = timeout
    _aim(stub, portal_url)
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(stub.origin)
    settings.CONTENT_SECURITY_POLICY = policy


def _aim(stub: VivaStub, portal_url: str) -> None:
    # What a merchant sets on the payment source and the webhook in Viva's dashboard.
    stub.success_url = f"{portal_url}/requests/payments/card/return/"
    stub.failure_url = f"{portal_url}/requests/payments/card/failure/"
    stub.webhook_url = f"{portal_url}/requests/payments/card/webhook/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8003)
    parser.add_argument("--portal", default="http://127.0.0.1:8000")
    options = parser.parse_args()
    stub = VivaStub(
        client_id="demo-portal",
        client_secret="demo-secret",
        merchant_id="demo-merchant",
        api_key="demo-key",
        port=options.port,
    )
    _aim(stub, options.portal.rstrip("/"))
    print(f"Viva Smart Checkout stand-in at {stub.base_url} (pays to {options.portal})")
    stub.server.serve_forever()


if __name__ == "__main__":
    main()
