"""The Atom feed of corrections and updates (RFC 4287): one entry per row of
`ledger.corrections()`, that is one per verdict change in data/verdict_history.csv and one
per claim added after first publication, newest first. Written beside the site as
`corrections.atom` by _ext/chipbook_sphinx.py at build time; the corrections page links it
and every page names it in a <link rel="alternate">.

Entry ids are stable `urn:uuid:` names derived from the claim, the date and the change, so a
feed reader shows each change once however often the book is rebuilt."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET

import pandas as pd

from . import ledger
from .data import load_table

FEED_FILE = "corrections.atom"
CORRECTIONS_PAGE = "chapters/corrections.html"
ATOM = "http://www.w3.org/2005/Atom"
# The namespace the entry ids are derived in (uuid5): fixed, so ids never change.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:chipbook:owning-the-software-layer:corrections")


def _timestamp(day: pd.Timestamp) -> str:
    return f"{pd.Timestamp(day):%Y-%m-%d}T00:00:00Z"


def _url(base_url: str, path: str) -> str:
    """A link from the feed: absolute under the site's address when there is one, else
    relative to the feed's own location (the site's root), as Atom allows."""
    return f"{base_url.rstrip('/')}/{path}" if base_url else path


def entry_id(claim_id: str, date: pd.Timestamp, verdict_after: str) -> str:
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, f'{claim_id}|{pd.Timestamp(date):%Y-%m-%d}|{verdict_after}')}"


def corrections_feed(*, title: str, author: str, base_url: str = "",
                     corrections: pd.DataFrame | None = None) -> bytes:
    """The feed as UTF-8 XML bytes. `corrections` defaults to `ledger.corrections()` (the
    columns it documents); `base_url` is the site's root (html_baseurl) or "" for links
    relative to the feed. Raises ValueError when there is nothing to date the feed by."""
    table = ledger.corrections() if corrections is None else corrections
    claims = ledger.claims().set_index("claim_id")
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def add(parent, tag, text=None, **attributes):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    add(feed, "title", f"{title}: corrections and updates")
    add(feed, "subtitle", "Every verdict the book has changed since first publication, and every claim added since.")
    add(feed, "id", f"urn:uuid:{ID_NAMESPACE}")
    add(feed, "link", rel="self", type="application/atom+xml", href=_url(base_url, FEED_FILE))
    add(feed, "link", rel="alternate", type="text/html", href=_url(base_url, CORRECTIONS_PAGE))
    history_dates = load_table("verdict_history")["date"]
    if history_dates.empty:
        raise ValueError("verdict_history.csv has no rows to date the feed by")
    add(feed, "updated", _timestamp(history_dates.max()))
    add(add(feed, "author"), "name", author)
    for change in table.itertuples():
        claim = claims.loc[change.claim_id]
        page = f"chapters/{ledger.chapter_page(claim['chapter'])}#{ledger.claim_anchor(change.claim_id)}"
        if change.change == "new claim":
            headline = f"{change.claim_id}: new claim, {change.verdict_after}"
        else:
            headline = f"{change.claim_id}: {change.verdict_before} → {change.verdict_after}"
        entry = add(feed, "entry")
        add(entry, "title", headline)
        add(entry, "id", entry_id(change.claim_id, change.date, change.verdict_after))
        add(entry, "link", rel="alternate", type="text/html", href=_url(base_url, page))
        add(entry, "updated", _timestamp(change.date))
        add(entry, "published", _timestamp(change.date))
        add(entry, "category", term=change.change)
        add(entry, "summary", f"{claim['claim']} Why: {change.reason}")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
