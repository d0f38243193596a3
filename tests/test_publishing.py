"""What the book publishes beside its pages, on small fixtures: the corrections feed
(chipbook.feed, parsed with feedparser as a feed reader would), the front page's PDF link
that shows only when the PDF exists (chipbook.pdflink), and the icon subset the build writes
instead of the theme's icon-font script (_ext/chipbook_sphinx.py)."""

from __future__ import annotations

import importlib.util

import feedparser
import pandas as pd

from chipbook import feed, ledger, paths, pdflink


def _sphinx_ext():
    spec = importlib.util.spec_from_file_location("chipbook_sphinx", paths.ROOT / "_ext" / "chipbook_sphinx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fixture_corrections() -> pd.DataFrame:
    """Two changes to real claim ids (the feed links each to its section): one verdict
    change and one new claim, in ledger.corrections()'s columns, newest first."""
    first, second = ledger.claims()["claim_id"].iloc[:2]
    return pd.DataFrame({
        "claim_id": [second, first],
        "date": pd.to_datetime(["2026-03-02", "2026-01-15"]),
        "verdict_before": [None, "supported"],
        "verdict_after": ["complicated", "outdated"],
        "reason": ["Added after a reader's note.", "A newer filing <overtook> it & more."],
        "change": ["new claim", "verdict changed"],
    })


def test_the_feed_has_one_entry_per_change_that_a_feed_reader_parses():
    table = _fixture_corrections()
    parsed = feedparser.parse(feed.corrections_feed(title="Book", author="Us", corrections=table))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Book: corrections and updates" and parsed.feed.author == "Us"
    assert [e.title for e in parsed.entries] == [
        f"{table.claim_id[0]}: new claim, complicated",
        f"{table.claim_id[1]}: supported → outdated",
    ]
    assert [e.updated for e in parsed.entries] == ["2026-03-02T00:00:00Z", "2026-01-15T00:00:00Z"]
    # The reason's markup-like text arrives as text, escaped in the XML.
    assert "<overtook> it & more." in parsed.entries[1].summary
    # Links go to the claim's section; ids are stable names, different per change.
    anchor = ledger.claim_anchor(table.claim_id[1])
    assert parsed.entries[1].link.endswith(f".html#{anchor}")
    assert parsed.entries[1].id == feed.entry_id(table.claim_id[1], table.date[1], "outdated")
    assert len({e.id for e in parsed.entries}) == 2


def test_feed_links_are_absolute_under_the_sites_address():
    table = _fixture_corrections()
    parsed = feedparser.parse(feed.corrections_feed(title="Book", author="Us", base_url="https://example.org/book/",
                                                    corrections=table))
    assert all(e.link.startswith("https://example.org/book/chapters/") for e in parsed.entries)
    assert parsed.feed.links[0].href == "https://example.org/book/corrections.atom"


def test_the_pdf_link_shows_only_when_the_pdf_exists(tmp_path):
    page = f"<p>Read it offline: {pdflink.LINK}, every page.</p>"
    pending = pdflink.unlink(page)
    assert "href" not in pending and pdflink.PENDING in pending
    assert pdflink.relink(pending) == page
    (tmp_path / "intro.html").write_text(pending, encoding="utf-8")
    try:
        pdflink.relink_site(tmp_path)
    except FileNotFoundError:
        pass
    else:
        raise AssertionError("relinked a site that has no book.pdf")
    (tmp_path / pdflink.PDF_FILE).write_bytes(b"%PDF-1.7")
    assert pdflink.relink_site(tmp_path) == [tmp_path / "intro.html"]
    assert (tmp_path / "intro.html").read_text(encoding="utf-8") == page


def test_icons_are_read_from_the_solid_style_of_the_icon_set():
    ext = _sphinx_ext()
    # A made-up bundle in Font Awesome's layout: each style's icons, then its define call.
    bundle = ('var a={sun:[512,512,[],"f185","M1 1z"]};d("far",a);'
              'var b={sun:[448,512,[],"f185","M2 2z"],"circle-half-stroke":[512,512,[9680],"f042","M3 3z"]};d("fas",b);')
    icons = ext.solid_icons(bundle)
    assert icons == {"sun": (448, 512, "f185", "M2 2z"), "circle-half-stroke": (512, 512, "f042", "M3 3z")}
    css = ext.icon_css(icons, names=("sun",))
    assert ".fa-sun::before" in css and "M2 2z" in css and "width: 0.8750em" in css  # 448 / 512
    try:
        ext.icon_css(icons, names=("bars",))
    except ValueError as error:
        assert "bars" in str(error)
    else:
        raise AssertionError("an icon the set lacks was accepted")


def test_the_theme_icon_set_has_every_icon_the_pages_use():
    ext = _sphinx_ext()
    icons = ext.solid_icons(ext._theme_icon_set())
    assert set(ext.ICON_NAMES) <= set(icons)
