"""The checks a build runs before any notebook executes: `python -m chipbook.check`.

1. the data package (`chipbook.data.validate_package`: files, types, constraints, keys);
2. the ledger's rules (`check_rules`): each claim has at least two evidence rows from
   two different sources, its verdict claims no more support than its rows give and is
   the verdict of its latest data/verdict_history.csv row, and each evidence_id starts
   with its claim_id; every source is cited by some table and no two share an address
   (`check_sources`); each claim has one `### Claim <id>` heading in its chapter
   (`check_claim_sections`);
3. published claim ids (`check_published_ids`): every claim id ever committed to
   data/claims.csv, read from git history, still exists for the same article. A claim
   added and not yet committed is simply new. Where this copy has no full history (a
   release archive, a shallow clone) the check is skipped and the summary says so in one
   line, unless CHIPBOOK_REQUIRE_HISTORY is set (CI sets it), which makes that an error;
4. the argument map (`check_argument_map`): every claim is in a link of
   data/argument_links.csv, each link stays inside one article, and the links form no cycle;
5. the layout (`check_layout`): _toc.yml and chapters/ agree both ways and every
   claim's chapter has its notebook.

Each raises `DataError` (or `LayoutError`) with one line naming the file, row, line and
column; `main()` prints it and exits 1 at the first. When the package fails validation,
the published-id check runs first on a raw read of claims.csv, so that a deleted published
claim is reported as such rather than as a foreign key of another table. It imports neither pandas nor Altair,
so it finishes in seconds.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from . import citations, paths
from .data import DataError, resources, rows, validate_package
from .vocabulary import CLAIM_ID


class LayoutError(ValueError):
    """The book's files disagree with its table of contents."""


def check_rules(data_dir: Path | None = None) -> None:
    """The ledger's rules, on the validated claims and evidence tables."""
    descriptor = Path(data_dir or paths.DATA_DIR) / "datapackage.json"
    claims, evidence = rows("claims", descriptor), rows("evidence", descriptor)
    sources, stances = defaultdict(set), defaultdict(Counter)
    count = Counter()
    for row in evidence:
        count[row["claim_id"]] += 1
        sources[row["claim_id"]].add(row["source_id"])
        stances[row["claim_id"]][row["stance"]] += 1
    evidence_file = descriptor.parent / "evidence.csv"
    for row in evidence:
        prefix = row["evidence_id"].rsplit("-e", 1)[0]
        if prefix != row["claim_id"]:
            raise DataError(evidence_file, f"{row['evidence_id']} names claim {prefix}, but the row is "
                            f"evidence for {row['claim_id']}", row=row["_row"], line=row["_line"],
                            column="evidence_id", expected=f"an id {row['claim_id']}-eN (ids are never reused: "
                            "the next free N for that claim)")
    latest: dict[str, dict] = {}
    for row in rows("verdict_history", descriptor):  # the last row of the latest date counts
        if row["claim_id"] not in latest or row["date"] >= latest[row["claim_id"]]["date"]:
            latest[row["claim_id"]] = row
    file = descriptor.parent / "claims.csv"
    for claim in claims:
        claim_id, verdict, n = claim["claim_id"], claim["verdict"], stances[claim["claim_id"]]

        def fail(problem: str, expected: str, column: str = "claim_id"):
            raise DataError(file, f"{claim_id} {problem}", row=claim["_row"], line=claim["_line"],
                            column=column, expected=expected)

        if count[claim_id] < 2 or len(sources[claim_id]) < 2:
            fail(f"has {count[claim_id]} evidence row(s) from {len(sources[claim_id])} source(s) in evidence.csv",
                 "at least two evidence rows from two different sources")
        balance = f"{n['supports']} supporting, {n['complicates']} complicating, {n['contradicts']} contradicting rows"
        if verdict == "supported" and (n["supports"] == 0 or n["contradicts"] > 0):
            fail(f"is 'supported' with {balance}", "a supporting row and no contradicting one, "
                 "or a weaker verdict", "verdict")
        if verdict in ("partly supported", "complicated", "outdated") and n["supports"] == 0:
            fail(f"is '{verdict}' with {balance}", "at least one supporting row, or another verdict", "verdict")
        if verdict == "contradicted" and n["contradicts"] + n["complicates"] == 0:
            fail(f"is 'contradicted' with {balance}", "a contradicting or complicating row", "verdict")
        history = latest.get(claim_id)
        if history is None:
            fail("has no row in verdict_history.csv", "a row giving its first verdict (verdict_before empty)")
        if history["verdict_after"] != verdict:
            fail(f"is '{verdict}', but its latest verdict_history.csv row (line {history['_line']}, "
                 f"{history['date']}) says '{history['verdict_after']}'",
                 "a new verdict_history.csv row for each change of verdict, with its date and reason", "verdict")


def check_sources(data_dir: Path | None = None) -> None:
    """Every source in sources.csv is cited by some table (any column with a foreign key to
    sources.source_id), and no two sources share an address (`citations.normalised` url)."""
    descriptor = Path(data_dir or paths.DATA_DIR) / "datapackage.json"
    validate_package(descriptor.parent)  # once; the tables below are then read as they are
    cited: set[str] = set()
    for name, resource in resources(descriptor).items():
        columns = [key["fields"] for key in resource.foreign_keys
                   if key["reference"].get("resource") == "sources"]
        if columns:
            cited |= {row[c] for row in rows(name, descriptor, validate=False) for c in columns if row[c]}
    file = descriptor.parent / "sources.csv"
    seen: dict[str, dict] = {}
    for row in rows("sources", descriptor, validate=False):
        where = dict(row=row["_row"], line=row["_line"])
        if row["source_id"] not in cited:
            raise DataError(file, f"{row['source_id']} is cited by no table", column="source_id",
                            expected="a source that some row cites (cite it, or remove the row)", **where)
        key = citations.normalised(row["url"])
        if key in seen:
            raise DataError(file, f"{row['source_id']} has the address of {seen[key]['source_id']} "
                            f"(row {seen[key]['_row']}, line {seen[key]['_line']})", column="url",
                            expected="one row per document: merge the two and repoint their rows", **where)
        seen[key] = row


def check_claim_sections(root: Path | None = None) -> None:
    """Each claim has exactly one `### Claim <id>` markdown heading in the notebook of its
    chapter (chapters/NN-<chapter>.ipynb), where the book walks its evidence."""
    import nbformat

    root = Path(root or paths.ROOT)
    headings: dict[Path, Counter] = {}
    for claim in rows("claims", root / "data" / "datapackage.json"):
        matches = list((root / "chapters").glob(f"[0-9][0-9]-{claim['chapter']}.ipynb"))
        if len(matches) != 1:
            continue  # check_layout says so
        path = matches[0]
        if path not in headings:
            cells = nbformat.read(path, as_version=4).cells
            headings[path] = Counter(re.findall(r"^### Claim (\S+)\s*$", "\n".join(
                c.source for c in cells if c.cell_type == "markdown"), re.M))
        count = headings[path][claim["claim_id"]]
        if count != 1:
            raise DataError(root / "data" / "claims.csv", f"{claim['claim_id']} has {count} '### Claim "
                            f"{claim['claim_id']}' headings in chapters/{path.name}", row=claim["_row"],
                            line=claim["_line"], column="chapter",
                            expected="one such markdown heading, above the cell that walks its evidence")


_PUBLISHED = re.compile(rf"^\+({CLAIM_ID.strip('^$')}),([^,]*),", re.M)


REQUIRE_HISTORY = "CHIPBOOK_REQUIRE_HISTORY"  # set (to anything but empty) by .ci/run and the workflow


class HistoryUnavailable(DataError):
    """This copy of the book has no full git history: a release archive, a shallow clone,
    a folder inside another repository, or no git."""


def claims_history(root: Path | None = None) -> str:
    """Every change ever committed to data/claims.csv, as `git log -p` prints it.
    Raises HistoryUnavailable when the book's own full history cannot be read (no git, not
    a clone of the book, or a shallow clone, whose history is cut)."""
    root = Path(root or paths.ROOT)
    expected = "a full git clone of the book (not a shallow clone or an export): claim ids are checked against it"

    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True)
        except (OSError, subprocess.CalledProcessError) as err:
            detail = getattr(err, "stderr", "") or str(err)
            raise HistoryUnavailable(root / "data" / "claims.csv", "cannot read the file's git history "
                                     f"({detail.strip().splitlines()[0] if detail.strip() else err})",
                                     expected=expected) from None
        return done.stdout

    top = Path(git("rev-parse", "--show-toplevel").strip())
    if top.resolve() != root.resolve():
        raise HistoryUnavailable(root / "data" / "claims.csv", f"cannot read the file's git history (the folder "
                                 f"is not a git clone of the book but lies inside the repository at {top})",
                                 expected=expected)
    if git("rev-parse", "--is-shallow-repository").strip() == "true":
        raise HistoryUnavailable(root / "data" / "claims.csv", "the git history is shallow, so published claim ids "
                                 "cannot be read from it", expected=expected)
    return git("log", "--format=", "-p", "--", "data/claims.csv")


def history_or_reason(root: Path | None = None) -> tuple[str | None, str]:
    """(the history of data/claims.csv, "") or, where this copy has none, (None, why the
    published-id check is skipped). With CHIPBOOK_REQUIRE_HISTORY set, as in CI, no history
    raises HistoryUnavailable instead."""
    try:
        return claims_history(root), ""
    except HistoryUnavailable as err:
        if os.environ.get(REQUIRE_HISTORY):
            raise HistoryUnavailable(err.file, f"{err.problem}, and {REQUIRE_HISTORY} is set (CI checks "
                                     "published ids: check out the whole history, e.g. actions/checkout with "
                                     "fetch-depth: 0)", expected=err.expected) from None
        shallow = "shallow" in err.problem
        return None, ("published claim ids not checked: " + ("this is a shallow clone" if shallow else
                      "this copy has no git history of its own (a release archive?)")
                      + "; a full clone checks them, and CI requires it")


def check_published_ids(data_dir: Path | None = None, history: str | None = None) -> None:
    """Ids are never renumbered, deleted or reused: each id that any commit added to
    data/claims.csv must still be there, for the same article. `history` defaults to
    `claims_history()`."""
    descriptor = Path(data_dir or paths.DATA_DIR) / "datapackage.json"
    history = claims_history() if history is None else history
    published = _published(history, descriptor)
    current = {row["claim_id"]: row for row in rows("claims", descriptor)}
    file = descriptor.parent / "claims.csv"
    for claim_id, article in sorted(published.items()):
        if claim_id not in current:
            _gone(file, claim_id, article)
        row = current[claim_id]
        if row["article"] != article:
            raise DataError(file, f"{claim_id} was published as a claim of {article}, now of {row['article']}",
                            row=row["_row"], line=row["_line"], column="article",
                            expected=f"{article}: ids are never reused; give the new claim the next free id")


def _published(history: str, descriptor: Path) -> dict[str, str]:
    published: dict[str, str] = {}
    for claim_id, article in _PUBLISHED.findall(history):
        published.setdefault(claim_id, article)
    if not published:
        raise DataError(descriptor.parent / "claims.csv", "git history names no claim ids",
                        expected="the history of data/claims.csv (is this the book's repository?)")
    return published


def _gone(file: Path, claim_id: str, article: str):
    raise DataError(file, f"published claim {claim_id} (of {article}) is gone", column="claim_id",
                    expected="every claim id ever committed to stay, with its article; a claim "
                             "the book no longer stands behind keeps its row and gets a verdict")


def check_no_published_id_gone(data_dir: Path | None = None, history: str | None = None) -> None:
    """The 'gone' half of `check_published_ids` on a raw read of claims.csv, for a package
    that fails validation: a deleted claim breaks other tables' foreign keys, and this says
    why. Does nothing when claims.csv cannot be read as CSV (validation's message stands)."""
    import csv

    descriptor = Path(data_dir or paths.DATA_DIR) / "datapackage.json"
    file = descriptor.parent / "claims.csv"
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            current = {row.get("claim_id") for row in csv.DictReader(handle)}
        published = _published(claims_history() if history is None else history, descriptor)
    except (OSError, UnicodeDecodeError, csv.Error, DataError):
        return
    for claim_id, article in sorted(published.items()):
        if claim_id not in current:
            _gone(file, claim_id, article)


def check_argument_map(data_dir: Path | None = None) -> None:
    """Every claim is a premise or a conclusion of some link in argument_links.csv; a link
    joins two claims of the same article; and no claim rests on itself (no cycle), so
    each article's argument can be drawn in layers."""
    from graphlib import CycleError, TopologicalSorter

    descriptor = Path(data_dir or paths.DATA_DIR) / "datapackage.json"
    claims = {row["claim_id"]: row for row in rows("claims", descriptor)}
    links = rows("argument_links", descriptor)
    file = descriptor.parent / "argument_links.csv"
    for link in links:
        premise, conclusion = link["premise_claim_id"], link["conclusion_claim_id"]
        if claims[premise]["article"] != claims[conclusion]["article"] or premise == conclusion:
            raise DataError(file, f"{premise} -> {conclusion} joins two articles or a claim to itself",
                            row=link["_row"], line=link["_line"], column="conclusion_claim_id",
                            expected="a link between two different claims of the same article")
    linked = {link[c] for link in links for c in ("premise_claim_id", "conclusion_claim_id")}
    for claim_id, claim in claims.items():
        if claim_id not in linked:
            raise DataError(descriptor.parent / "claims.csv", f"{claim_id} is in no link of argument_links.csv",
                            row=claim["_row"], line=claim["_line"], column="claim_id",
                            expected="a row linking it to the claims it rests on or is a reason for")
    graph: dict[str, set[str]] = defaultdict(set)
    for link in links:
        graph[link["conclusion_claim_id"]].add(link["premise_claim_id"])
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as err:
        raise DataError(file, f"the links form a cycle ({' -> '.join(reversed(err.args[1]))})",
                        expected="an argument in which no claim rests, directly or not, on itself") from None


def check_layout(root: Path | None = None) -> None:
    """_toc.yml names each chapter file once, every chapter file is in it, and each
    claim's chapter slug has exactly one notebook chapters/NN-<slug>.ipynb."""
    import yaml

    root = Path(root or paths.ROOT)
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    listed = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part["chapters"]]
    for entry in listed:
        found = [p for p in (root / f"{entry}.ipynb", root / f"{entry}.md") if p.exists()]
        if len(found) != 1:
            raise LayoutError(f"_toc.yml: the entry {entry} has {len(found)} source files; expected one "
                              f"({entry}.ipynb or {entry}.md)")
    for path in sorted((root / "chapters").iterdir()):
        if path.suffix in (".ipynb", ".md") and f"chapters/{path.stem}" not in listed:
            raise LayoutError(f"chapters/{path.name} is not in _toc.yml; expected every chapter listed there")
    for claim in rows("claims", root / "data" / "datapackage.json"):
        matches = list((root / "chapters").glob(f"[0-9][0-9]-{claim['chapter']}.ipynb"))
        if len(matches) != 1:
            raise DataError(root / "data" / "claims.csv", f"the chapter '{claim['chapter']}' has "
                            f"{len(matches)} notebooks", row=claim["_row"], line=claim["_line"], column="chapter",
                            expected=f"one file chapters/NN-{claim['chapter']}.ipynb")


def run_all() -> str:
    """Every check, in order; returns a one-line summary (and, where this copy has no git
    history, a second line saying the published-id check was skipped and why), raises at
    the first problem."""
    start = time.perf_counter()
    history, skipped = history_or_reason()
    try:
        validate_package()
    except DataError:
        if history is not None:  # a deleted published claim: say that, not its broken references
            check_no_published_id_gone(history=history)
        raise
    check_rules()
    check_sources()
    if history is not None:
        check_published_ids(history=history)
    check_argument_map()
    check_layout()
    check_claim_sections()
    ids = "published claim ids, " if history is not None else ""
    summary = (f"chipbook check: data, ledger rules, sources, {ids}argument map, layout and claim sections pass "
               f"({time.perf_counter() - start:.1f} s)")
    return summary + (f"\nchipbook check: {skipped}" if skipped else "")


def main() -> int:
    try:
        print(run_all())
    except (DataError, LayoutError) as err:
        print(f"chipbook check failed: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
