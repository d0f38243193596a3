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
wins; `summary` adds each chip's median cost over the draws (the book's one central cost,
as the compute-mix model's) and the 5th-95th percentile of its draws (its one range).
`deciding` ranks the assumptions by how far each alone moves the odds within the draws,
and `odds_curve` holds one of them at values across its range and draws the rest.

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
# How the texts name the one central cost and the one range (summary's central_usd, low_usd, high_usd).
CENTRAL_WORDS = "the median of the draws"
RANGE_WORDS = "their 5th to 95th percentile"
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
                     lockstep: tuple[str, ...] = (), held: dict[str, float] | None = None) -> dict[str, np.ndarray]:
    """{assumption_id: `draws` values} for each row of `rows`; rows whose parameter is in
    `lockstep` share one stream per parameter, the rest have their own; a row named in
    `held` ({assumption_id: value}) takes that value in every draw."""
    values = {}
    for row in rows.itertuples():
        if held and row.assumption_id in held:
            values[row.assumption_id] = np.full(draws, float(held[row.assumption_id]))
            continue
        name = f"cost:shared:{row.parameter}" if row.parameter in lockstep else f"cost:{row.assumption_id}"
        values[row.assumption_id] = draw(row.parameter, row.low, row.central, row.high, uniforms(name, draws, seed))
    return values


def joint_costs(chips: pd.DataFrame, model: inference.ReferenceModel, assumptions: pd.DataFrame, among: list[str],
                basis: str = "owning", draws: int = DRAWS, seed: int = SEED, prices: dict[str, np.ndarray] | None = None,
                lockstep: tuple[str, ...] = (), held: dict[str, float] | None = None) -> pd.DataFrame:
    """Each chip of `among`'s cost per million output tokens in each of `draws` joint draws
    of the assumptions that bear on them (bearing_rows). The price of a chip-hour is its
    list price less its drawn discount (basis 'list'), its drawn owning cost ('owning'), or
    the drawn values in `prices` ({chip_id: array of `draws` dollars per chip-hour}, no
    discount) for any other basis, such as what contracts imply (inference_contracts).
    `held` ({assumption_id: value}) holds rows at a value in every draw instead.
    Returns a (draws x chips) frame of costs, NaN where a chip does not fit or has no price;
    attrs: basis, drawn (the assumption ids drawn, held ones included) and values
    ({assumption_id: the `draws` values it took})."""
    if basis not in inference.PRICE_BASES and prices is None:
        raise ValueError(f"basis {basis!r} needs `prices`: one array of dollars per chip-hour per chip")
    rows = bearing_rows(chips, assumptions, among, basis)
    unknown = set(held or {}) - set(rows["assumption_id"])
    if unknown:
        raise KeyError(f"cannot hold {sorted(unknown)}: not among the assumptions that bear on {among} on {basis!r} "
                       f"({sorted(rows['assumption_id'])})")
    drawn = draw_assumptions(rows, draws, seed, lockstep, held)
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
    frame.attrs.update(basis=basis, drawn=list(drawn), values=drawn)
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


def summary(costs: pd.DataFrame) -> pd.DataFrame:
    """One row per chip: chip_id, central_usd (the median of its draws: the one central
    cost the book prints, CENTRAL_WORDS), low_usd and high_usd (the 5th and 95th
    percentiles of the draws, RANGE_WORDS) and p_cheapest (cheapest_shares), lowest median
    first. A chip with no cost in any draw is left out."""
    costs = costs.dropna(axis=1, how="all")
    low, central, high = np.nanpercentile(costs.to_numpy(), [PERCENTILES[0], 50, PERCENTILES[1]], axis=0)
    table = pd.DataFrame({"chip_id": costs.columns, "central_usd": central,
                          "low_usd": low, "high_usd": high, "p_cheapest": cheapest_shares(costs).to_numpy()})
    return table.sort_values(["central_usd", "chip_id"]).reset_index(drop=True)


def deciding(costs: pd.DataFrame, chip_id: str | None = None) -> pd.DataFrame:
    """How far each drawn assumption alone moves the odds, read from the draws themselves:
    for each assumption of costs.attrs['values'], the share of draws in which `chip_id`
    (default: the chip most often cheapest) is the cheapest among the draws that put the
    assumption in the lowest third of its drawn values (low_third) and among those in the
    highest third (high_third), and swing = |high_third - low_third|. An assumption whose
    draws do not split into thirds (held, or too few values) is left out. Rows sorted by
    swing, largest first: the first is the assumption that most decides the order."""
    shares = cheapest_shares(costs)
    chip_id = chip_id or shares.idxmax()
    priced = costs.notna().any(axis=1).to_numpy()
    wins = (costs.fillna(np.inf).to_numpy().argmin(axis=1) == list(costs.columns).index(chip_id)) & priced
    rows = []
    for assumption_id, values in costs.attrs.get("values", {}).items():
        low_cut, high_cut = np.quantile(values, [1 / 3, 2 / 3])
        low, high = (values <= low_cut) & priced, (values >= high_cut) & priced
        if low_cut == high_cut or not low.any() or not high.any() or (low & high).any():
            continue
        rows.append({"assumption_id": assumption_id, "chip_id": chip_id, "low_third": wins[low].mean(),
                     "high_third": wins[high].mean()})
    table = pd.DataFrame(rows, columns=["assumption_id", "chip_id", "low_third", "high_third"])
    table["swing"] = (table["high_third"] - table["low_third"]).abs()
    return table.sort_values(["swing", "assumption_id"], ascending=[False, True]).reset_index(drop=True)


def odds_curve(run, assumption_id: str, values: list[float]) -> pd.DataFrame:
    """The odds with one assumption held at each of `values` and the rest drawn: `run` is
    a function of a held value returning a joint_costs frame (the same draws every time,
    so the curve moves only with the held value). One row per value and chip: value,
    chip_id, p_cheapest (cheapest_shares), median_usd."""
    rows = []
    for value in values:
        costs = run(value)
        shares, medians = cheapest_shares(costs), costs.median()
        rows += [{"assumption_id": assumption_id, "value": float(value), "chip_id": c, "p_cheapest": float(shares[c]),
                  "median_usd": float(medians[c])} for c in costs.columns]
    return pd.DataFrame(rows)


def scaled_curve(costs: pd.DataFrame, chip_id: str, at: float, values: list[float], name: str,
                 exponent: int = 1) -> pd.DataFrame:
    """odds_curve for a term that one chip's price goes as a power of (a contract's dollars,
    exponent 1; its quantity, -1): `costs` drawn with the term held at `at`, `chip_id`'s
    column scaled by (value / at) ** exponent for each of `values`, the rest as drawn, which
    is what drawing again with the term held at each value would give. Same columns as
    odds_curve."""
    def run(value):
        return costs.assign(**{chip_id: costs[chip_id] * (value / at) ** exponent})
    return odds_curve(run, name, values)


def crossing(curve: pd.DataFrame) -> dict | None:
    """Where the chip most often cheapest changes along an odds_curve: {value (linearly
    interpolated where the two chips' shares are equal), before (chip_id leading at the
    lower values), after (chip_id leading beyond)}, or None when one chip leads at every
    value. Only the first change is given."""
    wide = curve.pivot_table(index="value", columns="chip_id", values="p_cheapest").sort_index()
    leaders = wide.idxmax(axis=1)
    for (x0, first), (x1, second) in zip(list(leaders.items())[:-1], list(leaders.items())[1:]):
        if first != second:
            gap0 = wide.at[x0, first] - wide.at[x0, second]
            gap1 = wide.at[x1, first] - wide.at[x1, second]
            value = x0 + (x1 - x0) * gap0 / (gap0 - gap1) if gap0 != gap1 else x0
            return {"value": float(value), "before": first, "after": second}
    return None


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


def curve_reading(curve: pd.DataFrame, names: dict[str, str], fmt=lambda v: f"{v:g}", rounding: float = 0.0) -> dict:
    """What an odds_curve says, in words and figures: the chip most often cheapest at each
    end of the curve with its share (low_leader, low_share, high_leader, high_share, by
    name), low and high (the ends, `fmt`ted), and crossing (where the leader changes, rounded
    to a multiple of `rounding` when one is given; None when one chip leads throughout), with
    'sentence': '<chip> is the cheapest in most draws below about <x> and <chip> above it',
    or '<chip> is the cheapest in most draws across the whole range (<low> to <high>)'."""
    ends = curve[curve["value"].isin([curve["value"].min(), curve["value"].max()])]
    lead = ends.loc[ends.groupby("value")["p_cheapest"].idxmax()].sort_values("value")
    out = {"low_leader": names[lead["chip_id"].iat[0]], "low_share": float(lead["p_cheapest"].iat[0]),
           "high_leader": names[lead["chip_id"].iat[-1]], "high_share": float(lead["p_cheapest"].iat[-1]),
           "low": fmt(curve["value"].min()), "high": fmt(curve["value"].max()), "crossing": None}
    cross = crossing(curve)
    if cross is None:
        out["sentence"] = f"{out['low_leader']} is the cheapest in most draws across the whole range ({out['low']} to {out['high']})"
        return out
    value = round(cross["value"] / rounding) * rounding if rounding else cross["value"]
    out["crossing"] = float(value)
    out["sentence"] = (f"{names[cross['before']]} is the cheapest in most draws below about {fmt(value)} and "
                       f"{names[cross['after']]} above it")
    return out
