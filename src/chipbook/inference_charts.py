"""The inference-economics chapter's evidence charts that are not its cost model: vendors'
generation-over-generation claims against their spec sheets, and MLPerf latency.

Each function returns the finished chart (`charts.finish`) with its narrow layout; titles
and text alternatives are computed from the frame drawn (tests/test_chart_titles.py).
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from . import charts
from .vocabulary import CHIP_MAKERS

RATE_LABELS = {"bf16": "dense BF16", "fp8": "dense FP8", "int8": "dense INT8", "bandwidth": "HBM bandwidth"}
FIGURE_KINDS = ["vendor claim", "vendor claim from a benchmark", "spec sheet", "spec sheet ÷ list price"]


def generation_frame(ratios: dict, vendor_claims: pd.DataFrame, vendor_of: pd.Series) -> pd.DataFrame:
    """One row per ratio of a chip to its predecessor: the vendor's own claims, then every
    rate both chips publish, per chip and per list-price dollar. `ratios`: (new, old) chip
    ids to `inference.generation_ratios()`; `vendor_of`: vendor by chip id. Columns:
    chip, measure, ratio, kind, vendor, claim_ref (claims only), row."""
    names = {"tpu-v5e": "TPU v5e", "trainium2": "Trainium2"}
    rows = []
    for (new, old), r in ratios.items():
        chip = names.get(new, new)
        for c in vendor_claims[(vendor_claims["subject_chip_id"] == new) & (vendor_claims["baseline_chip_id"] == old)].itertuples():
            rows.append({"chip": chip, "measure": f"{c.metric} ({c.qualifier}, {c.as_of:%Y})", "ratio": c.factor_high_x,
                         "kind": "vendor claim from a benchmark" if c.basis == "vendor benchmark claim" else "vendor claim",
                         "vendor": c.vendor, "claim_ref": c.claim_ref})
        rates = [(key, label) for key, label in RATE_LABELS.items() if f"{key}_per_chip" in r]
        for per, kind, suffix in (("per_chip", "spec sheet", "per chip"), ("per_dollar", "spec sheet ÷ list price",
                                                                          "per list-price $")):
            for key, label in rates:
                rows.append({"chip": chip, "measure": f"{label} {suffix}", "ratio": r[f"{key}_{per}"], "kind": kind,
                             "vendor": vendor_of[new], "claim_ref": ""})
    frame = pd.DataFrame(rows)
    frame["row"] = frame["chip"] + " \u00b7 " + frame["measure"]
    return frame.drop_duplicates(["row", "ratio"]).reset_index(drop=True)


SHORTER_WORDS = {"TPU v5e": "v5e", "Trainium2": "Trn2", "performance": "perf.", "per list-price $": "per list $",
                 "per dollar": "per $"}


def _short_measure(text: str) -> str:
    """A generation-chart row name in the words a phone's line holds."""
    for long, short in SHORTER_WORDS.items():
        text = text.replace(long, short)
    return text


def generation_chart(frame: pd.DataFrame, v5e_claim: str, trn2_claim: str, source: str) -> alt.TopLevelMixin:
    """Vendors' claims for a new chip over its predecessor against what their spec sheets
    and list prices give. `frame`: `generation_frame()`; `v5e_claim`, `trn2_claim`: the
    claim_ref of the vendor figure each title quotes."""
    by_ref = frame[frame["claim_ref"] != ""].set_index("claim_ref")
    v5e_dollar = frame[(frame["chip"] == "TPU v5e") & (frame["kind"] == "spec sheet ÷ list price")]["ratio"]
    trn2_bf16 = frame[(frame["chip"] == "Trainium2") & (frame["measure"] == "dense BF16 per list-price $")]["ratio"]
    title = (f"Per list-price dollar, v5e's spec sheet gives {v5e_dollar.min():.1f}x to {v5e_dollar.max():.1f}x its "
             f"predecessor, around Google's 'up to {by_ref.loc[v5e_claim, 'ratio']:g}x'; Trainium2 gives "
             f"{trn2_bf16.iloc[0]:.2f}x in BF16 against AWS's {by_ref.loc[trn2_claim, 'ratio']:g}x")
    vendors = [v for v in ["Google", "AWS"] if v in set(frame["vendor"])]
    # Rows in the frame's order, by position (a list of the rows' names would be carried by every layer);
    # on a phone their names in short words, on a line of their own.
    drawn = frame[["chip", "measure", "ratio", "kind", "vendor", "row"]].assign(
        place=range(len(frame)), row_short=frame["row"].map(_short_measure))
    order = alt.EncodingSortField("place", op="min")

    def draw(narrow: bool):
        x = alt.X("ratio:Q", title="New chip over its predecessor (times, log scale)",
                  scale=alt.Scale(type="log", domain=[0.5, 8]), axis=alt.Axis(values=[0.5, 1, 2, 4, 8]))
        base = alt.Chart(drawn)
        points = base.mark_point(filled=True, size=90, opacity=1).encode(
            x=x,
            color=alt.Color("vendor:N", title="Vendor", scale=charts.vendor_scale(vendors),
                            legend=charts.bottom_legend("Vendor", columns=2)),
            shape=alt.Shape("kind:N", title="Figure", sort=FIGURE_KINDS,
                            scale=alt.Scale(domain=FIGURE_KINDS, range=["triangle-up", "diamond", "circle", "square"]),
                            legend=charts.bottom_legend("Figure", columns=1 if narrow else 2)),
            tooltip=[alt.Tooltip("chip:N", title="Chip"), alt.Tooltip("measure:N", title="Measure"),
                     alt.Tooltip("ratio:Q", title="Over its predecessor (times)", format=".2f"),
                     alt.Tooltip("kind:N", title="Figure")])
        # Parity: one vertical line through every row.
        parity = alt.Chart().mark_rule(color=charts.INK, strokeDash=[4, 3], aria=False).encode(x=alt.datum(1))
        if narrow:
            return alt.layer(parity, charts.label_rows([points], "row_short", order, width=260, row_height=10))
        return alt.layer(parity, points.encode(y=alt.Y("row:N", title=None, sort=order))).properties(
            width=300, height=alt.Step(20))

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle="Ratios of each chip to its predecessor: the vendor's claims (triangles, diamonds) against every dense "
                 "peak rate both chips publish and their memory bandwidth, per chip (circles) and per dollar of "
                 "on-demand list price (squares). Dashed line: parity.",
        source=source,
        description=f"Dot plot of generational ratios for TPU v5e over TPU v4 and Trainium2 over Trainium. {title}. "
                    + "; ".join(f"{r.row}: {r.ratio:.2f}x ({r.kind})" for r in frame.itertuples()),
        data_files=["vendor_claims.csv", "accelerator_specs.csv", "accelerator_prices.csv"],
    )


# What every row of mlperf_results is (its benchmark, scenario and rounds), as the charts' subtitles say it.
MLPERF_SCOPE = "MLPerf Inference GPT-J 6B, Server scenario"
MLPERF_ROUNDS = "Rounds of Sept 2023 and early 2024"


def mlperf_subtitle(measure: str) -> str:
    """The subtitle of a chart of mlperf_results: the benchmark and scenario, then `measure`
    (what the chart draws, with its unit; no closing full stop), then the rounds."""
    return f"{MLPERF_SCOPE}: {measure}. {MLPERF_ROUNDS}."


def latency_chart(mlperf: pd.DataFrame, specs: pd.DataFrame, source: str) -> alt.TopLevelMixin:
    """Mean and 99th-percentile latency per query of the MLPerf systems, against the
    scenario's bound. `mlperf`: the mlperf_results table; `specs`: accelerator_specs."""
    lat = mlperf.merge(specs[["chip_id", "chip", "vendor"]], on="chip_id")
    lat["system"] = lat["round"] + " \u00b7 " + lat["chip"] + " \u00d7" + lat["accelerators_per_system"].astype(str)
    frame = lat.melt(id_vars=["system", "round", "chip_id", "vendor", "samples_per_second", "latency_bound_s"],
                     value_vars=["latency_mean_s", "latency_p99_s"], var_name="statistic", value_name="seconds")
    frame["statistic"] = frame["statistic"].map({"latency_mean_s": "mean", "latency_p99_s": "99th percentile"})
    mean = frame[frame["statistic"] == "mean"].set_index(["round", "chip_id"])["seconds"]
    latest = sorted(frame["round"].unique())[-1]
    title = (f"TPU v5e systems answered GPT-J queries more slowly than H100 systems: {mean[(latest, 'tpu-v5e')]:.1f} s "
             f"against {mean[(latest, 'h100')]:.1f} s on average in MLPerf {latest}")
    vendors = [v for v in CHIP_MAKERS if v in set(frame["vendor"])]
    order = list(lat["system"])

    def draw(narrow: bool):
        x = alt.X("seconds:Q", title="Latency per query (seconds)", scale=alt.Scale(domain=[0, 21]))
        dots = alt.Chart(frame).mark_point(filled=True, size=100, opacity=1).encode(
            x=x, y=alt.Y("system:N", title=None, sort=order),
            color=alt.Color("vendor:N", title="Vendor", scale=charts.vendor_scale(vendors),
                            legend=charts.bottom_legend("Vendor", columns=2)),
            shape=alt.Shape("statistic:N", title="Latency", scale=alt.Scale(domain=["mean", "99th percentile"],
                                                                            range=["circle", "triangle-right"]),
                            legend=charts.bottom_legend("Latency", columns=2)),
            tooltip=[alt.Tooltip("system:N", title="System"), alt.Tooltip("statistic:N", title="Statistic"),
                     alt.Tooltip("seconds:Q", title="Seconds", format=".2f"),
                     alt.Tooltip("samples_per_second:Q", title="Samples a second (system)", format=",.2f")])
        bound = alt.Chart(frame.head(1)).mark_rule(color="#D73027", strokeDash=[4, 3]).encode(x="latency_bound_s:Q")
        return alt.layer(bound, dots).properties(width=190 if narrow else 420, height=alt.Step(30))

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=mlperf_subtitle(f"mean and 99th-percentile latency per query, seconds; dashed line: the scenario's "
                                 f"{frame['latency_bound_s'].iloc[0]:g} s bound"),
        source=source,
        description=f"Dot plot of mean and 99th-percentile GPT-J latency for {len(lat)} MLPerf systems. {title}. "
                    + "; ".join(f"{r.system} {r.statistic}: {r.seconds:.1f} s" for r in frame.itertuples()),
        data_files=["mlperf_results.csv"],
    )


# --- what list prices buy ---------------------------------------------------------------------

# Short chip names for labels drawn beside marks.
SHORT = {"tpu-v4": "v4", "tpu-v5e": "v5e", "tpu-v5p": "v5p", "tpu-v6e": "v6e", "tpu7x": "TPU7x",
         "trainium": "Trn1", "trainium2": "Trn2", "trainium3": "Trn3", "inferentia2": "Inf2",
         "a100": "A100", "h100": "H100", "h200": "H200", "b200": "B200"}


def per_dollar_frame(per_dollar: pd.DataFrame) -> pd.DataFrame:
    """The columns the per-dollar chart draws, from `inference.per_dollar()`: chip, label
    (SHORT), vendor, usd_per_chip_hour, bf16_tflops_dense, hbm_bandwidth_gb_s,
    bf16_tflops_per_usd_hour, hbm_gb_s_per_usd_hour (both rounded to 0.1) and price_seen
    (the price row and its date)."""
    return per_dollar.assign(
        label=per_dollar["chip_id"].map(SHORT).fillna(per_dollar["chip"]),
        price_seen=per_dollar["price_id"] + ", " + per_dollar["as_of_price"].dt.strftime("%Y-%m-%d"),
        bf16_tflops_per_usd_hour=per_dollar["bf16_tflops_per_usd_hour"].round(1),
        hbm_gb_s_per_usd_hour=per_dollar["hbm_gb_s_per_usd_hour"].round(1),
    )[["chip", "label", "vendor", "usd_per_chip_hour", "bf16_tflops_dense", "hbm_bandwidth_gb_s",
       "bf16_tflops_per_usd_hour", "hbm_gb_s_per_usd_hour", "price_seen"]].reset_index(drop=True)


def per_dollar_chart(frame: pd.DataFrame, price_span: str, source: str) -> alt.TopLevelMixin:
    """Dense BF16 TFLOPS against HBM GB/s per dollar-hour of list price, one point per chip.
    `frame`: `per_dollar_frame()`; `price_span`: the dates the prices speak for, in words."""
    best = frame.loc[frame["hbm_gb_s_per_usd_hour"].idxmax()]
    worst = frame.loc[frame["hbm_gb_s_per_usd_hour"].idxmin()]
    title = f"{best['chip']} buys the most memory bandwidth per list-price dollar, {worst['chip']} the least"
    vendors = [v for v in CHIP_MAKERS if v in set(frame["vendor"])]
    # A label's alignment: "left" (to the right of its point), or "right" (to its left) for
    # a point in the right fifth of the plot, so that the label stays inside it.
    low, high = frame["hbm_gb_s_per_usd_hour"].min(), frame["hbm_gb_s_per_usd_hour"].max()
    right_edge = high - (high - low) * 0.2
    frame = frame.assign(side=(frame["hbm_gb_s_per_usd_hour"] > right_edge).map({True: "right", False: "left"}))

    def draw(narrow: bool):
        base = alt.Chart(frame).encode(
            x=alt.X("hbm_gb_s_per_usd_hour:Q", title="HBM bandwidth per dollar-hour (GB/s per $/h)",
                    scale=alt.Scale(zero=False, padding=12)),
            y=alt.Y("bf16_tflops_per_usd_hour:Q", title="Dense BF16 TFLOPS per dollar-hour",
                    scale=alt.Scale(zero=False, padding=12)))
        points = base.mark_point(filled=True, size=80 if narrow else 110, opacity=1, stroke=charts.PAPER,
                                 strokeWidth=1).encode(
            color=alt.Color("vendor:N", title="Vendor", scale=charts.vendor_scale(vendors),
                            legend=charts.bottom_legend("Vendor") if narrow else alt.Legend()),
            tooltip=[alt.Tooltip("chip:N", title="Chip"),
                     alt.Tooltip("usd_per_chip_hour:Q", title="$/chip-hour", format="$.3f"),
                     alt.Tooltip("bf16_tflops_dense:Q", title="BF16 TFLOPS (dense)", format=",.0f"),
                     alt.Tooltip("hbm_bandwidth_gb_s:Q", title="HBM GB/s", format=",.0f"),
                     alt.Tooltip("hbm_gb_s_per_usd_hour:Q", title="GB/s per $/h", format=",.0f"),
                     alt.Tooltip("bf16_tflops_per_usd_hour:Q", title="TFLOPS per $/h", format=",.0f"),
                     alt.Tooltip("price_seen:N", title="Price used")])
        # Labels in the text colour (the page's, in either scheme), beside their points.
        labels = [base.transform_filter(f"datum.side == '{side}'").mark_text(
            align=side, dx=7 if side == "left" else -7, dy=-7, fontSize=11).encode(text="label:N")
            for side in ("left", "right")]
        return alt.layer(points, *labels).properties(width=260 if narrow else 520,
                                                     height=300 if narrow else 320)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Peak dense BF16 TFLOPS and HBM GB/s per dollar of on-demand list price per chip-hour; latest price per "
                 f"chip, {price_span}. Decoding is bandwidth-bound, so the horizontal axis governs it.",
        source=source,
        description=f"Scatter plot of {len(frame)} accelerators: memory bandwidth per dollar-hour against compute per "
                    f"dollar-hour. {title}. " + "; ".join(
                        f"{r.chip}: {r.hbm_gb_s_per_usd_hour:,.0f} GB/s and {r.bf16_tflops_per_usd_hour:,.0f} TFLOPS per $/h"
                        for r in frame.itertuples()),
        data_files=["accelerator_specs.csv", "accelerator_prices.csv"],
    )


# --- the roofline -------------------------------------------------------------------------------

ROOFLINE_CHIPS = ["tpu-v5e", "tpu-v6e", "tpu7x", "trainium2", "h100", "h200"]
# Where each ridge label sits (default: above right), so none crosses another chip's line or
# label: H200 shares H100's peak, Trainium2's ridge lies just under the two Hopper lines, and
# in a narrow plot v6e's label would meet H100's, so it moves along its line.
ROOFLINE_LABEL_SIDE = {"wide": {"h200": "left", "trainium2": "below"},
                       "narrow": {"h200": "left", "trainium2": "below", "tpu-v6e": "along"}}
ROOFLINE_X, ROOFLINE_Y = (0.5, 10_000), (0.3, 5_000)  # FLOP per byte; TFLOPS


def roofline_frames(specs: pd.DataFrame, chip_ids: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The roofline of each chip (`chip_ids`, default ROOFLINE_CHIPS; `specs`:
    accelerator_specs): (lines, ridges, phases). lines: chip, vendor, intensity, tflops at
    the plot's two ends and the ridge; ridges: chip, label, vendor, intensity (FLOP per byte
    where the chip turns compute-bound), tflops (dense BF16 peak), side (where its label
    sits in the wide layout), side_narrow (in the narrow one); phases: phase, start, end (the intensities of decoding at batches 1 to 256 and of
    prefill of 512- to 8,192-token prompts)."""
    from . import inference

    rows = specs.set_index("chip_id").loc[chip_ids or ROOFLINE_CHIPS]
    lines, ridges = [], []
    for chip_id, row in rows.iterrows():
        ridge = inference.ridge_intensity(row["bf16_tflops_dense"], row["hbm_bandwidth_gb_s"])
        for x in (ROOFLINE_X[0], ridge, ROOFLINE_X[1]):
            lines.append({"chip": row["chip"], "vendor": row["vendor"], "intensity": round(x, 2),
                          "tflops": round(inference.roofline_tflops(x, row["bf16_tflops_dense"], row["hbm_bandwidth_gb_s"]), 3)})
        ridges.append({"chip": row["chip"], "label": SHORT.get(chip_id, row["chip"]), "vendor": row["vendor"],
                       "intensity": ridge, "tflops": row["bf16_tflops_dense"],
                       "side": ROOFLINE_LABEL_SIDE["wide"].get(chip_id, "right"),
                       "side_narrow": ROOFLINE_LABEL_SIDE["narrow"].get(chip_id, "right")})
    phases = pd.DataFrame([
        {"phase": "decode, batch 1 to 256", "start": inference.decode_intensity(1), "end": inference.decode_intensity(256)},
        {"phase": "prefill, 512- to 8,192-token prompts", "start": inference.prefill_intensity(512),
         "end": inference.prefill_intensity(8192)}])
    return pd.DataFrame(lines), pd.DataFrame(ridges), phases


def roofline_title(ridges: pd.DataFrame) -> str:
    """'Decoding at batches below about 200 is limited by memory bandwidth on every chip
    shown; prefill by compute': the lowest ridge, rounded down to tens."""
    return (f"Decoding at batches below about {math.floor(ridges['intensity'].min() / 10) * 10:.0f} is limited by memory "
            "bandwidth on every chip shown; prefill by compute")


def roofline_chart(lines: pd.DataFrame, ridges: pd.DataFrame, phases: pd.DataFrame, source: str) -> alt.TopLevelMixin:
    """Log-log rooflines of a few chips with their ridges and the intensities of decoding and
    prefill shaded behind them. Arguments: `roofline_frames()`."""
    title = roofline_title(ridges)
    low, high = ridges["intensity"].min(), ridges["intensity"].max()
    vendors = [v for v in CHIP_MAKERS if v in set(lines["vendor"])]
    x_scale = alt.Scale(type="log", domain=list(ROOFLINE_X))
    y_scale = alt.Scale(type="log", domain=list(ROOFLINE_Y))
    colour = alt.Color("vendor:N", title="Vendor", scale=charts.vendor_scale(vendors))

    def draw(narrow: bool):
        height = 300 if narrow else 330
        shading = charts.backdrop(alt.Chart(phases).mark_rect(opacity=0.12, color="#555").encode(
            x=alt.X("start:Q", scale=x_scale), x2="end:Q", tooltip=[alt.Tooltip("phase:N", title="Phase")]))
        # The phases' names inside the plot, clear of the lines: decode's at the top from its
        # left edge, prefill's at the bottom to its right edge. Vega sets a label's lines
        # downwards from its baseline, so a two-line label at the bottom sits one line up.
        names = [(0, "start", "left", "top", 4, 4, 0, ["decode,", "batch 1 to 256"] if narrow else ["decode, batch 1 to 256"]),
                 (1, "end", "right", "bottom", -4, -18, height, ["prefill, 512- to", "8,192-token prompts"])]
        phase_names = alt.layer(*[
            alt.Chart(phases.iloc[[i]][["start", "end"]].assign(label=[text])).mark_text(
                align=align, baseline=baseline, dx=dx, dy=dy, fontSize=11, color="#333").encode(
                x=alt.X(f"{edge}:Q", scale=x_scale), y=alt.value(y), text="label:N")
            for i, edge, align, baseline, dx, dy, y, text in names])
        roof = alt.Chart(lines).mark_line(strokeWidth=2).encode(
            x=alt.X("intensity:Q", scale=x_scale, axis=alt.Axis(values=[1, 10, 100, 1000, 10000], format=","),
                    title=("FLOP per byte read from HBM (log)" if narrow else
                                                        "Arithmetic intensity (FLOP per byte read from HBM, log scale)")),
            y=alt.Y("tflops:Q", scale=y_scale, axis=alt.Axis(values=[1, 10, 100, 1000], format=","),
                    title=("Attainable dense BF16 TFLOPS (log)" if narrow else
                                                     "Attainable dense BF16 TFLOPS (log scale)")),
            color=alt.Color("vendor:N", title="Vendor", scale=charts.vendor_scale(vendors),
                            legend=charts.bottom_legend("Vendor") if narrow else alt.Legend()),
            detail="chip:N",
            tooltip=[alt.Tooltip("chip:N", title="Chip"), alt.Tooltip("intensity:Q", title="FLOP/byte", format=",.0f"),
                     alt.Tooltip("tflops:Q", title="TFLOPS", format=",.1f")])
        at = dict(x=alt.X("intensity:Q", scale=x_scale), y=alt.Y("tflops:Q", scale=y_scale))
        points = alt.Chart(ridges).mark_point(filled=True, size=45, opacity=1).encode(
            **at, color=alt.Color("vendor:N", scale=charts.vendor_scale(vendors), legend=None),
            tooltip=[alt.Tooltip("chip:N", title="Chip"), alt.Tooltip("intensity:Q", title="Ridge (FLOP/byte)", format=",.0f"),
                     alt.Tooltip("tflops:Q", title="Peak TFLOPS", format=",.0f")])
        placed = {"right": dict(align="left", dx=5, dy=-8), "below": dict(align="left", baseline="top", dx=5, dy=6),
                  "left": dict(align="right", dx=-5, dy=-8), "along": dict(align="left", dx=30, dy=-8)}
        side = "side_narrow" if narrow else "side"
        labels = [alt.Chart(ridges).transform_filter(f"datum.{side} == '{where}'").mark_text(fontSize=11, **how).encode(
            **at, text="label:N") for where, how in placed.items() if where in set(ridges[side])]
        return alt.layer(shading, phase_names, roof, points, *labels).properties(
            width=240 if narrow else 520, height=height)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Roofline: attainable TFLOPS = min(peak dense BF16, intensity x HBM bandwidth). Dots mark each chip's "
                 f"ridge ({low:,.0f} to {high:,.0f} FLOP/byte). BF16 weights, KV cache ignored.",
        source=source,
        description=f"Log-log roofline of {len(ridges)} accelerators with shaded bands for decoding (intensity 1 to 256) "
                    f"and prefill (512 to 8,192). {title}. Ridge points: "
                    + "; ".join(f"{r.chip} {r.intensity:,.0f} FLOP/byte at {r.tflops:,.0f} TFLOPS" for r in ridges.itertuples()),
        data_files=["accelerator_specs.csv"],
    )


# --- the benchmark per dollar -----------------------------------------------------------------

def mlperf_dollar_frame(per_dollar: pd.DataFrame, specs: pd.DataFrame) -> pd.DataFrame:
    """The columns the MLPerf per-dollar chart draws, from `inference.mlperf_per_dollar()`
    and accelerator_specs: system (round, chip, chips, submitter, availability), round,
    chip_id, submitter, vendor, samples_per_usd, samples_per_second, samples_per_second_per_chip,
    usd_per_chip_hour, framework, benchmark."""
    mp = per_dollar.merge(specs[["chip_id", "chip", "vendor"]], on="chip_id")
    mp["system"] = (mp["round"] + " \u00b7 " + mp["chip"] + " \u00d7" + mp["accelerators_per_system"].astype(str)
                    + " (" + mp["submitter"] + ", " + mp["availability"] + ")")
    return mp[["system", "round", "chip_id", "submitter", "vendor", "samples_per_usd", "samples_per_second",
               "samples_per_second_per_chip", "usd_per_chip_hour", "framework", "benchmark"]].reset_index(drop=True)


def mlperf_ratios(frame: pd.DataFrame, first: str = "tpu-v5e", second: str = "h100") -> dict[str, float]:
    """Per round, `first`'s samples per list-price dollar over `second`'s."""
    by = frame.set_index(["round", "chip_id"])["samples_per_usd"]
    return {rnd: by[(rnd, first)] / by[(rnd, second)] for rnd in sorted(frame["round"].unique())}


def mlperf_dollar_chart(frame: pd.DataFrame, prices_on, source: str) -> alt.TopLevelMixin:
    """GPT-J samples per list-price dollar of each MLPerf system, one bar each.
    `frame`: `mlperf_dollar_frame()`; `prices_on`: the date the prices are taken at."""
    ratio = mlperf_ratios(frame)
    first, last = sorted(ratio)[0], sorted(ratio)[-1]
    title = (f"Per list-price dollar TPU v5e led H100 on GPT-J in {first} ({ratio[first]:.1f}x) but trailed it in "
             f"{last} ({1 / ratio[last]:.1f}x)") if ratio[first] > 1 > ratio[last] else (
        f"Per list-price dollar TPU v5e gave {ratio[first]:.1f}x H100's GPT-J samples in {first} and "
        f"{ratio[last]:.1f}x in {last}")
    vendors = [v for v in CHIP_MAKERS if v in set(frame["vendor"])]
    # Systems in the frame's order, by position (a list of their names would be carried by every layer).
    drawn = frame.assign(place=range(len(frame)))
    order = alt.EncodingSortField("place", op="min")

    def draw(narrow: bool):
        x = alt.X("samples_per_usd:Q", title="GPT-J samples per dollar of list price",
                  scale=alt.Scale(domainMax=float(frame["samples_per_usd"].max()) * (1.25 if narrow else 1.1)))
        base = alt.Chart(drawn).encode(x=x)
        bars = base.mark_bar(height=14 if narrow else alt.Undefined).encode(
            color=alt.Color("vendor:N", title="Vendor", scale=charts.vendor_scale(vendors),
                            legend=charts.bottom_legend("Vendor") if narrow else alt.Legend()),
            tooltip=[alt.Tooltip("system:N", title="System"), alt.Tooltip("benchmark:N", title="Benchmark"),
                     alt.Tooltip("samples_per_second:Q", title="Samples/s (system)", format=",.2f"),
                     alt.Tooltip("samples_per_second_per_chip:Q", title="Samples/s per chip", format=",.2f"),
                     alt.Tooltip("usd_per_chip_hour:Q", title="List $/chip-hour", format="$.2f"),
                     alt.Tooltip("samples_per_usd:Q", title="Samples per $", format=",.0f"),
                     alt.Tooltip("framework:N", title="Software")])
        values = base.mark_text(align="left", dx=4, fontSize=11).encode(text=alt.Text("samples_per_usd:Q", format=",.0f"))
        if narrow:
            return charts.label_rows([bars, values], "system", order, width=260, row_height=14)
        y = alt.Y("system:N", title=None, sort=order)
        return alt.layer(bars.encode(y=y), values.encode(y=y)).properties(width=420, height=alt.Step(30))

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=mlperf_subtitle(f"samples per second per chip x 3,600 / on-demand list $ per chip-hour, latest price "
                                 f"of {pd.Timestamp(prices_on):%Y} per chip"),
        source=source,
        description=f"Bar chart of GPT-J samples per list-price dollar for {len(frame)} MLPerf systems. {title}. "
                    + "; ".join(f"{r.system}: {r.samples_per_usd:,.0f} samples per dollar" for r in frame.itertuples()),
        data_files=["mlperf_results.csv", "accelerator_prices.csv"],
    )


# --- the cost model's charts, finished (their layouts are inference.range_chart, cost_chart, tornado_chart) ---

COST_DATA = ["accelerator_specs.csv", "accelerator_prices.csv", "serving_domains.csv", "serving_formats.csv",
             "reference_models.csv", "cost_assumptions.csv"]


def range_figure(verdicts: dict[str, pd.DataFrame], model_name: str, price_span: str, source: str) -> alt.TopLevelMixin:
    """Each chip's cost range per price basis (`verdicts`: {basis: could_be_cheapest frame})
    with its wide and narrow layouts (`inference.range_chart`)."""
    from . import inference

    wide, title, description = inference.range_chart(verdicts)
    return charts.finish(
        wide, narrow=inference.range_chart(verdicts, narrow=True)[0], title=title,
        subtitle=(f"Dollars per million output tokens of {model_name}, decoding only: each chip's own assumptions at their "
                  f"favourable and unfavourable ends, one chip at a time (line), every assumption at its central value "
                  f"(circle: could be the cheapest; diamond: clearly dearer). "
                  f"Dashed: the lowest unfavourable end. List prices {price_span}; owning costs from SemiAnalysis as Epoch AI "
                  "reports them."),
        source=source, description=description, data_files=COST_DATA)


def cost_figure(chips: pd.DataFrame, model, assumptions: pd.DataFrame, cost_scenarios: pd.DataFrame,
                scenarios: pd.DataFrame, price_span: str, source: str) -> alt.TopLevelMixin:
    """The interactive cost chart (`inference.cost_chart`) with its wide and narrow layouts,
    its title and text alternative following the reader's settings (`inference.with_live_text`)."""
    from . import inference

    wide, title, description = inference.cost_chart(chips, model, assumptions, cost_scenarios, scenarios)
    narrow = inference.cost_chart(chips, model, assumptions, cost_scenarios, scenarios, narrow=True)[0]
    return inference.with_live_text(charts.finish(
        wide, narrow=narrow, title=title,
        subtitle=(f"Dollars per million output tokens of {model.name}, decoding only, on the picked price basis: on-demand "
                  f"list prices {price_span} less each vendor's discount, or owning cost. Defaults: the central assumptions, "
                  "list prices. \u25c6 and outline: serving Anthropic in the picked scenario; chips without a price show the "
                  "effective $/chip-hour that ties."),
        source=source + "; formula in chipbook.inference", description=description,
        data_files=[*COST_DATA, "cost_scenarios.csv"]))


def tornado_figure(result: pd.DataFrame, chip_names: dict[str, str], model_name: str, source: str) -> alt.TopLevelMixin:
    """What flips the order of the chips Anthropic buys (`result`: `inference.tornado()`),
    with its wide and narrow layouts (`inference.tornado_chart`)."""
    from . import inference

    wide, title, description = inference.tornado_chart(result, chip_names)
    among = ", ".join(chip_names[c] for c in result.attrs["among"])
    return charts.finish(
        wide, narrow=inference.tornado_chart(result, chip_names, narrow=True)[0], title=title,
        subtitle=(f"Among {among}, on owning cost: {chip_names[result.attrs['leader']]}'s cost per million output tokens "
                  "over the next chip's, each assumption moved alone to its low end (circle) and high end (triangle), the "
                  f"others central; only assumptions that move it are drawn. {model_name}."),
        source=source, description=description,
        data_files=["cost_assumptions.csv", "accelerator_specs.csv", "serving_formats.csv", "cost_scenarios.csv"])
