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
import re
import textwrap

import altair as alt
import pandas as pd

from .vocabulary import STANCES, VERDICTS, WHO_HELD

# Every colour below is a mid-tone: at least 3:1 against both the light page (white) and
# the dark page (pydata-sphinx-theme's #14181e), so a mark stays visible in either mode,
# and at least 4.5:1 under either white or near-black text (`text_color_on`), so a
# label on it stays legible. tests/test_charts.py computes both for every colour.
LIGHT_BACKGROUND, DARK_BACKGROUND = "#ffffff", "#14181e"
LIGHT_TEXT, DARK_TEXT = "#ffffff", "#111111"
# One colour per vendor, the same in every chapter. Amazon the investor and AWS the
# chip vendor are one company and share a colour.
VENDOR_COLORS = {
    "Google": "#4285F4",
    "AWS": "#C77700",
    "Amazon": "#C77700",
    "NVIDIA": "#5E9400",
    "Microsoft": "#009B9E",
    "AMD": "#D62728",
    "Anthropic": "#C8643B",
    "Other": "#8C8C8C",
}
VERDICT_COLORS = dict(zip(VERDICTS, ["#1A9850", "#7E9C2A", "#B8860B", "#D73027", "#8A78BE", "#8C8C8C"]))
STANCE_COLORS = dict(zip(STANCES, ["#1A9850", "#C76E00", "#D73027"]))
ARTICLE_LABELS = {"A1": "A1 strategy article", "A2": "A2 news article"}
# Which article's account the evidence bore out (second-article chapter).
ACCOUNT_COLORS = dict(zip(WHO_HELD, ["#7A68B3", "#B86E00", "#8E86B8", "#8C8C8C"]))


def luminance(colour: str) -> float:
    """WCAG relative luminance of a `#rrggbb` colour, 0 (black) to 1 (white)."""
    def linear(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two `#rrggbb` colours, 1 to 21."""
    low, high = sorted((luminance(first), luminance(second)))
    return (high + 0.05) / (low + 0.05)


def text_color_on(colour: str) -> str:
    """The text colour (white or near-black) with the higher contrast on `colour`."""
    return max((LIGHT_TEXT, DARK_TEXT), key=lambda text: contrast(colour, text))


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


# Dates. JavaScript reads a date-only string ("2025-09-17") as midnight UTC but a date
# and time without an offset ("2025-09-17T00:00:00") as midnight where the reader is;
# Vega labels axes and tooltips in the reader's time zone. Altair writes pandas
# datetimes in the second form, so every date a chart carries is sent that way: the
# reader sees the calendar day of the data in every time zone.
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_ONLY_IN_EXPRESSION = re.compile(r"""(?:toDate|time|datetime)\(\s*['"]\d{4}-\d{2}-\d{2}['"]""")


def vega_date(value) -> str:
    """A date (ISO string, `datetime.date` or pandas Timestamp) as the local-time string
    every chart uses, "YYYY-MM-DDT00:00:00" (time of day kept if there is one). Use it
    for dates typed into a chart or an expression (`toDate('...')`); pandas datetime
    columns are already written this way. Raises ValueError for a value that is not a
    date."""
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        raise ValueError(f"not a date: {value!r}")
    if stamp.tzinfo is not None:
        raise ValueError(f"{value!r} carries a time zone; give the calendar date instead")
    return stamp.strftime("%Y-%m-%dT%H:%M:%S")


def _temporal_defs(node, found: list[dict]) -> list[dict]:
    """Every encoding definition of type temporal in a spec."""
    if isinstance(node, dict):
        if node.get("type") == "temporal":
            found.append(node)
        for value in node.values():
            _temporal_defs(value, found)
    elif isinstance(node, list):
        for value in node:
            _temporal_defs(value, found)
    return found


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def check_dates(spec: dict) -> None:
    """Refuse a chart spec that carries a date-only string in a temporal field or a date
    expression: it would be drawn a day early west of UTC. ValueError names the field."""
    defs = _temporal_defs(spec, [])
    fields = {d["field"] for d in defs if isinstance(d.get("field"), str)}
    for definition in defs:  # a scale domain, a datum
        for text in _strings({k: v for k, v in definition.items() if k not in ("field", "title", "type")}):
            if _DATE_ONLY.match(text):
                raise ValueError(f"the temporal encoding of {definition.get('field', 'a datum')!r} holds the date-only "
                                 f"string {text!r}, which a browser reads as midnight UTC; write it with charts.vega_date()")
    tables = list(spec.get("datasets", {}).values())
    def inline(node):
        if isinstance(node, dict):
            if isinstance(node.get("data"), dict) and isinstance(node["data"].get("values"), list):
                tables.append(node["data"]["values"])
            for value in node.values():
                inline(value)
        elif isinstance(node, list):
            for value in node:
                inline(value)
    inline(spec)
    for rows in tables:
        for row in rows:
            if not isinstance(row, dict):
                continue
            for field in fields & set(row):
                if isinstance(row[field], str) and _DATE_ONLY.match(row[field]):
                    raise ValueError(f"temporal field {field!r} holds the date-only string {row[field]!r}, which "
                                     "a browser reads as midnight UTC; pass a pandas datetime or charts.vega_date()")
    expression = _DATE_ONLY_IN_EXPRESSION.search(json.dumps(spec))
    if expression:
        raise ValueError(f"the expression {expression.group(0)!r}...) holds a date-only string, which a browser "
                         "reads as midnight UTC; write the date with charts.vega_date()")


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
    check_dates(spec)
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
