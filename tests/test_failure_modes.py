"""What a new author sees when a chapter breaks: nbmake fails the run and its report
shows the failing cell and the error, whatever the error is."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from chipbook import paths


def write_notebook(path, cells: list[str]) -> None:
    notebook = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
                   "outputs": [], "source": source} for i, source in enumerate(cells)],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook), encoding="utf-8")


def run_nbmake(path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbmake", "--nbmake-kernel=python3",
         str(path)], capture_output=True, text=True, cwd=path.parent,
    )


def test_a_raising_notebook_fails_and_shows_the_cell(tmp_path):
    notebook = tmp_path / "broken.ipynb"
    write_notebook(notebook, ["from chipbook import charts\ncharts.enable()",
                              "shares = {'supported': 3}\nshares['refuted']"])
    result = run_nbmake(notebook)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "1 failed" in result.stdout
    assert "shares['refuted']" in result.stdout and "KeyError" in result.stdout


def test_a_notebook_reading_bad_data_names_the_file_row_and_column(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(paths.DATA_DIR, data)
    lines = (data / "claims.csv").read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",A1,", ",A9,", 1)  # an article that does not exist
    (data / "claims.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    notebook = tmp_path / "reads_bad_data.ipynb"
    write_notebook(notebook, ["from pathlib import Path\nfrom chipbook import load_table\n"
                              f"load_table('claims', Path({str(data / 'datapackage.json')!r}))"])
    result = run_nbmake(notebook)
    assert result.returncode == 1
    assert "DataError" in result.stdout and "row 3 (line 4)" in result.stdout
    assert "column 'article'" in result.stdout and "A9" in result.stdout
