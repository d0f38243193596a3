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
HARDWARE_ABSTRACTION = [
]


# --- Tables of the capital-structure chapter (chapters/NN-capital-structure.ipynb) --------------------
INVESTORS = ["Amazon", "Google", "Microsoft", "NVIDIA"]
TRANCHE_STATUS = ["committed", "funded", "scheduled"]
INSTRUMENTS = ["convertible note", "preferred stock", "equity (class not disclosed)", "financing facility", "not disclosed"]
# No source found describes any tranche as paid in cloud credits; add "cloud credits" here if one does.
CONSIDERATION = ["cash", "cash and compute (split not disclosed)", "not stated"]
FIGURE_BASIS = ["investor filing", "regulator decision", "Anthropic release", "press report", "inferred by the book"]
ROUND_STATUS = ["closed", "talks reported"]
VALUATION_BASIS = ["post-money stated", "basis not stated", "target range in talks", "not given"]
COUNTERPARTIES = ["AWS", "Google Cloud", "Microsoft Azure", "NVIDIA", "Broadcom", "SpaceX", "Fluidstack",
                  "Apollo and Blackstone vehicle"]
VENDOR_GROUPS = ["AWS", "Google", "Microsoft", "NVIDIA", "Other"]
CHIP_FAMILIES = ["AWS Trainium", "Google TPU", "NVIDIA GPU", "not specified"]
COMMITMENT_KINDS = ["primary-provider designation", "cloud capacity", "chip and rack purchase", "own data centres",
                    "lease financing"]
DISCLOSURE = ["announced by a party", "reported only"]
SLUG_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"

CAPITAL_STRUCTURE = [
    {
        "name": "investments",
        "title": "Investments in Anthropic, tranche by tranche",
        "description": "One row per tranche of a strategic investor's money and per source that reports it: commitments (announced ceilings), funded tranches (money documented as paid) and scheduled ones. Where sources disagree on a tranche's size each keeps its own row; chipbook.capital turns them into low and high figures.",
        "schema": {
            "fields": [
                field("tranche_id", "string", "Identifier of the tranche: deal id, then 'commit' for the deal's ceiling or t1, t2 ... for each payment.", pattern=SLUG_ID),
                field("deal_id", "string", "The deal the tranche belongs to: investor and month announced (amazon-2023-09). A deal's funded and scheduled tranches draw on its commitment rows.", pattern=SLUG_ID),
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
                field("round_id", "string", "Identifier of the round, shared by every source that reports it.", pattern=SLUG_ID),
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
                field("commitment_id", "string", "Identifier of the commitment: counterparty and date.", pattern=SLUG_ID),
                field("date_announced", "date", "Date the commitment was announced or first reported (ISO 8601)."),
                field("as_of", "date", "Date the source speaks for (ISO 8601)."),
                field("counterparty", "string", "Who supplies the capacity, chips or financing.", enum=COUNTERPARTIES),
                field("vendor_group", "string", "The counterparty's colour group in the book's charts (Other for suppliers outside the palette).", enum=VENDOR_GROUPS),
                field("chip_family", "string", "The chips the capacity runs on, where stated.", enum=CHIP_FAMILIES),
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
