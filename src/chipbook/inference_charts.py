"""The inference-economics chapter's evidence charts that are not its cost model: vendors'
generation-over-generation claims against their spec sheets, and MLPerf latency.

Each function returns the finished chart (`charts.finish`) with its narrow layout; titles
and text alternatives are computed from the frame drawn (tests/test_chart_titles.py).
"""

from __future__ import annotations

import json
import math

import altair as alt
import numpy as np
import pandas as pd

from . import charts
from .vocabulary import CHIP_MAKERS

RATE_LABELS = {"bf16": "dense BF16", "fp8": "dense FP8", "int8": "dense INT8", "bandwidth": "HBM bandwidth"}


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
                         "kind": "vendor benchmark claim" if c.basis == "vendor benchmark claim" else "vendor claim",
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


# A phone's words for the generation chart's row names (replaced in the page).
SHORTER_WORDS = {"performance": "perf.", "per list-price $": "per list $", "per dollar": "per $"}


def generation_title(frame: pd.DataFrame, v5e_claim: str, trn2_claim: str) -> str:
    """The generation chart's one finding: where the spec sheets per list-price dollar stand
    against Google's claim (`v5e_claim`: v5e's ratios bracket it, exceed it or fall short of
    it) and AWS's (`trn2_claim`: Trainium2's BF16 ratio reaches it, comes near it, at 0.8 of
    it or more, or falls short of it). `frame`: `generation_frame()`."""
    by_ref = frame[frame["claim_ref"] != ""].set_index("claim_ref")
    v5e = frame[(frame["chip"] == "TPU v5e") & (frame["kind"] == "spec sheet \u00f7 list price")]["ratio"]
    trn2 = frame[(frame["chip"] == "Trainium2") & (frame["measure"] == "dense BF16 per list-price $")]["ratio"].iloc[0]
    google, aws = by_ref.loc[v5e_claim, "ratio"], by_ref.loc[trn2_claim, "ratio"]
    # The words say exactly what the ratios do: a claim inside v5e's span is "bracketed" (some
    # ratios fall below it), not "backed".
    verb = ("bracket" if v5e.min() <= google <= v5e.max() else
            "exceed" if v5e.min() > google else "fall short of")
    aws_verb = "reach" if trn2 >= aws else ("come near" if trn2 >= 0.8 * aws else "fall short of")
    if verb == aws_verb:
        return (f"Per list-price dollar, spec sheets {verb} Google's {google:g}x claim for TPU v5e and AWS's "
                f"{aws:g}x for Trainium2")
    mixed = (verb == "fall short of") != (aws_verb == "fall short of")
    return (f"Per list-price dollar, spec sheets {verb} Google's {google:g}x claim for TPU v5e "
            f"{'but' if mixed else 'and'} {aws_verb} AWS's {aws:g}x for Trainium2")


def generation_drawn(frame: pd.DataFrame, claims: dict[str, str]) -> pd.DataFrame:
    """The rows the generation chart draws, per chip: the vendor's claim the title quotes
    (`claims`: chip to claim_ref), then every spec-sheet ratio per list-price dollar (the
    per-chip ratios would only pad the chart), each with that claim beside it.
    Columns: chip, name (the row's words: "AWS claim: training performance", "dense BF16 per
    chip"), ratio (to three places), claim (the quoted claim's factor), hedge ("up to " on a
    hedged claim's own row, else empty), per ("claim", "dollar" or "chip"), place (the row's
    order within its chip: the claim, the per-dollar ratios, the per-chip ones)."""
    rows = []
    for chip, ref in claims.items():
        claim = frame[frame["claim_ref"] == ref].iloc[0]
        metric, hedge = claim["measure"].rsplit(" (", 1)
        rows.append({"chip": chip, "name": f"{claim['vendor']} claim: {metric}", "ratio": claim["ratio"],
                     "claim": claim["ratio"], "hedge": "up to " if hedge.startswith("up to") else "", "per": "claim"})
        # The per-dollar rows the title quotes first, under the claim; the per-chip ones after.
        spec = frame[(frame["chip"] == chip) & (frame["kind"] == "spec sheet \u00f7 list price")]
        rows += [{"chip": chip, "name": r.measure, "ratio": r.ratio, "claim": claim["ratio"], "hedge": "",
                  "per": "chip" if r.kind == "spec sheet" else "dollar"} for r in spec.itertuples()]
    drawn = pd.DataFrame(rows).assign(ratio=lambda d: d["ratio"].round(3))
    return drawn.assign(place=drawn.groupby("chip").cumcount())


def generation_chart(frame: pd.DataFrame, v5e_claim: str, trn2_claim: str, source: str) -> alt.TopLevelMixin:
    """Each vendor's claim for a new chip over its predecessor against what the spec sheets
    and list prices give, a panel per chip: the claim the title quotes as its top row and a
    line down the panel, each rate both chips publish (per chip, per list-price dollar) a
    row (per list-price dollar), with the gap from the claim to its ratio drawn and the ratio written at its end.
    `frame`: `generation_frame()`; `v5e_claim`, `trn2_claim`: the claim_ref of the vendor
    figure each title quotes."""
    title = generation_title(frame, v5e_claim, trn2_claim)
    drawn = generation_drawn(frame, {"TPU v5e": v5e_claim, "Trainium2": trn2_claim})
    short = "datum.name"
    for long, brief in SHORTER_WORDS.items():
        short = f"replace({short}, {json.dumps(long)}, {json.dumps(brief)})"
    chips = list(dict.fromkeys(drawn["chip"]))
    vendor_of = frame.drop_duplicates("chip").set_index("chip")["vendor"]
    names = {"TPU v5e": "TPU v5e over TPU v4 (Google)", "Trainium2": "Trainium2 over Trainium (AWS)"}
    x_scale = alt.Scale(type="log", domain=[0.3, 10], nice=False)
    order = alt.EncodingSortField("place", op="min")

    def panel(chip: str, narrow: bool, last: bool):
        x = alt.X("ratio:Q", title="New chip over its predecessor (times, log scale)" if last else None, scale=x_scale,
                  axis=alt.Axis(values=[0.5, 1, 2, 4, 8], labels=last, ticks=last))
        y = (alt.Y("name:N", sort=order, axis=None, title=None, bandPosition=0.72) if narrow else
             alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)))
        colour = charts.VENDOR_COLORS[vendor_of[chip]]
        # Both layouts in one shape, so that the page carries the narrow one as a small patch of the
        # wide one. The claim a stroke in each row (a line down the panel, broken by the rows' names
        # on a phone); from it, the gap to each ratio, drawn; the scale and axis stated once.
        claim = alt.Chart().mark_point(shape="M0,-1L0,1", size=100 if narrow else 160, strokeWidth=2, filled=False,
                                       color=colour, opacity=1).encode(x=alt.X("claim:Q"))
        gap = alt.Chart().mark_rule(color="#8C8C8C", strokeWidth=2).encode(x=alt.X("claim:Q"), x2="ratio:Q")
        # The per-dollar ratios the title weighs, in the vendor's colour.
        points = alt.Chart().mark_point(filled=True, size=80, opacity=1, color=colour).encode(
            x=x,
            tooltip=[alt.Tooltip("name:N", title="Figure"),
                     alt.Tooltip("ratio:Q", title="Over its predecessor (times)", format=".2f")])
        # Each ratio written at its end of the gap, away from the claim; the claim's own row names the line.
        values = [alt.Chart().transform_filter(test).mark_text(align=align, dx=dx, fontSize=11).encode(
            x=alt.X("ratio:Q"), text="text:N") for test, align, dx in (
                ("datum.per != 'claim' && datum.ratio >= datum.claim", "left", 8),
                ("datum.per != 'claim' && datum.ratio < datum.claim", "right", -8),
                ("datum.per == 'claim'", "right", -8))]
        layers = [claim, gap, points, *values]
        if narrow:
            layers.append(alt.Chart().mark_text(align="left", baseline="bottom", dy=-8, fontSize=11).encode(
                x=alt.value(0), text="name:N"))
        rows = alt.layer(*layers, data=drawn).transform_filter(alt.datum.chip == chip).transform_calculate(
            text="(datum.per == 'claim' ? 'claim line: ' : '') + datum.hedge + format(datum.ratio, '.2~f') + '\\u00d7'")
        if narrow:
            rows = rows.transform_calculate(name=short)
        return rows.encode(y=y).properties(width=240 if narrow else 300, height=alt.Step(34 if narrow else 22),
                                           title=alt.Title(names.get(chip, chip), anchor="start", fontSize=12))

    def draw(narrow: bool):
        return alt.vconcat(*[panel(c, narrow, i == len(chips) - 1) for i, c in enumerate(chips)],
                           spacing=10).resolve_scale(x="shared")

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle="Each chip over its predecessor: the vendor's claim against every dense peak rate both chips publish and "
                 "their memory bandwidth, per dollar of on-demand list price.",
        source=source,
        description=f"Dot plot of generational ratios for TPU v5e over TPU v4 and Trainium2 over Trainium against the "
                    f"vendor's claim. {title}. "
                    + "; ".join(f"{r.chip}, {r.name}: {r.hedge}{r.ratio:.2f}x" for r in drawn.itertuples()),
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
    # A phone's row names: the chip's short name ("v4.0 \u00b7 H100 \u00d78").
    lat["system_short"] = (lat["round"] + " \u00b7 " + lat["chip_id"].map(SHORT).fillna(lat["chip"]) + " \u00d7"
                           + lat["accelerators_per_system"].astype(str))
    frame = lat.melt(id_vars=["system", "system_short", "round", "chip_id", "vendor", "samples_per_second", "latency_bound_s"],
                     value_vars=["latency_mean_s", "latency_p99_s"], var_name="statistic", value_name="seconds")
    frame["statistic"] = frame["statistic"].map({"latency_mean_s": "mean", "latency_p99_s": "99th percentile"})
    mean = frame[frame["statistic"] == "mean"].set_index(["round", "chip_id"])["seconds"]
    rounds = sorted(frame["round"].unique())
    latest = rounds[-1]
    slower = [mean[(r, "tpu-v5e")] > mean[(r, "h100")] for r in rounds]
    every = "both MLPerf rounds" if len(rounds) == 2 else "every MLPerf round"
    verdict = (f"TPU v5e was slower than H100 on GPT-J in {every}" if all(slower) else
               f"TPU v5e was faster than H100 on GPT-J in {every}" if not any(slower) else
               "TPU v5e and H100 traded places on GPT-J latency across MLPerf rounds")
    title = f"{verdict}: {mean[(latest, 'tpu-v5e')]:.1f} s against {mean[(latest, 'h100')]:.1f} s a query on average in {latest}"
    vendors = [v for v in CHIP_MAKERS if v in set(frame["vendor"])]

    def draw(narrow: bool):
        label = "system_short" if narrow else "system"
        x = alt.X("seconds:Q", title="Latency per query (seconds)", scale=alt.Scale(domain=[0, 21]))
        dots = alt.Chart(frame).mark_point(filled=True, size=100, opacity=1).encode(
            x=x, y=alt.Y(f"{label}:N", title=None, sort=list(lat[label])),
            color=alt.Color("vendor:N", title="Vendor", scale=charts.vendor_scale(vendors),
                            legend=charts.bottom_legend("Vendor", columns=2)),
            shape=alt.Shape("statistic:N", title="Latency", scale=alt.Scale(domain=["mean", "99th percentile"],
                                                                            range=["circle", "triangle-right"]),
                            legend=None),
            tooltip=[alt.Tooltip("system:N", title="System"), alt.Tooltip("statistic:N", title="Statistic"),
                     alt.Tooltip("seconds:Q", title="Seconds", format=".2f"),
                     alt.Tooltip("samples_per_second:Q", title="Samples a second (system)", format=",.2f")])
        bound = alt.Chart(frame.head(1)).mark_rule(color="#D73027", strokeDash=[4, 3]).encode(x="latency_bound_s:Q")
        # The bound named above the plot, ending at its line.
        bound_name = alt.Chart(frame.head(1)).transform_calculate(text="format(datum.latency_bound_s, 'd') + ' s bound'").mark_text(
            align="right", baseline="bottom", dx=2, dy=-4, fontSize=11, color="#333").encode(
            x="latency_bound_s:Q", y=alt.value(0), text="text:N")
        # Each mean written above its mark (the title quotes the latest round's); the first row
        # names its two marks, the mean above its dot and the 99th percentile under its triangle.
        first = f"datum.system == {json.dumps(lat['system'].iloc[0])}"
        means = alt.Chart(frame).transform_filter("datum.statistic == 'mean'").transform_calculate(
            text=f"({first} ? 'mean ' : '') + format(datum.seconds, '.1f') + ' s'").mark_text(
            baseline="bottom", dy=-7, fontSize=11).encode(x=x, y=alt.Y(f"{label}:N", sort=list(lat[label])), text="text:N")
        tail = alt.Chart(frame).transform_filter(f"datum.statistic != 'mean' && {first}").mark_text(
            text="99th percentile", align="right", baseline="top", dx=6, dy=7, fontSize=11).encode(
            x=x, y=alt.Y(f"{label}:N", sort=list(lat[label])))
        return alt.layer(bound, dots, means, tail, bound_name).properties(width=190 if narrow else 420, height=alt.Step(30))

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=mlperf_subtitle("mean and 99th-percentile latency per query, seconds"),
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


# Where a label may sit beside its point: (dx, dy, align) with the label's middle at dy.
LABEL_PLACES = {"right": (7, 0, "left"), "left": (-7, 0, "right"), "above": (0, -11, "center"),
                "below": (0, 11, "center"), "upper-right": (5, -9, "left"), "lower-right": (5, 9, "left"),
                "upper-left": (-5, -9, "right"), "lower-left": (-5, 9, "right")}
CHAR_PX, LABEL_HEIGHT_PX, POINT_RADIUS_PX = 6.6, 12, 6


def place_labels(x_px: pd.Series, y_px: pd.Series, labels: pd.Series, width: float, height: float) -> pd.Series:
    """A place (a key of LABEL_PLACES) for each point's label, in pixels of a plot of
    `width` x `height`: the first place, in LABEL_PLACES' order, where the label overlaps
    no point, no label placed before it and no edge of the plot; where every place does,
    the one that overlaps least. Points are labelled left to right."""
    def box(i, place):
        dx, dy, align = LABEL_PLACES[place]
        w = len(str(labels[i])) * CHAR_PX
        left = x_px[i] + dx - {"left": 0, "center": w / 2, "right": w}[align]
        return (left, y_px[i] + dy - LABEL_HEIGHT_PX / 2, left + w, y_px[i] + dy + LABEL_HEIGHT_PX / 2)

    def overlap(a, b):
        return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))

    points = [(x_px[i] - POINT_RADIUS_PX, y_px[i] - POINT_RADIUS_PX, x_px[i] + POINT_RADIUS_PX, y_px[i] + POINT_RADIUS_PX)
              for i in x_px.index]
    placed, chosen = [], {}
    for i in x_px.sort_values(kind="stable").index:
        def cost(place):
            b = box(i, place)
            outside = (max(0.0, -b[0]) + max(0.0, b[2] - width) + max(0.0, -b[1]) + max(0.0, b[3] - height)) * LABEL_HEIGHT_PX
            return sum(overlap(b, other) for other in points + placed) + outside
        best = next((p for p in LABEL_PLACES if cost(p) == 0), None) or min(LABEL_PLACES, key=cost)
        chosen[i] = best
        placed.append(box(i, best))
    return pd.Series(chosen).reindex(x_px.index)


def _nice_domain(values: pd.Series, step: float, pad: float) -> list[float]:
    """An axis domain around `values`, `pad` beyond them, at whole `step`s."""
    return [math.floor((values.min() - pad) / step) * step, math.ceil((values.max() + pad) / step) * step]


def per_dollar_chart(frame: pd.DataFrame, price_span: str, source: str) -> alt.TopLevelMixin:
    """Dense BF16 TFLOPS against HBM GB/s per dollar-hour of list price, one point per chip,
    each named beside it where no other name or point is. `frame`: `per_dollar_frame()`;
    `price_span`: the dates the prices speak for, in words."""
    best, worst, most_compute = (frame["hbm_gb_s_per_usd_hour"].idxmax(), frame["hbm_gb_s_per_usd_hour"].idxmin(),
                                 frame["bf16_tflops_per_usd_hour"].idxmax())
    # The chips the title names go by the same name on their points: the chip's, less any nickname.
    frame = frame.copy()
    for i in {best, worst, most_compute}:
        frame.loc[i, "label"] = frame.loc[i, "chip"].split(" (")[0]
    name = frame["label"]
    compute = ("it also the most compute" if most_compute == best else
               f"{name[most_compute]} the most compute, far right")
    # One finding in the title (bandwidth, which governs decoding); compute per dollar in the text alternative.
    title = f"{name[best]} buys the most memory bandwidth per list-price dollar, {name[worst]} the least"
    vendors = [v for v in CHIP_MAKERS if v in set(frame["vendor"])]
    # Bandwidth per dollar, which governs decoding, up the chart where the eye reads a ranking;
    # compute per dollar across.
    y_domain = _nice_domain(frame["hbm_gb_s_per_usd_hour"], 50, 20)
    x_domain = [0, math.ceil((frame["bf16_tflops_per_usd_hour"].max() + 20) / 50) * 50]
    sizes = {"wide": (520, 320), "narrow": (250, 300)}
    for layout, (width, height) in sizes.items():
        x_px = frame["bf16_tflops_per_usd_hour"] / x_domain[1] * width
        y_px = (1 - (frame["hbm_gb_s_per_usd_hour"] - y_domain[0]) / (y_domain[1] - y_domain[0])) * height
        frame[f"place_{layout}"] = place_labels(x_px, y_px, frame["label"], width, height)

    def draw(narrow: bool):
        layout = "narrow" if narrow else "wide"
        base = alt.Chart(frame).encode(
            y=alt.Y("hbm_gb_s_per_usd_hour:Q", title="HBM bandwidth per dollar-hour (GB/s per $/h)",
                    scale=alt.Scale(domain=y_domain, nice=False)),
            x=alt.X("bf16_tflops_per_usd_hour:Q", title="Dense BF16 TFLOPS per dollar-hour",
                    scale=alt.Scale(domain=x_domain, nice=False), axis=alt.Axis(tickCount=5 if narrow else 10)))
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
        # Labels in the text colour (the page's, in either scheme), each where `place_labels` put it.
        labels = [base.transform_filter(f"datum.place_{layout} == '{place}'").mark_text(
            align=align, baseline="middle", dx=dx, dy=dy, fontSize=11).encode(text="label:N")
            for place, (dx, dy, align) in LABEL_PLACES.items() if place in set(frame[f"place_{layout}"])]
        width, height = sizes[layout]
        return alt.layer(points, *labels).properties(width=width, height=height)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"HBM GB/s (up) and peak dense BF16 TFLOPS (across) per dollar of on-demand list price per chip-hour; latest price per "
                 f"chip, {price_span}. Decoding is bandwidth-bound: the higher, the cheaper it decodes.",
        source=source,
        description=f"Scatter plot of {len(frame)} accelerators: memory bandwidth per dollar-hour against compute per "
                    f"dollar-hour. {title}; {compute}. " + "; ".join(
                        f"{r.chip}: {r.hbm_gb_s_per_usd_hour:,.0f} GB/s and {r.bf16_tflops_per_usd_hour:,.0f} TFLOPS per $/h"
                        for r in frame.itertuples()),
        data_files=["accelerator_specs.csv", "accelerator_prices.csv"],
    )


# --- the roofline -------------------------------------------------------------------------------

ROOFLINE_CHIPS = ["tpu-v5e", "tpu-v6e", "tpu7x", "trainium2", "h100", "h200"]
ROOFLINE_X, ROOFLINE_Y = (0.5, 10_000), (0.3, 5_000)  # FLOP per byte; TFLOPS
# Plot heights (px) per layout, and the least distance between two chips' names at the
# lines' right ends.
ROOFLINE_HEIGHT = {"wide": 330, "narrow": 400}
ROOFLINE_LABEL_GAP_PX = 13


def decode_batch_limit(ridges: pd.DataFrame) -> int:
    """The largest batch (rounded down to tens) at which decoding stays under every chip's
    ridge: below it, memory bandwidth limits decoding on all of them."""
    return int(math.floor(ridges["intensity"].min() / 10) * 10)


def _spread_labels(peaks: pd.Series, height_px: float) -> pd.Series:
    """Where each name at the lines' right ends goes (TFLOPS on the log axis): as near its
    line's peak as keeps every two names ROOFLINE_LABEL_GAP_PX apart, names too close
    pushed apart evenly (up and down) until none are."""
    per_decade = height_px / math.log10(ROOFLINE_Y[1] / ROOFLINE_Y[0])
    gap = ROOFLINE_LABEL_GAP_PX / per_decade
    order = peaks.map(math.log10).sort_values(ascending=False)
    place = list(order.values)
    for _ in range(200):
        moved = False
        for i in range(len(place) - 1):
            short = gap - (place[i] - place[i + 1])
            if short > 1e-9:
                place[i] += short / 2
                place[i + 1] -= short / 2
                moved = True
        if not moved:
            break
    return pd.Series([round(10 ** v, 3) for v in place], index=order.index).reindex(peaks.index)


def roofline_frames(specs: pd.DataFrame, chip_ids: list[str] | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The roofline of each chip (`chip_ids`, default ROOFLINE_CHIPS; `specs`:
    accelerator_specs): (lines, ridges, names, phases). lines: chip, vendor, intensity, tflops at
    the plot's two ends and the ridge; ridges: chip, label, vendor, intensity (FLOP per byte
    where the chip turns compute-bound), tflops (dense BF16 peak); names: one row per peak
    (chips sharing one are named together): names, vendor, tflops, and label_wide,
    label_narrow, where the names stand at the lines' right end in each layout, apart;
    phases: phase, start, end (the intensities of decoding at batches 1 to
    `decode_batch_limit`, where every chip is still memory-bound, and of prefill of 512- to
    8,192-token prompts)."""
    from . import inference

    rows = specs.set_index("chip_id").loc[chip_ids or ROOFLINE_CHIPS]
    lines, ridges = [], []
    for chip_id, row in rows.iterrows():
        ridge = inference.ridge_intensity(row["bf16_tflops_dense"], row["hbm_bandwidth_gb_s"])
        for x in (ROOFLINE_X[0], ridge, ROOFLINE_X[1]):
            lines.append({"chip": row["chip"], "vendor": row["vendor"], "intensity": round(x, 2),
                          "tflops": round(inference.roofline_tflops(x, row["bf16_tflops_dense"], row["hbm_bandwidth_gb_s"]), 3)})
        ridges.append({"chip": row["chip"], "label": SHORT.get(chip_id, row["chip"]), "vendor": row["vendor"],
                       "intensity": round(ridge, 2), "tflops": row["bf16_tflops_dense"]})
    ridges = pd.DataFrame(ridges)
    names = ridges.groupby("tflops", sort=False).agg(names=("label", ", ".join), vendor=("vendor", "first")).reset_index()
    for layout, height in ROOFLINE_HEIGHT.items():
        names[f"label_{layout}"] = _spread_labels(names["tflops"], height)
    limit = decode_batch_limit(ridges)
    phases = pd.DataFrame([
        {"phase": f"decode, batch 1 to {limit}", "start": inference.decode_intensity(1),
         "end": inference.decode_intensity(limit)},
        {"phase": "prefill, 512- to 8,192-token prompts", "start": inference.prefill_intensity(512),
         "end": inference.prefill_intensity(8192)}])
    return pd.DataFrame(lines), ridges, names, phases


def roofline_title(ridges: pd.DataFrame) -> str:
    """'Decoding at batches below about 200 is memory-bound on every chip shown': the
    lowest ridge, rounded down to tens."""
    return f"Decoding at batches below about {decode_batch_limit(ridges)} is memory-bound on every chip shown"


def roofline_chart(lines: pd.DataFrame, ridges: pd.DataFrame, names: pd.DataFrame, phases: pd.DataFrame,
                   source: str) -> alt.TopLevelMixin:
    """Log-log rooflines of a few chips with their ridges, each line named at its right end,
    and the intensities of decoding and prefill shaded behind them. Arguments:
    `roofline_frames()`."""
    title = roofline_title(ridges)
    low, high = ridges["intensity"].min(), ridges["intensity"].max()
    # A prompt of n tokens is read at about n FLOP per byte: past the highest ridge, prefill is compute-bound everywhere.
    shortest = phases["start"].iloc[1]
    prefill = ("Prefill is compute-bound on every chip" if shortest >= high else
               f"Prefill of prompts over about {high:,.0f} tokens is compute-bound on every chip")
    vendors = [v for v in CHIP_MAKERS if v in set(lines["vendor"])]
    x_scale = alt.Scale(type="log", domain=list(ROOFLINE_X))
    y_scale = alt.Scale(type="log", domain=list(ROOFLINE_Y))

    def draw(narrow: bool):
        layout = "narrow" if narrow else "wide"
        height = ROOFLINE_HEIGHT[layout]
        shading = charts.backdrop(alt.Chart(phases).mark_rect(opacity=0.12, color="#555").encode(
            x=alt.X("start:Q", scale=x_scale), x2="end:Q", tooltip=[alt.Tooltip("phase:N", title="Phase")]))
        # The phases' names inside the plot, clear of the lines: decode's at the top from its
        # left edge, prefill's at the bottom to its right edge. Vega sets a label's lines
        # downwards from its baseline, so a two-line label at the bottom sits one line up.
        decode = phases["phase"].iloc[0]
        place = [(0, "start", "left", "top", 4, 4, 0, decode.split(", ") if narrow else [decode]),
                 (1, "end", "right", "bottom", -4, -18, height, ["prefill, 512- to", "8,192-token prompts"])]
        phase_names = alt.layer(*[
            alt.Chart(phases.iloc[[i]][["start", "end"]].assign(label=[text])).mark_text(
                align=align, baseline=baseline, dx=dx, dy=dy, fontSize=11, color="#333").encode(
                x=alt.X(f"{edge}:Q", scale=x_scale), y=alt.value(y), text="label:N")
            for i, edge, align, baseline, dx, dy, y, text in place])
        colour = alt.Color("vendor:N", title="Vendor", scale=charts.vendor_scale(vendors),
                           legend=charts.bottom_legend("Vendor") if narrow else alt.Legend())
        roof = alt.Chart(lines).mark_line(strokeWidth=2).encode(
            x=alt.X("intensity:Q", scale=x_scale, axis=alt.Axis(values=[1, 10, 100, 1000, 10000], format="~s"),
                    title=("FLOP per byte read from HBM (log)" if narrow else
                           "Arithmetic intensity (FLOP per byte read from HBM, log scale)")),
            y=alt.Y("tflops:Q", scale=y_scale, axis=alt.Axis(values=[1, 10, 100, 1000], format="~s"),
                    title=("Attainable dense BF16 TFLOPS (log)" if narrow else "Attainable dense BF16 TFLOPS (log scale)")),
            color=colour, detail="chip:N",
            tooltip=[alt.Tooltip("chip:N", title="Chip"), alt.Tooltip("intensity:Q", title="FLOP/byte", format=",.0f"),
                     alt.Tooltip("tflops:Q", title="TFLOPS", format=",.1f")])
        at = dict(x=alt.X("intensity:Q", scale=x_scale), y=alt.Y("tflops:Q", scale=y_scale))
        points = alt.Chart(ridges[["chip", "vendor", "intensity", "tflops"]]).mark_point(filled=True, size=45, opacity=1).encode(
            **at, color=alt.Color("vendor:N", scale=charts.vendor_scale(vendors), legend=None),
            tooltip=[alt.Tooltip("chip:N", title="Chip"), alt.Tooltip("intensity:Q", title="Ridge (FLOP/byte)", format=",.0f"),
                     alt.Tooltip("tflops:Q", title="Peak TFLOPS", format=",.0f")])
        # Each line named right of its end, in the text colour, the names kept apart.
        ends = alt.Chart(names).mark_text(align="left", dx=5, fontSize=11).encode(
            x=alt.value(alt.ExprRef("width")), y=alt.Y(f"label_{layout}:Q", scale=y_scale), text="names:N",
            tooltip=[alt.Tooltip("names:N", title="Chip"), alt.Tooltip("tflops:Q", title="Peak TFLOPS", format=",.0f")])
        return alt.layer(shading, phase_names, roof, points, ends).properties(width=180 if narrow else 500, height=height)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Roofline: attainable TFLOPS = min(peak dense BF16, intensity x HBM bandwidth); a dot marks each chip's "
                 f"ridge ({low:,.0f} to {high:,.0f} FLOP/byte). BF16 weights, KV cache ignored.",
        source=source,
        description=f"Log-log roofline of {len(ridges)} accelerators with shaded bands for decoding (batches 1 to "
                    f"{decode_batch_limit(ridges)}) and prefill (512 to 8,192). {title}. {prefill}. Ridge "
                    "points: " + "; ".join(f"{r.chip} {r.intensity:,.0f} FLOP/byte at {r.tflops:,.0f} TFLOPS"
                                          for r in ridges.itertuples()),
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


# v5e's samples per dollar within this share of H100's is a match, not a lead.
MLPERF_PAR = 0.05


def mlperf_dollar_chart(frame: pd.DataFrame, prices_on, source: str) -> alt.TopLevelMixin:
    """GPT-J samples per list-price dollar of each MLPerf system, one bar each.
    `frame`: `mlperf_dollar_frame()`; `prices_on`: the date the prices are taken at."""
    ratio = mlperf_ratios(frame)
    first, last = sorted(ratio)[0], sorted(ratio)[-1]
    # The verdict per round: within MLPERF_PAR of 1 is a match.
    standing = {r: "matched" if abs(v - 1) < MLPERF_PAR else "led" if v > 1 else "trailed" for r, v in ratio.items()}
    def against(rnd: str, h100: str) -> str:
        return f"matched {h100}" if standing[rnd] == "matched" else f"{standing[rnd]} {h100} at {ratio[rnd]:.1f}x"

    title = (f"Per list-price dollar on GPT-J, TPU v5e {standing[first]} H100 in both MLPerf rounds: {ratio[first]:.1f}x "
             f"in {first}, {ratio[last]:.1f}x in {last}" if standing[first] == standing[last] else
             f"Per list-price dollar on GPT-J, TPU v5e {against(first, 'H100')} in MLPerf {first} and "
             f"{against(last, 'it')} in {last}")
    vendors = [v for v in CHIP_MAKERS if v in set(frame["vendor"])]
    # Systems in the frame's order, by position (a list of their names would be carried by every
    # layer), each round in a panel of its own, the round left out of the rows' names.
    drawn = frame.assign(place=range(len(frame)), name=frame["system"].str.split(" \u00b7 ", n=1).str[-1])
    order = alt.EncodingSortField("place", op="min")
    rounds = list(dict.fromkeys(frame["round"]))
    x_scale = alt.Scale(domain=[0, float(frame["samples_per_usd"].max()) * 1.18], nice=False)

    def panel(round_: str, narrow: bool, last: bool):
        x = alt.X("samples_per_usd:Q", title="GPT-J samples per dollar of list price" if last else None, scale=x_scale,
                  axis=alt.Axis(labels=last, ticks=last, tickCount=4 if narrow else 6))
        base = alt.Chart(drawn[drawn["round"] == round_]).encode(x=x)
        # The rows name each system's chip: the vendor's colour needs no legend.
        bars = base.mark_bar(height=14 if narrow else 18).encode(
            color=alt.Color("vendor:N", title="Vendor", scale=charts.vendor_scale(vendors), legend=None),
            tooltip=[alt.Tooltip("system:N", title="System"), alt.Tooltip("benchmark:N", title="Benchmark"),
                     alt.Tooltip("samples_per_second:Q", title="Samples/s (system)", format=",.2f"),
                     alt.Tooltip("samples_per_second_per_chip:Q", title="Samples/s per chip", format=",.2f"),
                     alt.Tooltip("usd_per_chip_hour:Q", title="List $/chip-hour", format="$.2f"),
                     alt.Tooltip("samples_per_usd:Q", title="Samples per $", format=",.0f"),
                     alt.Tooltip("framework:N", title="Software")])
        values = base.mark_text(align="left", dx=4, fontSize=11).encode(text=alt.Text("samples_per_usd:Q", format=",.0f"))
        # Each round's ratio, the figure the title quotes, in its panel's heading.
        heading = alt.Title(f"MLPerf {round_}: TPU v5e {ratio[round_]:.1f}x H100 per dollar", anchor="start", fontSize=12)
        if narrow:
            return charts.label_rows([bars, values], "name", order, width=240, row_height=14).properties(title=heading)
        y = alt.Y("name:N", title=None, sort=order)
        return alt.layer(bars.encode(y=y), values.encode(y=y)).properties(width=420, height=alt.Step(30), title=heading)

    def draw(narrow: bool):
        return alt.vconcat(*[panel(r, narrow, i == len(rounds) - 1) for i, r in enumerate(rounds)],
                           spacing=10).resolve_scale(x="shared", color="shared")

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
        subtitle=(f"$ per million output tokens of {model_name}, decoding only; list prices {price_span}. Each line runs "
                  "from a chip's favourable to its unfavourable assumptions, the dot with all central."),
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
        subtitle=(f"$ per million output tokens of {model.name}, decoding only: on-demand list prices {price_span} less "
                  "each vendor's discount, or owning cost."),
        source=source + "; formula in chipbook.inference", description=description,
        data_files=[*COST_DATA, "cost_scenarios.csv"]))


def tornado_figure(result: pd.DataFrame, chip_names: dict[str, str], model_name: str, source: str) -> alt.TopLevelMixin:
    """What flips the order of the chips Anthropic buys (`result`: `inference.tornado()`),
    with its wide and narrow layouts (`inference.tornado_chart`)."""
    from . import inference

    wide, title, description = inference.tornado_chart(result, chip_names)
    among = inference._and([chip_names[c] for c in result.attrs["among"]])
    return charts.finish(
        wide, narrow=inference.tornado_chart(result, chip_names, narrow=True)[0], title=title,
        subtitle=(f"Owning cost per million output tokens of {model_name} among {among}: each assumption moved "
                  "alone, the others central."),
        source=source, description=description,
        data_files=["cost_assumptions.csv", "accelerator_specs.csv", "serving_formats.csv", "cost_scenarios.csv"])
