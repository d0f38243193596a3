"""The inference-economics chapter's evidence charts that are not its cost model: vendors'
generation-over-generation claims against their spec sheets, and MLPerf latency.

Each function returns the finished chart (`charts.finish`) with its narrow layout; titles
and text alternatives are computed from the frame drawn (tests/test_chart_titles.py).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import charts
from .vocabulary import CHIP_MAKERS

RATE_LABELS = {"bf16": "dense BF16", "fp8": "dense FP8", "int8": "dense INT8", "bandwidth": "HBM bandwidth"}
FIGURE_KINDS = ["vendor claim", "vendor claim from a benchmark", "spec sheet", "spec sheet ÷ list price"]


def generation_frame(ratios: dict, vendor_claims: pd.DataFrame, vendor_of: pd.Series) -> pd.DataFrame:
    """One row per ratio of a chip to its predecessor: the vendor's own claims, then every
    rate both chips publish, per chip and per list-price dollar. `ratios`: (new, old) chip
    ids to `inference.generation_ratios()`; `vendor_of`: vendor by chip id. Columns:
    comparison, chip, measure, ratio, kind, vendor, claim_ref (claims only), row."""
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
    frame["one"] = 1.0
    return frame.drop_duplicates(["row", "ratio"]).reset_index(drop=True)


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
    order = list(frame["row"])

    def draw(narrow: bool):
        x = alt.X("ratio:Q", title="New chip over its predecessor (times, log scale)",
                  scale=alt.Scale(type="log", domain=[0.5, 8]), axis=alt.Axis(values=[0.5, 1, 2, 4, 8]))
        base = alt.Chart(frame)
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
        parity = base.mark_rule(color=charts.INK, strokeDash=[4, 3]).encode(x="one:Q")
        if narrow:
            return charts.label_rows([points, parity], "row", order, width=260, row_height=10)
        return alt.layer(parity, points).encode(y=alt.Y("row:N", title=None, sort=order)).properties(width=300, height=alt.Step(20))

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
        subtitle=f"MLPerf Inference GPT-J 6B, Server scenario: mean and 99th-percentile latency per query, seconds; "
                 f"dashed line: the scenario's {frame['latency_bound_s'].iloc[0]:g} s bound. Rounds of Sept 2023 and early 2024.",
        source=source,
        description=f"Dot plot of mean and 99th-percentile GPT-J latency for {len(lat)} MLPerf systems. {title}. "
                    + "; ".join(f"{r.system} {r.statistic}: {r.seconds:.1f} s" for r in frame.itertuples()),
        data_files=["mlperf_results.csv"],
    )
