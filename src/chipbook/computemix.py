"""Anthropic's compute by chip vendor, quarter by quarter, 2023Q1 to 2027Q4: the
compute-mix model.

The common unit is the H100-equivalent (H100e), on one of three bases (`BASES`), each a
chip's published rate over the H100's:

* "bf16": dense (no structured sparsity) BF16 TFLOPS, over the H100's 989. Every chip in
  the model publishes it, frontier training runs in it, and the book's specification
  table carries it for all of them; the book's headline basis.
* "8-bit": dense 8-bit operations as Epoch AI counts them (FP8, else the MX
  microscaling MXFP8 rate, else INT8), over the H100's 1,979. It credits Trainium3's
  MXFP8 gain, which BF16 does not.
* "hbm": HBM bandwidth (GB/s), over the H100's 3,350: what bounds the decoding of
  tokens, the larger part of serving.

Inputs, each a sourced row or a named assumption with its reason (data/):

* `compute_mix_tranches`: Anthropic's capacity in tranches (a deal, or an estimated fleet),
  each with a readable name, its vendor, the chip generation it buys, how its source states
  the amount (`stated_as`), the amount (chips, gigawatts or H100e; low, central, high), its
  delivery pace (start quarter; full quarter early, central, late) and the factors its
  draws move with;
* `compute_mix_factors`: the shared factors (a vendor's deals, the split of a total) and
  how strongly the assumptions that load on them move together;
* `compute_mix_chip_power`: IT watts per chip and PUE (low, central, high), which turn
  gigawatts into chips;
* `accelerator_specs`: the rates of each basis;
* `compute_mix_scenarios`: what each scenario of `scenarios` changes in the tranches.

The rules, each tested by hand in tests/test_computemix.py:

1. H100e = chips x the chip's rate / the H100's rate on the basis (`h100e_per_chip`).
2. Chips per gigawatt = 1e9 / (IT watts x PUE), PUE being facility over IT power
   (`chips_per_gigawatt`); an announced gigawatt is read as facility power.
3. A tranche is delivered linearly: by the end of quarter q the share in service is
   (q - start + 1) / (full - start + 1), clipped to [0, 1] (`delivered_fraction`); 1 GW
   from 2026Q1 to 2026Q4 is 0.25 GW at the end of 2026Q1.
4. The ceiling rule (`CEILING_RULE`, `counting`): how a tranche counts before delivery
   follows from how its source states the amount. Only an amount stated as firm counts
   as contracted (its undelivered part, from the quarter it was announced); an "up to"
   ceiling, an amount whose use the source makes conditional and a deal of unpublished
   size count only once delivered; a fleet estimate only as in service. The rest of a
   ceiling is counted nowhere (`ceilings` reports it beside the model).
5. Ranges: every assumption is drawn `DRAWS` times from a triangular distribution over
   its low, central and high values. An assumption that loads on a factor of
   `compute_mix_factors` takes its cumulative probability from a Gaussian copula,
   u = Phi(sign x sqrt(rho) x z_factor + sqrt(1 - rho) x Phi^-1(u_own)) (`correlated`):
   rho = 0 leaves it independent, rho = 1 moves it in lockstep with the factor. A factor's
   good draw raises the amounts that move with it and brings their delivery forward (a
   pace takes -z). One random stream per named assumption and factor, so every scenario
   and basis sees the same draws. Central is the run with every assumption at its central
   value; low and high are the 5th and 95th percentiles of the draws, widened where needed
   to contain the central run.
6. A vendor's share is its part of the sum over vendors, draw by draw, in service or in
   service plus contracted (`COUNTS`).
"""

from __future__ import annotations

import json
import math
import re
import statistics
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import data
from .vocabulary import CHIP_MAKERS, MIX_COUNTING

FIRST_QUARTER, LAST_QUARTER = "2023Q1", "2027Q4"
REFERENCE_CHIP = "h100"
BASES = ("bf16", "8-bit", "hbm")
BASIS_NAMES = {"bf16": "dense BF16", "8-bit": "dense 8-bit (Epoch AI's basis)", "hbm": "HBM bandwidth"}
BASIS_SHORT = {"bf16": "dense BF16", "8-bit": "8-bit", "hbm": "HBM bandwidth"}  # in lists and sentences
# The columns of accelerator_specs each basis reads, in order of preference: a chip's
# 8-bit rate is its FP8 rate, else its MXFP8 rate (Trainium3 publishes only that), else INT8.
RATE_COLUMNS = {"bf16": ("bf16_tflops_dense",), "8-bit": ("fp8_tflops_dense", "mxfp8_tflops_dense", "int8_tops_dense"),
                "hbm": ("hbm_bandwidth_gb_s",)}
IN_SERVICE, CONTRACTED = "in service", "contracted, not yet in service"
COUNTS = ("in service", "in service + contracted")
ALL_VENDORS = "All vendors"
PERCENTILES = (5, 95)
DRAWS = 4000
SEED = 2026
CENTRAL = "central"
# The book's own test of its answer, not a standard from the literature: "one supplier
# among three" would no longer describe NVIDIA if its central share passed an equal
# third, or made it the largest supplier.
EQUAL_THIRD = 1 / 3
# How far apart (in share of the whole) the three bases may put a vendor's central share
# for the book to call that share robust to the unit: the book's line, about the width of
# the 5th-95th percentile ranges themselves.
UNIT_TOLERANCE = 0.05

CEILING_RULE = (
    "Only an amount a party states as firm (a floor such as 'more than' or 'well over', an approximate amount such "
    "as 'nearly' or 'about', or the whole of a named site) counts as contracted before it is delivered. An 'up to' "
    "ceiling, an amount whose use the source makes conditional, and a deal whose size is not published count only "
    "once delivered, at the book's estimate of what is drawn; the rest of a ceiling is counted nowhere. Fleets the "
    "book estimates where no deal was announced count only as in service.")


def counting(stated_as: str) -> str:
    """How a tranche counts before delivery under the ceiling rule: 'contracted' for a firm
    amount, 'counted once delivered' for an 'up to', conditional or unpublished one,
    'fleet estimate' for an estimate (vocabulary.MIX_COUNTING). KeyError otherwise."""
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

def chip_rates(specs: pd.DataFrame, basis: str = "bf16") -> pd.Series:
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


def h100e_per_chip(specs: pd.DataFrame, basis: str = "bf16") -> pd.Series:
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
    the central run: the 5th and 95th percentiles of the draws, widened to contain the
    central run (so low <= central <= high always holds)."""
    central = values[0]
    if len(values) == 1:
        return central, central, central
    with np.errstate(invalid="ignore"):
        low, high = np.nanpercentile(values[1:], PERCENTILES, axis=0)
    return np.fmin(low, central), central, np.fmax(high, central)


# --- Scenarios ---------------------------------------------------------------------------

QUARTER_COLUMNS = ("start_quarter", "full_quarter_early", "full_quarter_central", "full_quarter_late")
AMOUNT_COLUMNS = ("amount_low", "amount_central", "amount_high")


def scenario_tranches(tranches: pd.DataFrame, changes: pd.DataFrame, scenario_id: str) -> pd.DataFrame:
    """The tranches as `scenario_id` has them: each of its rows in `changes`
    (compute_mix_scenarios) replaces the measure, amounts and full quarters it gives, then
    moves the start and full quarters later by `delay_quarters`."""
    shaped = tranches.set_index("tranche_id", drop=False).copy()
    own = changes[changes["scenario_id"] == scenario_id] if len(changes) else changes
    unknown = sorted(set(own["tranche_id"]) - set(shaped.index)) if len(own) else []
    if unknown:
        raise KeyError(f"scenario {scenario_id!r} changes unknown tranches {unknown}")
    for change in own.itertuples(index=False):
        row = change._asdict()
        for column in ("measure", *AMOUNT_COLUMNS, *QUARTER_COLUMNS[1:]):
            if column in row and row[column] is not None and not pd.isna(row[column]):
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
    central run. `h100e` and `pending_h100e` in H100e on the run's basis; `chips`,
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


def simulate(tranches: pd.DataFrame, chip_power: pd.DataFrame, specs: pd.DataFrame, basis: str = "bf16",
             draws: int = DRAWS, seed: int = SEED, quarters: list[str] | None = None,
             factors: pd.DataFrame | None = None) -> Run:
    """Run the model on these tables (see the module's rules). `draws=0` gives the central
    run alone. `factors` (compute_mix_factors: factor_id, correlation) correlates the
    draws of the tranches that name a factor (amount_factor, amount_direction,
    pace_factor); without it every draw is independent."""
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
        facility = watts[tranche.chip_id]
        if tranche.measure == "chips":
            total = amount
        elif tranche.measure == "gigawatts":
            total = amount * 1e9 / facility
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
        run.chips[name], run.pending_chips[name] = in_service, pending
        run.h100e[name], run.pending_h100e[name] = in_service * per_chip[tranche.chip_id], pending * per_chip[tranche.chip_id]
        run.gigawatts[name] = in_service * facility[:, None] / 1e9
        run.pending_gigawatts[name] = pending * facility[:, None] / 1e9
        run.it_gigawatts[name] = in_service * it_watts[tranche.chip_id][:, None] / 1e9
    return run


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


@data.cached_per_process
def inputs() -> Inputs:
    """The model's tables from data/."""
    return Inputs(tranches=data.load_table("compute_mix_tranches"), chip_power=data.load_table("compute_mix_chip_power"),
                  specs=data.load_table("accelerator_specs"), changes=data.load_table("compute_mix_scenarios"),
                  scenarios=data.load_table("scenarios"), factors=data.load_table("compute_mix_factors"))


@data.cached_per_process
def run(scenario_id: str = CENTRAL, basis: str = "bf16", correlated_draws: bool = True) -> Run:
    """The model on the book's data for one scenario and basis; `correlated_draws=False`
    draws every assumption independently (for comparison)."""
    tables = inputs()
    if scenario_id not in set(tables.scenarios["scenario_id"]):
        raise KeyError(f"no scenario {scenario_id!r} in scenarios.csv")
    return simulate(scenario_tranches(tables.tranches, tables.changes, scenario_id), tables.chip_power,
                    tables.specs, basis, factors=tables.factors if correlated_draws else None)


@data.cached_per_process
def shares(basis: str = "bf16") -> pd.DataFrame:
    """`share_frame` for every scenario, with scenario_id and scenario (its name)."""
    names = inputs().scenarios.set_index("scenario_id")["name"]
    return pd.concat([share_frame(run(s, basis)).assign(scenario_id=s, scenario=names[s]) for s in names.index],
                     ignore_index=True)


@data.cached_per_process
def compute(basis: str = "bf16") -> pd.DataFrame:
    """`compute_frame` for every scenario, with scenario_id and scenario (its name)."""
    names = inputs().scenarios.set_index("scenario_id")["name"]
    return pd.concat([compute_frame(run(s, basis)).assign(scenario_id=s, scenario=names[s]) for s in names.index],
                     ignore_index=True)


def tranche_names() -> dict[str, str]:
    """tranche_id -> the readable name prose and tables use."""
    tables = inputs()
    return dict(zip(tables.tranches["tranche_id"], tables.tranches["name"]))


def vendor_share_by_year(vendor: str = "NVIDIA", scenario_id: str = CENTRAL, basis: str = "bf16",
                         count: str = COUNTS[0], years: tuple[int, ...] = (2024, 2025, 2026, 2027)) -> pd.DataFrame:
    """A vendor's share at the end of each year: columns year, low, central, high."""
    frame = year_end(shares(basis))
    picked = frame[(frame["vendor"] == vendor) & (frame["scenario_id"] == scenario_id) & (frame["count"] == count)
                   & frame["year"].isin(years)]
    return picked[["year", "low", "central", "high"]].sort_values("year").reset_index(drop=True)


def year_end_shares(basis: str = "bf16", scenario_id: str = CENTRAL, count: str = COUNTS[0]) -> pd.DataFrame:
    """Every vendor's share at each year's end: indexed by (year, vendor), columns low,
    central, high."""
    frame = year_end(shares(basis))
    picked = frame[(frame["scenario_id"] == scenario_id) & (frame["count"] == count)]
    return picked.set_index(["year", "vendor"])[["low", "central", "high"]]


def ceilings(capacity: pd.DataFrame, scenario_id: str = CENTRAL, quarter: str = LAST_QUARTER) -> pd.DataFrame:
    """Each announced 'up to' figure of capacity.csv beside what the model counts of it at
    the end of `quarter`: in service and contracted (central, in the ceiling's unit,
    chips or GW), and the rest of the ceiling, which the model counts nowhere. A tranche
    belongs to a ceiling when its capacity row is of the ceiling's deal (tranche)."""
    result = run(scenario_id)
    i = result.quarters.index(quarter)
    deal_of = capacity.set_index("capacity_id")["tranche"]
    linked = result.tranches.assign(deal=result.tranches["capacity_id"].map(deal_of))
    rows = []
    for cap in capacity.itertuples(index=False):
        unit = "chips" if cap.chips_bound == "up to" else "gigawatts" if cap.gigawatts_bound == "up to" else None
        if unit is None:
            continue
        ceiling = float(cap.chips if unit == "chips" else cap.gigawatts)
        mine = linked[linked["deal"] == cap.tranche]["tranche_id"]
        served = result.chips if unit == "chips" else result.gigawatts
        waiting = result.pending_chips if unit == "chips" else result.pending_gigawatts
        in_service = float(sum(served[t][0, i] for t in mine))
        contracted = float(sum(waiting[t][0, i] for t in mine))
        rows.append({"capacity_id": cap.capacity_id, "vendor": cap.vendor, "deal": cap.tranche, "unit": unit,
                     "ceiling": ceiling, "in_service": in_service, "contracted": contracted,
                     "not_counted": max(0.0, ceiling - in_service - contracted), "tranches": list(mine),
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
                vendor: str = "NVIDIA", basis: str = "bf16") -> pd.DataFrame:
    """One assumption at a time at each end of its range, the others central: `vendor`'s
    share in service at the end of `quarter`. Columns table, row, assumption, at_low,
    at_high (shares with the assumption at its low or high column; for a pace, early and
    late), central, swing (|at_high - at_low|), and shares_low, shares_high (every
    vendor's share at each end, a dict), sorted by swing, largest first."""
    i = quarter_range().index(quarter)

    def shares_at(t, c):
        result = simulate(t, c, specs, basis, draws=0)
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
                 basis: str = "bf16") -> dict[int, list[tuple[str, ...]]]:
    """The vendors from largest to smallest central share in service at each year's end,
    grouped: vendors whose shares round to the same whole percent tie (one group), since
    a finer order would be false precision."""
    frame = year_end(shares(basis))
    picked = frame[(frame["scenario_id"] == scenario_id) & (frame["count"] == COUNTS[0]) & frame["year"].isin(years)]
    ranks = {}
    for year, group in picked.groupby("year"):
        rounded = group.assign(pct=(group["central"] * 100).round().astype(int),
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


def share_ahead(first: str, second: str, quarter: str = LAST_QUARTER, scenario_id: str = CENTRAL,
                basis: str = "bf16") -> float:
    """The fraction of the model's draws in which `first`'s share in service at the end of
    `quarter` exceeds `second`'s (0-1)."""
    result = run(scenario_id, basis)
    i = result.quarters.index(quarter)
    drawn = result.vendor_shares()
    return float(np.mean(drawn[first][1:, i] > drawn[second][1:, i]))


# --- Words and numbers at honest precision ------------------------------------------------

def percent(value: float) -> str:
    """A share as a whole percentage ('12%'); finer digits would be false precision."""
    return f"{100 * value:.0f}%"


def share_text(low: float, central: float, high: float) -> str:
    """'12% (8-17%)': the central share with its range."""
    return f"{percent(central)} ({100 * low:.0f}–{percent(high)})"


def amount_text(value: float, unit: str = "h100e") -> str:
    """H100e or chips to two significant figures ('1.2 million', '210,000'); GW to one
    decimal ('1.4 GW')."""
    if unit == "gigawatts":
        return f"{value:.1f} GW"
    if value <= 0:
        return "0"
    rounded = float(f"{value:.2g}")
    if rounded >= 1e6:
        return f"{rounded / 1e6:g} million"
    return f"{rounded:,.0f}"


def listing(parts: list[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {conjunction} " + parts[-1]


# --- The chart -----------------------------------------------------------------------------

VENDOR_ORDER = ("NVIDIA", "AWS", "Google")  # stacked from the baseline up: NVIDIA's part reads off the axis


def chart_table(shares_: pd.DataFrame, compute_: pd.DataFrame, count: str = COUNTS[0]) -> pd.DataFrame:
    """The rows the chart draws, one per scenario, quarter and vendor: scenario (name),
    quarter, vendor, rank (its place in the stack), h100e (central, in service), share,
    share_low, share_high (counting `count`), and stack_mid, the middle of the vendor's
    band in the stacked panel (for its label)."""
    served = compute_[(compute_["state"] == IN_SERVICE) & (compute_["unit"] == "h100e") & compute_["vendor"].isin(CHIP_MAKERS)]
    part = shares_[shares_["count"] == count]
    table = part.merge(served[["scenario", "quarter", "vendor", "central"]].rename(columns={"central": "h100e"}),
                       on=["scenario", "quarter", "vendor"])
    table = table.rename(columns={"central": "share", "low": "share_low", "high": "share_high"})
    table["rank"] = table["vendor"].map({v: i for i, v in enumerate(VENDOR_ORDER)})
    table = table.sort_values(["scenario", "quarter", "rank"])
    top = table.groupby(["scenario", "quarter"])["h100e"].cumsum()
    table["stack_mid"] = top - table["h100e"] / 2
    table["label_y"] = _spread(table, "share", LABEL_GAP)
    columns = ["scenario", "quarter", "vendor", "rank", "h100e", "stack_mid", "share", "label_y", "share_low", "share_high"]
    table = table[columns].reset_index(drop=True)
    # Three significant figures are more than the model knows, and keep the page light.
    for column in ("h100e", "stack_mid"):
        table[column] = table[column].map(lambda v: float(f"{v:.3g}"))
    for column in ("share", "share_low", "share_high"):
        table[column] = table[column].round(3)
    return table


LABEL_GAP = 0.08  # the share panel's end labels sit at least this far apart (8% of the axis, about 15 px)


def _spread(table: pd.DataFrame, column: str, gap: float) -> pd.Series:
    """`column`, nudged down where needed so that within each scenario and quarter the
    values, taken from the largest, are at least `gap` apart (labels that do not overlap)."""
    spread = table[column].astype(float).copy()
    for _, group in table.groupby(["scenario", "quarter"]):
        ceiling = None
        for index in group.sort_values(column, ascending=False).index:
            value = spread[index] if ceiling is None else min(spread[index], ceiling - gap)
            spread[index] = value
            ceiling = value
    return spread


def chart_title(table: pd.DataFrame, scenario: str, vendor: str = "NVIDIA", first: int = 2024, last: int = 2026) -> str:
    """The finding the chart states, from its own rows: `vendor`'s share at the end of
    `first` and of `last` (with its range) in `scenario`."""
    rows = table[(table["scenario"] == scenario) & (table["vendor"] == vendor)].set_index("quarter")
    start, end = rows.loc[f"{first}Q4"], rows.loc[f"{last}Q4"]
    verb = "fell" if end["share"] < start["share"] else "rose" if end["share"] > start["share"] else "held"
    return (f"{vendor}'s share of Anthropic's compute in service {verb} from {percent(start['share'])} at end-{first} "
            f"to {share_text(end['share_low'], end['share'], end['share_high'])} at end-{last}")


def chart_description(table: pd.DataFrame, scenario: str, years: tuple[int, ...] = (2024, 2025, 2026, 2027)) -> str:
    """The text alternative: every vendor's year-end share with its range in `scenario`,
    and NVIDIA's last year-end share in every other scenario (the scenario picker's
    choice is appended by the page's script)."""
    year_rows = table[table["quarter"].isin([f"{y}Q4" for y in years])]
    shown = year_rows[year_rows["scenario"] == scenario]
    parts = []
    for year in years:
        at = shown[shown["quarter"] == f"{year}Q4"].sort_values("rank")
        total = amount_text(at["h100e"].sum())
        parts.append(f"end-{year}: " + ", ".join(
            f"{r.vendor} " + ("none" if r.share_high == 0 else share_text(r.share_low, r.share, r.share_high))
            for r in at.itertuples()) + f", of {total} H100e in all")
    last = f"{years[-1]}Q4"
    others = year_rows[(year_rows["scenario"] != scenario) & (year_rows["quarter"] == last) & (year_rows["vendor"] == "NVIDIA")]
    other_text = "; ".join(f"{r.scenario}: {share_text(r.share_low, r.share, r.share_high)}" for r in others.itertuples())
    return (f"Two panels over time, 2023 to {years[-1]}, with a scenario picker. Top: Anthropic's compute in service by "
            f"chip vendor, stacked, in H100-equivalents. Bottom: each vendor's share with its range. Scenario "
            f"'{scenario}': " + "; ".join(parts) + f". NVIDIA at end-{years[-1]} in the other scenarios: {other_text}.")


def figure(table: pd.DataFrame, articles: pd.DataFrame, evidence_as_of, *, source: str, scenario: str):
    """The finished chart: stacked in-service H100e by vendor (top) and each vendor's share
    with its range (bottom), 2023-2027, with the articles' dates and the evidence date
    marked and a scenario picker. `scenario` is the name the picker starts at, which the
    title and text alternative speak for (the page's script appends the reader's choice to
    the text alternative). It carries both layouts (`layout`): the page draws the narrow
    one in a phone's column."""
    from . import charts

    year = int(table["quarter"].max()[:4]) - 1
    title = chart_title(table, scenario, last=year)
    return charts.finish(
        layout(table, articles, evidence_as_of, scenario=scenario),
        narrow=layout(table, articles, evidence_as_of, scenario=scenario, narrow=True),
        title=title,
        subtitle=(f"Top: H100-equivalents of dense BF16 throughput in service at each quarter's end, central case. "
                  f"Bottom: shares of that, central line and 5th-95th percentile band of {DRAWS:,} draws. "
                  f"Projected after {pd.Timestamp(evidence_as_of):%Y-%m-%d}; grey: when the articles were written."),
        source=source,
        description=f"{title}. {chart_description(table, scenario)}",
        data_files=["compute_mix_tranches.csv", "compute_mix_chip_power.csv", "compute_mix_scenarios.csv",
                    "capacity.csv", "accelerator_specs.csv"],
    )


def layout(table: pd.DataFrame, articles: pd.DataFrame, evidence_as_of, *, scenario: str, narrow: bool = False):
    """The chart's two panels, unfinished (see `figure`): 560 px wide, or for a phone
    (`narrow`) 250 px with year labels and the legend below."""
    import altair as alt

    from . import charts

    width = 250 if narrow else 560
    names = list(dict.fromkeys(table["scenario"]))
    picker = alt.param(name="scenario", value=scenario, bind=alt.binding_select(options=names, name="Scenario "))
    vendors = [v for v in VENDOR_ORDER if v in set(table["vendor"])]
    # One legend for colour and dash: each vendor's line as the bottom panel draws it.
    symbols = dict(symbolType="stroke", symbolStrokeWidth=3, symbolSize=400, symbolOpacity=1)
    legend = charts.bottom_legend("Chip vendor", **symbols) if narrow else alt.Legend(orient="top", **symbols)
    colour = alt.Color("vendor:N", title="Chip vendor", scale=charts.vendor_scale(vendors), sort=vendors,
                       legend=legend)
    ink = alt.Fill("vendor:N", legend=None, scale=alt.Scale(
        domain=vendors, range=[charts.text_color_on(charts.VENDOR_COLORS[v]) for v in vendors]))
    first_day = quarter_end(FIRST_QUARTER) - pd.offsets.QuarterBegin(startingMonth=1)
    # On a phone, year labels (each at 1 January, so none can be misread as the next year's).
    axis = alt.Axis(format="%Y", labelAngle=0, tickCount={"interval": "year", "step": 1}) if narrow else charts.DATE_AXIS
    x = alt.X("quarter_end:T", title=None, axis=axis,
              scale=alt.Scale(domain=[charts.vega_date(first_day), charts.vega_date(quarter_end(LAST_QUARTER))]))
    tooltip = [alt.Tooltip("scenario:N", title="Scenario"), alt.Tooltip("quarter:N", title="Quarter (end of)"),
               alt.Tooltip("vendor:N", title="Chip vendor"),
               alt.Tooltip("h100e:Q", title="In service, central (H100e)", format=",.3~s"),
               alt.Tooltip("share:Q", title="Share, central", format=".0%"),
               alt.Tooltip("share_low:Q", title="Share, low end", format=".0%"),
               alt.Tooltip("share_high:Q", title="Share, high end", format=".0%")]
    last = table["quarter"].max()
    # The page carries each row once, without its date (the quarter's last day is computed
    # in the page, at local midnight like every date of the book's charts) and, but for the
    # last quarter, without the label position; a scenario by its place in the picker's list
    # (`s`), its name computed in the page from the picked one.
    # A quarter that every scenario draws alike (those before the first deal a scenario
    # moves) is carried once, for all of them (`s` = -1).
    number = {name: i for i, name in enumerate(names)}
    columns = ["scenario", "quarter", "vendor", "h100e", "share", "share_low", "share_high"]
    drawn = table[columns].assign(scenario=lambda t: t["scenario"].map(number)).rename(columns={"scenario": "s"})
    values = columns[3:]
    alike = [q for q, rows in drawn.groupby("quarter")
             if rows.groupby("vendor")[values].nunique(dropna=False).le(1).all().all()]
    shared = drawn[drawn["quarter"].isin(alike) & (drawn["s"] == 0)].assign(s=-1)
    drawn = pd.concat([shared, drawn[~drawn["quarter"].isin(alike)]], ignore_index=True)
    quarter_end_expr = "datetime(toNumber(slice(datum.quarter, 0, 4)), 3 * toNumber(slice(datum.quarter, 5)), 0)"
    rank_expr = f"indexof({vendors}, datum.vendor)"
    picked = f"datum.s == indexof({json.dumps(names)}, scenario)"
    base = (alt.Chart(drawn).transform_filter(f"datum.s < 0 || {picked}")
            .transform_calculate(quarter_end=quarter_end_expr, rank=rank_expr, scenario="scenario"))
    ends = table[table["quarter"] == last][["scenario", "quarter", "vendor", "label_y", "stack_mid", "h100e"]]
    at_end = (alt.Chart(ends.assign(scenario=ends["scenario"].map(number)).rename(columns={"scenario": "s"}))
              .transform_filter(picked).transform_calculate(quarter_end=quarter_end_expr))
    evidence = pd.DataFrame({"date": [pd.Timestamp(evidence_as_of)], "label": ["proj. \u2192" if narrow else "projected \u2192"]})
    rule = alt.Chart(evidence).mark_rule(color="#555", strokeDash=[4, 3]).encode(x="date:T")
    projected = alt.Chart(evidence).mark_text(align="left", dx=4, baseline="top", dy=16, fontSize=11, color="#555").encode(
        x="date:T", y=alt.value(0), text="label:N")

    stacked = base.mark_area(opacity=1).encode(
        x=x, y=alt.Y("h100e:Q", stack="zero", title="H100e in service", axis=alt.Axis(format="~s")),
        color=colour, order=alt.Order("rank:Q"), tooltip=tooltip)
    # Each name in the lower part of its band, where the band, widening to the right, still
    # holds the name's left end (a name on the page would lose its ink's contrast).
    stacked_labels = at_end.transform_calculate(name_y="datum.stack_mid - 0.2 * datum.h100e").mark_text(
        align="right", dx=-4, fontSize=11, fontWeight="bold").encode(x=x, y="name_y:Q", text="vendor:N", fill=ink)
    top = alt.layer(charts.article_bands(articles), stacked, rule, projected, stacked_labels).properties(
        width=width, height=200 if narrow else 230)

    share_axis = alt.Y("share_low:Q", title="Share in service", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    # The band's edges are drawn in the vendor's colour, so the range reads at 3:1 on either
    # page; its fill only tints the space between them.
    band = base.mark_area(fillOpacity=0.18, strokeWidth=1, strokeOpacity=1).encode(
        x=x, y=share_axis, y2="share_high:Q", color=colour, tooltip=tooltip,
        stroke=alt.Stroke("vendor:N", scale=charts.vendor_scale(vendors), legend=None))
    # Dashes as well as colours tell the vendors' lines apart (and show both where they coincide).
    dashes = alt.StrokeDash("vendor:N", title="Chip vendor", sort=vendors,
                            legend=legend,
                            scale=alt.Scale(domain=vendors, range=[[1, 0], [8, 4], [2, 3]][:len(vendors)]))
    line = base.mark_line(strokeWidth=2.5).encode(x=x, y="share:Q", color=colour, strokeDash=dashes, tooltip=tooltip)
    line_labels = at_end.mark_text(align="right", dx=-4, dy=-9, fontSize=11, fontWeight="bold", color="#333").encode(
        x=x, y="label_y:Q", text="vendor:N")
    year = int(last[:4]) - 1
    headline = base.transform_filter((alt.datum.vendor == "NVIDIA") & (alt.datum.quarter == f"{year}Q4")).transform_calculate(
        text=f"'NVIDIA at end-{year}: ' + format(datum.share, '.0%') + ' (' + format(datum.share_low * 100, '.0f')"
             " + '\u2013' + format(datum.share_high, '.0%') + ')'").mark_text(
        align="left", baseline="top", fontSize=12, fontWeight="bold", color="#333").encode(
        x=alt.value(4), y=alt.value(18), text="text:N")
    bottom = alt.layer(charts.article_bands(articles), band, rule, line, line_labels, headline).properties(
        width=width, height=180 if narrow else 200)

    return alt.vconcat(top, bottom, spacing=16).add_params(picker).resolve_scale(color="shared")


# --- Sentences the book prints (intro, optionality chapter, verdict) -----------------------

YEARS = (2024, 2025, 2026, 2027)


def _projected(year: int, evidence_as_of) -> bool:
    return quarter_end(f"{year}Q4") > pd.Timestamp(evidence_as_of)


def share_by_year_text(evidence_as_of, vendor: str = "NVIDIA", scenario_id: str = CENTRAL, basis: str = "bf16",
                       years: tuple[int, ...] = YEARS) -> str:
    """'50% (37–63%) at the end of 2024, ... and 16% (12–20%) at the end of 2027
    (projected)': a vendor's share in service, with its range, at each year's end; a year
    whose end falls after `evidence_as_of` is marked projected."""
    by_year = vendor_share_by_year(vendor, scenario_id, basis, years=years)
    parts = [f"{share_text(row.low, row.central, row.high)} at the end of {row.year}"
             + (" (projected)" if _projected(row.year, evidence_as_of) else "") for row in by_year.itertuples()]
    return listing(parts)


def front_table(evidence_as_of, basis: str = "bf16", years: tuple[int, ...] = YEARS) -> pd.DataFrame:
    """Every vendor's share in service at each year's end, central (low–high), one row per
    vendor in VENDOR_ORDER; columns vendor and one per year, headed 'End-2024' or, for a
    year that ends after `evidence_as_of`, 'End-2026 (projected)'."""
    ends = year_end_shares(basis)
    rows = []
    for vendor in VENDOR_ORDER:
        row = {"vendor": vendor}
        for year in years:
            r = ends.loc[(year, vendor)]
            header = f"End-{year}" + (" (projected)" if _projected(year, evidence_as_of) else "")
            row[header] = share_text(r["low"], r["central"], r["high"])
        rows.append(row)
    return pd.DataFrame(rows)


def scenario_effects(year: int = YEARS[-1], vendor: str = "NVIDIA", basis: str = "bf16") -> pd.DataFrame:
    """Per scenario: `vendor`'s share in service at the end of `year` (low, central,
    high), its change from the central scenario, and the order of vendors that year.
    Columns scenario_id, scenario, low, central, high, change, order."""
    frame = year_end(shares(basis))
    picked = frame[(frame["vendor"] == vendor) & (frame["count"] == COUNTS[0]) & (frame["year"] == year)]
    central = float(picked.loc[picked["scenario_id"] == CENTRAL, "central"].iloc[0])
    orders = {s: order_text(vendor_ranks(s, (year,), basis)[year]) for s in picked["scenario_id"]}
    return picked.assign(change=picked["central"] - central, order=picked["scenario_id"].map(orders))[
        ["scenario_id", "scenario", "low", "central", "high", "change", "order"]].reset_index(drop=True)


def scenario_sentence(years: tuple[int, ...] = (2026, 2027), vendor: str = "NVIDIA", basis: str = "bf16") -> str:
    """How far the scenarios move `vendor`'s share by the last of `years` (the lowest and
    the highest), and whether any changes the largest supplier in any of `years`, in words
    (the order of the two smaller suppliers is `reorder_sentence`'s)."""
    last = scenario_effects(years[-1], vendor, basis)
    others = last[last["scenario_id"] != CENTRAL]
    central = last[last["scenario_id"] == CENTRAL].iloc[0]
    up, down = others.loc[others["change"].idxmax()], others.loc[others["change"].idxmin()]
    ups, downs = int((others["change"] > 0).sum()), int((others["change"] < 0).sum())
    text = (f"Of the {len(others)} scenarios beside the central one, {ups} raise {vendor}'s central share at the end of "
            f"{years[-1]} and {downs} lower it. They put it between "
            f"{share_text(down['low'], down['central'], down['high'])} ('{down['scenario']}') and "
            f"{share_text(up['low'], up['central'], up['high'])} ('{up['scenario']}'), against "
            f"{share_text(central['low'], central['central'], central['high'])} in the central case.")
    names = inputs().scenarios.set_index("scenario_id")["name"]
    base = vendor_ranks(CENTRAL, years, basis)
    leaders = {y: base[y][0] for y in years}
    changed = [f"'{names[s]}'" for s in others["scenario_id"]
               if any(vendor_ranks(s, years, basis)[y][0] != leaders[y] for y in years)]
    lead = " and ".join(leaders[years[-1]])
    if changed:
        return text + f" {listing(changed).capitalize()} change{'s' if len(changed) == 1 else ''} the largest supplier."
    return text + f" In every scenario {lead} stays the largest supplier at the end of {' and '.join(map(str, years))}."


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
            f"would stop describing {vendor} if, in some scenario and on some basis, its central share at the end of "
            f"{' or '.join(map(str, years))} passed an equal third of the three suppliers or made it the largest")
    if breaking:
        return rule + f". It does in {listing(breaking)}."
    share, scenario, year, basis = highest
    return rule + (f". None does: the highest central share is {percent(share)} ('{scenario}', end of {year}, "
                   f"{BASIS_SHORT[basis]}).")


answer_sentence = threshold_sentence  # the name the verdict chapter first used


def reorder_sentence(year: int = YEARS[-1], first: str = "AWS", second: str = "NVIDIA", basis: str = "bf16") -> str:
    """What puts `second` ahead of `first` (or behind it) at the end of `year`: the share of
    the draws in which it is ahead, the scenarios and bases whose central case has it
    ahead, and the assumptions that reorder the two when moved alone to an end of their
    range, in words."""
    quarter = f"{year}Q4"
    ends = year_end_shares(basis)
    a, b = ends.loc[(year, first), "central"], ends.loc[(year, second), "central"]
    leader, trailer = (first, second) if a >= b else (second, first)
    odds = share_ahead(trailer, leader, quarter, basis=basis)
    level = percent(a) == percent(b)
    text = (f"{first} and {second} are the close pair: at the end of {year} the central case has "
            + (f"them level at {percent(a)}" if level else f"{first} at {percent(a)} and {second} at {percent(b)}")
            + f", and {trailer} is ahead of {leader} in {percent(odds)} of the model's draws.")
    names = inputs().scenarios.set_index("scenario_id")["name"]
    swapped = []
    for scenario_id, name in names.items():
        on = [other for other in BASES
              if (year_end_shares(other, scenario_id).loc[(year, first), "central"]
                  >= year_end_shares(other, scenario_id).loc[(year, second), "central"]) != (a >= b)]
        if on:
            swapped.append(f"'{name}' (on {'every basis' if len(on) == len(BASES) else listing([BASIS_SHORT[o] for o in on])})")
    if swapped:
        text += f" The central cases of {listing(swapped)} put {trailer} ahead."
    tables = inputs()
    table = sensitivity(tables.tranches, tables.chip_power, tables.specs, quarter, second, basis)
    flips = order_flips(table, first, second)
    labels = {**dict(zip(tables.specs["chip_id"], tables.specs["chip"])), **tranche_names()}
    words = {"amount": "the size of", "pace": "the delivery pace of", "IT watts per chip": "the power per chip of",
             "PUE": "the PUE of"}
    ends_words = {("pace", "low"): "early", ("pace", "high"): "late"}
    moved = [f"{words[what]} {labels.get(row, row)} at its {ends_words.get((what, end), end)} end"
             for row, what, end, _ in flips[:3]]
    ranged = int((table["swing"] > 0).sum())
    if len(flips) > 3:
        text += (f" So close are they that {len({(f[0], f[1]) for f in flips})} of the model's {ranged} ranged "
                 f"assumptions reorder them when moved alone to one end of their range, furthest {listing(moved)}.")
    elif moved:
        text += f" Alone, {listing(moved, 'or')} would reorder them."
    else:
        text += " No single assumption, moved alone to an end of its range, reorders them."
    return text


def correlation_sentence(year: int = YEARS[-1], vendor: str = "NVIDIA", basis: str = "bf16") -> str:
    """`vendor`'s range at the end of `year` with the model's correlated draws and with
    every assumption drawn independently, in words."""
    i = quarter_range().index(f"{year}Q4")
    together = summarise(run(CENTRAL, basis).vendor_shares()[vendor][:, i])
    apart = summarise(run(CENTRAL, basis, correlated_draws=False).vendor_shares()[vendor][:, i])
    return (f"With each vendor's deals drawn together, {vendor}'s share at the end of {year} runs "
            f"{share_text(*together)}; drawn independently, as an earlier version of this model drew them, it would "
            f"run {share_text(*apart)}")


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
    """`vendor`'s central share at each year's end on each basis: indexed by year, one
    column per basis, plus `spread` (largest minus smallest)."""
    table = pd.DataFrame({basis: year_end_shares(basis, scenario_id).xs(vendor, level="vendor")["central"]
                          for basis in BASES}).loc[list(years)]
    return table.assign(spread=table.max(axis=1) - table.min(axis=1))


def unit_sentence(year: int = YEARS[-1], years: tuple[int, ...] = (2025, 2026, 2027), vendor: str = "NVIDIA") -> str:
    """Which conclusions survive a change of unit and which do not, in words: a vendor's
    share is called robust when the three bases put its central share within
    UNIT_TOLERANCE of each other in every one of `years`; the order of the suppliers is
    compared basis by basis."""
    spreads = {v: basis_spread(v, years) for v in CHIP_MAKERS}
    robust = [v for v in VENDOR_ORDER if (spreads[v]["spread"] <= UNIT_TOLERANCE + 1e-12).all()]
    loose = [v for v in VENDOR_ORDER[::-1] if v not in robust]
    orders = {basis: vendor_ranks(CENTRAL, (year,), basis)[year] for basis in BASES}
    leaders = {basis: orders[basis][0] for basis in BASES}
    under = all(year_end_shares(b).loc[(y, vendor), "central"] <= EQUAL_THIRD and vendor not in
                vendor_ranks(CENTRAL, (y,), b)[y][0] for b in BASES for y in years)

    def span(v):
        column = spreads[v].loc[year, list(BASES)]
        lo, hi = column.idxmin(), column.idxmax()
        return f"{v} from {percent(column[lo])} ({BASIS_SHORT[lo]}) to {percent(column[hi])} ({BASIS_SHORT[hi]})"

    points = 100 * UNIT_TOLERANCE
    parts = []
    if vendor in robust:
        worst = spreads[vendor]["spread"].max()
        parts.append(f"{vendor}'s share survives a change of unit: dense BF16, 8-bit and HBM bandwidth put its central "
                     f"share within {100 * worst:.0f} percentage point{'s' if round(100 * worst) != 1 else ''} of each "
                     f"other at the end of every year from {years[0]} to {years[-1]}"
                     + (", and on none of them does it pass an equal third or become the largest supplier" if under else ""))
    else:
        parts.append(f"{vendor}'s share depends on the unit: at the end of {year} it runs {span(vendor).split(' ', 1)[1]}")
    if loose:
        text = (f"The split between {' and '.join(loose)} does not: the bases put their central shares more than "
                f"{points:.0f} points apart, at the end of {year} {listing([span(v) for v in loose])}")
        if len({tuple(map(tuple, orders[b])) for b in BASES}) > 1:
            text += "; the order of the suppliers changes with the basis (" + "; ".join(
                f"{BASIS_SHORT[b]}: {order_text(orders[b])}" for b in BASES) + ")"
        parts.append(text)
    same_leader = len({leaders[b] for b in BASES}) == 1
    conclusion = (f"So the book cites {listing(robust) if robust else 'no vendor'}'s share as a number"
                  + (f" and the split between {' and '.join(loose)} only as a direction" if loose else "")
                  + (f": {' and '.join(leaders[BASES[0]])} the largest on every basis" if same_leader else "")
                  + ".")
    return ". ".join(parts) + ". " + conclusion


def unit_summary(year: int = YEARS[-1], years: tuple[int, ...] = (2025, 2026, 2027)) -> str:
    """`unit_sentence` in two sentences, for the front page and the verdict: which vendors'
    shares survive a change of unit (within UNIT_TOLERANCE on every basis in every one of
    `years`), how far the others move at the end of `year`, and whether the largest supplier
    is the same on every basis."""
    spreads = {v: basis_spread(v, years) for v in CHIP_MAKERS}
    robust = [v for v in VENDOR_ORDER if (spreads[v]["spread"] <= UNIT_TOLERANCE + 1e-12).all()]
    loose = [v for v in VENDOR_ORDER[::-1] if v not in robust]
    leaders = {vendor_ranks(CENTRAL, (year,), b)[year][0] for b in BASES}
    units = listing([BASIS_SHORT[b] for b in BASES], "or")
    if not loose:
        return f"Every vendor's share holds whichever unit counts the chips ({units})."
    worst = max(spreads[v]["spread"].max() for v in robust) if robust else None
    moves = listing([f"{v} {100 * spreads[v].loc[year, list(BASES)].min():.0f}–{percent(spreads[v].loc[year, list(BASES)].max())}"
                     for v in loose])
    first = (f"{listing(robust)}'s share holds whichever unit counts the chips ({units}): the three put its central share within "
             f"{100 * worst:.0f} points of each other. " if robust else "")
    leader = f"; {' and '.join(next(iter(leaders)))} is the largest on every unit" if len(leaders) == 1 else ""
    return (first + f"The split between {' and '.join(loose)} does not ({moves} at the end of {year}, by unit), so the "
            f"book gives it only as a direction{leader}.")


def largest_basis_gap(years: tuple[int, ...] = YEARS) -> tuple[str, int, str, float, str, float]:
    """(vendor, year, basis with the lowest share, that share, basis with the highest,
    that share) where the three bases differ most."""
    best = None
    for vendor in CHIP_MAKERS:
        table = basis_spread(vendor, years)
        year = int(table["spread"].idxmax())
        column = table.loc[year, list(BASES)]
        if best is None or table.loc[year, "spread"] > best[0]:
            best = (table.loc[year, "spread"], vendor, year, column.idxmin(), float(column.min()),
                    column.idxmax(), float(column.max()))
    return best[1:]


# --- The tables the chapter shows ------------------------------------------------------------

def _range_text(low: float, central: float, high: float, unit: str) -> str:
    if unit in ("gigawatts", "IT gigawatts"):
        return f"{central:.1f} ({low:.1f}–{high:.1f})"
    return f"{amount_text(central)} ({amount_text(low)}–{amount_text(high)})"


def _vendor_share(frame: pd.DataFrame, vendor: str) -> str:
    row = frame[frame["vendor"] == vendor].iloc[0]
    return "none" if row["high"] == 0 else share_text(row["low"], row["central"], row["high"])


def year_end_table(scenario_id: str = CENTRAL, basis: str = "bf16", years: tuple[int, ...] = YEARS) -> pd.DataFrame:
    """One row per year: each vendor's share in service at the year's end, the total in
    H100e and in gigawatts of facility power, each central (low–high)."""
    share = year_end(shares(basis))
    share = share[(share["scenario_id"] == scenario_id) & (share["count"] == COUNTS[0])]
    total = year_end(compute(basis))
    total = total[(total["scenario_id"] == scenario_id) & (total["vendor"] == ALL_VENDORS) & (total["state"] == IN_SERVICE)]
    rows = []
    for year in years:
        here = share[share["year"] == year]
        row = {"year": str(year), **{v: _vendor_share(here, v) for v in CHIP_MAKERS}}
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
    """`ceilings` in words: the announced ceiling, the tranches that draw on it (by name) and
    what the central case counts of it."""
    table = ceilings(capacity, CENTRAL, quarter)

    def amount(value, unit):
        return f"{value:.1f} GW" if unit == "gigawatts" else f"{amount_text(value)} chips"

    names = tranche_names()
    return pd.DataFrame({
        "vendor": table["vendor"], "deal": [listing([names[t] for t in ts]) or d for ts, d in zip(table["tranches"], table["deal"])],
        "ceiling": [f"up to {amount(c, u)}" for c, u in zip(table["ceiling"], table["unit"])],
        "in_service": [amount(v, u) for v, u in zip(table["in_service"], table["unit"])],
        "contracted": [amount(v, u) for v, u in zip(table["contracted"], table["unit"])],
        "not_counted": [amount(v, u) for v, u in zip(table["not_counted"], table["unit"])],
        "source_id": table["source_id"],
    })


STATED_WORDS = {"estimate": "no deal: an estimate", "firm": "firm", "up to": "a ceiling",
                "conditional": "use conditional", "unpublished": "size unpublished"}


def counting_table(capacity: pd.DataFrame) -> pd.DataFrame:
    """The ceiling rule applied to every tranche: its name, vendor, how its source states
    the amount (the capacity row's bound and figure, where the tranche stands for one),
    the rule's reading of that, and how the tranche counts before delivery."""
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
                     "reading": STATED_WORDS[t.stated_as], "counts_as": counting(t.stated_as),
                     "source_id": t.source_id})
    return pd.DataFrame(rows)


def scenario_table(years: tuple[int, ...] = (2026, 2027), basis: str = "bf16") -> pd.DataFrame:
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


def benchmark_table(benchmarks: pd.DataFrame) -> pd.DataFrame:
    """Each outside estimate beside the model's central case at the same date, in the
    same measure (IT power against IT power where the estimate is IT power)."""
    frame = compute()
    frame = frame[(frame["scenario_id"] == CENTRAL) & (frame["vendor"] == ALL_VENDORS) & (frame["state"] == IN_SERVICE)]
    rows = []
    for b in benchmarks.itertuples(index=False):
        if b.measure == "h100e":
            units = ["h100e"]
        elif b.basis.startswith("IT power"):
            units = ["IT gigawatts"]
        else:
            units = ["gigawatts", "IT gigawatts"]
        model = "; ".join(
            (f"{_range_text(t.low, t.central, t.high, u)}" + (" facility" if u == "gigawatts" else " IT" if u == "IT gigawatts" else ""))
            for u in units for t in frame[(frame["quarter"] == b.quarter) & (frame["unit"] == u)].itertuples())
        rows.append({"quarter": b.quarter, "measure": "H100e" if b.measure == "h100e" else "GW",
                     "estimate": _range_text(b.value_low, b.value_central, b.value_high, b.measure),
                     "basis": b.basis, "model": model, "source_id": b.source_id})
    return pd.DataFrame(rows)


def drivers_text(quarter: str, count: int = 3, vendor: str = "NVIDIA") -> str:
    """The `count` assumptions that move `vendor`'s share at the end of `quarter` most, in
    words, tranches by their readable names: 'the delivery pace of Broadcom's TPUs from
    2027 (12–19%), ...'."""
    tables = inputs()
    table = sensitivity(tables.tranches, tables.chip_power, tables.specs, quarter, vendor).head(count)
    labels = tranche_names()
    words = {"amount": "the size of", "pace": "the delivery pace of", "IT watts per chip": "the IT power per chip of",
             "PUE": "the PUE of"}
    labels = {**dict(zip(tables.specs["chip_id"], tables.specs["chip"])), **labels}
    parts = [f"{words[r.assumption]} {labels.get(r.row, r.row)} "
             f"({100 * min(r.at_low, r.at_high):.0f}–{percent(max(r.at_low, r.at_high))})" for r in table.itertuples()]
    return listing(parts)


def benchmark_sentence(benchmarks: pd.DataFrame) -> str:
    """Whether the central case falls inside each outside estimate's range, in words (IT
    power compared with IT power where the estimate says so, facility power otherwise)."""
    frame = compute()
    frame = frame[(frame["scenario_id"] == CENTRAL) & (frame["vendor"] == ALL_VENDORS) & (frame["state"] == IN_SERVICE)]
    inside, outside = [], []
    for b in benchmarks.itertuples(index=False):
        unit = "h100e" if b.measure == "h100e" else "IT gigawatts" if b.basis.startswith("IT power") else "gigawatts"
        model = float(frame[(frame["quarter"] == b.quarter) & (frame["unit"] == unit)]["central"].iloc[0])
        label = f"{b.benchmark_id} ({b.quarter})"
        (inside if b.value_low <= model <= b.value_high else outside).append(
            label if b.value_low <= model <= b.value_high else
            f"{label}, where it is {'above' if model > b.value_high else 'below'} the range")
    text = f"The central case falls inside the range of {len(inside)} of the {len(inside) + len(outside)} outside estimates"
    return text + (f"; it falls outside {', '.join(outside)}" if outside else "") + "."


def share_without(tranche_ids: list[str], quarter: str = LAST_QUARTER, vendor: str = "NVIDIA") -> tuple[float, float]:
    """`vendor`'s central share in service at the end of `quarter` with and without the
    named tranches (for instance, if the fleets rented before 2026 were returned)."""
    tables = inputs()
    i = quarter_range().index(quarter)

    def share(tranches):
        result = simulate(tranches, tables.chip_power, tables.specs, draws=0)
        served = result.by_vendor(result.h100e)
        return float(served[vendor][0, i] / sum(served.values())[0, i])

    return share(tables.tranches), share(tables.tranches[~tables.tranches["tranche_id"].isin(tranche_ids)])
