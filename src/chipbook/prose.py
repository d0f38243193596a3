"""Prose bound to the ledger: what a chapter's Markdown may say about a claim's verdict or a
deal's status and size, and the roles that print those from the tables at build time.

A Sphinx extension (`sphinx.extra_extensions` in _config.yml) with four roles for Markdown
cells, each taking a row id and printing what the table says:

- ``{claim}`A1-05``` prints the claim's paraphrase from data/claims.csv, under its own
  `### Claim A1-05` heading: the one place on a page where a claim is printed in words;
- ``{verdict}`A1-05``` prints the claim's verdict from data/claims.csv (*partly supported*);
- ``{capacity}`cap-11``` prints a capacity row's figure with its bound, from
  data/capacity.csv ("up to 1 GW"; gigawatts where the row has them, else chips, as
  "more than 1 million"); ``{capacity}`cap-05:chips``` asks for the chips;
- ``{state}`cap-11``` prints the row's state with the basis it rests on: "contracted", "in
  service" or "a ceiling, counted only once delivered" where Anthropic or the vendor announced it, "in service, by report" where only
  the press said so, "expected in service by the end of May 2026" where it was a forecast
  (`capacity_state`), so that prose cannot drop the hedge a row carries.

An unknown id is an error that stops the build, naming the role and the id.

It also gives every claim id that prose names (chipbook_find links them to their sections)
the same preview the tables give (`ledger.claim_preview`): the claim's paraphrase is then
printed once per page, in its own section, and everywhere else is one hover, focus or tap
away.

The words tests/test_prose.py looks for when prose states a verdict or a status by hand are
defined here too, once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from docutils import nodes

from . import ledger, paths
from .data import cached_per_process, load_table
from .vocabulary import CAPACITY_BASES, CAPACITY_STATES, FIGURE_BASIS, VERDICTS

# --- figures as prose prints them ---------------------------------------------------------------


_SMALL = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def number_words(n: int) -> str:
    """A small count as prose writes it: 2 -> "two"; 13 and above as digits."""
    return _SMALL[n] if 0 <= n < len(_SMALL) else f"{n:,}"


def count_words(value: float) -> str:
    """A count of chips in words a reader takes in at once: 1,000,000 -> "1 million",
    2,500,000 -> "2.5 million", 220,000 -> "220,000"."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:g} million"
    return f"{value:,.0f}"


@cached_per_process
def capacity_rows() -> pd.DataFrame:
    return load_table("capacity").set_index("capacity_id")


def capacity_figure(capacity_id: str, unit: str | None = None, table: pd.DataFrame | None = None) -> str:
    """A capacity row's figure with its bound, as prose prints it: "up to 1 GW" or "more than
    300 MW" (unit "gigawatts", the default where the row has them) or "more than 1 million" (unit
    "chips": the count only, so that the sentence names the chip). Raises KeyError for an
    unknown row and ValueError for a unit the row has no figure in."""
    table = capacity_rows() if table is None else table
    row = table.loc[capacity_id]
    unit = unit or ("gigawatts" if pd.notna(row["gigawatts"]) else "chips")
    if unit not in ("gigawatts", "chips"):
        raise ValueError(f"unit must be 'gigawatts' or 'chips', not {unit!r}")
    value, bound = row[unit], row[f"{unit}_bound"]
    if pd.isna(value):
        raise ValueError(f"capacity row {capacity_id} has no figure in {unit}")
    if unit == "chips":
        figure = count_words(value)
    else:  # a fraction of a gigawatt reads as megawatts, as its sources give it
        figure = f"{value:g} GW" if value >= 1 else f"{value * 1000:g} MW"
    return f"{bound} {figure}" if isinstance(bound, str) and bound else figure


def when_words(day: pd.Timestamp) -> str:
    """A target date as prose gives it: the end of a year or a month where the row records
    the last day of one ("the end of 2026", "the end of May 2026"), the year alone where it
    records 1 January (a start year only), else the day ("20 April 2026")."""
    day = pd.Timestamp(day)
    if day.month == 12 and day.day == 31:
        return f"the end of {day.year}"
    if day.is_month_end:
        return f"the end of {day:%B %Y}"
    if day.month == 1 and day.day == 1:
        return str(day.year)
    return f"{day.day} {day:%B %Y}"


#: What prose calls a ceiling (vocabulary.CAPACITY_STATES): the book's one rule for contracts and
#: ceilings counts it only once delivered, and the words say so wherever it is printed.
CEILING_WORDS = "a ceiling, counted only once delivered"


def capacity_state(capacity_id: str, table: pd.DataFrame | None = None) -> str:
    """A capacity row's state (CAPACITY_STATES) with the basis it rests on (CAPACITY_BASES),
    as prose prints it:

    - announced (by Anthropic or the vendor): the state alone, "in service" or "contracted",
      or for a ceiling (an "up to" or conditional amount) CEILING_WORDS;
    - reported (by the press only): "in service, by report", "contracted, by report", "a
      ceiling by report, counted only once delivered";
    - expected (a forecast for the row's as_of date): "expected in service by the end of May
      2026", or for a deal signed but not yet delivered "contracted, expected in service by
      the end of 2026".

    Raises KeyError for an unknown row and ValueError for a basis outside CAPACITY_BASES."""
    table = capacity_rows() if table is None else table
    row = table.loc[capacity_id]
    state, basis = str(row["state"]), str(row["basis"])
    if basis not in CAPACITY_BASES:
        raise ValueError(f"capacity row {capacity_id}: basis {basis!r} is not one of {CAPACITY_BASES}")
    due = f"expected in service by {when_words(row['as_of'])}"
    if state == "ceiling":
        head, tail = CEILING_WORDS.split(", ", 1)
        return {"announced": CEILING_WORDS, "reported": f"{head} by report, {tail}",
                "expected": f"{CEILING_WORDS}; {due}"}[basis]
    if basis == "announced":
        return state
    if basis == "reported":
        return f"{state}, by report"
    return due if state == "in service" else f"{state}, {due}"


# --- what money paid may be called ------------------------------------------------------------

#: What each figure_basis of data/investments.csv (vocabulary.FIGURE_BASIS) shows of a payment:
#: a filing, a regulator's decision or Anthropic's own release documents it; a press report only
#: reports it; the book's inference only infers it. In that order, strongest first.
PAYMENT_BASIS: dict[str, str] = {"investor filing": "documented", "regulator decision": "documented",
                                 "Anthropic release": "documented", "press report": "reported",
                                 "inferred by the book": "inferred"}
PAYMENT_KINDS = ("documented", "reported", "inferred")
assert set(PAYMENT_BASIS) == set(FIGURE_BASIS) and set(PAYMENT_BASIS.values()) == set(PAYMENT_KINDS)


def payment_kinds(rows: pd.DataFrame) -> list[str]:
    """What a set of funded tranche rows (columns tranche_id, figure_basis; several rows per
    tranche, one per source) shows of the payments, in PAYMENT_KINDS order: each tranche counts
    by its strongest row, so a press report beside a filing is documented."""
    if rows.empty:
        return []
    strongest = rows["figure_basis"].map(PAYMENT_BASIS).map(PAYMENT_KINDS.index).groupby(rows["tranche_id"]).min()
    return [kind for i, kind in enumerate(PAYMENT_KINDS) if i in set(strongest)]


def basis_words(rows: pd.DataFrame, what: str) -> str:
    """The words prose and chart labels give a total of tranche rows of data/investments.csv
    (columns tranche_id, figure_basis), by what its rows rest on (`payment_kinds`), for `what`
    the total is ("paid", "committed"): "documented as paid" only where every tranche rests on
    a filing, a regulator's decision or Anthropic's release; "reported as committed" where press
    reports alone carry them; "documented, reported or inferred as paid" for a mix. ValueError
    for no rows."""
    kinds = payment_kinds(rows)
    if not kinds:
        raise ValueError(f"no rows: nothing is {what}, documented or not")
    joined = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]
    return f"{joined} as {what}"


def payment_words(rows: pd.DataFrame) -> str:
    """`basis_words` for funded tranches: "documented as paid", "reported or inferred as paid"."""
    return basis_words(rows, "paid")


#: A sentence that calls money paid "documented" (PAID_DOCUMENTED) speaks of the investor named
#: nearest to the word, within NEAR characters.
PAID_DOCUMENTED = re.compile(r"\bdocumented\s+(?:as\s+)?(?:paid|payments?|funded)\b|\b(?:paid|payments?|funded)[^.;]{0,40}?"
                             r"\bdocumented\b", re.IGNORECASE)


def payment_overstatements(found: list[Passage], investments: pd.DataFrame) -> list[Finding]:
    """Sentences that call an investor's payments documented (PAID_DOCUMENTED) where some of
    that investor's funded tranches rest only on press reports or the book's inference
    (`payment_kinds` of its funded rows, data/investments.csv): 'documented as paid' for
    Google, whose payments no filing shows."""
    funded = investments[investments["status"] == "funded"]
    kinds = {investor: payment_kinds(rows) for investor, rows in funded.groupby("investor")}
    problems = []
    for passage in found:
        for clause in _outside_roles(passage.text).split(";"):  # an investor speaks for its own clause
            marks = [(m.start(), m.end(), investor) for investor in kinds
                     for m in re.finditer(rf"\b{re.escape(investor)}\b", clause)]
            for match in PAID_DOCUMENTED.finditer(clause):
                investor = _nearest(match.span(), marks)
                if investor and kinds[investor] != ["documented"]:
                    problems.append(Finding(passage.where, investor, match.group(0),
                                            payment_words(funded[funded["investor"] == investor]), passage.text))
    return problems


# --- motives ---------------------------------------------------------------------------------

#: Words that assert why a company acted (data/verdict_rules.csv: motive). Prose states a motive
#: only through a motive claim's verdict: in that claim's own section, or in a sentence that prints
#: a motive claim's verdict with the {verdict} role; elsewhere, in quotation marks (the article's
#: words), never as the book's.
MOTIVE_WORDS = ("deliberate", "deliberately", "on purpose", "intentional", "intentionally", "by design", "purposely",
                "purposeful", "purposefully")
MOTIVE_RULE = "motive"
MOTIVE_WORD = re.compile(r"\b(" + "|".join(sorted(map(re.escape, MOTIVE_WORDS), key=len, reverse=True)) + r")\b",
                         re.IGNORECASE)
QUOTATION = re.compile(r'"[^"]*"|\u201c[^\u201d]*\u201d|(?<!\w)\'[^\']*\'(?!\w)')


def motive_assertions(found: list[Passage], rules: pd.Series) -> list[Finding]:
    """Motive words (MOTIVE_WORDS) that prose asserts outside a motive claim's verdict. `rules`:
    Series claim_id -> rule_id. Allowed in the section (or reason) of a claim judged by the motive
    rule, in a sentence that prints such a claim's verdict with {verdict}, and in quotation marks."""
    motive_claims = set(rules.index[rules == MOTIVE_RULE])
    problems = []
    for passage in found:
        if passage.section_claim in motive_claims:
            continue
        if any(role == "verdict" and target in motive_claims for role, target in ROLE.findall(passage.text)):
            continue
        text = QUOTATION.sub(lambda m: " " * len(m.group(0)), _outside_roles(passage.text))
        for match in MOTIVE_WORD.finditer(text):
            problems.append(Finding(passage.where, passage.section_claim or "-", match.group(1),
                                    "the verdict of a motive claim ({verdict}), or the act in words without a motive",
                                    passage.text))
    return problems


# --- what tests/test_prose.py reads prose for -------------------------------------------------

#: Phrases that state a verdict in words, mapped to the verdicts they mean. Prose that says a
#: claim "holds in part" states its verdict as surely as "*partly supported*" does.
VERDICT_PHRASES: dict[str, tuple[str, ...]] = {
    **{verdict: (verdict,) for verdict in VERDICTS},
    "holds in part": ("partly supported",),
    "holds only in part": ("partly supported",),
    "holds up": ("supported", "complicated"),
    "holds as stated": ("supported", "complicated"),
}

#: Words that say what state a deal's capacity is in, mapped to the capacity state they
#: claim. A sentence that calls contracted capacity "online" or "running" says it is in service.
STATE_WORDS: dict[str, str] = {
    "in service": "in service", "came online": "in service", "come online": "in service",
    "online": "in service", "running": "in service", "in use": "in service", "delivered": "in service",
    "contracted": "contracted", "committed": "contracted", "promised": "contracted", "due": "contracted",
    "ceiling": "ceiling",
}
assert set(STATE_WORDS.values()) <= set(CAPACITY_STATES)

#: The names prose gives the deals of data/capacity.csv, keyed by the deal (its `tranche`):
#: a sentence that names one of them is read as speaking about that deal's capacity.
DEAL_NAMES: dict[str, tuple[str, ...]] = {
    "aws-trainium2-fleet": ("Rainier", "Trainium2 chips"),
    "azure-nvidia-2025": ("Azure",),
    "spacex-colossus1-2026": ("Colossus", "SpaceX", "220k", "220,000"),
    "google-2025-expansion": ("million TPUs",),
}

#: Names prose gives one row of data/capacity.csv (regular expressions): a sentence that names
#: it speaks of that row, and a state word next to it is read against that row's state alone.
ROW_NAMES: dict[str, tuple[str, ...]] = {
    "cap-08": (r"(?:1M|1 million|one million|a million)\s+(?:Google\s+)?TPUs?",),
}
#: The states in order of strength: a word claiming a stronger state than a row's is wrong.
STATE_STRENGTH = {state: rank for rank, state in enumerate(reversed(CAPACITY_STATES))}

ROLE = re.compile(r"\{(claim|verdict|capacity|state)\}`([^`]+)`")
CLAIM_ID = re.compile(r"(?<![\w-])(A[12]-\d{2})(?![\w-])")
CLAIM_HEADING = re.compile(r"^#{1,6}\s+Claim\s+(A[12]-\d{2})\s*$", re.MULTILINE)
HEADING = re.compile(r"^#{1,3}\s", re.MULTILINE)
# A verdict named in so many words: in italics (*partly supported*), or after "verdict is".
_VERDICT_ALTERNATION = "|".join(sorted(map(re.escape, VERDICTS), key=len, reverse=True))
TYPED_VERDICT = re.compile(
    rf"\*({_VERDICT_ALTERNATION})\*"
    rf"|\bverdicts?\s+(?:is|stays|remains|becomes|was|of|:)\s+\*?({_VERDICT_ALTERNATION})\b",
    re.IGNORECASE)
VERDICT_PHRASE = re.compile(
    r"\b(" + "|".join(sorted((re.escape(p) for p in VERDICT_PHRASES if p not in VERDICTS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE)
STATE_WORD = re.compile(r"\b(" + "|".join(sorted(map(re.escape, STATE_WORDS), key=len, reverse=True)) + r")\b",
                        re.IGNORECASE)
# How far (in characters, within one sentence) a word is read as speaking of a claim or a deal.
NEAR = 120
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*(\[\"{])|\n\s*\n|\n(?=[-*] |\d+\. |#)")


@dataclass(frozen=True)
class Passage:
    """One sentence of a notebook's Markdown: `where` (notebook, cell index and id),
    `section_claim` (the claim whose `### Claim` section it sits in, or None), `text`."""

    where: str
    section_claim: str | None
    text: str


@dataclass(frozen=True)
class Finding:
    """Something prose says that the tables do not: `where`, the `row` it speaks of (a claim
    id or a capacity id), what prose `says`, what the table `expects`, the `text` around it."""

    where: str
    row: str
    says: str
    expects: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.row}: prose says '{self.says}', the table says '{self.expects}': \"{self.text.strip()[:160]}\""


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text) if s.strip()]


def passages(notebook: Path) -> list[Passage]:
    """Every sentence of a notebook's Markdown cells, with the claim section it sits in
    (a `### Claim <id>` heading opens one; the next heading of level 1 to 3 closes it)."""
    import nbformat

    found, claim = [], None
    for index, cell in enumerate(nbformat.read(notebook, as_version=4).cells):
        if cell.cell_type != "markdown":
            continue
        where = f"{notebook.name} cell {index} ({cell.get('id', '?')})"
        for block in re.split(r"(?=^#{1,6}\s)", cell.source, flags=re.MULTILINE):
            heading = CLAIM_HEADING.match(block)
            if heading:
                claim = heading.group(1)
                block = block[heading.end():]
            elif HEADING.match(block):
                claim = None
            found += [Passage(where, claim, s) for s in sentences(block)]
    return found


def _outside_roles(text: str) -> str:
    """The text with each role replaced by spaces of its length, so that positions hold."""
    return ROLE.sub(lambda m: " " * len(m.group(0)), text)


def _nearest(span: tuple[int, int], marks: list[tuple[int, int, str]]) -> str | None:
    """The row of the mark (start, end, row) closest to a word's span, edge to edge, within
    NEAR characters; on a tie the mark before the word (a sentence's subject) wins."""
    mark = _nearest_mark(span, marks)
    return None if mark is None else mark[2]


def _nearest_mark(span: tuple[int, int], marks: list[tuple[int, int, str]]) -> tuple[int, int, str] | None:
    """The mark (start, end, row) closest to a word's span, edge to edge, within NEAR
    characters; on a tie the mark before the word (a sentence's subject) wins."""
    def gap(mark):
        start, end, _ = mark
        return (max(start - span[1], span[0] - end, 0), start > span[0])
    near = sorted((gap(m), m) for m in marks if gap(m)[0] <= NEAR)
    return near[0][1] if near else None


def _claims_in(passage: Passage) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(1)) for m in CLAIM_ID.finditer(passage.text)]


def typed_verdicts(found: list[Passage], verdicts: pd.Series) -> tuple[list[Finding], list[Finding]]:
    """Verdicts prose states for a claim (the nearest claim id in the sentence, else the
    section's claim), from `verdicts` (Series claim_id -> verdict). Returns (wrong, typed):
    `wrong` where the words mean another verdict than the ledger's (a verdict word or a
    phrase such as "holds in part"); `typed` where a verdict word is typed by hand at all
    (italics, or after "verdict is"): prose prints it with the {verdict} role."""
    wrong, typed = [], []
    for passage in found:
        text = _outside_roles(passage.text)
        marks = _claims_in(passage)
        for match in list(TYPED_VERDICT.finditer(text)) + list(VERDICT_PHRASE.finditer(text)):
            words = (match.group(1) or (match.group(2) if match.re is TYPED_VERDICT else None)).lower()
            claim = _nearest(match.span(), marks) or passage.section_claim
            if claim is None or claim not in verdicts.index:
                continue
            means = VERDICT_PHRASES[words]
            if verdicts[claim] not in means:
                wrong.append(Finding(passage.where, claim, words, verdicts[claim], passage.text))
            if match.re is TYPED_VERDICT:
                typed.append(Finding(passage.where, claim, words, f"{{verdict}}`{claim}`", passage.text))
    return wrong, typed


def _deals_in(text: str, capacity: pd.DataFrame) -> list[tuple[int, int, str]]:
    marks = [(m.start(), m.end(), m.group(2).partition(":")[0]) for m in ROLE.finditer(text)
             if m.group(1) in ("capacity", "state")]
    for tranche, names in DEAL_NAMES.items():
        rows = capacity.index[capacity["tranche"] == tranche]
        for name in names:
            marks += [(m.start(), m.end(), row) for m in re.finditer(re.escape(name), text) for row in rows[:1]]
    return marks + _rows_in(text)


def _rows_in(text: str) -> list[tuple[int, int, str]]:
    """Marks (start, end, capacity_id) where the text names one row: a role, or a ROW_NAMES name."""
    marks = [(m.start(), m.end(), m.group(2).partition(":")[0]) for m in ROLE.finditer(text)
             if m.group(1) in ("capacity", "state")]
    return marks + [(m.start(), m.end(), row) for row, names in ROW_NAMES.items() for name in names
                    for m in re.finditer(name, text, re.IGNORECASE)]


def _state_words_by_deal(found: list[Passage], capacity: pd.DataFrame) -> Iterator[tuple[Passage, str, re.Match, str, bool]]:
    """Each status word (STATE_WORD) of `found` that has a deal near it, with that deal's
    row: (passage, its text with every role and the ceiling's own words blanked out, the
    word's match in that text, capacity_id of the nearest {capacity}/{state} role or
    DEAL_NAMES/ROW_NAMES name within NEAR characters, whether that mark names one row by
    itself). Words with no deal near them are skipped. `capacity`: data/capacity.csv
    indexed by capacity_id. The one reading status_conflicts and unhedged_states share."""
    for passage in found:
        marks = [mark for mark in _deals_in(passage.text, capacity) if mark[2] in capacity.index]
        if not marks:
            continue
        one_row = {(start, end) for start, end, _ in _rows_in(passage.text)}
        # the ceiling's own words ("counted only once delivered") name no state
        text = re.sub(CEILING_WORDS.split(", ", 1)[1], lambda m: " " * len(m.group(0)), _outside_roles(passage.text))
        for match in STATE_WORD.finditer(text):
            mark = _nearest_mark(match.span(), marks)
            if mark is not None:
                yield passage, text, match, mark[2], mark[:2] in one_row


def status_conflicts(found: list[Passage], capacity: pd.DataFrame) -> list[Finding]:
    """Status words (STATE_WORDS) typed next to a capacity role or a deal's name (DEAL_NAMES)
    that claim a state the table does not give that deal. `capacity`: data/capacity.csv
    indexed by capacity_id. A deal's states are those of all its rows (its `tranche`); a row
    named by itself (a role, a ROW_NAMES name) may be given no stronger state than its own."""
    states = capacity.groupby("tranche")["state"].agg(set)
    problems = []
    for passage, text, match, row, alone in _state_words_by_deal(found, capacity):
        said = STATE_WORDS[match.group(1).lower()]
        if said == "in service" and _hedged(text, match):
            continue  # a forecast ("coming online in 2026"): unhedged_states reads its basis
        if alone:
            state = capacity.at[row, "state"]
            if STATE_STRENGTH[said] > STATE_STRENGTH[state]:
                problems.append(Finding(passage.where, row, match.group(1), f"{state} (use {{state}})", passage.text))
            continue
        allowed = states[capacity.at[row, "tranche"]]
        if said not in allowed:
            problems.append(Finding(passage.where, row, match.group(1), " or ".join(sorted(allowed)), passage.text))
    return problems


#: Words that say a state rests on a forecast or a report rather than an announcement: a
#: sentence that says a deal is in service where the table has it in service only as
#: expected or reported must say so with one of them (STATE_BASIS_NEAR characters before
#: the state word, or anywhere after it in the sentence).
HEDGE_WORDS = ("expected", "expects", "due", "forecast", "planned", "to come", "coming", "was to", "were to", "should",
               "reported", "reportedly", "by report", "was said", "were said", "said to", "according to",
               "as summarised", "by one account")
STATE_BASIS_NEAR = 80
HEDGE_WORD = re.compile(r"\b(" + "|".join(sorted(map(re.escape, HEDGE_WORDS), key=len, reverse=True)) + r")\b",
                        re.IGNORECASE)


def _hedged(text: str, match: re.Match) -> bool:
    """Whether a state word is hedged: HEDGE_WORDS within STATE_BASIS_NEAR characters before it,
    or anywhere after it in the sentence."""
    before, after = text[max(0, match.start() - STATE_BASIS_NEAR):match.start()], text[match.end():]
    return bool(HEDGE_WORD.search(before) or HEDGE_WORD.search(after))


def unhedged_states(found: list[Passage], capacity: pd.DataFrame) -> list[Finding]:
    """In-service words (STATE_WORDS) typed next to a deal whose in-service rows all rest on
    a forecast or a report (basis "expected" or "reported", none "announced"), with no
    HEDGE_WORDS before them (within STATE_BASIS_NEAR characters) or after them in the
    sentence: "Colossus 1 came online in May" where the table only expects it to.
    `capacity`: data/capacity.csv indexed by capacity_id."""
    in_service = capacity[capacity["state"] == "in service"]
    bases = in_service.groupby("tranche")["basis"].agg(set)
    problems = []
    for passage, text, match, row, _alone in _state_words_by_deal(found, capacity):
        if STATE_WORDS[match.group(1).lower()] != "in service":
            continue
        tranche = capacity.at[row, "tranche"]
        if tranche not in bases.index or "announced" in bases[tranche]:
            continue
        if not _hedged(text, match):
            problems.append(Finding(passage.where, row, match.group(1),
                                    " or ".join(sorted(bases[tranche])) + " (say so, or print it with {state})",
                                    passage.text))
    return problems


#: Words that bound a figure: a figure with one of them before it is hedged (if not always
#: with the table's own bound); a figure with none is stated as exact.
BOUND_WORDS = ("up to", "ceiling of", "over", "more than", "nearly", "almost", "about", "around", "roughly",
               "some", "at least", "under", "less than")


def _figure_patterns(row: pd.Series) -> list[tuple[str, re.Pattern]]:
    """How prose may type a capacity row's "up to" figures by hand: 1 GW as "1 GW", "one
    gigawatt", "a gigawatt"; 1,000,000 chips as "a million", "1 million", "1,000,000", each
    followed by the chip family's name ("a million TPUs")."""
    words = {1: "one|a", 2: "two", 3: "three", 4: "four", 5: "five"}
    patterns = []
    if row["gigawatts_bound"] == "up to" and pd.notna(row["gigawatts"]):
        value = row["gigawatts"]
        spoken = f"|(?:{words[int(value)]})\\s+gigawatts?" if value == int(value) and int(value) in words else ""
        patterns.append((f"{value:g} GW", re.compile(rf"(?:\b{value:g}\s*(?:GW|gigawatts?)\b{spoken})", re.IGNORECASE)))
    if row["chips_bound"] == "up to" and pd.notna(row["chips"]):
        value = row["chips"]
        forms = [f"{value:,.0f}", f"{value:.0f}"]
        if value % 1_000_000 == 0:
            millions = int(value // 1_000_000)
            forms += [f"{millions} million"] + ([f"(?:{words[millions]}) million"] if millions in words else [])
        family = re.escape(str(row["chip_family"]).split()[0])
        patterns.append((f"{value:,.0f} {row['chip_family']} chips",
                         re.compile(r"\b(?:" + "|".join(forms) + rf")\s+(?:\w+\s+)?{family}", re.IGNORECASE)))
    return patterns


def _names_of(row: pd.Series) -> list[str]:
    """What prose calls a capacity row's deal: its vendor, the first word of its chip family
    and the deal's names in DEAL_NAMES."""
    return [row["vendor"], str(row["chip_family"]).split()[0], *DEAL_NAMES.get(row["tranche"], ())]


def dropped_hedges(found: list[Passage], capacity: pd.DataFrame) -> list[Finding]:
    """Figures typed by hand, in a sentence that names the deal, that match an "up to"
    figure of data/capacity.csv (gigawatts_bound or chips_bound) with no bound at all before
    them (BOUND_WORDS): "committed to 1 GW" where the deal says "up to 1 GW"."""
    problems = []
    rows = capacity[(capacity["gigawatts_bound"] == "up to") | (capacity["chips_bound"] == "up to")]
    for passage in found:
        text = _outside_roles(passage.text)
        for capacity_id, row in rows.iterrows():
            if not any(re.search(rf"\b{re.escape(name)}", text) for name in _names_of(row)):
                continue
            for figure, pattern in _figure_patterns(row):
                for match in pattern.finditer(text):
                    before = text[max(0, match.start() - 24):match.start()].lower()
                    if not any(re.search(rf"\b{word}\s*$", before) or f"{word} " in before for word in BOUND_WORDS):
                        problems.append(Finding(passage.where, capacity_id, match.group(0), f"up to {figure}", passage.text))
    return problems


def book_notebooks() -> list[Path]:
    """The front page and every chapter notebook, in file order."""
    return [paths.ROOT / "intro.ipynb", *sorted(paths.CHAPTERS_DIR.glob("*.ipynb"))]


# --- the Sphinx extension ---------------------------------------------------------------------

def _note_data(inliner, *tables: str) -> None:
    env = getattr(getattr(inliner.document.settings, "env", None), "note_dependency", None)
    if env:
        for table in tables:
            env(str(paths.DATA_DIR / f"{table}.csv"))


def _failed(inliner, rawtext: str, lineno: int, message: str):
    error = inliner.reporter.error(message, line=lineno)
    return [inliner.problematic(rawtext, rawtext, error)], [error]


def claim_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{claim}`A1-05``` -> the claim's paraphrase from data/claims.csv, labelled: the one
    place on a page where the claim is printed in words (under its `### Claim` heading)."""
    _note_data(inliner, "claims")
    table = ledger.claims().set_index("claim_id")["claim"]
    claim_id = text.strip()
    if claim_id not in table.index:
        return _failed(inliner, rawtext, lineno, f"{{claim}} role: {claim_id!r} is not a claim id in data/claims.csv")
    node = nodes.inline("", "", classes=["chipbook-claim-text"])
    node += nodes.strong("What the article says: ", "What the article says: ")
    node += nodes.Text(table[claim_id])
    return [node], []


def verdict_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{verdict}`A1-05``` -> the claim's verdict, in italics, from data/claims.csv."""
    _note_data(inliner, "claims")
    verdicts = ledger.claims().set_index("claim_id")["verdict"]
    claim_id = text.strip()
    if claim_id not in verdicts.index:
        return _failed(inliner, rawtext, lineno, f"{{verdict}} role: {claim_id!r} is not a claim id in data/claims.csv")
    verdict = verdicts[claim_id]
    return [nodes.emphasis(verdict, verdict, classes=["chipbook-verdict-word"])], []


def capacity_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{capacity}`cap-11``` or ``{capacity}`cap-05:chips``` -> the figure with its bound."""
    _note_data(inliner, "capacity")
    capacity_id, _, unit = text.strip().partition(":")
    try:
        figure = capacity_figure(capacity_id, unit or None)
    except (KeyError, ValueError) as err:
        return _failed(inliner, rawtext, lineno, f"{{capacity}} role: {text!r}: {err} (data/capacity.csv)")
    return [nodes.inline(figure, figure, classes=["chipbook-figure"])], []


def state_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{state}`cap-11``` -> the capacity row's state with its basis (`capacity_state`):
    "contracted", "in service, by report", "expected in service by the end of May 2026"."""
    _note_data(inliner, "capacity")
    try:
        state = capacity_state(text.strip())
    except KeyError:
        return _failed(inliner, rawtext, lineno, f"{{state}} role: {text!r} is not a capacity_id in data/capacity.csv")
    return [nodes.inline(state, state, classes=["chipbook-state"])], []


def add_claim_previews(app, doctree, docname: str) -> None:
    """Give each claim link chipbook_find put in prose the preview the tables give."""
    if app.builder.format != "html":
        return
    known = set(ledger.claims()["claim_id"])
    for n, link in enumerate(list(doctree.findall(nodes.reference)), start=1):
        claim_id = link.astext()
        if "chipbook-claim-link" not in link.get("classes", []) or claim_id not in known:
            continue
        link.replace_self(nodes.raw("", ledger.claim_preview(claim_id, link["refuri"], f"claimtip-prose-{n}"),
                                    format="html"))


def setup(app):
    app.add_role("claim", claim_role)
    app.add_role("verdict", verdict_role)
    app.add_role("capacity", capacity_role)
    app.add_role("state", state_role)
    # After chipbook_find's claim links (doctree-resolved, default priority 500).
    app.connect("doctree-resolved", add_claim_previews, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
