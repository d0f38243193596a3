"""The inference-economics chapter's arithmetic: per-dollar specifications, the roofline,
and a model of what it costs to generate tokens with a stated reference model on each chip.

Everything here works on the book's own tables (accelerator_specs, accelerator_prices,
serving_domains, serving_formats, reference_models, cost_assumptions, cost_scenarios,
mlperf_results) or on plain numbers, so the chapter and its tests use the same code.

The cost model, in short
------------------------
A copy of the reference model lives on the chips of one scale-up domain (an NVLink node
or rack, a TPU pod, a Trainium UltraServer). Decoding reads every weight and the whole
key/value cache at each step, so what matters is the width they are stored in: each chip
stores them in 8 bits wherever its serving software does (serving_formats), with the
arithmetic at the chip's dense rate for that path, and in 16 bits otherwise. The weights
plus the cache of every sequence in the batch must fit in the domain's HBM: each chip
decodes as many sequences as its domain holds, up to a ceiling, so a larger domain
spreads each weight read over more tokens. One decoding step of B sequences reads the
weights the batch touches (a mixture-of-experts model touches more experts as B grows)
and each sequence's cache, and does 2 FLOPs per active parameter plus the attention over
the context for each of the B tokens; on n chips it takes

    step = max(bytes / (n · bandwidth · bandwidth share), FLOPs / (n · peak · compute share))

n chips are paid for, so n cancels: cost per token = price per chip-hour · n · step / B.

Two price bases are kept apart (PRICE_BASES): a cloud's on-demand list price less the
vendor's negotiated discount, every chip at its latest price on or before one date
(like_date: the end of the last year in which every vendor lists one, so that no vendor
is compared across another's price cut), and the owning cost (a hyperscaler's own cost of a
chip-hour, no margin), which is the only basis on which the newest chips have a figure. A
chip with no owning-cost figure of its own is priced from a related chip's by a ratio per
unit of capability, capability being dense 8-bit FLOP/s and HBM bandwidth weighted by a
named assumption (`capability`: per FLOP, as SemiAnalysis compares chips, or per GB/s,
what decoding reads). The discount, the achieved shares and the owning costs are ranges
with reasons (cost_assumptions); chips of a new generation carry a factor on both shares.
What public contracts imply a chip-hour costs Anthropic is a cross-check beside them
(inference_contracts), and drawing every assumption at once says how often each chip is
the cheapest (inference_joint).

What it leaves out: prefill (reading the prompt), the interconnect's time when a model
spans chips, idle capacity between traffic peaks, and speculative decoding or prefix
caching. It compares chips; it is not anyone's bill.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

import pandas as pd

from .vocabulary import CHIP_MAKERS

GIB_IN_GB = 2**30 / 1e9  # one GiB is 1.073741824 GB
HOURS_TO_SECONDS = 3600
PER_MILLION = 1_000_000


# --- units and the dense/sparse guard --------------------------------------------------

def to_decimal_gb(value: float, unit: str) -> float:
    """Convert a capacity (GB, GiB, TB) or bandwidth (GB/s, GiB/s, TB/s) to decimal GB."""
    unit = unit.replace("ps", "/s").replace("/sec", "/s").strip()
    factors = {"GB": 1.0, "GiB": GIB_IN_GB, "TB": 1000.0,
               "GB/s": 1.0, "GiB/s": GIB_IN_GB, "TB/s": 1000.0}
    if unit not in factors:
        raise ValueError(f"unknown unit {unit!r}; expected one of {sorted(factors)}")
    return value * factors[unit]


def peak_tflops(spec: pd.Series | dict, precision: str = "bf16", *, sparse: bool = False) -> float:
    """Peak dense throughput of a chip in TFLOPS (TOPS for int8).

    The cost model and the roofline use dense figures only: structured-sparsity peaks
    assume half (or three quarters) of the weights are zero, which a dense model's are not.
    """
    if sparse:
        raise ValueError("sparse peaks are refused: the cost model and roofline use dense figures only")
    column = "int8_tops_dense" if precision == "int8" else f"{precision}_tflops_dense"
    value = spec[column]
    if value is None or pd.isna(value):
        raise ValueError(f"{spec['chip_id']} has no published dense {precision} rate")
    return float(value)


def classify_peak(figure_tflops: float, chips: int, dense_tflops: float,
                  sparse_tflops: float | None = None, tolerance: float = 0.02) -> str:
    """Say whether a system-level headline figure is the dense or the sparse peak.

    Compares the figure per chip with the chip's dense and sparse peaks and returns
    'dense', 'sparse' or 'neither' (no match within `tolerance`, relative).
    """
    per_chip = figure_tflops / chips
    if math.isclose(per_chip, dense_tflops, rel_tol=tolerance):
        return "dense"
    if sparse_tflops is not None and math.isclose(per_chip, sparse_tflops, rel_tol=tolerance):
        return "sparse"
    return "neither"


# --- roofline ---------------------------------------------------------------------------

def ridge_intensity(tflops: float, hbm_gb_s: float) -> float:
    """Arithmetic intensity (FLOP per byte of memory traffic) where a chip turns compute-bound."""
    return tflops * 1000 / hbm_gb_s


def roofline_tflops(intensity: float, tflops: float, hbm_gb_s: float) -> float:
    """Attainable TFLOPS at a given arithmetic intensity: min(peak, intensity × bandwidth)."""
    return min(tflops, intensity * hbm_gb_s / 1000)


def decode_intensity(batch: int, bytes_per_param: float = 2) -> float:
    """FLOP per byte of weights read in one decoding step of a dense model (KV cache ignored)."""
    return 2 * batch / bytes_per_param


def prefill_intensity(prompt_tokens: int, batch: int = 1, bytes_per_param: float = 2) -> float:
    """FLOP per byte of weights read when a prompt of `prompt_tokens` is processed in one pass."""
    return 2 * prompt_tokens * batch / bytes_per_param


# --- the cost model -----------------------------------------------------------------------

@dataclass(frozen=True)
class ReferenceModel:
    """The model being served, from a row of `reference_models` (counts in billions of
    parameters; experts blank, i.e. None or NaN, for a dense model)."""

    total_params_b: float
    active_params_b: float
    layers: int
    query_heads: int
    kv_heads: int
    head_dim: int
    experts: int | None = None
    experts_per_token: int | None = None
    name: str = "reference model"

    @classmethod
    def from_row(cls, row: pd.Series | dict) -> "ReferenceModel":
        def count(key):
            value = row.get(key)
            return None if value is None or pd.isna(value) else int(value)
        return cls(total_params_b=float(row["total_params_b"]), active_params_b=float(row["active_params_b"]),
                   layers=int(row["layers"]), query_heads=int(row["query_heads"]), kv_heads=int(row["kv_heads"]),
                   head_dim=int(row["head_dim"]), experts=count("experts"), experts_per_token=count("experts_per_token"),
                   name=str(row.get("model", "reference model")))

    def __post_init__(self):
        if not 0 < self.active_params_b <= self.total_params_b:
            raise ValueError("active parameters must be positive and at most the total")
        if self.is_moe:
            if not 0 < self.experts_per_token < self.experts:
                raise ValueError("experts_per_token must be at least 1 and fewer than experts")
            if self.shared_params_b < 0:
                raise ValueError("total and active parameters imply a negative shared part: check experts_per_token")
        elif self.active_params_b != self.total_params_b:
            raise ValueError("a dense model (no experts) uses all its parameters: active must equal total")

    @property
    def is_moe(self) -> bool:
        return self.experts is not None

    @property
    def expert_params_b(self) -> float:
        """Parameters of one routed expert, summed over layers, in billions. With E experts
        of which k are used, total = shared + E·e and active = shared + k·e, so
        e = (total − active) / (E − k)."""
        if not self.is_moe:
            return 0.0
        return (self.total_params_b - self.active_params_b) / (self.experts - self.experts_per_token)

    @property
    def shared_params_b(self) -> float:
        """Parameters every token uses (attention, embeddings, shared layers), in billions."""
        return self.active_params_b - (self.experts_per_token or 0) * self.expert_params_b

    def params_read_b(self, batch: float) -> float:
        """Parameters read from memory in one decoding step of `batch` sequences, in billions.

        Each sequence picks k of E experts per layer; with routing taken as uniform and
        independent, an expert is touched by at least one of B sequences with probability
        1 − (1 − k/E)^B. At B = 1 that reads the active parameters; as B grows it tends
        to the total. A dense model reads everything at any batch."""
        if not self.is_moe:
            return self.total_params_b
        touched = 1 - (1 - self.experts_per_token / self.experts) ** batch
        return self.shared_params_b + self.experts * self.expert_params_b * touched

    def kv_bytes_per_token(self, bytes_per_element: float) -> float:
        """Key/value-cache bytes one token adds: a key and a value vector per KV head per
        layer, 2 · layers · kv_heads · head_dim elements."""
        return 2 * self.layers * self.kv_heads * self.head_dim * bytes_per_element

    def flops_per_token(self, context_tokens: float) -> float:
        """Floating-point operations to generate one token: 2 per active parameter for the
        matrix products, plus attention over the context, 2 · 2 · layers · query_heads ·
        head_dim per cached token (scores and the weighted sum of values)."""
        return 2 * self.active_params_b * 1e9 + 4 * self.layers * self.query_heads * self.head_dim * context_tokens



# --- how each chip stores weights: one 8-bit (and 4-bit) storage rule for every chip ------

WEIGHT_BITS = (16, 8, 4)
# The weight-width control's options (short: a select is as wide as its longest option, on a phone too).
WEIGHT_BITS_NAMES = {16: "16 bits on every chip", 8: "8 bits where supported", 4: "4 bits where supported"}
# The spec column of the BF16 path every chip has.
BF16 = "bf16_tflops_dense"


def serving_paths(formats: pd.DataFrame) -> pd.DataFrame:
    """serving_formats pivoted to one row per chip: path_8, rate_8 (a spec column),
    kv_8 (bits) and the same for 4 bits; NaN/None where the chip has no such path."""
    wide = pd.DataFrame({"chip_id": sorted(set(formats["chip_id"]))})
    for bits in (8, 4):
        rows = formats[formats["weight_bits"] == bits][["chip_id", "path", "rate_column", "kv_bits"]]
        wide = wide.merge(rows.rename(columns={"path": f"path_{bits}", "rate_column": f"rate_{bits}",
                                               "kv_bits": f"kv_{bits}"}), on="chip_id", how="left")
    return wide


def _published(spec, column: str) -> float | None:
    value = spec.get(column) if hasattr(spec, "get") else spec[column]
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def chip_precision(spec: pd.Series | dict, weight_bits: int = 8) -> tuple[int, float, str, int]:
    """How a chip serves at a weight-width setting: (weight bits, dense TFLOPS of the
    arithmetic, the path in words, key/value-cache bits).

    The narrowest path of the chip's serving software (spec's path_8/rate_8/kv_8 and
    path_4/... columns, from serving_paths) no narrower than `weight_bits`; BF16 weights,
    cache and arithmetic where there is none. Raises ValueError for bits other than 16, 8
    or 4, and when a path names a rate the chip does not publish."""
    if weight_bits not in WEIGHT_BITS:
        raise ValueError(f"weight bits must be 16, 8 or 4, not {weight_bits!r}")
    for bits in (4, 8):
        if weight_bits <= bits and _published(spec, f"path_{bits}") is not None:
            rate = _published(spec, _published(spec, f"rate_{bits}"))
            if rate is None:
                raise ValueError(f"{spec['chip_id']}: its {bits}-bit path computes at {spec[f'rate_{bits}']}, "
                                 "which accelerator_specs leaves blank")
            return bits, float(rate), str(spec[f"path_{bits}"]), int(spec[f"kv_{bits}"])
    return 16, float(spec[BF16]), "BF16 weights, cache and arithmetic", 16


def eight_bit_peak(spec: pd.Series | dict) -> float:
    """The dense 8-bit peak a vendor markets (FP8, else MXFP8, else INT8), in TFLOPS:
    the unit in which SemiAnalysis compares owning costs. Raises ValueError without one."""
    for column in ("fp8_tflops_dense", "mxfp8_tflops_dense", "int8_tops_dense"):
        if _published(spec, column) is not None:
            return float(spec[column])
    raise ValueError(f"{spec['chip_id']} publishes no dense 8-bit rate")


def capability(spec: pd.Series | dict, bandwidth_weight: float) -> float:
    """What an owning cost is priced per: the chip's dense 8-bit peak (TFLOPS) to the power
    1 - w times its HBM bandwidth (GB/s) to the power w, w = `bandwidth_weight` in [0, 1].
    w = 0 prices per FLOP/s (SemiAnalysis's unit for comparing TPUs with GPUs), w = 1 per
    GB/s (what decoding reads), w = 0.5 per their geometric mean. Only ratios of it are
    used, so its unit does not matter. Raises ValueError for w outside [0, 1]."""
    if not 0 <= bandwidth_weight <= 1:
        raise ValueError(f"the owning-cost basis weight must lie in [0, 1], not {bandwidth_weight!r}")
    return eight_bit_peak(spec) ** (1 - bandwidth_weight) * float(spec["hbm_bandwidth_gb_s"]) ** bandwidth_weight


def decode_cost(spec: pd.Series | dict, model: ReferenceModel, *, usd_per_chip_hour: float | None,
                domain_chips: int, context_tokens: float, batch: float, weight_bits: int = 8,
                discount: float = 0.0, bandwidth_share: float = 1.0, compute_share: float = 1.0,
                hbm_usable_share: float = 0.9, replica_domains: float = 1) -> dict:
    """The roofline cost of generating tokens with `model` on one kind of chip.

    spec: a chip's row (dense peaks in TFLOPS, hbm_gb, hbm_bandwidth_gb_s in decimal units,
    and its serving paths, see chip_precision). One copy of the model spans at most
    `replica_domains` scale-up domains of `domain_chips` chips; weights plus the key/value
    cache of the batch must fit in their HBM (times `hbm_usable_share`), and the batch is
    as many sequences as fit, at most `batch`. One decoding step of B sequences reads the
    weights the batch touches and every sequence's cache, and does B tokens' worth of
    FLOPs; spread over n chips it takes

        step = max(bytes / (n · bandwidth · bandwidth_share), FLOPs / (n · peak · compute_share))

    and n chips are paid for, so n cancels: chip-seconds per token = n · step / B.
    Dollars per million tokens = price · (1 − discount) · chip-seconds per token / 3600 · 10^6.

    Returns a dict: bits, kv_bits, format, peak_tflops, kv_bytes_per_sequence,
    weight_bytes, capacity_bytes, batch_limit (largest batch that fits), batch_used,
    chips_used, fits, bytes_per_step, flops_per_step, bound ('memory bandwidth' or
    'compute'), chip_seconds_per_token and usd_per_million_tokens (NaN without a price or
    when the model does not fit). Raises ValueError for impossible inputs."""
    for name, value in {"context_tokens": context_tokens, "batch": batch, "domain_chips": domain_chips,
                        "replica_domains": replica_domains}.items():
        if not value >= 1:
            raise ValueError(f"{name} must be at least 1, not {value!r}")
    for name, value in {"bandwidth_share": bandwidth_share, "compute_share": compute_share,
                        "hbm_usable_share": hbm_usable_share}.items():
        if not 0 < value <= 1:
            raise ValueError(f"{name} must be in (0, 1], not {value!r}")
    if not 0 <= discount < 1:
        raise ValueError(f"discount must be in [0, 1), not {discount!r}")
    bits, peak, fmt, kv_bits = chip_precision(spec, int(weight_bits))
    weight_bytes = model.total_params_b * 1e9 * bits / 8
    kv_per_sequence = model.kv_bytes_per_token(kv_bits / 8) * context_tokens
    capacity = domain_chips * replica_domains * float(spec["hbm_gb"]) * 1e9 * hbm_usable_share
    batch_limit = math.floor((capacity - weight_bytes) / kv_per_sequence) if capacity > weight_bytes else 0
    result = {"bits": bits, "kv_bits": kv_bits, "format": fmt, "peak_tflops": peak, "kv_bytes_per_sequence": kv_per_sequence,
              "weight_bytes": weight_bytes, "capacity_bytes": capacity, "batch_limit": batch_limit,
              "fits": batch_limit >= 1}
    if batch_limit < 1:
        return result | {"batch_used": 0, "chips_used": math.nan, "bytes_per_step": math.nan, "flops_per_step": math.nan,
                         "bound": "does not fit", "chip_seconds_per_token": math.nan, "usd_per_million_tokens": math.nan}
    used = min(batch, batch_limit)
    bytes_per_step = model.params_read_b(used) * 1e9 * bits / 8 + used * kv_per_sequence
    flops_per_step = used * model.flops_per_token(context_tokens)
    memory_s = bytes_per_step / (float(spec["hbm_bandwidth_gb_s"]) * 1e9 * bandwidth_share)
    compute_s = flops_per_step / (peak * 1e12 * compute_share)
    chip_seconds = max(memory_s, compute_s) / used
    chips_used = math.ceil((weight_bytes + used * kv_per_sequence) / (float(spec["hbm_gb"]) * 1e9 * hbm_usable_share))
    cost = (math.nan if usd_per_chip_hour is None or pd.isna(usd_per_chip_hour)
            else usd_per_chip_hour * (1 - discount) * chip_seconds / HOURS_TO_SECONDS * PER_MILLION)
    return result | {"batch_used": used, "chips_used": chips_used, "bytes_per_step": bytes_per_step,
                     "flops_per_step": flops_per_step,
                     "bound": "memory bandwidth" if memory_s >= compute_s else "compute",
                     "chip_seconds_per_token": chip_seconds, "usd_per_million_tokens": cost}


# --- assumptions: low / central / high, by vendor, by chip and for all chips ---------------

CASES = ("low", "central", "high")
VENDOR_PARAMETERS = ("negotiated_discount", "bandwidth_share", "compute_share")
GLOBAL_PARAMETERS = ("hbm_usable_share", "replica_domains", "context_tokens", "batch", "weight_bits")
# What sets a chip's owning cost: its own figure, or a ratio to a related chip's figure per
# unit of capability, weighted between FLOP/s and bandwidth by the basis weight (one global row).
OWNING_PARAMETERS = ("owning_cost", "owning_cost_ratio", "owning_cost_bandwidth_weight")
BASIS_WEIGHT = "owning_cost_bandwidth_weight"
# The two price bases, kept apart everywhere: what each means, in words.
PRICE_BASES = {
    "list": "list price less the negotiated discount",
    "owning": "owning cost (the cloud's own cost, no margin)",
}


def _applies(assumptions: pd.DataFrame, chip_id: str, vendor: str) -> pd.Series:
    chip = assumptions["chip_id"].fillna("") if "chip_id" in assumptions else pd.Series("", index=assumptions.index)
    vend = assumptions["vendor"].fillna("")
    return ((vend == vendor) & (chip == "")) | ((chip == chip_id) & (chip != "")) | ((vend == "") & (chip == ""))


def _check_moved(assumptions: pd.DataFrame, moved: dict) -> None:
    unknown = set(moved) - set(assumptions["assumption_id"])
    if unknown:
        raise KeyError(f"no assumption {sorted(unknown)}; the ids are {sorted(assumptions['assumption_id'])}")


def assumption_values(assumptions: pd.DataFrame, chip_id: str, vendor: str,
                      moved: dict[str, float] | None = None) -> dict[str, float]:
    """The inputs decode_cost takes, for one chip: every row of `assumptions` that applies
    to it (its vendor's rows, its own rows and the global rows) at its central value,
    except the rows named in `moved` ({assumption_id: value}). A chip's
    generation_share_factor multiplies its vendor's bandwidth and compute shares; owning
    costs are read by owning_costs, not here.

    Returns {discount, bandwidth_share, compute_share, hbm_usable_share, replica_domains,
    context_tokens, batch, weight_bits}. Raises KeyError when a parameter has no row for
    this chip, or a moved id names no row."""
    moved = dict(moved or {})
    _check_moved(assumptions, moved)
    rows = assumptions[_applies(assumptions, chip_id, vendor)]
    value = {row.assumption_id: float(moved.get(row.assumption_id, row.central)) for row in rows.itertuples()}
    return chip_inputs(list(zip(rows["assumption_id"], rows["parameter"])), value, chip_id, vendor)


def chip_inputs(rows: list[tuple[str, str]], value: dict[str, float], chip_id: str = "", vendor: str = "") -> dict[str, float]:
    """assumption_values' arithmetic on plain values: `rows` are the (assumption_id,
    parameter) pairs that apply to the chip, `value` each one's value by assumption_id."""
    values = {parameter: value[assumption_id] for assumption_id, parameter in rows}
    factor = values.pop("generation_share_factor", 1.0)
    for parameter in OWNING_PARAMETERS:
        values.pop(parameter, None)
    missing = [p for p in VENDOR_PARAMETERS + GLOBAL_PARAMETERS if p not in values]
    if missing:
        raise KeyError(f"no assumption row gives {missing} for {chip_id} ({vendor})")
    return {"discount": values["negotiated_discount"],
            "bandwidth_share": min(1.0, values["bandwidth_share"] * factor),
            "compute_share": min(1.0, values["compute_share"] * factor),
            **{p: values[p] for p in GLOBAL_PARAMETERS}}


def applying_rows(assumptions: pd.DataFrame, chip_id: str, vendor: str) -> list[tuple[str, str]]:
    """The (assumption_id, parameter) pairs of the rows that apply to a chip (chip_inputs' `rows`)."""
    rows = assumptions[_applies(assumptions, chip_id, vendor)]
    return list(zip(rows["assumption_id"], rows["parameter"]))


def owning_costs(chips: pd.DataFrame, assumptions: pd.DataFrame, moved: dict[str, float] | None = None) -> pd.Series:
    """Each chip's owning cost in US dollars per chip-hour (NaN where no row gives one),
    with `moved` ({assumption_id: value}) applied.

    An owning_cost row gives it directly. An owning_cost_ratio row prices a chip per unit
    of capability (`capability`) against a chip with a direct figure (relative_to):
    cost = ratio · reference cost · capability(chip) / capability(reference), capability
    weighted by the owning_cost_bandwidth_weight row (0, per 8-bit FLOP/s, without one).
    Raises KeyError when a reference chip has no direct owning cost or is not in `chips`."""
    moved = dict(moved or {})
    _check_moved(assumptions, moved)
    value = {row.assumption_id: float(moved.get(row.assumption_id, row.central)) for row in assumptions.itertuples()}
    return pd.Series(owning_cost_values(chips.set_index("chip_id"), assumptions.to_dict("records"), value),
                     index=chips["chip_id"].to_numpy(), dtype=float)


def spec_records(specs: pd.DataFrame) -> dict[str, dict]:
    """{chip_id: the chip's spec row as a dict with its chip_id}, from `specs` indexed by
    chip_id: what owning_cost_values reads, made once for many draws."""
    return {c: row | {"chip_id": c} for c, row in specs.to_dict("index").items()}


def owning_cost_values(specs: pd.DataFrame | dict[str, dict], rows: list[dict], value: dict[str, float]) -> dict[str, float]:
    """owning_costs' arithmetic on plain values: `specs` indexed by chip_id (or spec_records
    of it, which many draws read faster), the assumption `rows` as records and each row's
    `value` by assumption_id. {chip_id: $ per chip-hour}."""
    if isinstance(specs, pd.DataFrame):
        specs = spec_records(specs)
    weight = next((value[r["assumption_id"]] for r in rows if r["parameter"] == BASIS_WEIGHT), 0.0)
    costs = dict.fromkeys(specs, math.nan)
    known = {r["chip_id"]: value[r["assumption_id"]] for r in rows if r["parameter"] == "owning_cost"}
    for chip_id, cost in known.items():
        if chip_id in costs:
            costs[chip_id] = cost
    for r in rows:
        if r["parameter"] != "owning_cost_ratio" or r["chip_id"] not in costs:
            continue
        ref = r["relative_to"]
        if ref not in known or ref not in costs:
            raise KeyError(f"{r['assumption_id']} prices {r['chip_id']} against {ref!r}, which needs a direct "
                           f"owning_cost row and a place among the chips compared ({sorted(costs)})")
        per_unit = known[ref] / capability(specs[ref], weight)
        costs[r["chip_id"]] = value[r["assumption_id"]] * per_unit * capability(specs[r["chip_id"]], weight)
    return costs


def priced_by(assumptions: pd.DataFrame, assumption_id: str) -> str | None:
    """The chip whose owning cost is proportional to one assumption row and moves with no
    other chip's: the chip of an owning_cost_ratio row, or of an owning_cost row that no
    ratio row prices another chip against. None for any other row."""
    row = assumptions.set_index("assumption_id").loc[assumption_id]
    if row["parameter"] == "owning_cost_ratio":
        return row["chip_id"]
    referenced = set(assumptions.loc[assumptions["parameter"] == "owning_cost_ratio", "relative_to"])
    if row["parameter"] == "owning_cost" and row["chip_id"] not in referenced:
        return row["chip_id"]
    return None


def pricing_rows(assumptions: pd.DataFrame, chip_id: str) -> pd.DataFrame:
    """The rows that set a chip's owning cost: its own owning_cost or owning_cost_ratio row
    and, for a ratio, the reference chip's owning_cost row and the basis weight row."""
    own = assumptions[(assumptions["chip_id"] == chip_id) & assumptions["parameter"].isin(OWNING_PARAMETERS)]
    refs = set(own.loc[own["parameter"] == "owning_cost_ratio", "relative_to"])
    if not refs:
        return own
    return assumptions[assumptions.index.isin(own.index)
                       | ((assumptions["parameter"] == "owning_cost") & assumptions["chip_id"].isin(refs))
                       | (assumptions["parameter"] == BASIS_WEIGHT)]


def chip_frame(specs: pd.DataFrame, prices: pd.DataFrame, domains: pd.DataFrame, formats: pd.DataFrame,
               on=None) -> pd.DataFrame:
    """One row per chip with a scale-up domain: its specs, domain_chips, its serving
    paths (serving_paths) and the reference on-demand list price on or before `on` (the
    latest when None; usd_per_chip_hour NaN, price_id None where no price is published)."""
    ref = reference_prices(prices, on)[["chip_id", "usd_per_chip_hour", "price_id", "as_of"]].rename(columns={"as_of": "price_as_of"})
    table = specs.merge(domains[["chip_id", "domain_chips", "domain"]], on="chip_id", how="inner")
    return table.merge(serving_paths(formats), on="chip_id", how="left").merge(ref, on="chip_id", how="left")


def cost_table(chips: pd.DataFrame, model: ReferenceModel, assumptions: pd.DataFrame,
               moved: dict[str, float] | None = None, basis: str = "list") -> pd.DataFrame:
    """decode_cost for every chip of `chips` (a chip_frame) at the central assumptions,
    with `moved` ({assumption_id: value}) applied, on one price basis (PRICE_BASES):
    'list' prices a chip at its list price less its vendor's discount, 'owning' at its
    owning cost with no discount. One row per chip: chip_id, chip, vendor, basis, priced
    (has a price on this basis), usd_per_chip_hour (before any discount), discount and
    every key decode_cost returns, plus rank (1 = cheapest among priced chips that fit)."""
    if basis not in PRICE_BASES:
        raise ValueError(f"price basis must be one of {sorted(PRICE_BASES)}, not {basis!r}")
    owning = owning_costs(chips, assumptions, moved) if basis == "owning" else None
    rows = []
    for chip in chips.to_dict("records"):
        inputs = assumption_values(assumptions, chip["chip_id"], chip["vendor"], moved)
        price = owning[chip["chip_id"]] if basis == "owning" else chip.get("usd_per_chip_hour")
        if basis == "owning":
            inputs["discount"] = 0.0
        result = decode_cost(chip, model, usd_per_chip_hour=price, domain_chips=int(chip["domain_chips"]), **inputs)
        rows.append({"chip_id": chip["chip_id"], "chip": chip["chip"], "vendor": chip["vendor"], "basis": basis,
                     "priced": price is not None and not pd.isna(price), "usd_per_chip_hour": price,
                     "discount": inputs["discount"], **result})
    table = pd.DataFrame(rows)
    table["rank"] = table["usd_per_million_tokens"].rank(method="first")
    return table


def ranking(table: pd.DataFrame, among: list[str] | None = None) -> list[str]:
    """chip_ids of the priced chips that fit (of `among`, if given), cheapest first."""
    fit = table.dropna(subset=["usd_per_million_tokens"])
    if among is not None:
        fit = fit[fit["chip_id"].isin(among)]
    return list(fit.sort_values(["usd_per_million_tokens", "chip_id"])["chip_id"])


def break_even_price(table: pd.DataFrame, chip_id: str, against: str | None = None) -> float:
    """The effective price per chip-hour (after any discount) at which `chip_id` would cost
    as much per token as `against` (default: the cheapest priced chip): that chip's
    $/Mtok · 3600 / (10^6 · chip-seconds per token). NaN when either does not fit."""
    by_id = table.set_index("chip_id")
    target = by_id.at[against or ranking(table)[0], "usd_per_million_tokens"]
    return float(target * HOURS_TO_SECONDS / (PER_MILLION * by_id.at[chip_id, "chip_seconds_per_token"]))


def favourable_end(parameter: str) -> str | None:
    """The end of an assumption's range that makes its chips cheaper: the high end of a
    discount, a share or a generation factor; the low end of an owning cost or ratio.
    None for the owning-cost basis weight, whose favourable end depends on the chip
    (cost_range tries both)."""
    if parameter == BASIS_WEIGHT:
        return None
    return "low" if parameter in OWNING_PARAMETERS else "high"


def other_end(end: str) -> str:
    return "high" if end == "low" else "low"


def own_assumptions(assumptions: pd.DataFrame, chip_id: str, vendor: str) -> pd.DataFrame:
    """The rows that are a chip's own: its vendor's rows, its chip-level rows and, when its
    owning cost is a ratio to another chip's, the rows that set that price (pricing_rows)."""
    own = (assumptions["vendor"] == vendor) | (assumptions["chip_id"] == chip_id)
    pricing = pricing_rows(assumptions, chip_id)
    return assumptions[own | assumptions.index.isin(pricing.index)]


def _chip_cost(chips: pd.DataFrame, model: ReferenceModel, assumptions: pd.DataFrame, chip_id: str,
               moved: dict[str, float], basis: str) -> float:
    """One chip's cost per million tokens on a basis, with `moved` applied (cost_table's arithmetic)."""
    chip = chips.loc[chips["chip_id"] == chip_id].iloc[0].to_dict()
    inputs = assumption_values(assumptions, chip_id, chip["vendor"], moved)
    if basis == "owning":
        price, inputs["discount"] = owning_costs(chips, assumptions, moved)[chip_id], 0.0
    else:
        price = chip.get("usd_per_chip_hour")
    return decode_cost(chip, model, usd_per_chip_hour=price, domain_chips=int(chip["domain_chips"]),
                       **inputs)["usd_per_million_tokens"]


def cost_range(chips: pd.DataFrame, model: ReferenceModel, assumptions: pd.DataFrame, basis: str = "list") -> pd.DataFrame:
    """Each chip's cost on one price basis with its own assumptions (own_assumptions: its
    vendor's discount and shares, its generation factor, everything that sets its owning
    cost) all at the end that favours it and all at the end that does not, everything else
    central. The favourable end of a row whose direction depends on the chip (the basis
    weight) is the one that gives this chip the lower cost with the rest central.
    Columns chip_id, chip, vendor, low_usd, central_usd, high_usd; only chips with a cost
    on this basis at central."""
    central = cost_table(chips, model, assumptions, basis=basis).set_index("chip_id")
    rows = []
    for chip in chips.to_dict("records"):
        chip_id = chip["chip_id"]
        if pd.isna(central.at[chip_id, "usd_per_million_tokens"]):
            continue
        own = own_assumptions(assumptions, chip_id, chip["vendor"])
        favour = {}
        for row in own.itertuples():
            end = favourable_end(row.parameter)
            if end is None:
                at = {e: _chip_cost(chips, model, assumptions, chip_id, {row.assumption_id: getattr(row, e)}, basis)
                      for e in ("low", "high")}
                end = "low" if at["low"] <= at["high"] else "high"
            favour[row.assumption_id] = (getattr(row, end), getattr(row, other_end(end)))
        cheap = _chip_cost(chips, model, assumptions, chip_id, {k: v[0] for k, v in favour.items()}, basis)
        dear = _chip_cost(chips, model, assumptions, chip_id, {k: v[1] for k, v in favour.items()}, basis)
        rows.append({"chip_id": chip_id, "chip": chip["chip"], "vendor": chip["vendor"],
                     "low_usd": cheap, "central_usd": central.at[chip_id, "usd_per_million_tokens"], "high_usd": dear})
    return pd.DataFrame(rows, columns=["chip_id", "chip", "vendor", "low_usd", "central_usd", "high_usd"])


def could_be_cheapest(ranges: pd.DataFrame) -> pd.DataFrame:
    """Which chips the model can tell apart: a chip could be the cheapest when the low end
    of its range is no higher than the lowest high end of any chip's range (its own
    included), i.e. some setting of the ranges, each chip's taken alone, leaves it no
    dearer than every other; the rest are clearly dearer. The ranges of one vendor's chips
    move together, so this reads them as more independent than they are, which can only
    widen the set. Returns `ranges` sorted by central cost with a boolean
    could_be_cheapest; attrs['ceiling'] is the lowest high end."""
    if ranges.empty:
        return ranges.assign(could_be_cheapest=pd.Series(dtype=bool))
    ceiling = ranges["high_usd"].min()
    table = ranges.assign(could_be_cheapest=ranges["low_usd"] <= ceiling).sort_values(["central_usd", "chip_id"])
    table.attrs["ceiling"] = float(ceiling)
    return table.reset_index(drop=True)


def tornado(chips: pd.DataFrame, model: ReferenceModel, assumptions: pd.DataFrame,
            pair: tuple[str, str] | None = None, basis: str = "list", among: list[str] | None = None) -> pd.DataFrame:
    """Move each assumption to its low and its high value, the others central, and see
    what happens to the ranking of the priced chips of `among` (default: all) on one
    price basis.

    The leader is the cheapest of them at central; `lead` is its cost over the cheapest
    other's (above 1: another chip is cheapest). pair: two chip_ids whose order is
    watched too (default: the leader and the cheapest chip of another vendor). One row per
    assumption and end: assumption_id, parameter, vendor, chip_id, end, value, cheapest
    (chip_id), cheapest_changes, lead, ratio (cost of pair[0] / cost of pair[1]),
    pair_flips and order_changes (any two of the chips swap). NaN ratios mean a chip
    does not fit. attrs: pair, leader, central_order, basis, among, central_lead (the
    leader's cost over the next chip's with every assumption central)."""
    base = cost_table(chips, model, assumptions, basis=basis)
    order = ranking(base, among)
    leader = order[0]
    base_costs = base.set_index("chip_id")["usd_per_million_tokens"]
    central_lead = base_costs[leader] / base_costs[order[1]] if len(order) > 1 else math.nan
    if pair is None:
        vendor_of = base.set_index("chip_id")["vendor"]
        pair = (leader, next(c for c in order if vendor_of[c] != vendor_of[leader]))
    rows = []
    for row in assumptions.itertuples():
        for end in ("low", "high"):
            value = getattr(row, end)
            table = cost_table(chips, model, assumptions, {row.assumption_id: value}, basis)
            costs = table.set_index("chip_id")["usd_per_million_tokens"]
            if among is not None:
                costs = costs[costs.index.isin(among)]
            moved_order = ranking(table, among)
            others = costs.drop(leader).dropna()
            rows.append({"assumption_id": row.assumption_id, "parameter": row.parameter, "vendor": row.vendor,
                         "chip_id": row.chip_id, "end": end, "value": value,
                         "cheapest": moved_order[0] if moved_order else None,
                         "cheapest_changes": bool(moved_order) and moved_order[0] != leader,
                         "lead": costs[leader] / others.min() if len(others) else math.nan,
                         "ratio": costs[pair[0]] / costs[pair[1]],
                         "pair_flips": bool(costs[pair[0]] > costs[pair[1]]), "order_changes": moved_order != order})
    result = pd.DataFrame(rows)
    result.attrs.update(pair=pair, leader=leader, central_order=order, basis=basis, among=among,
                        central_lead=float(central_lead))
    return result


def scenario_chips(cost_scenarios: pd.DataFrame, scenario_id: str, table: pd.DataFrame) -> pd.DataFrame:
    """The chips serving Anthropic in one scenario (one per vendor) with their cost at the
    given table's settings: vendor, chip_id, chip, priced, usd_per_million_tokens and, for
    chips with no price on the table's basis, break_even_usd_per_chip_hour against the
    cheapest priced chip of the whole table."""
    rows = cost_scenarios[cost_scenarios["scenario_id"] == scenario_id]
    if rows.empty:
        raise KeyError(f"no scenario {scenario_id!r}; the scenarios are {sorted(set(cost_scenarios['scenario_id']))}")
    picked = rows[["vendor", "chip_id"]].merge(table, on=["chip_id", "vendor"], how="left")
    picked["break_even_usd_per_chip_hour"] = [
        math.nan if priced else break_even_price(table, chip_id) for chip_id, priced in zip(picked["chip_id"], picked["priced"])]
    return picked


def fleet(cost_scenarios: pd.DataFrame, scenario_id: str = "central") -> list[str]:
    """The chip_ids serving Anthropic in one scenario, in the table's vendor order."""
    return list(cost_scenarios.loc[cost_scenarios["scenario_id"] == scenario_id, "chip_id"])


# --- the chapter's tables ---------------------------------------------------------------

def reference_prices(prices: pd.DataFrame, on=None) -> pd.DataFrame:
    """One on-demand list price per chip: the most recent observation (on or before `on`,
    a date, if given), cheapest region/cloud among those of that date. Columns: chip_id,
    usd_per_chip_hour, price_id, cloud, region, as_of, source_id."""
    on_demand = prices[prices["pricing"] == "on-demand"]
    if on is not None:
        on_demand = on_demand[on_demand["as_of"] <= pd.Timestamp(on)]
    latest = on_demand[on_demand["as_of"] == on_demand.groupby("chip_id")["as_of"].transform("max")]
    cheapest = latest.sort_values(["chip_id", "usd_per_chip_hour", "price_id"]).groupby("chip_id").head(1)
    return cheapest[["chip_id", "usd_per_chip_hour", "price_id", "cloud", "region", "as_of", "source_id"]].reset_index(drop=True)


def like_date(prices: pd.DataFrame, specs: pd.DataFrame) -> pd.Timestamp:
    """The date list prices are compared at: the last day of the latest year in which every
    vendor that has an on-demand list price has one. Comparing every chip at its latest
    price on or before it keeps one vendor's price cut from being set against another
    vendor's older list. Raises ValueError when no year is common to them."""
    on_demand = prices[prices["pricing"] == "on-demand"].merge(specs[["chip_id", "vendor"]], on="chip_id")
    years = [set(g["as_of"].dt.year) for _, g in on_demand.groupby("vendor")]
    common = set.intersection(*years) if years else set()
    if not common:
        raise ValueError("no year in which every vendor has an on-demand list price")
    return pd.Timestamp(f"{max(common)}-12-31")


def per_dollar(specs: pd.DataFrame, prices: pd.DataFrame, on=None) -> pd.DataFrame:
    """Specs joined to reference prices (on or before `on`, the latest when None), with
    dense BF16 TFLOPS and HBM GB/s per dollar-hour."""
    table = specs.merge(reference_prices(prices, on), on="chip_id", how="inner", suffixes=("", "_price"))
    table["bf16_tflops_per_usd_hour"] = table["bf16_tflops_dense"] / table["usd_per_chip_hour"]
    table["hbm_gb_s_per_usd_hour"] = table["hbm_bandwidth_gb_s"] / table["usd_per_chip_hour"]
    return table


def generation_ratios(specs: pd.DataFrame, prices: pd.DataFrame, new: str, old: str) -> dict[str, float]:
    """Ratios of a chip to its predecessor from spec sheets and reference list prices alone.

    Every published dense rate counts: BF16, FP8 and INT8 peaks each give a per-chip and a
    per-dollar ratio (`<precision>_per_chip`, `<precision>_per_dollar`) where both chips
    publish that rate, so a comparison never rests on one number format; memory bandwidth
    gives `bandwidth_per_chip` and `bandwidth_per_dollar`; `price_per_chip` is new / old."""
    s = specs.set_index("chip_id")
    p = reference_prices(prices).set_index("chip_id")["usd_per_chip_hour"]
    price = p[new] / p[old]
    ratios = {"price_per_chip": price}
    for precision, column in (("bf16", "bf16_tflops_dense"), ("fp8", "fp8_tflops_dense"), ("int8", "int8_tops_dense")):
        if pd.notna(s.at[new, column]) and pd.notna(s.at[old, column]):
            ratios[f"{precision}_per_chip"] = s.at[new, column] / s.at[old, column]
            ratios[f"{precision}_per_dollar"] = ratios[f"{precision}_per_chip"] / price
    ratios["bandwidth_per_chip"] = s.at[new, "hbm_bandwidth_gb_s"] / s.at[old, "hbm_bandwidth_gb_s"]
    ratios["bandwidth_per_dollar"] = ratios["bandwidth_per_chip"] / price
    return ratios


def commitment_discounts(prices: pd.DataFrame) -> pd.DataFrame:
    """Public committed-use prices against the on-demand price of the same offering, cloud,
    region and date: one row per commitment price with chip_id, pricing, price_id,
    usd_per_chip_hour, on_demand_usd_per_chip_hour, discount (1 - committed / on-demand),
    as_of and source_id. Commitments without an on-demand twin are left out."""
    keys = ["chip_id", "cloud", "offering", "region", "as_of"]
    committed = prices[prices["pricing"] != "on-demand"]
    on_demand = prices[prices["pricing"] == "on-demand"][keys + ["usd_per_chip_hour"]].rename(
        columns={"usd_per_chip_hour": "on_demand_usd_per_chip_hour"})
    table = committed.merge(on_demand, on=keys, how="inner")
    table["discount"] = 1 - table["usd_per_chip_hour"] / table["on_demand_usd_per_chip_hour"]
    return table[["chip_id", "pricing", "price_id", "usd_per_chip_hour", "on_demand_usd_per_chip_hour", "discount",
                  "as_of", "source_id"]].reset_index(drop=True)


def mlperf_per_dollar(results: pd.DataFrame, prices: pd.DataFrame, on=None) -> pd.DataFrame:
    """MLPerf results with per-chip throughput and samples per list-price dollar, at the
    reference price of each chip on or before `on` (default: the latest)."""
    table = results.merge(reference_prices(prices, on)[["chip_id", "usd_per_chip_hour", "price_id"]],
                          on="chip_id", how="left")
    table["samples_per_second_per_chip"] = table["samples_per_second"] / table["accelerators_per_system"]
    table["samples_per_usd"] = table["samples_per_second_per_chip"] * HOURS_TO_SECONDS / table["usd_per_chip_hour"]
    return table


# --- the interactive chart: the same arithmetic as Vega signals ---------------------------
#
# The chart recomputes every chip's cost in the page when the reader moves a control.
# vega_cost_params writes decode_cost's arithmetic as one group of Vega signals per chip,
# with the chip's figures and the model's constants written in as numbers and the
# reader's settings as the bound signals below; tests/test_inference.py renders those
# signals with Vega (vl-convert) and checks them against decode_cost for every chip.

# The bound controls: signal name -> the cost-model input it sets. Vendor controls are
# "<kind><Vendor>", e.g. discountAWS.
VENDOR_CONTROLS = {"discount": "negotiated_discount", "bandwidthShare": "bandwidth_share"}
# How the texts name each basis, and a chip without a price on it.
BASIS_WORDS = {"list": "On list prices less discounts", "owning": "On owning cost"}
BASIS_CONTROL = {"list": "List price less discount", "owning": "Owning cost, no margin"}
NO_PRICE = {"list": "no public price", "owning": "no owning-cost estimate"}
# Sort markers: a priced chip that does not fit, then a chip with no price on the basis.
UNFIT, UNPRICED = "zy|", "zz|"


def _number(value: float) -> str:
    """A number as Vega reads it back exactly: integers without a decimal point, the rest
    in Python's shortest round-trip form."""
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _js_string(text: str) -> str:
    return "'" + str(text).replace("\\", "\\\\").replace("'", "\\'") + "'"


_OPERATORS = set("+-*/%<>=!&|")


def _compact(expr: str) -> str:
    """A Vega expression without the spaces it does not need, so the page carries fewer
    bytes: spaces inside quoted strings stay, and so does a space between two word
    characters or two operator characters (`a - -b`); every other one goes."""
    out, quote, escaped = [], None, False
    for i, ch in enumerate(expr):
        if quote:
            out.append(ch)
            escaped, closes = (ch == "\\" and not escaped), (ch == quote and not escaped)
            quote = None if closes else quote
            continue
        if ch in "'\"":
            quote = ch
        elif ch == " ":
            before = out[-1] if out else ""
            after = next((c for c in expr[i + 1:] if c != " "), "")
            word = lambda c: c.isalnum() or c in "_$."
            if not ((word(before) and word(after)) or (before in _OPERATORS and after in _OPERATORS)):
                continue
        out.append(ch)
    return "".join(out)


def _by_basis(words: dict[str, str]) -> str:
    return f"basis == 'owning' ? {_js_string(words['owning'])} : {_js_string(words['list'])}"


def _sorted_fit(table: pd.DataFrame) -> list[tuple[str, str, float]]:
    """(sort key, label, cost) of the priced chips that fit, in the page's order."""
    fit = table.dropna(subset=["usd_per_million_tokens"])
    return sorted((f"{cost:010.4f}", label, cost) for cost, label in zip(fit["usd_per_million_tokens"], fit["chip"]))


def order_key(table: pd.DataFrame) -> str:
    """The chips that fit, cheapest first, as the page compares them: labels joined by
    '~', sorted by cost to four decimals (then label)."""
    return "~".join(label for _, label, _ in _sorted_fit(table))


# The next chip within this share of the cheapest's cost is a near tie, which the cost title says.
NEAR_TIE = 0.05


def cost_title(table: pd.DataFrame, default_order: str | None = None) -> str:
    """The chart's title for a cost_table: its basis, the cheapest chip and the next with
    their costs at these exact settings (a near tie where the next is within NEAR_TIE of the
    cheapest, compared on the page's sort keys, so that the page says the same), and whether
    the order differs from `default_order` (an order_key)."""
    words = BASIS_WORDS[table["basis"].iat[0]]
    fit = _sorted_fit(table)
    if not fit:
        return f"{words}, the reference model fits on no priced chip at these settings"
    changed = default_order is not None and order_key(table) != default_order
    near = len(fit) > 1 and float(fit[1][0]) <= float(fit[0][0]) * (1 + NEAR_TIE)
    return (f"{words}, {fit[0][1]} costs least at these exact settings: ${fit[0][2]:.2f} per million output tokens"
            + (f", then {fit[1][1]} ${fit[1][2]:.2f}" if len(fit) > 1 else "") + (": a near tie" if near else "")
            + ("; the order of chips has changed from the defaults" if changed else ""))


def cost_summary(table: pd.DataFrame, serving: pd.DataFrame, default_order: str | None = None) -> str:
    """The text alternative's changing part: whether the order differs from
    `default_order` (an order_key), every chip priced on the table's basis cheapest first
    with its cost, those that do not fit, and the chips serving Anthropic in the picked
    scenario (`serving`, a scenario_chips frame) with their cost or break-even price."""
    basis = table["basis"].iat[0]
    priced = table[table["priced"]]
    changed = default_order is not None and order_key(table) != default_order
    text = (("The order of chips has changed from the defaults. " if changed else "") + f"{BASIS_WORDS[basis]}, cheapest first: "
            + ", ".join(f"{label} ${cost:.2f}" for _, label, cost in _sorted_fit(priced)) + ".")
    unfit = sorted(priced.loc[priced["usd_per_million_tokens"].isna(), "chip"])
    if unfit:
        text += " Does not fit at these settings: " + ", ".join(unfit) + "."
    parts = []
    for row in serving.itertuples():
        if row.priced:
            parts.append(f"{row.chip} " + (f"${row.usd_per_million_tokens:.2f}" if row.fits else "(does not fit)"))
        elif row.fits:
            parts.append(f"{row.chip} ({NO_PRICE[basis]}; as cheap as the cheapest chip at ${row.break_even_usd_per_chip_hour:.2f} "
                         "per chip-hour" + (" after discount" if basis == "list" else "") + ")")
        else:
            parts.append(f"{row.chip} ({NO_PRICE[basis]}; does not fit)")
    return text + " Serving Anthropic in this scenario: " + "; ".join(parts) + "."


def moved_from_controls(assumptions: pd.DataFrame, controls: dict) -> dict[str, float]:
    """The {assumption_id: value} a set of the chart's controls stands for (see
    vega_cost_params): batch, context, weightBits, and discount<Vendor> /
    bandwidthShare<Vendor>; basis and scenario pick a view, not a value, and are ignored.
    Raises KeyError for a control no assumption row backs."""
    by_parameter = {}
    for row in assumptions.itertuples():
        if not isinstance(row.chip_id, str) or not row.chip_id:  # chip-level rows have no control
            by_parameter[(row.parameter, row.vendor if isinstance(row.vendor, str) else None)] = row.assumption_id
    moved = {}
    for name, value in controls.items():
        if name in ("scenario", "basis"):
            continue
        if name in ("batch", "context", "weightBits"):
            parameter = {"batch": "batch", "context": "context_tokens", "weightBits": "weight_bits"}[name]
            moved[by_parameter[(parameter, None)]] = value
        else:
            kind, vendor = re.fullmatch(r"(discount|bandwidthShare)(\w+)", name).groups()
            moved[by_parameter[(VENDOR_CONTROLS[kind], vendor)]] = value
    return moved


# The controls a phone shows (the others keep their default there): the three that move the order most.
PHONE_CONTROLS = ("batch", "weightBits", "basis")


def vega_cost_params(chips: pd.DataFrame, model: ReferenceModel, assumptions: pd.DataFrame,
                     cost_scenarios: pd.DataFrame, scenarios: pd.DataFrame, default_order: str,
                     narrow: bool = False) -> list[dict]:
    """Vega-Lite parameter definitions (plain dicts) for the interactive cost chart.

    Bound controls, set at the central assumptions: batch (the ceiling), context
    (tokens), weightBits (16, 8 or 4), basis (a PRICE_BASES key), scenario (a
    scenario_id), and per vendor discount<Vendor> and bandwidthShare<Vendor>. Everything
    else is held at its central value, owning costs included. Derived signals: per chip
    c<i>_w (weight bits), _p, _v, _q, _m, _b (batch), _r, _c, _s (chip-seconds per token,
    null when the model does not fit), _d (price on the picked basis), _h (has one) and
    _x (cost); costs, bitsUsed, batchUsed, memoryBound, chipSeconds, pricedNow, priceNow
    (objects keyed by chip_id); serving (the scenario's chip_ids); ranked; costTitle and
    costSummary (the title and text alternative, as cost_title and cost_summary write
    them); noPriceAll, noPriceServing and noPriceLine (the chips without a price on the
    basis, which have no bar, and those of them serving Anthropic, as a line or two). narrow:
    only PHONE_CONTROLS are bound."""
    vendors = [v for v in CHIP_MAKERS if v in set(chips["vendor"])]
    first = chips.iloc[0]
    central = assumption_values(assumptions, first["chip_id"], first["vendor"])
    owning = owning_costs(chips, assumptions)
    params: list[dict] = [
        {"name": "batch", "value": central["batch"],
         "bind": {"input": "range", "min": 1, "max": 4096, "step": 1, "name": "Most sequences decoded together "}},
        {"name": "context", "value": central["context_tokens"],
         "bind": {"input": "range", "min": 2048, "max": 262144, "step": 2048, "name": "Context held per sequence (tokens) "}},
        {"name": "weightBits", "value": int(central["weight_bits"]),
         "bind": {"input": "select", "options": list(WEIGHT_BITS), "labels": [WEIGHT_BITS_NAMES[b] for b in WEIGHT_BITS],
                  "name": "Weights stored in "}},
        {"name": "basis", "value": "list",
         "bind": {"input": "select", "options": list(PRICE_BASES), "labels": [BASIS_CONTROL[b] for b in PRICE_BASES],
                  "name": "Price basis "}},
        {"name": "scenario", "value": "central",
         "bind": {"input": "select", "options": list(scenarios["scenario_id"]), "labels": list(scenarios["name"]),
                  "name": "Scenario "}},
    ]
    for vendor in vendors:
        own = assumption_values(assumptions, "", vendor)
        params.append({"name": f"discount{vendor}", "value": own["discount"],
                       "bind": {"input": "range", "min": 0, "max": 0.9, "step": 0.01, "name": f"{vendor} discount off list price "}})
    for vendor in vendors:
        own = assumption_values(assumptions, "", vendor)
        params.append({"name": f"bandwidthShare{vendor}", "value": own["bandwidth_share"],
                       "bind": {"input": "range", "min": 0.2, "max": 1, "step": 0.01,
                                "name": f"{vendor} share of peak memory bandwidth achieved "}})
    kv_token = model.kv_bytes_per_token(1)
    attention = 4 * model.layers * model.query_heads * model.head_dim
    if narrow:
        params = [p if p["name"] in PHONE_CONTROLS else {k: v for k, v in p.items() if k != "bind"} for p in params]
    derived: list[dict] = [{"name": "basisWords", "expr": _by_basis(BASIS_WORDS)}, {"name": "noPrice", "expr": _by_basis(NO_PRICE)}]
    keys = {}
    # Per chip c<i>: _w weight bits, _p peak TFLOPS, _v cache bits, _q cache bytes a sequence, _m batch limit, _b batch,
    # _r memory seconds, _c compute seconds, _s chip-seconds a token (null: does not fit), _d price on the basis,
    # _h has a price, _x $ per million tokens. Short: every name recurs in the page's spec.
    for index, chip in enumerate(chips.to_dict("records")):
        k = keys[chip["chip_id"]] = f"c{index}"
        values = assumption_values(assumptions, chip["chip_id"], chip["vendor"])
        vendor_share = assumption_values(assumptions, "", chip["vendor"])["bandwidth_share"]
        factor = values["bandwidth_share"] / vendor_share
        paths = {bits: chip_precision(chip, bits) for bits in WEIGHT_BITS}  # (bits, peak, format, cache bits) at each setting

        def by_width(field, what=_number):
            """An expression for a path's field at the picked width, with the branches that cannot differ dropped."""
            at = {b: what(paths[b][field]) for b in WEIGHT_BITS}
            if at[4] == at[8] == at[16]:
                return at[16]
            if at[4] == at[8]:
                return f"weightBits == 16 ? {at[16]} : {at[8]}"
            if at[8] == at[16]:
                return f"weightBits == 4 ? {at[4]} : {at[16]}"
            return f"weightBits == 4 ? {at[4]} : weightBits == 8 ? {at[8]} : {at[16]}"
        list_price, own_price = chip.get("usd_per_chip_hour"), owning.get(chip["chip_id"])
        capacity = chip["domain_chips"] * values["replica_domains"] * float(chip["hbm_gb"]) * 1e9 * values["hbm_usable_share"]
        touched = (f"({_number(model.shared_params_b)} + {_number(model.experts * model.expert_params_b)} * "
                   f"(1 - pow(1 - {_number(model.experts_per_token / model.experts)}, {k}_b)))" if model.is_moe
                   else _number(model.total_params_b))
        share = (f"bandwidthShare{chip['vendor']}" if factor == 1 else f"min(1, bandwidthShare{chip['vendor']} * {_number(factor)})")
        price = lambda p: "null" if p is None or pd.isna(p) else _number(p)
        derived += [
            {"name": f"{k}_w", "expr": by_width(0, str)},
            {"name": f"{k}_p", "expr": by_width(1)},
            {"name": f"{k}_v", "expr": by_width(3, str)},
            {"name": f"{k}_q", "expr": f"{k}_v / 8 * {_number(kv_token)} * context"},
            # weights take total x bits / 8 bytes; what the domain holds beyond them sets the batch limit
            {"name": f"{k}_m", "expr": f"max(0, floor(({_number(capacity)} - {_number(model.total_params_b)} * 1e9 * {k}_w / 8) / {k}_q))"},
            {"name": f"{k}_b", "expr": f"min(batch, {k}_m)"},
            {"name": f"{k}_r", "expr": f"(({touched} * 1e9 * {k}_w / 8 + {k}_b * {k}_q) / ({_number(chip['hbm_bandwidth_gb_s'])} * 1e9 * {share}))"},
            {"name": f"{k}_c", "expr": (f"({k}_b * (2 * {_number(model.active_params_b)} * 1e9 + {_number(attention)} * context) / "
                                        f"({k}_p * 1e12 * {_number(values['compute_share'])}))")},
            {"name": f"{k}_s", "expr": f"{k}_b < 1 ? null : max({k}_r, {k}_c) / {k}_b"},
            {"name": f"{k}_d", "expr": f"basis == 'owning' ? {price(own_price)} : {price(list_price)}"},
            {"name": f"{k}_h", "expr": f"isValid({k}_d)"},
            {"name": f"{k}_x", "expr": f"isValid({k}_s) && {k}_h ? {k}_d * (basis == 'owning' ? 1 : 1 - discount{chip['vendor']}) "
                                       f"* {k}_s / 3600 * 1000000 : null"},
        ]

    def obj(suffix):
        return "{" + ", ".join(f"{_js_string(c)}: {k}_{suffix}" for c, k in keys.items()) + "}"
    labels = chips.set_index("chip_id")["chip"]
    short = labels.str.replace(r" \(.*\)$", "", regex=True)

    def entry(c):
        """'cost key|label $cost' for a chip that fits, else a marker that sorts after every cost."""
        k, label = keys[c], _js_string(labels[c])
        return (f"({k}_h ? (isValid({k}_x) ? format({k}_x, '010.4f') + '|' + {label} + ' ' + format({k}_x, '$.2f') : "
                f"'{UNFIT}' + {label}) : '{UNPRICED}' + {label})")
    serving = {s: list(g["chip_id"]) for s, g in cost_scenarios.groupby("scenario_id", sort=False)}
    sayings = []  # one phrase per chip a scenario names, as cost_summary words it
    for chip_id in dict.fromkeys(cost_scenarios["chip_id"]):
        k, label = keys[chip_id], labels[chip_id]
        expr = (f"{k}_h ? {_js_string(label + ' ')} + (isValid({k}_x) ? format({k}_x, '$.2f') : '(does not fit)') : "
                f"{_js_string(label + ' (')} + noPrice + (isValid({k}_s) ? '; as cheap as the cheapest chip at ' + "
                f"format(cheapestCostExact * 3600 / (1000000 * {k}_s), '$.2f') + ' per chip-hour' + "
                f"(basis == 'owning' ? '' : ' after discount') + ')' : '; does not fit)')")
        sayings.append({"name": f"{k}_say", "expr": expr})
    scenario_text = [f"scenario == {_js_string(scenario_id)} ? " + " + '; ' + ".join(f"{keys[c]}_say" for c in rows["chip_id"])
                     for scenario_id, rows in cost_scenarios.groupby("scenario_id", sort=False)]
    # drop the markers' entries; then the sort keys; then (for the order) the costs shown after each label
    drop_marked, drop_keys, drop_costs = "regexp('(~)?z[yz][|][^~]*', 'g')", "regexp('[0-9.]+[|]', 'g')", "regexp(' [$][0-9.]+', 'g')"
    derived += [
        {"name": "costs", "expr": obj("x")},
        {"name": "bitsUsed", "expr": obj("w")},
        {"name": "batchUsed", "expr": obj("b")},
        {"name": "memoryBound", "expr": "{" + ", ".join(f"{_js_string(c)}: {k}_r >= {k}_c" for c, k in keys.items()) + "}"},
        {"name": "chipSeconds", "expr": obj("s")},
        {"name": "pricedNow", "expr": obj("h")},
        {"name": "priceNow", "expr": obj("d")},
        {"name": "servingByScenario", "expr": "{" + ", ".join(f"{_js_string(s)}: [{', '.join(_js_string(c) for c in ids)}]"
                                                              for s, ids in serving.items()) + "}"},
        {"name": "serving", "expr": "servingByScenario[scenario]"},
        {"name": "ranked", "expr": "sort([" + ", ".join(entry(c) for c in keys) + "])"},
        {"name": "cheapestFits", "expr": "indexof(ranked[0], 'z') != 0"},
        {"name": "secondFits", "expr": "length(ranked) > 1 && indexof(ranked[1], 'z') != 0"},
        {"name": "cheapestCostExact", "expr": "cheapestFits ? min(" + ", ".join(
            f"isValid({k}_x) ? {k}_x : 1e300" for k in keys.values()) + ") : null"},
    ] + sayings + [
        # the chips with no price on the basis (short names, each after ', '), and those of them serving Anthropic
        {"name": "noPriceAll", "expr": " + ".join(f"({k}_h ? '' : {_js_string(', ' + short[c])})" for c, k in keys.items())},
        {"name": "noPriceServing", "expr": " + ".join(f"({k}_h || indexof(serving, {_js_string(c)}) < 0 ? '' : "
                                                      f"{_js_string(', ' + short[c])})" for c, k in keys.items()
                                                      if c in set(cost_scenarios["chip_id"]))},
        # on a phone each list on a line of its own, under its words
        {"name": "noPriceLine", "expr": ("noPriceServing ? [" + (", " if narrow else " + ").join((
            "'Not drawn, ' + noPrice + ':'", "substring(noPriceAll, 2)")) + ", " + (", " if narrow else " + ").join((
            "'Of these, serving Anthropic:'", "substring(noPriceServing, 2)")) + "] : noPriceAll ? [" + (", " if narrow else " + ").join((
            "'Not drawn, ' + noPrice + ':'", "substring(noPriceAll, 2)")) + "] : ''").replace(":' + substring", ": ' + substring")},
        {"name": "orderKey", "expr": f"replace(replace(replace(join(ranked, '~'), {drop_marked}, ''), {drop_keys}, ''), {drop_costs}, '')"},
        {"name": "orderChanged", "expr": f"orderKey != {_js_string(default_order)}"},
        {"name": "costTitle", "expr": ("cheapestFits ? basisWords + ', ' + replace(split(ranked[0], '|')[1], " + drop_costs + ", '') + "
                                       "' costs least at these exact settings: ' + format(cheapestCostExact, '$.2f') + ' per million output tokens' + "
                                       "(secondFits ? ', then ' + split(ranked[1], '|')[1] + (toNumber(split(ranked[1], '|')[0]) <= "
                                       f"toNumber(split(ranked[0], '|')[0]) * {_number(1 + NEAR_TIE)} ? ': a near tie' : '') : '') + "
                                       "(orderChanged ? '; the order of chips has changed from the defaults' : '') "
                                       ": basisWords + ', the reference model fits on no priced chip at these settings'")},
        {"name": "costSummary", "expr": ("(orderChanged ? 'The order of chips has changed from the defaults. ' : '') + basisWords + "
                                         "', cheapest first: ' + replace(replace(join(ranked, ', '), "
                                         "regexp('(, )?z[yz][|][^,]*', 'g'), ''), " + drop_keys + ", '') + '.' + "
                                         f"(indexof(join(ranked, ','), '{UNFIT}') >= 0 ? ' Does not fit at these settings: ' + "
                                         "replace(join(sort([" + ", ".join(f"{k}_h && !isValid({k}_x) ? {_js_string(labels[c])} : ''"
                                                                        for c, k in keys.items())
                                         + "]), ', '), regexp('^(, )+'), '') + '.' : '') + ' Serving Anthropic in this scenario: ' + ("
                                         + " : ".join(scenario_text) + " : '') + '.'")},
    ]
    return params + [{**signal, "expr": _compact(signal["expr"])} for signal in derived]


def with_live_text(chart, title_signal: str = "costTitle", description_signal: str = "costSummary"):
    """Mark a finished chart (charts.finish) so the page draws its title from
    `title_signal` and adds `description_signal` to its text alternative as the reader
    moves its controls (_static/chipbook.js). The static title and description stay the
    ones for the default settings, for readers without scripts and for search."""
    meta = dict(chart.usermeta["chipbook"])
    meta.update(title_signal=title_signal, description_signal=description_signal)
    return chart.properties(usermeta={"chipbook": meta})


def cost_chart(chips: pd.DataFrame, model: ReferenceModel, assumptions: pd.DataFrame, cost_scenarios: pd.DataFrame,
               scenarios: pd.DataFrame, *, narrow: bool = False):
    """The interactive cost chart: one bar per chip with a price on the picked basis
    (dollars per million output tokens, recomputed in the page), a line under the axis
    (on a phone, above the plot) naming the chips without one, and an outline on the chips serving Anthropic in the picked scenario.

    Returns (chart, title, description) where title and description are those of the
    default settings, computed from the same cost_table the chart starts from; pass them
    to charts.finish and the result to with_live_text. narrow: the layout for columns
    under about 560 px (about 320 px wide, shorter axis title)."""
    import altair as alt

    from . import charts

    table = cost_table(chips, model, assumptions)
    default_order = order_key(table)
    title = cost_title(table, default_order)
    description = ("Interactive bar chart of the cost of a million output tokens on each chip at exact settings, recomputed in "
                   "the page from controls for the batch ceiling, context, weight width, price basis, scenario and each "
                   "vendor's discount and share of peak memory bandwidth. At the default settings: "
                   + cost_summary(table, scenario_chips(cost_scenarios, "central", table), default_order))
    data = chips[["chip_id", "chip", "vendor", "price_id"]]
    vendors = [v for v in CHIP_MAKERS if v in set(data["vendor"])]
    params = vega_cost_params(chips, model, assumptions, cost_scenarios, scenarios, default_order, narrow)
    calculations = dict(
        cost="costs[datum.chip_id]",
        chipSeconds="chipSeconds[datum.chip_id]",
        priced="pricedNow[datum.chip_id]",
        price="priceNow[datum.chip_id]",
        serving="indexof(serving, datum.chip_id) >= 0",
        sortKey="isValid(datum.cost) ? datum.cost : datum.priced ? 1000000 : 2000000",
        weights="bitsUsed[datum.chip_id] + '-bit'",
        batchUsed="batchUsed[datum.chip_id]",
        limitedBy="isValid(datum.chipSeconds) ? (memoryBound[datum.chip_id] ? 'memory bandwidth' : 'compute') : 'does not fit'",
        note="isValid(datum.cost) ? format(datum.cost, '$.2f') : 'does not fit'",
        barEnd="isValid(datum.cost) ? datum.cost : 0",
    )
    # On a phone each chip's name stands on its own line above its bar (as charts.label_rows
    # lays rows out), so the bars and their notes have the column's width.
    sort = alt.EncodingSortField("sortKey", op="min", order="ascending")
    # The chips serving Anthropic in the picked scenario say so in words beside their names (on a
    # phone without the chip's nickname, to keep the line within the column); their bars are outlined.
    said = " \u00b7 serving Anthropic"
    ids = json.dumps(dict(zip(data["chip"], data["chip_id"])), separators=(",", ":"))
    y = (alt.Y("chip:N", title=None, sort=sort, axis=None, scale=alt.Scale(paddingOuter=0.3)) if narrow
         else alt.Y("chip:N", title=None, sort=sort, axis=alt.Axis(labelLimit=300, labelExpr=(
             f"indexof(serving, {ids}[datum.value]) >= 0 ? datum.value + '{said}' : datum.value"))))
    x = alt.X("barEnd:Q", title="$ per million output tokens" if narrow else
              "Dollars per million output tokens, on the picked price basis", scale=alt.Scale(zero=True, nice=True),
              axis=alt.Axis(tickCount=4) if narrow else alt.Axis())
    tooltip = [alt.Tooltip("chip:N", title="Chip"), alt.Tooltip("vendor:N", title="Vendor"),
               alt.Tooltip("cost:Q", title="$ per million output tokens", format="$,.3f"),
               alt.Tooltip("price:Q", title="$ per chip-hour before any discount", format="$.3f"),
               alt.Tooltip("weights:N", title="Weights stored in"), alt.Tooltip("batchUsed:Q", title="Sequences per step"),
               alt.Tooltip("limitedBy:N", title="Limited by"), alt.Tooltip("price_id:N", title="List price row")]
    bar = {"height": 14} if narrow else {}
    bars = alt.Chart().mark_bar(**bar).encode(
        y=y, x=x, color=alt.Color("vendor:N", title="Vendor", scale=charts.vendor_scale(vendors),
                                  legend=alt.Legend(orient="bottom") if narrow else alt.Legend()),
        tooltip=tooltip,
    ).transform_filter("isValid(datum.cost)")
    # The chips serving Anthropic outlined in ink, a layer of its own so that the page
    # recolours the outline for the dark scheme (it leaves colours in encodings alone);
    # screen readers get the bars' own words, not the outline's again.
    outline = alt.Chart().mark_bar(filled=False, color=charts.INK, strokeWidth=2, aria=False, **bar).encode(
        y=y, x=x, tooltip=tooltip).transform_filter("isValid(datum.cost) && datum.serving")
    # A chip without a price on the basis has no row: a line under the axis names them all (on a
    # phone, whose legend is below, lines above the plot, the last ending just over it).
    notes = alt.Chart().mark_text(align="left", dx=4, fontSize=11).encode(y=y, x=x, text="note:N").transform_filter("datum.priced")
    unpriced = alt.Chart().transform_aggregate(n="count()").mark_text(
        align="left", baseline="bottom" if narrow else "top", x=0, lineHeight=13, fontSize=11, text=alt.ExprRef("noPriceLine"),
        y=alt.ExprRef("isArray(noPriceLine) ? -6 - 13 * (length(noPriceLine) - 1) : -6" if narrow else "height + 40"),
        limit=alt.ExprRef("width"))
    layers = [bars, outline, notes, unpriced]
    if narrow:
        layers.append(alt.Chart().transform_calculate(
            name=f"datum.serving ? replace(datum.chip, regexp(' \\\\(.*\\\\)'), '') + '{said}' : datum.chip").mark_text(
            align="left", baseline="bottom", dy=-9, fontSize=11, limit=alt.ExprRef("width")).encode(
            y=y, x=alt.value(0), text="name:N").transform_filter("datum.priced"))
    chart = (alt.layer(*layers, data=data).transform_calculate(**calculations)
             .add_params(*[alt.param(**p) for p in params])
             .properties(width=230 if narrow else 380, height=alt.Step(34 if narrow else 22)))
    return chart, title, description


# --- the ranges: what the model can and cannot tell apart --------------------------------

def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def range_title(verdicts: dict[str, pd.DataFrame]) -> str:
    """The range chart's title: per price basis (verdicts: {basis: could_be_cheapest
    frame}), whether one chip is cheapest across the ranges or which overlap."""
    parts, all_overlap = [], True
    for basis, table in verdicts.items():
        contenders = list(table.loc[table["could_be_cheapest"], "chip"])
        dearer = list(table.loc[~table["could_be_cheapest"], "chip"])
        words = BASIS_WORDS[basis][0].lower() + BASIS_WORDS[basis][1:]
        if len(contenders) == 1:
            all_overlap = False
            parts.append(f"{words} {contenders[0]} is cheapest even at the dear end of its range")
        elif not dearer:
            parts.append(f"{words} all {len(contenders)} chips priced on it overlap")
        else:
            parts.append(f"{words} {_and(contenders)} overlap, and {_and(dearer)} {'is' if len(dearer) == 1 else 'are'} clearly dearer")
    text = "; ".join(parts)
    return ("No chip is cheapest across the ranges: " + text) if all_overlap else text[0].upper() + text[1:]


BASIS_SHORT = {"list": "list prices", "owning": "owning cost"}


def range_chart_title(verdicts: dict[str, pd.DataFrame]) -> str:
    """The range chart's title, one clause: that no chip is clearly the cheapest on any
    basis, or which chip is, on which basis (`verdicts`: {basis: could_be_cheapest
    frame}). Which chips overlap and which are clearly dearer are its panels' headings
    (`range_heading`)."""
    alone = {b: t.loc[t["could_be_cheapest"], "chip"].iloc[0] for b, t in verdicts.items() if t["could_be_cheapest"].sum() == 1}
    if not alone:
        return (f"No chip is clearly cheapest on {' or on '.join(BASIS_SHORT[b] for b in verdicts)}: "
                f"{'their' if len(verdicts) > 1 else 'the'} ranges overlap")
    first, *rest = alone.items()
    return (f"{first[1]} is cheapest on {BASIS_SHORT[first[0]]} even at the dear end of its range"
            + "".join(f", and {chip} on {BASIS_SHORT[b]}" for b, chip in rest))


def range_heading(basis: str, table: pd.DataFrame) -> str:
    """A range panel's heading: its basis, how many chips overlap, which are clearly dearer."""
    contenders = list(table.loc[table["could_be_cheapest"], "chip"])
    dearer = list(table.loc[~table["could_be_cheapest"], "chip"])
    overlap = (f"{contenders[0]} cheapest" if len(contenders) == 1 else
               f"all {len(contenders)} overlap" if not dearer else f"{len(contenders)} overlap")
    return (f"{BASIS_WORDS[basis]}: {overlap}"
            + (f"; {_and(dearer)} clearly dearer" if dearer else ""))


def range_description(verdicts: dict[str, pd.DataFrame]) -> str:
    """The range chart's text alternative: every chip's central cost and range and whether
    it could be the cheapest, per basis."""
    text = ["Range plot of the cost of a million output tokens on each chip with every assumption at its central value "
            "(with the range from each chip's own assumptions at their favourable to their unfavourable ends, one chip at a "
            "time)."]
    for basis, table in verdicts.items():
        rows = "; ".join(f"{r.chip} ${r.central_usd:.2f} (${r.low_usd:.2f} to ${r.high_usd:.2f})" for r in table.itertuples())
        dearer = list(table.loc[~table["could_be_cheapest"], "chip"])
        text.append(f"{BASIS_WORDS[basis]}: {rows}. " + (f"Clearly dearer: {_and(dearer)}." if dearer else "None is clearly dearer."))
    return " ".join(text)


# The words on the range chart's marks: the dashed line's name (the lowest unfavourable end:
# a chip whose line starts right of it is dearer than some chip at that chip's worst), and the
# word written beside each such chip's line.
RANGE_LINE_NAME = "best worst case"
RANGE_DEARER = "clearly dearer"


def range_chart(verdicts: dict[str, pd.DataFrame], *, narrow: bool = False):
    """Each chip's cost range (could_be_cheapest frames by price basis) as a line from its
    favourable to its unfavourable end with a dot at central, one panel per basis, a dashed
    line at the lowest unfavourable end, named on the chart (`RANGE_LINE_NAME`), and
    `RANGE_DEARER` written beside each chip whose line starts right of it. Returns (chart,
    title, description), computed from `verdicts`."""
    import altair as alt

    from . import charts

    data = pd.concat([table.assign(basis=basis) for basis, table in verdicts.items()], ignore_index=True)
    data = data[["basis", "chip", "vendor", "low_usd", "central_usd", "high_usd", "could_be_cheapest"]].round(
        {"low_usd": 4, "central_usd": 4, "high_usd": 4})
    vendors = [v for v in CHIP_MAKERS if v in set(data["vendor"])]
    x = alt.X("low_usd:Q", scale=alt.Scale(type="log", nice=False, padding=8),
              axis=alt.Axis(values=[0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50], format="~g"),
              title="$ per million output tokens (log)" if narrow else "Dollars per million output tokens (log scale)")
    # On a phone each chip's name stands on its own line above its row, as charts.label_rows lays it out.
    # Room above the first row for the dashed line's name.
    sort = alt.EncodingSortField("central_usd", order="ascending")
    y = (alt.Y("chip:N", title=None, sort=sort, axis=None, scale=alt.Scale(padding=1.3)) if narrow
         else alt.Y("chip:N", title=None, sort=sort, axis=alt.Axis(labelLimit=220), scale=alt.Scale(padding=1.1)))
    color = alt.Color("vendor:N", title="Vendor", scale=charts.vendor_scale(vendors),
                      legend=alt.Legend(orient="bottom", direction="horizontal"))
    tooltip = [alt.Tooltip("chip:N", title="Chip"), alt.Tooltip("low_usd:Q", title="Favourable end", format="$.2f"),
               alt.Tooltip("central_usd:Q", title="All assumptions central", format="$.2f"),
               alt.Tooltip("high_usd:Q", title="Unfavourable end", format="$.2f"), alt.Tooltip("status:N", title="Verdict")]
    span = alt.Chart().mark_rule(strokeWidth=3).encode(x=x, x2="high_usd:Q", y=y, color=color, tooltip=tooltip)
    dots = alt.Chart().mark_point(size=90, filled=True, opacity=1).encode(
        x=alt.X("central_usd:Q"), y=y, color=color, tooltip=tooltip)
    # The keys on the marks: the dashed line's name above the first row, and each clearly dearer line's verdict.
    line_name = alt.Chart().transform_aggregate(ceiling="min(high_usd)", groupby=["basis"]).mark_text(
        align="left", baseline="top", dx=4, dy=2, fontSize=11, text=RANGE_LINE_NAME).encode(
        x=alt.X("ceiling:Q"), y=alt.value(0))
    dearer = alt.Chart().transform_filter("!datum.could_be_cheapest").mark_text(
        align="left", dx=6, fontSize=11, text=RANGE_DEARER).encode(x=alt.X("high_usd:Q"), y=y)
    # Each panel's heading, on lines of a phone's width in the narrow layout.
    import json
    import textwrap

    label = (" : ".join(f"datum.value == {_js_string(b)} ? "
                        + json.dumps(textwrap.wrap(range_heading(b, t), 40) if narrow else [range_heading(b, t)])
                        for b, t in verdicts.items()) + " : datum.value")
    if narrow:
        # On a phone the lowest dear end is a short upright stroke in each row, under the chip's
        # name, not a line through the names.
        ceiling = alt.Chart().transform_joinaggregate(ceiling="min(high_usd)", groupby=["basis"]).mark_point(
            shape="M0,-1L0,1", size=144, strokeWidth=2, strokeDash=[3, 2], filled=False, color="#333", opacity=1).encode(
            x=alt.X("ceiling:Q"), y=y)
        names = alt.Chart().mark_text(align="left", baseline="bottom", dy=-7, fontSize=11,
                                      limit=alt.ExprRef("width")).encode(y=y, x=alt.value(0), text="chip:N")
        layers = [ceiling, span, dots, line_name, dearer, names]  # in the wide layout's order: the page carries the difference
    else:
        layers = [alt.Chart().mark_rule(color="#333", strokeDash=[4, 3]).encode(x=alt.X("min(high_usd):Q")), span, dots,
                  line_name, dearer]
    chart = (alt.layer(*layers, data=data)
             .transform_calculate(status=f"datum.could_be_cheapest ? 'could be cheapest' : {_js_string(RANGE_DEARER)}")
             .properties(width=235 if narrow else 420, height=alt.Step(30 if narrow else 20))
             .facet(row=alt.Row("basis:N", title=None, sort=list(verdicts),
                                header=alt.Header(labelExpr=label, labelFontSize=12, labelAngle=0, labelAnchor="start",
                                                  labelOrient="top", labelLimit=0)))
             .resolve_scale(y="independent"))
    return chart, range_chart_title(verdicts), range_description(verdicts)


PARAMETER_LABELS = {
    "negotiated_discount": "{vendor} discount", "bandwidth_share": "{vendor} bandwidth share",
    "compute_share": "{vendor} compute share", "generation_share_factor": "{chip} new-generation factor",
    "owning_cost": "{chip} owning cost", "owning_cost_ratio": "{chip} owning-cost ratio",
    "owning_cost_bandwidth_weight": "Owning cost per FLOP or per GB/s",
    "hbm_usable_share": "Usable share of HBM", "replica_domains": "Domains per model copy",
    "context_tokens": "Context per sequence", "batch": "Batch ceiling", "weight_bits": "Weight bits",
}


def assumption_label(row, chip_names: dict[str, str] | None = None) -> str:
    """Short words for an assumption row (a cost_assumptions row or tornado row)."""
    get = row.get if hasattr(row, "get") else lambda k: getattr(row, k)
    chip = get("chip_id")
    return PARAMETER_LABELS[get("parameter")].format(vendor=get("vendor") or "", chip=(chip_names or {}).get(chip, chip))


def tornado_chart(result: pd.DataFrame, chip_names: dict[str, str], *, narrow: bool = False):
    """The sensitivity ('tornado') chart of a tornado() result: for each assumption that
    moves the leader's lead at all, a line from the lead at the assumption's low end to
    the lead at its high end, a rule where another chip draws level, and each end marked
    with the chip that is then cheapest. Returns (chart, title, description), computed
    from `result`."""
    import altair as alt

    leader = chip_names[result.attrs["leader"]]
    rows = result.assign(label=[assumption_label(r, chip_names) for r in result.to_dict("records")],
                         cheapest_name=result["cheapest"].map(chip_names))
    wide = rows.pivot(index=["assumption_id", "label"], columns="end", values="lead").reset_index()
    wide = wide[((wide["low"] - wide["high"]).abs() > 1e-9) | wide["low"].isna() | wide["high"].isna()]
    wide = wide.assign(span=(wide["high"] / wide["low"]).map(lambda r: abs(math.log(r)) if r > 0 else math.inf))
    wide = wide.sort_values("span", ascending=False, na_position="first")
    points = rows[rows["assumption_id"].isin(wide["assumption_id"])].copy()
    points["end"] = points["end"].map({"low": "low end", "high": "high end"})
    # The chip that takes over is named beside the end that makes it so, unless it is always
    # the same chip (the title names it then).
    several = points.loc[points["cheapest_changes"], "cheapest_name"].nunique() > 1
    points["flip_label"] = [name if changes and several else "" for name, changes in
                            zip(points["cheapest_name"], points["cheapest_changes"])]
    # The first row names its two marks (the assumption's low end, its high end) beside them.
    top = points["assumption_id"] == wide["assumption_id"].iat[0] if len(wide) else False
    points.loc[top, "flip_label"] = [end + (f": {name}" if name else "") for end, name in
                                     zip(points.loc[top, "end"], points.loc[top, "flip_label"])]
    # Each end's chip name on its outer side, so the two ends of a short line do not collide.
    points["outer"] = [("right" if lead >= other else "left") for lead, other in zip(
        points["lead"], points.groupby("assumption_id")["lead"].transform(lambda s: s.iloc[::-1].to_numpy()))]
    moved = rows[rows["cheapest_changes"]]
    takers = sorted(set(moved["cheapest_name"]))
    order = list(wide["label"])
    x = alt.X("lead:Q", scale=alt.Scale(type="log", nice=False, padding=12),
              axis=alt.Axis(values=[0.5, 0.67, 0.8, 1, 1.25, 1.5, 2, 3, 4], format=".2~f"),
              title=(f"{leader}'s cost \u00f7 the cheapest rival's (log)" if narrow else
                     f"{leader}'s cost as a multiple of the cheapest rival chip's (log scale)"))
    # On a phone each assumption's name stands on its own line above its row (charts.label_rows).
    # Rows in `order`, by position (a list of the rows' names would be carried by every layer).
    by_place = alt.EncodingSortField("place", op="min")
    y = (alt.Y("label:N", sort=by_place, title=None, axis=None, scale=alt.Scale(paddingOuter=0.3)) if narrow
         else alt.Y("label:N", sort=by_place, title=None, axis=alt.Axis(labelLimit=260), scale=alt.Scale(paddingOuter=1)))
    points = points[["label", "end", "value", "lead", "cheapest_name", "flip_label", "outer"]].assign(
        lead=points["lead"].round(4),  # four places are more than a pixel
        place=points["label"].map({label: i for i, label in enumerate(order)}))
    span = alt.Chart(points).mark_line(color="#8C8C8C", strokeWidth=2).encode(x=x, detail="label:N").transform_filter("isValid(datum.lead)")
    # One colour (ink): where a point lies against the line at 1 says whether the leader stays
    # cheapest (each side of it named above the plot), and the chip that takes over is named
    # beside it; the shapes (circle: low end, triangle: high end) are named on the first row.
    marks = alt.Chart(points).mark_point(filled=True, size=90, opacity=1, color="#444").encode(
        x=x,
        shape=alt.Shape("end:N", scale=alt.Scale(domain=["low end", "high end"], range=["circle", "triangle-right"]),
                        legend=None),
        tooltip=[alt.Tooltip("label:N", title="Assumption"), alt.Tooltip("end:N", title="Moved to"),
                 alt.Tooltip("value:Q", title="Value", format=",.2f"), alt.Tooltip("lead:Q", title="Cost ratio", format=".2f"),
                 alt.Tooltip("cheapest_name:N", title="Cheapest chip then")],
    ).transform_filter("isValid(datum.lead)")
    # The chip then cheapest beside the end that makes it so, outside the line; on a phone
    # under the row, reaching back along the line, so that it stays inside the plot.
    names = alt.layer(*[alt.Chart(points).mark_text(
        align=side, fontSize=10, **({"baseline": "top", "dy": 8, "dx": 4 if side == "right" else -4} if narrow else
                                    {"dx": 9 if side == "left" else -9})).encode(
        x=x, text="flip_label:N").transform_filter(f"isValid(datum.lead) && datum.flip_label != '' && datum.outer == '{outer}'"
                                                   + ("" if narrow else " && datum.place > 0"))
        for outer, side in ((("right", "right"), ("left", "left")) if narrow else (("right", "left"), ("left", "right")))])
    if not narrow:
        # The first row's words over its marks, each reaching back along the line, clear of the axis's names.
        names += alt.Chart(points).mark_text(
            align=alt.ExprRef("datum.outer == 'left' ? 'left' : 'right'"), baseline="bottom", dy=-7, fontSize=10,
            dx=alt.ExprRef("datum.outer == 'left' ? -5 : 5")).encode(x=x, text="flip_label:N").transform_filter(
            "isValid(datum.lead) && datum.place == 0")
    one = pd.DataFrame({"lead": [1.0]})  # the same data in both layouts: the page carries it once
    if narrow:
        # Parity as a short upright stroke in each row, under the row's name, not a line through the names.
        parity = alt.Chart(points).transform_aggregate(place="min(place)", groupby=["label"]).transform_calculate(
            lead="1").mark_point(shape="M0,-1L0,1", size=100, strokeWidth=2, filled=False, color="#333", opacity=1).encode(
            x=x, y=y)
    else:
        parity = alt.Chart(one).mark_rule(color="#333", strokeDash=[4, 3]).encode(x=x)
    # What each side of parity means, named above the plot either side of it.
    taker = takers[0] if len(takers) == 1 else "another chip"
    sides = [alt.Chart(one).mark_text(align=align, baseline="bottom", dx=dx, dy=-6, fontSize=11, text=text).encode(
        x=x, y=alt.value(0)) for align, dx, text in (("right", -4, f"\u2190 {leader} cheaper"),
                                                      ("left", 4, f"{taker} cheaper \u2192"))]
    rows = [span, marks, names]
    if narrow:
        rows.append(alt.Chart(points).transform_aggregate(place="min(place)", groupby=["label"]).mark_text(
            align="left", baseline="bottom", dy=-9, fontSize=11, limit=alt.ExprRef("width")).encode(
            x=alt.value(0), text="label:N"))
    # The rows' layers share one y encoding, stated once (the page carries the narrow layout as
    # what differs from the wide one); the wide layout's parity line spans every row.
    chart = alt.layer(parity, *sides, alt.layer(*rows).encode(y=y)).properties(
        width=240 if narrow else 330, height=alt.Step(40 if narrow else 22))
    n_changing, n_moving = moved["assumption_id"].nunique(), len(wide)
    if n_changing:
        head = f"All {n_moving}" if n_changing == n_moving and n_moving > 1 else f"{n_changing} of the {n_moving}"
        title = (f"{head} assumptions that move {leader}'s lead, moved alone, {'puts' if n_changing == 1 else 'put'} "
                 f"{takers[0] if len(takers) == 1 else 'another chip'} ahead")
    elif n_moving:
        title = (f"None of the {n_moving} assumptions that move {leader}'s lead ends it, moved alone" if n_moving > 1
                 else f"The one assumption that moves {leader}'s lead does not end it, moved alone")
    else:
        title = f"No assumption moves {leader}'s lead"
    def said(r):
        ends = [f"{getattr(r, end):.2f}" if pd.notna(getattr(r, end)) else "no fit" for end in ("low", "high")]
        return f"{r.label} {ends[0]} to {ends[1]}"
    description = (f"Dot plot of {leader}'s cost over the cheapest other chip's, each assumption at its low and high end "
                   f"(above 1, another chip is cheapest): " + "; ".join(said(r) for r in wide.itertuples())
                   + ". Another chip becomes cheapest under: "
                   + ("; ".join(f"{r.label} {r.end} ({r.cheapest_name})" for r in moved.itertuples()) or "none") + ".")
    return chart, title, description


# --- the findings the chapters state: said once, here -----------------------------------------

def fleet_sentence(result: pd.DataFrame, chip_names: dict[str, str], listed: bool = True) -> str:
    """One sentence on what a tornado() among the chips Anthropic is buying (`result`) says:
    how far apart the first two are with every assumption central (a gap, not a finding:
    the joint draws say how often each leads), and which assumptions, moved alone, put
    another chip ahead (with `listed`; else how many, for a page whose chart names them)."""
    order = result.attrs["central_order"]  # the chips compared, cheapest at central first
    leader = chip_names[result.attrs["leader"]]
    gap = 1 - result.attrs["central_lead"]
    gap_text = f"{gap:.1%}" if gap < 0.1 else f"{gap:.0%}"  # a gap under 10% keeps its tenth of a point
    labelled = result.assign(label=[assumption_label(r, chip_names) for r in result.to_dict("records")])
    flips = labelled[labelled["cheapest_changes"]]
    takers = set(flips["cheapest"])
    text = f"With every assumption at its central value, {leader} comes out {gap_text} below {chip_names[order[1]]}"
    if len(flips) and not listed:
        count = flips["assumption_id"].nunique()
        text += (f", and moving any of {count} assumptions alone to one of its ends is enough to put another chip ahead "
                 "(the chart names them)" if count > 1 else ", and moving one assumption alone is enough to put another "
                 "chip ahead (the chart names it)")
    elif len(flips):
        moves = "; ".join(f"{r.label} at its {r.end} end ({chip_names[r.cheapest]})" for r in flips.itertuples())
        text += f", and moving one assumption alone is enough to put another chip ahead: {moves}"
    else:
        text += ", and no single assumption moved alone puts another chip ahead"
    never = [chip_names[c] for c in order if c != result.attrs["leader"] and c not in takers]
    if never and len(flips):
        text += f"; no single assumption makes {_and(never)} the cheapest of them"
    return text + "."


def nearest_call(result: pd.DataFrame, bearing: set[str]) -> dict | None:
    """Of a tornado() result's rows that leave the leader in front, the one that brings the
    next chip closest: among the assumptions in `bearing` (those that can move these chips'
    costs on this basis; a discount cannot move an owning cost) whose end raises the
    leader's cost over the next chip's above its central value, the highest. Returns that
    row as a dict (assumption_id, end, lead, ...), or None when no such end exists."""
    held = result[result["assumption_id"].isin(bearing) & ~result["cheapest_changes"]]
    closer = held[held["lead"] > result.attrs["central_lead"] + 1e-9]
    return None if closer.empty else closer.loc[closer["lead"].idxmax()].to_dict()
