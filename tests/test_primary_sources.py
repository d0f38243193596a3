"""Primary-source coverage of the claims ledger.

A claim should rest on at least one primary source (vendor documentation, company
release, regulatory filing or paper: vocabulary.PRIMARY_SOURCE_KINDS) wherever one can
exist. A few claims cannot have one (for example a characterisation of how the press
framed a question); each of those must say so in its verdict_reason with the phrase
NO_PRIMARY_MARKER, and there may be at most MAX_WITHOUT_PRIMARY of them.
The convention is written down in CONTRIBUTING.md, "Add a claim".
"""

from __future__ import annotations

import pandas as pd

from chipbook import load_table
from chipbook.vocabulary import PRIMARY_SOURCE_KINDS

MAX_WITHOUT_PRIMARY = 5
NO_PRIMARY_MARKER = "no primary source"

CLAIMS = load_table("claims")
EVIDENCE = load_table("evidence")
SOURCES = load_table("sources")


def claims_without_primary(claims: pd.DataFrame, evidence: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The claims (rows of `claims`) with no evidence row whose source kind is primary."""
    kinds = evidence.merge(sources[["source_id", "kind"]], on="source_id", how="left")
    with_primary = set(kinds.loc[kinds["kind"].isin(PRIMARY_SOURCE_KINDS), "claim_id"])
    return claims[~claims["claim_id"].isin(with_primary)]


def says_why(reason) -> bool:
    return isinstance(reason, str) and NO_PRIMARY_MARKER in reason.lower()


def test_the_ledger_is_not_empty():
    assert len(CLAIMS) >= 40 and len(EVIDENCE) >= 2 * len(CLAIMS)


def test_few_claims_lack_a_primary_source():
    missing = claims_without_primary(CLAIMS, EVIDENCE, SOURCES)
    assert len(missing) <= MAX_WITHOUT_PRIMARY, (
        f"{len(missing)} claims have no evidence row from a primary source "
        f"(at most {MAX_WITHOUT_PRIMARY} allowed): {', '.join(missing['claim_id'])}"
    )


def test_each_claim_without_a_primary_source_says_why():
    missing = claims_without_primary(CLAIMS, EVIDENCE, SOURCES)
    silent = missing[~missing["verdict_reason"].map(says_why)]
    assert silent.empty, (
        f"claims without a primary-source evidence row whose verdict_reason does not say "
        f"'{NO_PRIMARY_MARKER}' and why: {', '.join(silent['claim_id'])}"
    )


def test_the_marker_is_not_left_on_claims_that_have_a_primary_source():
    missing = set(claims_without_primary(CLAIMS, EVIDENCE, SOURCES)["claim_id"])
    stale = CLAIMS[CLAIMS["verdict_reason"].map(says_why) & ~CLAIMS["claim_id"].isin(missing)]
    assert stale.empty, (
        f"verdict_reason says '{NO_PRIMARY_MARKER}' but the claim cites one: {', '.join(stale['claim_id'])}"
    )


def test_the_check_counts_a_primary_row_and_ignores_a_press_row():
    claims = pd.DataFrame({"claim_id": ["X-01", "X-02"], "verdict_reason": ["", ""]})
    sources = pd.DataFrame({"source_id": ["filing", "news"], "kind": ["regulatory filing", "press"]})
    evidence = pd.DataFrame({"claim_id": ["X-01", "X-02"], "source_id": ["filing", "news"]})
    assert list(claims_without_primary(claims, evidence, sources)["claim_id"]) == ["X-02"]
