"""Execute once, re-execute exactly what changed: the dependency record of
`chipbook.execute` and the jupyter-cache the build reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest
from jupyter_cache import get_cache

from chipbook import execute, paths
from test_failure_modes import write_book

READS = "from chipbook import paths\nprint(paths.DATA_DIR.joinpath('{name}.csv').read_text())"


def test_a_chapter_reruns_exactly_when_its_notebook_data_or_src_change(tmp_path, capfd):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (tmp_path / "data" / "b.csv").write_text("x\n2\n", encoding="utf-8")
    write_book(tmp_path, {"chapters/reads-a": ["from chipbook import paths", READS.format(name="a")],
                          "chapters/reads-b": ["from chipbook import paths", READS.format(name="b")]})
    run = lambda: sorted(execute.execute(tmp_path, workers=2, report=lambda line: None))  # noqa: E731
    assert run() == ["chapters/reads-a.ipynb", "chapters/reads-b.ipynb"]
    log = capfd.readouterr().out  # nbmake's line for each notebook
    assert "PASSED chapters/reads-a.ipynb::reads-a.ipynb" in log and "PASSED chapters/reads-b.ipynb::reads-b.ipynb" in log
    cache_dir = tmp_path / "_build" / ".jupyter_cache"
    manifest = execute.read_manifest(cache_dir)
    # the files each chapter read were recorded without being declared (and the folders
    # it listed: Python's import system lists the kernel's working folder)
    files = lambda name: {i for i in manifest["chapters"][name]["inputs"] if not i.startswith("dir:")}  # noqa: E731
    assert files("chapters/reads-a.ipynb") == {"data/a.csv"}
    assert files("chapters/reads-b.ipynb") == {"data/b.csv"}
    assert run() == []  # nothing changed, nothing runs

    (tmp_path / "data" / "b.csv").write_text("x\n3\n", encoding="utf-8")
    assert run() == ["chapters/reads-b.ipynb"]
    # the build reads the new output from the cache, matched by the notebook
    cache = get_cache(str(cache_dir))
    _, merged = cache.merge_match_into_notebook(nbformat.read(tmp_path / "chapters" / "reads-b.ipynb", as_version=4))
    assert merged.cells[1].outputs[0].text == "x\n3\n\n"
    assert len(cache.list_cache_records()) == 2  # the superseded execution was dropped

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "helper.py").write_text("X = 1\n", encoding="utf-8")
    stale = execute.stale_notebooks(tmp_path, execute.toc_notebooks(tmp_path), execute.read_manifest(cache_dir))
    assert set(stale.values()) == {"src/ or requirements.txt changed"} and len(stale) == 2  # every chapter


def test_the_input_record_holds_files_read_and_folders_listed_under_the_root_only(tmp_path):
    """`chipbook.paths` logs what a process reads under the root, not what it writes."""
    write_book(tmp_path, {"intro": ["1"]})
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.csv").write_text("x\n", encoding="utf-8")
    log = tmp_path / "inputs.log"
    code = ("from pathlib import Path; import os, tempfile; from chipbook import paths\n"
            "paths.DATA_DIR.joinpath('a.csv').read_text(); paths.DATA_DIR.joinpath('a.csv').read_text()\n"
            "paths.ROOT.joinpath('out.txt').write_text('x'); list(paths.DATA_DIR.iterdir())\n"
            "Path(tempfile.gettempdir(), 'elsewhere.txt').write_text('x')\n"
            "Path(tempfile.gettempdir(), 'elsewhere.txt').read_text()\n"
            "with paths.unrecorded(): paths.ROOT.joinpath('_toc.yml').read_text()\n")
    env = {**os.environ, "CHIPBOOK_ROOT": str(tmp_path), execute.INPUTS_ENV: str(log)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=tmp_path)
    assert log.read_text(encoding="utf-8").splitlines() == ["data/a.csv", "dir:data"]


def test_stale_reasons_name_the_changed_input(tmp_path):
    write_book(tmp_path, {"intro": ["1"]})
    (tmp_path / "table.csv").write_text("x\n1\n", encoding="utf-8")
    notebook = tmp_path / "intro.ipynb"
    key = execute.notebook_key(nbformat.read(notebook, as_version=4))
    manifest = {"global": execute.global_key(tmp_path), "chapters": {"intro.ipynb": {
        "notebook": key, "inputs": {"table.csv": execute.input_hash(tmp_path, "table.csv"),
                                    "dir:.": execute.input_hash(tmp_path, "dir:.")}}}}
    assert execute.stale_notebooks(tmp_path, [notebook], manifest) == {}
    edited = nbformat.read(notebook, as_version=4)
    edited.cells.append(nbformat.v4.new_markdown_cell("prose only"))
    nbformat.write(edited, notebook)
    assert execute.stale_notebooks(tmp_path, [notebook], manifest) == {}  # prose needs no execution
    edited.cells.append(nbformat.v4.new_code_cell("2 + 2"))
    nbformat.write(edited, notebook)
    assert execute.stale_notebooks(tmp_path, [notebook], manifest) == {notebook: "its code cells changed"}
    manifest["chapters"]["intro.ipynb"]["notebook"] = execute.notebook_key(edited)
    (tmp_path / "table.csv").write_text("x\n2\n", encoding="utf-8")
    assert execute.stale_notebooks(tmp_path, [notebook], manifest) == {notebook: "table.csv changed"}
    manifest["chapters"]["intro.ipynb"]["inputs"].pop("table.csv")
    assert execute.stale_notebooks(tmp_path, [notebook], manifest) == {}
    (tmp_path / "new.csv").write_text("", encoding="utf-8")  # the folder it listed changed
    assert execute.stale_notebooks(tmp_path, [notebook], manifest) == {notebook: "dir:. changed"}
    manifest["global"] = "something else"
    assert execute.stale_notebooks(tmp_path, [notebook], manifest) == {notebook: "src/ or requirements.txt changed"}
    assert execute.stale_notebooks(tmp_path, [notebook], {"global": None, "chapters": {}}) == {notebook: "never executed"}


def test_every_chapter_of_the_book_is_executed_by_the_executor():
    """The toc's notebooks are the ones the executor runs (and so the ones the build finds cached)."""
    listed = execute.toc_notebooks()
    notebooks = sorted(paths.CHAPTERS_DIR.glob("*.ipynb")) + sorted(paths.ROOT.glob("*.ipynb"))
    assert sorted(listed) == sorted(notebooks) and len(listed) >= 3


def test_the_build_refuses_a_stale_chapter(tmp_path):
    """A plain `jupyter-book build` after a data edit must not ship the old chart silently."""
    from sphinx.errors import ExtensionError

    write_book(tmp_path, {"intro": ["1"]})

    class App:
        srcdir, outdir = tmp_path, tmp_path / "_build" / "html"
        config = type("Config", (), {"nb_execution_cache_path": ""})()

    class Env:
        all_docs = {"intro": 0}

    with pytest.raises(ExtensionError, match=r"intro.ipynb \(never executed\).*make preview"):
        execute._outdated_chapters(App, Env, set(), set(), set())
    cache_dir = tmp_path / "_build" / ".jupyter_cache"
    cache_dir.mkdir(parents=True)
    key = execute.notebook_key(nbformat.read(tmp_path / "intro.ipynb", as_version=4))
    (cache_dir / execute.MANIFEST).write_text(json.dumps({"global": execute.global_key(tmp_path), "chapters": {
        "intro.ipynb": {"notebook": key, "inputs": {}, "executed_at_us": 5}}}), encoding="utf-8")
    assert execute._outdated_chapters(App, Env, set(), set(), set()) == ["intro"]  # executed after its last read
    Env.all_docs = {"intro": 10}
    assert execute._outdated_chapters(App, Env, set(), set(), set()) == []


def test_a_failed_build_keeps_the_last_good_site(tmp_path, monkeypatch):
    write_book(tmp_path, {"intro": ["1"]})
    good = tmp_path / "_build" / "html" / "index.html"
    good.parent.mkdir(parents=True)
    good.write_text("the last good site", encoding="utf-8")

    def fails(*args, **kwargs):
        raise execute.ChapterError("intro.ipynb, cell 0 (id c0, `1`) raised ValueError: broken")

    monkeypatch.setattr(execute, "execute", fails)
    for clean in (True, False):
        with pytest.raises(execute.ChapterError, match="raised ValueError: broken"):
            execute.build(tmp_path, clean=clean, report=lambda line: None)
        assert good.read_text(encoding="utf-8") == "the last good site"


def test_an_edited_asset_rewrites_every_page_and_uncopied_files_are_ignored(tmp_path):
    # Sphinx copies `_static/` only when it writes some page, and every page names each
    # asset with a checksum: an edit to chipbook.js alone must still reach the site.
    from types import SimpleNamespace

    source, built = tmp_path / "_static", tmp_path / "_build" / "html" / "_static"
    source.mkdir()
    built.mkdir(parents=True)
    (source / "chipbook.js").write_text("draw();\n")
    (built / "chipbook.js").write_text("draw();\n")
    (source / "copybutton.js_t").write_text("{{ template }}\n")  # rendered to another name
    (source / "extra.css.jinja").write_text("{{ template }}\n")
    (source / ".chipbook.js.swp").write_text("an editor's swap file\n")  # Sphinx copies no hidden file
    (source / ".sass-cache").mkdir()  # nor anything in a hidden folder
    (source / ".sass-cache" / "chipbook.css").write_text("p {}\n")
    (source / "draft.css").write_text("p {}\n")  # excluded below (patterns apply within the folder)
    app = SimpleNamespace(outdir=str(built.parent), confdir=str(tmp_path),
                          config=SimpleNamespace(html_static_path=["_static"], exclude_patterns=["draft.css"]))
    assert execute._changed_assets(app) == []
    assert execute._pages_naming_changed_assets(app, SimpleNamespace(found_docs={"intro", "chapters/a"})) == []
    (source / "chipbook.js").write_text("draw(); fit();\n")
    (source / "chipbook.css").write_text("p {}\n")
    assert execute._changed_assets(app) == ["chipbook.css", "chipbook.js"]
    assert execute._pages_naming_changed_assets(app, SimpleNamespace(found_docs={"intro", "chapters/a"})) == ["chapters/a", "intro"]


def test_a_build_reports_what_ran_and_where_the_site_is(tmp_path, capfd):
    """The closing lines name the real site folder (not the staging folder the build ran
    in), and the log holds no Sphinx progress or parser configuration."""
    write_book(tmp_path, {"intro": ["print('hello')"]})
    (tmp_path / "_config.yml").write_text("title: scratch\nonly_build_toc_files: true\n"
                                          "execute:\n  execute_notebooks: cache\n", encoding="utf-8")
    lines = []
    execute.build(tmp_path, clean=True, report=lines.append)
    site = tmp_path / "_build" / "html"
    assert (site / "intro.html").is_file() and not (tmp_path / "_build" / ".next").exists()
    assert lines[0] == "execute: intro.ipynb (never executed)"
    assert lines[-2].startswith("build: re-read intro; site written in ")
    assert lines[-1] == f"build: the site is in {site}; open {site / 'index.html'} or run `make serve`"
    log = capfd.readouterr()
    assert ".next" not in "\n".join(lines) + log.out
    for noise in ("Running Jupyter-Book", "Using jupyter-cache", "reading sources", "Finished generating HTML"):
        assert noise not in log.out + log.err
