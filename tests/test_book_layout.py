"""The book's layout: _toc.yml and chapters/ agree both ways, notebooks are committed
clean, and chapters leave plumbing to the shared module."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from chipbook import paths
from chipbook.check import LayoutError, check_layout

NOTEBOOKS = sorted(paths.CHAPTERS_DIR.glob("*.ipynb"))


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
