"""A stand-in for Microsoft's token endpoint and the Graph online-meetings API, over HTTPS on 127.0.0.1.

msal insists on an https authority, so the stub makes a throw-away self-signed certificate; tests trust it
with REQUESTS_CA_BUNDLE (msal and our Graph calls both go through requests). In tests:

    with GraphStub() as graph:
        settings.TEAMS_AUTHORITY_HOST = graph.origin; settings.GRAPH_BASE_URL = graph.graph_url

It speaks: `GET /{tenant}/v2.0/.well-known/openid-configuration`, `POST /{tenant}/oauth2/v2.0/token`
(client credentials), and under `/v1.0`: `POST users/{id}/onlineMeetings/createOrGet` (201 new, 200 for an
`externalId` seen before), `PATCH` and `DELETE users/{id}/onlineMeetings/{meeting}`. Set `throttle` to answer
that many Graph calls with 429 and `Retry-After`, or `down` to answer 503.
"""

import datetime
import ipaddress
import json
import secrets
import ssl
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TOKEN = "stub-graph-token"


def _certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "graph.pem", directory / "graph.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # quiet in tests
        pass

    @property
    def stub(self) -> "GraphStub":
        return self.server.stub

    def _json(self, status: int, payload: dict | None = None, headers: dict | None = None) -> None:
        body = json.dumps(payload).encode() if payload is not None else b""
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self):
        if self.path.endswith("/v2.0/.well-known/openid-configuration"):
            tenant = self.path.strip("/").split("/")[0]
            base = f"{self.stub.origin}/{tenant}"
            return self._json(
                200,
                {
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                    "issuer": f"{base}/v2.0",
                },
            )
        return self._json(404, {"error": "not found"})

    def do_POST(self):
        body = self._body()
        if self.path.endswith("/oauth2/v2.0/token"):
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            ok = form.get("client_id") == self.stub.client_id and form.get("client_secret") == self.stub.client_secret
            if form.get("grant_type") != "client_credentials" or not ok:
                return self._json(401, {"error": "invalid_client", "error_description": "bad client"})
            self.stub.tokens_issued += 1
            return self._json(200, {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600})
        if self.path.startswith("/v1.0/users/") and self.path.endswith("/onlineMeetings/createOrGet"):
            return self._graph("POST", json.loads(body or b"{}"))
        return self._json(404, {"error": "not found"})

    def do_PATCH(self):
        return self._graph("PATCH", json.loads(self._body() or b"{}"))

    def do_DELETE(self):
        return self._graph("DELETE", None)

    def _graph(self, method: str, payload):
        stub = self.stub
        with stub.lock:
            stub.calls.append((method, self.path, payload))
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._json(401, {"error": {"code": "InvalidAuthenticationToken"}})
            if stub.down:
                return self._json(503, {"error": {"code": "ServiceUnavailable"}})
            if stub.throttle > 0:
                stub.throttle -= 1
                return self._json(429, {"error": {"code": "TooManyRequests"}}, {"Retry-After": str(stub.retry_after)})
            parts = self.path.split("/")  # ['', 'v1.0', 'users', organizer, 'onlineMeetings', id-or-createOrGet]
            organizer, meeting_id = parts[3], parts[5]
            if method == "POST":
                key = (organizer, payload["externalId"])
                if key in stub.by_external_id:
                    return self._json(200, stub.meetings[stub.by_external_id[key]])
                meeting_id = secrets.token_hex(12)
                meeting = {
                    "id": meeting_id,
                    "externalId": payload["externalId"],
                    "organizer": organizer,
                    "startDateTime": payload["startDateTime"],
                    "endDateTime": payload["endDateTime"],
                    "subject": payload.get("subject", ""),
                    "lobbyBypassSettings": payload.get("lobbyBypassSettings"),
                    "participants": payload.get("participants"),
                    "joinWebUrl": f"https://teams.microsoft.com/l/meetup-join/{meeting_id}",
                }
                stub.meetings[meeting_id] = meeting
                stub.by_external_id[key] = meeting_id
                return self._json(201, meeting)
            meeting = stub.meetings.get(meeting_id)
            if meeting is None or meeting["organizer"] != organizer:
                return self._json(404, {"error": {"code": "NotFound"}})
            if method == "PATCH":
                meeting.update({k: payload[k] for k in ("startDateTime", "endDateTime") if k in payload})
                return self._json(200, meeting)
            del stub.meetings[meeting_id]
            return self._json(204)


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class GraphStub:
    def __init__(self, *, client_id: str = "portal-app", client_secret: str = "portal-secret", tenant: str = "tenant"):  # noqa: S107
        self.client_id, self.client_secret, self.tenant = client_id, client_secret, tenant
        self.meetings: dict[str, dict] = {}
        self.by_external_id: dict[tuple[str, str], str] = {}
        self.calls: list = []
        self.tokens_issued = 0
        self.throttle = 0
        self.retry_after = 1
        self.down = False
        self.lock = threading.Lock()

    def __enter__(self) -> "GraphStub":
        self._dir = tempfile.TemporaryDirectory()
        self.cert_path, key_path = _certificate(Path(self._dir.name))
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.stub = self
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_path, key_path)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._dir.cleanup()

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    @property
    def graph_url(self) -> str:
        return f"{self.origin}/v1.0"
