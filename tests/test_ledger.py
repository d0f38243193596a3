"""Integrity of the claims ledger: every claim has evidence, sensible verdicts, a
chapter in the book, and an id that never changes."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from chipbook import ledger, load_table, paths
from chipbook.check import check_published_ids, check_rules, claims_history
from chipbook.data import DataError, resources, rows
from chipbook.vocabulary import PRIMARY_SOURCE_KINDS, VERDICTS

CLAIMS = load_table("claims")
EVIDENCE = load_table("evidence")
SOURCES = load_table("sources")
ARTICLES = load_table("articles")
COUNTS = ledger.stance_counts().set_index("claim_id")


def test_ledger_has_both_articles():
    assert set(CLAIMS["article"]) == {"A1", "A2"}
    assert len(CLAIMS) >= 40


def test_the_ledger_rules_hold():
    check_rules()  # raises DataError naming the claim's row


def test_a_claim_with_one_evidence_row_fails_the_rules(scratch):
    claim = rows("claims")[4]
    evidence = scratch.rows("evidence")
    first = next(i for i, r in enumerate(evidence) if r["claim_id"] == claim["claim_id"])
    scratch.write_rows("evidence", [r for i, r in enumerate(evidence) if r["claim_id"] != claim["claim_id"] or i == first])
    with pytest.raises(DataError) as caught:
        check_rules(scratch.folder)
    assert str(caught.value) == (
        f"{scratch.path('claims')}, row 5 (line {claim['_line']}), column 'claim_id': {claim['claim_id']} has "
        "1 evidence row(s) from 1 source(s) in evidence.csv; expected at least two evidence rows from two different sources")


def test_two_rows_from_one_source_fail_the_rules(scratch):
    claim = rows("claims")[0]
    evidence = scratch.rows("evidence")
    one_source = next(r["source_id"] for r in evidence if r["claim_id"] == claim["claim_id"])
    for row in evidence:
        if row["claim_id"] == claim["claim_id"]:
            row["source_id"] = one_source
    scratch.write_rows("evidence", evidence)
    with pytest.raises(DataError, match=rf"row 1 \(line 2\), column 'claim_id': {claim['claim_id']} has \d+ "
                       r"evidence row\(s\) from 1 source\(s\)"):
        check_rules(scratch.folder)


def test_a_verdict_outside_the_vocabulary_fails_validation(scratch):
    scratch.set_value("claims", 6, "verdict", "mostly true")
    with pytest.raises(DataError) as caught:
        check_rules(scratch.folder)
    assert str(caught.value) == (
        f"{scratch.path('claims')}, row 6 (line 7), column 'verdict': 'mostly true' is not an allowed value; "
        f"expected one of: {', '.join(VERDICTS)}")


def test_a_supported_verdict_needs_a_supporting_row(scratch):
    evidence = scratch.rows("evidence")
    claim = next(c for c in rows("claims") if c["verdict"] == "supported")
    for row in evidence:
        if row["claim_id"] == claim["claim_id"]:
            row["stance"] = "complicates"
    scratch.write_rows("evidence", evidence)
    with pytest.raises(DataError, match=rf"column 'verdict': {claim['claim_id']} is 'supported' with 0 supporting"):
        check_rules(scratch.folder)


def test_evidence_dates_are_plausible():
    evidence_as_of = EVIDENCE["as_of"].max()
    assert evidence_as_of <= pd.Timestamp("2026-11-21"), "evidence dated after the book's evidence-as-of date"
    assert EVIDENCE["as_of"].min() >= pd.Timestamp("2015-01-01")


def test_every_source_is_used():
    # A url and a date on every source are schema rules (pattern, required): validate_package.
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


def test_published_claim_ids_still_exist_for_their_article():
    check_published_ids()  # every id in the git history of data/claims.csv


def test_a_published_id_that_disappears_fails():
    history = claims_history() + "+A1-98,A1,draftpublish-why-anthropic-nvidia,Opening,...\n"
    with pytest.raises(DataError) as caught:
        check_published_ids(history=history)
    assert str(caught.value) == (
        f"{paths.DATA_DIR / 'claims.csv'}, column 'claim_id': published claim A1-98 (of A1) is gone; expected every "
        "claim id ever committed to stay, with its article; a claim the book no longer stands behind keeps its row "
        "and gets a verdict")


def test_a_reused_id_fails(scratch):
    claim = rows("claims")[2]
    history = f"+{claim['claim_id']},A2,x,y\n"  # as if the id had once named a claim of the other article
    with pytest.raises(DataError, match=rf"row 3 \(line {claim['_line']}\), column 'article': {claim['claim_id']} "
                       rf"was published as a claim of A2, now of {claim['article']}; expected A2"):
        check_published_ids(scratch.folder, history=history)


def test_published_ids_fail_clearly_without_git_history(tmp_path):
    with pytest.raises(DataError, match="cannot read the file's git history .*expected a full git clone"):
        claims_history(tmp_path)


def test_claim_ids_have_no_gaps():
    for article in ("A1", "A2"):
        numbers = sorted(int(c.split("-")[1]) for c in CLAIMS["claim_id"] if c.startswith(article))
        assert numbers == list(range(1, len(numbers) + 1)), f"{article} ids have gaps or do not start at 01"


def _notebook_text(path) -> str:
    return "\n".join(cell["source"] for cell in json.loads(path.read_text(encoding="utf-8"))["cells"])


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
