"""The bibliography for reference managers: data/sources.csv as BibTeX and as CSL JSON.

Written by the build (this module is a Sphinx extension, `sphinx.extra_extensions` in
_config.yml) into the site as `data/sources.bib` and `data/sources.csl.json`, which the
bibliography page links; never committed. One entry per source, keyed by its source_id:
title, publisher, date published, the publisher's address, the date it was read, and in
the note its kind and, when the book read it elsewhere, the copy or report it read.

BibTeX is written by pybtex, as biblatex `@online` entries (a reference manager imports
them as web pages); CSL JSON follows the CSL-JSON schema (`id` and `type` required; dates
as `date-parts`), with the source's kind mapped to a CSL item type by `CSL_TYPES`.
"""

from __future__ import annotations

import json
from pathlib import Path

BIBTEX_FILE, CSL_JSON_FILE = "sources.bib", "sources.csl.json"
# The CSL item type of each source kind of chipbook.vocabulary.SOURCE_KINDS (CSL 1.0.2 types).
CSL_TYPES = {"vendor documentation": "webpage", "company release": "webpage", "regulatory filing": "report",
             "paper": "article", "press": "article-newspaper", "analysis": "webpage", "issue tracker": "webpage"}


def _note(source: dict) -> str:
    how = {"copy": "read via a copy", "report": "read in a secondary report of it"}
    note = source["kind"]
    if source.get("copy_url"):
        note += f"; {how[source['copy_kind']]}: {source['copy_url']}"
    return note


def bibtex(sources: list[dict]) -> str:
    """`sources` (rows of sources.csv as dicts of strings) as a BibTeX file's text."""
    from pybtex.database import BibliographyData, Entry

    entries = {}
    for source in sources:
        fields = {"title": source["title"], "organization": source["publisher"], "date": source["date_published"],
                  "url": source["url"], "urldate": source["accessed"], "note": _note(source)}
        entries[source["source_id"]] = Entry("online", fields={k: v for k, v in fields.items() if v})
    return BibliographyData(entries).to_string("bibtex")


def _date(iso: str) -> dict:
    return {"date-parts": [[int(part) for part in iso.split("-")]]}


def csl_json(sources: list[dict]) -> str:
    """`sources` as CSL JSON: a list of items."""
    items = []
    for source in sources:
        item = {"id": source["source_id"], "type": CSL_TYPES[source["kind"]], "title": source["title"],
                "publisher": source["publisher"], "URL": source["url"], "accessed": _date(source["accessed"]),
                "note": _note(source)}
        if source["date_published"]:
            item["issued"] = _date(source["date_published"])
        if item["type"] == "article-newspaper":
            item["container-title"] = source["publisher"]
        items.append(item)
    return json.dumps(items, indent=1, ensure_ascii=False) + "\n"


def write(folder: Path, sources: list[dict] | None = None) -> list[Path]:
    """Write both files into `folder` (default rows: data/sources.csv); returns their paths."""
    from .data import rows

    sources = [{k: v for k, v in row.items() if not k.startswith("_")} for row in (sources or rows("sources"))]
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / BIBTEX_FILE, folder / CSL_JSON_FILE]
    written[0].write_text(bibtex(sources), encoding="utf-8")
    written[1].write_text(csl_json(sources), encoding="utf-8")
    return written


def _write_into_site(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        write(Path(app.outdir) / "data")


def setup(app):
    app.connect("build-finished", _write_into_site)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
