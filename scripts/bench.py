"""Measure what the README's development section reports (`make bench`).

- clean build: `jupyter-book build` from an empty _build, notebooks executed;
- bare execution: the same notebooks executed serially with nbclient, no Sphinx;
- Sphinx's overhead: the difference, and the ratio the budget caps at 1.5;
- nbmake: `pytest --nbmake -n 2 chapters`;
- the test suites of `make test` other than nbmake;
- page weight: the largest HTML pages, and the shared JavaScript.

Prints a Markdown table and writes _build/bench.json. Takes about two minutes.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HTML = ROOT / "_build" / "html"


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def toc_notebooks() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    entries = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [ROOT / f"{e}.ipynb" for e in entries if (ROOT / f"{e}.ipynb").exists()]


def bare_execution() -> float:
    start = time.perf_counter()
    for path in toc_notebooks():
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def main() -> None:
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    build = timed([str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"])
    bare = bare_execution()
    nbmake = timed([str(BIN / "pytest"), "-q", "-n", "2", "--nbmake", "--nbmake-kernel=python3", "chapters"])
    unit = timed([str(BIN / "pytest"), "-q", "-m", "not site", "tests"])
    site = timed([str(BIN / "pytest"), "-q", "-m", "site", "tests"])

    pages = sorted(((p.stat().st_size, p.relative_to(HTML).as_posix()) for p in HTML.rglob("*.html")), reverse=True)
    bundle = HTML / "_static" / "vendor" / "vega-bundle.js"
    own_js = HTML / "_static" / "chipbook.js"
    results = {
        "clean_build_s": round(build, 1),
        "bare_serial_execution_s": round(bare, 1),
        "sphinx_overhead_s": round(build - bare, 1),
        "build_over_bare_ratio": round(build / bare, 2),
        "nbmake_n2_s": round(nbmake, 1),
        "tests_data_module_layout_s": round(unit, 1),
        "tests_site_and_browser_s": round(site, 1),
        "notebooks": len(toc_notebooks()),
        "largest_pages_bytes": dict((name, size) for size, name in pages[:3]),
        "vega_bundle_bytes": bundle.stat().st_size,
        "vega_bundle_gzip_bytes": len(gzip.compress(bundle.read_bytes(), 9)),
        "chipbook_js_bytes": own_js.stat().st_size,
    }
    (ROOT / "_build" / "bench.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("| measure | value |\n| --- | --- |")
    for key, value in results.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v:,} B" for k, v in value.items())
        print(f"| {key} | {value} |")


if __name__ == "__main__":
    main()
