"""The book's layout: _toc.yml and chapters/ agree both ways, notebooks are committed
clean, and chapters leave plumbing to the shared module."""

from __future__ import annotations

import json

import pytest
import yaml

from chipbook import paths

NOTEBOOKS = sorted(paths.CHAPTERS_DIR.glob("*.ipynb"))


def toc_files() -> list[str]:
    toc = yaml.safe_load((paths.ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part["chapters"]]
    return files


def test_every_toc_entry_has_a_file():
    for entry in toc_files():
        found = [p for p in (paths.ROOT / f"{entry}.ipynb", paths.ROOT / f"{entry}.md") if p.exists()]
        assert len(found) == 1, f"_toc.yml names {entry}, which has {len(found)} source files"


def test_every_chapter_file_is_in_the_toc():
    listed = set(toc_files())
    for path in sorted(paths.CHAPTERS_DIR.iterdir()):
        if path.suffix in (".ipynb", ".md"):
            assert f"chapters/{path.stem}" in listed, f"{path.name} is not in _toc.yml"


def test_there_are_chapters():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    dirty = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{notebook.name}: cells {dirty} have outputs; clear them before committing"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_with_a_title_and_a_hidden_setup_cell(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    assert cells[0]["cell_type"] == "markdown" and cells[0]["source"].startswith("# ")
    setup = next(c for c in cells if c["cell_type"] == "code")
    assert "remove-cell" in setup["metadata"].get("tags", []), f"{notebook.name}: tag the setup cell remove-cell"
    assert "import chipbook" in setup["source"] or "from chipbook" in setup["source"]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_chapters_load_data_only_through_the_shared_module(notebook):
    source = "\n".join(c["source"] for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code")
    for forbidden in ("read_csv(", "../data", "open(", "renderers.enable(", "os.chdir("):
        assert forbidden not in source, f"{notebook.name} uses {forbidden}: use chipbook instead"


def test_config_builds_strictly():
    config = yaml.safe_load((paths.ROOT / "_config.yml").read_text(encoding="utf-8"))
    execute = config["execute"]
    assert execute["execute_notebooks"] == "force" and execute["raise_on_error"] is True
    assert execute["allow_errors"] is False and config["only_build_toc_files"] is True


def test_jupyter_book_is_pinned_below_2():
    pins = (paths.ROOT / "requirements.txt").read_text(encoding="utf-8")
    version = next(line.split("==")[1] for line in pins.splitlines() if line.lower().startswith("jupyter-book=="))
    assert version.startswith("1."), f"jupyter-book {version} is pinned; the book needs 1.x"
    assert "jupyter-book>=1.0.4.post1,<2" in (paths.ROOT / "requirements.in").read_text(encoding="utf-8")
