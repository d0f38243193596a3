"""The pytest plugin of the executor's nbmake run (`pytest --nbmake -p chipbook.nbmake_plugin`).

`chipbook.execute` copies the stale notebooks into a scratch folder and runs nbmake there
with `--overwrite`, so each copy ends up executed. Around each notebook this plugin

- before it runs, points CHIPBOOK_INPUTS_LOG (read by `chipbook.paths` in the kernel,
  which inherits this worker's environment) at a log of its own, `<copy>.inputs`, so
  that the files the chapter reads are recorded;
- after it ran, applies the book's output rules to the executed copy
  (`chipbook.execute.output_problems`: a warning or other stderr output fails the chapter
  unless the cell is tagged allow-stderr with a reason), turning nbmake's pass into a
  failure of that notebook's item when they are broken, so nbmake's own report line names
  the chapter; and writes `<copy>.result.json` ({"passed", "problems", "seconds"}) for the
  executor.

Only public pytest hooks are used; nbmake itself is not patched.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from .execute import INPUTS_ENV, output_problems


def _is_notebook(item) -> bool:
    return item.path.suffix == ".ipynb"


def sidecar(notebook: Path, kind: str) -> Path:
    """The executor's file `kind` ("inputs", "result.json") beside a staged notebook."""
    return notebook.with_name(f"{notebook.name}.{kind}")


def pytest_runtest_setup(item) -> None:
    if _is_notebook(item):
        log = sidecar(item.path, "inputs")
        log.touch()
        os.environ[INPUTS_ENV] = str(log)  # the kernel nbmake starts next inherits it


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if _is_notebook(item) and report.when == "call":
        name = item.path.relative_to(item.config.rootpath).as_posix()
        # nbmake --overwrite has written the executed notebook over the copy, pass or fail
        problems = output_problems(name, nbformat.read(item.path, as_version=4))
        if report.passed and problems:
            report.outcome = "failed"
            report.longrepr = "\n".join(problems)
        elif report.failed and not problems:  # a timeout or a dead kernel: nbmake's words
            problems = [f"{name}: {report.longreprtext.strip().splitlines()[-1] if report.longreprtext.strip() else 'failed'}"]
        sidecar(item.path, "result.json").write_text(json.dumps(
            {"passed": report.passed, "problems": problems, "seconds": round(report.duration, 2)}), encoding="utf-8")
    return report
