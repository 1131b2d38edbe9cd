"""A tiny SMS gateway speaking medpause's SMS interface, run as its own process by the tests
(tests/notices/stubs.py): POST / with JSON {to, text, reference} and the bearer token -> 200
{"id"}; every message taken is kept in order. GET /messages lists them; POST /control
{"fail": n, "status": s} makes the next n messages fail with status s (default 503).

    python tests/notices/sms_gateway.py PORT TOKEN"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATE = {"messages": [], "fail": 0, "status": 503, "attempts": 0}
LOCK = threading.Lock()


class Gateway(BaseHTTPRequestHandler):
    token = ""

    def _answer(self, status: int, body: dict | list) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")

    def do_GET(self):  # noqa: N802 - http.server's name
        with LOCK:
            self._answer(200, {"messages": STATE["messages"], "attempts": STATE["attempts"]})

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self._body()
        with LOCK:
            if self.path == "/control":
                STATE["fail"], STATE["status"] = int(body.get("fail", 0)), int(body.get("status", 503))
                return self._answer(200, {"ok": True})
            STATE["attempts"] += 1
            if self.headers.get("Authorization") != f"Bearer {self.token}":
                return self._answer(401, {"error": "unauthorised"})
            if STATE["fail"] > 0:
                STATE["fail"] -= 1
                return self._answer(STATE["status"], {"error": "told to fail"})
            if not all(isinstance(body.get(k), str) and body[k] for k in ("to", "text", "reference")):
                return self._answer(400, {"error": "to, text and reference are required"})
            provider_id = f"stub-{len(STATE['messages']) + 1}"
            STATE["messages"].append({**{k: body[k] for k in ("to", "text", "reference")}, "id": provider_id})
            return self._answer(200, {"id": provider_id})

    def log_message(self, *args):  # quiet
        pass


if __name__ == "__main__":
    Gateway.token = sys.argv[2]
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Gateway).serve_forever()
