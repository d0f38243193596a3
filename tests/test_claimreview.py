"""Machine-readable verdicts: one schema.org ClaimReview per claim, generated from the
ledger, and the whole ledger as one JSON document. The site tests read the JSON-LD back
from the built pages with extruct, as a search engine would."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import urldefrag

import extruct
import pytest

from chipbook import claimreview, ledger, load_table
from chipbook.vocabulary import VERDICT_RATINGS
from site_pages import HTML, require_build

AUTHOR = "The Owning the Software Layer authors"


def test_every_claim_has_one_review_on_its_chapter_page():
    pages = claimreview.reviews_by_page(author=AUTHOR)
    reviewed = [r["itemReviewed"]["identifier"] for items in pages.values() for r in items]
    assert sorted(reviewed) == sorted(ledger.claims()["claim_id"])
    for docname, items in pages.items():
        for review in items:
            chapter = ledger.claims().set_index("claim_id").at[review["itemReviewed"]["identifier"], "chapter"]
            assert docname == "chapters/" + ledger.chapter_page(chapter).removesuffix(".html")


def test_a_review_states_the_ledger_verdict_on_the_stated_scale():
    claims = ledger.claims().set_index("claim_id")
    for claim_id, claim in claims.iterrows():
        review = claimreview.claim_review(claim_id, author=AUTHOR)
        rating = review["reviewRating"]
        assert rating["alternateName"] == claim["verdict"]
        assert rating["ratingValue"] == VERDICT_RATINGS[claim["verdict"]]
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert review["claimReviewed"] == claim["claim_short"] and len(review["claimReviewed"]) <= 75
        assert review["dateModified"] == claim["last_reviewed"].date().isoformat()
        assert review["datePublished"] <= review["dateModified"]
        assert review["url"].endswith("#" + ledger.claim_anchor(claim_id))


def test_a_review_names_who_made_the_claim_and_when():
    """itemReviewed carries the article's author (Person or Organization, from articles.csv)
    and a publication date inside the window the book dates the article to."""
    articles = ledger.claims().merge(
        load_table("articles"), left_on="article", right_on="article_id")
    for claim in articles.itertuples():
        item = claimreview.claim_review(claim.claim_id, author=AUTHOR)["itemReviewed"]
        assert item["author"] == {"@type": claim.author_type, "name": claim.author}
        assert claim.date_earliest.date().isoformat() <= item["datePublished"] <= claim.date_latest.date().isoformat()


def test_an_absolute_url_when_the_site_has_a_base():
    claim = ledger.claims().iloc[0]
    review = claimreview.claim_review(claim["claim_id"], author=AUTHOR, base_url="https://example.org/book/")
    assert review["url"] == (f"https://example.org/book/chapters/{ledger.chapter_page(claim['chapter'])}"
                             f"#claim-{claim['claim_id'].lower()}")


def test_json_ld_script_keeps_hostile_text_inside_the_element():
    hostile = {"claimReviewed": "</script><script>alert(1)</script> <!-- & é 🙂"}
    html = "<html><head>" + claimreview.json_ld_script([hostile]) + "</head><body><p id=after>x</p></body></html>"

    class Scripts(HTMLParser):
        def __init__(self):
            super().__init__()
            self.scripts, self.ids = [], []

        def handle_starttag(self, tag, attrs):
            self.ids += [v for k, v in attrs if k == "id"]

        def handle_data(self, data):
            if self.lasttag == "script":
                self.scripts.append(data)

    parser = Scripts()
    parser.feed(html)
    assert parser.ids == ["after"]
    assert json.loads(parser.scripts[0]) == [hostile]


def test_ledger_document_nests_every_evidence_row_once():
    document = claimreview.ledger_document()
    evidence_ids = [e["evidence_id"] for c in document["claims"] for e in c["evidence"]]
    assert sorted(evidence_ids) == sorted(ledger.evidence()["evidence_id"])
    assert {c["claim_id"] for c in document["claims"]} == set(ledger.claims()["claim_id"])
    assert all(c["verdict_history"] for c in document["claims"])
    json.dumps(document)  # every value is JSON


def _json_ld(page: str) -> list[dict]:
    text = (HTML / page).read_text(encoding="utf-8")
    items = extruct.extract(text, syntaxes=["json-ld"], uniform=True)["json-ld"]
    return [i for i in items if i.get("@type") == "ClaimReview"]


@pytest.mark.site
def test_built_pages_carry_each_claims_review_matching_the_ledger():
    require_build()
    claims = ledger.claims().set_index("claim_id")
    seen = {}
    for page in sorted((HTML / "chapters").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        for review in _json_ld(f"chapters/{page.name}"):
            claim_id = review["itemReviewed"]["identifier"]
            assert claim_id not in seen, f"{claim_id} reviewed on {seen.get(claim_id)} and {page.name}"
            seen[claim_id] = page.name
            assert page.name == ledger.chapter_page(claims.at[claim_id, "chapter"])
            assert review["reviewRating"]["alternateName"] == claims.at[claim_id, "verdict"]
            assert review["claimReviewed"] == claims.at[claim_id, "claim_short"]
            assert review["itemReviewed"]["author"]["name"] and review["itemReviewed"]["datePublished"]
            target, anchor = urldefrag(review["url"])
            assert target in ("", page.name) and f'id="{anchor}"' in text, f"{claim_id}: no #{anchor} on {page.name}"
    assert sorted(seen) == sorted(claims.index)


@pytest.mark.site
def test_the_ledger_json_is_published_beside_the_csvs():
    require_build()
    published = json.loads((HTML / "data" / "ledger.json").read_text(encoding="utf-8"))
    assert published == json.loads(json.dumps(claimreview.ledger_document()))
