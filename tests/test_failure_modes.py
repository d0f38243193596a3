"""What a new author sees when a chapter breaks: `python -m chipbook.execute` (run by
`make preview`, `make book` and `make test`) fails and names the chapter, the cell and
the error, whatever the error is: an exception, bad data, or a warning on stderr."""

from __future__ import annotations

import shutil

import nbformat
import pytest

from chipbook import execute, paths


def write_notebook(path, cells: list[str], tags: dict[int, list[str]] | None = None) -> None:
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {
        "display_name": "Python 3", "language": "python", "name": "python3"}})
    for i, source in enumerate(cells):
        notebook.cells.append(nbformat.v4.new_code_cell(source, id=f"c{i}", metadata={"tags": (tags or {}).get(i, [])}))
    nbformat.write(notebook, path)


def write_book(root, notebooks: dict[str, list[str]]) -> None:
    """A minimal book: `_config.yml`, `_toc.yml` and the given notebooks."""
    (root / "_config.yml").write_text("title: scratch\n", encoding="utf-8")
    root_file, *chapters = notebooks
    toc = f"format: jb-book\nroot: {root_file}\n"
    if chapters:
        toc += "parts:\n  - chapters:\n" + "".join(f"      - file: {name}\n" for name in chapters)
    (root / "_toc.yml").write_text(toc, encoding="utf-8")
    for name, cells in notebooks.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        write_notebook(root / f"{name}.ipynb", cells)


def test_failing_chapters_are_named_with_their_cell_and_error(tmp_path, capfd):
    """One run of three broken chapters (in parallel): nbmake's report line names each
    failing notebook, and the executor's message names its cell and error."""
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    lines = (data / "claims.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",A1,", ",A9,", 1)  # an article that does not exist
    (data / "claims.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_book(tmp_path, {
        "chapters/raises": ["x = 1", "shares = {'supported': 3}\nshares['refuted']"],
        "chapters/warns": ["import warnings",
                           "warnings.warn('DataFrame.swapaxes is deprecated', FutureWarning)\nx = 2"],
        "chapters/bad-data": ["from chipbook import load_table",
                              "load_table('claims')"],
    })
    with pytest.raises(execute.ChapterError) as failure:
        execute.execute(tmp_path, workers=2, report=lambda line: None)
    message, log = str(failure.value), capfd.readouterr().out
    for name in ("raises", "warns", "bad-data"):  # a warning fails the notebook's nbmake item too
        assert f"FAILED chapters/{name}.ipynb::{name}.ipynb" in log
    assert "chapters/raises.ipynb, cell 1 (id c1, `shares = {'supported': 3}`) raised KeyError: 'refuted'" in message
    assert ("chapters/warns.ipynb, cell 1 (id c1, `warnings.warn('DataFrame.swapaxes is deprecated', "
            "FutureWarning)`) wrote to stderr") in message
    assert "FutureWarning: DataFrame.swapaxes is deprecated" in message
    assert "chapters/bad-data.ipynb, cell 1 (id c1, `load_table('claims')`) raised DataError" in message
    assert "row 3 (line 4)" in message and "column 'article'" in message and "A9" in message
    # nothing failed was recorded as executed, so the next run tries them again
    assert execute.read_manifest(tmp_path / "_build" / ".jupyter_cache")["chapters"] == {}


def _executed(cells: list[str], tags: list[str] | None = None, metadata: dict | None = None,
              outputs: list | None = None) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    for i, source in enumerate(cells):
        cell = nbformat.v4.new_code_cell(source, id=f"c{i}", metadata={"tags": tags or [], **(metadata or {})})
        cell.outputs = outputs or []
        notebook.cells.append(cell)
    return notebook


STDERR = [nbformat.v4.new_output("stream", name="stderr", text="x.py:1: FutureWarning: old\n  warn()\n")]


def test_stderr_output_is_a_failure_naming_the_cell():
    problems = execute.output_problems("chapters/x.ipynb", _executed(["a = 1\nb = 2"], outputs=STDERR))
    assert len(problems) == 1
    assert problems[0].startswith("chapters/x.ipynb, cell 0 (id c0, `a = 1`) wrote to stderr")
    assert "FutureWarning: old" in problems[0]


def test_stdout_is_not_a_failure():
    stdout = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
    assert execute.output_problems("chapters/x.ipynb", _executed(["print('hello')"], outputs=stdout)) == []


def test_allow_stderr_needs_a_reason():
    excused = _executed(["a = 1"], tags=[execute.ALLOW_TAG], outputs=STDERR,
                        metadata={"chipbook": {"allow_stderr": "jax prints a platform notice we cannot silence"}})
    assert execute.output_problems("chapters/x.ipynb", excused) == []
    unexplained = _executed(["a = 1"], tags=[execute.ALLOW_TAG], outputs=STDERR)
    (problem,) = execute.output_problems("chapters/x.ipynb", unexplained)
    assert "tagged allow-stderr without a reason" in problem


def test_a_deprecation_warning_from_the_books_code_is_shown():
    """Python's default filters hide it outside __main__; chipbook turns it back on for
    its own modules, so the executor's stderr rule sees it."""
    import subprocess
    import sys

    code = ("import chipbook, chipbook.ledger as m; "
            "exec('import warnings; warnings.warn(\"old call\", DeprecationWarning)', m.__dict__)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "DeprecationWarning: old call" in done.stderr
