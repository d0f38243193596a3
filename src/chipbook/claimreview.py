"""The ledger in machine-readable form: one schema.org ClaimReview per claim (embedded
as JSON-LD in the page whose section tests it, by _ext/chipbook_sphinx.py) and the whole
ledger as one JSON document (published as data/ledger.json beside the CSVs).

Everything here is generated from data/claims.csv, evidence.csv, sources.csv,
articles.csv and verdict_history.csv; nothing is typed twice. The rating scale is
`vocabulary.VERDICT_RATINGS` (6 = supported ... 1 = contradicted); see
https://schema.org/ClaimReview and https://schema.org/Rating for the vocabulary.
"""

from __future__ import annotations

import copy
import json

import pandas as pd

from . import ledger
from .data import cached_per_process, load_table
from .vocabulary import VERDICT_RATINGS

BEST_RATING, WORST_RATING = max(VERDICT_RATINGS.values()), min(VERDICT_RATINGS.values())
RATING_SCALE = (f"{BEST_RATING} = supported ... {WORST_RATING} = contradicted: "
                + ", ".join(f"{v} {k}" for k, v in sorted(VERDICT_RATINGS.items(), key=lambda kv: -kv[1])))


def _iso(value) -> str:
    return pd.Timestamp(value).date().isoformat()


@cached_per_process  # two articles
def _claimant(article_id: str) -> dict:
    """Who made an article's claims and when, for itemReviewed: the article's `author`
    (a Person for a byline, an Organization for the site of an unsigned article) and the
    date it was published. An article whose source date falls outside the window the book
    dates it to gets the window's first day, the earliest it can have made its claims (its
    appearance says the rest of the window in words)."""
    article = load_table("articles").set_index("article_id").loc[article_id]
    source = ledger.sources().set_index("source_id").loc[article["source_id"]]
    earliest, latest = article["date_earliest"], article["date_latest"]
    published = source["date_published"] if earliest <= source["date_published"] <= latest else earliest
    return {"author": {"@type": article["author_type"], "name": article["author"]}, "datePublished": _iso(published)}


@cached_per_process  # two articles
def _appearance(article_id: str) -> dict:
    """The article a claim appears in, as a schema.org CreativeWork. An article whose
    date is not established (its source's date falls outside the window the book dates
    it to) gets that window in words instead of a datePublished."""
    article = load_table("articles").set_index("article_id").loc[article_id]
    source = ledger.sources().set_index("source_id").loc[article["source_id"]]
    work = {"@type": "CreativeWork", "headline": article["title"], "url": source["url"],
            "publisher": {"@type": "Organization", "name": article["publisher"]}}
    earliest, latest = article["date_earliest"], article["date_latest"]
    if earliest <= source["date_published"] <= latest:
        work["datePublished"] = _iso(source["date_published"])
    else:
        work["description"] = (f"Undated; written between {_iso(earliest)} and {_iso(latest)} "
                               f"({article['dating_note']})")
    return work


@cached_per_process
def _first_reviews() -> dict[str, pd.Timestamp]:
    """Each claim's first verdict date, from verdict_history.csv."""
    return load_table("verdict_history").groupby("claim_id")["date"].min().to_dict()


def claim_review(claim_id: str, *, author: str, base_url: str = "") -> dict:
    """One claim's ClaimReview (a dict ready for json.dumps). `url` is the claim's
    section: relative to the page it is embedded in, or absolute under `base_url`
    (the site's root, e.g. "https://example.org/book/") when one is given.

    Raises KeyError for a claim id that is not in the ledger."""
    claim = ledger.claims().set_index("claim_id").loc[claim_id]
    first_review = _first_reviews().get(claim_id, pd.NaT)
    page = ledger.chapter_page(claim["chapter"])
    url = f"{page}#{ledger.claim_anchor(claim_id)}"
    if base_url:
        url = f"{base_url.rstrip('/')}/chapters/{url}"
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        # The short form (at most 75 characters, as Google's guidelines ask); the page gives
        # the whole paraphrase at `url`.
        "claimReviewed": claim["claim_short"],
        "itemReviewed": {"@type": "Claim", **copy.deepcopy(_claimant(claim["article"])),
                         "appearance": copy.deepcopy(_appearance(claim["article"])), "identifier": claim_id},
        "author": {"@type": "Organization", "name": author},
        "datePublished": _iso(first_review if pd.notna(first_review) else claim["last_reviewed"]),
        "dateModified": _iso(claim["last_reviewed"]),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": VERDICT_RATINGS[claim["verdict"]],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": claim["verdict"],
            "ratingExplanation": claim["verdict_reason"],
        },
    }


def reviews_by_page(*, author: str, base_url: str = "") -> dict[str, list[dict]]:
    """The ClaimReviews each chapter page carries, keyed by the page's Sphinx docname
    ("chapters/02-inference-economics")."""
    pages: dict[str, list[dict]] = {}
    for claim in ledger.claims().itertuples():
        docname = "chapters/" + ledger.chapter_page(claim.chapter).removesuffix(".html")
        pages.setdefault(docname, []).append(claim_review(claim.claim_id, author=author, base_url=base_url))
    return pages


def json_ld_script(items: list[dict]) -> str:
    """A <script type="application/ld+json"> element. `<`, `>` and `&` are written as
    JSON escapes, so no text from the data can close the element or open another."""
    text = json.dumps(items, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with dates as ISO strings and missing values as null."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].map(lambda v: None if pd.isna(v) else _iso(v))
    return json.loads(out.to_json(orient="records", force_ascii=False))


def ledger_document() -> dict:
    """The whole ledger as one JSON-ready dict: the articles, every claim with its
    evidence rows and verdict history nested under it, the argument links, and the
    sources every row cites."""
    claims = ledger.claims()
    evidence = load_table("evidence")
    history = load_table("verdict_history")
    nested = []
    for claim in _records(claims):
        claim["evidence"] = _records(evidence[evidence["claim_id"] == claim["claim_id"]].drop(columns="claim_id"))
        claim["verdict_history"] = _records(history[history["claim_id"] == claim["claim_id"]].drop(columns="claim_id"))
        claim["rating"] = VERDICT_RATINGS[claim["verdict"]]
        nested.append(claim)
    return {
        "title": "Owning the Software Layer: the claims ledger",
        "rating_scale": RATING_SCALE,
        "articles": _records(load_table("articles")),
        "claims": nested,
        "argument_links": _records(load_table("argument_links")),
        "sources": _records(ledger.sources()),
    }
