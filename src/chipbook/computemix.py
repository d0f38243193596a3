"""Anthropic's compute by chip vendor, quarter by quarter, 2023Q1 to 2027Q4: the
compute-mix model.

The common unit is the H100-equivalent (H100e) of dense BF16 throughput: a chip counts as
its dense (no structured sparsity) BF16 TFLOPS divided by the H100's (989). BF16 is the
format every chip in the model publishes a dense rate for, the one frontier training runs
in, and the one the book's specification table already carries for all of them. Epoch AI
counts H100e in dense 8-bit operations instead (FP8, else INT8; the H100's 1,979); the two
agree within a few percent for every chip here except Trainium3, whose 8-bit gain comes in
the MX microscaling formats, so `BASES` computes both and the chapter shows where they part.

Inputs, each a sourced row or a named assumption with its reason (data/):

* `compute_mix_tranches`: Anthropic's capacity in tranches (a deal, or an estimated fleet),
  each with its vendor, the chip generation it buys, its amount (chips, gigawatts or H100e;
  low, central, high) and its delivery pace (start quarter; full quarter early, central, late);
* `compute_mix_chip_power`: IT watts per chip and PUE (low, central, high), which turn
  gigawatts into chips;
* `accelerator_specs`: dense BF16 and 8-bit rates per chip;
* `compute_mix_scenarios`: what each scenario of `scenarios` changes in the tranches.

The rules, each tested by hand in tests/test_computemix.py:

1. H100e = chips x the chip's dense rate / the H100's dense rate (`h100e_per_chip`).
2. Chips per gigawatt = 1e9 / (IT watts x PUE), PUE being facility over IT power
   (`chips_per_gigawatt`); an announced gigawatt is read as facility power.
3. A tranche is delivered linearly: by the end of quarter q the share in service is
   (q - start + 1) / (full - start + 1), clipped to [0, 1] (`delivered_fraction`); 1 GW
   from 2026Q1 to 2026Q4 is 0.25 GW at the end of 2026Q1.
4. States are kept apart. In service: what has been delivered. Contracted: a contracted
   tranche's undelivered part, from the quarter it was announced. A fleet estimate and a
   draw on an "up to" ceiling count only once delivered; the rest of a ceiling is counted
   nowhere (`ceilings` reports it beside the model).
5. Ranges: every assumption is drawn `DRAWS` times, independently, from a triangular
   distribution over its low, central and high values (one random stream per named
   assumption, so every scenario sees the same draws). Central is the run with every
   assumption at its central value; low and high are the 5th and 95th percentiles of the
   draws, widened where needed to contain the central run.
6. A vendor's share is its part of the sum over vendors, draw by draw, in service or in
   service plus contracted (`COUNTS`).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import data
from .vocabulary import CHIP_MAKERS

FIRST_QUARTER, LAST_QUARTER = "2023Q1", "2027Q4"
REFERENCE_CHIP = "h100"
BASES = ("bf16", "8-bit")
BASIS_NAMES = {"bf16": "dense BF16", "8-bit": "dense 8-bit (Epoch AI's basis)"}
IN_SERVICE, CONTRACTED = "in service", "contracted, not yet in service"
COUNTS = ("in service", "in service + contracted")
ALL_VENDORS = "All vendors"
PERCENTILES = (5, 95)
DRAWS = 4000
SEED = 2026
CENTRAL = "central"


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

def h100e_per_chip(specs: pd.DataFrame, chip_power: pd.DataFrame | None = None, basis: str = "bf16") -> pd.Series:
    """H100-equivalents per chip, by chip_id, on `basis`: "bf16" divides the dense BF16
    TFLOPS by the H100's; "8-bit" divides the dense FP8 rate (INT8 where no FP8 is
    published, or `eight_bit_tflops_dense` of `chip_power` where neither is) by the
    H100's FP8 rate, as Epoch AI does. NaN for a chip with no rate on that basis."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
    table = specs.set_index("chip_id")
    if REFERENCE_CHIP not in table.index:
        raise KeyError(f"accelerator_specs has no {REFERENCE_CHIP!r} row, the unit of the model")
    if basis == "bf16":
        rate = table["bf16_tflops_dense"].astype(float)
    else:
        rate = table["fp8_tflops_dense"].astype(float).fillna(table["int8_tops_dense"].astype(float))
        if chip_power is not None and "eight_bit_tflops_dense" in chip_power:
            extra = chip_power.set_index("chip_id")["eight_bit_tflops_dense"].dropna().astype(float)
            both = [c for c in extra.index if c in rate.index and pd.notna(rate[c])]
            if both:
                raise ValueError(f"eight_bit_tflops_dense is given for {both}, which accelerator_specs already rates")
            rate = rate.combine_first(extra)
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
    """The random stream of one named assumption: the same numbers for that name in every
    scenario and run (common random numbers), independent of every other name."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())]).random(draws)


def _values(name: str, low, central, high, draws: int, seed: int) -> np.ndarray:
    """The central value followed by `draws` triangular draws: shape (1 + draws,)."""
    drawn = triangular(_uniforms(name, draws, seed), low, central, high)
    return np.concatenate([[float(central)], drawn])


@dataclass
class Run:
    """One simulation: per tranche, arrays of shape (1 + draws, quarters), row 0 the
    central run. `h100e` and `pending_h100e` in H100e on the run's basis; `chips`,
    `pending_chips` in chips; `gigawatts`, `pending_gigawatts` in GW of facility power."""

    quarters: list[str]
    tranches: pd.DataFrame
    basis: str
    chips: dict[str, np.ndarray] = field(default_factory=dict)
    pending_chips: dict[str, np.ndarray] = field(default_factory=dict)
    h100e: dict[str, np.ndarray] = field(default_factory=dict)
    pending_h100e: dict[str, np.ndarray] = field(default_factory=dict)
    gigawatts: dict[str, np.ndarray] = field(default_factory=dict)
    pending_gigawatts: dict[str, np.ndarray] = field(default_factory=dict)

    def by_vendor(self, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Sum of `values` over each vendor's tranches (zeros for a vendor with none)."""
        shape = next(iter(values.values())).shape
        sums = {vendor: np.zeros(shape) for vendor in CHIP_MAKERS}
        for tranche in self.tranches.itertuples(index=False):
            sums[tranche.vendor] = sums[tranche.vendor] + values[tranche.tranche_id]
        return sums


def simulate(tranches: pd.DataFrame, chip_power: pd.DataFrame, specs: pd.DataFrame, basis: str = "bf16",
             draws: int = DRAWS, seed: int = SEED, quarters: list[str] | None = None) -> Run:
    """Run the model on these tables (see the module's rules). `draws=0` gives the central
    run alone."""
    quarters = quarters or quarter_range()
    q = np.array([quarter_index(x) for x in quarters], dtype=float)
    per_chip = h100e_per_chip(specs, chip_power, basis)
    bf16 = h100e_per_chip(specs, chip_power, "bf16")
    power = chip_power.set_index("chip_id")
    run = Run(quarters=quarters, tranches=tranches, basis=basis)
    watts: dict[str, np.ndarray] = {}
    for chip in sorted(set(tranches["chip_id"])):
        if chip not in power.index:
            raise KeyError(f"chip {chip!r} has no row in compute_mix_chip_power")
        if pd.isna(per_chip.get(chip)) or pd.isna(bf16.get(chip)):
            raise ValueError(f"chip {chip!r} has no dense {BASIS_NAMES[basis]} rate in accelerator_specs")
        row = power.loc[chip]
        watts[chip] = (_values(f"{chip}:it_watts", row.it_watts_low, row.it_watts_central, row.it_watts_high, draws, seed)
                       * _values(f"{chip}:pue", row.pue_low, row.pue_central, row.pue_high, draws, seed))
    for tranche in tranches.itertuples(index=False):
        name = tranche.tranche_id
        amount = _values(f"{name}:amount", tranche.amount_low, tranche.amount_central, tranche.amount_high, draws, seed)
        early, central, late = (quarter_index(x) for x in (tranche.full_quarter_early, tranche.full_quarter_central,
                                                            tranche.full_quarter_late))
        start = quarter_index(tranche.start_quarter)
        if start > early:
            raise ValueError(f"tranche {name!r} is complete (early) before it starts")
        full = _values(f"{name}:full_quarter", early, central, late, draws, seed)
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
        if tranche.kind == "contracted":
            announced = quarter_index(quarter_of(tranche.announced))
            pending = (total[:, None] - in_service) * (q[None, :] >= announced)
        else:
            pending = np.zeros_like(in_service)
        run.chips[name], run.pending_chips[name] = in_service, pending
        run.h100e[name], run.pending_h100e[name] = in_service * per_chip[tranche.chip_id], pending * per_chip[tranche.chip_id]
        run.gigawatts[name] = in_service * facility[:, None] / 1e9
        run.pending_gigawatts[name] = pending * facility[:, None] / 1e9
    return run


def compute_frame(run: Run) -> pd.DataFrame:
    """Per quarter, vendor (and all vendors), state and unit: low, central, high.
    Columns quarter, quarter_end, vendor, state (IN_SERVICE or CONTRACTED), unit (h100e
    or gigawatts), low, central, high."""
    rows = []
    for unit, served, pending in (("h100e", run.h100e, run.pending_h100e),
                                  ("gigawatts", run.gigawatts, run.pending_gigawatts)):
        for state, values in ((IN_SERVICE, served), (CONTRACTED, pending)):
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
    served = run.by_vendor(run.h100e)
    pending = run.by_vendor(run.pending_h100e)
    rows = []
    for count in COUNTS:
        counted = {v: served[v] + (pending[v] if count == COUNTS[1] else 0) for v in CHIP_MAKERS}
        total = sum(counted.values())
        with np.errstate(invalid="ignore", divide="ignore"):
            for vendor in CHIP_MAKERS:
                low, central, high = summarise(np.where(total > 0, counted[vendor] / total, np.nan))
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


@data.cached_per_process
def inputs() -> Inputs:
    """The model's tables from data/."""
    return Inputs(tranches=data.load_table("compute_mix_tranches"), chip_power=data.load_table("compute_mix_chip_power"),
                  specs=data.load_table("accelerator_specs"), changes=data.load_table("compute_mix_scenarios"),
                  scenarios=data.load_table("scenarios"))


@data.cached_per_process
def run(scenario_id: str = CENTRAL, basis: str = "bf16") -> Run:
    """The model on the book's data for one scenario and basis."""
    tables = inputs()
    if scenario_id not in set(tables.scenarios["scenario_id"]):
        raise KeyError(f"no scenario {scenario_id!r} in scenarios.csv")
    return simulate(scenario_tranches(tables.tranches, tables.changes, scenario_id), tables.chip_power,
                    tables.specs, basis)


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


def vendor_share_by_year(vendor: str = "NVIDIA", scenario_id: str = CENTRAL, basis: str = "bf16",
                         count: str = COUNTS[0], years: tuple[int, ...] = (2024, 2025, 2026, 2027)) -> pd.DataFrame:
    """A vendor's share at the end of each year: columns year, low, central, high."""
    frame = year_end(shares(basis))
    picked = frame[(frame["vendor"] == vendor) & (frame["scenario_id"] == scenario_id) & (frame["count"] == count)
                   & frame["year"].isin(years)]
    return picked[["year", "low", "central", "high"]].sort_values("year").reset_index(drop=True)


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
