"""What the site tests share: the built pages and a way to serve them on loopback."""

from __future__ import annotations

import functools
import gzip as gzip_module
import http.server
import io
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


# What a static host compresses: text, never images or PDFs that are compressed already.
GZIP_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml",
              "application/atom+xml")


class _GzipHandler(_QuietHandler):
    """Serves as a static host does: HTTP/1.1 with connections kept open, text compressed
    with gzip when the client accepts it, cached for a day (the book's assets carry version
    strings in their URLs)."""

    protocol_version = "HTTP/1.1"

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        if (not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", "")
                or not ctype.startswith(GZIP_TYPES)):
            return super().send_head()
        body = gzip_module.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=86400")
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve(folder: Path = HTML, *, gzip: bool = False):
    """Serve the built book on 127.0.0.1 at a free port for the duration of a block;
    with `gzip`, text is sent compressed as a static host would."""
    handler = _GzipHandler if gzip else _QuietHandler
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
