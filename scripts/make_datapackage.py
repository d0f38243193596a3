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
ACCELERATOR_VENDORS = ["Google", "AWS", "NVIDIA"]
CHIP_ID = r"^[a-z0-9]+(-[a-z0-9.]+)*$"


def chip_fk(column="chip_id"):
    return {"fields": column, "reference": {"resource": "accelerator_specs", "fields": "chip_id"}}


INFERENCE_ECONOMICS = [
    {
        "name": "accelerator_specs",
        "title": "Accelerator specifications",
        "description": "One row per accelerator chip: peak dense throughput by number format, HBM capacity and bandwidth in decimal units and published power (the year each chip became available is in accelerator_availability). Peak figures are vendor maxima, not measurements. Dense and sparse, BF16 and FP8, GB and GiB are never mixed in one column; the published wording is kept beside each converted memory figure.",
        "schema": {
            "fields": [
                field("chip_id", "string", "Stable identifier of the chip, lowercase words joined by hyphens.", pattern=CHIP_ID, unique=True),
                field("chip", "string", "Name of the chip as the book shows it."),
                field("vendor", "string", "Who designs and sells the chip.", enum=ACCELERATOR_VENDORS),
                field("chip_kind", "string", "ASIC (a purpose-built accelerator) or GPU.", enum=["ASIC", "GPU"]),
                field("bf16_tflops_dense", "number", "Peak BF16 matrix throughput per chip without structured sparsity, in teraFLOPS (10^12 floating-point operations per second).", minimum=0),
                field("bf16_tflops_sparse", "number", "Peak BF16 throughput per chip with structured sparsity, in teraFLOPS, where the vendor publishes one; never used for cost or roofline figures.", required=False, minimum=0),
                field("fp8_tflops_dense", "number", "Peak FP8 matrix throughput per chip without sparsity, in teraFLOPS; blank where the chip has no FP8 rate or only microscaling (MX) formats are published.", required=False, minimum=0),
                field("int8_tops_dense", "number", "Peak INT8 throughput per chip without sparsity, in tera-operations per second (10^12 integer operations per second).", required=False, minimum=0),
                field("hbm_gb", "number", "High-bandwidth memory per chip in decimal gigabytes (10^9 bytes); GiB figures are converted at 1 GiB = 1.073741824 GB.", minimum=0),
                field("hbm_capacity_as_published", "string", "Memory capacity exactly as the source prints it, with its unit (GB, GiB or bytes)."),
                field("hbm_bandwidth_gb_s", "number", "Peak HBM bandwidth per chip in decimal gigabytes per second (10^9 bytes/s), the aggregate peak of the memory interface (reads and writes share it; not a sum of two directions).", minimum=0),
                field("hbm_bandwidth_as_published", "string", "Memory bandwidth exactly as the source prints it, with its unit."),
                field("power_w", "number", "Published power figure per chip in watts; blank where the vendor publishes none.", required=False, minimum=0),
                field("power_basis", "string", "What the power figure is: a design maximum (TDP, TGP) or a measured value.", required=False, enum=["maximum TDP", "maximum TGP", "measured maximum"]),
                field("source_id", "string", "Source of the throughput and memory figures."),
                field("as_of", "date", "Date the specification row speaks for (ISO 8601): the source's date, or the day an undated page was seen."),
                field("note", "string", "What the source says beyond the columns, and any caveat."),
            ],
            "primaryKey": ["chip_id"],
            "foreignKeys": [source_fk()],
        },
    },
    {
        "name": "accelerator_availability",
        "title": "When each accelerator became available",
        "description": "One row per chip whose availability year was verified: the year, what it marks (internal deployment, announcement, general availability or the date of the first spec sheet) and its source. Chips without a verified date have no row.",
        "schema": {
            "fields": [
                field("chip_id", "string", "The chip (accelerator_specs.chip_id).", unique=True),
                field("year_available", "year", "Year of the event year_basis names."),
                field("year_basis", "string", "What year_available marks.", enum=["internal deployment", "announced", "general availability", "spec sheet dated"]),
                field("source_id", "string", "Where the year was seen."),
                field("as_of", "date", "Date of the statement that fixes the year (ISO 8601)."),
            ],
            "primaryKey": ["chip_id"],
            "foreignKeys": [chip_fk(), source_fk()],
        },
    },
    {
        "name": "accelerator_prices",
        "title": "Accelerator list prices",
        "description": "Cloud list prices per hour for an instance or slice, with the region, the date, the number of accelerator chips it holds and the price divided by that count. Instance prices of GPU and Trainium/Inferentia machines include the host's CPUs, memory and disks; TPU prices are charged per chip.",
        "schema": {
            "fields": [
                field("price_id", "string", "Stable identifier of the price observation.", pattern=r"^[a-z0-9]+(-[a-z0-9.]+)*$", unique=True),
                field("chip_id", "string", "The accelerator the offering contains."),
                field("cloud", "string", "The cloud that sells the offering.", enum=["Google Cloud", "AWS"]),
                field("offering", "string", "Instance type or TPU slice type as the cloud names it ('per chip' where the source prices a chip directly)."),
                field("pricing", "string", "On-demand list price or a committed-use price.", enum=["on-demand", "1-year commitment", "3-year commitment"]),
                field("region", "string", "Cloud region the price applies to, or 'not stated'."),
                field("usd_per_offering_hour", "number", "Price of the whole instance or slice, in US dollars per hour.", minimum=0),
                field("chips_per_offering", "integer", "Number of accelerator chips in the instance or slice.", minimum=1),
                field("usd_per_chip_hour", "number", "usd_per_offering_hour divided by chips_per_offering, in US dollars per chip-hour (rounded to 6 decimals).", minimum=0),
                field("source_id", "string", "Where the price was seen."),
                field("as_of", "date", "Date the price speaks for (ISO 8601); for undated catalogs, the earliest date the catalog's contents allow, as the note says."),
                field("note", "string", "How the price was read and what it includes."),
            ],
            "primaryKey": ["price_id"],
            "foreignKeys": [chip_fk(), source_fk()],
        },
    },
    {
        "name": "vendor_claims",
        "title": "Vendor performance and price-performance claims",
        "description": "One row per generational or price-performance claim a vendor made, with its exact scope. These are claims, not measurements: measurements are in mlperf_results and specifications in accelerator_specs.",
        "schema": {
            "fields": [
                field("claim_ref", "string", "Stable identifier of the vendor claim.", pattern=SLUG, unique=True),
                field("vendor", "string", "The vendor making the claim.", enum=ACCELERATOR_VENDORS),
                field("subject", "string", "What the claim is about, in the vendor's terms."),
                field("subject_chip_id", "string", "The chip the claim is about.", required=False),
                field("baseline", "string", "What the claim compares against, in the vendor's terms."),
                field("baseline_chip_id", "string", "The baseline chip, where it is one chip of accelerator_specs.", required=False),
                field("metric", "string", "What the claimed ratio measures.", enum=[
                    "inference performance per dollar", "training performance per dollar",
                    "LLM inference price-performance", "LLM training price-performance",
                    "training performance", "performance per watt", "performance per TCO",
                    "price-performance vs GPU instances"]),
                field("factor_low_x", "number", "Claimed ratio of subject to baseline (times); the low end where a range is given.", minimum=0),
                field("factor_high_x", "number", "Claimed ratio (times); the high end where a range is given, else equal to factor_low_x.", minimum=0),
                field("qualifier", "string", "How the vendor hedged the figure: 'up to' (a best case), 'stated' (no hedge) or 'expected'.", enum=["up to", "stated", "expected"]),
                field("basis", "string", "What the claim rests on, as far as the source says.", enum=["vendor statement", "vendor benchmark claim", "vendor spec index"]),
                field("scope", "string", "Workload, precision and other conditions of the claim, and how it was seen."),
                field("ledger_claim_id", "string", "The claim of the ledger this vendor claim bears on.", required=False),
                field("source_id", "string", "Where the claim was seen."),
                field("as_of", "date", "Date the claim was made (ISO 8601)."),
            ],
            "primaryKey": ["claim_ref"],
            "foreignKeys": [
                chip_fk("subject_chip_id"), chip_fk("baseline_chip_id"),
                {"fields": "ledger_claim_id", "reference": {"resource": "claims", "fields": "claim_id"}},
                source_fk(),
            ],
        },
    },
    {
        "name": "mlperf_results",
        "title": "MLPerf Inference GPT-J results",
        "description": "Closed-division MLPerf Inference results for GPT-J 6B on TPU v5e and H100 systems, from the MLCommons result logs, with system size and availability status. Throughput is for the whole system; divide by accelerators_per_system for a per-chip figure.",
        "schema": {
            "fields": [
                field("result_id", "string", "Stable identifier of the result.", pattern=r"^v[0-9.]+-[a-z0-9.-]+$", unique=True),
                field("round", "string", "MLPerf Inference round.", enum=["v3.1", "v4.0"]),
                field("benchmark", "string", "Benchmark and accuracy target (gptj-99.9 is the stricter target).", enum=["gptj-99", "gptj-99.9"]),
                field("scenario", "string", "MLPerf scenario: Server (queries arrive at random under a latency bound) or Offline (all queries at once).", enum=["Server", "Offline"]),
                field("submitter", "string", "Organisation that submitted the result."),
                field("system_name", "string", "System name as submitted."),
                field("chip_id", "string", "Accelerator in the system."),
                field("accelerators_per_system", "integer", "Number of accelerator chips in the system.", minimum=1),
                field("availability", "string", "MLPerf availability category: available (orderable) or preview (not yet generally available).", enum=["available", "preview"]),
                field("framework", "string", "Serving software as submitted."),
                field("samples_per_second", "number", "Server: scheduled samples (summaries) per second for the whole system; Offline: samples per second.", minimum=0),
                field("latency_mean_s", "number", "Mean per-query latency in seconds (Server scenario).", required=False, minimum=0),
                field("latency_p99_s", "number", "99th-percentile per-query latency in seconds (Server scenario).", required=False, minimum=0),
                field("latency_bound_s", "number", "The scenario's latency target in seconds.", required=False, minimum=0),
                field("source_id", "string", "The result log (mlperf_log_summary.txt)."),
                field("system_source_id", "string", "The system description file that gives size and availability."),
                field("as_of", "date", "Date the result speaks for (ISO 8601; month of the round)."),
            ],
            "primaryKey": ["result_id"],
            "foreignKeys": [chip_fk(), source_fk(), source_fk("system_source_id")],
        },
    },
]


# --- Tables of the interconnect chapter (chapters/NN-interconnect.ipynb) --------------------
INTERCONNECT = [
]


# --- Tables of the hardware-abstraction chapter (chapters/NN-hardware-abstraction.ipynb) --------------------
HARDWARE_ABSTRACTION = [
]


# --- Tables of the capital-structure chapter (chapters/NN-capital-structure.ipynb) --------------------
CAPITAL_STRUCTURE = [
]


# --- Tables of the optionality-and-leverage chapter (chapters/NN-optionality-and-leverage.ipynb) --------------------
CAPACITY_VENDORS = ["AWS", "Google", "NVIDIA"]
BOUNDS = ["about", "nearly", "more than", "up to"]
LABS = ["Anthropic", "OpenAI", "Meta", "xAI", "Apple", "Safe Superintelligence"]
CHIP_VENDORS = ["AWS", "Google", "NVIDIA", "AMD", "Broadcom"]
OPTIONALITY_AND_LEVERAGE = [
    {
        "name": "capacity",
        "title": "Anthropic's compute capacity by chip vendor",
        "description": "Chips and gigawatts Anthropic announced, was reported to have, or expected, per chip vendor and deal, with the date each figure was stated and the date it speaks for. Figures of the same tranche restate one another; different tranches add up. 'Up to' figures are ceilings the companies announced, not measurements.",
        "schema": {
            "fields": [
                field("capacity_id", "string", "Row id: cap- and a number.", pattern=r"^cap-[0-9]{2}$"),
                field("vendor", "string", "Who makes the chips (not the cloud that hosts them): AWS for Trainium, Google for TPUs, NVIDIA for GPUs.", enum=CAPACITY_VENDORS),
                field("chip_family", "string", "The chips or systems the figure covers, as the source names them, with the hosting cloud or site where it is not the chip vendor's."),
                field("tranche", "string", "The deal or fleet the figure belongs to. Rows of one tranche restate or update each other and are never added together; rows of different tranches are.", pattern=SLUG),
                field("date_stated", "date", "Date the figure was made public (ISO 8601)."),
                field("as_of", "date", "Date the figure speaks for (ISO 8601): the day for capacity in service, the target date for expected or contracted capacity (1 January of the year where only a year is given)."),
                field("chips", "integer", "Number of accelerator chips (count); blank when the source gives none. Read with chips_bound.", required=False, minimum=1),
                field("chips_bound", "string", "How the source bounds the chip count: about, nearly, more than, up to (a ceiling).", required=False, enum=BOUNDS),
                field("gigawatts", "number", "Data-center power capacity in gigawatts (GW) as the source states it; blank when it gives none. Read with gigawatts_bound.", required=False, minimum=0),
                field("gigawatts_bound", "string", "How the source bounds the gigawatts: about, nearly, more than, up to (a ceiling).", required=False, enum=BOUNDS),
                field("state", "string", "in service: running for Anthropic at as_of; contracted: agreed for delivery, not yet (all) running.", enum=["in service", "contracted"]),
                field("basis", "string", "announced: stated by Anthropic or the vendor; reported: stated by press or analysts; expected: a forecast for as_of by the company or vendor.", enum=["announced", "reported", "expected"]),
                field("source_id", "string", "Where the figure comes from (sources.csv)."),
                field("note", "string", "What the source says, in the book's words, and any caveat.", required=False),
            ],
            "primaryKey": ["capacity_id"],
            "foreignKeys": [source_fk()],
        },
    },
    {
        "name": "nvidia_financials",
        "title": "NVIDIA revenue and gross margin by fiscal year",
        "description": "NVIDIA's total and data-center revenue (USD billions) and company-wide GAAP gross margin (percent) per fiscal year, from its results releases and reports of them. NVIDIA does not publish a data-center gross margin.",
        "schema": {
            "fields": [
                field("fiscal_year", "year", "NVIDIA fiscal year (FY2026 ended in January 2026).", unique=True),
                field("as_of", "date", "Last day of the fiscal year (ISO 8601), the date the figures speak for."),
                field("total_revenue_usd_bn", "number", "Total revenue for the fiscal year, in billions of US dollars, as published (rounded by the source).", minimum=0),
                field("data_center_revenue_usd_bn", "number", "Data Center market-platform revenue for the fiscal year, in billions of US dollars, as published.", minimum=0),
                field("gaap_gross_margin_pct", "number", "Company-wide GAAP gross margin for the fiscal year, in percent of revenue (not a data-center margin, which NVIDIA does not disclose).", minimum=0, maximum=100),
                field("source_id", "string", "Where the two revenue figures were read (sources.csv)."),
                field("gross_margin_source_id", "string", "Where the GAAP gross margin was read (sources.csv)."),
                field("note", "string", "Caveats: copies, labels, cross-checks.", required=False),
            ],
            "primaryKey": ["fiscal_year"],
            "foreignKeys": [source_fk(), source_fk("gross_margin_source_id")],
        },
    },
    {
        "name": "lab_chip_vendors",
        "title": "AI labs' chip-vendor arrangements",
        "description": "Arrangements between AI labs and chip vendors, found in sourced reporting: which chip family, what was agreed, when, and how firm it is. A sample of the labs with public arrangements, not a census.",
        "schema": {
            "fields": [
                field("arrangement_id", "string", "Row id: lab- and a number.", pattern=r"^lab-[0-9]{2}$"),
                field("lab", "string", "The AI lab.", enum=LABS),
                field("chip_vendor", "string", "Who supplies the chip family (Broadcom for custom accelerators it builds to a lab's design).", enum=CHIP_VENDORS),
                field("chip_family", "string", "The chips or systems, as the source names them."),
                field("arrangement", "string", "What was agreed or reported, in the book's words, with its size where given."),
                field("date", "date", "Date the arrangement was announced or first reported (ISO 8601)."),
                field("as_of", "date", "Date the status speaks for (ISO 8601)."),
                field("status", "string", "in use: running the lab's work; contracted: agreed, deliveries to come; testing: trial use only; in talks: reported negotiations.", enum=["in use", "contracted", "testing", "in talks"]),
                field("basis", "string", "announced: stated by the lab or vendor; reported: stated by press.", enum=["announced", "reported"]),
                field("source_id", "string", "Where the arrangement is reported (sources.csv)."),
                field("note", "string", "Caveats: an undated copy, what the table leaves out.", required=False),
            ],
            "primaryKey": ["arrangement_id"],
            "foreignKeys": [source_fk()],
        },
    },
]


# --- Tables of the second-article chapter (chapters/07-second-article.ipynb) -------------
WHO_HELD = ["A1", "A2", "both in part", "not yet known"]


def claim_fk(column):
    return {"fields": column, "reference": {"resource": "claims", "fields": "claim_id"}}


SECOND_ARTICLE = [
    {
        "name": "article_disagreements",
        "title": "Where the two articles disagree",
        "description": "Questions on which the news article (A2) and the strategy article (A1) tell different stories, with which account the evidence bore out when they were written and by 2026.",
        "schema": {
            "fields": [
                field("pair_id", "string", "Identifier of the disagreement: D and a number.", pattern=r"^D[0-9]+$"),
                field("question", "string", "The question the two articles answer differently."),
                field("a2_claim_id", "string", "The news article's claim (A2-NN) on the question."),
                field("a1_claim_id", "string", "The strategy article's claim (A1-NN) on the question."),
                field("held_late_2024", "string", "Which account the evidence bears out for late 2024, when the articles were written.", enum=WHO_HELD),
                field("held_2026", "string", "Which account the evidence bears out by the book's evidence-as-of date.", enum=WHO_HELD),
                field("why", "string", "The evidence behind both judgments, in one sentence."),
                field("source_id", "string", "The source that decides the later judgment."),
                field("as_of", "date", "The date the deciding source speaks for (ISO 8601)."),
            ],
            "primaryKey": ["pair_id"],
            "foreignKeys": [claim_fk("a2_claim_id"), claim_fk("a1_claim_id"), source_fk()],
        },
    },
]


RESOURCES = LEDGER + SECOND_ARTICLE + INFERENCE_ECONOMICS + INTERCONNECT + HARDWARE_ABSTRACTION + CAPITAL_STRUCTURE + OPTIONALITY_AND_LEVERAGE


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
