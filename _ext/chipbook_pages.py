"""Sphinx hooks that make long pages and lazily drawn charts easier on a phone.

1. Reserves each chart's height before it is drawn (`reserve_chart_heights`): chipbook.js
   draws a chart only as the reader nears it, and an empty frame that grows by hundreds of
   pixels when it draws moves everything below it (a reader who jumps down the page saw a
   cumulative layout shift of 1.2). The height is estimated from the chart's spec in the
   page (plot height, or step x categories; title and subtitle lines; axis; controls) and
   written on the frame as `--chipbook-chart-height`, which _static/chipbook.css holds
   until the chart is drawn. An estimate, not a measurement: off by about 30 px on a
   desktop and 80 px on a phone, against 250-880 px without it.
2. Puts a jump list at the top of the long generated pages (`add_jump_lists`): the data
   appendix's tables (each a `section.chipbook-table-doc` with an id and a heading) and the
   bibliography's entries by the first letter of their author. Their headings are written
   by a notebook's output, which the theme's page contents (built from the document's own
   sections) does not see: the same links become the page's contents too, so these pages
   get the theme's "On this page" button and panel like every chapter.
"""

from __future__ import annotations

import html
import json
import re

# A chart as chipbook.charts._figure_html writes it: its frame, then its inline script.
CHART = re.compile(r'<div class="chipbook-chart-canvas" id="(?P<id>[^"]+)"></div>'
                   r'(?P<between>.*?)<script>chipbookDraw\((?P<call>.*?)\);</script>', re.S)
# Pixels, for the estimate (the book's theme: bold 16 px title, 12 px subtitle; a column
# of about 720 px on a desktop).
COLUMN_PX, TITLE_LINE_PX, SUBTITLE_LINE_PX = 720, 22, 16
TITLE_CHAR_PX, SUBTITLE_CHAR_PX = 9.0, 6.3
AXIS_PX, PADDING_PX, CONTROL_PX, CONCAT_GAP_PX, DEFAULT_STEP_PX, DEFAULT_PLOT_PX = 50, 12, 36, 50, 20, 300


def _rows(spec: dict, node: dict, inherited: list | None) -> list:
    data = node.get("data")
    if isinstance(data, dict) and data.get("name"):
        return spec.get("datasets", {}).get(data["name"], [])
    if inherited is not None:
        return inherited
    top = spec.get("data")
    return spec.get("datasets", {}).get(top.get("name"), []) if isinstance(top, dict) else []


def plot_height(spec: dict, node: dict, inherited: list | None = None) -> float:
    """The height of a view's plot (px): its height, or its y step times the number of
    categories in its data; concatenated views add up (vertical) or take the tallest."""
    rows = _rows(spec, node, inherited)
    if "vconcat" in node:
        return sum(plot_height(spec, view, rows) for view in node["vconcat"]) + CONCAT_GAP_PX * (len(node["vconcat"]) - 1)
    if "hconcat" in node or "concat" in node:
        return max(plot_height(spec, view, rows) for view in node.get("hconcat") or node.get("concat"))
    height = node.get("height")
    if isinstance(height, (int, float)):
        return height
    step = height.get("step") if isinstance(height, dict) else None
    layers = node.get("layer", [])
    for part in [node, *layers]:
        y = (part.get("encoding") or {}).get("y")
        if isinstance(y, dict) and y.get("type") in ("nominal", "ordinal") and y.get("field"):
            categories = {row.get(y["field"]) for row in _rows(spec, part, rows)}
            return (step or DEFAULT_STEP_PX) * max(1, len(categories))
    for part in layers:
        if isinstance(part.get("height"), (int, float)):
            return part["height"]
    return DEFAULT_PLOT_PX


def _lines(text, char_px: float, width: float) -> int:
    if not text:
        return 0
    words = " ".join(text) if isinstance(text, list) else str(text)
    per_line = max(10, int((width - 40) / char_px))
    return -(-len(words) // per_line)


def estimated_height(spec: dict, width: float = COLUMN_PX) -> int:
    """The drawn height (px) of a chart and its controls, estimated from its Vega-Lite spec."""
    title = spec.get("title") or {}
    if isinstance(title, str):
        title = {"text": title}
    room = min(width, 640)
    controls = [p for p in spec.get("params", []) if isinstance(p.get("bind"), dict) and p["bind"].get("input")]
    return round(plot_height(spec, spec) + AXIS_PX + PADDING_PX
                 + TITLE_LINE_PX * _lines(title.get("text"), TITLE_CHAR_PX, room)
                 + SUBTITLE_LINE_PX * _lines(title.get("subtitle"), SUBTITLE_CHAR_PX, room)
                 + CONTROL_PX * len(controls))


def _spec_of(call: str) -> dict | None:
    """The spec argument of `chipbookDraw("id",{spec},{options})` (JSON, `<`/`>`/`&` escaped)."""
    try:
        args = json.loads("[" + call + "]")
    except ValueError:
        return None
    return args[1] if len(args) > 1 and isinstance(args[1], dict) else None


def reserve_chart_heights(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if 'class="chipbook-chart-canvas"' not in body:
        return

    def reserve(match: re.Match) -> str:
        spec = _spec_of(match["call"])
        if spec is None:
            return match[0]
        frame = f'<div class="chipbook-chart-canvas" id="{match["id"]}"></div>'
        return (f'<div class="chipbook-chart-canvas" id="{match["id"]}" '
                f'style="--chipbook-chart-height: {estimated_height(spec)}px"></div>' + match[0][len(frame):])

    context["body"] = CHART.sub(reserve, body)


TABLE_DOC = re.compile(r'<section class="chipbook-table-doc" id="(?P<id>[^"]+)"><h2>(?P<title>.*?)</h2>', re.S)
SOURCE_ENTRY = re.compile(r'<li class="chipbook-source-entry" id="(?P<id>[^"]+)">(?P<text>[^<]*)')
TAG = re.compile(r"<[^>]+>")
CODE = re.compile(r"<code>.*?</code>", re.S)


def _jump_list(label: str, links: list[tuple[str, str]], nav_id: str) -> str:
    items = "".join(f'<li><a href="#{html.escape(target)}">{text}</a></li>' for target, text in links)
    return (f'<nav class="chipbook-jump" id="{nav_id}" aria-labelledby="{nav_id}-label">'
            f'<p id="{nav_id}-label"><strong>{html.escape(label)}</strong></p><ul>{items}</ul></nav>')


def _page_contents(title: str, links: list[tuple[str, str]]) -> str:
    """The page's contents in Sphinx's local-toc form, from which the theme builds its "On
    this page" panel and header button (pydata-sphinx-theme's generate_toc_html)."""
    items = "".join(f'<li><a class="reference internal" href="#{html.escape(target)}">{text}</a></li>'
                    for target, text in links)
    return (f'<ul><li><a class="reference internal" href="#">{html.escape(title)}</a>'
            f"<ul>{items}</ul></li></ul>")


def add_jump_lists(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    title = html.unescape(TAG.sub("", context.get("title", "")))
    tables = list(TABLE_DOC.finditer(body))
    if len(tables) >= 5:
        # A table's name, without the file name its heading shows in code.
        links = [(m["id"], html.escape(html.unescape(TAG.sub("", CODE.sub("", m["title"]))).strip()))
                 for m in tables]
        nav = _jump_list(f"The {len(tables)} tables on this page", links, "chipbook-tables")
        context["toc"] = _page_contents(title, links)
        first = tables[0].start()
        body = body[:first] + nav + body[first:]
    entries = list(SOURCE_ENTRY.finditer(body))
    if len(entries) >= 20:
        letters: dict[str, str] = {}
        for m in entries:
            letter = html.unescape(m["text"]).strip()[:1].upper()
            letter = letter if letter.isalpha() else "#"
            letters.setdefault(letter, m["id"])
        links = [(target, letter) for letter, target in sorted(letters.items())]
        nav = _jump_list(f"The {len(entries)} sources by the first letter of their author", links,
                         "chipbook-letters")
        context["toc"] = _page_contents(title, links)
        first = body.rfind('<ol class="chipbook-bibliography"', 0, entries[0].start())
        at = first if first >= 0 else entries[0].start()
        body = body[:at] + nav + body[at:]
    context["body"] = body


def setup(app):
    app.connect("html-page-context", reserve_chart_heights)
    app.connect("html-page-context", add_jump_lists)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
