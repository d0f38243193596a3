"""What a source's address may be: the citation model, stated once.

A row of ``data/sources.csv`` separates *what is cited* from *where it was read*:

- ``url`` is the address where the original publisher put the document (the company's
  newsroom, the regulator's site, arXiv, the outlet's own article page);
- ``copy_url``, when set, is where the text was actually read instead, and ``copy_kind``
  says what it is: ``copy`` (the same text on another host: a mirror, a syndication, a
  repository copy), shown in the bibliography as "read via a copy", or ``report`` (a
  secondary account of the document: a summary, digest or other outlet's story), shown as
  "read in a secondary report of it". Evidence resting on a primary source that was read
  only in a report is never graded high.

A reader who follows ``url`` must land on the publisher, not on a third party that may
have altered, summarised or lost the text. So ``url`` is never a redirect, a proxy, a
short link, a CDN or library-catalogue copy, or a content farm. The hosts and shapes
below are the ones this project has met; :func:`url_fault` names the fault, and
``tests/test_sources.py`` fails on any ``url`` it flags unless the source is in
:data:`COPY_ONLY`, the few sources kept although no original could be found (each graded
low in the ledger and saying so in its note).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

# URL shapes that send the reader somewhere else (a redirect carrying the real address,
# a tracking parameter). Never allowed, not even in ``copy_url``. Matched against the
# whole address, case-insensitively.
REDIRECT_SHAPES: dict[str, str] = {
    r"/apiclick\.aspx": "a search engine's click-redirect",
    r"[?&](url|q|u|target|dest)=https?(%3a|:)": "a redirect carrying the real address in its query",
    r"^https?://(www\.)?google\.[a-z.]+/url\?": "a search engine's click-redirect",
    r"/redirect(/|\?|$)": "a redirect",
    r"[?&](utm_[a-z]+|trk|authuser|cid|fbclid|gclid)=": "a tracking parameter on the address",
}

# URL shapes of a third party re-serving someone else's page (proxies, CDN hostnames,
# odd host prefixes). Fine as a ``copy_url``, never as the cited ``url``.
PROXY_SHAPES: dict[str, str] = {
    r"^https?://[^/]+\.netlify\.app/host-": "a proxy that re-serves another site",
    r"^https?://[^/]*\bvuink\.com/": "a proxy that re-serves another site",
    r"^https?://[^/]+\.cloudfront\.net/": "a CDN copy, not the publisher's address",
    r"^https?://[^/]+\.arc-cdn\.net/": "a CDN copy, not the publisher's address",
    r"^https?://[^/]+\.mymagic\.page/": "a CDN copy, not the publisher's address",
    r"^https?://xn--[^/]*\.(?!xn--)[^/]+/": "an odd internationalised prefix on the publisher's host (a copy)",
    r"^https?://amp\.": "an AMP rendering, not the canonical page",
    r"^https?://[^/]+\.cdn\.ampproject\.org/": "an AMP cache copy, not the canonical page",
    r"^https?://[^/]+(/[^?#]*)?/amp(/|\?|#|$)": "an AMP rendering, not the canonical page",
}

# Short-link services: the address says nothing about the publisher and can be re-pointed.
SHORT_LINK_HOSTS = frozenset({
    "bit.ly", "t.co", "ibn.fm", "tinyurl.com", "ow.ly", "buff.ly", "lnkd.in", "goo.gl",
    "dlvr.it", "trib.al", "shorturl.at", "rb.gy",
})

# Hosts this project has seen serving copies of other publishers' documents (mirrors,
# syndication scrapers, look-alike domains, library records) or machine-written summaries
# and aggregations (content farms). A source found there is cited at its original; the
# copy goes in ``copy_url``. Subdomains match too.
COPY_HOSTS: dict[str, str] = {
    # mirrors and scrapers of other publishers' articles
    "gokawiil.com": "mirror", "newsbeep.com": "mirror", "dataglobalhub.org": "mirror",
    "devache.com": "mirror", "news.kurtseifried.org": "mirror", "hnews-reader.vercel.app": "mirror",
    "sgpjbg.com": "mirror", "thinkbymore.com": "mirror", "todayheadline.co": "mirror",
    "taranganews.com": "mirror", "thedailybulletin.in": "mirror", "hedgeco.net": "mirror",
    "dnyuz.com": "mirror", "airevolution.cc": "mirror", "menafn.com": "mirror",
    "vmblog.com": "mirror", "gixtools.net": "mirror", "itnetworkingprotoday.com": "mirror",
    "dataintegration.info": "mirror", "playverseo.com": "mirror", "trendpulse.me": "mirror",
    "moomoo.com": "mirror", "genixplay.com": "mirror", "wpnews.pro": "mirror",
    "financetom.com": "mirror", "mcadcafe.com": "mirror", "newsflash.city": "mirror",
    "dunyanews.tv": "mirror", "engineering.01cloud.com": "mirror", "frousa.org": "mirror",
    # look-alike domains
    "rbyhdq.net": "look-alike of ftc.gov",
    # library and catalogue records of papers
    "bib-bvb.de": "library record", "mendeley.com": "library record",
    "pith.science": "copy of an arXiv listing", "semanticscholar.org": "library record",
    # content farms, AI summary sites, aggregators
    "agenticbrew.ai": "content farm", "aibriefingroom.com": "content farm",
    "aihiresignal.com": "job aggregator", "artificial-intelligence-wiki.com": "content farm",
    "ascii.co.uk": "content farm", "becurious.to": "AI podcast summary",
    "murmurcast.com": "AI podcast summary", "mindbento.com": "AI podcast summary",
    "riffon.com": "AI podcast summary", "sozai.app": "AI transcript site",
    "centerconsulting.com": "AI paper summary", "digitalchew.com": "content farm",
    "digitalmarketreports.com": "content farm", "draft-publish.com": "content farm",
    "investntrade.net": "content farm", "thedailyscout.com": "content farm",
    "brief.news": "AI news summary", "pjfp.com": "content farm", "particle.news": "aggregator",
    "theinformationmachine.fyi": "aggregator", "superintelligencedigest.com": "AI news summary",
    "warptechlab.com": "aggregator", "wyomingstarnews.org": "aggregator",
    "stoxpo.com": "content farm", "aifront-page.com": "content farm",
    "sipoch.com": "content farm", "techscoop360.com": "content farm",
    "newsletter.devcowboy.com": "aggregator",
}

# Sources kept at a copy's address because no original could be established and no
# better source says the same. Each is graded low wherever the ledger cites it, and its
# note says no original could be found. Keep this list short (the tests allow 7).
COPY_ONLY: dict[str, str] = {
    "draftpublish-why-anthropic-nvidia": "the article under test; its only copy has no byline, outlet or date",
    "bloomberg-google-anthropic-2b-2023": "Bloomberg's own address not established; only source for the spokesperson",
    "digitalmarketreports-amazon-anthropic-2024": "The Information is paywalled; no outlet seen repeats the $40B",
    "networkworld-aws-10p10u-2024": "Network World's own address not established; no AWS page says the same",
    "semianalysis-claude-code-trainium-2026": "SemiAnalysis's post on X not establishable; seen only in an aggregator",
    "reuters-openai-no-tpu-plans-2025": "Reuters's own address not established; seen only in a reprint",
}

MAX_COPY_ONLY = 7
NO_ORIGINAL_NOTE = "no original could be found"

# News agencies whose stories partner outlets republish, with the agency's own host. A source
# whose publisher names one in parentheses ("NDTV (Reuters)") or says it is syndicated, and
# whose url is not on the agency's host, is a republication: its original goes in url when it
# can be found; until then its note says REPUBLICATION_NOTE and why the original's address is
# missing.
WIRE_HOSTS: dict[str, str] = {
    "Reuters": "reuters.com", "Bloomberg": "bloomberg.com", "WSJ": "wsj.com",
    "The Wall Street Journal": "wsj.com", "AP": "apnews.com",
}
REPUBLICATION_NOTE = "republication"
# An address nobody saw, built from one that was seen (the same path on the publisher's own
# host): its note says DERIVED_NOTE, then why, and that it was not seen there.
DERIVED_NOTE = "derived:"
NOT_SEEN_NOTE = "not seen at this address"


def republished_wire(publisher: str, url: str) -> str | None:
    """The agency a source's publisher says it republishes ("NDTV (Reuters)" -> "Reuters";
    "CNA (syndicated commentary)" -> "syndicated"), or None when the publisher names none,
    the url is on that agency's own host, or the outlet only cites or relays the agency in a
    story of its own ("The Decoder (citing The Information)")."""
    named = re.search(r"\(([^)]*)\)", publisher)
    if not named or re.match(r"\s*(citing|relaying|via)\b", named.group(1), re.I):
        return None  # an outlet's own story citing an agency is a report, not a republication
    inside = named.group(1)
    for wire, wire_host in WIRE_HOSTS.items():
        if re.search(rf"\b{re.escape(wire)}\b", inside):
            return None if _host_in(host(url), [wire_host]) else wire
    return "syndicated" if re.search(r"syndicat", inside, re.I) else None


# A source whose note says the page itself was not opened, or that its text was read in a
# copy (a GitHub copy, a proxy, a CDN host, a look-alike domain), was read somewhere other than
# its url (so its evidence cannot be graded high: chipbook.table_rules). Such a note comes with
# the copy's address in copy_url, or says NO_COPY_ADDRESS_NOTE and why none can be given.
READ_ELSEWHERE = (r"page not opened|PDF not opened|not opened at|read via a GitHub mirror|read in a GitHub"
                  r"|read via GitHub copies|read only (?:in|through) (?:an unofficial )?(?:proxy|a proxy)"
                  r"|read through a proxy|read on (?:a|the|.{0,40}'s) (?:CloudFront|CDN|stored copy|look-alike)"
                  r"|read on a CloudFront host|read on a stored copy|read on the only stored copy"
                  r"|read on a look-alike")
NO_COPY_ADDRESS_NOTE = "no copy address:"


def normalised(url: str) -> str:
    """``url`` without its scheme, ``www.``, fragment or trailing slash, lower-cased host:
    two addresses with the same normalised form name the same page."""
    parts = urlsplit(url.strip())
    query = f"?{parts.query}" if parts.query else ""
    return f"{host(url)}{parts.path.rstrip('/')}{query}"


def host(url: str) -> str:
    """The lower-case host of an address, without ``www.``."""
    name = (urlsplit(url).hostname or "").lower()
    return name[4:] if name.startswith("www.") else name


def _host_in(name: str, hosts) -> str | None:
    for recorded in hosts:
        if name == recorded or name.endswith("." + recorded):
            return recorded
    return None


def redirect_fault(url: str) -> str | None:
    """Why ``url`` is a redirect, short link or tracking shape, or None if it is not."""
    for pattern, why in REDIRECT_SHAPES.items():
        if re.search(pattern, url, flags=re.IGNORECASE):
            return why
    if _host_in(host(url), SHORT_LINK_HOSTS):
        return "a short link"
    if any(k.lower().startswith("utm_") for k in parse_qs(urlsplit(url).query)):
        return "a tracking parameter on the address"
    return None


def url_fault(url: str) -> str | None:
    """Why ``url`` cannot be a source's cited address, or None if it can.

    Returns a short phrase ("a short link", "a copy site (mirror): gokawiil.com") naming
    the first fault found: a redirect, short-link or tracking shape, then a proxy or CDN
    shape, then a recorded copy host.
    """
    why = redirect_fault(url)
    if why:
        return why
    for pattern, why in PROXY_SHAPES.items():
        if re.search(pattern, url, flags=re.IGNORECASE):
            return why
    recorded = _host_in(host(url), COPY_HOSTS)
    if recorded:
        return f"a copy site ({COPY_HOSTS[recorded]}): {recorded}"
    return None
