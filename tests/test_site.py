"""The built site: every toc entry became a page, nothing is loaded from outside the
book, no execution errors were shipped, every chart and link resolves, and every page
keeps to its weight budget. Run after `make book`."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

from chipbook import ledger, paths
from chipbook.data import resources
from site_pages import HTML, require_build, toc_pages

pytestmark = pytest.mark.site
PAGE_BUDGET_BYTES = 300_000
CDN_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "mathjax", "googleapis.com", "binder")


class PageParser(HTMLParser):
    """Collects ids, links, loaded resources and inline scripts of one page."""

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.loads, self.scripts = set(), [], [], []
        self.repeated_ids = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            if attrs["id"] in self.ids:
                self.repeated_ids.append(attrs["id"])
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("script", "img", "iframe") and attrs.get("src"):
            self.loads.append(attrs["src"])
        if tag == "link" and attrs.get("rel") in ("stylesheet", "preload", "modulepreload") or (
            tag == "link" and "stylesheet" in (attrs.get("rel") or "")
        ):
            self.loads.append(attrs.get("href", ""))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


@pytest.fixture(scope="module")
def pages() -> dict[str, PageParser]:
    require_build()
    parsed = {}
    for path in sorted(HTML.rglob("*.html")):
        parser = PageParser()
        parser.feed(path.read_text(encoding="utf-8"))
        parsed[path.relative_to(HTML).as_posix()] = parser
    return parsed


def test_every_toc_entry_became_a_page():
    require_build()
    missing = [p for p in toc_pages() if not (HTML / p).exists()]
    assert not missing, f"toc entries with no page: {missing}"


def test_no_execution_reports_or_tracebacks_were_shipped():
    require_build()
    assert not (HTML / "reports").exists(), "a notebook failed: see _build/html/reports"
    for page in toc_pages():
        text = (HTML / page).read_text(encoding="utf-8")
        assert "Traceback (most recent call last)" not in text and "output traceback" not in text, page
        assert "output stderr" not in text, f"{page} shows a cell's stderr (a warning?)"


def test_nothing_is_loaded_from_outside_the_book(pages):
    for page, parsed in pages.items():
        external = [u for u in parsed.loads if urlparse(u).scheme in ("http", "https") or u.startswith("//")]
        assert not external, f"{page} loads {external}"
        inline = "\n".join(parsed.scripts)
        named = [host for host in CDN_HOSTS if host in inline]
        assert not named, f"{page} has a script naming {named}"


def _has_charts(page: str) -> bool:
    return 'class="chipbook-chart-canvas"' in (HTML / page).read_text(encoding="utf-8")


def test_the_vega_bundle_is_named_only_on_chart_pages_and_wrapped(pages):
    """A page with a chart names the bundle once, for chipbook.js to fetch after the text
    is painted; a page without one never loads it."""
    for page in toc_pages():
        text = (HTML / page).read_text(encoding="utf-8")
        named = text.count("vendor/vega-bundle.js")
        assert named == (1 if _has_charts(page) else 0), f"{page} names the vega bundle {named} times"
        assert not [u for u in pages[page].loads if "vega-bundle.js" in u], f"{page} loads the bundle as it opens"
    bundle = (HTML / "_static" / "vendor" / "vega-bundle.js").read_text(encoding="utf-8")
    assert "(function () {" in bundle[:400] and bundle.rstrip().endswith("})();")
    assert "window.vegaEmbed" in bundle


def test_pages_load_no_icon_font_script_and_the_search_index_only_where_search_runs(pages):
    """The theme's icons come as the small subset the build writes (ICON_NAMES), not its
    1.45 MB font script; Sphinx's search index loads only on the search page."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("chipbook_sphinx", paths.ROOT / "_ext" / "chipbook_sphinx.py")
    ext = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ext)
    not_icons = {"fa-solid", "fas", "fa-lg", "fa-fw", "fa-xl", "fa-sm"}
    for page, parsed in pages.items():
        if page.startswith("_static/"):  # the themes' template fragments, not pages
            continue
        assert not [u for u in parsed.loads if "fontawesome.js" in u], f"{page} loads the icon-font script"
        index = [u for u in parsed.loads if "searchindex.js" in u]
        assert bool(index) == (page == "search.html"), f"{page} loads {index or 'no search index'}"
        text = (HTML / page).read_text(encoding="utf-8")
        if 'class="chipbook-later"' in text:  # the theme's scripts wait for the book's loader
            assert "t.content.querySelectorAll" in text, f"{page} holds the theme's scripts but no loader"
        used = set(re.findall(r"\bfa-[a-z0-9-]+", text)) - not_icons
        missing = sorted(name for name in used if name.removeprefix("fa-") not in ext.ICON_NAMES)
        assert not missing, f"{page} shows icons outside the subset: {missing}"


def test_every_chart_has_its_drawing_script_and_source_line():
    require_build()
    total = 0
    for page in toc_pages():
        text = (HTML / page).read_text(encoding="utf-8")
        canvases = re.findall(r'<div class="chipbook-chart-canvas" id="([^"]+)"', text)
        for chart_id in canvases:
            assert f'chipbookDraw("{chart_id}"' in text, f"{page}: chart {chart_id} has no script"
        assert text.count('class="chipbook-chart-source"') == len(canvases), page
        assert "altair-viz" not in text, f"{page} uses Altair's CDN renderer"
        total += len(canvases)
    assert total >= 4, f"only {total} charts in the whole book"


def test_pages_keep_to_the_weight_budget():
    require_build()
    sizes = {p.relative_to(HTML).as_posix(): p.stat().st_size for p in HTML.rglob("*.html")}
    heavy = {p: s for p, s in sizes.items() if s > PAGE_BUDGET_BYTES}
    assert not heavy, f"pages over {PAGE_BUDGET_BYTES:,} bytes: {heavy}"


def test_every_table_can_be_downloaded():
    require_build()
    for resource in resources().values():
        built = HTML / "data" / resource.path.name
        assert built.exists(), f"{resource.path.name} was not copied into the site"
        assert built.read_bytes() == resource.path.read_bytes()
    assert (HTML / "data" / "datapackage.json").exists()


def test_no_page_repeats_an_id(pages):
    repeated = {page: parsed.repeated_ids for page, parsed in pages.items()
                if parsed.repeated_ids and page.startswith(("chapters/", "intro"))}
    assert not repeated, f"ids used twice on a page (anchors become ambiguous): {repeated}"


def test_every_internal_link_and_anchor_resolves(pages):
    broken = []
    for page, parsed in pages.items():
        if not page.startswith(("chapters/", "intro", "index")):
            continue
        for href in parsed.links:
            if urlparse(href).scheme or href.startswith(("mailto:", "//")):
                continue
            target, anchor = urldefrag(href)
            target_page = (Path(page).parent / target).as_posix() if target else page
            resolved = (HTML / target_page).resolve()
            if not resolved.exists():
                broken.append(f"{page} -> {href}")
                continue
            key = resolved.relative_to(HTML.resolve()).as_posix()
            if anchor and key in pages and anchor not in pages[key].ids:
                broken.append(f"{page} -> {href} (no such anchor)")
    assert not broken, "broken links:\n" + "\n".join(broken[:30])


def test_every_page_states_the_books_one_evidence_date():
    """The front page's subtitle (a glue role) and every page's footer (filled at build time)
    carry chipbook.ledger.evidence_as_of(); no placeholder or role is left unfilled."""
    from chipbook import ledger

    require_build()
    date = f"{ledger.evidence_as_of():%Y-%m-%d}"
    front = (HTML / "intro.html").read_text(encoding="utf-8")
    assert f"multi-chip strategy. Evidence as of {date}." in re.sub(r"<[^>]+>", "", front)
    for page in toc_pages():
        text = (HTML / page).read_text(encoding="utf-8")
        assert f"Evidence as of {date}." in text, page
        assert "{evidence_as_of}" not in text and "glue:md" not in text, page


class _Head(HTMLParser):
    """The <meta> and <link> elements of a page's head."""

    def __init__(self):
        super().__init__()
        self.meta, self.links = {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.meta[attrs.get("property") or attrs.get("name")] = attrs.get("content", "")
        if tag == "link":
            self.links.append(attrs)


def _head(page: str) -> _Head:
    parser = _Head()
    text = (HTML / page).read_text(encoding="utf-8")
    parser.feed(text[:text.index("</head>")])
    return parser


def test_every_page_has_a_description_and_card_tags():
    """A link to any page pasted into a chat shows a title, a description and the book's
    card image, which is a file of the book itself (nothing fetched from elsewhere)."""
    require_build()
    for page in toc_pages():
        meta = _head(page).meta
        for tag in ("description", "og:title", "og:description", "og:url", "og:image", "og:image:alt", "twitter:card"):
            assert meta.get(tag, "").strip(), f"{page} has no {tag}"
        assert meta["description"] == meta["og:description"] and len(meta["description"]) >= 50, page
        image = meta["og:image"]
        if not urlparse(image).scheme:
            assert (HTML / Path(page).parent / image).resolve().is_file(), f"{page}: card image {image} missing"


def test_the_feed_parses_with_an_entry_per_change_and_every_page_names_it():
    import feedparser

    from chipbook.feed import FEED_FILE

    require_build()
    parsed = feedparser.parse((HTML / FEED_FILE).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    changes = ledger.corrections()
    assert len(parsed.entries) == len(changes) > 0
    verdict_changes = changes[changes["change"] == "verdict changed"]
    titles = {entry.title for entry in parsed.entries}
    for change in verdict_changes.itertuples():
        assert f"{change.claim_id}: {change.verdict_before} → {change.verdict_after}" in titles
    for page in toc_pages():
        feeds = [link for link in _head(page).links if link.get("type") == "application/atom+xml"]
        assert len(feeds) == 1 and feeds[0].get("rel") == "alternate", page
        assert (HTML / Path(page).parent / feeds[0]["href"]).resolve() == (HTML / FEED_FILE).resolve()
    corrections = (HTML / "chapters" / "corrections.html").read_text(encoding="utf-8")
    assert f'href="../{FEED_FILE}"' in corrections.split('<article class="bd-article"')[1]


def _article(page: str) -> str:
    text = (HTML / page).read_text(encoding="utf-8")
    start = text.index('<article class="bd-article"')
    return text[start:text.index("</article>", start)]


def test_no_raw_dataframe_and_every_table_has_a_caption():
    require_build()
    for page in toc_pages():
        article = _article(page)
        assert 'class="dataframe' not in article and "<style" not in article, f"{page} shows a raw pandas table"
        tables = re.findall(r"<table\b.*?</table>", article, re.DOTALL)
        uncaptioned = [t[:80] for t in tables if not re.search(r"<caption\b[^>]*>\s*\S", t)]
        assert not uncaptioned, f"{page}: tables without a caption: {uncaptioned}"


def test_no_heading_level_is_skipped():
    """Within each article: one h1, and no heading deeper than one level below the one
    before it (the data appendix once jumped from h1 to h3)."""
    require_build()
    for page in toc_pages():
        levels = [int(n) for n in re.findall(r"<h([1-6])\b", _article(page))]
        assert levels and levels[0] == 1 and levels.count(1) == 1, f"{page}: headings {levels[:5]}"
        skips = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
        assert not skips, f"{page} skips heading levels: {skips}"


# --- Long pages and lazily drawn charts (_ext/chipbook_pages.py).
def _chipbook_pages():
    import importlib
    import sys

    sys.path.insert(0, str(paths.ROOT / "_ext"))
    try:
        return importlib.import_module("chipbook_pages")
    finally:
        sys.path.pop(0)


def test_a_charts_estimated_height_adds_its_parts():
    estimate = _chipbook_pages().estimated_height
    rows = [{"chip": c} for c in ("A", "B", "C", "A")]  # three categories
    spec = {"datasets": {"d": rows}, "data": {"name": "d"}, "height": {"step": 30},
            "title": {"text": "x" * 10, "subtitle": "y" * 10},
            "encoding": {"y": {"field": "chip", "type": "nominal"}},
            "params": [{"name": "p", "bind": {"input": "range"}}, {"name": "sel"}]}
    # plot 30 x 3 = 90; axis 50; padding 12; one title line 22; one subtitle line 16; one control 36
    assert estimate(spec) == 90 + 50 + 12 + 22 + 16 + 36
    # Two stacked views: 200 + 50 (gap) + 100; no title, no controls.
    stacked = {"vconcat": [{"height": 200}, {"height": 100}]}
    assert estimate(stacked) == 350 + 50 + 12
    # A longer title takes more lines: 1,000 characters at 9 px in a 600 px line (640 - 40 room).
    assert estimate({**spec, "title": {"text": "x" * 1000}}) > estimate(spec)


def test_every_chart_frame_reserves_its_height():
    require_build()
    unreserved = []
    for page in toc_pages():
        text = (HTML / page).read_text(encoding="utf-8")
        for frame in re.findall(r'<div class="chipbook-chart-canvas"[^>]*>', text):
            height = re.search(r"--chipbook-chart-height: (\d+)px", frame)
            if not height or int(height[1]) < 100:
                unreserved.append(f"{page}: {frame}")
    assert not unreserved, "chart frames without a reserved height:\n" + "\n".join(unreserved)


@pytest.mark.parametrize("page, nav_id, target", [
    ("chapters/data-appendix.html", "chipbook-tables", r'<section class="chipbook-table-doc" id="([^"]+)"'),
    ("chapters/bibliography.html", "chipbook-letters", r'<li class="chipbook-source-entry" id="([^"]+)"'),
])
def test_long_generated_pages_open_with_a_jump_list(page, nav_id, target):
    require_build()
    text = (HTML / page).read_text(encoding="utf-8")
    nav = re.search(rf'<nav class="chipbook-jump" id="{nav_id}".*?</nav>', text, re.S)
    assert nav, f"{page}: no jump list #{nav_id}"
    links = re.findall(r'<a href="#([^"]+)">([^<]*)</a>', nav[0])
    targets = re.findall(target, text)
    assert text.index(nav[0]) < text.index(f'id="{targets[0]}"'), f"{page}: the jump list is not above what it lists"
    assert {href for href, _ in links} <= set(targets), f"{page}: jump links to no entry"
    if nav_id == "chipbook-tables":
        assert [href for href, _ in links] == targets, f"{page}: the jump list does not list every table in order"
    else:
        letters = [letter for _, letter in links]
        assert letters == sorted(letters) and len(set(letters)) == len(letters), letters
