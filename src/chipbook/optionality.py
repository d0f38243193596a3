"""Computations of the optionality-and-leverage chapter.

Two small models, each kept here so the chapter only draws and the tests can check
the arithmetic by hand (Anthropic's compute by vendor, the chapter's largest model, is
`chipbook.computemix`):

* the price of dependence: what NVIDIA's gross margin means for the price a buyer pays
  over NVIDIA's cost, and what margin is left after a discount (``nvidia_financials.csv``);
* who else has optionality: how many chip families each lab uses or has under contract
  (``lab_chip_vendors.csv``).
"""

from __future__ import annotations

import pandas as pd

from .charts import VENDOR_COLORS
from .vocabulary import ARRANGEMENT_STATUSES

# --- The price of dependence -------------------------------------------------------

def markup_over_cost(gross_margin_pct: float | pd.Series) -> float | pd.Series:
    """Price paid per dollar of the seller's cost of goods: 1 / (1 - margin).

    A 75% gross margin means cost is a quarter of the price, so the buyer pays 4x cost.
    """
    return 1.0 / (1.0 - gross_margin_pct / 100.0)


def margin_after_discount(gross_margin_pct: float | pd.Series, discount_pct: float) -> float | pd.Series:
    """Gross margin (in percent) the seller keeps on a sale made at `discount_pct` off
    the price that earns `gross_margin_pct`. Cost stays (1 - m) of the old price, the new
    price is (1 - d) of it, so the new margin is 1 - (1 - m) / (1 - d). Negative when
    the discount exceeds the margin (a sale below cost)."""
    if not 0 <= discount_pct < 100:
        raise ValueError("discount_pct must be at least 0 and below 100")
    return 100.0 * (1.0 - (1.0 - gross_margin_pct / 100.0) / (1.0 - discount_pct / 100.0))


def growth_multiple(first: float, last: float) -> float:
    """How many times larger `last` is than `first`."""
    if first <= 0:
        raise ValueError("growth needs a positive starting value")
    return last / first


# --- Who else has optionality ------------------------------------------------------

# From the firmest relationship to the loosest.
STATUS_ORDER = ARRANGEMENT_STATUSES
COMMITTED = ("in use", "contracted")


def colour_group(vendor: str) -> str:
    """The book's colour name for a chip vendor: the vendors with a fixed colour keep
    it, the rest (Broadcom, for custom chips) are 'Other'."""
    return vendor if vendor in VENDOR_COLORS else "Other"


def strongest_status(labs: pd.DataFrame) -> pd.DataFrame:
    """One row per lab and chip vendor: the row of its firmest arrangement (so its
    status, and any other columns, are that arrangement's), with `arrangements`, how
    many arrangements stand behind the pair."""
    rank = {status: i for i, status in enumerate(STATUS_ORDER)}
    unknown = set(labs["status"]) - set(rank)
    if unknown:
        raise ValueError(f"unknown status values: {sorted(unknown)}")
    keys = ["lab", "chip_vendor"]
    ranked = labs.assign(rank=labs["status"].map(rank)).sort_values(keys + ["rank"], kind="stable")
    counts = ranked.groupby(keys, sort=True).size().rename("arrangements").reset_index()
    firmest = ranked.drop_duplicates(keys).drop(columns="rank")
    return firmest.merge(counts, on=keys).sort_values(keys).reset_index(drop=True)


def families_per_lab(labs: pd.DataFrame, statuses: tuple[str, ...] = COMMITTED) -> pd.Series:
    """How many chip vendors (families) each lab has at one of `statuses`, counting each
    vendor once at its firmest status; labs with none count 0."""
    best = strongest_status(labs)
    counted = best[best["status"].isin(statuses)].groupby("lab").size()
    return counted.reindex(sorted(labs["lab"].unique()), fill_value=0).astype(int)
