"""The hardware-abstraction chapter: its demonstration helpers (hand-worked cases), its
table helpers worked by hand on fixture tables (tests/fixtures/abstraction/, the rows of
data/ on 2026-11-29, frozen) and, on the live tables, invariants. The tables' own rules
(every framework on every chip, incident dates and shares, directness ranks) are
`make check`'s (chipbook.table_rules and the schema's formula for directness_rank)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from chipbook import abstraction as ab
from chipbook import load_table, paths
from fixture_tables import fixture

CHIPS = ["Google TPU", "AWS Trainium", "NVIDIA GPU"]


# --- The model function and its reference -----------------------------------------

def test_matmul_flops_hand_worked():
    # seq=8, d=16: four projections 4 * 2*8*16*16 = 4 * 4096 = 16384;
    # scores 2*8*8*16 = 2048 and weighted sum 2*8*8*16 = 2048; total 20480.
    assert ab.attention_matmul_flops(8, 16) == 20480
    # seq=2, d=3: 4 * 2*2*3*3 = 144; 2 * (2*2*2*3) = 48; total 192.
    assert ab.attention_matmul_flops(2, 3) == 192


def _tiny_inputs():
    # d_model = 1 and every weight 1, so q = k = v = x. Row 0 sees only itself: output x0 = 0.
    # Row 1 scores are [x1*x0, x1*x1] = [0, ln 3], softmax [1/4, 3/4], output 3/4 * x1.
    x1 = math.sqrt(math.log(3.0))  # sqrt(1.0986123) = 1.0481471
    x = np.array([[0.0], [x1]], dtype=np.float32)
    one = np.ones((1, 1), dtype=np.float32)
    return [x, one, one, one, one]


def test_numpy_reference_hand_worked():
    out = ab.attention_block_numpy(*_tiny_inputs())
    assert out.shape == (2, 1)
    assert out[0, 0] == pytest.approx(0.0, abs=1e-12)
    assert out[1, 0] == pytest.approx(0.75 * 1.0481471, rel=1e-6)  # 0.7861103


def test_jax_block_matches_hand_worked_case():
    out, _ = ab.compile_for_cpu(ab.attention_block, *_tiny_inputs())
    assert out[1, 0] == pytest.approx(0.7861103, rel=1e-5)


def test_compiled_block_matches_reference_on_cpu():
    args = ab.example_inputs()
    out, compiled = ab.compile_for_cpu(ab.attention_block, *args)
    np.testing.assert_allclose(out, ab.attention_block_numpy(*args), rtol=1e-5, atol=1e-5)
    assert ab.output_platforms(compiled, *args) == {"cpu"}


def test_xla_cost_model_counts_at_least_the_matmul_flops():
    seq, d = 8, 16
    _, compiled = ab.compile_for_cpu(ab.attention_block, *ab.example_inputs(seq, d))
    cost = compiled.cost_analysis()
    cost = cost[0] if isinstance(cost, list) else cost
    # The six products are most of the work; softmax and scaling add a little on top.
    assert ab.attention_matmul_flops(seq, d) <= cost["flops"] <= 1.2 * ab.attention_matmul_flops(seq, d)


# --- The lowered program -----------------------------------------------------------

def test_hardware_mentions_finds_words_not_fragments():
    assert ab.hardware_mentions("compiled for TPU v5e and CUDA sm_90") == ["tpu", "cuda", "sm_90"]
    # 'output' contains 'tpu' and 'command' contains 'amd': fragments do not count.
    assert ab.hardware_mentions("output of the command, computed") == []


def test_lowered_program_names_no_hardware_and_has_six_matmuls():
    text = ab.lower_to_stablehlo(ab.attention_block, *ab.example_inputs())
    assert "stablehlo.dot_general" in text
    assert ab.hardware_mentions(text) == []
    counts = ab.stablehlo_op_counts(text)
    assert counts["dot_general"] == 6  # q, k, v, scores, weighted sum, output projection
    assert counts["exponential"] == 1  # one softmax
    assert counts.is_monotonic_decreasing
    assert all(ab.op_family(op) != "other" for op in counts.index)


def test_strip_locations_removes_source_positions():
    text = '#loc1 = loc("x")\n  %0 = stablehlo.add %a, %b : tensor<f32> loc(#loc1)\n'
    assert ab.strip_locations(text) == "  %0 = stablehlo.add %a, %b : tensor<f32>"


def test_attention_block_lowers_identically_for_every_target():
    diff = ab.lowering_differences(ab.attention_block, ab.example_inputs())
    assert list(diff["platform"]) == ["cpu", "cuda", "rocm", "tpu"]
    assert diff["identical"].all() and (diff["lines_differing"] == 0).all()


def test_approximate_top_k_lowers_differently_for_tpu():
    logits = np.random.default_rng(1).standard_normal((2, 256)).astype(np.float32)
    diff = ab.lowering_differences(ab.topk_sampler, [logits]).set_index("platform")
    assert diff.loc["cuda", "identical"] and diff.loc["rocm", "identical"]
    assert not diff.loc["tpu", "identical"]
    assert diff.loc["tpu", "lines_differing"] == 1
    assert diff.loc["tpu", "attributes_only_on_base"] == "is_fallback = true"


def test_attribute_difference():
    a = "custom_call @X {is_fallback = true, top_k = 4 : i64}"
    b = "custom_call @X {top_k = 4 : i64}"
    assert ab.attribute_difference(a, b) == ["is_fallback = true"]
    assert ab.attribute_difference(b, a) == []


def test_bf16_inputs_cost_orders_of_magnitude_more_error():
    args = ab.example_inputs()
    reference = ab.attention_block_numpy(*args)
    f32_error = ab.max_abs_error(ab.compile_for_cpu(ab.attention_block, *args)[0], reference)
    bf16_error = ab.max_abs_error(ab.run_with_bf16_inputs(ab.attention_block, *args), reference)
    assert f32_error < 1e-5
    assert bf16_error > 100 * f32_error
    # bfloat16 keeps 8 significant bits: a relative rounding of 2**-8 = 0.4% per input,
    # so the error stays well under 5% of the output's scale.
    assert bf16_error < 0.05 * np.abs(reference).max()


# --- The tables --------------------------------------------------------------------

SUPPORT = load_table("framework_support")
KERNELS = load_table("kernel_languages")
FIXED_SUPPORT = fixture("abstraction", "framework_support")
FIXED_KERNELS = fixture("abstraction", "kernel_languages")
FIXED_INCIDENTS = fixture("abstraction", "postmortem_incidents")


def _enum(resource: str, field: str) -> list[str]:
    package = json.loads(paths.DATAPACKAGE.read_text(encoding="utf-8"))
    table = next(r for r in package["resources"] if r["name"] == resource)
    return next(f for f in table["schema"]["fields"] if f["name"] == field)["constraints"]["enum"]


def test_status_order_matches_the_schema():
    assert ab.STATUS_ORDER == _enum("framework_support", "status") == _enum("kernel_languages", "status")


def test_best_path_per_cell_hand_checked():
    best = ab.best_path_per_cell(FIXED_SUPPORT).set_index(["framework", "hardware"])
    assert len(best) == 9
    # PyTorch on Trainium: TorchNeuron (beta) beats the XLA library in maintenance (deprecated).
    assert best.loc[("PyTorch", "AWS Trainium"), "status"] == "beta"
    assert best.loc[("PyTorch", "AWS Trainium"), "paths"] == 2
    assert best.loc[("PyTorch", "Google TPU"), "status"] == "supported"
    assert best.loc[("JAX", "AWS Trainium"), "status"] == "beta"
    assert best.loc[("TensorFlow", "AWS Trainium"), "status"] == "unsupported"
    assert best["paths"].sum() == len(FIXED_SUPPORT)


def test_best_path_per_cell_counts_every_live_row_once():
    best = ab.best_path_per_cell(SUPPORT)
    assert best["paths"].sum() == len(SUPPORT)
    assert not best.duplicated(["framework", "hardware"]).any()
    for cell in best.itertuples():
        statuses = SUPPORT[(SUPPORT["framework"] == cell.framework) & (SUPPORT["hardware"] == cell.hardware)]["status"]
        assert ab.status_rank(cell.status) == min(map(ab.status_rank, statuses))


def test_who_reaches_all_three_chips():
    assert ab.reaching_all(FIXED_SUPPORT, CHIPS) == ["JAX", "PyTorch"]
    assert ab.reaching_all(FIXED_SUPPORT, CHIPS, mechanism_contains="XLA") == ["JAX"]
    # No kernel language reaches all three chips, nor even two of them outside Google's.
    assert ab.reaching_all(FIXED_KERNELS, CHIPS, row="language", column="chip") == []
    assert ab.reaching_all(FIXED_KERNELS, ["Google TPU", "NVIDIA GPU"], row="language", column="chip") == ["Mosaic", "Pallas"]


def test_overlap_days_hand_worked():
    # Routing bug live Aug 5 - Sep 18, output corruption Aug 25 - Sep 2, top-k bug
    # Aug 25 - Sep 12 (all inclusive): two or more bugs live from Aug 25 to Sep 12,
    # 7 days in August (25-31) + 12 in September = 19.
    assert ab.overlap_days(FIXED_INCIDENTS) == 19
    toy = pd.DataFrame({"bug": ["a", "a", "b"],
                        "start_date": pd.to_datetime(["2025-01-01", "2025-01-03", "2025-01-02"]),
                        "end_date": pd.to_datetime(["2025-01-02", "2025-01-04", "2025-01-03"])})
    # a covers Jan 1-4 (rows overlap on no day, union 4 days), b covers Jan 2-3: overlap 2 days.
    assert ab.overlap_days(toy) == 2


def test_platform_specific_bugs_count_each_bug_once_on_its_one_platform():
    # Three bugs: "a" on TPU twice (counts once), "b" on TPU and GPU (several), "c" on GPU.
    incidents = pd.DataFrame({"bug": ["a", "a", "b", "b", "c"],
                              "hardware_platform": ["Google TPU", "Google TPU", "Google TPU", "NVIDIA GPU", "NVIDIA GPU"]})
    assert ab.bug_platforms(incidents).to_dict() == {"a": "Google TPU", "b": "several", "c": "NVIDIA GPU"}
    assert ab.platform_specific_bugs(incidents, "Google TPU") == 1
    assert ab.platform_specific_bugs(incidents, "AWS Trainium") == 0
