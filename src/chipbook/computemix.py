"""Anthropic's compute by chip vendor, quarter by quarter, 2023Q1 to 2027Q4: the
compute-mix model.

The common unit is the H100-equivalent (H100e), on one of three bases (`BASES`), each a
chip's published rate over the H100's:

* "8-bit": dense 8-bit operations as Epoch AI counts them (FP8, else the MX
  microscaling MXFP8 rate, else INT8), over the H100's 1,979. The book's headline unit
  (`HEADLINE`): it is Epoch AI's unit, so the outside estimates compare like with like; the
  cost model serves 8-bit weights; and it credits each chip's current low-precision rate
  (Trainium3's MXFP8 gain among them), which dense BF16 does not.
* "bf16": dense (no structured sparsity) BF16 TFLOPS, over the H100's 989: the format of
  frontier training until recently.
* "hbm": HBM bandwidth (GB/s), over the H100's 3,350: what bounds the decoding of
  tokens, the larger part of serving.

Which unit is right depends on the work (training or serving), not on chance, so the model
does not draw it: a share's range runs over all three (`ALL_UNITS`, rule 6).

Inputs, each a sourced row or a named assumption with its reason (data/):

* `compute_mix_tranches`: Anthropic's capacity in tranches (a deal, or an estimated fleet),
  each with a readable name, its vendor, the chip generation it buys, how its source states
  the amount (`stated_as`), the amount (chips, gigawatts or H100e; low, central, high), its
  delivery pace (start quarter; full quarter early, central, late), the factors its
  draws move with and, for the fleets before the deals, the outside estimate they are
  fitted to (`fitted_to`);
* `compute_mix_benchmarks`: outside estimates of Anthropic's compute, each marked fitted
  (the model is scaled to it) or independent (a check);
* `compute_mix_factors`: the shared factors (a vendor's deals, the split of a total,
  Anthropic's demand, which moves the ceilings and unsized deals of every vendor) and how
  strongly the assumptions that load on them move together;
* `compute_mix_chip_power`: IT watts per chip and PUE (low, central, high), which turn
  gigawatts into chips;
* `accelerator_specs`: the rates of each basis;
* `compute_mix_scenarios`: what each scenario of `scenarios` changes in the tranches
  (amounts, pace, a delay, or a quarter by which a tranche leaves service).

The rules, each tested by hand in tests/test_computemix.py:

1. H100e = chips x the chip's rate / the H100's rate on the basis (`h100e_per_chip`).
2. Chips per gigawatt = 1e9 / (IT watts x PUE), PUE being facility over IT power
   (`chips_per_gigawatt`); an announced gigawatt is read as facility power.
3. A tranche is delivered linearly: by the end of quarter q the share in service is
   (q - start + 1) / (full - start + 1), clipped to [0, 1] (`delivered_fraction`); 1 GW
   from 2026Q1 to 2026Q4 is 0.25 GW at the end of 2026Q1. A scenario may take it out of
   service again: from the end of its `leaves_quarter` it counts nowhere.
4. One rule for contracts and ceilings (`CEILING_RULE`, `counting`, the states of
   vocabulary.CAPACITY_STATES): how a tranche counts before delivery follows from how its
   source states the amount. A firm amount is contracted (its undelivered part, from the
   quarter it was announced); an "up to" ceiling and an amount whose use the source makes
   conditional are ceilings, and a deal of unpublished size an unsized deal: both count only
   once delivered; a fleet estimate counts only as in service. capacity.csv gives every deal
   the same state (make check). A ceiling's central draw lies below the ceiling (make
   check; its high end may reach it). The part of a ceiling not drawn by a quarter is reported
   beside the model (`ceilings`): not yet drawn, not excluded.
5. Ranges: every assumption is drawn `DRAWS` times from a triangular distribution over
   its low, central and high values. An assumption that loads on a factor of
   `compute_mix_factors` takes its cumulative probability from a Gaussian copula,
   u = Phi(sign x sqrt(rho) x z_factor + sqrt(1 - rho) x Phi^-1(u_own)) (`correlated`):
   rho = 0 leaves it independent, rho = 1 moves it in lockstep with the factor. A factor's
   good draw raises the amounts that move with it and brings their delivery forward (a
   pace takes -z). One random stream per named assumption and factor, so every scenario
   and basis sees the same draws. The central figure is the median of the draws; low and
   high are their 5th and 95th percentiles (`summarise`). The run with every assumption at
   its central value (the modal case, row 0 of every array) is kept only for the one-at-a-
   time sensitivity, which moves one assumption from it.
6. A vendor's share is its part of the sum over vendors, draw by draw, in service or in
   service plus contracted (`COUNTS`). On `ALL_UNITS`, the book's headline, the central
   share is the median on `HEADLINE` and the range runs from the lowest 5th percentile to
   the highest 95th over the three bases (`envelope`).
7. Fitting (`fit_to_benchmarks`): the fleets that name an outside estimate in `fitted_to`
   are scaled, draw by draw, so that with the other tranches of the estimate's vendors they
   add up to its total at its quarter, on the estimate's 8-bit unit; the total is drawn from
   a two-piece lognormal through the estimate's 5th, 50th and 95th percentiles
   (`lognormal_total`), so its range carries through. Where the other tranches alone pass
   the drawn total, the fitted fleets are zero and the sum exceeds it. Their own amounts
   set only how they split the fitted total.
8. Rounding: every printed share is rounded once, to whole percentage points, halves up
   (`percent_points`), and every amount once, to two significant figures (`amount_text`),
   each from its raw value; tables, sentences, titles and text alternatives all use them.
9. Comparisons: a sentence that sets two printed figures side by side says "about the
   same" where they print alike (`contrast`, `range_contrast`), rather than "22% instead
   of 22%"; a range is called wider or narrower by its printed ends.
10. Orderings (`ORDER_RULE`): the book calls one vendor ahead of another, or the largest,
   only where at least `ORDER_CONFIDENCE` of the draws put it there on every unit
   (`order_call`, `ahead_words`, `largest_words`); otherwise it calls them about level and
   gives the share of the draws on each side (`odds_table`), since medians alone can order
   two vendors that the draws leave close.
"""

from __future__ import annotations

import json
import math
import re
import statistics
import warnings
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import data
from .vocabulary import CHIP_MAKERS, COUNTED_ONCE_DELIVERED, MIX_COUNTING

FIRST_QUARTER, LAST_QUARTER = "2023Q1", "2027Q4"
YEARS = (2024, 2025, 2026, 2027)  # the year-ends the book prints
REFERENCE_CHIP = "h100"
BASES = ("8-bit", "bf16", "hbm")
HEADLINE = "8-bit"
ALL_UNITS = "all units"  # not a basis: the headline's central figure with a range over every basis (rule 6)
BASIS_NAMES = {"bf16": "dense BF16", "8-bit": "dense 8-bit (Epoch AI's basis)", "hbm": "HBM bandwidth"}
BASIS_SHORT = {"bf16": "dense BF16", "8-bit": "8-bit", "hbm": "HBM bandwidth"}  # in lists and sentences
# The columns of accelerator_specs each basis reads, in order of preference: a chip's
# 8-bit rate is its FP8 rate, else its MXFP8 rate (Trainium3 publishes only that), else INT8.
RATE_COLUMNS = {"bf16": ("bf16_tflops_dense",), "8-bit": ("fp8_tflops_dense", "mxfp8_tflops_dense", "int8_tops_dense"),
                "hbm": ("hbm_bandwidth_gb_s",)}
IN_SERVICE, CONTRACTED = "in service", "contracted, not yet in service"
COUNTS = ("in service", "in service + contracted")
ALL_VENDORS = "All vendors"
PERCENTILES = (5, 50, 95)
DRAWS = 4000
SEED = 2026
CENTRAL = "central"
# The factor of compute_mix_factors that links the ceilings and unsized deals of every vendor:
# how much Anthropic draws on them hangs on its own demand (rule 5).
DEMAND = "anthropic-demand"
# The book's own test of its answer, not a standard from the literature: "one supplier
# among three" would no longer describe NVIDIA if its central share passed an equal
# third, or made it the largest supplier.
EQUAL_THIRD = 1 / 3
# How far apart (in share of the whole) the three bases may put a vendor's central share
# for the book to call that share robust to the unit: the book's line, about the width of
# the 5th-95th percentile ranges themselves.
UNIT_TOLERANCE = 0.05
# How the book's headline figures are counted, in words every page prints (never retyped).
UNIT_WORDS = "H100-equivalents of dense 8-bit throughput (Epoch AI's unit)"
RANGE_WORDS = (f"the central figure is the median of {DRAWS:,} draws over the model's assumptions, and the range runs "
               "from the lowest 5th to the highest 95th percentile of those draws on any of three units (8-bit, dense BF16 "
               "and HBM bandwidth), so that it holds whichever unit counts the chips")

CEILING_RULE = (
    "Capacity is in one of three states. In service: delivered. Contracted: an amount a party states as firm (a floor "
    "such as 'more than' or 'well over', an approximate amount such as 'nearly' or 'about', or the whole of a named "
    "site), counted as contracted until it is delivered. A ceiling: an 'up to' amount, or one whose use the source "
    "makes conditional, counted only once delivered, at the book's estimate of what is drawn, whose central value lies "
    "below the ceiling (no party has committed to use all of it; a scenario may); the rest of a ceiling is "
    "not yet drawn, neither contracted nor excluded. A deal whose size is not published also counts only once "
    "delivered, and fleets the book estimates where no deal was announced count only as in service. Every status the "
    "book prints, in tables, prose and scenarios, follows this rule.")

# How each kind of tranche counts before delivery, in words for the rule's table.
COUNTING_WORDS = {"contracted": "contracted until delivered", "ceiling": "a ceiling: only once delivered",
                  "unsized deal": "an unsized deal: only once delivered", "fleet estimate": "an estimate: in service only"}


def counting(stated_as: str) -> str:
    """How a tranche counts before delivery under the one rule: 'contracted' for a firm
    amount, 'ceiling' for an 'up to' or conditional one, 'unsized deal' for one of
    unpublished size, 'fleet estimate' for an estimate (vocabulary.MIX_COUNTING; the first
    two are capacity states). KeyError otherwise."""
    if stated_as not in MIX_COUNTING:
        raise KeyError(f"stated_as must be one of {list(MIX_COUNTING)}, not {stated_as!r}")
    return MIX_COUNTING[stated_as]


# --- Quarters ----------------------------------------------------------------------------

def quarter_index(label: str) -> int:
    """'2026Q3' -> a running count of quarters (year x 4 + quarter - 1), so that
    differences are numbers of quarters. ValueError for anything else."""
    match = re.fullmatch(r"(20\d{2})Q([1-4])", str(label))
    if not match:
        raise ValueError(f"not a quarter: {label!r}; expected a year and quarter such as 2026Q3")
    return int(match.group(1)) * 4 + int(match.group(2)) - 1


def quarter_label(index: int) -> str:
    """The inverse of `quarter_index`."""
    return f"{int(index) // 4}Q{int(index) % 4 + 1}"


def quarter_range(first: str = FIRST_QUARTER, last: str = LAST_QUARTER) -> list[str]:
    """Every quarter from `first` to `last`, both included."""
    return [quarter_label(i) for i in range(quarter_index(first), quarter_index(last) + 1)]


def quarter_end(label: str) -> pd.Timestamp:
    """The last day of a quarter: 2026Q4 -> 2026-12-31."""
    index = quarter_index(label)
    return pd.Timestamp(year=index // 4, month=(index % 4) * 3 + 3, day=1) + pd.offsets.MonthEnd(0)


def quarter_of(date) -> str:
    """The quarter a date falls in."""
    stamp = pd.Timestamp(date)
    return f"{stamp.year}Q{(stamp.month - 1) // 3 + 1}"


# --- The rules ---------------------------------------------------------------------------

def chip_rates(specs: pd.DataFrame, basis: str = HEADLINE) -> pd.Series:
    """Each chip's rate on `basis`, by chip_id (TFLOPS, or GB/s for "hbm"): the first
    published column of RATE_COLUMNS[basis]; NaN where none is."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
    table = specs.set_index("chip_id")
    rate = pd.Series(np.nan, index=table.index, dtype=float)
    for column in RATE_COLUMNS[basis]:
        if column in table:
            rate = rate.fillna(table[column].astype(float))
    return rate


def h100e_per_chip(specs: pd.DataFrame, basis: str = HEADLINE) -> pd.Series:
    """H100-equivalents per chip, by chip_id, on `basis`: the chip's rate (`chip_rates`)
    over the H100's. NaN for a chip with no rate on that basis."""
    rate = chip_rates(specs, basis)
    if REFERENCE_CHIP not in rate.index:
        raise KeyError(f"accelerator_specs has no {REFERENCE_CHIP!r} row, the unit of the model")
    return rate / rate[REFERENCE_CHIP]


def chips_per_gigawatt(it_watts, pue):
    """Chips one gigawatt of facility power runs: 1e9 / (IT watts per chip x PUE)."""
    return 1e9 / (np.asarray(it_watts, dtype=float) * np.asarray(pue, dtype=float))


def delivered_fraction(quarter, start, full):
    """Share of a tranche in service at the end of `quarter`, delivered linearly from the
    start of `start` to the end of `full` (all quarter indices; arrays broadcast)."""
    quarter, start, full = (np.asarray(x, dtype=float) for x in (quarter, start, full))
    if np.any(full < start):
        raise ValueError("a tranche cannot be complete before it starts")
    return np.clip((quarter - start + 1) / (full - start + 1), 0.0, 1.0)


def triangular(u, low, mode, high):
    """The value at cumulative probability `u` (0-1, array) of a triangular distribution
    from `low` to `high` peaking at `mode`. ValueError unless low <= mode <= high."""
    low, mode, high = float(low), float(mode), float(high)
    if not low <= mode <= high:
        raise ValueError(f"a range must run low <= central <= high, not {low:g}, {mode:g}, {high:g}")
    u = np.asarray(u, dtype=float)
    if high == low:
        return np.full(u.shape, low)
    split = (mode - low) / (high - low)
    rising = low + np.sqrt(u * (high - low) * (mode - low))
    falling = high - np.sqrt((1 - u) * (high - low) * (high - mode))
    return np.where(u < split, rising, falling)


_NORMAL = statistics.NormalDist()
_normal_cdf = np.vectorize(lambda x: 0.5 * (1.0 + math.erf(x / math.sqrt(2.0))), otypes=[float])
_normal_quantile = np.vectorize(_NORMAL.inv_cdf, otypes=[float])
_EDGE = 1e-12  # keeps a uniform draw of exactly 0 off the normal quantile's pole


def correlated(u, z, rho: float):
    """The Gaussian copula of rule 5: Phi(sqrt(rho) x z + sqrt(1 - rho) x Phi^-1(u)), an
    assumption's own uniform draws `u` (0-1) pulled towards a factor's standard normal
    draws `z` (pass -z for an assumption that moves against the factor) with correlation
    `rho` (0-1). rho = 0 returns `u` itself; rho = 1 returns Phi(z)."""
    if not 0 <= rho <= 1:
        raise ValueError(f"a correlation must lie in [0, 1], not {rho:g}")
    u, z = np.asarray(u, dtype=float), np.asarray(z, dtype=float)
    if rho == 0:
        return u
    own = _normal_quantile(np.clip(u, _EDGE, 1 - _EDGE))
    return _normal_cdf(math.sqrt(rho) * z + math.sqrt(1 - rho) * own)


def summarise(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(low, central, high) along axis 0 of a (1 + draws, ...) array whose first row is
    the modal case: the 5th, 50th and 95th percentiles of the draws (rows 1 on). The modal
    case itself is none of them (rule 5); with no draws it is all three."""
    if len(values) == 1:
        return values[0], values[0], values[0]
    with warnings.catch_warnings():  # a quarter with nothing counted yet is NaN in every draw
        warnings.simplefilter("ignore", RuntimeWarning)
        low, central, high = np.nanpercentile(values[1:], PERCENTILES, axis=0)
    return low, central, high


def envelope(frames: dict[str, pd.DataFrame], keys: list[str], headline: str = HEADLINE) -> pd.DataFrame:
    """Rule 6: share frames of one shape on each basis (`frames`, keyed by basis, each with
    low, central and high) joined on `keys`: central from `headline`, low the lowest low and
    high the highest high over every basis."""
    joined = frames[headline].set_index(keys)
    lows = pd.concat([f.set_index(keys)["low"] for f in frames.values()], axis=1)
    highs = pd.concat([f.set_index(keys)["high"] for f in frames.values()], axis=1)
    return joined.assign(low=lows.min(axis=1), high=highs.max(axis=1)).reset_index()


_Z95 = statistics.NormalDist().inv_cdf(0.95)


def lognormal_total(u, low: float, central: float, high: float):
    """Rule 7: the value at cumulative probability `u` (0-1, array) of a two-piece
    lognormal whose 5th, 50th and 95th percentiles are `low`, `central` and `high` (an
    outside estimate's range, carried through): central x exp(sigma x z), z = Phi^-1(u),
    sigma = ln(central / low) / 1.645 below the median and ln(high / central) / 1.645
    above. ValueError unless 0 < low <= central <= high."""
    low, central, high = float(low), float(central), float(high)
    if not 0 < low <= central <= high:
        raise ValueError(f"an estimate's range must run 0 < low <= central <= high, not {low:g}, {central:g}, {high:g}")
    z = _normal_quantile(np.clip(np.asarray(u, dtype=float), _EDGE, 1 - _EDGE))
    sigma = np.where(z < 0, math.log(central / low), math.log(high / central)) / _Z95
    return central * np.exp(sigma * z)


# --- Scenarios ---------------------------------------------------------------------------

QUARTER_COLUMNS = ("start_quarter", "full_quarter_early", "full_quarter_central", "full_quarter_late")
AMOUNT_COLUMNS = ("amount_low", "amount_central", "amount_high")


def scenario_tranches(tranches: pd.DataFrame, changes: pd.DataFrame, scenario_id: str) -> pd.DataFrame:
    """The tranches as `scenario_id` has them: each of its rows in `changes`
    (compute_mix_scenarios) replaces the measure, amounts and full quarters it gives, sets
    the quarter by whose end the tranche leaves service (`leaves_quarter`), then moves the
    start and full quarters later by `delay_quarters`. The result always has a
    `leaves_quarter` column (blank where a tranche stays)."""
    shaped = tranches.set_index("tranche_id", drop=False).copy()
    if "leaves_quarter" not in shaped:
        shaped["leaves_quarter"] = None
    shaped["leaves_quarter"] = shaped["leaves_quarter"].astype(object)
    own = changes[changes["scenario_id"] == scenario_id] if len(changes) else changes
    unknown = sorted(set(own["tranche_id"]) - set(shaped.index)) if len(own) else []
    if unknown:
        raise KeyError(f"scenario {scenario_id!r} changes unknown tranches {unknown}")
    for change in own.itertuples(index=False):
        row = change._asdict()
        for column in ("measure", *AMOUNT_COLUMNS, *QUARTER_COLUMNS[1:], "leaves_quarter"):
            if column in row and _given(row[column]):
                shaped.at[row["tranche_id"], column] = row[column]
        delay = row.get("delay_quarters")
        if delay is not None and not pd.isna(delay) and int(delay):
            for column in QUARTER_COLUMNS:
                shaped.at[row["tranche_id"], column] = quarter_label(quarter_index(shaped.at[row["tranche_id"], column]) + int(delay))
    return shaped.reset_index(drop=True)


# --- The simulation ----------------------------------------------------------------------

def _uniforms(name: str, draws: int, seed: int) -> np.ndarray:
    """The random stream of one named assumption or factor: the same numbers for that name
    in every scenario, basis and run (common random numbers), independent of every other."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())]).random(draws)


def _values(low, central, high, u: np.ndarray) -> np.ndarray:
    """The central value followed by the triangular draws at `u`: shape (1 + draws,)."""
    return np.concatenate([[float(central)], triangular(u, low, central, high)])


def _given(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NA \
        and str(value) != ""


@dataclass
class Run:
    """One simulation: per tranche, arrays of shape (1 + draws, quarters), row 0 the
    modal case (every assumption at its central value). `h100e` and `pending_h100e` in H100e on the run's basis; `chips`,
    `pending_chips` in chips; `gigawatts`, `pending_gigawatts` in GW of facility power;
    `it_gigawatts` in GW of IT power (before cooling), in service."""

    quarters: list[str]
    tranches: pd.DataFrame
    basis: str
    chips: dict[str, np.ndarray] = field(default_factory=dict)
    pending_chips: dict[str, np.ndarray] = field(default_factory=dict)
    h100e: dict[str, np.ndarray] = field(default_factory=dict)
    pending_h100e: dict[str, np.ndarray] = field(default_factory=dict)
    gigawatts: dict[str, np.ndarray] = field(default_factory=dict)
    pending_gigawatts: dict[str, np.ndarray] = field(default_factory=dict)
    it_gigawatts: dict[str, np.ndarray] = field(default_factory=dict)

    def by_vendor(self, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Sum of `values` over each vendor's tranches (zeros for a vendor with none)."""
        shape = next(iter(values.values())).shape
        sums = {vendor: np.zeros(shape) for vendor in CHIP_MAKERS}
        for tranche in self.tranches.itertuples(index=False):
            sums[tranche.vendor] = sums[tranche.vendor] + values[tranche.tranche_id]
        return sums

    def vendor_shares(self, count: str = COUNTS[0]) -> dict[str, np.ndarray]:
        """Each vendor's share of all vendors' H100e, draw by draw: arrays (1 + draws,
        quarters), NaN where nothing is counted yet."""
        served = self.by_vendor(self.h100e)
        pending = self.by_vendor(self.pending_h100e)
        counted = {v: served[v] + (pending[v] if count == COUNTS[1] else 0) for v in CHIP_MAKERS}
        total = sum(counted.values())
        with np.errstate(invalid="ignore", divide="ignore"):
            return {v: np.where(total > 0, counted[v] / total, np.nan) for v in CHIP_MAKERS}


def simulate(tranches: pd.DataFrame, chip_power: pd.DataFrame, specs: pd.DataFrame, basis: str = HEADLINE,
             draws: int = DRAWS, seed: int = SEED, quarters: list[str] | None = None,
             factors: pd.DataFrame | None = None, benchmarks: pd.DataFrame | None = None) -> Run:
    """Run the model on these tables (see the module's rules). `draws=0` gives the modal
    case alone. `factors` (compute_mix_factors: factor_id, correlation) correlates the
    draws of the tranches that name a factor (amount_factor, amount_direction,
    pace_factor); without it every draw is independent. `benchmarks`
    (compute_mix_benchmarks) are the outside estimates that tranches naming one in
    `fitted_to` are fitted to (rule 7); KeyError when a tranche names one not given."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
    quarters = quarters or quarter_range()
    q = np.array([quarter_index(x) for x in quarters], dtype=float)
    per_chip = h100e_per_chip(specs, basis)
    bf16 = h100e_per_chip(specs, "bf16")
    power = chip_power.set_index("chip_id")
    run = Run(quarters=quarters, tranches=tranches, basis=basis)
    strength = {} if factors is None else dict(zip(factors["factor_id"], factors["correlation"].astype(float)))
    normal = {f: _normal_quantile(np.clip(_uniforms(f"factor:{f}", draws, seed), _EDGE, 1 - _EDGE)) for f in strength}
    watts: dict[str, np.ndarray] = {}
    it_watts: dict[str, np.ndarray] = {}
    for chip in sorted(set(tranches["chip_id"])):
        if chip not in power.index:
            raise KeyError(f"chip {chip!r} has no row in compute_mix_chip_power")
        if pd.isna(per_chip.get(chip)) or pd.isna(bf16.get(chip)):
            raise ValueError(f"chip {chip!r} has no {BASIS_NAMES[basis]} rate in accelerator_specs")
        row = power.loc[chip]
        it_watts[chip] = _values(row.it_watts_low, row.it_watts_central, row.it_watts_high,
                                 _uniforms(f"{chip}:it_watts", draws, seed))
        watts[chip] = it_watts[chip] * _values(row.pue_low, row.pue_central, row.pue_high,
                                               _uniforms(f"{chip}:pue", draws, seed))

    def pulled(u, factor, sign):
        if factors is None or not _given(factor):
            return u
        if factor not in strength:
            raise KeyError(f"factor {factor!r} is not in compute_mix_factors")
        return correlated(u, sign * normal[factor], strength[factor])

    for tranche in tranches.itertuples(index=False):
        name = tranche.tranche_id
        row = tranche._asdict()
        sign = -1.0 if row.get("amount_direction") == "against" else 1.0
        u_amount = pulled(_uniforms(f"{name}:amount", draws, seed), row.get("amount_factor"), sign)
        # A good draw of the factor brings delivery forward: the pace takes -z.
        u_pace = pulled(_uniforms(f"{name}:full_quarter", draws, seed), row.get("pace_factor"), -1.0)
        amount = _values(tranche.amount_low, tranche.amount_central, tranche.amount_high, u_amount)
        early, central, late = (quarter_index(x) for x in (tranche.full_quarter_early, tranche.full_quarter_central,
                                                            tranche.full_quarter_late))
        start = quarter_index(tranche.start_quarter)
        if start > early:
            raise ValueError(f"tranche {name!r} is complete (early) before it starts")
        full = _values(early, central, late, u_pace)
        if tranche.measure == "chips":
            total = amount
        elif tranche.measure == "gigawatts":
            total = amount * 1e9 / watts[tranche.chip_id]
        elif tranche.measure == "h100e":
            total = amount / bf16[tranche.chip_id]
        else:
            raise ValueError(f"tranche {name!r} has unknown measure {tranche.measure!r}")
        in_service = total[:, None] * delivered_fraction(q[None, :], start, full[:, None])
        if counting(tranche.stated_as) == "contracted":
            announced = quarter_index(quarter_of(tranche.announced))
            pending = (total[:, None] - in_service) * (q[None, :] >= announced)
        else:
            pending = np.zeros_like(in_service)
        if _given(row.get("leaves_quarter")):  # a scenario takes it out of service (rule 3)
            staying = q[None, :] < quarter_index(row["leaves_quarter"])
            in_service, pending = in_service * staying, pending * staying
        run.chips[name], run.pending_chips[name] = in_service, pending
    fitted = [t for t in tranches.itertuples(index=False) if _given(getattr(t, "fitted_to", None))]
    if fitted:
        if benchmarks is None:
            raise KeyError("tranches name benchmarks in fitted_to, but no compute_mix_benchmarks were given")
        fit_to_benchmarks(run, benchmarks, specs, draws, seed)
    for tranche in tranches.itertuples(index=False):
        name, chip = tranche.tranche_id, tranche.chip_id
        in_service, pending = run.chips[name], run.pending_chips[name]
        run.h100e[name], run.pending_h100e[name] = in_service * per_chip[chip], pending * per_chip[chip]
        run.gigawatts[name] = in_service * watts[chip][:, None] / 1e9
        run.pending_gigawatts[name] = pending * watts[chip][:, None] / 1e9
        run.it_gigawatts[name] = in_service * it_watts[chip][:, None] / 1e9
    return run


def benchmark_vendors(benchmark) -> tuple[str, ...]:
    """The chip vendors an outside estimate covers: its `vendors` ('NVIDIA; Google'), or
    every vendor where it names none."""
    named = getattr(benchmark, "vendors", None) if not isinstance(benchmark, dict) else benchmark.get("vendors")
    return tuple(v.strip() for v in str(named).split(";")) if _given(named) else tuple(CHIP_MAKERS)


def fit_to_benchmarks(run: Run, benchmarks: pd.DataFrame, specs: pd.DataFrame, draws: int, seed: int) -> None:
    """Rule 7, in place on `run.chips`: for each outside estimate that tranches name in
    `fitted_to`, earliest quarter first, scale those tranches (every quarter, draw by draw)
    so that with the estimate's vendors' other tranches they add up, at its quarter and on
    its 8-bit unit, to its total drawn by `lognormal_total` (row 0, the modal case, at its
    central value). Fitted tranches are estimates, with nothing contracted. Raises KeyError
    for an unknown benchmark and ValueError for one outside the run's quarters or not in
    H100e."""
    eight = h100e_per_chip(specs, "8-bit")
    table = benchmarks.set_index("benchmark_id")
    names = {t.tranche_id: t for t in run.tranches.itertuples(index=False)}
    wanted = {t.fitted_to for t in names.values() if _given(getattr(t, "fitted_to", None))}
    unknown = sorted(wanted - set(table.index))
    if unknown:
        raise KeyError(f"fitted_to names {unknown}, not in compute_mix_benchmarks")
    for benchmark_id in sorted(wanted, key=lambda b: quarter_index(table.at[b, "quarter"])):
        b = table.loc[benchmark_id]
        if b["measure"] != "h100e":
            raise ValueError(f"benchmark {benchmark_id!r} is in {b['measure']}; tranches can be fitted only to H100e")
        if b["quarter"] not in run.quarters:
            raise ValueError(f"benchmark {benchmark_id!r} speaks for {b['quarter']}, outside the model's quarters")
        i = run.quarters.index(b["quarter"])
        vendors = benchmark_vendors(b.to_dict())
        group = [t for t, row in names.items() if getattr(row, "fitted_to", None) == benchmark_id]
        others = [t for t, row in names.items() if row.vendor in vendors and t not in group]
        target = np.concatenate([[float(b["value_central"])], lognormal_total(
            _uniforms(f"benchmark:{benchmark_id}", draws, seed), b["value_low"], b["value_central"], b["value_high"])])
        fixed = sum((run.chips[t][:, i] * eight[names[t].chip_id] for t in others), np.zeros(draws + 1))
        raw = sum((run.chips[t][:, i] * eight[names[t].chip_id] for t in group), np.zeros(draws + 1))
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = np.where(raw > 0, np.maximum(target - fixed, 0.0) / raw, 0.0)
        for t in group:
            run.chips[t] = run.chips[t] * scale[:, None]


def compute_frame(run: Run) -> pd.DataFrame:
    """Per quarter, vendor (and all vendors), state and unit: low, central, high.
    Columns quarter, quarter_end, vendor, state (IN_SERVICE or CONTRACTED), unit (h100e,
    gigawatts of facility power, or IT gigawatts, in service only), low, central, high."""
    rows = []
    for unit, served, pending in (("h100e", run.h100e, run.pending_h100e),
                                  ("gigawatts", run.gigawatts, run.pending_gigawatts),
                                  ("IT gigawatts", run.it_gigawatts, None)):
        for state, values in ((IN_SERVICE, served), (CONTRACTED, pending)):
            if values is None:
                continue
            vendors = run.by_vendor(values)
            vendors[ALL_VENDORS] = sum(vendors.values())
            for vendor, array in vendors.items():
                low, central, high = summarise(array)
                for i, quarter in enumerate(run.quarters):
                    rows.append((quarter, vendor, state, unit, low[i], central[i], high[i]))
    frame = pd.DataFrame(rows, columns=["quarter", "vendor", "state", "unit", "low", "central", "high"])
    return frame.assign(quarter_end=frame["quarter"].map(quarter_end))


def share_frame(run: Run) -> pd.DataFrame:
    """Each vendor's share of the H100e of all vendors, per quarter, counting in service
    or in service plus contracted. Columns quarter, quarter_end, vendor, count, low,
    central, high (fractions, 0-1; NaN where there is nothing yet)."""
    rows = []
    for count in COUNTS:
        for vendor, array in run.vendor_shares(count).items():
            low, central, high = summarise(array)
            for i, quarter in enumerate(run.quarters):
                rows.append((quarter, vendor, count, low[i], central[i], high[i]))
    frame = pd.DataFrame(rows, columns=["quarter", "vendor", "count", "low", "central", "high"])
    return frame.assign(quarter_end=frame["quarter"].map(quarter_end))


def year_end(frame: pd.DataFrame) -> pd.DataFrame:
    """The fourth-quarter rows of a model frame, with a `year` column."""
    q4 = frame[frame["quarter"].str.endswith("Q4")]
    return q4.assign(year=q4["quarter"].str[:4].astype(int))


# --- The book's tables, run once per process ---------------------------------------------

@dataclass(frozen=True)
class Inputs:
    tranches: pd.DataFrame
    chip_power: pd.DataFrame
    specs: pd.DataFrame
    changes: pd.DataFrame
    scenarios: pd.DataFrame
    factors: pd.DataFrame
    benchmarks: pd.DataFrame


@data.cached_per_process
def inputs() -> Inputs:
    """The model's tables from data/."""
    return Inputs(tranches=data.load_table("compute_mix_tranches"), chip_power=data.load_table("compute_mix_chip_power"),
                  specs=data.load_table("accelerator_specs"), changes=data.load_table("compute_mix_scenarios"),
                  scenarios=data.load_table("scenarios"), factors=data.load_table("compute_mix_factors"),
                  benchmarks=data.load_table("compute_mix_benchmarks"))


def single(basis: str) -> str:
    """The one basis a run or a total needs: `HEADLINE` for `ALL_UNITS`, else `basis`."""
    return HEADLINE if basis == ALL_UNITS else basis


def without_factor(factors: pd.DataFrame, factor: str = DEMAND) -> pd.DataFrame:
    """The factors table with `factor`'s correlation set to 0, so that the assumptions that
    load on it are drawn independently (for comparison)."""
    return factors.assign(correlation=factors["correlation"].where(factors["factor_id"] != factor, 0.0))


@data.cached_per_process
def run(scenario_id: str = CENTRAL, basis: str = HEADLINE, correlated_draws: bool = True,
        shared_demand: bool = True) -> Run:
    """The model on the book's data for one scenario and basis (`ALL_UNITS` runs the
    headline's); `correlated_draws=False` draws every assumption independently, and
    `shared_demand=False` draws those that load on the demand factor (`DEMAND`)
    independently (`without_factor`), both for comparison. It draws `DRAWS` times, read
    when called, so that the tests of the model's invariants can take fewer."""
    tables = inputs()
    if scenario_id not in set(tables.scenarios["scenario_id"]):
        raise KeyError(f"no scenario {scenario_id!r} in scenarios.csv")
    factors = tables.factors if shared_demand else without_factor(tables.factors)
    return simulate(scenario_tranches(tables.tranches, tables.changes, scenario_id), tables.chip_power,
                    tables.specs, single(basis), draws=DRAWS, factors=factors if correlated_draws else None,
                    benchmarks=tables.benchmarks)


@data.cached_per_process
def shares(basis: str = ALL_UNITS) -> pd.DataFrame:
    """`share_frame` for every scenario, with scenario_id and scenario (its name); on
    `ALL_UNITS` (the default, the book's headline) the `envelope` of the three bases."""
    if basis == ALL_UNITS:
        keys = ["scenario_id", "scenario", "quarter", "quarter_end", "vendor", "count"]
        return envelope({b: shares(b) for b in BASES}, keys)[[*keys, "low", "central", "high"]]
    names = inputs().scenarios.set_index("scenario_id")["name"]
    return pd.concat([share_frame(run(s, basis)).assign(scenario_id=s, scenario=names[s]) for s in names.index],
                     ignore_index=True)


@data.cached_per_process
def compute(basis: str = HEADLINE) -> pd.DataFrame:
    """`compute_frame` for every scenario, with scenario_id and scenario (its name). Totals
    are in one unit, so `ALL_UNITS` gives the headline's."""
    names = inputs().scenarios.set_index("scenario_id")["name"]
    return pd.concat([compute_frame(run(s, single(basis))).assign(scenario_id=s, scenario=names[s])
                      for s in names.index], ignore_index=True)


def tranche_names() -> dict[str, str]:
    """tranche_id -> the readable name prose and tables use."""
    tables = inputs()
    return dict(zip(tables.tranches["tranche_id"], tables.tranches["name"]))


def vendor_share_by_year(vendor: str = "NVIDIA", scenario_id: str = CENTRAL, basis: str = ALL_UNITS,
                         count: str = COUNTS[0], years: tuple[int, ...] = (2024, 2025, 2026, 2027)) -> pd.DataFrame:
    """A vendor's share at the end of each year: columns year, low, central, high."""
    frame = year_end(shares(basis))
    picked = frame[(frame["vendor"] == vendor) & (frame["scenario_id"] == scenario_id) & (frame["count"] == count)
                   & frame["year"].isin(years)]
    return picked[["year", "low", "central", "high"]].sort_values("year").reset_index(drop=True)


def year_end_shares(basis: str = ALL_UNITS, scenario_id: str = CENTRAL, count: str = COUNTS[0]) -> pd.DataFrame:
    """Every vendor's share at each year's end: indexed by (year, vendor), columns low,
    central, high."""
    frame = year_end(shares(basis))
    picked = frame[(frame["scenario_id"] == scenario_id) & (frame["count"] == count)]
    return picked.set_index(["year", "vendor"])[["low", "central", "high"]]


def _median(values: np.ndarray) -> float:
    """The central figure of one quantity's draws (rule 5): the median of rows 1 on, or
    the modal case when there are no draws."""
    return float(values[0] if len(values) == 1 else np.median(values[1:]))


def ceilings(capacity: pd.DataFrame, scenario_id: str = CENTRAL, quarter: str = LAST_QUARTER) -> pd.DataFrame:
    """Each ceiling of capacity.csv (a row in state 'ceiling': an 'up to' amount, or one
    whose use is conditional) beside what the model counts of its deal at the end of
    `quarter`: in service and contracted (central, in the ceiling's unit, gigawatts where
    the row gives them, else chips), and the rest, not yet drawn. A tranche belongs to a
    ceiling when its capacity row is of the ceiling's deal (tranche). Columns capacity_id,
    vendor, deal, unit, bound, ceiling, in_service, contracted, not_drawn, tranches,
    source_id."""
    result = run(scenario_id)
    i = result.quarters.index(quarter)
    deal_of = capacity.set_index("capacity_id")["tranche"]
    linked = result.tranches.assign(deal=result.tranches["capacity_id"].map(deal_of))
    rows = []
    for cap in capacity[capacity["state"] == "ceiling"].itertuples(index=False):
        unit = "gigawatts" if pd.notna(cap.gigawatts) else "chips"
        ceiling = float(cap.gigawatts if unit == "gigawatts" else cap.chips)
        mine = list(linked[linked["deal"] == cap.tranche]["tranche_id"])
        served = result.gigawatts if unit == "gigawatts" else result.chips
        waiting = result.pending_gigawatts if unit == "gigawatts" else result.pending_chips
        shape = (len(next(iter(served.values()))),)
        in_service = _median(sum((served[t][:, i] for t in mine), np.zeros(shape)))
        contracted = _median(sum((waiting[t][:, i] for t in mine), np.zeros(shape)))
        rows.append({"capacity_id": cap.capacity_id, "vendor": cap.vendor, "deal": cap.tranche, "unit": unit,
                     "bound": cap.gigawatts_bound if unit == "gigawatts" else cap.chips_bound, "ceiling": ceiling,
                     "in_service": in_service, "contracted": contracted,
                     "not_drawn": max(0.0, ceiling - in_service - contracted), "tranches": mine,
                     "source_id": cap.source_id})
    return pd.DataFrame(rows)


# --- What moves the answer ----------------------------------------------------------------

def _assumptions(tranches: pd.DataFrame, chip_power: pd.DataFrame) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """Every named assumption: (table, row id, what, its low/central/high columns)."""
    named = []
    for t in tranches.itertuples(index=False):
        if t.amount_low != t.amount_high:
            named.append(("compute_mix_tranches", t.tranche_id, "amount", AMOUNT_COLUMNS))
        if t.full_quarter_early != t.full_quarter_late:
            named.append(("compute_mix_tranches", t.tranche_id, "pace", QUARTER_COLUMNS[1:]))
    for c in chip_power.itertuples(index=False):
        named.append(("compute_mix_chip_power", c.chip_id, "IT watts per chip", ("it_watts_low", "it_watts_central", "it_watts_high")))
        named.append(("compute_mix_chip_power", c.chip_id, "PUE", ("pue_low", "pue_central", "pue_high")))
    return named


def sensitivity(tranches: pd.DataFrame, chip_power: pd.DataFrame, specs: pd.DataFrame, quarter: str,
                vendor: str = "NVIDIA", basis: str = ALL_UNITS, benchmarks: pd.DataFrame | None = None) -> pd.DataFrame:
    """One assumption at a time at each end of its range, the others central: `vendor`'s
    share in service at the end of `quarter`. Columns table, row, assumption, at_low,
    at_high (shares with the assumption at its low or high column; for a pace, early and
    late), central, swing (|at_high - at_low|), and shares_low, shares_high (every
    vendor's share at each end, a dict), sorted by swing, largest first."""
    i = quarter_range().index(quarter)

    def shares_at(t, c):
        result = simulate(t, c, specs, single(basis), draws=0, benchmarks=benchmarks)
        served = result.by_vendor(result.h100e)
        total = sum(served.values())[0, i]
        return {v: float(served[v][0, i] / total) if total else float("nan") for v in CHIP_MAKERS}

    central = shares_at(tranches, chip_power)
    rows = []
    for table, row_id, what, columns in _assumptions(tranches, chip_power):
        ends = []
        for end in (columns[0], columns[2]):
            t, c = tranches.copy(), chip_power.copy()
            frame, key = (t, "tranche_id") if table == "compute_mix_tranches" else (c, "chip_id")
            at = frame.index[frame[key] == row_id][0]
            value = frame.at[at, end]
            for column in columns:
                frame.at[at, column] = value
            ends.append(shares_at(t, c))
        rows.append({"table": table, "row": row_id, "assumption": what, "at_low": ends[0][vendor],
                     "at_high": ends[1][vendor], "central": central[vendor],
                     "swing": abs(ends[1][vendor] - ends[0][vendor]), "shares_low": ends[0], "shares_high": ends[1],
                     "shares_central": central})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


@data.cached_per_process
def book_sensitivity(quarter: str, vendor: str = "NVIDIA", basis: str = ALL_UNITS) -> pd.DataFrame:
    """`sensitivity` on the book's data, computed once per process (a hundred or so runs
    of the modal case): the sentences that name what moves a share read it. Not to be
    modified."""
    tables = inputs()
    return sensitivity(tables.tranches, tables.chip_power, tables.specs, quarter, vendor, basis, tables.benchmarks)


def order_flips(table: pd.DataFrame, first: str = "AWS", second: str = "NVIDIA") -> list[tuple[str, str, str, float]]:
    """From a `sensitivity` table: the assumptions that, moved alone to one end of their
    range, put `second` ahead of `first` or `first` ahead of `second` when the central case
    has them the other way round (a tie counts as `first` ahead), furthest first:
    [(row, assumption, 'low' or 'high', share of first minus share of second at that end)]."""
    flips = []
    for r in table.itertuples(index=False):
        ahead = r.shares_central[first] >= r.shares_central[second]
        for end, shares_at in (("low", r.shares_low), ("high", r.shares_high)):
            gap = shares_at[first] - shares_at[second]
            if (gap >= 0) != ahead:
                flips.append((r.row, r.assumption, end, gap))
    return sorted(flips, key=lambda f: -abs(f[3]))


def vendor_ranks(scenario_id: str = CENTRAL, years: tuple[int, ...] = (2025, 2026, 2027),
                 basis: str = ALL_UNITS) -> dict[int, list[tuple[str, ...]]]:
    """The vendors from largest to smallest central share in service at each year's end,
    grouped: vendors whose shares round to the same whole percent tie (one group), since
    a finer order would be false precision."""
    frame = year_end(shares(basis))
    picked = frame[(frame["scenario_id"] == scenario_id) & (frame["count"] == COUNTS[0]) & frame["year"].isin(years)]
    ranks = {}
    for year, group in picked.groupby("year"):
        rounded = group.assign(pct=group["central"].map(percent_points),
                               fixed=group["vendor"].map(VENDOR_ORDER.index))
        ranks[int(year)] = [tuple(g.sort_values("fixed")["vendor"]) for _, g in
                            rounded.groupby("pct", sort=True)][::-1]
    return ranks


def order_text(groups: list[tuple[str, ...]], shares_at: dict[str, float] | None = None) -> str:
    """'Google, AWS, NVIDIA', or with shares 'Google 63%, AWS 20%, NVIDIA 16%'; a tie reads
    'AWS and NVIDIA 17% each'."""
    parts = []
    for group in groups:
        names = " and ".join(group)
        if shares_at is None:
            parts.append(names if len(group) == 1 else f"{names} level")
        else:
            parts.append(f"{names} {percent(shares_at[group[0]])}" + (" each" if len(group) > 1 else ""))
    return ", ".join(parts)


# --- Orderings: how often the draws agree ----------------------------------------------------

# The book's line for calling an order (rule 10): a vendor is "ahead of" another, or "the
# largest", only where at least this share of the draws puts it there on every unit; the
# medians alone can order two vendors that the draws leave about level.
ORDER_CONFIDENCE = 0.9
ORDER_RULE = (f"The book calls one vendor ahead of another, or the largest, only where at least "
              f"{ORDER_CONFIDENCE:.0%} of the draws put it there on every unit; otherwise it calls them about level "
              "and gives the share of the draws on each side")


def ahead_odds(drawn: dict[str, np.ndarray], first: str, second: str) -> float:
    """The share of draws (arrays of one quantity's draws per vendor, modal case excluded)
    in which `first`'s share exceeds `second`'s (0-1); a tie is not ahead."""
    return float(np.mean(drawn[first] > drawn[second]))


def largest_odds(drawn: dict[str, np.ndarray], vendor: str) -> float:
    """The share of draws in which `vendor`'s share exceeds every other vendor's (0-1)."""
    others = np.max([drawn[v] for v in drawn if v != vendor], axis=0)
    return float(np.mean(drawn[vendor] > others))


def odds_text(odds: float) -> str:
    """A share of draws in whole percent, but never a false 0% or 100%: 'under 1%' or
    'over 99%' where some draws, but fewer than half a percent, fall the other way."""
    if 0 < odds < 0.005:
        return "under 1%"
    if 0.995 <= odds < 1:
        return "over 99%"
    return percent(odds)


def _by_unit(odds: dict[str, float]) -> str:
    """'1% of the draws on 8-bit, under 1% on dense BF16 and 42% on HBM bandwidth'; one
    figure where every unit prints alike."""
    texts = [(BASIS_SHORT[b], odds_text(p)) for b, p in odds.items()]
    if len({t for _, t in texts}) == 1:
        return f"{texts[0][1]} of the draws on every unit"
    return listing([f"{t}{' of the draws' if i == 0 else ''} on {b}" for i, (b, t) in enumerate(texts)])


def order_call(odds: dict[str, float]) -> str:
    """Rule 10 on one ordering, given the share of draws in which it holds on each unit:
    'yes' where at least ORDER_CONFIDENCE hold it on every unit, 'no' where at most
    1 - ORDER_CONFIDENCE do on every unit, else 'level'."""
    if min(odds.values()) >= ORDER_CONFIDENCE - 1e-12:
        return "yes"
    if max(odds.values()) <= 1 - ORDER_CONFIDENCE + 1e-12:
        return "no"
    return "level"


def ahead_words(first: str, second: str, odds: dict[str, float]) -> str:
    """Rule 10 in words, `odds` the share of draws in which `first` is ahead of `second` on
    each unit: 'Google is ahead of AWS' / 'AWS is ahead of Google' where the draws agree,
    else 'Google and AWS are about level (AWS ahead in 1% of the draws on 8-bit, ...)'."""
    call = order_call(odds)
    if call == "yes":
        return f"{first} is ahead of {second}"
    if call == "no":
        return f"{second} is ahead of {first}"
    return f"{second} and {first} are about level ({first} ahead in {_by_unit(odds)})"


def largest_words(odds: dict[str, dict[str, float]]) -> str:
    """Rule 10 for the top, `odds` the share of draws in which each vendor is the largest,
    per vendor and unit: 'Google is the largest' where one vendor is in at least
    ORDER_CONFIDENCE of the draws on every unit; else the vendors that are the largest in
    more than 1 - ORDER_CONFIDENCE of the draws on some unit, 'Google and AWS are about
    level at the top (Google the largest in 99% of the draws on 8-bit, ...)'."""
    leaders = [v for v, by_unit in odds.items() if order_call(by_unit) == "yes"]
    if leaders:
        return f"{leaders[0]} is the largest"
    contenders = sorted((v for v, by_unit in odds.items() if max(by_unit.values()) > 1 - ORDER_CONFIDENCE),
                        key=lambda v: -odds[v][HEADLINE])
    first = contenders[0]
    return f"{listing(contenders)} are about level at the top ({first} the largest in {_by_unit(odds[first])})"


@data.cached_per_process
def drawn_shares(year: int, scenario_id: str = CENTRAL, basis: str = HEADLINE) -> dict[str, np.ndarray]:
    """Every vendor's share in service at the end of `year` in each draw (modal case
    excluded), on one basis."""
    result = run(scenario_id, single(basis))
    i = result.quarters.index(f"{year}Q4")
    return {v: a[1:, i] for v, a in result.vendor_shares().items()}


def ahead_by_unit(first: str, second: str, year: int, scenario_id: str = CENTRAL) -> dict[str, float]:
    """The share of draws in which `first` is ahead of `second` at the end of `year`, per basis."""
    return {b: ahead_odds(drawn_shares(year, scenario_id, b), first, second) for b in BASES}


def largest_by_unit(year: int, scenario_id: str = CENTRAL) -> dict[str, dict[str, float]]:
    """The share of draws in which each vendor is the largest at the end of `year`, per
    vendor (VENDOR_ORDER, largest headline odds first) and basis."""
    odds = {v: {b: largest_odds(drawn_shares(year, scenario_id, b), v) for b in BASES} for v in VENDOR_ORDER}
    return dict(sorted(odds.items(), key=lambda item: -item[1][HEADLINE]))


def called_largest(year: int, scenario_id: str = CENTRAL) -> str | None:
    """The vendor rule 10 calls the largest at the end of `year`, or None where none is."""
    called = [v for v, by_unit in largest_by_unit(year, scenario_id).items() if order_call(by_unit) == "yes"]
    return called[0] if called else None


def largest_sentence(year: int, scenario_id: str = CENTRAL) -> str:
    """`largest_words` for the end of `year` on the book's data."""
    return largest_words(largest_by_unit(year, scenario_id))


def orderings(year: int, scenario_id: str = CENTRAL) -> list[tuple[str, str]]:
    """The orderings that matter at the end of `year`: each vendor passing the one above it
    in the headline's central order, [(lower, upper), ...] from the top."""
    ends = year_end_shares(HEADLINE, scenario_id).xs(year, level="year")["central"]
    ranked = sorted(VENDOR_ORDER, key=lambda v: -ends[v])
    return [(lower, upper) for upper, lower in zip(ranked, ranked[1:])]


def odds_table(years: tuple[int, ...] = YEARS, scenario_id: str = CENTRAL) -> pd.DataFrame:
    """Beside the medians, how often the draws order the vendors otherwise: per year, each
    vendor passing the one above it in the headline's central order (`orderings`), the share
    of draws in which it does on each basis, and what rule 10 then lets the book say.
    Columns year, ordering, one per basis, reading."""
    rows = []
    for year in years:
        for lower, upper in orderings(year, scenario_id):
            odds = ahead_by_unit(lower, upper, year, scenario_id)
            call = order_call(odds)
            reading = f"{lower} ahead" if call == "yes" else f"{upper} ahead" if call == "no" else "about level"
            rows.append({"year": str(year), "ordering": f"{lower} ahead of {upper}",
                         **{b: odds_text(p) for b, p in odds.items()}, "reading": reading})
    return pd.DataFrame(rows)


# --- Words and numbers at honest precision ------------------------------------------------

def percent_points(value: float) -> int:
    """Rule 8: a share (0-1) in whole percentage points, halves rounded up (0.125 -> 13,
    0.5849 -> 58): the one rounding of every share the book prints. The 1e-9 keeps a half
    that binary floating point stores a hair low (0.285 x 100 = 28.4999...) a half."""
    return int(math.floor(100 * float(value) + 0.5 + 1e-9))


def percent(value: float) -> str:
    """A share as a whole percentage ('12%'); finer digits would be false precision."""
    return f"{percent_points(value)}%"


def share_text(low: float, central: float, high: float) -> str:
    """'12% (8–17%)': the central share with its range."""
    return f"{percent(central)} ({percent_points(low)}–{percent(high)})"


def two_figures(value: float) -> float:
    """Rule 8 for amounts: `value` to two significant figures (1,346,000 -> 1,300,000)."""
    return float(f"{float(value):.2g}")


def amount_text(value: float, unit: str = "h100e") -> str:
    """H100e or chips to two significant figures (`two_figures`: '1.2 million',
    '210,000'), from the raw value; GW to one decimal ('1.4 GW')."""
    if unit == "gigawatts":
        return f"{value:.1f} GW"
    if value <= 0:
        return "0"
    rounded = two_figures(value)
    if rounded >= 1e6:
        return f"{rounded / 1e6:g} million"
    return f"{rounded:,.0f}"


def contrast(value: float, reference: float, text=percent, joiner: str = "instead of") -> str:
    """Rule 9, a comparison in words, each figure printed by `text` (the book's one rounding,
    `percent` by default) from its raw value: '18% instead of 22%'; where the two print
    alike, 'about the same, 22%', never '22% instead of 22%'."""
    new, old = text(value), text(reference)
    return f"about the same, {new}" if new == old else f"{new} {joiner} {old}"


def range_contrast(new: tuple[float, float, float], old: tuple[float, float, float], text=share_text,
                   ends=percent_points) -> tuple[str, str]:
    """Rule 9 for two ranges (low, central, high), printed by `text`: (how `new` compares
    with `old`, 'wider', 'narrower' or 'about as wide', by the width between the printed
    ends, `ends` applied to each end; the comparison in words, 'about the same, 22% (18–27%)'
    where the two print alike, else '22% (18–27%) against 22% (16–29%)')."""
    width = [ends(r[2]) - ends(r[0]) for r in (new, old)]
    verb = "wider" if width[0] > width[1] else "narrower" if width[0] < width[1] else "about as wide"
    return verb, contrast(new, old, text=lambda r: text(*r), joiner="against")


def listing(parts: list[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {conjunction} " + parts[-1]


# --- The chart -----------------------------------------------------------------------------

VENDOR_ORDER = ("NVIDIA", "AWS", "Google")  # the panels, top to bottom: NVIDIA's, the title's, first


def chart_table(shares_: pd.DataFrame, compute_: pd.DataFrame, count: str = COUNTS[0]) -> pd.DataFrame:
    """The rows the chart draws, one per scenario, quarter and vendor: scenario (name),
    quarter, vendor, rank (its place in VENDOR_ORDER), h100e (central, in service, raw, so
    that the tooltip rounds it once, rule 8), share, share_low, share_high (counting
    `count`, in whole percentage points by `percent_points`, so that the lines, the
    tooltips and the text alternative say what the tables say)."""
    served = compute_[(compute_["state"] == IN_SERVICE) & (compute_["unit"] == "h100e") & compute_["vendor"].isin(CHIP_MAKERS)]
    part = shares_[shares_["count"] == count]
    table = part.merge(served[["scenario", "quarter", "vendor", "central"]].rename(columns={"central": "h100e"}),
                       on=["scenario", "quarter", "vendor"])
    table = table.rename(columns={"central": "share", "low": "share_low", "high": "share_high"})
    table["rank"] = table["vendor"].map({v: i for i, v in enumerate(VENDOR_ORDER)})
    table = table.sort_values(["scenario", "quarter", "rank"])
    columns = ["scenario", "quarter", "vendor", "rank", "h100e", "share", "share_low", "share_high"]
    table = table[columns].reset_index(drop=True)
    for column in ("share", "share_low", "share_high"):
        table[column] = table[column].map(percent_points) / 100
    return table


def chart_title(table: pd.DataFrame, scenario: str, evidence_as_of=None, *, vendor: str = "NVIDIA",
                first: int = 2024, last: int | None = None) -> tuple[str, tuple[str, ...]]:
    """The finding the chart states, from its own rows, and the quarters whose share it
    cites (each drawn as a labelled point on `vendor`'s line, `layout`): `vendor`'s share
    at the end of `first` and of `last` (default: the last full year of the rows) in
    `scenario`, in one clause: 'fell from 45% at end-2024 to 24% at end-2026'. A low
    between the two, below both, is cited (labelled on the line, told in the text
    alternative) but not titled, unless the ends print alike: then it is the finding ('fell
    to 12% in 2025 Q4 and came back to 50%'). Ends that print alike, with no such low, are
    'about the same' (rule 9). With `evidence_as_of`, a fitted or
    projected year-end says so in a word ('from a fitted 45%', 'to a projected 24%'), as
    the tables do in a mark (`year_label`)."""
    last = int(table["quarter"].max()[:4]) - 1 if last is None else last
    rows = table[(table["scenario"] == scenario) & (table["vendor"] == vendor)].set_index("quarter").sort_index()["share"]
    start_q, end_q = f"{first}Q4", f"{last}Q4"
    start, end = rows[start_q], rows[end_q]

    def when(year):
        return f"end-{year}" if evidence_as_of is None else year_label(year, evidence_as_of, "end-")

    def at(share, year):
        """'a fitted 45% at end-2024': the status as a word, not a parenthesis (one clause)."""
        status = "estimated" if evidence_as_of is None else year_status(year, evidence_as_of)
        return ("" if status == "estimated" else f"a {status} ") + f"{percent(share)} at end-{year}"

    between = rows[start_q:end_q]
    low_q = between.idxmin()
    subject = f"{vendor}'s share of Anthropic's compute"
    dipped = percent_points(between.min()) < min(percent_points(start), percent_points(end))
    if dipped and percent_points(end) == percent_points(start):  # down and back: the low is the finding
        return (f"{subject} fell to {percent(between.min())} in {low_q[:4]} Q{low_q[-1]} and came back to "
                f"{at(end, last)}", (start_q, low_q, end_q))
    # One clause, from start to end; a low between them, below both, is drawn and labelled
    # on the line (its quarter is cited) and told in the text alternative (`figure`).
    cited = (start_q, low_q, end_q) if dipped else (start_q, end_q)
    if percent_points(start) == percent_points(end):  # shares that print alike (rule 9)
        return f"{subject} was about the same at {when(first)} and {when(last)}: {percent(end)}", cited
    verb = "fell" if end < start else "rose"
    return f"{subject} {verb} from {at(start, first)} to {at(end, last)}", cited


def figure(table: pd.DataFrame, articles: pd.DataFrame, evidence_as_of, *, source: str, scenario: str, first: int = 2024):
    """The finished chart: each vendor's share of Anthropic's compute in service, 2023-2027,
    in a panel of its own (median line and range band), with the articles' dates, the
    evidence date and a scenario picker. `table`: `chart_table()` rows (scenario, quarter,
    vendor, share, share_low, share_high, h100e); `scenario` is the name the picker starts
    at, which the title and text alternative speak for (the page's script appends the
    reader's choice to the text alternative). The title is `chart_title`'s; every share it
    cites is a labelled point on NVIDIA's line, and each other panel labels its share at
    the same quarters. It carries both layouts (`layout`): the page draws the narrow one in
    a phone's column."""
    from . import charts

    picked = table[table["scenario"] == scenario]
    title, cited = chart_title(table, scenario, evidence_as_of, first=first)
    fitted = [y for y in YEARS if year_status(y, evidence_as_of) == "fitted"]
    years = sorted({int(q[:4]) for q in picked["quarter"] if q.endswith("Q4")})
    described = []
    for year in years:
        rows = picked[picked["quarter"] == f"{year}Q4"].set_index("vendor")
        described.append(f"end-{year}: " + ", ".join(
            f"{v} " + ("none" if rows.loc[v, "share_high"] == 0 else
                       share_text(rows.loc[v, "share_low"], rows.loc[v, "share"], rows.loc[v, "share_high"]))
            for v in VENDOR_ORDER if v in rows.index))
    others = table[(table["scenario"] != scenario) & (table["quarter"] == f"{years[-1]}Q4") & (table["vendor"] == "NVIDIA")]
    # A low the title cites but does not state (see `chart_title`) is told here.
    low = "" if len(cited) < 3 or " came back to " in title else (
        f" Between them it fell to {percent(picked.set_index(['vendor', 'quarter']).loc[('NVIDIA', cited[1]), 'share'])}"
        f" in {cited[1][:4]} Q{cited[1][-1]}.")
    description = (f"{title}.{low} Three panels over time, {table['quarter'].min()[:4]} to {years[-1]}, one per chip vendor: its "
                   f"share of Anthropic's compute in service, median line and range band, with a scenario picker. Scenario "
                   f"'{scenario}': " + "; ".join(described) + f". NVIDIA at end-{years[-1]} in the other scenarios: "
                   + "; ".join(f"{r.scenario}: {share_text(r.share_low, r.share, r.share_high)}" for r in others.itertuples())
                   + ".")
    return charts.finish(
        layout(table, articles, evidence_as_of, scenario=scenario, cited=cited),
        narrow=layout(table, articles, evidence_as_of, scenario=scenario, cited=cited, narrow=True),
        title=title,
        subtitle=(f"Share of Anthropic's {UNIT_WORDS} in service at each quarter's end. Line: median of {DRAWS:,} "
                  "draws; band: 5th–95th percentile on any of three units."
                  + (f" Fitted to Epoch AI's totals to end-{fitted[-1]}." if fitted else "")),
        source=source,
        description=description,
        data_files=["compute_mix_tranches.csv", "compute_mix_chip_power.csv", "compute_mix_scenarios.csv",
                    "compute_mix_benchmarks.csv", "capacity.csv", "accelerator_specs.csv"],
    )


# Each vendor's panel is named for its chips.
PANEL_NAMES = {"NVIDIA": "NVIDIA GPUs", "AWS": "AWS Trainium", "Google": "Google TPUs"}


# Where a point's label may go, in order of preference: (align, baseline, dx, dy) in px.
LABEL_PLACES = (("center", "bottom", 0, -6), ("center", "top", 0, 6), ("left", "bottom", 5, -4),
                ("right", "bottom", -5, -4), ("left", "top", 5, 4), ("right", "top", -5, 4))
LABEL_FONT_PX = 11


def label_places(shares_: pd.Series, cited: tuple[str, ...], width: float, height: float, rule_x: float | None = None,
                 top_px: float = 14) -> dict[str, tuple[str, str, int, int]]:
    """Where each cited quarter's share label goes beside its point so that it crosses
    neither the line (`shares_`: share by quarter, sorted, drawn at each quarter's end on
    an axis from the first quarter's start to the last's end, `width` x `height` px, share
    0 at the bottom and 1 at the top), nor the rule at `rule_x` px, nor another label or
    point, and stays inside the plot below its top `top_px` (the article labels): the
    first of `LABEL_PLACES` that fits, else the first."""
    first = quarter_end(shares_.index[0]) - pd.offsets.QuarterBegin(startingMonth=1)
    span = (quarter_end(shares_.index[-1]) - first).days
    xy = [((quarter_end(q) - first).days / span * width, (1 - v) * height) for q, v in shares_.items()]
    # The line, sampled every pixel or so.
    line = [(x0 + (x1 - x0) * t / 8, y0 + (y1 - y0) * t / 8) for (x0, y0), (x1, y1) in zip(xy, xy[1:]) for t in range(9)]
    points = {q: xy[list(shares_.index).index(q)] for q in cited}
    taken = [(x - 4, y - 4, x + 4, y + 4) for x, y in points.values()]
    places = {}
    for quarter in cited:
        x, y = points[quarter]
        text_width = 0.62 * LABEL_FONT_PX * len(percent(shares_[quarter])) + 2
        for align, baseline, dx, dy in LABEL_PLACES:
            left = x + dx - {"center": text_width / 2, "left": 0, "right": text_width}[align]
            top = y + dy - (LABEL_FONT_PX if baseline == "bottom" else 0)
            box = (left - 1, top, left + text_width + 1, top + LABEL_FONT_PX)
            fits = (box[0] >= 0 and box[2] <= width and box[1] >= top_px and box[3] <= height
                    and not any(box[0] <= px <= box[2] and box[1] <= py <= box[3] for px, py in line)
                    and (rule_x is None or not box[0] - 1 <= rule_x <= box[2] + 1)
                    and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken))
            if fits:
                break
        else:
            align, baseline, dx, dy = LABEL_PLACES[0]
        places[quarter] = (align, baseline, dx, dy)
        taken.append(box)
    return places


def layout(table: pd.DataFrame, articles: pd.DataFrame, evidence_as_of, *, scenario: str, narrow: bool = False,
           cited: tuple[str, ...] = ()):
    """The chart, unfinished (see `figure`): one panel per vendor, stacked, sharing the time
    axis, 560 px wide, or for a phone (`narrow`) 250 px with year labels. Each panel names
    its vendor and marks its share at each `cited` quarter (those the title cites) with a
    labelled point, for the picked scenario; the labels sit where `label_places` finds room
    in the starting scenario."""
    import altair as alt

    from . import charts

    width, height = (250, 95) if narrow else (560, 110)
    names = list(dict.fromkeys(table["scenario"]))
    picker = alt.param(name="scenario", value=scenario, bind=alt.binding_select(options=names, name="Scenario "))
    vendors = [v for v in VENDOR_ORDER if v in set(table["vendor"])]
    first_day = quarter_end(FIRST_QUARTER) - pd.offsets.QuarterBegin(startingMonth=1)
    # On a phone, year labels (each at 1 January, so none can be misread as the next year's).
    axis = alt.Axis(format="%Y", labelAngle=0, tickCount={"interval": "year", "step": 1}) if narrow else charts.DATE_AXIS
    x_scale = alt.Scale(domain=[charts.vega_date(first_day), charts.vega_date(quarter_end(LAST_QUARTER))])
    tooltip = [alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("quarter:N", title="Quarter (end of)"),
               alt.Tooltip("vendor:N", title="Chip vendor"),
               alt.Tooltip("shown:Q", title="In service, central (H100e)", format=",~r"),
               alt.Tooltip("share:Q", title="Share, central", format=".0%"),
               alt.Tooltip("share_low:Q", title="Share, low end", format=".0%"),
               alt.Tooltip("share_high:Q", title="Share, high end", format=".0%")]
    # The page carries each row once, without its date (the quarter's last day is computed
    # in the page, at local midnight like every date of the book's charts); a scenario by
    # its place in the picker's list (`s`), its name computed in the page from the picked
    # one. A quarter that every scenario draws alike (those before the first deal a
    # scenario moves) is carried once, for all of them (`s` = -1).
    number = {name: i for i, name in enumerate(names)}
    # The page's copy: the amount only in the tooltip, the raw value at the tables' two
    # significant figures (rule 8).
    table = table.assign(shown=table["h100e"].map(two_figures))
    # The panels draw shares; the amount is only read, in the tooltip (`shown`).
    columns = ["scenario", "quarter", "vendor", "shown", "share", "share_low", "share_high"]
    drawn = table[columns].assign(scenario=lambda t: t["scenario"].map(number)).rename(columns={"scenario": "s"})
    values = columns[3:]
    alike = [q for q, rows in drawn.groupby("quarter")
             if rows.groupby("vendor")[values].nunique(dropna=False).le(1).all().all()]
    shared = drawn[drawn["quarter"].isin(alike) & (drawn["s"] == 0)].assign(s=-1)
    drawn = pd.concat([shared, drawn[~drawn["quarter"].isin(alike)]], ignore_index=True)
    quarter_end_expr = "datetime(toNumber(slice(datum.quarter, 0, 4)), 3 * toNumber(slice(datum.quarter, 5)), 0)"
    picked = f"datum.s == indexof({json.dumps(names)}, scenario)"
    # Each panel filters the rows once (the picked scenario, its vendor), for all the layers
    # that draw them.
    mine = alt.Chart()
    evidence = pd.DataFrame({"date": [pd.Timestamp(evidence_as_of)], "end": [quarter_end(LAST_QUARTER)],
                             "label": ["proj. \u2192" if narrow else "projected \u2192"]})
    share_axis = alt.Y("share_low:Q", title=None, scale=alt.Scale(domain=[0, 1]),
                       axis=alt.Axis(format="%", values=[0, 0.5, 1]))

    def panel(vendor: str, top: bool, bottom: bool):
        colour = charts.VENDOR_COLORS[vendor]
        x = alt.X("quarter_end:T", title=None, scale=x_scale,
                  axis=alt.Axis(**{**axis.to_dict(), "labels": bottom, "ticks": bottom}))
        # The range's edges in the vendor's colour, so that it reads at 3:1 on either page;
        # its fill only tints the space between them.
        band = mine.mark_area(fillOpacity=0.18, color=colour, stroke=colour, strokeWidth=1, strokeOpacity=1).encode(
            x=x, y=share_axis, y2="share_high:Q", tooltip=tooltip)
        line = mine.mark_line(strokeWidth=2.5, color=colour).encode(x=x, y="share:Q", tooltip=tooltip)
        ahead = charts.backdrop(alt.Chart(evidence).mark_rect(opacity=0.07, color="#555").encode(
            x=alt.X("date:T", scale=x_scale), x2="end:T"))
        articles_band = charts.article_bands(articles)
        rule = alt.Chart(evidence).mark_rule(color="#555", strokeDash=[4, 3]).encode(x=alt.X("date:T", scale=x_scale))
        drawn_layers = [band, line]
        if cited:
            # The shares the title cites, as labelled points: the label's place is the one
            # that fits in the starting scenario (label_places); other scenarios keep it.
            start = table[(table["scenario"] == scenario) & (table["vendor"] == vendor)].set_index("quarter").sort_index()
            span = (quarter_end(LAST_QUARTER) - first_day).days
            places = label_places(start["share"], cited, width, height,
                                  (pd.Timestamp(evidence_as_of) - first_day).days / span * width)

            def pick(key):  # a nested choice by quarter, for a mark property computed per point
                expr = json.dumps(places[cited[-1]][key])
                for q in cited[-2::-1]:
                    expr = f"datum.quarter == '{q}' ? {json.dumps(places[q][key])} : {expr}"
                return alt.ExprRef(expr)

            marked = mine.transform_filter(alt.FieldOneOfPredicate(field="quarter", oneOf=list(cited)))
            drawn_layers.append(marked.mark_point(filled=True, size=30, color=colour, opacity=1).encode(
                x=x, y="share:Q", tooltip=tooltip))
            drawn_layers.append(marked.mark_text(fontSize=LABEL_FONT_PX, fontWeight="bold", color="#333", align=pick(0),
                                           baseline=pick(1), dx=pick(2), dy=pick(3)).encode(
                x=x, y="share:Q", text=alt.Text("share:Q", format=".0%")))
        layers = [ahead, articles_band, rule, alt.layer(*drawn_layers, data=drawn).transform_filter(
            f"datum.s < 0 || {picked}").transform_calculate(quarter_end=quarter_end_expr, scenario="scenario")
            .transform_filter(alt.datum.vendor == vendor)]
        if top:
            layers.append(alt.Chart(evidence).mark_text(align="left", dx=4, baseline="top", dy=3, fontSize=11,
                                                        color="#555").encode(
                x=alt.X("date:T", scale=x_scale), y=alt.value(0), text="label:N"))
        return alt.layer(*layers).properties(
            width=width, height=height,
            title=alt.Title(PANEL_NAMES.get(vendor, vendor), anchor="start", fontSize=12, offset=5))

    return alt.vconcat(*[panel(v, i == 0, i == len(vendors) - 1) for i, v in enumerate(vendors)],
                       spacing=8).add_params(picker)


# --- Sentences the book prints (intro, optionality chapter, verdict) -----------------------

def _projected(year: int, evidence_as_of) -> bool:
    return quarter_end(f"{year}Q4") > pd.Timestamp(evidence_as_of)


def year_status(year: int, evidence_as_of, benchmarks: pd.DataFrame | None = None) -> str:
    """What a year-end figure is: 'projected' where the year ends after `evidence_as_of`;
    'fitted' where an outside estimate for that quarter is one the model is fitted to
    (compute_mix_benchmarks, relation 'fitted': its total is the estimate's and its split
    between vendors the book's judgement); else 'estimated'."""
    if _projected(year, evidence_as_of):
        return "projected"
    benchmarks = inputs().benchmarks if benchmarks is None else benchmarks
    fitted = benchmarks[(benchmarks["relation"] == "fitted") & (benchmarks["quarter"] == f"{year}Q4")]
    return "fitted" if len(fitted) else "estimated"


def year_label(year: int, evidence_as_of, prefix: str = "", benchmarks: pd.DataFrame | None = None) -> str:
    """'2024 (fitted)', 'End-2026 (projected)' (with `prefix` 'End-'): a year with its status
    (`year_status`), so that a fitted or projected figure never reads as a measured one; an
    'estimated' year carries no mark."""
    status = year_status(year, evidence_as_of, benchmarks)
    return f"{prefix}{year}" + ("" if status == "estimated" else f" ({status})")


def status_note(evidence_as_of, years: tuple[int, ...] = YEARS, benchmarks: pd.DataFrame | None = None) -> str:
    """The marks of `year_label` in words, for beside a table: which years are fitted, to
    which outside estimates (by name), and which are projected, from what date."""
    benchmarks = inputs().benchmarks if benchmarks is None else benchmarks
    by_status: dict[str, list[int]] = {}
    for year in years:
        by_status.setdefault(year_status(year, evidence_as_of, benchmarks), []).append(year)
    parts = []
    if by_status.get("fitted"):
        quarters = [f"{y}Q4" for y in by_status["fitted"]]
        names = benchmarks[(benchmarks["relation"] == "fitted") & benchmarks["quarter"].isin(quarters)]["name"]
        parts.append(f"Fitted ({listing(map(str, by_status['fitted']))}): the model's fleets are scaled so that their "
                     f"total matches an outside estimate ({listing(list(names))}), and how that total splits between "
                     "vendors is the book's judgement, not a measurement")
    if by_status.get("projected"):
        day = pd.Timestamp(evidence_as_of)
        parts.append(f"Projected ({listing(map(str, by_status['projected']))}): the year ends after the book's evidence "
                     f"date, {day.day} {day:%B %Y}")
    return ". ".join(parts) + ("." if parts else "")


def share_by_year_text(evidence_as_of, vendor: str = "NVIDIA", scenario_id: str = CENTRAL, basis: str = ALL_UNITS,
                       years: tuple[int, ...] = YEARS) -> str:
    """'50% (37–63%) at the end of 2024 (fitted), ... and 16% (12–20%) at the end of 2027
    (projected)': a vendor's share in service, with its range, at each year's end, each
    year marked with its status (`year_label`)."""
    by_year = vendor_share_by_year(vendor, scenario_id, basis, years=years)
    parts = [f"{share_text(row.low, row.central, row.high)} at the end of {year_label(int(row.year), evidence_as_of)}"
             for row in by_year.itertuples()]
    return listing(parts)


def front_table(evidence_as_of, basis: str = ALL_UNITS, years: tuple[int, ...] = YEARS) -> pd.DataFrame:
    """Every vendor's share in service at each year's end, central (low–high), one row per
    vendor in VENDOR_ORDER; columns vendor and one per year, headed by `year_label`
    ('End-2024 (fitted)', 'End-2026 (projected)'); `status_note` says what the marks mean."""
    ends = year_end_shares(basis)
    rows = []
    for vendor in VENDOR_ORDER:
        row = {"vendor": vendor}
        for year in years:
            r = ends.loc[(year, vendor)]
            row[year_label(year, evidence_as_of, "End-")] = share_text(r["low"], r["central"], r["high"])
        rows.append(row)
    return pd.DataFrame(rows)


def share_change_text(vendor: str, first: int, last: int, scenario_id: str = CENTRAL, basis: str = ALL_UNITS) -> str:
    """`vendor`'s central share from the end of `first` to the end of `last`, in words:
    "Google's central share rises from 32% at the end of 2025 to 46% at the end of 2026",
    or, where the two print alike (rule 9), "... stays about the same, 32%, ..."."""
    ends = year_end_shares(basis, scenario_id)
    start, end = ends.loc[(first, vendor), "central"], ends.loc[(last, vendor), "central"]
    if percent(start) == percent(end):
        return f"{vendor}'s central share stays about the same, {percent(end)}, from the end of {first} to the end of {last}"
    verb = "rises" if end > start else "falls"
    return f"{vendor}'s central share {verb} from {percent(start)} at the end of {first} to {percent(end)} at the end of {last}"


def scenario_effects(year: int = YEARS[-1], vendor: str = "NVIDIA", basis: str = ALL_UNITS) -> pd.DataFrame:
    """Per scenario: `vendor`'s share in service at the end of `year` (low, central,
    high), its change from the central scenario, and the order of vendors that year.
    Columns scenario_id, scenario, low, central, high, change, order."""
    frame = year_end(shares(basis))
    picked = frame[(frame["vendor"] == vendor) & (frame["count"] == COUNTS[0]) & (frame["year"] == year)]
    central = float(picked.loc[picked["scenario_id"] == CENTRAL, "central"].iloc[0])
    orders = {s: order_text(vendor_ranks(s, (year,), basis)[year]) for s in picked["scenario_id"]}
    return picked.assign(change=picked["central"] - central, order=picked["scenario_id"].map(orders))[
        ["scenario_id", "scenario", "low", "central", "high", "change", "order"]].reset_index(drop=True)


def scenario_sentence(years: tuple[int, ...] = (2026, 2027), vendor: str = "NVIDIA", basis: str = ALL_UNITS) -> str:
    """How far the scenarios move `vendor`'s share by the last of `years` (the lowest and
    the highest; a scenario raises or lowers it only where the printed share moves, rule
    9), and which vendor rule 10 calls the largest at the end of each of `years` in each
    scenario, in words (the order of the two smaller suppliers is `reorder_sentence`'s)."""
    last = scenario_effects(years[-1], vendor, basis)
    others = last[last["scenario_id"] != CENTRAL]
    central = last[last["scenario_id"] == CENTRAL].iloc[0]
    up, down = others.loc[others["change"].idxmax()], others.loc[others["change"].idxmin()]
    moved = others["central"].map(percent_points) - percent_points(central["central"])
    ups, downs, same = int((moved > 0).sum()), int((moved < 0).sum()), int((moved == 0).sum())
    text = (f"Of the {len(others)} scenarios beside the central one, "
            + listing([f"{ups} raise {vendor}'s central share at the end of {years[-1]}", f"{downs} lower it"]
                      + ([f"{same} leave it about the same"] if same else [])) + ". They put it between "
            f"{share_text(down['low'], down['central'], down['high'])} ('{down['scenario']}') and "
            f"{share_text(up['low'], up['central'], up['high'])} ('{up['scenario']}'), against "
            f"{share_text(central['low'], central['central'], central['high'])} in the central case.")
    names = inputs().scenarios.set_index("scenario_id")["name"]
    calls = {s: tuple(called_largest(y, s) for y in years) for s in last["scenario_id"]}

    def tops(called):
        by_vendor = {}
        for y, v in zip(years, called):
            by_vendor.setdefault(v, []).append(str(y))
        return listing([f"{'none' if v is None else v} at the end of {' and '.join(ys)}" for v, ys in by_vendor.items()])

    changed = [f"'{names[s]}' ({tops(calls[s])})" for s in others["scenario_id"] if calls[s] != calls[CENTRAL]]
    text += f" By the book's rule for orderings, the largest supplier in the central case is {tops(calls[CENTRAL])}"
    if changed:
        return text + f"; {listing(changed)} differ{'s' if len(changed) == 1 else ''}."
    return text + "; every scenario agrees."


def threshold_sentence(years: tuple[int, ...] = (2026, 2027), vendor: str = "NVIDIA") -> str:
    """The book's answer ('one supplier among three') tested against every scenario and
    basis by its own threshold: it would change if `vendor`'s central share in service at
    the end of any of `years` passed an equal third, or made it the largest supplier."""
    breaking, highest = [], None
    names = inputs().scenarios.set_index("scenario_id")["name"]
    for basis in BASES:
        frame = year_end(shares(basis))
        mine = frame[(frame["count"] == COUNTS[0]) & frame["year"].isin(years) & (frame["vendor"] == vendor)]
        for scenario_id, name in names.items():
            order = vendor_ranks(scenario_id, years, basis)
            over = mine[(mine["scenario_id"] == scenario_id) & (mine["central"] > EQUAL_THIRD)]
            if len(over) or any(vendor in order[y][0] for y in years):
                breaking.append(f"'{name}' on {BASIS_SHORT[basis]}")
        top = mine.loc[mine["central"].idxmax()]
        if highest is None or top["central"] > highest[0]:
            highest = (top["central"], top["scenario"], int(top["year"]), basis)
    rule = (f"The test is the book's own threshold, not a standard from the literature: 'one supplier among three' "
            f"would stop describing {vendor} if, in some scenario and on some unit, its central share at the end of "
            f"{' or '.join(map(str, years))} passed an equal third of the three suppliers or made it the largest")
    if breaking:
        return rule + f". It does in {listing(breaking)}."
    share, scenario, year, basis = highest
    return rule + (f". None does: the highest central share is {percent(share)} ('{scenario}', end of {year}, "
                   f"{BASIS_SHORT[basis]}).")


answer_sentence = threshold_sentence  # the name the verdict chapter first used


def _ahead(first: str, second: str, year: int, scenario_id: str = CENTRAL, basis: str = ALL_UNITS) -> bool:
    """Whether `first`'s central share at the end of `year` is at least `second`'s."""
    ends = year_end_shares(basis, scenario_id)
    return bool(ends.loc[(year, first), "central"] >= ends.loc[(year, second), "central"])


def _scenarios_reversing(first: str, second: str, years: tuple[int, ...]) -> list[str]:
    """The scenarios whose central case, on some basis and at the end of some year of
    `years`, orders `first` and `second` the other way from the central scenario on the
    headline: "'name' (on units)"."""
    names = inputs().scenarios.set_index("scenario_id")["name"]
    found = []
    for scenario_id, name in names.items():
        on = [b for b in BASES if any(_ahead(first, second, y, scenario_id, b) != _ahead(first, second, y)
                                      for y in years)]
        if on:
            found.append(f"'{name}' (on {'every unit' if len(on) == len(BASES) else listing([BASIS_SHORT[o] for o in on])})")
    return found


def _flip_text(first: str, second: str, quarter: str, basis: str = ALL_UNITS, lead: str = "So close are they that") -> str:
    """The assumptions that reorder `first` and `second` at the end of `quarter` when moved
    alone to one end of their range, the others at their central values, in words."""
    tables = inputs()
    table = book_sensitivity(quarter, second, basis)
    flips = order_flips(table, first, second)
    labels = {**dict(zip(tables.specs["chip_id"], tables.specs["chip"])), **tranche_names()}
    words = {"amount": "the size of", "pace": "the delivery pace of", "IT watts per chip": "the power per chip of",
             "PUE": "the PUE of"}
    ends_words = {("pace", "low"): "early", ("pace", "high"): "late"}
    moved = [f"{words[what]} {labels.get(row, row)} at its {ends_words.get((what, end), end)} end"
             for row, what, end, _ in flips[:3]]
    ranged = int((table["swing"] > 0).sum())
    if len(flips) > 3:
        return (f" {lead} {len({(f[0], f[1]) for f in flips})} of the model's {ranged} ranged "
                f"assumptions reorder them when moved alone to one end of their range (the others at their central "
                f"values), furthest {listing(moved)}.")
    if moved:
        return f" Alone (the others at their central values), {listing(moved, 'or')} would reorder them."
    return " No single assumption, moved alone to an end of its range, reorders them."


def reorder_sentence(year: int = YEARS[-1], first: str = "AWS", second: str = "NVIDIA", basis: str = ALL_UNITS) -> str:
    """What puts `second` ahead of `first` (or behind it) at the end of `year`: what rule 10
    lets the book say of the two, with the share of draws in which the one behind in the
    headline's central case is ahead on each unit, the scenarios and units whose central
    case has it ahead, and the assumptions that reorder the two when moved alone to an end
    of their range, in words."""
    quarter = f"{year}Q4"
    ends = year_end_shares(basis)
    a, b = ends.loc[(year, first), "central"], ends.loc[(year, second), "central"]
    leader, trailer = (first, second) if a >= b else (second, first)
    level = percent(a) == percent(b)
    text = (f"{first} and {second} are the close pair: at the end of {year} the central case has "
            + (f"them level at {percent(a)}" if level else f"{first} at {percent(a)} and {second} at {percent(b)}")
            + f", and by the book's rule for orderings {ahead_words(trailer, leader, ahead_by_unit(trailer, leader, year))}.")
    swapped = _scenarios_reversing(first, second, (year,))
    if swapped:
        text += (f" The central case{'s' if len(swapped) > 1 else ''} of {listing(swapped)} put"
                 f"{'' if len(swapped) > 1 else 's'} {trailer} ahead.")
    return text + _flip_text(first, second, quarter, basis)


def split_sentence(years: tuple[int, ...] = (2026, 2027), first: str = "Google", second: str = "AWS",
                   basis: str = ALL_UNITS) -> str:
    """The direction the book gives for the split between `first` and `second` at the end
    of each of `years`, by rule 10 (with the share of draws on each unit in which the one
    behind in the headline's central case is ahead), the scenarios and units whose central
    case reverses the headline's order, and the assumptions that do when moved alone, at
    the last of `years`, in words."""
    leads = {y: (first, second) if _ahead(first, second, y) else (second, first) for y in years}
    words = [ahead_words(leads[y][1], leads[y][0], ahead_by_unit(leads[y][1], leads[y][0], y)) for y in years]
    text = (f"The split between {first} and {second} is given only as a direction, and by the book's rule for orderings "
            "only where the draws agree: " + "; ".join(f"at the end of {y}, {w}" for y, w in zip(years, words)) + ".")
    swapped = _scenarios_reversing(first, second, years)
    text += (f" The central case{'s' if len(swapped) > 1 else ''} of {listing(swapped)} "
             f"reverse{'' if len(swapped) > 1 else 's'} it." if swapped
             else " No scenario's central case reverses it, on any unit.")
    return text + _flip_text(first, second, f"{years[-1]}Q4", basis, lead=f"At the end of {years[-1]},")


def correlation_sentence(year: int = YEARS[-1], vendor: str = "NVIDIA", basis: str = ALL_UNITS) -> str:
    """`vendor`'s range at the end of `year` with the model's correlated draws and with
    every assumption drawn independently, in words (rule 9 where they print alike)."""
    i = quarter_range().index(f"{year}Q4")
    together = summarise(run(CENTRAL, single(basis)).vendor_shares()[vendor][:, i])
    apart = summarise(run(CENTRAL, single(basis), correlated_draws=False).vendor_shares()[vendor][:, i])
    verb, compared = range_contrast(together, apart)
    return (f"With the factors, {vendor}'s share at the end of {year} on the {BASIS_SHORT[single(basis)]} unit runs "
            f"{compared} with every assumption drawn independently, as an earlier version of this model drew them"
            + ("" if verb == "about as wide" else f", a {verb} range"))


def _gigawatts(low: float, central: float, high: float) -> str:
    return f"{central:.1f} GW ({low:.1f}–{high:.1f})"


def demand_sentence(year: int = YEARS[-1], vendor: str = "NVIDIA") -> str:
    """What the shared demand factor (`DEMAND`) does at the end of `year`: the total in
    service (gigawatts of facility power) and `vendor`'s share on the headline unit, each
    with the factor and with the assumptions that load on it drawn independently, in words
    (rule 9 where they print alike)."""
    i = quarter_range().index(f"{year}Q4")
    linked, apart = run(), run(shared_demand=False)
    name = inputs().factors.set_index("factor_id").loc[DEMAND, "name"]
    totals = [summarise(sum(r.by_vendor(r.gigawatts).values())[:, i]) for r in (linked, apart)]
    total_verb, total_words = range_contrast(*totals, text=_gigawatts, ends=lambda v: round(float(v), 1))
    share_verb, share_words = range_contrast(*(summarise(r.vendor_shares()[vendor][:, i]) for r in (linked, apart)))
    moves = {"wider": "widens", "narrower": "narrows", "about as wide": "barely changes"}
    text = (f"Drawing the ceilings and unsized deals of every vendor together, through {name}, {moves[total_verb]} the "
            f"range of the total in service at the end of {year}: {total_words} of facility power with those draws "
            "independent of each other.")
    why = (", because a swing in demand moves every vendor's draws alike and so partly cancels in the shares"
           if share_verb == "narrower" and total_verb == "wider" else "")
    return text + (f" It {moves[share_verb]} the range of {vendor}'s share on the {BASIS_SHORT[HEADLINE]} unit: "
                   f"{share_words}{why}.")


FIRM_ONLY = "firm-only"  # the scenario that counts every vendor only at its firm amounts


def firm_only_sentence(year: int = YEARS[-1], scenario_id: str = FIRM_ONLY, first: str = "Google",
                       second: str = "AWS") -> str:
    """What counting every vendor only at its firm amounts (`scenario_id`) changes at the
    end of `year`, in words: every vendor's share (central, range over all units), `first`
    and `second` on the unit where they are closest, the largest supplier by rule 10 beside
    the central case's, and how much the central case draws on ceilings and unsized deals
    by then, with the largest such draw by name."""
    name = inputs().scenarios.set_index("scenario_id").loc[scenario_id, "name"]
    here = year_end_shares(ALL_UNITS, scenario_id).xs(year, level="year")
    ranked = sorted(VENDOR_ORDER, key=lambda v: -here.loc[v, "central"])
    shares_words = listing([f"{v} {share_text(*here.loc[v, ['low', 'central', 'high']])}" for v in ranked])
    by_basis = {b: year_end_shares(b, scenario_id).xs(year, level="year")["central"] for b in BASES}
    closest = min(BASES, key=lambda b: abs(by_basis[b][first] - by_basis[b][second]))
    pair = contrast(by_basis[closest][first], by_basis[closest][second], joiner="against")
    pair_words = (f"{first} and {second} print {pair}" if pair.startswith("about") else f"{first} {pair} for {second}")
    result = run()
    i = result.quarters.index(f"{year}Q4")
    open_ended = {t.tranche_id: _median(result.gigawatts[t.tranche_id][:, i]) for t in result.tranches.itertuples(index=False)
                  if counting(t.stated_as) in COUNTED_ONCE_DELIVERED}
    biggest = max(open_ended, key=open_ended.get)
    return (f"Counting every vendor only at its firm amounts ('{name}') puts the shares at the end of {year} at "
            f"{shares_words}; on {BASIS_SHORT[closest]}, where the two are closest, {pair_words}. By the book's rule "
            f"for orderings, {largest_sentence(year, scenario_id)}, where the central case has "
            f"{largest_sentence(year).replace(' is the largest', ' the largest')}. What separates the two cases is "
            f"the ceilings and unsized deals, which the central case draws on at {sum(open_ended.values()):.1f} GW of "
            f"facility power by then, the largest part of it {tranche_names()[biggest]} "
            f"({open_ended[biggest]:.1f} GW).")


# --- The unit: dense BF16, 8-bit or HBM bandwidth ---------------------------------------------

def basis_table(years: tuple[int, ...] = YEARS, scenario_id: str = CENTRAL) -> pd.DataFrame:
    """Every vendor's share in service at each year's end on each basis, side by side:
    one row per year and vendor, one column per basis (central (low–high))."""
    ends = {basis: year_end_shares(basis, scenario_id) for basis in BASES}
    rows = []
    for year in years:
        for vendor in VENDOR_ORDER[::-1]:
            row = {"year": str(year), "vendor": vendor}
            for basis in BASES:
                r = ends[basis].loc[(year, vendor)]
                row[basis] = share_text(r["low"], r["central"], r["high"])
            rows.append(row)
    return pd.DataFrame(rows)


def basis_spread(vendor: str, years: tuple[int, ...] = YEARS, scenario_id: str = CENTRAL) -> pd.DataFrame:
    """`vendor`'s central share at each year's end on each basis, in whole percentage
    points as printed (`percent_points`): indexed by year, one column per basis, plus
    `spread` (largest minus smallest, in points)."""
    table = pd.DataFrame({basis: year_end_shares(basis, scenario_id).xs(vendor, level="vendor")["central"].map(percent_points)
                          for basis in BASES}).loc[list(years)]
    return table.assign(spread=table.max(axis=1) - table.min(axis=1))


def _years_text(years: tuple[int, ...]) -> str:
    return f"the end of {years[0]}" if len(years) == 1 else f"the end of every year from {years[0]} to {years[-1]}"


def unit_sentence(year: int = YEARS[-1], years: tuple[int, ...] = (2025, 2026, 2027), vendor: str = "NVIDIA") -> str:
    """Which conclusions survive a change of unit and which do not, in words: a vendor's
    share is called robust when the three bases put its central share within
    UNIT_TOLERANCE of each other at the end of every one of `years` (and only those years
    are claimed); the order of the suppliers is compared basis by basis, and the largest
    supplier named only by rule 10."""
    points = percent_points(UNIT_TOLERANCE)
    spreads = {v: basis_spread(v, years) for v in CHIP_MAKERS}
    robust = [v for v in VENDOR_ORDER if (spreads[v]["spread"] <= points).all()]
    loose = [v for v in VENDOR_ORDER[::-1] if v not in robust]
    orders = {basis: vendor_ranks(CENTRAL, (year,), basis)[year] for basis in BASES}
    under = all(year_end_shares(b).loc[(y, vendor), "central"] <= EQUAL_THIRD and vendor not in
                vendor_ranks(CENTRAL, (y,), b)[y][0] for b in BASES for y in years)

    def span(v):
        column = spreads[v].loc[year, list(BASES)]
        lo, hi = column.idxmin(), column.idxmax()
        return f"{v} from {column[lo]}% ({BASIS_SHORT[lo]}) to {column[hi]}% ({BASIS_SHORT[hi]})"

    parts = []
    if vendor in robust:
        worst = int(spreads[vendor]["spread"].max())
        parts.append(f"{vendor}'s share survives a change of unit at {_years_text(years)}: 8-bit, dense BF16 and HBM "
                     f"bandwidth put its central share within {worst} percentage point{'s' if worst != 1 else ''} of "
                     f"each other"
                     + (", and on none of them does it pass an equal third or become the largest supplier" if under else ""))
    else:
        parts.append(f"{vendor}'s share depends on the unit: at the end of {year} it runs {span(vendor).split(' ', 1)[1]}")
    if loose:
        text = (f"The split between {' and '.join(loose)} does not: the units put their central shares more than "
                f"{points} points apart, at the end of {year} {listing([span(v) for v in loose])}")
        if len({tuple(map(tuple, orders[b])) for b in BASES}) > 1:
            text += "; the order of their central shares changes with the unit (" + "; ".join(
                f"{BASIS_SHORT[b]}: {order_text(orders[b])}" for b in BASES) + ")"
        parts.append(text)
    conclusion = (f"So the book cites {listing(robust) if robust else 'no vendor'}'s share as a number with its range"
                  + (f" and the split between {' and '.join(loose)} only as a direction" if loose else "")
                  + f". By the book's rule for orderings, {_tops_text(years)}.")
    return ". ".join(parts) + ". " + conclusion


def _tops_text(years: tuple[int, ...], scenario_id: str = CENTRAL) -> str:
    """What rule 10 lets the book say of the top at the end of each of `years`: 'at the end
    of 2025, AWS is the largest; at the end of 2026, Google and AWS are about level at the
    top (...); ...'."""
    return "; ".join(f"at the end of {y}, {largest_sentence(y, scenario_id)}" for y in years)


def unit_summary(year: int = YEARS[-1], years: tuple[int, ...] = (2025, 2026, 2027)) -> str:
    """`unit_sentence` in two sentences, for the front page and the verdict: which vendors'
    shares survive a change of unit (within UNIT_TOLERANCE on every basis at the end of
    every one of `years`, which it names, and no others), how far the others move at the
    end of `year`, and what rule 10 lets the book say of the largest supplier at the end of
    each of `years`."""
    points = percent_points(UNIT_TOLERANCE)
    spreads = {v: basis_spread(v, years) for v in CHIP_MAKERS}
    robust = [v for v in VENDOR_ORDER if (spreads[v]["spread"] <= points).all()]
    loose = [v for v in VENDOR_ORDER[::-1] if v not in robust]
    units = listing([BASIS_SHORT[b] for b in BASES], "or")
    if not loose:
        return f"Every vendor's share holds whichever unit counts the chips ({units}) at {_years_text(years)}."
    worst = int(max(spreads[v]["spread"].max() for v in robust)) if robust else None
    moves = listing([f"{v} {spreads[v].loc[year, list(BASES)].min()}–{spreads[v].loc[year, list(BASES)].max()}%"
                     for v in loose])
    first = (f"From {years[0]} to {years[-1]}, {listing(robust)}'s share holds whichever unit counts the chips ({units}): "
             f"at the end of each of those years the three put its central share within {worst} point"
             f"{'s' if worst != 1 else ''} of each other. " if robust else "")
    return (first + f"The split between {' and '.join(loose)} does not ({moves} at the end of {year}, by unit), so the "
            f"book gives it only as a direction; the ranges in the table cover all three units. {ORDER_RULE}: "
            f"{_tops_text(years)}.")


def largest_basis_gap(years: tuple[int, ...] = YEARS) -> tuple[str, int, str, float, str, float]:
    """(vendor, year, basis with the lowest share, that share, basis with the highest,
    that share) where the three bases differ most (shares as fractions)."""
    best = None
    for vendor in CHIP_MAKERS:
        table = basis_spread(vendor, years)
        year = int(table["spread"].idxmax())
        column = table.loc[year, list(BASES)]
        if best is None or table.loc[year, "spread"] > best[0]:
            best = (table.loc[year, "spread"], vendor, year, column.idxmin(), column.min() / 100,
                    column.idxmax(), column.max() / 100)
    return best[1:]


def basis_gap_text(years: tuple[int, ...] = YEARS) -> str:
    """`largest_basis_gap` in words: "Google's share at the end of 2027, 46% on HBM
    bandwidth against 54% on dense BF16"; where even the largest gap prints as none (rule
    9), says so."""
    vendor, year, low_basis, low, high_basis, high = largest_basis_gap(years)
    if percent(low) == percent(high):
        return "none that shows: every vendor's share prints about the same on every unit, at the end of every year"
    return (f"{vendor}'s share at the end of {year}, {percent(low)} on {BASIS_SHORT[low_basis]} against "
            f"{percent(high)} on {BASIS_SHORT[high_basis]}")


# --- The tables the chapter shows ------------------------------------------------------------

def _range_text(low: float, central: float, high: float, unit: str) -> str:
    if unit in ("gigawatts", "IT gigawatts"):
        return f"{central:.1f} ({low:.1f}–{high:.1f})"
    return f"{amount_text(central)} ({amount_text(low)}–{amount_text(high)})"


def _vendor_share(frame: pd.DataFrame, vendor: str) -> str:
    row = frame[frame["vendor"] == vendor].iloc[0]
    return "none" if row["high"] == 0 else share_text(row["low"], row["central"], row["high"])


def year_end_table(scenario_id: str = CENTRAL, basis: str = ALL_UNITS, years: tuple[int, ...] = YEARS,
                   evidence_as_of=None) -> pd.DataFrame:
    """One row per year: each vendor's share in service at the year's end, the total in
    H100e and in gigawatts of facility power, each central (low–high). With
    `evidence_as_of`, the year is labelled with its status (`year_label`: fitted, projected)."""
    share = year_end(shares(basis))
    share = share[(share["scenario_id"] == scenario_id) & (share["count"] == COUNTS[0])]
    total = year_end(compute(basis))
    total = total[(total["scenario_id"] == scenario_id) & (total["vendor"] == ALL_VENDORS) & (total["state"] == IN_SERVICE)]
    rows = []
    for year in years:
        here = share[share["year"] == year]
        label = str(year) if evidence_as_of is None else year_label(year, evidence_as_of)
        row = {"year": label, **{v: _vendor_share(here, v) for v in CHIP_MAKERS}}
        for unit in ("h100e", "gigawatts"):
            t = total[(total["year"] == year) & (total["unit"] == unit)].iloc[0]
            row[unit] = _range_text(t["low"], t["central"], t["high"], unit)
        rows.append(row)
    return pd.DataFrame(rows)


def states_table(quarters: tuple[str, ...], scenario_id: str = CENTRAL) -> pd.DataFrame:
    """Per vendor and quarter: gigawatts (facility) and H100e in service and contracted
    but not yet in service, each central (low–high)."""
    frame = compute()
    frame = frame[(frame["scenario_id"] == scenario_id) & frame["quarter"].isin(quarters)]
    rows = []
    for quarter in quarters:
        for vendor in (*CHIP_MAKERS, ALL_VENDORS):
            here = frame[(frame["quarter"] == quarter) & (frame["vendor"] == vendor)]
            row = {"quarter": quarter, "vendor": vendor}
            for state, key in ((IN_SERVICE, "in_service"), (CONTRACTED, "contracted")):
                for unit in ("gigawatts", "h100e"):
                    t = here[(here["state"] == state) & (here["unit"] == unit)].iloc[0]
                    row[f"{key}_{unit}"] = _range_text(t["low"], t["central"], t["high"], unit)
            rows.append(row)
    return pd.DataFrame(rows)


def ceiling_table(capacity: pd.DataFrame, quarter: str = LAST_QUARTER) -> pd.DataFrame:
    """`ceilings` in words: the ceiling as its source states it, the tranches that draw on
    it (by name) and what the central case counts of it by the end of `quarter`; the rest
    is not yet drawn (neither contracted nor excluded)."""
    table = ceilings(capacity, CENTRAL, quarter)

    def amount(value, unit):
        return f"{value:.1f} GW" if unit == "gigawatts" else f"{amount_text(value)} chips"

    names = tranche_names()
    stated = {t: s for t, s in zip(inputs().tranches["tranche_id"], inputs().tranches["stated_as"])}
    return pd.DataFrame({
        "vendor": table["vendor"], "deal": [listing([names[t] for t in ts]) or d for ts, d in zip(table["tranches"], table["deal"])],
        "ceiling": [f"{b} {amount(c, u)}" + (", use conditional" if any(stated[t] == "conditional" for t in ts) else "")
                    for b, c, u, ts in zip(table["bound"], table["ceiling"], table["unit"], table["tranches"])],
        "in_service": [amount(v, u) for v, u in zip(table["in_service"], table["unit"])],
        "contracted": [amount(v, u) for v, u in zip(table["contracted"], table["unit"])],
        "not_drawn": [amount(v, u) for v, u in zip(table["not_drawn"], table["unit"])],
        "source_id": table["source_id"],
    })


STATED_WORDS = {"estimate": "no deal: an estimate", "firm": "firm", "up to": "an 'up to' ceiling",
                "conditional": "use conditional", "unpublished": "size unpublished"}


def counting_table(capacity: pd.DataFrame) -> pd.DataFrame:
    """The one rule applied to every tranche: its name, vendor, how its source states the
    amount (the capacity row's bound and figure, where the tranche stands for one), the
    rule's reading of that, the state it gives (vocabulary.MIX_COUNTING) and how that
    counts before delivery (COUNTING_WORDS)."""
    caps = capacity.set_index("capacity_id")
    rows = []
    for t in inputs().tranches.itertuples(index=False):
        figure = ""
        if _given(t.capacity_id):
            cap = caps.loc[t.capacity_id]
            if t.measure == "chips" and pd.notna(cap["chips"]):
                figure = f"{cap['chips_bound']} {cap['chips']:,.0f} chips"
            elif pd.notna(cap["gigawatts"]):
                figure = f"{cap['gigawatts_bound']} {cap['gigawatts']:g} GW"
        rows.append({"tranche": t.name, "vendor": t.vendor, "as_stated": figure or "–",
                     "reading": STATED_WORDS[t.stated_as], "counts_as": COUNTING_WORDS[counting(t.stated_as)],
                     "source_id": t.source_id})
    return pd.DataFrame(rows)


def scenario_table(years: tuple[int, ...] = (2026, 2027), basis: str = ALL_UNITS) -> pd.DataFrame:
    """Per scenario: what it assumes, NVIDIA's share in service at the end of each of
    `years`, and every vendor's share at the last, largest first."""
    scenarios = inputs().scenarios.set_index("scenario_id")
    effects = {year: scenario_effects(year, basis=basis).set_index("scenario_id") for year in years}
    rows = []
    for scenario_id, scenario in scenarios.iterrows():
        row = {"scenario": scenario["name"], "description": scenario["description"]}
        for year in years:
            e = effects[year].loc[scenario_id]
            row[str(year)] = share_text(e["low"], e["central"], e["high"])
        here = year_end_shares(basis, scenario_id)
        row["order"] = order_text(vendor_ranks(scenario_id, (years[-1],), basis)[years[-1]],
                                  {v: here.loc[(years[-1], v), "central"] for v in CHIP_MAKERS})
        rows.append(row)
    return pd.DataFrame(rows)


def _unit_of(benchmark) -> list[str]:
    """The model's measures a benchmark is compared in: H100e; IT power for an IT-power
    estimate; facility and IT power for one that does not say which."""
    if benchmark.measure == "h100e":
        return ["h100e"]
    return ["IT gigawatts"] if benchmark.basis.startswith("IT power") else ["gigawatts", "IT gigawatts"]


def scoped_total(result: Run, quarter: str, unit: str, vendors: tuple[str, ...] = tuple(CHIP_MAKERS),
                 tranche_ids: list[str] | None = None) -> tuple[float, float, float]:
    """(low, central, high) of the capacity in service at the end of `quarter` summed over
    `vendors` (and, where given, only `tranche_ids`), draw by draw, in `unit`: h100e on
    the run's basis, gigawatts of facility power or IT gigawatts."""
    values = {"h100e": result.h100e, "gigawatts": result.gigawatts, "IT gigawatts": result.it_gigawatts}[unit]
    i = result.quarters.index(quarter)
    picked = [t.tranche_id for t in result.tranches.itertuples(index=False)
              if t.vendor in vendors and (tranche_ids is None or t.tranche_id in tranche_ids)]
    total = sum((values[t][:, i] for t in picked), np.zeros(len(next(iter(values.values())))))
    return tuple(float(x) for x in summarise(total))


def benchmark_table(benchmarks: pd.DataFrame) -> pd.DataFrame:
    """Each outside estimate beside the model's central case at the same date, over the
    same vendors and in the same measure (8-bit H100e; IT power against IT power where the
    estimate is IT power), with what the model owes it (`relation`, MIX_BENCHMARK_RELATIONS).
    Columns name, quarter, measure, estimate, basis, model, relation, source_id."""
    result = run()
    rows = []
    for b in benchmarks.itertuples(index=False):
        vendors = benchmark_vendors(b)
        model = "; ".join(
            _range_text(*scoped_total(result, b.quarter, u, vendors), u)
            + (" facility" if u == "gigawatts" else " IT" if u == "IT gigawatts" else "") for u in _unit_of(b))
        rows.append({"name": b.name, "quarter": b.quarter, "measure": "H100e" if b.measure == "h100e" else "GW",
                     "estimate": _range_text(b.value_low, b.value_central, b.value_high, b.measure),
                     "basis": b.basis, "model": model, "relation": b.relation, "source_id": b.source_id})
    return pd.DataFrame(rows)


def drivers_text(quarter: str, count: int = 3, vendor: str = "NVIDIA") -> str:
    """The `count` assumptions that move `vendor`'s share at the end of `quarter` most, in
    words, tranches by their readable names: 'the delivery pace of Broadcom's TPUs from
    2027 (12–19%), ...'."""
    tables = inputs()
    table = book_sensitivity(quarter, vendor).head(count)
    labels = tranche_names()
    words = {"amount": "the size of", "pace": "the delivery pace of", "IT watts per chip": "the IT power per chip of",
             "PUE": "the PUE of"}
    labels = {**dict(zip(tables.specs["chip_id"], tables.specs["chip"])), **labels}
    parts = [f"{words[r.assumption]} {labels.get(r.row, r.row)} "
             f"({percent_points(min(r.at_low, r.at_high))}–{percent(max(r.at_low, r.at_high))})" for r in table.itertuples()]
    return listing(parts)


def benchmark_sentence(benchmarks: pd.DataFrame, sources: pd.DataFrame | None = None) -> str:
    """What the outside estimates can and cannot test, in words: which the model is fitted
    to (agreement automatic), which it is partly fitted to and where its central case
    falls against them, and the independent checks, with the gap to each discussed: the
    central case in facility and IT power, the capacity of deals announced after the
    estimate was published (`sources`: sources.csv, for its date) and the part that rests
    on ceilings and unsized deals, which count only once delivered."""
    result = run()
    names = {r: list(g["name"]) for r, g in benchmarks.groupby("relation")}
    parts = []
    if names.get("fitted"):
        parts.append(f"The model is fitted to {listing(names['fitted'])}: the fleets before the deals are scaled to "
                     "match each draw by draw, their range carried through, so agreeing with them tests nothing")
    for b in benchmarks[benchmarks["relation"] == "partly fitted"].itertuples(index=False):
        unit = _unit_of(b)[0]
        low, central, high = scoped_total(result, b.quarter, unit, benchmark_vendors(b))
        where = "inside" if b.value_low <= central <= b.value_high else "above" if central > b.value_high else "below"
        parts.append(f"Against {b.name}, which it is only partly fitted to, the central case of "
                     f"{_range_text(low, central, high, unit)}{' IT' if unit == 'IT gigawatts' else ''} falls {where} "
                     f"the range ({_range_text(b.value_low, b.value_central, b.value_high, b.measure)})")
    checks = benchmarks[benchmarks["relation"] == "independent"]
    dates = {} if sources is None else dict(zip(sources["source_id"], pd.to_datetime(sources["date_published"])))
    for b in checks.itertuples(index=False):
        units = _unit_of(b)
        central = {u: scoped_total(result, b.quarter, u, benchmark_vendors(b))[1] for u in units}
        outside = {u: "inside" if b.value_low <= c <= b.value_high else "above" if c > b.value_high else "below"
                   for u, c in central.items()}
        text = (f"The only independent check is {b.name} ({_range_text(b.value_low, b.value_central, b.value_high, b.measure)} "
                f"GW, {b.basis[0].lower() + b.basis[1:]}): the central case gives "
                + " and ".join(f"{central[u]:.1f} GW of {'facility' if u == 'gigawatts' else 'IT'} power, {outside[u]} it"
                               for u in units))
        published = dates.get(b.source_id)
        tranches = result.tranches
        if published is not None:
            later = [t.tranche_id for t in tranches.itertuples(index=False)
                     if _given(t.announced) and pd.Timestamp(t.announced) > published]
            if later:
                gw = scoped_total(result, b.quarter, units[0], tranche_ids=later)[1]
                days = sorted(pd.Timestamp(t.announced) for t in tranches.itertuples(index=False) if t.tranche_id in later)
                span = (f"on {days[0].day} {days[0]:%B %Y}" if days[0] == days[-1] else
                        f"from {days[0].day} {days[0]:%B} to {days[-1].day} {days[-1]:%B %Y}")
                text += (f". The estimate was published on {published.day} {published:%B %Y}, before the deals announced "
                         f"{span}, which the central case counts at {gw:.1f} GW by then")
        open_ended = [t.tranche_id for t in tranches.itertuples(index=False)
                      if counting(t.stated_as) in COUNTED_ONCE_DELIVERED]
        gw = scoped_total(result, b.quarter, units[0], tranche_ids=open_ended)[1]
        text += (f"; and {gw:.1f} GW of the central case are draws on ceilings and unsized deals at the book's assumed "
                 "pace, which no party has committed to deliver by then")
        gap = central[units[0]] - (b.value_high if central[units[0]] > b.value_high else b.value_low
                                   if central[units[0]] < b.value_low else central[units[0]])
        if gap:
            text += (f". The {abs(gap):.1f} GW by which the central case's {'facility' if units[0] == 'gigawatts' else 'IT'} "
                     f"power lies {'above' if gap > 0 else 'below'} the range is "
                     + ("less than that part, so the check does not separate the model from the estimate"
                        if abs(gap) < gw else "more than that part, so the two disagree beyond the book's assumed draws"))
        parts.append(text)
    return ". ".join(parts) + "."


def share_without(tranche_ids: list[str], quarter: str = LAST_QUARTER, vendor: str = "NVIDIA") -> tuple[float, float]:
    """`vendor`'s central share in service (the median of the draws, on the headline unit)
    at the end of `quarter` with and without the named tranches (for instance, if the
    fleets rented before 2026 were returned)."""
    tables = inputs()
    i = quarter_range().index(quarter)

    def share(tranches):
        result = simulate(tranches, tables.chip_power, tables.specs, HEADLINE, draws=DRAWS, factors=tables.factors,
                          benchmarks=tables.benchmarks)
        return _median(result.vendor_shares()[vendor][:, i])

    return share(tables.tranches), share(tables.tranches[~tables.tranches["tranche_id"].isin(tranche_ids)])
