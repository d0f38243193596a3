"""Every chart's tooltips speak in words: each field has a title (not the raw column name,
no underscores), and no value a tooltip shows is missing, which vega would print as "null".
Read from the chart specs embedded in the built pages."""

from __future__ import annotations

import json
import re

import pytest

from site_pages import HTML, require_build, toc_pages

pytestmark = pytest.mark.site
_DRAW = re.compile(r"chipbookDraw\((\"[^\"]+\"),(.*?),(\{\"renderer\".*?\})\);</script>", re.DOTALL)


def _specs():
    require_build()
    for page in toc_pages():
        for match in _DRAW.finditer((HTML / page).read_text(encoding="utf-8")):
            yield page, json.loads(match.group(2))


def _tooltips(spec):
    """Every tooltip field definition anywhere in a spec (layers, concatenations, facets)."""
    if isinstance(spec, dict):
        tooltip = spec.get("encoding", {}).get("tooltip") if isinstance(spec.get("encoding"), dict) else None
        if tooltip:
            yield from (tooltip if isinstance(tooltip, list) else [tooltip])
        for value in spec.values():
            yield from _tooltips(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from _tooltips(value)


def _title(spec) -> str:
    title = spec.get("title", {})
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text)


def test_every_tooltip_field_has_a_title_in_words():
    untitled, fields = [], 0
    for page, spec in _specs():
        for field in _tooltips(spec):
            if not isinstance(field, dict) or "field" not in field:
                continue
            fields += 1
            title = field.get("title")
            if not title or title == field["field"] or "_" in str(title):
                untitled.append(f"{page}: '{_title(spec)[:50]}': {field['field']} -> {title!r}")
    assert fields > 100, f"only {fields} tooltip fields in the built book"
    assert not untitled, "tooltip fields shown to readers as raw column names:\n" + "\n".join(untitled)


def test_no_tooltip_shows_a_missing_value():
    nulls = []
    for page, spec in _specs():
        shown = {f["field"] for f in _tooltips(spec) if isinstance(f, dict) and "field" in f}
        for name, rows in spec.get("datasets", {}).items():
            for row in rows:
                missing = sorted(k for k in shown & set(row) if row[k] is None)
                if missing:
                    nulls.append(f"{page}: '{_title(spec)[:50]}': {missing} in {row}")
                    break
    assert not nulls, "tooltip fields with missing values (shown as 'null'):\n" + "\n".join(nulls[:40])
