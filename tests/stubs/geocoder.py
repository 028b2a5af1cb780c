"""A stand-in for Nominatim's /search and /reverse (format json or jsonv2), on this machine, over real HTTP.

In tests: `with GeocoderStub() as geocoder:` then set GEOCODER_URL to `geocoder.base_url`. For `make run`:
`python -m tests.stubs.geocoder --port 8002`. It knows a few Thessaloniki and Chania addresses in Greek and Latin
spelling, honours viewbox + bounded=1 like Nominatim, and records each request (user agent included). Set `failure`
to "error" (HTTP 500) or "hang" (answers after longer than any sensible timeout).
"""

import argparse
import contextlib
import json
import threading
import time
import unicodedata
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class KnownPlace:
    aliases: tuple[str, ...]
    display_name: str
    lat: str
    lon: str


PLACES = [
    KnownPlace(
        ("ιωνος δραγουμη 47", "ionos dragoumi 47"),
        "47, Ίωνος Δραγούμη, Κέντρο, Θεσσαλονίκη, 54625, Ελλάδα",
        "40.6365810",
        "22.9406540",
    ),
    KnownPlace(
        ("ιωνος δραγουμη", "ionos dragoumi"),
        "Ίωνος Δραγούμη, Κέντρο, Θεσσαλονίκη, 54624, Ελλάδα",
        "40.6360000",
        "22.9420000",
    ),
    KnownPlace(("τσιμισκη", "tsimiski"), "Τσιμισκή, Κέντρο, Θεσσαλονίκη, 54623, Ελλάδα", "40.6322000", "22.9440000"),
    KnownPlace(("εγνατια", "egnatia"), "Εγνατία, Θεσσαλονίκη, Ελλάδα", "40.6385000", "22.9450000"),
    KnownPlace(("κυδωνιας 29", "kydonias 29"), "29, Κυδωνίας, Χανιά, 73135, Ελλάδα", "35.5138000", "24.0175000"),
]


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return " ".join("".join(char for char in decomposed if not unicodedata.combining(char)).replace(",", " ").split())


def search(query: str, viewbox: str = "", bounded: bool = False, limit: int = 10) -> list[dict]:
    plain = _plain(query)
    found = [place for place in PLACES if any(_plain(alias) in plain for alias in place.aliases)]
    if bounded and viewbox:
        x1, y1, x2, y2 = (float(value) for value in viewbox.split(","))
        west, east, south, north = min(x1, x2), max(x1, x2), min(y1, y2), max(y1, y2)
        found = [p for p in found if south <= float(p.lat) <= north and west <= float(p.lon) <= east]
    return [
        {
            "place_id": 1000 + index,
            "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
            "osm_type": "way",
            "osm_id": 2000 + index,
            "lat": place.lat,
            "lon": place.lon,
            "category": "highway",
            "type": "residential",
            "place_rank": 26,
            "importance": 0.1,
            "addresstype": "road",
            "name": place.display_name.split(",")[0],
            "display_name": place.display_name,
            "boundingbox": [place.lat, place.lat, place.lon, place.lon],
        }
        for index, place in enumerate(found[:limit])
    ]


def reverse(lat: float, lon: float, within_degrees: float = 0.003) -> dict:
    """The nearest known place within about 300 m, like Nominatim's /reverse; its error object when none is."""
    nearest = min(PLACES, key=lambda p: (float(p.lat) - lat) ** 2 + (float(p.lon) - lon) ** 2)
    if abs(float(nearest.lat) - lat) > within_degrees or abs(float(nearest.lon) - lon) > within_degrees:
        return {"error": "Unable to geocode"}
    return {
        "place_id": 1,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "lat": f"{lat:.7f}",
        "lon": f"{lon:.7f}",
        "display_name": nearest.display_name,
        "address": {"road": nearest.display_name.split(",")[0]},
        "boundingbox": [nearest.lat, nearest.lat, nearest.lon, nearest.lon],
    }


class GeocoderStub:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.requests: list[dict] = []
        self.failure: str | None = None
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlsplit(self.path)
                params = {key: values[-1] for key, values in parse_qs(url.query).items()}
                stub.requests.append({"path": url.path, "params": params, "user_agent": self.headers.get("User-Agent")})
                if stub.failure == "hang":
                    time.sleep(30)
                if stub.failure == "error" or url.path.rstrip("/") not in ("/search", "/reverse"):
                    self._send(500 if stub.failure == "error" else 404, b"error")
                    return
                if url.path.rstrip("/") == "/reverse":
                    found = reverse(float(params.get("lat", "0")), float(params.get("lon", "0")))
                    self._send(200, json.dumps(found, ensure_ascii=False).encode(), "application/json; charset=utf-8")
                    return
                results = search(
                    params.get("q", ""),
                    params.get("viewbox", ""),
                    params.get("bounded") == "1",
                    int(params.get("limit", "10")),
                )
                self._send(200, json.dumps(results, ensure_ascii=False).encode(), "application/json; charset=utf-8")

            def _send(self, status, body, content_type="text/plain"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://{host}:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8002)
    port = parser.parse_args().port
    stub = GeocoderStub(port=port)
    print(f"Nominatim stand-in at {stub.base_url}/search")
    stub.server.serve_forever()


if __name__ == "__main__":
    main()
