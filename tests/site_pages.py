"""What the site tests share: the built pages and a way to serve them on loopback."""

from __future__ import annotations

import functools
import http.server
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from chipbook import paths

HTML = paths.BUILD_HTML
# Lines the browser test leaves for the end-of-run summary (printed by conftest.py).
BROWSER_SUMMARY = pytest.StashKey[list]()


def toc_pages() -> list[str]:
    """The built page of every toc entry, relative to _build/html."""
    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text(encoding="utf-8"))
    entries = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    return [f"{entry}.html" for entry in entries]


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
