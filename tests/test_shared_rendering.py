"""The shared rendering helpers chapters use instead of their own: source lines,
citations, plain tables and the articles' date bands."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from chipbook import charts, ledger, load_table

SOURCES = load_table("sources").set_index("source_id")


def test_publishers_names_each_publisher_once_in_order_and_skips_blanks():
    ids = list(SOURCES.index[:3])
    line = ledger.publishers([ids[1], ids[0], ids[1], math.nan, ids[2]])
    expected = list(dict.fromkeys(SOURCES.loc[i, "publisher"].split(" (")[0] for i in (ids[1], ids[0], ids[2])))
    assert line == "; ".join(expected)


def test_publishers_of_a_set_come_in_the_order_of_their_ids():
    # A set's iteration order changes between runs; the source line must not.
    ids = set(SOURCES.index[:5])
    assert ledger.publishers(ids) == ledger.publishers(sorted(ids))


def test_publishers_drops_the_copy_host_in_parentheses():
    with_host = SOURCES[SOURCES["publisher"].str.contains(r" \(")].index[0]
    assert "(" not in ledger.publishers([with_host])


def test_publishers_refuses_an_unknown_source():
    with pytest.raises(KeyError, match="no-such-source"):
        ledger.publishers(["no-such-source"])


def test_cite_links_to_the_bibliography():
    source_id = SOURCES.index[0]
    assert f'href="bibliography.html#src-{source_id}"' in ledger.cite(source_id, source_id)
    assert ledger.cite(source_id, source_id).count("<a ") == 1


def test_html_table_escapes_text_but_not_html_columns():
    frame = pd.DataFrame({"Text": ["<b>x</b>", None], "Link": ['<a href="#a">a</a>', '<a href="#b">b</a>']})
    page = ledger.html_table(frame, html_columns=("Link",), caption="Links <and> text").data
    assert "&lt;b&gt;x&lt;/b&gt;" in page and '<a href="#a">a</a>' in page
    assert "<caption>Links &lt;and&gt; text</caption>" in page  # every table says what it holds, as text
    assert "<td>–</td>" in page  # the missing value
    assert page.count("<tr>") == 3  # header and two rows


def test_a_table_without_a_caption_is_refused():
    frame = pd.DataFrame({"Text": ["x"]})
    for caption in ("", "   "):
        try:
            ledger.html_table(frame, caption=caption)
        except ValueError as error:
            assert "caption" in str(error)
        else:
            raise AssertionError(f"a table with caption {caption!r} was rendered")


def test_article_bands_span_each_article_window():
    articles = load_table("articles")
    spec = charts.article_bands(articles).to_dict()
    band = spec["layer"][0]
    rows = spec["datasets"][band["data"]["name"]]
    assert {r["article_id"] for r in rows} == set(articles["article_id"])
    for row in rows:
        window = articles.set_index("article_id").loc[row["article_id"]]
        assert row["date_earliest"].startswith(f"{window['date_earliest']:%Y-%m-%d}")
        assert row["date_latest"].startswith(f"{window['date_latest']:%Y-%m-%d}")
