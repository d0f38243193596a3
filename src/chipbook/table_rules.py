"""The rules of the data that Table Schema cannot state: across rows, across tables, or
about the data package itself. `check_tables()` runs every rule of `RULES` in order
(`make check` runs it after validation) and raises `DataError` at the first row that
breaks one, naming the file, row, line and column and what was expected.

Each rule is a function taking `Tables` (the validated tables as text rows) whose
docstring states the rule in words; a new rule is one more function here with
`@rule`, and a test in tests/test_table_rules.py that breaks it and reads the message.
The ledger's verdict rules, sources, argument map and layout are in chipbook.check.
Plain Python on the CSV text (no pandas), so `make check` stays within seconds.
"""

from __future__ import annotations

import datetime
import importlib.util
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from . import citations, paths
from .data import NOT_AFTER, NOT_AFTER_RULES, SOURCED, DataError, Resource, resources, rows, suggest
from .vocabulary import PRIMARY_SOURCE_KINDS, THIN_LABEL, VERDICT_OUTCOMES

# Claims that cannot rest on a primary source (a characterisation of how the press framed
# a question) say so in their verdict_reason with this phrase; at most this many may.
NO_PRIMARY_MARKER = "no primary source"
MAX_WITHOUT_PRIMARY = 5
# The share of evidence rows that must cite a primary source.
MIN_PRIMARY_SHARE = 0.25

RULES: list[Callable[[Tables], None]] = []


def rule(function: Callable[[Tables], None]) -> Callable[[Tables], None]:
    RULES.append(function)
    return function


class Tables:
    """The package's tables as text rows (with `_row` and `_line`), read on first use."""

    def __init__(self, data_dir: Path | None = None):
        self.descriptor = Path(data_dir or paths.DATA_DIR) / "datapackage.json"
        self.found: dict[str, Resource] = resources(self.descriptor)
        self._rows: dict[str, list[dict]] = {}

    def __getitem__(self, name: str) -> list[dict]:
        if name not in self._rows:
            self._rows[name] = rows(name, self.descriptor, validate=False)
        return self._rows[name]

    def by(self, name: str, column: str) -> dict[str, dict]:
        return {row[column]: row for row in self[name]}

    def path(self, name: str) -> Path:
        return self.found[name].path

    def evidence_date(self) -> str:
        """The book's evidence date (ISO text): the latest `accessed` in sources.csv, as
        chipbook.ledger.evidence_as_of() gives it."""
        return max(row["accessed"] for row in self["sources"])

    def fail(self, name: str, row: dict | None, column: str | None, problem: str, expected: str):
        where = dict(row=row["_row"], line=row["_line"]) if row else {}
        raise DataError(self.path(name), problem, column=column, expected=expected, **where)


def _number(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def check_tables(data_dir: Path | None = None) -> None:
    """Every rule of RULES, in order, on the package in `data_dir` (default: data/)."""
    tables = Tables(data_dir)
    for check in RULES:
        check(tables)


# --- the data package itself ---------------------------------------------------------------

@rule
def descriptor_is_generated(t: Tables) -> None:
    """datapackage.json is what scripts/make_datapackage.py writes (skipped where the script
    is not beside the data, as in a scratch copy of data/)."""
    script = t.descriptor.parent.parent / "scripts" / "make_datapackage.py"
    if not script.exists():
        return
    spec = importlib.util.spec_from_file_location("make_datapackage", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if t.descriptor.read_text(encoding="utf-8") != module.render():
        raise DataError(t.descriptor, "the descriptor differs from what scripts/make_datapackage.py writes",
                        expected="`make datapackage` after each edit of scripts/make_datapackage.py (never an "
                                 "edit of datapackage.json itself)")


@rule
def every_table_cites_its_sources(t: Tables) -> None:
    """Every table has a required column with a foreign key to sources.source_id, unless its
    schema marks it as the book's own decisions (chipbook:sourced false)."""
    for name, resource in t.found.items():
        if t.descriptor.exists() and _entry(t, name).get(SOURCED, True) is False:
            continue
        columns = [fk["fields"] for fk in resource.foreign_keys if fk["reference"].get("resource") == "sources"]
        required = [c for c in columns if next((f for f in resource.fields if f["name"] == c), {})
                    .get("constraints", {}).get("required")]
        if not required:
            raise DataError(t.descriptor, f"the table '{name}' has no required column pointing at sources.csv",
                            expected="a required source_id column with a foreign key to sources "
                                     "(source_fk() in scripts/make_datapackage.py), then `make datapackage`")


def _entry(t: Tables, name: str) -> dict:
    import json

    if not hasattr(t, "_package"):
        t._package = json.loads(t.descriptor.read_text(encoding="utf-8"))
    return next(entry for entry in t._package["resources"] if entry["name"] == name)


@rule
def every_field_is_described(t: Tables) -> None:
    """Every column has a description (its meaning and unit) of more than ten characters."""
    for name, resource in t.found.items():
        for field in resource.fields:
            if len(field.get("description", "")) <= 10:
                raise DataError(t.descriptor, f"the column '{field['name']}' of '{name}' has no description",
                                expected="a description with the column's meaning and unit in "
                                         "scripts/make_datapackage.py, then `make datapackage`")


@rule
def no_table_is_empty(t: Tables) -> None:
    """Every table has at least one row."""
    for name in t.found:
        if not t[name]:
            raise DataError(t.path(name), "the table has a header and no rows",
                            expected="at least one row (or no table: remove it from scripts/make_datapackage.py)")


@rule
def no_date_after_its_limit(t: Tables) -> None:
    """A date is no later than its field's chipbook:notAfter allows: the book's evidence date
    (the default), today (the book's own review dates), or any date (forecasts)."""
    evidence_date, today = t.evidence_date(), datetime.date.today().isoformat()
    for name, resource in t.found.items():
        for field in resource.fields:
            if field.get("type") != "date":
                continue
            limit_kind = field.get(NOT_AFTER, "evidence date")
            if limit_kind == "no limit":
                continue
            limit = evidence_date if limit_kind == "evidence date" else today
            for row in t[name]:
                value = row[field["name"]]
                if value and value > limit:
                    if limit_kind == "evidence date":
                        t.fail(name, row, field["name"], f"{value} is after the book's evidence date {limit} "
                               "(the latest accessed date in sources.csv)",
                               f"a date on or before {limit}: a typo? (a source read later moves the evidence "
                               "date by its accessed date)")
                    t.fail(name, row, field["name"], f"{value} is after today ({limit})",
                           f"a date {NOT_AFTER_RULES[limit_kind]}")


# --- the ledger: claims, history, evidence -----------------------------------------------------

@rule
def history_is_dated_within_last_reviewed(t: Tables) -> None:
    """No verdict_history row is dated after its claim's last_reviewed: reviewing a claim
    sets last_reviewed to the day of its latest history row or later."""
    claims = t.by("claims", "claim_id")
    for row in t["verdict_history"]:
        claim = claims[row["claim_id"]]
        if row["date"] > claim["last_reviewed"]:
            t.fail("verdict_history", row, "date",
                   f"{row['claim_id']}'s history row is dated {row['date']}, after its last_reviewed "
                   f"{claim['last_reviewed']} (claims.csv row {claim['_row']}, line {claim['_line']})",
                   "the claim's last_reviewed set to the day of its latest review or later")


@rule
def history_rows_chain(t: Tables) -> None:
    """Each claim's history starts with a row whose verdict_before is empty, and each later
    row starts from the verdict the previous one gave and changes it."""
    per_claim: dict[str, list[dict]] = defaultdict(list)
    for row in t["verdict_history"]:
        per_claim[row["claim_id"]].append(row)
    for claim_id, history in per_claim.items():
        history.sort(key=lambda r: (r["date"], r["_row"]))
        first = history[0]
        if first["verdict_before"]:
            t.fail("verdict_history", first, "verdict_before",
                   f"{claim_id}'s first history row has verdict_before '{first['verdict_before']}'",
                   "an empty verdict_before on a claim's first row (it gives the first verdict)")
        for previous, row in zip(history, history[1:]):
            if row["verdict_before"] != previous["verdict_after"]:
                t.fail("verdict_history", row, "verdict_before",
                       f"{claim_id} changes from '{row['verdict_before']}', but its previous row (line "
                       f"{previous['_line']}) left it '{previous['verdict_after']}'",
                       f"'{previous['verdict_after']}', the verdict the previous row gave")
            if row["verdict_before"] == row["verdict_after"]:
                t.fail("verdict_history", row, "verdict_after",
                       f"{claim_id}'s row changes '{row['verdict_before']}' into itself",
                       "a different verdict (a review that keeps the verdict only moves last_reviewed)")


@rule
def each_claim_is_sourced_to_its_article(t: Tables) -> None:
    """A claim's source_id is its article's own source (articles.csv)."""
    articles = t.by("articles", "article_id")
    for claim in t["claims"]:
        own = articles[claim["article"]]["source_id"]
        if claim["source_id"] != own:
            t.fail("claims", claim, "source_id", f"{claim['claim_id']} cites {claim['source_id']}, not its article",
                   f"{own}, the source of article {claim['article']} in articles.csv")


@rule
def claim_ids_have_no_gaps(t: Tables) -> None:
    """Each article's claim ids run 01, 02, ... without a gap: a new claim takes the next free id."""
    taken: dict[str, set[int]] = defaultdict(set)
    for claim in t["claims"]:
        taken[claim["article"]].add(int(claim["claim_id"].split("-")[1]))
    for claim in t["claims"]:
        article, number = claim["article"], int(claim["claim_id"].split("-")[1])
        missing = [n for n in range(1, number) if n not in taken[article]]
        if missing:
            t.fail("claims", claim, "claim_id", f"{claim['claim_id']} leaves {article}-{missing[0]:02d} unused",
                   f"the next free id of {article}, {article}-{missing[0]:02d} (ids are never skipped or reused)")


@rule
def article_windows_are_ordered(t: Tables) -> None:
    """An article's date_earliest is no later than its date_latest."""
    for row in t["articles"]:
        if row["date_earliest"] > row["date_latest"]:
            t.fail("articles", row, "date_earliest", f"{row['date_earliest']} is after date_latest {row['date_latest']}",
                   "the earliest date no later than the latest")


@rule
def each_source_has_one_confidence_grade(t: Tables) -> None:
    """Confidence grades the source (high: a primary read where its publisher put it; medium;
    low), so every evidence row citing one source carries the same grade."""
    first: dict[str, dict] = {}
    for row in t["evidence"]:
        seen = first.setdefault(row["source_id"], row)
        if row["confidence"] != seen["confidence"]:
            t.fail("evidence", row, "confidence",
                   f"'{row['confidence']}' for {row['source_id']}, which row {seen['_row']} (line {seen['_line']}) "
                   f"grades '{seen['confidence']}'", "one grade per source, on every row that cites it")


@rule
def high_means_a_primary_source_read_at_its_publisher(t: Tables) -> None:
    """An evidence row graded high cites a primary source (vendor documentation, company
    release, regulatory filing, paper) read at its publisher's address: no copy_url, and no
    note saying it was read elsewhere (citations.READ_ELSEWHERE). A primary read only in a
    copy or report is medium."""
    sources = t.by("sources", "source_id")
    for row in t["evidence"]:
        if row["confidence"] != "high":
            continue
        source = sources[row["source_id"]]
        why = None
        if source["kind"] not in PRIMARY_SOURCE_KINDS:
            why = f"a {source['kind']} source, not a primary one"
        elif source["copy_url"]:
            why = f"read only in a {source['copy_kind'] or 'copy'} (copy_url)"
        elif re.search(citations.READ_ELSEWHERE, source["note"], re.IGNORECASE):
            why = "noted as read elsewhere"
        if why:
            t.fail("evidence", row, "confidence", f"'high' cites {row['source_id']}, {why}",
                   "medium (high is a primary source read where its publisher put it)")


@rule
def primary_sources_are_used(t: Tables) -> None:
    """More than MIN_PRIMARY_SHARE of the evidence rows cite a primary source; at most
    MAX_WITHOUT_PRIMARY claims have no primary row, each saying NO_PRIMARY_MARKER and why in
    its verdict_reason, and no claim with a primary row keeps the marker."""
    kinds = {s["source_id"]: s["kind"] for s in t["sources"]}
    primary_claims = {e["claim_id"] for e in t["evidence"] if kinds[e["source_id"]] in PRIMARY_SOURCE_KINDS}
    share = sum(kinds[e["source_id"]] in PRIMARY_SOURCE_KINDS for e in t["evidence"]) / max(len(t["evidence"]), 1)
    if share <= MIN_PRIMARY_SHARE:
        t.fail("evidence", None, "source_id", f"only {share:.0%} of the evidence rows cite a primary source",
               f"more than {MIN_PRIMARY_SHARE:.0%} (vendor documentation, company releases, filings, papers)")
    without = [c for c in t["claims"] if c["claim_id"] not in primary_claims]
    for claim in t["claims"]:
        says = NO_PRIMARY_MARKER in claim["verdict_reason"].lower()
        if claim in without and not says:
            t.fail("claims", claim, "verdict_reason", f"{claim['claim_id']} has no evidence row from a primary source",
                   f"a primary-source row, or, where none can exist, the words '{NO_PRIMARY_MARKER}' and why "
                   "in verdict_reason")
        if claim not in without and says:
            t.fail("claims", claim, "verdict_reason", f"{claim['claim_id']} says '{NO_PRIMARY_MARKER}' but cites one",
                   f"the words '{NO_PRIMARY_MARKER}' removed now that a primary row exists")
    if len(without) > MAX_WITHOUT_PRIMARY:
        t.fail("claims", without[-1], "claim_id", f"{len(without)} claims have no primary-source evidence row "
               f"({', '.join(c['claim_id'] for c in without)})", f"at most {MAX_WITHOUT_PRIMARY}")


# --- sources: where each was read --------------------------------------------------------------

@rule
def sources_are_cited_at_their_publishers(t: Tables) -> None:
    """A source's url is its original publisher's address, never a copy, redirect, proxy or
    short link (citations.url_fault), unless citations.COPY_ONLY lists it; copy_url holds a
    copy's own address (not the url again, not a redirect), copy_kind is set exactly when
    copy_url is, and publisher names the original, not a copy site."""
    copy_hosts = [h for h in citations.COPY_HOSTS if "." in h]
    for source in t["sources"]:
        sid = source["source_id"]
        fault = citations.url_fault(source["url"])
        if fault and sid not in citations.COPY_ONLY:
            t.fail("sources", source, "url", f"{sid}'s url is not its publisher's address: {fault}",
                   "the original publisher's address in url, and the copy you read in copy_url")
        if source["copy_url"] and source["copy_url"] == source["url"]:
            t.fail("sources", source, "copy_url", "copy_url repeats url", "an empty copy_url when read at url")
        if source["copy_url"] and citations.redirect_fault(source["copy_url"]):
            t.fail("sources", source, "copy_url", f"copy_url is {citations.redirect_fault(source['copy_url'])}",
                   "the copy's own address, not a redirect or short link")
        if bool(source["copy_url"]) != bool(source["copy_kind"]):
            t.fail("sources", source, "copy_kind", f"copy_kind is {'set' if source['copy_kind'] else 'empty'} "
                   f"and copy_url {'set' if source['copy_url'] else 'empty'}",
                   "copy_kind (copy or report) exactly when copy_url is set")
        if sid not in citations.COPY_ONLY and any(h in source["publisher"].lower() for h in copy_hosts):
            t.fail("sources", source, "publisher", f"'{source['publisher']}' names a copy site",
                   "the original publisher (the copy's host goes in copy_url and note)")


@rule
def republications_and_derived_addresses_say_so(t: Tables) -> None:
    """A wire story cited at a partner outlet's page rather than the agency's own
    (citations.republished_wire) says REPUBLICATION_NOTE and why in its note; an address built
    from one that was seen says DERIVED_NOTE, why, and NOT_SEEN_NOTE."""
    for source in t["sources"]:
        note = source["note"].lower()
        if citations.republished_wire(source["publisher"], source["url"]) and citations.REPUBLICATION_NOTE not in note:
            t.fail("sources", source, "note", f"{source['source_id']}'s url is a partner's republication of a wire story",
                   f"the agency's own page in url (the partner's in copy_url), or '{citations.REPUBLICATION_NOTE}' "
                   "and why in the note")
        if citations.DERIVED_NOTE in note and citations.NOT_SEEN_NOTE not in note:
            t.fail("sources", source, "note", f"{source['source_id']}'s address is marked derived",
                   f"'{citations.NOT_SEEN_NOTE}' in the note, after why the address was derived")


@rule
def sources_read_elsewhere_give_the_copy(t: Tables) -> None:
    """A source whose note says it was read somewhere other than its url (citations.READ_ELSEWHERE)
    gives that copy's address in copy_url, or says citations.NO_COPY_ADDRESS_NOTE and why no
    address can be given; sources in citations.COPY_ONLY (whose url is the copy) are exempt."""
    for source in t["sources"]:
        if source["source_id"] in citations.COPY_ONLY or source["copy_url"]:
            continue
        said = re.search(citations.READ_ELSEWHERE, source["note"], re.IGNORECASE)
        if said and citations.NO_COPY_ADDRESS_NOTE not in source["note"].lower():
            t.fail("sources", source, "copy_url", f"{source['source_id']}'s note says it was read elsewhere "
                   f"('{said.group(0)}') but copy_url is empty",
                   f"the copy's own address in copy_url (with copy_kind), or '{citations.NO_COPY_ADDRESS_NOTE}' "
                   "and why no address can be given in the note")


@rule
def copy_only_sources_are_few_marked_and_graded_low(t: Tables) -> None:
    """A source in citations.COPY_ONLY (at most MAX_COPY_ONLY) is in sources.csv, its url is
    really a copy, its note says NO_ORIGINAL_NOTE, and every evidence row citing it is low."""
    sources = t.by("sources", "source_id")
    for sid in citations.COPY_ONLY:
        if sid not in sources:
            raise DataError(t.path("sources"), f"citations.COPY_ONLY names {sid}, which is not here",
                            column="source_id", expected="COPY_ONLY to list only sources of sources.csv")
        source = sources[sid]
        if not citations.url_fault(source["url"]):
            t.fail("sources", source, "url", f"{sid} is in citations.COPY_ONLY but its url is an original",
                   "its id removed from COPY_ONLY in src/chipbook/citations.py")
        if citations.NO_ORIGINAL_NOTE not in source["note"].lower():
            t.fail("sources", source, "note", f"{sid} is cited at a copy but its note does not say so",
                   f"a note saying '{citations.NO_ORIGINAL_NOTE}'")
    if len(citations.COPY_ONLY) > citations.MAX_COPY_ONLY:
        raise DataError(t.path("sources"), f"{len(citations.COPY_ONLY)} sources are cited at a copy",
                        column="url", expected=f"at most {citations.MAX_COPY_ONLY} (citations.COPY_ONLY)")
    for row in t["evidence"]:
        if row["source_id"] in citations.COPY_ONLY and row["confidence"] != "low":
            t.fail("evidence", row, "confidence", f"'{row['confidence']}' cites {row['source_id']}, read only at a copy",
                   "low (no original of the source could be found)")


# --- the second article ------------------------------------------------------------------------

@rule
def disagreements_pair_the_articles_and_agree_with_the_ledger(t: Tables) -> None:
    """Each row of article_disagreements sets a news-article claim (A2) against a
    strategy-article claim (A1), once; an account said to hold, in late 2024 or by 2026, is
    not contradicted or unverified in the ledger; one article's account is not said to hold
    alone in late 2024 while the ledger has the other's claim true when written (a verdict
    that holds up, or outdated): then both held in part; and the deciding source is
    evidence for one of the two. An account said to hold alone carries its claim's limits: where
    the claim holds only in part (partly supported) the row's `why` says 'in part', and where its
    reason marks the evidence thin (THIN_LABEL) the `why` says 'thin', so that no count of
    accounts borne out promotes a report or an inference to fact."""
    claims = t.by("claims", "claim_id")
    cited: dict[str, set[str]] = defaultdict(set)
    for row in t["evidence"]:
        cited[row["claim_id"]].add(row["source_id"])
    seen: dict[tuple, dict] = {}
    for row in t["article_disagreements"]:
        for column, article in (("a2_claim_id", "A2"), ("a1_claim_id", "A1")):
            if claims[row[column]]["article"] != article:
                t.fail("article_disagreements", row, column, f"{row[column]} is a claim of "
                       f"{claims[row[column]]['article']}", f"a claim of {article}")
        pair = (row["a2_claim_id"], row["a1_claim_id"])
        if pair in seen:
            t.fail("article_disagreements", row, "a1_claim_id", f"the pair {pair[0]} / {pair[1]} is already row "
                   f"{seen[pair]['_row']} (line {seen[pair]['_line']})", "each pair once")
        seen[pair] = row
        accounts = {"A1": row["a1_claim_id"], "A2": row["a2_claim_id"]}
        for when in ("held_late_2024", "held_2026"):
            held = accounts.get(row[when])
            if held and claims[held]["verdict"] in ("contradicted", "unverified"):
                t.fail("article_disagreements", row, when, f"{row[when]}'s account is said to hold, "
                       f"but the ledger calls {held} '{claims[held]['verdict']}'",
                       "a judgment that agrees with the claim's verdict in claims.csv")
        rival = accounts.get({"A1": "A2", "A2": "A1"}.get(row["held_late_2024"], ""))
        true_when_written = (*VERDICT_OUTCOMES["holds"], *VERDICT_OUTCOMES["overtaken"])
        if rival and claims[rival]["verdict"] in true_when_written:
            t.fail("article_disagreements", row, "held_late_2024", f"only {row['held_late_2024']}'s account is said "
                   f"to hold in late 2024, but the ledger has {rival} '{claims[rival]['verdict']}', true when written",
                   "'both in part' where each article's claim held when written")
        for when in ("held_late_2024", "held_2026"):
            held = accounts.get(row[when])
            if not held:
                continue
            limits = [(words, why) for words, why, applies in (
                ("in part", f"the ledger has {held} 'partly supported'", claims[held]["verdict"] == "partly supported"),
                ("thin", f"{held}'s reason marks its evidence '{THIN_LABEL}'", THIN_LABEL in claims[held]["verdict_reason"]),
            ) if applies and words not in row["why"].lower()]
            for words, why in limits:
                t.fail("article_disagreements", row, "why", f"{row[when]}'s account is said to hold alone ({when}), but "
                       f"{why}, and the why does not say '{words}'",
                       f"'{words}' in why, saying what held and what rests only on report or inference; or "
                       "'both in part' where each article's account held in part")
        if row["source_id"] not in cited[row["a1_claim_id"]] | cited[row["a2_claim_id"]]:
            t.fail("article_disagreements", row, "source_id", f"{row['source_id']} is not evidence for "
                   f"{row['a1_claim_id']} or {row['a2_claim_id']}",
                   "a source that an evidence row of one of the pair cites")


# --- capital structure -------------------------------------------------------------------------

@rule
def tranche_rows_agree(t: Tables) -> None:
    """The rows of one investment tranche (one per source) agree on deal, investor, status,
    instrument and announcement date; payments are dated on or after their announcement."""
    first: dict[str, dict] = {}
    for row in t["investments"]:
        seen = first.setdefault(row["tranche_id"], row)
        for column in ("deal_id", "investor", "status", "instrument", "date_announced"):
            if row[column] != seen[column]:
                t.fail("investments", row, column, f"{row['tranche_id']} has {column} '{row[column]}', but row "
                       f"{seen['_row']} (line {seen['_line']}) gives '{seen[column]}'",
                       "the same value on every row of a tranche")
        if row["status"] != "committed" and row["as_of"] < row["date_announced"]:
            t.fail("investments", row, "as_of", f"a {row['status']} tranche dated {row['as_of']}, before its deal "
                   f"was announced ({row['date_announced']})", "a payment dated on or after the announcement")


@rule
def payments_stay_within_their_deals_ceiling(t: Tables) -> None:
    """For a deal with a ceiling (committed rows), what is funded (each tranche at its highest
    reported amount) plus what is scheduled is at most the ceiling (at its lowest)."""
    per_tranche: dict[str, dict] = {}
    for row in t["investments"]:
        tranche = per_tranche.setdefault(row["tranche_id"], {"row": row, "amounts": []})
        tranche["amounts"].append(float(row["amount_usd_b"]))
    ceiling, paid = defaultdict(float), defaultdict(float)
    last_row: dict[str, dict] = {}
    for tranche in per_tranche.values():
        row = tranche["row"]
        if row["status"] == "committed":
            ceiling[row["deal_id"]] += min(tranche["amounts"])
        else:
            paid[row["deal_id"]] += max(tranche["amounts"])
            last_row[row["deal_id"]] = row
    for deal, total in paid.items():
        if deal in ceiling and total > ceiling[deal] + 1e-9:
            t.fail("investments", last_row[deal], "amount_usd_b", f"deal {deal} pays {total:g} (US$ billions, funded "
                   f"and scheduled) against a ceiling of {ceiling[deal]:g}",
                   "payments within the deal's committed ceiling (or a larger commitment row)")


@rule
def figure_basis_matches_the_source(t: Tables) -> None:
    """An investment row's figure_basis agrees with its source's kind (investor filing and
    regulator decision: a regulatory filing; Anthropic release: a company release; press
    report: press or analysis); a compute commitment 'reported only' cites press or analysis."""
    kinds = {s["source_id"]: s["kind"] for s in t["sources"]}
    expected = {"investor filing": {"regulatory filing"}, "regulator decision": {"regulatory filing"},
                "Anthropic release": {"company release"}, "press report": {"press", "analysis"}}
    for row in t["investments"]:
        allowed = expected.get(row["figure_basis"])
        if allowed and kinds[row["source_id"]] not in allowed:
            t.fail("investments", row, "figure_basis", f"'{row['figure_basis']}' from {row['source_id']}, a "
                   f"{kinds[row['source_id']]} source", f"a source of kind {' or '.join(sorted(allowed))}, or "
                   "another figure_basis")
    for row in t["compute_commitments"]:
        if row["disclosure"] == "reported only" and kinds[row["source_id"]] not in ("press", "analysis"):
            t.fail("compute_commitments", row, "disclosure", f"'reported only' from {row['source_id']}, a "
                   f"{kinds[row['source_id']]} source", "press or analysis (a party's own statement is "
                   "'announced by a party')")


@rule
def valuations_are_consistent(t: Tables) -> None:
    """A round's valuation low is at most its high and above the money raised; a closed
    round's row speaks from the round's date or later."""
    for row in t["funding_rounds"]:
        low, high = _number(row["valuation_low_usd_b"]), _number(row["valuation_high_usd_b"])
        raised = _number(row["amount_raised_usd_b"])
        if low is not None and high is not None and low > high:
            t.fail("funding_rounds", row, "valuation_low_usd_b", f"the low {low:g} is above the high {high:g}",
                   "low <= high (equal for a single figure)")
        if low is not None and raised is not None and low <= raised:
            t.fail("funding_rounds", row, "valuation_low_usd_b", f"a valuation of {low:g} for {raised:g} raised",
                   "a valuation above the amount raised (US$ billions both)")
        if row["round_status"] == "closed" and row["as_of"] < row["round_date"]:
            t.fail("funding_rounds", row, "as_of", f"{row['as_of']} is before the round closed ({row['round_date']})",
                   "a closed round's row dated on or after its round_date")


# --- capacity, NVIDIA and the labs -------------------------------------------------------------

@rule
def capacity_rows_are_consistent(t: Tables) -> None:
    """A capacity row gives chips or gigawatts, each with its bound and no bound without a
    figure; it speaks for its date_stated or later (a forecast for a later date); an 'up to'
    figure is a ceiling, never contracted or in service; the rows of one tranche share a vendor."""
    vendor_of: dict[str, dict] = {}
    for row in t["capacity"]:
        if not row["chips"] and not row["gigawatts"]:
            t.fail("capacity", row, "chips", "neither chips nor gigawatts is given", "a chip count, gigawatts or both")
        for figure in ("chips", "gigawatts"):
            if bool(row[figure]) != bool(row[f"{figure}_bound"]):
                t.fail("capacity", row, f"{figure}_bound", f"{figure} is {'set' if row[figure] else 'blank'} and "
                       f"{figure}_bound {'set' if row[f'{figure}_bound'] else 'blank'}",
                       f"a bound (about, nearly, more than, up to) exactly when {figure} is given")
        if row["as_of"] < row["date_stated"] or (row["basis"] == "expected" and row["as_of"] == row["date_stated"]):
            t.fail("capacity", row, "as_of", f"{row['as_of']} for a figure stated {row['date_stated']}"
                   + (" as a forecast" if row["basis"] == "expected" else ""),
                   "a later date for a forecast (basis expected), else the date stated or later")
        if "up to" in (row["chips_bound"], row["gigawatts_bound"]) and row["state"] != "ceiling":
            t.fail("capacity", row, "state", f"an 'up to' figure is '{row['state']}'",
                   "ceiling: by the one rule for contracts and ceilings, an 'up to' figure is neither contracted "
                   "nor a measurement of capacity in service")
        seen = vendor_of.setdefault(row["tranche"], row)
        if row["vendor"] != seen["vendor"]:
            t.fail("capacity", row, "vendor", f"tranche {row['tranche']} is {row['vendor']} here and {seen['vendor']} "
                   f"in row {seen['_row']} (line {seen['_line']})", "one vendor per tranche")


@rule
def nvidia_years_are_consistent(t: Tables) -> None:
    """NVIDIA's fiscal years run without a gap; each ends in January of the year it is named
    for; data-center revenue is less than total revenue."""
    years = sorted(t["nvidia_financials"], key=lambda r: int(r["fiscal_year"]))
    for previous, row in zip(years, years[1:]):
        if int(row["fiscal_year"]) != int(previous["fiscal_year"]) + 1:
            t.fail("nvidia_financials", row, "fiscal_year", f"FY{row['fiscal_year']} follows FY{previous['fiscal_year']}",
                   f"FY{int(previous['fiscal_year']) + 1}: one row per fiscal year, without gaps")
    for row in years:
        if not row["as_of"].startswith(f"{row['fiscal_year']}-01-"):
            t.fail("nvidia_financials", row, "as_of", f"FY{row['fiscal_year']} ends {row['as_of']}",
                   f"the last day of the fiscal year, in January {row['fiscal_year']}")
        if float(row["data_center_revenue_usd_bn"]) >= float(row["total_revenue_usd_bn"]):
            t.fail("nvidia_financials", row, "data_center_revenue_usd_bn", "data-center revenue is not below total "
                   f"revenue ({row['total_revenue_usd_bn']})", "a part smaller than the whole")


@rule
def lab_arrangements_are_dated_in_order(t: Tables) -> None:
    """A lab arrangement's status speaks for its announcement date or later."""
    for row in t["lab_chip_vendors"]:
        if row["as_of"] < row["date"]:
            t.fail("lab_chip_vendors", row, "as_of", f"{row['as_of']} is before the arrangement ({row['date']})",
                   "the status dated on or after the arrangement")


# --- interconnect ------------------------------------------------------------------------------

@rule
def interconnect_rows_are_consistent(t: Tables) -> None:
    """A chip's scale-out network (Gb/s, per direction) is slower than its scale-up link
    (GB/s, per direction); a cluster has more chips than one scale-up domain of its system
    and the system's vendor."""
    systems = t.by("interconnect_systems", "system_id")
    for row in systems.values():
        out = float(row["scaleout_gbit_s_per_chip_per_direction"]) / 8
        if out >= float(row["scaleup_gbyte_s_per_chip_per_direction"]):
            t.fail("interconnect_systems", row, "scaleout_gbit_s_per_chip_per_direction",
                   f"{out:g} GB/s out of the domain is not below {row['scaleup_gbyte_s_per_chip_per_direction']} GB/s "
                   "inside it", "scale-out slower than scale-up (scale-out is in gigabits: divide by 8)")
    for row in t["large_training_clusters"]:
        system = systems[row["system_id"]]
        if int(row["chips"]) <= int(system["scaleup_domain_chips"]):
            t.fail("large_training_clusters", row, "chips", f"{row['chips']} chips fit in one {row['system_id']} "
                   f"domain of {system['scaleup_domain_chips']}", "a cluster larger than one scale-up domain")
        if row["vendor"] != system["vendor"]:
            t.fail("large_training_clusters", row, "vendor", f"{row['vendor']}, but {row['system_id']} is "
                   f"{system['vendor']}'s", "the vendor of the cluster's system")


@rule
def figure_columns_fit_their_bound(t: Tables) -> None:
    """A google_ocs_figures row fills the columns its bound allows: an exact or 'about'
    figure one value (low equal to high) or none, a range a low below its high, a 'less than'
    figure only a high; a cost or power share always gives a percentage."""
    for row in t["google_ocs_figures"]:
        values = [row[c] for c in ("percent_low", "percent_high", "times_low", "times_high") if row[c]]
        wrong = None
        if row["bound"] in ("exact", "about") and not (not values or (len(values) == 2 and float(values[0]) == float(values[1]))):
            wrong = "an exact or 'about' figure with two different ends"
        elif row["bound"] == "range" and not (row["times_low"] and row["times_high"]
                                                and float(row["times_low"]) < float(row["times_high"])):
            wrong = "a range without a low below its high (times_low, times_high)"
        elif row["bound"] == "less than" and (row["percent_low"] or not row["percent_high"]):
            wrong = "a 'less than' figure that is not just a percent_high"
        elif row["kind"] == "cost or power share" and not row["percent_high"]:
            wrong = "a share without a percentage"
        if wrong:
            t.fail("google_ocs_figures", row, "bound", f"{row['figure_id']} is {wrong}",
                   "the figure's columns filled as its bound says")


# --- hardware abstraction ----------------------------------------------------------------------

@rule
def support_tables_cover_every_chip(t: Tables) -> None:
    """framework_support has a row for each framework on each chip family, and
    kernel_languages for each language on each chip family (unsupported where none)."""
    for name, row_column, chip_column in (("framework_support", "framework", "hardware"),
                                          ("kernel_languages", "language", "chip")):
        chips = next(f for f in t.found[name].fields if f["name"] == chip_column)["constraints"]["enum"]
        present: dict[str, set] = defaultdict(set)
        last: dict[str, dict] = {}
        for row in t[name]:
            present[row[row_column]].add(row[chip_column])
            last[row[row_column]] = row
        for item, have in present.items():
            missing = [c for c in chips if c not in have]
            if missing:
                t.fail(name, last[item], chip_column, f"{item} has no row for {missing[0]}",
                       f"a row for every chip family ({', '.join(chips)}), status unsupported where there is no path")


@rule
def incidents_are_consistent(t: Tables) -> None:
    """A postmortem incident ends on or after it starts, and gives a share of requests exactly
    when its share_kind is stated."""
    for row in t["postmortem_incidents"]:
        if row["end_date"] < row["start_date"]:
            t.fail("postmortem_incidents", row, "end_date", f"{row['end_date']} is before the start {row['start_date']}",
                   "an end on or after the start")
        if bool(row["share_of_requests_pct"]) != (row["share_kind"] != "not stated"):
            t.fail("postmortem_incidents", row, "share_kind", f"share_kind '{row['share_kind']}' with "
                   f"{'a' if row['share_of_requests_pct'] else 'no'} share", "a share exactly when its kind is stated")


@rule
def the_most_direct_jax_evidence_names_jax(t: Tables) -> None:
    """An anthropic_jax_evidence item ranked 1 (Anthropic names JAX) names JAX."""
    for row in t["anthropic_jax_evidence"]:
        if row["directness_rank"] == "1" and row["names_jax"] not in ("true", "True", "TRUE", "1"):
            t.fail("anthropic_jax_evidence", row, "names_jax", "ranked 'first-party, names JAX' but names_jax is false",
                   "names_jax true, or a lower directness")


# --- inference economics -------------------------------------------------------------------------

# The most a BF16 sparse peak may exceed the dense one: NVIDIA's 2:4 sparsity doubles it and AWS
# prints sparse figures under four times its dense ones (Trainium2 3.8, Trainium3 3.75); a larger
# gain is a lower-precision sparse figure (FP8, FP4) in the BF16 column.
MAX_SPARSITY_GAIN = 4.0

@rule
def chip_figures_are_consistent(t: Tables) -> None:
    """A vendor claim's low factor is at most its high; an MLPerf Server result's mean latency
    is at most its 99th percentile, which meets the bound; a dense peak is well below the
    sparse one (at most 1/1.9 of it) and an FP8 or INT8 dense peak 1 to 2.05 times the BF16
    dense peak, so a sparse headline never sits in a dense column; and a BF16 sparse peak is
    at most MAX_SPARSITY_GAIN times the dense one, so a lower-precision sparse figure never
    sits in the BF16 column."""
    for row in t["vendor_claims"]:
        if float(row["factor_low_x"]) > float(row["factor_high_x"]):
            t.fail("vendor_claims", row, "factor_low_x", f"{row['factor_low_x']} is above factor_high_x "
                   f"{row['factor_high_x']}", "low <= high (equal where the vendor gives one figure)")
    for row in t["mlperf_results"]:
        mean, p99, bound = (_number(row[c]) for c in ("latency_mean_s", "latency_p99_s", "latency_bound_s"))
        if None not in (mean, p99) and mean > p99:
            t.fail("mlperf_results", row, "latency_mean_s", f"mean {mean:g} s is above the 99th percentile {p99:g} s",
                   "mean <= p99")
        if None not in (p99, bound) and p99 > bound:
            t.fail("mlperf_results", row, "latency_p99_s", f"{p99:g} s misses the bound {bound:g} s",
                   "a valid Server result, within its latency bound")
    for row in t["accelerator_specs"]:
        dense, sparse = _number(row["bf16_tflops_dense"]), _number(row["bf16_tflops_sparse"])
        if sparse is not None and sparse < 1.9 * dense:
            t.fail("accelerator_specs", row, "bf16_tflops_dense", f"the dense peak {dense:g} is near the sparse "
                   f"{sparse:g}", "a dense figure at most 1/1.9 of the sparse one (a sparse headline copied?)")
        if sparse is not None and sparse > MAX_SPARSITY_GAIN * dense:
            t.fail("accelerator_specs", row, "bf16_tflops_sparse", f"the sparse BF16 peak {sparse:g} is {sparse / dense:.1f} "
                   f"times the dense {dense:g}", f"at most {MAX_SPARSITY_GAIN:g} times the BF16 dense peak: a lower-precision "
                   "(FP8 or FP4) sparse figure in the BF16 column?")
        for column in ("fp8_tflops_dense", "int8_tops_dense"):
            low = _number(row[column])
            if low is not None and not 0.99 * dense <= low <= 2.05 * dense:
                t.fail("accelerator_specs", row, column, f"{low:g} is {low / dense:.2f} times the BF16 dense peak",
                       "1 to 2 times the BF16 dense peak (a larger ratio means a sparse figure)")


# Where a vendor claim was read (its source's kind, or a copy that is only a report of the
# vendor's page), the words the vendor used were not seen.
REPORT_KINDS = ("press", "analysis")
AS_REPORTED, BARE = "as reported", "stated"


@rule
def vendor_claims_read_in_reports_say_so(t: Tables) -> None:
    """A vendor claim read in the press or an analyst's report, or in a report of the vendor's
    page (copy_kind report), rests on that report: its basis is 'as reported', and its qualifier
    is never 'stated', which says the vendor gave the figure without a hedge (a report that
    gives it bare is 'hedge not seen', or the vendor's hedge seen elsewhere, e.g. 'up to')."""
    sources = t.by("sources", "source_id")
    for row in t["vendor_claims"]:
        source = sources[row["source_id"]]
        read_as = (f"a {source['kind']} source" if source["kind"] in REPORT_KINDS else
                   "a source read only in a report of it (copy_kind report)" if source["copy_kind"] == "report" else None)
        if read_as is None:
            continue
        if row["basis"] != AS_REPORTED:
            t.fail("vendor_claims", row, "basis", f"'{row['basis']}' from {row['source_id']}, {read_as}",
                   f"'{AS_REPORTED}' (the vendor's own statement was not read), or a source in the vendor's own words")
        if row["qualifier"] == BARE:
            t.fail("vendor_claims", row, "qualifier", f"'{BARE}' (no hedge) from {row['source_id']}, {read_as}",
                   "'hedge not seen', or the hedge the vendor's own words give ('up to'), said in scope")


@rule
def contract_terms_carry_their_bounds(t: Tables) -> None:
    """A contract term stated as a floor ('more than') has an upside: its high end above its
    low end, the floor. A term stated as a ceiling ('up to') has a shortfall: its low end
    below its high end, or a delivered_share term of the same contract that spans a range.
    A contract that counts its capacity from compute-mix tranches (tranche_ids) names
    tranches of compute_mix_tranches counted in chips, is counted in h100e and has no
    quantity term; every other contract has one."""
    terms = t["cost_contract_terms"]
    spans = {(r["contract_id"], r["parameter"]) for r in terms if float(r["low"]) < float(r["high"])}
    for row in terms:
        if row["bound"] == "floor" and float(row["high"]) <= float(row["low"]):
            t.fail("cost_contract_terms", row, "high", f"{row['contract_id']}'s {row['parameter']} is a floor with no upside "
                   f"(high {row['high']}, low {row['low']})", "a high end above the floor, with its reason: a floor read as "
                   "the value makes every figure drawn from it a floor too")
        if row["bound"] == "ceiling" and (row["contract_id"], row["parameter"]) not in spans \
                and (row["contract_id"], "delivered_share") not in spans:
            t.fail("cost_contract_terms", row, "low", f"{row['contract_id']}'s {row['parameter']} is a ceiling with no "
                   "shortfall", "a low end below the ceiling, or a delivered_share term of the contract with a range")
    tranches = t.by("compute_mix_tranches", "tranche_id")
    quantities = {r["contract_id"] for r in terms if r["parameter"] == "quantity"}
    for row in t["cost_contracts"]:
        ids = row["tranche_ids"].split()
        for tranche_id in ids:
            if tranche_id not in tranches:
                t.fail("cost_contracts", row, "tranche_ids", f"no compute-mix tranche '{tranche_id}'",
                       "ids of compute_mix_tranches.csv, separated by spaces" + suggest(tranche_id, list(tranches)))
            if tranches[tranche_id]["measure"] != "chips":
                t.fail("cost_contracts", row, "tranche_ids", f"tranche '{tranche_id}' is counted in "
                       f"{tranches[tranche_id]['measure']}", "tranches counted in chips")
        if ids and row["quantity_unit"] != "h100e":
            t.fail("cost_contracts", row, "quantity_unit", f"'{row['quantity_unit']}' for capacity counted from tranches",
                   "h100e: the tranches' chips are summed in H100-equivalents")
        if bool(ids) == (row["contract_id"] in quantities):
            t.fail("cost_contracts", row, "tranche_ids", f"{row['contract_id']} has "
                   + ("tranche_ids and a quantity term" if ids else "neither tranche_ids nor a quantity term"),
                   "exactly one: its capacity counted from compute-mix tranches, or a quantity term in cost_contract_terms")
