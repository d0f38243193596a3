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
CAPITAL_STRUCTURE = [
]


# --- Tables of the optionality-and-leverage chapter (chapters/NN-optionality-and-leverage.ipynb) --------------------
OPTIONALITY_AND_LEVERAGE = [
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
