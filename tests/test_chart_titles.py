"""Every chart's title is computed from the frame it draws: each chart function is run on a
small fixture with its title worked out by hand (the arithmetic in a comment), then on the
fixture changed, and the title must follow. Every chart also carries a narrow layout drawn
from the same data, with the same words. The browser check (tests/chart_measures.js) adds
the site-level half: every number of a drawn title is found in the chart's drawn data."""

from __future__ import annotations

import functools
import json

import altair as alt
import numpy as np
import pandas as pd
import pytest

from chipbook import abstraction, capital, charts, inference_charts, interconnect, ledger_charts, optionality_charts, timeline

AS_OF = pd.Timestamp("2026-11-29")
T = pd.Timestamp
ARTICLES = pd.DataFrame({"article_id": ["A1", "A2"], "date_earliest": [T("2024-11-20"), T("2024-11-07")],
                         "date_latest": [T("2025-01-21"), T("2024-11-08")]})


@pytest.fixture(autouse=True)
def theme():
    charts.enable()


def title(chart) -> str:
    return " ".join(chart.to_dict()["title"]["text"])


def spec(chart) -> dict:
    return chart.to_dict()


# --- the claims ledger ----------------------------------------------------------------------

CLAIMS = pd.DataFrame({
    "claim_id": ["A1-01", "A1-02", "A1-03", "A1-04", "A2-01", "A2-02"],
    "article": ["A1", "A1", "A1", "A1", "A2", "A2"],
    "section": ["Opening", "1. Inference economics", "3. Capital structure (the hedge)",
                "3. Capital structure (pricing power)", "Lead", "Zoom out"],
    "claim": ["c1", "c2", "c3", "c4", "c5", "c6"],
    "verdict": ["contradicted", "supported", "complicated", "partly supported", "supported", "outdated"],
})


def test_verdicts_by_article_title_counts_the_outcomes_it_draws():
    # partly supported 1 (one bar, not a sum of bars); supported 2 is the most common verdict
    chart = ledger_charts.verdicts_by_article(CLAIMS, AS_OF)
    assert title(chart) == "1 of 6 claims is only partly supported"
    # holds up = supported (2) + complicated (1) = 3 of 6; contradicted 1 + outdated 1 = 2: in the text alternative
    assert "3 hold up as stated (supported or complicated); 2 are contradicted or overtaken" in spec(chart)["description"]
    # The title's total is drawn: the both-articles bar carries it past its end.
    summaries = {r["article_label"]: r["summary"] for t in spec(chart)["datasets"].values() for r in t
                 if "summary" in r and "middle" not in r}
    assert summaries == {"Both articles": "3 of 6 hold up, 1 in part", "A1 strategy article": "2 of 4 hold up, 1 in part",
                         "A2 news article": "1 of 2 hold up, 0 in part"}
    moved = CLAIMS.assign(verdict=CLAIMS["verdict"].replace({"outdated": "supported", "partly supported": "supported"}))
    chart = ledger_charts.verdicts_by_article(moved, AS_OF)
    assert title(chart) == "0 of 6 claims are only partly supported"
    most = CLAIMS.assign(verdict=["partly supported", "partly supported", "supported", "partly supported",
                                  "supported", "outdated"])
    assert title(ledger_charts.verdicts_by_article(most, AS_OF)) == (
        "3 of 6 claims are only partly supported, the most common verdict")
    assert "Both articles: 5 of 6 hold up, 0 in part" in [
        " ".join(p["title"]["text"]) for p in spec(chart)["usermeta"]["chipbook"]["narrow"]["vconcat"]]


def test_verdicts_by_article_names_every_verdict_on_its_row_with_its_count_and_no_legend():
    # A1: contradicted 1, supported 1, complicated 1, partly supported 1; A2: supported 1, outdated 1
    chart = spec(ledger_charts.verdicts_by_article(CLAIMS, AS_OF))
    panels = chart["hconcat"]
    # one panel per article after both together, side by side, each titled with its claims in words
    assert [" ".join(p["title"]["text"]) for p in panels] == [
        "Both articles: 3 of 6 hold up, 1 in part", "A1 strategy article: 2 of 4 hold up, 1 in part",
        "A2 news article: 1 of 2 hold up, 0 in part"]
    assert not _legends(chart)
    # the verdicts are named once, on the first panel's rows, each bar with its count
    assert panels[0]["layer"][0]["encoding"]["y"]["axis"] is not None
    assert all(p["layer"][0]["encoding"]["y"]["axis"] is None for p in panels[1:])
    assert all(p["layer"][1]["encoding"]["text"]["field"] == "claims" for p in panels)
    # on shared rows, a verdict an article lacks is written as 0 on its row, side by side and stacked alike
    zeros = {r["verdict"] for t in chart["datasets"].values() for r in t
             if r.get("article_label") == "A2 news article" and r.get("claims") == 0}
    assert zeros == {"contradicted", "complicated", "partly supported"}
    narrow = chart["usermeta"]["chipbook"]["narrow"]
    assert all(p["layer"][0]["encoding"]["y"]["scale"]["domain"] == panels[0]["layer"][0]["encoding"]["y"]["scale"][
        "domain"] for p in narrow["vconcat"])


def test_verdicts_by_part_title_names_the_weakest_part_under_the_articles_headings():
    # A1: Opening 0/1, Inference economics 1/1, Capital structure (two sub-sections) 1/2; A2: Lead 1/1, Zoom out 0/1
    chart = ledger_charts.verdicts_by_part(CLAIMS, AS_OF)
    assert title(chart) == "No claim in the strategy article's opening holds up as stated"
    shares = {r["part"]: r["label"] for t in spec(chart)["datasets"].values() for r in t if "label" in r and "part" in r}
    assert shares["A1 strategy article \u00b7 Capital structure"] == "50% (1 of 2)"
    assert shares["A2 news article \u00b7 Lead"] == "100% (1 of 1)"
    # The part the title names is picked out on its bar.
    assert shares["A1 strategy article \u00b7 Opening"] == "0% (0 of 1): its lowest"
    # grouped under each article's name, each row its section alone; a part at 0% is marked by a stroke at zero
    drawn = spec(chart)
    assert [p["title"]["text"] for p in drawn["vconcat"]] == ["A1 strategy article", "A2 news article"]
    assert [p["encoding"]["y"]["field"] for p in drawn["vconcat"]] == ["section_part"] * 2
    assert sum(layer["mark"]["type"] == "tick" for p in drawn["vconcat"] for layer in p["layer"]) == 2
    moved = CLAIMS.assign(verdict=["supported", "partly supported", "complicated", "partly supported", "supported",
                                   "supported"])
    # A1: Opening 1/1, Inference economics 0/1, Capital structure 1/2; A2: both 1/1
    assert title(ledger_charts.verdicts_by_part(moved, AS_OF)) == (
        "No claim in the strategy article's inference economics holds up as stated")
    # Capital structure lowest at 1 of 2 once inference economics holds
    some = moved.assign(verdict=["supported", "supported", "complicated", "partly supported", "supported", "supported"])
    assert title(ledger_charts.verdicts_by_part(some, AS_OF)) == (
        "The strategy article's claims hold up least in its capital structure: 50%")


STANCES = pd.DataFrame({"claim_id": ["A1-01", "A1-02", "A1-03"], "supports": [2, 1, 0], "complicates": [1, 1, 2],
                        "contradicts": [0, 1, 0]})


def test_evidence_balance_title_counts_claims_with_more_caveats_than_support():
    # A1-01: 1 against 2 for; A1-02: 2 against 1; A1-03: 2 against 0 -> 2 of 3
    chart = ledger_charts.evidence_balance(CLAIMS, STANCES, AS_OF)
    assert title(chart) == "For 2 of 3 claims, caveats and contradictions outnumber the supporting evidence"
    tables = list(spec(chart)["datasets"].values())
    # sorted by supports less the rest: A1-01 +1 (row 0), A1-02 -1 (row 1), A1-03 -2 (row 2); the last two shaded
    tops = {r["claim_id"]: r["top"] for t in tables for r in t if "claim_id" in r}
    assert tops == {"A1-01": -0.4, "A1-02": 0.6, "A1-03": 1.6}
    blocks = {r["block"]: (r["top"], r["bottom"], r["label"]) for t in tables for r in t if "block" in r}
    assert blocks["heavy"] == (0.5, 2.5, "2 of 3 claims:|more caveats|than support")
    moved = STANCES.assign(supports=[2, 3, 0])
    assert title(ledger_charts.evidence_balance(CLAIMS, moved, AS_OF)).startswith("For 1 of 3 claims")


def test_evidence_balance_names_each_side_on_the_chart_not_in_a_legend():
    chart = spec(ledger_charts.evidence_balance(CLAIMS, STANCES, AS_OF))
    names = {r["name"] for t in chart["datasets"].values() for r in t if "name" in r and "align" in r}
    # A1-02's contradicting row ends 1 row from the plot's edge: no room, so it joins the complicating side's name
    assert names == {"supports \u2192", "\u2190 complicates or contradicts"}
    assert not _legends(chart)
    # with room past its end (a longer scale), the contradicting segment is named at its end, on its row
    # (ranks by balance: A1-01 +9, A1-02 +4 with 1 contradicting, A1-03 +3, A1-04 +2, A2-01 0, A2-02 -9)
    roomy = pd.DataFrame({"claim_id": list(CLAIMS["claim_id"]), "supports": [9, 5, 3, 2, 0, 0],
                          "complicates": [0, 0, 0, 0, 0, 9], "contradicts": [0, 1, 0, 0, 0, 0]})
    rows = [r for t in spec(ledger_charts.evidence_balance(CLAIMS, roomy, AS_OF))["datasets"].values() for r in t
            if r.get("name") == "contradicts"]
    assert {(r["x"], r["row"]) for r in rows} == {(-1.0, 1.0)}  # in the wide and the narrow layout


def test_evidence_timing_title_is_the_share_dated_after_the_strategy_article():
    evidence = pd.DataFrame({"as_of": [T("2024-06-01"), T("2025-03-01"), T("2025-06-01"), T("2026-01-01")],
                             "stance": ["supports", "supports", "complicates", "contradicts"]})
    # A1 was written by 2025-01-21: 3 of 4 rows are later = 75%
    chart = ledger_charts.evidence_timing(evidence, ARTICLES, AS_OF)
    assert title(chart) == "75% of the evidence dates from after the strategy article was written"
    split = [r for t in spec(chart)["datasets"].values() for r in t if "words" in r and "after" in r]
    # the split at A1's date names the share the title states, and the rest, on their sides
    assert [(r["before"], r["after"]) for r in split] == [(
        "\u2190 25% (1 row)|before the|strategy article", "75% (3 rows) \u2192|after the|strategy article")]
    assert (split[0]["before_rows"], split[0]["after_rows"]) == (1, 3)
    earlier = evidence.assign(as_of=[T("2024-06-01"), T("2024-07-01"), T("2025-06-01"), T("2026-01-01")])
    assert title(ledger_charts.evidence_timing(earlier, ARTICLES, AS_OF)).startswith("50% of the evidence")


def test_evidence_strength_title_states_the_grades_the_bars_show():
    evidence = pd.DataFrame({"chapter": ["a", "a", "b", "b", "b", "b"],
                             "confidence": ["high", "medium", "high", "medium", "low", "low"]})
    titles = {"a": "Alpha", "b": "Beta"}
    # high: Alpha 1 of 2 = 50%, Beta 1 of 4 = 25%: the widest (only) gap puts Beta, chapter 2, below it
    assert title(ledger_charts.evidence_strength(evidence, titles, AS_OF)) == (
        "Chapter 2 rests on little high-confidence evidence: 25% of rows at most")
    tied = evidence.assign(confidence=["medium", "medium", "high", "medium", "low", "low"])
    assert title(ledger_charts.evidence_strength(tied, titles, AS_OF)) == (
        "Chapter 1 rests on little high-confidence evidence: 0% of rows at most".replace("little", "almost no"))


def test_evidence_strength_title_with_every_chapter_at_one_high_share_names_that_share():
    # high: Alpha 1 of 2 = 50%, Beta 2 of 4 = 50%: no gap splits off a low group (it raised IndexError)
    evidence = pd.DataFrame({"chapter": ["a", "a", "b", "b", "b", "b"],
                             "confidence": ["high", "low", "high", "high", "medium", "low"]})
    chart = ledger_charts.evidence_strength(evidence, {"a": "Alpha", "b": "Beta"}, AS_OF)
    assert title(chart) == "Every chapter's evidence is 50% high-confidence"
    assert {r["high_text"] for t in spec(chart)["datasets"].values() for r in t if "high_text" in r} == {"50% high"}
    moved = evidence.assign(confidence=["high", "high", "high", "high", "medium", "low"])
    assert title(ledger_charts.evidence_strength(moved, {"a": "Alpha", "b": "Beta"}, AS_OF)).startswith(
        "Chapter 2 rests on little high-confidence evidence: 50%")


def test_evidence_strength_names_each_grade_on_its_widest_segment_with_no_legend():
    evidence = pd.DataFrame({"chapter": ["a", "a", "b", "b", "b", "b"],
                             "confidence": ["high", "medium", "high", "medium", "low", "low"]})
    chart = spec(ledger_charts.evidence_strength(evidence, {"a": "Alpha", "b": "Beta"}, AS_OF))
    # only Beta has every grade (high 0-0.25, medium 0.25-0.5, low 0.5-1): all three are named on its row
    names = {r["confidence"]: (r["chapter_title"], r["middle"]) for t in chart["datasets"].values() for r in t
             if "middle" in r}
    assert names == {"high": ("2. Beta", 0.125), "medium": ("2. Beta", 0.375), "low": ("2. Beta", 0.75)}
    # with no row holding every grade, each is named on its widest segment: high and medium on Alpha (0-0.5,
    # 0.5-1), low on Beta (0.25-1, after high's 0.25)
    apart = evidence.assign(confidence=["high", "medium", "high", "low", "low", "low"])
    chart = spec(ledger_charts.evidence_strength(apart, {"a": "Alpha", "b": "Beta"}, AS_OF))
    names = {r["confidence"]: (r["chapter_title"], r["middle"]) for t in chart["datasets"].values() for r in t
             if "middle" in r}
    assert names == {"high": ("1. Alpha", 0.25), "medium": ("1. Alpha", 0.75), "low": ("2. Beta", 0.625)}
    assert not _legends(chart)


def _legends(node, key=None):
    """The legends a spec draws (the config's defaults aside)."""
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "legend" and v is not None and key != "config"] + [
            found for k, v in node.items() if k != "config" for found in _legends(v, k)]
    if isinstance(node, list):
        return [found for v in node for found in _legends(v, key)]
    return []


def test_evidence_strength_names_the_chapters_below_the_widest_gap_as_a_range():
    # high shares: c5 0/2, c6 0/2, c7 1/20 = 5%, c8 0/2, c2 1/2 = 50%: the gap 5% -> 50% splits off chapters 5-8
    rows = [("c5", "low")] * 2 + [("c6", "medium")] * 2 + [("c7", "high")] + [("c7", "low")] * 19 + \
           [("c8", "low")] * 2 + [("c2", "high"), ("c2", "low")]
    evidence = pd.DataFrame(rows, columns=["chapter", "confidence"])
    titles = {"c2": "Two", "c5": "Five", "c6": "Six", "c7": "Seven", "c8": "Eight"}
    numbers = {"c2": 2, "c5": 5, "c6": 6, "c7": 7, "c8": 8}
    chart = ledger_charts.evidence_strength(evidence, titles, AS_OF, numbers=numbers)
    assert title(chart) == "Chapters 5\u20138 rest on almost no high-confidence evidence: 5% of rows at most"
    drawn = {r["chapter_title"] for t in spec(chart)["datasets"].values() for r in t if "chapter_title" in r}
    assert "7. Seven" in drawn  # the numbers the title names are drawn
    no_seven = evidence[evidence["chapter"] != "c7"]
    assert title(ledger_charts.evidence_strength(no_seven, {k: v for k, v in titles.items() if k != "c7"}, AS_OF,
                                                 numbers=numbers)).startswith("Chapters 5, 6 and 8 rest")


def test_disagreement_table_counts_each_account_then_and_now_and_says_so_in_its_caption():
    pairs = pd.DataFrame({"pair_id": ["p1", "p2"], "question": ["Q one?", "Q two?"], "a2_claim_id": ["A2-01", "A2-02"],
                          "a1_claim_id": ["A1-01", "A1-02"], "why": ["w1", "w2"], "held_late_2024": ["A2", "A2"],
                          "held_2026": ["A1", "both in part"]})
    assert ledger_charts.disagreement_swing_title(pairs) == (
        "Of 2 questions, late-2024 evidence bore out the news article on 2; 2026 evidence bore out the strategy "
        "article on 1 and both in part on 1")
    swing = ledger_charts.disagreement_swing(pairs).set_index("account")
    assert swing.to_dict("index") == {"A1": {"late_2024": 0, "by_2026": 1}, "A2": {"late_2024": 2, "by_2026": 0},
                                      "both in part": {"late_2024": 0, "by_2026": 1}}
    page = ledger_charts.disagreement_table(pairs).data
    assert "<caption>Of 2 questions, late-2024 evidence bore out the news article on 2;" in page
    moved = pairs.assign(held_2026=["A1", "A1"], held_late_2024=["both in part", "not yet known"])
    assert ledger_charts.disagreement_swing_title(moved) == (
        "Of 2 questions, late-2024 evidence bore out both in part on 1, leaving 1 open; 2026 evidence bore out the "
        "strategy article on 2")


# --- timelines, capital ---------------------------------------------------------------------

def test_events_chart_counts_events_after_the_strategy_article_on_its_line():
    events = pd.DataFrame({"origin_id": ["a", "b", "c"], "date": [T("2024-11-22"), T("2025-10-23"), T("2025-10-29")],
                           "lane": ["Amazon", "Google", "Google"], "kind": ["equity investment"] * 3,
                           "label": ["x", "y", "z"], "source_ids": [["s"], ["s"], ["s"]], "sources": ["S", "S", "S"]})
    chart = timeline.events_chart(events, ARTICLES, "S")
    # after 2025-01-21: b and c
    assert title(chart) == "2 of the 3 deals and deployments on record came after the strategy article was written"
    tables = list(spec(chart)["datasets"].values())
    # the counts the title states are written on the line: the level at the article's date, and the rise
    # after it beside the climb (on c, from its middle on, clear of the split), with no bracket at the line's end
    assert [(r["note"], r["on_record"]) for t in tables for r in t if "note" in r] == [
        ("1 by the|strategy article", 1), ("2 after it", 3)]
    assert not any("A1" in str(v) for t in tables for r in t for v in r.values())
    assert not [r for t in tables for r in t if "high" in r and "low" in r]
    # one point per event, each on its own step
    steps = {r["origin_id"]: r["on_record"] for t in tables for r in t if "origin_id" in r}
    assert steps == {"a": 1, "b": 2, "c": 3}
    moved = timeline.events_chart(events.assign(date=[T("2024-11-22"), T("2024-12-01"), T("2025-10-29")]), ARTICLES, "S")
    assert title(moved).startswith("1 of the 3 deals")


def tranche(tranche_id, deal, investor, status, day, amount, source="s1", basis="investor filing"):
    return {"tranche_id": tranche_id, "deal_id": deal, "investor": investor, "status": status, "as_of": T(day),
            "amount_usd_b": amount, "source_id": source, "figure_basis": basis}


INVESTMENTS = pd.DataFrame([
    tranche("a1-c", "a1", "Amazon", "committed", "2023-09-25", 4.0),
    tranche("a1-f1", "a1", "Amazon", "funded", "2023-09-25", 1.25),
    tranche("a1-f2", "a1", "Amazon", "funded", "2024-03-27", 2.75),
    tranche("g1-f", "g1", "Google", "funded", "2023-02-03", 0.3, "s1", "press report"),
    tranche("g1-f", "g1", "Google", "funded", "2023-02-03", 0.55, "s2", "press report"),
])


def test_investment_chart_title_reads_the_running_totals_it_draws():
    # Amazon: committed 4, paid 1.25 + 2.75 = 4, documented; Google: no ceiling, so committed = paid = 0.3 to 0.55,
    # press-reported only
    assert title(capital.investment_chart(INVESTMENTS, ARTICLES, AS_OF, "S")) == (
        "Amazon has paid $4B of up to $4B; Google, a reported $0.3\u20130.55B of up to $0.55B")
    more = pd.concat([INVESTMENTS, pd.DataFrame([tranche("a2-c", "a2", "Amazon", "committed", "2024-11-22", 4.0),
                                                 tranche("m-c", "m", "Microsoft", "committed", "2025-11-18", 5.0)])])
    chart = capital.investment_chart(more, ARTICLES, AS_OF, "S")
    assert title(chart).startswith("Amazon has paid $4B of up to $8B")
    # An investor that has paid nothing is a sentence, not a panel.
    assert "Microsoft's up-to-$5B pledge (Nov 2025) has no payment on record" in spec(chart)["description"]
    assert len(spec(chart)["vconcat"]) == 2
    reported = INVESTMENTS.assign(figure_basis="press report")
    assert title(capital.investment_chart(reported, ARTICLES, AS_OF, "S")).startswith(
        "Amazon is reported to have paid $4B of up to $4B")


def commitment(cid, day, counterparty, group, kind, usd, disclosure="announced by a party"):
    return {"commitment_id": cid, "date_announced": T(day), "counterparty": counterparty, "vendor_group": group,
            "commitment_kind": kind, "chip_family": "not specified", "usd_b": usd, "chips_max": np.nan,
            "gigawatts": np.nan, "term_years": np.nan, "figures_note": "n", "disclosure": disclosure, "source_id": "s"}


COMMITMENTS = pd.DataFrame([
    commitment("aws", "2026-04-20", "AWS", "AWS", "cloud capacity", 100.0),
    commitment("gc-2023", "2023-10-28", "Google Cloud", "Google", "cloud capacity", 3.0, "reported only"),
    commitment("gc-2026", "2026-05-05", "Google Cloud", "Google", "cloud capacity", 10.0, "reported only"),
    commitment("broadcom", "2025-12-11", "Broadcom", "Other", "chip and rack purchase", 21.0),
    commitment("google-2025", "2025-10-23", "Google Cloud", "Google", "cloud capacity", np.nan),
])


def test_compute_vs_equity_title_is_the_range_of_compute_over_equity():
    # AWS 100 / Amazon's 4 committed = 25; Google Cloud's largest, 10 (reported) / Google's 0.55 = 18.2
    chart = capital.compute_vs_equity_chart(INVESTMENTS, COMMITMENTS, AS_OF, "S")
    assert title(chart) == "Anthropic's compute commitments to supplier-investors run 18\u201325 times their equity pledges"
    ends = {r["label"]: r["end_text"] for t in spec(chart)["datasets"].values() for r in t if "end_text" in r}
    # The first row names its thick bar a compute commitment, as the thin bar says "equity pledged".
    assert ends == {"Amazon / AWS": "$100B compute commitment, 25.0\u00d7 equity",
                    "Google": "18.2\u00d7 equity (press report)"}
    # Broadcom, a supplier with no equity, is not drawn; the text alternative names it.
    assert chart.to_dict()["description"].endswith("Not drawn, with no equity in Anthropic: Broadcom.")
    # Each equity bar is named in words at its end, from the figure it draws (Amazon's 4, Google's 0.55).
    equity = {r["label"]: r["equity_words"] for t in spec(chart)["datasets"].values() for r in t if "equity_words" in r}
    assert equity == {"Amazon / AWS": "$4B equity pledged", "Google": "$0.55B equity pledged"}
    smaller = COMMITMENTS.assign(usd_b=COMMITMENTS["usd_b"].replace({100.0: 40.0}))
    assert "10\u201318 times" in title(capital.compute_vs_equity_chart(INVESTMENTS, smaller, AS_OF, "S"))


def test_commitments_chart_says_when_anthropic_first_did_more_than_rent():
    # renting until the Broadcom purchase of Dec 2025: renting gc-2023, google-2025, aws, gc-2026 -> 4; buying 1
    chart = capital.commitments_chart(COMMITMENTS, AS_OF, "S")
    assert title(chart) == "Anthropic only rented compute until December 2025, then also bought"
    # Each running count is named at its end with its count in words: no colour or size key.
    labels = [r["label"] for t in spec(chart)["datasets"].values() for r in t if "label" in r]
    assert labels == ["4 rented", "1 bought"]
    # The names are text in ink (legible on both pages), not in the lines' colours.
    names = [layer for layer in spec(chart)["layer"] if layer.get("encoding", {}).get("text", {}).get("field") == "label"]
    assert names and all("color" not in n["encoding"] and n["mark"]["color"] == charts.INK for n in names)
    encodings = [layer.get("encoding", {}) for layer in spec(chart)["layer"]]
    assert all("field" not in e.get("size", {}) and e.get("color", {}).get("legend", None) is None for e in encodings)
    # The switch is named beside the first deal that was not renting.
    notes = [r["note"] for t in spec(chart)["datasets"].values() for r in t if "note" in r]
    assert notes == ["first deal not renting: December 2025"]
    # The line of deals not renting is flat at zero until that deal.
    owning = [r for t in spec(chart)["datasets"].values() for r in t
              if r.get("way") == capital.WAYS[1] and "commitment_id" not in r and "label" not in r]
    assert [r["count"] for r in owning] == [0, 1, 1]
    built = pd.concat([COMMITMENTS, pd.DataFrame([
        commitment("dc", "2025-11-12", "Fluidstack", "Other", "own data centres", 50.0),
        commitment("lease", "2026-05-28", "Vehicle", "Other", "lease financing", 36.0, "reported only")])])
    # a reported-only lease is counted on the line but not claimed in the title
    chart = capital.commitments_chart(built, AS_OF, "S")
    assert title(chart) == "Anthropic only rented compute until November 2025, then also built and bought"
    assert [r["label"] for t in spec(chart)["datasets"].values() for r in t if "label" in r] == [
        "4 rented", "3 built, bought or leased"]
    rented = COMMITMENTS[COMMITMENTS["commitment_kind"] == "cloud capacity"]
    assert title(capital.commitments_chart(rented, AS_OF, "S")) == "All 4 of Anthropic's compute deals rent capacity"


def round_row(rid, name, status, day, low, high):
    return {"round_id": rid, "round_name": name, "round_status": status, "round_date": T(day), "as_of": T(day),
            "amount_raised_usd_b": np.nan, "valuation_low_usd_b": low, "valuation_high_usd_b": high,
            "valuation_basis": "post-money stated", "source_id": "s"}


def test_valuation_chart_title_compares_with_the_news_articles_figure():
    rounds = pd.DataFrame([round_row("talks", "Talks", "talks reported", "2024-11-07", 40.0, 40.0),
                           round_row("series-e", "Series E (Lightspeed)", "closed", "2025-03-03", 61.5, 61.5),
                           round_row("series-h", "Series H", "closed", "2026-05-28", 965.0, 965.0)])
    # 965 / 40 = 24.1
    chart = capital.valuation_chart(rounds, ARTICLES, 40.0, AS_OF, "S")
    assert title(chart) == "Anthropic's valuation reached $965B by May 2026, 24 times the news article's $40B"
    assert "It passed $40B at the next closed round (Series E, $61.5B)." in spec(chart)["description"]
    # The latest round's label carries the title's figure.
    labels = {r["label"] for t in spec(chart)["datasets"].values() for r in t if "label" in r}
    # and the first round above the article's figure, here also the earliest closed round, so named
    assert {"Series H: $965B", "Series E: $61.5B (closed round)"} <= labels
    # The two kinds of mark are named on the marks, with no legend: the earliest target in talks,
    # and the earliest closed round with no figure on it.
    earlier = pd.concat([rounds, pd.DataFrame([round_row("series-c", "Series C", "closed", "2023-05-23", 5.0, 5.0)])])
    chart = capital.valuation_chart(earlier, ARTICLES, 40.0, AS_OF, "S")
    labels = {r["label"] for t in spec(chart)["datasets"].values() for r in t if "label" in r}
    assert "Series C (closed round)" in labels and "Series H: $965B" in labels
    assert [r["note"] for t in spec(chart)["datasets"].values() for r in t if "note" in r] == ["target in talks"]
    assert not _legends(spec(chart))
    assert "$800B by May 2026, 20 times" in title(capital.valuation_chart(
        rounds.replace({965.0: 800.0}), ARTICLES, 40.0, AS_OF, "S"))


# --- hardware abstraction -----------------------------------------------------------------------

CHIPS = ["Google TPU", "AWS Trainium", "NVIDIA GPU"]


def path(framework, hardware, status, mechanism):
    return {"framework": framework, "hardware": hardware, "path": f"{framework}-{hardware}", "status": status,
            "mechanism": mechanism, "source_id": "s", "as_of": T("2026-01-01")}


SUPPORT = pd.DataFrame([
    path("JAX", "Google TPU", "native", "XLA"), path("JAX", "NVIDIA GPU", "native", "XLA"),
    path("JAX", "AWS Trainium", "beta", "XLA (PJRT plugin)"),
    path("PyTorch", "Google TPU", "supported", "XLA"), path("PyTorch", "NVIDIA GPU", "native", "CUDA"),
    path("PyTorch", "AWS Trainium", "beta", "native backend"),
    path("TensorFlow", "Google TPU", "supported", "XLA"), path("TensorFlow", "NVIDIA GPU", "native", "XLA and CUDA"),
    path("TensorFlow", "AWS Trainium", "unsupported", "none"),
])


def test_support_finding_names_the_one_framework_with_one_compiler_everywhere():
    assert abstraction.support_finding(SUPPORT, CHIPS) == (
        "JAX and PyTorch reach all three chips, but on Trainium only in beta; JAX alone uses one compiler (XLA) on all three")
    moved = SUPPORT.assign(status=SUPPORT["status"].where(SUPPORT["path"] != "JAX-AWS Trainium", "experimental"))
    assert abstraction.support_finding(moved, CHIPS).startswith(
        "JAX and PyTorch reach all three chips, but on Trainium only in beta or experimentally;")


def test_support_table_names_each_cells_status_in_words_and_its_path_under_it():
    table = abstraction.support_table(SUPPORT, CHIPS).set_index("Framework")
    assert list(table.columns) == [abstraction.CHIP_SHORT[c] for c in CHIPS]
    # A usable status in bold with its path under it; an unsupported cell only its status.
    assert table.loc["JAX", "Trainium"] == "<strong>beta</strong><br><small>JAX-AWS Trainium</small>"
    assert table.loc["TensorFlow", "Trainium"] == "unsupported"
    hostile = SUPPORT.assign(path=SUPPORT["path"].where(SUPPORT["path"] != "JAX-AWS Trainium", "<b>x</b>"))
    assert "&lt;b&gt;x&lt;/b&gt;" in abstraction.support_table(hostile, CHIPS).set_index("Framework").loc["JAX", "Trainium"]


def test_kernel_finding_names_what_reaches_trainium():
    rows = [("CUDA", "NVIDIA GPU", "native"), ("CUDA", "Google TPU", "unsupported"), ("CUDA", "AWS Trainium", "unsupported"),
            ("NKI", "AWS Trainium", "beta"), ("NKI", "Google TPU", "unsupported"), ("NKI", "NVIDIA GPU", "unsupported")]
    kernels = pd.DataFrame([{"language": lang, "chip": chip, "backend": f"{lang} compiler", "status": status, "owner": "x",
                             "hardware_scope": None, "source_id": "s", "as_of": T("2026-01-01")}
                            for lang, chip, status in rows])
    assert abstraction.kernel_finding(kernels, CHIPS) == (
        "No kernel language reaches all three chips, and only NKI reaches Trainium")
    both = kernels.assign(status=kernels["status"].where(kernels["language"] + kernels["chip"] != "CUDAAWS Trainium", "beta"))
    assert abstraction.kernel_finding(both, CHIPS).endswith("and only CUDA and NKI reach Trainium")
    # One row per language, in the book's order.
    assert list(abstraction.kernel_table(kernels, CHIPS)["Language"]) == ["CUDA", "NKI"]


def test_jax_evidence_finding_counts_documents_not_items_and_later_less_direct_ones():
    rows = pd.DataFrame({"item_id": ["i1", "i2", "i3", "i4"], "finding": ["f"] * 4, "names_jax": [True, True, False, True],
                         "names_xla": [False, False, True, True],
                         "directness": ["first-party, names JAX", "first-party, names JAX", "first-party, names XLA only",
                                        "second-hand account"],
                         "directness_rank": [1, 1, 2, 4], "stance": ["supports", "complicates", "supports", "supports"],
                         "source_id": ["card", "card", "pm", "blog"],
                         "as_of": [T("2024-03-04"), T("2024-03-04"), T("2025-09-17"), T("2026-05-13")],
                         "confidence": ["high"] * 4})
    # i1 and i2 are two items of one document; i3 and i4 come later, with directness rank above 1
    assert abstraction.jax_evidence_finding(rows) == (
        "Anthropic itself named JAX in only one document, of March 2024; 2 later items are less direct")
    two = rows.assign(source_id=["card", "paper", "pm", "blog"])
    assert abstraction.jax_evidence_finding(two).startswith("Anthropic itself named JAX in two documents, from March 2024")
    assert abstraction.jax_evidence_finding(rows.iloc[:3]).endswith("1 later item is less direct")


def incident(iid, bug, platform, vendor, start, end):
    return {"incident_id": iid, "bug": bug, "fault_layer": "f", "hardware_platform": platform, "vendor": vendor,
            "serving_surface": "Claude API (first party)", "start_date": T(start), "end_date": T(end),
            "start_basis": "stated for this row", "share_of_requests_pct": 1.0, "share_kind": "peak",
            "share_scope": "s", "models_affected": "Sonnet 4", "source_id": "s", "as_of": T("2025-09-17")}


def test_postmortem_chart_title_counts_tpu_bugs_and_overlap_days():
    incidents = pd.DataFrame([
        incident("r", "context-window routing error", "not hardware-specific", "Anthropic", "2025-08-05", "2025-09-04"),
        incident("o", "output corruption", "Google TPU", "Google", "2025-08-25", "2025-09-02"),
        incident("t", "approximate top-k miscompilation", "Google TPU", "Google", "2025-08-25", "2025-09-12"),
    ])
    # two or more live from Aug 25 to Sep 4 inclusive: 7 + 4 = 11 days
    chart = abstraction.postmortem_chart(incidents, T("2025-09-17"), "S")
    assert title(chart) == "Two of three bugs lived only on TPUs, and two or more were live at once on 11 days"
    # Coloured by where the bug lived, never by whose layer failed; the overlap is shaded on a phone too.
    assert "vendor" not in json.dumps(spec(chart)["layer"][1]["encoding"])
    narrow = spec(chart)["usermeta"]["chipbook"]["narrow"]
    assert any(layer.get("name", "").startswith("backdrop_") for layer in narrow["layer"])
    # The title's overlap days are written over the shading.
    assert "2+ bugs live: 11 days" in json.dumps(spec(chart))
    # One row per bug, named with where it lived (the title's count is read off the rows, no
    # legend); a bug's incident rows merge into one bar whose tooltip lists them with shares.
    split = pd.concat([incidents, incidents.iloc[[0]].assign(serving_surface="Amazon Bedrock", start_date=T("2025-08-20"),
                                                             share_of_requests_pct=0.18)])
    drawn = [r for t in spec(abstraction.postmortem_chart(split, T("2025-09-17"), "S"))["datasets"].values()
             for r in t if "incidents" in r]
    assert sorted(r["row"] for r in drawn) == ["Context-window routing error\nnot chip-specific",
                                               "Output corruption\nTPUs only", "Top-k miscompile in XLA:TPU\nTPUs only"]
    routing = next(r for r in drawn if r["bug"] == "context-window routing error")
    assert routing["incidents"] == ("first-party API, Aug 5 to Sep 4, share of requests 1% peak; "
                                    "Bedrock, Aug 20 to Sep 4, share of requests 0.18% peak")
    assert "legend" not in json.dumps(spec(chart)["layer"][1]["encoding"]["color"]) or \
        spec(chart)["layer"][1]["encoding"]["color"]["legend"] is None
    shorter = incidents.assign(end_date=[T("2025-08-30"), T("2025-09-02"), T("2025-09-12")])
    assert title(abstraction.postmortem_chart(shorter, T("2025-09-17"), "S")).endswith("on 9 days")  # Aug 25 to Sep 2
    assert abstraction.overlap_spans(incidents)["days"].sum() == abstraction.overlap_days(incidents) == 11
    # No bar runs past the rule here, so nothing says why; one that does is named under its bar,
    # with the surface and day it ran to.
    assert "ran to" not in json.dumps(spec(chart))
    late = incidents.assign(end_date=[T("2025-09-18"), T("2025-09-02"), T("2025-09-12")])
    assert "first-party API ran to Sep 18 \u2192" in json.dumps(spec(abstraction.postmortem_chart(late, T("2025-09-17"), "S")),
                                                            ensure_ascii=False)


# --- interconnect ---------------------------------------------------------------------------

def system(sid, name, vendor, chips, up, out_gbit, link, switch="none (direct chip-to-chip links)"):
    return {"system_id": sid, "system": name, "vendor": vendor, "scaleup_domain_chips": chips,
            "scaleup_gbyte_s_per_chip_per_direction": up, "scaleout_gbit_s_per_chip_per_direction": out_gbit,
            "scaleup_link": link, "scaleup_figure_published_as": "per direction", "switch_technology": switch,
            "bf16_tflops_dense_per_chip": 900.0, "source_id": "s", "scaleout_source_id": "s", "compute_source_id": "s"}


SYSTEMS = pd.DataFrame([
    system("tpu-v5e-pod", "TPU v5e pod", "Google", 256, 200.0, 25.0, "ICI"),
    system("tpu7x-ironwood-pod", "TPU7x (Ironwood) pod", "Google", 9216, 600.0, 100.0, "ICI"),
    system("tpu-v5p-pod", "TPU v5p pod", "Google", 8960, 600.0, 50.0, "ICI"),
    system("hgx-h100-8gpu", "HGX H100 (8 GPUs)", "NVIDIA", 8, 450.0, 400.0, "NVLink 4", "electrical NVLink switches"),
    system("gb200-nvl72", "GB200 NVL72 rack", "NVIDIA", 72, 900.0, 400.0, "NVLink 5", "electrical NVLink switches"),
])


def test_domain_chart_title_and_one_point_for_two_pods_on_one_spot():
    chart = interconnect.domain_chart(SYSTEMS, "2026-11-21", "S")
    # 9,216 / 72 = 128: one finding in the title; the bandwidth (900 / 600 = 1.5) in the text alternative
    assert title(chart) == "TPU pods hold 128x as many chips in one scale-up domain as NVIDIA's largest system shown"
    assert "NVLink 5 gives each chip 1.5x the bandwidth of TPU7x and TPU v5p." in spec(chart)["description"]
    labels = {r["label"] for t in spec(chart)["datasets"].values() for r in t if "label" in r}
    assert "TPU7x (Ironwood) and TPU v5p" in labels  # 9,216 and 8,960 chips at 600 GB/s: one point, both names
    # The numbers stand under the names of the points they belong to, the TPUs compared named.
    texts = {r["text_wide"] for t in spec(chart)["datasets"].values() for r in t if "text_wide" in r}
    assert ("GB200 NVL72 rack\n1.5x the GB/s of\nTPU7x and TPU v5p" in texts
            and "TPU7x (Ironwood) and TPU v5p\n128x as many chips" in texts)
    bigger = SYSTEMS.assign(scaleup_domain_chips=SYSTEMS["scaleup_domain_chips"].replace(72, 144))
    assert title(interconnect.domain_chart(bigger, "2026-11-21", "S")).startswith("TPU pods hold 64x as many chips")
    faster = SYSTEMS.assign(scaleup_gbyte_s_per_chip_per_direction=[200.0, 450.0, 450.0, 450.0, 900.0])
    texts = {r["text_narrow"] for t in spec(interconnect.domain_chart(faster, "2026-11-21", "S"))["datasets"].values()
             for r in t if "text_narrow" in r}
    assert any(t.startswith("GB200 NVL72\n2.0x the GB/s of\n") for t in texts)  # 900 / 450


def test_cliff_chart_title_names_the_largest_and_smallest_drop():
    # v5p: 600 / (50 / 8) = 96, the most (v5e 200 / (25 / 8) = 64); H100: 450 / (400 / 8) = 9, the least
    assert title(interconnect.cliff_chart(SYSTEMS, "2026-11-21", "S")) == (
        "Leaving the scale-up domain cuts a chip's bandwidth 96-fold on TPU v5p, 9-fold on HGX H100")
    # v5p's network at 400 Gb/s: 600 / 50 = 12; v5e's 64 is then the most
    wider = SYSTEMS.assign(scaleout_gbit_s_per_chip_per_direction=[25.0, 100.0, 400.0, 400.0, 400.0])
    assert title(interconnect.cliff_chart(wider, "2026-11-21", "S")).startswith(
        "Leaving the scale-up domain cuts a chip's bandwidth 64-fold on TPU v5e,")


def test_google_figures_title_sets_own_claims_against_the_rival_comparison():
    def figure(fid, kind, low=np.nan, high=np.nan, pct=np.nan, status="Google's own figure", baseline="TPU v3"):
        return {"figure_id": fid, "kind": kind, "measure": "Speed", "baseline": baseline, "times_low": low,
                "times_high": high, "percent_high": pct, "figure_status": status, "scope": "s", "network": "TPU v4",
                "source_id": "s"}
    figures = pd.DataFrame([
        figure("tpu-v4-vs-v3-system", "ratio", 10.0, 10.0),
        figure("tpu-v4-vs-a100-speed", "ratio", 1.2, 1.7, status="Google's comparison with another vendor",
               baseline="NVIDIA A100"),
        figure("tpu-v4-ocs-cost-share", "cost or power share", pct=5.0),
        figure("tpu-v4-ocs-power-share", "cost or power share", pct=3.0),
    ])
    assert title(interconnect.google_figures_chart(figures, "S")) == (
        "Google claims 10x over its own older TPU system but 1.2-1.7x over NVIDIA's A100")
    assert "but 1.2-1.9x" in title(interconnect.google_figures_chart(figures.replace({1.7: 1.9}), "S"))
    # Each range carries its value, so the title's numbers are in the drawing; the line at 1 is named "parity".
    chart = spec(interconnect.google_figures_chart(figures, "S"))
    values = {r["value"] for t in chart["datasets"].values() for r in t if "value" in r}
    assert {"10x", "1.2-1.7x"} <= values
    assert "'parity'" in json.dumps(chart["vconcat"][-1])


def test_scale_chart_title_counts_the_domains_the_largest_clusters_join():
    clusters = pd.DataFrame([
        {"system_id": sid, "vendor": vendor, "chips": n, "name": name, "accelerator": "x",
         "scaleout_fabric": fabric, "reported_outcome": "ran", "outcome_kind": "operator report",
         "as_of": T("2025-01-01"), "source_id": "s"}
        for sid, vendor, n, name, fabric in [
            ("hgx-h100-8gpu", "NVIDIA", 24576, "RoCE cluster", "Ethernet (RoCE)"),
            ("hgx-h100-8gpu", "NVIDIA", 24576, "IB cluster", "InfiniBand"),
            ("hgx-h100-8gpu", "NVIDIA", 100000, "Colossus", "Ethernet (Spectrum-X)"),
            ("tpu-v5e-pod", "Google", 50000, "v5e job", "Google data-center network")]])
    chart = interconnect.scale_chart(SYSTEMS, clusters, "S")
    # H100: 100,000 / 8 = 12,500 servers; v5e: 50,000 / 256 = 195.3 pods
    assert title(chart) == "The largest clusters reported join 195 to 12,500 scale-up domains"
    drawn = [r for t in spec(chart)["datasets"].values() for r in t if "others" in r and "words_wide" not in r]
    # One diamond per system, its largest cluster; the smaller ones only in its tooltip.
    diamonds = [r for r in drawn if r["kind"] == "largest cluster or job reported"]
    assert sorted(r["chips"] for r in diamonds) == [50000, 100000]
    h100 = next(r for r in diamonds if r["chips"] == 100000)
    assert h100["name"] == "Colossus" and h100["others"] == "RoCE cluster (24,576 chips); IB cluster (24,576 chips)"
    # Without the v5e job only the H100 line joins domains: 100,000 / 8.
    assert title(interconnect.scale_chart(SYSTEMS, clusters.iloc[:3], "S")) == (
        "The largest cluster reported joins 12,500 scale-up domains")


def test_scale_chart_names_the_systems_with_no_cluster_in_its_subtitle_not_as_rows():
    clusters = pd.DataFrame([{"system_id": "hgx-h100-8gpu", "vendor": "NVIDIA", "chips": 24576, "name": "c",
                              "accelerator": "x", "scaleout_fabric": "f", "reported_outcome": "ran", "outcome_kind": "k",
                              "as_of": T("2025-01-01"), "source_id": "s"}])
    chart = spec(interconnect.scale_chart(SYSTEMS, clusters, "S"))
    rows = {r["system"] for t in chart["datasets"].values() for r in t if "system" in r}
    assert rows == {"HGX H100 (8 GPUs)"}
    # Every system but the H100 server has no cluster here: the subtitle names the four.
    names = [interconnect.short_system(s) for s in SYSTEMS["system"] if s != "HGX H100 (8 GPUs)"]
    assert f"no cluster size is published for {', '.join(names[:-1])} and {names[-1]}." in " ".join(chart["title"]["subtitle"])
    # The number's meaning is on the mark: 24,576 / 8 = 3,072 domains.
    assert "\u00d73,072 domains" in json.dumps(chart, ensure_ascii=False)


def test_scale_chart_names_its_two_marks_on_the_first_row_not_in_a_legend():
    clusters = pd.DataFrame([
        {"system_id": "hgx-h100-8gpu", "vendor": "NVIDIA", "chips": n, "name": f"c{n}", "accelerator": "x",
         "scaleout_fabric": "f", "reported_outcome": "ran", "outcome_kind": "k", "as_of": T("2025-01-01"),
         "source_id": "s"} for n in (20000, 22000, 24000, 26000)])
    chart = spec(interconnect.scale_chart(SYSTEMS, clusters, "S"))
    words = {r["words_wide"]: r["chips"] for t in chart["datasets"].values() for r in t if "words_wide" in r}
    assert words == {"one domain": 8, "largest cluster": 26000}  # the H100 row, the smallest domain: first
    shapes = [layer["encoding"]["shape"] for layer in chart["layer"] if "shape" in layer.get("encoding", {})]
    assert shapes and all(s["legend"] is None for s in shapes)  # no shape legend


def test_network_model_title_is_the_worst_total_at_the_defaults():
    def step(tp, dp):
        return interconnect.StepEstimate(compute_s=1.0, tp_comm_s=tp, dp_local_comm_s=dp / 2, dp_scaleout_comm_s=dp / 2,
                                         d_model=1.0, layers=1.0, dp=2, domains=2, tp_over_scaleout=False)
    defaults = dict(params_b=405, chips=16384, tokens_m=16, tp=8, pp=16, mfu=0.4)
    at = {sid: step(0.05, 0.05) for sid in SYSTEMS["system_id"]}
    at["gb200-nvl72"] = step(0.15, 0.06)  # 0.15 + 0.06 = 0.21 of compute
    chart = interconnect.network_model_chart(SYSTEMS, defaults, at, "2026-11-21", "S")
    assert title(chart) == "No system is network-bound at the default job: communication is at most 0.21x compute time"
    assert "0.21x compute time, on the GB200 NVL72 rack" in spec(chart)["description"]
    assert {p["name"] for p in spec(chart)["params"]} == {name for name, *_ in interconnect.MODEL_SLIDERS}
    # No legend: each kind of mark (the sum's bar too) is named beside the first row's, and a
    # phone binds only three sliders.
    assert spec(chart)["layer"][2]["encoding"]["shape"]["legend"] is None
    kinds = spec(chart)["layer"][3]
    assert kinds["mark"]["type"] == "text" and all(
        w in json.dumps(kinds["transform"]) for w in interconnect.MODEL_NAMES.values())
    assert "hgx-h100-8gpu" in json.dumps(kinds["transform"])  # the smallest domain: the first row
    narrow = spec(chart)["usermeta"]["chipbook"]["narrow"]
    assert [p["name"] for p in narrow["params"] if "bind" in p] == list(interconnect.PHONE_SLIDERS)
    assert {p["name"] for p in narrow["params"]} == {name for name, *_ in interconnect.MODEL_SLIDERS}
    at["gb200-nvl72"] = step(1.1, 0.2)  # 1.1 + 0.2 = 1.3: one system of five is network-bound
    assert title(interconnect.network_model_chart(SYSTEMS, defaults, at, "2026-11-21", "S")) == (
        "1 of 5 systems is network-bound at the default job: communication is up to 1.30x compute time, on the GB200 "
        "NVL72 rack")


# --- optionality ----------------------------------------------------------------------------

def test_labs_chart_title_counts_labs_with_three_families_in_use_and_draws_that_count():
    def arrangement(lab, vendor, status):
        return {"lab": lab, "chip_vendor": vendor, "chip_family": "x", "arrangement": "a", "date": T("2025-01-01"),
                "as_of": T("2026-04-20"), "status": status, "source_id": "s"}
    labs = pd.DataFrame([arrangement("Anthropic", "AWS", "in use"), arrangement("Anthropic", "Google", "in use"),
                         arrangement("Anthropic", "NVIDIA", "in use"), arrangement("Meta", "NVIDIA", "in use"),
                         arrangement("Meta", "AMD", "testing"), arrangement("OpenAI", "Google", "contracted"),
                         arrangement("OpenAI", "NVIDIA", "contracted"), arrangement("OpenAI", "AMD", "in use")])
    publishers = pd.Series({"s": "Publisher"})
    # in use: Anthropic 3, Meta 1, OpenAI 1 (its Google and NVIDIA are only contracted)
    chart = spec(optionality_charts.labs_chart(labs, publishers, "S"))
    assert " ".join(chart["title"]["text"]) == "Of 3 labs, only Anthropic has three chip families in use"
    # The bars draw one segment per family in use, so a bar's length is the count the title states.
    segments = [r for t in chart["datasets"].values() for r in t if "end" in r]
    assert {lab: max(r["end"] for r in segments if r["lab"] == lab) for lab in ("Anthropic", "Meta", "OpenAI")} == {
        "Anthropic": 3, "Meta": 1, "OpenAI": 1}
    words = optionality_charts.lab_words(pd.DataFrame(labs)).set_index("lab")["words"]
    assert words["OpenAI"] == "1 in use: AMD|+ contracted: Google, NVIDIA"
    assert words["Meta"] == "1 in use: NVIDIA|+ testing: AMD"
    meta_in_use = pd.concat([labs, labs[labs["lab"] == "Meta"].assign(chip_vendor="Google")])
    meta_in_use = meta_in_use.assign(status=meta_in_use["status"].replace({"testing": "in use"}))
    assert title(optionality_charts.labs_chart(meta_in_use, publishers, "S")) == (
        "Of 3 labs, only Anthropic and Meta have three chip families in use")
    none = labs[labs["lab"] != "Anthropic"]
    assert title(optionality_charts.labs_chart(none, publishers, "S")) == "None of 2 labs has three chip families in use"


def test_chips_table_lists_every_count_with_its_qualifier_in_date_order():
    capacity = pd.DataFrame({"vendor": ["NVIDIA", "AWS", "Google"], "chip_family": ["GPUs", "Trainium2", "TPU"],
                             "chips": [220000.0, 1000000.0, np.nan], "chips_bound": ["more than", "about", None],
                             "state": ["contracted", "in service", "ceiling"], "basis": ["announced", "reported", "announced"],
                             "as_of": [T("2026-05-06"), T("2025-10-29"), T("2025-10-23")],
                             "date_stated": [T("2026-05-06"), T("2025-10-29"), T("2025-10-23")],
                             "source_id": ["a", "b", "c"]})
    table = optionality_charts.chips_table(capacity, pd.Series({"a": "Anthropic", "b": "Semafor (news)", "c": "Google"}))
    assert list(table["figure"]) == ["about 1,000,000", "more than 220,000"]  # the TPU row has no count
    assert list(table["speaks_for"]) == ["2025-10-29", "2026-05-06"]
    assert ">Semafor</a>" in table["source"].iloc[0] and set(optionality_charts.CHIPS_TABLE_HEADERS) == set(table.columns)


def test_margin_chart_title_reads_the_years_it_draws():
    nvidia = pd.DataFrame({"fiscal_year": [2023, 2024, 2025], "total_revenue_usd_bn": [27.0, 61.0, 130.5],
                           "data_center_revenue_usd_bn": [15.0, 47.5, 115.0], "gaap_gross_margin_pct": [56.9, 72.7, 75.0]})
    # 115 / 15 = 7.7-fold, shown as 8
    assert title(optionality_charts.margin_chart(nvidia, "S")) == (
        "NVIDIA's gross margin rose from 56.9% to 75.0% as its revenue from data centers grew 8-fold")
    # A peak between the ends is the one finding: 75.0 in FY2025 (then 71.1); 193.7 / 15 = 12.9, shown as 13
    later = pd.concat([nvidia, pd.DataFrame({"fiscal_year": [2026], "total_revenue_usd_bn": [215.9],
                                             "data_center_revenue_usd_bn": [193.7], "gaap_gross_margin_pct": [71.1]})])
    chart = optionality_charts.margin_chart(later, "S")
    assert title(chart) == "NVIDIA's gross margin peaked at 75.0% in FY2025 while data-center revenue grew 13-fold"
    # No slider and no second set of points: what a discount leaves is the prose's.
    assert "params" not in chart.to_dict() and "discount" not in json.dumps(spec(chart))
    named = [r["named"] for t in spec(chart)["datasets"].values() for r in t if "named" in r]
    assert "FY2025 peak: 75.0%" in named and "FY2026: 71.1%" in named  # the title's figures, on their points
    # The title's growth, drawn as an arrow along the revenue axis and named in words.
    grew = [r["words"] for t in spec(chart)["datasets"].values() for r in t if "growth" in r]
    assert grew == ["data-center revenue grew 13-fold, $15B to $194B"]
    assert title(optionality_charts.margin_chart(nvidia.replace({75.0: 50.0}), "S")).startswith(
        "NVIDIA's gross margin peaked at 72.7% in FY2024 while")
    assert title(optionality_charts.margin_chart(nvidia.replace({72.7: 50.0, 75.0: 40.0}), "S")).startswith(
        "NVIDIA's gross margin fell from 56.9% to 40.0%")
    assert "grew 10-fold" in title(optionality_charts.margin_chart(nvidia.replace({115.0: 150.0}), "S"))


def test_price_chart_title_sets_the_spread_within_groups_against_the_gap_between_medians():
    rented = pd.DataFrame({"chip": ["H100", "H200", "v5e", "Trn2", "v6e"],
                           "vendor": ["NVIDIA", "NVIDIA", "Google", "AWS", "Google"], "cloud": ["c"] * 5,
                           "region": ["r"] * 5, "as_of_price": [T("2025-06-01")] * 5, "usd_per_chip_hour": [1.0] * 5,
                           "bf16_tflops_dense": [100.0] * 5, "usd_per_pflop_hour": [6.0, 12.0, 5.0, 7.0, 9.0]})
    # NVIDIA: median of 6 and 12 = 9, span 6; own chips: median of 5, 7, 9 = 7, span 4; gap 9 - 7 = 2
    chart = optionality_charts.price_chart(rented, "S")
    assert title(chart) == "List prices spread wider within each group than the $2.00 gap between the two groups' medians"
    # Each panel names its range, the cheaper median says the gap: the title's figures, drawn.
    subtitles = [panel["title"].get("subtitle") for panel in spec(chart)["vconcat"]]
    assert subtitles == ["cheapest to dearest: $6.00 to $12.00, a $6.00 range",
                         "cheapest to dearest: $5.00 to $9.00, a $4.00 range", None]
    notes = {r["text"] for t in spec(chart)["datasets"].values() for r in t if "median" in r and "text" in r}
    assert notes == {"median $9.00", "median $7.00"}
    # The last panel sets the two medians on one axis; the cheaper names the title's gap.
    gaps = {r["row"]: r["gap_text"] for t in spec(chart)["datasets"].values() for r in t if "gap_text" in r}
    assert gaps == {"NVIDIA GPUs": "$9.00", "own chips": "$7.00, $2.00 below NVIDIA's"}
    # NVIDIA at 16 and 18: median 17, span 2; gap 17 - 7 = 10
    assert title(optionality_charts.price_chart(rented.replace({6.0: 16.0, 12.0: 18.0}), "S")) == (
        "The two groups' median list prices differ by $10.00 a petaflop-hour, more than prices spread within either group")


# --- inference evidence ---------------------------------------------------------------------

def test_generation_chart_title_sets_spec_sheet_ratios_against_vendor_claims():
    ratios = {("tpu-v5e", "tpu-v4"): {"bf16_per_chip": 0.5, "bf16_per_dollar": 1.8, "int8_per_chip": 1.0,
                                      "int8_per_dollar": 3.8, "bandwidth_per_chip": 0.6, "bandwidth_per_dollar": 2.0,
                                      "price_per_chip": 0.3},
              ("trainium2", "trainium"): {"bf16_per_chip": 3.0, "bf16_per_dollar": 0.88, "bandwidth_per_chip": 3.3,
                                          "bandwidth_per_dollar": 0.97, "price_per_chip": 3.4}}
    claims = pd.DataFrame([
        {"claim_ref": "v5e", "vendor": "Google", "subject_chip_id": "tpu-v5e", "baseline_chip_id": "tpu-v4",
         "metric": "inference per dollar", "qualifier": "up to", "as_of": T("2023-08-29"), "basis": "vendor claim",
         "factor_high_x": 2.5},
        {"claim_ref": "trn2", "vendor": "AWS", "subject_chip_id": "trainium2", "baseline_chip_id": "trainium",
         "metric": "training performance", "qualifier": "stated", "as_of": T("2023-11-28"), "basis": "vendor claim",
         "factor_high_x": 4.0}])
    vendor_of = pd.Series({"tpu-v5e": "Google", "trainium2": "AWS"})
    frame = inference_charts.generation_frame(ratios, claims, vendor_of)
    assert len(frame) == 2 + 6 + 4  # two claims; v5e's three rates twice; Trainium2's two rates twice
    # v5e per dollar: 1.8 to 3.8 holds Google's 2.5; Trainium2's BF16 per dollar 0.88 is under 0.8 x 4
    assert inference_charts.generation_title(frame, "v5e", "trn2") == (
        "Per list-price dollar, spec sheets bracket Google's 2.5x claim for TPU v5e but fall short of AWS's 4x for "
        "Trainium2")
    ratios[("tpu-v5e", "tpu-v4")]["int8_per_dollar"] = 2.2
    ratios[("tpu-v5e", "tpu-v4")]["bandwidth_per_dollar"] = 2.0
    frame = inference_charts.generation_frame(ratios, claims, vendor_of)
    # 1.8 to 2.2 no longer holds 2.5
    assert inference_charts.generation_title(frame, "v5e", "trn2") == (
        "Per list-price dollar, spec sheets fall short of Google's 2.5x claim for TPU v5e and AWS's 4x for Trainium2")
    # Trainium2's BF16 per dollar at 3.5, at least 0.8 x 4 = 3.2 but under 4: near AWS's claim, against Google's shortfall.
    near = {**ratios, ("trainium2", "trainium"): {**ratios[("trainium2", "trainium")], "bf16_per_dollar": 3.5}}
    assert inference_charts.generation_title(inference_charts.generation_frame(near, claims, vendor_of), "v5e", "trn2") == (
        "Per list-price dollar, spec sheets fall short of Google's 2.5x claim for TPU v5e but come near AWS's 4x for "
        "Trainium2")
    chart = spec(inference_charts.generation_chart(frame, "v5e", "trn2", "S"))
    assert [panel["title"]["text"] for panel in chart["vconcat"]] == ["TPU v5e over TPU v4 (Google)",
                                                                       "Trainium2 over Trainium (AWS)"]
    # What is drawn: per chip the quoted claim as its first row, in words, then every spec-sheet
    # ratio per dollar (the title's), each beside that claim (the gap from it is
    # drawn); the hedge only on the claim's row.
    drawn = inference_charts.generation_drawn(frame, {"TPU v5e": "v5e", "Trainium2": "trn2"})
    trn2 = drawn[drawn["chip"] == "Trainium2"]
    assert list(trn2["name"])[:2] == ["AWS claim: training performance", "dense BF16 per list-price $"]
    assert list(trn2["per"]) == ["claim", "dollar", "dollar"]  # the per-chip ratios are not drawn
    assert list(trn2["place"]) == [0, 1, 2]  # the claim, then BF16 and bandwidth per dollar
    assert (trn2["claim"] == 4.0).all() and list(trn2["hedge"]) == [""] * 3  # "stated": no hedge
    assert drawn.loc[drawn["chip"] == "TPU v5e", "hedge"].iloc[0] == "up to "
    assert trn2.loc[trn2["name"] == "dense BF16 per list-price $", "ratio"].item() == 0.88  # the title's 0.88x, drawn
    claims.loc[claims["claim_ref"] == "trn2", "factor_high_x"] = 3.0
    moved = inference_charts.generation_drawn(inference_charts.generation_frame(ratios, claims, vendor_of),
                                              {"TPU v5e": "v5e", "Trainium2": "trn2"})
    assert (moved.loc[moved["chip"] == "Trainium2", "claim"] == 3.0).all()


def test_mlperf_dollar_title_and_panel_headings_give_v5e_over_h100_per_round():
    frame = pd.DataFrame({"system": ["v3.1 \u00b7 a", "v3.1 \u00b7 b", "v4.0 \u00b7 a", "v4.0 \u00b7 b"],
                          "round": ["v3.1", "v3.1", "v4.0", "v4.0"], "chip_id": ["tpu-v5e", "h100"] * 2,
                          "submitter": ["G"] * 4, "vendor": ["Google", "NVIDIA"] * 2,
                          "samples_per_usd": [5000.0, 4000.0, 5000.0, 12500.0], "samples_per_second": [1.0] * 4,
                          "samples_per_second_per_chip": [1.0] * 4, "usd_per_chip_hour": [1.0] * 4,
                          "framework": ["f"] * 4, "benchmark": ["b"] * 4})
    # 5,000 / 4,000 = 1.25 in v3.1; 5,000 / 12,500 = 0.4 in v4.0, so H100 leads by 1 / 0.4 = 2.5x
    chart = inference_charts.mlperf_dollar_chart(frame, "2025-01-01", "S")
    assert title(chart) == "Per list-price dollar on GPT-J, TPU v5e led H100 at 1.2x in MLPerf v3.1 and trailed it at 0.4x in v4.0"
    assert [p["title"]["text"] for p in spec(chart)["vconcat"]] == [
        "MLPerf v3.1: TPU v5e 1.2x H100 per dollar", "MLPerf v4.0: TPU v5e 0.4x H100 per dollar"]
    moved = inference_charts.mlperf_dollar_chart(frame.assign(samples_per_usd=[5000.0, 2500.0, 5000.0, 12500.0]), "2025-01-01", "S")
    assert spec(moved)["vconcat"][0]["title"]["text"] == "MLPerf v3.1: TPU v5e 2.0x H100 per dollar"
    # 4,900 / 5,000 = 0.98, within 5% of par: a match; 0.4 trails
    matched = inference_charts.mlperf_dollar_chart(frame.assign(samples_per_usd=[4900.0, 5000.0, 5000.0, 12500.0]), "2025-01-01",
                                                   "S")
    assert title(matched) == "Per list-price dollar on GPT-J, TPU v5e matched H100 in MLPerf v3.1 and trailed it at 0.4x in v4.0"
    # trailing in both: one verdict for both rounds
    both = inference_charts.mlperf_dollar_chart(frame.assign(samples_per_usd=[2000.0, 5000.0, 5000.0, 12500.0]), "2025-01-01", "S")
    assert title(both) == "Per list-price dollar on GPT-J, TPU v5e trailed H100 in both MLPerf rounds: 0.4x in v3.1, 0.4x in v4.0"


def test_roofline_title_and_decode_band_end_at_the_lowest_ridge():
    specs = pd.DataFrame({"chip_id": ["h100", "h200", "tpu-v5e"], "chip": ["H100 SXM", "H200 SXM", "TPU v5e"],
                          "vendor": ["NVIDIA", "NVIDIA", "Google"], "bf16_tflops_dense": [989.0, 989.0, 197.0],
                          "hbm_bandwidth_gb_s": [3350.0, 4800.0, 819.0]})
    # ridges: 989,000 / 3,350 = 295.2; 989,000 / 4,800 = 206.0; 197,000 / 819 = 240.5 -> lowest 206, batch 200
    lines, ridges, names, phases = inference_charts.roofline_frames(specs, ["h100", "h200", "tpu-v5e"])
    assert inference_charts.roofline_title(ridges) == "Decoding at batches below about 200 is memory-bound on every chip shown"
    assert phases["end"].iloc[0] == 200 and phases["phase"].iloc[0] == "decode, batch 1 to 200"
    assert list(names["names"]) == ["H100, H200", "v5e"]  # one peak, one name
    # H200 at 3,000 GB/s: 329.7; the lowest ridge is then v5e's 240.5 -> batch 240
    moved = inference_charts.roofline_frames(specs.assign(hbm_bandwidth_gb_s=[3350.0, 3000.0, 819.0]),
                                             ["h100", "h200", "tpu-v5e"])[1]
    assert inference_charts.roofline_title(moved) == "Decoding at batches below about 240 is memory-bound on every chip shown"


def test_place_labels_keeps_names_off_points_and_each_other():
    # Two points 10 px apart on one line: the first name goes right of its point; the second
    # name would then cover the first, so it goes elsewhere.
    x, y, labels = pd.Series([50.0, 60.0]), pd.Series([50.0, 50.0]), pd.Series(["H100", "v4"])
    places = inference_charts.place_labels(x, y, labels, 200, 100)
    assert places.iloc[0] != "right" or places.iloc[1] != "right"
    assert inference_charts.place_labels(pd.Series([195.0]), pd.Series([50.0]), pd.Series(["Inf2"]), 200, 100).iloc[0] \
        in ("left", "upper-left", "lower-left")  # at the right edge: its name to the left


def test_per_dollar_title_names_the_most_and_least_bandwidth_per_dollar():
    frame = pd.DataFrame({"chip": ["Inferentia2", "H100 SXM", "TPU v5e"], "label": ["Inf2", "H100", "v5e"],
                          "vendor": ["AWS", "NVIDIA", "Google"], "usd_per_chip_hour": [1.0, 4.0, 1.2],
                          "bf16_tflops_dense": [190.0, 989.0, 197.0], "hbm_bandwidth_gb_s": [820.0, 3350.0, 819.0],
                          "bf16_tflops_per_usd_hour": [190.0, 247.3, 164.2], "hbm_gb_s_per_usd_hour": [820.0, 837.5, 682.5],
                          "price_seen": ["p", "p", "p"]})
    # 3,350 / 4 = 837.5 beats 820 / 1; 819 / 1.2 = 682.5 is the least
    assert title(inference_charts.per_dollar_chart(frame, "2025", "S")) == (
        "H100 SXM buys the most memory bandwidth per list-price dollar, TPU v5e the least")
    assert "the least; it also the most compute." in spec(inference_charts.per_dollar_chart(frame, "2025", "S"))["description"]
    moved = frame.assign(hbm_gb_s_per_usd_hour=[820.0, 600.0, 682.5])
    assert title(inference_charts.per_dollar_chart(moved, "2025", "S")) == (
        "Inferentia2 buys the most memory bandwidth per list-price dollar, H100 SXM the least")
    assert "H100 SXM the most compute, far right" in spec(inference_charts.per_dollar_chart(moved, "2025", "S"))["description"]
    # the chips the title names carry the same names on their points
    assert "Inferentia2" in json.dumps(spec(inference_charts.per_dollar_chart(moved, "2025", "S")))


def test_latency_chart_title_reads_the_latest_round():
    mlperf = pd.DataFrame({"round": ["v3.1", "v3.1", "v4.0", "v4.0"], "chip_id": ["tpu-v5e", "h100"] * 2,
                           "accelerators_per_system": [4, 8, 4, 8], "samples_per_second": [1.0] * 4,
                           "latency_mean_s": [11.0, 5.2, 11.5, 6.8], "latency_p99_s": [17.8, 8.8, 18.8, 12.6],
                           "latency_bound_s": [20.0] * 4})
    specs = pd.DataFrame({"chip_id": ["tpu-v5e", "h100"], "chip": ["TPU v5e", "H100 SXM"], "vendor": ["Google", "NVIDIA"]})
    # v5e's means 11.0 and 11.5 s are over H100's 5.2 and 6.8 s in both rounds; the latest round's are quoted
    assert title(inference_charts.latency_chart(mlperf, specs, "S")) == (
        "TPU v5e was slower than H100 on GPT-J in both MLPerf rounds: 11.5 s against 6.8 s a query on average in v4.0")
    assert title(inference_charts.latency_chart(mlperf.replace({6.8: 7.1}), specs, "S")).endswith(
        "11.5 s against 7.1 s a query on average in v4.0")
    # H100 at 12.0 s in v4.0: slower there, faster in v3.1, so neither chip leads in every round
    assert title(inference_charts.latency_chart(mlperf.replace({6.8: 12.0}), specs, "S")).startswith(
        "TPU v5e and H100 traded places on GPT-J latency across MLPerf rounds: 11.5 s against 12.0 s")
    # The subtitle: what every MLPerf row is (inference_charts.mlperf_subtitle), around what this chart draws.
    subtitle = " ".join(inference_charts.latency_chart(mlperf, specs, "S").to_dict()["title"]["subtitle"])
    assert subtitle.startswith("MLPerf Inference GPT-J 6B, Server scenario: ") and subtitle.endswith(
        "Rounds of Sept 2023 and early 2024.")


# --- every chart: a narrow layout with the same words, small enough for a phone ---------------

@functools.cache
def all_charts():
    """Every chart function above, on its fixture, by name, as specs (built once)."""
    evidence = pd.DataFrame({"as_of": [T("2024-06-01"), T("2025-03-01")], "stance": ["supports", "complicates"],
                             "chapter": ["a", "b"], "confidence": ["high", "low"]})
    charts.enable()
    built = {
        "verdicts_by_article": ledger_charts.verdicts_by_article(CLAIMS, AS_OF),
        "verdicts_by_part": ledger_charts.verdicts_by_part(CLAIMS, AS_OF),
        "evidence_balance": ledger_charts.evidence_balance(CLAIMS, STANCES, AS_OF),
        "evidence_timing": ledger_charts.evidence_timing(evidence, ARTICLES, AS_OF),
        "evidence_strength": ledger_charts.evidence_strength(evidence, {"a": "A", "b": "B"}, AS_OF),
        "investment": capital.investment_chart(INVESTMENTS, ARTICLES, AS_OF, "S"),
        "compute_vs_equity": capital.compute_vs_equity_chart(INVESTMENTS, COMMITMENTS, AS_OF, "S"),
        "commitments": capital.commitments_chart(COMMITMENTS, AS_OF, "S"),
        "postmortem": abstraction.postmortem_chart(pd.DataFrame([
            incident("r", "context-window routing error", "not hardware-specific", "Anthropic", "2025-08-05", "2025-09-04"),
            incident("t", "approximate top-k miscompilation", "Google TPU", "Google", "2025-08-25", "2025-09-12")]),
            T("2025-09-17"), "S"),
        "valuation": capital.valuation_chart(pd.DataFrame([
            round_row("talks", "Talks", "talks reported", "2024-11-07", 40.0, 40.0),
            round_row("e", "Series E", "closed", "2025-03-03", 61.5, 61.5)]), ARTICLES, 40.0, AS_OF, "S"),
        "events": timeline.events_chart(pd.DataFrame({
            "origin_id": ["a", "b"], "date": [T("2024-11-22"), T("2025-10-23")], "lane": ["Amazon", "Google"],
            "kind": ["equity investment"] * 2, "label": ["x", "y"], "sources": ["S", "S"]}), ARTICLES, "S"),
        "domain": interconnect.domain_chart(SYSTEMS, "2026-11-21", "S"),
        "cliff": interconnect.cliff_chart(SYSTEMS, "2026-11-21", "S"),
        "scale": interconnect.scale_chart(SYSTEMS, pd.DataFrame([
            {"system_id": "hgx-h100-8gpu", "vendor": "NVIDIA", "chips": 24576, "name": "c", "accelerator": "x",
             "scaleout_fabric": "f", "reported_outcome": "ran", "outcome_kind": "k", "as_of": T("2025-01-01"),
             "source_id": "s"}]), "S"),
    }
    return {name: spec(chart) for name, chart in built.items()}


def _plot_widths(node, found):
    if isinstance(node, dict):
        if isinstance(node.get("width"), (int, float)):
            found.append(node["width"])
        for key, value in node.items():
            if key not in ("datasets", "data"):
                _plot_widths(value, found)
    elif isinstance(node, list):
        for value in node:
            _plot_widths(value, found)
    return found


CHART_NAMES = ["verdicts_by_article", "verdicts_by_part", "evidence_balance", "evidence_timing", "evidence_strength",
               "investment", "compute_vs_equity", "commitments", "postmortem", "valuation", "events", "domain", "cliff",
               "scale"]


def test_the_list_of_chart_names_is_complete():
    assert sorted(all_charts()) == sorted(CHART_NAMES)


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_chart_has_a_narrow_layout_with_the_same_words(name):
    wide = all_charts()[name]
    narrow = wide["usermeta"]["chipbook"]["narrow"]
    assert narrow["title"] == wide["title"] and narrow["description"] == wide["description"]
    assert narrow["usermeta"]["chipbook"]["source"] == wide["usermeta"]["chipbook"]["source"]
    # A phone's column is about 320 px: no plot in the narrow layout is drawn wider than that.
    assert max(_plot_widths(narrow, []), default=0) <= charts.NARROW_WIDTH_PX
    page = charts.offline_renderer(wide)["text/html"]
    assert page.count("chipbookDraw(") == 1 and '"narrow_below":' in page


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_chart_text_alternative_states_its_title(name):
    wide = all_charts()[name]
    assert " ".join(wide["title"]["text"]) in wide["description"]
