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

from chipbook import ledger, load_table
from chipbook.check import allowed_verdicts, check_rules, check_verdict_rules
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
    # or denied on the record: unverified, however often relayed; never complicated.
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
    # was written: a universal with counter-cases, so contradicted; not unverified.
    "class-claim": ("contradicted", "unverified"),
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
def test_each_rule_gives_its_case_verdict_and_refuses_the_tempting_one(rule_id):
    gives, refuses = CASES[rule_id]
    check_verdict_rules([claim(rule_id, gives)], RULES, FILE)
    with pytest.raises(DataError, match=rf"X-01 is '{refuses}' under rule '{rule_id}', which allows only"):
        check_verdict_rules([claim(rule_id, refuses)], RULES, FILE)


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
