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

Each term says how its source states it (`bound`, BOUNDS): a figure given as it is, a floor
("more than"), a ceiling ("up to") or the book's assumption where the source is silent. A
floor is carried as a bound: its low end is the stated figure and its high end a reasoned
upside, and the chapter shows the odds across that span (`inference_joint.scaled_curve`)
rather than at the floor. A contract whose capacity the compute-mix model already counts
names those tranches (`tranche_ids`): its quantity is then the tranches' chips in
H100-equivalents (`tranche_quantity`), one count for both models, and it has no quantity term.
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
BOUNDS = {"stated": "the figure as its source gives it", "floor": "a floor: the source says 'more than'",
          "ceiling": "a ceiling: the source says 'up to'", "assumed": "the book's assumption: the source is silent"}
# The basis on which a contract counts H100-equivalents: Epoch AI's, the compute-mix model's headline.
H100E_BASIS = computemix.HEADLINE
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


def tranche_ids(contract: dict) -> list[str]:
    """The compute-mix tranches a contract's capacity is counted from (its space-separated
    tranche_ids), or [] when its quantity is a term of its own."""
    text = contract.get("tranche_ids")
    return text.split() if isinstance(text, str) and text.strip() else []


def tranche_quantity(ids: list[str], tranches: pd.DataFrame, specs: pd.DataFrame) -> tuple[float, float, float]:
    """(low, central, high) H100-equivalents (H100E_BASIS) of the compute-mix tranches
    `ids`: each tranche's amount_low, amount_central and amount_high chips times its chip's
    H100e (computemix.h100e_per_chip), summed. Raises KeyError for an id the tranche table
    lacks and ValueError for a tranche not counted in chips."""
    table = tranches.set_index("tranche_id")
    missing = [t for t in ids if t not in table.index]
    if missing:
        raise KeyError(f"no compute-mix tranche {missing}; the tranches are {sorted(table.index)}")
    rows = table.loc[ids]
    not_chips = list(rows.index[rows["measure"] != "chips"])
    if not_chips:
        raise ValueError(f"tranches {not_chips} are not counted in chips: a contract's H100-equivalents need chip counts")
    per_chip = rows["chip_id"].map(computemix.h100e_per_chip(specs, H100E_BASIS)).astype(float)
    return tuple(float((rows[f"amount_{end}"].astype(float) * per_chip).sum()) for end in ("low", "central", "high"))


def _terms(terms: pd.DataFrame, contract_id: str, quantity: tuple[float, float, float] | None = None) -> pd.DataFrame:
    own = terms[terms["contract_id"] == contract_id].set_index("parameter")
    if quantity is not None:  # counted from the compute-mix tranches, not a term of its own
        if "quantity" in own.index:
            raise ValueError(f"{contract_id} counts its capacity from compute-mix tranches and has a quantity term too")
        own.loc["quantity", ["low", "central", "high"]] = quantity
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


def _quantity(contract: dict, tranches: pd.DataFrame | None, specs: pd.DataFrame) -> tuple[float, float, float] | None:
    ids = tranche_ids(contract)
    if not ids:
        return None
    if tranches is None:
        raise ValueError(f"{contract['contract_id']} counts its capacity from compute-mix tranches: pass `tranches`")
    return tranche_quantity(ids, tranches, specs)


def contract_prices(contracts: pd.DataFrame, terms: pd.DataFrame, power: pd.DataFrame, specs: pd.DataFrame,
                    tranches: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each contract's implied price per chip-hour: one row per contract with its columns
    and quantity_low, quantity_central, quantity_high (its quantity term, or its tranches'
    H100-equivalents from `tranches`, the compute-mix tranche table), chips_central,
    low_usd, central_usd and high_usd (every term, and the chip's power for a gigawatt
    contract, at the end that lowers the price, at central, at the end that raises it)."""
    rows = []
    for contract in contracts.to_dict("records"):
        own = _terms(terms, contract["contract_id"], _quantity(contract, tranches, specs))
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
        quantity = {f"quantity_{e}": float(own.at["quantity", e]) for e in ("low", "central", "high")}
        rows.append(contract | quantity | {"chips_central": chips, "low_usd": at("low")[0], "central_usd": central,
                                           "high_usd": at("high")[0]})
    return pd.DataFrame(rows)


def price_draws(contracts: pd.DataFrame, terms: pd.DataFrame, power: pd.DataFrame, specs: pd.DataFrame,
                chip_ids: list[str], draws: int = DRAWS, seed: int = SEED, tranches: pd.DataFrame | None = None,
                held: dict[str, dict[str, float]] | None = None) -> dict[str, np.ndarray]:
    """{chip_id: `draws` prices per chip-hour} for each chip of `chip_ids` bought by a
    rental contract: every term (and the chip's IT watts and PUE for a gigawatt contract)
    drawn from its own triangular stream, named after the contract and the term, except
    those `held` ({contract_id: {parameter: value}}), which take that value in every draw.
    Raises ValueError when two rental contracts are read as the same chip (which would one
    price?)."""
    rentals = contracts[(contracts["kind"] == "rental") & contracts["chip_id"].isin(chip_ids)]
    doubled = rentals["chip_id"][rentals["chip_id"].duplicated()].tolist()
    if doubled:
        raise ValueError(f"more than one rental contract is read as {doubled}: say which prices the chip")
    out = {}
    for contract in rentals.to_dict("records"):
        own = _terms(terms, contract["contract_id"], _quantity(contract, tranches, specs))
        fixed = (held or {}).get(contract["contract_id"], {})
        drawn = {p: (np.full(draws, float(fixed[p])) if p in fixed else
                     draw(p, *own.loc[p, ["low", "central", "high"]], uniforms(f"contract:{contract['contract_id']}:{p}", draws, seed))
                     if not own.loc[p, ["low", "central", "high"]].isna().any() else np.full(draws, np.nan)) for p in TERMS}
        extra = {k: (draw(k, *v, uniforms(f"contract:{contract['contract_id']}:{k}", draws, seed)) if v[0] != v[2] else np.full(draws, v[1]))
                 for k, v in _chip_figures(contract, power, specs).items()}
        out[contract["chip_id"]] = price_per_chip_hour(contract, drawn, **extra)
    return out


def floor_terms(contracts: pd.DataFrame, terms: pd.DataFrame, chip_ids: list[str]) -> pd.DataFrame:
    """The terms stated as a floor in the rental contracts that price `chip_ids`: one row per
    term with contract_id, chip_id, counterparty, parameter, low (the floor), central, high
    (the reasoned upside) and unit."""
    rentals = contracts[(contracts["kind"] == "rental") & contracts["chip_id"].isin(chip_ids)]
    floors = terms[terms["bound"] == "floor"].merge(rentals[["contract_id", "chip_id", "counterparty"]], on="contract_id")
    return floors[["contract_id", "chip_id", "counterparty", "parameter", "low", "central", "high", "unit"]].reset_index(drop=True)


def markup_text(value: float) -> str:
    """A price over an owning cost in words: '1.3 times', 'about the same', '0.7 times'."""
    return "about the same as" if 0.95 <= value <= 1.05 else f"{value:.1f} times"
