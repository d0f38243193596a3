"""The book's chart theme and its offline Altair renderer.

Altair's default HTML output fetches vega, vega-lite and vega-embed from a CDN when a
page is viewed, so an offline reader sees an error. Here charts are emitted as a
`<figure>` whose script calls `vegaEmbed`, which the book serves once, from its own
`_static/vega-bundle.js` (written at build time by `_ext/chipbook_sphinx.py`).

Every chart goes through `finish()`, which insists on what a reader needs: a title that
states the finding, a subtitle with units and date, a source line and a description for
screen readers. It also takes the chart's layout for a narrow column (`narrow=`): the page
draws whichever fits the column (see `NARROW_BELOW_PX`), so that on a phone a chart is
laid out again, not shrunk.

The chart standard (docs: CONTRIBUTING.md, "Charts"; kept by tests/test_charts.py and the
browser check, tests/test_browser.py with tests/chart_measures.js):

* no chart text below 10 px as shown, at any column width from 320 px up;
* every mark and legend symbol 3:1 against the page, light and dark (its fill or its
  outline): use the palettes below, `INK` for rules, outlines and notes, `PAPER` for a
  fill or outline that must read as the page, and `backdrop()` for shading that only sets
  context;
* no mark hides another: dodge, offset or label marks that share a position;
* the title and the text alternative are computed from the frame the chart draws, and
  their numbers can be found in the chart's data (a value, a count, a sum or a share);
* a chart that carries no finding is a sentence or a table instead.
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

from .vocabulary import STANCES, VERDICTS

# Every colour below is a mid-tone: at least 3:1 against both the light page (white) and
# the dark page (pydata-sphinx-theme's #14181e), so a mark stays visible in either mode,
# and at least 4.5:1 under either white or near-black text (`text_color_on`), so a
# label on it stays legible. tests/test_charts.py computes both for every colour.
#
# One colour, one meaning, across the book (tests/test_charts.py holds every pair of
# palettes apart): vendor hues are for vendors only; the ledger's verdicts and stances
# share one diverging violet-to-crimson family of their own (for on the violet side,
# against on the crimson side, lightest in the middle); a grade on an ordered scale
# (confidence, maturity) is a ramp of slate; a chart of one series with no category
# draws in slate too; grey is "other, or not known".
LIGHT_BACKGROUND, DARK_BACKGROUND = "#ffffff", "#14181e"
LIGHT_TEXT, DARK_TEXT = "#ffffff", "#111111"
# Other, or not known: a vendor outside the palette, an unverified claim.
NEUTRAL = "#8C8C8C"
# One colour per vendor, the same in every chapter. Amazon the investor and AWS the
# chip vendor are one company and share a colour. Anthropic, the book's subject, is
# bronze: not a chip vendor's hue, and not the orange of AWS.
VENDOR_COLORS = {
    "Google": "#4285F4",
    "AWS": "#C77700",
    "Amazon": "#C77700",
    "NVIDIA": "#5E9400",
    "Microsoft": "#009B9E",
    "AMD": "#D62728",
    "Anthropic": "#917D4A",
    "Other": NEUTRAL,
}
# Verdicts, from holding up (violet) through a caveat (lavender) and holding in part
# (orchid) to contradicted (crimson); overtaken is a faded mauve, unverified grey.
VERDICT_COLORS = dict(zip(VERDICTS, ["#6B53BB", "#A288C8", "#CF6CAD", "#C12377", "#8F6B7D", NEUTRAL]))
# A row of evidence supports, complicates or contradicts its claim: the verdicts' colours
# for the same direction (supports = supported, complicates = complicated, contradicts =
# contradicted), so that a colour means one thing on every page.
STANCE_COLORS = dict(zip(STANCES, [VERDICT_COLORS["supported"], VERDICT_COLORS["complicated"],
                                   VERDICT_COLORS["contradicted"]]))
ARTICLE_LABELS = {"A1": "A1 strategy article", "A2": "A2 news article"}
# The marks of a chart of one series, with no category to tell apart (evidence rows per
# quarter, claims by their balance of evidence): slate, a hue no category uses.
SERIES = "#4F7082"
# The light end of the grade ramp (`grade_colors`): the palest grade, outlined in ink.
_GRADE_PALE = "#EEF1F3"


def grade_colors(grades: list[str]) -> dict[str, str]:
    """Colours for the grades of an ordered scale, strongest first (confidence high to low,
    a path's maturity native to unsupported): a ramp from `SERIES` to a pale slate, evenly
    spaced in sRGB. Pale grades fall under 3:1 against the light page, so marks drawn in
    them take an `INK` outline. Returns {grade: "#rrggbb"} in the grades' order."""
    ends = [[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in (SERIES, _GRADE_PALE)]
    steps = max(len(grades) - 1, 1)
    return {grade: "#" + "".join(f"{round(a + (b - a) * n / steps):02X}" for a, b in zip(*ends))
            for n, grade in enumerate(grades)}


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


# Greys for what is not data: rules, outlines, notes (INK), and what must read as the page
# (PAPER: the hollow of an open marker, gaps between tiles). The page's script turns INK
# into the dark scheme's muted text colour and PAPER into its background, so both hold
# their contrast in either scheme.
INK, PAPER = "#444444", "#ffffff"


def text_color_on(colour: str) -> str:
    """The text colour (white or near-black) with the higher contrast on `colour`."""
    return max((LIGHT_TEXT, DARK_TEXT), key=lambda text: contrast(colour, text))


# A column narrower than this (in CSS pixels) gets a chart's narrow layout, where it has one.
NARROW_BELOW_PX = 560
# The width a narrow layout's plot is drawn for: a 360-390 px phone's column, less the
# page's margins and the chart's own axis.
NARROW_WIDTH_PX = 300

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


def agree(count: int, one: str, many: str) -> str:
    """The word that agrees with a count in a computed title: agree(1, "holds", "hold")."""
    return one if count == 1 else many


_backdrop_numbers = itertools.count(1)


def backdrop(chart: alt.Chart) -> alt.Chart:
    """Mark a layer as backdrop: shading that sets context (the articles' writing windows, a
    band of a range) and carries nothing a reader must tell apart from the page. The
    browser check leaves backdrops out of the 3:1 contrast rule; everything else is held
    to it. Each backdrop gets a name of its own, which Vega writes on its SVG group. The
    name ends in a word, not a number: in a concatenation Altair replaces a trailing
    "_<digits>" with "_<panel>", which would give two backdrops of one panel one name."""
    return chart.properties(name=f"backdrop_{next(_backdrop_numbers)}_shade")


def lookup(field: str, mapping: dict, otherwise: str) -> str:
    """A Vega expression that gives `mapping[datum[field]]` (each key and value written as
    JSON) and the expression `otherwise` for any other value: a per-category offset, size or
    name computed in the page instead of carried on every row."""
    return " : ".join(f"datum.{field} == {json.dumps(key)} ? {json.dumps(value)}"
                      for key, value in mapping.items()) + f" : {otherwise}"


def label_rows(layers: list[alt.Chart], field: str, sort: list[str] | None = None,
               width: int = NARROW_WIDTH_PX, row_height: int = 14, under: list[alt.Chart] = ()) -> alt.LayerChart:
    """A narrow layout for a chart with one row per category: each row's label on its own
    line above the row, left-aligned, full width (a phone cannot give a long label a
    column of its own). `layers`: the chart's layers, drawing one row per value of
    `field` and no y axis (their marks `row_height` px tall: bars and rects need a fixed
    height); they share the first layer's data, which draws the labels. `under`: layers
    drawn beneath them across every row (a shaded stretch of time), with no y of their own."""
    step = row_height + 20
    y = alt.Y(f"{field}:N", sort=sort if sort is not None else "ascending", axis=None, title=None,
              scale=alt.Scale(paddingOuter=0.3))
    # The labels are as wide as the plot, whatever width the page gives it.
    labels = alt.Chart(layers[0].data).transform_aggregate(groupby=[field]).mark_text(
        align="left", baseline="bottom", dy=-(row_height / 2 + 2), fontSize=11, limit=alt.ExprRef("width")).encode(
        y=y, x=alt.value(0), text=f"{field}:N")
    return alt.layer(*under, *[layer.encode(y=y) for layer in layers], labels).properties(width=width, height=alt.Step(step))


# An axis whose labels hold line breaks ("\n", as `wrap_lines` writes them) draws each line.
LINES = "split(datum.label, '\\n')"


def wrap_lines(text: str, width: int = 16) -> str:
    """A label broken into lines of about `width` characters, joined by "\n", for an axis
    with `labelExpr=charts.LINES`: a narrow layout's long category names."""
    return "\n".join(textwrap.wrap(str(text), width, break_on_hyphens=False, break_long_words=False)) or str(text)


def bottom_legend(title: str | None, direction: str = "horizontal", **options) -> alt.Legend:
    """A legend under the chart, for charts too wide to carry one at the top."""
    return alt.Legend(title=title, orient="bottom", direction=direction, labelLimit=320, **options)


def article_bands(articles: pd.DataFrame) -> alt.LayerChart:
    """Grey bands for the windows in which the two articles were written, each named in
    words ("news article", "strategy article"; a reader need not know the ids A1 and A2),
    to layer under a time chart. `articles` is the `articles` table."""
    windows = articles.reset_index()[["article_id", "date_earliest", "date_latest"]].assign(
        label=lambda a: a["article_id"].map(ARTICLE_LABELS),
        name=lambda a: a["label"].str.split(" ", n=1).str[1])
    bands = backdrop(alt.Chart(windows).mark_rect(opacity=0.2, color="#555").encode(
        x="date_earliest:T", x2="date_latest:T",
        tooltip=[alt.Tooltip("label:N", title="Article"), alt.Tooltip("date_earliest:T", title="Written after"),
                 alt.Tooltip("date_latest:T", title="Written before")]))
    # The windows nearly touch: A2's name goes to the left of its band, A1's to the right,
    # each on two lines ("news" over "article") so that it stays narrow on a phone.
    text = dict(baseline="top", dy=2, fontSize=10, lineHeight=11, lineBreak=" ")
    a2 = alt.Chart(windows[windows["article_id"] == "A2"]).mark_text(align="right", dx=-2, **text).encode(
        x="date_earliest:T", y=alt.value(0), text="name:N")
    a1 = alt.Chart(windows[windows["article_id"] == "A1"]).mark_text(align="left", dx=2, **text).encode(
        x="date_latest:T", y=alt.value(0), text="name:N")
    return bands + a2 + a1


def date_split(date, end, before: str, after: str, words: str, **numbers: int) -> alt.LayerChart:
    """A time chart's split at `date` (the day the strategy article was written, say), to
    layer under it: a rule at the date, the stretch from it to `end` shaded (a backdrop),
    and what lies on each side named just above the plot, `before` to the left of the rule
    and `after` to its right ("|" breaks a line), so the counts a title states sit on the
    marks they count. `words`: the tooltip of the shading and the rule; `numbers`: the counts
    the labels state, carried as the split's data so that a check finds them there."""
    frame = pd.DataFrame({"start": [pd.Timestamp(date)], "end": [pd.Timestamp(end)], "words": [words],
                          "before": [before], "after": [after], **{k: [v] for k, v in numbers.items()}})
    tooltip = alt.Tooltip("words:N", title="Split")
    band = backdrop(alt.Chart(frame).mark_rect(color="#555", opacity=0.08).encode(
        x="start:T", x2="end:T", tooltip=tooltip))
    rule = alt.Chart(frame).mark_rule(color=INK, strokeDash=[4, 3]).encode(x="start:T", tooltip=tooltip)
    # Vega sets a text's first line on its baseline and the rest below: the block is lifted
    # by its extra lines, so that its last line ends just above the plot.
    lines = max(before.count("|"), after.count("|"))
    text = dict(baseline="bottom", dy=-4 - 13 * lines, lineHeight=13, fontSize=11, color=INK, lineBreak="|")
    left = alt.Chart(frame).mark_text(align="right", dx=-4, **text).encode(x="start:T", y=alt.value(0), text="before:N")
    right = alt.Chart(frame).mark_text(align="left", dx=4, **text).encode(x="start:T", y=alt.value(0), text="after:N")
    return alt.layer(band, rule, left, right)


def finish(
    chart: alt.TopLevelMixin,
    *,
    title: str,
    subtitle: str,
    source: str,
    description: str,
    data_files: list[str] | tuple[str, ...] = (),
    narrow: alt.TopLevelMixin | None = None,
) -> alt.TopLevelMixin:
    """Give a chart the parts every chart in the book has.

    title: the finding, as a sentence. subtitle: units and the date the data speak for.
    source: the source line shown under the chart. description: what the chart shows,
    for screen readers. data_files: the CSVs in data/ the chart is drawn from, offered
    for download under it. narrow: the same chart laid out for a column under
    `NARROW_BELOW_PX` (vertical facets, legend below, fewer and shorter labels, about
    `NARROW_WIDTH_PX` wide), drawn from the same data; it gets the same title, subtitle,
    source, description and data links, and the page draws whichever layout fits the
    column, choosing again when the column crosses the breakpoint. Without it, a chart
    too wide for its column is narrowed, then scaled down only as far as keeps its text
    at 10 px, and scrolls sideways beyond that (which the browser check fails).
    Raises ValueError for an empty part.
    """
    for name, value in {"title": title, "subtitle": subtitle, "source": source,
                        "description": description}.items():
        if not value or not value.strip():
            raise ValueError(f"a chart needs a non-empty {name}")
    meta = {"source": source, "data_files": list(data_files)}

    def dress(layout: alt.TopLevelMixin, meta: dict) -> alt.TopLevelMixin:
        return layout.properties(
            # Lines break at spaces only, so that joined again with spaces (the page's text,
            # the search index) they give back the words as written.
            title=alt.Title(textwrap.wrap(title, TITLE_LINE_CHARS, break_on_hyphens=False),
                            subtitle=textwrap.wrap(subtitle, SUBTITLE_LINE_CHARS, break_on_hyphens=False),
                            anchor="start"),
            description=description,
            usermeta={"chipbook": meta},
        )

    if narrow is not None:
        meta = {**meta, "narrow": dress(narrow, dict(meta)).to_dict()}
    return dress(chart, meta)


_ABSENT = object()


def narrow_patch(wide, narrow) -> dict:
    """What turns the spec `wide` into `narrow`, as the page's script applies it
    (`applyPatch` in _static/chipbook.js): {"$set": value} replaces a part; {"$keys":
    {key: patch}, "$drop": [key]} changes an object's keys and removes some; {"$items":
    {index: patch}, "$append": [item], "$length": n} changes a list's items, adds items at
    its end or cuts it to its first n. Parts equal in both are left out, so a narrow layout
    costs the page only what differs from the wide one. Both arguments are JSON values (a
    chart's to_dict())."""
    if isinstance(wide, dict) and isinstance(narrow, dict):
        keys = {k: narrow_patch(wide.get(k, _ABSENT), v) for k, v in narrow.items() if wide.get(k, _ABSENT) != v}
        dropped = [k for k in wide if k not in narrow]
        return {**({"$keys": keys} if keys else {}), **({"$drop": dropped} if dropped else {})}
    if isinstance(wide, list) and isinstance(narrow, list):
        items = {str(i): narrow_patch(w, n) for i, (w, n) in enumerate(zip(wide, narrow)) if w != n}
        return {"$items": items, **({"$append": narrow[len(wide):]} if len(narrow) > len(wide) else {}),
                **({"$length": len(narrow)} if len(narrow) < len(wide) else {})}
    return {"$set": narrow}


def apply_narrow_patch(wide, patch):
    """`wide` with `patch` (narrow_patch) applied: what the page draws as the narrow layout."""
    if "$set" in patch:
        return patch["$set"]
    if "$items" in patch:
        items = [apply_narrow_patch(item, patch["$items"][str(i)]) if str(i) in patch["$items"] else item
                 for i, item in enumerate(wide)]
        return items[:patch.get("$length", len(items))] + patch.get("$append", [])
    changed = {**wide, **{k: apply_narrow_patch(wide.get(k), p) for k, p in patch.get("$keys", {}).items()}}
    return {k: v for k, v in changed.items() if k not in patch.get("$drop", [])}


def theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": _FONT,
            # Opaque, so charts stay legible when a reader switches the book to dark mode.
            "background": "white",
            "view": {"continuousWidth": 440, "continuousHeight": 300, "stroke": None},
            # Points at full strength: the palettes reach 3:1 on both pages only unfaded.
            "point": {"opacity": 1}, "circle": {"opacity": 1}, "square": {"opacity": 1},
            "rule": {"color": INK}, "text": {"fontSize": 11},
            "title": {"fontSize": 16, "subtitleFontSize": 12, "subtitleColor": "#555",
                      "anchor": "start", "offset": 12},
            "axis": {"labelFontSize": 11, "labelLimit": 320, "titleFontSize": 12, "gridColor": "#e6e6e6",
                     "domainColor": "#888"},
            # Legend symbols for shape and dash (not colour) in ink, not Vega-Lite's black.
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "top", "titleLimit": 400,
                       "symbolBaseFillColor": INK, "symbolBaseStrokeColor": INK},
            "range": {"category": list(VENDOR_COLORS.values())},
        }
    }


_chart_numbers = itertools.count(1)


def _figure_html(spec: dict) -> str:
    """The HTML of one chart: a figure with the chart, its source line and data links."""
    meta = spec.get("usermeta", {}).get("chipbook")
    if not meta:
        raise ValueError("this chart was not passed through chipbook.charts.finish()")
    narrow = meta.get("narrow")
    if narrow is not None:
        # One copy of each table: the narrow layout reads the wide one's datasets (Altair
        # names a dataset by its content, so a table both layouts draw is stored once) and
        # its metadata, and is carried as what differs from the wide layout (`narrow_patch`),
        # which the page applies to it (_static/chipbook.js).
        parts = lambda layout: {k: v for k, v in layout.items() if k not in ("datasets", "usermeta")}
        check_dates({**narrow, "datasets": {**spec.get("datasets", {}), **narrow.get("datasets", {})}})
        spec = {**spec, "datasets": {**spec.get("datasets", {}), **narrow.get("datasets", {})},
                "usermeta": {**spec["usermeta"], "chipbook": {**meta, "narrow_below": NARROW_BELOW_PX,
                                                              "narrow": narrow_patch(parts(spec), parts(narrow))}}}
    # The page's copy carries what only the drawing needs: the source line and data links
    # are written into the figure below, and the description is the figure's label, which
    # the page hands back to the chart when it draws it (_static/chipbook.js).
    # The book's theme is in the page once (window.chipbookTheme, written by
    # _ext/chipbook_sphinx.py from `theme()`), not in every chart that uses it unchanged.
    drawn = {k: v for k, v in spec.items() if k != "description" and not (k == "config" and v == theme()["config"])}
    drawn["usermeta"] = {**spec["usermeta"], "chipbook": {k: v for k, v in spec["usermeta"]["chipbook"].items()
                                                          if k not in ("source", "data_files")}}
    payload = json.dumps(drawn, sort_keys=True, separators=(",", ":"))
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
