"""Paths resolved from the repository root, whatever the working directory.

Jupyter Book and chipbook.execute both run a notebook with its own folder as the working
directory, so nothing in the book may rely on relative paths.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
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


def record_inputs(log: Path | str) -> None:
    """Append to `log`, one per line and relative to ROOT, every file this process opens for
    reading under ROOT and every folder it lists (as `dir:<folder>`, except the import
    system's listings of sys.path), outside src/, _build/, .git/ and the virtual
    environment. `python -m chipbook.execute` sets CHIPBOOK_INPUTS_LOG in each chapter's
    kernel and re-executes the chapter when one of these changes."""
    import sys

    root = str(ROOT)
    skipped = tuple(os.path.join(root, part) + os.sep for part in ("src", "_build", ".venv", ".git"))
    handle = open(log, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (open for the process's life)
    seen: set[str] = set()

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            target, mode, flags = args
            if isinstance(target, int) or any(c in (mode or "") for c in "wax+") or (
                mode is None and flags & (os.O_WRONLY | os.O_RDWR)
            ):
                return
            prefix = ""
        elif event in ("os.listdir", "os.scandir"):
            target, prefix = (args[0] if args and args[0] is not None else "."), "dir:"
            if isinstance(target, int) or _called_by_the_import_system():
                return
        else:
            return
        if _unrecorded_depth:
            return
        full = os.path.normpath(os.path.abspath(os.fsdecode(target)))
        if (full + os.sep).startswith(root + os.sep) and not (full + os.sep).startswith(skipped):
            entry = prefix + (os.path.relpath(full, root).replace(os.sep, "/") if full != root else ".")
            if entry not in seen:
                seen.add(entry)
                handle.write(entry + "\n")

    sys.addaudithook(hook)


_unrecorded_depth = 0


@contextmanager
def unrecorded():
    """Files read inside this block are not recorded as a chapter's inputs. For validating
    the whole data package: `python -m chipbook.execute` runs that check itself before any
    chapter executes, so a chapter depends only on the tables it loads."""
    global _unrecorded_depth
    _unrecorded_depth += 1
    try:
        yield
    finally:
        _unrecorded_depth -= 1


def _called_by_the_import_system() -> bool:
    """True when the import system is listing a folder on sys.path (not a chapter's input)."""
    import sys

    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


if os.environ.get("CHIPBOOK_INPUTS_LOG"):
    record_inputs(os.environ["CHIPBOOK_INPUTS_LOG"])
