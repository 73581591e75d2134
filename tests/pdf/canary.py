"""A local HTTP server that records every request it gets (it must get none)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Canary:
    """The server's address and the paths requested so far."""

    base: str
    requests: list[str] = field(default_factory=list)


@contextmanager
def canary_server() -> Iterator[Canary]:
    """Serve on an ephemeral port in a thread; every request is recorded."""
    canary = Canary(base="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            canary.requests.append(self.path)
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "file:///etc/passwd")
                self.end_headers()
                return
            body = b"body { background: red }"
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    canary.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield canary
    finally:
        server.shutdown()
        server.server_close()
