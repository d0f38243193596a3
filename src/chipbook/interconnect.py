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
import re
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd

from . import charts
from .vocabulary import CHIP_MAKERS

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


# --- Charts of the interconnect chapter ------------------------------------------------
# Each returns the finished chart with its narrow layout; titles and text alternatives are
# computed from the frame drawn (tests/test_chart_titles.py). `systems` is the
# interconnect_systems table.

def short_system(name: str) -> str:
    """A system's name as a narrow column shows it: no "pod" or "rack", no bracketed aside."""
    return re.sub(r"\s*\(.*?\)", "", name).replace(" pod", "").replace(" rack", "").strip()


def domain_chart(systems: pd.DataFrame, spec_date: str, source: str) -> alt.TopLevelMixin:
    """Chips per scale-up domain against scale-up bandwidth per chip, one point per system;
    systems that would sit on one spot share a point and a label."""
    points = systems.assign(
        per_direction=systems["scaleup_gbyte_s_per_chip_per_direction"],
        domain=systems["scaleup_domain_chips"],
        label=systems["system"].str.replace(" pod", "", regex=False),
    )
    # Within 5% on both axes a point would hide the other: one point, both names.
    key = (points["per_direction"].round(-1).astype(str) + "|"
           + np.log10(points["domain"]).round(1).astype(str) + "|" + points["vendor"])
    frame = points.groupby(key, sort=False).agg(
        system=("system", " and ".join), label=("label", " and ".join), vendor=("vendor", "first"),
        per_direction=("per_direction", "max"), domain=("domain", "max"),
        domains=("domain", lambda d: " and ".join(f"{v:,}" for v in d)),
        scaleup_link=("scaleup_link", lambda s: " / ".join(dict.fromkeys(s))),
        published_as=("scaleup_figure_published_as", lambda s: " / ".join(dict.fromkeys(s))),
        switch_technology=("switch_technology", "first")).reset_index(drop=True)
    frame["short"] = frame["label"].map(short_system)
    vendors = [v for v in CHIP_MAKERS if v in set(frame["vendor"])]
    google_max = points.loc[points["vendor"] == "Google", "domain"].max()
    nvidia_max = points.loc[points["vendor"] == "NVIDIA", "domain"].max()
    fastest = points.loc[points["per_direction"].idxmax()]
    fastest_google = points.loc[points["vendor"] == "Google", "per_direction"].max()
    faster, larger = fastest["per_direction"] / fastest_google, google_max / nvidia_max
    # The fastest TPUs by name: "a TPU's bandwidth" would claim it for every TPU.
    tpus = _names_and(list(dict.fromkeys(points.loc[(points["vendor"] == "Google")
                                                    & (points["per_direction"] == fastest_google), "system"].map(short_system))))
    title = f"TPU pods hold {larger:.0f}x as many chips in one scale-up domain as NVIDIA's largest system shown"
    bandwidth = f"{fastest['scaleup_link']} gives each chip {faster:.1f}x the bandwidth of {tpus}"
    # The numbers on the points they belong to: under the fastest system's name and under the
    # largest pod's.
    note = pd.Series("", index=frame.index)
    note[(frame["per_direction"] == fastest["per_direction"]) & (frame["vendor"] == fastest["vendor"])] = (
        f"{faster:.1f}x the GB/s of\n{tpus}")
    note[(frame["vendor"] == "Google") & (frame["domain"] == google_max)] = f"{larger:.0f}x as many chips"
    for name, names in (("text_wide", "label"), ("text_narrow", "short")):
        frame[name] = frame[names] + np.where(note != "", "\n" + note, "")
    frame["two_lines"] = note != ""

    def draw(narrow: bool):
        base = alt.Chart(frame).encode(
            x=alt.X("domain:Q", title="Chips in one scale-up domain (log scale)",
                    scale=alt.Scale(type="log", domain=[4, 30000], nice=False),
                    axis=alt.Axis(values=[10, 100, 1000, 10000], format="~s" if narrow else ",")),
            y=alt.Y("per_direction:Q", title="GB/s per chip, per direction" if narrow else
                    "Scale-up bandwidth per chip, GB/s per direction", scale=alt.Scale(domain=[0, 1000])),
            color=alt.Color("vendor:N", title="Vendor", scale=charts.vendor_scale(vendors),
                            legend=charts.bottom_legend("Vendor", columns=3)))
        # One mark shape: how the domain is switched is in the tooltip, not a third key.
        dots = base.mark_circle(size=110 if narrow else 130, opacity=1, stroke=charts.PAPER, strokeWidth=1).encode(
            tooltip=[alt.Tooltip("system:N", title="System"), alt.Tooltip("scaleup_link:N", title="Link"),
                     alt.Tooltip("domains:N", title="Chips per domain"),
                     alt.Tooltip("per_direction:Q", title="GB/s per chip, per direction", format=","),
                     alt.Tooltip("published_as:N", title="Source states"),
                     alt.Tooltip("switch_technology:N", title="Switching")])
        # Every name level with its point: the pods' to its left (they sit near the right edge),
        # the rest to its right. A narrow plot has no room beside every point: there the names of
        # one line stand just above their point, starting at it.
        text = f"text_{'narrow' if narrow else 'wide'}:N"
        pods, two = "datum.domain >= 2000", "datum.two_lines"
        if narrow:
            places = {"left": (pods, dict(align="right", dx=-8)),
                      "right": (f"!({pods}) && {two}", dict(align="left", dx=8)),
                      "above": (f"!({pods}) && !{two}", dict(align="left", dx=-4, dy=-13))}
        else:
            places = {"left": (pods, dict(align="right", dx=-9)),
                      "right": (f"!({pods}) && {two}", dict(align="left", dx=9)),
                      "above-right": (f"!({pods}) && !{two}", dict(align="left", dx=8, dy=-11))}
        labels = [base.transform_filter(where).mark_text(fontSize=10 if narrow else 11, lineBreak="\n",
                                                         lineHeight=12 if narrow else 13, **how).encode(text=text)
                  for where, how in places.values()]
        return alt.layer(dots, *labels).properties(width=220 if narrow else 460, height=240 if narrow else 300)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Vendor-stated specifications as read {spec_date}; NVIDIA also sells NVLink groups larger than the "
                 "systems shown.",
        source=source,
        description=f"Scatter plot of {len(points)} systems. {title}. {bandwidth}. " + "; ".join(
            f"{r.system}: {r.domains} chips, {r.per_direction:,.0f} GB/s per direction" for r in frame.itertuples()),
        data_files=["interconnect_systems.csv"],
    )


def cliff_chart(systems: pd.DataFrame, spec_date: str, source: str) -> alt.TopLevelMixin:
    """Each system's bandwidth per chip inside its scale-up domain and across the
    data-center network, and the ratio between them."""
    cliff = systems.assign(scale_up=systems["scaleup_gbyte_s_per_chip_per_direction"],
                           scale_out=systems["scaleout_gbit_s_per_chip_per_direction"] / 8)
    cliff["drop"] = cliff["scale_up"] / cliff["scale_out"]
    cliff["short"] = cliff["system"].map(short_system)
    long = cliff.melt(id_vars=["system_id", "system", "short", "vendor", "drop"], value_vars=["scale_up", "scale_out"],
                      var_name="where", value_name="gbyte_s")
    where = {"scale_up": "inside the scale-up domain", "scale_out": "across the data-center network"}
    long["where"] = long["where"].map(where)
    long["where_short"] = long["where"].map(dict(zip(where.values(), ["inside the domain", "across the network"])))
    frame = long.merge(cliff[["system_id", "scale_up", "scale_out"]], on="system_id")
    # The chart's top and bottom rows: the largest and the smallest drop, named by chip.
    most, least = cliff.loc[cliff["drop"].idxmax()], cliff.loc[cliff["drop"].idxmin()]
    chip = lambda row: row["chip"] if "chip" in row and isinstance(row["chip"], str) else short_system(row["system"])
    title = (f"Leaving the scale-up domain cuts a chip's bandwidth {most['drop']:.0f}-fold on {chip(most)}, "
             f"{least['drop']:.0f}-fold on {chip(least)}")
    vendors = [v for v in CHIP_MAKERS if v in set(frame["vendor"])]

    def draw(narrow: bool):
        label = "short" if narrow else "system"
        order = list(cliff.sort_values("drop", ascending=False)[label])
        y = alt.Y(f"{label}:N", title=None, sort=order)
        x = alt.X("gbyte_s:Q", title="GB/s per chip, per direction (log scale)",
                  scale=alt.Scale(type="log", domain=[1, 2000]), axis=alt.Axis(values=[1, 10, 100, 1000]))
        base = alt.Chart(frame)
        rules = base.transform_filter(alt.datum.where == where["scale_up"]).mark_rule(color=charts.INK).encode(
            x=x, x2="scale_out:Q", y=y)
        ends = base.mark_point(filled=True, size=100, opacity=1).encode(
            x=x, y=y,
            color=alt.Color("vendor:N", title="Vendor", scale=charts.vendor_scale(vendors),
                            legend=charts.bottom_legend("Vendor", columns=3)),
            shape=alt.Shape("where_short:N" if narrow else "where:N", title="Link",
                            scale=alt.Scale(domain=["inside the domain", "across the network"] if narrow
                                            else list(where.values()), range=["circle", "triangle-left"]),
                            legend=None),
            tooltip=[alt.Tooltip("system:N", title="System"), alt.Tooltip("where:N", title="Link"),
                     alt.Tooltip("gbyte_s:Q", title="GB/s per chip, per direction", format=",.2f"),
                     alt.Tooltip("drop:Q", title="Drop at the edge (times)", format=".1f")])
        drop = base.transform_filter(alt.datum.where == where["scale_up"]).mark_text(
            align="left", dx=9, fontSize=11).encode(x=x, y=y, text=alt.Text("drop:Q", format=".0f"))
        # The two ends named above the first row's: "across" starting at its arrow, "inside" ending at its dot.
        top = frame[frame["system_id"] == most["system_id"]].assign(
            words=lambda f: f["where_short"].str.split(" ").str[0] if narrow else f["where_short"])
        names = [alt.Chart(top[top["where"] == w]).mark_text(
            align=a, dx=d, baseline="bottom", dy=-6, fontSize=10, color=charts.INK).encode(x=x, y=y, text="words:N")
                 for w, a, d in ((where["scale_out"], "left", -6), (where["scale_up"], "right", 6))]
        return alt.layer(rules, ends, drop, *names).properties(width=200 if narrow else 430, height=alt.Step(30))

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Scale-up and scale-out bandwidth per chip, GB/s per direction (log scale); the number is how many "
                 f"times faster the link inside the domain is. Vendor specifications as read {spec_date}.",
        source=source,
        description=f"Dumbbell chart of bandwidth per chip inside and outside the scale-up domain. {title}. " + "; ".join(
            f"{r.system}: {r.scale_up:,.0f} against {r.scale_out:,.2f} GB/s ({r.drop:.0f}x)" for r in cliff.itertuples()),
        data_files=["interconnect_systems.csv"],
    )


GOOGLE_BASELINES = {"Google's own figure": "Against Google's own earlier systems",
                    "Google's comparison with another vendor": "Against another vendor's chips"}
# Google's figures as the chart's rows name them, short (the full measure and baseline are in
# the tooltip and the chapter's table); a figure not named here is shown in full.
FIGURE_SHORT = {"tpu-v4-vs-v3-system": "Whole system vs TPU v3 system", "tpu-v4-vs-v3-chip": "Chip speed vs TPU v3",
                "tpu-v4-vs-v3-perf-per-watt": "Performance per watt vs TPU v3",
                "jupiter-speed-capacity": "Jupiter speed and capacity vs before",
                "jupiter-reconfiguration": "Rewiring speed vs patch panels",
                "tpu-v4-vs-a100-speed": "Speed vs NVIDIA A100", "tpu-v4-vs-a100-power": "Power saved vs NVIDIA A100",
                "tpu-v4-vs-ipu-speed": "Speed vs Graphcore IPU Bow"}
# Characters of a row name per line: beside the rows on a desktop, above them on a phone
# (there starting just right of the parity line).
FIGURE_LABEL_CHARS = {"wide": 40, "narrow": 40}


def google_figures_chart(figures: pd.DataFrame, source: str) -> alt.TopLevelMixin:
    """Google's own performance ratios for its optically switched systems, as ranges, in two
    panels: against its own earlier systems and against another vendor's chips, each range
    labelled with its value, against a reference line at parity named on the axis (the share
    of cost and power its switches take is in the chapter's prose, not drawn). On a phone each row's name
    stands, wrapped, above its row, starting just right of the parity line."""
    frame = figures[figures["times_high"].notna()].copy()
    frame["full"] = frame["measure"] + (" vs " + frame["baseline"]).where(frame["baseline"].notna(), "")
    frame["label"] = frame["figure_id"].map(FIGURE_SHORT).fillna(frame["full"])
    frame["compared"] = frame["figure_status"].map(GOOGLE_BASELINES).fillna(GOOGLE_BASELINES["Google's own figure"])
    frame["one"] = 1.0
    frame["value"] = [f"{low:g}x" if low == high else f"{low:g}-{high:g}x"
                      for low, high in zip(frame["times_low"], frame["times_high"])]
    for layout, chars in FIGURE_LABEL_CHARS.items():
        frame[f"lines_{layout}"] = frame["label"].map(lambda v, c=chars: charts.wrap_lines(v, c))
    frame = frame[["figure_id", "label", "full", "lines_wide", "lines_narrow", "compared", "times_low", "times_high", "value",
                   "scope", "network", "figure_status", "one"]].sort_values("times_high", ascending=False)
    by_id = frame.set_index("figure_id")
    system, rival = by_id.loc["tpu-v4-vs-v3-system"], by_id.loc["tpu-v4-vs-a100-speed"]
    title = (f"Google claims {system['times_high']:.0f}x over its own older TPU system but "
             f"{rival['times_low']:g}-{rival['times_high']:g}x over NVIDIA's A100")
    google = charts.VENDOR_COLORS["Google"]
    panels = [p for p in GOOGLE_BASELINES.values() if p in set(frame["compared"])]
    # Room right of the largest value for its label.
    x_scale = alt.Scale(type="log", domain=[0.8, 20], nice=False)
    tooltip = [alt.Tooltip("full:N", title="Figure"), alt.Tooltip("times_low:Q", title="From (times)"),
               alt.Tooltip("times_high:Q", title="To (times)"), alt.Tooltip("scope:N", title="Scope"),
               alt.Tooltip("network:N", title="System"), alt.Tooltip("figure_status:N", title="Whose figure")]

    def panel(rows: pd.DataFrame, heading: str, narrow: bool, last: bool):
        def x(field: str) -> alt.X:
            # The reference line at 1 is named on the axis, under the line: "parity".
            return alt.X(f"{field}:Q", title="Times the baseline (log scale)" if last else None, scale=x_scale,
                         axis=alt.Axis(values=[1, 2, 3, 5, 10], labels=last, ticks=last,
                                       labelExpr="datum.value == 1 ? 'parity' : datum.label + 'x'"))
        base = alt.Chart(rows)
        lines = "lines_narrow" if narrow else "lines_wide"
        order = list(rows[lines])
        if narrow:  # each row's name above it, on lines of its own; marks in the band's lower part
            depth = max(text.count("\n") for text in order) + 1
            y = alt.Y(f"{lines}:N", sort=order, axis=None, title=None, bandPosition=0.84)
            # Each name just above its row's marks, however many lines it takes, starting right of
            # the parity line, so that the line runs the panel's height without crossing a name.
            names = base.transform_calculate(up=f"-(13 * length(split(datum.{lines}, '\\n')) + 9)").mark_text(
                align="left", baseline="top", lineBreak="\n", fontSize=11, dx=5, yOffset=alt.ExprRef("datum.up")).encode(
                x=x("one"), y=y, text=f"{lines}:N")
            step = 14 * depth + 26
        else:
            y = alt.Y(f"{lines}:N", sort=order, title=None, axis=alt.Axis(labelExpr=charts.LINES))
            names = None
            step = 30
        parity = alt.Chart(pd.DataFrame({"one": [1.0]})).mark_rule(color=charts.INK, strokeWidth=1.5,
                                                                   strokeDash=[4, 3]).encode(x=x("one"))
        span = base.mark_rule(strokeWidth=4, color=google).encode(x=x("times_low"), x2="times_high:Q", y=y, tooltip=tooltip)
        ends = base.mark_point(filled=True, size=80, color=google, opacity=1).encode(x=x("times_high"), y=y, tooltip=tooltip)
        # Each figure's value beside its end: the title's numbers, where they are drawn.
        values = base.mark_text(align="left", dx=8, fontSize=11).encode(x=x("times_high"), y=y, text="value:N",
                                                                        tooltip=tooltip)
        layers = [parity, span, ends, values] + ([names] if names is not None else [])
        return alt.layer(*layers).properties(
            width=270 if narrow else 320, height=alt.Step(step),
            title=alt.Title(f"{heading} ({len(rows)})", anchor="start", fontSize=12))

    def draw(narrow: bool):
        return alt.vconcat(*[panel(frame[frame["compared"] == p], p, narrow, i == len(panels) - 1)
                             for i, p in enumerate(panels)], spacing=14).resolve_scale(x="shared")

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle="Google's own ratios, times the baseline; a bar spans a range. Papers of 2022 and 2023.",
        source=source,
        description=f"Range chart of Google's performance ratios, against its own earlier systems and against another "
                    f"vendor's chips. {title}. " + "; ".join(
            f"{r.full}: {r.times_low:g} to {r.times_high:g}x ({r.scope})" for r in frame.itertuples()),
        data_files=["google_ocs_figures.csv"],
    )


# Rows of the scale chart (px): room under the first row's marks for the names of the two kinds.
SCALE_ROW_PX = 40


def _names_and(names: list[str]) -> str:
    """Names joined for a sentence: "a", "a and b", "a, b and c"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def scale_title(reach: pd.DataFrame) -> str:
    """The scale chart's finding from its lines (`reach`: system, low = chips in one
    scale-up domain, high = chips in the largest cluster reported on it): how many domains
    the largest clusters join."""
    joined = reach[reach["high"] > reach["low"]]
    if joined.empty:
        return "No cluster reported is larger than one scale-up domain"
    times = joined["high"] / joined["low"]
    if len(joined) == 1:
        return f"The largest cluster reported joins {times.iloc[0]:,.0f} scale-up domains"
    return f"The largest clusters reported join {times.min():,.0f} to {times.max():,.0f} scale-up domains"


def scale_chart(systems: pd.DataFrame, clusters: pd.DataFrame, source: str) -> alt.TopLevelMixin:
    """Chips in one scale-up domain against the largest clusters or jobs reported on each
    system, a line from one to the other; systems with no cluster reported are named in the
    subtitle, not drawn (where none has one, every system is drawn). `clusters`: the
    large_training_clusters table.
    Only each system's largest cluster is drawn (the line's end, the title's number); its
    tooltip names the system's other clusters. The two kinds of mark are named under the
    first row's, with no legend."""
    reported = systems["system_id"].isin(clusters["system_id"])
    unreported = systems.loc[~reported, "system"].map(short_system).tolist()
    systems = systems[reported] if reported.any() else systems
    domains = systems.assign(chips=systems["scaleup_domain_chips"], kind="one scale-up domain",
                             name=systems["system"] + " domain",
                             detail=systems["scaleup_link"] + ", " + systems["switch_technology"])
    built = clusters.merge(systems[["system_id", "system"]], on="system_id").assign(
        kind="largest cluster or job reported",
        detail=lambda f: f["scaleout_fabric"] + "; " + f["reported_outcome"] + " (" + f["outcome_kind"] + ")")
    # One diamond per system, its largest cluster; the others are named in its tooltip.
    built = built.sort_values("chips", ascending=False, kind="stable")
    others = {sid: "; ".join(f"{r.name} ({r.chips:,} chips)" for r in group.iloc[1:].itertuples()) or "none"
              for sid, group in built.groupby("system_id", sort=False)}
    built = built.drop_duplicates("system_id").assign(others=lambda f: f["system_id"].map(others))
    domains = domains.assign(others="")
    columns = ["system", "vendor", "chips", "kind", "name", "detail", "others"]
    frame = pd.concat([domains[columns], built[columns]], ignore_index=True)
    frame["short"] = frame["system"].map(short_system)
    reach = systems[["system", "vendor"]].assign(
        low=systems["scaleup_domain_chips"].values,
        high=systems["system_id"].map(built.groupby("system_id")["chips"].max()).fillna(systems["scaleup_domain_chips"]).values,
        short=systems["system"].map(short_system))
    title = scale_title(reach)
    joined = reach["high"] > reach["low"]
    reach["times"] = (reach["high"] / reach["low"]).where(joined)
    reach["times_text"] = reach["times"].map(lambda t: f"\u00d7{t:,.0f}" if pd.notna(t) else "")
    # The number's meaning on the marks, once: after the first row's number.
    first_joined = reach.loc[joined].sort_values("low", kind="stable").index[:1]
    reach.loc[first_joined, "times_text"] += " domains"
    # The two kinds of mark named once, under the first row's: the domain's dot, the cluster's diamond.
    first_system = systems.sort_values("scaleup_domain_chips", kind="stable")["system"].iloc[0]
    names = frame[frame["system"] == first_system].assign(
        words_wide=lambda f: np.where(f["kind"] == "one scale-up domain", "one domain", "largest cluster"),
        words_narrow=lambda f: np.where(f["kind"] == "one scale-up domain", "domain", "largest cluster"),
        left=lambda f: f["kind"] == "one scale-up domain")
    reach["mid"] = np.sqrt(reach["low"] * reach["high"])  # the middle of the line on the log scale
    vendors = [v for v in CHIP_MAKERS if v in set(frame["vendor"])]
    kinds = ["one scale-up domain", "largest cluster or job reported"]
    frame["kind_short"] = frame["kind"].map(dict(zip(kinds, ["scale-up domain", "largest reported"])))
    x_scale = alt.Scale(type="log", domain=[4, 1_000_000], nice=False)

    def draw(narrow: bool):
        label = "short" if narrow else "system"
        order = list(systems.sort_values("scaleup_domain_chips")["system"].map(short_system if narrow else str))
        y = alt.Y(f"{label}:N", title=None, sort=order)
        x = alt.X("chips:Q", title="Chips (log scale)", scale=x_scale,
                  axis=alt.Axis(values=[10, 100, 1000, 10000, 100000, 1000000], format="~s", labelOverlap=True))
        line = alt.Chart(reach[["system", "short", "low", "high"]]).mark_rule(color=charts.INK, strokeWidth=1).encode(
            x=alt.X("low:Q", scale=x_scale), x2="high:Q", y=y)
        dots = alt.Chart(frame).mark_point(filled=True, size=90, opacity=1, stroke=charts.PAPER, strokeWidth=1).encode(
            x=x, y=y,
            color=alt.Color("vendor:N", title="Vendor", scale=charts.vendor_scale(vendors),
                            legend=charts.bottom_legend("Vendor", columns=3)),
            shape=alt.Shape("kind_short:N" if narrow else "kind:N", title="What",
                            sort=list(frame["kind_short" if narrow else "kind"].drop_duplicates()),
                            scale=alt.Scale(range=["circle", "diamond"]), legend=None),
            tooltip=[alt.Tooltip("name:N", title="What"), alt.Tooltip("chips:Q", title="Chips", format=","),
                     alt.Tooltip("detail:N", title="Detail"), alt.Tooltip("others:N", title="Other clusters reported")])
        kinds_named = [alt.Chart(names[names["left"] == left]).mark_text(
            align="left" if left else "right", dx=-5 if left else 5, baseline="top", dy=8, fontSize=10 if narrow else 11,
            color=charts.INK).encode(x=x, y=y, text=f"words_{'narrow' if narrow else 'wide'}:N") for left in (True, False)]
        width = 210 if narrow else 430
        # How many domains the largest cluster joins, above the middle of its line.
        times = alt.Chart(reach[reach["times"].notna()]).mark_text(baseline="bottom", dy=-3, fontSize=11).encode(
            x=alt.X("mid:Q", scale=x_scale), y=y, text="times_text:N",
            tooltip=[alt.Tooltip("system:N", title="System"),
                     alt.Tooltip("times:Q", title="Domains the largest cluster joins", format=",.0f")])
        return alt.layer(line, dots, times, *kinds_named).properties(width=width, height=alt.Step(SCALE_ROW_PX))

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=(f"Vendor specifications and reports of {clusters['as_of'].min():%Y}-{clusters['as_of'].max():%Y}"
                  + (f"; no cluster size is published for {_names_and(unreported)}." if unreported else ".")),
        source=source,
        description=f"Dot chart per system of scale-up domain size and the largest reported clusters or jobs. {title}. "
                    + "; ".join(f"{r.name}: {r.chips:,} chips" for r in frame.itertuples()),
        data_files=["interconnect_systems.csv", "large_training_clusters.csv"],
    )


# The two collectives the network model compares and their sum, told apart by shape (all in
# ink: none is a vendor's, and the book's colours are its vendors'); the sum is an upright bar
# in its own lane, drawn as a filled path so that the legend shows it as the chart does.
COLLECTIVES = {"tensor-parallel all-reduce": "circle", "gradient all-reduce": "triangle-up"}
BOTH = "both together"
MODEL_SHAPES = {**COLLECTIVES, BOTH: "M-0.3,-1H0.3V1H-0.3Z"}
# The sliders of the network model: name, label, lowest, highest, step.
MODEL_SLIDERS = [
    ("params_b", "Model size, billions of weights", 10, 2000, 5),
    ("chips", "Chips in the job", 1024, 131072, 1024),
    ("tokens_m", "Tokens per step, millions", 1, 64, 1),
    ("tp", "Tensor-parallel chips", 1, 72, 1),
    ("pp", "Pipeline stages", 1, 64, 1),
    ("mfu", "Share of peak FLOP/s achieved", 0.2, 0.7, 0.05),
]
# The sliders a phone shows (the others keep their default there): the three that move the
# finding most, the model, the job's size and how widely each layer is split.
PHONE_SLIDERS = ("params_b", "chips", "tp")
# Rows of the network model's chart (px), and the lane in a row each mark sits in: the two
# collectives' points above, the sum's short bar below, so that no mark covers another.
MODEL_ROW_PX = 44
MODEL_OFFSETS = {"tensor-parallel all-reduce": -12, "gradient all-reduce": 0, BOTH: 12}
# Each kind of mark named once, before the first row's: no legend.
MODEL_NAMES = {"tensor-parallel all-reduce": "tensor-parallel", "gradient all-reduce": "gradient", BOTH: "both"}
# Point sizes (Vega draws a custom path's -1..1 box sqrt(size) px tall): each mark fits its lane.
MODEL_SIZES = {"tensor-parallel all-reduce": 55, "gradient all-reduce": 55, BOTH: 81}
# A sum beyond this multiple of compute time has its value written to the left of its bar,
# not to the right, where the plot ends.
MODEL_VALUE_LEFT_FROM = 2.5
# The right end of the model's axis (communication time / compute time).
MODEL_X_MAX = 10


def _vega(expression: str, **fields: str) -> str:
    """One of the VEGA_ expressions above with its row fields read from the datum."""
    pattern = re.compile(r"\b(" + "|".join(fields) + r")\b")
    return pattern.sub(lambda m: fields[m.group(1)], expression)


def network_model_title(totals: dict[str, float], names: dict[str, str]) -> str:
    """The network model's finding at the default job: `totals`, system_id to communication
    over compute time (both collectives); `names`, system_id to its name."""
    worst = max(totals, key=totals.get)
    bound = [s for s, t in totals.items() if t > 1]
    if not bound:
        return f"No system is network-bound at the default job: communication is at most {totals[worst]:.2f}x compute time"
    return (f"{len(bound)} of {len(totals)} systems {charts.agree(len(bound), 'is', 'are')} network-bound at the default "
            f"job: communication is up to {totals[worst]:.2f}x compute time, on the {names[worst]}")


def network_model_chart(systems: pd.DataFrame, defaults: dict, at_default: dict, spec_date: str,
                        source: str) -> alt.TopLevelMixin:
    """The interconnect chapter's interactive model: one training job, set by the sliders,
    run on each system with its own chips, links and domain, computed in the page: each
    collective's communication time over compute time (a point each, told apart by shape)
    and their sum (an upright bar, its value written beside it), against a line at 1, where
    communication takes as long as compute. A phone binds only PHONE_SLIDERS. `defaults`: each slider's starting value (MODEL_SLIDERS' names); `at_default`:
    system_id to `training_step()` at those values, for the title and the text alternative."""
    def sliders(narrow: bool) -> list:
        return [alt.param(name=name, value=defaults[name],
                          **({} if narrow and name not in PHONE_SLIDERS else
                             {"bind": alt.binding_range(min=low, max=high, step=step, name=label + " ")}))
                for name, label, low, high, step in MODEL_SLIDERS]
    names = [*COLLECTIVES, BOTH]
    rows = systems.assign(
        up=systems["scaleup_gbyte_s_per_chip_per_direction"], out=systems["scaleout_gbit_s_per_chip_per_direction"] / 8,
        domain=systems["scaleup_domain_chips"], tflops=systems["bf16_tflops_dense_per_chip"],
        short=systems["system"].map(short_system),
    )[["system_id", "system", "short", "vendor", "up", "out", "domain", "tflops"]]
    totals = {sid: r.tp_share + r.dp_share for sid, r in at_default.items()}
    by_id = systems.set_index("system_id")
    title = network_model_title(totals, by_id["system"].to_dict())
    one = pd.DataFrame({"ratio": [1.0], "label": ["longer than compute \u2192"]})
    first_row = systems.sort_values("scaleup_domain_chips")["system_id"].iloc[0]

    def draw(narrow: bool):
        label = "short" if narrow else "system"
        y = alt.Y(f"{label}:N", title=None,
                  sort=list(systems.sort_values("scaleup_domain_chips")["system"].map(short_system if narrow else str)))
        x_scale = alt.Scale(type="log", domain=[0.001, MODEL_X_MAX], clamp=True, nice=False)
        x = alt.X("ratio:Q", title=["Communication time / compute time", "(log scale)"] if narrow else
                  "Communication time / compute time (log scale)", scale=x_scale,
                  axis=alt.Axis(format="~g", values=[0.001, 0.01, 0.1, 1, 10]))
        per_system = alt.Chart(rows).transform_calculate(dmodel=VEGA_D_MODEL, dp=VEGA_DP).transform_calculate(
            domains=_vega(VEGA_DOMAINS, domain="datum.domain", dp="datum.dp"),
            tp_bw=_vega(VEGA_TP_LINK, domain="datum.domain", up="datum.up", out="datum.out"),
        ).transform_calculate(
            tp_over_network="datum.tp_bw == datum.out && tp > 1 ? 'over the data-center network' : 'inside the domain'",
            tensor=_vega(VEGA_TP_RATIO, tflops="datum.tflops", dmodel="datum.dmodel", bw="datum.tp_bw"),
            gradient=_vega(VEGA_DP_RATIO, tflops="datum.tflops", bw="datum.out", domains="datum.domains")
            + " + " + _vega(VEGA_DP_LOCAL_RATIO, tflops="datum.tflops", up="datum.up", domains="datum.domains",
                            dp="datum.dp"),
        ).transform_calculate(total="datum.tensor + datum.gradient")
        tips = [alt.Tooltip("system:N", title="System"), alt.Tooltip("tensor:Q", title="Tensor-parallel / compute",
                                                                     format=".3f"),
                alt.Tooltip("gradient:Q", title="Gradient / compute", format=".3f"),
                alt.Tooltip("total:Q", title="Both together", format=".3f"),
                alt.Tooltip("tp_over_network:N", title="Tensor parallelism runs"),
                alt.Tooltip("domains:Q", title="Domains the job spans", format=",")]
        # The sum first, so that the two points are drawn over its bar.
        folded = per_system.transform_calculate(
            **{names[0]: "datum.tensor", names[1]: "datum.gradient", BOTH: "datum.total"}).transform_fold(
            [BOTH, *COLLECTIVES], as_=["collective", "ratio"]).transform_filter("datum.ratio > 0").transform_calculate(
            offset=charts.lookup("collective", MODEL_OFFSETS, "0"), size=charts.lookup("collective", MODEL_SIZES, "70"))
        dots = folded.mark_point(filled=True, opacity=1, color=charts.INK, yOffset=alt.ExprRef("datum.offset")).encode(
            x=x, y=y, tooltip=tips,
            shape=alt.Shape("collective:N", title="Communication", sort=names,
                            scale=alt.Scale(domain=names, range=[MODEL_SHAPES[n] for n in names]), legend=None),
            size=alt.Size("size:Q", scale=None, legend=None))
        kinds = folded.transform_filter(alt.datum.system_id == first_row).transform_calculate(
            words=charts.lookup("collective", MODEL_NAMES, "''")).mark_text(align="right", dx=-8, fontSize=10, color=charts.INK,
                                 yOffset=alt.ExprRef("datum.offset")).encode(x=x, y=y, text="words:N")
        # Each sum's value: the title's number, where it is drawn. Beside its bar on a wide plot;
        # a phone's plot is too narrow for that beside the line at 1, so there the values stand in
        # a column of their own after the plot's right edge, headed "both".
        left = f"datum.total > {MODEL_VALUE_LEFT_FROM}"
        totals_text = per_system.transform_filter("datum.total > 0").transform_calculate(
            total_text="format(datum.total, '.2f') + 'x'", edge=str(MODEL_X_MAX))
        if narrow:
            sums = totals_text.mark_text(fontSize=10, color=charts.INK, align="left", dx=6, dy=MODEL_OFFSETS[BOTH]).encode(
                x=alt.X("edge:Q", scale=x_scale), y=y, text="total_text:N", tooltip=tips)
            head = alt.Chart(pd.DataFrame({"edge": [MODEL_X_MAX], "words": ["both"]})).mark_text(
                fontSize=10, color=charts.INK, align="left", baseline="bottom", dx=6, dy=-4).encode(
                x=alt.X("edge:Q", scale=x_scale), y=alt.value(0), text="words:N")
            sums = sums + head
        else:
            sums = totals_text.mark_text(fontSize=10, color=charts.INK, align=alt.ExprRef(f"{left} ? 'right' : 'left'"),
                                         dx=alt.ExprRef(f"{left} ? -6 : 6"), dy=MODEL_OFFSETS[BOTH]).encode(
                x=alt.X("total:Q", scale=x_scale), y=y, text="total_text:N", tooltip=tips)
        line = alt.Chart(one).mark_rule(color="#D73027", strokeDash=[4, 3]).encode(x=alt.X("ratio:Q", scale=x_scale))
        # What the line means, above the rows: after it on a wide plot, before it (ending at it) on a
        # phone's, whose right edge heads the column of sums.
        words = alt.Chart(one).mark_text(align="right" if narrow else "left", baseline="bottom", dx=-4 if narrow else 4,
                                         dy=-4, fontSize=10, color="#333").encode(
            x=alt.X("ratio:Q", scale=x_scale), y=alt.value(0), text="label:N")
        return alt.layer(line, words, dots, kinds, sums).add_params(*sliders(narrow)).properties(
            width=200 if narrow else 420, height=alt.Step(MODEL_ROW_PX))

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=(f"One training job set by the sliders, on each system's own chips and links, communication not "
                  f"overlapped with compute; specifications as read {spec_date}."),
        source=source,
        description=(f"Dot plot computed from sliders: tensor-parallel and gradient all-reduce time as a multiple of compute "
                     f"time, and their sum, for one job on each of {len(rows)} systems. {title}, on the "
                     f"{by_id.loc[max(totals, key=totals.get), 'system']}. At the default workload "
                     f"({defaults['params_b']}B weights, {defaults['chips']:,} chips, {defaults['tokens_m']}M tokens per "
                     f"step, {defaults['tp']}-way tensor and {defaults['pp']}-way pipeline parallelism, "
                     f"{defaults['mfu']:.0%} of peak) the totals are: "
                     + "; ".join(f"{by_id.loc[s, 'system']} {t:.3f}" for s, t in totals.items())),
        data_files=["interconnect_systems.csv"],
    )
