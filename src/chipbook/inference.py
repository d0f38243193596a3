"""The inference-economics chapter's arithmetic: per-dollar specifications, the roofline,
and a first-order cost model for serving a dense language model.

Everything here works on the book's own tables (accelerator_specs, accelerator_prices,
mlperf_results) or on plain numbers, so the chapter and its tests use the same code.

The cost model, in one line
---------------------------
Generating one token of a dense model with P parameters (stored in BF16, 2 bytes each)
reads every weight once per decoding step and does 2·P floating-point operations per
sequence in the batch. One step for a batch of B sequences therefore takes, on a chip
with peak dense compute F and memory bandwidth W, at a fraction u of those peaks,

    step time = max(weight bytes / W, 2·P·B / F) / u

and yields B tokens. Spread over n chips, the step is n times shorter and n chips are
paid for, so n cancels: the cost of a token is the chip price times the chip-seconds
per token,

    $/token = price · (1 − discount) · max(2P/W, 2PB/F) / (u · B).

Limits (stated again in the chapter): the model ignores the key/value cache (whose reads
grow with batch and context and make large batches dearer than shown), prefill, the
interconnect between chips, idle capacity, the host machine, and any speed-up from
quantisation or speculative decoding. It is a lower bound on cost for a well-used chip,
for comparing chips with each other, not a forecast of anyone's bill.
"""

from __future__ import annotations

import math

import pandas as pd

GIB_IN_GB = 2**30 / 1e9  # one GiB is 1.073741824 GB
BYTES_PER_PARAM = {"bf16": 2, "fp8": 1, "int8": 1}
HOURS_TO_SECONDS = 3600
PER_MILLION = 1_000_000

# The in-page version of usd_per_million_output_tokens, for Vega's transform_calculate.
# `paramsB`, `batch`, `util` and `discount` are the sliders; the rest are chart data.
# tests/test_inference.py evaluates this string and compares it with the Python function.
VEGA_COST_EXPRESSION = (
    "datum.usd_per_chip_hour * (1 - discount)"
    " * max(paramsB * 2 / datum.hbm_bandwidth_gb_s,"
    " 2 * paramsB * batch / (datum.bf16_tflops_dense * 1000))"
    " / (util * batch) / 3600 * 1000000"
)


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


# --- the cost model ---------------------------------------------------------------------

def _check_inputs(params_b: float, batch: float, utilisation: float, discount: float) -> None:
    if params_b <= 0:
        raise ValueError("params_b must be positive (billions of parameters)")
    if batch < 1:
        raise ValueError("batch must be at least 1")
    if not 0 < utilisation <= 1:
        raise ValueError("utilisation must be in (0, 1]")
    if not 0 <= discount < 1:
        raise ValueError("discount must be in [0, 1)")


def chip_seconds_per_token(params_b: float, batch: float, tflops: float, hbm_gb_s: float,
                           utilisation: float = 1.0, bytes_per_param: float = 2) -> float:
    """Chip-seconds needed per generated token (see the module docstring for the formula)."""
    _check_inputs(params_b, batch, utilisation, 0)
    memory_s = params_b * bytes_per_param / hbm_gb_s         # 1e9 bytes over 1e9 bytes/s
    compute_s = 2 * params_b * batch / (tflops * 1000)        # 2·P·B·1e9 FLOP over F·1e12 FLOP/s
    return max(memory_s, compute_s) / (utilisation * batch)


def usd_per_million_output_tokens(params_b: float, batch: float, utilisation: float, discount: float,
                                  usd_per_chip_hour: float, tflops: float, hbm_gb_s: float,
                                  bytes_per_param: float = 2) -> float:
    """Dollars per million generated tokens for a dense model on one kind of chip."""
    _check_inputs(params_b, batch, utilisation, discount)
    seconds = chip_seconds_per_token(params_b, batch, tflops, hbm_gb_s, utilisation, bytes_per_param)
    return usd_per_chip_hour * (1 - discount) * seconds / HOURS_TO_SECONDS * PER_MILLION


def min_chips_for_weights(params_b: float, hbm_gb: float, bytes_per_param: float = 2) -> int:
    """Fewest chips whose HBM holds the weights alone (no KV cache, no activations)."""
    return math.ceil(params_b * bytes_per_param / hbm_gb)


# --- the chapter's tables ---------------------------------------------------------------

def reference_prices(prices: pd.DataFrame) -> pd.DataFrame:
    """One on-demand list price per chip: the most recent observation, cheapest region/cloud
    among those of that date. Columns: chip_id, usd_per_chip_hour, price_id, cloud, region, as_of."""
    on_demand = prices[prices["pricing"] == "on-demand"]
    latest = on_demand[on_demand["as_of"] == on_demand.groupby("chip_id")["as_of"].transform("max")]
    cheapest = latest.sort_values(["chip_id", "usd_per_chip_hour", "price_id"]).groupby("chip_id").head(1)
    return cheapest[["chip_id", "usd_per_chip_hour", "price_id", "cloud", "region", "as_of", "source_id"]].reset_index(drop=True)


def per_dollar(specs: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """Specs joined to reference prices, with dense BF16 TFLOPS and HBM GB/s per dollar-hour."""
    table = specs.merge(reference_prices(prices), on="chip_id", how="inner", suffixes=("", "_price"))
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


def mlperf_per_dollar(results: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """MLPerf results with per-chip throughput and samples per list-price dollar."""
    table = results.merge(reference_prices(prices)[["chip_id", "usd_per_chip_hour", "price_id"]],
                          on="chip_id", how="left")
    table["samples_per_second_per_chip"] = table["samples_per_second"] / table["accelerators_per_system"]
    table["samples_per_usd"] = table["samples_per_second_per_chip"] * HOURS_TO_SECONDS / table["usd_per_chip_hour"]
    return table
