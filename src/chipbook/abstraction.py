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

import html
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

# Chip families as a table's column head names them.
CHIP_SHORT = {"Google TPU": "TPU", "AWS Trainium": "Trainium", "NVIDIA GPU": "NVIDIA GPU"}
FRAMEWORKS = ["JAX", "PyTorch", "TensorFlow"]
KERNEL_LANGUAGES = ["CUDA", "Triton", "Pallas", "Mosaic", "NKI"]


def support_finding(support: pd.DataFrame, chips: list[str]) -> str:
    """The framework map's finding, as its table's caption: which frameworks reach all
    three chips, how mature the weakest Trainium path is, and which one compiler spans
    them. `support`: the framework_support table; `chips`: the chip families."""
    cells = best_path_per_cell(support)
    reach_all = reaching_all(support, chips)
    reach_xla = reaching_all(support, chips, mechanism_contains="XLA")
    on_trainium = cells[cells["framework"].isin(reach_all) & (cells["hardware"] == "AWS Trainium")]["status"]
    limits = sorted(set(on_trainium) - {"native", "supported"}, key=status_rank)
    how = {"beta": "in beta", "experimental": "experimentally", "deprecated": "on a deprecated path"}
    title = (f"{_names(reach_all) if reach_all else 'No framework'} {'reaches' if len(reach_all) == 1 else 'reach'} "
             f"all three chips" + (f", but on Trainium only {' or '.join(how[s] for s in limits)}" if limits else ""))
    one_compiler = (f"{_names(reach_xla)} alone {'uses' if len(reach_xla) == 1 else 'use'} one compiler (XLA) on all three"
                    if reach_xla else "no framework uses one compiler on all three")
    return f"{title}; {one_compiler}"


def kernel_finding(kernels: pd.DataFrame, chips: list[str]) -> str:
    """The kernel map's finding, as its table's caption: how many kernel languages reach
    all three chips, and which reach Trainium. `kernels`: the kernel_languages table."""
    everywhere = reaching_all(kernels, chips, row="language", column="chip")
    on_trainium = reaching_all(kernels, ["AWS Trainium"], row="language", column="chip")
    trainium = (f"only {_names(on_trainium)} {'reaches' if len(on_trainium) == 1 else 'reach'} Trainium" if on_trainium
                else "none reaches Trainium")
    return f"{'No' if not everywhere else len(everywhere)} kernel language reaches all three chips, and {trainium}"


def status_grid(cells: pd.DataFrame, row: str, rows: list[str], column: str, chips: list[str], label: str) -> pd.DataFrame:
    """A status map as a table's cells (HTML): one row per `row` value (in `rows` order,
    those present), one column per chip family (headed by its short name), each cell the
    status in words, in bold where the path is usable (before "deprecated"), and under it
    the path or backend (`label`), none for an unsupported cell. `cells`: the output of
    best_path_per_cell."""
    usable = STATUS_ORDER[:STATUS_ORDER.index("deprecated")]

    def cell(status: str, path: str) -> str:
        word = f"<strong>{html.escape(status)}</strong>" if status in usable else html.escape(status)
        return word if status == "unsupported" else f"{word}<br><small>{html.escape(str(path))}</small>"

    by = cells.set_index([row, column])
    present = [r for r in rows if r in set(cells[row])] + sorted(set(cells[row]) - set(rows))
    return pd.DataFrame({row.capitalize(): present, **{
        CHIP_SHORT.get(chip, chip): [cell(by.loc[(r, chip), "status"], by.loc[(r, chip), label]) if (r, chip) in by.index
                                     else "\u2013" for r in present] for chip in chips}})


def support_table(support: pd.DataFrame, chips: list[str]) -> pd.DataFrame:
    """Which framework reaches which chip, by its most mature path: status_grid of the
    framework_support table (the path's name, +n where there are more paths)."""
    cells = best_path_per_cell(support)
    cells["label"] = (cells["path"].str.replace(r" \(.*\)$", "", regex=True)
                      + np.where(cells["paths"] > 1, " (+" + (cells["paths"] - 1).astype(str) + ")", ""))
    return status_grid(cells, "framework", FRAMEWORKS, "hardware", chips, "label")


def kernel_table(kernels: pd.DataFrame, chips: list[str]) -> pd.DataFrame:
    """Which kernel language reaches which chip: status_grid of the kernel_languages table
    (the backend's name)."""
    cells = best_path_per_cell(kernels, row="language", column="chip", path="backend")
    return status_grid(cells, "language", KERNEL_LANGUAGES, "chip", chips, "backend")


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
SURFACE_SHORT = {"Claude API (first party)": "first-party API", "Amazon Bedrock": "Bedrock", "Google Vertex AI": "Vertex AI"}


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


# Each bug as the postmortem chart names it on its row: in full on a wide page, short on a phone.
BUG_ROW = {"context-window routing error": "Context-window routing error", "output corruption": "Output corruption",
           "approximate top-k miscompilation": "Top-k miscompile in XLA:TPU"}
BUG_ROW_NARROW = {"context-window routing error": "Routing error", "output corruption": "Output corruption",
                  "approximate top-k miscompilation": "Top-k miscompile"}


def bug_spans(tl: pd.DataFrame) -> pd.DataFrame:
    """One row per stretch of days on which a bug was live (its incident rows merged where
    they touch or overlap): bug, start_date, end_date, end_plus (the day after), and
    `incidents`, the rows it covers in words (surface or model, dates, share). `tl`: the
    output of incident_rows."""
    spans = []
    for bug, group in tl.sort_values(["start_date", "end_date"]).groupby("bug", sort=False):
        where = np.where(group["bug"] == "context-window routing error",
                         group["serving_surface"].map(SURFACE_SHORT).fillna(group["serving_surface"]), group["models_affected"])
        for row, place in zip(group.itertuples(), where):
            what = f"{place}, {row.start_date:%b %-d} to {row.end_date:%b %-d}, share of requests {row.share}"
            if spans and spans[-1]["bug"] == bug and row.start_date <= spans[-1]["end_date"] + pd.Timedelta(days=1):
                spans[-1]["end_date"] = max(spans[-1]["end_date"], row.end_date)
                spans[-1]["incidents"].append(what)
            else:
                spans.append({"bug": bug, "start_date": row.start_date, "end_date": row.end_date, "incidents": [what]})
    frame = pd.DataFrame(spans, columns=["bug", "start_date", "end_date", "incidents"])
    frame["incidents"] = frame["incidents"].map("; ".join)
    frame["end_plus"] = frame["end_date"] + pd.Timedelta(days=1)
    return frame


def postmortem_chart(incidents: pd.DataFrame, published: pd.Timestamp, source: str) -> alt.TopLevelMixin:
    """The three bugs of Anthropic's August-September 2025 postmortem as a timeline, one row
    per bug named with where it lived (TPUs only, or not chip-specific), coloured the same
    way (not by whose layer failed: a TPU-only bug may be a misconfiguration of Anthropic's
    own), and the days two or more bugs overlapped shaded. Each bar's tooltip lists its
    incident rows (surface or model, dates, share of requests). `incidents`: the
    postmortem_incidents table; `published`: the postmortem's date."""
    tl = incident_rows(incidents)
    spans = overlap_spans(incidents)
    overlap_total = int(spans["days"].sum())
    platform = bug_platforms(incidents)
    tpu_bugs = platform_specific_bugs(incidents, "Google TPU")
    lived_on = platform.map(lambda p: LIVED_ON.get(p, p))
    bars = bug_spans(tl)
    bars["lived_on"] = bars["bug"].map(lived_on)
    bars["fault_layer"] = bars["bug"].map(tl.groupby("bug")["fault_layer"].agg(lambda s: ", ".join(dict.fromkeys(s))))
    bars["date_from"], bars["date_to"] = bars["start_date"].dt.strftime("%Y-%m-%d"), bars["end_date"].dt.strftime("%Y-%m-%d")
    # Each row names its bug and, on a line of its own, where the bug lived: the grouping the title counts.
    bars["row"] = bars["bug"].map(BUG_ROW).fillna(bars["bug"]) + "\n" + bars["lived_on"]
    bars["row_narrow"] = [charts.wrap_lines(BUG_ROW_NARROW.get(b, b), POSTMORTEM_NARROW_CHARS) + "\n" + where
                          for b, where in zip(bars["bug"], bars["lived_on"])]
    bars["published"] = published
    words = ["No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]
    say = lambda n: words[n] if n < len(words) else str(n)  # noqa: E731
    title = (f"{say(tpu_bugs)} of {say(len(platform)).lower()} bugs lived only on TPUs, and two or more were live "
             f"at once on {overlap_total} days")
    # Bugs in order of their first day.
    first_day = bars.groupby("bug")["start_date"].transform("min")
    bars = bars.assign(first_day=first_day).sort_values(["first_day", "bug", "start_date"]).drop(columns="first_day")
    order, order_narrow = list(dict.fromkeys(bars["row"])), list(dict.fromkeys(bars["row_narrow"]))
    first = tl.assign(first_day=tl.groupby("bug")["start_date"].transform("min"))
    ordered = first.sort_values(["first_day", "bug", "start_date", "end_date"])
    kinds = [k for k in LIVED_ON.values() if k in set(bars["lived_on"])]
    lived_colours = {"TPUs only": charts.VENDOR_COLORS["Google"], "more than one chip family": charts.SERIES,
                     "not chip-specific": charts.NEUTRAL}
    tooltip = [alt.Tooltip("bug:N", title="Bug"), alt.Tooltip("lived_on:N", title="Lived on"),
               alt.Tooltip("fault_layer:N", title="Fault in"), alt.Tooltip("date_from:N", title="From"),
               alt.Tooltip("date_to:N", title="To"), alt.Tooltip("incidents:N", title="Incidents")]
    x_axis = alt.Axis(format="%b %-d", tickCount=4, labelAngle=0)
    overlap = charts.backdrop(alt.Chart(spans).mark_rect(opacity=0.15, color="#555").encode(
        x="start:T", x2="end_plus:T", tooltip=[alt.Tooltip("days:Q", title="Days with two or more bugs live")]))
    # The shading and the rule named where they are, above the plot: the overlap's days (the
    # title's number) over the longest overlap, from its first day; the rule's name on a line
    # above, ending at the rule.
    longest = spans.loc[[spans["days"].idxmax()]].assign(
        words=f"2+ bugs live: {overlap_total} days" if len(spans) == 1
        else f"2+ bugs live: {overlap_total} days in all") if len(spans) else spans.assign(words="")
    overlap_name = alt.Chart(longest).mark_text(align="left", baseline="bottom", dy=-3, fontSize=10, color=charts.INK).encode(
        x="start:T", y=alt.value(0), text="words:N")
    # A bar that runs past the rule says why: the incident that ran longest, on its surface,
    # under the bar, ending at the rule.
    late = tl[tl["end_date"] > published].sort_values("end_date").groupby("bug").tail(1)
    late_words = bars.merge(late[["bug", "end_date", "serving_surface"]], on=["bug", "end_date"])
    late_words["words"] = [f"{SURFACE_SHORT.get(s, s)} ran to {d:%b %-d} \u2192"
                           for s, d in zip(late_words["serving_surface"], late_words["end_date"])]

    def draw(narrow: bool):
        base = alt.Chart(bars)
        y = alt.Y(f"{'row_narrow' if narrow else 'row'}:N", title=None, sort=order_narrow if narrow else order,
                  axis=alt.Axis(labelExpr=charts.LINES, labelLimit=200, labelFontSize=10 if narrow else 11,
                                domain=False, ticks=False))
        # No legend: each row names where its bug lived, and the colour only repeats it.
        drawn = base.mark_bar(height=14, stroke=charts.INK, strokeWidth=1).encode(
            x=alt.X("start_date:T", title=None, axis=x_axis), x2="end_plus:T", y=y,
            color=alt.Color("lived_on:N", sort=kinds, legend=None,
                            scale=alt.Scale(domain=kinds, range=[lived_colours[k] for k in kinds])),
            tooltip=tooltip)
        rule = base.mark_rule(strokeDash=[4, 3], color=charts.INK).encode(
            x="published:T", tooltip=[alt.Tooltip("published:T", title="Postmortem published")])
        # The rule's name in the last row, ending at the rule, on two lines (that row's bar ends
        # well before it), apart from the overlap's name above the plot.
        field, rows = ("row_narrow", order_narrow) if narrow else ("row", order)
        rule_name = alt.Chart(pd.DataFrame({"published": [published], field: [rows[-1]], "words": ["postmortem\npublished"]})
                              ).mark_text(align="right", dx=-4, fontSize=10, lineBreak="\n", lineHeight=11,
                                          color=charts.INK).encode(
            x="published:T", y=alt.Y(f"{field}:N", sort=rows), text="words:N")
        late_name = alt.Chart(late_words[[field, "published", "words"]]).mark_text(
            align="right", baseline="top", dx=-4, dy=9, fontSize=10, color=charts.INK).encode(
            x="published:T", y=alt.Y(f"{field}:N", sort=rows), text="words:N")
        depth = max(text.count("\n") for text in (order_narrow if narrow else order)) + 1
        return alt.layer(overlap, drawn, rule, overlap_name, rule_name, late_name).properties(
            width=230 if narrow else 380, height=alt.Step(max(36, 13 * depth + 12)))

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle="The bugs of Anthropic's August-September 2025 postmortem; each bar's tooltip lists its incidents and shares.",
        source=source,
        description=(f"Timeline of {len(platform)} bugs from {tl['start_date'].min():%B %-d} to "
                     f"{tl['end_date'].max():%B %-d, %Y}. {title}. Their incidents: "
                     + "; ".join(f"{r.row}, {lived_on[r.bug]}, {r.date_from} to {r.date_to}, {r.share}" for r in ordered.itertuples())),
        data_files=["postmortem_incidents.csv"],
    )
