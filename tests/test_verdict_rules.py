"""The verdict rules (data/verdict_rules.csv): each recurring case has one written rule, every
claim names the rule it applied, and `make check` refuses a verdict its rule does not allow.

Three kinds of test: the check itself on a small hand-made rules table; one hand-made case per
rule of the book, each a claim row written here (never a row of the live ledger) whose outcome
is worked in the comment, checked against that rule's written verdicts; and invariants of the
live ledger that hold whatever the verdicts are.
"""

from __future__ import annotations

import re

import pytest

from chipbook import ledger, load_table, paths
from chipbook.check import (allowed_verdicts, check_reason_figures, check_rules, check_thin_evidence,
                            check_verdict_meanings, check_verdict_rules, figures)
from chipbook.data import DataError, rows
from chipbook.vocabulary import READING_MARK, VERDICTS

FILE = "claims.csv"
# A hand-made rules table for the check's own tests: two rules, small and fixed.
FIXTURE_RULES = [
    {"rule_id": "forecast", "precedence": "1", "allowed_verdicts": "supported; contradicted; unverified",
     "_row": 1, "_line": 2},
    {"rule_id": "parts", "precedence": "2", "allowed_verdicts": "supported; complicated; partly supported",
     "_row": 2, "_line": 3},
]


def claim(rule_id: str, verdict: str, alternative_rule_id: str = "", alternative_verdict: str = "",
          row: int = 1, claim_id: str = "X-01", text: str = "A claim.", reason: str = "A reason.") -> dict:
    """One hand-made claims row as `data.rows` gives it (row 1 sits on line 2)."""
    return {"claim_id": claim_id, "rule_id": rule_id, "verdict": verdict, "alternative_rule_id": alternative_rule_id,
            "alternative_verdict": alternative_verdict, "claim": text, "verdict_reason": reason,
            "_row": row, "_line": row + 1}


def link(premise: str, conclusion: str) -> dict:
    return {"premise_claim_id": premise, "conclusion_claim_id": conclusion, "_row": 1, "_line": 2}


# --- the check, on the hand-made rules table --------------------------------------------

def test_a_verdict_its_rule_allows_passes():
    check_verdict_rules([claim("forecast", "unverified"), claim("forecast", "supported", "parts", "partly supported", row=2)],
                        FIXTURE_RULES, FILE)


def test_a_verdict_its_rule_does_not_allow_is_refused_with_one_message():
    with pytest.raises(DataError) as caught:
        check_verdict_rules([claim("parts", "supported"), claim("forecast", "complicated", row=2, claim_id="X-02")],
                            FIXTURE_RULES, FILE)
    assert str(caught.value) == (
        "claims.csv, row 2 (line 3), column 'verdict': X-02 is 'complicated' under rule 'forecast', which allows "
        "only: supported, contradicted, unverified; expected one of the verdicts rule 'forecast' allows, or another "
        "rule of data/verdict_rules.csv if the claim is not that rule's case")


def test_an_alternative_verdict_its_rule_does_not_allow_is_refused():
    with pytest.raises(DataError) as caught:
        check_verdict_rules([claim("forecast", "unverified", "parts", "contradicted")], FIXTURE_RULES, FILE)
    assert str(caught.value).startswith(
        "claims.csv, row 1 (line 2), column 'alternative_verdict': X-01 would be 'contradicted' under rule 'parts', "
        "which allows only: supported, complicated, partly supported; expected one of the verdicts rule 'parts' allows")


@pytest.mark.parametrize("rule_id, verdict, column", [("forecast", "", "alternative_verdict"),
                                                      ("", "supported", "alternative_rule_id")])
def test_an_alternative_is_a_rule_and_a_verdict_together(rule_id, verdict, column):
    with pytest.raises(DataError) as caught:
        check_verdict_rules([claim("parts", "complicated", rule_id, verdict)], FIXTURE_RULES, FILE)
    assert str(caught.value) == (
        f"claims.csv, row 1 (line 2), column '{column}': X-01 names only one of alternative_rule_id and "
        "alternative_verdict; expected both (a borderline rule and the verdict it would give) or neither")


def test_an_alternative_that_gives_the_same_verdict_is_refused():
    # forecast gives supported; the next rule that fits must give something else, or there is none
    with pytest.raises(DataError, match="X-01 records an alternative that gives its own verdict 'supported'"):
        check_verdict_rules([claim("forecast", "supported", "parts", "supported")], FIXTURE_RULES, FILE)


def test_an_alternative_earlier_in_precedence_is_refused():
    # the lowest precedence number that fits applies: parts (2) with forecast (1) fitting too
    # means forecast should have been the rule
    with pytest.raises(DataError) as caught:
        check_verdict_rules([claim("parts", "partly supported", "forecast", "unverified")], FIXTURE_RULES, FILE)
    assert str(caught.value) == (
        "claims.csv, row 1 (line 2), column 'alternative_rule_id': X-01 has the alternative 'forecast' (precedence 1) "
        "before its rule 'parts' (precedence 2); expected 'forecast' as the rule, since the lowest precedence number "
        "whose case fits applies, or an alternative that comes later in precedence")


def test_a_rule_is_its_own_alternative_only_for_a_sentence_read_two_ways():
    with pytest.raises(DataError, match="X-01 names its own rule 'parts' as its alternative"):
        check_verdict_rules([claim("parts", "partly supported", "parts", "supported")], FIXTURE_RULES, FILE)
    # the same row passes once the claim says which reading it tests
    check_verdict_rules([claim("parts", "partly supported", "parts", "supported",
                               text="In the book's reading, X ran mainly on C.")], FIXTURE_RULES, FILE)


# The two rules whose order the third review found skipped (A1-01, A1-35 judged by parts-and-caveats).
ORDERED_RULES = [
    {"rule_id": "time-of-writing", "precedence": "8", "allowed_verdicts": "supported; outdated; contradicted",
     "_row": 1, "_line": 2},
    {"rule_id": "parts-and-caveats", "precedence": "9", "allowed_verdicts": "supported; complicated; partly supported",
     "_row": 2, "_line": 3},
]


@pytest.mark.parametrize("text", ["X runs its workloads on chips A, B and C.", "X's commitment is a mix of cash and credits.",
                                  "The earlier deal included access to servers."])
def test_a_single_state_of_affairs_is_refused_to_a_rule_later_in_precedence(text):
    # what runs where, how a deal stands: the time-of-writing case, which comes first in precedence
    with pytest.raises(DataError) as caught:
        check_verdict_rules([claim("parts-and-caveats", "partly supported", text=text)], ORDERED_RULES, FILE)
    assert str(caught.value).startswith("claims.csv, row 1 (line 2), column 'rule_id': X-01 states one changeable "
                                        "state of affairs (")
    assert "expected 'time-of-writing' (precedence 8), whose case" in str(caught.value)
    check_verdict_rules([claim("time-of-writing", "contradicted", text=text)], ORDERED_RULES, FILE)


@pytest.mark.parametrize("text", ["X's multi-chip strategy signals that the race is no longer decided by GPUs.",
                                  "X trains and serves the same model on A and B, and does so seamlessly.",
                                  "X can shift work to another vendor when one runs short.",
                                  "Because of its deal, X runs on A as much as on B."])
def test_a_claim_with_a_mark_the_time_of_writing_case_excludes_stays_with_parts_and_caveats(text):
    check_verdict_rules([claim("parts-and-caveats", "partly supported", text=text)], ORDERED_RULES, FILE)


def test_complicated_needs_a_caveat_that_bears_on_a_conclusion_that_does_not_hold():
    # X-01 supports X-02; complicated is allowed only while X-02 is not supported and the reason
    # gives the caveat and names X-02 (data/verdict_principles.csv: complicated)
    premise = claim("parts", "complicated", reason="Every part holds. Caveat: only for inference, one reason X-02 fails.")
    weak = claim("parts", "partly supported", row=2, claim_id="X-02")
    check_verdict_rules([premise, weak], FIXTURE_RULES, FILE, [link("X-01", "X-02")])
    strong = claim("parts", "supported", row=2, claim_id="X-02")
    with pytest.raises(DataError, match=r"X-01 is 'complicated' but its reason names no conclusion it supports that "
                                        r"does not hold \(it supports no conclusion whose verdict is other than supported\)"):
        check_verdict_rules([premise, strong], FIXTURE_RULES, FILE, [link("X-01", "X-02")])
    unlabelled = claim("parts", "complicated", reason="Every part holds, but only for inference (X-02).")
    with pytest.raises(DataError, match="X-01 is 'complicated' but its reason gives no caveat"):
        check_verdict_rules([unlabelled, weak], FIXTURE_RULES, FILE, [link("X-01", "X-02")])


def test_make_check_refuses_a_claim_whose_rule_does_not_allow_its_verdict(scratch):
    """The rule check runs inside check_rules (make check): a claim moved to a verdict its rule
    does not give is refused even with a verdict_history row recording the move."""
    claims = scratch.rows("claims")
    target = next(c for c in claims if c["rule_id"] == "hedged-forecast")
    target["verdict"] = "complicated"
    scratch.write_rows("claims", claims)
    history = scratch.rows("verdict_history")
    history.append({"claim_id": target["claim_id"], "date": "2099-01-01", "verdict_before": "",
                    "verdict_after": "complicated", "reason": "hand-made move for the test"})
    scratch.write_rows("verdict_history", history)
    row = claims.index(target) + 1
    with pytest.raises(DataError) as caught:
        check_rules(scratch.folder)
    assert str(caught.value).startswith(
        f"{scratch.path('claims')}, row {row} (line {row + 1}), column 'verdict': {target['claim_id']} is "
        "'complicated' under rule 'hedged-forecast', which allows only: ")


def test_an_unknown_rule_id_is_refused_by_validation(scratch):
    scratch.set_value("claims", 1, "rule_id", "no-such-rule")
    with pytest.raises(DataError, match=r"row 1 \(line 2\), column 'rule_id': 'no-such-rule'"):
        check_rules(scratch.folder)


# --- figures in a reason (data/verdict_principles.csv: sourcing) ---------------------------

def row(claim_id: str, finding: str, n: int = 1) -> dict:
    """One hand-made evidence row as `data.rows` gives it."""
    return {"evidence_id": f"{claim_id}-e{n}", "claim_id": claim_id, "finding": finding, "_row": n, "_line": n + 1}


def test_figures_reads_dollars_percentages_multiples_and_both_ends_of_a_range():
    found = [(kind, str(value)) for kind, value, _ in
             figures("up 142% to $115.2B, 1.3-1.9x less power, $30-40B sought, 92 percent, 500,000 chips in 2025, "
                     "$500m and $1.5bn")]
    # counts (500,000) and years (2025) are not figures; '1.3-1.9x' gives both ends as multiples;
    # a scale is read in either case and spelled out ('$500m' is '$500M')
    assert found == [("%", "142"), ("$B", "115.2"), ("x", "1.3"), ("x", "1.9"), ("$B", "30"), ("$B", "40"),
                     ("%", "92"), ("$M", "500"), ("$B", "1.5")]


def test_a_reason_figure_its_rows_carry_at_its_precision_passes():
    # 71% rounds 71.1%; $8B is $8.0B written with a decimal; '30-40%' is carried end by end
    check_reason_figures([claim("parts", "partly supported", reason="Margin 71%; $8B; 30-40% better.")],
                         [row("X-01", "A 71.1% margin and $8.0B invested."), row("X-01", "30-40% better", 2)], FILE)


def test_a_reason_figure_no_row_of_its_own_claim_carries_is_refused():
    # the figure sits in another claim's row, not in X-01's: the kind of A1-43's 142%
    # and A2-05's $8B, which the second review found
    with pytest.raises(DataError) as caught:
        check_reason_figures([claim("parts", "partly supported", reason="Revenue rose 142% and $4B became $8B.")],
                             [row("X-01", "Amazon added $4B."), row("X-02", "Revenue rose 142%.", 2)], FILE)
    assert str(caught.value) == (
        "claims.csv, row 1 (line 2), column 'verdict_reason': X-01's reason gives 142%, $8B, which none of its "
        "evidence rows carries; expected each figure of the reason in one of the claim's own evidence rows (add "
        "the row that carries it, citing its source, or drop the figure)")


def test_make_check_refuses_a_reason_figure_no_row_carries(scratch):
    claims = scratch.rows("claims")
    claims[0]["verdict_reason"] = "A reason that quotes $987.6B, a figure no evidence row gives."
    scratch.write_rows("claims", claims)
    with pytest.raises(DataError, match=r"row 1 \(line 2\), column 'verdict_reason': A1-01's reason gives \$987.6B"):
        check_rules(scratch.folder)


# --- degrees of agreement (the no-yardstick rule) -------------------------------------------
AGREEMENT_RULES = [{"rule_id": "no-yardstick", "precedence": "6",
                    "allowed_verdicts": "supported; outdated; partly supported; contradicted; unverified",
                    "_row": 1, "_line": 2}]
WELL_ESTABLISHED = "The edge of X over Y is well established."


@pytest.mark.parametrize("reason, says", [
    ("Base shown for one case. Not 'well established'.", "calls it failed ('Not 'well established')"),  # A1-07's words
    ("Base shown for some cases. No independent studies found agree.", "does not call it unmeasured"),
])
def test_a_degree_of_agreement_no_two_sources_measure_is_unmeasured_not_failed(reason, says):
    with pytest.raises(DataError) as caught:
        check_verdict_rules([claim("no-yardstick", "partly supported", text=WELL_ESTABLISHED, reason=reason)],
                            AGREEMENT_RULES, FILE)
    assert str(caught.value).startswith("claims.csv, row 1 (line 2), column 'verdict_reason': X-01 is 'partly "
                                        f"supported' with the degree of agreement 'well established', but its reason {says}")
    check_verdict_rules([claim("no-yardstick", "partly supported", text=WELL_ESTABLISHED,
                               reason="Base shown for one case. 'Well established' is unmeasured.")], AGREEMENT_RULES, FILE)
    # two independent sources denying it make the degree fail: contradicted, which may say so
    check_verdict_rules([claim("no-yardstick", "contradicted", text=WELL_ESTABLISHED,
                               reason="Base shown; two studies say it is not well established.")], AGREEMENT_RULES, FILE)


# --- thin evidence (data/verdict_principles.csv: sourcing) -----------------------------------

SOURCES = [{"source_id": "own", "publisher": "Outlet"}, {"source_id": "other", "publisher": "Other Outlet"},
           {"source_id": "relay", "publisher": "Aggregator (citing Outlet)"}, {"source_id": "weak", "publisher": "Blog"}]


def support(source_id: str, n: int, confidence: str = "medium", stance: str = "supports") -> dict:
    return {**row("X-01", "finding", n), "source_id": source_id, "stance": stance, "confidence": confidence}


def test_a_held_verdict_on_one_source_of_weight_must_say_it_is_thin():
    # A2-08's kind: one medium row of its own, a low-graded copy and a relay of the article's source
    evidence = [support("own", 1), support("weak", 2, "low"), support("relay", 3)]
    with pytest.raises(DataError) as caught:
        check_thin_evidence([claim("parts", "supported")], evidence, SOURCES, FILE)
    assert str(caught.value) == (
        "claims.csv, row 1 (line 2), column 'verdict_reason': X-01 is 'supported' with supporting rows from 1 "
        "source(s) graded above low that report on their own (own); expected 'Thin:' in the reason, saying what the "
        "verdict rests on (a low-graded copy, a relay, one source), or a second supporting row of weight")
    check_thin_evidence([claim("parts", "supported", reason="Held. Thin: one report, relayed.")], evidence, SOURCES, FILE)
    # two sources of weight, or a verdict that does not say the claim held, need no label
    check_thin_evidence([claim("parts", "supported")], [*evidence, support("other", 4)], SOURCES, FILE)
    check_thin_evidence([claim("parts", "partly supported")], evidence, SOURCES, FILE)
    # a complicating row is not support
    with pytest.raises(DataError, match="X-01 is 'outdated'"):
        check_thin_evidence([claim("parts", "outdated")], [*evidence, support("other", 4, stance="complicates")],
                            SOURCES, FILE)


def test_the_sourcing_principle_states_the_thin_label():
    statement = next(p["statement"] for p in rows("verdict_principles") if p["principle_id"] == "sourcing")
    assert "'Thin:'" in statement


# --- what each verdict means (data/verdicts.csv) -------------------------------------------

def meanings(order: list[str]) -> list[dict]:
    return [{"verdict": v, "meaning": "m", "_row": i + 1, "_line": i + 2} for i, v in enumerate(order)]


def test_the_verdict_meanings_list_every_verdict_once_in_order():
    check_verdict_meanings(meanings(VERDICTS), "verdicts.csv")
    swapped = [VERDICTS[1], VERDICTS[0], *VERDICTS[2:]]
    with pytest.raises(DataError) as caught:
        check_verdict_meanings(meanings(swapped), "verdicts.csv")
    assert str(caught.value).startswith("verdicts.csv, row 1 (line 2), column 'verdict': lists the verdicts as "
                                        f"{', '.join(swapped)}; expected one row per verdict, in this order: ")
    with pytest.raises(DataError, match="expected one row per verdict"):
        check_verdict_meanings(meanings(VERDICTS[:-1]), "verdicts.csv")


def test_the_front_page_draws_its_verdict_table_from_the_data():
    """The meanings are stated once, in data/verdicts.csv: the front page shows them through
    ledger.verdict_meanings_table and types no table of its own."""
    import json

    page = ledger.verdict_meanings_table().data
    for v in load_table("verdicts").itertuples():
        assert f"chipbook-verdict-{v.verdict.replace(' ', '-')}" in page
        assert v.meaning.replace("'", "&#x27;") in page
    notebook = json.loads((paths.ROOT / "intro.ipynb").read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in notebook["cells"]]
    assert any("ledger.verdict_meanings_table()" in s for s in sources)
    assert not any(re.search(r"^\|\s*\*\*(supported|unverified)\*\*", s, re.M) for s in sources), \
        "the front page types a verdict table; show ledger.verdict_meanings_table() instead"


# --- one hand-made case per rule of the book ----------------------------------------------
# Each case: the rule, the claim and its evidence in words, the verdict the rule's test gives,
# and a verdict the rule must refuse (the one a reader might be tempted to give).
CASES = {
    # "AWS claims X delivers four times the performance of Y"; AWS said "up to 4x faster training
    # performance": the claim (keeping the article's words) drops the hedge and widens the measure,
    # so partly supported; that newer chips beat the figure is in the evidence rows, so the
    # verdict is never complicated.
    "vendor-statement": ("partly supported", "complicated"),
    # "Lab X may lead in 2030"; it is 2026: the outcome is not yet decidable, so unverified;
    # a caveat on how it might happen cannot make it complicated or partly supported.
    "hedged-forecast": ("unverified", "partly supported"),
    # "Per one outlet's unnamed sources, X prefers Y"; relayed by two outlets, never confirmed
    # or denied on the record: unverified, however often relayed; never complicated. (Had an
    # outlet of its own confirmed the reason the report gives, that element would make it
    # partly supported: see test_anonymous_report_elements below.)
    "anonymous-report": ("unverified", "complicated"),
    # "Investor A's deal is larger than B's", on announced ceilings: A 8 > B 2 when written,
    # B's ceiling 43 > A's 33 since, while A still leads on money paid: outdated. The paid
    # measure goes in the reason; it cannot turn the verdict into complicated.
    "announced-ceiling": ("outdated", "complicated"),
    # "Company X does A to avoid B": A shown, B only in analysts' words, X's own statements name
    # other reasons: partly supported; a motive is judged at its moment, never outdated.
    "motive": ("partly supported", "outdated"),
    # "X is the most sophisticated example": the base (X is an example) is shown, 'most' is
    # measured by no source: partly supported; the degree cannot make it complicated.
    "no-yardstick": ("partly supported", "complicated"),
    # "The whole industry uses C": two leading members used another platform when the article
    # was written: a universal with counter-cases, so contradicted. The rule allows every
    # verdict (a generic plural no source covers is unverified), so it refuses none.
    "class-claim": ("contradicted", None),
    # "Lab X has not published an infrastructure paper": none when written, none since:
    # supported; a single state of affairs is never partly supported.
    "time-of-writing": ("supported", "partly supported"),
    # "X is a mix of cash and credits": cash shown, credits not: one part holds and one fails,
    # so partly supported; a later development goes after 'Since:', never to outdated (the
    # time-of-writing rule has single changeable states).
    "parts-and-caveats": ("partly supported", "outdated"),
}
RULES = rows("verdict_rules")


def test_every_rule_of_the_book_has_a_hand_made_case():
    assert {r["rule_id"] for r in RULES} == set(CASES), "add a hand-made case here for each rule, and only for rules"


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_each_rule_gives_its_case_verdict(rule_id):
    check_verdict_rules([claim(rule_id, CASES[rule_id][0])], RULES, FILE)


@pytest.mark.parametrize("rule_id", sorted(r for r, (_, refuses) in CASES.items() if refuses))
def test_each_rule_refuses_the_tempting_verdict(rule_id):
    refuses = CASES[rule_id][1]
    with pytest.raises(DataError, match=rf"X-01 is '{refuses}' under rule '{rule_id}', which allows only"):
        check_verdict_rules([claim(rule_id, refuses)], RULES, FILE)


def test_a_rule_that_allows_every_verdict_says_so_in_its_case():
    """Only class-claim may allow all six verdicts; any other rule that did would refuse
    nothing, and its hand-made case above must name a verdict it refuses."""
    everything = [r["rule_id"] for r in RULES if set(allowed_verdicts(r)) == set(VERDICTS)]
    assert everything == [r for r, (_, refuses) in CASES.items() if refuses is None]


# --- the tightened tests, each on the kind of case a second review found judged two ways --------
# These read the rule's test text for the words that settle each case, so a rewrite that drops
# a branch fails here; the live claims they were written for are named in each comment.
TESTS = {r["rule_id"]: r["test"] for r in RULES}


@pytest.mark.parametrize("rule_id, words", [
    ("class-claim", ["group"]),                        # A2-15, A2-11: a finding about a group of deals
    ("anonymous-report", ["element"]),                 # A2-04, A2-07: what an element of a report is
    ("no-yardstick", ["bears on the degree"]),         # A1-03, A1-44: the degree word; disagreeing sources
    ("hedged-forecast", ["instance", "horizon"]),      # A2-11 against A1-28, A2-12: vague outcomes
    ("motive", ["plain synonym", "its own time"]),     # A1-24, A2-13: synonyms; later statements
    ("parts-and-caveats", ["no longer"]),              # A1-43: interpretive change claims
])
def test_each_tightened_rule_states_the_case_it_settles(rule_id, words):
    for word in words:
        assert word in TESTS[rule_id], f"{rule_id}'s test no longer says '{word}'"


def test_an_interpretive_change_claim_is_not_a_single_state_of_affairs():
    case = next(r["case"] for r in RULES if r["rule_id"] == "time-of-writing")
    assert "no longer" in case and "parts-and-caveats" in case


# --- invariants of the live ledger ---------------------------------------------------------
CLAIMS = load_table("claims")


def test_every_claim_names_a_rule_that_allows_its_verdict_and_its_alternative():
    check_verdict_rules(rows("claims"), RULES, "claims.csv")


def test_each_rule_lists_distinct_verdicts_of_the_vocabulary():
    for rule in RULES:
        verdicts = allowed_verdicts(rule)
        assert len(verdicts) == len(set(verdicts)) and set(verdicts) <= set(VERDICTS), rule["rule_id"]


def uses(table, rule_id):
    return (table["rule_id"] == rule_id) | (table["alternative_rule_id"] == rule_id)


def test_forecasts_and_hedged_claims_are_judged_as_hedged_forecasts():
    """A claim of kind forecast, or one that says something may, could or might happen, names
    the hedged-forecast rule as its rule or its borderline alternative (issue 23: one case,
    three rules)."""
    hedged = CLAIMS["claim"].str.contains(r"\b(?:may|could|might)\b") | (CLAIMS["kind"] == "forecast")
    stray = CLAIMS[hedged & ~uses(CLAIMS, "hedged-forecast")]
    assert stray.empty, f"hedged claims judged by another rule only: {list(stray['claim_id'])}"


def test_only_claims_that_read_a_sentence_two_ways_name_their_own_rule_as_alternative():
    """The two-readings principle: a claim names its own rule as its alternative only when its
    text says which reading it tests (READING_MARK); check_verdict_rules enforces it row by row,
    and this keeps the live ledger honest about it."""
    own = CLAIMS[CLAIMS["alternative_rule_id"] == CLAIMS["rule_id"]]
    stray = own[~own["claim"].str.contains(READING_MARK, case=False)]
    assert stray.empty, f"own-rule alternatives without a marked reading: {list(stray['claim_id'])}"


def test_every_alternative_comes_later_in_precedence():
    precedence = load_table("verdict_rules").set_index("rule_id")["precedence"]
    chosen = CLAIMS[CLAIMS["alternative_rule_id"].notna() & (CLAIMS["alternative_rule_id"] != CLAIMS["rule_id"])]
    early = chosen[chosen["alternative_rule_id"].map(precedence) <= chosen["rule_id"].map(precedence)]
    assert early.empty, f"alternatives before their rule in precedence: {list(early['claim_id'])}"


def test_a_caveat_label_means_a_complicated_verdict_and_back():
    """'Caveat' in a reason is the book's label for a caveat that changes the reading, which is
    the definition of complicated: a supported claim whose reason opens a caveat, or a
    complicated one that names none, is one case judged two ways (issue 23: A2-03)."""
    labelled = CLAIMS["verdict_reason"].str.contains(r"\bCaveats?\b")
    complicated = CLAIMS["verdict"] == "complicated"
    assert CLAIMS[labelled & ~complicated].empty, \
        f"reasons with a caveat label but another verdict: {list(CLAIMS[labelled & ~complicated]['claim_id'])}"
    assert CLAIMS[complicated & ~labelled].empty, \
        f"complicated claims whose reason names no caveat: {list(CLAIMS[complicated & ~labelled]['claim_id'])}"


def test_no_verdict_change_is_dated_after_the_claims_last_review():
    """A verdict change is a review: no claim has a history row dated after its last_reviewed
    date (check_rules checks that the latest row gives the verdict)."""
    history = load_table("verdict_history").sort_values("date")
    for c in CLAIMS.itertuples():
        changes = history[history["claim_id"] == c.claim_id]
        assert changes["date"].max() <= c.last_reviewed, f"{c.claim_id}: history after its last review"


# --- what readers see ---------------------------------------------------------------------

def test_the_rules_section_states_every_principle_before_the_rules():
    page = ledger.verdict_rules_table().data
    principles = load_table("verdict_principles")
    for p in principles.itertuples():
        assert f'<li id="principle-{p.principle_id}">' in page, p.principle_id
    assert page.index("<ol") < page.index("<table"), "principles come before the rules they govern"


def test_the_rules_table_lists_rules_in_order_of_precedence():
    page = ledger.verdict_rules_table().data
    order = [m for m in re.findall(r'<tr id="rule-([^"]+)"', page)]
    expected = list(load_table("verdict_rules").sort_values("precedence")["rule_id"])
    assert order == expected


def test_the_rules_table_anchors_every_rule_and_every_rule_link_lands_on_it():
    page = ledger.verdict_rules_table().data
    anchors = set(re.findall(r'<tr id="(rule-[^"]+)"', page))
    assert anchors == {ledger.rule_anchor(r["rule_id"]) for r in RULES}
    for c in CLAIMS.itertuples():
        for link in re.findall(r'href="[^"#]*#(rule-[^"]+)"', ledger.rule_note(c)):
            assert link in anchors, f"{c.claim_id} links to a rule the table does not show: {link}"


def test_a_borderline_claim_shows_both_rules_beside_its_verdict():
    borderline = next(c for c in CLAIMS.itertuples()
                      if isinstance(c.alternative_rule_id, str) and c.alternative_rule_id != c.rule_id)
    walk = ledger.evidence_walk(borderline.claim_id).data
    for rule_id in (borderline.rule_id, borderline.alternative_rule_id):
        assert f'#{ledger.rule_anchor(rule_id)}"' in walk
    assert f"borderline: {borderline.alternative_verdict} under" in walk


def test_every_verdict_table_names_the_rule_of_each_claim():
    for chapter in CLAIMS["chapter"].unique():
        page = ledger.verdict_table(chapter).data
        chosen = CLAIMS[CLAIMS["chapter"] == chapter]
        assert page.count('class="chipbook-evidence-meta chipbook-rule"') == len(chosen), chapter
