"""Data is text everywhere: a value that looks like markup, or that is long, right-to-left
or full of entities, is shown as itself and never opens or closes an element.

Every renderer is fed the same hostile strings, and its HTML is parsed by html5lib (the
HTML standard's parsing algorithm, as a browser runs it) with a marker paragraph after it:
the marker must survive (nothing swallowed it), the page must hold exactly the renderer's
own scripts, and each string must come back as text.
"""

from __future__ import annotations

import json
import re

import altair as alt
import html5lib
import pandas as pd
import pytest

from chipbook import appendix, charts, data, ledger, paths

LONG_WORD = "Supercalifragilistic" * 15  # 300 characters, no break opportunity
HOSTILE = [
    "<!--<script>",
    "</script><p>injected</p>",
    "-->",
    "\"double\" and 'single' quotes",
    "&amp; &lt;b&gt; &#x27;",
    "emoji \U0001F916\U0001F9EA",
    "Arabic \u0627\u0644\u0639\u0631\u0628\u064a\u0629, Hebrew \u05e2\u05d1\u05e8\u05d9\u05ea, \u202eoverride\u202c",
    LONG_WORD,
]
MARKER = "end-of-fragment-marker"
NS = "{http://www.w3.org/1999/xhtml}"


def parse(fragment: str):
    """The body of a page holding `fragment` and then the marker paragraph."""
    document = html5lib.parse(f"<!DOCTYPE html><title>t</title><body>{fragment}<p id='{MARKER}'>{MARKER}</p>")
    return document.find(f"{NS}body")


def text(element) -> str:
    return "".join(element.itertext())


def assert_safe(fragment: str, strings: list[str], scripts: int = 0):
    body = parse(fragment)
    found = body.findall(f".//{NS}script")
    assert len(found) == scripts, f"{len(found)} script elements where the renderer writes {scripts}"
    marker = [p for p in body.iter(f"{NS}p") if p.get("id") == MARKER]
    assert marker and text(marker[0]) == MARKER, "the data swallowed the rest of the page"
    shown = text(body)
    for string in strings:
        assert string in shown, f"{string[:40]!r} is not shown as text"
    return body


# Each string alone, and all together: `-->` after `<!--<script>` would hide the fault.
@pytest.mark.parametrize("strings", [[s] for s in HOSTILE] + [HOSTILE], ids=[*range(len(HOSTILE)), "all"])
def test_chart_figure_keeps_every_string_as_data(strings):
    words = " ".join(strings)
    frame = pd.DataFrame({"label": strings, "value": range(len(strings))})
    chart = alt.Chart(frame).mark_bar().encode(
        x="value:Q", y="label:N", tooltip=[alt.Tooltip("label:N", title=strings[0]), "value:Q"])
    chart = charts.finish(chart, title=words, subtitle=words, source=words, description=words,
                          data_files=["claims.csv"])
    spec = chart.to_dict()
    spec["usermeta"]["chipbook"]["note"] = words
    fragment = charts.offline_renderer(spec)["text/html"]
    body = assert_safe(fragment, [words], scripts=1)  # the source line
    assert body.find(f".//{NS}figure").get("aria-label") == words
    # The script holds the spec as JSON, every string intact.
    script = text(body.find(f".//{NS}script"))
    drawn = json.loads(re.fullmatch(r'chipbookDraw\("[^"]+",(.*),\{.*\}\);', script, re.S).group(1))
    # The description is the figure's label (above), which the page hands back to the chart.
    assert drawn["usermeta"]["chipbook"]["note"] == words and "description" not in drawn
    assert [row["label"] for row in next(iter(drawn["datasets"].values()))] == strings


def test_the_table_renderer_shows_strings_as_text():
    frame = pd.DataFrame({HOSTILE[0]: HOSTILE, "Link": ['<a href="#x">x</a>'] * len(HOSTILE)})
    body = assert_safe(ledger.html_table(frame, html_columns=("Link",), caption=HOSTILE[0]).data, HOSTILE + [HOSTILE[0]])
    cells = [text(td) for td in body.iter(f"{NS}td")]
    assert cells[::2] == HOSTILE and len(body.findall(f".//{NS}a")) == len(HOSTILE)


@pytest.fixture
def hostile_package(scratch, monkeypatch):
    """The book's data with hostile strings in the free-text columns of the first claim,
    its first evidence row, that row's source and the first disagreement."""
    claims = scratch.rows("claims")
    claim = claims[0]
    claim.update(claim=" ".join(HOSTILE), section=HOSTILE[1], verdict_reason=f"{HOSTILE[0]} {HOSTILE[2]}",
                 would_change=" ".join(HOSTILE[3:7]))
    scratch.write_rows("claims", claims)
    evidence = scratch.rows("evidence")
    row = next(e for e in evidence if e["claim_id"] == claim["claim_id"])
    row["finding"] = " ".join(HOSTILE)
    scratch.write_rows("evidence", evidence)
    sources = scratch.rows("sources")
    source = next(s for s in sources if s["source_id"] == row["source_id"])
    source.update(title=" ".join(HOSTILE[:5]), publisher=HOSTILE[6], note=" ".join(HOSTILE))
    scratch.write_rows("sources", sources)
    pairs = scratch.rows("article_disagreements")
    pairs[0].update(question=" ".join(HOSTILE), why=HOSTILE[1])
    scratch.write_rows("article_disagreements", pairs)
    descriptor = json.loads(scratch.descriptor.read_text(encoding="utf-8"))
    descriptor["resources"][0]["description"] = " ".join(HOSTILE)
    descriptor["resources"][0]["schema"]["fields"][1]["description"] = " ".join(HOSTILE)
    scratch.descriptor.write_text(json.dumps(descriptor), encoding="utf-8")
    data.validate_package(scratch.folder)  # the hostile strings are valid data
    monkeypatch.setattr(paths, "DATAPACKAGE", scratch.descriptor)
    data.clear_caches()
    yield claim
    data.clear_caches()


def test_ledger_tables_show_strings_as_text(hostile_package):
    claim = hostile_package
    everything = [" ".join(HOSTILE)]
    assert_safe(ledger.claims_tested(claim["chapter"]).data, everything)
    assert_safe(ledger.evidence_walk(claim["claim_id"]).data, everything + [f"{HOSTILE[0]} {HOSTILE[2]}"])
    # the verdict's reason is shown once, in the claim's section (evidence_walk, above)
    assert_safe(ledger.verdict_table(claim["chapter"]).data, [" ".join(HOSTILE[3:7])])
    assert_safe(ledger.all_claims_filterable().data, everything + [HOSTILE[1]])
    assert_safe(ledger.disagreements_table().data, everything + [HOSTILE[1]])


def test_bibliography_and_data_appendix_show_strings_as_text(hostile_package):
    assert_safe(appendix.bibliography().data, [" ".join(HOSTILE[:5]), HOSTILE[6], " ".join(HOSTILE)])
    assert_safe(appendix.data_dictionary().data, [" ".join(HOSTILE)])
