"""Print the built book to one PDF: `_build/pdf/book.pdf`, copied to `_build/html/book.pdf`
so the front page can link it. Run by `make pdf` after `make book`.

Each page of the toc is opened in Debian's Chromium (/usr/bin/chromium, or $CHROMIUM;
never a downloaded browser), offline, from the built files; once every chart has drawn it
is printed with the print styles of `_static/chipbook.css` (no code toggles, chart menus,
sliders or navigation; tables wrap and charts shrink to the page). Charts stay vector
drawings with selectable text. The pages are joined in toc order with pypdf, with one
bookmark per page of the book.

Before printing, every element is checked against the printable width: anything wider
would be cut at the margin, so the script stops and names it.

    python scripts/make_pdf.py [--page chapters/03-interconnect.html] [--out FILE]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from chipbook import paths

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PAPER = "A4"
PAPER_POINTS = (595.28, 841.89)  # A4 in PostScript points (1/72 in)
MARGIN = "15mm"
# The printable width in CSS pixels (96 per inch): 210 mm less two margins.
PRINT_WIDTH_PX = round((210 - 2 * 15) / 25.4 * 96)
DRAW_TIMEOUT_MS = 30_000

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


class PrintError(RuntimeError):
    pass


def print_pages(pages: list[str], html_dir: Path = paths.BUILD_HTML) -> list[tuple[str, str, bytes]]:
    """Print each built page (paths relative to html_dir). Returns (page, title, pdf bytes)
    per page. Raises PrintError naming the page if a chart fails to draw or anything is
    wider than the printable width."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        raise PrintError(f"no Chromium at {CHROMIUM}: install Debian's chromium or set CHROMIUM")
    printed, too_wide = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": PRINT_WIDTH_PX, "height": 1100})
        # Offline: only the book's own files.
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
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
            title = page.locator("main h1").first.inner_text().strip().rstrip("#").strip()
            pdf = page.pdf(format=PAPER, print_background=True, display_header_footer=False,
                           margin={side: MARGIN for side in ("top", "bottom", "left", "right")})
            printed.append((page_path, title, pdf))
            page.close()
        browser.close()
    if too_wide:
        raise PrintError(f"wider than the printed page ({PRINT_WIDTH_PX} px), so cut at the margin:\n  "
                         + "\n  ".join(too_wide))
    return printed


def join(printed: list[tuple[str, str, bytes]], out: Path) -> PdfWriter:
    """Join printed pages into one PDF at `out`, with a bookmark per book page."""
    writer = PdfWriter()
    for _page_path, title, pdf in printed:
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(pdf)))
        writer.add_outline_item(title=title, page_number=start)
    writer.add_metadata({"/Title": "Owning the Software Layer"})
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as handle:
        writer.write(handle)
    return writer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", action="append", help="print only these pages (default: the whole toc)")
    parser.add_argument("--out", type=Path, default=paths.BUILD_PDF / "book.pdf")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        printed = print_pages(args.page or paths.toc_pages())
    except PrintError as error:
        print(f"make pdf: {error}", file=sys.stderr)
        return 1
    writer = join(printed, args.out)
    if not args.page:
        shutil.copy2(args.out, paths.BUILD_HTML / "book.pdf")
    print(f"{args.out}: {len(writer.pages)} pages from {len(printed)} book pages, "
          f"{args.out.stat().st_size / 1e6:.1f} MB, in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
