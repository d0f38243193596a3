"""Sphinx hooks for the book (loaded through `sphinx.local_extensions` in _config.yml).

1. Writes `vendor/vega-bundle.js` (in _build/generated-static) from the pinned vl-convert-python, so the
   charts need no CDN. The bundle declares top-level `const`s (one is `_`, which Sphinx's
   own doctools.js also declares), so it is wrapped in a function scope and only
   `window.vegaEmbed`, `window.vega` and `window.vegaLite` escape.
2. Adds the bundle to every page, deferred and cached across pages.
3. Writes the verdict and stance badge colours from chipbook.charts, so the page
   badges and the charts share one palette.
4. Removes sphinx-thebe's scripts (see drop_thebe).
5. Copies `data/` into the built site, so every table can be downloaded.
6. Fills `{evidence_as_of}` in the page footer (_config.yml's html.extra_footer) with
   `chipbook.ledger.evidence_as_of()`, so the date is typed nowhere.
7. Drops myst-nb's name on the code toggles, whose shown words then name them (WCAG 2.5.3).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import altair as alt
import vl_convert
from chipbook.charts import STANCE_COLORS, VERDICT_COLORS, text_color_on

BUNDLE = "vendor/vega-bundle.js"
COLOURS = "vendor/chipbook-colors.css"


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


def add_generated_assets(app) -> None:
    write_vega_bundle(app)
    write_badge_css(app)
    app.config.html_static_path.append(str(generated_static(app)))
    # Deferred: it never blocks the page, and chipbook.js waits for it.
    app.add_js_file(BUNDLE, loading_method="defer")
    app.add_css_file(COLOURS)


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


def setup(app):
    app.connect("html-page-context", name_code_toggles_by_their_words)
    app.connect("config-inited", drop_thebe)
    app.connect("config-inited", fill_evidence_as_of)
    app.connect("builder-inited", add_generated_assets)
    app.connect("build-finished", copy_data)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
