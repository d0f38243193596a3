"""The interconnect chapter's cost model (src/chipbook/interconnect.py) against cases
worked by hand, and the Vega expressions its interactive chart uses against the Python
on every system of the live table. The tables' own rules (per direction is half of both
directions, scale-out slower than scale-up, a cluster larger than its domain, a figure's
columns fitting its bound) are `make check`'s (chipbook.table_rules)."""

from __future__ import annotations

import math
import re

import pytest

from chipbook import interconnect as ic
from chipbook import load_table

SYSTEMS = load_table("interconnect_systems").set_index("system_id")


# --- Ring all-reduce -------------------------------------------------------------------

def test_ring_allreduce_by_hand():
    # 1 GB over 8 chips at 100 GB/s per direction: each link carries 2*(8-1)/8 = 1.75 GB,
    # 1.75e9 B / 1e11 B/s = 0.0175 s.
    assert ic.ring_allreduce_seconds(1e9, 8, 100) == pytest.approx(0.0175)
    # Adding 5 us per hop: 2*(8-1) = 14 hops, 14 * 5e-6 = 7e-5 s more: 0.01757 s.
    assert ic.ring_allreduce_seconds(1e9, 8, 100, hop_latency_s=5e-6) == pytest.approx(0.01757)
    # Two chips simply swap halves twice: 2*1/2 = 1 message, 4e9 B at 400 GB/s = 0.01 s.
    assert ic.ring_allreduce_seconds(4e9, 2, 400) == pytest.approx(0.01)


def test_ring_allreduce_edge_cases():
    assert ic.ring_allreduce_seconds(1e9, 1, 100) == 0.0
    # The bandwidth term tends to 2 m / B as the ring grows: 1e12 chips -> 2 * 1e9 / 1e11 = 0.02 s.
    assert ic.ring_allreduce_seconds(1e9, 10**12, 100) == pytest.approx(0.02)
    for bad in ({"chips": 0}, {"chips": 2.5}, {"gbyte_s_per_direction": 0}, {"message_bytes": -1}):
        kwargs = {"message_bytes": 1e9, "chips": 8, "gbyte_s_per_direction": 100, **bad}
        with pytest.raises(ValueError):
            ic.ring_allreduce_seconds(**kwargs)


def test_bits_and_bytes():
    # 400 Gb/s is 50 GB/s.
    assert ic.gbit_to_gbyte(400) == 50


# --- Compute ---------------------------------------------------------------------------

def test_compute_seconds_by_hand():
    # 6e18 FLOPs on 1,000 chips of 1,000 TFLOPS at 50%: 6e18 / (1e3 * 1e15 * 0.5) = 12 s.
    assert ic.compute_seconds(6e18, 1000, 1000, 0.5) == pytest.approx(12.0)
    with pytest.raises(ValueError):
        ic.compute_seconds(6e18, 1000, 1000, 1.5)


def test_d_model_for_by_hand():
    # A model 1,280 wide and 10 deep (1,280 = 128 * 10) has 12 * 10 * 1,280^2
    # = 120 * 1,638,400 = 196,608,000 weights, so its width comes back as 1,280.
    assert ic.d_model_for(196_608_000) == pytest.approx(1280)
    # GPT-3 175B: (128 * 175e9 / 12)^(1/3) = (1.8667e12)^(1/3); 12,300^3 = 1.8609e12 and
    # the cube grows 3 * 13 / 12,300 = 0.32% more to 12,313, close to GPT-3's 12,288.
    assert ic.d_model_for(175e9) == pytest.approx(12_313, rel=1e-3)


# --- Tensor parallelism -----------------------------------------------------------------

def test_tensor_parallel_layer_by_hand():
    # 4,096 tokens, width 8,192, 8-way tensor parallelism on NVLink 4 (450 GB/s per direction).
    # Message: 4,096 * 8,192 * 2 B = 67,108,864 B. One ring: 1.75 * 67,108,864 / 450e9
    # = 1.75 * 1.491308e-4 = 2.609789e-4 s; four per layer = 1.0439157e-3 s.
    comm = ic.tp_allreduce_seconds_per_layer(4096, 8192, 8, 450)
    assert comm == pytest.approx(1.0439157e-3, rel=1e-6)
    # Compute: 72 * 8,192^2 * 4,096 = 72 * 274,877,906,944 = 1.97912e13 FLOPs over
    # 8 chips of 989 TFLOPS at 50% (3.956e15 FLOP/s) = 5.00284e-3 s.
    compute = ic.layer_compute_seconds(4096, 8192, 8, 989, 0.5)
    assert compute == pytest.approx(5.00284e-3, rel=1e-5)
    # Closed form (2/9) * 7 * 4.945e14 / (8,192 * 4.5e11) = 1.55556 * 0.134142 = 0.20866.
    ratio = ic.tp_comm_to_compute(8192, 8, 989, 0.5, 450)
    assert ratio == pytest.approx(0.20866, rel=1e-4)
    assert ratio == pytest.approx(comm / compute, rel=1e-12)


def test_tensor_parallel_ratio_ignores_the_batch():
    ratios = {tokens: ic.tp_allreduce_seconds_per_layer(tokens, 8192, 8, 450)
              / ic.layer_compute_seconds(tokens, 8192, 8, 989, 0.5) for tokens in (512, 4096, 65536)}
    assert max(ratios.values()) == pytest.approx(min(ratios.values()), rel=1e-12)


def test_breakeven_scaleup_bandwidth_by_hand():
    # (2/9) * 7 * 989e12 * 0.5 / 8,192 = 1.55556 * 6.03638e10 = 9.3899e10 B/s = 93.9 GB/s:
    # NVLink 4's 450 GB/s is ~4.8x above it, a 400 Gb/s (50 GB/s) NIC below it.
    assert ic.breakeven_gbyte_s_for_tp(8192, 8, 989, 0.5) == pytest.approx(93.899, rel=1e-4)
    assert ic.tp_comm_to_compute(8192, 8, 989, 0.5, 93.899) == pytest.approx(1.0, rel=1e-4)
    assert ic.breakeven_gbyte_s_for_tp(8192, 1, 989, 0.5) == 0.0


# --- Data parallelism -------------------------------------------------------------------

def test_data_parallel_ratio_by_hand():
    # 4M tokens per step, 1,024 replicas, 989 TFLOPS at 40%, 400 Gb/s (50 GB/s):
    # 3.956e14 / (4e6 * 5e10) = 1.978e-3; * 1,023 = 2.0235; * 2/3 = 1.3490.
    assert ic.dp_comm_to_compute(4e6, 1024, 989, 0.4, 400) == pytest.approx(1.3490, rel=1e-4)
    # Tokens per replica at which it breaks even (many replicas): (2/3) * 3.956e14 / 5e10 = 5,274.7.
    assert ic.breakeven_tokens_per_replica(989, 0.4, 400) == pytest.approx(5274.67, rel=1e-5)


# --- A whole step -----------------------------------------------------------------------

def test_training_step_by_hand():
    # 196,608,000 weights (width 1,280, 10 layers), 2^20 = 1,048,576 tokens per step,
    # 64 chips as 8-way tensor x 1 pipeline x 8 data-parallel, 100 TFLOPS at 50%,
    # 100 GB/s scale-up, 400 Gb/s (50 GB/s) scale-out, one replica per domain.
    step = ic.training_step(196_608_000, 2**20, 64, tp=8, pp=1, tflops_per_chip=100, utilisation=0.5,
                            scaleup_gbyte_s=100, scaleout_gbit_s=400)
    assert step.dp == 8 and step.domains == 8 and not step.tp_over_scaleout
    assert step.d_model == pytest.approx(1280) and step.layers == pytest.approx(10)
    # Compute: 6 * 196,608,000 * 1,048,576 = 1.236951e15 FLOPs / (64 * 1e14 * 0.5) = 0.386547 s.
    assert step.compute_s == pytest.approx(0.386547, rel=1e-5)
    # Tensor parallel: 131,072 tokens per replica * 1,280 * 2 B = 335,544,320 B per all-reduce;
    # 1.75 * 3.3554432e-3 s = 5.872026e-3 s; * 4 per layer * 10 layers = 0.2348810 s.
    assert step.tp_comm_s == pytest.approx(0.2348810, rel=1e-6)
    # Data parallel: 196,608,000 / 8 * 2 B = 49,152,000 B; 1.75 * 49,152,000 / 5e10 = 1.72032e-3 s,
    # all of it across domains.
    assert step.dp_local_comm_s == 0
    assert step.dp_comm_s == pytest.approx(1.72032e-3, rel=1e-6)
    # The shares match the closed forms: 0.6076 and 0.00445.
    assert step.tp_share == pytest.approx(ic.tp_comm_to_compute(1280, 8, 100, 0.5, 100), rel=1e-9)
    assert step.dp_share == pytest.approx(ic.dp_comm_to_compute(2**20, 8, 100, 0.5, 400), rel=1e-9)
    assert not step.network_bound


def test_a_larger_domain_takes_gradient_traffic_off_the_slow_network():
    # Same job, 32-chip domains: 4 replicas per domain, 8 replicas span 2 domains.
    step = ic.training_step(196_608_000, 2**20, 64, tp=8, pp=1, tflops_per_chip=100, utilisation=0.5,
                            scaleup_gbyte_s=100, scaleout_gbit_s=400, domain_chips=32)
    assert step.domains == 2
    # Inside the domain: ring of 4 over 100 GB/s, 1.5 * 49,152,000 / 1e11 = 7.3728e-4 s.
    assert step.dp_local_comm_s == pytest.approx(7.3728e-4, rel=1e-9)
    # Across: a quarter of the shard (12,288,000 B) in a ring of 2 at 50 GB/s, 1 * 12,288,000 / 5e10
    # = 2.4576e-4 s, against 1.72032e-3 s with 8-chip domains: 7x less on the slow network.
    assert step.dp_scaleout_comm_s == pytest.approx(2.4576e-4, rel=1e-9)
    assert step.dp_scaleout_comm_s / step.compute_s == pytest.approx(
        ic.dp_comm_to_compute(2**20, 2, 100, 0.5, 400), rel=1e-9)


def test_tensor_parallelism_wider_than_the_domain_falls_back_to_the_network():
    # 8-way tensor parallelism in 4-chip domains runs over 50 GB/s instead of 100:
    # twice the 0.2348810 s above, 0.4697620 s.
    step = ic.training_step(196_608_000, 2**20, 64, tp=8, pp=1, tflops_per_chip=100, utilisation=0.5,
                            scaleup_gbyte_s=100, scaleout_gbit_s=400, domain_chips=4)
    assert step.tp_over_scaleout
    assert step.tp_comm_s == pytest.approx(0.4697620, rel=1e-6)
    assert step.network_bound


def test_pipeline_stages_split_the_layers_and_the_tensor_parallel_traffic():
    # pp = 2 on the same 64 chips: 4 replicas, 2^20 / 4 = 262,144 tokens each;
    # 262,144 * 1,280 * 2 B = 671,088,640 B; 1.75 * 6.7108864e-3 = 1.1744051e-2 s; * 4 = 4.6976204e-2 s
    # per layer, over the 10 / 2 = 5 layers a group holds = 0.2348810 s, the same as with pp = 1.
    step = ic.training_step(196_608_000, 2**20, 64, tp=8, pp=2, tflops_per_chip=100, utilisation=0.5,
                            scaleup_gbyte_s=100, scaleout_gbit_s=400)
    assert step.dp == 4
    assert step.tp_comm_s == pytest.approx(0.2348810, rel=1e-6)


def test_domains_spanned_by_hand():
    # 128 replicas of 128 chips in 9,216-chip pods: 72 fit in a pod, so 2 pods.
    assert ic.domains_spanned(128, 8, 16, 9216) == 2
    # In 8-GPU servers a 128-chip replica needs 16 servers: every replica is its own ring member.
    assert ic.domains_spanned(128, 8, 16, 8) == 128
    assert ic.domains_spanned(128, 8, 16, 72) == 128


def test_training_step_rejects_a_layout_that_does_not_divide_the_chips():
    with pytest.raises(ValueError):
        ic.training_step(1e9, 1e6, 100, tp=8, pp=1, tflops_per_chip=100, utilisation=0.5,
                         scaleup_gbyte_s=100, scaleout_gbit_s=400)


# --- The Vega expressions the chapter's chart evaluates in the page --------------------

def _vega(expression: str, **names: float) -> float:
    """Evaluate one of the module's Vega expressions with Python's math."""
    python = re.sub(r"^(\w+) <= (\w+) \? (\w+) : (\w+)$", r"(\3 if \1 <= \2 else \4)", expression)
    for function in ("pow", "floor", "ceil"):
        python = re.sub(rf"\b{function}\(", f"math.{function}(", python)
    return eval(python, {"math": math, "max": max}, names)  # noqa: S307 - our own constant strings


@pytest.mark.parametrize("params_b,chips,tp,pp,tokens_m,mfu,system", [
    (405, 16384, 8, 16, 16, 0.4, "hgx-h100-8gpu"),
    (405, 16384, 8, 16, 16, 0.4, "tpu7x-ironwood-pod"),
    (70, 4096, 4, 1, 4, 0.5, "tpu-v5e-pod"),
    (1000, 65536, 64, 8, 32, 0.35, "gb200-nvl72"),
    (1000, 65536, 16, 4, 32, 0.35, "trn2-ultraserver"),
])
def test_vega_expressions_match_the_python(params_b, chips, tp, pp, tokens_m, mfu, system):
    row = SYSTEMS.loc[system]
    up, out = row["scaleup_gbyte_s_per_chip_per_direction"], row["scaleout_gbit_s_per_chip_per_direction"] / 8
    domain, tflops = row["scaleup_domain_chips"], row["bf16_tflops_dense_per_chip"]
    step = ic.training_step(params_b * 1e9, tokens_m * 1e6, chips, tp, pp, tflops, mfu,
                            row["scaleup_gbyte_s_per_chip_per_direction"],
                            row["scaleout_gbit_s_per_chip_per_direction"], domain_chips=domain)
    dmodel = _vega(ic.VEGA_D_MODEL, params_b=params_b)
    assert dmodel == pytest.approx(step.d_model, rel=1e-12)
    dp = _vega(ic.VEGA_DP, chips=chips, tp=tp, pp=pp)
    assert dp == step.dp
    domains = _vega(ic.VEGA_DOMAINS, dp=dp, domain=domain, tp=tp, pp=pp)
    assert domains == step.domains
    bw = _vega(ic.VEGA_TP_LINK, tp=tp, domain=domain, up=up, out=out)
    tp_ratio = _vega(ic.VEGA_TP_RATIO, tp=tp, tflops=tflops, mfu=mfu, dmodel=dmodel, bw=bw)
    assert tp_ratio == pytest.approx(step.tp_share, rel=1e-9)
    dp_out = _vega(ic.VEGA_DP_RATIO, domains=domains, tflops=tflops, mfu=mfu, tokens_m=tokens_m, bw=out)
    assert dp_out == pytest.approx(step.dp_scaleout_comm_s / step.compute_s, rel=1e-9)
    dp_local = _vega(ic.VEGA_DP_LOCAL_RATIO, domains=domains, dp=dp, tflops=tflops, mfu=mfu,
                     tokens_m=tokens_m, up=up)
    assert dp_local == pytest.approx(step.dp_local_comm_s / step.compute_s, rel=1e-9, abs=1e-15)


# --- The chapter's tables ---------------------------------------------------------------

def test_the_systems_the_issue_asks_for_are_all_there():
    assert {"tpu-v5e-pod", "tpu-v6e-pod", "tpu-v5p-pod", "tpu7x-ironwood-pod", "trn2-ultraserver",
            "hgx-h100-8gpu", "gb200-nvl72"} <= set(SYSTEMS.index)
