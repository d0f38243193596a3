"""The book on paper. `make book` prints the built site to one PDF, `_build/pdf/book.pdf`
(scripts/make_pdf.py, Debian's Chromium). Checked here: one bookmark per toc page, in toc
order; every chapter title and every chart title is text in it (charts are vector drawings
with selectable text, not pictures); every page is A4; no code toggle, chart menu or slider
was printed; and a chapter with the book's widest table and charts prints with nothing
wider than the printable width."""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata

import pytest
from pypdf import PdfReader

from chipbook import paths
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


def _page_title(page: str) -> str:
    text = (HTML / page).read_text(encoding="utf-8")
    match = re.search(r"<h1>(.*?)</h1>", text, re.DOTALL)  # the first: the printed page's heading
    assert match, f"{page} has no h1"
    return _words(re.sub(r"<[^>]+>", "", match.group(1))).rstrip("#").strip()


def _chart_titles(page: str) -> list[str]:
    text = (HTML / page).read_text(encoding="utf-8")
    titles = []
    for payload in re.findall(r"chipbookDraw\(\"[^\"]+\",(.*?),\{\"renderer\"", text, re.DOTALL):
        title = json.loads(payload)["title"]["text"]
        titles.append(_words(" ".join(title) if isinstance(title, list) else title))
    return titles


def test_one_bookmark_per_page_in_toc_order(book):
    reader, _ = book
    bookmarks = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert [_words(t) for t, _ in bookmarks] == [_page_title(p) for p in toc_pages()]
    starts = [n for _, n in bookmarks]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)


def test_every_chapter_title_and_chart_title_is_text_in_the_pdf(book):
    _, text = book
    titles = {page: [_page_title(page)] + _chart_titles(page) for page in toc_pages()}
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


def test_a_wide_chapter_prints_with_nothing_cut_at_the_margin(tmp_path):
    """Prints the interconnect chapter (a twelve-column table, wide charts) afresh: the
    printer refuses anything wider than the printable width."""
    make_pdf = _make_pdf()
    page = "chapters/03-interconnect.html"
    printed = make_pdf.print_pages([page])  # raises PrintError naming what is too wide
    writer = make_pdf.join(printed, tmp_path / "one.pdf")
    text = _words("\n".join(p.extract_text() for p in PdfReader(tmp_path / "one.pdf").pages))
    assert len(writer.pages) > 3
    assert all(title in text for title in _chart_titles(page))
