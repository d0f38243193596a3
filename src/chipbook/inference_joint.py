"""The cost model's joint sensitivity: every assumption that bears on a comparison drawn at
once, and how often each chip then costs least.

The one-at-a-time sensitivity (`inference.tornado`) moves a single assumption while the
others stay central, so it cannot say how likely a ranking is when several assumptions are
uncertain together. Here each assumption that bears on the chips compared is drawn `DRAWS`
times, independently, from a triangular distribution over its low, central and high values
(the rule the compute-mix model uses, `computemix.triangular`): one stream of random
numbers per assumption, named after it, so the same assumption takes the same draws in
every comparison and on every basis. Two kinds of assumption are not continuous: the width
weights are stored in (16, 8 or 4 bits) takes its low, central or high value with
probabilities 1/4, 1/2 and 1/4, and counts (domains per model copy, the batch ceiling,
tokens of context) are rounded to whole numbers. Every draw gives each chip a cost per
million output tokens (`inference.decode_cost`); a chip is the cheapest in a draw when its
cost is the lowest of the chips that fit. `cheapest_shares` is the share of draws each chip
wins; `summary` adds each chip's cost at central and the 5th-95th percentile of its draws.

`lockstep` names parameters whose rows take one shared stream (for example every vendor's
achieved share of peak bandwidth), for readers who think the vendors' software matures
together rather than independently.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pandas as pd

from . import inference
from .computemix import triangular

DRAWS = 4000
SEED = 2026
DISCRETE = ("weight_bits",)  # low, central, high with probabilities 1/4, 1/2, 1/4
WHOLE = ("replica_domains", "batch", "context_tokens")  # counts: rounded to whole numbers
PERCENTILES = (5, 95)
# A chip the cheapest in fewer draws than this is told apart from the leaders (the tail the
# 5th-95th percentile ranges leave out on one side).
TOLD_APART = 0.05


def uniforms(name: str, draws: int, seed: int = SEED) -> np.ndarray:
    """The random stream of one named assumption: the same numbers for that name in every
    comparison and on every basis, independent of every other name's."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())]).random(draws)


def draw(parameter: str, low: float, central: float, high: float, u: np.ndarray) -> np.ndarray:
    """One assumption's values at cumulative probabilities `u`: triangular over low,
    central and high, three-point for a DISCRETE parameter, rounded for a WHOLE one."""
    if parameter in DISCRETE:
        return np.where(u < 0.25, float(low), np.where(u < 0.75, float(central), float(high)))
    values = triangular(u, low, central, high)
    return np.round(values) if parameter in WHOLE else values


def bearing_rows(chips: pd.DataFrame, assumptions: pd.DataFrame, among: list[str], basis: str = "owning") -> pd.DataFrame:
    """The assumptions that can move the cost of a chip of `among` on `basis`: the rows that
    apply to it (its vendor's, its own and the global rows) and, on owning cost, the rows
    that price it (inference.pricing_rows). A discount bears only on list prices, an owning
    cost only on owning cost."""
    vendor_of = chips.set_index("chip_id")["vendor"]
    keep = pd.Series(False, index=assumptions.index)
    for chip_id in among:
        keep |= inference._applies(assumptions, chip_id, vendor_of[chip_id])
        if basis == "owning":
            keep |= assumptions.index.isin(inference.pricing_rows(assumptions, chip_id).index)
    rows = assumptions[keep]
    if basis != "list":
        rows = rows[rows["parameter"] != "negotiated_discount"]
    if basis != "owning":
        rows = rows[~rows["parameter"].isin(inference.OWNING_PARAMETERS)]
    return rows


def draw_assumptions(rows: pd.DataFrame, draws: int = DRAWS, seed: int = SEED,
                     lockstep: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """{assumption_id: `draws` values} for each row of `rows`; rows whose parameter is in
    `lockstep` share one stream per parameter, the rest have their own."""
    values = {}
    for row in rows.itertuples():
        name = f"cost:shared:{row.parameter}" if row.parameter in lockstep else f"cost:{row.assumption_id}"
        values[row.assumption_id] = draw(row.parameter, row.low, row.central, row.high, uniforms(name, draws, seed))
    return values


def joint_costs(chips: pd.DataFrame, model: inference.ReferenceModel, assumptions: pd.DataFrame, among: list[str],
                basis: str = "owning", draws: int = DRAWS, seed: int = SEED, prices: dict[str, np.ndarray] | None = None,
                lockstep: tuple[str, ...] = ()) -> pd.DataFrame:
    """Each chip of `among`'s cost per million output tokens in each of `draws` joint draws
    of the assumptions that bear on them (bearing_rows). The price of a chip-hour is its
    list price less its drawn discount (basis 'list'), its drawn owning cost ('owning'), or
    the drawn values in `prices` ({chip_id: array of `draws` dollars per chip-hour}, no
    discount) for any other basis, such as what contracts imply (inference_contracts).
    Returns a (draws x chips) frame of costs, NaN where a chip does not fit or has no price;
    attrs: basis, drawn (the assumption ids drawn)."""
    if basis not in inference.PRICE_BASES and prices is None:
        raise ValueError(f"basis {basis!r} needs `prices`: one array of dollars per chip-hour per chip")
    rows = bearing_rows(chips, assumptions, among, basis)
    drawn = draw_assumptions(rows, draws, seed, lockstep)
    central = {row.assumption_id: float(row.central) for row in assumptions.itertuples()}
    records = assumptions.to_dict("records")
    specs = chips.set_index("chip_id")
    spec_rows = inference.spec_records(specs)
    by_chip = {c: specs.loc[c].to_dict() | {"chip_id": c} for c in among}
    applying = {c: inference.applying_rows(assumptions, c, by_chip[c]["vendor"]) for c in among}
    out = np.full((draws, len(among)), math.nan)
    for d in range(draws):
        value = central | {k: float(v[d]) for k, v in drawn.items()}
        owning = inference.owning_cost_values(spec_rows, records, value) if basis == "owning" else None
        for j, chip_id in enumerate(among):
            chip = by_chip[chip_id]
            inputs = inference.chip_inputs(applying[chip_id], value, chip_id, chip["vendor"])
            if basis == "list":
                price = chip.get("usd_per_chip_hour")
            else:
                price = owning[chip_id] if basis == "owning" else (prices[chip_id][d] if chip_id in prices else math.nan)
                inputs["discount"] = 0.0
            out[d, j] = inference.decode_cost(chip, model, usd_per_chip_hour=price, domain_chips=int(chip["domain_chips"]),
                                              **inputs)["usd_per_million_tokens"]
    frame = pd.DataFrame(out, columns=among)
    frame.attrs.update(basis=basis, drawn=list(drawn))
    return frame


def cheapest_shares(costs: pd.DataFrame) -> pd.Series:
    """The share of draws in which each chip (column of `costs`) costs least among the chips
    that have a cost in that draw; draws in which none has one are left out. Ties go to
    the first column."""
    priced = costs.dropna(how="all")
    if priced.empty:
        return pd.Series(0.0, index=costs.columns)
    winners = priced.fillna(np.inf).to_numpy().argmin(axis=1)
    counts = np.bincount(winners, minlength=costs.shape[1])
    return pd.Series(counts / len(priced), index=costs.columns)


def summary(costs: pd.DataFrame, central: pd.Series) -> pd.DataFrame:
    """One row per chip: chip_id, central_usd (the cost at central assumptions, `central`
    by chip_id), low_usd and high_usd (the 5th and 95th percentiles of the draws) and
    p_cheapest (cheapest_shares), cheapest at central first."""
    low, high = np.nanpercentile(costs.to_numpy(), PERCENTILES, axis=0)
    table = pd.DataFrame({"chip_id": costs.columns, "central_usd": central.reindex(costs.columns).to_numpy(),
                          "low_usd": low, "high_usd": high, "p_cheapest": cheapest_shares(costs).to_numpy()})
    return table.sort_values(["central_usd", "chip_id"]).reset_index(drop=True)


def share_text(p: float) -> str:
    """A share of draws in words: '54%'; 'under 1%' and 'over 99%' where rounding would
    say 0% or 100% of a share that is neither."""
    return "under 1%" if 0 < p < 0.005 else "over 99%" if 0.995 <= p < 1 else f"{p:.0%}"


def odds_text(table: pd.DataFrame, names: dict[str, str]) -> str:
    """'TPU7x in 54% of draws, Trainium3 in 46% and GB200 in under 1%': each chip's share
    of the draws in which it is the cheapest, most often cheapest first."""
    rows = table.sort_values(["p_cheapest", "central_usd"], ascending=[False, True]).itertuples()
    parts = [f"{names[r.chip_id]} in {share_text(r.p_cheapest)}" for r in rows]
    parts[0] += " of draws"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def odds_reading(table: pd.DataFrame, names: dict[str, str]) -> str:
    """What the draws can tell apart, in words: 'it cannot tell TPU7x and Trainium3 apart
    (the cheapest in 54% and 46% of draws), and GB200 is the cheapest in under 1%'. A chip
    the cheapest in fewer than TOLD_APART of the draws is told apart; the rest are not."""
    rows = table.sort_values(["p_cheapest", "central_usd"], ascending=[False, True])
    close = rows[rows["p_cheapest"] >= TOLD_APART]
    far = rows[rows["p_cheapest"] < TOLD_APART]
    def listed(frame):
        items = [names[c] for c in frame["chip_id"]]
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    shares = [share_text(p) for p in close["p_cheapest"]]
    if len(close) == 1:
        text = f"{listed(close)} is the cheapest in {shares[0]} of draws"
    else:
        text = (f"it cannot tell {listed(close)} apart (the cheapest in "
                + (", ".join(shares[:-1]) + " and " + shares[-1]) + " of draws)")
    if len(far):
        text += (f", and {listed(far)} {'is' if len(far) == 1 else 'are'} the cheapest in "
                 + " and ".join(share_text(p) for p in far["p_cheapest"]))
    return text
