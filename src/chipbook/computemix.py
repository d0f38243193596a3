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
    it_watts: dict[str, np.ndarray] = {}
    for chip in sorted(set(tranches["chip_id"])):
        if chip not in power.index:
            raise KeyError(f"chip {chip!r} has no row in compute_mix_chip_power")
        if pd.isna(per_chip.get(chip)) or pd.isna(bf16.get(chip)):
            raise ValueError(f"chip {chip!r} has no dense {BASIS_NAMES[basis]} rate in accelerator_specs")
        row = power.loc[chip]
        it_watts[chip] = _values(f"{chip}:it_watts", row.it_watts_low, row.it_watts_central, row.it_watts_high, draws, seed)
        watts[chip] = it_watts[chip] * _values(f"{chip}:pue", row.pue_low, row.pue_central, row.pue_high, draws, seed)
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
    late), central, swing (|at_high - at_low|), sorted by swing, largest first."""
    i = quarter_range().index(quarter)

    def share(t, c):
        result = simulate(t, c, specs, basis, draws=0)
        served = result.by_vendor(result.h100e)
        total = sum(served.values())[0, i]
        return float(served[vendor][0, i] / total) if total else float("nan")

    central = share(tranches, chip_power)
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
            ends.append(share(t, c))
        rows.append({"table": table, "row": row_id, "assumption": what, "at_low": ends[0], "at_high": ends[1],
                     "central": central, "swing": abs(ends[1] - ends[0])})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


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


def figure(table: pd.DataFrame, articles: pd.DataFrame, evidence_as_of, *, source: str, scenario: str,
           narrow: bool = False):
    """The finished chart: stacked in-service H100e by vendor (top) and each vendor's share
    with its range (bottom), 2023-2027, with the articles' dates and the evidence date
    marked and a scenario picker. `scenario` is the name the picker starts at, which the
    title and text alternative speak for (the page's script appends the reader's choice to
    the text alternative). `narrow` lays it out for a phone (`layout`); when
    `charts.finish` takes a `narrow=` alternative, pass it `layout(..., narrow=True)`."""
    from . import charts

    year = int(table["quarter"].max()[:4]) - 1
    return charts.finish(
        layout(table, articles, evidence_as_of, scenario=scenario, narrow=narrow),
        title=chart_title(table, scenario, last=year),
        subtitle=(f"Top: H100-equivalents of dense BF16 throughput in service at each quarter's end, central case. "
                  f"Bottom: shares of that, central line and 5th-95th percentile band of {DRAWS:,} draws. "
                  f"Projected after {pd.Timestamp(evidence_as_of):%Y-%m-%d}; grey: when the articles were written."),
        source=source,
        description=chart_description(table, scenario),
        data_files=["compute_mix_tranches.csv", "compute_mix_chip_power.csv", "compute_mix_scenarios.csv",
                    "capacity.csv", "accelerator_specs.csv"],
    )


def layout(table: pd.DataFrame, articles: pd.DataFrame, evidence_as_of, *, scenario: str, narrow: bool = False):
    """The chart's two panels, unfinished (see `figure`): 560 px wide, or for a phone
    (`narrow`) 320 px with year labels and the legend below."""
    import altair as alt

    from . import charts

    width = 320 if narrow else 560
    names = list(dict.fromkeys(table["scenario"]))
    picker = alt.param(name="scenario", value=scenario, bind=alt.binding_select(options=names, name="Scenario "))
    vendors = [v for v in VENDOR_ORDER if v in set(table["vendor"])]
    colour = alt.Color("vendor:N", title="Chip vendor", scale=charts.vendor_scale(vendors), sort=vendors,
                       legend=charts.bottom_legend("Chip vendor") if narrow else alt.Legend(orient="top"))
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
    # last quarter, without the label position.
    drawn = table[["scenario", "quarter", "vendor", "h100e", "share", "share_low", "share_high"]]
    quarter_end_expr = "datetime(toNumber(slice(datum.quarter, 0, 4)), 3 * toNumber(slice(datum.quarter, 5)), 0)"
    rank_expr = f"indexof({vendors}, datum.vendor)"
    base = (alt.Chart(drawn).transform_filter(alt.datum.scenario == picker)
            .transform_calculate(quarter_end=quarter_end_expr, rank=rank_expr))
    at_end = (alt.Chart(table[table["quarter"] == last][["scenario", "quarter", "vendor", "label_y", "stack_mid"]])
              .transform_filter(alt.datum.scenario == picker).transform_calculate(quarter_end=quarter_end_expr))
    evidence = pd.DataFrame({"date": [pd.Timestamp(evidence_as_of)], "label": ["proj. \u2192" if narrow else "projected \u2192"]})
    rule = alt.Chart(evidence).mark_rule(color="#555", strokeDash=[4, 3]).encode(x="date:T")
    projected = alt.Chart(evidence).mark_text(align="left", dx=4, baseline="top", dy=16, fontSize=11, color="#555").encode(
        x="date:T", y=alt.value(0), text="label:N")

    stacked = base.mark_area(opacity=0.9).encode(
        x=x, y=alt.Y("h100e:Q", stack="zero", title="H100e in service", axis=alt.Axis(format="~s")),
        color=colour, order=alt.Order("rank:Q"), tooltip=tooltip)
    stacked_labels = at_end.mark_text(align="right", dx=-4, fontSize=11, fontWeight="bold").encode(
        x=x, y="stack_mid:Q", text="vendor:N", fill=ink)
    top = alt.layer(charts.article_bands(articles), stacked, rule, projected, stacked_labels).properties(
        width=width, height=200 if narrow else 230)

    share_axis = alt.Y("share_low:Q", title="Share in service", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    band = base.mark_area(opacity=0.25).encode(x=x, y=share_axis, y2="share_high:Q", color=colour, tooltip=tooltip)
    # Dashes as well as colours tell the vendors' lines apart (and show both where they coincide).
    dashes = alt.StrokeDash("vendor:N", title="Chip vendor", sort=vendors,
                            legend=charts.bottom_legend("Chip vendor") if narrow else alt.Legend(orient="top"),
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


def share_by_year_text(evidence_as_of, vendor: str = "NVIDIA", scenario_id: str = CENTRAL, basis: str = "bf16",
                       years: tuple[int, ...] = YEARS) -> str:
    """'50% (37–63%) at the end of 2024, ... and 16% (12–20%) at the end of 2027
    (projected)': a vendor's share in service, with its range, at each year's end; a year
    whose end falls after `evidence_as_of` is marked projected."""
    by_year = vendor_share_by_year(vendor, scenario_id, basis, years=years)
    parts = []
    for row in by_year.itertuples():
        projected = " (projected)" if quarter_end(f"{row.year}Q4") > pd.Timestamp(evidence_as_of) else ""
        parts.append(f"{share_text(row.low, row.central, row.high)} at the end of {row.year}{projected}")
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]


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
    """Which scenario moves `vendor`'s share most by the last of `years`, and which (if
    any) changes the order of the vendors in any of `years`, in words."""
    last = scenario_effects(years[-1], vendor, basis)
    names = inputs().scenarios.set_index("scenario_id")["name"]
    others = last[last["scenario_id"] != CENTRAL]
    mover = others.loc[others["change"].abs().idxmax()]
    central = last[last["scenario_id"] == CENTRAL].iloc[0]
    text = (f"Of the scenarios, '{mover['scenario']}' moves {vendor}'s share furthest: "
            f"{share_text(mover['low'], mover['central'], mover['high'])} at the end of {years[-1]}, against "
            f"{share_text(central['low'], central['central'], central['high'])} in the central case.")
    base_order = vendor_ranks(CENTRAL, years, basis)
    ends = year_end(shares(basis))
    ends = ends[ends["count"] == COUNTS[0]].set_index(["scenario_id", "year", "vendor"])["central"]
    changes = []
    for scenario_id in others["scenario_id"]:
        order = vendor_ranks(scenario_id, years, basis)
        moved = [y for y in years if order[y] != base_order[y]]
        if moved:
            y = moved[0]
            at = {v: ends[(scenario_id, y, v)] for v in CHIP_MAKERS}
            changes.append(f"'{names[scenario_id]}' changes the order of suppliers at the end of {y}, to "
                           f"{order_text(order[y], at)} (central: {order_text(base_order[y])})")
    if changes:
        text += " " + "; ".join(changes) + "."
    else:
        text += f" No scenario changes the order of the three suppliers at the end of {' or '.join(map(str, years))}."
    return text


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
    """`ceilings` in words: the announced ceiling and what the central case counts of it."""
    table = ceilings(capacity, CENTRAL, quarter)

    def amount(value, unit):
        return f"{value:.1f} GW" if unit == "gigawatts" else f"{amount_text(value)} chips"

    return pd.DataFrame({
        "vendor": table["vendor"], "deal": table["deal"],
        "ceiling": [f"up to {amount(c, u)}" for c, u in zip(table["ceiling"], table["unit"])],
        "in_service": [amount(v, u) for v, u in zip(table["in_service"], table["unit"])],
        "contracted": [amount(v, u) for v, u in zip(table["contracted"], table["unit"])],
        "not_counted": [amount(v, u) for v, u in zip(table["not_counted"], table["unit"])],
        "source_id": table["source_id"],
    })


def scenario_table(years: tuple[int, ...] = (2026, 2027)) -> pd.DataFrame:
    """Per scenario: what it assumes, NVIDIA's share in service at the end of each of
    `years`, and the order of the vendors at the last."""
    scenarios = inputs().scenarios.set_index("scenario_id")
    effects = {year: scenario_effects(year).set_index("scenario_id") for year in years}
    rows = []
    for scenario_id, scenario in scenarios.iterrows():
        row = {"scenario": scenario["name"], "description": scenario["description"]}
        for year in years:
            e = effects[year].loc[scenario_id]
            row[str(year)] = share_text(e["low"], e["central"], e["high"])
        row["order"] = effects[years[-1]].loc[scenario_id, "order"]
        rows.append(row)
    return pd.DataFrame(rows)


def basis_table(years: tuple[int, ...] = YEARS) -> pd.DataFrame:
    """Each vendor's central share in service at each year's end on the two bases."""
    rows = []
    for year in years:
        row = {"year": str(year)}
        for basis in BASES:
            frame = year_end(shares(basis))
            here = frame[(frame["scenario_id"] == CENTRAL) & (frame["count"] == COUNTS[0]) & (frame["year"] == year)]
            for vendor in CHIP_MAKERS:
                row[f"{vendor} {basis}"] = percent(here.loc[here["vendor"] == vendor, "central"].iloc[0])
        rows.append(row)
    return pd.DataFrame(rows)


def largest_basis_gap(years: tuple[int, ...] = YEARS) -> tuple[str, int, float, float]:
    """(vendor, year, share on BF16, share on 8-bit) where the two bases differ most."""
    def pick(frame):
        frame = year_end(frame)
        return frame[(frame["scenario_id"] == CENTRAL) & (frame["count"] == COUNTS[0]) & frame["year"].isin(years)][
            ["vendor", "year", "central"]]

    both = pick(shares("bf16")).merge(pick(shares("8-bit")), on=["vendor", "year"], suffixes=("_bf16", "_8bit"))
    gap = (both["central_bf16"] - both["central_8bit"]).abs()
    best = both.loc[gap.idxmax()]
    return best["vendor"], int(best["year"]), float(best["central_bf16"]), float(best["central_8bit"])


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
    words: 'the pace of google-broadcom-2027 (12–19%), ...'."""
    tables = inputs()
    table = sensitivity(tables.tranches, tables.chip_power, tables.specs, quarter, vendor).head(count)
    words = {"amount": "the size of", "pace": "the delivery pace of", "IT watts per chip": "the IT power per chip of",
             "PUE": "the PUE of"}
    parts = [f"{words[r.assumption]} {r.row} ({100 * min(r.at_low, r.at_high):.0f}–{percent(max(r.at_low, r.at_high))})"
             for r in table.itertuples()]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def answer_sentence(years: tuple[int, ...] = (2026, 2027), vendor: str = "NVIDIA", basis: str = "bf16") -> str:
    """The book's answer ('one supplier among three') tested against every scenario by a
    written rule: it would change if `vendor`'s central share in service at the end of any
    of `years` passed an equal third, or made it the largest supplier, in any scenario."""
    frame = year_end(shares(basis))
    frame = frame[(frame["count"] == COUNTS[0]) & frame["year"].isin(years)]
    mine = frame[frame["vendor"] == vendor]
    breaking = []
    for scenario_id, name in inputs().scenarios.set_index("scenario_id")["name"].items():
        order = vendor_ranks(scenario_id, years, basis)
        over = mine[(mine["scenario_id"] == scenario_id) & (mine["central"] > 1 / 3)]
        if len(over) or any(vendor in order[y][0] for y in years):
            breaking.append(name)
    rule = (f"The answer would change if, in some scenario, {vendor}'s central share at the end of "
            f"{' or '.join(map(str, years))} passed an equal third of the three suppliers or made it the largest")
    if breaking:
        return rule + f"; it does in: {', '.join(repr(b) for b in breaking)}."
    top = mine.loc[mine["central"].idxmax()]
    return rule + f"; no scenario comes close (the highest is {percent(top['central'])}, '{top['scenario']}', end of {top['year']})."


def basis_sentence(years: tuple[int, ...] = YEARS, vendor: str = "NVIDIA") -> str:
    """How far the choice of basis moves `vendor`'s share, and whether it changes the
    order of suppliers, in words."""
    def central(basis):
        frame = year_end(shares(basis))
        return frame[(frame["scenario_id"] == CENTRAL) & (frame["count"] == COUNTS[0]) & frame["year"].isin(years)
                     ].set_index(["year", "vendor"])["central"]

    bf16, eight = central("bf16"), central("8-bit")
    points = float((bf16 - eight).xs(vendor, level="vendor").abs().max() * 100)
    changed = [y for y in years if vendor_ranks(CENTRAL, (y,), "bf16")[y] != vendor_ranks(CENTRAL, (y,), "8-bit")[y]]
    order = (f"the order of suppliers changes at the end of {', '.join(map(str, changed))}" if changed
             else "the order of suppliers does not change in any year")
    return f"{vendor}'s share moves by {points:.0f} percentage point{'s' if round(points) != 1 else ''} or less, and {order}"


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
