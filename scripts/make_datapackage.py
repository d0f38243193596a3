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
    ARGUMENT_LINK_KINDS, ARRANGEMENT_ID, ARRANGEMENT_STATUSES, ARTICLES, BOUNDS, CAPACITY_BASES, CAPACITY_ID, CAPACITY_STATES,
    CHIP_FAMILIES, CHIP_ID, CHIP_MAKERS, CHIP_VENDORS, CLAIM_ID, CLAIM_KINDS, COMMITMENT_CHIP_FAMILIES,
    COMMITMENT_KINDS, CONFIDENCE, CONSIDERATION, COPY_KINDS, COUNTERPARTIES, DISAGREEMENT_ID, DISCLOSURE,
    EVIDENCE_ID, FIGURE_BASIS, INCIDENT_OWNERS, INSTRUMENTS, INVESTORS, KERNEL_OWNERS, LABS, MIX_BENCHMARK_RELATIONS, MIX_COUNTING, MIX_FACTOR_DIRECTIONS, MIX_MEASURES, MLPERF_RESULT_ID, QUARTER,
    ROUND_STATUS, SLUG, SOURCE_KINDS, STANCES, SUPPORT_STATUSES, TRANCHE_STATUS, URL, VALUATION_BASIS,
    VENDOR_CLAIM_BASES, VENDOR_CLAIM_QUALIFIERS, VENDOR_GROUPS, VERDICT_LIST, VERDICTS, WHO_HELD)
from chipbook.data import DECIMALS, FORMULA, NOT_AFTER, NOT_AFTER_RULES, QUOTES, SOURCED  # noqa: E402
from chipbook.inference_contracts import DOLLARS_PER as CONTRACT_DOLLARS_PER  # noqa: E402
from chipbook.inference_contracts import BOUNDS as CONTRACT_BOUNDS  # noqa: E402
from chipbook.inference_contracts import KINDS as CONTRACT_KINDS, TERMS as CONTRACT_TERMS, UNITS as CONTRACT_UNITS  # noqa: E402


def field(name, kind, description, required=True, formula=None, decimals=None, not_after="evidence date",
          quotes=False, **constraints):
    """One Table Schema field. Beyond Table Schema (checked by `make check`, see chipbook.data):
    formula: the column is computed from the row's other columns (chipbook.expressions), e.g.
        "usd_per_offering_hour / chips_per_offering", rounded to `decimals` places if given;
    not_after: for a date, the latest date allowed: "evidence date" (the book's evidence
        date, the default), "today" (the book's own review dates) or "no limit" (a forecast);
    quotes: the text may quote other tables' values as {table[key].column:format}
        placeholders, filled wherever it is shown (chipbook.quotes). Set it on every
        free-text column the book prints (findings, reasons, why, a scenario's description),
        so a comparison with another table's figure is computed, not typed; `make check`
        refuses a placeholder in a column without it."""
    entry = {"name": name, "type": kind, "description": description}
    if kind == "date":
        entry["format"] = "default"
        assert not_after in NOT_AFTER_RULES, not_after
        entry[NOT_AFTER] = not_after
    if formula:
        entry[FORMULA] = formula
        if decimals is not None:
            entry[DECIMALS] = decimals
    if quotes:
        entry[QUOTES] = True
    if required:
        constraints = {"required": True, **constraints}
    if constraints:
        entry["constraints"] = constraints
    return entry


def source_fk(column="source_id"):
    return {"fields": column, "reference": {"resource": "sources", "fields": "source_id"}}


# What each confidence grade means, for every table that grades its rows (evidence,
# anthropic_jax_evidence); `make check` holds evidence rows graded high to it
# (chipbook.table_rules.high_means_a_primary_source_read_at_its_publisher).
CONFIDENCE_HELP = (
    "high: a primary source (vendor documentation, company release, regulatory filing, paper) read where its "
    "publisher put it; medium: reputable secondary reporting or a primary source seen only in a copy or report; "
    "low: a single weak source or a copy of doubtful standing.")


# --- The ledger: sources, articles, claims, evidence ---------------------------------
LEDGER = [
    {
        "name": "sources",
        "sourced": False,  # the registry itself
        "title": "Sources",
        "description": "The one registry of sources. Every row of every other table points here; the bibliography is generated from it.",
        "schema": {
            "fields": [
                field("source_id", "string", "Stable identifier: lowercase words joined by hyphens, e.g. publisher-topic-year.", pattern=SLUG, unique=True),
                field("title", "string", "Title of the document as published."),
                field("publisher", "string", "Who published it: the original publisher, never the host of a copy it was read in."),
                field("date_published", "date", "Date of publication (ISO 8601). For undated pages, the date shown as last updated or, failing that, the date seen; the note says which."),
                field("url", "string", "Where the original publisher put the document; never a copy, proxy, redirect or short link.", pattern=URL),
                field("copy_url", "string", "Where the text was actually read, when that was not the publisher's page: a copy (an archive, a mirror) or a secondary report of it (copy_kind says which); empty when read at url.", required=False, pattern=URL),
                field("copy_kind", "string", "What copy_url holds: copy (the same text on another host) or report (a secondary account of the document: a summary, digest or other outlet's story, which is what was read). Required when copy_url is set, empty otherwise.", required=False, enum=COPY_KINDS),
                field("kind", "string", "Kind of source; primary kinds are vendor documentation, company release, regulatory filing and paper.", enum=SOURCE_KINDS),
                field("accessed", "date", "Date the source was checked for this book (ISO 8601).", not_after="today"),
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
                field("author", "string", "Who made the article's claims: the byline, or for an unsigned article the site that published it (schema.org ClaimReview itemReviewed.author)."),
                field("author_type", "string", "Whether author is a Person (a byline) or an Organization (a site or outlet), as schema.org types them.", enum=["Person", "Organization"]),
            ],
            "primaryKey": ["article_id"],
            "foreignKeys": [source_fk(), source_fk("earliest_source_id"), source_fk("latest_source_id")],
        },
    },
    {
        "name": "verdict_principles",
        "sourced": False,  # the book's method, not a fact
        "title": "Verdict principles",
        "description": "The principles under which the verdict rules (verdict_rules) are applied, written once: which rule applies when several fit, a sentence read two ways, when a claim is judged (the article's date against later developments) and what the verdict complicated means. Shown to readers above the rules table.",
        "schema": {
            "fields": [
                field("principle_id", "string", "Stable identifier: lowercase words joined by hyphens.", pattern=SLUG, unique=True),
                field("position", "integer", "Order in which the principles are shown (1 first).", minimum=1, unique=True),
                field("name", "string", "Short name shown to readers."),
                field("statement", "string", "The principle, in full."),
            ],
            "primaryKey": ["principle_id"],
        },
    },
    {
        "name": "verdicts",
        "sourced": False,  # the book's method, not a fact
        "title": "Verdicts",
        "description": "What each verdict means, stated once: the front page's table of verdicts is drawn from it, and the verdict rules (verdict_rules) say which test gives which verdict. One row per verdict, in the book's order (best to worst as far as holding as stated goes).",
        "schema": {
            "fields": [
                field("verdict", "string", "The verdict.", enum=VERDICTS, unique=True),
                field("meaning", "string", "What the verdict means, in one or two sentences, as the rules and principles apply it."),
            ],
            "primaryKey": ["verdict"],
        },
    },
    {
        "name": "verdict_rules",
        "sourced": False,  # the book's method, not a fact: each claim's evidence rows carry the sources
        "title": "Verdict rules",
        "description": "The rules that turn a claim's evidence into its verdict, written once: each names a recurring case, the test a claim of that case must pass, and the verdicts the test can give. The rules are tried in order of precedence and applied under the principles of verdict_principles (which rule applies, a sentence read two ways, when a claim is judged, what complicated means). Every claim names the rule it applied (claims.rule_id), and make check refuses a verdict its rule does not allow.",
        "schema": {
            "fields": [
                field("rule_id", "string", "Stable identifier: lowercase words joined by hyphens; shown to readers as the anchor rule-<rule_id>.", pattern=SLUG, unique=True),
                field("precedence", "integer", "Order in which the rules are tried: the rule with the lowest number whose case fits applies; the next one whose case fits is the claim's borderline alternative (claims.alternative_rule_id), recorded when it gives another verdict (verdict_principles: precedence).", minimum=1, unique=True),
                field("name", "string", "Short name shown to readers beside each verdict."),
                field("case", "string", "The recurring case the rule covers: what kind of claim it applies to."),
                field("test", "string", "The test a claim of this case must pass, and which outcome leads to which verdict."),
                field("allowed_verdicts", "string", "The verdicts the test can give, separated by '; ' (machine-checked: make check refuses any other verdict for a claim under this rule).", pattern=VERDICT_LIST),
            ],
            "primaryKey": ["rule_id"],
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
                field("last_reviewed", "date", "The date the claim's verdict was last reviewed against its evidence (ISO 8601).", not_after="today"),
                field("rule_id", "string", "The verdict rule the claim was judged by (verdict_rules.rule_id); its verdict must be one the rule allows."),
                field("alternative_rule_id", "string", "For a borderline claim, the next rule in precedence whose case also fits (the same rule only for a claim that reads a sentence one of two ways: verdict_principles); empty when no other case fits or it gives the same verdict.", required=False),
                field("alternative_verdict", "string", "The verdict the alternative rule would give; set exactly when alternative_rule_id is, and one that rule allows.", required=False, enum=VERDICTS),
                field("claim_short", "string", "The claim in at most 75 characters, faithful to `claim` and in the book's words: the claimReviewed that search engines and fact-check aggregators show (schema.org ClaimReview); the page keeps the full paraphrase.", maxLength=75),
            ],
            "primaryKey": ["claim_id"],
            "foreignKeys": [{"fields": "article", "reference": {"resource": "articles", "fields": "article_id"}},
                            source_fk(),
                            {"fields": "rule_id", "reference": {"resource": "verdict_rules", "fields": "rule_id"}},
                            {"fields": "alternative_rule_id", "reference": {"resource": "verdict_rules", "fields": "rule_id"}}],
        },
    },
    {
        "name": "verdict_history",
        "sourced": False,  # the book's own decisions; each rests on the claim's evidence rows
        "title": "Verdict history",
        "description": "Every change of a claim's verdict, as a fact-checker's corrections log keeps it; the Corrections and updates page is generated from it.",
        "schema": {
            "fields": [
                field("claim_id", "string", "The claim whose verdict changed."),
                field("date", "date", "The date of the change (ISO 8601); no later than the claim's last_reviewed. A claim changed twice in one day has two rows of that date, in the order of the changes.", not_after="today"),
                field("verdict_before", "string", "The verdict before the change; empty for a claim added on that date.", required=False, enum=VERDICTS),
                field("verdict_after", "string", "The verdict after the change.", enum=VERDICTS),
                field("reason", "string", "Why the verdict changed, in one or two sentences.", quotes=True),
            ],
            "primaryKey": ["claim_id", "date", "verdict_after"],
            "foreignKeys": [{"fields": "claim_id", "reference": {"resource": "claims", "fields": "claim_id"}}],
        },
    },
    {
        "name": "evidence",
        "title": "Evidence",
        "description": "One row per piece of evidence on a claim, in the book's words, with its stance, the date it speaks for and a confidence grade.",
        "schema": {
            "fields": [
                field("evidence_id", "string", "Stable id: the claim id, -e, a number (A1-06-e2).", pattern=EVIDENCE_ID),
                field("claim_id", "string", "The claim this evidence bears on."),
                field("source_id", "string", "Where the evidence comes from."),
                field("stance", "string", "supports; complicates (true as stated, but adds a caveat that changes the reading); contradicts.", enum=STANCES),
                field("finding", "string", "What the source shows, in the book's words, with the figure's scope. A number the book takes from another table is written as a placeholder, {table[key].column:format} or arithmetic of such references, which the book fills wherever the finding is shown (the CSV keeps the placeholder).", quotes=True),
                field("as_of", "date", "The date the finding speaks for (ISO 8601), no later than the book's evidence date.", minimum="2015-01-01"),
                field("confidence", "string", CONFIDENCE_HELP, enum=CONFIDENCE),
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
                field("vendor", "string", "Who designs and sells the chip.", enum=CHIP_MAKERS),
                field("chip_kind", "string", "ASIC (a purpose-built accelerator) or GPU.", enum=["ASIC", "GPU"]),
                field("bf16_tflops_dense", "number", "Peak BF16 matrix throughput per chip without structured sparsity, in teraFLOPS (10^12 floating-point operations per second).", minimum=0),
                field("bf16_tflops_sparse", "number", "Peak BF16 throughput per chip with structured sparsity, in teraFLOPS, where the vendor publishes one; never used for cost or roofline figures.", required=False, minimum=0),
                field("fp8_tflops_dense", "number", "Peak FP8 matrix throughput per chip without sparsity, in teraFLOPS; blank where the chip has no FP8 rate or only microscaling (MX) formats are published.", required=False, minimum=0),
                field("int8_tops_dense", "number", "Peak INT8 throughput per chip without sparsity, in tera-operations per second (10^12 integer operations per second).", required=False, minimum=0),
                field("mxfp8_tflops_dense", "number", "Peak throughput per chip without sparsity in a microscaling 8-bit floating-point format (MXFP8), in teraFLOPS, where the vendor publishes it and no plain FP8 rate; the cost model treats it as an 8-bit floating-point rate.", required=False, minimum=0),
                field("fp4_tflops_dense", "number", "Peak 4-bit floating-point throughput per chip without sparsity (FP4, NVFP4 or MXFP4), in teraFLOPS; blank where no dense 4-bit rate is published.", required=False, minimum=0),
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
                field("price_id", "string", "Stable identifier of the price observation.", pattern=CHIP_ID, unique=True),
                field("chip_id", "string", "The accelerator the offering contains."),
                field("cloud", "string", "The cloud that sells the offering.", enum=["Google Cloud", "AWS"]),
                field("offering", "string", "Instance type or TPU slice type as the cloud names it ('per chip' where the source prices a chip directly)."),
                field("pricing", "string", "On-demand list price or a committed-use price.", enum=["on-demand", "1-year commitment", "3-year commitment"]),
                field("region", "string", "Cloud region the price applies to, or 'not stated'."),
                field("usd_per_offering_hour", "number", "Price of the whole instance or slice, in US dollars per hour.", minimum=0),
                field("chips_per_offering", "integer", "Number of accelerator chips in the instance or slice.", minimum=1),
                field("usd_per_chip_hour", "number", "usd_per_offering_hour divided by chips_per_offering, in US dollars per chip-hour (rounded to 6 decimals).", formula="usd_per_offering_hour / chips_per_offering", decimals=6, minimum=0),
                field("source_id", "string", "Where the price was seen."),
                field("as_of", "date", "Date the price speaks for (ISO 8601); for undated catalogs, the earliest date the catalog's contents allow, or the day the catalog was read where its contents allow none, as the note says."),
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
                field("vendor", "string", "The vendor making the claim.", enum=CHIP_MAKERS),
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
                field("qualifier", "string", "How the vendor hedged the figure: 'up to' (a best case), 'stated' (no hedge, in the vendor's own words), 'expected', or 'hedge not seen' (only a report giving the figure bare was read).", enum=VENDOR_CLAIM_QUALIFIERS),
                field("basis", "string", "What the claim rests on, as far as the source says: the vendor's own statement, benchmark claim or spec index, or 'as reported' where only the press or a report of the vendor's page was read.", enum=VENDOR_CLAIM_BASES),
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
                field("result_id", "string", "Stable identifier of the result.", pattern=MLPERF_RESULT_ID, unique=True),
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
    {
        "name": "interconnect_systems",
        "title": "Scale-up domains compared",
        "description": "One row per system: the chip-to-chip (scale-up) link and how many chips it joins, the topology and switching, the data-center (scale-out) network per chip, and the chip's dense BF16 peak. Vendor specifications, not measurements. Bandwidth is given both per direction and in both directions, in separate columns; scaleup_figure_published_as says which one the vendor published (the other is derived by halving or doubling).",
        "schema": {
            "fields": [
                field("system_id", "string", "Stable identifier of the system.", pattern=SLUG, unique=True),
                field("system", "string", "Name of the system or scale-up domain."),
                field("vendor", "string", "Who designs the chip and its scale-up link.", enum=CHIP_MAKERS),
                field("chip", "string", "The accelerator chip."),
                field("scaleup_link", "string", "The vendor's name for the chip-to-chip link (ICI, NeuronLink, NVLink)."),
                field("scaleup_gbyte_s_per_chip_bidirectional", "number", "Scale-up bandwidth per chip, both directions added, in GB/s (10^9 bytes per second).", minimum=0),
                field("scaleup_gbyte_s_per_chip_per_direction", "number", "Scale-up bandwidth per chip in one direction, in GB/s (10^9 bytes per second); always half the bidirectional column.", formula="scaleup_gbyte_s_per_chip_bidirectional / 2", minimum=0),
                field("scaleup_figure_published_as", "string", "Which of the two bandwidth columns the source states; 'direction not stated' means the vendor gave one number without saying, and the book treats it as bidirectional.", enum=["bidirectional", "per direction", "direction not stated"]),
                field("scaleup_domain_chips", "integer", "Chips joined by the scale-up link in one domain (pod, UltraServer, NVLink domain), in chips.", minimum=1),
                field("scaleup_topology", "string", "How the chips of the domain are wired.", enum=["2D torus", "3D torus", "4x4 2D torus per server, rings across 4 servers", "all-to-all through switches"]),
                field("switch_technology", "string", "What switches the scale-up links, if anything.", enum=["none (direct chip-to-chip links)", "optical circuit switches between 64-chip cubes", "electrical NVLink switches"]),
                field("scaleout_gbit_s_per_chip_per_direction", "number", "Data-center (scale-out) network bandwidth per chip in one direction, in Gb/s (10^9 bits per second); network ports are quoted per direction.", minimum=0),
                field("scaleout_network", "string", "The scale-out network the chips leave the domain through."),
                field("scaleout_derivation", "string", "How the per-chip scale-out figure was obtained from what the source states."),
                field("bf16_tflops_dense_per_chip", "number", "Peak dense (no sparsity) BF16 compute per chip, in TFLOPS (10^12 operations per second); a vendor peak, not a measurement.", minimum=0),
                field("source_id", "string", "Source of the scale-up bandwidth, domain size and topology."),
                field("scaleout_source_id", "string", "Source of the scale-out figure."),
                field("compute_source_id", "string", "Source of the BF16 peak."),
                field("as_of", "date", "Date the row speaks for (ISO 8601): the day the undated vendor pages were read."),
                field("note", "string", "Caveats: what the source leaves unsaid and where other details come from.", required=False),
            ],
            "primaryKey": ["system_id"],
            "foreignKeys": [source_fk(), source_fk("scaleout_source_id"), source_fk("compute_source_id")],
        },
    },
    {
        "name": "google_ocs_figures",
        "title": "Google's optical-switch papers: the figures and their scope",
        "description": "One row per figure from Google's TPU v4 paper (ISCA 2023), the Jupiter Evolving paper (SIGCOMM 2022) and the Trillium launch: cost and power shares, sizes, and performance claims, each with its baseline and scope. All are Google's own figures, not independent measurements. Each figure fills only the columns of its unit (percent, times, chips or switches); the others are blank.",
        "schema": {
            "fields": [
                field("figure_id", "string", "Stable identifier of the figure.", pattern=SLUG, unique=True),
                field("network", "string", "The system the figure describes.", enum=["TPU v4 supercomputer", "Jupiter data-center network"]),
                field("measure", "string", "What the figure measures, in the book's words."),
                field("baseline", "string", "What it is compared with; blank for shares and sizes.", required=False),
                field("scope", "string", "What the figure covers: the whole system, per chip, or a selection of workloads."),
                field("kind", "string", "Kind of figure.", enum=["cost or power share", "size", "speed", "power or energy", "traffic"]),
                field("bound", "string", "How the source states the number: exactly, as an upper or lower bound, approximately, or as a range.", enum=["exact", "less than", "more than", "about", "range"]),
                field("percent_low", "number", "Lower end of a percentage figure, in percent; blank when the figure is not a percentage or is only an upper bound.", required=False, minimum=0, maximum=100),
                field("percent_high", "number", "Upper end (or the value) of a percentage figure, in percent.", required=False, minimum=0, maximum=100),
                field("times_low", "number", "Lower end of a ratio figure, in times (x) the baseline.", required=False, minimum=0),
                field("times_high", "number", "Upper end (or the value) of a ratio figure, in times (x) the baseline.", required=False, minimum=0),
                field("chips", "integer", "Number of chips the figure is about, in chips.", required=False, minimum=1),
                field("optical_switches", "integer", "Number of optical circuit switches, in switches.", required=False, minimum=1),
                field("figure_status", "string", "Whose figure it is: all are Google's, none independently measured.", enum=["Google's own figure", "Google's comparison with another vendor", "Google's figure as told to the press"]),
                field("as_of", "date", "Date the figure speaks for (ISO 8601): the paper's or announcement's date."),
                field("source_id", "string", "Where the figure was read."),
            ],
            "primaryKey": ["figure_id"],
            "foreignKeys": [source_fk()],
        },
    },
    {
        "name": "large_training_clusters",
        "title": "Large training clusters and jobs actually built",
        "description": "One row per cluster or training job reported as built and used, with its scale-out fabric and what was reported about it. The outcome_kind column separates operators' reports, vendors' claims and benchmark results.",
        "schema": {
            "fields": [
                field("cluster_id", "string", "Stable identifier of the cluster or job.", pattern=SLUG, unique=True),
                field("name", "string", "Name of the cluster or job."),
                field("operator", "string", "Who built or ran it."),
                field("vendor", "string", "Vendor of the accelerator chips.", enum=CHIP_MAKERS),
                field("accelerator", "string", "The accelerator chip."),
                field("system_id", "string", "The scale-up system it is built from (a row of interconnect_systems)."),
                field("chips", "integer", "Accelerator chips in the cluster or job, in chips.", minimum=1),
                field("chips_qualifier", "string", "Whether the chip count is exact, approximate or a lower bound as the source gives it.", enum=["exact", "about", "at least"]),
                field("scope", "string", "Whether the count is one training job, one cluster, or a cluster spread over several buildings.", enum=["single training job", "one cluster", "cluster across several buildings"]),
                field("scaleout_fabric", "string", "The network that joins its scale-up domains.", enum=["InfiniBand", "Ethernet (RoCE)", "Ethernet (Spectrum-X)", "AWS EFA over Ethernet", "Google data-center network"]),
                field("fabric_detail", "string", "The fabric as the source describes it."),
                field("reported_outcome", "string", "What the source reports about how it performed, in the book's words or a short quotation."),
                field("outcome_kind", "string", "Who reports the outcome: the operator, a vendor (a claim), or a benchmark result.", enum=["operator report", "vendor claim", "benchmark result"]),
                field("as_of", "date", "Date the row speaks for (ISO 8601)."),
                field("source_id", "string", "Where it was reported."),
            ],
            "primaryKey": ["cluster_id"],
            "foreignKeys": [source_fk(), {"fields": "system_id", "reference": {"resource": "interconnect_systems", "fields": "system_id"}}],
        },
    },
]


# --- Tables of the hardware-abstraction chapter (chapters/NN-hardware-abstraction.ipynb) --------------------
# Maturity labels, most mature first (chipbook.abstraction.STATUS_ORDER must match; a test checks).
SUPPORT_STATUS_HELP = (
    "Maturity of the path as its maintainer labels it, most mature first: native (shipped by the "
    "framework's or chip vendor's own release as a standard target), supported (generally available "
    "through a separate package or plugin), beta, experimental, deprecated (deprecated or in "
    "maintenance only), unsupported (no path, or support withdrawn).")

HARDWARE_ABSTRACTION = [
    {
        "name": "framework_support",
        "title": "Framework x hardware support matrix",
        "description": "One row per path by which a framework (JAX, PyTorch, TensorFlow) reaches a chip family (Google TPU, AWS Trainium, NVIDIA GPU), with its maturity as the maintainer labels it and the mechanism. A cell can have several paths.",
        "schema": {
            "fields": [
                field("framework", "string", "The ML framework.", enum=["JAX", "PyTorch", "TensorFlow"]),
                field("hardware", "string", "The chip family.", enum=CHIP_FAMILIES),
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
                field("chip", "string", "The chip family.", enum=CHIP_FAMILIES),
                field("backend", "string", "The compiler backend that turns the language into code for the chip; 'none' where there is none."),
                field("status", "string", SUPPORT_STATUS_HELP, enum=SUPPORT_STATUSES),
                field("owner", "string", "Who develops the language (Other: Triton's open-source project).", enum=KERNEL_OWNERS),
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
                field("hardware_platform", "string", "The chip family the bug was specific to, or not hardware-specific.", enum=CHIP_FAMILIES + ["not hardware-specific"]),
                field("vendor", "string", "Whose layer failed, for the chart's colour: the chip vendor for platform-specific bugs, Anthropic for its own routing.", enum=INCIDENT_OWNERS),
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
                field("finding", "string", "What the item shows, in the book's words.", quotes=True),
                field("names_jax", "boolean", "Whether the item names JAX."),
                field("names_xla", "boolean", "Whether the item names XLA (the compiler)."),
                field("directness", "string", "How directly the item speaks, most direct first.", enum=[
                    "first-party, names JAX", "first-party, names XLA only", "first-party, names no framework",
                    "second-hand account of first-party words", "third-party inference"]),
                field("directness_rank", "integer", "The directness as a rank, 1 (Anthropic names JAX) to 5 (third-party inference): its place in the directness list.", formula="position(directness)", minimum=1, maximum=5),
                field("stance", "string", "Bearing on 'Anthropic makes heavy use of JAX and XLA' (claim A1-21).", enum=STANCES),
                field("source_id", "string", "Where the item comes from."),
                field("as_of", "date", "The date the item speaks for (ISO 8601)."),
                field("confidence", "string", CONFIDENCE_HELP, enum=CONFIDENCE),
            ],
            "primaryKey": ["item_id"],
            "foreignKeys": [source_fk()],
        },
    },
]


# --- Tables of the capital-structure chapter (chapters/NN-capital-structure.ipynb) --------------------

CAPITAL_STRUCTURE = [
    {
        "name": "investments",
        "title": "Investments in Anthropic, tranche by tranche",
        "description": "One row per tranche of a strategic investor's money and per source that reports it: commitments (announced ceilings), funded tranches (money documented as paid) and scheduled ones. Where sources disagree on a tranche's size each keeps its own row; chipbook.capital turns them into low and high figures.",
        "schema": {
            "fields": [
                field("tranche_id", "string", "Identifier of the tranche: deal id, then 'commit' for the deal's ceiling or t1, t2 ... for each payment.", pattern=SLUG),
                field("deal_id", "string", "The deal the tranche belongs to: investor and month announced (amazon-2023-09). A deal's funded and scheduled tranches draw on its commitment rows.", pattern=SLUG),
                field("investor", "string", "Who puts the money in.", enum=INVESTORS),
                field("status", "string", "committed: an announced ceiling ('up to'); funded: documented as paid; scheduled: due on a date but not confirmed paid.", enum=TRANCHE_STATUS),
                field("date_announced", "date", "Date the deal was announced or first reported (ISO 8601)."),
                field("as_of", "date", "Date the row speaks for: the announcement for commitments; for payments, the end of the month or quarter a filing places them in, or the date of the report (ISO 8601)."),
                field("amount_usd_b", "number", "Amount of the tranche in billions of US dollars, as this source gives it. For commitments, the ceiling.", minimum=0),
                field("instrument", "string", "The security or facility as documented (filings, the CMA, Anthropic's spokesperson), the same on every row of a tranche.", enum=INSTRUMENTS),
                field("consideration", "string", "What this source says the money was paid in. No source found calls any tranche cloud credits.", enum=CONSIDERATION),
                field("consideration_note", "string", "What this source says about the tranche, its form and its cash or compute, in the book's words."),
                field("figure_basis", "string", "Who the figure comes from: the investor's filing, a regulator, Anthropic, the press, or the book's own inference from other rows.", enum=FIGURE_BASIS),
                field("source_id", "string", "The source of this row."),
                field("note", "string", "Caveats: how the date was fixed, how the amount was derived.", required=False),
            ],
            "primaryKey": ["tranche_id", "source_id"],
            "foreignKeys": [source_fk()],
        },
    },
    {
        "name": "funding_rounds",
        "title": "Anthropic's funding rounds and valuations",
        "description": "One row per funding round (or reported talks) and per source: the amount raised and the valuation that source gives. A range reported in talks is a low and a high; a single figure has low equal to high.",
        "schema": {
            "fields": [
                field("round_id", "string", "Identifier of the round, shared by every source that reports it.", pattern=SLUG),
                field("round_name", "string", "The round's name, with its lead investor where known."),
                field("round_status", "string", "closed: the round was completed; talks reported: a target reported before closing.", enum=ROUND_STATUS),
                field("round_date", "date", "Date of the close, or of the report of talks; the first of the month where only the month is known (ISO 8601)."),
                field("as_of", "date", "Date the source speaks from, which can be later than the round (ISO 8601)."),
                field("amount_raised_usd_b", "number", "Amount raised or sought, in billions of US dollars; blank where the source gives none.", required=False, minimum=0),
                field("valuation_low_usd_b", "number", "Valuation, low end, in billions of US dollars; blank where the source gives none.", required=False, minimum=0),
                field("valuation_high_usd_b", "number", "Valuation, high end, in billions of US dollars (equal to the low end for a single figure).", required=False, minimum=0),
                field("valuation_basis", "string", "Whether the source calls the figure post-money, gives it without a basis, or reports a target range.", enum=VALUATION_BASIS),
                field("source_id", "string", "The source of this row."),
                field("note", "string", "What the source says and how the date was fixed.", required=False),
            ],
            "primaryKey": ["round_id", "source_id"],
            "foreignKeys": [source_fk()],
        },
    },
    {
        "name": "compute_commitments",
        "title": "Anthropic's compute commitments",
        "description": "One row per compute deal and per source: who supplies the capacity, which chips, and what was committed in chips, gigawatts, dollars and years, and whether a party to the deal announced it or it was only reported. Figures are the parties' own ('up to', 'more than'); the note says which.",
        "schema": {
            "fields": [
                field("commitment_id", "string", "Identifier of the commitment: counterparty and date.", pattern=SLUG),
                field("date_announced", "date", "Date the commitment was announced or first reported (ISO 8601)."),
                field("as_of", "date", "Date the source speaks for (ISO 8601)."),
                field("counterparty", "string", "Who supplies the capacity, chips or financing.", enum=COUNTERPARTIES),
                field("vendor_group", "string", "The counterparty's colour group in the book's charts (Other for suppliers outside the palette).", enum=VENDOR_GROUPS),
                field("chip_family", "string", "The chips the capacity runs on, where stated.", enum=COMMITMENT_CHIP_FAMILIES),
                field("commitment_kind", "string", "What sort of commitment it is.", enum=COMMITMENT_KINDS),
                field("chips_max", "integer", "Number of chips (accelerators) named, a count; blank where none is given.", required=False, minimum=0),
                field("gigawatts", "number", "Power capacity named, in gigawatts (GW); blank where none is given.", required=False, minimum=0),
                field("usd_b", "number", "Dollar value committed, in billions of US dollars over the term; blank where none is given.", required=False, minimum=0),
                field("term_years", "integer", "Length of the commitment in years; blank where none is given.", required=False, minimum=0),
                field("figures_note", "string", "The figures as the source words them ('up to', 'more than'), in the book's words."),
                field("disclosure", "string", "announced by a party: stated by Anthropic, the supplier or a filing of either; reported only: press reports the companies did not confirm.", enum=DISCLOSURE),
                field("source_id", "string", "The source of this row."),
                field("note", "string", "Caveats: how a figure was read or rounded, and who else reports it.", required=False),
            ],
            "primaryKey": ["commitment_id", "source_id"],
            "foreignKeys": [source_fk()],
        },
    },
]


# --- Tables of the optionality-and-leverage chapter (chapters/NN-optionality-and-leverage.ipynb) --------------------
OPTIONALITY_AND_LEVERAGE = [
    {
        "name": "capacity",
        "title": "Anthropic's compute capacity by chip vendor",
        "description": "Chips and gigawatts Anthropic announced, was reported to have, or expected, per chip vendor and deal, with the date each figure was stated and the date it speaks for. Figures of the same tranche restate one another; different tranches add up. 'Up to' figures are ceilings the companies announced, not measurements.",
        "schema": {
            "fields": [
                field("capacity_id", "string", "Row id: cap- and a number.", pattern=CAPACITY_ID),
                field("vendor", "string", "Who makes the chips (not the cloud that hosts them): AWS for Trainium, Google for TPUs, NVIDIA for GPUs.", enum=CHIP_MAKERS),
                field("chip_family", "string", "The chips or systems the figure covers, as the source names them, with the hosting cloud or site where it is not the chip vendor's."),
                field("tranche", "string", "The deal or fleet the figure belongs to. Rows of one tranche restate or update each other and are never added together; rows of different tranches are.", pattern=SLUG),
                field("date_stated", "date", "Date the figure was made public (ISO 8601)."),
                field("as_of", "date", "Date the figure speaks for (ISO 8601): the day for capacity in service, the target date for expected or contracted capacity (1 January of the year where only a year is given).", not_after="no limit"),
                field("chips", "integer", "Number of accelerator chips (count); blank when the source gives none. Read with chips_bound.", required=False, minimum=1),
                field("chips_bound", "string", "How the source bounds the chip count: about, nearly, more than, up to (a ceiling).", required=False, enum=BOUNDS),
                field("gigawatts", "number", "Data-center power capacity in gigawatts (GW) as the source states it; blank when it gives none. Read with gigawatts_bound.", required=False, minimum=0),
                field("gigawatts_bound", "string", "How the source bounds the gigawatts: about, nearly, more than, up to (a ceiling).", required=False, enum=BOUNDS),
                field("state", "string", "By the book's one rule for contracts and ceilings: in service, running for Anthropic at as_of; contracted, a firm amount (a floor, an approximate amount, the whole of a named site) agreed for delivery and not yet all running; ceiling, an 'up to' amount or one whose use its source makes conditional, which counts only once delivered. make check keeps it consistent with the bound and with the compute-mix tranche that stands for the row.", enum=CAPACITY_STATES),
                field("basis", "string", "announced: stated by Anthropic or the vendor; reported: stated by press or analysts; expected: a forecast for as_of by the company or vendor.", enum=CAPACITY_BASES),
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
                field("arrangement_id", "string", "Row id: lab- and a number.", pattern=ARRANGEMENT_ID),
                field("lab", "string", "The AI lab.", enum=LABS),
                field("chip_vendor", "string", "Who supplies the chip family (Broadcom for custom accelerators it builds to a lab's design).", enum=CHIP_VENDORS),
                field("chip_family", "string", "The chips or systems, as the source names them."),
                field("arrangement", "string", "What was agreed or reported, in the book's words, with its size where given."),
                field("date", "date", "Date the arrangement was announced or first reported (ISO 8601)."),
                field("as_of", "date", "Date the status speaks for (ISO 8601)."),
                field("status", "string", "in use: running the lab's work; contracted: agreed, deliveries to come; testing: trial use only; in talks: reported negotiations.", enum=ARRANGEMENT_STATUSES),
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


def claim_fk(column):
    return {"fields": column, "reference": {"resource": "claims", "fields": "claim_id"}}


SECOND_ARTICLE = [
    {
        "name": "article_disagreements",
        "title": "Where the two articles disagree",
        "description": "Questions on which the news article (A2) and the strategy article (A1) tell different stories, with which account the evidence bore out when they were written and by 2026.",
        "schema": {
            "fields": [
                field("pair_id", "string", "Identifier of the disagreement: D and a number.", pattern=DISAGREEMENT_ID),
                field("question", "string", "The question the two articles answer differently."),
                field("a2_claim_id", "string", "The news article's claim (A2-NN) on the question."),
                field("a1_claim_id", "string", "The strategy article's claim (A1-NN) on the question."),
                field("held_late_2024", "string", "Which account the evidence bears out for late 2024, when the articles were written.", enum=WHO_HELD),
                field("held_2026", "string", "Which account the evidence bears out by the book's evidence-as-of date.", enum=WHO_HELD),
                field("why", "string", "The evidence behind both judgments, in one sentence.", quotes=True),
                field("source_id", "string", "The source that decides the later judgment."),
                field("as_of", "date", "The date the deciding source speaks for (ISO 8601)."),
            ],
            "primaryKey": ["pair_id"],
            "foreignKeys": [claim_fk("a2_claim_id"), claim_fk("a1_claim_id"), source_fk()],
        },
    },
]


# --- The map of each article's argument (chapters/NN-verdict.ipynb) --------------------
ARGUMENT_MAP = [
    {
        "name": "argument_links",
        "title": "The argument of each article",
        "description": "Which claims an article offers as reasons for which: one row per link from a premise to a conclusion, in the book's reading of the article. Every claim appears in at least one link.",
        "schema": {
            "fields": [
                field("premise_claim_id", "string", "The claim the article uses as a reason (A1-NN or A2-NN).", pattern=CLAIM_ID),
                field("conclusion_claim_id", "string", "The claim it is a reason for, in the same article.", pattern=CLAIM_ID),
                field("link_kind", "string", "supports: offered as a reason for the conclusion; qualifies: hedges or limits it; contrasts: states the view the conclusion argues against.", enum=ARGUMENT_LINK_KINDS),
                field("article_section", "string", "The article's section in which the link is made."),
                field("source_id", "string", "The article itself, as a source."),
            ],
            "primaryKey": ["premise_claim_id", "conclusion_claim_id"],
            "foreignKeys": [claim_fk("premise_claim_id"), claim_fk("conclusion_claim_id"), source_fk()],
        },
    },
]


# --- What could change the answer (the verdict chapter) -------------------------------
OPEN_QUESTIONS = [
    {
        "name": "open_questions",
        "title": "What could change the answer",
        "description": "The few unknowns that could change the book's answer, chosen by judgement rather than by rule: each with how it could change the answer, what evidence would settle it and the nearest evidence the book has. The verdict chapter's 'What could change the answer' table is generated from it.",
        "schema": {
            "fields": [
                field("question_id", "string", "Stable identifier: lowercase words joined by hyphens.", pattern=SLUG, unique=True),
                field("rank", "integer", "Order in which the verdict chapter lists the questions (1 first).", minimum=1, unique=True),
                field("question", "string", "The open question, as a reader would ask it."),
                field("could_change", "string", "Which part of the answer rests on it and how a finding either way would move it."),
                field("would_settle", "string", "The evidence that would settle it."),
                field("source_id", "string", "The nearest evidence the book has on it (a source the ledger cites)."),
                field("as_of", "date", "The date that nearest evidence speaks for (ISO 8601)."),
            ],
            "primaryKey": ["question_id"],
            "foreignKeys": [source_fk()],
        },
    },
    {
        "name": "open_question_claims",
        "sourced": False,  # a join table: each question's source is in open_questions
        "title": "Claims each open question bears on",
        "description": "One row per open question and claim whose verdict the answer to the question would test.",
        "schema": {
            "fields": [
                field("question_id", "string", "The open question (open_questions.question_id)."),
                field("claim_id", "string", "A claim it bears on.", pattern=CLAIM_ID),
            ],
            "primaryKey": ["question_id", "claim_id"],
            "foreignKeys": [{"fields": "question_id", "reference": {"resource": "open_questions", "fields": "question_id"}},
                            claim_fk("claim_id")],
        },
    },
]


# --- The book's scenarios (read by the compute-mix and cost models) -----------------------
SCENARIOS = [
    {
        "name": "scenarios",
        "title": "Scenarios",
        "description": "The named futures a reader can pick in the compute-mix and cost models: each says which assumption it moves and why that move is plausible. The models' own assumption tables give each scenario's values, keyed by scenario_id.",
        "schema": {
            "fields": [
                field("scenario_id", "string", "Stable identifier: lowercase words joined by hyphens.", pattern=SLUG, unique=True),
                field("name", "string", "Short name shown to readers."),
                field("description", "string", "What the scenario assumes, in one or two sentences of the book's own words.", quotes=True),
                field("basis_source_id", "string", "The source whose announcement, plan or contract the scenario varies."),
            ],
            "primaryKey": ["scenario_id"],
            "foreignKeys": [source_fk("basis_source_id")],
        },
    },
]


# --- The cost-per-token model's inputs (chipbook.inference, chapters/NN-inference-economics.ipynb) -------
COST_PARAMETERS = ["negotiated_discount", "bandwidth_share", "compute_share", "generation_share_factor",
                   "owning_cost", "owning_cost_ratio", "owning_cost_bandwidth_weight", "hbm_usable_share", "replica_domains",
                   "context_tokens", "batch", "weight_bits"]
# The spec columns a serving path can compute at (accelerator_specs).
RATE_COLUMNS = ["bf16_tflops_dense", "fp8_tflops_dense", "mxfp8_tflops_dense", "int8_tops_dense", "fp4_tflops_dense"]
COST_MODEL = [
    {
        "name": "reference_models",
        "title": "Reference models for the cost model",
        "description": "The published architecture of the open model the cost model serves in place of Claude, whose architecture is not disclosed: total and active parameters (mixture of experts), and the layers, heads and head width that set the size of the key/value cache.",
        "schema": {
            "fields": [
                field("model_id", "string", "Stable identifier of the model.", pattern=SLUG, unique=True),
                field("model", "string", "Name of the model as its makers give it."),
                field("total_params_b", "number", "All parameters, in billions.", minimum=0),
                field("active_params_b", "number", "Parameters used for each token (all of them for a dense model), in billions.", minimum=0),
                field("experts", "integer", "Routed experts per mixture-of-experts layer; blank for a dense model.", required=False, minimum=1),
                field("experts_per_token", "integer", "Routed experts each token uses per layer; blank for a dense model.", required=False, minimum=1),
                field("layers", "integer", "Transformer layers.", minimum=1),
                field("query_heads", "integer", "Attention (query) heads per layer.", minimum=1),
                field("kv_heads", "integer", "Key/value heads per layer (fewer than the query heads under grouped-query attention).", minimum=1),
                field("head_dim", "integer", "Width of one attention head, in elements.", minimum=1),
                field("source_id", "string", "Source of the architecture (layers, heads, experts)."),
                field("params_source_id", "string", "Source of the total and active parameter counts."),
                field("note", "string", "What the model stands in for and any caveat."),
            ],
            "primaryKey": ["model_id"],
            "foreignKeys": [source_fk(), source_fk("params_source_id")],
        },
    },
    {
        "name": "serving_domains",
        "title": "Scale-up domain of each accelerator",
        "description": "How many chips one fast interconnect joins (an NVLink node or rack, a TPU pod, a Trainium server or UltraServer): the cost model keeps one copy of the model inside one such domain, so its memory caps the batch.",
        "schema": {
            "fields": [
                field("chip_id", "string", "The chip (accelerator_specs.chip_id).", unique=True),
                field("domain_chips", "integer", "Chips in one scale-up domain.", minimum=1),
                field("domain", "string", "The system that forms the domain."),
                field("source_id", "string", "Where the domain size was seen."),
                field("note", "string", "What joins the chips, and any caveat.", required=False),
            ],
            "primaryKey": ["chip_id"],
            "foreignKeys": [chip_fk(), source_fk()],
        },
    },
    {
        "name": "cost_assumptions",
        "sourced": False,  # named assumptions: each row gives its reason, and a source where one anchors it
        "title": "Cost-model assumptions",
        "description": "Every assumption of the cost-per-token model with a low, central and high value and the reason for each; a row applies to one vendor's chips, to one chip, or (with neither) to every chip. Where a public figure anchors a value, source_id names it; the rest are the book's assumptions.",
        "schema": {
            "fields": [
                field("assumption_id", "string", "Stable identifier of the assumption.", pattern=SLUG, unique=True),
                field("parameter", "string", "Which input of the model it sets.", enum=COST_PARAMETERS),
                field("vendor", "string", "The vendor whose chips it applies to; blank for a chip-level or global row.", required=False, enum=CHIP_MAKERS),
                field("chip_id", "string", "The chip it applies to; blank for a vendor-level or global row.", required=False),
                field("relative_to", "string", "For an owning_cost_ratio row only: the chip (accelerator_specs.chip_id, with an owning_cost row of its own) whose owning cost per unit of capability the ratio multiplies; capability is dense 8-bit FLOP/s and HBM bandwidth weighted by the owning_cost_bandwidth_weight row.", required=False),
                field("low", "number", "Low end of the range (in unit)."),
                field("central", "number", "Central value (in unit)."),
                field("high", "number", "High end of the range (in unit)."),
                field("unit", "string", "What the values measure."),
                field("reason", "string", "Why these values, in the book's words; names the public figure where one anchors a value.", quotes=True),
                field("source_id", "string", "The source of the public figure that anchors a value, if any.", required=False),
                field("second_source_id", "string", "A second anchoring source, if any.", required=False),
            ],
            "primaryKey": ["assumption_id"],
            "foreignKeys": [chip_fk(), chip_fk("relative_to"), source_fk(), source_fk("second_source_id")],
        },
    },
    {
        "name": "serving_formats",
        "title": "How each chip's serving software stores weights",
        "description": "For each chip, the 8-bit (and, where there is one, 4-bit) way its serving software stores the model's weights and key/value cache, and the spec column whose dense rate the arithmetic then runs at. Decoding reads every weight and the whole cache each step, so the storage width sets its cost; a chip with no row for a width serves in the next wider one, BF16 at the widest.",
        "schema": {
            "fields": [
                field("chip_id", "string", "The chip (accelerator_specs.chip_id)."),
                field("weight_bits", "integer", "Bits per stored weight on this path.", enum=[8, 4]),
                field("kv_bits", "integer", "Bits per stored key/value-cache element on this path.", enum=[8, 16]),
                field("path", "string", "The formats, in words: weights, arithmetic and cache."),
                field("rate_column", "string", "The accelerator_specs column whose dense rate the arithmetic runs at on this path.", enum=RATE_COLUMNS),
                field("source_id", "string", "Where the serving software's support was seen."),
                field("second_source_id", "string", "A second source, if any.", required=False),
                field("note", "string", "What the source shows, and any caveat."),
            ],
            "primaryKey": ["chip_id", "weight_bits"],
            "foreignKeys": [chip_fk(), source_fk(), source_fk("second_source_id")],
        },
    },
    {
        "name": "cost_contracts",
        "title": "Public contracts read as a price per chip-hour",
        "description": "Anthropic's public compute contracts, each read as buying one chip generation, so that their terms (cost_contract_terms) imply a price per chip-hour: a cross-check of the cost model's price bases against what Anthropic pays or is reported to pay (chipbook.inference_contracts). A rental's price is all-in; a purchase's is the hardware alone, over its economic life.",
        "schema": {
            "fields": [
                field("contract_id", "string", "Stable identifier of the contract.", pattern=SLUG, unique=True),
                field("counterparty", "string", "Who sells the capacity or the hardware."),
                field("vendor", "string", "Who makes the chips.", enum=CHIP_MAKERS),
                field("chip_id", "string", "The chip the contract is read as buying (accelerator_specs.chip_id): its power converts gigawatts to chips and its decoding speed converts a chip-hour to tokens."),
                field("kind", "string", "rental: capacity rented, all-in; purchase: hardware bought, its price spread over its life.", enum=list(CONTRACT_KINDS)),
                field("quantity_unit", "string", "What the quantity term counts: chips, h100e (H100-equivalents, Epoch AI's 8-bit basis) or gigawatts (facility power).", enum=list(CONTRACT_UNITS)),
                field("dollars_per", "string", "month: the dollars are a monthly fee; total: the dollars pay for the whole term.", enum=list(CONTRACT_DOLLARS_PER)),
                field("tranche_ids", "string", "Where the compute-mix model already counts the capacity: its tranches (compute_mix_tranches.tranche_id, counted in chips), separated by spaces, whose chips in H100-equivalents are the contract's quantity, so that both models count it once; the contract then has no quantity term. Empty where the quantity is a term of its own.", required=False),
                field("as_of", "date", "The date of the figures (ISO 8601)."),
                field("source_id", "string", "The announcement, filing or estimate that gives the terms."),
                field("second_source_id", "string", "A second source, if any.", required=False),
                field("note", "string", "What the contract covers, and how the book reads it."),
            ],
            "primaryKey": ["contract_id"],
            "foreignKeys": [chip_fk(), source_fk(), source_fk("second_source_id")],
        },
    },
    {
        "name": "cost_contract_terms",
        "sourced": False,  # terms read from contracts and named assumptions: each row gives its reason, and a source where one anchors it
        "title": "Terms of the public contracts, as ranges",
        "description": "The terms that turn each contract of cost_contracts into a price per chip-hour, each with how its source states it (a figure, a floor, a ceiling, or the book's assumption), a low, central and high value and its reason: the dollars, the quantity, the term (or a purchase's economic life), the share of an 'up to' ceiling delivered and paid for, and the share of the dollars that pays for the chips. A term a contract does not need is left out (a delivered or compute share of 1; no term for a monthly fee; no quantity where the contract counts its capacity from compute-mix tranches).",
        "schema": {
            "fields": [
                field("contract_id", "string", "The contract (cost_contracts.contract_id)."),
                field("parameter", "string", "Which term it sets.", enum=list(CONTRACT_TERMS)),
                field("bound", "string", "How the source states the term: " + "; ".join(f"{k}: {v}" for k, v in CONTRACT_BOUNDS.items()) + ". A floor's low end is the stated figure and its high end a reasoned upside; a ceiling's high end is the stated figure and its shortfall a range (its own, or the contract's delivered_share).", enum=list(CONTRACT_BOUNDS)),
                field("low", "number", "Low end of the range (in unit).", minimum=0),
                field("central", "number", "Central value (in unit).", minimum=0),
                field("high", "number", "High end of the range (in unit).", minimum=0),
                field("unit", "string", "What the values measure."),
                field("reason", "string", "Where the value comes from, or why the book assumes it.", quotes=True),
                field("source_id", "string", "The source that gives or anchors the value, if any.", required=False),
            ],
            "primaryKey": ["contract_id", "parameter"],
            "foreignKeys": [{"fields": "contract_id", "reference": {"resource": "cost_contracts", "fields": "contract_id"}},
                            source_fk()],
        },
    },
    {
        "name": "cost_scenarios",
        "title": "Chips serving Anthropic in each scenario",
        "description": "For each scenario of the scenarios table and each vendor, the chip generation that serves Anthropic's share from that vendor in 2026 and 2027, with the reason; the cost model compares these chips.",
        "schema": {
            "fields": [
                field("scenario_id", "string", "The scenario (scenarios.scenario_id)."),
                field("vendor", "string", "The vendor.", enum=CHIP_MAKERS),
                field("chip_id", "string", "The chip generation serving that vendor's share (accelerator_specs.chip_id)."),
                field("reason", "string", "Why this generation, in the book's words.", quotes=True),
                field("source_id", "string", "The announcement the choice rests on."),
            ],
            "primaryKey": ["scenario_id", "vendor"],
            "foreignKeys": [
                {"fields": "scenario_id", "reference": {"resource": "scenarios", "fields": "scenario_id"}},
                chip_fk(), source_fk()],
        },
    },
]


# --- The compute-mix model (src/chipbook/computemix.py; chapters/06-optionality-and-leverage.ipynb) ---
LOW_CENTRAL_HIGH = "Low, central and high are the ends and the middle of the assumed range; the model draws each value between its low and high ends, most often near the central one."


def three(name, kind, what, unit, required=True, **constraints):
    """The low, central and high columns of one assumption."""
    return [field(f"{name}_{end}", kind, f"{what}, {end} end of the range ({unit}).", required=required, **constraints)
            for end in ("low", "central", "high")]


COMPUTE_MIX = [
    {
        "name": "compute_mix_chip_power",
        "title": "Compute-mix model: power per chip",
        "description": "Assumptions of the compute-mix model, one row per chip generation it counts (its dense BF16, 8-bit and HBM-bandwidth rates come from accelerator_specs): IT power per chip (the chip, its share of the host server and the network) and the data centre's power usage effectiveness (PUE, facility power over IT power), each low, central and high, with the reason and the source that anchors it. Facility watts per chip = IT watts x PUE; chips per gigawatt = 1e9 / facility watts. " + LOW_CENTRAL_HIGH,
        "schema": {
            "fields": [
                field("chip_id", "string", "The chip (accelerator_specs.chip_id); its rates on each basis of H100-equivalents come from there.", pattern=CHIP_ID, unique=True),
                *three("it_watts", "number", "IT power per chip: chip, host server share and network, before cooling", "watts", minimum=1),
                field("it_watts_source_id", "string", "The source that anchors the IT power (sources.csv)."),
                *three("pue", "number", "Power usage effectiveness of the data centres the chip runs in (facility power / IT power)", "ratio", minimum=1),
                field("pue_source_id", "string", "The source that anchors the PUE (sources.csv)."),
                field("reason", "string", "Why these values: the arithmetic from the source and what the range covers.", quotes=True),
            ],
            "primaryKey": ["chip_id"],
            "foreignKeys": [chip_fk(), source_fk("it_watts_source_id"), source_fk("pue_source_id")],
        },
    },
    {
        "name": "compute_mix_factors",
        "sourced": False,  # the book's assumptions: each row gives its reason
        "title": "Compute-mix model: factors the draws share",
        "description": "Assumptions of the compute-mix model: the shared factors whose draws move several assumptions together (the deals of one vendor, the two parts of one total, Anthropic's demand across vendors), each with the correlation between the factor and the assumptions that load on it (a Gaussian copula: 0 leaves them independent, 1 moves them in lockstep) and the reason. Tranches name their factors in compute_mix_tranches.",
        "schema": {
            "fields": [
                field("factor_id", "string", "Stable identifier of the factor.", pattern=SLUG, unique=True),
                field("name", "string", "What the factor stands for, as tables print it."),
                field("correlation", "number", "Correlation between the factor and each assumption that loads on it (0-1).", minimum=0, maximum=1),
                field("reason", "string", "Why the assumptions move together, and why this strength.", quotes=True),
            ],
            "primaryKey": ["factor_id"],
        },
    },
    {
        "name": "compute_mix_tranches",
        "title": "Compute-mix model: tranches of capacity and their delivery",
        "description": "Assumptions of the compute-mix model, one row per tranche of Anthropic's compute by vendor: its readable name, how much (in chips, gigawatts or H100-equivalents, low, central and high), which chip generation it buys, how its source states the amount (which sets, by the book's one rule for contracts and ceilings, how it counts before delivery), when it is delivered (linearly from start_quarter until full_quarter, whose early, central and late values set the pace), the shared factors its draws move with, and the capacity row and source that anchor it, with the reason. " + LOW_CENTRAL_HIGH,
        "schema": {
            "fields": [
                field("tranche_id", "string", "Stable identifier of the tranche.", pattern=SLUG, unique=True),
                field("name", "string", "The tranche's name as prose and tables print it.", unique=True),
                field("vendor", "string", "Who makes the chips.", enum=CHIP_MAKERS),
                field("chip_id", "string", "The chip generation the tranche buys or is counted in (compute_mix_chip_power.chip_id): its throughput converts chips to H100-equivalents and its power converts gigawatts to chips.", pattern=CHIP_ID),
                field("stated_as", "string", "How the source states the amount, which sets how the tranche counts before delivery (the one rule for contracts and ceilings): estimate: no deal, a fleet the book estimates, counted only as in service; firm: a floor, an approximate amount or the whole of a named site, contracted (its undelivered part from the announcement on); up to: a ceiling; conditional: an amount whose use the source makes depend on a condition, also a ceiling; unpublished: a deal whose size is not given. The last three count only once delivered, at the book's estimate of the draw.", enum=list(MIX_COUNTING)),
                field("measure", "string", "The unit of the amounts: chips (count), gigawatts (GW of facility power) or h100e (H100-equivalents of dense BF16 throughput).", enum=MIX_MEASURES),
                *three("amount", "number", "The whole tranche once delivered", "in the unit of measure", minimum=0),
                field("announced", "date", "The day the deal was announced (ISO 8601); blank for a fleet estimate.", required=False),
                field("start_quarter", "string", "The first calendar quarter in which the tranche is delivered, as 2026Q1.", pattern=QUARTER),
                field("full_quarter_early", "string", "The quarter by whose end the whole tranche is in service, if delivery runs fast.", pattern=QUARTER),
                field("full_quarter_central", "string", "The same, at the central pace.", pattern=QUARTER),
                field("full_quarter_late", "string", "The same, if delivery runs slow.", pattern=QUARTER),
                field("amount_factor", "string", "The shared factor (compute_mix_factors.factor_id) the amount's draws move with; blank: drawn independently.", required=False),
                field("amount_direction", "string", "with: the amount draws high when the factor does; against: it draws low (the other part of a split). Given exactly when amount_factor is.", required=False, enum=MIX_FACTOR_DIRECTIONS),
                field("pace_factor", "string", "The shared factor whose good draws bring the tranche's delivery forward; blank: drawn independently.", required=False),
                field("fitted_to", "string", "For a fleet estimate only: the outside estimate (compute_mix_benchmarks.benchmark_id) the fleets naming it are scaled to, draw by draw, at its quarter; the amounts then set only how those fleets split it. Blank: not fitted.", required=False),
                field("capacity_id", "string", "The capacity.csv row the tranche stands for, where there is one.", required=False),
                field("source_id", "string", "The source that anchors the amount or the pace (sources.csv)."),
                field("reason", "string", "Why these values: the sources and arithmetic behind the amount, the generation and the pace.", quotes=True),
            ],
            "primaryKey": ["tranche_id"],
            "foreignKeys": [{"fields": "chip_id", "reference": {"resource": "compute_mix_chip_power", "fields": "chip_id"}},
                            {"fields": "amount_factor", "reference": {"resource": "compute_mix_factors", "fields": "factor_id"}},
                            {"fields": "pace_factor", "reference": {"resource": "compute_mix_factors", "fields": "factor_id"}},
                            {"fields": "capacity_id", "reference": {"resource": "capacity", "fields": "capacity_id"}},
                            {"fields": "fitted_to", "reference": {"resource": "compute_mix_benchmarks", "fields": "benchmark_id"}},
                            source_fk()],
        },
    },
    {
        "name": "compute_mix_scenarios",
        "title": "Compute-mix model: what each scenario changes",
        "description": "How each named scenario (scenarios.csv) moves the compute-mix model: one row per scenario and tranche, giving the tranche's new amounts, a new pace, a delay in quarters, or a quarter by which it leaves service; a blank cell keeps the central assumption. The central scenario has no rows.",
        "schema": {
            "fields": [
                field("scenario_id", "string", "The scenario (scenarios.csv).", pattern=SLUG),
                field("tranche_id", "string", "The tranche it changes (compute_mix_tranches.csv).", pattern=SLUG),
                field("delay_quarters", "integer", "Quarters by which the tranche's start and full quarters move later; blank for none.", required=False, minimum=0),
                field("measure", "string", "A new unit for the amounts below; blank keeps the tranche's.", required=False, enum=MIX_MEASURES),
                *three("amount", "number", "The tranche's new amount", "in the unit of measure; blank keeps the tranche's", required=False, minimum=0),
                field("full_quarter_early", "string", "A new early full quarter; blank keeps the tranche's.", required=False, pattern=QUARTER),
                field("full_quarter_central", "string", "A new central full quarter; blank keeps the tranche's.", required=False, pattern=QUARTER),
                field("full_quarter_late", "string", "A new late full quarter; blank keeps the tranche's.", required=False, pattern=QUARTER),
                field("leaves_quarter", "string", "The quarter by whose end the tranche has left service (a contract ended); it counts nowhere from then on. Blank: it stays.", required=False, pattern=QUARTER),
                field("source_id", "string", "The announcement, filing or estimate whose terms the change varies (sources.csv)."),
                field("reason", "string", "Why the scenario moves this tranche this way.", quotes=True),
            ],
            "primaryKey": ["scenario_id", "tranche_id"],
            "foreignKeys": [{"fields": "scenario_id", "reference": {"resource": "scenarios", "fields": "scenario_id"}},
                            {"fields": "tranche_id", "reference": {"resource": "compute_mix_tranches", "fields": "tranche_id"}},
                            source_fk()],
        },
    },
    {
        "name": "compute_mix_benchmarks",
        "title": "Outside estimates of Anthropic's compute",
        "description": "Third parties' estimates of Anthropic's compute or power at a date, with their range and basis, and what the compute-mix model owes each: the fleets before the deals are fitted to some (their range carried through), so agreeing with those tests nothing; the independent ones are checks.",
        "schema": {
            "fields": [
                field("benchmark_id", "string", "Stable identifier.", pattern=SLUG, unique=True),
                field("name", "string", "What prose and tables call the estimate: whose, for when."),
                field("quarter", "string", "The calendar quarter whose end the estimate speaks for.", pattern=QUARTER),
                field("measure", "string", "h100e (H100-equivalents) or gigawatts.", enum=["h100e", "gigawatts"]),
                *three("value", "number", "The estimate", "in the unit of measure; low and high are the source's own 5th and 95th percentiles, or its stated interval", minimum=0),
                field("basis", "string", "What the estimate counts, in the source's terms (8-bit or BF16 H100-equivalents, IT or facility power)."),
                field("vendors", "string", "The chip vendors it covers, separated by '; ' (NVIDIA; Google); blank for all of Anthropic's compute.", required=False),
                field("relation", "string", "What the model owes it: fitted (the fleets naming it in compute_mix_tranches.fitted_to are scaled to it, draw by draw), partly fitted (part of the total is fitted to it or shares its inputs), independent (a check: nothing in the model is drawn from it).", enum=MIX_BENCHMARK_RELATIONS),
                field("source_id", "string", "Who made the estimate (sources.csv)."),
                field("note", "string", "How the estimate was made, in the book's words, and why it has its relation.", required=False),
            ],
            "primaryKey": ["benchmark_id"],
            "foreignKeys": [source_fk()],
        },
    },
]


RESOURCES = LEDGER + ARGUMENT_MAP + SECOND_ARTICLE + INFERENCE_ECONOMICS + INTERCONNECT + HARDWARE_ABSTRACTION + CAPITAL_STRUCTURE + OPTIONALITY_AND_LEVERAGE + SCENARIOS + OPEN_QUESTIONS + COST_MODEL + COMPUTE_MIX


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
            # Every table cites sources (make check requires a source_id foreign key) unless
            # it records the book's own decisions.
            **({SOURCED: False} if resource.get("sourced") is False else {}),
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
