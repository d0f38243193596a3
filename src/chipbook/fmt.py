"""`make fmt` (`python -m chipbook.fmt [NOTEBOOK ...]`): notebooks in the repository's
stored form, so that a notebook saved from Jupyter and then formatted differs from the
committed one only where its cells changed.

The stored form is what `normalise` writes: what nbstripout removes by default (outputs,
execution counts, and the run-time and view-state metadata its command line strips:
NBSTRIPOUT_KEYS), keeping cell ids, and Jupyter's collapse state of a cell's input and output
(VIEW_STATE_KEYS); each cell's source as one string (not Jupyter's list of lines); cell keys
in the order cell_type, execution_count, metadata, outputs, source, id (Jupyter sorts
them); the notebook's language_info reduced to its name; JSON indented by one space, UTF-8
characters unescaped, one final newline. What the book relies on stays: cell ids, tags
(remove-cell, hide-input, allow-stderr) and the cell's `chipbook` metadata.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import paths

CELL_KEYS = ("cell_type", "execution_count", "metadata", "outputs", "source", "id")
# The keys nbstripout's command line strips by default (nbstripout 0.9, `extra_keys` in its
# main()); its Python API takes them as an argument. tests/test_book_layout.py runs the
# nbstripout command on a notebook carrying all of them and checks `normalise` strips as much.
NBSTRIPOUT_KEYS = ("metadata.signature", "metadata.widgets", "cell.metadata.collapsed", "cell.metadata.ExecuteTime",
                   "cell.metadata.execution", "cell.metadata.heading_collapsed", "cell.metadata.hidden",
                   "cell.metadata.scrolled")
# JupyterLab's collapsed input and output: view state, which the book never reads (a reader's
# view is set by the tags remove-cell, remove-input and hide-input).
VIEW_STATE_KEYS = ("cell.metadata.jupyter.outputs_hidden", "cell.metadata.jupyter.source_hidden")


def normalise(text: str) -> str:
    """The stored form of the notebook JSON `text` (see the module's docstring).
    Raises nbformat's errors for text that is not a notebook."""
    import nbformat
    from nbstripout import strip_output

    notebook = nbformat.reads(text, as_version=4)  # joins list-of-lines sources into strings
    strip_output(notebook, keep_output=False, keep_count=False, keep_id=True,
                 extra_keys=list(NBSTRIPOUT_KEYS + VIEW_STATE_KEYS))
    for cell in notebook.cells:
        if cell.get("metadata", {}).get("jupyter") == {}:  # emptied by the view-state keys
            del cell.metadata["jupyter"]
    if "language_info" in notebook.metadata:
        notebook.metadata["language_info"] = {"name": notebook.metadata["language_info"].get("name", "python")}
    notebook.cells = [{key: cell[key] for key in sorted(cell, key=lambda k: (k not in CELL_KEYS,
                                                                                CELL_KEYS.index(k) if k in CELL_KEYS else 0, k))}
                      for cell in notebook.cells]
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Rewrite each notebook named (default: intro.ipynb and chapters/*.ipynb) in the stored
    form; print the ones that changed."""
    names = argv if argv else [paths.ROOT / "intro.ipynb", *sorted((paths.ROOT / "chapters").glob("*.ipynb"))]
    changed = 0
    for name in map(Path, names):
        text = name.read_text(encoding="utf-8")
        stored = normalise(text)
        if stored != text:
            name.write_text(stored, encoding="utf-8")
            print(f"fmt: {name} rewritten in the stored form")
            changed += 1
    print(f"fmt: {changed} of {len(names)} notebooks changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
