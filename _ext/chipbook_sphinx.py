"""Sphinx hooks for the book (loaded through `sphinx.local_extensions` in _config.yml).

1. Writes `vendor/vega-bundle.js` (in _build/generated-static) from the pinned vl-convert-python, so the
   charts need no CDN. The bundle declares top-level `const`s (one is `_`, which Sphinx's
   own doctools.js also declares), so it is wrapped in a function scope and only
   `window.vegaEmbed`, `window.vega` and `window.vegaLite` escape.
2. Tunes each page's assets for a phone on a slow network (`tune_page_assets`): the vega
   bundle only on pages with a chart, fetched by chipbook.js when a chart nears the screen;
   every script but Sphinx's tiny `documentation_options.js` loaded once the HTML is parsed,
   so no script blocks the text or competes with it; sphinx-design's files only where a
   page uses it.
3. Writes the verdict and stance badge colours from chipbook.charts, so the page
   badges and the charts share one palette.
4. Removes sphinx-thebe's scripts (see drop_thebe).
5. Copies `data/` into the built site, so every table can be downloaded.
6. Fills `{evidence_as_of}` in the page footer (_config.yml's html.extra_footer) with
   `chipbook.ledger.evidence_as_of()`, so the date is typed nowhere.
7. Drops myst-nb's name on the code toggles, whose shown words then name them (WCAG 2.5.3).
8. Writes `vendor/chipbook-icons.css`: the few Font Awesome icons the theme shows, as CSS
   masks drawn from the theme's own icon set, instead of its 1.45 MB font script
   (_templates/layout.html leaves that script out) and of the rule for every icon in the
   theme's stylesheet (served without them).
9. Publishes the corrections feed (chipbook.feed) as `corrections.atom` beside the site and
   names it in every page's head; points sphinxext-opengraph at html_baseurl, so its card
   tags use the site's address when it has one and a path within the book when not.
10. Shows the front page's link to book.pdf only when the output has one (chipbook.pdflink).
11. Writes index.html as a valid page that sends the reader to the front page.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import altair as alt
import vl_convert
from chipbook.charts import STANCE_COLORS, VERDICT_COLORS, text_color_on
from chipbook.charts import theme as chart_theme

BUNDLE = "vendor/vega-bundle.js"
COLOURS = "vendor/chipbook-colors.css"
ICONS = "vendor/chipbook-icons.css"
# Every Font Awesome icon the theme's pages show (tests/test_site.py checks that no page
# names another): the article header's buttons, the sidebar toggles, search, back to top,
# previous/next, and the angle the book theme draws after a folded "Contents".
ICON_NAMES = ("angle-down", "angle-left", "angle-right", "arrow-up", "bars", "circle-half-stroke",
              "expand", "list", "magnifying-glass", "moon", "outdent", "sun", "xmark")
# The scripts that may run after the page is parsed (see LOADER). documentation_options.js
# stays as it is: inline scripts after it assign to DOCUMENTATION_OPTIONS.
DEFERRED_SCRIPTS = ("doctools.js", "sphinx_highlight.js", "clipboard.min.js", "copybutton.js",
                    "sphinx-book-theme.js", "togglebutton.js", "design-tabs.js", "chipbook.js")


def generated_static(app) -> Path:
    """A static folder beside the build output for generated assets. Not _static/:
    Jupyter Book adds every file there to every page itself, without `defer`."""
    return Path(app.outdir).parent / "generated-static"


def _vega_lite_minor() -> str:
    # vl-convert takes "v6.4", not Altair's full "v6.4.1".
    return alt.SCHEMA_VERSION.rsplit(".", 1)[0]


def write_vega_bundle(app) -> None:
    target = generated_static(app) / BUNDLE
    target.parent.mkdir(parents=True, exist_ok=True)
    header = (f"/* vega {vl_convert.get_vega_version()}, vega-lite {_vega_lite_minor()}, "
              f"vega-embed {vl_convert.get_vega_embed_version()}; "
              f"from vl-convert-python {vl_convert.__version__} */\n")
    opening, closing = "(function () {\n", "\n})();\n"
    # The bundle is a function of the versions in its header; building it takes about 2 s,
    # so an incremental build keeps a whole one (its header and its wrapper intact).
    if target.exists():
        text = target.read_text(encoding="utf-8")
        if text.startswith(header + opening) and text.endswith(closing):
            return
    body = vl_convert.javascript_bundle(vl_version=_vega_lite_minor())
    target.write_text(header + opening + body + closing, encoding="utf-8")


def _badge_rule(kind: str, name: str, colour: str) -> str:
    # White or near-black, whichever contrasts more (tests/test_charts.py: at least 4.5:1).
    text = text_color_on(colour)
    return f".chipbook-{kind}-{name.replace(' ', '-')} {{ background: {colour}; color: {text}; }}"


def write_badge_css(app) -> None:
    rules = [_badge_rule("verdict", n, c) for n, c in VERDICT_COLORS.items()]
    rules += [_badge_rule("stance", n, c) for n, c in STANCE_COLORS.items()]
    target = generated_static(app) / COLOURS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("/* generated from chipbook.charts */\n" + "\n".join(rules) + "\n", encoding="utf-8")


def copy_data(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = Path(app.srcdir) / "data"
    target = Path(app.outdir) / "data"
    target.mkdir(exist_ok=True)
    for path in sorted(source.glob("*.csv")) + [source / "datapackage.json"]:
        shutil.copy2(path, target / path.name)


def drop_thebe(app, config) -> None:
    """Jupyter Book 1 always loads sphinx-thebe, which registers its scripts on every
    `env-before-read-docs` (twice in a JB1 build, so each page declares THEBE_JS_URL
    twice and raises a script error) and names a CDN in every page. The book is a static
    report with no live kernels, so thebe's listeners and stylesheet are removed."""
    for event, listeners in app.events.listeners.items():
        for listener in list(listeners):
            if getattr(listener.handler, "__module__", "") == "sphinx_thebe":
                app.disconnect(listener.id)
    app.registry.css_files = [(name, attrs) for name, attrs in app.registry.css_files
                              if name != "sphinx-thebe.css"]


def _theme_icon_set() -> str:
    import pydata_sphinx_theme

    return (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
            / "scripts" / "fontawesome.js").read_text(encoding="utf-8")


def solid_icons(script: str) -> dict[str, tuple[int, int, str, str]]:
    """The solid ("fas") icons of a Font Awesome 6 bundle: name -> (width, height, code
    point, SVG path). The bundle lists each style's icons as `name:[w,h,[aliases],"code",
    "path"]` just before the call that defines the style (`("fas",`)."""
    styles = sorted((m.start(), m.group(1)) for m in re.finditer(r'\("(fa[srb])",', script))
    icons: dict[str, tuple[int, int, str, str]] = {}
    for match in re.finditer(r'(?:"([a-z0-9-]+)"|\b([a-z0-9]+)):\[(\d+),(\d+),\[[^\]]*\],"([0-9a-f]+)","(M[^"]+)"\]',
                             script):
        style = next((name for start, name in styles if start > match.start()), None)
        name = match.group(1) or match.group(2)
        if style == "fas" and name not in icons:
            icons[name] = (int(match.group(3)), int(match.group(4)), match.group(5), match.group(6))
    return icons


def _mask(icon: tuple[int, int, str, str]) -> str:
    """An icon as a CSS url() of an SVG data URI."""
    width, height, _code, path = icon
    svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'><path d='{path}'/></svg>"
    return 'url("data:image/svg+xml,' + quote(svg, safe="/:=' ") + '")'


MASKED = ("background-color: currentColor; -webkit-mask: var(--chipbook-icon) no-repeat center / contain; "
          "mask: var(--chipbook-icon) no-repeat center / contain;")


def icon_css(icons: dict[str, tuple[int, int, str, str]], names=ICON_NAMES) -> str:
    """CSS drawing each named icon as a mask filled with the text colour, at the width
    Font Awesome gives it; the theme's webfont is never needed. Raises ValueError naming
    an icon the set does not have."""
    missing = sorted(set(names) - set(icons))
    if missing:
        raise ValueError(f"the theme's Font Awesome has no solid icon named {missing}")
    rules = ["/* generated by _ext/chipbook_sphinx.py from the theme's Font Awesome (solid icons) */",
             # No element may name the webfont, or the browser fetches it even for no text.
             ".fa-solid, .fas, .fa-solid::before, .fas::before, .onthispage::after "
             "{ font-family: inherit !important; }",
             '.fa-solid::before, .fas::before { content: "" !important; display: inline-block; height: 1em; '
             f"vertical-align: -0.125em; {MASKED} }}"]
    for name in names:
        width, height = icons[name][:2]
        rules.append(f".fa-{name}::before {{ --chipbook-icon: {_mask(icons[name])}; width: {width / height:.4f}em; }}")
    # The book theme draws a folded "Contents" angle as a webfont glyph (content "\f107").
    if "angle-down" in names:
        rules.append('.bd-sidebar-secondary.hide:not(:hover) .onthispage::after { content: "" !important; '
                     "display: inline-block; width: 0.625em; height: 1em; margin-left: 0.5em; padding: 0 !important; "
                     f"{MASKED} --chipbook-icon: {_mask(icons['angle-down'])}; }}")
    return "\n".join(rules) + "\n"


def write_icon_css(app) -> None:
    target = generated_static(app) / ICONS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(icon_css(solid_icons(_theme_icon_set())), encoding="utf-8")


THEME_CSS = "styles/pydata-sphinx-theme.css"
# The theme's stylesheet carries Font Awesome's rule for every icon (`.fa-x:before{content:
# "\f0c9"}`, about 1,800 of them, a third of its compressed size) and its webfonts'
# @font-face rules; chipbook-icons.css draws the icons the pages use without either.
_ICON_RULE = re.compile(r'(?:\.fa-[a-z0-9-]+:(?:before|after),?)+\{content:"(?:\\[0-9a-f]+)+"\}')
_ICON_FONT = re.compile(r'@font-face\{[^}]*Font Awesome[^}]*\}')


def theme_css_without_icon_rules(css: str) -> str:
    return _ICON_FONT.sub("", _ICON_RULE.sub("", css))


def write_theme_css(app) -> None:
    """The theme's stylesheet without its icon rules, served in its place (html_static_path
    is copied after the theme's own files)."""
    import pydata_sphinx_theme

    source = (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / THEME_CSS)
    target = generated_static(app) / THEME_CSS
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(theme_css_without_icon_rules(source.read_text(encoding="utf-8")), encoding="utf-8")


def add_generated_assets(app) -> None:
    write_vega_bundle(app)
    write_badge_css(app)
    write_icon_css(app)
    write_theme_css(app)
    app.config.html_static_path.append(str(generated_static(app)))
    # The bundle is not a page asset: chipbook.js fetches it on pages with a chart.
    app.add_css_file(COLOURS)
    app.add_css_file(ICONS)


def _bundle_digest(app) -> str:
    if not hasattr(app, "_chipbook_bundle_digest"):
        data = (generated_static(app) / BUNDLE).read_bytes()
        app._chipbook_bundle_digest = hashlib.sha256(data).hexdigest()[:8]
    return app._chipbook_bundle_digest


# Loads the page's scripts once its HTML is parsed, in their order (async = false keeps
# it), as the book's own script does for the vega bundle: none is fetched while the text and
# its stylesheets are on their way, and each still runs before the page's load event.
LOADER = """(function () {
  function later() {
    var urls = %s;
    document.querySelectorAll("template.chipbook-later").forEach(function (t) {
      t.content.querySelectorAll("script[src]").forEach(function (s) { urls.push(s.getAttribute("src")); });
    });
    urls.forEach(function (url) {
      var script = document.createElement("script");
      script.src = url; script.async = false;
      document.head.appendChild(script);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", later); } else { later(); }
})();"""


def tune_page_assets(app, pagename, templatename, context, doctree) -> None:
    """Per page: the scripts that may wait are loaded once the HTML is parsed (LOADER, and
    _templates/layout.html does the same for the theme's own two), sphinx-design's files
    stay off pages that do not use it, and on a page with a chart the vega bundle is named
    for chipbook.js, which fetches it when a chart nears the screen (the charts' inline
    scripts queue until then)."""
    from sphinx.builders.html._assets import _file_checksum, _JavaScript

    body = context.get("body", "")
    uses_design = "sd-" in body
    scripts, later = [], []
    for js in context.get("script_files", []):
        name = Path(str(getattr(js, "filename", js) or "")).name
        if name == "design-tabs.js" and not uses_design:
            continue
        if name in DEFERRED_SCRIPTS and pagename != "search" and isinstance(js, _JavaScript) and js.filename:
            checksum = _file_checksum(Path(app.outdir), js.filename)
            later.append(context["pathto"](str(js.filename), 1) + (f"?v={checksum}" if checksum else ""))
            continue
        scripts.append(js)
    # Always: the theme's own scripts wait in _templates/layout.html for this loader.
    scripts.append(_JavaScript(None, priority=900, body=LOADER % json.dumps(later)))
    if 'class="chipbook-chart-canvas"' in body:
        url = context["pathto"]("_static/" + BUNDLE, 1) + "?v=" + _bundle_digest(app)
        # Before any chart's inline script: chipbookDraw queues until chipbook.js has run.
        # The book's chart theme, once for the page's charts (chipbook.charts._figure_html
        # leaves it out of each chart that uses it unchanged).
        theme = json.dumps(chart_theme()["config"], sort_keys=True, separators=(",", ":")).replace("<", "\\u003c")
        scripts.append(_JavaScript(None, priority=900, body=(
            f"window.chipbookVega = {url!r}; window.chipbookTheme = {theme}; window.chipbookDraw = function () "
            "{ (window.chipbookQueue = window.chipbookQueue || []).push(arguments); };")))
    context["script_files"] = scripts
    if not uses_design:
        context["css_files"] = [css for css in context.get("css_files", [])
                                if Path(str(getattr(css, "filename", css) or "")).name != "sphinx-design.min.css"]


def fill_evidence_as_of(app, config) -> None:
    """Replace `{evidence_as_of}` in the theme's extra_footer by the book's evidence date."""
    from chipbook.ledger import evidence_as_of

    options = config.html_theme_options
    if "{evidence_as_of}" in options.get("extra_footer", ""):
        options["extra_footer"] = options["extra_footer"].replace(
            "{evidence_as_of}", f"{evidence_as_of():%Y-%m-%d}")


# myst-nb names the code toggles "Toggle hidden content" while they show "Show code cell
# source": a name that does not contain the shown words fails WCAG 2.5.3 (label in name).
# Without the attribute the shown words are the name.
HIDDEN_CONTENT_SUMMARY = '<summary aria-label="Toggle hidden content">'


def name_code_toggles_by_their_words(app, pagename, templatename, context, doctree) -> None:
    if HIDDEN_CONTENT_SUMMARY in context.get("body", ""):
        context["body"] = context["body"].replace(HIDDEN_CONTENT_SUMMARY, "<summary>")


def write_feed(app, exception) -> None:
    from chipbook.feed import FEED_FILE, corrections_feed

    if exception is not None or app.builder.format != "html":
        return
    (Path(app.outdir) / FEED_FILE).write_bytes(
        corrections_feed(title=app.config.html_title, author=app.config.author, base_url=app.config.html_baseurl))


def link_feed_and_card(app, pagename, templatename, context, doctree) -> None:
    """Every page names the feed; without html_baseurl, the card image is a path from
    the page (sphinxext-opengraph writes it from the site's root)."""
    from chipbook.feed import FEED_FILE

    href = context["pathto"](FEED_FILE, 1)
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" type="application/atom+xml" title="Corrections and updates" href="{href}" />')
    if not app.config.html_baseurl:
        image, page = app.config.ogp_image, app.builder.get_target_uri(pagename)
        context["metatags"] = context["metatags"].replace(
            f'property="og:image" content="{image}"', f'property="og:image" content="{context["pathto"](image, 1)}"'
        ).replace(f'property="og:url" content="{page}"', f'property="og:url" content="{Path(page).name}"')


def write_index_redirect(app, exception) -> None:
    """The site's index.html: a valid page (doctype, language, title) that sends the reader
    to the front page, written before sphinx-external-toc would write its bare one-line
    redirect (which the Nu HTML Checker rejects: no doctype, no title)."""
    if exception is not None or app.builder.format != "html":
        return
    front = f"{app.config.master_doc}.html"
    title = html.escape(app.config.html_title)
    (Path(app.outdir) / "index.html").write_text(
        f'<!DOCTYPE html>\n<html lang="{app.config.language or "en"}"><head><meta charset="utf-8">'
        f'<title>{title}</title><meta http-equiv="refresh" content="0; url={front}">'
        f'<link rel="canonical" href="{front}"></head>\n<body><p><a href="{front}">{title}</a></p></body></html>\n',
        encoding="utf-8")


def link_pdf_only_if_printed(app, pagename, templatename, context, doctree) -> None:
    """The front page links book.pdf only when the output has one (chipbook.pdflink)."""
    from chipbook import pdflink

    if "body" in context and not (Path(app.outdir) / pdflink.PDF_FILE).exists():
        context["body"] = pdflink.unlink(context["body"])


def share_under_the_sites_address(app, config) -> None:
    """The card tags and the feed name the book by its title (_config.yml's `title`) and
    link under html_baseurl when there is one."""
    config.ogp_site_url = config.html_baseurl or ""
    config.ogp_site_name = config.html_title


def setup(app):
    app.connect("html-page-context", name_code_toggles_by_their_words)
    app.connect("html-page-context", tune_page_assets)
    app.connect("html-page-context", link_pdf_only_if_printed)
    app.connect("config-inited", drop_thebe)
    app.connect("config-inited", fill_evidence_as_of)
    app.connect("builder-inited", add_generated_assets)
    app.connect("build-finished", copy_data)
    app.connect("build-finished", write_feed)
    app.connect("build-finished", write_index_redirect, priority=400)  # before sphinx-external-toc's
    app.connect("config-inited", share_under_the_sites_address)
    # After sphinxext-opengraph (priority 500) has written its tags.
    app.connect("html-page-context", link_feed_and_card, priority=600)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
