"""Print the built book to one PDF: `_build/pdf/book.pdf`, copied to `_build/html/book.pdf`
so the front page can link it. Run by `make pdf` after `make book`.

Each page of the toc is opened in Debian's Chromium (/usr/bin/chromium, or $CHROMIUM;
never a downloaded browser), offline, from the built files, at the printable width with the
print styles of `_static/chipbook.css` (no code toggles, chart menus, sliders or
navigation; tables wrap and charts shrink to the page). Once every chart has drawn, anything
wider than the printable width stops the script, naming it (it would be cut at the margin).

The pages' articles, charts drawn, are then put together in toc order into one document,
which Chromium prints once, in its tagged mode: the PDF has a structure tree (headings,
paragraphs, lists, tables, links) for screen readers, the book's language, title and author,
and one bookmark per heading, each page's title at the top level. Printing one document
keeps all of that whole, which joining separately printed parts would not. In it:

- a link to another place in the book goes to that place in the PDF;
- a link to a file of the site (a CSV, the ledger, the feed) goes to the published site
  when `html.baseurl` is set in _config.yml, and is left as plain text when not;
- nothing links to a local path: no `file:` link, no path of the build machine.

    python scripts/make_pdf.py [--page chapters/03-interconnect.html] [--out FILE]
"""

from __future__ import annotations

import argparse
import html
import os
import shutil
import sys
import time
from pathlib import Path

import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.generic import BooleanObject, DictionaryObject, NameObject, TextStringObject

from chipbook import paths, pdflink

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PAPER = "A4"
PAPER_POINTS = (595.28, 841.89)  # A4 in PostScript points (1/72 in)
MARGIN = "15mm"
# The printable width in CSS pixels (96 per inch): 210 mm less two margins.
PRINT_WIDTH_PX = round((210 - 2 * 15) / 25.4 * 96)
DRAW_TIMEOUT_MS = 30_000
PRINT_TIMEOUT_MS = 300_000
# The combined document is written here for the printer and removed afterwards: in the
# site's root, so that the stylesheets' relative paths hold.
COMBINED = "_print-book.html"

# Elements wider than the printable width (a little slack for sub-pixel rounding).
_OVERFLOW = """(width) => {
  const wide = [...document.querySelectorAll('main *')].filter((el) => {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || el.closest('.chipbook-chart-text')) return false;
    const box = el.getBoundingClientRect();
    return box.width > width + 2 || box.right > width + 2 || box.left < -2;
  });
  // Name the innermost culprits, not every box that grew around them.
  const widest = wide.filter((el) => el.getBoundingClientRect().width > width + 2);
  const culprits = widest.length ? widest : wide;
  return culprits.filter((el) => !culprits.some((other) => other !== el && el.contains(other))).slice(0, 10).map((el) => {
    const box = el.getBoundingClientRect();
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    return `${name} "${el.textContent.trim().slice(0, 40)}" spans ${Math.round(box.left)}..${Math.round(box.right)} px`;
  });
}"""

# The page's article as a section of the one document: ids made unique across the book
# (prefixed with the page's key), every reference to an id changed with them, scripts
# removed (the charts are drawn already), links rewritten as the module docstring says.
# Returns the section's HTML and its page title.
_EXTRACT = """({key, keys, root, baseUrl}) => {
  const article = document.querySelector('main article.bd-article').cloneNode(true);
  article.querySelectorAll('script, .headerlink, .vega-embed > details, .vega-bindings').forEach((el) => el.remove());
  const local = (id) => `${key}--${id}`;
  article.querySelectorAll('[id]').forEach((el) => { el.id = local(el.id); });
  for (const name of ['aria-labelledby', 'aria-describedby', 'aria-controls', 'aria-owns', 'for', 'headers']) {
    article.querySelectorAll(`[${name}]`).forEach((el) => {
      el.setAttribute(name, el.getAttribute(name).split(/\\s+/).filter(Boolean).map(local).join(' '));
    });
  }
  const unlink = (a) => {
    const span = document.createElement('span');
    span.className = a.getAttribute('class') || '';
    span.append(...a.childNodes);
    a.replaceWith(span);
  };
  article.querySelectorAll('a[href]').forEach((a) => {
    const raw = a.getAttribute('href');
    if (raw.startsWith('#')) { a.setAttribute('href', '#' + (raw.length > 1 ? local(decodeURIComponent(raw.slice(1))) : key)); return; }
    const url = new URL(raw, document.baseURI);
    if (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:') return;
    if (url.protocol !== 'file:' || !url.href.startsWith(root)) { unlink(a); return; }
    const path = decodeURIComponent(url.pathname).slice(new URL(root).pathname.length);
    if (keys[path] !== undefined) {
      const fragment = decodeURIComponent(url.hash.slice(1));
      a.setAttribute('href', '#' + (fragment ? `${keys[path]}--${fragment}` : keys[path]));
    } else if (baseUrl) {
      a.setAttribute('href', baseUrl + path + url.hash);
    } else {
      unlink(a);
    }
  });
  article.querySelectorAll('img[src]').forEach((img) => {
    const url = new URL(img.getAttribute('src'), document.baseURI);
    if (url.protocol === 'file:' && url.href.startsWith(root)) img.setAttribute('src', decodeURIComponent(url.pathname).slice(new URL(root).pathname.length));
  });
  const heading = article.querySelector('h1');
  const title = heading ? heading.textContent.trim() : document.title;
  return {html: `<section class="chipbook-print-page" id="${key}">${article.innerHTML}</section>`, title};
}"""


class PrintError(RuntimeError):
    pass


def page_key(page_path: str) -> str:
    """The id prefix of a page in the one document: `chapters/02-x.html` -> `p-chapters-02-x`."""
    return "p-" + page_path.removesuffix(".html").replace("/", "-")


def book_settings(root: Path = paths.ROOT) -> dict:
    """Title, author, language and the published address from _config.yml."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    base_url = ((config.get("html") or {}).get("baseurl") or "").strip()
    return {"title": config["title"], "author": config["author"], "language": config.get("language") or "en",
            "base_url": base_url.rstrip("/") + "/" if base_url else ""}


def _open_browser(playwright):
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        raise PrintError(f"no Chromium at {CHROMIUM}: install Debian's chromium or set CHROMIUM")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    context = browser.new_context(viewport={"width": PRINT_WIDTH_PX, "height": 1100})
    # Offline: only the book's own files.
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    return browser, context


def collect(context, pages: list[str], html_dir: Path, base_url: str = "") -> list[tuple[str, str, str]]:
    """Open each built page at the printable width, draw its charts and take its article
    as a section of the one document. Returns (page, title, section HTML) per page. Raises
    PrintError naming the page if a chart fails to draw, and naming every element wider
    than the printable width."""
    keys = {page: page_key(page) for page in pages}
    root = html_dir.resolve().as_uri() + "/"
    sections, too_wide = [], []
    for page_path in pages:
        target = html_dir / page_path
        if not target.exists():
            raise PrintError(f"{target} does not exist: run `make book` first")
        page = context.new_page()
        page.emulate_media(media="print")
        page.goto(target.as_uri(), wait_until="load")
        # Charts are drawn as a reader nears them; on paper, all of them.
        page.evaluate("() => window.chipbookDrawAll ? window.chipbookDrawAll() : null")
        if page.locator(".chipbook-chart-canvas").count():
            page.wait_for_function(
                "() => [...document.querySelectorAll('.chipbook-chart-canvas')].every("
                "c => c.dataset.chartDrawn || c.dataset.chartError)", timeout=DRAW_TIMEOUT_MS)
        failed = page.locator(".chipbook-chart-canvas[data-chart-error]").count()
        if failed:
            raise PrintError(f"{page_path}: {failed} chart(s) did not draw")
        wide = page.evaluate(_OVERFLOW, PRINT_WIDTH_PX)
        if wide:
            too_wide.append(f"{page_path}: {wide}")
        taken = page.evaluate(_EXTRACT, {"key": keys[page_path], "keys": keys, "root": root, "baseUrl": base_url})
        sections.append((page_path, taken["title"].rstrip("#").strip(), taken["html"]))
        page.close()
    if too_wide:
        raise PrintError(f"wider than the printed page ({PRINT_WIDTH_PX} px), so cut at the margin:\n  "
                         + "\n  ".join(too_wide))
    return sections


def combined_document(sections: list[tuple[str, str, str]], html_dir: Path, settings: dict) -> str:
    """One HTML document holding every section, with the stylesheets of the built front
    page, in the light theme, with the book's title and language."""
    import re

    front = (html_dir / "intro.html").read_text(encoding="utf-8")
    head = front[front.index("<head>"):front.index("</head>")]
    sheets = "\n".join(re.findall(r'<link[^>]+rel="stylesheet"[^>]*>', head))
    body = "\n".join(section for _, _, section in sections)
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(settings["language"])}" data-theme="light" data-mode="light">'
            f'<head><meta charset="utf-8"><title>{html.escape(settings["title"])}</title>'
            f'<meta name="author" content="{html.escape(settings["author"])}">{sheets}'
            # Each page starts a sheet. The book theme hides an article's first h1 on paper (its
            # own print header repeats it); this document has no such header.
            "<style>.chipbook-print-page { break-before: page; } .chipbook-print-page:first-child { break-before: auto; }"
            " .bd-main .bd-content .bd-article h1:first-of-type { display: block !important; }</style></head><body><main id=\"main-content\" class=\"bd-main\"><div class=\"bd-content\">"
            '<div class="bd-article-container"><article class="bd-article">'
            f"{body}</article></div></div></main></body></html>\n")


def print_document(context, document: str, html_dir: Path) -> bytes:
    """Print one document with Chromium's tagged PDF and its heading outline."""
    target = html_dir / COMBINED
    target.write_text(document, encoding="utf-8")
    try:
        page = context.new_page()
        page.set_default_timeout(PRINT_TIMEOUT_MS)
        page.emulate_media(media="print")
        page.goto(target.as_uri(), wait_until="load")
        return page.pdf(format=PAPER, print_background=True, display_header_footer=False, tagged=True,
                        outline=True, margin={side: MARGIN for side in ("top", "bottom", "left", "right")})
    finally:
        target.unlink(missing_ok=True)


def finish(pdf: bytes, out: Path, settings: dict) -> PdfWriter:
    """Write the printed PDF to `out` with its document information (title, author,
    subject), language and a viewer asked to show the title: Chromium's structure tree,
    outline and links are kept as printed."""
    import io

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Title": settings["title"], "/Author": settings["author"],
                         "/Subject": "A claim-by-claim test of the multi-chip strategy"})
    writer._root_object[NameObject("/Lang")] = TextStringObject(settings["language"])
    preferences = writer._root_object.get("/ViewerPreferences") or DictionaryObject()
    preferences[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    writer._root_object[NameObject("/ViewerPreferences")] = preferences
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as handle:
        writer.write(handle)
    return writer


def make_book_pdf(pages: list[str], out: Path, html_dir: Path = paths.BUILD_HTML) -> PdfWriter:
    """Collect, combine, print and finish: the whole pipeline for some pages."""
    from playwright.sync_api import sync_playwright

    settings = book_settings()
    with sync_playwright() as playwright:
        browser, context = _open_browser(playwright)
        try:
            sections = collect(context, pages, html_dir, settings["base_url"])
            pdf = print_document(context, combined_document(sections, html_dir, settings), html_dir)
        finally:
            browser.close()
    return finish(pdf, out, settings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", action="append", help="print only these pages (default: the whole toc)")
    parser.add_argument("--out", type=Path, default=paths.BUILD_PDF / "book.pdf")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    pages = args.page or paths.toc_pages()
    try:
        writer = make_book_pdf(pages, args.out)
    except PrintError as error:
        print(f"make pdf: {error}", file=sys.stderr)
        return 1
    if not args.page:
        shutil.copy2(args.out, paths.BUILD_HTML / pdflink.PDF_FILE)
        pdflink.relink_site(paths.BUILD_HTML)
    print(f"{args.out}: {len(writer.pages)} pages from {len(pages)} book pages, "
          f"{args.out.stat().st_size / 1e6:.1f} MB, in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
