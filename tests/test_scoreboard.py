"""The weighted scoreboard (chipbook.scoreboard) on hand-made argument graphs and ledgers,
then invariants of the live one."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from chipbook import argument_map, ledger, scoreboard


def _graph() -> nx.DiGraph:
    """a -> c -> d and b -> c (supports); e qualifies d; f contrasts with c; g stands alone."""
    g = nx.DiGraph()
    g.add_nodes_from("abcdefg")
    g.add_edges_from([("a", "c"), ("b", "c"), ("c", "d")], kind="supports")
    g.add_edge("e", "d", kind="qualifies")
    g.add_edge("f", "c", kind="contrasts")
    return g


def test_a_claim_weighs_the_claims_that_rest_on_it_along_supporting_links():
    # a and b: c and d rest on them (2); c: d (1); d, a final conclusion, 0; a qualifier (e),
    # a contrast (f) and a claim outside the argument (g) carry nothing.
    w = scoreboard.weights(_graph())
    assert w.to_dict() == {"a": 2, "b": 2, "c": 1, "d": 0, "e": 0, "f": 0, "g": 0}
    assert list(w.index[:3]) == ["a", "b", "c"], "heaviest first, ties by id"


def test_every_link_kind_can_be_counted():
    # f -> c -> d: 2; e -> d: 1
    w = scoreboard.weights(_graph(), kinds=("supports", "qualifies", "contrasts"))
    assert (w["e"], w["f"]) == (1, 2)


def test_load_bearing_claims_carry_a_share_of_their_article():
    w = scoreboard.weights(_graph())
    # 7 claims x 0.2 = 1.4: a and b (2) qualify, c (1) does not
    assert list(scoreboard.load_bearing(w, 7).index) == ["a", "b"]
    # 10 claims x 0.1 = 1: c joins them
    assert list(scoreboard.load_bearing(w, 10, share=0.1).index) == ["a", "b", "c"]
    with pytest.raises(ValueError, match="no claim carries 50% of 7 claims"):
        scoreboard.load_bearing(w, 7, share=0.5)


def test_the_count_takes_its_range_from_the_borderline_claims():
    table = pd.DataFrame({
        "claim_id": ["X-1", "X-2", "X-3", "X-4", "X-5"],
        "verdict": ["supported", "complicated", "partly supported", "partly supported", "contradicted"],
        "alternative_verdict": [None, "partly supported", "complicated", "contradicted", None],
    })
    # holds now: X-1, X-2 = 2; X-2 could lose it (low 1); X-3 could gain it (high 3); X-4 moves
    # between two verdicts that do not hold up and changes nothing.
    assert scoreboard.holds_range(table) == {"claims": 5, "holds": 2, "low": 1, "high": 3, "borderline": 3}


def test_the_weighted_share_counts_a_claim_once_and_once_more_for_each_claim_on_it():
    table = pd.DataFrame({"claim_id": ["a", "b", "c", "d"],
                          "verdict": ["supported", "contradicted", "complicated", "partly supported"]})
    weight = pd.Series({"a": 2, "b": 2, "c": 1, "d": 0})
    # weights 1 + w: 3, 3, 2, 1 (sum 9); holding: a (3) and c (2) = 5 -> 5 / 9
    assert scoreboard.weighted_holds_share(table, weight) == pytest.approx(5 / 9)


def test_the_disagreement_counts_and_their_sentence():
    table = pd.DataFrame({"held_late_2024": ["A2", "A2", "not yet known"], "held_2026": ["A1", "both in part", "A1"]})
    counts = ledger.disagreement_counts(table)
    assert (counts["questions"], counts["news_then"], counts["unknown_then"], counts["strategy_now"],
            counts["both_now"]) == (3, 2, 1, 2, 1)
    text = ledger.right_at_different_times_markdown(table)
    # Every question counted at each time: 2 + 1 then, 2 + 1 now.
    assert "On the 3 questions" in text and "news article's account on 2, and leaves 1 open;" in text
    assert "strategy article on 2 and both in part on 1." in text
    mixed = pd.DataFrame({"held_late_2024": ["A2", "both in part", "A1"], "held_2026": ["A1"] * 3})
    assert ("late 2024, when both were written, bears out the news article's account on 1, the strategy "
            "article's on 1 and both in part on 1;") in ledger.right_at_different_times_markdown(mixed)


# --- the live argument maps -----------------------------------------------------------------

@pytest.mark.parametrize("article", ["A1", "A2"])
def test_live_weights_stay_within_the_article_and_conclusions_weigh_nothing(article):
    g = argument_map.graph(article)
    w = scoreboard.weights(g)
    assert set(w.index) == set(g) and w.between(0, len(g) - 1).all()
    assert (w[argument_map.conclusions(g)] == 0).all()
    assert (w <= scoreboard.weights(g, kinds=("supports", "qualifies", "contrasts"))[w.index]).all()


def test_live_front_page_numbers_add_up():
    chosen = scoreboard.load_bearing_claims()
    assert set(chosen["article"]) == {"A1", "A2"}
    assert (chosen["weight"] >= scoreboard.LOAD_BEARING_SHARE * chosen["article_claims"]).all()
    span = scoreboard.holds_range(ledger.claims())
    assert span["low"] <= span["holds"] <= span["high"]
    assert span["holds"] == ledger.headline_total()["holds"]
    text = scoreboard.count_markdown()
    assert f"**{span['holds']}** [hold up]" in text and f"Of all **{span['claims']}** claims" in text
