"""The checks a build runs before any notebook executes: `python -m chipbook.check`.

1. the data package (`chipbook.data.validate_package`: files, types, constraints, keys);
2. the ledger's rules (`check_rules`): each claim has at least two evidence rows from
   two different sources, its verdict claims no more support than its rows give, is
   the verdict of its latest data/verdict_history.csv row and is one its verdict rule
   allows (`check_verdict_rules`, data/verdict_rules.csv), every figure its reason gives is
   carried by one of its own evidence rows (`check_reason_figures`), data/verdicts.csv gives
   each verdict its meaning once (`check_verdict_meanings`), and each evidence_id starts
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
   claim's chapter has its notebook;
6. the rules of the tables that Table Schema cannot state (`chipbook.table_rules`: dates
   within the evidence date, history within last_reviewed, the citation and confidence
   rules, each chapter's tables' invariants, the package describing itself) and the
   placeholders of quoted numbers (`chipbook.quotes.check_quotes`).

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
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from . import citations, paths
from .data import DataError, resources, rows, suggest, validate_package
from .vocabulary import (CAVEAT_LABEL, CLAIM_ID, DEGREE_OF_AGREEMENT_MARK, NOT_SINGLE_STATE_MARK, READING_MARK,
                         SINGLE_STATE_MARK, THIN_LABEL, UNMEASURED, VERDICT_SEPARATOR, VERDICTS)


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
    check_verdict_rules(claims, rows("verdict_rules", descriptor), file, rows("argument_links", descriptor))
    check_reason_figures(claims, evidence, file, descriptor)
    check_thin_evidence(claims, evidence, rows("sources", descriptor), file)
    check_verdict_meanings(rows("verdicts", descriptor), descriptor.parent / "verdicts.csv")


# The rule for a single changeable state of affairs (data/verdict_rules.csv), whose case
# vocabulary.SINGLE_STATE_MARK reads: no rule later in precedence judges a claim it fits.
SINGLE_STATE_RULE = "time-of-writing"
# The rule that judges degrees, among them degrees of agreement (vocabulary.DEGREE_OF_AGREEMENT_MARK).
DEGREE_RULE = "no-yardstick"


def allowed_verdicts(rule: dict) -> list[str]:
    """The verdicts a row of verdict_rules.csv allows, in its order."""
    return rule["allowed_verdicts"].split(VERDICT_SEPARATOR)


def check_verdict_rules(claims: list[dict], rules: list[dict], file: Path | str,
                        links: list[dict] | None = None) -> None:
    """Each claim's verdict is one its rule (claims.rule_id) allows, and so is the verdict its
    alternative rule would give; the alternative is set as a pair, differs from the verdict,
    and follows data/verdict_principles.csv: it comes later in precedence than the applied rule
    and is the applied rule itself only for a claim that reads a sentence one of two ways
    (READING_MARK in its text). With `links` (rows of argument_links), a complicated claim
    gives its caveat (CAVEAT_LABEL) and names a conclusion it supports whose verdict is not
    supported (the principle for complicated). `claims`, `rules` and `links` are rows as
    `data.rows` reads them (with `_row`, `_line`); the rule ids are foreign keys, so
    validation has already found each rule."""
    by_id = {rule["rule_id"]: rule for rule in rules}
    verdict_of = {claim["claim_id"]: claim["verdict"] for claim in claims}
    single_state = by_id.get(SINGLE_STATE_RULE)
    conclusions: dict[str, list[str]] = defaultdict(list)
    for link in links or []:
        conclusions[link["premise_claim_id"]].append(link["conclusion_claim_id"])
    for claim in claims:
        claim_id = claim["claim_id"]

        def fail(problem: str, expected: str, column: str):
            raise DataError(file, f"{claim_id} {problem}", row=claim["_row"], line=claim["_line"],
                            column=column, expected=expected)

        def refuse(rule_id: str, verdict: str, column: str, role: str):
            allowed = allowed_verdicts(by_id[rule_id])
            if verdict not in allowed:
                fail(f"{role} '{verdict}' under rule '{rule_id}', which allows only: {', '.join(allowed)}",
                     f"one of the verdicts rule '{rule_id}' allows, or another rule of "
                     "data/verdict_rules.csv if the claim is not that rule's case", column)

        refuse(claim["rule_id"], claim["verdict"], "verdict", "is")
        text = claim.get("claim", "")
        if (single_state and int(by_id[claim["rule_id"]]["precedence"]) > int(single_state["precedence"])
                and re.search(SINGLE_STATE_MARK, text, re.IGNORECASE)
                and not re.search(NOT_SINGLE_STATE_MARK, text, re.IGNORECASE)):
            fail(f"states one changeable state of affairs ('{re.search(SINGLE_STATE_MARK, text, re.IGNORECASE).group(0)}') "
                 f"but is judged by '{claim['rule_id']}' (precedence {by_id[claim['rule_id']]['precedence']})",
                 f"'{SINGLE_STATE_RULE}' (precedence {single_state['precedence']}), whose case (what runs where, how a "
                 "deal stands, whether something has been published) comes first in precedence; or a claim text that "
                 "shows the mark that takes it out of that case (a sign read, a change, a cause, a degree or a size)",
                 "rule_id")
        agreement = re.search(DEGREE_OF_AGREEMENT_MARK, text, re.IGNORECASE)
        if claim["rule_id"] == DEGREE_RULE and agreement and claim["verdict"] == "partly supported":
            reason = claim.get("verdict_reason", "")
            failed = re.search(rf"\bnot\s+['\u2018]?(?:{DEGREE_OF_AGREEMENT_MARK})", reason, re.IGNORECASE)
            if failed or UNMEASURED not in reason.lower():
                fail(f"is 'partly supported' with the degree of agreement '{agreement.group(0)}', but its reason "
                     + (f"calls it failed ('{failed.group(0)}')" if failed else f"does not call it {UNMEASURED}"),
                     f"'{UNMEASURED}' where fewer than two independent sources say it is established or that it is "
                     "not; where two say it is not, the degree fails and the verdict is 'contradicted' (base shown for "
                     "every case), never 'not established' beside 'partly supported' (data/verdict_rules.csv: "
                     f"{DEGREE_RULE})", "verdict_reason")
        other_rule, other_verdict = claim.get("alternative_rule_id", ""), claim.get("alternative_verdict", "")
        if bool(other_rule) != bool(other_verdict):
            fail("names only one of alternative_rule_id and alternative_verdict",
                 "both (a borderline rule and the verdict it would give) or neither",
                 "alternative_verdict" if other_rule else "alternative_rule_id")
        if other_rule:
            refuse(other_rule, other_verdict, "alternative_verdict", "would be")
            if other_verdict == claim["verdict"]:
                fail(f"records an alternative that gives its own verdict '{claim['verdict']}'",
                     "an alternative verdict that differs from the verdict, or no alternative",
                     "alternative_verdict")
            two_readings = bool(re.search(READING_MARK, claim.get("claim", ""), re.IGNORECASE))
            if not two_readings:
                if other_rule == claim["rule_id"]:
                    fail(f"names its own rule '{other_rule}' as its alternative",
                         "the next rule in precedence whose case also fits, or no alternative (a rule is its "
                         "own alternative only for a claim that reads a sentence two ways, saying so in its "
                         "text: data/verdict_principles.csv)", "alternative_rule_id")
                main, alt = int(by_id[claim["rule_id"]]["precedence"]), int(by_id[other_rule]["precedence"])
                if alt <= main:
                    fail(f"has the alternative '{other_rule}' (precedence {alt}) before its rule "
                         f"'{claim['rule_id']}' (precedence {main})",
                         f"'{other_rule}' as the rule, since the lowest precedence number whose case fits "
                         "applies, or an alternative that comes later in precedence", "alternative_rule_id")
        if links is not None and claim["verdict"] == "complicated":
            reason = claim.get("verdict_reason", "")
            weak = [c for c in conclusions[claim_id] if verdict_of.get(c) != "supported"]
            named = [c for c in weak if re.search(rf"\b{re.escape(c)}\b", reason)]
            if CAVEAT_LABEL not in reason or not named:
                fail("is 'complicated' but its reason " + ("gives no caveat" if CAVEAT_LABEL not in reason else
                     "names no conclusion it supports that does not hold"
                     + (f" (its conclusions not supported: {', '.join(weak)})" if weak else
                        " (it supports no conclusion whose verdict is other than supported)")),
                     f"'{CAVEAT_LABEL}' and the id of a conclusion it supports (data/argument_links.csv) whose "
                     "verdict is not supported and which the caveat helps explain; else 'supported', with "
                     "the fact after 'Note:' (data/verdict_principles.csv: complicated)", "verdict")


# A figure a verdict reason gives: a dollar amount ($8B, $500M, $30-40B), a percentage (142%,
# 92 percent) or a multiple (1.9x); ranges give both ends. Counts, dates and model names are
# not figures here (the principle 'sourcing' in data/verdict_principles.csv).
FIGURE = re.compile(
    r"(?P<dollar>\$)?(?P<low>\d[\d,]*(?:\.\d+)?)(?:\s?[-–]\s?\$?(?P<high>\d[\d,]*(?:\.\d+)?))?"
    r"\s?(?P<unit>%|percent\b|x\b|bn\b|billion\b|million\b|[BbMmKk]\b)?")
_DOLLAR_SCALE = {"bn": "B", "billion": "B", "million": "M", "b": "B", "m": "M", "k": "K"}


def figures(text: str) -> list[tuple[str, Decimal, str]]:
    """The figures in `text` as (kind, value, as written): kind is '%', 'x' or '$' with the
    scale the text gives ('$B', '$M', '$K' or '$'). `figures("up 142% to $115.2B")` is
    [('%', 142, '142%'), ('$B', 115.2, '$115.2B')]."""
    found = []
    for match in FIGURE.finditer(text):
        unit = match["unit"]
        if match["dollar"]:
            kind = "$" + _DOLLAR_SCALE.get((unit or "").lower(), "")
        elif unit in ("%", "percent"):
            kind = "%"
        elif unit == "x":
            kind = "x"
        else:
            continue
        for number in (match["low"], match["high"]):
            if number:
                found.append((kind, Decimal(number.replace(",", "")), match.group(0).strip()))
    return found


def carried(figure: tuple[str, Decimal, str], pool: list[tuple[str, Decimal, str]]) -> bool:
    """Whether a figure of the same kind in `pool` rounds to `figure` at the figure's own
    precision (a reason's 71% is carried by a row's 71.1%, its $8B by $8.0B, never by $4B)."""
    kind, value, _ = figure
    step = Decimal(1).scaleb(min(value.as_tuple().exponent, 0))
    return any(k == kind and v.quantize(step, rounding=ROUND_HALF_UP) == value for k, v, _ in pool)


def check_reason_figures(claims: list[dict], evidence: list[dict], file: Path | str,
                         descriptor: Path | None = None) -> None:
    """Every figure a claim's verdict_reason gives (`figures`) is carried by one of that claim's
    own evidence rows, as the reader sees them (placeholders filled), so a reason never rests on
    a number its rows do not show (data/verdict_principles.csv: sourcing). `claims` and
    `evidence` are rows as `data.rows` reads them."""
    from .quotes import QuoteError, Tables, fill

    tables = Tables(descriptor) if descriptor else Tables()
    pools: dict[str, list] = defaultdict(list)
    for row in evidence:
        try:
            text = fill(row["finding"], tables)
        except QuoteError:
            text = row["finding"]  # check_quotes names the placeholder; its figure is then not carried
        pools[row["claim_id"]] += figures(text)
    for claim in claims:
        missing = [f[2] for f in figures(claim.get("verdict_reason", "")) if not carried(f, pools[claim["claim_id"]])]
        if missing:
            raise DataError(file, f"{claim['claim_id']}'s reason gives {', '.join(missing)}, which none of its "
                            "evidence rows carries", row=claim["_row"], line=claim["_line"], column="verdict_reason",
                            expected="each figure of the reason in one of the claim's own evidence rows (add the row "
                                     "that carries it, citing its source, or drop the figure)")


# A source whose publisher names another outlet it cites or relays ("The Decoder (citing The
# Information)") reports that outlet's story, not reporting of its own.
RELAY_MARK = r"\b(?:citing|relaying|via)\b"
# Verdicts that say the claim held when it was judged (vocabulary.VERDICT_OUTCOMES: holds, overtaken).
HELD_VERDICTS = ("supported", "complicated", "outdated")


def independent_support(claim_id: str, evidence: list[dict], sources: dict[str, dict]) -> set[str]:
    """The sources of a claim's supporting rows that carry weight by themselves: graded above low
    and not relaying another outlet's report (RELAY_MARK in the publisher)."""
    return {row["source_id"] for row in evidence
            if row["claim_id"] == claim_id and row["stance"] == "supports" and row["confidence"] != "low"
            and not re.search(RELAY_MARK, sources[row["source_id"]]["publisher"], re.IGNORECASE)}


def check_thin_evidence(claims: list[dict], evidence: list[dict], sources: list[dict], file: Path | str) -> None:
    """Thin evidence says so (data/verdict_principles.csv: sourcing): a claim whose verdict says
    it held (HELD_VERDICTS) on supporting rows from fewer than two sources of weight
    (`independent_support`) names what it rests on after THIN_LABEL in its reason. `claims`,
    `evidence` and `sources` are rows as `data.rows` reads them."""
    by_id = {row["source_id"]: row for row in sources}
    for claim in claims:
        if claim["verdict"] not in HELD_VERDICTS or THIN_LABEL in claim.get("verdict_reason", ""):
            continue
        weight = independent_support(claim["claim_id"], evidence, by_id)
        if len(weight) < 2:
            raise DataError(file, f"{claim['claim_id']} is '{claim['verdict']}' with supporting rows from "
                            f"{len(weight)} source(s) graded above low that report on their own "
                            f"({', '.join(sorted(weight)) or 'none'})", row=claim["_row"], line=claim["_line"],
                            column="verdict_reason",
                            expected=f"'{THIN_LABEL}' in the reason, saying what the verdict rests on (a low-graded "
                                     "copy, a relay, one source), or a second supporting row of weight")


def check_verdict_meanings(verdicts: list[dict], file: Path | str) -> None:
    """data/verdicts.csv gives every verdict of the vocabulary its meaning once, in the
    vocabulary's order (VERDICTS), so the front page's table of verdicts is complete."""
    listed = [row["verdict"] for row in verdicts]
    if listed != VERDICTS:
        where = next((i for i, (a, b) in enumerate(zip(listed, VERDICTS)) if a != b), min(len(listed), len(VERDICTS)))
        row = verdicts[where] if where < len(verdicts) else None
        raise DataError(file, f"lists the verdicts as {', '.join(listed)}",
                        row=row["_row"] if row else None, line=row["_line"] if row else None, column="verdict",
                        expected=f"one row per verdict, in this order: {', '.join(VERDICTS)}")


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


def check_compute_mix(data_dir: Path | None = None) -> None:
    """The compute-mix model's tables are ordered as the model reads them: every low <=
    central <= high (amounts, watts, PUE, benchmark values), every tranche starts no later
    than its early full quarter and early <= central <= late, a tranche from a deal has an
    announcement date and a fleet estimate none, an amount factor comes with its direction,
    the ceiling rule agrees with capacity.csv (a tranche stands for an 'up to' figure there
    exactly when its stated_as is 'up to'), each scenario's change keeps those orders, and
    every scenario but the central one changes something; and the one rule for contracts
    and ceilings holds across tables: a capacity row a tranche stands for is in service or
    in the state the tranche's stated_as gives (contracted for a firm amount, ceiling for an
    'up to' or conditional one), and a capacity row that is a ceiling without an 'up to'
    bound is one a conditional tranche stands for; a ceiling's central draw lies below the
    ceiling (its high end may reach it). A tranche fitted to an outside estimate
    is a fleet estimate, fitted to an H100e estimate marked fitted, and every estimate
    marked fitted has tranches fitted to it."""
    from .vocabulary import MIX_COUNTING
    descriptor = Path(data_dir or paths.DATA_DIR) / "datapackage.json"
    folder = descriptor.parent

    def fail(table, row, column, problem, expected):
        raise DataError(folder / f"{table}.csv", problem, row=row["_row"], line=row["_line"], column=column,
                        expected=expected)

    def ordered(table, row, names, what, numeric=True):
        values = [float(row[n]) if numeric else row[n] for n in names]  # quarters (2026Q3) sort as text
        if not values[0] <= values[1] <= values[2]:
            fail(table, row, names[1], f"{what} runs {' / '.join(row[n] for n in names)}",
                 f"{names[0]} <= {names[1]} <= {names[2]}")

    for row in rows("compute_mix_chip_power", descriptor, validate=False):
        ordered("compute_mix_chip_power", row, ["it_watts_low", "it_watts_central", "it_watts_high"], "IT power")
        ordered("compute_mix_chip_power", row, ["pue_low", "pue_central", "pue_high"], "PUE")
    capacity = {r["capacity_id"]: r for r in rows("capacity", descriptor, validate=False)}
    benchmarks = {r["benchmark_id"]: r for r in rows("compute_mix_benchmarks", descriptor, validate=False)}
    amounts, fulls = ["amount_low", "amount_central", "amount_high"], ["full_quarter_early", "full_quarter_central", "full_quarter_late"]
    tranches = {}
    for row in rows("compute_mix_tranches", descriptor, validate=False):
        tranches[row["tranche_id"]] = row
        ordered("compute_mix_tranches", row, amounts, "the amount")
        ordered("compute_mix_tranches", row, fulls, "the full quarter", numeric=False)
        if row["start_quarter"] > row["full_quarter_early"]:
            fail("compute_mix_tranches", row, "start_quarter", f"deliveries start in {row['start_quarter']}, after "
                 f"the early full quarter {row['full_quarter_early']}", "a start no later than full_quarter_early")
        if (row["stated_as"] == "estimate") == bool(row["announced"]):
            fail("compute_mix_tranches", row, "announced", f"a tranche stated as '{row['stated_as']}' with announced "
                 f"'{row['announced']}'", "a date for a tranche from a deal, none for an estimate")
        if bool(row["amount_factor"]) != bool(row["amount_direction"]):
            fail("compute_mix_tranches", row, "amount_direction", f"amount_factor '{row['amount_factor']}' with "
                 f"amount_direction '{row['amount_direction']}'", "both given (with or against) or both blank")
        cap = capacity.get(row["capacity_id"])
        if cap:
            bound = cap["chips_bound"] if row["measure"] == "chips" and cap["chips"] else cap["gigawatts_bound"]
            if (bound == "up to") != (row["stated_as"] == "up to"):
                fail("compute_mix_tranches", row, "stated_as", f"stated_as '{row['stated_as']}' for "
                     f"{row['capacity_id']}, which capacity.csv bounds '{bound}'",
                     "'up to' exactly when the capacity row's figure is an 'up to' ceiling (the ceiling rule)")
            state = MIX_COUNTING[row["stated_as"]]
            figure = cap["gigawatts"] if row["measure"] == "gigawatts" else cap["chips"] if row["measure"] == "chips" else ""
            if state == "ceiling" and figure and float(row["amount_central"]) >= float(figure):
                fail("compute_mix_tranches", row, "amount_central", f"the central draw of {row['amount_central']} "
                     f"{row['measure']} on {row['capacity_id']} reaches its ceiling of {figure}",
                     "a central draw below the ceiling (the rule for ceilings: no party has committed to use all of "
                     "it; a scenario may draw it all)")
            if cap["state"] not in ("in service", state):
                raise DataError(folder / "capacity.csv", f"{row['capacity_id']} is '{cap['state']}', but tranche "
                                f"{row['tranche_id']} is stated_as '{row['stated_as']}', which the one rule makes "
                                f"'{state}'", row=cap["_row"], line=cap["_line"], column="state",
                                expected=f"'{state}' (or 'in service' once delivered), the state the rule gives")
        if row["fitted_to"]:
            bench = benchmarks.get(row["fitted_to"])
            if row["stated_as"] != "estimate":
                fail("compute_mix_tranches", row, "fitted_to", f"a tranche stated as '{row['stated_as']}' is fitted "
                     f"to {row['fitted_to']}", "fitted_to only on a fleet estimate (stated_as estimate)")
            if bench and (bench["relation"] != "fitted" or bench["measure"] != "h100e"):
                fail("compute_mix_tranches", row, "fitted_to", f"{row['fitted_to']} is '{bench['relation']}', in "
                     f"{bench['measure']}", "an estimate in H100e whose relation is 'fitted'")
    stands_for = {}
    for tranche in tranches.values():
        stands_for.setdefault(tranche["capacity_id"], []).append(tranche["stated_as"])
    for cap in capacity.values():
        if cap["state"] == "ceiling" and "up to" not in (cap["chips_bound"], cap["gigawatts_bound"]) \
                and "conditional" not in stands_for.get(cap["capacity_id"], []):
            raise DataError(folder / "capacity.csv", f"{cap['capacity_id']} is a ceiling bounded "
                            f"'{cap['gigawatts_bound'] or cap['chips_bound']}' that no conditional tranche stands for",
                            row=cap["_row"], line=cap["_line"], column="state",
                            expected="'contracted' for a firm amount; 'ceiling' only for an 'up to' amount or one a "
                                     "tranche stated_as 'conditional' stands for")
    fitted_to = {t["fitted_to"] for t in tranches.values() if t["fitted_to"]}
    for bench in benchmarks.values():
        if bench["relation"] == "fitted" and bench["benchmark_id"] not in fitted_to:
            fail("compute_mix_benchmarks", bench, "relation", f"{bench['benchmark_id']} is marked fitted, but no "
                 "tranche names it in fitted_to", "'fitted' only for an estimate some tranche is fitted to")
    changed = set()
    for row in rows("compute_mix_scenarios", descriptor, validate=False):
        changed.add(row["scenario_id"])
        base = tranches[row["tranche_id"]]
        for names, what in ((amounts, "the amount"), (fulls, "the full quarter")):
            given = [bool(row[n]) for n in names]
            if any(given) and not all(given):
                fail("compute_mix_scenarios", row, names[given.index(False)], f"{what} is only partly given",
                     f"all three of {', '.join(names)}, or none")
        if row["amount_low"]:
            ordered("compute_mix_scenarios", row, amounts, "the amount")
        if row["full_quarter_early"]:
            ordered("compute_mix_scenarios", row, fulls, "the full quarter", numeric=False)
        start = base["start_quarter"]
        early = row["full_quarter_early"] or base["full_quarter_early"]
        if start > early:
            fail("compute_mix_scenarios", row, "full_quarter_early", f"{row['tranche_id']} would be complete in "
                 f"{early}, before it starts in {start}", "a full quarter no earlier than the tranche's start_quarter")
        if not any(row[n] for n in ("delay_quarters", "measure", *amounts, *fulls, "leaves_quarter")):
            fail("compute_mix_scenarios", row, "delay_quarters", "the row changes nothing",
                 "a delay, a measure, amounts, full quarters or a quarter it leaves service")
        if row["leaves_quarter"] and row["leaves_quarter"] <= start:
            fail("compute_mix_scenarios", row, "leaves_quarter", f"{row['tranche_id']} would leave in "
                 f"{row['leaves_quarter']}, before it starts in {start}", "a quarter after the tranche's start_quarter")
    for row in rows("scenarios", descriptor, validate=False):
        if row["scenario_id"] != "central" and row["scenario_id"] not in changed:
            fail("scenarios", row, "scenario_id", f"{row['scenario_id']} changes nothing in the compute-mix model",
                 "at least one row for it in compute_mix_scenarios.csv")
    for row in rows("compute_mix_benchmarks", descriptor, validate=False):
        ordered("compute_mix_benchmarks", row, ["value_low", "value_central", "value_high"], "the estimate")


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
    slugs = [p.stem[3:] for p in sorted((root / "chapters").glob("[0-9][0-9]-*.ipynb"))]
    for claim in rows("claims", root / "data" / "datapackage.json"):
        matches = list((root / "chapters").glob(f"[0-9][0-9]-{claim['chapter']}.ipynb"))
        if len(matches) != 1:
            hint = suggest(claim["chapter"], slugs) if not matches else ""
            raise DataError(root / "data" / "claims.csv", f"the chapter '{claim['chapter']}' has "
                            f"{len(matches)} notebooks{hint}", row=claim["_row"], line=claim["_line"], column="chapter",
                            expected=f"one file chapters/NN-{claim['chapter']}.ipynb (the chapters: {', '.join(slugs)})")


def check_tables(data_dir: Path | None = None) -> None:
    """The rules of `chipbook.table_rules`, in order."""
    from .table_rules import check_tables as run

    run(data_dir)


def check_quotes(data_dir: Path | None = None) -> None:
    """Every placeholder of a quoting column (`chipbook:quotes`) can be filled, and no other
    column holds one."""
    from .quotes import check_quotes as run

    run(data_dir)


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
    check_tables()
    check_quotes()
    if history is not None:
        check_published_ids(history=history)
    check_argument_map()
    check_compute_mix()
    check_layout()
    check_claim_sections()
    ids = "published claim ids, " if history is not None else ""
    summary = (f"chipbook check: data, ledger rules, sources, table rules, quoted numbers, {ids}argument map, "
               f"compute-mix model, layout and claim sections pass ({time.perf_counter() - start:.1f} s)")
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
