"""Open every page of the built book in headless Chromium with the network cut off, the
way different readers see it: light and dark system preference, a 1400 px desktop and a
390 px phone, three time zones. Every chart must draw, no request may leave the book, no
page may raise a script error, axe-core (WCAG 2.1 A and AA) may find nothing critical or
serious, no page may scroll sideways on a phone, no chart may be wider than its column,
no chart may be a light box on a dark page, and every chart must draw the same text in
every time zone. Every chart is held to the chart standard (chipbook.charts), measured in
the drawn SVG by tests/chart_measures.js in the same page visit: no text under 10 px as
shown, every mark and legend symbol 3:1 against the page in both schemes, no mark hiding
another, no text touching another text or drawn over a mark it does not label, nothing cut
off at the chart's edge or by a label limit, no point outside its row, and every number of
its title and text alternative found in its drawn data.
Uses Debian's chromium and the axe-core that `make` installs from the npm registry at the
version package-lock.json pins; nothing is downloaded at run time."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

from chipbook import ledger, paths
from site_pages import BROWSER_SUMMARY, HTML, require_build, serve, toc_pages

pytestmark = [pytest.mark.site, pytest.mark.browser]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_SCRIPT = paths.ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Flags that keep Chromium from reaching for Google's services at start-up.
QUIET_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
DRAW_TIMEOUT_MS = 20_000
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("critical", "serious")
ALL_RULES, BUT_CONTRAST, NO_AXE = "all rules", "all rules but color-contrast", None
AXE_OPTIONS = {
    ALL_RULES: {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    BUT_CONTRAST: {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"],
                   "rules": {"color-contrast": {"enabled": False}}},
}

# A session is one browser context (a width and a time zone) in which each page is loaded
# once, under one colour scheme, audited, then switched live to the other scheme (the
# reader's system preference changing: the theme and every chart redraw) and audited
# again. Pages alternate which scheme they load in, so at each width both the load path and
# the switch path run in both directions. axe's colour-contrast rule is most of its cost
# and colours do not depend on the width, so the phone views run every rule but that one.
# The two extra desktop sessions exist for the time-zone comparison (chart text is compared
# at one width) and open the chart pages only, in the light scheme.
# session: (viewport width, time zone, chart pages only, {scheme: (view, axe rules)})
SESSIONS = {
    "desktop": (1400, "UTC", False, {"light": ("light desktop", ALL_RULES), "dark": ("dark desktop", ALL_RULES)}),
    "phone": (390, "Asia/Tokyo", False, {"dark": ("dark phone", BUT_CONTRAST), "light": ("light phone", BUT_CONTRAST)}),
    "desktop in Los Angeles": (1400, "America/Los_Angeles", True, {"light": ("desktop in Los Angeles", NO_AXE)}),
    "desktop in Tokyo": (1400, "Asia/Tokyo", True, {"light": ("desktop in Tokyo", NO_AXE)}),
}
VIEWS = {view: (scheme, width, zone, rules) for width, zone, _, views in SESSIONS.values()
         for scheme, (view, rules) in views.items()}
TIME_ZONE_VIEWS = ["light desktop", "desktop in Los Angeles", "desktop in Tokyo"]
# The desktop session's pages stay open in this process for the interactive tests below
# (each in the scheme it was switched to last); the other sessions run at the same time in
# worker processes, one browser each.
KEPT_SESSION = "desktop"

# Measured in the page: sideways scrolling, charts wider than their column, the
# luminance of each chart's background, and the text each chart draws.
MEASURE = """() => {
  const luminance = (css) => {
    const m = css && css.match(/rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?/);
    if (!m || (m[4] !== undefined && Number(m[4]) === 0)) return null;
    const lin = (v) => { v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(+m[1]) + 0.7152 * lin(+m[2]) + 0.0722 * lin(+m[3]);
  };
  const root = document.documentElement;
  const charts = [...document.querySelectorAll('.chipbook-chart')].map((figure, i) => {
    const svg = figure.querySelector('svg.marks');
    const canvas = figure.querySelector('.chipbook-chart-canvas');
    const rect = svg ? svg.getBoundingClientRect() : {width: 0};
    const background = svg ? (luminance(getComputedStyle(svg).backgroundColor)
        ?? luminance(getComputedStyle(canvas).backgroundColor)) : null;
    return {index: i, title: (figure.getAttribute('aria-label') || '').slice(0, 60),
            width: rect.width, column: figure.clientWidth, scaled: canvas.dataset.chartScaled || null,
            background: background,
            text: svg ? [...svg.querySelectorAll('text')].map(t => t.textContent) : []};
  });
  const controls = [...document.querySelectorAll('.vega-bind input, .vega-bind select')];
  const offscreen = controls.filter(c => { const r = c.getBoundingClientRect();
    return r.right > root.clientWidth + 1 || r.left < -1; }).length;
  return {sideways: root.scrollWidth - root.clientWidth, charts: charts, controls: controls.length, offscreen: offscreen,
          theme: root.dataset.theme || ''};
}"""
# The chart standard's measurements, per chart (see the script's header). The numbers of
# titles are checked in one view: they do not depend on the width or the scheme.
CHART_MEASURES = (Path(__file__).parent / "chart_measures.js").read_text(encoding="utf-8")
NUMBERS_VIEW = "light desktop"
MIN_TEXT_PX, MIN_MARK_CONTRAST = 10, 3.0

# Every chart drawn (or failed) in the given theme: after a live switch, the page's script
# redraws each chart and marks it with the theme it was drawn in.
DRAWN_IN = ("theme => document.documentElement.dataset.theme === theme && "
            "[...document.querySelectorAll('.chipbook-chart-canvas')].every("
            "c => c.dataset.chartError || (c.dataset.chartDrawn && c.dataset.chartTheme === theme))")

# A page draws each chart as the reader nears it; this draws every chart of the page now
# and resolves when all are drawn (chipbook.js).
DRAW_ALL = "() => window.chipbookDrawAll ? window.chipbookDrawAll() : null"

# The theme eases some colours over a moment when the scheme switches; measure after.
TRANSITIONS_DONE = ("() => !document.getAnimations().some("
                    "a => a instanceof CSSTransition && a.playState === 'running')")


def chart_pages() -> list[str]:
    return [path for path in toc_pages() if "chipbook-chart-canvas" in (HTML / path).read_text(encoding="utf-8")]


def _wait(page, script, arg, what):
    try:
        page.wait_for_function(script, arg=arg, timeout=DRAW_TIMEOUT_MS)
    except PlaywrightTimeoutError:
        raise AssertionError(f"{what}: not done within {DRAW_TIMEOUT_MS} ms") from None


def _run_session(browser, base, report, session, keep_pages):
    width, zone, charts_only, views = SESSIONS[session]
    context = browser.new_context(viewport={"width": width, "height": 900}, timezone_id=zone)

    def route(request_route):
        if request_route.request.url.startswith(base):
            request_route.continue_()
        else:
            report["external"].append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    for view, _ in views.values():
        report["views"][view] = {}
    for index, page_path in enumerate(chart_pages() if charts_only else toc_pages()):
        schemes = list(views)[::-1] if index % 2 else list(views)
        page = context.new_page()
        page.emulate_media(color_scheme=schemes[0])
        errors = []
        page.on("pageerror", lambda error: errors.append(f"script error: {error}"))
        page.on("console", lambda message: errors.append(f"console error: {message.text}")
                if message.type == "error" else None)
        page.goto(base + page_path, wait_until="load")
        page.evaluate(DRAW_ALL)  # charts are drawn as a reader nears them: draw them all now
        expected = page.locator(".chipbook-chart-canvas").count()
        injected = False
        for scheme in schemes:
            view, rules = views[scheme]
            if scheme != schemes[0]:
                page.emulate_media(color_scheme=scheme)
            _wait(page, DRAWN_IN, scheme, f"{page_path} [{view}]: every chart drawn in the {scheme} theme")
            _wait(page, TRANSITIONS_DONE, None, f"{page_path} [{view}]: the theme's colour transitions")
            drawn = page.locator(".chipbook-chart-canvas[data-chart-drawn] svg.marks").count()
            measured = page.evaluate(MEASURE)
            if expected:
                measured["standard"] = page.evaluate(CHART_MEASURES, {"numbers": view == NUMBERS_VIEW})
            # Errors of the page itself, before axe-core runs: its own stylesheet fetches
            # (it resolves the theme's `@import "../basic.css"` from the page) are not the book's.
            page_errors = list(errors)
            violations = []
            if rules:
                if not injected:  # once per page: axe-core keeps no state between runs
                    page.add_script_tag(path=str(AXE_SCRIPT))
                    injected = True
                results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS[rules])
                violations = [(v["id"], v["impact"], node["target"]) for v in results["violations"]
                              if v["impact"] in FAILING_IMPACTS for node in v["nodes"]]
            errors.clear()  # the next view reports what the switch itself raised
            report["views"][view][page_path] = {"charts": expected, "drawn": drawn, "errors": page_errors,
                                                "measured": measured, "violations": violations}
        if keep_pages:
            report["kept"][page_path] = page
        else:
            page.close()


def _session_in_worker(base: str, session: str) -> dict:
    """One session, in its own process and browser; what it measured, without live pages."""
    report = {"views": {}, "external": [], "kept": {}}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        _run_session(browser, base, report, session, keep_pages=False)
        browser.close()
    return report


@pytest.fixture(scope="module")
def browser_report():
    require_build()
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        raise AssertionError(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) "
                             "or set CHROMIUM to a Chromium binary")
    if not AXE_SCRIPT.exists():
        raise AssertionError(f"no axe-core at {AXE_SCRIPT.relative_to(paths.ROOT)}: run `make test`, which "
                             "installs it with `npm ci` from package-lock.json")
    report = {"views": {}, "external": [], "kept": {}}
    others = [name for name in SESSIONS if name != KEPT_SESSION]
    with serve() as base, sync_playwright() as playwright, ProcessPoolExecutor(
            max_workers=min(len(others), os.cpu_count() or 1), mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_session_in_worker, base, name) for name in others]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        _run_session(browser, base, report, KEPT_SESSION, keep_pages=True)
        for future in futures:
            done = future.result()
            report["views"].update(done["views"])
            report["external"] += done["external"]
        report["views"] = {name: report["views"][name] for name in VIEWS}
        yield report
        browser.close()


def _per_page(report, view_names=None):
    for name, pages in report["views"].items():
        if view_names is None or name in view_names:
            for path, page in pages.items():
                yield name, path, page


def sideways_pages(report):
    return [f"{path} ({view}, {p['measured']['sideways']} px)" for view, path, p in _per_page(report)
            if p["measured"]["sideways"] > 0]


def offscreen_controls(report):
    return [f"{path} ({view}: {p['measured']['offscreen']} of {p['measured']['controls']})"
            for view, path, p in _per_page(report) if p["measured"]["offscreen"]]


def wide_charts(report):
    """Charts wider than their column: a chart that fits only by being scaled below the size
    that keeps its text at 10 px scrolls sideways in its frame instead, and counts here."""
    return [f"{path} chart {c['index'] + 1} ({view}: {c['width']:.0f} px in a {c['column']} px column)"
            for view, path, p in _per_page(report) for c in p["measured"]["charts"]
            if c["width"] > c["column"] + 1]


def scaled_charts(report):
    """Charts that still did not fit after re-layout and narrowing, and were scaled down
    (never below 10 px text: small_chart_text fails them otherwise)."""
    return [f"{path} chart {c['index'] + 1} ({view}, x{c['scaled']})" for view, path, p in _per_page(report)
            for c in p["measured"]["charts"] if c["scaled"]]


def _standard(report, view_names=None):
    """(view, page, chart measurement) for every chart drawn, from chart_measures.js."""
    for view, path, page in _per_page(report, view_names):
        for chart in page["measured"].get("standard", []):
            yield view, path, chart


def _name(path, chart, view=None):
    where = f", {view}" if view else ""
    return f"{path} chart {chart['index'] + 1} ({chart['layout']} layout{where}: {chart['title'][:50]!r})"


def small_chart_text(report, view_names=None):
    return [f"{_name(path, c, view)}: {c['text']} px {c['smallest']!r}" for view, path, c in _standard(report, view_names)
            if c["text"] is not None and c["text"] < MIN_TEXT_PX - 0.01]


def weak_marks(report, view_names=None):
    return [f"{_name(path, c, view)}: {c['contrast']}:1 [{c['weakest']}]" for view, path, c in _standard(report, view_names)
            if c["contrast"] is not None and c["contrast"] < MIN_MARK_CONTRAST]


def overlapping_marks(report):
    return [f"{_name(path, c, view)}: {c['overlaps']} pairs, first {c.get('overlapping', '')!r}" for view, path, c in _standard(report) if c["overlaps"]]


def colliding_text(report):
    """Chart views in which a text touches another text (a label, a tick label, a legend, the
    title) or is drawn over a point, bar, rule or line it does not label."""
    return [f"{_name(path, c, view)}: {c['collisions']} collisions, " + "; ".join(c["collided"])
            for view, path, c in _standard(report) if c.get("collisions")]


def cut_off(report):
    """Chart views in which a text or point reaches past the chart's or its plot's edge, or a
    text is cut short with an ellipsis."""
    return [f"{_name(path, c, view)}: {c['clipped']} cut off, " + "; ".join(c["cut"])
            for view, path, c in _standard(report) if c.get("clipped")]


def stray_marks(report):
    """Chart views in which a point is drawn nearer another row's (or column's) label than its own."""
    return [f"{_name(path, c, view)}: {c['misplaced']} points outside their row, " + "; ".join(c["strays"])
            for view, path, c in _standard(report) if c.get("misplaced")]


def unexplained_numbers(report):
    return [f"{_name(path, c)}: {', '.join(c['unexplained'])}" for _, path, c in _standard(report, [NUMBERS_VIEW])
            if c["unexplained"]]


def _charts_failing(report, check) -> int:
    """How many charts (not chart views) fail a check over the views it looks at."""
    return len({(path, c["index"]) for view, path, c in _standard(report) if check(view, c)})


def chart_standard_summary(report) -> str:
    phone = [c for _, _, c in _standard(report, ["light phone", "dark phone"]) if c["text"] is not None]
    schemes = {scheme: [c["contrast"] for view, _, c in _standard(report) if VIEWS[view][0] == scheme
                        and c["contrast"] is not None] for scheme in ("light", "dark")}
    titled = [c for _, _, c in _standard(report, [NUMBERS_VIEW])]
    narrow = sum(c["layout"] == "narrow" for c in phone) // 2
    small = _charts_failing(report, lambda v, c: c["text"] is not None and c["text"] < MIN_TEXT_PX - 0.01)
    weak = _charts_failing(report, lambda v, c: c["contrast"] is not None and c["contrast"] < MIN_MARK_CONTRAST)
    hidden = _charts_failing(report, lambda v, c: c["overlaps"])
    colliding = _charts_failing(report, lambda v, c: c.get("collisions"))
    cut = _charts_failing(report, lambda v, c: c.get("clipped"))
    stray = _charts_failing(report, lambda v, c: c.get("misplaced"))
    return (f"chart standard: smallest chart text at 390 px {min((c['text'] for c in phone), default=0):.1f} px "
            f"(charts under {MIN_TEXT_PX} px in any view {small}; {narrow} of {len(phone) // 2} drawn in their narrow "
            "layout); weakest mark or legend symbol "
            + ", ".join(f"{scheme} {min(values, default=0):.2f}:1" for scheme, values in schemes.items())
            + f" (charts under {MIN_MARK_CONTRAST:g}:1 {weak}); charts with overlapping marks {hidden}, colliding text {colliding}, "
            f"text or points cut off {cut}, points outside their row {stray}; "
            f"titles computed from the drawn data {len(titled) - len(unexplained_numbers(report))} of {len(titled)}")


def light_boxes(report):
    return [f"{path} chart {c['index'] + 1} ({view}, background luminance {c['background']:.2f})"
            for view, path, p in _per_page(report, [v for v in VIEWS if VIEWS[v][0] == "dark"])
            for c in p["measured"]["charts"] if c["background"] is not None and c["background"] > 0.2]


def time_zone_differences(report):
    base = report["views"][TIME_ZONE_VIEWS[0]]
    differences = []
    for view in TIME_ZONE_VIEWS[1:]:
        for path, page in report["views"][view].items():
            for mine, theirs in zip(page["measured"]["charts"], base[path]["measured"]["charts"]):
                if mine["text"] != theirs["text"]:
                    changed = [(a, b) for a, b in zip(theirs["text"], mine["text"]) if a != b][:3]
                    differences.append(f"{path} chart {mine['index'] + 1}: {VIEWS[view][2]} draws {changed or mine['text'][:3]} "
                                       f"where {VIEWS[TIME_ZONE_VIEWS[0]][2]} draws otherwise")
    return differences


def serious_violations(report):
    return [f"{rule} ({impact}) on {path} [{view}] at {' '.join(map(str, target))}"
            for view, path, p in _per_page(report) for rule, impact, target in p["violations"]]


def test_browser_opened_every_page(browser_report, request):
    views = browser_report["views"]
    pages = views["light desktop"]
    assert set(pages) == set(toc_pages())
    charts = sum(p["charts"] for p in pages.values())
    drawn = sum(p["drawn"] for p in pages.values())
    errors = sum(len(p["errors"]) for _, _, p in _per_page(browser_report))
    serious = {name: sum(len(p["violations"]) for _, _, p in _per_page(browser_report, [name]))
               for name in VIEWS if VIEWS[name][3]}
    request.config.stash.setdefault(BROWSER_SUMMARY, []).append(
        f"browser check: pages opened {len(pages)}, charts drawn {drawn} of {charts}, "
        f"external requests {len(browser_report['external'])}, script errors {errors}; "
        "axe serious+critical nodes " + ", ".join(f"{name} {n}" for name, n in serious.items()) + "; "
        f"pages scrolling sideways {len(sideways_pages(browser_report))}, "
        f"chart controls off screen {sum(p['measured']['offscreen'] for _, _, p in _per_page(browser_report))}, "
        f"charts wider than their column {len(wide_charts(browser_report))} "
        f"({len(scaled_charts(browser_report))} fitted by scaling the drawing), "
        f"light chart boxes in dark mode {len(light_boxes(browser_report))}, "
        f"time-zone differences {len(time_zone_differences(browser_report))}")
    request.config.stash[BROWSER_SUMMARY].append(chart_standard_summary(browser_report))
    assert charts >= 4


def test_every_chart_drew(browser_report):
    failed = {f"{path} [{view}]": f"{p['drawn']} of {p['charts']}" for view, path, p in _per_page(browser_report)
              if p["drawn"] != p["charts"]}
    assert not failed, f"charts that did not draw (drawn of expected): {failed}"


def test_no_request_left_the_book(browser_report):
    assert browser_report["external"] == []


def test_no_script_or_console_errors(browser_report):
    errors = {f"{path} [{view}]": p["errors"] for view, path, p in _per_page(browser_report) if p["errors"]}
    assert not errors, f"pages with errors: {errors}"


def test_dark_preference_gives_a_dark_page(browser_report):
    themes = {view: {p["measured"]["theme"] for p in browser_report["views"][view].values()} for view in VIEWS}
    assert themes == {view: {VIEWS[view][0]} for view in VIEWS}, themes


def test_axe_finds_nothing_critical_or_serious(browser_report):
    found = serious_violations(browser_report)
    assert not found, f"{len(found)} critical or serious axe-core findings:\n" + "\n".join(found[:60])


def test_no_page_scrolls_sideways(browser_report):
    assert not sideways_pages(browser_report)


def test_every_chart_fits_its_column(browser_report):
    found = wide_charts(browser_report)
    assert not found, "charts wider than their column (re-lay them out for a narrow column):\n" + "\n".join(found)


def test_no_chart_text_under_10_px(browser_report):
    found = small_chart_text(browser_report)
    assert not found, f"{len(found)} chart views with text under {MIN_TEXT_PX} px as shown:\n" + "\n".join(found[:40])


def test_every_mark_and_legend_symbol_stands_out_in_both_schemes(browser_report):
    found = weak_marks(browser_report)
    assert not found, (f"{len(found)} chart views with a mark or legend symbol under {MIN_MARK_CONTRAST:g}:1 against "
                       "the page (fix the colour, give it an outline, or mark shading as charts.backdrop):\n"
                       + "\n".join(found[:40]))


def test_no_mark_hides_another(browser_report):
    found = overlapping_marks(browser_report)
    assert not found, "charts in which one point or label covers half of another (dodge, offset or label them):\n" + "\n".join(found)


def test_no_chart_text_collides_with_text_or_marks(browser_report):
    found = colliding_text(browser_report)
    assert not found, ("charts in which a text touches another text or is drawn over a mark it does not label (move, "
                       "wrap or drop the label, dodge the marks, use fewer ticks):\n" + "\n".join(found))


def test_no_chart_text_or_point_is_cut_off(browser_report):
    found = cut_off(browser_report)
    assert not found, ("charts in which a text or point reaches past the edge of the chart or its plot, or a label is cut "
                       "short with an ellipsis (wrap the label or give it its own line):\n" + "\n".join(found))


def test_every_point_stays_in_its_row(browser_report):
    found = stray_marks(browser_report)
    assert not found, ("charts in which a point is drawn in another row or column than its own (keep an offset inside "
                       "the row's band):\n" + "\n".join(found))


def test_chart_titles_state_what_the_chart_draws(browser_report):
    found = unexplained_numbers(browser_report)
    assert not found, ("numbers in chart titles or text alternatives that the drawn data cannot produce (compute them "
                       "from the frame the chart draws, and draw what they are computed from):\n" + "\n".join(found))


def test_every_slider_and_checkbox_is_on_screen(browser_report):
    assert not offscreen_controls(browser_report)


def test_no_light_chart_box_in_dark_mode(browser_report):
    assert not light_boxes(browser_report)


def test_charts_draw_the_same_text_in_every_time_zone(browser_report):
    assert not time_zone_differences(browser_report)


def test_claims_table_filters_by_verdict(browser_report):
    page = browser_report["kept"]["chapters/01-claims-at-a-glance.html"]
    claims = ledger.claims()
    verdict = claims["verdict"].value_counts().index[-1]  # the rarest verdict
    page.select_option('select[data-filter-column="2"]', verdict)
    visible = page.locator("#all-claims tbody tr:not([hidden])").count()
    assert visible == int((claims["verdict"] == verdict).sum())
    page.select_option('select[data-filter-column="0"]', "A2")
    both = page.locator("#all-claims tbody tr:not([hidden])").count()
    assert both == int(((claims["verdict"] == verdict) & (claims["article"] == "A2")).sum())


def test_moving_a_slider_updates_the_chart_description(browser_report):
    page = browser_report["kept"]["chapters/02-inference-economics.html"]
    figure = page.locator("figure.chipbook-chart", has=page.locator("input[type=range]")).first
    name = figure.locator(".vega-bind-name").first.text_content().strip()
    before = figure.get_attribute("aria-label")
    assert f"Currently: {name} = " in before
    figure.locator("input[type=range]").first.fill("400")
    page.wait_for_function("figure => figure.getAttribute('aria-label').includes(' = 400')", arg=figure.element_handle())
    after = figure.get_attribute("aria-label")
    assert f"{name} = 400" in after and after.startswith(before.split(" Currently:")[0])


# --- The chart measures themselves: each fault they look for, on a chart drawn to have it ---

def _fixture_charts():
    """(name, chart) pairs: one chart per fault the measures look for, and one without any."""
    import altair as alt
    import pandas as pd

    from chipbook import charts

    charts.enable()

    def done(chart, name):
        return charts.finish(chart, title=f"{name} chart", subtitle="Units, date.", source="Fixture",
                             description=f"{name} chart.")

    points = pd.DataFrame({"x": [1.0, 2.0], "y": [1.0, 1.0], "name": ["first", "second"]})
    rows = pd.DataFrame({"row": ["a", "b", "c"], "x": [1.0, 2.0, 3.0], "shift": [44.0, 0.0, 0.0]})
    x = alt.X("x:Q", scale=alt.Scale(domain=[0, 3]))
    return [
        # Two labels on one spot.
        ("touching", done(alt.Chart(points).mark_text(fontSize=12).encode(x=x, y=alt.value(20), text="name:N")
                          + alt.Chart(points).mark_text(fontSize=12, dy=3).encode(x=x, y=alt.value(20), text="name:N"),
                          "touching").properties(width=200, height=60)),
        # The first point's name pushed onto the second point.
        ("over a mark", done(alt.layer(
            alt.Chart(points).mark_point(filled=True, size=200).encode(x=x, y=alt.Y("y:Q")),
            alt.Chart(points.head(1)).mark_text(dx=67, fontSize=12).encode(x=x, y=alt.Y("y:Q"), text="name:N")),
            "over a mark").properties(width=200, height=80)),
        # A row name cut short by a label limit.
        ("cut short", done(alt.Chart(rows.assign(row=rows["row"] + " with a very long name indeed")).mark_bar().encode(
            x=x, y=alt.Y("row:N", axis=alt.Axis(labelLimit=60))), "cut short").properties(width=200)),
        # Row a's point pushed two rows down.
        ("stray", done(alt.Chart(rows).mark_point(filled=True, yOffset=alt.ExprRef("datum.shift")).encode(
            x=x, y=alt.Y("row:N")), "stray").properties(width=200, height=alt.Step(20))),
        ("clean", done(alt.Chart(rows).mark_bar().encode(x=x, y=alt.Y("row:N"))
                       + alt.Chart(rows).mark_text(align="left", dx=4).encode(x=x, y=alt.Y("row:N"), text="row:N"),
                       "clean").properties(width=200, height=alt.Step(20))),
    ]


def _measure_fixtures_in_worker(folder: str) -> list[dict]:
    """The chart measures of every chart on the fixture page served from `folder`."""
    with serve(Path(folder)) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        view = browser.new_page(viewport={"width": 1400, "height": 900})
        view.goto(base + "chapters/fixture.html", wait_until="load")
        view.evaluate(DRAW_ALL)
        _wait(view, DRAWN_IN, "light", "the fixture charts")
        measured = view.evaluate(CHART_MEASURES, {"numbers": False})
        browser.close()
    return measured


def test_the_chart_measures_find_each_fault_they_look_for(tmp_path):
    require_build()
    from chipbook import charts

    fixtures = _fixture_charts()
    page = (HTML / "chapters" / "03-interconnect.html").read_text(encoding="utf-8")
    start = page.index('<article class="bd-article">') + len('<article class="bd-article">')
    body = "".join(charts.offline_renderer(chart.to_dict())["text/html"] for _, chart in fixtures)
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "fixture.html").write_text(
        page[:start] + body + page[page.index("</article>", start):], encoding="utf-8")
    (tmp_path / "_static").symlink_to(HTML / "_static", target_is_directory=True)
    # In a worker process of its own: this process may hold the browser check's Playwright session.
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        drawn = pool.submit(_measure_fixtures_in_worker, str(tmp_path)).result()
    measured = {name: m for (name, _), m in zip(fixtures, drawn)}
    assert measured["touching"]["collisions"] and "touches" in measured["touching"]["collided"][0]
    assert any('label "first" is drawn over point' in line for line in measured["over a mark"]["collided"])
    assert any("is cut short of" in line for line in measured["cut short"]["cut"])
    assert any('is drawn in the row of "c", not of "a"' in line for line in measured["stray"]["strays"])
    clean = measured["clean"]
    assert (clean["collisions"], clean["clipped"], clean["misplaced"]) == (0, 0, 0), clean


# --- Navigation (issue 25): one search control, sidebar toggles that work, every chapter
# reachable from any page on a phone. Its own small browser session: three kinds of page.
NAV_PAGES = ["intro.html", "chapters/02-inference-economics.html", "chapters/bibliography.html",
             "chapters/data-appendix.html"]
# Pages long enough that a reader needs their contents (the header's "On this page" button).
LONG_PAGES = ["chapters/02-inference-economics.html", "chapters/bibliography.html", "chapters/data-appendix.html"]
# Controls a reader sees, with their count and the toc pages linked from what is visible.
NAV_STATE = """() => {
  const shown = (el) => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && r.right > 0 && r.left < innerWidth; };
  const pick = (selector) => [...document.querySelectorAll(selector)].filter(shown);
  return {
    search: pick('.search-button, .search-button-field, form.bd-search:not(#pst-search-dialog form)').length,
    toggles: pick('button.primary-toggle').length,
    links: [...new Set(pick('.bd-sidebar-primary a[href], #pst-primary-sidebar-modal a[href]').map(a => a.href))],
  };
}"""


def _toc_urls(base):
    return {base + page for page in toc_pages()}


def _reachable(state, base):
    return {link.split("#")[0] for link in state["links"]} & _toc_urls(base)


def _navigation_in_worker(base: str) -> dict:
    """Opens NAV_PAGES at both widths in a browser of its own (a worker process: the browser
    check's session may hold this process's Playwright); raises AssertionError on a fault.
    Returns how many toc pages each view reached."""
    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        for width in (390, 1400):
            context = browser.new_context(viewport={"width": width, "height": 900})
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
            for path in NAV_PAGES:
                page = context.new_page()
                page.goto(base + path, wait_until="load")
                before = page.evaluate(NAV_STATE)
                assert before["search"] == 1, f"{path} at {width} px shows {before['search']} search controls"
                assert before["toggles"] == 1, f"{path} at {width} px shows {before['toggles']} sidebar toggles"
                page.locator("button.primary-toggle").first.click()
                page.wait_for_timeout(400)  # the theme's transition
                after = page.evaluate(NAV_STATE)
                if width < 992:  # a phone: the toggle opens the table of contents as a dialog
                    assert page.evaluate("() => document.getElementById('pst-primary-sidebar-modal').open"), path
                    reached = _reachable(after, base)
                    page.keyboard.press("Escape")
                    page.wait_for_timeout(200)
                    assert not page.evaluate("() => document.getElementById('pst-primary-sidebar-modal').open"), path
                    contents = page.locator("button.secondary-toggle:visible")
                    assert contents.count() or path not in LONG_PAGES, f"{path}: a long page with no page contents"
                    if contents.count():  # a page with sections: its contents open the same way
                        contents.first.click()
                        page.wait_for_timeout(400)
                        assert page.evaluate("() => { const d = document.getElementById('pst-secondary-sidebar-modal');"
                                             " return d.open && d.querySelectorAll('a[href^=\"#\"]').length > 0; }"), path
                        page.keyboard.press("Escape")
                else:  # a desktop: the sidebar is shown, and the toggle hides it and shows it again
                    reached = _reachable(before, base)
                    assert not _reachable(after, base), f"{path}: the toggle did not hide the sidebar"
                    page.locator("button.primary-toggle").first.click()
                    page.wait_for_timeout(400)
                    assert _reachable(page.evaluate(NAV_STATE), base) == reached, f"{path}: the sidebar did not return"
                found[(width, path)] = len(reached)
                missing = sorted(_toc_urls(base) - reached)
                assert not missing, f"{path} at {width} px: toc pages not reachable from the navigation: {missing}"
                page.close()
            context.close()
        browser.close()
    return found


def test_navigation_opens_on_a_phone_and_reaches_every_chapter(request):
    require_build()
    with serve() as base, ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        found = pool.submit(_navigation_in_worker, base).result()
    request.config.stash.setdefault(BROWSER_SUMMARY, []).append(
        "navigation: search controls 1 per view; toc pages reachable " + ", ".join(
            f"{path.rsplit('/', 1)[-1]} at {width} px {n} of {len(toc_pages())}" for (width, path), n in found.items()))


# --- A phone reader (the phone review of 2026-12-04): chart controls big enough to touch,
# tooltips that a tap opens inside the screen in the page's colours, wide tables that keep
# their first column in view, and charts that take their reserved height when drawn.
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "color_scheme": "dark"}
PHONE_PAGES = ["chapters/02-inference-economics.html", "chapters/03-interconnect.html",
               "chapters/05-capital-structure.html"]
MIN_TARGET_PX = 24  # WCAG 2.5.8, target size (minimum)
CONTROL_SIZES = """() => [...document.querySelectorAll('.vega-bind input, .vega-bind select')].map(c => {
  const r = c.getBoundingClientRect(), column = c.closest('figure').getBoundingClientRect();
  return {name: (c.closest('label') || c).textContent.trim().slice(0, 40), type: c.type, width: r.width,
          height: r.height, inside: r.left >= column.left - 1 && r.right <= column.right + 1};
})"""
# The tooltip as shown: its box against the screen, its ground's luminance against the page's.
TOOLTIP_STATE = """() => {
  const tip = document.getElementById('vg-tooltip-element');
  if (!tip || !tip.classList.contains('visible')) return null;
  const lum = (css) => { const m = css.match(/[\\d.]+/g).map(Number);
    const lin = (v) => { v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(m[0]) + 0.7152 * lin(m[1]) + 0.0722 * lin(m[2]); };
  const r = tip.getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: innerWidth, height: innerHeight,
          ground: lum(getComputedStyle(tip).backgroundColor), ink: lum(getComputedStyle(tip).color),
          page: lum(getComputedStyle(document.body).backgroundColor)};
}"""
# The first scrolling table of the page, scrolled sideways: where the first cell of its
# first body row and its caption stand, and that cell's ground.
STICKY_STATE = """() => {
  const box = [...document.querySelectorAll('.chipbook-scrolls')].find(b => b.querySelector('table tbody tr'));
  if (!box) return null;
  const first = box.querySelector('table tbody tr').cells[0];
  const before = first.getBoundingClientRect().left - box.getBoundingClientRect().left;
  box.scrollLeft = 200;
  const after = first.getBoundingClientRect().left - box.getBoundingClientRect().left;
  const ground = getComputedStyle(first).backgroundColor;
  const caption = box.querySelector('caption');
  const captionLeft = caption ? caption.getBoundingClientRect().left - box.getBoundingClientRect().left : 0;
  box.scrollLeft = 0;
  return {before: before, after: after, scrolled: box.scrollWidth > box.clientWidth,
          opaque: !/rgba\\(.*,\\s*0(\\.\\d+)?\\)$/.test(ground) && ground !== 'transparent',
          captionLeft: captionLeft};
}"""
# Layout shifts while the reader jumps down the page and every chart draws.
JUMP_SHIFT = """async () => {
  let total = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
    .observe({type: 'layout-shift', buffered: false});
  const undrawn = [...document.querySelectorAll('.chipbook-chart-canvas:not([data-chart-drawn])')];
  const reserved = undrawn.filter(c => c.offsetHeight > 100).length;
  // Down the page a screen at a time, faster than the charts draw (a flick, a scrollbar drag).
  for (let y = 0; y < document.documentElement.scrollHeight; y += 700) {
    window.scrollTo(0, y);
    await new Promise(r => setTimeout(r, 60));
  }
  await window.chipbookDrawAll();
  await new Promise(r => setTimeout(r, 300));
  return {cls: total, undrawn: undrawn.length, reserved: reserved};
}"""
MAX_JUMP_CLS = 0.1  # "good" cumulative layout shift (web.dev)


def _phone_in_worker(base: str) -> dict:
    """Each of PHONE_PAGES on a dark 390 px touch screen; returns what it measured."""
    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        context = browser.new_context(**PHONE)
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
        for path in PHONE_PAGES:
            page = context.new_page()
            page.goto(base + path, wait_until="load")
            page.wait_for_timeout(300)
            shift = page.evaluate(JUMP_SHIFT)
            page.evaluate("() => window.scrollTo(0, 0)")
            page.evaluate(DRAW_ALL)
            controls = page.evaluate(CONTROL_SIZES)
            sticky = page.evaluate(STICKY_STATE)
            tooltip = None
            marks = page.locator(".chipbook-chart-canvas svg.marks [role=graphics-symbol]")
            for i in range(min(marks.count(), 40)):
                mark = marks.nth(i)
                mark.scroll_into_view_if_needed()
                box = mark.bounding_box()
                if not box or box["width"] < 2 or box["height"] < 2:
                    continue
                page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.wait_for_timeout(150)
                tooltip = page.evaluate(TOOLTIP_STATE)
                if tooltip:
                    break
            found[path] = {"shift": shift, "controls": controls, "sticky": sticky, "tooltip": tooltip}
            page.close()
        browser.close()
    return found


@pytest.fixture(scope="module")
def phone_report():
    require_build()
    with serve() as base, ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_phone_in_worker, base).result()


def test_every_chart_control_is_big_enough_to_touch_and_inside_its_column(phone_report):
    small = [f"{path}: {c['type']} {c['name']!r} {c['width']:.0f}x{c['height']:.0f} px"
             for path, found in phone_report.items() for c in found["controls"]
             if c["width"] < MIN_TARGET_PX or c["height"] < MIN_TARGET_PX]
    outside = [f"{path}: {c['type']} {c['name']!r}" for path, found in phone_report.items()
               for c in found["controls"] if not c["inside"]]
    assert any(found["controls"] for found in phone_report.values()), "no chart control found on the phone pages"
    assert not small, f"chart controls under {MIN_TARGET_PX} x {MIN_TARGET_PX} px:\n" + "\n".join(small)
    assert not outside, "chart controls wider than their column:\n" + "\n".join(outside)


def test_a_tap_opens_a_tooltip_inside_the_screen_in_the_dark_scheme(phone_report):
    for path, found in phone_report.items():
        tip = found["tooltip"]
        assert tip, f"{path}: tapping a chart's marks opened no tooltip"
        assert tip["left"] >= 0 and tip["right"] <= tip["width"] and tip["top"] >= 0 and tip["bottom"] <= tip["height"], (
            f"{path}: the tooltip is not inside the screen: {tip}")
        assert tip["ground"] < 0.2 and tip["ink"] > 0.4, f"{path}: a light tooltip on a dark page: {tip}"


def test_wide_tables_keep_their_first_column_in_view(phone_report):
    checked = 0
    for path, found in phone_report.items():
        sticky = found["sticky"]
        if not sticky or not sticky["scrolled"]:
            continue
        checked += 1
        assert abs(sticky["after"] - sticky["before"]) < 2, f"{path}: the first column scrolled away: {sticky}"
        assert sticky["opaque"], f"{path}: the first column's ground is see-through: {sticky}"
        assert sticky["captionLeft"] > -2, f"{path}: the caption scrolled away: {sticky}"
    assert checked, "no table scrolling sideways on the phone pages"


def test_drawing_a_chart_moves_no_text_when_the_reader_jumps(phone_report):
    for path, found in phone_report.items():
        shift = found["shift"]
        assert shift["reserved"] == shift["undrawn"], f"{path}: charts with no reserved height: {shift}"
        assert shift["cls"] < MAX_JUMP_CLS, f"{path}: layout shift {shift['cls']:.3f} while charts drew: {shift}"
