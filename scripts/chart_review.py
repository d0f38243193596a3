"""Pictures and measurements of every chart of the built book, for a reviewer.

Opens each chart page of _build/html in Debian's chromium, offline, in four views (desktop
1400 px and phone 390 px, light and dark), saves a PNG of every chart in each view under
_build/chart-review/ and prints, per chart, what tests/chart_measures.js measures: the
smallest text as shown, the weakest mark or legend-symbol contrast, overlapping marks,
numbers in the title or description that the drawn data cannot produce, the layout
chosen, and each text that collides with another text or a mark, is cut off, or each point
drawn outside its row. A reviewer rates the charts from the pictures; the browser check enforces the
measurements. Usage: python scripts/chart_review.py [--views light-desktop,dark-phone]
[--pages 03] [--no-pictures] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from site_pages import HTML, serve, toc_pages  # noqa: E402

VIEWS = {"light-desktop": ("light", 1400), "dark-desktop": ("dark", 1400),
         "light-phone": ("light", 390), "dark-phone": ("dark", 390), "light-320": ("light", 320)}
MEASURE = (ROOT / "tests" / "chart_measures.js").read_text(encoding="utf-8")
DRAWN = ("() => [...document.querySelectorAll('.chipbook-chart-canvas')].every("
         "c => c.dataset.chartError || c.dataset.chartDrawn)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", default="light-desktop,dark-desktop,light-phone,dark-phone")
    parser.add_argument("--pages", default="", help="only pages whose path contains this")
    parser.add_argument("--no-pictures", action="store_true")
    parser.add_argument("--json", default="")
    parser.add_argument("--sheets", action="store_true",
                        help="also one picture per chart with its light desktop, light phone and dark phone views side by side")
    args = parser.parse_args()
    out = ROOT / "_build" / "chart-review"
    out.mkdir(parents=True, exist_ok=True)
    pages = [p for p in toc_pages() if "chipbook-chart-canvas" in (HTML / p).read_text(encoding="utf-8")
             and args.pages in p]
    report = {}
    with serve() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for view in args.views.split(","):
            scheme, width = VIEWS[view]
            context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
            for path in pages:
                page = context.new_page()
                page.goto(base + path, wait_until="load")
                page.evaluate("() => window.chipbookDrawAll()")  # charts draw as the reader nears them
                page.wait_for_function(DRAWN, timeout=30_000)
                page.wait_for_timeout(300)
                measured = page.evaluate(MEASURE)
                # The pictures show the chart alone: the page's sticky header and skip link, which
                # a screenshot of an element scrolled under them would show over its top, stay put.
                page.add_style_tag(content=".bd-header, .bd-header-article, .bd-header-announcement { position: static !important; }"
                                           " .skip-link { display: none !important; }")
                stem = Path(path).stem[:2]
                for chart in measured:
                    key = f"{stem}-{chart['index'] + 1}"
                    report.setdefault(key, {})[view] = chart
                    print(f"{view:13} {key:6} {chart['layout']:6} text {chart['text']} ({chart['smallest']!r}) "
                          f"contrast {chart['contrast']} [{chart['weakest']}] overlaps {chart['overlaps']} {chart.get('overlapping', '')!r} "
                          f"scale {chart['scale']} unexplained {chart['unexplained']}  | {chart['title'][:60]}")
                    for what in ("collided", "cut", "strays"):
                        for line in chart.get(what, []):
                            print(f"{'':13} {key:6}   {line}")
                    if not args.no_pictures:
                        figure = page.locator("figure.chipbook-chart").nth(chart["index"])
                        figure.screenshot(path=str(out / f"{key}-{view}.png"))
                page.close()
            context.close()
        if args.sheets:
            sheets(browser, out, sorted(report))
        browser.close()
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")


def sheets(browser, out: Path, keys: list[str]) -> None:
    """One picture per chart: its views side by side, for a reviewer to look at in one go."""
    page = browser.new_page(viewport={"width": 1900, "height": 800})
    for key in keys:
        cells = "".join(f'<div><p>{view}</p><img src="{key}-{view}.png"></div>'
                        for view in ("light-desktop", "light-phone", "dark-phone") if (out / f"{key}-{view}.png").exists())
        (out / "sheet.html").write_text(
            "<style>body{margin:0;display:flex;gap:8px;align-items:flex-start;background:#888;font:12px sans-serif}"
            "p{margin:2px}</style>" + cells, encoding="utf-8")
        page.goto((out / "sheet.html").resolve().as_uri())
        page.screenshot(path=str(out / f"{key}-sheet.png"), full_page=True)
    page.close()


if __name__ == "__main__":
    main()
