"""Open every page of the built book in headless Chromium with the network cut off:
every chart must draw, no request may leave the book, and no page may raise a script
error or log a console error. Uses Debian's chromium; nothing is downloaded."""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

from chipbook import ledger
from site_pages import BROWSER_SUMMARY, require_build, serve, toc_pages

pytestmark = [pytest.mark.site, pytest.mark.browser]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Flags that keep Chromium from reaching for Google's services at start-up.
QUIET_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
DRAW_TIMEOUT_MS = 20_000


@pytest.fixture(scope="module")
def browser_report():
    require_build()
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        raise AssertionError(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) "
                             "or set CHROMIUM to a Chromium binary")
    report = {"pages": {}, "external": []}
    with serve() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        context = browser.new_context()

        def route(request_route):
            if request_route.request.url.startswith(base):
                request_route.continue_()
            else:
                report["external"].append(request_route.request.url)
                request_route.abort()

        context.route("**/*", route)
        for page_path in toc_pages():
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
            page.on("console", lambda message: errors.append(f"console error: {message.text}")
                    if message.type == "error" else None)
            page.goto(base + page_path, wait_until="load")
            charts = page.locator(".chipbook-chart-canvas")
            expected = charts.count()
            if expected:
                page.wait_for_function(
                    "() => [...document.querySelectorAll('.chipbook-chart-canvas')].every("
                    "c => c.dataset.chartDrawn || c.dataset.chartError)", timeout=DRAW_TIMEOUT_MS)
            drawn = page.locator(".chipbook-chart-canvas[data-chart-drawn] svg.marks").count()
            report["pages"][page_path] = {"charts": expected, "drawn": drawn, "errors": errors, "page": page}
        yield report
        browser.close()


def test_browser_opened_every_page(browser_report, request):
    pages = browser_report["pages"]
    assert set(pages) == set(toc_pages())
    charts = sum(p["charts"] for p in pages.values())
    drawn = sum(p["drawn"] for p in pages.values())
    errors = sum(len(p["errors"]) for p in pages.values())
    request.config.stash.setdefault(BROWSER_SUMMARY, []).append(
        f"browser check: pages opened {len(pages)}, charts drawn {drawn} of {charts}, "
        f"external requests {len(browser_report['external'])}, script errors {errors}")
    assert charts >= 4


def test_every_chart_drew(browser_report):
    failed = {path: f"{p['drawn']} of {p['charts']}" for path, p in browser_report["pages"].items()
              if p["drawn"] != p["charts"]}
    assert not failed, f"charts that did not draw (drawn of expected): {failed}"


def test_no_request_left_the_book(browser_report):
    assert browser_report["external"] == []


def test_no_script_or_console_errors(browser_report):
    errors = {path: p["errors"] for path, p in browser_report["pages"].items() if p["errors"]}
    assert not errors, f"pages with errors: {errors}"


def test_claims_table_filters_by_verdict(browser_report):
    page = browser_report["pages"]["chapters/01-claims-at-a-glance.html"]["page"]
    claims = ledger.claims()
    verdict = claims["verdict"].value_counts().index[-1]  # the rarest verdict
    page.select_option('select[data-filter-column="2"]', verdict)
    visible = page.locator("#all-claims tbody tr:not([hidden])").count()
    assert visible == int((claims["verdict"] == verdict).sum())
    page.select_option('select[data-filter-column="0"]', "A2")
    both = page.locator("#all-claims tbody tr:not([hidden])").count()
    assert both == int(((claims["verdict"] == verdict) & (claims["article"] == "A2")).sum())
