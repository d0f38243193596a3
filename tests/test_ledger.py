"""Integrity of the claims ledger: every claim has evidence, sensible verdicts, a
chapter in the book, and an id that never changes. The rules run in `make check`
(chipbook.check, chipbook.table_rules); these tests break each one in a scratch copy of
data/ and read the message, and hand-work the headline counts on small tables."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest

from chipbook import ledger, load_table, paths, shingles
from chipbook.check import check_claim_sections, check_rules, check_sources
from chipbook.data import DataError, resources, rows
from chipbook.vocabulary import VERDICTS

CLAIMS = load_table("claims")
ARTICLES = load_table("articles")
COUNTS = ledger.stance_counts().set_index("claim_id")


def test_ledger_has_both_articles():
    assert set(CLAIMS["article"]) == {"A1", "A2"}
    assert len(CLAIMS) >= 40


def test_the_ledger_rules_hold():
    check_rules()  # raises DataError naming the claim's row


def test_the_source_rules_and_claim_sections_hold():
    check_sources()
    check_claim_sections()


def test_a_verdict_that_differs_from_its_latest_history_row_fails(scratch):
    claim = next(c for c in rows("claims") if c["verdict"] == "partly supported")
    scratch.set_value("claims", claim["_row"], "verdict", "complicated")
    line = next(h["_line"] for h in reversed(rows("verdict_history")) if h["claim_id"] == claim["claim_id"])
    with pytest.raises(DataError) as caught:
        check_rules(scratch.folder)
    assert str(caught.value).startswith(
        f"{scratch.path('claims')}, row {claim['_row']} (line {claim['_line']}), column 'verdict': {claim['claim_id']} "
        f"is 'complicated', but its latest verdict_history.csv row (line {line}, ")
    assert str(caught.value).endswith("says 'partly supported'; expected a new verdict_history.csv row for each change "
                                      "of verdict, with its date and reason")


def test_an_evidence_id_naming_another_claim_fails(scratch):
    row = rows("evidence")[0]
    other = "A1-02" if row["claim_id"] != "A1-02" else "A1-03"
    scratch.set_value("evidence", 1, "evidence_id", f"{other}-e99")
    with pytest.raises(DataError) as caught:
        check_rules(scratch.folder)
    assert str(caught.value) == (
        f"{scratch.path('evidence')}, row 1 (line 2), column 'evidence_id': {other}-e99 names claim {other}, but the "
        f"row is evidence for {row['claim_id']}; expected an id {row['claim_id']}-eN (ids are never reused: the next "
        "free N for that claim)")


def test_an_uncited_source_fails(scratch):
    sources = scratch.rows("sources")
    scratch.write_rows("sources", sources + [dict(sources[0], source_id="nobody-cites-this-2026",
                                                  url="https://example.org/uncited")])
    with pytest.raises(DataError) as caught:
        check_sources(scratch.folder)
    assert str(caught.value) == (
        f"{scratch.path('sources')}, row {len(sources) + 1} (line {len(sources) + 2}), column 'source_id': "
        "nobody-cites-this-2026 is cited by no table; expected a source that some row cites (cite it, or remove the row)")


def test_two_sources_with_one_address_fail(scratch):
    sources = scratch.rows("sources")
    cited = next(r for r in scratch.rows("evidence"))["source_id"]
    first = next(i for i, r in enumerate(sources) if r["source_id"] == cited)
    other = next(i for i, r in enumerate(sources) if i > first and r["source_id"] != cited)
    # the same page, written with another scheme, www. and a trailing slash (citations.normalised)
    url = sources[first]["url"].replace("https://", "http://www.", 1).replace("://www.www.", "://www.") + "/"
    sources[other]["url"] = url
    scratch.write_rows("sources", sources)
    with pytest.raises(DataError) as caught:
        check_sources(scratch.folder)
    assert str(caught.value) == (
        f"{scratch.path('sources')}, row {other + 1} (line {other + 2}), column 'url': {sources[other]['source_id']} "
        f"has the address of {cited} (row {first + 1}, line {first + 2}); expected one row per document: merge the "
        "two and repoint their rows")


def test_a_claim_without_its_section_heading_fails(scratch):
    import shutil

    root = scratch.folder.parent
    shutil.copytree(paths.CHAPTERS_DIR, root / "chapters")
    claim = rows("claims")[0]
    path = ledger.chapter_page(claim["chapter"]).replace(".html", ".ipynb")
    notebook = nbformat.read(root / "chapters" / path, as_version=4)
    for cell in notebook.cells:
        cell.source = cell.source.replace(f"### Claim {claim['claim_id']}\n", "").replace(
            f"### Claim {claim['claim_id']}", "")
    nbformat.write(notebook, root / "chapters" / path)
    with pytest.raises(DataError) as caught:
        check_claim_sections(root)
    assert str(caught.value) == (
        f"{scratch.path('claims')}, row 1 (line 2), column 'chapter': {claim['claim_id']} has 0 '### Claim "
        f"{claim['claim_id']}' headings in chapters/{path}; expected one such markdown heading, above the cell that "
        "walks its evidence")


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




@pytest.mark.parametrize("slug", sorted(CLAIMS["chapter"].unique()))
def test_each_claims_chapter_is_in_the_toc_and_names_its_claims(slug):
    page = ledger.chapter_page(slug)  # raises unless exactly one chapters/NN-<slug>.ipynb exists
    toc = (paths.ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert f"chapters/{page.removesuffix('.html')}" in toc
    # that each claim has its `### Claim <id>` heading there is check_claim_sections (make check)


# --- headline numbers: one rule, computed, never typed --------------------------------------

def test_headline_counts_follow_the_verdict_definitions_by_hand():
    """Hand-worked case: supported and complicated hold up (true as stated); partly
    supported holds in part and is not counted as holding up."""
    frame = pd.DataFrame({
        "claim_id": [f"X-{i}" for i in range(1, 9)],
        "article": ["A1"] * 5 + ["A2"] * 3,
        "verdict": ["supported", "complicated", "partly supported", "contradicted", "outdated",
                    "supported", "partly supported", "unverified"],
    })
    total = ledger.headline(frame).loc["all"]
    assert (total["claims"], total["holds"], total["holds_in_part"], total["overtaken"],
            total["contradicted"], total["unverified"]) == (8, 3, 2, 1, 1, 1)
    by_article = ledger.headline(frame, by="article")
    assert by_article.loc["A1", "holds"] == 2 and by_article.loc["A1", "holds_share"] == pytest.approx(2 / 5)
    assert by_article.loc["A2", "holds"] == 1 and by_article.loc["A2", "holds_share"] == pytest.approx(1 / 3)
    assert list(by_article.index) == ["A2", "A1"], "groups are ranked from the fewest claims holding up"
    assert ledger.headline_markdown(frame).startswith("**3 of 8 claims hold up**")


def test_headline_rejects_an_unknown_verdict_and_an_empty_ledger():
    with pytest.raises(ValueError, match="mostly true"):
        ledger.headline(pd.DataFrame({"verdict": ["supported", "mostly true"]}))
    with pytest.raises(ValueError, match="at least one claim"):
        ledger.headline(pd.DataFrame({"verdict": []}))


def test_headline_outcomes_cover_every_verdict_once():
    placed = [v for verdicts in ledger.OUTCOMES.values() for v in verdicts]
    assert sorted(placed) == sorted(VERDICTS)


_NUMBER = (r"(?:\d[\d,]*|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
           r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|hundred)")
_HAND_TYPED_COUNT = re.compile(
    rf"(?<!at least )\b{_NUMBER}\s+(?:of\s+(?:the\s+|its\s+|all\s+)?{_NUMBER}\s+)?"
    r"(?:claims?|sources?|evidence\s+rows?|pieces?\s+of\s+evidence|verdicts?)\b"
    r"|\b\d+\s+(?:of|out\s+of)\s+\d+\b",
    re.IGNORECASE,
)


def _prose() -> dict[str, str]:
    texts = {}
    for notebook in [paths.ROOT / "intro.ipynb", *sorted(paths.CHAPTERS_DIR.glob("*.ipynb"))]:
        for i, cell in enumerate(nbformat.read(notebook, as_version=4).cells):
            if cell.cell_type == "markdown":
                texts[f"{notebook.name} cell {i}"] = cell.source
    return texts


def test_the_count_pattern_catches_hand_typed_counts():
    for typed in ("17 of 59 claims hold up", "We checked 348 evidence rows", "sixty claims",
                  "198 sources", "holds for 9 of 13"):
        assert _HAND_TYPED_COUNT.search(typed), typed
    for fine in ("at least two pieces of evidence", "Two of the three bugs", "16% of requests", "one claim"):
        assert not _HAND_TYPED_COUNT.search(fine), fine


def test_no_count_of_the_ledger_is_typed_by_hand_in_prose():
    """Counts of claims, sources, evidence rows or verdicts change with the ledger: prose
    shows them from ledger.headline() (a hidden cell's Markdown), never typed in."""
    prose = _prose()
    assert len(prose) > 20, "found too few markdown cells: is the chapters folder there?"
    typed = [f"{where}: '{m.group(0)}'" for where, text in prose.items() for m in _HAND_TYPED_COUNT.finditer(text)]
    assert not typed, "hand-typed counts in prose (compute them with chipbook.ledger.headline):\n" + "\n".join(typed)


# --- our own words: no claim or evidence text repeats eight consecutive words of an article ---
# The articles are checked through their committed fingerprint (chipbook.shingles), so the
# test needs nothing outside the repository; tests/test_shingles.py tests the fingerprint.

OWN_WORDS = {"claims": ["claim", "verdict_reason", "would_change"], "evidence": ["finding"]}


def test_no_claim_or_evidence_text_repeats_eight_consecutive_words_of_an_article():
    articles = shingles.load()
    assert set(articles) == set(ARTICLES["article_id"]), (
        f"{shingles.FINGERPRINT} fingerprints {sorted(articles)}, the ledger has {sorted(ARTICLES['article_id'])}: "
        "run `make fingerprint ARTICLES=<folder with the articles>`")
    assert all(len(hashes) > 100 for hashes in articles.values()), f"an article of {shingles.FINGERPRINT} is nearly empty"
    copied = []
    for table, columns in OWN_WORDS.items():
        for row in rows(table):
            for column in columns:
                for article_id, hashes in sorted(articles.items()):
                    for run in shingles.copied_runs(row[column], hashes)[:1]:
                        copied.append(f"data/{table}.csv, row {row['_row']} (line {row['_line']}), column "
                                      f"'{column}': '{run}' is in article {article_id}")
    assert not copied, "text that repeats 8+ consecutive words of an article (reword it):\n" + "\n".join(copied)


# --- the review record: verdict history and corrections ---------------------------------------

HISTORY = load_table("verdict_history")


def test_corrections_list_changes_and_new_claims_newest_first():
    history = pd.DataFrame({
        "claim_id": ["X-1", "X-2", "X-1", "X-3", "X-2"],
        "date": pd.to_datetime(["2026-11-21", "2026-11-21", "2026-11-25", "2026-11-29", "2026-11-29"]),
        "verdict_before": [None, None, "complicated", None, "supported"],
        "verdict_after": ["complicated", "supported", "partly supported", "complicated", "outdated"],
        "reason": ["first", "first", "relabelled", "new", "overtaken"],
    })
    table = ledger.corrections(history)
    assert list(zip(table["claim_id"], table["change"])) == [
        ("X-2", "verdict changed"), ("X-3", "new claim"), ("X-1", "verdict changed")]


def test_corrections_page_shows_every_change_in_the_ledger():
    changes = HISTORY[HISTORY["verdict_before"].notna()]
    page = str(ledger.corrections_table().data)
    assert len(changes) > 0
    for c in changes.itertuples():
        assert re.search(f'href="[^"]*#{ledger.claim_anchor(c.claim_id)}"[^>]*>{c.claim_id}</a>', page), c.claim_id
    toc = (paths.ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert "chapters/corrections" in toc


def test_rankings_name_every_tied_group():
    shares = pd.Series({"Opening": 0.0, "Bottom line": 0.0, "Lead": 1.0, "Stakes": 0.5})
    assert ledger.tied_at(shares, "min") == "'Opening' and 'Bottom line'"
    assert ledger.tied_at(shares, "max") == "'Lead'"
    assert ledger.tied_at(pd.Series({"a": 0.0, "b": 0.0, "c": 0.0}), "min") == "'a', 'b' and 'c'"
    with pytest.raises(ValueError):
        ledger.tied_at(shares, "median")


def test_headline_total_is_whole_numbers_that_add_up():
    """A row of headline() is floats beside holds_share ("24.0 of 61.0 claims" once reached a
    chart title); headline_total gives the counts as integers."""
    total = ledger.headline_total()
    assert all(type(v) is int for v in total.values()), total
    assert total["claims"] == len(ledger.claims())
    assert sum(v for k, v in total.items() if k != "claims") == total["claims"]
