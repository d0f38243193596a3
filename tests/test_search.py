"""The built book's search finds what readers look for. Sphinx's own searchtools.js runs
on the built search page in Debian's headless Chromium, offline, so results are ranked
exactly as a reader sees them; the index itself is read from searchindex.js.

- a claim id lists the section that tests it first;
- every word in a table cell is indexed for its page (cells used to fuse: "GoogleTPU");
- every chart's title is indexed for its page (charts are drawn by script, so the
  indexer saw none of their words).
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser

import pytest
from playwright.sync_api import sync_playwright
from sphinx.search.en import SearchEnglish

from chipbook import ledger
from site_pages import HTML, require_build, serve, toc_pages

pytestmark = [pytest.mark.site, pytest.mark.browser]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
# searchtools.js: the ranked results, best first, as [docname, anchor, score].
RANKED = """(query) => Search._performSearch(...Search._parseQuery(query))
                          .reverse().map(r => [r[0], r[2], r[4]])"""


@pytest.fixture(scope="module")
def search_page():
    require_build()
    with serve() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
        page.goto(base + "search.html?q=A1-31", wait_until="load")
        page.wait_for_function("() => /Search finished|did not match/.test(document.body.innerText)",
                               timeout=20_000)
        yield page
        browser.close()


@pytest.fixture(scope="module")
def index() -> dict:
    require_build()
    text = (HTML / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def _page_doc(index: dict, page: str) -> int:
    return index["docnames"].index(page.removesuffix(".html"))


def _indexed(index: dict, word: str, doc: int) -> bool:
    """Whether searchtools.js finds `word` on document `doc` (stemmed as Sphinx does)."""
    lang = SearchEnglish({})
    stem = lang.stem(word.lower()).lower()
    for mapping in (index["terms"], index["titleterms"]):
        for key in (stem, word.lower()):
            docs = mapping.get(key, [])
            if doc in (docs if isinstance(docs, list) else [docs]):
                return True
    return False


def _searchable(word: str) -> bool:
    """Whether searchtools.js can look `word` up at all: it drops numbers and words whose
    stem is a stop word ("being" stems to "be")."""
    lang = SearchEnglish({})
    lower = word.lower()
    return (not re.fullmatch(r"\d+", word) and len(word) > 2 and lang.word_filter(lower)
            and lang.word_filter(lang.stem(lower).lower()))


class _Cells(HTMLParser):
    """The text of every table cell and the title of every chart on a page."""

    def __init__(self):
        super().__init__()
        self.cells, self.chart_titles, self._cell, self._script = [], [], None, False

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self._cell = []
        self._script = tag == "script"

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None
        self._script = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._script and data.startswith("chipbookDraw("):
            spec = json.loads(data[data.index(",") + 1:data.rindex("},{") + 1])
            title = spec["title"]["text"]
            self.chart_titles.append(" ".join(title) if isinstance(title, list) else title)


def _parsed(page: str) -> _Cells:
    parser = _Cells()
    parser.feed((HTML / page).read_text(encoding="utf-8"))
    return parser


def test_a_claim_id_lists_its_section_first_in_the_search_page(search_page):
    link = search_page.locator("#search-results ul.search li a").first
    claim = ledger.claims().set_index("claim_id").loc["A1-31"]
    expected = f"chapters/{ledger.chapter_page(claim['chapter'])}#{ledger.claim_anchor('A1-31')}"
    assert link.get_attribute("href") == expected


def test_every_claim_id_ranks_its_section_first(search_page):
    wrong = {}
    for claim in ledger.claims().itertuples():
        ranked = search_page.evaluate(RANKED, claim.claim_id)
        expected = [f"chapters/{ledger.chapter_page(claim.chapter).removesuffix('.html')}",
                    f"#{ledger.claim_anchor(claim.claim_id)}"]
        if not ranked or ranked[0][:2] != expected:
            wrong[claim.claim_id] = ranked[:2]
    assert not wrong, f"claim ids whose section is not the first result (top results): {wrong}"


def test_every_word_in_a_table_cell_is_found_on_its_page(index):
    missing, cells = {}, 0
    for page in toc_pages():
        doc = _page_doc(index, page)
        for cell in _parsed(page).cells:
            cells += 1
            for word in SearchEnglish({}).split(cell):
                if _searchable(word) and not _indexed(index, word, doc):
                    missing.setdefault(page, set()).add(word)
    assert cells > 200, f"only {cells} table cells in the built book"
    assert not missing, f"table-cell words the search cannot find, by page: {missing}"


def test_every_chart_title_is_found_on_its_page(index, search_page):
    missing, titles = {}, 0
    for page in toc_pages():
        doc = _page_doc(index, page)
        for title in _parsed(page).chart_titles:
            titles += 1
            absent = [w for w in SearchEnglish({}).split(title) if _searchable(w) and not _indexed(index, w, doc)]
            if absent:
                missing.setdefault(page, []).append((title, absent))
    assert titles >= 10, f"only {titles} charts in the built book"
    assert not missing, f"chart titles whose words the search does not find on their page: {missing}"


def test_a_chart_title_query_finds_its_page(search_page):
    page = "chapters/02-inference-economics.html"
    title = _parsed(page).chart_titles[0]
    ranked = search_page.evaluate(RANKED, title)
    assert page.removesuffix(".html") in [r[0] for r in ranked[:3]], (title, ranked[:3])
