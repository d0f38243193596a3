"""The book's chart theme and its offline Altair renderer.

Altair's default HTML output fetches vega, vega-lite and vega-embed from a CDN when a
page is viewed, so an offline reader sees an error. Here charts are emitted as a
`<figure>` whose script calls `vegaEmbed`, which the book serves once, from its own
`_static/vega-bundle.js` (written at build time by `_ext/chipbook_sphinx.py`).

Every chart goes through `finish()`, which insists on what a reader needs: a title that
states the finding, a subtitle with units and date, a source line and a description for
screen readers.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import os
import textwrap

import altair as alt
import pandas as pd

from .vocabulary import STANCES, VERDICTS, WHO_HELD

# One colour per vendor, the same in every chapter. Amazon the investor and AWS the
# chip vendor are one company and share a colour.
VENDOR_COLORS = {
    "Google": "#4285F4",
    "AWS": "#FF9900",
    "Amazon": "#FF9900",
    "NVIDIA": "#76B900",
    "Microsoft": "#5E5E5E",
    "AMD": "#D62728",
    "Anthropic": "#C8643B",
    "Other": "#A0A0A0",
}
VERDICT_COLORS = dict(zip(VERDICTS, ["#1A9850", "#91CF60", "#F4C542", "#D73027", "#8073AC", "#BDBDBD"]))
STANCE_COLORS = dict(zip(STANCES, ["#1A9850", "#F4A142", "#D73027"]))
ARTICLE_LABELS = {"A1": "A1 strategy article", "A2": "A2 news article"}
# Which article's account the evidence bore out (second-article chapter).
ACCOUNT_COLORS = dict(zip(WHO_HELD, ["#5E3C99", "#E08214", "#B2ABD2", "#E0E0E0"]))

# Pages must stay under 300 KB: a chart carries only the rows it draws.
MAX_SPEC_BYTES = 60_000
# Vega does not wrap titles; lines of these lengths fit the book's text column.
TITLE_LINE_CHARS, SUBTITLE_LINE_CHARS = 64, 100
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def _scale(colors: dict[str, str], domain: list[str] | None) -> alt.Scale:
    domain = list(domain) if domain is not None else list(dict.fromkeys(colors))
    unknown = [d for d in domain if d not in colors]
    if unknown:
        raise KeyError(f"no fixed colour for {unknown}; add it to chipbook.charts")
    return alt.Scale(domain=domain, range=[colors[d] for d in domain])


def vendor_scale(domain: list[str] | None = None) -> alt.Scale:
    """Colour scale for vendors; pass the vendors a chart shows, in legend order."""
    if domain is None:
        domain = [v for v in VENDOR_COLORS if v != "Amazon"]
    return _scale(VENDOR_COLORS, domain)


def account_scale(domain: list[str] | None = None) -> alt.Scale:
    return _scale(ACCOUNT_COLORS, domain)


def verdict_scale(domain: list[str] | None = None) -> alt.Scale:
    return _scale(VERDICT_COLORS, domain)


def stance_scale(domain: list[str] | None = None) -> alt.Scale:
    return _scale(STANCE_COLORS, domain)


# Time axes: month and year on every label, so no label is read as the next one's year.
DATE_AXIS = alt.Axis(format="%b %Y", labelAngle=0, tickCount=6)


def bottom_legend(title: str | None, direction: str = "horizontal", **options) -> alt.Legend:
    """A legend under the chart, for charts too wide to carry one at the top."""
    return alt.Legend(title=title, orient="bottom", direction=direction, labelLimit=320, **options)


def article_bands(articles: pd.DataFrame) -> alt.LayerChart:
    """Grey bands for the windows in which the two articles were written, labelled A1 and
    A2, to layer under a time chart. `articles` is the `articles` table."""
    windows = articles.reset_index()[["article_id", "date_earliest", "date_latest"]].assign(
        label=lambda a: a["article_id"].map(ARTICLE_LABELS))
    bands = alt.Chart(windows).mark_rect(opacity=0.2, color="#555").encode(
        x="date_earliest:T", x2="date_latest:T",
        tooltip=[alt.Tooltip("label:N", title="Article"), alt.Tooltip("date_earliest:T", title="Written after"),
                 alt.Tooltip("date_latest:T", title="Written before")])
    # The windows nearly touch: A2's label goes to the left of its band, A1's to the right.
    a2 = alt.Chart(windows[windows["article_id"] == "A2"]).mark_text(
        align="right", dx=-2, baseline="top", dy=2, fontSize=10).encode(x="date_earliest:T", y=alt.value(0), text="article_id:N")
    a1 = alt.Chart(windows[windows["article_id"] == "A1"]).mark_text(
        align="left", dx=2, baseline="top", dy=2, fontSize=10).encode(x="date_latest:T", y=alt.value(0), text="article_id:N")
    return bands + a2 + a1


def finish(
    chart: alt.TopLevelMixin,
    *,
    title: str,
    subtitle: str,
    source: str,
    description: str,
    data_files: list[str] | tuple[str, ...] = (),
) -> alt.TopLevelMixin:
    """Give a chart the parts every chart in the book has.

    title: the finding, as a sentence. subtitle: units and the date the data speak for.
    source: the source line shown under the chart. description: what the chart shows,
    for screen readers. data_files: the CSVs in data/ the chart is drawn from, offered
    for download under it.
    """
    for name, value in {"title": title, "subtitle": subtitle, "source": source,
                        "description": description}.items():
        if not value or not value.strip():
            raise ValueError(f"a chart needs a non-empty {name}")
    return chart.properties(
        title=alt.Title(textwrap.wrap(title, TITLE_LINE_CHARS), subtitle=textwrap.wrap(subtitle, SUBTITLE_LINE_CHARS),
                        anchor="start"),
        description=description,
        usermeta={"chipbook": {"source": source, "data_files": list(data_files)}},
    )


def theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": _FONT,
            # Opaque, so charts stay legible when a reader switches the book to dark mode.
            "background": "white",
            "view": {"continuousWidth": 440, "continuousHeight": 300, "stroke": None},
            "title": {"fontSize": 16, "subtitleFontSize": 12, "subtitleColor": "#555",
                      "anchor": "start", "offset": 12},
            "axis": {"labelFontSize": 11, "labelLimit": 320, "titleFontSize": 12, "gridColor": "#e6e6e6",
                     "domainColor": "#888"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "top", "titleLimit": 400},
            "range": {"category": list(VENDOR_COLORS.values())},
        }
    }


_chart_numbers = itertools.count(1)


def _figure_html(spec: dict) -> str:
    """The HTML of one chart: a figure with the chart, its source line and data links."""
    meta = spec.get("usermeta", {}).get("chipbook")
    if not meta:
        raise ValueError("this chart was not passed through chipbook.charts.finish()")
    payload = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    if len(payload) > MAX_SPEC_BYTES:
        raise ValueError(
            f"the chart spec is {len(payload):,} bytes, over the {MAX_SPEC_BYTES:,} budget: "
            "aggregate the data in pandas and keep only the columns the chart uses"
        )
    digest = hashlib.sha1(payload.encode()).hexdigest()[:10]
    chart_id = f"chart-{digest}-{next(_chart_numbers)}"
    description = spec.get("description", "")
    downloads = "".join(
        f' <a class="chipbook-download" href="../data/{html.escape(name)}" download>{html.escape(name)}</a>'
        for name in meta["data_files"]
    )
    caption = f"Source: {html.escape(meta['source'])}."
    if downloads:
        caption += f" Data:{downloads}"
    options = {"renderer": "svg", "actions": {"export": True, "source": False,
                                              "compiled": False, "editor": False}}
    # Data is text: no `<`, `>` or `&` of a value may reach the HTML parser (`</script>`,
    # `<!--<script>` would end or hold open the script); JSON allows the escaped forms.
    script_spec = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # The chart's words as page text, visually hidden: the search index and a reader who
    # cannot see the drawing get the title and subtitle; the description, which the figure's
    # label already speaks, is hidden from assistive technology to avoid reading it twice.
    words = "".join(f"<p>{html.escape(line)}</p>" for line in _title_lines(spec))
    text = (f'<div class="chipbook-chart-text">{words}'
            f'<p aria-hidden="true">{html.escape(description)}</p></div>')
    return (
        f'<figure class="chipbook-chart" aria-label="{html.escape(description)}">{text}'
        f'<div class="chipbook-chart-canvas" id="{chart_id}"></div>'
        f'<figcaption class="chipbook-chart-source">{caption}</figcaption></figure>'
        f"<script>chipbookDraw({json.dumps(chart_id)},{script_spec},{json.dumps(options)});</script>"
    )


def _title_lines(spec: dict) -> list[str]:
    """The chart's title and subtitle, each as one line of text (finish() wraps them)."""
    title = spec.get("title", {})
    if not isinstance(title, dict):
        title = {"text": title}
    joined = [" ".join(t) if isinstance(t, list) else str(t) for t in (title.get("text", ""), title.get("subtitle", ""))]
    return [t for t in joined if t]


def offline_renderer(spec: dict, **_metadata) -> dict[str, str]:
    """Altair renderer: HTML that draws with the book's own vega bundle."""
    lines = _title_lines(spec)
    return {"text/html": _figure_html(spec), "text/plain": f"<Chart: {lines[0] if lines else ''}>"}


def enable() -> None:
    """Use the book's theme and renderer. Set CHIPBOOK_RENDERER=default to see charts
    in JupyterLab while editing (that renderer needs the network)."""
    alt.theme.register("chipbook", enable=True)(theme)
    alt.renderers.register("chipbook", offline_renderer)
    alt.renderers.enable(os.environ.get("CHIPBOOK_RENDERER", "chipbook"))
