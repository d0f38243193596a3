"""The capital-structure chapter's computations (chipbook.capital): hand-worked totals on
fixture tables (tests/fixtures/capital/, the rows of data/ on 2026-11-29, frozen), and on
the live tables only invariants: every total the chapter's charts show is recomputed from
the tranche rows by a separate, deliberately plain route, so a chart cannot disagree with
its table. The rules of the tables themselves (payments within a deal's ceiling, one
instrument per tranche, figure basis and source kind agreeing, valuations in order) are
`make check`'s (chipbook.table_rules)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from chipbook import capital, ledger, load_table
from fixture_tables import fixture

INVESTMENTS = load_table("investments")
ROUNDS = load_table("funding_rounds")
COMMITMENTS = load_table("compute_commitments")
END = ledger.evidence_as_of()  # the book's one evidence date

# The fixtures: the three tables as they stood on 2026-11-29, the day the sums below were
# worked by hand; a chart's end date after every tranche; the articles' latest dates.
FIXED_INVESTMENTS = fixture("capital", "investments")
FIXED_ROUNDS = fixture("capital", "funding_rounds")
FIXED_COMMITMENTS = fixture("capital", "compute_commitments")
FIXED_END = pd.Timestamp("2026-11-29")
A1_LATEST, A2_LATEST = pd.Timestamp("2025-01-22"), pd.Timestamp("2024-11-22")


# --- Hand-worked totals (tests/fixtures/capital/investments.csv) ---------------------------
# Amazon, committed: 4.0 (Sep 2023) + 4.0 (Nov 2024) + 5.0 now + 20.0 facility (Apr 2026) = 33.0
# Amazon, funded:    1.25 + 2.75 = 4.0 by Mar 2024; + 1.3 = 5.3 by end-2024 (the 10-K's $5.3B);
#                    + 1.3 + 1.4 = 8.0 by end-2025 (the 10-K's $8.0B); + 5.0 Series G + 5.0 Series H = 18.0
# Google, committed: early stake 0.3 (FT, WSJ) to 0.55 (Bloomberg), no ceiling, so counted as paid;
#                    + 2.0 (Oct 2023) = 2.3-2.55 (2.55 is the FTC report's figure);
#                    + 1.0 (Jan 2025) = 3.3-3.55; + 40.0 (Apr 2026) = 43.3-43.55
# Google, funded:    0.3-0.55 + 0.5 (Oct 2023) = 0.8-1.05; + 1.0 (Jan 2025) = 1.8-2.05;
#                    + 0.75 (inferred, by Mar 2025) = 2.55-2.8; + 10.0 (Apr 2026) = 12.55-12.8;
#                    the 0.75 scheduled for Sep 2025 is not counted as paid.
# Microsoft and NVIDIA: up to 5.0 and 10.0 committed, nothing documented as paid.
HAND_WORKED = {
    ("Amazon", "committed"): (33.0, 33.0),
    ("Amazon", "funded"): (18.0, 18.0),
    ("Google", "committed"): (43.3, 43.55),
    ("Google", "funded"): (12.55, 12.8),
    ("Microsoft", "committed"): (5.0, 5.0),
    ("Microsoft", "funded"): (0.0, 0.0),
    ("NVIDIA", "committed"): (10.0, 10.0),
    ("NVIDIA", "funded"): (0.0, 0.0),
}


def test_totals_match_the_hand_worked_figures():
    table = capital.totals(FIXED_INVESTMENTS).set_index("investor")
    for (investor, measure), (low, high) in HAND_WORKED.items():
        assert table.loc[investor, f"{measure}_low_usd_b"] == pytest.approx(low), (investor, measure)
        assert table.loc[investor, f"{measure}_high_usd_b"] == pytest.approx(high), (investor, measure)


def test_totals_when_the_strategy_article_was_written():
    # By 2024-12-31: Amazon committed 4 + 4 = 8 and had paid 1.25 + 2.75 + 1.3 = 5.3;
    # Google committed 0.3-0.55 + 2.0 = 2.3-2.55 and had paid 0.3-0.55 + 0.5 = 0.8-1.05.
    table = capital.totals(FIXED_INVESTMENTS, as_of="2024-12-31").set_index("investor")
    assert table.loc["Amazon", "committed_high_usd_b"] == pytest.approx(8.0)
    assert table.loc["Amazon", "funded_high_usd_b"] == pytest.approx(5.3)
    assert table.loc["Google", ["committed_low_usd_b", "committed_high_usd_b"]].tolist() == pytest.approx([2.3, 2.55])
    assert table.loc["Google", ["funded_low_usd_b", "funded_high_usd_b"]].tolist() == pytest.approx([0.8, 1.05])
    assert "Microsoft" not in table.index


# --- Every point of the cumulative chart, recomputed from the raw rows --------------------

def _plain_events(rows: pd.DataFrame) -> list[dict]:
    """The same rules as chipbook.capital, written out with dicts and loops."""
    per_tranche: dict[str, dict] = {}
    for r in rows.itertuples():
        t = per_tranche.setdefault(r.tranche_id, {"deal": r.deal_id, "investor": r.investor, "status": r.status,
                                                  "date": r.as_of, "amounts": []})
        t["date"] = min(t["date"], r.as_of)
        t["amounts"].append(r.amount_usd_b)
    deals_with_ceiling = {t["deal"] for t in per_tranche.values() if t["status"] == "committed"}
    events = []
    for t in per_tranche.values():
        low, high = min(t["amounts"]), max(t["amounts"])
        counts_as_commitment = t["status"] == "committed" or t["deal"] not in deals_with_ceiling
        if counts_as_commitment:
            events.append({"investor": t["investor"], "measure": "committed", "date": t["date"], "low": low, "high": high})
        if t["status"] == "funded":
            events.append({"investor": t["investor"], "measure": "funded", "date": t["date"], "low": low, "high": high})
    return events


def test_every_cumulative_point_is_the_sum_of_the_tranches_up_to_its_date():
    events = _plain_events(INVESTMENTS)
    cum = capital.cumulative(INVESTMENTS, until=END)
    assert len(cum) > 0
    for point in cum.itertuples():
        mine = [e for e in events if e["investor"] == point.investor and e["measure"] == point.measure
                and e["date"] <= point.date]
        assert point.low_usd_b == pytest.approx(sum(e["low"] for e in mine)), point
        assert point.high_usd_b == pytest.approx(sum(e["high"] for e in mine)), point


def test_the_cumulative_chart_ends_at_the_hand_worked_totals():
    cum = capital.cumulative(FIXED_INVESTMENTS, until=FIXED_END)
    last = cum.groupby(["investor", "measure"]).last()
    for (investor, measure), (low, high) in HAND_WORKED.items():
        if low == high == 0.0:
            assert (investor, measure) not in last.index  # nothing to draw
            continue
        assert last.loc[(investor, measure), "date"] == FIXED_END
        assert last.loc[(investor, measure), ["low_usd_b", "high_usd_b"]].tolist() == pytest.approx([low, high])


def test_the_cumulative_chart_ends_at_the_totals():
    """Live data: each line of the chart ends, on the evidence date, at the investor's total."""
    last = capital.cumulative(INVESTMENTS, until=END).groupby(["investor", "measure"]).last()
    totals = capital.totals(INVESTMENTS).set_index("investor")
    for (investor, measure), point in last.iterrows():
        assert point["date"] == END
        assert [point["low_usd_b"], point["high_usd_b"]] == pytest.approx(
            [totals.loc[investor, f"{measure}_low_usd_b"], totals.loc[investor, f"{measure}_high_usd_b"]])


def test_cumulative_totals_never_fall_and_funded_never_exceeds_committed():
    cum = capital.cumulative(INVESTMENTS, until=END)
    for (_, _), line in cum.groupby(["investor", "measure"]):
        assert line["high_usd_b"].is_monotonic_increasing and line["low_usd_b"].is_monotonic_increasing
    for investor, rows in cum.groupby("investor"):
        committed = rows[rows["measure"] == "committed"].set_index("date")["high_usd_b"]
        for point in rows[rows["measure"] == "funded"].itertuples():
            assert point.high_usd_b <= committed[committed.index <= point.date].iloc[-1] + 1e-9, (investor, point.date)


# --- The dates on which the articles' figures were overtaken ------------------------------

def test_when_the_articles_figures_were_overtaken():
    cum = capital.cumulative(FIXED_INVESTMENTS, until=FIXED_END)
    a1_latest = A1_LATEST
    # Google's "$2B" (2.3-2.55 with the early stake) grew with the further $1B of 2025-01-22.
    assert capital.first_change_after(cum, "Google", "committed", "2024-11-22") == pd.Timestamp("2025-01-22")
    # Amazon's "$8B" stood until the 2026-04-20 deal.
    assert capital.first_change_after(cum, "Amazon", "committed", a1_latest) == pd.Timestamp("2026-04-20")
    # Google's ceiling (43.3 at least) passed Amazon's 33 on 2026-04-24, the first lead change
    # after the article; Google's only earlier lead was in 2023, before Amazon's first deal.
    assert capital.first_date_ahead(cum, "Google", "Amazon", after=a1_latest) == pd.Timestamp("2026-04-24")
    assert capital.first_date_ahead(cum, "Google", "Amazon") == pd.Timestamp("2023-02-03")
    # On money actually paid Amazon has led ever since the article (18 against 12.55-12.8).
    assert capital.first_date_ahead(cum, "Google", "Amazon", measure="funded", after=a1_latest) is None


# --- The consideration chart ---------------------------------------------------------------

def test_consideration_counts_recount_the_rows():
    counts = capital.consideration_counts(INVESTMENTS)
    assert counts["rows"].sum() == len(INVESTMENTS)
    for r in counts.itertuples():
        raw = ((INVESTMENTS["investor"] == r.investor) & (INVESTMENTS["consideration"] == r.consideration)).sum()
        assert r.rows == raw


# --- The valuation chart -------------------------------------------------------------------

def test_the_news_articles_figure_and_when_it_was_passed():
    a2_latest = A2_LATEST
    # Talks before then: $30-40B (Sep 2024) and $40B (7 Nov 2024), so $40B at most.
    assert capital.reported_figure_before(FIXED_ROUNDS, a2_latest) == 40.0
    passed = capital.first_close_above(FIXED_ROUNDS, 40.0, a2_latest)
    assert (passed["round_id"], passed["round_date"], passed["valuation_low_usd_b"]) == (
        "series-e", pd.Timestamp("2025-03-03"), 61.5)


def test_valuations_keep_every_source_and_every_range():
    shown = capital.valuations(ROUNDS)
    assert len(shown) == ROUNDS["valuation_high_usd_b"].notna().sum()
    # Series C is reported at $4.1B (Axios Pro) and $5B (Semafor): both stay.
    fixed = capital.valuations(FIXED_ROUNDS)
    series_c = fixed[fixed["round_id"] == "series-c"]
    assert sorted(series_c["valuation_high_usd_b"]) == [4.1, 5.0]


# --- The compute-against-equity chart ------------------------------------------------------

def test_equity_vs_compute_recomputed_from_the_rows():
    table = capital.equity_vs_compute(INVESTMENTS, COMMITMENTS).set_index("counterparty")
    totals = capital.totals(INVESTMENTS).set_index("investor")
    assert set(table.index) == set(COMMITMENTS["counterparty"])
    for counterparty, row in table.iterrows():
        investor = capital.INVESTOR_OF_COUNTERPARTY.get(counterparty)
        for measure in ("committed", "funded"):
            for bound in ("low", "high"):
                expected = totals.loc[investor, f"{measure}_{bound}_usd_b"] if investor else 0.0
                assert row[f"equity_{measure}_{bound}_usd_b"] == pytest.approx(expected)
        for disclosure, column in (("announced by a party", "compute_announced_usd_b"),
                                   ("reported only", "compute_reported_usd_b")):
            values = [v for c, d, v in zip(COMMITMENTS["counterparty"], COMMITMENTS["disclosure"], COMMITMENTS["usd_b"])
                      if c == counterparty and d == disclosure and not math.isnan(v)]
            if values:
                assert row[column] == max(values)
            else:
                assert math.isnan(row[column])


def test_compute_to_equity_ratios_by_hand():
    # AWS: more than $100B against Amazon's $33B committed = 3.03;
    # Google: $200B (reported only) against $43.55B = 4.59; Microsoft: $30B against $5B = 6.0.
    ratios = capital.compute_to_equity_ratios(capital.equity_vs_compute(FIXED_INVESTMENTS, FIXED_COMMITMENTS))
    assert ratios.to_dict() == pytest.approx({"Amazon / AWS": 100 / 33, "Google": 200 / 43.55, "Microsoft": 6.0})


# --- Hand-worked cases on small tables -----------------------------------------------------

def _frame(rows):
    columns = ["tranche_id", "deal_id", "investor", "status", "as_of", "amount_usd_b", "source_id", "consideration"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["as_of"] = pd.to_datetime(frame["as_of"])
    return frame


def test_conflicting_sources_become_a_range_and_the_earliest_date():
    frame = _frame([
        ("g-t1", "g", "Google", "funded", "2023-03-01", 0.4, "b", "not stated"),
        ("g-t1", "g", "Google", "funded", "2023-02-01", 0.3, "a", "cash"),
        ("g-t1", "g", "Google", "funded", "2023-10-01", 0.55, "c", "not stated"),
    ])
    t = capital.tranches(frame).iloc[0]
    assert (t["low_usd_b"], t["high_usd_b"], t["date"]) == (0.3, 0.55, pd.Timestamp("2023-02-01"))
    assert t["sources"] == "a, b, c"


def test_a_deal_without_a_ceiling_counts_its_payments_as_its_commitment():
    # Deal x: ceiling 4, paid 1 then 3. Deal y: no ceiling, paid 2. Deal z: ceiling 2, paid 0.5, 0.75 scheduled.
    # Committed: 4 + 2 + 2 = 8. Funded: 1 + 3 + 2 + 0.5 = 6.5 (the scheduled 0.75 is not paid).
    frame = _frame([
        ("x-commit", "x", "Amazon", "committed", "2023-01-01", 4.0, "s", "cash"),
        ("x-t1", "x", "Amazon", "funded", "2023-02-01", 1.0, "s", "cash"),
        ("x-t2", "x", "Amazon", "funded", "2023-06-01", 3.0, "s", "cash"),
        ("y-t1", "y", "Amazon", "funded", "2024-01-01", 2.0, "s", "not stated"),
        ("z-commit", "z", "Amazon", "committed", "2024-06-01", 2.0, "s", "not stated"),
        ("z-t1", "z", "Amazon", "funded", "2024-07-01", 0.5, "s", "not stated"),
        ("z-t2", "z", "Amazon", "scheduled", "2025-01-01", 0.75, "s", "not stated"),
    ])
    total = capital.totals(frame).set_index("investor").loc["Amazon"]
    assert total["committed_high_usd_b"] == pytest.approx(8.0)
    assert total["funded_high_usd_b"] == pytest.approx(6.5)
    cum = capital.cumulative(frame, until="2025-06-30")
    committed = cum[cum["measure"] == "committed"]
    # Steps: 4 (Jan 2023), 6 (Jan 2024, deal y's payment), 8 (Jun 2024), held to the end date.
    assert committed["high_usd_b"].tolist() == [4.0, 6.0, 8.0, 8.0]
    assert committed["date"].iloc[-1] == pd.Timestamp("2025-06-30")
    funded = cum[cum["measure"] == "funded"]
    assert funded["high_usd_b"].tolist() == [1.0, 4.0, 6.0, 6.5, 6.5]


def test_a_tranche_whose_rows_disagree_on_its_status_is_refused():
    frame = _frame([
        ("g-t1", "g", "Google", "funded", "2023-03-01", 0.4, "a", "cash"),
        ("g-t1", "g", "Google", "committed", "2023-03-01", 0.4, "b", "cash"),
    ])
    with pytest.raises(ValueError, match="status"):
        capital.tranches(frame)


def test_format_usd_b():
    assert capital.format_usd_b(18.0) == "$18B"
    assert capital.format_usd_b(18.0, 18.0) == "$18B"
    assert capital.format_usd_b(12.55, 12.8) == "$12.55\u201312.8B"
    assert capital.format_usd_b(0.3, 0.55) == "$0.3\u20130.55B"


# --- The tranche table ---------------------------------------------------------------------

def test_tranche_table_shows_every_row_with_its_source_linked():
    investments = load_table("investments")
    page = capital.tranche_table(investments).data
    assert page.count("<tr>") == len(investments) + 1  # the header and one row per tranche and source
    for source_id in set(investments["source_id"]):
        assert f"#src-{source_id}" in page
    amazon = capital.tranche_table(investments, investor="Amazon").data
    assert amazon.count("<tr>") == int((investments["investor"] == "Amazon").sum()) + 1
