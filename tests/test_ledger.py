"""Integrity of the claims ledger: every claim has evidence, sensible verdicts, a
chapter in the book, and an id that never changes."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest

from chipbook import ledger, load_table, paths
from chipbook.data import resources
from chipbook.vocabulary import PRIMARY_SOURCE_KINDS, VERDICTS

CLAIMS = load_table("claims")
EVIDENCE = load_table("evidence")
SOURCES = load_table("sources")
ARTICLES = load_table("articles")
COUNTS = ledger.stance_counts().set_index("claim_id")


def test_ledger_has_both_articles():
    assert set(CLAIMS["article"]) == {"A1", "A2"}
    assert len(CLAIMS) >= 40


def test_every_claim_has_two_evidence_rows_from_two_sources():
    per_claim = EVIDENCE.groupby("claim_id")["source_id"].agg(["count", "nunique"])
    per_claim = per_claim.reindex(CLAIMS["claim_id"], fill_value=0)
    thin = per_claim[(per_claim["count"] < 2) | (per_claim["nunique"] < 2)]
    assert thin.empty, f"claims with fewer than two evidence rows from two sources:\n{thin}"


def test_verdicts_come_from_the_vocabulary():
    assert set(CLAIMS["verdict"]) <= set(VERDICTS)


def test_verdicts_agree_with_their_evidence():
    """A verdict summarises its rows: it cannot claim support the rows do not give."""
    problems = []
    for claim in CLAIMS.itertuples():
        n = COUNTS.loc[claim.claim_id]
        if claim.verdict == "supported" and (n["supports"] == 0 or n["contradicts"] > 0):
            problems.append(f"{claim.claim_id} is 'supported' with {n.to_dict()}")
        if claim.verdict in ("partly supported", "complicated", "outdated") and n["supports"] == 0:
            problems.append(f"{claim.claim_id} is '{claim.verdict}' but no row supports it")
        if claim.verdict == "contradicted" and n["contradicts"] + n["complicates"] == 0:
            problems.append(f"{claim.claim_id} is 'contradicted' but no row contradicts it")
    assert not problems, "\n".join(problems)


def test_evidence_dates_are_plausible():
    evidence_as_of = EVIDENCE["as_of"].max()
    assert evidence_as_of <= pd.Timestamp("2026-11-21"), "evidence dated after the book's evidence-as-of date"
    assert EVIDENCE["as_of"].min() >= pd.Timestamp("2015-01-01")


def test_sources_have_a_url_and_a_date_and_are_all_used():
    assert SOURCES["url"].str.match(r"https?://").all()
    assert SOURCES["date_published"].notna().all()
    used = set()
    for resource in resources().values():
        if resource.name != "sources":
            table = load_table(resource.name)
            for column in (c for c in table.columns if c.endswith("source_id")):
                used |= set(table[column].dropna())
    unused = sorted(set(SOURCES["source_id"]) - used)
    assert not unused, f"sources no table cites (remove them or cite them): {unused}"


def test_primary_sources_are_used_where_they_exist():
    primary = EVIDENCE.merge(SOURCES, on="source_id")["kind"].isin(PRIMARY_SOURCE_KINDS)
    assert primary.mean() > 0.25, f"only {primary.mean():.0%} of the evidence rows cite a primary source"


def test_each_claim_is_sourced_to_its_article():
    article_source = ARTICLES.set_index("article_id")["source_id"]
    wrong = CLAIMS[CLAIMS["source_id"] != CLAIMS["article"].map(article_source)]
    assert wrong.empty, f"claims whose source_id is not their article's:\n{wrong[['claim_id', 'source_id']]}"


def test_evidence_ids_belong_to_their_claim():
    wrong = EVIDENCE[EVIDENCE["evidence_id"].str.rsplit("-e", n=1).str[0] != EVIDENCE["claim_id"]]
    assert wrong.empty, f"evidence ids that name another claim: {list(wrong['evidence_id'])}"


def test_claim_ids_are_never_renumbered_or_reused():
    lines = (paths.ROOT / "tests" / "published_claim_ids.txt").read_text(encoding="utf-8").splitlines()
    published = [line.split("\t") for line in lines if line and not line.startswith("#")]
    current = CLAIMS.set_index("claim_id")
    for claim_id, article, section in published:
        assert claim_id in current.index, f"published claim {claim_id} was removed or renumbered"
        assert (current.loc[claim_id, "article"], current.loc[claim_id, "section"]) == (article, section), (
            f"{claim_id} now names another claim (article/section changed): ids are never reused"
        )
    new = sorted(set(current.index) - {p[0] for p in published})
    assert not new, f"add these new claim ids to tests/published_claim_ids.txt: {new}"
    for article in ("A1", "A2"):
        numbers = sorted(int(c.split("-")[1]) for c in current.index if c.startswith(article))
        assert numbers == list(range(1, len(numbers) + 1)), f"{article} ids have gaps or do not start at 01"


def _notebook_text(path) -> str:
    return "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)


@pytest.mark.parametrize("slug", sorted(CLAIMS["chapter"].unique()))
def test_each_claims_chapter_is_in_the_toc_and_names_its_claims(slug):
    page = ledger.chapter_page(slug)  # raises unless exactly one chapters/NN-<slug>.ipynb exists
    toc = (paths.ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert f"chapters/{page.removesuffix('.html')}" in toc
    text = _notebook_text(paths.CHAPTERS_DIR / page.replace(".html", ".ipynb"))
    missing = [c for c in CLAIMS.loc[CLAIMS["chapter"] == slug, "claim_id"] if not re.search(rf"\b{c}\b", text)]
    assert not missing, f"{page} does not mention the claims assigned to it: {missing}"


def test_article_windows_are_ordered():
    assert (ARTICLES["date_earliest"] <= ARTICLES["date_latest"]).all()
