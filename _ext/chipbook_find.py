"""Sphinx hooks that help readers find things (loaded through `sphinx.local_extensions`).

1. Claim ids are search terms. Sphinx's tokenizer splits "A1-31" into "a1" and "31" and
   drops the number, so a search for a claim id matched every page that mentions any A1
   claim. Each `Claim <id>` heading now carries a main index entry for its id;
   searchtools.js scores an index entry that equals the query at 100, above any title (15)
   or word (5) match, so the section that tests the claim is listed first.
2. Table cells are separate words. The search indexer strips the tags from raw HTML
   (every table and chart a notebook prints) without leaving a space, so adjacent cells
   `<td>Google</td><td>TPU</td>` were indexed as "GoogleTPU". A line break is put after
   each closing block or cell tag; browsers render the HTML the same.
3. Claim ids in prose link to the section that tests them. The ids come from
   data/claims.csv, the targets from the `Claim <id>` headings the chapters carry.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

from chipbook import ledger

logger = logging.getLogger(__name__)

CLAIM_HEADING = re.compile(r"^Claim (A[12]-\d{2})$")
# A line break after these closing tags, where the next tag follows at once.
_BLOCK_END = re.compile(r"(</(?:td|th|tr|thead|tbody|table|li|ul|ol|p|div|dt|dd|caption|figcaption|figure|h[1-6])>|<br\s*/?>)(?=<)",
                        re.IGNORECASE)
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.IGNORECASE | re.DOTALL)


def _claim_ids() -> set[str]:
    return set(ledger.claims()["claim_id"])


def index_claim_headings(app, doctree) -> None:
    """Give each `Claim <id>` section a main index entry for the id and remember where it is."""
    known = _claim_ids()
    sections = app.env.chipbook_claim_sections
    for section in doctree.findall(nodes.section):
        match = CLAIM_HEADING.match(section[0].astext().strip()) if section.children else None
        if not match:
            continue
        claim_id = match.group(1)
        source = f"{app.env.docname}, heading 'Claim {claim_id}'"
        if claim_id not in known:
            logger.warning(f"{source}: {claim_id} is not in data/claims.csv", location=section)
            continue
        if claim_id in sections and sections[claim_id][0] != app.env.docname:
            logger.warning(f"{source}: {claim_id} already has a section in {sections[claim_id][0]}",
                           location=section)
            continue
        section_id = section["ids"][0]
        sections[claim_id] = (app.env.docname, section_id)
        section.insert(1, addnodes.index(entries=[("single", claim_id, section_id, "main", None)]))


def space_raw_html(text: str) -> str:
    """The same HTML with a line break after each closing cell or block tag that is followed
    directly by another tag, outside <pre>. '<td>a</td><td>b</td>' -> '<td>a</td>\\n<td>b</td>'."""
    parts = _PRE.split(text)
    return "".join(part if index % 2 else _BLOCK_END.sub("\\1\n", part) for index, part in enumerate(parts))


def _link_claims(app, doctree, docname: str) -> None:
    sections = app.env.chipbook_claim_sections
    if not sections:
        return
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(sections))) + r")(?![\w-])")
    skip = (nodes.reference, nodes.title, nodes.literal, nodes.FixedTextElement, nodes.raw,
            addnodes.pending_xref, nodes.target)
    for text in list(doctree.findall(nodes.Text)):
        parent = text.parent
        if parent is None or not pattern.search(text.astext()):
            continue
        ancestors, node = [], parent
        while node is not None:
            ancestors.append(node)
            node = node.parent
        if any(isinstance(a, skip) for a in ancestors):
            continue
        own = {sid for a in ancestors if isinstance(a, nodes.section) for sid in a["ids"]}
        pieces, last = [], 0
        for match in pattern.finditer(text.astext()):
            target_doc, section_id = sections[match.group(1)]
            if target_doc == docname and section_id in own:
                continue  # the claim's own section
            pieces.append(nodes.Text(text.astext()[last:match.start()]))
            uri = "" if target_doc == docname else app.builder.get_relative_uri(docname, target_doc)
            pieces.append(nodes.reference(match.group(1), match.group(1), internal=True,
                                          refuri=f"{uri}#{section_id}", classes=["chipbook-claim-link"]))
            last = match.end()
        if not pieces:
            continue
        pieces.append(nodes.Text(text.astext()[last:]))
        parent.replace(text, [p for p in pieces if not isinstance(p, nodes.Text) or p.astext()])


def resolve(app, doctree, docname: str) -> None:
    for raw in list(doctree.findall(nodes.raw)):
        if "html" in raw.get("format", "").split():
            spaced = space_raw_html(raw.astext())
            if spaced != raw.astext():
                raw.replace(raw[0], nodes.Text(spaced))
    if app.builder.format == "html":
        _link_claims(app, doctree, docname)


def init_env(app, env, docnames) -> None:
    if not hasattr(env, "chipbook_claim_sections"):
        env.chipbook_claim_sections = {}


def purge(app, env, docname) -> None:
    sections = getattr(env, "chipbook_claim_sections", {})
    for claim_id in [c for c, (doc, _) in sections.items() if doc == docname]:
        del sections[claim_id]


def merge(app, env, docnames, other) -> None:
    env.chipbook_claim_sections.update(getattr(other, "chipbook_claim_sections", {}))


def setup(app):
    app.connect("env-before-read-docs", init_env)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("doctree-read", index_claim_headings)
    app.connect("doctree-resolved", resolve)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
