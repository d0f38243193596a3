"""The inference-economics models: hand-worked cases on small fixture tables (the
arithmetic is done in the comments, not copied from a run), invariants of the live spec,
price and assumption tables (never today's values), the in-page arithmetic checked
against the Python model by rendering it with Vega, and guards against mixing dense and
sparse peaks."""

from __future__ import annotations

import html
import math
import re

import numpy as np
import pandas as pd
import pytest

from chipbook import inference as inf
from chipbook import inference_contracts as contracts
from chipbook import inference_joint as joint
from chipbook import load_table
from chipbook.vocabulary import CHIP_MAKERS

NAN = math.nan

# --- fixtures: a small made-up model and made-up chips -------------------------------------

# 10B parameters of which 4B are active: 8 experts, 2 per token, 2 layers, 4 query heads
# sharing 2 key/value heads of width 8. Expert e = (10 - 4) / (8 - 2) = 1B; shared = 4 - 2 x 1 = 2B.
TINY = inf.ReferenceModel(total_params_b=10, active_params_b=4, layers=2, query_heads=4, kv_heads=2, head_dim=8,
                          experts=8, experts_per_token=2, name="Tiny MoE")
DENSE = inf.ReferenceModel(total_params_b=4, active_params_b=4, layers=2, query_heads=4, kv_heads=2, head_dim=8, name="Tiny dense")
NO_PATH = {"path_8": None, "rate_8": None, "kv_8": NAN, "path_4": None, "rate_4": None, "kv_4": NAN}


def chip(**figures) -> dict:
    """GPU X: BF16 100, FP8 200 TFLOPS, 20 GB at 1,000 GB/s, two chips to a domain, $4 an
    hour, and an FP8 serving path (weights and cache in 8 bits, arithmetic at FP8)."""
    row = {"chip_id": "gpu-x", "chip": "GPU X", "vendor": "NVIDIA", "bf16_tflops_dense": 100.0, "bf16_tflops_sparse": NAN,
           "fp8_tflops_dense": 200.0, "int8_tops_dense": 200.0, "mxfp8_tflops_dense": NAN, "fp4_tflops_dense": NAN,
           "hbm_gb": 20.0, "hbm_bandwidth_gb_s": 1000.0, "domain_chips": 2, "usd_per_chip_hour": 4.0, "price_id": "p-gpu-x",
           **NO_PATH, "path_8": "FP8", "rate_8": "fp8_tflops_dense", "kv_8": 8}
    return row | figures


def assumptions(rows: list[tuple]) -> pd.DataFrame:
    """(assumption_id, parameter, vendor, chip_id, low, central, high[, relative_to]) rows
    plus the global rows every cost needs, held still (low = central = high) unless given."""
    held = [("hbm", "hbm_usable_share", None, None, 0.9, 0.9, 0.9), ("domains", "replica_domains", None, None, 1, 1, 1),
            ("context", "context_tokens", None, None, 1000, 1000, 1000), ("batch", "batch", None, None, 4, 4, 4),
            ("bits", "weight_bits", None, None, 8, 8, 8)]
    given = {r[1] for r in rows if r[2] is None and r[3] is None}
    table = [tuple(r) + (None,) * (8 - len(r)) for r in [*rows, *(r for r in held if r[1] not in given)]]
    return pd.DataFrame(table, columns=["assumption_id", "parameter", "vendor", "chip_id", "low", "central", "high", "relative_to"])


def vendor_rows(vendor: str, discount=(0.5, 0.5, 0.5), bandwidth=(0.5, 0.5, 0.5), compute=(0.5, 0.5, 0.5)) -> list[tuple]:
    v = vendor.lower()
    return [(f"discount-{v}", "negotiated_discount", vendor, None, *discount),
            (f"bandwidth-{v}", "bandwidth_share", vendor, None, *bandwidth),
            (f"compute-{v}", "compute_share", vendor, None, *compute)]


# --- the reference model: KV cache, active and total parameters -----------------------------

def test_kv_cache_bytes_for_a_small_model():
    # a key and a value vector per KV head per layer: 2 x 2 layers x 2 KV heads x 8 = 64 elements per token;
    # 16-bit: 64 x 2 = 128 bytes, 8-bit: 64 bytes; the 4 query heads do not enter
    assert TINY.kv_bytes_per_token(2) == 128
    assert TINY.kv_bytes_per_token(1) == 64
    # a 1,000-token context in 8 bits: 64,000 bytes per sequence (decode_cost's kv_bytes_per_sequence)
    got = inf.decode_cost(chip(), TINY, usd_per_chip_hour=4.0, domain_chips=2, context_tokens=1000, batch=4)
    assert got["kv_bits"] == 8 and got["kv_bytes_per_sequence"] == 64_000


def test_active_and_total_parameters_read_per_step():
    assert TINY.expert_params_b == pytest.approx(1.0)   # (10 - 4) / (8 - 2)
    assert TINY.shared_params_b == pytest.approx(2.0)   # 4 - 2 x 1
    # one sequence touches 2 of 8 experts: the active 4B
    assert TINY.params_read_b(1) == pytest.approx(4.0)
    # two sequences: an expert is touched with probability 1 - (1 - 2/8)^2 = 1 - 0.5625 = 0.4375
    # -> 2 + 8 x 1 x 0.4375 = 5.5B
    assert TINY.params_read_b(2) == pytest.approx(5.5)
    # a large batch touches every expert: the total 10B
    assert TINY.params_read_b(10_000) == pytest.approx(10.0)
    # a dense model reads all its weights at any batch; FLOPs follow the active parameters
    assert DENSE.params_read_b(1) == DENSE.params_read_b(64) == 4
    # 2 x 4e9 + 4 x 2 layers x 4 query heads x 8 x 1,000 context tokens = 8e9 + 256,000
    assert TINY.flops_per_token(1000) == 8_000_256_000


def test_reference_model_rejects_impossible_counts():
    with pytest.raises(ValueError, match="dense"):
        inf.ReferenceModel(total_params_b=10, active_params_b=4, layers=1, query_heads=1, kv_heads=1, head_dim=1)
    with pytest.raises(ValueError, match="experts_per_token"):
        inf.ReferenceModel(total_params_b=10, active_params_b=4, layers=1, query_heads=1, kv_heads=1, head_dim=1,
                           experts=8, experts_per_token=8)
    with pytest.raises(ValueError, match="at most the total"):
        inf.ReferenceModel(total_params_b=4, active_params_b=10, layers=1, query_heads=1, kv_heads=1, head_dim=1)


def test_reference_model_from_a_table_row():
    row = {"model": "Tiny MoE", "total_params_b": 10.0, "active_params_b": 4.0, "experts": 8, "experts_per_token": 2,
           "layers": 2, "query_heads": 4, "kv_heads": 2, "head_dim": 8}
    assert inf.ReferenceModel.from_row(row) == TINY
    dense = inf.ReferenceModel.from_row(row | {"total_params_b": 4.0, "experts": pd.NA, "experts_per_token": NAN, "model": "Tiny dense"})
    assert dense == DENSE


# --- the 8-bit storage rule: the width weights are stored in, one rule for every chip ---------

WEIGHT_ONLY = {"path_8": "INT8 weights, BF16 arithmetic", "rate_8": "bf16_tflops_dense", "kv_8": 8}


def test_storage_rule_picks_the_narrowest_path_the_serving_software_has():
    gpu = chip()                                                          # FP8 path at the FP8 rate
    assert inf.chip_precision(gpu, 16) == (16, 100.0, "BF16 weights, cache and arithmetic", 16)
    assert inf.chip_precision(gpu, 8) == (8, 200.0, "FP8", 8)
    assert inf.chip_precision(gpu, 4) == (8, 200.0, "FP8", 8)            # no 4-bit path: falls back to 8 bits
    # a chip with no FP8 rate but software that stores INT8 weights: 8 bits, arithmetic at its BF16 rate
    tpu = chip(fp8_tflops_dense=NAN, int8_tops_dense=394.0, bf16_tflops_sparse=400.0, **WEIGHT_ONLY)
    assert inf.chip_precision(tpu, 8) == (8, 100.0, "INT8 weights, BF16 arithmetic", 8)
    # a chip whose software stores no 8-bit weights serves in 16 bits whatever rates it publishes
    assert inf.chip_precision(chip(**NO_PATH), 8) == (16, 100.0, "BF16 weights, cache and arithmetic", 16)
    mx = chip(fp8_tflops_dense=NAN, int8_tops_dense=NAN, mxfp8_tflops_dense=250.0, fp4_tflops_dense=250.0,
              path_8="MXFP8", rate_8="mxfp8_tflops_dense", path_4="MXFP4", rate_4="fp4_tflops_dense", kv_4=8)
    assert inf.chip_precision(mx, 8) == (8, 250.0, "MXFP8", 8)
    assert inf.chip_precision(mx, 4) == (4, 250.0, "MXFP4", 8)           # the cache stays in 8 bits
    with pytest.raises(ValueError, match="16, 8 or 4"):
        inf.chip_precision(gpu, 6)
    with pytest.raises(ValueError, match="leaves blank"):                 # a path at a rate the chip does not publish
        inf.chip_precision(chip(fp8_tflops_dense=NAN), 8)


def test_decoding_cost_follows_the_storage_width_not_the_arithmetic_rate():
    # TINY on GPU X (memory-bound, by hand in test_memory_bound_decode_cost_by_hand): 8-bit weights cost $2.074723889
    # per million tokens. Weight-only INT8 at the 100 TFLOPS BF16 rate reads the same bytes; its compute time,
    # 32,001,024,000 / (100e12 x 0.5) = 0.00064 s, stays under the 0.014938012 s memory time: the same cost.
    common = dict(usd_per_chip_hour=4.0, domain_chips=2, context_tokens=1000, batch=4, discount=0.5, bandwidth_share=0.5,
                  compute_share=0.5)
    fp8 = inf.decode_cost(chip(), TINY, **common)
    weight_only = inf.decode_cost(chip(fp8_tflops_dense=NAN, **WEIGHT_ONLY), TINY, **common)
    assert weight_only["usd_per_million_tokens"] == pytest.approx(fp8["usd_per_million_tokens"], rel=1e-12)
    # With no 8-bit path the weights and cache take 16 bits: 7.46875e9 x 2 + 4 x 128,000 = 14,938,012,000 bytes
    # -> / 5e11 = 0.029876024 s; / 4 = 0.007469006 s a token; x 4 x 0.5 / 3600 x 1e6 = $4.149447778
    wide = inf.decode_cost(chip(**NO_PATH), TINY, **common)
    assert (wide["bits"], wide["kv_bits"]) == (16, 16)
    assert wide["usd_per_million_tokens"] == pytest.approx(4.149447778, rel=1e-9)


# --- the decoding roofline, by hand -------------------------------------------------------------

def test_memory_bound_decode_cost_by_hand():
    # TINY on GPU X in FP8: price $4/h, discount 0.5, shares 0.5, 2 chips of 20 GB at 90%, context 1,000, batch 4.
    # weights 10e9 x 1 byte = 1e10; cache 64 B/token x 1,000 = 64,000 B per sequence
    # capacity 2 x 20e9 x 0.9 = 3.6e10 -> batch limit floor(2.6e10 / 64,000) = 406,250
    # touched 1 - 0.75^4 = 0.68359375 -> read 2 + 8 x 0.68359375 = 7.46875B params
    # bytes 7,468,750,000 + 4 x 64,000 = 7,469,006,000 -> / (1e12 x 0.5) = 0.014938012 s
    # FLOPs 4 x 8,000,256,000 = 32,001,024,000 -> / (200e12 x 0.5) = 0.00032001024 s (memory wins)
    # chip-seconds per token 0.014938012 / 4 = 0.003734503; $/Mtok = 4 x 0.5 x 0.003734503 / 3600 x 1e6 = 2.074723889
    got = inf.decode_cost(chip(), TINY, usd_per_chip_hour=4.0, domain_chips=2, context_tokens=1000, batch=4, weight_bits=8,
                          discount=0.5, bandwidth_share=0.5, compute_share=0.5, hbm_usable_share=0.9)
    assert (got["bits"], got["format"], got["batch_limit"], got["batch_used"]) == (8, "FP8", 406_250, 4)
    assert got["bytes_per_step"] == pytest.approx(7_469_006_000)
    assert got["flops_per_step"] == pytest.approx(32_001_024_000)
    assert got["bound"] == "memory bandwidth"
    assert got["chip_seconds_per_token"] == pytest.approx(0.003734503, rel=1e-9)
    assert got["usd_per_million_tokens"] == pytest.approx(2.074723889, rel=1e-9)
    assert got["chips_used"] == 1  # (1e10 + 256,000) / 1.8e10 = 0.556 -> 1


def test_compute_bound_decode_cost_by_hand():
    # The dense 4B model in BF16 on a slow chip: 10 TFLOPS, 10,000 GB/s, 100 GB, full shares, $1/h, batch 2,000.
    # bytes 4e9 x 2 + 2,000 x 128,000 = 8.256e9 -> / 1e13 = 0.0008256 s
    # FLOPs 2,000 x 8,000,256,000 = 1.6000512e13 -> / 1e13 = 1.6000512 s (compute wins)
    # chip-seconds per token 1.6000512 / 2,000 = 0.0008000256; $/Mtok = 0.0008000256 / 3600 x 1e6 = 0.2222293333
    slow = chip(bf16_tflops_dense=10.0, fp8_tflops_dense=NAN, int8_tops_dense=NAN, hbm_gb=100.0, hbm_bandwidth_gb_s=10_000.0, **NO_PATH)
    got = inf.decode_cost(slow, DENSE, usd_per_chip_hour=1.0, domain_chips=1, context_tokens=1000, batch=2000, weight_bits=8)
    assert got["bits"] == 16 and got["bound"] == "compute"
    assert got["usd_per_million_tokens"] == pytest.approx(0.2222293333, rel=1e-9)


def test_hbm_capacity_limits_the_batch():
    # TINY in BF16 needs 2e10 bytes of weights; one GPU X holds 20e9 x 0.9 = 1.8e10: it does not fit
    one = inf.decode_cost(chip(), TINY, usd_per_chip_hour=4.0, domain_chips=1, context_tokens=1_000_000, batch=200, weight_bits=16)
    assert not one["fits"] and one["batch_limit"] == 0 and math.isnan(one["usd_per_million_tokens"])
    # two chips hold 3.6e10: the cache of 128 B/token x 1e6 tokens = 1.28e8 per sequence leaves room for
    # floor((3.6e10 - 2e10) / 1.28e8) = 125 sequences, so a batch of 200 decodes 125 at a time
    two = inf.decode_cost(chip(), TINY, usd_per_chip_hour=4.0, domain_chips=2, context_tokens=1_000_000, batch=200, weight_bits=16)
    assert (two["batch_limit"], two["batch_used"]) == (125, 125)
    # a second domain per model copy doubles the room: floor((7.2e10 - 2e10) / 1.28e8) = 406
    four = inf.decode_cost(chip(), TINY, usd_per_chip_hour=4.0, domain_chips=2, context_tokens=1_000_000, batch=200,
                           weight_bits=16, replica_domains=2)
    assert four["batch_limit"] == 406 and four["batch_used"] == 200


def test_the_batch_follows_the_domains_memory_up_to_the_ceiling():
    # TINY in 8 bits at a 1,000,000-token context, ceiling 1,024 sequences, $4/h less 0.5, shares 0.5.
    # Cache 64 B x 1e6 = 6.4e7 bytes a sequence; weights 1e10 bytes.
    # One 20 GB chip: floor((1.8e10 - 1e10) / 6.4e7) = 125 sequences. Eight: floor((1.44e11 - 1e10) / 6.4e7) = 2,093,
    # capped at 1,024. Both batches touch every expert (1 - 0.75^125 is 1 to 15 places), so a step reads
    # 1e10 + B x 6.4e7 bytes at 5e11 B/s:
    #   B = 125:   1.8e10 / 5e11 = 0.036 s, / 125 = 2.88e-4 s a token -> 4 x 0.5 x 2.88e-4 / 3600 x 1e6 = $0.16
    #   B = 1,024: 7.5536e10 / 5e11 = 0.151072 s, / 1,024 = 1.4753125e-4 s -> $0.081961806
    # (compute: 1,024 x 8.256e9 FLOPs / 1e14 = 0.0845 s < 0.151 s, still memory-bound)
    common = dict(usd_per_chip_hour=4.0, context_tokens=1_000_000, batch=1024, discount=0.5, bandwidth_share=0.5, compute_share=0.5)
    small = inf.decode_cost(chip(), TINY, domain_chips=1, **common)
    large = inf.decode_cost(chip(), TINY, domain_chips=8, **common)
    assert (small["batch_limit"], small["batch_used"]) == (125, 125)
    assert (large["batch_limit"], large["batch_used"]) == (2093, 1024)
    assert small["usd_per_million_tokens"] == pytest.approx(0.16, rel=1e-9)
    assert large["usd_per_million_tokens"] == pytest.approx(0.081961806, rel=1e-8)


def test_no_price_gives_no_cost_but_a_break_even():
    got = inf.decode_cost(chip(), TINY, usd_per_chip_hour=None, domain_chips=2, context_tokens=1000, batch=4)
    assert math.isnan(got["usd_per_million_tokens"]) and got["chip_seconds_per_token"] > 0


@pytest.mark.parametrize("bad", [dict(batch=0), dict(context_tokens=0), dict(discount=1.0), dict(bandwidth_share=0),
                                 dict(compute_share=1.5), dict(hbm_usable_share=0), dict(domain_chips=0)])
def test_decode_cost_rejects_impossible_inputs(bad):
    args = dict(usd_per_chip_hour=4.0, domain_chips=2, context_tokens=1000, batch=4) | bad
    with pytest.raises(ValueError):
        inf.decode_cost(chip(), TINY, **args)


# --- assumptions by vendor and by chip; the ranking moves -------------------------------------

TWO_CHIPS = pd.DataFrame([chip(), chip(chip_id="asic-z", chip="ASIC Z", vendor="AWS", usd_per_chip_hour=3.0, price_id="p-asic-z")])
TWO_VENDORS = assumptions(vendor_rows("NVIDIA", discount=(0.45, 0.5, 0.6)) + vendor_rows("AWS", discount=(0.1, 0.2, 0.5)))


def test_assumption_values_by_vendor_chip_and_all():
    table = assumptions(vendor_rows("NVIDIA") + vendor_rows("AWS", bandwidth=(0.4, 0.6, 0.8))
                        + [("new-gpu-x", "generation_share_factor", None, "gpu-x", 0.5, 0.8, 1.0),
                           ("own-gpu-x", "owning_cost", None, "gpu-x", 1.0, 2.0, 3.0)])
    aws = inf.assumption_values(table, "asic-z", "AWS")
    assert aws["bandwidth_share"] == 0.6 and aws["discount"] == 0.5 and aws["context_tokens"] == 1000
    # the chip's factor multiplies its vendor's shares: 0.5 x 0.8 = 0.4 for both; its owning cost is not a decode input
    gpu = inf.assumption_values(table, "gpu-x", "NVIDIA")
    assert gpu["bandwidth_share"] == pytest.approx(0.4) and gpu["compute_share"] == pytest.approx(0.4)
    assert "owning_cost" not in gpu
    assert inf.assumption_values(table, "gpu-x", "NVIDIA", {"new-gpu-x": 1.0})["bandwidth_share"] == 0.5
    with pytest.raises(KeyError, match="no assumption"):
        inf.assumption_values(table, "gpu-x", "NVIDIA", {"no-such-row": 1})
    with pytest.raises(KeyError, match="Google"):
        inf.assumption_values(table, "tpu", "Google")


def test_a_vendor_discount_reorders_two_chips():
    # Same chip, same shares: cost follows price x (1 - discount).
    # central: GPU X 4 x (1 - 0.5) = 2.0, ASIC Z 3 x (1 - 0.2) = 2.4 -> GPU X cheaper, ratio 2.0 / 2.4 = 0.8333
    central = inf.cost_table(TWO_CHIPS, TINY, TWO_VENDORS)
    assert inf.ranking(central) == ["gpu-x", "asic-z"]
    costs = central.set_index("chip_id")["usd_per_million_tokens"]
    assert costs["gpu-x"] / costs["asic-z"] == pytest.approx(2.0 / 2.4)
    # AWS's discount at its high end: ASIC Z 3 x 0.5 = 1.5 < 2.0 -> the order reverses
    moved = inf.cost_table(TWO_CHIPS, TINY, TWO_VENDORS, {"discount-aws": 0.5})
    assert inf.ranking(moved) == ["asic-z", "gpu-x"]


# --- the owning-cost basis -------------------------------------------------------------------

# GPU X owns at $2 an hour; TPU N (no list price, 150 TFLOPS dense FP8, else like GPU X) is priced per
# dense 8-bit TFLOPS against it: 0.5 x ($2 / 200) x 150 = $0.75 an hour.
OWNED = pd.concat([TWO_CHIPS, pd.DataFrame([chip(chip_id="tpu-n", chip="TPU N", vendor="Google", usd_per_chip_hour=NAN,
                                                 price_id=None, fp8_tflops_dense=150.0)])], ignore_index=True)
OWNING = assumptions(vendor_rows("NVIDIA") + vendor_rows("AWS", discount=(0.2, 0.2, 0.2)) + vendor_rows("Google", bandwidth=(0.4, 0.5, 0.8))
                     + [("own-gpu-x", "owning_cost", None, "gpu-x", 1.5, 2.0, 2.5),
                        ("ratio-tpu-n", "owning_cost_ratio", None, "tpu-n", 0.4, 0.5, 0.8, "gpu-x")])


def test_owning_costs_direct_and_per_8bit_tflops():
    costs = inf.owning_costs(OWNED, OWNING)
    assert costs["gpu-x"] == 2.0 and costs["tpu-n"] == pytest.approx(0.75) and math.isnan(costs["asic-z"])
    # moving the reference chip's cost moves the chip priced against it: 0.5 x (2.5 / 200) x 150 = 0.9375
    assert inf.owning_costs(OWNED, OWNING, {"own-gpu-x": 2.5})["tpu-n"] == pytest.approx(0.9375)
    with pytest.raises(KeyError, match="gpu-x"):  # a ratio needs its reference chip among the chips
        inf.owning_costs(OWNED[OWNED["chip_id"] != "gpu-x"], OWNING)


def test_the_two_price_bases_are_kept_apart_by_hand():
    # All three read the same bytes at 1,000 GB/s x 0.5 (memory-bound): 0.003734503 chip-seconds a token.
    # List: GPU X 4 x 0.5 -> 2.074723889; ASIC Z 3 x 0.8 -> 2.4 x 1.037361944 = 2.489668667; TPU N has no list price.
    # Owning: no discount; GPU X 2.0 -> 2.074723889; TPU N 0.75 -> 0.75 x 1.037361944 = 0.778021458; ASIC Z none.
    listed = inf.cost_table(OWNED, TINY, OWNING, basis="list").set_index("chip_id")
    owned = inf.cost_table(OWNED, TINY, OWNING, basis="owning").set_index("chip_id")
    assert listed["usd_per_million_tokens"].tolist()[:2] == pytest.approx([2.074723889, 2.489668667], rel=1e-9)
    assert not listed.at["tpu-n", "priced"] and math.isnan(listed.at["tpu-n", "usd_per_million_tokens"])
    assert owned.at["tpu-n", "usd_per_million_tokens"] == pytest.approx(0.778021458, rel=1e-9)
    assert owned.at["gpu-x", "discount"] == 0 and not owned.at["asic-z", "priced"]
    assert inf.ranking(owned.reset_index()) == ["tpu-n", "gpu-x"]
    with pytest.raises(ValueError, match="basis"):
        inf.cost_table(OWNED, TINY, OWNING, basis="street")


def test_cost_range_takes_each_assumption_to_the_end_that_favours_the_chip():
    # TPU N on owning cost is memory-bound, so its cost goes as ratio x GPU X's owning cost / bandwidth share
    # (central 0.5 x 2.0 / 0.5 -> 0.778021458). GPU X's owning cost prices TPU N, so it is one of TPU N's own rows.
    # Favourable: the LOW ratio and cost, the HIGH share: (0.4 x 1.5) / (0.5 x 2.0) x 0.5 / 0.8 = 0.375 -> 0.291758047;
    # unfavourable: (0.8 x 2.5) / 1.0 x 0.5 / 0.4 = 2.5 -> 1.945053646.
    spread = inf.cost_range(OWNED, TINY, OWNING, basis="owning").set_index("chip_id")
    assert spread.at["tpu-n", "low_usd"] == pytest.approx(0.291758047, rel=1e-9)
    assert spread.at["tpu-n", "high_usd"] == pytest.approx(1.945053646, rel=1e-9)
    # GPU X: owning cost 1.5 to 2.5 around 2.0 -> 2.074723889 x 0.75 and x 1.25; ASIC Z has no owning cost
    assert spread.at["gpu-x", "low_usd"] == pytest.approx(1.556042917, rel=1e-9)
    assert spread.at["gpu-x", "high_usd"] == pytest.approx(2.593404861, rel=1e-9)
    assert "asic-z" not in spread.index


def test_cost_range_brackets_the_central_cost():
    spread = inf.cost_range(TWO_CHIPS, TINY, TWO_VENDORS).set_index("chip_id")
    # ASIC Z: 3 x (1 - d) x 0.003734503 s / 3600 x 1e6 with d = 0.5, 0.2, 0.1 -> 1.5, 2.4, 2.7 times 1.037361944
    assert spread.loc["asic-z", "low_usd"] == pytest.approx(1.5 * 1.037361944, rel=1e-9)
    assert spread.loc["asic-z", "central_usd"] == pytest.approx(2.4 * 1.037361944, rel=1e-9)
    assert spread.loc["asic-z", "high_usd"] == pytest.approx(2.7 * 1.037361944, rel=1e-9)


# --- what the model can tell apart -----------------------------------------------------------

RANGES = pd.DataFrame({"chip_id": ["a", "b", "c", "d"], "chip": ["A", "B", "C", "D"], "vendor": ["NVIDIA", "AWS", "Google", "AWS"],
                       "low_usd": [1.0, 1.2, 2.1, 1.9], "central_usd": [1.5, 1.6, 2.5, 2.8], "high_usd": [2.0, 3.0, 3.0, 4.0]})


def test_chips_whose_ranges_reach_below_every_dear_end_cannot_be_told_apart():
    # The lowest dear end is A's 2.0. A (1.0), B (1.2) and D (1.9) start below it and could each be the cheapest;
    # C starts at 2.1, dearer than A at A's dearest: clearly dearer. Sorted by central: A, B, C, D.
    table = inf.could_be_cheapest(RANGES)
    assert list(table["chip_id"]) == ["a", "b", "c", "d"]
    assert list(table["could_be_cheapest"]) == [True, True, False, True]
    assert table.attrs["ceiling"] == 2.0
    assert inf.range_title({"list": table}) == ("No chip is cheapest across the ranges: on list prices less discounts A, B and D "
                                                "overlap, and C is clearly dearer")
    alone = inf.could_be_cheapest(RANGES.assign(low_usd=[1.0, 2.2, 2.1, 3.0]))  # now only A starts below 2.0
    assert list(alone.loc[alone["could_be_cheapest"], "chip"]) == ["A"]
    title = inf.range_title({"list": alone, "owning": table})
    assert title == ("On list prices less discounts A is cheapest even at the dear end of its range; "
                     "on owning cost A, B and D overlap, and C is clearly dearer")


def test_range_chart_title_and_description_follow_the_data():
    table = inf.could_be_cheapest(RANGES)
    _, title, description = inf.range_chart({"list": table, "owning": table})
    # A, B and D overlap on both bases: one clause for both; which overlap is each panel's heading
    assert title == "No chip is clearly cheapest on list prices or on owning cost: their ranges overlap"
    assert inf.range_heading("list", table) == "On list prices less discounts: 3 overlap; C clearly dearer"
    assert "A $1.50 ($1.00 to $2.00)" in description and "Clearly dearer: C." in description
    alone = inf.could_be_cheapest(RANGES.assign(low_usd=[1.0, 2.2, 2.1, 3.0]))  # only A starts below A's dear end, 2.0
    _, moved, _ = inf.range_chart({"list": alone, "owning": table})
    assert moved == "A is cheapest on list prices even at the dear end of its range"
    assert inf.range_heading("list", alone) == "On list prices less discounts: A cheapest; B, C and D clearly dearer"


def test_range_chart_keys_the_dashed_line_and_the_dearer_chips_on_the_marks():
    table = inf.could_be_cheapest(RANGES)
    for narrow in (False, True):
        spec = inf.range_chart({"list": table}, narrow=narrow)[0].to_dict()
        layers = spec["spec"]["layer"]
        # no shape code and no legend but the vendors': the words stand on the marks
        assert not any("shape" in layer.get("encoding", {}) for layer in layers)
        texts = {layer["mark"].get("text"): layer for layer in layers if layer["mark"]["type"] == "text"}
        # the dashed line's name at the lowest unfavourable end, per panel
        named = texts[inf.RANGE_LINE_NAME]
        assert named["transform"] == [{"aggregate": [{"op": "min", "field": "high_usd", "as": "ceiling"}], "groupby": ["basis"]}]
        # the verdict written beside each chip whose line starts right of it (C here), at its dear end
        dearer = texts[inf.RANGE_DEARER]
        assert dearer["transform"] == [{"filter": "!datum.could_be_cheapest"}]
        assert dearer["encoding"]["x"]["field"] == "high_usd"
    assert list(table.loc[~table["could_be_cheapest"], "chip"]) == ["C"]


# --- the sensitivity of one comparison ----------------------------------------------------------

def test_the_tornado_finds_the_flipping_assumption():
    result = inf.tornado(TWO_CHIPS, TINY, TWO_VENDORS)
    assert result.attrs["leader"] == "gpu-x" and result.attrs["pair"] == ("gpu-x", "asic-z")
    flips = result[result["cheapest_changes"]]
    # NVIDIA low (0.45): 4 x 0.55 = 2.2 < 2.4, no flip; AWS low (0.1): 2.7, no flip;
    # AWS high (0.5): 1.5 < 2.0, ASIC Z leads by 2.0 / 1.5 = 1.3333. Nothing else moves.
    assert list(zip(flips["assumption_id"], flips["end"])) == [("discount-aws", "high")]
    assert flips["lead"].iat[0] == pytest.approx(2.0 / 1.5)
    assert flips["cheapest"].iat[0] == "asic-z" and flips["pair_flips"].iat[0]
    nvidia_low = result[(result["assumption_id"] == "discount-nvidia") & (result["end"] == "low")]
    assert nvidia_low["lead"].iat[0] == pytest.approx(2.2 / 2.4)


def test_the_tornado_tests_the_chips_it_is_told_to_on_their_basis():
    # Owning basis, among TPU N and GPU X: TPU N leads, 0.778 / 2.075 = 0.375 (0.75 / 2.0).
    # The ratio's high end, 0.8: TPU N costs 1.2 an hour, 0.6 of GPU X; Google's bandwidth low, 0.4: 0.75 x 1.25 = 0.9375,
    # 0.469; GPU X's cost low, 1.5: 0.75 / 1.5 = 0.5 (TPU N moves too: priced against it, the ratio stays 0.375).
    result = inf.tornado(OWNED, TINY, OWNING, basis="owning", among=["tpu-n", "gpu-x"])
    assert result.attrs["leader"] == "tpu-n" and result.attrs["basis"] == "owning"
    lead = result.set_index(["assumption_id", "end"])["lead"]
    assert lead[("ratio-tpu-n", "high")] == pytest.approx(0.6)
    assert lead[("bandwidth-google", "low")] == pytest.approx(0.46875)
    assert lead[("own-gpu-x", "low")] == pytest.approx(0.375)
    assert not result["cheapest_changes"].any()


def test_tornado_chart_title_follows_its_data():
    names = {"gpu-x": "GPU X", "asic-z": "ASIC Z"}
    _, title, description = inf.tornado_chart(inf.tornado(TWO_CHIPS, TINY, TWO_VENDORS), names)
    # discount-nvidia and discount-aws move the lead; the shares move both chips alike and drop out
    assert title == "1 of the 2 assumptions that move GPU X's lead, moved alone, puts ASIC Z ahead"
    assert "Another chip becomes cheapest under: AWS discount high (ASIC Z)." in description
    still = assumptions(vendor_rows("NVIDIA") + vendor_rows("AWS", discount=(0.1, 0.2, 0.3)))
    _, title, _ = inf.tornado_chart(inf.tornado(TWO_CHIPS, TINY, still), names)
    assert title == "The one assumption that moves GPU X's lead does not end it, moved alone"


def _texts(spec) -> list[str]:
    """Every constant text mark's words in a chart spec."""
    found = []
    if isinstance(spec, dict):
        mark = spec.get("mark")
        if isinstance(mark, dict) and mark.get("type") == "text" and "text" in mark:
            found.append(mark["text"])
        for value in spec.values():
            found += _texts(value)
    elif isinstance(spec, list):
        for value in spec:
            found += _texts(value)
    return found


def test_tornado_chart_names_each_side_of_parity_on_the_plot():
    names = {"gpu-x": "GPU X", "asic-z": "ASIC Z"}
    for narrow in (False, True):
        chart, _, _ = inf.tornado_chart(inf.tornado(TWO_CHIPS, TINY, TWO_VENDORS), names, narrow=narrow)
        # GPU X leads; the AWS discount's high end puts ASIC Z ahead (test above)
        assert _texts(chart.to_dict()) == ["\u2190 GPU X cheaper", "ASIC Z cheaper \u2192"]
    # no assumption ends the lead: the right side names no chip
    still = assumptions(vendor_rows("NVIDIA") + vendor_rows("AWS", discount=(0.1, 0.2, 0.3)))
    chart, _, _ = inf.tornado_chart(inf.tornado(TWO_CHIPS, TINY, still), names)
    assert _texts(chart.to_dict()) == ["\u2190 GPU X cheaper", "another chip cheaper \u2192"]


def test_cost_title_moves_with_the_data():
    table = inf.cost_table(TWO_CHIPS, TINY, TWO_VENDORS)
    default = inf.order_key(table)
    assert default == "GPU X~ASIC Z"
    # 2.0 x 1.037361944 = 2.07; 2.4 x 1.037361944 = 2.49
    assert inf.cost_title(table, default) == ("On list prices less discounts, GPU X costs least at these exact settings: "
                                              "$2.07 per million output tokens, then ASIC Z $2.49")
    cheaper = TWO_CHIPS.assign(usd_per_chip_hour=[4.0, 2.0])  # ASIC Z: 2 x 0.8 = 1.6 -> 1.66
    moved = inf.cost_table(cheaper, TINY, TWO_VENDORS)
    assert inf.cost_title(moved, default) == ("On list prices less discounts, ASIC Z costs least at these exact settings: "
                                              "$1.66 per million output tokens, then GPU X $2.07; "
                                              "the order of chips has changed from the defaults")
    # ASIC Z at $2.60: 2.6 x 0.8 x 1.037361944 = 2.158, within 5% of GPU X's 2.075 (2.178): a near tie
    near = inf.cost_table(NEAR_TIE_CHIPS, TINY, TWO_VENDORS)
    assert inf.cost_title(near, default) == ("On list prices less discounts, GPU X costs least at these exact settings: "
                                             "$2.07 per million output tokens, then ASIC Z $2.16: a near tie")


NEAR_TIE_CHIPS = TWO_CHIPS.assign(usd_per_chip_hour=[4.0, 2.6])


def test_in_page_title_says_a_near_tie_as_python_does():
    plan = pd.DataFrame({"scenario_id": ["central"], "vendor": ["AWS"], "chip_id": ["asic-z"], "reason": "", "source_id": ""})
    scenarios = pd.DataFrame({"scenario_id": ["central"], "name": ["Central"]})
    for chips, controls in ((NEAR_TIE_CHIPS, {}), (TWO_CHIPS, {}), (NEAR_TIE_CHIPS, {"discountAWS": 0.3})):
        assert_page_matches_python(chips, TINY, TWO_VENDORS, plan, scenarios, controls)
    assert page_values(NEAR_TIE_CHIPS, TINY, TWO_VENDORS, plan, scenarios, {})["title"].endswith(": a near tie")


def test_scenario_chips_and_break_even_price():
    three = pd.concat([TWO_CHIPS, pd.DataFrame([chip(chip_id="tpu-n", chip="TPU N", vendor="Google", usd_per_chip_hour=NAN,
                                                     price_id=None, hbm_bandwidth_gb_s=2000.0)])], ignore_index=True)
    table = inf.cost_table(three, TINY, assumptions(vendor_rows("NVIDIA") + vendor_rows("AWS", discount=(0.2, 0.2, 0.2))
                                                    + vendor_rows("Google")))
    plan = pd.DataFrame({"scenario_id": ["now", "now"], "vendor": ["Google", "AWS"], "chip_id": ["tpu-n", "asic-z"]})
    picked = inf.scenario_chips(plan, "now", table).set_index("chip_id")
    # TPU N reads at 2,000 GB/s x 0.5: half GPU X's chip-seconds, 0.0018672515 s/token. The cheapest priced chip
    # is GPU X at 2.074723889 $/Mtok; TPU N matches it at 2.074723889 x 3600 / (1e6 x 0.0018672515) = $4.00 an hour
    assert picked.loc["tpu-n", "break_even_usd_per_chip_hour"] == pytest.approx(4.0)
    assert math.isnan(picked.loc["asic-z", "break_even_usd_per_chip_hour"])
    summary = inf.cost_summary(table, picked.reset_index())
    assert summary.endswith("Serving Anthropic in this scenario: TPU N (no public price; as cheap as the cheapest chip at $4.00 "
                            "per chip-hour after discount); ASIC Z $2.49.")
    assert summary.startswith("On list prices less discounts, cheapest first: GPU X $2.07, ASIC Z $2.49.")
    assert inf.cost_summary(table, picked.reset_index(), "ASIC Z~GPU X").startswith(
        "The order of chips has changed from the defaults. On list prices less discounts, cheapest first:")
    with pytest.raises(KeyError, match="now"):
        inf.scenario_chips(plan, "later", table)


def test_controls_map_to_assumption_rows():
    table = TWO_VENDORS
    assert inf.moved_from_controls(table, {"batch": 9, "context": 2048, "weightBits": 16, "discountAWS": 0.3,
                                           "bandwidthShareNVIDIA": 0.7, "scenario": "central", "basis": "owning"}) == {
        "batch": 9, "context": 2048, "bits": 16, "discount-aws": 0.3, "bandwidth-nvidia": 0.7}


# --- the page recomputes with the same arithmetic -------------------------------------------------

def page_values(chips: pd.DataFrame, model, table: pd.DataFrame, cost_scenarios: pd.DataFrame, scenarios: pd.DataFrame,
                controls: dict) -> dict[str, str]:
    """Render the chart's signals with Vega (vl-convert) at the given control values and
    read back each chip's cost, the title and the text alternative."""
    vl_convert = pytest.importorskip("vl_convert")
    default_order = inf.order_key(inf.cost_table(chips, model, table))
    params = inf.vega_cost_params(chips, model, table, cost_scenarios, scenarios, default_order)
    for param in params:
        if param["name"] in controls:
            param["value"] = controls[param["name"]]
    rows = [{"key": f"cost:{c}", "chip_id": c} for c in chips["chip_id"]] + [{"key": "title"}, {"key": "summary"}]
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "params": params, "data": {"values": rows},
            "transform": [{"calculate": ("datum.key == 'title' ? 'title=' + costTitle : datum.key == 'summary' ? "
                                         "'summary=' + costSummary : datum.key + '=' + (isValid(costs[datum.chip_id]) ? "
                                         "format(costs[datum.chip_id], '.17g') : 'null')"), "as": "out"}],
            "mark": {"type": "text", "limit": 0}, "encoding": {"y": {"field": "key", "type": "nominal", "axis": None},
                                                                "text": {"field": "out"}}}
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", vl_convert.vegalite_to_svg(spec))]
    return dict(t.split("=", 1) for t in texts if "=" in t)


def assert_page_matches_python(chips, model, table, cost_scenarios, scenarios, controls):
    seen = page_values(chips, model, table, cost_scenarios, scenarios, controls)
    default_order = inf.order_key(inf.cost_table(chips, model, table))
    python = inf.cost_table(chips, model, table, inf.moved_from_controls(table, controls), controls.get("basis", "list"))
    for row in python.itertuples():
        page = seen[f"cost:{row.chip_id}"]
        if math.isnan(row.usd_per_million_tokens):
            assert page == "null", row.chip_id
        else:
            assert float(page) == pytest.approx(row.usd_per_million_tokens, rel=1e-12), row.chip_id
    assert seen["title"] == inf.cost_title(python, default_order)
    scenario = controls.get("scenario", "central")
    assert seen["summary"] == inf.cost_summary(python, inf.scenario_chips(cost_scenarios, scenario, python), default_order)


FIXTURE_CHIPS = pd.concat([OWNED, pd.DataFrame([
    chip(chip_id="tpu-o", chip="TPU O", vendor="Google", usd_per_chip_hour=1.0, price_id="p-tpu-o", fp8_tflops_dense=NAN,
         int8_tops_dense=300.0, hbm_gb=16.0, domain_chips=256, **WEIGHT_ONLY),
    chip(chip_id="gpu-y", chip="GPU Y", vendor="NVIDIA", fp4_tflops_dense=400.0, hbm_gb=10.0, domain_chips=1, usd_per_chip_hour=2.0,
         path_4="FP4", rate_4="fp4_tflops_dense", kv_4=8),
    chip(chip_id="gpu-z", chip="GPU Z", vendor="NVIDIA", hbm_gb=40.0, domain_chips=1, usd_per_chip_hour=3.0, **NO_PATH)])],
    ignore_index=True)
FIXTURE_ASSUMPTIONS = assumptions(vendor_rows("NVIDIA", discount=(0.3, 0.5, 0.8)) + vendor_rows("AWS", discount=(0.1, 0.2, 0.5))
                                  + vendor_rows("Google") + [("new-gpu-y", "generation_share_factor", None, "gpu-y", 0.7, 0.85, 1),
                                                             ("own-gpu-x", "owning_cost", None, "gpu-x", 1.5, 2.0, 2.5),
                                                             ("ratio-tpu-n", "owning_cost_ratio", None, "tpu-n", 0.4, 0.5, 0.8, "gpu-x")])
FIXTURE_PLAN = pd.DataFrame({"scenario_id": ["central", "central", "slip", "slip"], "vendor": ["Google", "AWS", "Google", "NVIDIA"],
                             "chip_id": ["tpu-n", "asic-z", "tpu-n", "gpu-y"], "reason": "", "source_id": ""})
FIXTURE_SCENARIOS = pd.DataFrame({"scenario_id": ["central", "slip"], "name": ["Central", "Slip"]})


@pytest.mark.parametrize("controls", [
    {},
    {"batch": 300, "context": 8192, "weightBits": 16, "discountAWS": 0.8, "bandwidthShareNVIDIA": 0.9, "scenario": "slip"},
    {"batch": 1, "context": 2048, "weightBits": 16},
    {"batch": 512, "context": 262144, "weightBits": 4, "discountNVIDIA": 0.0},
    {"basis": "owning", "batch": 64, "scenario": "slip"},
    {"basis": "owning", "weightBits": 4, "context": 262144, "bandwidthShareGoogle": 0.3},
], ids=["defaults", "bf16-slip", "bf16-batch-1", "fp4-long-context", "owning-slip", "owning-fp4"])
def test_in_page_signals_match_python_on_fixtures(controls):
    assert_page_matches_python(FIXTURE_CHIPS, TINY, FIXTURE_ASSUMPTIONS, FIXTURE_PLAN, FIXTURE_SCENARIOS, controls)


# --- the live tables: invariants only ---------------------------------------------------------------

SPECS = load_table("accelerator_specs")
PRICES = load_table("accelerator_prices")
RESULTS = load_table("mlperf_results")
CLAIMS = load_table("vendor_claims")
DOMAINS = load_table("serving_domains")
MODELS = load_table("reference_models")
ASSUMPTIONS = load_table("cost_assumptions")
COST_SCENARIOS = load_table("cost_scenarios")
SCENARIOS = load_table("scenarios")
FORMATS = load_table("serving_formats")
LIVE_CHIPS = inf.chip_frame(SPECS, PRICES, DOMAINS, FORMATS, on=inf.like_date(PRICES, SPECS))
LIVE_MODEL = inf.ReferenceModel.from_row(MODELS.iloc[0])


@pytest.mark.parametrize("controls", [
    {},
    {"batch": 300, "context": 131072, "weightBits": 16, "scenario": "trainium-slips-a-year", "discountAWS": 0.8,
     "bandwidthShareNVIDIA": 0.5},
    {"batch": 4096, "context": 262144, "weightBits": 4, "scenario": "tpu-ceiling-reached"},
    {"basis": "owning", "batch": 64, "scenario": "trainium-slips-a-year", "bandwidthShareAWS": 0.3},
], ids=["defaults", "bf16-slip", "fp4-long-context", "owning-slip"])
def test_in_page_signals_match_python_on_the_live_tables(controls):
    """Whatever the tables hold, the page and decode_cost agree."""
    assert_page_matches_python(LIVE_CHIPS, LIVE_MODEL, ASSUMPTIONS, COST_SCENARIOS, SCENARIOS, controls)


def test_every_reference_model_is_consistent():
    for row in MODELS.to_dict("records"):
        model = inf.ReferenceModel.from_row(row)  # raises on impossible counts
        assert model.params_read_b(1) == pytest.approx(model.active_params_b)
        assert model.params_read_b(1e9) == pytest.approx(model.total_params_b)


def test_assumption_ranges_are_ordered_and_in_bounds():
    ends = ASSUMPTIONS[["low", "high"]]
    assert ((ends.min(axis=1) <= ASSUMPTIONS["central"]) & (ASSUMPTIONS["central"] <= ends.max(axis=1))).all()
    shares = ASSUMPTIONS[ASSUMPTIONS["parameter"].isin(["negotiated_discount", "bandwidth_share", "compute_share", "hbm_usable_share"])]
    assert ((shares[["low", "central", "high"]] >= 0) & (shares[["low", "central", "high"]] <= 1)).all().all()
    assert set(ASSUMPTIONS.loc[ASSUMPTIONS["parameter"] == "weight_bits", ["low", "central", "high"]].stack()) <= {16, 8, 4}
    # a row is vendor-level, chip-level or global, never two at once
    assert not (ASSUMPTIONS["vendor"].notna() & ASSUMPTIONS["chip_id"].notna()).any()


def test_every_chip_in_the_cost_model_has_its_inputs():
    for row in LIVE_CHIPS.to_dict("records"):
        inf.assumption_values(ASSUMPTIONS, row["chip_id"], row["vendor"])  # raises KeyError on a gap
    assert set(COST_SCENARIOS["chip_id"]) <= set(LIVE_CHIPS["chip_id"])
    assert set(inf.reference_prices(PRICES)["chip_id"]) <= set(LIVE_CHIPS["chip_id"])
    for scenario_id in SCENARIOS["scenario_id"]:  # every scenario names one chip per vendor
        assert sorted(COST_SCENARIOS.loc[COST_SCENARIOS["scenario_id"] == scenario_id, "vendor"]) == sorted(CHIP_MAKERS)


def test_live_costs_move_the_way_the_model_says():
    central = inf.cost_table(LIVE_CHIPS, LIVE_MODEL, ASSUMPTIONS)
    costs = central.set_index("chip_id")["usd_per_million_tokens"]
    assert (central.loc[~central["priced"], "usd_per_million_tokens"].isna()).all()
    for vendor in CHIP_MAKERS:  # a deeper discount never raises a vendor's costs, and leaves the others alone
        row = ASSUMPTIONS[(ASSUMPTIONS["parameter"] == "negotiated_discount") & (ASSUMPTIONS["vendor"] == vendor)].iloc[0]
        deeper = inf.cost_table(LIVE_CHIPS, LIVE_MODEL, ASSUMPTIONS, {row["assumption_id"]: row["high"]}).set_index("chip_id")
        own = central.set_index("chip_id")["vendor"] == vendor
        assert (deeper.loc[own, "usd_per_million_tokens"].dropna() <= costs[own].dropna() + 1e-12).all()
        pd.testing.assert_series_equal(deeper.loc[~own, "usd_per_million_tokens"], costs[~own])
    assert inf.ranking(central) == sorted(inf.ranking(central), key=lambda c: costs[c])


def test_every_chip_stores_weights_by_the_one_rule():
    """Each chip serves in 8 bits at the central setting exactly when its serving software
    has an 8-bit row in serving_formats, and every path's rate is one the chip publishes."""
    central = inf.cost_table(LIVE_CHIPS, LIVE_MODEL, ASSUMPTIONS).set_index("chip_id")
    eight = set(FORMATS.loc[FORMATS["weight_bits"] == 8, "chip_id"])
    assert inf.assumption_values(ASSUMPTIONS, "", "NVIDIA")["weight_bits"] == 8
    for chip_id, bits in central["bits"].items():
        assert bits == (8 if chip_id in eight else 16), chip_id
    for row in LIVE_CHIPS.to_dict("records"):
        for bits in inf.WEIGHT_BITS:
            inf.chip_precision(row, bits)  # raises ValueError on a path at an unpublished rate


def test_owning_costs_cover_the_fleet_and_follow_their_references():
    """Every chip serving Anthropic in any scenario has an owning cost; a ratio row names a
    reference chip with a direct owning cost, and only a ratio row names one."""
    owning = inf.owning_costs(LIVE_CHIPS, ASSUMPTIONS)
    assert owning[sorted(set(COST_SCENARIOS["chip_id"]))].notna().all()
    ratio = ASSUMPTIONS["parameter"] == "owning_cost_ratio"
    assert ASSUMPTIONS.loc[ratio, "relative_to"].notna().all() and ASSUMPTIONS.loc[~ratio, "relative_to"].isna().all()
    direct = set(ASSUMPTIONS.loc[ASSUMPTIONS["parameter"] == "owning_cost", "chip_id"])
    assert set(ASSUMPTIONS.loc[ratio, "relative_to"]) <= direct
    weight = ASSUMPTIONS.loc[ASSUMPTIONS["parameter"] == inf.BASIS_WEIGHT, "central"]
    assert len(weight) <= 1  # one basis for every ratio
    weight = float(weight.iat[0]) if len(weight) else 0.0
    specs = LIVE_CHIPS.set_index("chip_id")
    for row in ASSUMPTIONS[ratio].itertuples():  # cost per unit of capability = ratio x the reference's
        per = owning[row.chip_id] / inf.capability(specs.loc[row.chip_id].to_dict() | {"chip_id": row.chip_id}, weight)
        ref = owning[row.relative_to] / inf.capability(specs.loc[row.relative_to].to_dict() | {"chip_id": row.relative_to}, weight)
        assert per / ref == pytest.approx(row.central)


@pytest.mark.parametrize("basis", list(inf.PRICE_BASES))
def test_live_ranges_bracket_central_and_the_cheapest_central_chip_is_a_contender(basis):
    ranges = inf.could_be_cheapest(inf.cost_range(LIVE_CHIPS, LIVE_MODEL, ASSUMPTIONS, basis))
    assert ((ranges["low_usd"] <= ranges["central_usd"] + 1e-12) & (ranges["central_usd"] <= ranges["high_usd"] + 1e-12)).all()
    assert ranges["could_be_cheapest"].iat[0]  # sorted by central: the cheapest at central could be the cheapest
    assert ranges.loc[ranges["low_usd"].idxmin(), "could_be_cheapest"]


def test_a_bigger_domain_never_decodes_a_smaller_batch():
    """The batch is what the domain's memory holds, up to the ceiling: doubling a chip's
    domain never lowers it and never raises its cost per token."""
    central = inf.cost_table(LIVE_CHIPS, LIVE_MODEL, ASSUMPTIONS).set_index("chip_id")
    doubled = inf.cost_table(LIVE_CHIPS.assign(domain_chips=LIVE_CHIPS["domain_chips"] * 2), LIVE_MODEL, ASSUMPTIONS).set_index("chip_id")
    ceiling = inf.assumption_values(ASSUMPTIONS, "", "NVIDIA")["batch"]
    assert (doubled["batch_used"] >= central["batch_used"]).all() and (central["batch_used"] <= ceiling).all()
    assert (doubled["chip_seconds_per_token"].dropna() <= central["chip_seconds_per_token"].dropna() + 1e-15).all()


def test_page_controls_start_at_the_central_assumptions():
    params = {p["name"]: p for p in inf.vega_cost_params(LIVE_CHIPS, LIVE_MODEL, ASSUMPTIONS, COST_SCENARIOS, SCENARIOS, "")}
    for vendor in CHIP_MAKERS:
        own = inf.assumption_values(ASSUMPTIONS, "", vendor)
        for name, key in (("discount", "discount"), ("bandwidthShare", "bandwidth_share")):
            bind = params[f"{name}{vendor}"]["bind"]
            assert bind["min"] <= params[f"{name}{vendor}"]["value"] == own[key] <= bind["max"]
    assert params["scenario"]["bind"]["options"] == list(SCENARIOS["scenario_id"])
    # the first control is the batch slider, which the browser check moves to 400
    first = next(p for p in params.values() if "bind" in p)
    assert first["name"] == "batch" and first["bind"]["max"] >= 400


# --- roofline -------------------------------------------------------------------------------------

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


# --- prices and per-dollar tables: fixtures by hand, the live tables by invariant -------------------

FIXTURE_PRICES = pd.DataFrame({
    "price_id": ["a-od-old", "a-od-new-west", "a-od-new-east", "a-3y", "b-od"],
    "chip_id": ["chip-a", "chip-a", "chip-a", "chip-a", "chip-b"],
    "cloud": ["AWS"] * 5, "region": ["r"] * 5,
    "pricing": ["on-demand", "on-demand", "on-demand", "3-year commitment", "on-demand"],
    "usd_per_offering_hour": [80.0, 64.0, 60.0, 20.0, 12.0],
    "chips_per_offering": [8, 8, 8, 8, 4],
    "usd_per_chip_hour": [10.0, 8.0, 7.5, 2.5, 3.0],
    "as_of": pd.to_datetime(["2025-01-01", "2026-01-01", "2026-01-01", "2026-06-01", "2025-06-01"]),
    "source_id": ["s"] * 5,
})
FIXTURE_SPECS = pd.DataFrame({"chip_id": ["chip-a", "chip-b"], "chip": ["Chip A", "Chip B"], "vendor": ["NVIDIA", "Google"],
                              "bf16_tflops_dense": [1000.0, 200.0], "fp8_tflops_dense": [2000.0, NAN],
                              "int8_tops_dense": [2000.0, 400.0], "hbm_bandwidth_gb_s": [3000.0, 800.0]})


def test_reference_price_is_the_latest_on_demand_then_cheapest_by_hand():
    ref = inf.reference_prices(FIXTURE_PRICES).set_index("chip_id")
    # chip-a: the 2026 on-demand rows beat the 2025 one, and 60 / 8 = 7.5 beats 64 / 8 = 8; the commitment never counts
    assert ref.at["chip-a", "price_id"] == "a-od-new-east" and ref.at["chip-a", "usd_per_chip_hour"] == 7.5
    assert ref.at["chip-b", "usd_per_chip_hour"] == 3.0  # 12 / 4


def test_per_dollar_by_hand():
    table = inf.per_dollar(FIXTURE_SPECS, FIXTURE_PRICES).set_index("chip_id")
    # chip-a: 1000 / 7.5 = 133.33 TFLOPS and 3000 / 7.5 = 400 GB/s per dollar-hour; chip-b: 200 / 3 and 800 / 3
    assert table.at["chip-a", "bf16_tflops_per_usd_hour"] == pytest.approx(133.3333, rel=1e-6)
    assert table.at["chip-a", "hbm_gb_s_per_usd_hour"] == pytest.approx(400)
    assert table.at["chip-b", "hbm_gb_s_per_usd_hour"] == pytest.approx(266.6667, rel=1e-6)


def test_generation_ratios_by_hand():
    r = inf.generation_ratios(FIXTURE_SPECS, FIXTURE_PRICES, "chip-a", "chip-b")
    # price 7.5 / 3 = 2.5; BF16 1000 / 200 = 5 per chip, 5 / 2.5 = 2 per dollar; bandwidth 3000 / 800 = 3.75 and 1.5;
    # INT8 2000 / 400 = 5 and 2; chip-b publishes no FP8 rate, so no FP8 ratio is invented
    assert r["price_per_chip"] == pytest.approx(2.5)
    assert (r["bf16_per_chip"], r["bf16_per_dollar"]) == pytest.approx((5, 2))
    assert (r["bandwidth_per_chip"], r["bandwidth_per_dollar"]) == pytest.approx((3.75, 1.5))
    assert (r["int8_per_chip"], r["int8_per_dollar"]) == pytest.approx((5, 2))
    assert "fp8_per_dollar" not in r


def test_mlperf_per_dollar_by_hand():
    results = pd.DataFrame({"result_id": ["r-a", "r-b"], "chip_id": ["chip-a", "chip-b"], "accelerators_per_system": [8, 4],
                            "samples_per_second": [240.0, 6.0]})
    table = inf.mlperf_per_dollar(results, FIXTURE_PRICES).set_index("result_id")
    # chip-a: 240 / 8 = 30 samples/s per chip x 3600 / $7.5 = 14,400 per dollar; chip-b: 1.5 x 3600 / 3 = 1,800
    assert table.at["r-a", "samples_per_usd"] == pytest.approx(14_400)
    assert table.at["r-b", "samples_per_usd"] == pytest.approx(1_800)


def test_per_chip_prices_recompute():
    # the column is the quotient rounded to 6 decimals, so it may differ by half a unit there
    expected = PRICES["usd_per_offering_hour"] / PRICES["chips_per_offering"]
    assert (PRICES["usd_per_chip_hour"] - expected).abs().max() <= 5e-7 + 1e-12


def test_reference_prices_are_the_latest_on_demand_rows():
    ref = inf.reference_prices(PRICES).set_index("chip_id")
    on_demand = PRICES[PRICES["pricing"] == "on-demand"]
    for chip_id, row in ref.iterrows():
        own = on_demand[on_demand["chip_id"] == chip_id]
        assert row["as_of"] == own["as_of"].max()
        assert row["usd_per_chip_hour"] == own.loc[own["as_of"] == own["as_of"].max(), "usd_per_chip_hour"].min()
    assert set(ref.index) <= set(SPECS["chip_id"])


def test_live_per_dollar_and_ratios_equal_their_parts():
    table = inf.per_dollar(SPECS, PRICES)
    pd.testing.assert_series_equal(table["hbm_gb_s_per_usd_hour"] * table["usd_per_chip_hour"], table["hbm_bandwidth_gb_s"],
                                   check_names=False, rtol=1e-12)
    ref = inf.reference_prices(PRICES).set_index("chip_id")["usd_per_chip_hour"]
    specs = SPECS.set_index("chip_id")
    for new, old in [("tpu-v5e", "tpu-v4"), ("trainium2", "trainium")]:
        r = inf.generation_ratios(SPECS, PRICES, new, old)
        assert r["price_per_chip"] == pytest.approx(ref[new] / ref[old])
        assert r["bf16_per_dollar"] == pytest.approx(specs.at[new, "bf16_tflops_dense"] / specs.at[old, "bf16_tflops_dense"] / r["price_per_chip"])


def test_live_mlperf_per_dollar_equals_its_parts():
    table = inf.mlperf_per_dollar(RESULTS, PRICES)
    expected = table["samples_per_second"] / table["accelerators_per_system"] * 3600 / table["usd_per_chip_hour"]
    pd.testing.assert_series_equal(table["samples_per_usd"], expected, check_names=False)


def test_mlperf_rows_are_consistent():
    assert (RESULTS["latency_p99_s"] <= RESULTS["latency_bound_s"]).all()
    assert (RESULTS["latency_mean_s"] <= RESULTS["latency_p99_s"]).all()
    status = RESULTS.set_index("result_id")["availability"]
    assert status["v3.1-google-tpu-v5e-4-gptj-99-server"] == "preview"
    assert status["v4.0-google-tpu-v5e-4-gptj-99-server"] == "available"


def test_vendor_claim_ranges_are_ordered():
    assert (CLAIMS["factor_low_x"] <= CLAIMS["factor_high_x"]).all()


# --- units and the dense/sparse guard ---------------------------------------------------------------

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
    row = chip(bf16_tflops_sparse=400.0)
    with pytest.raises(ValueError, match="dense figures only"):
        inf.peak_tflops(row, "bf16", sparse=True)
    assert inf.peak_tflops(row, "bf16") == 100
    with pytest.raises(ValueError):
        inf.peak_tflops(chip(fp8_tflops_dense=NAN), "fp8")  # no FP8 rate published: no silent substitute


def test_dense_columns_hold_no_sparse_headlines():
    """Where a vendor publishes a sparse peak, the dense column must be well below it
    (2:4 sparsity doubles a peak, AWS's 4:1 nearly quadruples it): a dense column equal
    to, or near, the sparse figure means a headline was copied into the wrong column."""
    both = SPECS.dropna(subset=["bf16_tflops_sparse"])
    assert len(both) >= 2
    assert (both["bf16_tflops_sparse"] / both["bf16_tflops_dense"] >= 1.9).all()


def test_low_precision_peaks_are_ordered():
    """A dense 8-bit peak is 1x (no fast path) to 2x the dense BF16 peak on every chip here
    (a ratio near 4x would mean a sparse headline sits in a dense column); a 4-bit peak is
    at least the chip's 8-bit peak and at most 4x its BF16 peak."""
    for column in ["fp8_tflops_dense", "int8_tops_dense", "mxfp8_tflops_dense"]:
        ratio = (SPECS[column] / SPECS["bf16_tflops_dense"]).dropna()
        assert ((ratio >= 0.99) & (ratio <= 4.0 if column == "mxfp8_tflops_dense" else ratio <= 2.05)).all(), ratio
    four = SPECS.dropna(subset=["fp4_tflops_dense"])
    eight = four["fp8_tflops_dense"].fillna(four["mxfp8_tflops_dense"])
    assert (four["fp4_tflops_dense"] >= eight).all() and (four["fp4_tflops_dense"] <= 4.05 * four["bf16_tflops_dense"]).all()


def test_classify_peak_by_hand():
    # a 1,979 TFLOPS headline against a dense 989: twice the dense peak, i.e. the 2:4-sparse figure
    assert inf.classify_peak(1979, 1, 989, 2 * 989) == "sparse"
    assert inf.classify_peak(8 * 989, 8, 989) == "dense"


def test_trainium2_system_figures_are_dense():
    """AWS quotes 20.8 PFLOPS per 16-chip Trn2 instance and 83.2 PFLOPS per 64-chip UltraServer,
    both FP8; a press report called the 83.2 figure sparse. Per chip: 20,800/16 = 1,300 and
    83,200/64 = 1,300, i.e. the dense 1,299; the sparse peak would give 64 x 2,563 = 164,032."""
    row = SPECS.set_index("chip_id").loc["trainium2"]
    dense, sparse = row["fp8_tflops_dense"], row["bf16_tflops_sparse"]  # AWS: 2,563 'FP8/FP16/BF16/TF32 sparse'
    assert inf.classify_peak(20_800, 16, dense, sparse) == "dense"
    assert inf.classify_peak(83_200, 64, dense, sparse) == "dense"
    assert inf.classify_peak(164_032, 64, dense, sparse) == "sparse"
    assert inf.classify_peak(50_000, 64, dense, sparse) == "neither"


def test_every_priced_chip_has_the_figures_the_cost_model_needs():
    priced = set(inf.reference_prices(PRICES)["chip_id"])
    needed = SPECS[SPECS["chip_id"].isin(priced)][["bf16_tflops_dense", "hbm_bandwidth_gb_s", "hbm_gb"]]
    assert needed.notna().all().all()
    assert priced <= set(DOMAINS["chip_id"])


# --- owning cost per unit of capability: per FLOP, per GB/s or between ------------------------------

# GPU X: 200 dense FP8 TFLOPS, 1,000 GB/s, owns at $2. TPU W: 150 TFLOPS, 2,000 GB/s, ratio 0.5 against GPU X.
# ASIC V: 300 TFLOPS, 500 GB/s, owns at $1.2; its successor ASIC U (600 TFLOPS, 750 GB/s) is priced at 0.8 of
# ASIC V's owning cost per unit of capability.
CAPABLE = pd.DataFrame([chip(), chip(chip_id="tpu-w", chip="TPU W", vendor="Google", fp8_tflops_dense=150.0, hbm_bandwidth_gb_s=2000.0),
                        chip(chip_id="asic-v", chip="ASIC V", vendor="AWS", fp8_tflops_dense=300.0, hbm_bandwidth_gb_s=500.0),
                        chip(chip_id="asic-u", chip="ASIC U", vendor="AWS", fp8_tflops_dense=600.0, hbm_bandwidth_gb_s=750.0)])


def basis_rows(weight: float) -> pd.DataFrame:
    return assumptions(vendor_rows("NVIDIA") + vendor_rows("Google") + vendor_rows("AWS")
                       + [("own-gpu-x", "owning_cost", None, "gpu-x", 2.0, 2.0, 2.0),
                          ("ratio-tpu-w", "owning_cost_ratio", None, "tpu-w", 0.5, 0.5, 0.5, "gpu-x"),
                          ("own-asic-v", "owning_cost", None, "asic-v", 1.2, 1.2, 1.2),
                          ("ratio-asic-u", "owning_cost_ratio", None, "asic-u", 0.8, 0.8, 0.8, "asic-v"),
                          ("basis", "owning_cost_bandwidth_weight", None, None, 0.0, weight, 1.0)])


def test_owning_cost_by_flops_by_bandwidth_and_between():
    # per FLOP (w = 0): TPU W = 0.5 x 2 x 150 / 200 = 0.75; ASIC U = 0.8 x 1.2 x 600 / 300 = 1.92
    # per GB/s (w = 1): TPU W = 0.5 x 2 x 2000 / 1000 = 2.0; ASIC U = 0.8 x 1.2 x 750 / 500 = 1.44
    # between (w = 0.5): TPU W = 1 x sqrt(0.75 x 2) = 1.224744871; ASIC U = 0.96 x sqrt(2 x 1.5) = 1.662768775
    for weight, tpu, asic in ((0.0, 0.75, 1.92), (1.0, 2.0, 1.44), (0.5, 1.224744871, 1.662768775)):
        costs = inf.owning_costs(CAPABLE, basis_rows(weight))
        assert costs["tpu-w"] == pytest.approx(tpu, rel=1e-9) and costs["asic-u"] == pytest.approx(asic, rel=1e-9)
        assert costs["gpu-x"] == 2.0 and costs["asic-v"] == 1.2  # a direct figure does not depend on the basis
    assert inf.capability(chip(), 0.5) == pytest.approx(math.sqrt(200 * 1000))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        inf.capability(chip(), 1.5)


def test_the_basis_weight_favours_each_chip_at_its_own_end():
    # TPU W has more bandwidth per FLOP than GPU X, so per FLOP (w = 0) is its cheap end: $0.75 against $2.0 per GB/s.
    # ASIC U has less than ASIC V, so per GB/s (w = 1) is its cheap end: $1.44 against $1.92. All four read the same
    # bytes at (bandwidth x 0.5): TPU W at 2,000 GB/s takes 0.0018672515 chip-seconds a token, ASIC U at 750 GB/s
    # 0.004979337 (1,000 / 750 x 0.003734503); nothing else moves (every other row is held).
    table = basis_rows(0.5)
    spread = inf.cost_range(CAPABLE, TINY, table, basis="owning").set_index("chip_id")
    assert spread.at["tpu-w", "low_usd"] == pytest.approx(0.75 * 0.0018672515 / 3600 * 1e6, rel=1e-6)
    assert spread.at["tpu-w", "high_usd"] == pytest.approx(2.0 * 0.0018672515 / 3600 * 1e6, rel=1e-6)
    assert spread.at["asic-u", "low_usd"] == pytest.approx(1.44 * 0.004979337 / 3600 * 1e6, rel=1e-6)
    assert spread.at["asic-u", "high_usd"] == pytest.approx(1.92 * 0.004979337 / 3600 * 1e6, rel=1e-6)
    # the rows that price ASIC U: its ratio, ASIC V's own figure (which it multiplies) and the basis
    assert set(inf.pricing_rows(table, "asic-u")["assumption_id"]) == {"ratio-asic-u", "own-asic-v", "basis"}
    assert set(inf.pricing_rows(table, "asic-v")["assumption_id"]) == {"own-asic-v"}


# --- the joint sensitivity: every assumption drawn at once --------------------------------------------


# Chips A (NVIDIA) and B (AWS) alike but for owning cost, $4.5 and $5.0 an hour. B's bandwidth share is held at 0.5;
# A's is drawn from a triangle over 0.4, 0.5, 0.6. Both are memory-bound (compute share 1, tiny batch), so cost goes as
# owning cost / bandwidth share: A is cheaper exactly when 4.5 / s < 5.0 / 0.5 = 10, i.e. s > 0.45. The triangle's
# CDF at 0.45 is (0.45 - 0.4)^2 / ((0.6 - 0.4) x (0.5 - 0.4)) = 0.0025 / 0.02 = 0.125, so A is cheapest in 87.5% of draws.
PAIR = pd.DataFrame([chip(chip_id="chip-a", chip="A"), chip(chip_id="chip-b", chip="B", vendor="AWS")])


def pair_rows(a_share=(0.4, 0.5, 0.6), b_share=(0.5, 0.5, 0.5)):
    return assumptions(vendor_rows("NVIDIA", bandwidth=a_share, compute=(1, 1, 1))
                       + vendor_rows("AWS", bandwidth=b_share, compute=(1, 1, 1))
                       + [("own-a", "owning_cost", None, "chip-a", 4.5, 4.5, 4.5),
                          ("own-b", "owning_cost", None, "chip-b", 5.0, 5.0, 5.0)])


def test_joint_draws_find_the_known_probability():
    costs = joint.joint_costs(PAIR, TINY, pair_rows(), ["chip-a", "chip-b"], draws=10_000)
    shares = joint.cheapest_shares(costs)
    assert shares["chip-a"] == pytest.approx(0.875, abs=0.015) and shares.sum() == pytest.approx(1.0)
    # every draw is the model's own arithmetic: B, whose rows are all held, costs what cost_table says in each one
    assert costs["chip-b"].nunique() == 1
    assert costs["chip-b"].iat[0] == pytest.approx(inf.cost_table(PAIR, TINY, pair_rows(), basis="owning")
                                                  .set_index("chip_id").at["chip-b", "usd_per_million_tokens"])
    # only the rows that can move these chips on this basis are drawn: the discounts bear on list prices only
    assert "discount-nvidia" not in costs.attrs["drawn"] and "bandwidth-nvidia" in costs.attrs["drawn"]
    again = joint.joint_costs(PAIR, TINY, pair_rows(), ["chip-a", "chip-b"], draws=10_000)
    pd.testing.assert_frame_equal(costs, again)  # one named stream per assumption: the same draws every run


def test_lockstep_draws_move_shared_parameters_together():
    # Both shares drawn from the same triangle: independently, A wins when 4.5 / sA < 5 / sB, which fails in some draws;
    # in lockstep sA = sB in every draw, so A (cheaper per hour) wins every one.
    rows = pair_rows(b_share=(0.4, 0.5, 0.6))
    alone = joint.cheapest_shares(joint.joint_costs(PAIR, TINY, rows, ["chip-a", "chip-b"], draws=2000))
    together = joint.cheapest_shares(joint.joint_costs(PAIR, TINY, rows, ["chip-a", "chip-b"], draws=2000,
                                                       lockstep=("bandwidth_share",)))
    assert 0.5 < alone["chip-a"] < 1.0 and together["chip-a"] == 1.0


def test_discrete_and_whole_assumptions_are_drawn_as_such():
    u = np.array([0.1, 0.5, 0.9])
    assert list(joint.draw("weight_bits", 16, 8, 4, u)) == [16, 8, 4]  # 1/4, 1/2, 1/4
    assert all(v == round(v) for v in joint.draw("batch", 256, 1024, 4096, u))
    # triangular(1, 1, 4) at u = 0.5: 4 - sqrt(0.5 x 3 x 3) = 1.878679656 -> 2 domains
    assert joint.draw("replica_domains", 1, 1, 4, np.array([0.5]))[0] == 2


def test_summary_reports_the_median_the_draws_range_and_the_odds():
    costs = pd.DataFrame({"a": [1.0, 2.0, 3.0, np.nan], "b": [2.0, 1.0, 4.0, 5.0], "none": np.nan})
    # draw 1: a; draw 2: b; draw 3: a; draw 4: only b fits -> a 2/4, b 2/4
    assert list(joint.cheapest_shares(costs)) == [0.5, 0.5, 0.0]
    table = joint.summary(costs)
    # the one central cost is the median of the draws: a's of 1, 2, 3 is 2; b's of 1, 2, 4, 5 is (2 + 4) / 2 = 3;
    # a's 5th percentile, linear between 1 and 2 at 0.05 x 2 = 0.1: 1.1. A chip with no cost in any draw drops out.
    assert list(table["chip_id"]) == ["a", "b"] and list(table["central_usd"]) == [2.0, 3.0]
    assert table.at[0, "low_usd"] == pytest.approx(1.1) and table.at[1, "high_usd"] == pytest.approx(4.85)
    assert joint.odds_text(table, {"a": "A", "b": "B"}) == "A in 50% of draws and B in 50%"
    assert joint.odds_text(table.assign(p_cheapest=[0.997, 0.003]), {"a": "A", "b": "B"}) == "A in over 99% of draws and B in under 1%"


def test_the_deciding_assumption_is_read_from_the_draws_by_thirds():
    costs = pd.DataFrame({"a": [1.0, 1.0, 1.0, 3.0, 3.0, 3.0], "b": 2.0})  # a wins draws 1-3, b draws 4-6
    costs.attrs["values"] = {"x": np.array([1.0, 2, 3, 4, 5, 6]), "y": np.array([1.0, 2, 1, 2, 1, 2]),
                             "held": np.full(6, 7.0)}
    table = joint.deciding(costs, "a")
    # x: thirds cut at 2.67 and 4.33 -> low draws 1, 2 (a wins both), high draws 5, 6 (a wins none): swing 1.
    # y: cuts at 1 and 2 -> low draws 1, 3, 5 (a wins 1 and 3: 2/3), high draws 2, 4, 6 (a wins 2: 1/3): swing 1/3.
    # held takes one value in every draw and splits into no thirds: left out.
    assert list(table["assumption_id"]) == ["x", "y"]
    assert table.at[0, "low_third"] == 1.0 and table.at[0, "high_third"] == 0.0 and table.at[0, "swing"] == 1.0
    assert table.at[1, "swing"] == pytest.approx(1 / 3)


def test_an_odds_curve_holds_one_assumption_and_scaling_a_price_matches_drawing_again():
    # PAIR: A wins when 4.5 / s < own_b / 0.5, i.e. s > 2.25 / own_b, s triangular over 0.4, 0.5, 0.6.
    # own_b = 4: s > 0.5625, P = (0.6 - 0.5625)^2 / (0.2 x 0.1) = 0.0703; own_b = 5: s > 0.45, P = 0.875; own_b = 6: s > 0.375: 1.
    rows = pair_rows()
    def run(value):
        return joint.joint_costs(PAIR, TINY, rows, ["chip-a", "chip-b"], draws=10_000, held={"own-b": value})
    drawn = joint.odds_curve(run, "own-b", [4.0, 5.0, 6.0])
    a = drawn[drawn["chip_id"] == "chip-a"].set_index("value")["p_cheapest"]
    assert a[4.0] == pytest.approx(0.0703, abs=0.01) and a[5.0] == pytest.approx(0.875, abs=0.015) and a[6.0] == 1.0
    # own-b prices chip-b alone, in proportion: scaling one draw's column gives exactly what drawing again gives
    assert inf.priced_by(rows, "own-b") == "chip-b"
    scaled = joint.scaled_curve(run(5.0), "chip-b", 5.0, [4.0, 5.0, 6.0], "own-b")
    pd.testing.assert_frame_equal(scaled, drawn)
    with pytest.raises(KeyError, match="discount-nvidia"):  # a discount cannot move an owning cost, so it cannot be held
        joint.joint_costs(PAIR, TINY, rows, ["chip-a", "chip-b"], draws=10, held={"discount-nvidia": 0.5})


def test_priced_by_names_the_one_chip_a_row_prices_in_proportion():
    assert inf.priced_by(OWNING, "ratio-tpu-n") == "tpu-n"  # TPU N = ratio x GPU X's cost per unit of capability
    assert inf.priced_by(OWNING, "own-gpu-x") is None  # GPU X's cost moves TPU N's too
    assert inf.priced_by(OWNING, "bandwidth-google") is None


def test_where_the_leader_changes_along_a_curve():
    curve = pd.DataFrame({"value": [1, 2, 3] * 2, "chip_id": ["a"] * 3 + ["b"] * 3,
                          "p_cheapest": [0.8, 0.6, 0.2, 0.2, 0.4, 0.8]})
    # a leads at 1 and 2, b at 3; a's lead over b is 0.2 at 2 and -0.6 at 3: zero at 2 + 0.2 / 0.8 = 2.25
    assert joint.crossing(curve) == {"value": 2.25, "before": "a", "after": "b"}
    reading = joint.curve_reading(curve, {"a": "A", "b": "B"}, lambda v: f"{v:.2f}")
    assert reading["sentence"] == "A is the cheapest in most draws below about 2.25 and B above it"
    assert (reading["low_leader"], reading["low_share"], reading["high_leader"]) == ("A", 0.8, "B")
    assert joint.curve_reading(curve, {"a": "A", "b": "B"}, lambda v: f"{v:.2f}", rounding=0.5)["crossing"] == 2.0
    flat = curve.assign(p_cheapest=[0.8, 0.7, 0.6, 0.2, 0.3, 0.4])
    assert joint.crossing(flat) is None
    assert joint.curve_reading(flat, {"a": "A", "b": "B"}, lambda v: f"{v:g}")["sentence"] == (
        "A is the cheapest in most draws across the whole range (1 to 3)")


def test_an_odds_table_and_its_caption_follow_the_curve():
    from chipbook import inference_findings
    names = {"a": "A", "b": "B"}
    curve = pd.DataFrame({"value": [1, 2, 3] * 2, "chip_id": ["a"] * 3 + ["b"] * 3,
                          "p_cheapest": [0.8, 0.6, 0.2, 0.2, 0.4, 0.8]})
    table = inference_findings.odds_table(curve, names, lambda v: f"{v:g}")
    # every second value, both ends kept: 1 and 3; A and B both reach 80% somewhere, so they keep their order
    assert table.to_dict("list") == {"value": ["1", "3"], "A": ["80%", "20%"], "B": ["20%", "80%"]}
    assert list(inference_findings.odds_table(curve, names, lambda v: f"{v:g}", every=1)["value"]) == ["1", "2", "3"]
    caption = inference_findings.odds_caption(curve, names, "On owning cost, by the ratio", lambda v: f"{v:.2f}")
    assert caption == "On owning cost, by the ratio: A is the cheapest in most draws below about 2.25 and B above it"
    moved = curve.assign(p_cheapest=[0.8, 0.3, 0.2, 0.2, 0.7, 0.8])  # B now leads from 2: 1 + 0.6 / 1.0 = 1.6
    assert inference_findings.odds_caption(moved, names, "By the ratio", lambda v: f"{v:.2f}").endswith(
        "below about 1.60 and B above it")


# --- one assumption at a time: what the sentence says and the nearest call -------------------------------------

def test_the_fleet_sentence_gives_the_gap_at_central_not_a_winner():
    names = {"gpu-x": "GPU X", "asic-z": "ASIC Z"}
    # at central GPU X costs 4 x 0.5 = 2.0 against ASIC Z's 3 x 0.8 = 2.4 (times one factor): 2.0 / 2.4 = 0.833, 17% below
    text = inf.fleet_sentence(inf.tornado(TWO_CHIPS, TINY, TWO_VENDORS), names)
    assert text == ("With every assumption at its central value, GPU X comes out 17% below ASIC Z, and moving one "
                    "assumption alone is enough to put another chip ahead: AWS discount at its high end (ASIC Z).")
    short = inf.fleet_sentence(inf.tornado(TWO_CHIPS, TINY, TWO_VENDORS), names, listed=False)
    assert short.endswith("GPU X comes out 17% below ASIC Z, and moving one assumption alone is enough to put another chip "
                          "ahead (the chart names it).")


def test_the_nearest_call_counts_only_assumptions_that_bear_on_the_basis():
    # On owning cost a discount moves nothing, so its row keeps the central lead of 0.985 and must not be the
    # nearest call; of the rows that bear, only the bandwidth share's low end (0.99) brings the next chip closer.
    result = pd.DataFrame({"assumption_id": ["discount-google", "ratio", "bandwidth", "bandwidth"],
                           "parameter": ["negotiated_discount", "owning_cost_ratio", "bandwidth_share", "bandwidth_share"],
                           "end": ["low", "low", "low", "high"], "lead": [0.985, 0.80, 0.99, 0.90],
                           "cheapest_changes": False})
    result.attrs["central_lead"] = 0.985
    assert inf.nearest_call(result, {"ratio", "bandwidth"})["end"] == "low"
    assert inf.nearest_call(result, {"ratio", "bandwidth"})["assumption_id"] == "bandwidth"
    assert inf.nearest_call(result.assign(lead=[0.985, 0.80, 0.95, 0.90]), {"ratio", "bandwidth"}) is None
    # the live tornado's bearing rows: on owning cost no discount is among them
    owning = joint.bearing_rows(OWNED, OWNING, ["tpu-n", "gpu-x"], "owning")
    assert not (owning["parameter"] == "negotiated_discount").any()

def test_what_the_draws_tell_apart_follows_the_threshold():
    names = {"a": "A", "b": "B", "c": "C"}
    table = pd.DataFrame({"chip_id": ["a", "b", "c"], "central_usd": [1.0, 1.1, 2.0], "p_cheapest": [0.54, 0.46, 0.0]})
    # A and B are each the cheapest in at least 5% of draws: not told apart; C in fewer: told apart
    assert joint.odds_reading(table, names) == ("it cannot tell A and B apart (the cheapest in 54% and 46% of draws), "
                                                "and C is the cheapest in 0%")
    alone = table.assign(p_cheapest=[0.97, 0.02, 0.01])
    assert joint.odds_reading(alone, names) == "A is the cheapest in 97% of draws, and B and C are the cheapest in 2% and 1%"


# --- what public contracts imply a chip-hour costs ----------------------------------------------------


CONTRACT_SPECS = pd.DataFrame([{"chip_id": "h100", "fp8_tflops_dense": 1979.0}, {"chip_id": "gpu-q", "fp8_tflops_dense": 3958.0}])
CONTRACT_POWER = pd.DataFrame([{"chip_id": "gpu-q", "it_watts_low": 800, "it_watts_central": 1000, "it_watts_high": 1250,
                                "pue_low": 1.25, "pue_central": 1.25, "pue_high": 1.25}])
CONTRACTS = pd.DataFrame([
    {"contract_id": "gw", "counterparty": "Cloud", "vendor": "NVIDIA", "chip_id": "gpu-q", "kind": "rental",
     "quantity_unit": "gigawatts", "dollars_per": "total"},
    {"contract_id": "monthly", "counterparty": "Host", "vendor": "NVIDIA", "chip_id": "gpu-q", "kind": "purchase",
     "quantity_unit": "h100e", "dollars_per": "month"}])
CONTRACT_TERMS = pd.DataFrame([
    ("gw", "usd_billions", 3, 3, 3), ("gw", "quantity", 0.1, 0.1, 0.1), ("gw", "term_years", 4, 5, 5),
    ("gw", "delivered_share", 0.5, 0.5, 1.0), ("gw", "compute_share", 0.8, 0.8, 0.8),
    ("monthly", "usd_billions", 0.1, 0.1, 0.1), ("monthly", "quantity", 50_000, 50_000, 50_000)],
    columns=["contract_id", "parameter", "low", "central", "high"])


def test_contract_implied_price_by_hand():
    table = contracts.contract_prices(CONTRACTS, CONTRACT_TERMS, CONTRACT_POWER, CONTRACT_SPECS).set_index("contract_id")
    # gw: 0.1 GW / (1,000 W x 1.25) = 80,000 chips; 5 years x 8,766 h = 43,830 h; half delivered; 80% of $3B on chips:
    # 2.4e9 / (80,000 x 0.5 x 43,830) = 2.4e9 / 1.7532e9 = 1.368925393 $ a chip-hour
    assert table.at["gw", "chips_central"] == pytest.approx(80_000)
    assert table.at["gw", "central_usd"] == pytest.approx(1.368925393, rel=1e-9)
    # cheapest end: all delivered, 800 W (100,000 chips), 5 years: 2.4e9 / (100,000 x 43,830) = 0.547570157;
    # dearest end: half delivered, 1,250 W (64,000 chips), 4 years (35,064 h): 2.4e9 / (64,000 x 0.5 x 35,064) = 2.138946
    assert table.at["gw", "low_usd"] == pytest.approx(0.547570157, rel=1e-9)
    assert table.at["gw", "high_usd"] == pytest.approx(2.138945927, rel=1e-9)
    # monthly: 50,000 H100e of a 2-H100e chip = 25,000 chips; a month is 8,766 / 12 = 730.5 h:
    # 1e8 / (25,000 x 730.5) = 5.475701574, every term held
    assert table.at["monthly", "central_usd"] == pytest.approx(5.475701574, rel=1e-9)
    assert table.at["monthly", "low_usd"] == table.at["monthly", "high_usd"] == table.at["monthly", "central_usd"]


def test_contract_price_draws_stay_within_the_ends_and_refuse_two_rentals_for_one_chip():
    table = contracts.contract_prices(CONTRACTS, CONTRACT_TERMS, CONTRACT_POWER, CONTRACT_SPECS).set_index("contract_id")
    drawn = contracts.price_draws(CONTRACTS, CONTRACT_TERMS, CONTRACT_POWER, CONTRACT_SPECS, ["gpu-q"], draws=500)
    assert set(drawn) == {"gpu-q"}  # only rentals price a chip; the purchase is a cross-check
    assert (drawn["gpu-q"] >= table.at["gw", "low_usd"] - 1e-9).all() and (drawn["gpu-q"] <= table.at["gw", "high_usd"] + 1e-9).all()
    twice = pd.concat([CONTRACTS, CONTRACTS.iloc[[0]].assign(contract_id="gw2")], ignore_index=True)
    with pytest.raises(ValueError, match="gpu-q"):
        contracts.price_draws(twice, CONTRACT_TERMS, CONTRACT_POWER, CONTRACT_SPECS, ["gpu-q"], draws=10)
    with pytest.raises(ValueError, match="h100e or gigawatts"):
        contracts.chips_bought(1.0, "racks")



CONTRACT_TRANCHES = pd.DataFrame([
    {"tranche_id": "t1", "chip_id": "h100", "measure": "chips", "amount_low": 100, "amount_central": 100, "amount_high": 100},
    {"tranche_id": "t2", "chip_id": "gpu-q", "measure": "chips", "amount_low": 10, "amount_central": 20, "amount_high": 30},
    {"tranche_id": "t3", "chip_id": "gpu-q", "measure": "gigawatts", "amount_low": 1, "amount_central": 1, "amount_high": 1}])


def test_a_contract_counts_its_capacity_from_the_compute_mix_tranches():
    # t1: 100 H100 = 100 H100e; t2: 10 / 20 / 30 GPU Q of 3,958 / 1,979 = 2 H100e each = 20 / 40 / 60:
    # 120 / 140 / 160 H100e in all
    assert contracts.tranche_quantity(["t1", "t2"], CONTRACT_TRANCHES, CONTRACT_SPECS) == (120.0, 140.0, 160.0)
    deal = pd.DataFrame([{"contract_id": "mix", "counterparty": "Host", "vendor": "NVIDIA", "chip_id": "h100", "kind": "rental",
                          "quantity_unit": "h100e", "dollars_per": "month", "tranche_ids": "t1 t2"}])
    terms = pd.DataFrame([("mix", "usd_billions", 0.001, 0.001, 0.001)], columns=["contract_id", "parameter", "low", "central", "high"])
    table = contracts.contract_prices(deal, terms, CONTRACT_POWER, CONTRACT_SPECS, CONTRACT_TRANCHES).set_index("contract_id")
    # $1M a month over 140 H100 x 730.5 h = 102,270 chip-hours: 9.778 $ an hour; 160 H100e give the low end, 8.556; 120 the high, 11.407
    assert table.at["mix", "quantity_central"] == 140.0
    assert table.at["mix", "central_usd"] == pytest.approx(1e6 / 102_270)
    assert table.at["mix", "low_usd"] == pytest.approx(1e6 / (160 * 730.5))
    assert table.at["mix", "high_usd"] == pytest.approx(1e6 / (120 * 730.5))
    with pytest.raises(ValueError, match="quantity term too"):  # one count only
        contracts.contract_prices(deal, pd.concat([terms, pd.DataFrame([("mix", "quantity", 1, 1, 1)], columns=terms.columns)]),
                                  CONTRACT_POWER, CONTRACT_SPECS, CONTRACT_TRANCHES)
    with pytest.raises(ValueError, match="not counted in chips"):
        contracts.tranche_quantity(["t3"], CONTRACT_TRANCHES, CONTRACT_SPECS)
    with pytest.raises(KeyError, match="t9"):
        contracts.tranche_quantity(["t9"], CONTRACT_TRANCHES, CONTRACT_SPECS)


def test_a_held_contract_term_takes_its_value_in_every_draw():
    # gw held at $6B, twice its $3B: every draw's price doubles (the price goes as the dollars)
    free = contracts.price_draws(CONTRACTS, CONTRACT_TERMS, CONTRACT_POWER, CONTRACT_SPECS, ["gpu-q"], draws=300)
    held = contracts.price_draws(CONTRACTS, CONTRACT_TERMS, CONTRACT_POWER, CONTRACT_SPECS, ["gpu-q"], draws=300,
                                 held={"gw": {"usd_billions": 6}})
    np.testing.assert_allclose(held["gpu-q"], 2 * free["gpu-q"])


# A fleet of two like chips, A (NVIDIA) and B (AWS), every model assumption held, each rented under one contract of
# 1,000,000 chips for one year (8,766 h): a chip-hour costs usd_billions x 1e9 / 8.766e9 = usd / 8.766 dollars.
# A's dollars are a floor, $100B (11.41 $/h) with an upside to $300B; B's are $210B (23.96 $/h). Cost per token goes as the
# price, so A is the cheaper while its dollars stay under $210B; on the grid 100, 120, ..., 300 A leads at 200 and B at
# 220, each in every draw, so the leader changes halfway: $210B. A's owning cost is $20 an hour: at the floor the deal
# would rent it below that, and it would take 100 x 20 / 11.408 = $175.3B (rounded to $5B: $175B) to cover it.
FLOOR_TERMS = pd.DataFrame([
    ("deal-a", "usd_billions", "floor", 100, 100, 300, "billion US dollars"), ("deal-a", "quantity", "stated", 1e6, 1e6, 1e6, "chips"),
    ("deal-a", "term_years", "stated", 1, 1, 1, "years"),
    ("deal-b", "usd_billions", "stated", 210, 210, 210, "billion US dollars"), ("deal-b", "quantity", "stated", 1e6, 1e6, 1e6, "chips"),
    ("deal-b", "term_years", "stated", 1, 1, 1, "years")],
    columns=["contract_id", "parameter", "bound", "low", "central", "high", "unit"])


def floor_findings(terms: pd.DataFrame = FLOOR_TERMS):
    from chipbook import inference_findings
    deals = pd.DataFrame([{"contract_id": f"deal-{c}", "counterparty": f"Cloud {c.upper()}", "vendor": v, "chip_id": f"chip-{c}",
                           "kind": "rental", "quantity_unit": "chips", "dollars_per": "total", "tranche_ids": ""}
                          for c, v in (("a", "NVIDIA"), ("b", "AWS"))])
    rows = pair_rows(a_share=(0.5, 0.5, 0.5)).assign(
        central=lambda t: t["central"].where(t["assumption_id"] != "own-a", 20.0),
        low=lambda t: t["low"].where(t["assumption_id"] != "own-a", 20.0), high=lambda t: t["high"].where(t["assumption_id"] != "own-a", 20.0))
    fleet = pd.DataFrame({"scenario_id": "central", "vendor": ["NVIDIA", "AWS"], "chip_id": ["chip-a", "chip-b"]})
    return inference_findings.CostFindings(specs=CONTRACT_SPECS, prices=pd.DataFrame(), chips=PAIR, model=TINY, assumptions=rows,
                                           cost_scenarios=fleet, contracts=deals, terms=terms, power=CONTRACT_POWER, draws=50)


def test_a_floor_is_read_as_a_bound_not_as_odds():
    from chipbook import inference_findings
    findings = floor_findings()
    assert list(findings.floors["contract_id"]) == ["deal-a"]
    floor = inference_findings.floor_reading(findings)
    assert floor["crossing"] == 210.0 and floor["low_leader"] == "A" and floor["low_share"] == 1.0
    assert floor["below_cost"] and floor["break_even"] == pytest.approx(100 * 20 / (100e9 / 8.766e9))
    text = inference_findings.contract_odds_text(findings)
    assert text == ("the order turns on Cloud A's deal, whose terms are stated only as a floor (more than $100B): A is the "
                    "cheapest in most draws below about $210B and B above it, and at the floor itself Cloud A would rent A "
                    "below the model's owning cost, which would take about $175B to cover")
    assert "100%" not in text  # never the share at the floor as if it were the odds
    # with no floor the contract odds are what the draws say: A at $100B is the cheapest in every draw
    stated = FLOOR_TERMS.assign(bound="stated", high=lambda t: t["central"])
    assert inference_findings.contract_odds_text(floor_findings(stated)) == ("A is the cheapest in 100% of draws, and B is "
                                                                             "the cheapest in 0%")

# --- the findings the chapters print, on the live tables: invariants only ------------------------------

def test_live_findings_name_every_fleet_chip_and_link_the_chapter():
    from chipbook import inference_findings
    findings = inference_findings.CostFindings.load(draws=200)
    for table in (findings.owning_joint, findings.contract_joint):
        assert sorted(table["chip_id"]) == sorted(findings.fleet)
        assert table["p_cheapest"].sum() == pytest.approx(1.0)
        assert ((table["low_usd"] <= table["high_usd"])).all()
    line = inference_findings.front_page_markdown(findings, "chapters/02-inference-economics.html#serving-cost")
    assert all(findings.names[c] in line for c in findings.fleet) and "(chapters/02-inference-economics.html#serving-cost)" in line
    prices = findings.contract_prices
    assert ((prices["low_usd"] <= prices["central_usd"] + 1e-12) & (prices["central_usd"] <= prices["high_usd"] + 1e-12)).all()
    # every fleet chip has exactly one rental read as it, which prices it on the contract basis
    rentals = prices[prices["kind"] == "rental"]
    assert all((rentals["chip_id"] == c).sum() == 1 for c in findings.fleet)


def test_live_contract_terms_are_ordered_and_complete():
    terms = load_table("cost_contract_terms")
    deals = load_table("cost_contracts")
    assert ((terms["low"] <= terms["central"]) & (terms["central"] <= terms["high"])).all()
    power = set(load_table("compute_mix_chip_power")["chip_id"])
    for deal in deals.itertuples():
        given = set(terms.loc[terms["contract_id"] == deal.contract_id, "parameter"])
        counted = bool(contracts.tranche_ids(deal._asdict()))
        assert "usd_billions" in given and ("quantity" in given) != counted, deal.contract_id
        assert (deal.dollars_per == "month") != ("term_years" in given), deal.contract_id  # a total needs a term
        if deal.quantity_unit == "gigawatts":
            assert deal.chip_id in power, deal.contract_id
    shares = terms[terms["parameter"].isin(["delivered_share", "compute_share"])]
    assert ((shares[["low", "central", "high"]] > 0) & (shares[["low", "central", "high"]] <= 1)).all().all()
    floors = terms[terms["bound"] == "floor"]
    assert (floors["high"] > floors["low"]).all()  # a floor carries an upside


def test_live_contracts_count_capacity_as_the_compute_mix_does():
    # one place of truth: a contract that names compute-mix tranches has, as its quantity, exactly those tranches'
    # chips in H100-equivalents, read from the compute mix's own tranche table and its own H100e per chip
    from chipbook import computemix, inference_findings
    findings = inference_findings.CostFindings.load(draws=50)
    tranches = computemix.inputs().tranches.set_index("tranche_id")
    per_chip = computemix.h100e_per_chip(findings.specs, contracts.H100E_BASIS)
    counted = findings.contract_prices[[bool(contracts.tranche_ids(r)) for r in findings.contract_prices.to_dict("records")]]
    for deal in counted.to_dict("records"):
        rows = tranches.loc[contracts.tranche_ids(deal)]
        for end in ("low", "central", "high"):
            assert deal[f"quantity_{end}"] == pytest.approx((rows[f"amount_{end}"] * rows["chip_id"].map(per_chip)).sum())


def test_live_floor_upsides_reach_a_price_at_the_owners_cost():
    # a floor's upside is reasoned from what the deal must pay: it reaches at least the total at which the contract's
    # central reading prices its chip at the owning cost (below it, the deal would rent at a loss)
    from chipbook import inference_findings
    findings = inference_findings.CostFindings.load(draws=50)
    floor = inference_findings.floor_reading(findings)
    if floor is not None:
        assert findings.floors["high"].iat[0] >= floor["break_even"]
        assert floor["floor"] in inference_findings.front_page_markdown(findings, "x")


def test_live_joint_costs_are_the_medians_of_their_draws():
    from chipbook import inference_findings
    findings = inference_findings.CostFindings.load(draws=200)
    medians = findings.owning_draws.median()
    table = findings.owning_joint.set_index("chip_id")
    assert (table["central_usd"] == medians[table.index]).all()
    assert ((table["low_usd"] <= table["central_usd"]) & (table["central_usd"] <= table["high_usd"])).all()
    # the deciding assumption bears on the fleet's owning cost, and its curve spans its whole range
    top = findings.deciding["assumption_id"].iat[0]
    assert top in findings.owning_draws.attrs["drawn"]
    row = findings.assumptions.set_index("assumption_id").loc[top]
    assert findings.deciding_curve["value"].min() == row["low"] and findings.deciding_curve["value"].max() == row["high"]


# --- make check's rules for the cost tables (chipbook.table_rules), each broken once in a scratch copy ---------------

def _first_problem(scratch) -> str:
    from chipbook import check
    from chipbook.data import DataError, validate_package
    with pytest.raises(DataError) as caught:
        validate_package(scratch.folder)
        check.check_tables(scratch.folder)
    return str(caught.value).replace(f"{scratch.folder}/", "")


def _row(scratch, table: str, **match) -> int:
    return next(i for i, r in enumerate(scratch.rows(table), 1) if all(r[k] == v for k, v in match.items()))


def test_a_floor_without_an_upside_is_refused(scratch):
    at = _row(scratch, "cost_contract_terms", bound="floor")
    scratch.set_value("cost_contract_terms", at, "high", scratch.rows("cost_contract_terms")[at - 1]["low"])
    assert "is a floor with no upside" in _first_problem(scratch)
    assert f"cost_contract_terms.csv, row {at} (line {at + 1}), column 'high'" in _first_problem(scratch)


def test_a_ceiling_without_a_shortfall_is_refused(scratch):
    at = _row(scratch, "cost_contract_terms", bound="ceiling")
    deal = scratch.rows("cost_contract_terms")[at - 1]["contract_id"]
    scratch.write_rows("cost_contract_terms", [r for r in scratch.rows("cost_contract_terms")
                                               if not (r["contract_id"] == deal and r["parameter"] == "delivered_share")])
    assert "is a ceiling with no shortfall" in _first_problem(scratch)


def test_a_misspelt_tranche_gets_a_did_you_mean_and_a_count_twice_is_refused(scratch):
    at = _row(scratch, "cost_contracts", contract_id="spacex-colossus-2026")
    ids = scratch.rows("cost_contracts")[at - 1]["tranche_ids"]
    first = ids.split()[0]
    scratch.set_value("cost_contracts", at, "tranche_ids", ids.replace(first, first[:-1] + "x"))
    assert f"did you mean '{first}'" in _first_problem(scratch)
    scratch.set_value("cost_contracts", at, "tranche_ids", "")
    assert "neither tranche_ids nor a quantity term" in _first_problem(scratch)


def test_a_lower_precision_sparse_figure_in_the_bf16_column_is_refused(scratch):
    at = _row(scratch, "accelerator_specs", chip_id="gb200")
    scratch.set_value("accelerator_specs", at, "bf16_tflops_sparse", "20000")  # an FP4 sparse headline: 8 x the dense 2,500
    assert "the sparse BF16 peak 20000 is 8.0 times the dense 2500" in _first_problem(scratch)


def test_like_date_is_the_end_of_the_last_year_every_vendor_lists():
    specs = pd.DataFrame({"chip_id": ["g", "a", "n"], "vendor": ["Google", "AWS", "NVIDIA"]})
    prices = pd.DataFrame({"chip_id": ["g", "g", "a", "n", "n"], "pricing": "on-demand",
                           "as_of": pd.to_datetime(["2023-12-06", "2025-01-01", "2025-01-01", "2025-03-06", "2026-12-04"])})
    # Google lists in 2023 and 2025, AWS in 2025, NVIDIA in 2025 and 2026: 2025 is the last year all three list
    assert inf.like_date(prices, specs) == pd.Timestamp("2025-12-31")
    with pytest.raises(ValueError, match="no year"):
        inf.like_date(prices[prices["chip_id"] != "a"].assign(as_of=lambda t: t["as_of"].where(t["chip_id"] != "g",
                                                              pd.Timestamp("2022-01-01"))), specs)


def test_same_cloud_list_ratio_by_hand():
    from chipbook import inference_findings
    prices = pd.DataFrame({"chip_id": ["t", "h", "h", "t"], "cloud": ["AWS", "AWS", "Google Cloud", "AWS"],
                           "pricing": "on-demand", "usd_per_chip_hour": [5.0, 12.5, 11.0, 4.0],
                           "as_of": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-01", "2024-01-01"])})
    # the latest date on which one cloud lists both: AWS, 2025-01-01, 5.0 / 12.5 = 0.4 (Google Cloud lists no t)
    ratio, cloud, date = inference_findings.same_cloud_ratio(prices, "t", "h")
    assert ratio == pytest.approx(0.4) and cloud == "AWS" and date == pd.Timestamp("2025-01-01")


def test_cost_chart_names_the_chips_serving_anthropic_on_their_rows():
    vl_convert = pytest.importorskip("vl_convert")
    fleet = set(SPECS.set_index("chip_id").loc[inf.fleet(COST_SCENARIOS, "central"), "chip"])
    for narrow in (False, True):
        chart = inf.cost_chart(LIVE_CHIPS, LIVE_MODEL, ASSUMPTIONS, COST_SCENARIOS, SCENARIOS, narrow=narrow)[0]
        svg = vl_convert.vegalite_to_svg(chart.to_dict())
        texts = [html.unescape(t) for t in re.findall(r"<t(?:ext|span)[^>]*>([^<]*)</t(?:ext|span)>", svg)]
        named = {t.split(" \u00b7 ")[0] for t in texts if t.endswith(" \u00b7 serving Anthropic")}
        # the words stand beside every priced chip of the picked (default) scenario and no other (on a
        # phone without the chip's nickname); those with no price have no row, and the line above the plot names them
        unpriced = set(LIVE_CHIPS.loc[LIVE_CHIPS["usd_per_chip_hour"].isna(), "chip"])
        assert named == ({c.split(" (")[0] for c in fleet - unpriced} if narrow else fleet - unpriced)
        short = lambda names: sorted(c.split(" (")[0] for c in names)
        # (on a phone each list on the line under its words)
        lines = "\n".join(texts).replace(":\n", ": ").split("\n")
        line = next(t for t in lines if t.startswith("Not drawn, no public price: "))
        assert sorted(line.split(": ")[1].split(", ")) == short(unpriced)
        serving = next(t for t in lines if t.startswith("Of these, serving Anthropic: "))
        assert sorted(serving.split(": ")[1].split(", ")) == short(fleet & unpriced)
        # a phone binds only the controls that move the order most
        bound = [p["name"] for p in chart.to_dict()["params"] if "bind" in p]
        assert bound == list(inf.PHONE_CONTROLS) if narrow else len(bound) > len(inf.PHONE_CONTROLS)
        assert not any("\u25c6" in t for t in texts)
