"""What public contracts imply a chip-hour costs: a cross-check of the cost model's price
bases against what Anthropic pays, or is reported to pay.

Anthropic rents most of its capacity (Azure, AWS, Google Cloud, SpaceX) and buys some
outright (TPU racks from Broadcom). The owning cost excludes the renting cloud's margin; a
list price less a discount is a guess at it. Public contract figures bound it instead. Each
contract (cost_contracts) is read as buying one chip, with its terms as ranges
(cost_contract_terms), and implies a price per chip-hour:

    chips          = quantity                       (chips)
                   = quantity / H100e per chip       (H100-equivalents, Epoch AI's 8-bit basis)
                   = quantity · 10^9 / (IT watts · PUE)   (gigawatts of facility power;
                                                     compute_mix_chip_power)
    chip-hours     = chips · delivered share · hours (a month's for a monthly fee,
                                                     the term's for a total)
    $ / chip-hour  = dollars · compute share / chip-hours

A rental's price is all-in, like an owning cost (power, hosting and network included); a
purchase's is the hardware alone spread over its economic life (`kind`). Low and high set
every term at the end that lowers and that raises the price; `price_draws` draws them
jointly (triangular, as every range of the book) for the joint sensitivity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import computemix
from .inference_joint import DRAWS, SEED, draw, uniforms

HOURS_PER_YEAR = 8766  # 365.25 days
HOURS_PER_MONTH = HOURS_PER_YEAR / 12
TERMS = ("usd_billions", "quantity", "term_years", "delivered_share", "compute_share")
# How each term moves the price: +1 raises it as the term rises, -1 lowers it.
DIRECTION = {"usd_billions": 1, "compute_share": 1, "quantity": -1, "term_years": -1, "delivered_share": -1,
             "it_watts": 1, "pue": 1}
KINDS = {"rental": "all-in rental", "purchase": "hardware alone, over its life"}
UNITS = ("chips", "h100e", "gigawatts")
DOLLARS_PER = ("month", "total")


def chips_bought(quantity: float, unit: str, *, it_watts: float = np.nan, pue: float = np.nan,
                 h100e_per_chip: float = np.nan) -> float:
    """Chips a contract's quantity stands for: a count as it is, H100-equivalents divided by
    the chip's H100e, gigawatts of facility power divided by the chip's facility watts
    (IT watts x PUE). Raises ValueError for another unit."""
    if unit == "chips":
        return quantity
    if unit == "h100e":
        return quantity / h100e_per_chip
    if unit == "gigawatts":
        return quantity * computemix.chips_per_gigawatt(it_watts, pue)
    raise ValueError(f"a contract's quantity is in chips, h100e or gigawatts, not {unit!r}")


def price_per_chip_hour(contract: dict, terms: dict[str, float], *, it_watts: float = np.nan, pue: float = np.nan,
                        h100e_per_chip: float = np.nan) -> float:
    """The module docstring's arithmetic for one contract (a cost_contracts row as a dict)
    at one value of each term (`terms`, TERMS as keys; a monthly fee needs no term_years)."""
    chips = chips_bought(terms["quantity"], contract["quantity_unit"], it_watts=it_watts, pue=pue,
                         h100e_per_chip=h100e_per_chip)
    hours = HOURS_PER_MONTH if contract["dollars_per"] == "month" else terms["term_years"] * HOURS_PER_YEAR
    return terms["usd_billions"] * 1e9 * terms["compute_share"] / (chips * terms["delivered_share"] * hours)


def _terms(terms: pd.DataFrame, contract_id: str) -> pd.DataFrame:
    own = terms[terms["contract_id"] == contract_id].set_index("parameter")
    for parameter, default in (("delivered_share", 1.0), ("compute_share", 1.0), ("term_years", np.nan)):
        if parameter not in own.index:  # a term a contract does not need is held at 1 (or unused)
            own.loc[parameter, ["low", "central", "high"]] = default
    return own


def _chip_figures(contract: dict, power: pd.DataFrame, specs: pd.DataFrame) -> dict[str, tuple[float, float, float]]:
    """(low, central, high) IT watts and PUE of the chip a gigawatt contract buys, and its
    H100e for an h100e contract (one value, thrice)."""
    figures = {}
    if contract["quantity_unit"] == "gigawatts":
        row = power.set_index("chip_id").loc[contract["chip_id"]]
        figures["it_watts"] = tuple(float(row[f"it_watts_{e}"]) for e in ("low", "central", "high"))
        figures["pue"] = tuple(float(row[f"pue_{e}"]) for e in ("low", "central", "high"))
    if contract["quantity_unit"] == "h100e":
        h100e = float(computemix.h100e_per_chip(specs, "8-bit")[contract["chip_id"]])
        figures["h100e_per_chip"] = (h100e, h100e, h100e)
    return figures


def contract_prices(contracts: pd.DataFrame, terms: pd.DataFrame, power: pd.DataFrame, specs: pd.DataFrame) -> pd.DataFrame:
    """Each contract's implied price per chip-hour: one row per contract with its columns
    and chips_central, low_usd, central_usd and high_usd (every term, and the chip's power
    for a gigawatt contract, at the end that lowers the price, at central, at the end that
    raises it)."""
    rows = []
    for contract in contracts.to_dict("records"):
        own = _terms(terms, contract["contract_id"])
        figures = _chip_figures(contract, power, specs)

        def at(side):
            def end(name, values):
                if side == "central":
                    return values[1]
                lowering = DIRECTION[name] < 0  # the high end lowers a price that falls as the term rises
                return values[2 if lowering == (side == "low") else 0]
            t = {p: end(p, tuple(own.loc[p, ["low", "central", "high"]])) for p in TERMS}
            extra = {k: (end(k, v) if k in DIRECTION else v[1]) for k, v in figures.items()}
            return price_per_chip_hour(contract, t, **extra), t, extra
        central, t, extra = at("central")
        chips = chips_bought(t["quantity"], contract["quantity_unit"], **extra)
        rows.append(contract | {"chips_central": chips, "low_usd": at("low")[0], "central_usd": central, "high_usd": at("high")[0]})
    return pd.DataFrame(rows)


def price_draws(contracts: pd.DataFrame, terms: pd.DataFrame, power: pd.DataFrame, specs: pd.DataFrame,
                chip_ids: list[str], draws: int = DRAWS, seed: int = SEED) -> dict[str, np.ndarray]:
    """{chip_id: `draws` prices per chip-hour} for each chip of `chip_ids` bought by a
    rental contract: every term (and the chip's IT watts and PUE for a gigawatt contract)
    drawn from its own triangular stream, named after the contract and the term. Raises
    ValueError when two rental contracts are read as the same chip (which would one
    price?)."""
    rentals = contracts[(contracts["kind"] == "rental") & contracts["chip_id"].isin(chip_ids)]
    doubled = rentals["chip_id"][rentals["chip_id"].duplicated()].tolist()
    if doubled:
        raise ValueError(f"more than one rental contract is read as {doubled}: say which prices the chip")
    out = {}
    for contract in rentals.to_dict("records"):
        own = _terms(terms, contract["contract_id"])
        drawn = {p: (draw(p, *own.loc[p, ["low", "central", "high"]], uniforms(f"contract:{contract['contract_id']}:{p}", draws, seed))
                     if not own.loc[p, ["low", "central", "high"]].isna().any() else np.full(draws, np.nan)) for p in TERMS}
        extra = {k: (draw(k, *v, uniforms(f"contract:{contract['contract_id']}:{k}", draws, seed)) if v[0] != v[2] else np.full(draws, v[1]))
                 for k, v in _chip_figures(contract, power, specs).items()}
        out[contract["chip_id"]] = price_per_chip_hour(contract, drawn, **extra)
    return out


def markup_text(value: float) -> str:
    """A price over an owning cost in words: '1.3 times', 'about the same', '0.7 times'."""
    return "about the same as" if 0.95 <= value <= 1.05 else f"{value:.1f} times"
