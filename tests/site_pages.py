"""What the site tests share: the built pages and a way to serve them on loopback."""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from chipbook import paths
from chipbook.paths import toc_pages  # noqa: F401  (the site tests import it from here)

HTML = paths.BUILD_HTML
# Lines the browser test leaves for the end-of-run summary (printed by conftest.py).
BROWSER_SUMMARY = pytest.StashKey[list]()




def require_build() -> None:
    if not (HTML / "index.html").exists():
        raise AssertionError("no built book in _build/html: run `make book` (make test does) first")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(folder: Path = HTML):
    """Serve the built book on 127.0.0.1 at a free port for the duration of a block."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
