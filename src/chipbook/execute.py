"""Execute each chapter once, in parallel, and build the site from those outputs.

    python -m chipbook.execute            check the data, execute the stale chapters
    python -m chipbook.execute --build    ... then build the site incrementally (`make preview`)
    python -m chipbook.execute --clean --build   execute everything, build from empty (`make book`)

How it fits together:

- Execution. The stale notebooks of `_toc.yml` are executed by nbmake (`pytest --nbmake`,
  one pytest-xdist worker per CPU core, each notebook in its own kernel), on copies in a
  scratch folder written back with `--overwrite`; nbmake prints one PASSED or FAILED line
  per notebook. The executed copies go into the jupyter-cache at `_build/.jupyter_cache`,
  which Jupyter Book reads (`execute_notebooks: cache` in `_config.yml`): the build itself
  executes nothing. `chipbook.nbmake_plugin` is the glue (public pytest hooks only).
- Staleness. A chapter is re-executed when its code cells change, when any file it read
  while running changes (each data table, `datapackage.json`, another chapter's notebook,
  the listing of a folder it scanned), or when anything under `src/` or `requirements.txt`
  changes. The files are recorded, not declared: the kernel runs with CHIPBOOK_INPUTS_LOG
  set, and `chipbook.paths` then logs every file the chapter opens under the book's root.
  The record lives in `_build/.jupyter_cache/chipbook-inputs.json`.
- Failures. A cell error, a warning or anything else a cell writes to stderr fails the
  chapter: nbmake's report line names the notebook, and the executor's message names the
  cell (index, id, first line) and the text.
  A cell may be let off only with the tag `allow-stderr` and a reason in its metadata
  (`"chipbook": {"allow_stderr": "why"}`); README.md lists every such cell.
- Builds never replace a good site with a broken one: execution and the Sphinx build run in
  `_build/.next/` (seeded with a copy of the current build for an incremental build), and
  `_build/html` is swapped for the new one only when both succeed.
- This module is also a Sphinx extension (`sphinx.extra_extensions` in `_config.yml`): it
  re-reads the pages of chapters executed since their last read, and stops a plain
  `jupyter-book build` that would otherwise ship a stale chapter.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

from . import paths

INPUTS_ENV = "CHIPBOOK_INPUTS_LOG"  # read by chipbook.paths in the kernel
ALLOW_TAG = "allow-stderr"
CACHE_DIR = ".jupyter_cache"
MANIFEST = "chipbook-inputs.json"
TIMEOUT_S = 300
# Bump when a change here changes what an execution produces.
EXECUTOR_VERSION = "1"


class ChapterError(Exception):
    """One or more chapters failed; the message names each chapter and cell."""


# --------------------------------------------------------------------------- inputs

def toc_notebooks(root: Path | None = None) -> list[Path]:
    """The notebooks `_toc.yml` lists, in toc order."""
    root = root or paths.ROOT
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    entries = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part.get("chapters") or []]
    return [root / f"{e}.ipynb" for e in entries if (root / f"{e}.ipynb").exists()]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def input_hash(root: Path, name: str) -> str:
    """The hash of one recorded input: `dir:<path>` is a folder's listing (without hidden
    entries such as .ipynb_checkpoints, which glob patterns skip too), else a file."""
    if name.startswith("dir:"):
        folder = root / name[4:]
        names = sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else ["missing"]
        return _sha("\n".join(names).encode())
    path = root / name
    return _sha(path.read_bytes()) if path.is_file() else "missing"


def global_key(root: Path) -> str:
    """What every chapter depends on: the shared module, the pinned tools, this executor."""
    digest = hashlib.sha256(EXECUTOR_VERSION.encode())
    files = sorted((root / "src").rglob("*.py")) + [root / "requirements.txt"]
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def notebook_key(notebook: nbformat.NotebookNode) -> str:
    """The hash jupyter-cache matches a notebook by (code cells and their metadata)."""
    from jupyter_cache.cache.main import JupyterCacheBase

    return JupyterCacheBase.create_hashed_notebook(None, notebook)[1]


def read_manifest(cache_dir: Path) -> dict:
    try:
        return json.loads((cache_dir / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"global": None, "chapters": {}}


def stale_notebooks(root: Path, notebooks: list[Path], manifest: dict) -> dict[Path, str]:
    """Each notebook that must be executed, with the reason (the first input that changed)."""
    reasons = {}
    same_global = manifest.get("global") == global_key(root)
    for path in notebooks:
        name = path.relative_to(root).as_posix()
        record = manifest["chapters"].get(name)
        if record is None:
            reasons[path] = "never executed"
        elif not same_global:
            reasons[path] = "src/ or requirements.txt changed"
        elif record["notebook"] != notebook_key(nbformat.read(path, as_version=4)):
            reasons[path] = "its code cells changed"
        else:
            changed = [i for i, h in record["inputs"].items() if input_hash(root, i) != h]
            if changed:
                reasons[path] = f"{changed[0]} changed"
    return reasons


# --------------------------------------------------------------------------- execution

def _first_line(cell) -> str:
    lines = cell.source.strip().splitlines()
    return lines[0] if lines else ""


def _where(name: str, index: int, cell) -> str:
    return f"{name}, cell {index} (id {cell.get('id', '?')}, `{_first_line(cell)}`)"


def output_problems(name: str, notebook: nbformat.NotebookNode) -> list[str]:
    """Every cell error and every unexcused stderr output of an executed notebook."""
    problems = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        excused = ALLOW_TAG in cell.metadata.get("tags", [])
        reason = cell.metadata.get("chipbook", {}).get("allow_stderr", "")
        if excused and not str(reason).strip():
            problems.append(f"{_where(name, index, cell)}: tagged {ALLOW_TAG} without a reason; "
                            'add "chipbook": {"allow_stderr": "why"} to the cell metadata')
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                problems.append(f"{_where(name, index, cell)} raised {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr" and not excused:
                problems.append(f"{_where(name, index, cell)} wrote to stderr (a warning?); fix the "
                                f"cause, or see CONTRIBUTING.md for the allow-stderr tag:\n    "
                                + output.text.strip().replace("\n", "\n    "))
    return problems


def run_nbmake(root: Path, notebooks: list[Path], workers: int) -> dict[str, dict]:
    """Execute `notebooks` with `pytest --nbmake`, `workers` at a time (pytest-xdist), each
    in a fresh kernel; nbmake prints a PASSED or FAILED line per notebook.

    The notebooks are copied into a scratch folder (keeping their paths under `root`, which
    name them in nbmake's report) and executed there with `--overwrite`; the kernels run
    with the book's root as CHIPBOOK_ROOT. Returns, for each notebook name, {"ok",
    "problems", "notebook" (executed, as nbformat JSON text), "inputs" ({input: hash}),
    "seconds"}.
    """
    from .nbmake_plugin import sidecar

    names = [p.relative_to(root).as_posix() for p in notebooks]
    with tempfile.TemporaryDirectory(prefix="chipbook-nbmake-") as scratch:
        stage = Path(scratch)
        # The stage's own pytest config: the book's (pyproject.toml) is for its test suite.
        (stage / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        for path, name in zip(notebooks, names):
            (stage / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, stage / name)
        env = {**os.environ, "CHIPBOOK_ROOT": str(root),
               "PYDEVD_DISABLE_FILE_VALIDATION": "1"}  # the last silences a debugger notice
        env.pop(INPUTS_ENV, None)  # set per notebook by the plugin
        parallel = ["-n", str(workers)] if workers > 1 else ["-p", "no:xdist"]
        # -q -rfEp: pytest's short summary, one PASSED or FAILED line per notebook.
        subprocess.run([sys.executable, "-m", "pytest", "--nbmake", "--overwrite", "-p", "chipbook.nbmake_plugin",
                        f"--nbmake-timeout={TIMEOUT_S}", "--nbmake-kernel=python3", *parallel, "-q", "-rfEp",
                        "-p", "no:cacheprovider", "--no-header", "--show-capture=no", "--rootdir", str(stage), *names],
                       cwd=stage, env=env, check=False)
        results = {}
        for name in names:
            copy = stage / name
            try:
                result = json.loads(sidecar(copy, "result.json").read_text(encoding="utf-8"))
            except FileNotFoundError:  # pytest stopped before it ran (its report says why)
                result = {"passed": False, "problems": [f"{name}: nbmake did not run it"], "seconds": 0}
            executed = nbformat.read(copy, as_version=4)
            for cell in executed.cells:  # nbmake records cell timings; they would change the cache key
                cell.metadata.pop("execution", None)
            log = sidecar(copy, "inputs")
            lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
            results[name] = {
                "ok": result["passed"], "problems": result["problems"], "seconds": result["seconds"],
                "notebook": nbformat.writes(executed),
                # its own code cells are hashed separately
                "inputs": {line: input_hash(root, line) for line in dict.fromkeys(lines) if line and line != name},
            }
    return results


def execute(root: Path | None = None, cache_dir: Path | None = None, *, clean: bool = False,
            workers: int | None = None, notebooks: list[Path] | None = None,
            report=print) -> list[str]:
    """Execute the stale notebooks of the book at `root` with nbmake (`run_nbmake`) into
    the jupyter-cache at `cache_dir` (default `_build/.jupyter_cache`), in parallel.
    Returns the names of the notebooks executed; raises ChapterError naming each failing
    chapter and cell."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    root = Path(root or paths.ROOT)
    cache_dir = Path(cache_dir or root / "_build" / CACHE_DIR)
    if clean:
        shutil.rmtree(cache_dir, ignore_errors=True)
    cache_dir.mkdir(parents=True, exist_ok=True)
    notebooks = notebooks if notebooks is not None else toc_notebooks(root)
    manifest = read_manifest(cache_dir)
    todo = stale_notebooks(root, notebooks, manifest)
    if not todo:
        report("execute: every chapter is up to date")
        return []
    # Longest first, by the last run's time, so the slowest chapter does not start last.
    order = sorted(todo, key=lambda p: -manifest["chapters"].get(p.relative_to(root).as_posix(), {}).get("seconds", 99))
    for path in order:
        report(f"execute: {path.relative_to(root).as_posix()} ({todo[path]})")
    workers = max(1, min(workers or os.cpu_count() or 1, len(order)))
    start = time.perf_counter()
    keys = {p.relative_to(root).as_posix(): notebook_key(nbformat.read(p, as_version=4)) for p in order}
    results = run_nbmake(root, order, workers)
    cache = get_cache(str(cache_dir))
    failures = []
    current = {p.relative_to(root).as_posix() for p in notebooks}
    new_manifest = {"global": global_key(root),
                    "chapters": {n: r for n, r in manifest["chapters"].items() if n in current}}
    for name, result in results.items():
        if not result["ok"]:
            failures += result["problems"]
            new_manifest["chapters"].pop(name, None)
            continue
        executed = nbformat.reads(result["notebook"], as_version=4)
        key = keys[name]
        record = cache.cache_notebook_bundle(CacheBundleIn(executed, str(root / name)),
                                             check_validity=False, overwrite=True)
        if record.hashkey != key:  # the build would not find it, and would execute it
            raise ChapterError(f"{name}: execution changed the notebook's cache key")
        new_manifest["chapters"][name] = {
            "notebook": key, "inputs": result["inputs"],
            "seconds": result["seconds"], "executed_at_us": time.time_ns() // 1000,
        }
    _drop_unused_records(cache, {r["notebook"] for r in new_manifest["chapters"].values()})
    (cache_dir / MANIFEST).write_text(json.dumps(new_manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    report(f"execute: {len(results)} notebook(s) in {time.perf_counter() - start:.1f} s on {workers} worker(s)")
    if failures:
        raise ChapterError("\n".join(failures))
    return list(results)


def _drop_unused_records(cache, keep: set[str]) -> None:
    """Remove cached executions no current notebook matches, so the cache does not grow."""
    for record in cache.list_cache_records():
        if record.hashkey not in keep:
            cache.remove_cache(record.pk)


# --------------------------------------------------------------------------- data checks

def check_data(report=print) -> None:
    """The data and ledger checks that run before any chapter executes: `chipbook.check`
    (`make check`) where it exists, else `chipbook.data.validate_package`. Raises the
    first problem (a ValueError: DataError or LayoutError); reports a check it skipped
    (published ids, in a copy without git history)."""
    try:
        from .check import run_all
    except ImportError:
        from . import data

        run_all = getattr(data, "validate_package", lambda: None)
    for line in (run_all() or "").splitlines()[1:]:
        report(line)


# --------------------------------------------------------------------------- build

def build(root: Path | None = None, *, clean: bool = False, report=print) -> None:
    """Execute what is stale, then build the site; swap it into `_build` only on success."""
    root = Path(root or paths.ROOT)
    build_dir = root / "_build"
    stage, old = build_dir / ".next", build_dir / ".old"
    shutil.rmtree(stage, ignore_errors=True)
    (stage / "_build").mkdir(parents=True)
    current = [e for e in build_dir.iterdir() if e.name not in (stage.name, old.name)]
    if not clean:  # seed the stage with the current build, so Sphinx redoes only what changed
        for entry in current:
            copy = shutil.copytree if entry.is_dir() else shutil.copy2
            copy(entry, stage / "_build" / entry.name)
    execute(root, stage / "_build" / CACHE_DIR, clean=clean, report=report)
    started = time.perf_counter()
    # Jupyter Book's own build function, in this process (it shares the modules already
    # imported), as `jupyter-book build -W -n --keep-going -q` calls it: quiet, so the log
    # holds warnings and errors, not Sphinx's progress and the parser's configuration.
    from jupyter_book.sphinx import build_sphinx

    since = time.time()
    result = build_sphinx(str(root), str(stage / "_build" / "html"), noconfig=True,
                          path_config=str(root / "_config.yml"),
                          confoverrides={"external_toc_path": (root / "_toc.yml").as_posix(),
                                         "latex_individualpages": False, "nitpicky": True},
                          warningiserror=True, keep_going=True, quiet=True)
    if result:  # an exit status or the exception; Sphinx has printed the cause
        why = ("the warnings above are errors here" if isinstance(result, int)
               else f"{type(result).__name__}: {str(result).strip()[:200]}")
        raise ChapterError(f"the site build failed ({why}); {_shown(build_dir / 'html')} still holds the last "
                           "good site")
    shutil.rmtree(old, ignore_errors=True)
    old.mkdir()
    for entry in current:
        entry.rename(old / entry.name)
    for entry in (stage / "_build").iterdir():
        entry.rename(build_dir / entry.name)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(stage, ignore_errors=True)
    # The pages Sphinx read again are those whose doctree it wrote.
    doctrees = build_dir / ".doctrees"
    read = sorted(p.relative_to(doctrees).with_suffix("").as_posix() for p in doctrees.rglob("*.doctree")
                  if p.stat().st_mtime >= since - 1)
    pages = ("no page re-read" if not read else f"{len(read)} pages re-read" if len(read) > 6
             else f"re-read {', '.join(read)}")
    report(f"build: {pages}; site written in {time.perf_counter() - started:.1f} s")
    report(f"build: the site is in {_shown(build_dir / 'html')}; open {_shown(build_dir / 'html' / 'index.html')} "
           "or run `make serve`")


def _shown(path: Path) -> str:
    """`path` relative to the working folder when it lies under it (`_build/html`)."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- Sphinx

def setup(app):
    """Sphinx extension: re-read chapters executed since their page was last read, and stop
    a build that would ship a chapter whose notebook or inputs changed since execution."""
    app.connect("env-get-outdated", _outdated_chapters)
    app.connect("env-updated", _pages_naming_changed_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def _outdated_chapters(app, env, added, changed, removed) -> list[str]:
    from sphinx.errors import ExtensionError

    root = Path(app.srcdir)
    cache_dir = Path(app.config.nb_execution_cache_path or Path(app.outdir).parent / CACHE_DIR)
    manifest = read_manifest(cache_dir)
    stale = stale_notebooks(root, toc_notebooks(root), manifest)
    if stale:
        listed = "; ".join(f"{p.relative_to(root).as_posix()} ({why})" for p, why in stale.items())
        raise ExtensionError(f"chapters not executed since they or their inputs changed: {listed}. "
                             "Build with `make preview` or `make book`, which execute them first.")
    outdated = []
    for name, record in manifest["chapters"].items():
        docname = name.removesuffix(".ipynb")
        if docname in env.all_docs and record["executed_at_us"] > env.all_docs[docname]:
            outdated.append(docname)
    return outdated


def _pages_naming_changed_assets(app, env) -> list[str]:
    """Every page, to be written again (not re-read), when an asset changed: each page names
    each asset with a checksum (`chipbook.js?v=...`) that browsers cache by, and Sphinx
    copies the assets only when it writes some page."""
    return sorted(env.found_docs) if _changed_assets(app) else []


def _changed_assets(app) -> list[str]:
    """The files Sphinx copies from html_static_path (the book's `_static/`, the generated
    vega bundle, the extensions' assets) that differ from, or are missing in, the built
    site's `_static/`. Chosen as Sphinx chooses them: a file that Sphinx's own matcher
    (exclude_patterns and hidden names) excludes, or that lies in a folder it excludes, is
    not copied; templates (`*_t`, `*.jinja`) are rendered from the config, which Sphinx
    tracks itself; where two folders hold one name the later folder's file wins."""
    from sphinx.util.matching import Matcher

    built = Path(app.outdir) / "_static"
    if not built.is_dir():
        return []
    excluded = Matcher([*app.config.exclude_patterns, "**/.*"])
    copied: dict[str, Path] = {}
    for folder in app.config.html_static_path:
        source = Path(app.confdir, folder)
        files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
        for path in files:
            name = path.name if path == source else path.relative_to(source).as_posix()
            parts = name.split("/")
            # Sphinx walks the folder and skips what the matcher excludes, folders included.
            if not any(excluded("/".join(parts[:depth])) for depth in range(1, len(parts) + 1)) \
                    and not path.name.lower().endswith(("_t", ".jinja")):
                copied[name] = path
    return sorted(name for name, path in copied.items()
                  if not (built / name).is_file() or (built / name).read_bytes() != path.read_bytes())


# --------------------------------------------------------------------------- command line

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chipbook.execute", description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", action="store_true", help="build the site after executing")
    parser.add_argument("--clean", action="store_true", help="execute everything and build from empty")
    args = parser.parse_args(argv)
    try:
        check_data()
    except ValueError as err:  # DataError, LayoutError: one line naming file, row, column
        print(f"chipbook check failed: {err}", file=sys.stderr)
        return 1
    try:
        if args.build:
            build(clean=args.clean)
        else:
            execute(clean=args.clean)
    except ChapterError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
