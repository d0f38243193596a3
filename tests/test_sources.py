"""The citation model: a source's ``url`` is its original publisher's address, a copy it
was read in goes in ``copy_url``, and no address is a redirect, proxy or short link.
The recorded hosts and shapes live once in ``chipbook.citations``; the rules on
data/sources.csv and the confidence grades run in `make check` (chipbook.table_rules,
broken one by one in tests/test_table_rules.py)."""

from __future__ import annotations

import pytest

from chipbook import citations, load_table

SOURCES = load_table("sources")


@pytest.mark.parametrize("url, fault", [
    ("https://www.bing.com/news/apiclick.aspx?ref=FexRss&url=https%3A%2F%2Fwww.ft.com%2Fcontent%2Fx", "redirect"),
    ("https://www.google.com/url?q=https://example.org/a", "redirect"),
    ("https://ibn.fm/6otFD", "short link"),
    ("https://bit.ly/abc", "short link"),
    ("https://t.co/xyz", "short link"),
    ("https://file-hippo.netlify.app/host-https-www.theregister.com/2023/12/06/x", "proxy"),
    ("https://vuink.com/post/algvzrf-d-dpbz/2024/02/20/technology/x", "proxy"),
    ("https://d33gy59ovltp76.cloudfront.net/news/x", "CDN"),
    ("https://gokawiil.com/article/135472", "copy site"),
    ("https://bvbvf1.bib-bvb.de/vufind/PrimoRecord/cdi_arxiv_primary_2304_01433", "copy site"),
    ("https://docs.jax.dev/en/latest/installation.html?trk=article-ssr", "tracking"),
    ("https://example.org/redirect?to=a", "redirect"),
    ("https://neowin.net/amp/google-takes-on-nvidia-blackwell-gpus-with-the-new-trillium-tpus", "AMP"),
    ("https://amp.theguardian.com/technology/2024/x", "AMP"),
    ("https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a", "AMP"),
])
def test_url_fault_names_each_recorded_shape(url, fault):
    why = citations.url_fault(url)
    assert why is not None and fault in why, f"{url}: expected a {fault} fault, got {why!r}"


@pytest.mark.parametrize("url", [
    "https://www.anthropic.com/engineering/a-postmortem-of-three-recent-issues",
    "https://arxiv.org/abs/2304.01433",
    "https://www.ftc.gov/news-events/news/press-releases/2025/01/ftc-issues-staff-report-ai-partnerships-investments-study",
    "https://github.com/jax-ml/jax/issues/18934",
    "https://awsdocs-neuron.readthedocs-hosted.com/en/latest/nki/index.html",
    "https://www.neowin.net/news/google-takes-on-nvidia-blackwell-gpus-with-the-new-trillium-tpus/",
    "https://example.org/ampere/amplifier",
])
def test_url_fault_passes_publishers_addresses(url):
    assert citations.url_fault(url) is None


def test_bibliography_links_the_original_and_marks_every_copy():
    import html
    import re

    from chipbook import appendix

    page = appendix.bibliography().data
    entries = dict(re.findall(r'<li class="chipbook-source-entry" id="src-([^"]+)">(.*?)</li>', page))
    assert set(entries) == set(SOURCES["source_id"])
    copies = SOURCES[SOURCES["copy_url"].notna()]
    assert not copies.empty, "no source records a copy_url, so nothing here is tested"
    for s in SOURCES.itertuples():
        entry = entries[s.source_id]
        assert f'<a href="{html.escape(s.url)}">' in entry, f"{s.source_id}: original link missing"
        if isinstance(s.copy_url, str):
            words = appendix.READ_VIA[s.copy_kind]
            assert f'<a href="{html.escape(s.copy_url)}">{words}</a>' in entry, s.source_id
            other = set(appendix.READ_VIA.values()) - {words}
            assert not any(w in entry for w in other), f"{s.source_id}: marked as both a copy and a report"
        else:
            assert not any(w in entry for w in appendix.READ_VIA.values()), s.source_id
        assert ("Cited at a copy" in entry.split("<em>Note:</em>")[0]) == bool(
            citations.url_fault(s.url)), f"{s.source_id}: copy-only mark wrong"


@pytest.mark.parametrize("a, b", [
    ("https://www.anthropic.com/news/x", "http://anthropic.com/news/x/"),
    ("https://Example.org/a/b/", "https://example.org/a/b"),
])
def test_normalised_urls_match_across_scheme_www_and_trailing_slash(a, b):
    assert citations.normalised(a) == citations.normalised(b)


def test_normalised_urls_keep_different_pages_apart():
    assert citations.normalised("https://example.org/a?id=1") != citations.normalised("https://example.org/a?id=2")
    assert citations.normalised("https://example.org/a") != citations.normalised("https://example.org/b")


@pytest.mark.parametrize("publisher, url, wire", [
    ("NDTV (Reuters)", "https://www.ndtv.com/ai/x", "Reuters"),
    ("BizNews (Bloomberg, Rachel Metz)", "https://www.biznews.com/tech/x", "Bloomberg"),
    ("Livemint (WSJ syndication)", "https://www.livemint.com/global/x", "WSJ"),
    ("CNA (syndicated commentary)", "https://www.channelnewsasia.com/commentary/x", "syndicated"),
    ("Reuters (via Dunya News)", "https://www.reuters.com/business/x", None),
    ("The Decoder (citing The Information)", "https://the-decoder.com/x", None),
    ("GuruFocus (relaying Bloomberg)", "https://www.gurufocus.com/news/x", None),
    ("Reuters", "https://www.reuters.com/technology/x", None),
])
def test_republished_wire_names_the_agency_a_partner_page_republishes(publisher, url, wire):
    assert citations.republished_wire(publisher, url) == wire
