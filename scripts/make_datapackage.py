"""Write data/datapackage.json from the schemas below.

The descriptor is generated so that shared vocabularies (verdicts, stances, kinds) are
written once; run `python scripts/make_datapackage.py` after editing this file and
commit both. tests/test_data_package.py fails if the two disagree.
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from chipbook.vocabulary import (  # noqa: E402
    ARTICLES, CLAIM_KINDS, CONFIDENCE, SOURCE_KINDS, STANCES, VERDICTS)

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
CLAIM_ID = r"^A[12]-[0-9]{2}$"


def field(name, kind, description, required=True, **constraints):
    entry = {"name": name, "type": kind, "description": description}
    if kind == "date":
        entry["format"] = "default"
    if required:
        constraints = {"required": True, **constraints}
    if constraints:
        entry["constraints"] = constraints
    return entry


def source_fk(column="source_id"):
    return {"fields": column, "reference": {"resource": "sources", "fields": "source_id"}}


# --- The ledger: sources, articles, claims, evidence ---------------------------------
LEDGER = [
    {
        "name": "sources",
        "title": "Sources",
        "description": "The one registry of sources. Every row of every other table points here; the bibliography is generated from it.",
        "schema": {
            "fields": [
                field("source_id", "string", "Stable identifier: lowercase words joined by hyphens, e.g. publisher-topic-year.", pattern=SLUG, unique=True),
                field("title", "string", "Title of the document as published."),
                field("publisher", "string", "Who published it; for a copy, the original publisher and the copy's host."),
                field("date_published", "date", "Date of publication (ISO 8601). For undated pages, the date shown as last updated or, failing that, the date seen; the note says which."),
                field("url", "string", "Address of the document, or of the copy that was read.", pattern=r"^https?://\S+$"),
                field("kind", "string", "Kind of source; primary kinds are vendor documentation, company release, regulatory filing and paper.", enum=SOURCE_KINDS),
                field("accessed", "date", "Date the source was checked for this book (ISO 8601)."),
                field("note", "string", "What was seen at the source, and any caveat (a copy, an approximate date).", required=False),
            ],
            "primaryKey": ["source_id"],
        },
    },
    {
        "name": "articles",
        "title": "The two articles",
        "description": "The two articles under test, with the window of dates each was written in and the source that fixes that window.",
        "schema": {
            "fields": [
                field("article_id", "string", "A1 (the strategy article) or A2 (the news article).", enum=ARTICLES),
                field("title", "string", "Headline of the article."),
                field("publisher", "string", "Where it appeared."),
                field("source_id", "string", "The article itself, as a source."),
                field("date_earliest", "date", "Earliest date the article can have been written (ISO 8601)."),
                field("date_latest", "date", "Latest date the article can have been written (ISO 8601)."),
                field("dating_note", "string", "How the dates were worked out."),
                field("earliest_source_id", "string", "The source that fixes date_earliest (an event the article already knows of)."),
                field("latest_source_id", "string", "The source that fixes date_latest (an event the article does not yet know of)."),
            ],
            "primaryKey": ["article_id"],
            "foreignKeys": [source_fk(), source_fk("earliest_source_id"), source_fk("latest_source_id")],
        },
    },
    {
        "name": "claims",
        "title": "Claims ledger",
        "description": "One row per atomic argument of either article, in the book's words, with the chapter that tests it and its verdict.",
        "schema": {
            "fields": [
                field("claim_id", "string", "Stable id: A1-NN for the strategy article, A2-NN for the news article. Never renumbered or reused.", pattern=CLAIM_ID),
                field("article", "string", "The article making the claim.", enum=ARTICLES),
                field("source_id", "string", "The article the claim comes from, as a source (must be that article's source_id in articles.csv)."),
                field("section", "string", "The article's section the claim comes from."),
                field("claim", "string", "The claim, paraphrased in the book's words."),
                field("kind", "string", "What sort of statement it is.", enum=CLAIM_KINDS),
                field("chapter", "string", "Slug of the chapter that tests it (chapters/NN-<slug>.ipynb).", pattern=SLUG),
                field("verdict", "string", "The book's verdict: an honest summary of the claim's evidence rows.", enum=VERDICTS),
                field("verdict_reason", "string", "One line: why this verdict.", maxLength=320),
                field("would_change", "string", "What evidence would change the verdict."),
            ],
            "primaryKey": ["claim_id"],
            "foreignKeys": [{"fields": "article", "reference": {"resource": "articles", "fields": "article_id"}},
                            source_fk()],
        },
    },
    {
        "name": "evidence",
        "title": "Evidence",
        "description": "One row per piece of evidence on a claim, in the book's words, with its stance, the date it speaks for and a confidence grade.",
        "schema": {
            "fields": [
                field("evidence_id", "string", "Stable id: the claim id, -e, a number (A1-06-e2).", pattern=r"^A[12]-[0-9]{2}-e[0-9]+$"),
                field("claim_id", "string", "The claim this evidence bears on."),
                field("source_id", "string", "Where the evidence comes from."),
                field("stance", "string", "supports; complicates (true as stated, but adds a caveat that changes the reading); contradicts.", enum=STANCES),
                field("finding", "string", "What the source shows, in the book's words, with the figure's scope."),
                field("as_of", "date", "The date the finding speaks for (ISO 8601)."),
                field("confidence", "string", "high: a primary source; medium: a reputable secondary source; low: a single weak source or a copy of doubtful standing.", enum=CONFIDENCE),
            ],
            "primaryKey": ["evidence_id"],
            "foreignKeys": [
                {"fields": "claim_id", "reference": {"resource": "claims", "fields": "claim_id"}},
                source_fk(),
            ],
        },
    },
]


# --- Tables of the inference-economics chapter (chapters/NN-inference-economics.ipynb) --------------------
INFERENCE_ECONOMICS = [
]


# --- Tables of the interconnect chapter (chapters/NN-interconnect.ipynb) --------------------
INTERCONNECT = [
]


# --- Tables of the hardware-abstraction chapter (chapters/NN-hardware-abstraction.ipynb) --------------------
# Maturity labels, most mature first (chipbook.abstraction.STATUS_ORDER must match; a test checks).
SUPPORT_STATUSES = ["native", "supported", "beta", "experimental", "deprecated", "unsupported"]
SUPPORT_STATUS_HELP = (
    "Maturity of the path as its maintainer labels it, most mature first: native (shipped by the "
    "framework's or chip vendor's own release as a standard target), supported (generally available "
    "through a separate package or plugin), beta, experimental, deprecated (deprecated or in "
    "maintenance only), unsupported (no path, or support withdrawn).")
CHIPS = ["Google TPU", "AWS Trainium", "NVIDIA GPU"]

HARDWARE_ABSTRACTION = [
    {
        "name": "framework_support",
        "title": "Framework x hardware support matrix",
        "description": "One row per path by which a framework (JAX, PyTorch, TensorFlow) reaches a chip family (Google TPU, AWS Trainium, NVIDIA GPU), with its maturity as the maintainer labels it and the mechanism. A cell can have several paths.",
        "schema": {
            "fields": [
                field("framework", "string", "The ML framework.", enum=["JAX", "PyTorch", "TensorFlow"]),
                field("hardware", "string", "The chip family.", enum=CHIPS),
                field("path", "string", "The package or backend that connects the two, as its maintainer names it."),
                field("status", "string", SUPPORT_STATUS_HELP, enum=SUPPORT_STATUSES),
                field("mechanism", "string", "How the framework reaches the chip: the compiler and runtime layer (e.g. XLA through a PJRT plugin, a native device backend)."),
                field("source_id", "string", "The source that states the status."),
                field("as_of", "date", "The date the status speaks for (ISO 8601): the source's date, or the day an undated page was seen."),
                field("note", "string", "Qualifications: platforms covered, history of the status, how a vendor's own label was mapped.", required=False),
            ],
            "primaryKey": ["framework", "hardware", "path"],
            "foreignKeys": [source_fk()],
        },
    },
    {
        "name": "kernel_languages",
        "title": "Kernel languages per chip",
        "description": "One row per kernel language (the layer below the framework that peak performance needs) and chip family: which backend compiles it there and how mature that is. A language with no backend for a chip is listed as unsupported.",
        "schema": {
            "fields": [
                field("language", "string", "The kernel language or kernel compiler a team writes in.", enum=["Pallas", "Mosaic", "NKI", "Triton", "CUDA"]),
                field("chip", "string", "The chip family.", enum=CHIPS),
                field("backend", "string", "The compiler backend that turns the language into code for the chip; 'none' where there is none."),
                field("status", "string", SUPPORT_STATUS_HELP, enum=SUPPORT_STATUSES),
                field("owner", "string", "Who develops the language (Other: Triton's open-source project).", enum=["Google", "AWS", "NVIDIA", "Other"]),
                field("hardware_scope", "string", "Which generations of the chip the backend covers, where the source limits it.", required=False),
                field("source_id", "string", "The source that states the backend and its status."),
                field("as_of", "date", "The date the status speaks for (ISO 8601)."),
                field("note", "string", "Qualifications and how absence was established.", required=False),
            ],
            "primaryKey": ["language", "chip", "backend"],
            "foreignKeys": [source_fk()],
        },
    },
    {
        "name": "postmortem_incidents",
        "title": "Anthropic's September 2025 postmortem, as dated incidents",
        "description": "The three bugs of Anthropic's postmortem of 17 September 2025, one row per bug, serving surface and phase, with the platform it hit, its dates, the share of requests affected with that share's scope, and the models affected. Shares of different scopes (initial, worst hour, peak, upper bound) are not comparable with each other.",
        "schema": {
            "fields": [
                field("incident_id", "string", "Stable id: bug, then surface or phase.", pattern=SLUG, unique=True),
                field("bug", "string", "Which of the postmortem's three bugs.", enum=["context-window routing error", "output corruption", "approximate top-k miscompilation"]),
                field("fault_layer", "string", "Where in the stack the fault lived.", enum=["request routing", "TPU server configuration", "XLA:TPU compiler"]),
                field("hardware_platform", "string", "The chip family the bug was specific to, or not hardware-specific.", enum=CHIPS + ["not hardware-specific"]),
                field("vendor", "string", "Whose layer failed, for the chart's colour: the chip vendor for platform-specific bugs, Anthropic for its own routing.", enum=["Google", "AWS", "NVIDIA", "Anthropic"]),
                field("serving_surface", "string", "Where the affected requests came in.", enum=["Claude API (first party)", "Amazon Bedrock", "Google Vertex AI"]),
                field("start_date", "date", "First day of the row's period (ISO 8601)."),
                field("end_date", "date", "Last day of the row's period: the fix, rollback or rollout completion, or the next phase (ISO 8601)."),
                field("start_basis", "string", "Whether the start is stated for this row or is the bug's introduction because no row-specific start was given.", enum=["stated for this row", "bug introduction (row-specific start not stated)"]),
                field("share_of_requests_pct", "number", "Share of requests affected, in percent (0-100), with the scope in share_kind and share_scope; blank where no share was stated.", required=False, minimum=0, maximum=100),
                field("share_kind", "string", "What the share measures: at introduction, in the worst hour, at the peak, or an upper bound over the period.", enum=["initial", "worst hour", "peak", "upper bound for the period", "not stated"]),
                field("share_scope", "string", "The population the share is a share of, and when."),
                field("models_affected", "string", "Claude models confirmed affected, separated by semicolons."),
                field("models_possibly_affected", "string", "Models the postmortem says may also have been affected.", required=False),
                field("source_id", "string", "The source of the share and dates."),
                field("as_of", "date", "The date the row speaks for: the postmortem's publication (ISO 8601)."),
                field("note", "string", "Other facts of the row and caveats.", required=False),
            ],
            "primaryKey": ["incident_id"],
            "foreignKeys": [source_fk()],
        },
    },
    {
        "name": "anthropic_jax_evidence",
        "title": "Evidence on whether Anthropic uses JAX, graded by directness",
        "description": "Each piece of public evidence bearing on 'Anthropic uses JAX (and XLA)', with what it names and how directly it speaks: from Anthropic naming JAX itself to third parties inferring it.",
        "schema": {
            "fields": [
                field("item_id", "string", "Stable id of the item.", pattern=SLUG, unique=True),
                field("finding", "string", "What the item shows, in the book's words."),
                field("names_jax", "boolean", "Whether the item names JAX."),
                field("names_xla", "boolean", "Whether the item names XLA (the compiler)."),
                field("directness", "string", "How directly the item speaks, most direct first.", enum=[
                    "first-party, names JAX", "first-party, names XLA only", "first-party, names no framework",
                    "second-hand account of first-party words", "third-party inference"]),
                field("directness_rank", "integer", "The directness as a rank, 1 (Anthropic names JAX) to 5 (third-party inference).", minimum=1, maximum=5),
                field("stance", "string", "Bearing on 'Anthropic makes heavy use of JAX and XLA' (claim A1-21).", enum=STANCES),
                field("source_id", "string", "Where the item comes from."),
                field("as_of", "date", "The date the item speaks for (ISO 8601)."),
                field("confidence", "string", "high: a primary source seen; medium: reputable secondary or an aggregator copy; low: a single weak source.", enum=CONFIDENCE),
            ],
            "primaryKey": ["item_id"],
            "foreignKeys": [source_fk()],
        },
    },
]


# --- Tables of the capital-structure chapter (chapters/NN-capital-structure.ipynb) --------------------
CAPITAL_STRUCTURE = [
]


# --- Tables of the optionality-and-leverage chapter (chapters/NN-optionality-and-leverage.ipynb) --------------------
OPTIONALITY_AND_LEVERAGE = [
]


RESOURCES = LEDGER + INFERENCE_ECONOMICS + INTERCONNECT + HARDWARE_ABSTRACTION + CAPITAL_STRUCTURE + OPTIONALITY_AND_LEVERAGE


def descriptor():
    resources = []
    for resource in RESOURCES:
        resources.append({
            "name": resource["name"],
            "path": f"{resource['name']}.csv",
            "profile": "tabular-data-resource",
            "title": resource["title"],
            "description": resource["description"],
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {"missingValues": [""], **resource["schema"]},
        })
    return {
        "name": "owning-the-software-layer",
        "title": "Owning the Software Layer: data",
        "description": "The claims ledger and the evidence tables of the book. Every row carries a source_id that resolves to sources.csv.",
        "profile": "tabular-data-package",
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
    }


def render() -> str:
    return json.dumps(descriptor(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    (ROOT / "data" / "datapackage.json").write_text(render(), encoding="utf-8")
    print("wrote data/datapackage.json")
