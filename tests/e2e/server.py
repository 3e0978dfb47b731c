"""The app served over real HTTP from a background thread, for a browser to talk to."""

import threading

from flask import Flask
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler


class _QuietHandler(WSGIRequestHandler):
    # An idle keep-alive connection gives up after this long, so no handler thread waits forever.
    timeout = 10

    def log_request(self, code="-", size="-"):
        """No access log: the tests print what matters when they fail."""


class _Server(ThreadedWSGIServer):
    """Remembers its request threads so that stopping can wait for them to finish."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_threads: list[threading.Thread] = []

    def process_request(self, request, client_address):
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address), daemon=True)
        self.request_threads = [t for t in self.request_threads if t.is_alive()]
        self.request_threads.append(thread)
        thread.start()


class LiveServer:
    """`with LiveServer(app) as server:` serves `app` at `server.url` on a free port of 127.0.0.1."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0):
        self._server = _Server(host, port, app, handler=_QuietHandler)
        self.url = f"http://{host}:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)

    def start(self) -> "LiveServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()  # stops accepting; returns once serve_forever has
        self._thread.join()
        for thread in self._server.request_threads:
            thread.join(timeout=_QuietHandler.timeout + 5)
        self._server.server_close()

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
