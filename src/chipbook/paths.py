"""Paths resolved from the repository root, whatever the working directory.

Jupyter Book and nbmake both run a notebook with its own folder as the working
directory, so nothing in the book may rely on relative paths.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

# The root is the folder holding both of these; an unrelated `_config.yml` higher up
# cannot be mistaken for it.
_ROOT_MARKERS = ("_config.yml", "_toc.yml")


def find_root(start: Path | None = None) -> Path:
    """Return the repository root: CHIPBOOK_ROOT if set, else the first folder above
    `start` (default: this file, then the working directory) that holds the markers."""
    if os.environ.get("CHIPBOOK_ROOT"):
        return Path(os.environ["CHIPBOOK_ROOT"]).resolve()
    candidates = [start] if start else [Path(__file__), Path.cwd()]
    for candidate in candidates:
        for folder in [candidate.resolve(), *candidate.resolve().parents]:
            if all((folder / marker).exists() for marker in _ROOT_MARKERS):
                return folder
    raise FileNotFoundError(
        "Cannot find the book's root (a folder with "
        + " and ".join(_ROOT_MARKERS)
        + "). Install the package with `pip install -e .` from the repository, "
        "or set CHIPBOOK_ROOT."
    )


ROOT = find_root()
DATA_DIR = ROOT / "data"
DATAPACKAGE = DATA_DIR / "datapackage.json"
CHAPTERS_DIR = ROOT / "chapters"
BUILD_HTML = ROOT / "_build" / "html"
BUILD_PDF = ROOT / "_build" / "pdf"


def toc_pages() -> list[str]:
    """The built page of every toc entry, in reading order, relative to _build/html
    (`intro.html`, `chapters/01-claims-at-a-glance.html`, ...)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    entries = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    return [f"{entry}.html" for entry in entries]
