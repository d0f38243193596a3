"""A first-order model of when the network, not the chip, sets the pace of training.

The interconnect chapter asks whether, at the scale of large language models, the
links between chips matter more than the chips. This module answers with arithmetic
that a reader can check by hand:

* a bandwidth-optimal **ring all-reduce** of `m` bytes over `n` chips moves
  ``2 (n - 1) / n * m`` bytes through each chip's link in each direction, so it takes
  ``2 (n - 1) / n * m / B`` seconds on links of `B` bytes per second per direction
  (plus ``2 (n - 1)`` hops of latency);
* the **compute** of one training step of a dense transformer is about
  ``6 * parameters * tokens`` floating-point operations (forward and backward pass),
  spread over the chips at `peak * utilisation` each;
* **tensor parallelism** over `t` chips costs, per transformer layer and step, four
  all-reduces of the layer's activations (two in the forward pass, two in the
  backward pass, as in Megatron-LM), each ``tokens * d_model * 2`` bytes in BF16;
* **data parallelism** over `D` replicas costs one all-reduce of each chip's share of
  the BF16 gradients per step.

Two ratios follow in closed form, and they are what the chapter's interactive chart
draws (the same formulas are written as Vega expressions at the end of this module):

* tensor-parallel communication / compute = ``(2/9) (t - 1) F u / (d B)``, which does
  not depend on the batch: only on the width `d`, the group size `t`, and the ratio of
  the chip's delivered FLOP/s (`F u`) to the link the group talks over (`B`: the
  scale-up link if the group fits in one domain, the scale-out network if not);
* data-parallel communication across domains / compute = ``(2/3) (X - 1) F u / (T B)``,
  which does not depend on the model's size: only on the global batch `T` (tokens per
  step), the scale-out link `B`, and the number `X` of scale-up domains the replicas
  span. Replicas that share a domain first reduce over its fast links, so a larger
  domain means fewer members in the slow ring: this is where a 9,216-chip TPU pod
  pays off against an 8-GPU server.

A ratio above 1 means the step spends longer communicating than computing if the two
do not overlap. The model leaves out what real systems add (overlap of communication
with compute, which hides part of it; attention's sequence-length term; pipeline
bubbles; optimizer sharding, which raises data-parallel traffic by half; in-network
reduction such as SHARP, which lowers it), so it bounds the question from one side:
it shows where the network *can* dominate, not a measured step time.

Units are in the argument names: ``gbyte_s`` is 10^9 bytes per second **per
direction**, ``gbit_s`` is 10^9 bits per second per direction, ``tflops`` is 10^12
floating-point operations per second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BYTES_PER_BF16 = 2
#: Forward + backward FLOPs per parameter per token of a dense transformer.
TRAINING_FLOPS_PER_PARAM_TOKEN = 6
#: Weights of one transformer layer, in units of d_model**2 (4 d^2 attention, 8 d^2 MLP).
LAYER_WEIGHTS_PER_D2 = 12
#: Tensor-parallel all-reduces of the activations per layer and training step.
TP_ALLREDUCES_PER_LAYER = 4
#: Width-to-depth ratio used to derive a model's shape from its size (GPT-3 175B:
#: d_model 12,288 over 96 layers = 128).
D_MODEL_PER_LAYER = 128


def _positive(**values: float) -> None:
    for name, value in values.items():
        if not value > 0:
            raise ValueError(f"{name} must be positive, got {value!r}")


def gbit_to_gbyte(gbit_s: float) -> float:
    """Convert a link speed from gigabits to gigabytes per second (8 bits a byte)."""
    return gbit_s / 8


def ring_allreduce_seconds(message_bytes: float, chips: int, gbyte_s_per_direction: float,
                           hop_latency_s: float = 0.0) -> float:
    """Time of a bandwidth-optimal ring all-reduce of `message_bytes` over `chips`.

    Reduce-scatter then all-gather: each takes ``chips - 1`` steps, each step moving
    ``message_bytes / chips`` over every link in one direction.
    """
    if chips < 1 or int(chips) != chips:
        raise ValueError(f"chips must be a whole number of at least 1, got {chips!r}")
    if message_bytes < 0 or hop_latency_s < 0:
        raise ValueError("message_bytes and hop_latency_s cannot be negative")
    _positive(gbyte_s_per_direction=gbyte_s_per_direction)
    if chips == 1:
        return 0.0
    steps = 2 * (chips - 1)
    return steps / chips * message_bytes / (gbyte_s_per_direction * 1e9) + steps * hop_latency_s


def compute_seconds(flops: float, chips: int, tflops_per_chip: float, utilisation: float) -> float:
    """Time to do `flops` on `chips` running at `utilisation` of their peak."""
    _positive(chips=chips, tflops_per_chip=tflops_per_chip, utilisation=utilisation)
    if utilisation > 1:
        raise ValueError(f"utilisation is a fraction of peak, at most 1, got {utilisation!r}")
    return flops / (chips * tflops_per_chip * 1e12 * utilisation)


def d_model_for(params: float, d_model_per_layer: float = D_MODEL_PER_LAYER) -> float:
    """Width of a dense transformer of `params` weights whose width is
    `d_model_per_layer` times its depth: params = 12 L d^2 with L = d / ratio."""
    _positive(params=params, d_model_per_layer=d_model_per_layer)
    return (d_model_per_layer * params / LAYER_WEIGHTS_PER_D2) ** (1 / 3)


def tp_allreduce_seconds_per_layer(tokens: float, d_model: float, tp: int,
                                   scaleup_gbyte_s: float) -> float:
    """Tensor-parallel communication of one layer in one training step: four ring
    all-reduces of the BF16 activations (tokens x d_model) over the `tp` chips."""
    message = tokens * d_model * BYTES_PER_BF16
    return TP_ALLREDUCES_PER_LAYER * ring_allreduce_seconds(message, tp, scaleup_gbyte_s)


def layer_compute_seconds(tokens: float, d_model: float, tp: int, tflops_per_chip: float,
                          utilisation: float) -> float:
    """Compute of one layer in one training step (6 x 12 d^2 FLOPs per token), split
    over the `tp` chips of the tensor-parallel group."""
    flops = TRAINING_FLOPS_PER_PARAM_TOKEN * LAYER_WEIGHTS_PER_D2 * d_model ** 2 * tokens
    return compute_seconds(flops, tp, tflops_per_chip, utilisation)


def tp_comm_to_compute(d_model: float, tp: int, tflops_per_chip: float, utilisation: float,
                       scaleup_gbyte_s: float) -> float:
    """Closed form of tensor-parallel communication over compute: (2/9)(t-1) F u / (d B)."""
    _positive(d_model=d_model, tp=tp, tflops_per_chip=tflops_per_chip,
              utilisation=utilisation, scaleup_gbyte_s=scaleup_gbyte_s)
    return (2 / 9) * (tp - 1) * tflops_per_chip * 1e12 * utilisation / (d_model * scaleup_gbyte_s * 1e9)


def dp_comm_to_compute(tokens_per_step: float, dp: int, tflops_per_chip: float, utilisation: float,
                       scaleout_gbit_s: float) -> float:
    """Closed form of data-parallel gradient all-reduce over compute:
    (2/3)(D-1) F u / (T B), with B in bytes per second per direction."""
    _positive(tokens_per_step=tokens_per_step, dp=dp, tflops_per_chip=tflops_per_chip,
              utilisation=utilisation, scaleout_gbit_s=scaleout_gbit_s)
    bytes_s = gbit_to_gbyte(scaleout_gbit_s) * 1e9
    return (2 / 3) * (dp - 1) * tflops_per_chip * 1e12 * utilisation / (tokens_per_step * bytes_s)


def domains_spanned(dp: int, tp: int, pp: int, domain_chips: int) -> int:
    """How many scale-up domains the data-parallel replicas occupy.

    A replica needs ``tp * pp`` chips. When a domain holds several replicas
    (``domain_chips // (tp * pp)`` of them), they reduce their gradients over the fast
    links first, and only one shard per domain crosses the scale-out network: the
    scale-out ring then has one member per domain, ``ceil(dp / replicas_per_domain)``.
    """
    per_domain = max(1, domain_chips // (tp * pp))
    return math.ceil(dp / per_domain)


@dataclass(frozen=True)
class StepEstimate:
    """One training step of a dense transformer, in seconds, with no overlap."""

    compute_s: float
    tp_comm_s: float
    dp_local_comm_s: float
    dp_scaleout_comm_s: float
    d_model: float
    layers: float
    dp: int
    domains: int
    tp_over_scaleout: bool

    @property
    def dp_comm_s(self) -> float:
        """Gradient all-reduce: the part inside each domain plus the part across domains."""
        return self.dp_local_comm_s + self.dp_scaleout_comm_s

    @property
    def tp_share(self) -> float:
        """Tensor-parallel communication as a multiple of compute time."""
        return self.tp_comm_s / self.compute_s

    @property
    def dp_share(self) -> float:
        """Data-parallel communication as a multiple of compute time."""
        return self.dp_comm_s / self.compute_s

    @property
    def network_bound(self) -> bool:
        """True when communication, summed, takes longer than compute."""
        return self.tp_comm_s + self.dp_comm_s > self.compute_s


def _ring(message_bytes: float, members: float, gbyte_s: float) -> float:
    """Ring all-reduce time for a possibly fractional average group size."""
    if members <= 1:
        return 0.0
    return 2 * (members - 1) / members * message_bytes / (gbyte_s * 1e9)


def training_step(params: float, tokens_per_step: float, chips: int, tp: int, pp: int,
                  tflops_per_chip: float, utilisation: float, scaleup_gbyte_s: float,
                  scaleout_gbit_s: float, domain_chips: int | None = None) -> StepEstimate:
    """Estimate one step of training `params` weights on `tokens_per_step` tokens.

    The chips form ``dp = chips / (tp * pp)`` data-parallel replicas. Tensor
    parallelism runs over the scale-up links (`scaleup_gbyte_s`, GB/s per direction)
    when the group fits in one scale-up domain of `domain_chips` chips, and over the
    scale-out network otherwise. Each chip holds ``params / (tp * pp)`` weights and
    all-reduces their BF16 gradients: first among the replicas that share its domain
    (over the scale-up links), then across domains over the scale-out network
    (`scaleout_gbit_s`, Gb/s per direction), one ring member per domain. Without
    `domain_chips` the domain is taken to be one replica. Pipeline traffic between
    stages is small and left out.
    """
    for name, value in {"chips": chips, "tp": tp, "pp": pp}.items():
        if value < 1 or int(value) != value:
            raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
    if chips % (tp * pp):
        raise ValueError(f"chips ({chips}) must be a multiple of tp x pp ({tp * pp})")
    domain = domain_chips if domain_chips is not None else tp * pp
    _positive(domain_chips=domain)
    dp = chips // (tp * pp)
    d_model = d_model_for(params)
    layers = d_model / D_MODEL_PER_LAYER
    compute = compute_seconds(TRAINING_FLOPS_PER_PARAM_TOKEN * params * tokens_per_step,
                              chips, tflops_per_chip, utilisation)
    tp_over_scaleout = tp > domain
    tp_link = gbit_to_gbyte(scaleout_gbit_s) if tp_over_scaleout else scaleup_gbyte_s
    # Each tensor-parallel group holds layers / pp of the layers and sees the tokens of
    # its replica, tokens_per_step / dp, in every step.
    tp_comm = layers / pp * tp_allreduce_seconds_per_layer(tokens_per_step / dp, d_model, tp, tp_link)
    shard = params / (tp * pp) * BYTES_PER_BF16
    domains = domains_spanned(dp, tp, pp, domain)
    replicas_per_domain = dp / domains
    local = _ring(shard, replicas_per_domain, scaleup_gbyte_s)
    across = _ring(shard / replicas_per_domain, domains, gbit_to_gbyte(scaleout_gbit_s))
    return StepEstimate(compute_s=compute, tp_comm_s=tp_comm, dp_local_comm_s=local,
                        dp_scaleout_comm_s=across, d_model=d_model, layers=layers, dp=dp,
                        domains=domains, tp_over_scaleout=tp_over_scaleout)


def breakeven_gbyte_s_for_tp(d_model: float, tp: int, tflops_per_chip: float, utilisation: float) -> float:
    """Scale-up bandwidth (GB/s per direction) at which tensor-parallel communication
    equals compute: solve (2/9)(t-1) F u / (d B) = 1 for B."""
    if tp <= 1:
        return 0.0
    return (2 / 9) * (tp - 1) * tflops_per_chip * 1e12 * utilisation / d_model / 1e9


def breakeven_tokens_per_replica(tflops_per_chip: float, utilisation: float, scaleout_gbit_s: float) -> float:
    """Tokens per data-parallel replica per step below which the gradient all-reduce
    (with many replicas) takes longer than compute: T/D = (2/3) F u / B."""
    _positive(scaleout_gbit_s=scaleout_gbit_s)
    return (2 / 3) * tflops_per_chip * 1e12 * utilisation / (gbit_to_gbyte(scaleout_gbit_s) * 1e9)


# --- The same formulas as Vega expressions, for the chapter's interactive chart ------
# Slider names: params_b (billions of weights), chips, tokens_m (millions of tokens per
# step), tp, pp, mfu, and for the curves tflops and domain. Row fields are written as
# bare names here (up, out: GB/s per direction; domain; tflops); the chapter prefixes
# them with `datum.`. tests/test_interconnect.py evaluates these strings against the
# Python above.
VEGA_D_MODEL = "pow(128 * params_b * 1e9 / 12, 1 / 3)"
VEGA_DP = "max(1, floor(chips / (tp * pp)))"
VEGA_DOMAINS = "ceil(dp / max(1, floor(domain / (tp * pp))))"
VEGA_TP_LINK = "tp <= domain ? up : out"
VEGA_TP_RATIO = "(2 / 9) * (tp - 1) * tflops * 1e12 * mfu / (dmodel * bw * 1e9)"
VEGA_DP_RATIO = "(2 / 3) * (domains - 1) * tflops * 1e12 * mfu / (tokens_m * 1e6 * bw * 1e9)"
VEGA_DP_LOCAL_RATIO = ("(2 / 3) * (1 - domains / dp) * dp * tflops * 1e12 * mfu"
                       " / (tokens_m * 1e6 * up * 1e9)")
