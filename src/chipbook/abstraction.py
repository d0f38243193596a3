"""The hardware-abstraction chapter's live demonstration, and the small helpers its
tables need.

The demonstration takes one model function (a causal self-attention block), lowers it
with JAX to StableHLO, checks that the program text names no hardware, compiles it for
the CPU the book is built on and compares the result with a NumPy reference. It also
lowers the same function for other targets (``jax.export`` can lower for a platform
without its hardware) to show where the shared program text stops being shared.

Everything here runs on a CPU-only machine; nothing needs or measures an accelerator.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import altair as alt
import numpy as np
import pandas as pd

import jax
import jax.numpy as jnp
from jax import export

from . import charts
from .vocabulary import SUPPORT_STATUSES

# --- The model function and its NumPy reference ----------------------------------

def attention_block(x, wq, wk, wv, wo):
    """One causal self-attention head with an output projection, in JAX.

    x: (seq, d_model); wq, wk, wv, wo: (d_model, d_model). Returns (seq, d_model).
    """
    q, k, v = x @ wq, x @ wk, x @ wv
    scores = (q @ k.T) / jnp.sqrt(jnp.float32(q.shape[-1]))
    seq = x.shape[0]
    causal = jnp.tril(jnp.ones((seq, seq), dtype=bool))
    scores = jnp.where(causal, scores, -jnp.inf)
    weights = jax.nn.softmax(scores, axis=-1)
    return (weights @ v) @ wo


def attention_block_numpy(x, wq, wk, wv, wo):
    """The same block written directly in NumPy (float64 internally): the reference."""
    x, wq, wk, wv, wo = (np.asarray(a, dtype=np.float64) for a in (x, wq, wk, wv, wo))
    q, k, v = x @ wq, x @ wk, x @ wv
    scores = (q @ k.T) / np.sqrt(q.shape[-1])
    seq = x.shape[0]
    scores = np.where(np.tril(np.ones((seq, seq), dtype=bool)), scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return (weights @ v) @ wo


def example_inputs(seq: int = 8, d_model: int = 16, seed: int = 0) -> list[np.ndarray]:
    """Deterministic float32 inputs: activations and four weight matrices (scaled so
    the scores stay in a sensible range)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((seq, d_model)).astype(np.float32)
    weights = [(rng.standard_normal((d_model, d_model)) / np.sqrt(d_model)).astype(np.float32)
               for _ in range(4)]
    return [x, *weights]


def attention_matmul_flops(seq: int, d_model: int) -> int:
    """Floating-point operations in the block's six matrix products (2 per multiply-add):
    the query, key, value and output projections, 4 x 2*seq*d*d, plus the scores and
    the weighted sum of values, 2 x 2*seq*seq*d."""
    return 8 * seq * d_model * d_model + 4 * seq * seq * d_model


# --- Lowering and inspecting the program ------------------------------------------

# Words that would tie a program to a chip, a vendor or a vendor's toolchain.
HARDWARE_TERMS = [
    "tpu", "gpu", "cpu", "cuda", "rocm", "nvidia", "amd", "intel", "neuron", "trainium",
    "inferentia", "libtpu", "ptx", "sm_80", "sm_90", "hopper", "blackwell", "x86", "aarch64",
    "avx", "mosaic", "triton", "nki",
]
_HARDWARE_RE = re.compile(r"(?<![a-z0-9])(" + "|".join(map(re.escape, HARDWARE_TERMS)) + r")(?![a-z0-9])",
                          re.IGNORECASE)


def lower_to_stablehlo(fn, *args) -> str:
    """The StableHLO text JAX hands to XLA for `fn` at these argument shapes."""
    return jax.jit(fn).lower(*args).as_text()


def hardware_mentions(text: str) -> list[str]:
    """Every hardware, vendor or toolchain word in `text` (lower-cased, in order)."""
    return [m.group(1).lower() for m in _HARDWARE_RE.finditer(text)]


_OP_RE = re.compile(r"\b(stablehlo\.[a-z_]+|func\.call|call @)")


def stablehlo_op_counts(text: str) -> pd.Series:
    """How many times each StableHLO operation appears in the program text, most
    frequent first (calls to helper functions are counted as `call`)."""
    ops = []
    for match in _OP_RE.finditer(text):
        name = match.group(1)
        ops.append("call" if name.startswith(("func.call", "call")) else name.removeprefix("stablehlo."))
    counts = Counter(ops)
    return pd.Series(counts, name="count", dtype="int64").sort_values(ascending=False, kind="stable")


# The family each operation belongs to, for the chart of the lowered program.
OP_FAMILIES = {
    "dot_general": "matrix multiply",
    "reduce": "reduction", "maximum": "reduction",
    "add": "elementwise arithmetic", "subtract": "elementwise arithmetic",
    "multiply": "elementwise arithmetic", "divide": "elementwise arithmetic",
    "exponential": "elementwise arithmetic", "sqrt": "elementwise arithmetic",
    "tanh": "elementwise arithmetic", "convert": "elementwise arithmetic",
    "compare": "masking", "select": "masking", "iota": "masking",
    "broadcast_in_dim": "shape and data movement", "transpose": "shape and data movement",
    "reshape": "shape and data movement",
    "constant": "constants",
    "return": "control", "call": "control",
    "custom_call": "custom call (backend-specific)",
}


def op_family(op: str) -> str:
    return OP_FAMILIES.get(op, "other")


def compile_for_cpu(fn, *args) -> tuple[np.ndarray, object]:
    """Lower `fn`, compile it for this machine's CPU, run it there, and return the output
    with the compiled executable. The inputs are placed on the CPU device first, so the
    compilation targets the CPU even where JAX could see an accelerator."""
    cpu = jax.devices("cpu")[0]
    placed = [jax.device_put(a, cpu) for a in args]
    compiled = jax.jit(fn).lower(*placed).compile()
    out = compiled(*placed)
    return np.asarray(out), compiled


def output_platforms(compiled, *args) -> set[str]:
    """The platforms of the devices the compiled program's output lives on."""
    cpu = jax.devices("cpu")[0]
    out = compiled(*[jax.device_put(a, cpu) for a in args])
    return {d.platform for d in out.devices()}


def backend_platform() -> str:
    """The platform JAX compiles for by default on this machine ('cpu' in the book's build)."""
    return jax.default_backend()


# --- Lowering for other targets without their hardware ----------------------------

_LOC_LINE = re.compile(r"^#loc\d*\s*=.*$", re.MULTILINE)
_LOC_SUFFIX = re.compile(r"\s+loc\((?:[^()]|\([^()]*\))*\)")


def strip_locations(text: str) -> str:
    """Drop MLIR source-location annotations (file names and line numbers), which say
    where the Python came from, not what the program does."""
    text = _LOC_LINE.sub("", text)
    text = _LOC_SUFFIX.sub("", text)
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


def lowering_for(fn, args, platform: str) -> str:
    """The StableHLO module JAX exports for `platform` ('cpu', 'cuda', 'rocm', 'tpu'),
    without locations. Exporting needs no device of that kind."""
    exported = export.export(jax.jit(fn), platforms=[platform])(*args)
    return strip_locations(exported.mlir_module())


def lowering_differences(fn, args, platforms=("cpu", "cuda", "rocm", "tpu"), base="cpu") -> pd.DataFrame:
    """For each platform: the length of its exported program, how many lines differ from
    `base`'s, and the `name = value` attributes found on `base`'s differing lines but not
    on the platform's (empty when the programs are identical)."""
    texts = {p: lowering_for(fn, args, p) for p in platforms}
    base_lines = texts[base].splitlines()
    rows = []
    for platform, text in texts.items():
        lines = text.splitlines()
        pairs = [(a, b) for a, b in zip(base_lines, lines) if a != b]
        extra = abs(len(lines) - len(base_lines))
        only_on_base = sorted({attr for a, b in pairs for attr in attribute_difference(a, b)})
        rows.append({"platform": platform, "lines": len(lines), "lines_differing": len(pairs) + extra,
                     "identical": text == texts[base],
                     "attributes_only_on_base": "; ".join(only_on_base)})
    return pd.DataFrame(rows)


_ATTRIBUTE = re.compile(r"\b([a-z_]+) = ([A-Za-z0-9_.+-]+)")


def attribute_difference(line_a: str, line_b: str) -> list[str]:
    """The `name = value` attributes on line_a that line_b lacks (e.g. a backend flag)."""
    a, b = set(_ATTRIBUTE.findall(line_a)), set(_ATTRIBUTE.findall(line_b))
    return [f"{k} = {v}" for k, v in sorted(a - b)]


def topk_sampler(logits, k: int = 4):
    """The operation behind the September 2025 TPU bug: approximate top-k over logits."""
    return jax.lax.approx_max_k(logits, k, recall_target=0.95)


# --- Numerics: what a lower-precision matrix unit would do to the same program -----

def max_abs_error(result, reference) -> float:
    return float(np.max(np.abs(np.asarray(result, dtype=np.float64) - np.asarray(reference, dtype=np.float64))))


def run_with_bf16_inputs(fn, *args) -> np.ndarray:
    """Run `fn` on this CPU after rounding every input to bfloat16 and back to float32.

    This emulates, on the CPU, the input rounding a bf16 matrix unit applies at default
    precision (the behaviour JAX issue #18934 describes for TPUs). It is an emulation for
    scale, not a measurement of any accelerator."""
    rounded = [jnp.asarray(a, dtype=jnp.bfloat16).astype(jnp.float32) for a in args]
    return np.asarray(jax.jit(fn)(*rounded))


# --- Tables of the chapter ---------------------------------------------------------

# Status labels, most mature first. `status_rank` orders them for charts and for the
# "best path" of a framework-hardware cell.
STATUS_ORDER = SUPPORT_STATUSES


def _names(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def status_rank(status: str) -> int:
    return STATUS_ORDER.index(status)


def best_path_per_cell(table: pd.DataFrame, row: str = "framework", column: str = "hardware",
                       path: str = "path") -> pd.DataFrame:
    """One row per (row, column) cell: its most mature path (ties keep table order), how
    many paths the cell has, and a one-line list of all of them (for tooltips)."""
    frame = table.assign(rank=table["status"].map(status_rank))
    frame = frame.sort_values([row, column, "rank"], kind="stable")
    groups = frame.groupby([row, column], sort=False)
    listing = groups[[path, "status"]].apply(
        lambda g: "; ".join(f"{p} ({s})" for p, s in zip(g[path], g["status"])))
    best = groups.first()
    return best.assign(paths=groups.size(), all_paths=listing).reset_index()


def reaching_all(table: pd.DataFrame, targets: list[str], row: str = "framework",
                 column: str = "hardware", mechanism_contains: str | None = None) -> list[str]:
    """The `row` values (frameworks, languages) with a usable path (neither unsupported
    nor deprecated) to every one of `targets`; optionally only paths whose `mechanism`
    mentions `mechanism_contains` (e.g. 'XLA')."""
    usable = table[~table["status"].isin(["unsupported", "deprecated"])]
    if mechanism_contains is not None:
        usable = usable[usable["mechanism"].str.contains(mechanism_contains, regex=False)]
    reach = usable.groupby(row)[column].agg(set)
    return sorted(name for name, hit in reach.items() if set(targets) <= hit)


def bug_platforms(incidents: pd.DataFrame) -> pd.Series:
    """Each distinct bug of the postmortem_incidents table and the one hardware platform it
    lived on, or "several" where its rows name more than one."""
    return incidents.groupby("bug")["hardware_platform"].agg(lambda s: s.iloc[0] if s.nunique() == 1 else "several")


def platform_specific_bugs(incidents: pd.DataFrame, platform: str) -> int:
    """How many distinct bugs lived on `platform` alone (e.g. "Google TPU")."""
    return int((bug_platforms(incidents) == platform).sum())


def overlap_days(incidents: pd.DataFrame) -> int:
    """Days on which two or more distinct bugs were live at once (start and end inclusive)."""
    days = Counter()
    for bug, group in incidents.groupby("bug"):
        live = set()
        for start, end in zip(group["start_date"], group["end_date"]):
            live.update(pd.date_range(start, end, freq="D"))
        days.update(live)
    return sum(1 for n in days.values() if n >= 2)


# --- Charts ------------------------------------------------------------------------

# How mature each support level is, as the share of a cell's bar it fills: the usable levels
# (before "deprecated") in steps of a quarter from native down to experimental; deprecated and
# unsupported paths fill none. Length, not shade, tells the levels apart, and every tile names
# its level in words; tiles are the page's colour, outlined in ink, so none glares on a dark page.
_USABLE = STATUS_ORDER[:STATUS_ORDER.index("deprecated")]
STATUS_FILL = {s: (len(_USABLE) - _USABLE.index(s)) / len(_USABLE) if s in _USABLE else 0.0 for s in STATUS_ORDER}
# The bar's margin inside its tile, as a share of the tile's width, and its height (px).
_BAR_MARGIN, _BAR_PX = 0.1, 6
# Chip families as a narrow column can name them.
CHIP_SHORT = {"Google TPU": "TPU", "AWS Trainium": "Trainium", "NVIDIA GPU": "NVIDIA GPU"}


def _status_tiles(frame: pd.DataFrame, row: str, rows: list[str], column: str, columns: list[str], label: str,
                  tooltip: list, narrow: bool, cell_height: int) -> alt.LayerChart:
    """A grid of tiles, one per row and column, each naming its support status (and, on a
    wide page, the path or backend under it: `label`) over a bar that fills with the
    status's maturity (STATUS_FILL). Columns are positions 0, 1, 2... on a linear x, so that
    a bar can fill part of its tile."""
    # Two lines on a wide page; an unsupported tile has no path to name.
    path = frame[label].where(frame["status"] != "unsupported", "\u2014")
    where = {c: i for i, c in enumerate(columns)}
    frame = frame.assign(tile_text=frame["status"] if narrow else frame["status"] + "|" + path,
                         left=frame[column].map(where), right=frame[column].map(where) + 1,
                         middle=frame[column].map(where) + 0.5,
                         bar_from=frame[column].map(where) + _BAR_MARGIN,
                         bar_to=frame[column].map(where) + _BAR_MARGIN + (1 - 2 * _BAR_MARGIN) * frame["status"].map(STATUS_FILL),
                         track_to=frame[column].map(where) + 1 - _BAR_MARGIN)
    names = json.dumps(list(columns))
    x_scale = alt.Scale(domain=[0, len(columns)], nice=False, zero=False)
    top = alt.Axis(orient="top", values=[i + 0.5 for i in range(len(columns))], labelExpr=f"{names}[floor(datum.value)]",
                   labelAngle=0, domain=False, ticks=False, grid=False, labelLimit=120, labelFontSize=11)

    def x(field: str) -> alt.X:
        return alt.X(f"{field}:Q", title=None, scale=x_scale, axis=top)
    y = alt.Y(f"{row}:N", title=None, sort=rows, axis=alt.Axis(domain=False, ticks=False))
    base = alt.Chart(frame)
    tiles = base.mark_rect(fill=charts.PAPER, stroke=charts.INK, strokeWidth=1).encode(
        x=x("left"), x2="right:Q", y=y, tooltip=tooltip)
    # The word (and path) in the tile's upper part, the bar in its lower part.
    words_dy, bar_dy = (-6, 10) if narrow else (-12, 16)
    text = base.mark_text(fontSize=11, lineBreak="|", lineHeight=14, baseline="middle", dy=words_dy,
                          color=charts.INK).encode(x=x("middle"), y=y, text="tile_text:N", tooltip=tooltip)
    track = base.mark_bar(height=_BAR_PX, yOffset=bar_dy, fillOpacity=0, stroke=charts.INK, strokeWidth=1).encode(
        x=x("bar_from"), x2="track_to:Q", y=y, tooltip=tooltip)
    bar = base.transform_filter("datum.bar_to > datum.bar_from").mark_bar(
        height=_BAR_PX, yOffset=bar_dy, color=charts.SERIES).encode(x=x("bar_from"), x2="bar_to:Q", y=y, tooltip=tooltip)
    step = 78 if narrow else 175
    return alt.layer(tiles, track, bar, text).properties(width=step * len(columns), height=alt.Step(cell_height))


def support_map(support: pd.DataFrame, chips: list[str]) -> alt.TopLevelMixin:
    """Which framework reaches which chip, by its most mature path. `support`: the
    framework_support table; `chips`: the chip families, in order."""
    cells = best_path_per_cell(support)
    cells["as_of_text"] = cells["as_of"].dt.strftime("%Y-%m-%d")
    cells["label"] = (cells["path"].str.replace(r" \(.*\)$", "", regex=True)
                      + np.where(cells["paths"] > 1, " (+" + (cells["paths"] - 1).astype(str) + ")", ""))
    cells["chip"] = cells["hardware"].map(CHIP_SHORT)
    reach_all = reaching_all(support, chips)
    reach_xla = reaching_all(support, chips, mechanism_contains="XLA")
    on_trainium = cells[cells["framework"].isin(reach_all) & (cells["hardware"] == "AWS Trainium")]["status"]
    limits = sorted(set(on_trainium) - {"native", "supported"}, key=status_rank)
    how = {"beta": "in beta", "experimental": "experimentally", "deprecated": "on a deprecated path"}
    title = (f"{_names(reach_all) if reach_all else 'No framework'} {'reaches' if len(reach_all) == 1 else 'reach'} "
             f"all three chips" + (f", but on Trainium only {' or '.join(how[s] for s in limits)}" if limits else ""))
    one_compiler = (f"{_names(reach_xla)} alone {'uses' if len(reach_xla) == 1 else 'use'} one compiler (XLA) on all three"
                    if reach_xla else "no framework uses one compiler on all three")
    tooltip = [alt.Tooltip("framework:N", title="Framework"), alt.Tooltip("hardware:N", title="Chip"),
               alt.Tooltip("status:N", title="Best status"), alt.Tooltip("path:N", title="Best path"),
               alt.Tooltip("mechanism:N", title="Mechanism"), alt.Tooltip("all_paths:N", title="All paths"),
               alt.Tooltip("source_id:N", title="Source"), alt.Tooltip("as_of_text:N", title="As of")]
    frameworks = ["JAX", "PyTorch", "TensorFlow"]

    def draw(narrow: bool):
        column = "chip" if narrow else "hardware"
        columns = [CHIP_SHORT[c] for c in chips] if narrow else chips
        return _status_tiles(cells, "framework", frameworks, column, columns, "label", tooltip, narrow,
                             40 if narrow else 50)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=(f"The most mature path's status as its maintainer labels it (on a wide screen the path under it, +n "
                  f"for more paths); the bar fills with maturity. {one_compiler[0].upper()}{one_compiler[1:]}. "
                  f"Sources {support['as_of'].min():%Y-%m} to {support['as_of'].max():%Y-%m}."),
        source="JAX, PyTorch, PyTorch/XLA, TensorFlow, Google Cloud TPU and AWS Neuron documentation; "
               "pull requests in pytorch/xla and huggingface/kernels",
        description=(f"Grid of {cells['framework'].nunique()} frameworks by {len(chips)} chip families, each tile naming "
                     f"the most mature support status. {title}. "
                     + "; ".join(f"{r.framework} on {r.hardware}: {r.status} via {r.path}" for r in cells.itertuples())),
        data_files=["framework_support.csv"],
    )


def kernel_map(kernels: pd.DataFrame, chips: list[str]) -> alt.TopLevelMixin:
    """Which kernel language reaches which chip. `kernels`: the kernel_languages table."""
    cells = best_path_per_cell(kernels, row="language", column="chip", path="backend")
    cells["as_of_text"] = cells["as_of"].dt.strftime("%Y-%m-%d")
    cells["scope"] = cells["hardware_scope"].fillna("")
    cells["label"] = np.where(cells["status"] == "unsupported", "none", cells["backend"])
    cells["chip_short"] = cells["chip"].map(CHIP_SHORT)
    everywhere = reaching_all(kernels, chips, row="language", column="chip")
    on_trainium = reaching_all(kernels, ["AWS Trainium"], row="language", column="chip")
    trainium = (f"only {_names(on_trainium)} {'reaches' if len(on_trainium) == 1 else 'reach'} Trainium" if on_trainium
                else "none reaches Trainium")
    title = f"{'No' if not everywhere else len(everywhere)} kernel language reaches all three chips, and {trainium}"
    tooltip = [alt.Tooltip("language:N", title="Language"), alt.Tooltip("chip:N", title="Chip"),
               alt.Tooltip("status:N", title="Status"), alt.Tooltip("backend:N", title="Backend"),
               alt.Tooltip("scope:N", title="Hardware covered"), alt.Tooltip("all_paths:N", title="All backends"),
               alt.Tooltip("owner:N", title="Developed by"),
               alt.Tooltip("source_id:N", title="Source"), alt.Tooltip("as_of_text:N", title="As of")]
    languages = ["CUDA", "Triton", "Pallas", "Mosaic", "NKI"]

    def draw(narrow: bool):
        column = "chip_short" if narrow else "chip"
        columns = [CHIP_SHORT[c] for c in chips] if narrow else chips
        return _status_tiles(cells, "language", languages, column, columns, "label", tooltip, narrow,
                             40 if narrow else 48)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=(f"Each language's status on each chip family (on a wide screen its backend under it); the bar fills with maturity. "
                  f"Sources dated {kernels['as_of'].min():%Y-%m} to {kernels['as_of'].max():%Y-%m}."),
        source="JAX Pallas documentation and changelog, AWS Neuron NKI documentation, Triton README",
        description=(f"Grid of {cells['language'].nunique()} kernel languages by {len(chips)} chip families, each tile "
                     f"naming its status. {title}. " + "; ".join(f"{r.language} on {r.chip}: {r.status}" for r in cells.itertuples())),
        data_files=["kernel_languages.csv"],
    )


def jax_evidence_finding(jax_evidence: pd.DataFrame) -> str:
    """What the evidence that Anthropic uses JAX comes to, as the caption of its table: in
    how many documents Anthropic itself named JAX (first-party items that name it, counted
    by source), from when, and how many later items are less direct. `jax_evidence`: the
    anthropic_jax_evidence table."""
    direct = jax_evidence[(jax_evidence["directness_rank"] == 1) & jax_evidence["names_jax"]]
    if direct.empty:
        return f"Anthropic has not named JAX itself in any of the {len(jax_evidence)} items"
    first = direct["as_of"].min()
    documents = direct["source_id"].nunique()
    later = int(((jax_evidence["as_of"] > first) & (jax_evidence["directness_rank"] > 1)).sum())
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    count = words[documents] if documents < len(words) else str(documents)
    return (f"Anthropic itself named JAX in {'only ' if documents == 1 else ''}{count} "
            f"document{'s' if documents != 1 else ''}, {'of' if documents == 1 else 'from'} {first:%B %Y}; {later} later "
            f"{charts.agree(later, 'item is', 'items are')} less direct")


def overlap_spans(incidents: pd.DataFrame) -> pd.DataFrame:
    """The stretches of days on which two or more distinct bugs were live (start and end
    inclusive): columns start, end (the last such day) and days. Their days add up to
    `overlap_days`."""
    live: dict[pd.Timestamp, set] = {}
    for bug, start, end in zip(incidents["bug"], incidents["start_date"], incidents["end_date"]):
        for day in pd.date_range(start, end, freq="D"):
            live.setdefault(day, set()).add(bug)
    days = sorted(day for day, bugs in live.items() if len(bugs) >= 2)
    spans = []
    for day in days:
        if spans and day - spans[-1]["end"] == pd.Timedelta(days=1):
            spans[-1]["end"] = day
        else:
            spans.append({"start": day, "end": day})
    frame = pd.DataFrame(spans, columns=["start", "end"])
    frame["days"] = (frame["end"] - frame["start"]).dt.days + 1
    frame["end_plus"] = frame["end"] + pd.Timedelta(days=1)  # a band covers whole days
    return frame


# Characters a line of a phone's row name holds (10 px text, about 110 px, beside a 170 px plot).
POSTMORTEM_NARROW_CHARS = 20
BUG_SHORT = {"context-window routing error": "Routing error", "output corruption": "Output corruption (TPU)",
             "approximate top-k miscompilation": "Top-k miscompile (XLA:TPU)"}
BUG_NARROW = {"context-window routing error": "Routing", "output corruption": "Corruption (TPU)",
              "approximate top-k miscompilation": "Top-k (XLA:TPU)"}
SURFACE_SHORT = {"Claude API (first party)": "first-party API", "Amazon Bedrock": "Bedrock", "Google Vertex AI": "Vertex AI"}
SURFACE_NARROW = {**SURFACE_SHORT, "Claude API (first party)": "Claude API"}


def incident_rows(incidents: pd.DataFrame) -> pd.DataFrame:
    """The postmortem's incidents as the timeline and its table show them: `row` (bug and
    surface or model), `share` (the share of requests hit, in words), dates as text,
    `end_plus` (the day after the last, so a bar covers whole days) and `start` (whether
    the row's start date is stated)."""
    tl = incidents.assign(end_plus=incidents["end_date"] + pd.Timedelta(days=1))
    tl["row"] = tl["bug"].map(BUG_SHORT) + " \u00b7 " + np.where(
        tl["bug"] == "context-window routing error", tl["serving_surface"].map(SURFACE_SHORT), tl["models_affected"])
    repeat = tl["row"].duplicated(keep=False)
    tl.loc[repeat, "row"] += " \u00b7 from " + tl.loc[repeat, "start_date"].dt.strftime("%b %-d")
    pct = tl["share_of_requests_pct"].map(lambda v: f"{v:g}%")
    tl["share"] = np.select([tl["share_kind"] == "not stated", tl["share_kind"] == "upper bound for the period"],
                            ["not stated", "under " + pct + " (period)"], pct + " " + tl["share_kind"])
    tl["date_from"], tl["date_to"] = tl["start_date"].dt.strftime("%Y-%m-%d"), tl["end_date"].dt.strftime("%Y-%m-%d")
    tl["start"] = np.where(tl["start_basis"] == "stated for this row", "stated", "not stated (bug introduced)")
    return tl


# Where each bug lived, as the postmortem chart names it: on TPUs only, or on every platform.
LIVED_ON = {"Google TPU": "TPUs only", "several": "more than one chip family", "not hardware-specific": "not chip-specific"}


def postmortem_chart(incidents: pd.DataFrame, published: pd.Timestamp, source: str) -> alt.TopLevelMixin:
    """The incidents of Anthropic's August-September 2025 postmortem as a timeline, rows
    grouped by bug, coloured by whether the bug lived on TPUs only (not by whose layer
    failed: a TPU-only bug may be a misconfiguration of Anthropic's own), with the share
    of requests each hit and the days two or more bugs overlapped (shaded in both layouts).
    `incidents`: the postmortem_incidents table; `published`: the postmortem's date."""
    tl = incident_rows(incidents)
    # The incident in short, for a phone.
    short = tl["bug"].map(BUG_NARROW) + " \u00b7 " + np.where(
        tl["bug"] == "context-window routing error", tl["serving_surface"].map(SURFACE_NARROW), tl["models_affected"])
    # A share the sources do not state says which it is (a start can be unstated too).
    tl["share_shown"] = tl["share"].replace("not stated", "share not stated")
    # A row whose own start is not stated says so in words (its bar starts when the bug began).
    unstated = np.where(tl["start"] == "stated", "", " \u00b7 start not stated")
    tl["row_shown"] = tl["row"] + unstated
    # A phone's row name, beside its bar on lines of its own: the incident, then when it started
    # (where the bug has several rows, or where the start is not stated) and its share.
    detail = (np.where(tl["row"].str.contains(" from "), "from " + tl["start_date"].dt.strftime("%b %-d") + ": ", "")
              + np.where(tl["start"] == "stated", "", "start not stated; ") + tl["share_shown"])
    tl["row_lines"] = [charts.wrap_lines(name, POSTMORTEM_NARROW_CHARS) + "\n" + charts.wrap_lines(more, POSTMORTEM_NARROW_CHARS)
                       for name, more in zip(short, detail)]
    tl["published"] = published
    spans = overlap_spans(incidents)
    tl["overlap_days"] = int(spans["days"].sum())
    platform = bug_platforms(incidents)
    tpu_bugs = platform_specific_bugs(incidents, "Google TPU")
    tl["lived_on"] = tl["bug"].map(platform).map(lambda p: LIVED_ON.get(p, p))
    tl = tl.drop(columns=["note", "models_possibly_affected", "vendor"], errors="ignore")
    words = ["No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]
    say = lambda n: words[n] if n < len(words) else str(n)  # noqa: E731
    title = (f"{say(tpu_bugs)} of {say(len(platform)).lower()} bugs lived only on TPUs, and two or more were live "
             f"at once on {tl['overlap_days'].iloc[0]} days")
    # Rows grouped by bug (bugs in order of their first day), then by start within a bug.
    first_day = tl.groupby("bug")["start_date"].transform("min")
    ordered = tl.assign(first_day=first_day).sort_values(["first_day", "bug", "start_date", "end_date"])
    order, order_lines = ordered["row_shown"].tolist(), ordered["row_lines"].tolist()
    kinds = [k for k in LIVED_ON.values() if k in set(tl["lived_on"])]
    lived_colours = {"TPUs only": charts.VENDOR_COLORS["Google"], "more than one chip family": charts.SERIES,
                     "not chip-specific": charts.NEUTRAL}
    pick = alt.selection_point(fields=["lived_on"], bind="legend")
    tooltip = [alt.Tooltip("bug:N", title="Bug"), alt.Tooltip("lived_on:N", title="Lived on"),
               alt.Tooltip("fault_layer:N", title="Fault in"),
               alt.Tooltip("serving_surface:N", title="Surface"), alt.Tooltip("date_from:N", title="From"),
               alt.Tooltip("date_to:N", title="To"), alt.Tooltip("share:N", title="Share of requests"),
               alt.Tooltip("share_scope:N", title="Share of"), alt.Tooltip("models_affected:N", title="Models"),
               alt.Tooltip("source_id:N", title="Source")]
    x_axis = alt.Axis(format="%b %-d", tickCount=4, labelAngle=0)
    overlap = charts.backdrop(alt.Chart(spans).mark_rect(opacity=0.15, color="#555").encode(
        x="start:T", x2="end_plus:T", tooltip=[alt.Tooltip("days:Q", title="Days with two or more bugs live")]))
    # The shading and the rule named where they are, above the plot: the overlap's days (the
    # title's number) over the longest overlap, from its first day; the rule's name on a line
    # above, ending at the rule.
    longest = spans.loc[[spans["days"].idxmax()]].assign(
        words=f"2+ bugs live: {tl['overlap_days'].iloc[0]} days" if len(spans) == 1
        else f"2+ bugs live: {tl['overlap_days'].iloc[0]} days in all") if len(spans) else spans.assign(words="")
    overlap_name = alt.Chart(longest).mark_text(align="left", baseline="bottom", dy=-3, fontSize=10, color=charts.INK).encode(
        x="start:T", y=alt.value(0), text="words:N")
    rule_name = alt.Chart(pd.DataFrame({"published": [published], "words": ["postmortem published"]})).mark_text(
        align="right", baseline="bottom", dx=3, dy=-16, fontSize=10, color=charts.INK).encode(
        x="published:T", y=alt.value(0), text="words:N")

    def draw(narrow: bool):
        base = alt.Chart(tl)
        bars = base.mark_bar(height=12, stroke=charts.INK, strokeWidth=1).encode(
            x=alt.X("start_date:T", title=None, axis=x_axis), x2="end_plus:T",
            color=alt.Color("lived_on:N", title="The bug lived on", sort=kinds,
                            scale=alt.Scale(domain=kinds, range=[lived_colours[k] for k in kinds]),
                            legend=charts.bottom_legend("The bug lived on", columns=1 if narrow else 2)),
            opacity=alt.condition(pick, alt.value(1), alt.value(0.25)),
            tooltip=tooltip,
        ).add_params(pick)
        rule = base.mark_rule(strokeDash=[4, 3], color=charts.INK).encode(
            x="published:T", tooltip=[alt.Tooltip("published:T", title="Postmortem published")])
        if narrow:
            # Each row's name beside it, as on a wide page, on as many lines as it needs.
            depth = max(text.count("\n") for text in order_lines) + 1
            y = alt.Y("row_lines:N", title=None, sort=order_lines,
                      axis=alt.Axis(labelExpr=charts.LINES, labelLimit=120, labelFontSize=10))
            return alt.layer(overlap, bars.encode(y=y), rule, overlap_name, rule_name).properties(
                width=170, height=alt.Step(12 * depth + 8))
        y = alt.Y("row_shown:N", title=None, sort=order, axis=alt.Axis(labelLimit=320))
        shares = base.mark_text(align="left", fontSize=11).encode(x=alt.value(296), y=y, text="share_shown:N")
        return alt.layer(overlap, bars.encode(y=y), rule, shares, overlap_name, rule_name).properties(
            width=290, height=alt.Step(22))

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle="Incidents in Anthropic's August-September 2025 postmortem, grouped by bug, with the share of requests each hit.",
        source=source,
        description=(f"Timeline of {len(tl)} incident rows of {len(platform)} bugs from {tl['start_date'].min():%B %-d} to "
                     f"{tl['end_date'].max():%B %-d, %Y}. {title}. "
                     + "; ".join(f"{r.row}, {r.lived_on}, {r.date_from} to {r.date_to}, {r.share}" for r in ordered.itertuples())),
        data_files=["postmortem_incidents.csv"],
    )
