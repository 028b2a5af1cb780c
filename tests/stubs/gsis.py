"""A stand-in for GSIS's OAuth 2.0 server ("oauth2server"): TAXISnet login with test citizens, on this machine.

In tests: `with GsisStub() as gsis:` then point TAXISNET_BASE_URL at `gsis.base_url`. For `make run`:
`python -m tests.stubs.gsis --port 8001`. It lives under tests/, outside Django's URLconf, so production cannot
reach it. It speaks the protocol of INTEGRATIONS.md with GSIS's quirks: trailing spaces, the literal "null", Greek
sent as numeric character references. Set `failure` to make the token endpoint fail ("error": HTTP 500) or hang
("hang": longer than any sensible timeout), or the userinfo endpoint fail ("userinfo_error").
"""

import argparse
import contextlib
import copy
import html
import json
import secrets
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from urllib.parse import parse_qs, urlencode, urlsplit

PREFIX = "/oauth2server"
Failure = Literal["error", "hang", "userinfo_error"] | None


@dataclass(frozen=True)
class Citizen:
    key: str
    taxid: str  # valid check digits (accounts.validators.afm_is_valid)
    firstname: str
    lastname: str
    fathername: str
    mothername: str
    birthyear: str
    as_entities: bool = False  # send the Greek letters as &#NNN; references

    @property
    def label(self) -> str:
        return f"{self.firstname.strip()} {self.lastname.strip()} (ΑΦΜ {self.taxid})"


CITIZENS = [
    # Names as GSIS sends them: padded with spaces, "null" where the registry has nothing.
    Citizen("anna", "123456783", "ΑΝΝΑ      ", "ΠΑΠΑΔΟΠΟΥΛΟΥ   ", "ΓΕΩΡΓΙΟΣ ", "ΜΑΡΙΑ ", "1985", as_entities=True),
    Citizen("nikos", "044444444", "ΝΙΚΟΛΑΟΣ ", "ΓΕΩΡΓΙΟΥ ", "ΙΩΑΝΝΗΣ", "null", "null"),
    Citizen("eleni", "077777777", "ΕΛΕΝΗ", "ΚΩΝΣΤΑΝΤΙΝΙΔΟΥ", "ΔΗΜΗΤΡΙΟΣ", "ΣΟΦΙΑ", "1972"),
    Citizen("kostas", "112233441", "ΚΩΝΣΤΑΝΤΙΝΟΣ  ", "ΑΛΕΞΙΟΥ  ", "null", "ΕΥΑΓΓΕΛΙΑ  ", "1990"),
]


def _entities(text: str) -> str:
    return "".join(f"&#{ord(char)};" if ord(char) > 127 else html.escape(char) for char in text)


def userinfo_xml(citizen: Citizen) -> str:
    encode = _entities if citizen.as_entities else html.escape
    values = {
        "userid": f"User{citizen.taxid}",
        "taxid": citizen.taxid,
        "lastname": citizen.lastname,
        "firstname": citizen.firstname,
        "fathername": citizen.fathername,
        "mothername": citizen.mothername,
        "birthyear": citizen.birthyear,
    }
    attributes = " ".join(f'{name}="{encode(value)}"' for name, value in values.items())
    return f'<?xml version="1.0" encoding="UTF-8"?><root><userinfo {attributes}/></root>'


@dataclass
class _Grant:
    citizen: Citizen
    redirect_uri: str


@dataclass
class GsisState:
    client_id: str
    client_secret: str
    failure: Failure = None
    hang_seconds: float = 30.0
    codes: dict[str, _Grant] = field(default_factory=dict)
    tokens: dict[str, Citizen] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    logouts: list[dict[str, str]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


_PAGE = """<!doctype html>
<html lang="el"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}
button{{display:block;width:100%;margin:.5rem 0;padding:.75rem;font-size:1rem;text-align:left;background:#fff;
border:2px solid #0b4f8a;border-radius:.25rem;color:#0b4f8a;cursor:pointer}}button:focus{{outline:3px solid #f90}}
a{{color:#0b4f8a}}</style></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format: str, *args) -> None:  # quiet in tests
        pass

    @property
    def state(self) -> GsisState:
        return self.server.state

    def _send(self, status: int, body: str, content_type: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status: int, payload: dict) -> None:
        self._send(status, json.dumps(payload), "application/json")

    def _page(self, status: int, title: str, body: str) -> None:
        self._send(status, _PAGE.format(title=html.escape(title), body=body), "text/html; charset=utf-8")

    def _redirect(self, url: str) -> None:
        self._send(HTTPStatus.FOUND, "", "text/plain", {"Location": url})

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(url.query).items()}
        if url.path == f"{PREFIX}/oauth/authorize":
            self._authorize_page(query)
        elif url.path == f"{PREFIX}/userinfo":
            self._userinfo()
        elif url.path.startswith(f"{PREFIX}/logout/"):
            client_id = url.path.removeprefix(f"{PREFIX}/logout/").strip("/")
            self.state.logouts.append({"client_id": client_id, "url": query.get("url", "")})
            self._redirect(query.get("url") or "/")
        else:
            self._page(HTTPStatus.NOT_FOUND, "Δεν βρέθηκε", "")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
        path = urlsplit(self.path).path
        if path == f"{PREFIX}/oauth/authorize":
            self._authorize_choice(form)
        elif path == f"{PREFIX}/oauth/token":
            self._token(form)
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": "not_found"})

    def _authorize_page(self, query: dict[str, str]) -> None:
        expected = {"response_type": "code", "client_id": self.state.client_id, "scope": "read"}
        if any(query.get(name) != value for name, value in expected.items()):
            self._page(HTTPStatus.BAD_REQUEST, "Μη έγκυρο αίτημα", "<p>Άγνωστη εφαρμογή ή μη έγκυρο αίτημα.</p>")
            return
        redirect_uri, state = query.get("redirect_uri", ""), query.get("state", "")
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
            for name, value in {"redirect_uri": redirect_uri, "state": state}.items()
        )
        buttons = "".join(
            f'<li><button type="submit" name="citizen" value="{citizen.key}">{html.escape(citizen.label)}</button></li>'
            for citizen in CITIZENS
        )
        cancel = f"{redirect_uri}?{urlencode({'error': 'access_denied', 'state': state})}"
        body = (
            "<p>Δοκιμαστικός διακομιστής: επιλέξτε τον πολίτη με τον οποίο θα συνδεθείτε.</p>"
            f'<form method="post" action="{PREFIX}/oauth/authorize">{hidden}'
            f'<ul style="list-style:none;padding:0">{buttons}</ul></form>'
            f'<p><a href="{html.escape(cancel)}">Ακύρωση</a></p>'
        )
        self._page(HTTPStatus.OK, "Σύνδεση με κωδικούς TAXISnet", body)

    def _authorize_choice(self, form: dict[str, str]) -> None:
        citizen = next((c for c in CITIZENS if c.key == form.get("citizen")), None)
        redirect_uri = form.get("redirect_uri", "")
        if citizen is None or not redirect_uri:
            self._page(HTTPStatus.BAD_REQUEST, "Μη έγκυρο αίτημα", "<p>Επιλέξτε έναν πολίτη.</p>")
            return
        code = secrets.token_urlsafe(16)
        with self.state.lock:
            self.state.codes[code] = _Grant(citizen, redirect_uri)
        self._redirect(f"{redirect_uri}?{urlencode({'code': code, 'state': form.get('state', '')})}")

    def _token(self, form: dict[str, str]) -> None:
        self.state.token_requests.append(form)
        if self.state.failure == "hang":
            self.state.release.wait(self.state.hang_seconds)
        if self.state.failure in ("error", "hang"):
            self._json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "server_error"})
            return
        if form.get("client_id") != self.state.client_id or form.get("client_secret") != self.state.client_secret:
            self._json(HTTPStatus.UNAUTHORIZED, {"error": "invalid_client"})
            return
        if form.get("grant_type") != "authorization_code":
            self._json(HTTPStatus.BAD_REQUEST, {"error": "unsupported_grant_type"})
            return
        with self.state.lock:
            grant = self.state.codes.pop(form.get("code", ""), None)  # a code is good for one exchange
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            self._json(HTTPStatus.BAD_REQUEST, {"error": "invalid_grant"})
            return
        token = secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.tokens[token] = grant.citizen
        self._json(HTTPStatus.OK, {"access_token": token, "token_type": "bearer", "expires_in": 3600, "scope": "read"})

    def _userinfo(self) -> None:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        citizen = self.state.tokens.get(token)
        if citizen is None:
            self._json(HTTPStatus.UNAUTHORIZED, {"error": "invalid_token"})
        elif self.state.failure == "userinfo_error":
            self._json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": "server_error"})
        else:
            self._send(HTTPStatus.OK, userinfo_xml(citizen), "application/xml; charset=utf-8")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: GsisState


class GsisStub:
    def __init__(self, *, client_id: str = "test-portal", client_secret: str = "test-secret", port: int = 0):  # noqa: S107
        self.state = GsisState(client_id=client_id, client_secret=client_secret)
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.state = self.state
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "GsisStub":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.state.release.set()  # let any hanging token request finish
        self._server.shutdown()
        self._server.server_close()

    def serve_forever(self) -> None:
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PREFIX}"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def client_id(self) -> str:
        return self.state.client_id

    @property
    def client_secret(self) -> str:
        return self.state.client_secret

    @property
    def failure(self) -> Failure:
        return self.state.failure

    @failure.setter
    def failure(self, value: Failure) -> None:
        self.state.failure = value

    @property
    def logouts(self) -> list[dict[str, str]]:
        return self.state.logouts

    @property
    def token_requests(self) -> list[dict[str, str]]:
        return self.state.token_requests


def point_settings_at(settings, stub: GsisStub, *, timeout: float = 5) -> None:
    """Aim the portal's TAXISnet settings at `stub` (`settings` is pytest-django's fixture)."""
    settings.TAXISNET_BASE_URL = stub.base_url
    settings.TAXISNET_TIMEOUT = timeout
    settings.SOCIALACCOUNT_PROVIDERS = {
        "taxisnet": {"APPS": [{"client_id": stub.client_id, "secret": stub.client_secret, "key": ""}]}
    }
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(stub.origin)
    settings.CONTENT_SECURITY_POLICY = policy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--client-id", default="demo-portal")
    parser.add_argument("--client-secret", default="demo-secret")
    parser.add_argument("--failure", choices=["error", "hang", "userinfo_error"], default=None)
    options = parser.parse_args()
    stub = GsisStub(client_id=options.client_id, client_secret=options.client_secret, port=options.port)
    stub.failure = options.failure
    print(f"Stand-in GSIS (TAXISnet) server at {stub.base_url}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        stub.serve_forever()


if __name__ == "__main__":
    main()
