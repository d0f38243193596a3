"""The second-article chapter's timeline is assembled from the capital and optionality
tables: every deal, commitment and deployment appears once, in its lane, with its sources."""

from __future__ import annotations

from chipbook import load_table, timeline

INVESTMENTS = load_table("investments")
COMMITMENTS = load_table("compute_commitments")
CAPACITY = load_table("capacity")
EVENTS = timeline.events(INVESTMENTS, COMMITMENTS, CAPACITY)
SOURCE_IDS = set(load_table("sources")["source_id"])


def test_one_event_per_deal_commitment_and_day_of_deployment():
    counts = EVENTS["kind"].value_counts()
    assert counts["equity investment"] == INVESTMENTS["deal_id"].nunique()
    assert counts["compute commitment"] == COMMITMENTS["commitment_id"].nunique()
    in_service = CAPACITY[(CAPACITY["state"] == "in service") & (CAPACITY["basis"] != "expected")
                          & CAPACITY["chips"].notna()]
    assert counts["chips in service"] == len({(r.tranche, r.date_stated) for r in in_service.itertuples()})


def test_every_event_has_a_lane_a_date_and_known_sources():
    assert set(EVENTS["lane"]) <= set(timeline.LANES) and set(EVENTS["kind"]) <= set(timeline.KINDS)
    assert EVENTS["date"].notna().all() and EVENTS["date"].is_monotonic_increasing
    for ids in EVENTS["source_ids"]:
        assert ids and set(ids) <= SOURCE_IDS


def test_each_deal_is_dated_by_its_earliest_tranche_and_cites_all_its_sources():
    equity = timeline.equity_events(INVESTMENTS).set_index("origin_id")
    assert equity.index.is_unique
    for deal_id, rows in INVESTMENTS.groupby("deal_id"):
        assert equity.loc[deal_id, "date"] == rows["as_of"].min(), deal_id
        assert set(equity.loc[deal_id, "source_ids"]) == set(rows["source_id"]), deal_id


def test_amazon_and_aws_share_a_lane_and_others_fall_to_other():
    lanes = dict(zip(COMMITMENTS["counterparty"], timeline.commitment_events(COMMITMENTS)["lane"]))
    assert lanes.get("AWS", "Amazon") == "Amazon"
    assert all(lane == "Other" for party, lane in lanes.items() if party in ("Fluidstack", "Broadcom"))


def test_different_counts_on_one_day_are_each_shown_with_their_basis():
    for (tranche, day), rows in CAPACITY[(CAPACITY["state"] == "in service") & (CAPACITY["basis"] != "expected")
                                         & CAPACITY["chips"].notna()].groupby(["tranche", "date_stated"]):
        label = EVENTS[(EVENTS["kind"] == "chips in service") & (EVENTS["date"] == day)]["label"].iloc[0]
        if rows["chips"].nunique() > 1:
            assert "as each source counts them" in label and "sources differ" not in label
            for chips, basis in zip(rows["chips"], rows["basis"]):
                assert f"{int(chips):,} ({basis})" in label
