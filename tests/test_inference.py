"""The inference-economics cost model, roofline and tables: hand-worked cases (the
arithmetic is done in the comments, not copied from a run), invariants of the spec and
price tables, and guards against mixing dense and sparse peaks."""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

import pandas as pd
import pytest

from chipbook import inference as inf
from chipbook import load_table

SPECS = load_table("accelerator_specs")
PRICES = load_table("accelerator_prices")
RESULTS = load_table("mlperf_results")
CLAIMS = load_table("vendor_claims")


def spec(chip_id: str) -> pd.Series:
    return SPECS.set_index("chip_id", drop=False).loc[chip_id]


# --- the cost model: hand-worked cases -------------------------------------------------

def test_memory_bound_case_by_hand():
    # 7B-parameter model in BF16 on a TPU v5e at $1.20/chip-hour, batch 1, full use, no discount.
    # weights: 7e9 params x 2 bytes = 14e9 bytes; bandwidth 819e9 B/s -> 14/819 = 0.0170940 s per step
    # compute: 2 x 7e9 x 1 = 14e9 FLOP over 197e12 FLOP/s = 0.0000711 s  (memory term wins)
    # chip-seconds per token = 0.0170940 / (1 x 1) = 0.0170940
    # $/Mtok = 1.20 x 0.0170940 / 3600 x 1e6 = 1.20 x 4.748338 = 5.698006
    cost = inf.usd_per_million_output_tokens(7, 1, 1.0, 0.0, 1.20, 197, 819)
    assert cost == pytest.approx(5.698006, rel=1e-6)


def test_compute_bound_case_by_hand():
    # 70B model on an H100 at $12.29/GPU-hour, batch 512, 50% of peak, 20% discount.
    # memory: 140e9 B / 3350e9 B/s = 0.0417910 s; compute: 2 x 70e9 x 512 = 71.68e12 FLOP
    #   over 989e12 FLOP/s = 0.0724772 s  (compute term wins: 512 is past the ridge at 295)
    # chip-seconds per token = 0.0724772 / (0.5 x 512) = 0.000283114
    # $/Mtok = 12.29 x 0.8 x 0.000283114 / 3600 x 1e6 = 9.832 x 0.0786428 = 0.773216
    cost = inf.usd_per_million_output_tokens(70, 512, 0.5, 0.2, 12.29, 989, 3350)
    assert cost == pytest.approx(0.773216, rel=1e-5)


def test_batch_past_the_ridge_stops_helping():
    # v5e ridge: 197e12 / 819e9 = 240.54 FLOP/byte, and decode intensity equals the batch in BF16.
    # Below the ridge the memory term is fixed, so cost falls as 1/B; above it cost per token is flat.
    assert inf.ridge_intensity(197, 819) == pytest.approx(240.5372, rel=1e-6)
    at_128 = inf.usd_per_million_output_tokens(7, 128, 1, 0, 1.2, 197, 819)
    at_240 = inf.usd_per_million_output_tokens(7, 240, 1, 0, 1.2, 197, 819)
    at_480 = inf.usd_per_million_output_tokens(7, 480, 1, 0, 1.2, 197, 819)
    at_960 = inf.usd_per_million_output_tokens(7, 960, 1, 0, 1.2, 197, 819)
    assert at_128 / at_240 == pytest.approx(240 / 128)
    # compute-bound: chip-seconds/token = 2 x 7 / 197000 = 7.1066e-5 at any batch
    # -> $/Mtok = 1.2 x 7.1066e-5 / 3600 x 1e6 = 0.0236887
    assert at_480 == pytest.approx(0.0236887, rel=1e-5)
    assert at_960 == pytest.approx(at_480)


def test_utilisation_and_discount_scale_linearly():
    base = inf.usd_per_million_output_tokens(70, 8, 1.0, 0.0, 2.7, 918, 1638)
    assert inf.usd_per_million_output_tokens(70, 8, 0.25, 0.0, 2.7, 918, 1638) == pytest.approx(4 * base)
    assert inf.usd_per_million_output_tokens(70, 8, 1.0, 0.55, 2.7, 918, 1638) == pytest.approx(0.45 * base)


@pytest.mark.parametrize("args", [
    dict(params_b=0, batch=1, utilisation=0.5, discount=0),
    dict(params_b=7, batch=0, utilisation=0.5, discount=0),
    dict(params_b=7, batch=1, utilisation=0, discount=0),
    dict(params_b=7, batch=1, utilisation=1.5, discount=0),
    dict(params_b=7, batch=1, utilisation=0.5, discount=1),
])
def test_cost_model_rejects_impossible_inputs(args):
    with pytest.raises(ValueError):
        inf.usd_per_million_output_tokens(**args, usd_per_chip_hour=1.2, tflops=197, hbm_gb_s=819)


def test_weights_fit_check_by_hand():
    # 70B x 2 bytes = 140 GB: 140/16 = 8.75 -> 9 v5e chips; 140/141 -> 1 H200; 140/80 = 1.75 -> 2 H100
    assert inf.min_chips_for_weights(70, 16) == 9
    assert inf.min_chips_for_weights(70, 141) == 1
    assert inf.min_chips_for_weights(70, 80) == 2


@pytest.mark.parametrize("params_b,batch,util,discount", [
    (7, 1, 1.0, 0.0), (70, 512, 0.5, 0.2), (405, 64, 0.35, 0.3), (8, 300, 0.9, 0.55)])
@pytest.mark.parametrize("chip_id", ["tpu-v5e", "h100", "trainium2"])
def test_in_page_expression_matches_python(params_b, batch, util, discount, chip_id):
    """The chart computes cost in the browser from VEGA_COST_EXPRESSION; it must be the
    same formula as the Python function. Vega's max() and arithmetic are Python's too."""
    row = spec(chip_id)
    price = inf.reference_prices(PRICES).set_index("chip_id").at[chip_id, "usd_per_chip_hour"]
    datum = SimpleNamespace(usd_per_chip_hour=price, bf16_tflops_dense=row["bf16_tflops_dense"],
                            hbm_bandwidth_gb_s=row["hbm_bandwidth_gb_s"])
    in_page = eval(inf.VEGA_COST_EXPRESSION, {"__builtins__": {}},  # noqa: S307 - our own constant
                   {"datum": datum, "max": max, "paramsB": params_b, "batch": batch,
                    "util": util, "discount": discount})
    python = inf.usd_per_million_output_tokens(params_b, batch, util, discount, price,
                                               row["bf16_tflops_dense"], row["hbm_bandwidth_gb_s"])
    assert in_page == pytest.approx(python, rel=1e-12)


# --- roofline ---------------------------------------------------------------------------

def test_roofline_by_hand():
    # H100: ridge 989e12/3350e9 = 295.22 FLOP/B; at 1 FLOP/B attainable = 3350e9 x 1 = 3.35 TFLOPS
    assert inf.ridge_intensity(989, 3350) == pytest.approx(295.2239, rel=1e-6)
    assert inf.roofline_tflops(1, 989, 3350) == pytest.approx(3.35)
    assert inf.roofline_tflops(10_000, 989, 3350) == 989
    # decode at batch 64 in BF16: 2 x 64 FLOP per 2 bytes = 64; in FP8 weights (1 byte) it doubles
    assert inf.decode_intensity(64) == 64
    assert inf.decode_intensity(64, bytes_per_param=1) == 128
    # prefill of a 2,048-token prompt: 2 x 2048 / 2 = 2048 FLOP per weight byte
    assert inf.prefill_intensity(2048) == 2048


# --- the tables -------------------------------------------------------------------------

def test_per_chip_prices_recompute():
    # the column is the quotient rounded to 6 decimals, so it may differ by half a unit there
    expected = PRICES["usd_per_offering_hour"] / PRICES["chips_per_offering"]
    assert (PRICES["usd_per_chip_hour"] - expected).abs().max() <= 5e-7 + 1e-12


def test_per_chip_prices_by_hand():
    by_id = PRICES.set_index("price_id")["usd_per_chip_hour"]
    assert by_id["aws-h100-od-us-east-1-2025"] == pytest.approx(12.29)         # 98.32 / 8
    assert by_id["aws-trainium-od-us-east-1-2025"] == pytest.approx(1.34375)   # 21.50 / 16
    assert by_id["gcp-tpu-v5p-od-us-central1-2025"] == pytest.approx(4.20)     # 25,804.80 / 6,144
    assert by_id["gcp-tpu-v4-od-us-central2-2025"] == pytest.approx(3.22)      # 12.88 / 4


def test_reference_price_is_the_latest_then_cheapest():
    ref = inf.reference_prices(PRICES).set_index("chip_id")["usd_per_chip_hour"]
    assert ref["h200"] == pytest.approx(7.912)   # Aug 2026 ($63.296/8) beats the early-2025 $10.60
    assert ref["tpu-v6e"] == pytest.approx(2.70)  # us-central1, not europe-west4's 2.97
    assert set(ref.index) <= set(SPECS["chip_id"])


def test_per_dollar_by_hand():
    table = inf.per_dollar(SPECS, PRICES).set_index("chip_id")
    # v5e: 197 TFLOPS / $1.20 = 164.17; 819 GB/s / $1.20 = 682.5
    assert table.at["tpu-v5e", "bf16_tflops_per_usd_hour"] == pytest.approx(164.1667, rel=1e-6)
    assert table.at["tpu-v5e", "hbm_gb_s_per_usd_hour"] == pytest.approx(682.5)


def test_v5e_over_v4_from_specs_and_prices_by_hand():
    r = inf.generation_ratios(SPECS, PRICES, "tpu-v5e", "tpu-v4")
    # compute 197/275 = 0.716364; bandwidth 819/1200 = 0.6825; price 1.20/3.22 = 0.372671
    # per dollar: 0.716364 / 0.372671 = 1.922242 and 0.6825 / 0.372671 = 1.831375
    assert r["bf16_per_chip"] == pytest.approx(0.716364, rel=1e-5)
    assert r["bandwidth_per_chip"] == pytest.approx(0.6825)
    assert r["bf16_per_dollar"] == pytest.approx(1.922242, rel=1e-5)
    assert r["bandwidth_per_dollar"] == pytest.approx(1.831375, rel=1e-5)
    # INT8, the rate v5e doubled: 393/275 = 1.429091 per chip, / 0.372671 = 3.834727 per dollar,
    # above Google's "up to 2.5x"; neither chip publishes FP8, so no FP8 ratio is invented
    assert r["int8_per_chip"] == pytest.approx(1.429091, rel=1e-5)
    assert r["int8_per_dollar"] == pytest.approx(3.834727, rel=1e-5)
    assert "fp8_per_dollar" not in r


def test_trainium2_over_trainium_from_specs_and_prices_by_hand():
    r = inf.generation_ratios(SPECS, PRICES, "trainium2", "trainium")
    # compute 667/190 = 3.510526; bandwidth 2900 / 880.47 (820 GiB/s) = 3.293695
    # price 5.37275/1.34375 = 3.998326 -> per dollar 0.877999 (compute) and 0.823770 (bandwidth)
    assert r["bf16_per_chip"] == pytest.approx(3.510526, rel=1e-6)
    assert r["bandwidth_per_chip"] == pytest.approx(3.293695, rel=1e-5)
    assert r["bf16_per_dollar"] == pytest.approx(0.877999, rel=1e-5)
    assert r["bandwidth_per_dollar"] == pytest.approx(0.823770, rel=1e-5)


def test_mlperf_per_dollar_by_hand():
    table = inf.mlperf_per_dollar(RESULTS, PRICES).set_index("result_id")
    # v4.0 TPU v5e: 7.25/4 = 1.8125 samples/s/chip -> x 3600 / $1.20 = 5,437.5 samples per dollar
    assert table.at["v4.0-google-tpu-v5e-4-gptj-99-server", "samples_per_usd"] == pytest.approx(5437.5)
    # v4.0 H100 (Google's submission): 229.69/8 = 28.71125 -> x 3600 = 103,360.5 / $11.06125 = 9,344.38
    assert table.at["v4.0-google-h100x8-gptj-99.9-server", "samples_per_usd"] == pytest.approx(9344.38, rel=1e-5)


def test_mlperf_rows_are_consistent():
    assert (RESULTS["latency_p99_s"] <= RESULTS["latency_bound_s"]).all()
    assert (RESULTS["latency_mean_s"] <= RESULTS["latency_p99_s"]).all()
    status = RESULTS.set_index("result_id")["availability"]
    assert status["v3.1-google-tpu-v5e-4-gptj-99-server"] == "preview"
    assert status["v4.0-google-tpu-v5e-4-gptj-99-server"] == "available"


def test_vendor_claim_ranges_are_ordered():
    assert (CLAIMS["factor_low_x"] <= CLAIMS["factor_high_x"]).all()


# --- units and the dense/sparse guard ---------------------------------------------------

def test_unit_conversion_by_hand():
    # 820 GiB/s x 1.073741824 = 880.468 GB/s; 96 GiB = 103.079 GB; 2.9 TB/s = 2900 GB/s
    assert inf.to_decimal_gb(820, "GiB/sec") == pytest.approx(880.4683, rel=1e-6)
    assert inf.to_decimal_gb(96, "GiB") == pytest.approx(103.0792, rel=1e-6)
    assert inf.to_decimal_gb(2.9, "TB/s") == pytest.approx(2900)
    assert inf.to_decimal_gb(1638, "GBps") == 1638


@pytest.mark.parametrize("row", SPECS.to_dict("records"), ids=list(SPECS["chip_id"]))
def test_capacity_column_is_decimal_gb(row):
    """hbm_gb must be the published capacity converted to decimal GB, never GiB copied over."""
    match = re.fullmatch(r"([\d.,]+)\s*(GB|GiB|bytes)", row["hbm_capacity_as_published"])
    assert match, f"unrecognised capacity wording {row['hbm_capacity_as_published']!r}"
    number, unit = float(match[1].replace(",", "")), match[2]
    expected = number / 1e9 if unit == "bytes" else inf.to_decimal_gb(number, unit)
    assert row["hbm_gb"] == pytest.approx(expected, abs=0.01)


def test_sparse_peaks_are_refused_by_the_model():
    with pytest.raises(ValueError, match="dense figures only"):
        inf.peak_tflops(spec("trainium2"), "bf16", sparse=True)
    assert inf.peak_tflops(spec("trainium2"), "bf16") == 667
    with pytest.raises(ValueError):
        inf.peak_tflops(spec("tpu-v5e"), "fp8")  # no FP8 rate published: no silent substitute


def test_dense_columns_hold_no_sparse_headlines():
    """Where a vendor publishes a sparse peak, the dense column must be well below it
    (2:4 sparsity doubles a peak, AWS's 4:1 nearly quadruples it): a dense column equal
    to, or near, the sparse figure means a headline was copied into the wrong column."""
    both = SPECS.dropna(subset=["bf16_tflops_sparse"])
    assert len(both) >= 2
    assert (both["bf16_tflops_sparse"] / both["bf16_tflops_dense"] >= 1.9).all()


def test_low_precision_peaks_are_at_most_double_bf16():
    """A dense FP8 or INT8 peak is 1x (no fast path) to 2x the dense BF16 peak on every chip
    here; a ratio near 4x would mean a sparse FP8 headline sits in a dense column."""
    for column in ["fp8_tflops_dense", "int8_tops_dense"]:
        ratio = (SPECS[column] / SPECS["bf16_tflops_dense"]).dropna()
        assert ((ratio >= 0.99) & (ratio <= 2.05)).all(), ratio[(ratio < 0.99) | (ratio > 2.05)]


def test_known_dense_values_by_hand():
    # NVIDIA's H100 headline 1,979 BF16 TFLOPS assumes 2:4 sparsity: the dense peak is half, 989.
    assert spec("h100")["bf16_tflops_dense"] == 989
    assert inf.classify_peak(1979, 1, spec("h100")["bf16_tflops_dense"], 2 * 989) == "sparse"


def test_trainium2_system_figures_are_dense():
    """AWS quotes 20.8 PFLOPS per 16-chip Trn2 instance and 83.2 PFLOPS per 64-chip UltraServer,
    both FP8; a press report called the 83.2 figure sparse. Per chip: 20,800/16 = 1,300 and
    83,200/64 = 1,300, i.e. the dense 1,299; the sparse peak would give 64 x 2,563 = 164,032."""
    row = spec("trainium2")
    dense, sparse = row["fp8_tflops_dense"], row["bf16_tflops_sparse"]  # AWS: 2,563 'FP8/FP16/BF16/TF32 sparse'
    assert inf.classify_peak(20_800, 16, dense, sparse) == "dense"
    assert inf.classify_peak(83_200, 64, dense, sparse) == "dense"
    assert inf.classify_peak(164_032, 64, dense, sparse) == "sparse"
    assert inf.classify_peak(50_000, 64, dense, sparse) == "neither"


def test_every_priced_chip_has_the_figures_the_cost_model_needs():
    priced = set(inf.reference_prices(PRICES)["chip_id"])
    needed = SPECS[SPECS["chip_id"].isin(priced)][["bf16_tflops_dense", "hbm_bandwidth_gb_s", "hbm_gb"]]
    assert needed.notna().all().all()
    assert not math.isnan(needed.to_numpy().sum())
