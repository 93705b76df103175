"""SP4N-LAPOR! and an SMS provider, simulated on one loopback port, for tests, drills and demos.

They speak the protocols of ``complaints.lapor.HttpConnector`` (``/lapor``) and of the ``http``
gateway (``/sms``) and honour idempotency keys as the real services are required to: a second
``POST`` with a key already seen files or sends nothing and answers the first id. They also count
what a person would notice — complaints filed at LAPOR per MPP tracking number, texts handed to
phones per (number, text) — so a drill can tell "doubled" from "retried".

Nothing here is imported by the product. Test controls: ``lapor_down`` (answer 503), ``delay``
(seconds between recording a new message and answering) and
``hold("sms"|"lapor")`` (after recording a new message, keep the caller waiting until
``release()``: the moment to SIGKILL the worker between the provider's send and its "sent" mark).

    python -m mpp.web.simulators --port 8793   # then MPP_LAPOR_URL=http://127.0.0.1:8793/lapor
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A caller killed before reading its answer (the point of a drill) is no error here."""


class Simulator:
    def __init__(self, port: int = 0):
        self.lock = threading.Lock()
        self.lapor_by_key: dict[str, str] = {}
        self.lapor_filed: Counter[str] = Counter()
        self.sms_by_key: dict[str, str] = {}
        self.sms_sent: Counter[tuple[str, str]] = Counter()
        self.posts = 0
        self.lapor_down = False
        # Seconds between recording a new message and answering: the window a drill kills in.
        self.delay = 0.0
        self._held = ""
        self.recorded = threading.Event()
        self._release = threading.Event()
        self.server = _QuietServer(("127.0.0.1", port), _handler(self))
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self) -> Simulator:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def hold(self, service: str) -> None:
        self.recorded.clear()
        self._release.clear()
        self._held = service

    def release(self) -> None:
        self._held = ""
        self._release.set()

    def stats(self) -> dict:
        with self.lock:
            return {
                "lapor_filed": sum(self.lapor_filed.values()),
                "lapor_doubled": sum(1 for n in self.lapor_filed.values() if n > 1),
                "sms_sent": sum(self.sms_sent.values()),
                "sms_doubled": sum(1 for n in self.sms_sent.values() if n > 1),
                "posts": self.posts,
            }

    def record(self, service: str, key: str, body: dict) -> tuple[int, dict]:
        with self.lock:
            self.posts += 1
            if service == "lapor":
                if self.lapor_down:
                    return 503, {"error": "unavailable"}
                if key and key in self.lapor_by_key:
                    return 200, {"tracking_id": self.lapor_by_key[key]}
                number = f"LAPOR-{sum(self.lapor_filed.values()) + 1:07d}"
                self.lapor_filed[str(body.get("tracking_number", ""))] += 1
                if key:
                    self.lapor_by_key[key] = number
                answer = {"tracking_id": number}
            else:
                if key and key in self.sms_by_key:
                    return 200, {"id": self.sms_by_key[key]}
                message_id = f"SMS-{sum(self.sms_sent.values()) + 1:07d}"
                self.sms_sent[(str(body.get("to", "")), str(body.get("text", "")))] += 1
                if key:
                    self.sms_by_key[key] = message_id
                answer = {"id": message_id}
        if self._held == service:
            self.recorded.set()
            self._release.wait(timeout=120)
        elif self.delay:
            time.sleep(self.delay)
        return 201, answer

    def lookup(self, service: str, key: str) -> str | None:
        with self.lock:
            return (self.lapor_by_key if service == "lapor" else self.sms_by_key).get(key)


def _handler(simulator: Simulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            return

        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            service = {"/lapor/complaints": "lapor", "/sms/messages": "sms"}.get(path)
            if service is None:
                self._answer(404, {"error": "not found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                self._answer(400, {"error": "bad json"})
                return
            self._answer(*simulator.record(service, self.headers.get("Idempotency-Key", ""), body))

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/stats":
                self._answer(200, simulator.stats())
            elif parts.path == "/sms/messages":
                key = parse_qs(parts.query).get("idempotency_key", [""])[0]
                found = simulator.lookup("sms", key)
                self._answer(200, {"id": found}) if found else self._answer(404, {})
            elif parts.path.startswith("/lapor/complaints/"):
                self._answer(200, {"status": "diterima"})
            else:
                self._answer(404, {"error": "not found"})

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8793)
    port = parser.parse_args().port
    simulator = Simulator(port)
    print(f"LAPOR: {simulator.url}/lapor  SMS: {simulator.url}/sms  stats: {simulator.url}/stats")
    simulator.server.serve_forever()


if __name__ == "__main__":
    main()
