"""The cost model's findings about the chips serving Anthropic, computed once and worded
once for the inference-economics chapter, the verdict chapter and the front page.

`CostFindings.load()` reads the book's tables and prices list prices at the like date
(`inference.like_date`); its properties run the ranges, the joint sensitivity on owning
cost and at contract-implied prices (`inference_joint`, `inference_contracts`) and the
contract cross-check, each once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from . import inference, inference_contracts, inference_joint
from .data import load_table

# How the texts name the contract-implied basis, beside inference.BASIS_WORDS.
CONTRACT_WORDS = "At the prices public contracts imply"
# A rental implying less than this share of its chip's owning cost is read as priced below the
# owner's cost (a margin of a few percent either side of 1 is within the owning cost's own range).
BELOW_COST = 0.95


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


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
                   power=load_table("compute_mix_chip_power"), draws=draws)

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
        table = inference_contracts.contract_prices(self.contracts, self.terms, self.power, self.specs)
        seconds = self.owning_table.set_index("chip_id")["chip_seconds_per_token"]
        owning = self.owning_table.set_index("chip_id")["usd_per_chip_hour"]
        table["chip"] = table["chip_id"].map(self.names)
        table["owning_usd"] = table["chip_id"].map(owning)
        table["markup"] = table["central_usd"] / table["owning_usd"]
        for end in ("low", "central", "high"):
            table[f"{end}_per_mtok"] = table[f"{end}_usd"] * table["chip_id"].map(seconds) / inference.HOURS_TO_SECONDS * inference.PER_MILLION
        return table

    def _central(self, prices: pd.Series | None = None) -> pd.Series:
        base = self.owning_table.set_index("chip_id")
        if prices is None:
            return base["usd_per_million_tokens"]
        return prices * base["chip_seconds_per_token"].reindex(prices.index) / inference.HOURS_TO_SECONDS * inference.PER_MILLION

    @cached_property
    def owning_joint(self) -> pd.DataFrame:
        """inference_joint.summary of the fleet on owning cost; attrs['drawn'] the ids drawn."""
        costs = inference_joint.joint_costs(self.chips, self.model, self.assumptions, self.fleet, "owning", self.draws)
        table = inference_joint.summary(costs, self._central())
        table.attrs["drawn"] = costs.attrs["drawn"]
        return table

    @cached_property
    def contract_joint(self) -> pd.DataFrame:
        """inference_joint.summary of the fleet at contract-implied prices (the rental
        contracts read as each fleet chip, their terms drawn with the model's assumptions)."""
        draws = inference_contracts.price_draws(self.contracts, self.terms, self.power, self.specs, self.fleet, self.draws)
        costs = inference_joint.joint_costs(self.chips, self.model, self.assumptions, self.fleet, "contract", self.draws,
                                            prices=draws)
        rentals = self.contract_prices[self.contract_prices["kind"] == "rental"].set_index("chip_id")["central_usd"]
        table = inference_joint.summary(costs, self._central(rentals.reindex(self.fleet)))
        table.attrs["drawn"] = costs.attrs["drawn"]
        return table

    def odds(self, table: pd.DataFrame) -> str:
        return inference_joint.odds_text(table, self.names)

    def leader(self, table: pd.DataFrame) -> str:
        return self.names[table.loc[table["p_cheapest"].idxmax(), "chip_id"]]

    def dearer(self, basis: str = "owning") -> list[str]:
        table = self.verdicts[basis]
        return list(table.loc[~table["could_be_cheapest"], "chip"])


def joint_sentence(findings: CostFindings, table: pd.DataFrame, words: str) -> str:
    """One sentence: on a basis (`words`, e.g. 'On owning cost'), how often each fleet chip
    costs least when every assumption is drawn at once, and each one's central cost and
    5th-95th percentile range."""
    costs = "; ".join(f"{findings.names[r.chip_id]} ${r.central_usd:.2f} (${r.low_usd:.2f} to ${r.high_usd:.2f})"
                      for r in table.itertuples())
    return (f"{words}, drawing every assumption at once ({findings.draws:,} times), the cheapest is {findings.odds(table)} "
            f"(central cost per million output tokens, with the 5th to 95th percentile of the draws: {costs}).")


def front_page_markdown(findings: CostFindings, href: str) -> str:
    """The front page's serving-cost line: what the model can and cannot tell apart among
    the chips Anthropic is buying (inference_joint.odds_reading) on owning cost and at
    contract-implied prices; `href` links the chapter's section."""
    caveat = ""
    if below_cost_reading(findings)["leader"]:
        leader = findings.contract_joint.loc[findings.contract_joint["p_cheapest"].idxmax(), "chip_id"]
        rentals = findings.contract_prices[findings.contract_prices["kind"] == "rental"].set_index("chip_id")
        caveat = f"; that lead rests on {rentals.at[leader, 'counterparty']}'s deal, the one whose public terms say least"
    return (f"**What serving costs:** per million output tokens of a stand-in open model (decoding only), with all its "
            f"assumptions drawn together, the book's cost model compares the chips Anthropic is buying now. On owning cost "
            f"{inference_joint.odds_reading(findings.owning_joint, findings.names)}. At the prices public contracts imply, "
            f"{inference_joint.odds_reading(findings.contract_joint, findings.names)}{caveat}. "
            f"[What the model assumes, and what moves it]({href}).")


# --- the inference-economics chapter's figures, computed here and pasted by glue ----------------

def joint_for(findings: CostFindings, among: list[str], lockstep: tuple[str, ...] = ()) -> pd.DataFrame:
    """inference_joint.summary on owning cost of any chips (a scenario's fleet), optionally
    with some parameters drawn in lockstep."""
    costs = inference_joint.joint_costs(findings.chips, findings.model, findings.assumptions, among, "owning",
                                        findings.draws, lockstep=lockstep)
    return inference_joint.summary(costs, findings._central())


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
    discount and a phrase on what moves."""
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
    effect = ("; ".join(parts) or "no cost moves") + " per million output tokens, and the cheapest chip at central is " + \
        findings.names[lead] + (" as before" if lead == now.idxmin() else f" instead of {findings.names[now.idxmin()]}")
    return _plain({"restated": restated, "like_discount": float(row["central"]), "effect": effect,
                   "latest_dates": _dated(latest, [c for c in latest.index if vendor_of.get(c) == vendor], findings.names)})


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
    """The chapter's table of the joint sensitivity: one row per fleet chip, its central
    cost, 5th-95th percentile range and share of draws as the cheapest, on owning cost and
    at contract-implied prices."""
    rows = []
    owning, contract = findings.owning_joint.set_index("chip_id"), findings.contract_joint.set_index("chip_id")
    for chip_id in findings.owning_joint["chip_id"]:
        o, c = owning.loc[chip_id], contract.loc[chip_id]
        rows.append({"chip": findings.names[chip_id],
                     "owning": f"${o.central_usd:.2f} (${o.low_usd:.2f}–${o.high_usd:.2f})",
                     "owning_p": inference_joint.share_text(o.p_cheapest),
                     "contract": f"${c.central_usd:.2f} (${c.low_usd:.2f}–${c.high_usd:.2f})",
                     "contract_p": inference_joint.share_text(c.p_cheapest)})
    return pd.DataFrame(rows)


def contract_table(findings: CostFindings) -> pd.DataFrame:
    """The chapter's table of contract-implied prices: one row per contract, with the chip
    it is read as, its implied price per chip-hour (range), that chip's owning cost, the
    ratio of the two and the cost per million output tokens at the implied price."""
    t = findings.contract_prices
    return pd.DataFrame({
        "contract": t["counterparty"] + " (" + t["kind"].map(inference_contracts.KINDS) + ")",
        "chip": t["chip"],
        "price": [f"${r.central_usd:.2f} (${r.low_usd:.2f}–${r.high_usd:.2f})" for r in t.itertuples()],
        "owning": [f"${v:.2f}" for v in t["owning_usd"]],
        "ratio": [f"{v:.1f}×" for v in t["markup"]],
        "per_mtok": [f"${r.central_per_mtok:.2f} (${r.low_per_mtok:.2f}–${r.high_per_mtok:.2f})" if r.kind == "rental" else "–"
                     for r in t.itertuples()],
        "source_id": t["source_id"], "second_source_id": t["second_source_id"]})


def contract_figures(findings: CostFindings, capacity: pd.DataFrame) -> dict[str, object]:
    """The figures the chapter's prose on the contracts quotes, by contract: implied price
    (central, low, high), owning cost, ratio; SpaceX's fee per GPU-hour over the GPUs
    Anthropic announced (`capacity`'s row for that deal); and the joint results at
    contract prices."""
    t = findings.contract_prices.set_index("contract_id")
    out = {}
    for cid, r in t.iterrows():
        key = cid.split("-")[0]
        out.update({f"{key}_price": r.central_usd, f"{key}_low": r.low_usd, f"{key}_high": r.high_usd,
                    f"{key}_owning": r.owning_usd, f"{key}_ratio": r.markup, f"{key}_chip": r.chip})
        for term in findings.terms[findings.terms["contract_id"] == cid].itertuples():  # each term's central value
            out[f"{key}_{term.parameter}"] = float(term.central)
    spacex = t.loc[[c for c in t.index if c.startswith("spacex")][0]]
    gpus = capacity[(capacity["tranche"] == "spacex-colossus1-2026") & capacity["chips"].notna()]["chips"].max()
    fee = float(findings.terms.query("contract_id == @spacex.name and parameter == 'usd_billions'")["central"].iat[0])
    out["spacex_gpus"] = float(gpus)
    out["spacex_per_gpu"] = fee * 1e9 / (gpus * inference_contracts.HOURS_PER_MONTH)
    out["broadcom_share"] = t.loc[[c for c in t.index if c.startswith("broadcom")][0], "markup"]
    joint = findings.contract_joint
    out["contract_leader"] = findings.leader(joint)
    out["contract_odds"] = findings.odds(joint)
    return _plain(out)


def below_cost_reading(findings: CostFindings) -> dict[str, str]:
    """What the chapter concludes from rentals whose implied price sits below the model's
    owning cost (no cloud rents at a loss for long, so their terms are read too kindly):
    'below' says which and why that makes their price the least certain; 'leader' says
    whether the chip that leads at contract prices leads on such a deal ('' when not)."""
    t = findings.contract_prices
    below = t[(t["kind"] == "rental") & (t["markup"] < BELOW_COST)]
    if below.empty:
        return {"below": "Every rental's implied price sits at or above the model's owning cost of its chip, as a seller's "
                         "margin requires.", "leader": ""}
    one = len(below) == 1
    deals = _and([f"{r.counterparty}'s" for r in below.itertuples()])
    text = (f"{deals} implied {'price sits' if one else 'prices sit'} under what the model puts the owner's own cost at, "
            f"which no cloud would hold for the length of a contract: either more is paid than the public floor or less of "
            f"the ceiling is delivered, so {'that price is' if one else 'those prices are'} the least certain here.")
    leader = findings.contract_joint.loc[findings.contract_joint["p_cheapest"].idxmax(), "chip_id"]
    lead = (f"At contract prices, then, {findings.names[leader]} leads on the deal whose public terms say least, and the "
            "ranking turns on how that deal is read." if leader in set(below["chip_id"]) else "")
    return {"below": text, "leader": lead}


# --- the verdict chapter's paragraph ------------------------------------------------------

def verdict_markdown(findings: CostFindings, scenarios: pd.DataFrame) -> str:
    """The verdict chapter's 'what would change the cost ranking': what the ranges can and
    cannot tell apart, the one-at-a-time flips among the chips Anthropic is buying, how often
    each is the cheapest with every assumption drawn at once (owning cost and contract
    prices), and what each scenario of `scenarios` changes."""
    names = findings.names
    tornado = inference.tornado(findings.chips, findings.model, findings.assumptions, basis="owning", among=findings.fleet)
    scenario_names = scenarios.set_index("scenario_id")["name"]
    plans = {s: inference.scenario_chips(findings.cost_scenarios, s, findings.owning_table).set_index("vendor")
             for s in scenario_names.index}
    swaps = [(s, v) for s in plans for v in plans[s].index if plans[s].at[v, "chip_id"] != plans["central"].at[v, "chip_id"]]
    swap_parts = []
    for s, v in swaps:
        plan = plans[s]
        among = list(plan["chip_id"])
        text = f"under '{scenario_names[s]}' {v}'s chip becomes {plan.at[v, 'chip']}"
        if plan.at[v, "priced"]:
            text += f", at ${plan.at[v, 'usd_per_million_tokens']:.2f} per million output tokens on owning cost"
        text += f", and drawing every assumption at once the cheapest is {findings.odds(joint_for(findings, among))}"
        swap_parts.append(text)
    swap_text = "; ".join(swap_parts) or "no scenario changes which chip serves Anthropic from any vendor"
    still = [f"'{scenario_names[s]}'" for s in plans if s != "central" and s not in {s for s, _ in swaps}]
    still_text = f"; {_and(still)} change how much Anthropic buys, not which chip" if still else ""
    reading = below_cost_reading(findings)["leader"]
    year = f"{inference.like_date(findings.prices, findings.specs):%Y}"
    return (f"**What would change the cost ranking.** {inference.range_title(findings.verdicts)} (list prices of {year}, the "
            f"last year in which all three vendors list one): the cost model cannot name a cheapest chip. "
            f"{inference.fleet_sentence(findings.verdicts['owning'], tornado, names)} Drawing every "
            f"assumption at once, the cheapest on owning cost is {findings.odds(findings.owning_joint)}; at the prices public "
            f"contracts imply, it is {findings.odds(findings.contract_joint)}."
            + (f" {reading}" if reading else "")
            + f" Among the book's scenarios, {swap_text}{still_text}.")
