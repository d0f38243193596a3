"""Measure the author's loop against its budgets (`make bench`), in one run.

The yardstick is bare serial execution: every notebook of the toc executed one after the
other with nbclient, no Sphinx, no tests. Each target is timed as a whole, from the shell:

- `make book` from clean (every chapter executed once by nbmake, in parallel; the site built) <= 1.0x;
- `make preview` after editing one value of a table that exactly one chapter reads <= 0.35x;
  the bench checks that the new value is on that chapter's page and that no other chapter
  page was rewritten (by mtime), then puts the table back;
- `make check` (the data and ledger checks) <= 5 s, when the Makefile has it;
- `make test` (every test; every chapter executed once by nbmake; the PDF; the browser audit) <= 5.0x.

Bare execution is measured first and again last, and the ratios use the mean of the two,
so that a load that rises or falls during the run weighs on both sides. Beside each wall
time the table gives the CPU seconds it used (this process and every process it waited
for), which hardly move with the machine's load (a browser's processes may escape them). Prints a Markdown table and writes
_build/bench.json, with the load average before and after. The machine is shared: run it
when `uptime` shows little load, and run it twice.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from chipbook import execute  # noqa: E402

HTML = ROOT / "_build" / "html"
BUDGETS = {"make book (clean)": 1.0, "make preview (one table edited)": 0.35, "make test": 5.0}


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and the child processes it waited for."""
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def timed(target: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of `make target`; exits on its failure."""
    start, cpu = time.perf_counter(), cpu_seconds()
    result = subprocess.run(["make", "--no-print-directory", target], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"make {target} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return time.perf_counter() - start, cpu_seconds() - cpu


def bare_execution() -> tuple[float, float]:
    """(wall seconds, CPU seconds) of executing the toc's notebooks one after another."""
    start, cpu = time.perf_counter(), cpu_seconds()
    for path in execute.toc_notebooks(ROOT):
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute(
            stderr=subprocess.DEVNULL)
    return time.perf_counter() - start, cpu_seconds() - cpu


def tables_read_by_one_chapter() -> list[tuple[str, Path]]:
    """(chapter notebook, data CSV) for each data table that exactly one numbered chapter
    reads (the generated data appendix reads every table as well)."""
    manifest = execute.read_manifest(ROOT / "_build" / execute.CACHE_DIR)
    readers: dict[str, list[str]] = {}
    for chapter, record in manifest["chapters"].items():
        for name in record["inputs"]:
            if name.startswith("data/") and name.endswith(".csv") and re.match(r"chapters/\d\d-", chapter):
                readers.setdefault(name, []).append(chapter)
    return sorted((c[0], ROOT / n) for n, c in readers.items() if len(c) == 1)


def edit_one_value(table: Path, page: Path) -> tuple[str, str, str] | None:
    """A free-text value of `table` shown on `page`, changed: (old, new, the edited CSV text)."""
    from chipbook.data import resources

    resource = next(r for r in resources().values() if r.path == table)
    keys = set(resource.primary_key) | {f for fk in resource.foreign_keys for f in ([fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"])}
    free = [f["name"] for f in resource.fields if f.get("type", "string") == "string" and f["name"] not in keys
            and not f.get("constraints", {}).keys() & {"enum", "pattern", "maxLength"}]
    html = page.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))))
    for column in free:
        for row in rows:
            value = row[column]
            if len(value) > 8 and value in html and re.fullmatch(r"[\w .,;:()%/-]+", value):
                row[column] = new = value + " (bench edit)"
                out = io.StringIO()
                writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
                return value, new, out.getvalue()
    return None


def main() -> None:
    results: dict[str, tuple[float, float] | str] = {"load before": f"{os.getloadavg()[0]:.2f}"}
    results["bare serial execution"] = bare_execution()
    results["make book (clean)"] = timed("book")

    for chapter, table in tables_read_by_one_chapter():
        page = HTML / chapter.replace(".ipynb", ".html")
        edit = edit_one_value(table, page)
        if edit:
            break
    else:
        sys.exit("no table read by one chapter has a free-text value shown on its page")
    pages_before = {p: p.stat().st_mtime_ns for p in HTML.rglob("*.html")}
    original, (old, new, edited) = table.read_bytes(), edit
    try:
        table.write_text(edited, encoding="utf-8")
        results["make preview (one table edited)"] = timed("preview")
    finally:
        table.write_bytes(original)
    rewritten = sorted(p.relative_to(HTML).as_posix() for p, t in pages_before.items()
                       if p.exists() and p.stat().st_mtime_ns != t)
    shown = new in page.read_text(encoding="utf-8")
    # The chapters whose pages may change: those that read the table (the appendix reads all).
    readers = {c.replace(".ipynb", ".html") for c, r in execute.read_manifest(
        ROOT / "_build" / execute.CACHE_DIR)["chapters"].items() if table.relative_to(ROOT).as_posix() in r["inputs"]}
    pages_ok = {p for p in rewritten if p.startswith("chapters/")} == readers
    results["preview edit"] = (f"{table.relative_to(ROOT)}: '{old}' -> '{new}'; new value on "
                               f"{page.name}: {'yes' if shown else 'NO'}; pages rewritten: {', '.join(rewritten)}; "
                               f"other chapter pages untouched: {'yes' if pages_ok else 'NO'}")

    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    if re.search(r"^check:", makefile, re.M):
        results["make check"] = timed("check")
    results["make test"] = timed("test")  # ends with a clean build of the restored data
    results["bare serial execution, again"] = bare_execution()
    bare = (results["bare serial execution"][0] + results["bare serial execution, again"][0]) / 2

    pages = sorted(((p.stat().st_size, p.relative_to(HTML).as_posix()) for p in HTML.rglob("*.html")), reverse=True)
    bundle = HTML / "_static" / "vendor" / "vega-bundle.js"
    results["largest page"] = f"{pages[0][1]}, {pages[0][0]:,} B"
    results["vega bundle"] = f"{bundle.stat().st_size:,} B ({len(gzip.compress(bundle.read_bytes(), 9)):,} B gzipped)"
    results["load after"] = f"{os.getloadavg()[0]:.2f}"

    print("| measure | seconds | / bare | CPU seconds | budget |\n| --- | --- | --- | --- | --- |")
    for key, value in results.items():
        if isinstance(value, tuple):
            budget = f"<= {BUDGETS[key]}x" if key in BUDGETS else ("<= 5 s" if key == "make check" else "")
            print(f"| {key} | {value[0]:.1f} | {value[0] / bare:.2f}x | {value[1]:.1f} | {budget} |")
        else:
            print(f"| {key} | {value} | | | |")
    print(f"(/ bare: against {bare:.1f} s, the mean of the two bare runs)")
    (ROOT / "_build" / "bench.json").write_text(json.dumps(
        {k: {"seconds": round(v[0], 2), "cpu_seconds": round(v[1], 2)} if isinstance(v, tuple) else v
         for k, v in results.items()} | {"bare mean seconds": round(bare, 2)}, indent=2) + "\n", encoding="utf-8")
    failed = [k for k, b in BUDGETS.items() if results[k][0] / bare > b]
    if results.get("make check", (0, 0))[0] > 5:
        failed.append("make check")
    if not (shown and pages_ok):
        failed.append("the preview's pages")
    if failed:
        print(f"over budget or wrong: {', '.join(failed)}", file=sys.stderr)


if __name__ == "__main__":
    main()
