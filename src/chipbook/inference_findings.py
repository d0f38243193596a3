"""The cost model's findings about the chips serving Anthropic, computed once and worded
once for the inference-economics chapter, the verdict chapter and the front page.

`CostFindings.load()` reads the book's tables and prices list prices at the like date
(`inference.like_date`); its properties run the ranges, the joint sensitivity on owning
cost and at contract-implied prices (`inference_joint`, `inference_contracts`) and the
contract cross-check, each once.

Every cost the texts print for the chips Anthropic is buying is the median of the joint
draws with the 5th-95th percentile of the draws as its range (inference_joint.CENTRAL_WORDS,
RANGE_WORDS); the one-at-a-time ranges are named as such where they appear. Where the odds
turn on one assumption (`deciding_curve`) or on a contract term stated only as a floor
(`floor_curve`), the texts give the odds as a curve over it and where the leader changes,
never one share read at the floor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from . import computemix, inference, inference_contracts, inference_joint
from .data import load_table

# How the texts name the contract-implied basis, beside inference.BASIS_WORDS.
CONTRACT_WORDS = "At the prices public contracts imply"
# A rental implying less than this share of its chip's owning cost is read as priced below the
# owner's cost (a margin of a few percent either side of 1 is within the owning cost's own range).
BELOW_COST = 0.95
# Points along a curve of the odds over one assumption or one contract term, ends included.
CURVE_POINTS = 11


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _grid(row: pd.Series) -> list[float]:
    """CURVE_POINTS values across an assumption's range, low to high; a discrete one's three
    values, a count's whole numbers."""
    if row["parameter"] in inference_joint.DISCRETE:
        return sorted({float(row["low"]), float(row["central"]), float(row["high"])})
    values = np.linspace(float(row["low"]), float(row["high"]), CURVE_POINTS)
    if row["parameter"] in inference_joint.WHOLE:
        values = np.unique(np.round(values))
    return [float(v) for v in values]


@dataclass
class CostFindings:
    """The cost model's inputs (list prices at the like date) and what it finds among the
    chips serving Anthropic in the central scenario (`fleet`)."""

    specs: pd.DataFrame
    prices: pd.DataFrame
    chips: pd.DataFrame
    model: inference.ReferenceModel
    assumptions: pd.DataFrame
    cost_scenarios: pd.DataFrame
    contracts: pd.DataFrame
    terms: pd.DataFrame
    power: pd.DataFrame
    tranches: pd.DataFrame | None = None  # the compute-mix tranches some contracts count their capacity from
    draws: int = inference_joint.DRAWS
    names: dict[str, str] = field(init=False)

    def __post_init__(self):
        self.names = dict(zip(self.chips["chip_id"], self.chips["chip"]))

    @classmethod
    def load(cls, draws: int = inference_joint.DRAWS) -> "CostFindings":
        specs, prices = load_table("accelerator_specs"), load_table("accelerator_prices")
        chips = inference.chip_frame(specs, prices, load_table("serving_domains"), load_table("serving_formats"),
                                     on=inference.like_date(prices, specs))
        return cls(specs=specs, prices=prices, chips=chips,
                   model=inference.ReferenceModel.from_row(load_table("reference_models").iloc[0]),
                   assumptions=load_table("cost_assumptions"), cost_scenarios=load_table("cost_scenarios"),
                   contracts=load_table("cost_contracts"), terms=load_table("cost_contract_terms"),
                   power=load_table("compute_mix_chip_power"), tranches=computemix.inputs().tranches, draws=draws)

    @property
    def fleet(self) -> list[str]:
        return inference.fleet(self.cost_scenarios)

    @cached_property
    def verdicts(self) -> dict[str, pd.DataFrame]:
        """inference.could_be_cheapest of each price basis's ranges."""
        return {basis: inference.could_be_cheapest(inference.cost_range(self.chips, self.model, self.assumptions, basis))
                for basis in inference.PRICE_BASES}

    @cached_property
    def owning_table(self) -> pd.DataFrame:
        return inference.cost_table(self.chips, self.model, self.assumptions, basis="owning")

    @cached_property
    def contract_prices(self) -> pd.DataFrame:
        """inference_contracts.contract_prices with, per contract, the chip's owning cost
        (owning_usd), the price over it (markup) and the cost per million output tokens at
        the implied price and the model's central chip-seconds (low, central, high)."""
        table = inference_contracts.contract_prices(self.contracts, self.terms, self.power, self.specs, self.tranches)
        floors = set(self.terms.loc[self.terms["bound"] == "floor", "contract_id"]) if "bound" in self.terms else set()
        table["floor"] = table["contract_id"].isin(floors)
        seconds = self.owning_table.set_index("chip_id")["chip_seconds_per_token"]
        owning = self.owning_table.set_index("chip_id")["usd_per_chip_hour"]
        table["chip"] = table["chip_id"].map(self.names)
        table["owning_usd"] = table["chip_id"].map(owning)
        table["markup"] = table["central_usd"] / table["owning_usd"]
        for end in ("low", "central", "high"):
            table[f"{end}_per_mtok"] = table[f"{end}_usd"] * table["chip_id"].map(seconds) / inference.HOURS_TO_SECONDS * inference.PER_MILLION
        return table

    @cached_property
    def owning_draws(self) -> pd.DataFrame:
        """inference_joint.joint_costs of the fleet on owning cost."""
        return inference_joint.joint_costs(self.chips, self.model, self.assumptions, self.fleet, "owning", self.draws)

    @cached_property
    def owning_joint(self) -> pd.DataFrame:
        """inference_joint.summary of the fleet on owning cost; attrs['drawn'] the ids drawn."""
        table = inference_joint.summary(self.owning_draws)
        table.attrs["drawn"] = self.owning_draws.attrs["drawn"]
        return table

    def _contract_draws(self, held: dict[str, dict[str, float]] | None = None) -> pd.DataFrame:
        prices = inference_contracts.price_draws(self.contracts, self.terms, self.power, self.specs, self.fleet, self.draws,
                                                 tranches=self.tranches, held=held)
        return inference_joint.joint_costs(self.chips, self.model, self.assumptions, self.fleet, "contract", self.draws,
                                           prices=prices)

    @cached_property
    def contract_joint(self) -> pd.DataFrame:
        """inference_joint.summary of the fleet at contract-implied prices (the rental
        contracts read as each fleet chip, every term drawn over its range, a floor's from
        the floor to its upside, with the model's assumptions)."""
        costs = self._contract_draws()
        table = inference_joint.summary(costs)
        table.attrs["drawn"] = costs.attrs["drawn"]
        return table

    @cached_property
    def floors(self) -> pd.DataFrame:
        """inference_contracts.floor_terms of the rentals pricing the fleet."""
        return inference_contracts.floor_terms(self.contracts, self.terms, self.fleet)

    def floor_curve(self, floor: dict) -> pd.DataFrame:
        """The odds at contract-implied prices with one floor term (a row of `floors`) held at
        CURVE_POINTS values from the floor to its upside and everything else drawn
        (inference_joint.scaled_curve: the chip's price goes as the term's power
        inference_contracts.DIRECTION)."""
        at = float(floor["low"])
        costs = self._contract_draws({floor["contract_id"]: {floor["parameter"]: at}})
        values = list(np.linspace(at, float(floor["high"]), CURVE_POINTS))
        return inference_joint.scaled_curve(costs, floor["chip_id"], at, values, f"{floor['contract_id']}:{floor['parameter']}",
                                            inference_contracts.DIRECTION[floor["parameter"]])

    @cached_property
    def deciding(self) -> pd.DataFrame:
        """inference_joint.deciding on the owning-cost draws, with each assumption's label."""
        table = inference_joint.deciding(self.owning_draws)
        rows = self.assumptions.set_index("assumption_id")
        table["label"] = [inference.assumption_label(rows.loc[a].to_dict() | {"assumption_id": a}, self.names)
                          for a in table["assumption_id"]]
        return table

    @cached_property
    def deciding_curve(self) -> pd.DataFrame:
        """The owning-cost odds with the assumption that most decides them (the first row of
        `deciding`) held at CURVE_POINTS values across its range, the rest drawn."""
        row = self.assumptions.set_index("assumption_id").loc[self.deciding["assumption_id"].iat[0]]

        def run(value):
            return inference_joint.joint_costs(self.chips, self.model, self.assumptions, self.fleet, "owning", self.draws,
                                               held={row.name: value})
        chip_id = inference.priced_by(self.assumptions, row.name)
        if chip_id in self.fleet:  # one chip's price goes as the row's value: draw once, scale (exact, and fast)
            return inference_joint.scaled_curve(run(float(row["central"])), chip_id, float(row["central"]), _grid(row), row.name)
        return inference_joint.odds_curve(run, row.name, _grid(row))

    def odds(self, table: pd.DataFrame) -> str:
        return inference_joint.odds_text(table, self.names)

    def dearer(self, basis: str = "owning") -> list[str]:
        table = self.verdicts[basis]
        return list(table.loc[~table["could_be_cheapest"], "chip"])


def cost_list(findings: CostFindings, table: pd.DataFrame) -> str:
    """'TPU7x $0.51 ($0.19 to $1.32); ...': each chip's median and its 5th-95th percentile."""
    return "; ".join(f"{findings.names[r.chip_id]} ${r.central_usd:.2f} (${r.low_usd:.2f} to ${r.high_usd:.2f})"
                     for r in table.itertuples())


def joint_sentence(findings: CostFindings, table: pd.DataFrame, words: str, odds: bool = True) -> str:
    """One sentence: on a basis (`words`, e.g. 'On owning cost'), each fleet chip's cost per
    million output tokens when every assumption is drawn at once (the median, with the 5th
    to 95th percentile of the draws) and, with `odds`, how often each costs least."""
    text = (f"{words}, drawing every assumption at once ({findings.draws:,} times), a million output tokens cost "
            f"({inference_joint.CENTRAL_WORDS}, with {inference_joint.RANGE_WORDS}): {cost_list(findings, table)}")
    return text + (f"; the cheapest is {findings.odds(table)}." if odds else ".")


def value_text(row: dict | pd.Series, value: float) -> str:
    """An assumption's or a term's value in its unit's words: '0.70', '55%', '$2.21', '$150B'."""
    unit = str(row["unit"])
    if unit.startswith("billion US dollars"):
        return f"${value:,.0f}B"
    if unit.startswith("share"):
        return f"{value:.0%}"
    if unit.startswith("US dollars"):
        return f"${value:.2f}"
    if unit.startswith(("times", "multiplier")):
        return f"{value:.2f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:g}"


def assumption_words(row: pd.Series, names: dict[str, str]) -> str:
    """An assumption row (indexed by assumption_id) in words for a sentence: an owning-cost
    ratio says what it compares; every other row its chart label (inference.assumption_label)."""
    if row["parameter"] == "owning_cost_ratio":
        return (f"{names[row['chip_id']]}'s owning cost per unit of capability as a multiple of "
                f"{names[row['relative_to']]}'s")
    return inference.assumption_label(row.to_dict() | {"assumption_id": row.name}, names)


def odds_table(curve: pd.DataFrame, names: dict[str, str], fmt, every: int = 2) -> pd.DataFrame:
    """An odds curve (inference_joint.odds_curve) as a small table: one row for every
    `every`-th value held (both ends always kept), the value in words (`fmt`) and each chip's
    share of the draws as the cheapest (inference_joint.share_text), chips most often
    cheapest anywhere first."""
    wide = curve.pivot_table(index="value", columns="chip_id", values="p_cheapest").sort_index()
    keep = list(wide.index[::every]) + ([wide.index[-1]] if (len(wide) - 1) % every else [])
    order = wide.max().sort_values(ascending=False).index
    table = pd.DataFrame({"value": [fmt(v) for v in keep]})
    for chip_id in order:
        table[names[chip_id]] = [inference_joint.share_text(float(wide.at[v, chip_id])) for v in keep]
    return table


def odds_caption(curve: pd.DataFrame, names: dict[str, str], what: str, fmt, rounding: float = 0.0) -> str:
    """The finding of an odds table, from the curve it shows: `what`, then where the chip
    most often cheapest changes (inference_joint.curve_reading)."""
    return f"{what}: {inference_joint.curve_reading(curve, names, fmt, rounding)['sentence']}"


def deciding_reading(findings: CostFindings) -> dict[str, object]:
    """The assumption that most decides the owning-cost odds (findings.deciding's first row)
    and what its curve says (inference_joint.curve_reading), with 'label' (words for it),
    the thirds' shares and 'range'."""
    top = findings.deciding.iloc[0]
    row = findings.assumptions.set_index("assumption_id").loc[top["assumption_id"]]
    reading = inference_joint.curve_reading(findings.deciding_curve, findings.names, lambda v: value_text(row, v))
    return reading | {"assumption_id": top["assumption_id"], "label": assumption_words(row, findings.names),
                      "chip": findings.names[top["chip_id"]],
                      "low_third": float(top["low_third"]), "high_third": float(top["high_third"]),
                      "range": f"{value_text(row, row['low'])} to {value_text(row, row['high'])}"}


def floor_reading(findings: CostFindings) -> dict[str, object] | None:
    """What the contract odds say when a term pricing a fleet chip is stated only as a floor
    (findings.floors' first row; None when there is none): the curve over it
    (inference_joint.curve_reading, a dollar total rounded to $5B), the floor in words ('more than $100B'), the counterparty
    and the chip it prices, and break_even: the value at which the contract's central
    reading prices that chip at its owning cost (no cloud rents below it for long), and
    below_cost, whether the floor itself prices it below that cost."""
    if findings.floors.empty:
        return None
    floor = findings.floors.iloc[0].to_dict()
    rounding = 5.0 if str(floor["unit"]).startswith("billion US dollars") else 0.0
    reading = inference_joint.curve_reading(findings.floor_curve(floor), findings.names, lambda v: value_text(floor, v), rounding)
    price = findings.contract_prices.set_index("contract_id").loc[floor["contract_id"]]
    exponent = inference_contracts.DIRECTION[floor["parameter"]]
    # the price goes as the term ** exponent: at the floor it is central_usd x (low / central) ** exponent
    at_floor = price["central_usd"] * (float(floor["low"]) / float(floor["central"])) ** exponent
    break_even = float(floor["low"]) * (price["owning_usd"] / at_floor) ** (1 / exponent)
    return reading | {"counterparty": floor["counterparty"], "chip": findings.names[floor["chip_id"]],
                      "below_cost": bool(at_floor < price["owning_usd"]),
                      "floor": f"more than {value_text(floor, float(floor['low']))}",
                      "upside": value_text(floor, float(floor["high"])),
                      "break_even": float(break_even), "break_even_text": value_text(floor, round(break_even / 5) * 5
                                                                                     if rounding else break_even)}


def contract_odds_text(findings: CostFindings) -> str:
    """The odds at contract-implied prices as the book states them: a bounded statement over
    the floor when a fleet chip's price rests on one (floor_reading), else the odds."""
    floor = floor_reading(findings)
    if floor is None:
        return inference_joint.odds_reading(findings.contract_joint, findings.names)
    text = (f"the order turns on {floor['counterparty']}'s deal, whose terms are stated only as a floor ({floor['floor']}): "
            f"{floor['sentence']}")
    if floor["below_cost"]:
        text += (f", and at the floor itself {floor['counterparty']} would rent {floor['chip']} below the model's owning "
                 f"cost, which would take about {floor['break_even_text']} to cover")
    return text


def owning_odds_text(findings: CostFindings) -> str:
    """The odds on owning cost and, when the draws cannot tell the leaders apart, the one
    assumption that most decides their order and where it flips (deciding_reading)."""
    text = inference_joint.odds_reading(findings.owning_joint, findings.names)
    if (findings.owning_joint["p_cheapest"] >= inference_joint.TOLD_APART).sum() < 2 or findings.deciding.empty:
        return text
    decide = deciding_reading(findings)
    return (f"{text}; the assumption that moves their odds most is {decide['label']} ({decide['range']}): "
            f"{decide['sentence']}")


def front_page_markdown(findings: CostFindings, href: str) -> str:
    """The front page's serving-cost line: what the model can and cannot tell apart among
    the chips Anthropic is buying on owning cost, what decides it, and at contract-implied
    prices a bounded statement where a price rests on a floor; `href` links the chapter."""
    return (f"**What serving costs:** per million output tokens of a stand-in open model (decoding only), with all its "
            f"assumptions drawn together, the book's cost model compares the chips Anthropic is buying now. On owning cost "
            f"{owning_odds_text(findings)}. At the prices public contracts imply, {contract_odds_text(findings)}. "
            f"[What the model assumes, and what moves it]({href}).")


# --- the inference-economics chapter's figures, computed here and pasted by glue ----------------

def joint_for(findings: CostFindings, among: list[str], lockstep: tuple[str, ...] = ()) -> pd.DataFrame:
    """inference_joint.summary on owning cost of any chips (a scenario's fleet), optionally
    with some parameters drawn in lockstep."""
    costs = inference_joint.joint_costs(findings.chips, findings.model, findings.assumptions, among, "owning",
                                        findings.draws, lockstep=lockstep)
    return inference_joint.summary(costs)


def nearest_call(findings: CostFindings, result: pd.DataFrame) -> str:
    """The one-at-a-time assumption that brings the next chip closest without changing the
    leader (inference.nearest_call), among those that bear on these chips on the tornado's
    basis (inference_joint.bearing_rows): 'the nearest call is <label> at its <end> end, which
    leaves the leader at <lead> times the next chip's cost', or a clause saying none does."""
    among = result.attrs["among"] or list(result.attrs["central_order"])
    bearing = set(inference_joint.bearing_rows(findings.chips, findings.assumptions, among, result.attrs["basis"])["assumption_id"])
    row = inference.nearest_call(result, bearing)
    if row is None:
        return "no other assumption moved alone brings the next chip any closer"
    return (f"the nearest call is {inference.assumption_label(row, findings.names)} at its {row['end']} end, which leaves "
            f"the leader at {row['lead']:.2f} times the next chip's cost")


def per_capability(findings: CostFindings, chip_id: str, against: str) -> float:
    """`chip_id`'s owning cost per unit of capability over `against`'s, capability at the
    basis weight's central value (inference.capability): how two chips' owning costs compare
    per unit of what they deliver."""
    a = findings.assumptions
    weight = float(a.loc[a["parameter"] == inference.BASIS_WEIGHT, "central"].iat[0]) \
        if (a["parameter"] == inference.BASIS_WEIGHT).any() else 0.0
    owning = inference.owning_costs(findings.chips, a)
    specs = inference.spec_records(findings.chips.set_index("chip_id"))
    return float(owning[chip_id] / inference.capability(specs[chip_id], weight)
                 / (owning[against] / inference.capability(specs[against], weight)))


def _owning_with(findings: CostFindings, chip_id: str, **moved_rows) -> float:
    """A chip's owning cost with the basis weight (or other rows) set by id."""
    return float(inference.owning_costs(findings.chips, findings.assumptions, moved_rows)[chip_id])


def borrowed_ratio_cost(findings: CostFindings, chip_id: str, from_chip_id: str) -> float:
    """What `chip_id`'s owning cost would be at `from_chip_id`'s central ratio and reference
    per dense 8-bit FLOP/s: the rule that once borrowed the TPU's ratio for Trainium."""
    a = findings.assumptions
    ratio = a[(a["chip_id"] == from_chip_id) & (a["parameter"] == "owning_cost_ratio")].iloc[0]
    direct = a[(a["parameter"] == "owning_cost") & (a["chip_id"] == ratio["relative_to"])].iloc[0]
    rows = [direct.to_dict(), ratio.to_dict() | {"chip_id": chip_id, "assumption_id": "borrowed"}]
    value = {direct["assumption_id"]: float(direct["central"]), "borrowed": float(ratio["central"])}
    return inference.owning_cost_values(findings.chips.set_index("chip_id"), rows, value)[chip_id]


def same_cloud_ratio(prices: pd.DataFrame, chip_id: str, reference: str) -> tuple[float, str, pd.Timestamp]:
    """The ratio of two chips' on-demand list prices on the same cloud and date (the latest
    date both have one, cheapest region): (ratio, cloud, date). Raises KeyError without one."""
    od = prices[prices["pricing"] == "on-demand"]
    both = od[od["chip_id"] == chip_id].merge(od[od["chip_id"] == reference], on=["cloud", "as_of"], suffixes=("", "_ref"))
    if both.empty:
        raise KeyError(f"no cloud lists {chip_id} and {reference} on demand on the same date")
    latest = both[both["as_of"] == both["as_of"].max()]
    row = latest.sort_values(["usd_per_chip_hour", "usd_per_chip_hour_ref"]).iloc[0]
    return float(row["usd_per_chip_hour"] / row["usd_per_chip_hour_ref"]), row["cloud"], row["as_of"]


def _plain(figures: dict[str, object]) -> dict[str, object]:
    """`figures` with NumPy scalars as Python numbers (myst-nb's glue formats only those)."""
    return {k: v.item() if isinstance(v, np.generic) else v for k, v in figures.items()}


def owning_checks(findings: CostFindings, checked: str = "trainium2", anchor: str = "h100",
                  borrowed_from: str = "tpu7x") -> dict[str, object]:
    """The figures of the chapter's check of the owning costs: `checked`'s owning cost
    against the same-cloud list-price ratio to `anchor` applied to `anchor`'s owning cost,
    and against the rule that borrowed `borrowed_from`'s ratio; and how far the basis
    weight moves every ratio-priced chip (cost at each end, by chip name)."""
    owning = inference.owning_costs(findings.chips, findings.assumptions)
    ratio, cloud, date = same_cloud_ratio(findings.prices, checked, anchor)
    a = findings.assumptions
    basis = a[a["parameter"] == inference.BASIS_WEIGHT].iloc[0]
    ratio_chips = list(a.loc[a["parameter"] == "owning_cost_ratio", "chip_id"])
    ends = {c: (_owning_with(findings, c, **{basis["assumption_id"]: basis["low"]}),
                _owning_with(findings, c, **{basis["assumption_id"]: basis["high"]})) for c in ratio_chips}
    return _plain({"checked": findings.names[checked], "checked_owning": float(owning[checked]),
            "anchor": findings.names[anchor], "anchor_owning": float(owning[anchor]),
            "list_ratio": ratio, "list_cloud": cloud, "list_date": f"{date:%B %Y}", "by_list": ratio * float(owning[anchor]),
            "borrowed": borrowed_ratio_cost(findings, checked, borrowed_from), "borrowed_from": findings.names[borrowed_from],
            "borrowed_share": borrowed_ratio_cost(findings, checked, borrowed_from) / float(owning[checked]),
            "basis_ends": "; ".join(f"{findings.names[c]} ${lo:.2f} per FLOP/s, ${hi:.2f} per GB/s, "
                                    f"${owning[c]:.2f} between" for c, (lo, hi) in ends.items())})


def latest_price_check(findings: CostFindings, via: str = "h100") -> dict[str, object]:
    """The list basis at every chip's latest price instead of the like date's, with NVIDIA's
    discount restated against the later list of `via` (the chip whose commitment prices
    anchor it): d' = 1 - (1 - d) x like-date price / latest price. Returns the restated
    discount, a phrase on what moves, the latest dates of that vendor's prices and 'later':
    the chips whose latest list price is after the like date, with their dates."""
    a = findings.assumptions
    row = a[(a["parameter"] == "negotiated_discount") & (a["vendor"] == findings.chips.set_index("chip_id").at[via, "vendor"])].iloc[0]
    like = inference.reference_prices(findings.prices, inference.like_date(findings.prices, findings.specs)).set_index("chip_id")
    latest = inference.reference_prices(findings.prices).set_index("chip_id")
    restated = 1 - (1 - float(row["central"])) * like.at[via, "usd_per_chip_hour"] / latest.at[via, "usd_per_chip_hour"]
    later = inference.chip_frame(findings.specs, findings.prices, *_serving_tables(findings))
    now = inference.cost_table(findings.chips, findings.model, a).set_index("chip_id")["usd_per_million_tokens"]
    then = inference.cost_table(later, findings.model, a, {row["assumption_id"]: restated}).set_index("chip_id")["usd_per_million_tokens"]
    vendor = row["vendor"]
    vendor_of = findings.chips.set_index("chip_id")["vendor"]
    moved = [c for c in then.dropna().index if vendor_of[c] == vendor and pd.notna(now.get(c)) and abs(then[c] - now[c]) > 5e-3]
    added = [c for c in then.dropna().index if pd.isna(now.get(c))]
    parts = [f"{findings.names[c]} ${then[c]:.2f} instead of ${now[c]:.2f}" for c in moved]
    parts += [f"{findings.names[c]} enters at ${then[c]:.2f}" for c in added]
    lead = then.idxmin()
    effect = ("; ".join(parts) or "no cost moves") + " per million output tokens, and the cheapest chip with every " \
        "assumption at its central value is " + \
        findings.names[lead] + (" as before" if lead == now.idxmin() else f" instead of {findings.names[now.idxmin()]}")
    after = [c for c in latest.index if latest.at[c, "as_of"] > inference.like_date(findings.prices, findings.specs)]
    return _plain({"restated": restated, "like_discount": float(row["central"]), "effect": effect,
                   "latest_dates": _dated(latest, [c for c in latest.index if vendor_of.get(c) == vendor], findings.names),
                   "later": _dated(latest, after, findings.names) if after else "none"})


def _serving_tables(findings: CostFindings):
    return load_table("serving_domains"), load_table("serving_formats")


def _dated(reference: pd.DataFrame, chip_ids: list[str], names: dict[str, str]) -> str:
    """'December 2026 (H100 SXM, B200 SXM) and August 2026 (H200 SXM)': each date once, latest first."""
    by_date = {}
    for c in chip_ids:
        by_date.setdefault(reference.at[c, "as_of"], []).append(names.get(c, c))
    parts = [f"{d:%B %Y} ({', '.join(cs)})" for d, cs in sorted(by_date.items(), reverse=True)]
    return _and(parts)


def dated_prices(findings: CostFindings, on=None) -> dict[str, str]:
    """The dates the list prices speak for, NVIDIA's and the others' apart, at `on`."""
    reference = inference.reference_prices(findings.prices, on).set_index("chip_id")
    vendor_of = findings.specs.set_index("chip_id")["vendor"]
    return {"nvidia": _dated(reference, [c for c in reference.index if vendor_of[c] == "NVIDIA"], findings.names),
            "others": _dated(reference, [c for c in reference.index if vendor_of[c] != "NVIDIA"], findings.names)}


def joint_table(findings: CostFindings) -> pd.DataFrame:
    """The chapter's table of the joint sensitivity: one row per fleet chip, its median cost
    and 5th-95th percentile range on owning cost with its share of draws as the cheapest,
    and its median and range at contract-implied prices (the odds there are a curve over the
    floor, not one share: floor_reading)."""
    rows = []
    owning, contract = findings.owning_joint.set_index("chip_id"), findings.contract_joint.set_index("chip_id")
    for chip_id in findings.owning_joint["chip_id"]:
        o = owning.loc[chip_id]
        c = contract.loc[chip_id] if chip_id in contract.index else None
        rows.append({"chip": findings.names[chip_id],
                     "owning": f"${o.central_usd:.2f} (${o.low_usd:.2f}–${o.high_usd:.2f})",
                     "owning_p": inference_joint.share_text(o.p_cheapest),
                     "contract": "–" if c is None else f"${c.central_usd:.2f} (${c.low_usd:.2f}–${c.high_usd:.2f})"})
    return pd.DataFrame(rows)


def contract_table(findings: CostFindings) -> pd.DataFrame:
    """The chapter's table of contract-implied prices: one row per contract, with the chip
    it is read as, its implied price per chip-hour (central and range; 'at the floor' where a
    term is stated only as one), that chip's owning cost, the ratio of the two and the cost
    per million output tokens at the implied price."""
    t = findings.contract_prices
    floor = t["floor"].map({True: " at the floor", False: ""})
    return pd.DataFrame({
        "contract": t["counterparty"] + " (" + t["kind"].map(inference_contracts.KINDS) + ")",
        "chip": t["chip"],
        "price": [f"${r.central_usd:.2f}{f} (${r.low_usd:.2f}–${r.high_usd:.2f})" for r, f in zip(t.itertuples(), floor)],
        "owning": [f"${v:.2f}" for v in t["owning_usd"]],
        "ratio": [f"{v:.1f}×{f}" for v, f in zip(t["markup"], floor)],
        "per_mtok": [f"${r.central_per_mtok:.2f} (${r.low_per_mtok:.2f}–${r.high_per_mtok:.2f})" if r.kind == "rental" else "–"
                     for r in t.itertuples()],
        "source_id": t["source_id"], "second_source_id": t["second_source_id"]})


def contract_figures(findings: CostFindings, capacity: pd.DataFrame) -> dict[str, object]:
    """The figures the chapter's prose on the contracts quotes, by contract: implied price
    (central, low, high), owning cost, ratio, quantity (central); SpaceX's fee per GPU-hour
    over the GPUs its prospectus counts (`capacity`'s largest count for that deal); and what
    the floor of a fleet chip's contract implies (floor_reading)."""
    t = findings.contract_prices.set_index("contract_id")
    out = {}
    for cid, r in t.iterrows():
        key = cid.split("-")[0]
        out.update({f"{key}_price": r.central_usd, f"{key}_low": r.low_usd, f"{key}_high": r.high_usd,
                    f"{key}_owning": r.owning_usd, f"{key}_ratio": r.markup, f"{key}_chip": r.chip,
                    f"{key}_quantity": r.quantity_central})
        for term in findings.terms[findings.terms["contract_id"] == cid].itertuples():  # each term's central value
            out[f"{key}_{term.parameter}"] = float(term.central)
    spacex = t.loc[[c for c in t.index if c.startswith("spacex")][0]]
    gpus = capacity[(capacity["tranche"] == "spacex-colossus1-2026") & capacity["chips"].notna()]["chips"].max()
    fee = float(findings.terms.query("contract_id == @spacex.name and parameter == 'usd_billions'")["central"].iat[0])
    out["spacex_gpus"] = float(gpus)
    out["spacex_per_gpu"] = fee * 1e9 / (gpus * inference_contracts.HOURS_PER_MONTH)
    out["spacex_h100e_per_gpu"] = spacex.quantity_central / float(gpus)
    out["broadcom_share"] = t.loc[[c for c in t.index if c.startswith("broadcom")][0], "markup"]
    floor = floor_reading(findings)
    if floor is not None:
        out.update({"floor_counterparty": floor["counterparty"], "floor_words": floor["floor"],
                    "floor_upside": floor["upside"], "floor_sentence": floor["sentence"],
                    "floor_break_even": floor["break_even_text"], "floor_low_leader": floor["low_leader"],
                    "floor_low_share": floor["low_share"]})
    return _plain(out)


def below_cost_reading(findings: CostFindings) -> dict[str, str]:
    """What the chapter concludes from rentals whose implied central price sits below the
    model's owning cost (no cloud rents at a loss for long, so their terms are read too
    kindly): 'below' says which and why; for a contract whose dollars are a floor, that the
    floor cannot be the price."""
    t = findings.contract_prices
    below = t[(t["kind"] == "rental") & (t["markup"] < BELOW_COST)]
    if below.empty:
        return {"below": "Every rental's implied price sits at or above the model's owning cost of its chip, as a seller's "
                         "margin requires."}
    one = len(below) == 1
    deals = _and([f"{r.counterparty}'s" for r in below.itertuples()])
    floors = set(below.loc[below["floor"], "counterparty"])
    why = ("more is paid than the floor" if floors == set(below["counterparty"]) else
           "more is paid than the public figures say or less of the ceiling is delivered")
    return {"below": f"{deals} implied {'price sits' if one else 'prices sit'} under what the model puts the owner's own cost "
                     f"at, which no cloud would hold for the length of a contract: {why}, so "
                     f"{'that price is' if one else 'those prices are'} a lower bound, not an estimate."}


# --- the verdict chapter's paragraph ------------------------------------------------------

def verdict_markdown(findings: CostFindings, scenarios: pd.DataFrame) -> str:
    """The verdict chapter's 'what would change the cost ranking': what the one-at-a-time
    ranges can and cannot tell apart, each fleet chip's cost with every assumption drawn at
    once (median and 5th-95th percentile), how often each is the cheapest on owning cost and
    what decides it, what contract prices bound, the one-at-a-time flips, and what each
    scenario of `scenarios` changes."""
    names = findings.names
    tornado = inference.tornado(findings.chips, findings.model, findings.assumptions, basis="owning", among=findings.fleet)
    scenario_names = scenarios.set_index("scenario_id")["name"]
    plans = {s: inference.scenario_chips(findings.cost_scenarios, s, findings.owning_table).set_index("vendor")
             for s in scenario_names.index}
    swaps = [(s, v) for s in plans for v in plans[s].index if plans[s].at[v, "chip_id"] != plans["central"].at[v, "chip_id"]]
    swap_parts = []
    for s, v in swaps:
        plan = plans[s]
        joint = joint_for(findings, list(plan["chip_id"])).set_index("chip_id")
        chip_id = plan.at[v, "chip_id"]
        text = f"under '{scenario_names[s]}' {v}'s chip becomes {plan.at[v, 'chip']}"
        if chip_id in joint.index:
            r = joint.loc[chip_id]
            text += (f", at ${r.central_usd:.2f} per million output tokens on owning cost (${r.low_usd:.2f} to "
                     f"${r.high_usd:.2f})")
        text += f", and the cheapest is {findings.odds(joint.reset_index())}"
        swap_parts.append(text)
    swap_text = "; ".join(swap_parts) or "no scenario changes which chip serves Anthropic from any vendor"
    still = [f"'{scenario_names[s]}'" for s in plans if s != "central" and s not in {s for s, _ in swaps}]
    still_text = f"; {_and(still)} change how much Anthropic buys, not which chip" if still else ""
    year = f"{inference.like_date(findings.prices, findings.specs):%Y}"
    return (f"**What would change the cost ranking.** {inference.range_title(findings.verdicts)} (each chip's own "
            f"assumptions moved to their ends one chip at a time; list prices of {year}, the last year in which all three "
            f"vendors list one): the cost model cannot name a cheapest chip. "
            f"{joint_sentence(findings, findings.owning_joint, 'On owning cost', odds=False)} "
            f"Drawn together, on owning cost {owning_odds_text(findings)}. "
            f"At the prices public contracts imply, {contract_odds_text(findings)}. "
            f"{inference.fleet_sentence(tornado, names)} "
            f"Among the book's scenarios, {swap_text}{still_text}.")
