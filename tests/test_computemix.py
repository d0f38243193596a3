"""The compute-mix model: one hand-worked fixture case per rule, then invariants of the
model on the book's data (never today's values)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from chipbook import DataError, charts, ledger, load_table
from chipbook import computemix as mix
from chipbook.check import check_compute_mix, check_tables
from chipbook.vocabulary import CAPACITY_STATES, COUNTED_ONCE_DELIVERED

# --- Fixture tables, small enough to work by hand ----------------------------------------

SPECS = pd.DataFrame({
    "chip_id": ["h100", "half", "double", "int8only"],
    "bf16_tflops_dense": [989.0, 494.5, 1978.0, 989.0],   # 1, 0.5, 2 and 1 H100e per chip
    "fp8_tflops_dense": [1979.0, 989.5, None, None],       # 8-bit: FP8 first (1 and 0.5) ...
    "mxfp8_tflops_dense": [None, None, 7916.0, None],      # ... else MXFP8 ("double": 7,916 / 1,979 = 4) ...
    "int8_tops_dense": [1979.0, 4000.0, None, 3958.0],     # ... else INT8 ("int8only": 3,958 / 1,979 = 2)
    "hbm_bandwidth_gb_s": [3350.0, 1675.0, 6700.0, 837.5],  # HBM: 1, 0.5, 2 and 0.25
})
POWER = pd.DataFrame({
    "chip_id": ["h100", "half", "double", "int8only"],
    "it_watts_low": [1000.0, 800.0, 2000.0, 1000.0], "it_watts_central": [1000.0, 1000.0, 2000.0, 1000.0],
    "it_watts_high": [1000.0, 1250.0, 2000.0, 1000.0],
    "pue_low": [1.25, 1.0, 1.0, 1.0], "pue_central": [1.25, 1.0, 1.0, 1.0], "pue_high": [1.25, 1.0, 1.0, 1.0],
})
TRANCHE_COLUMNS = ["tranche_id", "vendor", "chip_id", "stated_as", "measure", "amount_low", "amount_central", "amount_high",
                   "announced", "start_quarter", "full_quarter_early", "full_quarter_central", "full_quarter_late"]


def tranches(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=TRANCHE_COLUMNS)
    return frame.assign(announced=pd.to_datetime(frame["announced"]))


def fixed(tranche_id, vendor, chip, stated_as, measure, amount, start, full, announced=None):
    """A tranche with no range: low = central = high, early = central = late."""
    return (tranche_id, vendor, chip, stated_as, measure, amount, amount, amount, announced, start, full, full, full)


QUARTERS = mix.quarter_range("2025Q3", "2026Q4")


def at(run, values, vendor, quarter, draw=0):
    """A vendor's value at the end of `quarter` in one draw (0: the central run)."""
    return run.by_vendor(values)[vendor][draw, run.quarters.index(quarter)]


# --- Rule 1: conversion to the common unit -------------------------------------------------

def test_h100e_per_chip_on_each_basis_by_hand():
    bf16 = mix.h100e_per_chip(SPECS, "bf16")
    # 494.5 / 989 = 0.5 and 1,978 / 989 = 2 H100e; 1,000 "half" chips are 500 H100e.
    assert bf16.to_dict() == pytest.approx({"h100": 1.0, "half": 0.5, "double": 2.0, "int8only": 1.0})
    assert 1000 * bf16["half"] == pytest.approx(500)
    eight = mix.h100e_per_chip(SPECS, "8-bit")
    # FP8 before INT8 ("half": 989.5 / 1,979 = 0.5, not its INT8 4,000 / 1,979); MXFP8 where there is no FP8
    # ("double": 7,916 / 1,979 = 4); INT8 where there is neither ("int8only": 3,958 / 1,979 = 2).
    assert eight.to_dict() == pytest.approx({"h100": 1.0, "half": 0.5, "double": 4.0, "int8only": 2.0})
    hbm = mix.h100e_per_chip(SPECS, "hbm")
    # 1,675 / 3,350 = 0.5, 6,700 / 3,350 = 2, 837.5 / 3,350 = 0.25.
    assert hbm.to_dict() == pytest.approx({"h100": 1.0, "half": 0.5, "double": 2.0, "int8only": 0.25})
    # A chip with no rate on a basis gets none, not an invented one.
    assert np.isnan(mix.h100e_per_chip(SPECS.assign(hbm_bandwidth_gb_s=[3350.0, None, 6700.0, 837.5]), "hbm")["half"])
    with pytest.raises(ValueError, match="basis"):
        mix.h100e_per_chip(SPECS, "fp4")


def test_the_same_chips_count_differently_on_each_basis_by_hand():
    # 1,000 "double" and 1,000 "int8only" chips: BF16 2,000 + 1,000; 8-bit 4,000 + 2,000; HBM 2,000 + 250.
    rows = tranches(fixed("d", "Google", "double", "estimate", "chips", 1000, "2026Q1", "2026Q1"),
                    fixed("i", "AWS", "int8only", "estimate", "chips", 1000, "2026Q1", "2026Q1"))
    bases = ("bf16", "8-bit", "hbm")
    got = {b: mix.simulate(rows, POWER, SPECS, b, draws=0, quarters=QUARTERS) for b in bases}
    assert [at(got[b], got[b].h100e, "Google", "2026Q1") for b in bases] == pytest.approx([2000, 4000, 2000])
    assert [at(got[b], got[b].h100e, "AWS", "2026Q1") for b in bases] == pytest.approx([1000, 2000, 250])
    # So Google's share is 2/3 on BF16 and 8-bit but 2,000 / 2,250 = 8/9 on HBM bandwidth.
    share = {b: mix.share_frame(got[b]).set_index(["quarter", "count", "vendor"])["central"][("2026Q1", "in service", "Google")]
             for b in bases}
    assert [share[b] for b in bases] == pytest.approx([2 / 3, 2 / 3, 8 / 9])
    # The headline is 8-bit, Epoch AI's unit; "all units" is not a basis a run can take.
    assert mix.HEADLINE == "8-bit" and mix.single(mix.ALL_UNITS) == "8-bit"
    with pytest.raises(ValueError, match="basis"):
        mix.simulate(rows, POWER, SPECS, mix.ALL_UNITS, draws=0, quarters=QUARTERS)


def test_h100e_tranche_converts_through_its_chip():
    # 400 H100e of "double" chips are 400 / 2 = 200 chips; on the 8-bit basis 200 x 4 = 800 H100e.
    rows = tranches(fixed("d", "Google", "double", "estimate", "h100e", 400, "2026Q1", "2026Q1"))
    bf16 = mix.simulate(rows, POWER, SPECS, "bf16", draws=0, quarters=QUARTERS)
    eight = mix.simulate(rows, POWER, SPECS, "8-bit", draws=0, quarters=QUARTERS)
    assert at(bf16, bf16.chips, "Google", "2026Q1") == pytest.approx(200)
    assert at(bf16, bf16.h100e, "Google", "2026Q1") == pytest.approx(400)
    assert at(eight, eight.h100e, "Google", "2026Q1") == pytest.approx(800)


# --- Rule 2: gigawatts to chips -------------------------------------------------------------

def test_chips_per_gigawatt_by_hand():
    # 1e9 W / (1,000 W x PUE 1.25) = 800,000 chips; 1e9 / (1,000 x 1.0) = 1,000,000.
    assert mix.chips_per_gigawatt(1000, 1.25) == pytest.approx(800_000)
    assert mix.chips_per_gigawatt([1000, 2000], [1.0, 1.0]) == pytest.approx([1_000_000, 500_000])


def test_a_gigawatt_tranche_by_hand():
    # 1 GW of "half" chips at 1,000 W and PUE 1: 1,000,000 chips x 0.5 = 500,000 H100e, drawing 1 GW.
    rows = tranches(fixed("g", "AWS", "half", "firm", "gigawatts", 1.0, "2026Q1", "2026Q1", "2025-10-01"))
    run = mix.simulate(rows, POWER, SPECS, draws=0, quarters=QUARTERS)
    assert at(run, run.chips, "AWS", "2026Q1") == pytest.approx(1_000_000)
    assert at(run, run.h100e, "AWS", "2026Q1") == pytest.approx(500_000)
    assert at(run, run.gigawatts, "AWS", "2026Q1") == pytest.approx(1.0)


# --- Rule 3: a ceiling's delivery pace --------------------------------------------------------

def test_delivery_is_linear_by_hand():
    start, full = mix.quarter_index("2026Q1"), mix.quarter_index("2026Q4")
    quarters = [mix.quarter_index(q) for q in mix.quarter_range("2025Q4", "2027Q1")]
    # Over four quarters: nothing before the start, then a quarter each quarter, then all of it.
    assert mix.delivered_fraction(quarters, start, full) == pytest.approx([0, 0.25, 0.5, 0.75, 1.0, 1.0])
    with pytest.raises(ValueError):
        mix.delivered_fraction(quarters, full, start)


def test_a_one_gigawatt_ceiling_over_four_quarters_by_hand():
    # 1 GW drawn from a ceiling, delivered 2026Q1-2026Q4: 0.25 GW more each quarter.
    rows = tranches(fixed("c", "NVIDIA", "h100", "up to", "gigawatts", 1.0, "2026Q1", "2026Q4",
                          "2025-11-18"))
    run = mix.simulate(rows, POWER, SPECS, draws=0, quarters=QUARTERS)
    gw = [at(run, run.gigawatts, "NVIDIA", q) for q in mix.quarter_range("2025Q4", "2026Q4")]
    assert gw == pytest.approx([0, 0.25, 0.5, 0.75, 1.0])
    # At 800,000 H100s per GW (1,000 W x PUE 1.25), 0.25 GW is 200,000 H100e.
    assert at(run, run.h100e, "NVIDIA", "2026Q1") == pytest.approx(200_000)


def test_quarters_by_hand():
    assert mix.quarter_range("2026Q3", "2027Q2") == ["2026Q3", "2026Q4", "2027Q1", "2027Q2"]
    assert mix.quarter_index("2027Q1") - mix.quarter_index("2026Q1") == 4
    assert mix.quarter_end("2026Q4") == pd.Timestamp("2026-12-31")
    assert mix.quarter_end("2024Q1") == pd.Timestamp("2024-03-31")
    assert mix.quarter_of("2025-11-18") == "2025Q4"
    with pytest.raises(ValueError, match="quarter"):
        mix.quarter_index("2026-Q3")


# --- Rule 4: in service and contracted kept apart -----------------------------------------

def test_the_ceiling_rule_by_hand():
    # One rule, one vocabulary: a firm amount is contracted; an "up to" amount and a conditional one are ceilings
    # (capacity states, like "in service"); an unpublished one an unsized deal; an estimate a fleet estimate. Only
    # the contracted kind is counted before delivery.
    assert {s: mix.counting(s) for s in ("estimate", "firm", "up to", "conditional", "unpublished")} == {
        "estimate": "fleet estimate", "firm": "contracted", "up to": "ceiling",
        "conditional": "ceiling", "unpublished": "unsized deal"}
    assert {"contracted", "ceiling"} <= set(CAPACITY_STATES)
    assert set(COUNTED_ONCE_DELIVERED) == {"ceiling", "unsized deal"}
    with pytest.raises(KeyError, match="stated_as"):
        mix.counting("contracted")


def test_in_service_and_contracted_are_kept_apart_by_hand():
    rows = tranches(
        # Signed 18 Nov 2025 for a firm 1 GW of H100s (800,000 chips), delivered 2026Q1-2026Q4.
        fixed("signed", "NVIDIA", "h100", "firm", "gigawatts", 1.0, "2026Q1", "2026Q4", "2025-11-18"),
        # An estimate, an "up to" ceiling, a conditional amount and an unpublished one never count as contracted.
        fixed("fleet", "Google", "half", "estimate", "chips", 1000, "2026Q1", "2026Q4"),
        fixed("draw", "AWS", "half", "up to", "chips", 1000, "2026Q1", "2026Q4", "2025-11-18"),
        fixed("maybe", "AWS", "half", "conditional", "chips", 1000, "2026Q1", "2026Q4", "2025-11-18"),
        fixed("unsized", "Google", "half", "unpublished", "chips", 1000, "2026Q1", "2026Q4", "2025-11-18"),
    )
    run = mix.simulate(rows, POWER, SPECS, draws=0, quarters=QUARTERS)
    served, waiting = run.h100e, run.pending_h100e
    # Before the announcement (2025Q3): nothing either way.
    assert at(run, served, "NVIDIA", "2025Q3") == 0 and at(run, waiting, "NVIDIA", "2025Q3") == 0
    # Announced in 2025Q4, nothing delivered: all 800,000 H100e contracted, none in service.
    assert at(run, served, "NVIDIA", "2025Q4") == 0
    assert at(run, waiting, "NVIDIA", "2025Q4") == pytest.approx(800_000)
    # Half way (2026Q2): 400,000 in service, 400,000 still contracted; at the end all in service.
    assert at(run, served, "NVIDIA", "2026Q2") == pytest.approx(400_000)
    assert at(run, waiting, "NVIDIA", "2026Q2") == pytest.approx(400_000)
    assert at(run, served, "NVIDIA", "2026Q4") == pytest.approx(800_000) and at(run, waiting, "NVIDIA", "2026Q4") == 0
    for vendor in ("Google", "AWS"):
        assert all(at(run, waiting, vendor, q) == 0 for q in QUARTERS)
        # Two tranches of 1,000 chips x 0.5 over four quarters: 2 x 125 = 250 H100e at the end of 2026Q1.
        assert at(run, served, vendor, "2026Q1") == pytest.approx(250)
    states = mix.compute_frame(run).set_index(["quarter", "vendor", "state", "unit"])["central"]
    assert states[("2026Q2", "NVIDIA", mix.IN_SERVICE, "gigawatts")] == pytest.approx(0.5)
    assert states[("2026Q2", "NVIDIA", mix.CONTRACTED, "gigawatts")] == pytest.approx(0.5)
    # All vendors in service at 2026Q2: 400,000 + 4 x 250.
    assert states[("2026Q2", mix.ALL_VENDORS, mix.IN_SERVICE, "h100e")] == pytest.approx(401_000)


# --- Rule 5: ranges --------------------------------------------------------------------------

def test_triangular_by_hand():
    # The ends and the peak: u = 0 gives low, u = 1 high; with the peak in the middle, u = 0.5 is the peak.
    assert mix.triangular([0.0, 0.5, 1.0], 0, 5, 10) == pytest.approx([0, 5, 10])
    # Peak at the low end: the median is 1 - sqrt(0.5) of the way up (0.293).
    assert mix.triangular([0.5], 0, 0, 1) == pytest.approx([1 - 0.5 ** 0.5])
    assert mix.triangular([0.3, 0.9], 2, 2, 2) == pytest.approx([2, 2])
    with pytest.raises(ValueError, match="low <= central <= high"):
        mix.triangular([0.5], 3, 1, 5)


def test_the_central_figure_is_the_median_of_the_draws_by_hand():
    # Modal case 10 (row 0); draws 1..99: the 5th, 50th and 95th percentiles are 5.9, 50 and 94.1. The modal case is
    # none of them, and the range is never widened to reach it.
    values = np.concatenate([[10.0], np.arange(1.0, 100.0)])
    assert mix.summarise(values) == pytest.approx((5.9, 50.0, 94.1))
    low, central, high = mix.summarise(np.concatenate([[200.0], np.arange(1.0, 100.0)]))
    assert (low, central, high) == pytest.approx((5.9, 50.0, 94.1))
    # With no draws the modal case is all three.
    assert mix.summarise(np.array([7.0])) == (7.0, 7.0, 7.0)


def test_the_range_runs_over_every_unit_by_hand():
    # Rule 6: the headline's central figure, the lowest low and the highest high over the units.
    keys = ["quarter", "vendor"]
    frames = {"8-bit": pd.DataFrame({"quarter": ["2025Q4"], "vendor": ["AWS"], "low": [0.47], "central": [0.55], "high": [0.58]}),
              "bf16": pd.DataFrame({"quarter": ["2025Q4"], "vendor": ["AWS"], "low": [0.48], "central": [0.56], "high": [0.59]}),
              "hbm": pd.DataFrame({"quarter": ["2025Q4"], "vendor": ["AWS"], "low": [0.61], "central": [0.68], "high": [0.70]})}
    got = mix.envelope(frames, keys).iloc[0]
    # Central 0.55 (8-bit); low min(0.47, 0.48, 0.61) = 0.47; high max(0.58, 0.59, 0.70) = 0.70: the HBM central 0.68
    # now lies inside the range.
    assert (got["low"], got["central"], got["high"]) == pytest.approx((0.47, 0.55, 0.70))


RANGED = tranches(
    ("n", "NVIDIA", "h100", "firm", "gigawatts", 0.2, 0.5, 1.0, "2025-11-18", "2026Q1", "2026Q2", "2026Q3", "2026Q4"),
    ("g", "Google", "half", "firm", "gigawatts", 1.0, 1.5, 2.0, "2025-10-23", "2025Q4", "2026Q1", "2026Q2", "2026Q4"),
    ("a", "AWS", "half", "estimate", "chips", 5e5, 1e6, 1.2e6, None, "2025Q3", "2025Q4", "2026Q1", "2026Q2"),
)


def test_low_central_high_are_ordered():
    run = mix.simulate(RANGED, POWER, SPECS, draws=300, quarters=QUARTERS)
    for frame in (mix.compute_frame(run), mix.share_frame(run)):
        known = frame.dropna(subset=["central"])
        assert (known["low"] <= known["central"] + 1e-12).all() and (known["central"] <= known["high"] + 1e-12).all()
    # A range is a range: somewhere the draws spread.
    shares = mix.share_frame(run)
    assert (shares["high"] - shares["low"]).max() > 0


def test_the_same_assumption_draws_the_same_numbers_in_every_run():
    # Common random numbers: a second run, or a run with another tranche added, draws "n" alike.
    first = mix.simulate(RANGED, POWER, SPECS, draws=50, quarters=QUARTERS)
    extra = tranches(fixed("x", "AWS", "double", "estimate", "chips", 10, "2026Q1", "2026Q1"))
    second = mix.simulate(pd.concat([extra, RANGED], ignore_index=True), POWER, SPECS, draws=50, quarters=QUARTERS)
    assert np.array_equal(first.h100e["n"], second.h100e["n"])


def test_the_copula_by_hand():
    # rho = 0 leaves the own draws alone; rho = 1 replaces them by Phi(z): Phi(0) = 0.5.
    assert mix.correlated([0.3, 0.9], [2.0, -1.0], 0.0) == pytest.approx([0.3, 0.9])
    assert mix.correlated([0.3, 0.9], [0.0, 0.0], 1.0) == pytest.approx([0.5, 0.5])
    # rho = 0.5, an own draw at the median (Phi^-1(0.5) = 0), z = 1: Phi(sqrt(0.5) x 1) = Phi(0.7071) = 0.7602.
    assert mix.correlated([0.5], [1.0], 0.5) == pytest.approx([0.76025], abs=1e-5)
    # rho = 0.75, own draw Phi(1) = 0.8413, z = 0: Phi(sqrt(0.25) x 1) = Phi(0.5) = 0.6915.
    assert mix.correlated([0.841345], [0.0], 0.75) == pytest.approx([0.69146], abs=1e-5)
    with pytest.raises(ValueError, match="correlation"):
        mix.correlated([0.5], [0.0], 1.5)


LINKED = tranches(
    ("a", "NVIDIA", "h100", "up to", "h100e", 0, 5, 10, "2025-11-18", "2026Q1", "2026Q1", "2026Q2", "2026Q3"),
    ("b", "NVIDIA", "h100", "up to", "h100e", 0, 50, 100, "2025-11-18", "2026Q1", "2026Q1", "2026Q2", "2026Q3"),
    ("c", "NVIDIA", "h100", "up to", "h100e", 0, 50, 100, "2025-11-18", "2026Q1", "2026Q1", "2026Q1", "2026Q1"),
).assign(amount_factor=["f", "f", "f"], amount_direction=["with", "with", "against"], pace_factor=["f", None, None])
FACTORS = pd.DataFrame({"factor_id": ["f"], "correlation": [1.0]})


def test_draws_on_one_factor_move_together_by_hand():
    run = mix.simulate(LINKED, POWER, SPECS, draws=200, quarters=QUARTERS, factors=FACTORS)
    a, b, c = (run.h100e[t][1:, -1] for t in "abc")  # at 2026Q4, every tranche fully delivered
    # rho = 1: "a" and "b" sit at the same quantile of the same shape, so b = 10 a in every draw ...
    assert b == pytest.approx(10 * a)
    # ... and "c", moving against the factor, sits at the opposite quantile of a symmetric range: c = 100 - 10 a.
    assert c == pytest.approx(100 - 10 * a)
    # A good draw of the factor brings delivery forward: the larger "a", the earlier it is complete (2026Q1 at
    # the top, 2026Q3 at the bottom), so the more of it is delivered by the end of 2026Q1.
    fraction = run.h100e["a"][1:, QUARTERS.index("2026Q1")] / a
    assert np.corrcoef(a, fraction)[0, 1] > 0.9
    # Without the factors the same tranches draw independently.
    apart = mix.simulate(LINKED, POWER, SPECS, draws=200, quarters=QUARTERS)
    assert not np.allclose(apart.h100e["b"][1:, -1], 10 * apart.h100e["a"][1:, -1])
    # Moving together widens the spread of their sum: the variance of a + b is larger than drawn apart.
    assert np.var(a + b) > np.var(apart.h100e["a"][1:, -1] + apart.h100e["b"][1:, -1])
    # The central run is untouched by the factors.
    assert run.h100e["b"][0, -1] == apart.h100e["b"][0, -1] == 50
    with pytest.raises(KeyError, match="factor"):
        mix.simulate(LINKED, POWER, SPECS, draws=5, quarters=QUARTERS, factors=FACTORS.assign(factor_id="g"))


DEMAND_LINKED = tranches(
    ("g", "Google", "h100", "conditional", "h100e", 50, 100, 150, "2026-04-06", "2026Q1", "2026Q1", "2026Q1", "2026Q1"),
    ("w", "AWS", "h100", "up to", "h100e", 50, 100, 150, "2026-04-20", "2026Q1", "2026Q1", "2026Q1", "2026Q1"),
).assign(amount_factor=[mix.DEMAND] * 2, amount_direction=["with"] * 2, pace_factor=[None] * 2)


def test_a_demand_factor_shared_across_vendors_by_hand():
    # Two vendors' ceilings, alike (50 / 100 / 150 H100e), drawn with one demand factor at rho = 1: each draw sits at
    # the same quantile of the same range, so the two are equal in every draw. Their total is twice one of them, its
    # range as wide as 2 x (one's range); each vendor's share is exactly 1/2 in every draw: a common swing in demand
    # cancels in the shares.
    linked = mix.simulate(DEMAND_LINKED, POWER, SPECS, draws=400, quarters=QUARTERS,
                          factors=pd.DataFrame({"factor_id": [mix.DEMAND], "correlation": [1.0]}))
    g, w = (linked.h100e[t][1:, -1] for t in "gw")
    assert g == pytest.approx(w)
    assert linked.vendor_shares()["Google"][1:, -1] == pytest.approx(np.full(400, 0.5))
    # The comparison the chapter prints: the same factor at rho = 0 (`without_factor`) draws them independently, so
    # the total's 5th-95th range narrows (the two partly offset) and the shares spread out around 1/2.
    factors = mix.without_factor(pd.DataFrame({"factor_id": [mix.DEMAND, "other"], "correlation": [1.0, 0.7]}))
    assert factors["correlation"].tolist() == [0.0, 0.7]
    apart = mix.simulate(DEMAND_LINKED, POWER, SPECS, draws=400, quarters=QUARTERS, factors=factors)
    width = {name: np.subtract(*np.percentile(r.h100e["g"][1:, -1] + r.h100e["w"][1:, -1], [95, 5]))
             for name, r in (("linked", linked), ("apart", apart))}
    assert width["linked"] > width["apart"]
    assert np.ptp(apart.vendor_shares()["Google"][1:, -1]) > 0.1


# --- Rule 7: fleets fitted to an outside estimate -------------------------------------------

def test_a_total_drawn_through_an_estimate_s_percentiles_by_hand():
    # 5th, 50th and 95th percentiles 100, 200, 400: u = 0.05, 0.5, 0.95 give them back; u = Phi(1) = 0.8413 gives
    # 200 x exp(ln(2) / 1.6449) = 200 x 1.5242 = 304.8 above the median and u = Phi(-1) 200 x exp(-ln(2) / 1.6449)
    # = 131.2 below it.
    assert mix.lognormal_total([0.05, 0.5, 0.95], 100, 200, 400) == pytest.approx([100, 200, 400])
    assert mix.lognormal_total([0.841345, 0.158655], 100, 200, 400) == pytest.approx([304.8, 131.2], abs=0.1)
    assert mix.lognormal_total([0.3, 0.9], 50, 50, 50) == pytest.approx([50, 50])
    with pytest.raises(ValueError, match="low <= central <= high"):
        mix.lognormal_total([0.5], 0, 1, 2)


FITTED = tranches(
    fixed("nv", "NVIDIA", "h100", "estimate", "h100e", 300, "2026Q1", "2026Q1"),  # 300 chips, 300 8-bit H100e
    fixed("tpu", "Google", "half", "estimate", "h100e", 200, "2026Q1", "2026Q1"),  # 400 chips, 200 8-bit H100e
    fixed("trn", "AWS", "int8only", "estimate", "chips", 100, "2026Q1", "2026Q1"),  # 100 chips, 200 8-bit H100e
).assign(fitted_to=["total-2026", "total-2026", None])


def benchmark(low, central, high, vendors=None):
    return pd.DataFrame({"benchmark_id": ["total-2026"], "quarter": ["2026Q1"], "measure": ["h100e"],
                         "value_low": [low], "value_central": [central], "value_high": [high], "vendors": [vendors],
                         "relation": ["fitted"]})


def test_fleets_fitted_to_an_estimate_by_hand():
    # Target 1,000 8-bit H100e for all vendors; the AWS tranche, not fitted, holds 200 of it; the fitted fleets
    # hold 300 + 200 = 500 before the fit, so each is scaled by (1,000 - 200) / 500 = 1.6: NVIDIA 480 chips, Google
    # 640, and the total is the target. Their own amounts set only the split (60:40, as before).
    run = mix.simulate(FITTED, POWER, SPECS, draws=0, quarters=QUARTERS, benchmarks=benchmark(1000, 1000, 1000))
    assert at(run, run.chips, "NVIDIA", "2026Q1") == pytest.approx(480)
    assert at(run, run.chips, "Google", "2026Q1") == pytest.approx(640)
    assert at(run, run.chips, "AWS", "2026Q1") == pytest.approx(100)
    assert sum(at(run, run.h100e, v, "2026Q1") for v in ("NVIDIA", "Google", "AWS")) == pytest.approx(1000)
    # Scoped to NVIDIA and Google (an estimate outside Trainium), the AWS tranche is not netted off: 1,000 / 500 = 2.
    scoped = mix.simulate(FITTED, POWER, SPECS, draws=0, quarters=QUARTERS, benchmarks=benchmark(1000, 1000, 1000, "NVIDIA; Google"))
    assert at(scoped, scoped.chips, "NVIDIA", "2026Q1") == pytest.approx(600)
    # Where the other tranches alone pass the target, the fitted fleets are zero, not negative.
    squeezed = mix.simulate(FITTED, POWER, SPECS, draws=0, quarters=QUARTERS, benchmarks=benchmark(150, 150, 150))
    assert at(squeezed, squeezed.chips, "NVIDIA", "2026Q1") == 0 and at(squeezed, squeezed.chips, "AWS", "2026Q1") == 100
    # The estimate's range carries through: the fitted total's draws have its 5th, 50th and 95th percentiles.
    drawn = mix.simulate(FITTED, POWER, SPECS, draws=4000, quarters=QUARTERS, benchmarks=benchmark(600, 1000, 1600))
    totals = sum(drawn.by_vendor(drawn.h100e).values())[1:, QUARTERS.index("2026Q1")]
    assert np.percentile(totals, [5, 50, 95]) == pytest.approx([600, 1000, 1600], rel=0.03)
    with pytest.raises(KeyError, match="fitted_to"):
        mix.simulate(FITTED, POWER, SPECS, draws=0, quarters=QUARTERS)


def test_a_tranche_leaves_service_by_hand():
    # 1,000 H100 chips in service from 2026Q1; a scenario ends the contract so that they have left by the end of
    # 2026Q3: in service at 2026Q1 and Q2, none from Q3.
    rows = tranches(fixed("c", "NVIDIA", "h100", "firm", "chips", 1000, "2026Q1", "2026Q1", "2025-12-01"))
    changes = pd.DataFrame([("exit", "c", None, None, None, None, None, None, None, None, "2026Q3")],
                           columns=[*CHANGE_COLUMNS, "leaves_quarter"])
    run = mix.simulate(mix.scenario_tranches(rows, changes, "exit"), POWER, SPECS, draws=0, quarters=QUARTERS)
    assert [at(run, run.chips, "NVIDIA", q) for q in ("2026Q1", "2026Q2", "2026Q3", "2026Q4")] == [1000, 1000, 0, 0]
    assert at(run, run.pending_chips, "NVIDIA", "2026Q4") == 0


# --- Rule 6: shares --------------------------------------------------------------------------

def test_shares_by_hand_and_summing_to_one():
    rows = tranches(
        fixed("n", "NVIDIA", "h100", "estimate", "h100e", 100, "2026Q1", "2026Q1"),
        fixed("g", "Google", "half", "estimate", "h100e", 300, "2026Q1", "2026Q1"),
        fixed("a", "AWS", "half", "firm", "h100e", 600, "2026Q3", "2026Q3", "2026-01-15"),
    )
    run = mix.simulate(rows, POWER, SPECS, draws=0, quarters=QUARTERS)
    shares = mix.share_frame(run).set_index(["quarter", "count", "vendor"])["central"]
    # In service at 2026Q2: NVIDIA 100 of 400 = 25%, Google 75%, AWS (not yet delivered) 0.
    assert shares[("2026Q2", "in service", "NVIDIA")] == pytest.approx(0.25)
    assert shares[("2026Q2", "in service", "AWS")] == 0
    # Counting the contracted 600 too: NVIDIA 100 of 1,000 = 10%, AWS 60%.
    assert shares[("2026Q2", "in service + contracted", "NVIDIA")] == pytest.approx(0.10)
    assert shares[("2026Q2", "in service + contracted", "AWS")] == pytest.approx(0.60)
    # Before anything is in service there is no share, rather than a share of zero.
    assert np.isnan(shares[("2025Q3", "in service", "NVIDIA")])
    sums = mix.share_frame(run).dropna().groupby(["quarter", "count"])["central"].sum()
    assert sums.to_numpy() == pytest.approx(1.0)


# --- Scenarios -------------------------------------------------------------------------------

CHANGE_COLUMNS = ["scenario_id", "tranche_id", "delay_quarters", "measure", "amount_low", "amount_central",
                  "amount_high", "full_quarter_early", "full_quarter_central", "full_quarter_late"]
CHANGES = pd.DataFrame([
    ("slip", "a", 4, None, None, None, None, None, None, None),
    ("more-google", "g", None, "chips", 4e6, 4e6, 4e6, "2026Q1", "2026Q1", "2026Q1"),
], columns=CHANGE_COLUMNS)


def test_a_scenario_changes_the_tranches_by_hand():
    slipped = mix.scenario_tranches(RANGED, CHANGES, "slip").set_index("tranche_id")
    # Four quarters later: 2025Q3 -> 2026Q3, and 2025Q4 / 2026Q1 / 2026Q2 -> 2026Q4 / 2027Q1 / 2027Q2.
    assert slipped.loc["a", ["start_quarter", "full_quarter_early", "full_quarter_central", "full_quarter_late"]].tolist() \
        == ["2026Q3", "2026Q4", "2027Q1", "2027Q2"]
    more = mix.scenario_tranches(RANGED, CHANGES, "more-google").set_index("tranche_id")
    assert more.loc["g", "measure"] == "chips" and more.loc["g", "amount_central"] == 4e6
    assert more.loc["n", "amount_central"] == 0.5  # untouched
    central = mix.scenario_tranches(RANGED, CHANGES, "central")
    assert central.drop(columns="leaves_quarter").equals(RANGED.reset_index(drop=True))
    assert central["leaves_quarter"].isna().all()
    with pytest.raises(KeyError):
        mix.scenario_tranches(RANGED, CHANGES.assign(tranche_id="nope"), "slip")


def test_scenarios_move_the_share_the_right_way():
    def nvidia(scenario):
        run = mix.simulate(mix.scenario_tranches(RANGED, CHANGES, scenario), POWER, SPECS, draws=0, quarters=QUARTERS)
        return mix.share_frame(run).set_index(["quarter", "count", "vendor"])["central"][("2026Q4", "in service", "NVIDIA")]

    central = nvidia("central")
    # AWS arriving a year later leaves NVIDIA a larger part; four million more TPUs leave it a smaller one.
    assert nvidia("slip") > central
    assert nvidia("more-google") < central


def test_sensitivity_ranks_assumptions_by_how_far_they_move_the_share():
    table = mix.sensitivity(RANGED, POWER, SPECS, "2026Q4")
    assert (table["swing"].diff().dropna() <= 1e-12).all()
    # NVIDIA's own amount: its low end lowers NVIDIA's share, its high end raises it.
    own = table[(table["row"] == "n") & (table["assumption"] == "amount")].iloc[0]
    assert own["at_low"] < own["central"] < own["at_high"]
    # A chip with no range moves nothing.
    assert table[(table["row"] == "h100") & (table["assumption"] == "PUE")]["swing"].iloc[0] == 0


# --- Words at honest precision ---------------------------------------------------------------

def test_one_rounding_for_every_share_by_hand():
    # Rule 8: whole points, halves up: 12.34 -> 12, 8.5 -> 9 (round-half-even would give 8), 12.5 -> 13 (not 12),
    # 28.5 -> 29 although 0.285 x 100 is stored as 28.4999...
    assert [mix.percent_points(v) for v in (0.1234, 0.085, 0.125, 0.285, 0.5849, 0.585)] == [12, 9, 13, 29, 58, 59]
    assert mix.percent(0.1234) == "12%"
    assert mix.share_text(0.085, 0.123, 0.171) == "12% (9–17%)"
    # The chart draws and its text alternative say the numbers the tables say: a share of 0.5849 is 58% in both,
    # where rounding to three decimals first (0.585) and then to a percent would give 59%.
    rows = chart_rows(0.2)
    rows.loc[(rows["quarter"] == "2026Q4") & (rows["vendor"] == "NVIDIA"), ["share", "share_low", "share_high"]] = \
        [0.5849, 0.4150, 0.6251]
    table = pd.DataFrame({"scenario": ["As announced"], "quarter": ["2026Q4"], "vendor": ["NVIDIA"], "count": ["in service"],
                          "low": [0.4150], "central": [0.5849], "high": [0.6251]})
    compute = pd.DataFrame({"scenario": ["As announced"], "quarter": ["2026Q4"], "vendor": ["NVIDIA"], "state": [mix.IN_SERVICE],
                            "unit": ["h100e"], "central": [1.0]})
    drawn = mix.chart_table(table, compute).iloc[0]
    assert (drawn["share"], drawn["share_low"], drawn["share_high"]) == pytest.approx((0.58, 0.42, 0.63))
    assert mix.share_text(drawn["share_low"], drawn["share"], drawn["share_high"]) == \
        mix.share_text(0.4150, 0.5849, 0.6251) == "58% (42–63%)"
    assert mix.amount_text(1_234_567) == "1.2 million"
    assert mix.amount_text(209_400) == "210,000"
    assert mix.amount_text(1.86, "gigawatts") == "1.9 GW"


def test_comparisons_say_when_two_figures_print_alike_by_hand():
    # Rule 9: 0.223 and 0.215 both print 22% (rule 8), so the sentence says so rather than "22% instead of 22%";
    # 0.18 and 0.22 print differently.
    assert mix.contrast(0.223, 0.215) == "about the same, 22%"
    assert mix.contrast(0.18, 0.22) == "18% instead of 22%"
    assert mix.contrast(0.185, 0.22, joiner="against") == "19% against 22%"  # 18.5 rounds half up to 19
    assert mix.contrast(1_340_000, 1_260_000, text=mix.amount_text) == "about the same, 1.3 million"
    # Ranges: compared by their printed ends. 19-27 (8 points) is narrower than 18-27 (9 points), though the
    # central figures print alike; 22% (18-27%) twice is "about the same", and "about as wide".
    verb, words = mix.range_contrast((0.19, 0.227, 0.268), (0.181, 0.228, 0.274))
    assert (verb, words) == ("narrower", "23% (19–27%) against 23% (18–27%)")
    assert mix.range_contrast((0.18, 0.22, 0.27), (0.181, 0.221, 0.274)) == ("about as wide", "about the same, 22% (18–27%)")
    # Gigawatts to one decimal: 6.68-9.70 (3.0 printed) is wider than 7.14-9.04 (1.9 printed).
    assert mix.range_contrast((6.68, 7.99, 9.70), (7.14, 7.98, 9.04), text=lambda lo, c, hi: f"{c:.1f} ({lo:.1f}–{hi:.1f})",
                              ends=lambda v: round(v, 1))[0] == "wider"


def test_the_rule_for_orderings_by_hand():
    # Rule 10. Four draws per unit. Google's share beats AWS's in 4 of 4 draws on 8-bit and BF16 but 2 of 4 on HBM.
    eight = {"Google": np.array([0.5, 0.6, 0.5, 0.4]), "AWS": np.array([0.3, 0.2, 0.3, 0.35]),
             "NVIDIA": np.array([0.2, 0.2, 0.2, 0.25])}
    hbm = {"Google": np.array([0.40, 0.45, 0.38, 0.36]), "AWS": np.array([0.41, 0.35, 0.42, 0.34]),
           "NVIDIA": np.array([0.19, 0.20, 0.20, 0.30])}
    assert mix.ahead_odds(eight, "Google", "AWS") == 1.0
    assert mix.ahead_odds(hbm, "AWS", "Google") == 0.5  # draws 1 and 3
    # Largest: Google beats both others in draws 2 and 4 on HBM (0.45 > 0.35, 0.20; 0.36 > 0.34, 0.30): 2 / 4.
    assert mix.largest_odds(hbm, "Google") == 0.5 and mix.largest_odds(hbm, "AWS") == 0.5
    odds = {"8-bit": 1.0, "bf16": 1.0, "hbm": 0.5}
    # 90% on every unit or nothing: 100%, 100% and 50% is "about level", with the odds on the other side.
    assert mix.order_call(odds) == "level"
    assert mix.ahead_words("Google", "AWS", odds) == ("AWS and Google are about level (Google ahead in 100% of the draws "
                                                      "on 8-bit, 100% on dense BF16 and 50% on HBM bandwidth)")
    assert mix.ahead_words("Google", "AWS", {"8-bit": 0.97, "bf16": 0.9, "hbm": 0.95}) == "Google is ahead of AWS"
    assert mix.ahead_words("AWS", "Google", {"8-bit": 0.03, "bf16": 0.1, "hbm": 0.0}) == "Google is ahead of AWS"
    assert mix.ahead_words("AWS", "Google", {"8-bit": 0.2, "bf16": 0.2, "hbm": 0.2}) == \
        "Google and AWS are about level (AWS ahead in 20% of the draws on every unit)"
    # The top: Google the largest in 99%, 100% and 58% of the draws; AWS in 1%, 0% and 42%; NVIDIA never.
    top = {"Google": {"8-bit": 0.99, "bf16": 1.0, "hbm": 0.58}, "AWS": {"8-bit": 0.01, "bf16": 0.0, "hbm": 0.42},
           "NVIDIA": {"8-bit": 0.0, "bf16": 0.0, "hbm": 0.0}}
    assert mix.largest_words(top) == ("Google and AWS are about level at the top (Google the largest in 99% of the draws "
                                      "on 8-bit, 100% on dense BF16 and 58% on HBM bandwidth)")
    top["Google"]["hbm"], top["AWS"]["hbm"] = 0.92, 0.08
    assert mix.largest_words(top) == "Google is the largest"
    # Shares of draws never print a false 0% or 100%: 2 draws in 4,000 are "under 1%".
    assert [mix.odds_text(p) for p in (0.0, 0.0005, 0.004, 0.005, 0.42, 0.996, 1.0)] == \
        ["0%", "under 1%", "under 1%", "1%", "42%", "over 99%", "100%"]


def test_the_chart_s_tooltip_rounds_amounts_once_by_hand():
    # An amount of 1,346,000 H100e is 1.3 million at two significant figures. Rounded first to three (1.35 million)
    # and then to two, it would print 1.4 million, as an earlier chart's text alternative did beside a table's 1.3.
    shares = pd.DataFrame({"scenario": ["As announced"] * 3, "quarter": ["2025Q4"] * 3, "vendor": ["NVIDIA", "AWS", "Google"],
                           "count": ["in service"] * 3, "low": [0.1, 0.4, 0.2], "central": [0.15, 0.55, 0.3],
                           "high": [0.2, 0.7, 0.4]})
    compute = pd.DataFrame({"scenario": ["As announced"] * 4, "quarter": ["2025Q4"] * 4,
                            "vendor": ["NVIDIA", "AWS", "Google", mix.ALL_VENDORS], "state": [mix.IN_SERVICE] * 4,
                            "unit": ["h100e"] * 4, "central": [201_900.0, 1_346_000.0, 403_800.0, 1_951_700.0]})
    table = mix.chart_table(shares, compute)
    assert table.set_index("vendor").loc["AWS", "h100e"] == 1_346_000.0  # raw, not 1,350,000
    assert mix.amount_text(1_346_000) == "1.3 million" and mix.amount_text(1_350_000) == "1.4 million"
    # The page's copy draws shares; its tooltip gives the amount at the tables' two figures, from the raw value.
    spec = mix.layout(table, load_table("articles"), "2026-12-04", scenario="As announced").to_dict()
    drawn = {r["vendor"]: r for r in max(spec["datasets"].values(), key=len)}
    assert (drawn["AWS"]["shown"], drawn["NVIDIA"]["shown"]) == (1_300_000.0, 200_000.0)
    assert "h100e" not in drawn["AWS"]


# --- The chart: title and text alternative from the rows it draws ---------------------------

def chart_rows(nvidia_2026: float) -> pd.DataFrame:
    rows = []
    for quarter in ("2024Q4", "2025Q4", "2026Q4", "2027Q4"):
        nv = 0.5 if quarter == "2024Q4" else nvidia_2026
        for vendor, share in (("NVIDIA", nv), ("AWS", (1 - nv) / 2), ("Google", (1 - nv) / 2)):
            rows.append({"scenario": "As announced", "quarter": quarter, "vendor": vendor, "share": share,
                         "share_low": share * 0.8, "share_high": share * 1.2, "h100e": 1e6 * share})
    table = pd.DataFrame(rows)
    return table.assign(rank=table["vendor"].map({v: i for i, v in enumerate(mix.VENDOR_ORDER)}))


def dipped(end: float) -> pd.DataFrame:
    """NVIDIA 50% at end-2024, 12% at end-2025 and `end` at end-2026 and 2027."""
    table = chart_rows(end)
    table.loc[(table["quarter"] == "2025Q4") & (table["vendor"] == "NVIDIA"), "share"] = 0.12
    return table


def figure_spec(table: pd.DataFrame) -> dict:
    return mix.figure(table, load_table("articles"), "2026-12-04", source="fixture", scenario="As announced").to_dict()


def test_the_title_moves_with_the_data():
    # The title's rules, on the rows the chart draws (the last full year of rows ending in 2027Q4 is 2026).
    assert mix.chart_title(chart_rows(0.2), "As announced") == (
        "NVIDIA's share of Anthropic's compute fell from 50% at end-2024 to 20% at end-2026", ("2024Q4", "2026Q4"))
    assert mix.chart_title(chart_rows(0.6), "As announced")[0] == \
        "NVIDIA's share of Anthropic's compute rose from 50% at end-2024 to 60% at end-2026"
    # The ranges are in the text alternative, every vendor's at every year-end, after the title.
    description = figure_spec(chart_rows(0.6))["description"]
    assert description.startswith("NVIDIA's share of Anthropic's compute rose from a fitted 50% at end-2024 to a projected 60% at "
                                  "end-2026. Three panels")
    assert "end-2026: NVIDIA 60% (48–72%), AWS 20% (16–24%), Google 20% (16–24%)" in description


def test_the_title_marks_fitted_years_and_says_when_shares_print_alike():
    # Evidence dated 4 December 2026: end-2024 is fitted (the book's benchmarks), end-2026 projected.
    assert mix.chart_title(chart_rows(0.2), "As announced", "2026-12-04")[0] == (
        "NVIDIA's share of Anthropic's compute fell from a fitted 50% at end-2024 to a projected 20% at end-2026")
    # 50% and 0.504 both print 50%: not "fell from 50% to 50%".
    assert mix.chart_title(chart_rows(0.504), "As announced") == (
        "NVIDIA's share of Anthropic's compute was about the same at end-2024 and end-2026: 50%", ("2024Q4", "2026Q4"))


def test_fitted_and_projected_years_are_marked_by_hand():
    # Evidence dated 4 December 2026: the end of 2026 is after it, so projected; 2024 has an estimate the model is
    # fitted to, so fitted; 2023 has only an independent one, and 2022 none: both merely estimated, unmarked.
    benchmarks = pd.DataFrame({"name": ["A total", "A check"], "quarter": ["2024Q4", "2023Q4"],
                               "relation": ["fitted", "independent"]})
    status = {y: mix.year_status(y, "2026-12-04", benchmarks) for y in (2022, 2023, 2024, 2026)}
    assert status == {2022: "estimated", 2023: "estimated", 2024: "fitted", 2026: "projected"}
    assert mix.year_label(2024, "2026-12-04", "End-", benchmarks) == "End-2024 (fitted)"
    assert mix.year_label(2023, "2026-12-04", benchmarks=benchmarks) == "2023"
    note = mix.status_note("2026-12-04", (2023, 2024, 2026, 2027), benchmarks)
    assert note.startswith("Fitted (2024): the model's fleets are scaled so that their total matches an outside "
                           "estimate (A total)")
    assert "Projected (2026 and 2027): the year ends after the book's evidence date, 4 December 2026." in note


def test_the_title_follows_nvidias_share_through_its_low():
    # NVIDIA 50% at end-2024, 20% at end-2025, 2026 and 2027: no lower quarter between the ends.
    assert mix.chart_title(chart_rows(0.2), "As announced", "2026-12-04")[0] == \
        "NVIDIA's share of Anthropic's compute fell from a fitted 50% at end-2024 to a projected 20% at end-2026"
    # 50% at end-2024, 12% at end-2025, 30% at end-2026: one clause from start to end; the low is cited (drawn
    # and labelled on the line) and told in the text alternative, not titled.
    assert mix.chart_title(dipped(0.3), "As announced", "2026-12-04") == (
        "NVIDIA's share of Anthropic's compute fell from a fitted 50% at end-2024 to a projected 30% at end-2026",
        ("2024Q4", "2025Q4", "2026Q4"))
    assert mix.chart_title(dipped(0.6), "As announced")[0].endswith("rose from 50% at end-2024 to 60% at end-2026")
    # Back to a share that prints alike (0.504 -> 50%): the low is the finding.
    assert mix.chart_title(dipped(0.504), "As announced")[0].endswith("fell to 12% in 2025 Q4 and came back to 50% at end-2026")
    spec = figure_spec(dipped(0.3))
    assert spec["description"].startswith(" ".join(spec["title"]["text"]) + ". Between them it fell to 12% in 2025 Q4.")
    assert "end-2026: NVIDIA 30% (24–36%), AWS 35% (28–42%), Google 35% (28–42%)" in spec["description"]


def drawn_texts(chart) -> list[list[str]]:
    """The texts each panel of `layout` draws, rendered to SVG offline (vl-convert), in the
    order drawn; a panel's title comes after its marks."""
    import vl_convert

    panels, texts = [], []
    for tag, text in re.findall(r"<text([^>]*)>([^<]*)</text>", vl_convert.vegalite_to_svg(chart.to_json())):
        if text in mix.PANEL_NAMES.values():
            panels.append(texts)
            texts = []
        elif 'aria-roledescription="text mark"' in tag:  # not an axis label
            texts.append(text)
    return panels


@pytest.mark.parametrize("narrow", [False, True])
def test_every_share_the_title_cites_is_a_labelled_point_on_its_line(narrow):
    # The title states NVIDIA's 50% and 30% and cites the low between, 12%; NVIDIA's panel labels exactly those
    # points, and each other
    # panel its own shares at the same quarters: AWS and Google (1 - 50%) / 2 = 25% at end-2024, then
    # (1 - 30%) / 2 = 35% at end-2025 (the fixture moved only NVIDIA's share there) and end-2026.
    table = dipped(0.3)
    title, cited = mix.chart_title(table, "As announced")
    chart = mix.layout(table, load_table("articles"), "2026-12-04", scenario="As announced", cited=cited, narrow=narrow)
    percents = [[t for t in texts if re.fullmatch(r"\d+%", t)] for texts in drawn_texts(chart)]
    assert percents == [["50%", "12%", "30%"], ["25%", "35%", "35%"], ["25%", "35%", "35%"]]
    assert "50%" in title and "30%" in title
    spec = chart.to_dict()
    assert json.dumps(spec).count('"filled": true') == 3  # one layer of points per panel


def test_a_label_goes_where_it_crosses_nothing_by_hand():
    # A flat line at 50% over three quarters, 300 px by 100 px, from 1 January to 30 September 2026 (273 days): the
    # middle point, at 30 June (day 180), is at (300 x 180 / 273 = 198, 50). Above it (centred, its box from
    # 50 - 6 - 11 = 33 to 44 px down) crosses nothing.
    flat = pd.Series([0.5, 0.5, 0.5], index=["2026Q1", "2026Q2", "2026Q3"])
    assert mix.label_places(flat, ("2026Q2",), 300, 100) == {"2026Q2": ("center", "bottom", 0, -6)}
    # A rule through the point rules out the centred places; above and to the right (5 px off) is next.
    assert mix.label_places(flat, ("2026Q2",), 300, 100, rule_x=198.0) == {"2026Q2": ("left", "bottom", 5, -4)}
    # Near the top (90%: 10 px down) a label above would start at 10 - 6 - 11 = -7 px, outside the plot; below it
    # starts at 10 + 6 = 16 px, clear of the article labels' top 14 px.
    high = pd.Series([0.9, 0.9, 0.9], index=flat.index)
    assert mix.label_places(high, ("2026Q2",), 300, 100) == {"2026Q2": ("center", "top", 0, 6)}
    # A peak at 50% between two 10% quarters, 60 px wide (20 px a quarter): the centred label above is clear of
    # the line, which falls away from the point on both sides.
    peak = pd.Series([0.1, 0.5, 0.1], index=flat.index)
    assert mix.label_places(peak, ("2026Q2",), 60, 100)["2026Q2"] == ("center", "bottom", 0, -6)
    # A low at 10% between two 50% quarters about 20 px apart: below, the box would reach 90 + 6 + 11 = 107 px, past
    # the plot's 100; beside it, the arms (40 px of rise in 20) cross the box (5 px off, the arm is 10 px up, at
    # 80 px, inside the box's 75 to 86); above, likewise. Nothing fits: the first place, above.
    trough = pd.Series([0.5, 0.1, 0.5], index=flat.index)
    assert mix.label_places(trough, ("2026Q2",), 60, 100)["2026Q2"] == mix.LABEL_PLACES[0]


def test_the_figure_is_finished_and_offline():
    articles = load_table("articles")
    table = chart_rows(0.2)
    spec = mix.figure(table, articles, "2026-12-04", source="fixture", scenario="As announced").to_dict()
    narrow = spec["usermeta"]["chipbook"]["narrow"]  # the phone's layout, with the same words
    for layout in (spec, narrow):
        assert layout["params"][0]["bind"]["options"] == ["As announced"]
        assert layout["title"] == spec["title"] and layout["description"].startswith(" ".join(spec["title"]["text"]))
    assert max(v["width"] for v in narrow["vconcat"]) <= charts.NARROW_WIDTH_PX
    assert [v["title"]["text"] for v in spec["vconcat"]] == ["NVIDIA GPUs", "AWS Trainium", "Google TPUs"]
    # Vega refuses two marks of one name: each panel's backdrops keep names of their own.
    names = re.findall(r'"name": "(backdrop\w*)"', json.dumps({k: v for k, v in spec.items() if k != "usermeta"}))
    assert len(names) == len(set(names)) == 6
    page = charts.offline_renderer(spec)["text/html"]
    assert "NVIDIA&#x27;s share" in page or "NVIDIA's share" in page


# --- The book's data: invariants the model guarantees ---------------------------------------

LIVE_DRAWS = 400  # the book draws mix.DRAWS (4,000); every invariant below holds draw by draw, whatever their number
DRAWN = (mix.run, mix.shares, mix.compute, mix.drawn_shares)  # the model's results, cached once per process


@pytest.fixture(scope="module")
def live():
    """The model on the book's data, run once for the module with `LIVE_DRAWS` draws: the tests below check
    invariants that hold in every draw, so a tenth of the book's draws checks the same at a tenth of the cost.
    The book's own results are cleared before and after, so no other test sees these."""
    patch = pytest.MonkeyPatch()
    patch.setattr(mix, "DRAWS", LIVE_DRAWS)
    for cached in DRAWN:
        cached.cache_clear()
    yield mix.shares(), mix.compute()
    patch.undo()
    for cached in DRAWN:
        cached.cache_clear()


def test_live_ranges_are_ordered_and_shares_are_shares(live):
    shares, compute = live
    for frame in (shares, compute):
        known = frame.dropna(subset=["central"])
        assert (known["low"] <= known["central"] + 1e-9).all() and (known["central"] <= known["high"] + 1e-9).all()
    known = shares.dropna(subset=["central"])
    assert known[["low", "central", "high"]].stack().between(0, 1).all()
    # Draw by draw, the shares sum to one and the whole equals its parts (medians need not: they are of each part).
    result = mix.run()
    drawn = result.vendor_shares()
    total = sum(drawn.values())
    assert np.allclose(total[~np.isnan(total)], 1.0)
    vendors = result.by_vendor(result.h100e)
    assert np.allclose(sum(vendors.values()), sum(result.h100e.values()))
    # The book's range is at least as wide as each unit's.
    for basis in mix.BASES:
        one = mix.shares(basis).set_index(["scenario_id", "quarter", "vendor", "count"])
        both = shares.set_index(["scenario_id", "quarter", "vendor", "count"]).loc[one.index]
        known = one["central"].notna()
        assert (both["low"][known] <= one["low"][known] + 1e-12).all() and (both["high"][known] >= one["high"][known] - 1e-12).all()


def test_live_in_service_never_falls_and_never_passes_a_tranche_s_total(live):
    for scenario in load_table("scenarios")["scenario_id"]:
        run = mix.run(scenario)
        leaving = set(run.tranches.loc[run.tranches["leaves_quarter"].notna(), "tranche_id"])
        for tranche, values in run.chips.items():
            if tranche in leaving:  # a scenario that ends a contract: in service, then none
                assert (values[:, -1] == 0).all(), tranche
                continue
            assert (np.diff(values, axis=1) >= -1e-6).all(), tranche  # delivered capacity stays
            assert (values + run.pending_chips[tranche] <= values[:, -1:] + run.pending_chips[tranche][:, -1:] + 1e-6).all()


def test_live_scenarios_move_the_share_the_way_they_say(live):
    shares, _ = live
    central = shares[(shares["count"] == "in service")].pivot_table(index=["quarter", "vendor"], columns="scenario_id",
                                                                      values="central")
    # Less NVIDIA capacity cannot raise NVIDIA's share; a later Trainium cannot raise AWS's;
    # the whole TPU ceiling cannot lower Google's.
    for less_nvidia in ("nvidia-contracted-only", "colossus-exit"):
        assert (central[less_nvidia].xs("NVIDIA", level="vendor")
                <= central["central"].xs("NVIDIA", level="vendor") + 1e-9).all()
    assert (central["aws-upside"].xs("AWS", level="vendor") >= central["central"].xs("AWS", level="vendor") - 1e-9).all()
    assert (central["trainium-slips-a-year"].xs("AWS", level="vendor")
            <= central["central"].xs("AWS", level="vendor") + 1e-9).all()
    assert (central["tpu-ceiling-reached"].xs("Google", level="vendor")
            >= central["central"].xs("Google", level="vendor") - 1e-9).all()
    # More NVIDIA capacity cannot lower NVIDIA's share; later and smaller TPU deals cannot raise Google's.
    assert (central["nvidia-upside"].xs("NVIDIA", level="vendor")
            >= central["central"].xs("NVIDIA", level="vendor") - 1e-9).all()
    assert (central["tpu-slips"].xs("Google", level="vendor")
            <= central["central"].xs("Google", level="vendor") + 1e-9).all()
    # And each scenario other than the central one moves some share somewhere.
    for scenario in central.columns.drop("central"):
        assert (central[scenario] - central["central"]).abs().max() > 1e-6, scenario


def test_live_firm_only_counts_no_ceiling_and_surge_draws_their_tops(live):
    # 'Firm amounts only' sets every tranche the rule counts only once delivered (ceilings, unsized deals) to
    # nothing, and nothing else; 'demand surges' moves only tranches that load on the demand factor. Draw by draw
    # (common random numbers), the first can only lower the total in service and the second only raise it.
    tables = mix.inputs()
    open_ended = {t.tranche_id for t in tables.tranches.itertuples() if mix.counting(t.stated_as) in COUNTED_ONCE_DELIVERED}
    firm = tables.changes[tables.changes["scenario_id"] == mix.FIRM_ONLY]
    assert set(firm["tranche_id"]) == open_ended
    assert (firm[["amount_low", "amount_central", "amount_high"]] == 0).all().all()
    demand = set(tables.tranches.loc[tables.tranches["amount_factor"] == mix.DEMAND, "tranche_id"])
    assert set(tables.changes.loc[tables.changes["scenario_id"] == "demand-surge", "tranche_id"]) <= demand
    total = {s: sum(mix.run(s).by_vendor(mix.run(s).h100e).values()) for s in ("central", mix.FIRM_ONLY, "demand-surge")}
    assert (total[mix.FIRM_ONLY] <= total["central"] + 1e-6).all()
    assert (total["demand-surge"] >= total["central"] - 1e-6).all()
    text = mix.firm_only_sentence()
    assert mix.inputs().scenarios.set_index("scenario_id").loc[mix.FIRM_ONLY, "name"] in text
    assert not any(t in text for t in mix.tranche_names())  # tranches by name, never by id


def test_live_orderings_are_probabilities_and_the_rule_is_applied(live):
    table = mix.odds_table()
    assert set(table["year"]) == {str(y) for y in mix.YEARS}
    for year in mix.YEARS:
        lower_upper = mix.orderings(year)
        assert len(lower_upper) == len(mix.VENDOR_ORDER) - 1
        for lower, upper in lower_upper:
            odds = mix.ahead_by_unit(lower, upper, year)
            back = mix.ahead_by_unit(upper, lower, year)
            assert all(0 <= odds[b] <= 1 and odds[b] + back[b] <= 1 + 1e-12 for b in mix.BASES)
        largest = mix.largest_by_unit(year)
        for basis in mix.BASES:  # at most one vendor is the largest in each draw
            assert sum(largest[v][basis] for v in largest) <= 1 + 1e-12
        called = mix.called_largest(year)
        assert called is None or min(largest[called].values()) >= mix.ORDER_CONFIDENCE
        assert (" is the largest" in mix.largest_sentence(year)) == (called is not None)


def test_live_model_never_counts_more_of_a_ceiling_than_the_ceiling(live):
    capacity = load_table("capacity")
    for scenario in load_table("scenarios")["scenario_id"]:
        table = mix.ceilings(capacity, scenario)
        assert len(table) and (table["in_service"] + table["contracted"] <= table["ceiling"] * (1 + 1e-9)).all(), scenario


def test_live_every_chip_the_model_counts_has_a_rate_on_every_basis(live):
    tables = mix.inputs()
    for basis in mix.BASES:
        rates = mix.h100e_per_chip(tables.specs, basis)
        assert rates[sorted(set(tables.tranches["chip_id"]))].notna().all(), basis


def test_live_the_ceiling_rule_holds_for_every_tranche(live):
    # Whatever the amounts: a tranche counted once delivered never has a contracted part; every tranche that stands
    # for an "up to" figure of capacity.csv is a ceiling; and capacity.csv gives each deal the state the model does.
    tables = mix.inputs()
    result = mix.run()
    for t in tables.tranches.itertuples(index=False):
        if mix.counting(t.stated_as) != "contracted":
            assert not result.pending_chips[t.tranche_id].any(), t.tranche_id
    capacity = load_table("capacity").set_index("capacity_id")
    table = mix.counting_table(load_table("capacity"))
    assert len(table) == len(tables.tranches)
    for t, row in zip(tables.tranches.itertuples(index=False), table.itertuples(index=False)):
        if pd.notna(t.capacity_id):
            cap = capacity.loc[t.capacity_id]
            if "up to" in (cap["gigawatts_bound"], cap["chips_bound"]):
                assert row.counts_as == mix.COUNTING_WORDS["ceiling"], t.tranche_id
            assert cap["state"] in ("in service", mix.counting(t.stated_as)), t.tranche_id
    # Every ceiling of capacity.csv is in the ceilings table, and no 'up to' figure is called contracted anywhere.
    ceilings = mix.ceilings(load_table("capacity"))
    assert set(ceilings["capacity_id"]) == set(capacity.index[capacity["state"] == "ceiling"])
    assert not ((capacity["state"] == "contracted") & ((capacity["gigawatts_bound"] == "up to")
                                                       | (capacity["chips_bound"] == "up to"))).any()


def test_live_correlated_draws_keep_the_central_run_and_differ_from_independent_ones(live):
    together, apart = mix.run(), mix.run(correlated_draws=False)
    nvidia = {name: r.vendor_shares()["NVIDIA"] for name, r in (("together", together), ("apart", apart))}
    assert np.allclose(nvidia["together"][0], nvidia["apart"][0], equal_nan=True)
    assert not np.allclose(nvidia["together"][1:], nvidia["apart"][1:], equal_nan=True)


def test_live_the_sentences_name_what_they_compare(live):
    as_of = ledger.evidence_as_of()
    front = mix.front_table(as_of)
    assert list(front["vendor"]) == list(mix.VENDOR_ORDER) and len(front.columns) == 1 + len(mix.YEARS)
    unit = mix.unit_sentence()
    assert all(mix.BASIS_SHORT[b] in unit for b in mix.BASES)
    assert "the book's own threshold" in mix.threshold_sentence()
    assert "AWS and NVIDIA" in mix.reorder_sentence()
    basis_rows = mix.basis_table()
    assert len(basis_rows) == len(mix.YEARS) * len(mix.VENDOR_ORDER) and set(mix.BASES) <= set(basis_rows.columns)
    names = mix.tranche_names()
    assert all(tranche_id not in mix.drivers_text("2027Q4") for tranche_id in names if tranche_id != names[tranche_id])


def test_live_the_chart_and_the_table_print_the_same_shares(live):
    # The text alternative's share of every vendor at each year's end is the table's, figure for figure (one
    # rounding, rule 8).
    central = mix.inputs().scenarios.set_index("scenario_id").loc[mix.CENTRAL, "name"]
    spec = mix.figure(mix.chart_table(mix.shares(), mix.compute()), load_table("articles"), ledger.evidence_as_of(),
                      source="the book", scenario=central).to_dict()
    description = spec["description"]
    for row in mix.year_end_table().itertuples():
        said = description.split(f"end-{row.year}: ")[1].split(";")[0]
        for vendor in mix.VENDOR_ORDER:
            assert f"{vendor} {getattr(row, vendor)}" in said, (row.year, vendor)


def test_live_no_comparison_prints_two_alike_figures(live):
    # Rule 9 on every comparison sentence the book prints: never "22% instead of 22%", "23% (19–27%) against
    # 23% (19–27%)" or "from 45% at end-2024 to 45%".
    import re
    with_old, without_old = mix.share_without([t for t in mix.tranche_names()][:1])
    sentences = [mix.correlation_sentence(), mix.demand_sentence(), mix.firm_only_sentence(), mix.scenario_sentence(),
                 mix.basis_gap_text(), mix.unit_sentence(), mix.unit_summary(), mix.contrast(without_old, with_old),
                 mix.share_change_text("Google", 2025, 2026),
                 mix.chart_title(mix.chart_table(mix.shares(), mix.compute()), "As announced")[0]]
    figure = r"(\d+(?:\.\d+)?(?: GW)?%?(?: \([^)]*\))?)"
    for text in sentences:
        for pattern in (figure + r" instead of \1(?!\d|\.\d)", figure + r" against \1(?!\d|\.\d)",
                        r"from (\d+%) [^,;]*? to \1(?!\d|\.\d)"):
            assert not re.search(pattern, text), (pattern, text)


def test_live_year_end_sentence_covers_every_year(live):
    text = mix.share_by_year_text(ledger.evidence_as_of())
    for year in mix.YEARS:
        assert f"end of {year}" in text


# --- Bad input: one clear message from make check ------------------------------------------

def test_a_range_out_of_order_is_named(scratch):
    scratch.set_value("compute_mix_tranches", 2, "amount_low", "999999")
    with pytest.raises(DataError) as caught:
        check_compute_mix(scratch.folder)
    error = caught.value
    assert error.file.endswith("compute_mix_tranches.csv") and error.row == 2 and error.column == "amount_central"
    assert "amount_low <= amount_central <= amount_high" in str(error)


def test_a_pace_out_of_order_is_named(scratch):
    scratch.set_value("compute_mix_tranches", 3, "full_quarter_late", "2020Q1")
    with pytest.raises(DataError) as caught:
        check_compute_mix(scratch.folder)
    assert caught.value.row == 3 and caught.value.column == "full_quarter_central"


def test_a_ceiling_counted_as_firm_is_named(scratch):
    rows = scratch.rows("compute_mix_tranches")
    line = next(i for i, r in enumerate(rows, start=1) if r["tranche_id"] == "azure-nvidia-2025")
    scratch.set_value("compute_mix_tranches", line, "stated_as", "firm")
    with pytest.raises(DataError) as caught:
        check_compute_mix(scratch.folder)
    assert caught.value.row == line and caught.value.column == "stated_as" and "up to" in str(caught.value)


def test_a_ceiling_whose_central_draw_uses_it_all_is_named(scratch):
    # The rule for ceilings: the central draw lies below the ceiling (no party committed to use all of it), though
    # the high end may reach it. Each ceiling tranche in turn, its central and high set to its capacity row's figure.
    capacity = {r["capacity_id"]: r for r in scratch.rows("capacity")}
    rows = scratch.rows("compute_mix_tranches")
    ceilings = [(i, r) for i, r in enumerate(rows, start=1) if mix.counting(r["stated_as"]) == "ceiling"
                and r["capacity_id"] and r["measure"] == "gigawatts" and capacity[r["capacity_id"]]["gigawatts"]]
    assert ceilings
    for line, row in ceilings:
        figure = capacity[row["capacity_id"]]["gigawatts"]
        scratch.set_value("compute_mix_tranches", line, "amount_high", figure)
        check_compute_mix(scratch.folder)  # the high end may reach the ceiling
        scratch.set_value("compute_mix_tranches", line, "amount_central", figure)
        with pytest.raises(DataError) as caught:
            check_compute_mix(scratch.folder)
        assert caught.value.row == line and caught.value.column == "amount_central", row["tranche_id"]
        assert "below the ceiling" in str(caught.value)
        for column in ("amount_central", "amount_high"):
            scratch.set_value("compute_mix_tranches", line, column, row[column])


def test_a_state_the_rule_does_not_give_is_named(scratch):
    # State from the bound: Azure's "up to 1 GW" called contracted; Broadcom's "about 3.5 GW", whose use is
    # conditional, called contracted; Google's "well over a gigawatt", firm, called a ceiling.
    rows = scratch.rows("capacity")
    line = {r["capacity_id"]: i for i, r in enumerate(rows, start=1)}
    for capacity_id, state, where in (("cap-11", "contracted", check_tables), ("cap-10", "contracted", check_compute_mix),
                                      ("cap-09", "ceiling", check_compute_mix)):
        original = rows[line[capacity_id] - 1]["state"]
        scratch.set_value("capacity", line[capacity_id], "state", state)
        with pytest.raises(DataError) as caught:
            where(scratch.folder)
        error = caught.value
        assert error.file.endswith("capacity.csv") and error.row == line[capacity_id] and error.column == "state", capacity_id
        assert ("ceiling" in str(error)) and ("contracted" in str(error)), capacity_id
        scratch.set_value("capacity", line[capacity_id], "state", original)


def test_a_fitted_estimate_nothing_is_fitted_to_is_named(scratch):
    rows = scratch.rows("compute_mix_benchmarks")
    line = next(i for i, r in enumerate(rows, start=1) if r["relation"] == "independent")
    scratch.set_value("compute_mix_benchmarks", line, "relation", "fitted")
    with pytest.raises(DataError) as caught:
        check_compute_mix(scratch.folder)
    assert caught.value.row == line and caught.value.column == "relation"


def test_an_amount_factor_without_its_direction_is_named(scratch):
    rows = scratch.rows("compute_mix_tranches")
    line = next(i for i, r in enumerate(rows, start=1) if r["amount_factor"])
    scratch.set_value("compute_mix_tranches", line, "amount_direction", "")
    with pytest.raises(DataError) as caught:
        check_compute_mix(scratch.folder)
    assert caught.value.row == line and caught.value.column == "amount_direction"


def test_a_scenario_that_changes_nothing_is_named(scratch):
    rows = [r for r in scratch.rows("compute_mix_scenarios") if r["scenario_id"] != "tpu-ceiling-reached"]
    scratch.write_rows("compute_mix_scenarios", rows)
    with pytest.raises(DataError, match="tpu-ceiling-reached changes nothing"):
        check_compute_mix(scratch.folder)


def test_order_of_suppliers_in_words_by_hand():
    groups = [("Google",), ("NVIDIA", "AWS")]
    assert mix.order_text(groups) == "Google, NVIDIA and AWS level"
    # 17.1% and 16.6% both round to 17%: a tie at the precision shown, not an order.
    assert mix.order_text(groups, {"Google": 0.66, "NVIDIA": 0.171, "AWS": 0.166}) == "Google 66%, NVIDIA and AWS 17% each"


def test_live_removing_nothing_changes_nothing_and_the_benchmarks_are_all_compared(live):
    with_all, without_none = mix.share_without([])
    assert with_all == pytest.approx(without_none)
    benchmarks = load_table("compute_mix_benchmarks")
    text = mix.benchmark_sentence(benchmarks, load_table("sources"))
    # Every estimate is named by its readable name, never its id, and what each is to the model is said.
    assert all(name in text for name in benchmarks["name"]) and not any(b in text for b in benchmarks["benchmark_id"])
    if (benchmarks["relation"] == "fitted").any():
        assert "tests nothing" in text
    assert len(mix.benchmark_table(benchmarks)) == len(benchmarks)


def test_quarters_every_scenario_draws_alike_are_carried_once():
    # Two scenarios alike but for NVIDIA's 2026Q4 share: the page carries 2024Q4, 2025Q4 and 2027Q4 once
    # (3 quarters x 3 vendors, marked s = -1) and 2026Q4 once per scenario (2 x 3 rows): 15 rows, not 24.
    first = chart_rows(0.2)
    second = first.assign(scenario="Other")
    second.loc[(second["quarter"] == "2026Q4") & (second["vendor"] == "NVIDIA"), "share"] = 0.3
    table = pd.concat([first, second], ignore_index=True)
    spec = mix.layout(table, load_table("articles"), "2026-12-04", scenario="As announced").to_dict()
    drawn = max(spec["datasets"].values(), key=len)
    assert len(drawn) == 15
    assert sorted({(r["quarter"], r["s"]) for r in drawn}) == [
        ("2024Q4", -1), ("2025Q4", -1), ("2026Q4", 0), ("2026Q4", 1), ("2027Q4", -1)]
