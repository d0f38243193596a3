"""The optionality-and-leverage chapter: its formulas worked by hand, the totals its charts
show worked by hand on fixture tables (tests/fixtures/optionality/, the rows of data/ on
2026-11-29, frozen), and on the live tables only invariants. The rules of the tables
themselves (a figure and its bound, dates in order, one vendor per tranche) are
`make check`'s (chipbook.table_rules)."""

from __future__ import annotations

import pandas as pd
import pytest

from chipbook import ledger, load_table
from chipbook import optionality as opt
from fixture_tables import fixture

CAPACITY = load_table("capacity")
LABS = load_table("lab_chip_vendors")
EVIDENCE_AS_OF = ledger.evidence_as_of()  # the book's one evidence date
# The tables as they stood on 2026-11-29, when the chart totals below were worked by hand.
FIXED_CAPACITY = fixture("optionality", "capacity")
FIXED_NVIDIA = fixture("optionality", "nvidia_financials")
FIXED_LABS = fixture("optionality", "lab_chip_vendors")
FIXED_DATE = pd.Timestamp("2026-11-29")


# --- Formulas, worked by hand --------------------------------------------------------

def test_markup_over_cost_by_hand():
    # 75% margin: cost is 25 cents of each dollar, so the price is 1 / 0.25 = 4x cost.
    assert opt.markup_over_cost(75.0) == pytest.approx(4.0)
    # 50% margin: cost is half the price, 2x.
    assert opt.markup_over_cost(50.0) == pytest.approx(2.0)
    # 0% margin: sold at cost.
    assert opt.markup_over_cost(0.0) == pytest.approx(1.0)


def test_margin_after_discount_by_hand():
    # 75% margin, 20% off: cost 0.25, new price 0.80, margin (0.80 - 0.25) / 0.80 = 68.75%.
    assert opt.margin_after_discount(75.0, 20.0) == pytest.approx(68.75)
    # 60% margin, 50% off: cost 0.40, price 0.50, margin 0.10 / 0.50 = 20%.
    assert opt.margin_after_discount(60.0, 50.0) == pytest.approx(20.0)
    # No discount leaves the margin unchanged; a discount equal to the margin sells at cost.
    assert opt.margin_after_discount(71.1, 0.0) == pytest.approx(71.1)
    assert opt.margin_after_discount(40.0, 40.0) == pytest.approx(0.0)
    # Beyond the margin: 50% margin, 60% off: cost 0.5, price 0.4, margin -0.1 / 0.4 = -25%.
    assert opt.margin_after_discount(50.0, 60.0) == pytest.approx(-25.0)
    with pytest.raises(ValueError):
        opt.margin_after_discount(50.0, 100.0)


def test_growth_multiple_by_hand():
    assert opt.growth_multiple(15.0, 195.0) == pytest.approx(13.0)
    with pytest.raises(ValueError):
        opt.growth_multiple(0.0, 1.0)


def test_strongest_status_and_family_counts_by_hand():
    labs = pd.DataFrame({
        "lab": ["A", "A", "A", "B", "B", "C"],
        "chip_vendor": ["NVIDIA", "NVIDIA", "Google", "NVIDIA", "AMD", "Google"],
        "status": ["contracted", "in use", "testing", "in use", "contracted", "in talks"],
    })
    best = opt.strongest_status(labs).set_index(["lab", "chip_vendor"])
    assert best.loc[("A", "NVIDIA"), "status"] == "in use"        # in use beats contracted
    assert best.loc[("A", "NVIDIA"), "arrangements"] == 2
    counts = opt.families_per_lab(labs)
    # A: NVIDIA only (Google is testing); B: NVIDIA and AMD; C: none committed.
    assert counts.to_dict() == {"A": 1, "B": 2, "C": 0}
    assert opt.families_per_lab(labs, ("in use",)).to_dict() == {"A": 1, "B": 1, "C": 0}
    with pytest.raises(ValueError):
        opt.strongest_status(labs.assign(status="rumoured"))


def test_colour_groups_use_the_fixed_palette():
    assert opt.colour_group("AWS") == "AWS"
    assert opt.colour_group("Broadcom") == "Other"


# --- Totals the charts show ----------------------------------------------------------

def test_nvidia_figures_the_margin_chart_shows():
    fy = FIXED_NVIDIA.set_index("fiscal_year")
    # Margin rose 56.9 -> 75.0 (18.1 points) and eased to 71.1; data-center revenue grew 193.7 / 15.01 = 12.9x.
    assert fy.loc[2025, "gaap_gross_margin_pct"] - fy.loc[2023, "gaap_gross_margin_pct"] == pytest.approx(18.1)
    assert opt.growth_multiple(fy.loc[2023, "data_center_revenue_usd_bn"], fy.loc[2026, "data_center_revenue_usd_bn"]) == pytest.approx(12.905, abs=0.001)
    # At FY2026's 71.1% a buyer pays 1 / 0.289 = 3.46x NVIDIA's cost of goods.
    assert opt.markup_over_cost(fy.loc[2026, "gaap_gross_margin_pct"]) == pytest.approx(3.460, abs=0.001)


def test_lab_counts_the_comparison_chart_shows():
    committed = opt.families_per_lab(FIXED_LABS)
    in_use = opt.families_per_lab(FIXED_LABS, ("in use",))
    # Anthropic: AWS, Google, NVIDIA all in use. OpenAI: NVIDIA and AMD in use, Broadcom and AWS
    # contracted, Google only testing. Meta: NVIDIA in use, AMD contracted, Google in talks.
    assert committed.to_dict() == {"Anthropic": 3, "Apple": 1, "Meta": 2, "OpenAI": 4,
                                   "Safe Superintelligence": 1, "xAI": 1}
    assert in_use["Anthropic"] == 3 and in_use["OpenAI"] == 2 and in_use["Meta"] == 1
    assert int((committed >= 2).sum()) == 3


def test_lab_counts_count_each_labs_vendors_once():
    """Live data: a lab's count of chip families is the number of its distinct vendors in a
    committed status, never more than its rows."""
    committed = opt.families_per_lab(LABS)
    for lab, count in committed.items():
        rows = LABS[(LABS["lab"] == lab) & LABS["status"].isin(opt.COMMITTED)]
        assert count == rows["chip_vendor"].nunique() <= len(LABS[LABS["lab"] == lab])


def test_numbers_quoted_in_the_prose():
    fy = FIXED_NVIDIA.set_index("fiscal_year")
    # "a 30% discount would still leave NVIDIA about 59%": cost 0.289, price 0.70, margin 1 - 0.289 / 0.70 = 58.7%.
    kept = opt.margin_after_discount(fy.loc[2026, "gaap_gross_margin_pct"], 30.0)
    assert kept == pytest.approx(58.71, abs=0.01) and kept > fy.loc[2023, "gaap_gross_margin_pct"]
    # "cost of goods is under 30 cents" per dollar at 71.1%.
    assert 1 - fy.loc[2026, "gaap_gross_margin_pct"] / 100 < 0.30
