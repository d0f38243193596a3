"""The book on paper. `make pdf` prints the built site to one PDF, `_build/pdf/book.pdf`
(scripts/make_pdf.py: the pages put together into one document, printed once by Debian's
Chromium in its tagged mode). Checked here, reading the PDF with pypdf: it is tagged (a
structure tree with headings, tables and links), has the book's language, title and
author; one top-level bookmark per toc page, in toc order; every link inside the book goes
to a place in the PDF and no link goes to a local path (`file:`, a relative path);
every chapter title and every chart title is text in it (charts are vector drawings with
selectable text, not pictures); every page is A4; no code toggle, chart menu or slider was
printed; and a chapter with the book's widest table and charts lays out with nothing wider
than the printable width."""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from collections import Counter

import pytest
from pypdf import PdfReader

from chipbook import paths, pdflink
from site_pages import HTML, require_build, toc_pages

pytestmark = pytest.mark.site
BOOK_PDF = paths.BUILD_PDF / "book.pdf"
# Words only the screen shows: code toggles, vega's chart menu, the filter menus.
SCREEN_ONLY = ["Show code cell source", "Save as SVG", "Save as PNG", "allA1 strategy article", "all A1 strategy article"]


def _make_pdf():
    spec = importlib.util.spec_from_file_location("make_pdf", paths.ROOT / "scripts" / "make_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _words(text: str) -> str:
    """Text as compared: ligatures undone (NFKC), whitespace collapsed, hyphens at line ends kept."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


@pytest.fixture(scope="module")
def book():
    require_build()
    if not BOOK_PDF.exists():
        raise AssertionError(f"no {BOOK_PDF}: `make pdf` prints it from the built book (`make test` runs it)")
    reader = PdfReader(BOOK_PDF)
    return reader, _words("\n".join(page.extract_text() for page in reader.pages))


def _article_title(page: str) -> str:
    """The page's heading as its article shows it (with its section number)."""
    text = (HTML / page).read_text(encoding="utf-8")
    article = text[text.index('<article class="bd-article"'):]
    match = re.search(r"<h1>(.*?)</h1>", article, re.DOTALL)
    assert match, f"{page} has no h1 in its article"
    heading = re.sub(r'<a class="headerlink".*?</a>', "", match.group(1))
    return _words(re.sub(r"<[^>]+>", "", heading))


def _chart_titles(page: str) -> list[str]:
    text = (HTML / page).read_text(encoding="utf-8")
    titles = []
    for payload in re.findall(r"chipbookDraw\(\"[^\"]+\",(.*?),\{\"renderer\"", text, re.DOTALL):
        title = json.loads(payload)["title"]["text"]
        titles.append(_words(" ".join(title) if isinstance(title, list) else title))
    return titles


def _links(reader: PdfReader) -> tuple[list[str], list[str]]:
    """Every link annotation: (URIs, names of the destinations inside the PDF)."""
    uris, inside = [], []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") != "/Link":
                continue
            action = annotation.get("/A")
            action = action.get_object() if action is not None else None
            if action is not None and action.get("/S") == "/URI":
                uris.append(str(action["/URI"]))
            else:
                inside.append(str(annotation.get("/Dest") if action is None else action.get("/D")))
    return uris, inside


def _roles(reader: PdfReader) -> Counter:
    """How many structure elements of each kind (/H1, /Table, /Link, ...) the tree holds."""
    roles: Counter = Counter()
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if not hasattr(node, "get"):
            continue
        if node.get("/S") is not None:
            roles[str(node["/S"])] += 1
        kids = node.get("/K")
        kids = kids.get_object() if hasattr(kids, "get_object") else kids
        stack += kids if isinstance(kids, list) else [kids] if kids is not None else []
    return roles


def test_the_pdf_is_tagged_with_language_title_and_author(book):
    reader, _ = book
    catalog = reader.trailer["/Root"]
    settings = _make_pdf().book_settings()
    assert catalog["/MarkInfo"]["/Marked"] is True or catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert str(catalog["/Lang"]) == settings["language"]
    assert reader.metadata.title == settings["title"] and reader.metadata.author == settings["author"]
    roles = _roles(reader)
    # A heading per toc page at least, and the tables and links that carry the evidence.
    assert roles["/H1"] >= len(toc_pages()) and roles["/H2"] > 0
    assert roles["/Table"] > 0 and roles["/TH"] > 0 and roles["/Link"] > 0, roles


def test_one_top_level_bookmark_per_page_in_toc_order(book):
    reader, _ = book
    bookmarks = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline
                 if not isinstance(item, list)]
    assert [_words(t) for t, _ in bookmarks] == [_article_title(p) for p in toc_pages()]
    starts = [n for _, n in bookmarks]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)


def test_links_go_to_the_pdf_or_the_web_never_to_a_local_path(book):
    reader, _ = book
    uris, inside = _links(reader)
    local = [u for u in uris if not u.startswith(("http://", "https://", "mailto:"))]
    assert not local, f"links to local paths: {local[:10]}"
    base = _make_pdf().book_settings()["base_url"]
    if not base:  # without a published address, no link may point at a file of the site
        assert not [u for u in uris if "/_build/" in u], "links into a build folder"
    names = set(reader.named_destinations)
    assert len(inside) > 100, f"only {len(inside)} links inside the book"
    dangling = sorted({name for name in inside if name not in names})
    assert not dangling, f"links to places the PDF does not have: {dangling[:10]}"


def test_a_claim_link_goes_to_the_page_that_tests_it(book):
    """The claims table of chapter 1 links each claim id to its section in another chapter:
    in the PDF, the link's destination page shows that claim's heading."""
    reader, _ = book
    from chipbook import ledger

    claim = ledger.claims().iloc[0]
    page_key = _make_pdf().page_key("chapters/" + ledger.chapter_page(claim["chapter"]))
    target = f"/{page_key}--{ledger.claim_anchor(claim['claim_id'])}"
    destination = reader.named_destinations[target]
    shown = _words(reader.pages[reader.get_destination_page_number(destination)].extract_text())
    assert f"Claim {claim['claim_id']}" in shown


def test_every_chapter_title_and_chart_title_is_text_in_the_pdf(book):
    _, text = book
    titles = {page: [_article_title(page)] + _chart_titles(page) for page in toc_pages()}
    assert sum(len(t) for t in titles.values()) > 30
    missing = {page: [t for t in ts if t not in text] for page, ts in titles.items()}
    missing = {page: ts for page, ts in missing.items() if ts}
    assert not missing, f"titles not found as text in {BOOK_PDF}: {missing}"


def test_every_page_is_a4_and_nothing_screen_only_was_printed(book):
    reader, text = book
    width, height = _make_pdf().PAPER_POINTS
    off = {i + 1: (float(p.mediabox.width), float(p.mediabox.height)) for i, p in enumerate(reader.pages)
           if abs(float(p.mediabox.width) - width) > 2 or abs(float(p.mediabox.height) - height) > 2}
    assert not off, f"pages that are not A4 portrait ({width} x {height} pt): {off}"
    printed = [words for words in SCREEN_ONLY if words in text]
    assert not printed, f"screen-only controls printed on paper: {printed}"


def test_the_front_page_links_the_pdf_because_it_exists():
    require_build()
    front = (HTML / "intro.html").read_text(encoding="utf-8")
    assert (HTML / pdflink.PDF_FILE).exists() and pdflink.LINK in front and pdflink.PENDING not in front


def test_a_wide_chapter_lays_out_with_nothing_cut_at_the_margin():
    """Opens the interconnect chapter (a twelve-column table, wide charts) at the printable
    width, draws its charts and takes its article: the printer refuses anything wider."""
    from playwright.sync_api import sync_playwright

    make_pdf = _make_pdf()
    page = "chapters/03-interconnect.html"
    with sync_playwright() as playwright:
        browser, context = make_pdf._open_browser(playwright)
        try:
            sections = make_pdf.collect(context, [page], HTML)  # raises PrintError naming what is too wide
        finally:
            browser.close()
    assert sections[0][0] == page and 'class="chipbook-print-page"' in sections[0][2]
