"""The second-article chapter's table pairs each news-article claim with a strategy-article
claim, and its judgments agree with the ledger's verdicts."""

from __future__ import annotations

from chipbook import load_table

DISAGREEMENTS = load_table("article_disagreements")
CLAIMS = load_table("claims").set_index("claim_id")


def test_each_pair_sets_a_news_claim_against_a_strategy_claim():
    assert DISAGREEMENTS["a2_claim_id"].str.startswith("A2-").all()
    assert DISAGREEMENTS["a1_claim_id"].str.startswith("A1-").all()
    assert not DISAGREEMENTS.duplicated(["a2_claim_id", "a1_claim_id"]).any()


def test_an_account_said_to_hold_is_not_contradicted_in_the_ledger():
    """If the table says an article's account held by 2026, the ledger must not call
    that article's claim contradicted or unverified."""
    for row in DISAGREEMENTS.itertuples():
        for article, claim_id in (("A1", row.a1_claim_id), ("A2", row.a2_claim_id)):
            if row.held_2026 == article:
                assert CLAIMS.loc[claim_id, "verdict"] not in ("contradicted", "unverified"), row.pair_id


def test_the_deciding_source_is_evidence_for_one_of_the_pair():
    evidence = load_table("evidence")
    for row in DISAGREEMENTS.itertuples():
        cited = evidence[evidence["claim_id"].isin([row.a1_claim_id, row.a2_claim_id])]["source_id"]
        assert row.source_id in set(cited), f"{row.pair_id}: {row.source_id} is not evidence for its claims"
