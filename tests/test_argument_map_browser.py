"""The argument maps of the built verdict page, in headless Chromium with the network cut
off (Debian's /usr/bin/chromium, as tests/test_browser.py): the keyboard reaches every
claim and focus lights the path up to the conclusions; a tap does the same on a phone;
changing a verdict updates exactly the conclusions whose weakest links Python says change;
and at 390 px, in light and dark, no text is under 10 px, nothing leaves the screen, links
and markers reach 3:1 against the page, and axe-core finds nothing serious in the maps."""

from __future__ import annotations

import os

import networkx as nx
import pytest
from playwright.sync_api import sync_playwright

from chipbook import argument_map, paths
from chipbook.vocabulary import VERDICTS
from site_pages import require_build, serve

pytestmark = [pytest.mark.site, pytest.mark.browser]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_SCRIPT = paths.ROOT / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]
PAGE = "chapters/08-verdict.html"
ARTICLE = "A1"  # the larger map
TARGETS = "#argmap-a1 .argmap-tree :is(summary, a.argmap-row)"

# Measured in the page: the smallest text, anything wider than the screen, and the contrast
# of the links and markers against the background the map is drawn on.
MEASURE = """() => {
  const rgb = (css) => { const m = css.match(/rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?/);
    return m && (m[4] === undefined || Number(m[4]) > 0) ? [+m[1], +m[2], +m[3]] : null; };
  const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const contrast = (a, b) => { const [lo, hi] = [lum(a), lum(b)].sort((x, y) => x - y); return (hi + 0.05) / (lo + 0.05); };
  const backgroundOf = (el) => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
    if (c) return c; } return [255, 255, 255]; };
  const width = document.documentElement.clientWidth;
  const out = {sideways: document.documentElement.scrollWidth - width, smallest: 99, small: [], offscreen: [],
               links: [], marks: []};
  for (const figure of document.querySelectorAll('figure.argmap')) {
    const page = backgroundOf(figure);
    for (const el of figure.querySelectorAll('*')) {
      const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
      const box = el.getBoundingClientRect();
      if (!box.width) continue;
      if (text) { const size = parseFloat(getComputedStyle(el).fontSize);
        if (size < out.smallest) out.smallest = size;
        if (size < 10) out.small.push(el.textContent.slice(0, 40) + ' ' + size); }
      if (box.right > width + 1 || box.left < -1) out.offscreen.push(el.tagName + ' ' + el.className + ' ' + Math.round(box.right));
    }
    for (const item of figure.querySelectorAll('.argmap-branch > .argmap-item')) {
      for (const side of ['borderLeftColor', 'borderBottomColor']) {
        const c = rgb(getComputedStyle(item, '::before')[side]);
        out.links.push(c ? contrast(c, page) : 0);
      }
    }
    for (const mark of figure.querySelectorAll('.argmap-mark')) {
      const c = rgb(getComputedStyle(mark).backgroundColor);
      out.marks.push(c ? contrast(c, page) : 0);
    }
  }
  return out;
}"""
LIT = """() => [...document.querySelectorAll('#argmap-a1 .argmap-item')].map((li, row) => [row, li.dataset.claim,
  li.classList.contains('is-lit'), li.classList.contains('is-origin')])"""
WEAKEST = """() => [...document.querySelectorAll('#argmap-a1 .argmap-weakest li')].map(li => ({
  conclusion: li.dataset.conclusion, changed: li.classList.contains('is-changed'),
  holding: li.querySelector('.argmap-holding').textContent,
  weakest: [...li.querySelectorAll('.argmap-weakest-links a')].map(a => a.textContent),
  verdict: (li.querySelector('.argmap-weakest-links .chipbook-verdict') || {}).textContent || null}))"""


@pytest.fixture(scope="module")
def browser():
    require_build()
    if not os.path.exists(CHROMIUM):
        raise AssertionError(f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium)")
    with serve() as base, sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield base, launched
        launched.close()


def _open(browser, width: int, scheme: str, touch: bool = False):
    base, launched = browser
    context = launched.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme, has_touch=touch)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base + PAGE, wait_until="load")
    page.wait_for_function("() => document.querySelectorAll('figure.argmap.is-interactive').length === 2")
    page.wait_for_function("theme => document.documentElement.dataset.theme === theme", arg=scheme)
    return context, page, errors


def _expected_lit(g: nx.DiGraph, rows, claim: str) -> list[tuple[int, bool]]:
    """The rows the path from `claim` lights (see assets/argmap/argmap.js, `light`): rows of the claim
    and of every claim resting on it through links of any kind, whose parent is on the path."""
    above = nx.descendants(g, claim)
    return [(r.row, r.claim_id == claim) for r in rows.itertuples()
            if (r.claim_id == claim or r.claim_id in above) and (r.parent is None or r.parent in above)]


def test_every_claim_is_reached_by_keyboard_and_focus_lights_its_path(browser):
    context, page, errors = _open(browser, 1400, "light")
    g = argument_map.graph(ARTICLE)
    rows = argument_map.outline(g)
    weight = argument_map.weights(g)["weight"]
    claim = weight.idxmax()  # the claim most others rest on
    target = int(rows[(rows["claim_id"] == claim) & ~rows["repeat"]]["row"].iloc[0])
    page.locator(TARGETS).first.focus()
    assert page.eval_on_selector_all(TARGETS, "ts => ts.filter(t => t.tabIndex === 0).length") == 1, "one tab stop"
    for _ in range(target):
        page.keyboard.press("ArrowDown")
    focused = page.evaluate("() => document.activeElement.closest('.argmap-item').dataset.claim")
    assert focused == claim
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineWidth")
    assert float(outline.replace("px", "")) >= 2, "the focused claim shows its focus"
    lit = [(row, origin) for row, _, is_lit, origin in page.evaluate(LIT) if is_lit]
    assert lit == _expected_lit(g, rows, claim)
    # Every row is reachable: End reaches the last, Home the first; ← climbs to the claim above.
    page.keyboard.press("End")
    assert page.evaluate("() => document.activeElement.closest('.argmap-item').dataset.claim") == rows["claim_id"].iloc[-1]
    page.keyboard.press("Home")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("() => document.activeElement.closest('.argmap-item').dataset.claim") == rows["claim_id"].iloc[0]
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => document.activeElement.closest('.argmap-item').dataset.claim") == rows["claim_id"].iloc[1]
    assert not errors
    context.close()


def _a_telling_change(g: nx.DiGraph) -> tuple[str, str, set[str]]:
    """A claim and a verdict for it that move the weakest link or the counts of claims that
    hold up of some conclusions and not of others (the first such in id order), and the
    conclusions that move."""
    book = argument_map.weakest_links(g).set_index("conclusion")
    ends = set(book.index)
    shown = ["weakest", "weakest_verdict", "holds_up", "holds_in_part"]
    for claim in sorted(g):
        for verdict in VERDICTS:
            now = argument_map.weakest_links(g, {claim: verdict}).set_index("conclusion")
            moved = {e for e in ends if [now.at[e, c] for c in shown] != [book.at[e, c] for c in shown]}
            if moved and moved != ends:
                return claim, verdict, moved
    raise AssertionError("no single change moves some conclusions' weakest links and not others")


def test_changing_a_verdict_updates_the_conclusions_whose_weakest_links_change(browser):
    context, page, errors = _open(browser, 1400, "dark")
    g = argument_map.graph(ARTICLE)
    claim, verdict, moved = _a_telling_change(g)
    page.locator(f"#{argument_map.row_id(claim)} > details > summary").click()
    menu = page.locator(f'#argmap-a1 select[data-claim="{claim}"]')
    menu.select_option(verdict)
    shown = page.evaluate(WEAKEST)
    expected = argument_map.weakest_links(g, {claim: verdict})
    assert [(s["conclusion"], s["weakest"], s["verdict"], s["holding"]) for s in shown] == [
        (r.conclusion, list(r.weakest), r.weakest_verdict, argument_map._holding_html(r)) for r in expected.itertuples()]
    assert {s["conclusion"] for s in shown if s["changed"]} == moved
    status = page.locator("#argmap-a1 .argmap-status").text_content()
    assert all(end in status for end in moved)
    rows = page.locator(f'#argmap-a1 .argmap-item[data-claim="{claim}"] > .argmap-row .chipbook-verdict')
    assert set(rows.all_text_contents()) == {verdict}, "every row of the claim shows the reader's verdict"
    page.locator("#argmap-a1 .argmap-reset").click()
    restored = page.evaluate(WEAKEST)
    book = argument_map.weakest_links(g)
    assert [(s["conclusion"], s["weakest"], s["verdict"], s["changed"]) for s in restored] == [
        (r.conclusion, list(r.weakest), r.weakest_verdict, False) for r in book.itertuples()]
    assert not errors
    context.close()


def test_a_tap_lights_the_path_and_opens_the_claim_on_a_phone(browser):
    context, page, errors = _open(browser, 390, "light", touch=True)
    g = argument_map.graph(ARTICLE)
    rows = argument_map.outline(g)
    claim = argument_map.weights(g)["weight"].idxmax()
    summary = page.locator(f"#{argument_map.row_id(claim)} > details > summary")
    summary.scroll_into_view_if_needed()
    summary.tap()
    assert page.locator(f"#{argument_map.row_id(claim)} > details").get_attribute("open") is not None
    lit = [(row, origin) for row, _, is_lit, origin in page.evaluate(LIT) if is_lit]
    assert lit == _expected_lit(g, rows, claim)
    panel = page.locator(f"#{argument_map.row_id(claim)} > details > .argmap-detail").bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 390, "the claim's panel stays on the screen"
    assert not errors
    context.close()


@pytest.mark.parametrize("width", [390, 1400])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_maps_read_at_every_width_and_in_both_schemes(browser, width, scheme):
    context, page, errors = _open(browser, width, scheme)
    # Open one claim and light a path, so the panel, the verdict menu and the lit links are measured too.
    page.locator(TARGETS).nth(3).click()
    measured = page.evaluate(MEASURE)
    assert measured["sideways"] <= 0, f"the page scrolls sideways by {measured['sideways']} px"
    assert measured["smallest"] >= 10 and not measured["small"], measured["small"][:5]
    assert not measured["offscreen"], measured["offscreen"][:5]
    assert min(measured["links"]) >= 3, f"a link at {min(measured['links']):.2f}:1 against the page"
    assert min(measured["marks"]) >= 3, f"a marker at {min(measured['marks']):.2f}:1 against the page"
    page.add_script_tag(path=str(AXE_SCRIPT))
    results = page.evaluate("() => axe.run({include: [['figure.argmap']]}, {runOnly: {type: 'tag', values: "
                            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})")
    serious = [(v["id"], n["target"]) for v in results["violations"] if v["impact"] in ("serious", "critical")
               for n in v["nodes"]]
    assert not serious, serious[:10]
    assert not errors
    context.close()
