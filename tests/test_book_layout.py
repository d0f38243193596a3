"""The book's layout: _toc.yml and chapters/ agree both ways, notebooks are committed
clean, and chapters leave plumbing to the shared module.

Notebooks are read with nbformat, which accepts a cell's source as one string or as the
list of lines Jupyter writes; nothing here reads notebook JSON by hand."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from chipbook import execute, paths
from chipbook.check import LayoutError, check_layout

NOTEBOOKS = sorted(paths.CHAPTERS_DIR.glob("*.ipynb"))


def read(notebook) -> nbformat.NotebookNode:
    return nbformat.read(notebook, as_version=4)


def test_toc_and_chapters_agree_both_ways():
    check_layout()


def test_a_chapter_missing_from_the_toc_fails(tmp_path):
    for name in ("_toc.yml", "intro.ipynb"):
        shutil.copy(paths.ROOT / name, tmp_path / name)
    shutil.copytree(paths.CHAPTERS_DIR, tmp_path / "chapters")
    shutil.copytree(paths.DATA_DIR, tmp_path / "data")
    (tmp_path / "chapters" / "99-stray.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(LayoutError, match=r"^chapters/99-stray.ipynb is not in _toc.yml; expected every chapter"):
        check_layout(tmp_path)


def test_there_are_chapters():
    assert len(NOTEBOOKS) >= 3


def check_committed_without_outputs(notebook) -> None:
    cells = read(notebook).cells
    dirty = [i for i, c in enumerate(cells) if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{notebook.name}: cells {dirty} have outputs; run `make fmt` before committing"


def check_title_and_hidden_setup_cell(notebook) -> None:
    cells = read(notebook).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# "), f"{notebook.name}: start with a # Title cell"
    setup = next(c for c in cells if c.cell_type == "code")
    assert "remove-cell" in setup.metadata.get("tags", []), f"{notebook.name}: tag the setup cell remove-cell"
    assert "import chipbook" in setup.source or "from chipbook" in setup.source


def check_data_only_through_the_shared_module(notebook) -> None:
    source = "\n".join(c.source for c in read(notebook).cells if c.cell_type == "code")
    for forbidden in ("read_csv(", "../data", "open(", "renderers.enable(", "os.chdir("):
        assert forbidden not in source, f"{notebook.name} uses {forbidden}: use chipbook instead"


LAYOUT_CHECKS = [check_committed_without_outputs, check_title_and_hidden_setup_cell,
                 check_data_only_through_the_shared_module]


@pytest.mark.parametrize("check", LAYOUT_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_layout(notebook, check):
    check(notebook)


def test_layout_checks_accept_notebooks_as_jupyter_saves_them(tmp_path):
    """Jupyter writes each cell's source as a list of lines: the checks must read that too."""
    for notebook in NOTEBOOKS:
        saved = json.loads(notebook.read_text(encoding="utf-8"))
        for cell in saved["cells"]:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = source.splitlines(keepends=True)
        assert any(len(c["source"]) > 1 for c in saved["cells"]), notebook.name  # really lists of lines
        copy = tmp_path / notebook.name
        copy.write_text(json.dumps(saved, indent=1), encoding="utf-8")
        for check in LAYOUT_CHECKS:
            check(copy)


def test_layout_checks_catch_a_notebook_saved_with_outputs(tmp_path):
    notebook = read(NOTEBOOKS[0])
    cell = next(c for c in notebook.cells if c.cell_type == "code")
    cell.execution_count, cell.outputs = 1, [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
    nbformat.write(notebook, tmp_path / "dirty.ipynb")
    with pytest.raises(AssertionError, match="make fmt"):
        check_committed_without_outputs(tmp_path / "dirty.ipynb")


def test_cells_allowed_to_write_to_stderr_are_explained_and_listed_in_the_readme():
    """A cell tagged allow-stderr needs a reason in its metadata and a line in README.md's
    list, so that every exception to "warnings fail the build" is reviewed."""
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Cells allowed to write to stderr", 1)[1].split("\n#", 1)[0]
    listed = set(re.findall(r"^- `(chapters/[^`]+\.ipynb)`, cell `([^`]+)`", section, re.M))
    tagged = set()
    for notebook in NOTEBOOKS:
        for cell in read(notebook).cells:
            if execute.ALLOW_TAG in cell.metadata.get("tags", []):
                reason = cell.metadata.get("chipbook", {}).get("allow_stderr", "")
                assert str(reason).strip(), f"{notebook.name}, cell {cell.id}: give the reason in metadata chipbook.allow_stderr"
                tagged.add((f"chapters/{notebook.name}", cell.id))
    assert listed == tagged, f"README lists {sorted(listed)}, the notebooks tag {sorted(tagged)}"
    if not tagged:
        assert "None." in section


def test_config_builds_strictly():
    config = yaml.safe_load((paths.ROOT / "_config.yml").read_text(encoding="utf-8"))
    execute = config["execute"]
    assert execute["execute_notebooks"] == "cache" and execute["raise_on_error"] is True
    assert execute["allow_errors"] is False and config["only_build_toc_files"] is True
    assert execute["stderr_output"] == "error"
    assert "chipbook.execute" in config["sphinx"]["extra_extensions"]


def test_jupyter_book_is_pinned_below_2():
    pins = (paths.ROOT / "requirements.txt").read_text(encoding="utf-8")
    version = next(line.split("==")[1] for line in pins.splitlines() if line.lower().startswith("jupyter-book=="))
    assert version.startswith("1."), f"jupyter-book {version} is pinned; the book needs 1.x"
    assert "jupyter-book>=1.0.4.post1,<2" in (paths.ROOT / "requirements.in").read_text(encoding="utf-8")


def test_fmt_turns_a_notebook_saved_by_jupyter_back_into_its_committed_form():
    from chipbook import fmt

    committed = (paths.ROOT / "intro.ipynb").read_text(encoding="utf-8")
    notebook = nbformat.reads(committed, as_version=4)
    code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    code.execution_count = 3
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n")]
    notebook.metadata["language_info"] = {"name": "python", "version": "3.11.2", "mimetype": "text/x-python"}
    saved = nbformat.writes(notebook)  # as Jupyter saves: sources as lists of lines, keys sorted, outputs kept
    assert saved != committed and '"source": [' in saved and '"ran\\n"' in saved
    assert fmt.normalise(saved) == committed


def test_the_evidence_date_is_typed_nowhere():
    """The book's evidence date is chipbook.ledger.evidence_as_of(); prose and config name it
    through a glue role (intro) or the {evidence_as_of} placeholder (_config.yml)."""
    typed = re.compile(r"evidence as of \d{4}-\d{2}-\d{2}", re.I)
    files = [paths.ROOT / "intro.ipynb", paths.ROOT / "_config.yml", *NOTEBOOKS]
    found = [f.name for f in files if typed.search(f.read_text(encoding="utf-8"))]
    assert not found, f"an 'Evidence as of <date>' typed by hand in: {found}"
    assert "{evidence_as_of}" in (paths.ROOT / "_config.yml").read_text(encoding="utf-8")
    assert "{glue:md}`evidence_as_of`" in read(paths.ROOT / "intro.ipynb").cells[0].source


# --- Jupyter's stored form (make fmt) ------------------------------------------------------------

def _saved_with_run_time_state(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as JupyterLab (with the ExecuteTime extension) saves it after a run, with
    the input and output collapsed and the widget state kept."""
    notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))
    for i, cell in enumerate(notebook.cells):
        cell.metadata.update({"collapsed": False, "scrolled": True, "heading_collapsed": True, "hidden": True,
                              "jupyter": {"outputs_hidden": True, "source_hidden": True},
                              "ExecuteTime": {"start_time": "2026-12-04T10:00:00Z", "end_time": "2026-12-04T10:00:01Z"},
                              "execution": {"iopub.execute_input": "2026-12-04T10:00:00.1Z",
                                            "shell.execute_reply": "2026-12-04T10:00:00.9Z"}})
        if cell.cell_type == "code":
            cell.execution_count = i + 1
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n")]
    notebook.metadata.update({"widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}},
                              "signature": "sha256:0"})
    return notebook


def _metadata_keys(metadata: dict, prefix: str = "") -> set[str]:
    keys = set()
    for key, value in metadata.items():
        keys.add(prefix + key)
        if isinstance(value, dict):
            keys |= _metadata_keys(value, f"{prefix}{key}.")
    return keys


def test_fmt_strips_everything_the_nbstripout_command_strips(tmp_path):
    """`make fmt` removes at least what `nbstripout` (its command line, defaults) removes,
    keeps the cell ids, and returns a re-saved chapter to its committed text."""
    import subprocess
    import sys

    from chipbook import fmt

    committed = (paths.ROOT / "intro.ipynb").read_text(encoding="utf-8")
    saved = tmp_path / "saved.ipynb"
    nbformat.write(_saved_with_run_time_state(nbformat.reads(committed, as_version=4)), saved)
    command = [str(Path(sys.executable).parent / "nbstripout"), "--keep-id", "--textconv", str(saved)]
    by_nbstripout = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    by_fmt = json.loads(fmt.normalise(saved.read_text(encoding="utf-8")))
    assert _metadata_keys(by_fmt["metadata"]) <= _metadata_keys(by_nbstripout["metadata"])
    for ours, theirs in zip(by_fmt["cells"], by_nbstripout["cells"], strict=True):
        assert _metadata_keys(ours["metadata"]) <= _metadata_keys(theirs["metadata"]), ours["id"]
        assert ours["id"] == theirs["id"] and not ours.get("outputs") and ours.get("execution_count") is None
        assert "jupyter" not in ours["metadata"]  # view state nbstripout keeps, fmt also drops
    assert fmt.normalise(saved.read_text(encoding="utf-8")) == committed


@pytest.mark.parametrize("notebook", [paths.ROOT / "intro.ipynb", *NOTEBOOKS], ids=lambda p: p.name)
def test_notebook_is_committed_in_the_stored_form(notebook):
    """No outputs, execution counts, run-time or view-state metadata: exactly what `make fmt` writes."""
    from chipbook import fmt

    stripped = {key.split(".", 2)[-1] for key in fmt.NBSTRIPOUT_KEYS + fmt.VIEW_STATE_KEYS if key.startswith("cell.")}
    for index, cell in enumerate(read(notebook).cells):
        left = stripped & _metadata_keys(cell.metadata)
        assert not left, f"{notebook.name}, cell {index}: run-time metadata {sorted(left)}; run `make fmt`"
    text = notebook.read_text(encoding="utf-8")
    assert fmt.normalise(text) == text, f"{notebook.name} is not in the stored form: run `make fmt`"
