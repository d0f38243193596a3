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

import re
from collections import Counter

import numpy as np
import pandas as pd

import jax
import jax.numpy as jnp
from jax import export

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


def overlap_days(incidents: pd.DataFrame) -> int:
    """Days on which two or more distinct bugs were live at once (start and end inclusive)."""
    days = Counter()
    for bug, group in incidents.groupby("bug"):
        live = set()
        for start, end in zip(group["start_date"], group["end_date"]):
            live.update(pd.date_range(start, end, freq="D"))
        days.update(live)
    return sum(1 for n in days.values() if n >= 2)
