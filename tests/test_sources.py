"""The citation model: a source's ``url`` is its original publisher's address, a copy it
was read in goes in ``copy_url``, and no address is a redirect, proxy or short link.
The recorded hosts and shapes live once in ``chipbook.citations``."""

from __future__ import annotations

import pytest

from chipbook import citations, load_table

SOURCES = load_table("sources")
EVIDENCE = load_table("evidence")


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


def test_no_source_is_cited_at_a_copy_redirect_or_proxy():
    faults = {s.source_id: citations.url_fault(s.url) for s in SOURCES.itertuples()}
    bad = {sid: f"{why} ({url})" for (sid, why), url in zip(faults.items(), SOURCES["url"])
           if why and sid not in citations.COPY_ONLY}
    assert not bad, (
        "data/sources.csv: these sources' url is not the original publisher's address; put the "
        "original in url and the copy in copy_url:\n" + "\n".join(f"  {k}: {v}" for k, v in bad.items()))


def test_copy_only_sources_are_few_real_and_graded_low():
    assert len(citations.COPY_ONLY) <= citations.MAX_COPY_ONLY
    by_id = SOURCES.set_index("source_id")
    for source_id in citations.COPY_ONLY:
        assert source_id in by_id.index, f"COPY_ONLY names {source_id}, which is not in sources.csv"
        row = by_id.loc[source_id]
        assert citations.url_fault(row["url"]), (
            f"{source_id} is listed as copy-only but its url is an original: remove it from COPY_ONLY")
        assert citations.NO_ORIGINAL_NOTE in str(row["note"]).lower(), (
            f"{source_id}: a copy-only source's note must say '{citations.NO_ORIGINAL_NOTE}'")
        cited = EVIDENCE[EVIDENCE["source_id"] == source_id]
        not_low = cited[cited["confidence"] != "low"]
        assert not_low.empty, (
            f"evidence rows citing copy-only {source_id} must be confidence low: {list(not_low['evidence_id'])}")


def test_copy_url_is_a_copy_not_the_original_nor_a_redirect():
    copies = SOURCES[SOURCES["copy_url"].notna()]
    assert not copies.empty, "no source records where it was read in a copy (copy_url), so nothing is checked"
    same = copies[copies["copy_url"] == copies["url"]]
    assert same.empty, f"copy_url repeats url (leave it empty when read at url): {list(same['source_id'])}"
    redirects = {s.source_id: citations.redirect_fault(s.copy_url) for s in copies.itertuples()
                 if citations.redirect_fault(s.copy_url)}
    assert not redirects, f"copy_url must be the copy's own address, not a redirect or short link: {redirects}"


def test_publisher_names_the_original_not_the_copy():
    """A row read in a copy names the original publisher; the copy's host is in copy_url."""
    hosts = [h for h in citations.COPY_HOSTS if "." in h]
    named = SOURCES[~SOURCES["source_id"].isin(citations.COPY_ONLY)
                    & SOURCES["publisher"].str.lower().apply(lambda p: any(h in p for h in hosts))]
    assert named.empty, f"publisher names a copy site: {dict(zip(named['source_id'], named['publisher']))}"


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


def test_copy_kind_is_set_exactly_when_copy_url_is():
    """copy_kind says whether copy_url holds the same text or a secondary report of it."""
    has_copy = SOURCES["copy_url"].notna()
    has_kind = SOURCES["copy_kind"].notna()
    assert has_copy.any() and (SOURCES["copy_kind"] == "report").any(), "nothing here is tested"
    missing = SOURCES[has_copy & ~has_kind]
    assert missing.empty, (
        "data/sources.csv: copy_kind (copy or report) is required where copy_url is set: "
        f"{list(missing['source_id'])}")
    stray = SOURCES[has_kind & ~has_copy]
    assert stray.empty, f"data/sources.csv: copy_kind set without a copy_url: {list(stray['source_id'])}"


def primary_read_only_in_a_report(sources, evidence):
    """Evidence rows (as a frame) citing a primary source whose only reading was a secondary report."""
    from chipbook.vocabulary import PRIMARY_SOURCE_KINDS

    read_in_report = sources[(sources["copy_kind"] == "report") & sources["kind"].isin(PRIMARY_SOURCE_KINDS)]
    return evidence[evidence["source_id"].isin(read_in_report["source_id"])]


def test_a_primary_read_only_in_a_secondary_report_is_not_graded_high():
    cited = primary_read_only_in_a_report(SOURCES, EVIDENCE)
    assert not cited.empty, "no evidence rests on a primary read in a report, so nothing here is tested"
    high = cited[cited["confidence"] == "high"]
    assert high.empty, (
        "data/evidence.csv: these rows rest on a primary source read only in a secondary report of it "
        "(copy_kind report), so they cannot be graded high: " + ", ".join(
            f"{e.evidence_id} ({e.source_id})" for e in high.itertuples()))


@pytest.mark.parametrize("a, b", [
    ("https://www.anthropic.com/news/x", "http://anthropic.com/news/x/"),
    ("https://Example.org/a/b/", "https://example.org/a/b"),
])
def test_normalised_urls_match_across_scheme_www_and_trailing_slash(a, b):
    assert citations.normalised(a) == citations.normalised(b)


def test_normalised_urls_keep_different_pages_apart():
    assert citations.normalised("https://example.org/a?id=1") != citations.normalised("https://example.org/a?id=2")
    assert citations.normalised("https://example.org/a") != citations.normalised("https://example.org/b")


def test_no_two_sources_share_an_address():
    """One document, one row: a second row for the same url splits its citations."""
    keys = SOURCES.assign(key=SOURCES["url"].map(citations.normalised))
    dup = keys[keys.duplicated("key", keep=False)].sort_values("key")
    assert dup.empty, "data/sources.csv: these sources register the same url (merge them and repoint their rows): " + \
        "; ".join(f"{k}: {', '.join(g['source_id'])}" for k, g in dup.groupby("key"))


# A source whose note says the page itself was not opened, or that its text was read in a
# GitHub copy, was read in a copy even where the copy's address was not recorded.
READ_ELSEWHERE = r"page not opened|PDF not opened|read via a GitHub mirror|read in a GitHub news-digest copy|read via GitHub copies"


def high_rows_not_read_at_the_publisher(sources, evidence):
    """Evidence rows graded high whose source is not a primary read at its publisher's address:
    not a primary kind, read in a copy (copy_url set), or noted as read elsewhere."""
    from chipbook.vocabulary import PRIMARY_SOURCE_KINDS

    cited = evidence[evidence["confidence"] == "high"].merge(sources, on="source_id")
    bad = (~cited["kind"].isin(PRIMARY_SOURCE_KINDS) | cited["copy_url"].notna()
           | cited["note"].fillna("").str.contains(READ_ELSEWHERE, case=False))
    return cited[bad]


def test_high_means_a_primary_source_read_at_its_publisher():
    """intro.ipynb: high = a primary source read where its publisher put it; a primary read only
    in a copy or report is medium."""
    high = EVIDENCE[EVIDENCE["confidence"] == "high"]
    assert not high.empty, "no evidence row is graded high, so nothing here is tested"
    bad = high_rows_not_read_at_the_publisher(SOURCES, EVIDENCE)
    assert bad.empty, (
        "data/evidence.csv: graded high but the source is not a primary read at its publisher's address "
        "(kind not primary, copy_url set, or the note says it was read in a copy): " + ", ".join(
            f"{e.evidence_id} ({e.source_id})" for e in bad.itertuples()))


def test_the_high_grade_rule_catches_a_copy_read():
    """The rule above fails on a row graded high from a source read in a copy."""
    copied = SOURCES[SOURCES["copy_url"].notna()].iloc[:1]
    row = EVIDENCE.iloc[:1].assign(source_id=copied["source_id"].iloc[0], confidence="high")
    assert len(high_rows_not_read_at_the_publisher(copied, row)) == 1


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


def test_a_republished_wire_story_says_so_in_its_note():
    """A wire story cited at a partner's page, not the agency's own, is a republication: the
    note says so and why the agency's address is missing (issue 23: Addresses)."""
    silent = [s.source_id for s in SOURCES.itertuples()
              if citations.republished_wire(s.publisher, s.url)
              and citations.REPUBLICATION_NOTE not in str(s.note).lower()]
    assert not silent, ("data/sources.csv: these url are a partner's republication of a wire story; put the "
                        f"agency's own page in url (the partner's in copy_url), or say '{citations.REPUBLICATION_NOTE}' "
                        f"and why in the note: {silent}")


def test_a_derived_address_says_it_was_not_seen():
    """An address built from one that was seen is marked 'derived: <why>; not seen at this address'."""
    derived = SOURCES[SOURCES["note"].fillna("").str.contains(citations.DERIVED_NOTE, regex=False)]
    assert not derived.empty, "no derived address is recorded, so nothing here is tested"
    unsaid = derived[~derived["note"].str.contains(citations.NOT_SEEN_NOTE, regex=False)]
    assert unsaid.empty, f"derived addresses whose note does not say '{citations.NOT_SEEN_NOTE}': {list(unsaid['source_id'])}"
