"""Sphinx hooks for the machine-readable ledger (loaded through `sphinx.local_extensions`).

1. Each chapter page carries, in its <head>, one schema.org ClaimReview per claim whose
   section it holds, as JSON-LD (chipbook.claimreview builds them from the ledger).
2. The built site gets data/ledger.json: the whole ledger as one JSON document, beside
   the CSVs it is generated from.

The site's root for absolute review URLs is `html_baseurl` (`html.baseurl` in
_config.yml); without one, each review's url is relative to its page.
"""

from __future__ import annotations

import json
from pathlib import Path

from chipbook import claimreview


def add_claim_reviews(app, pagename, templatename, context, doctree) -> None:
    if not hasattr(app, "_chipbook_reviews"):
        app._chipbook_reviews = claimreview.reviews_by_page(author=app.config.author,
                                                             base_url=app.config.html_baseurl)
    items = app._chipbook_reviews.get(pagename)
    if items:
        context["metatags"] = context.get("metatags", "") + "\n" + claimreview.json_ld_script(items)


def write_ledger_json(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "data" / "ledger.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(claimreview.ledger_document(), ensure_ascii=False, indent=1) + "\n",
                      encoding="utf-8")


def setup(app):
    app.connect("html-page-context", add_claim_reviews)
    app.connect("build-finished", write_ledger_json)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
