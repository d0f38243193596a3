"""The two generated appendix pages: the bibliography (from sources.csv) and the data
dictionary (from datapackage.json). Nobody edits either by hand."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from . import citations, ledger
from .data import DECIMALS, FORMULA, QUOTES, load_table, resources
from .vocabulary import PATTERN_WORDS


def _cited_by(source_id: str, citations: pd.DataFrame) -> str:
    rows = citations[citations["source_id"] == source_id]
    if rows.empty:
        return ""
    links = []
    for claim_id, chapter in rows[["claim_id", "chapter"]].drop_duplicates().itertuples(index=False):
        links.append(f'<a href="{ledger.chapter_page(chapter)}#{ledger.claim_anchor(claim_id)}">{claim_id}</a>')
    return " Evidence for " + ", ".join(links) + "."


def _citations() -> pd.DataFrame:
    """Which claims each source is evidence for, and which tables cite it."""
    evidence = ledger.evidence()[["source_id", "claim_id"]]
    return evidence.merge(ledger.claims()[["claim_id", "chapter"]], on="claim_id")


# The bibliography's words for each copy_kind (vocabulary.COPY_KINDS): a reader must not be
# told the same text is at copy_url when what is there is a secondary account of it.
READ_VIA = {"copy": "read via a copy", "report": "read in a secondary report of it"}


def _copy_mark(source) -> str:
    """The bibliography's mark for a source read elsewhere: "read via a copy" or "read in a
    secondary report of it" (by ``copy_kind``) linking ``copy_url``, and, for a source
    whose ``url`` is itself a copy (no original found), a warning saying so and why (from ``citations.COPY_ONLY``). Empty for a source read
    at its publisher's address."""
    marks = []
    if citations.url_fault(source.url):
        reason = citations.COPY_ONLY.get(source.source_id, "no original recorded yet")
        marks.append('<strong class="chipbook-copy-only">Cited at a copy, not the publisher\'s page '
                     f"({html.escape(reason)}).</strong>")
    if isinstance(source.copy_url, str) and source.copy_url:
        marks.append(f'<span class="chipbook-read-via-copy">(<a href="{html.escape(source.copy_url)}">'
                     f"{READ_VIA[source.copy_kind]}</a>)</span>")
    return " ".join(marks) + " " if marks else ""


def bibliography() -> HTML:
    """Every source, ordered by publisher and date, each with an anchor the chapters
    link to and the claims it is evidence for."""
    table = load_table("sources").sort_values(["publisher", "date_published", "title"],
                                              key=lambda s: s.str.lower() if s.dtype == object else s)
    cited = _citations()
    entries = []
    for s in table.itertuples():
        note = f" <em>Note:</em> {html.escape(s.note)}" if isinstance(s.note, str) else ""
        entries.append(
            f'<li class="chipbook-source-entry" id="src-{html.escape(s.source_id)}">'
            f"{html.escape(s.publisher)} ({s.date_published:%Y-%m-%d}). "
            f'<a href="{html.escape(s.url)}">{html.escape(s.title)}</a>. {_copy_mark(s)}'
            f"<span class=\"chipbook-evidence-meta\">{html.escape(s.kind)}; checked {s.accessed:%Y-%m-%d}; "
            f"id <code>{html.escape(s.source_id)}</code>.</span>{note}{_cited_by(s.source_id, cited)}</li>"
        )
    copies = int((table["copy_kind"] == "copy").sum())
    reports = int((table["copy_kind"] == "report").sum())
    copy_only = sum(bool(citations.url_fault(u)) for u in table["url"])
    summary = (f"{len(table)} sources; {copies} read via a copy and {reports} read only in a secondary "
               "report of them, each linked beside the original")
    summary += f"; {copy_only} cited at a copy because no original could be found." if copy_only else "."
    return HTML(f'<p>{summary}</p><ol class="chipbook-bibliography">{"".join(entries)}</ol>')


def _constraint_text(field: dict) -> str:
    constraints = field.get("constraints", {})
    parts = []
    if constraints.get("required"):
        parts.append("required")
    if constraints.get("unique"):
        parts.append("unique")
    if "enum" in constraints:
        parts.append("one of: " + ", ".join(map(str, constraints["enum"])))
    if "pattern" in constraints:
        words = PATTERN_WORDS.get(constraints["pattern"])
        parts.append(html.escape(words) if words else f"pattern <code>{html.escape(constraints['pattern'])}</code>")
    for key, word in (("minimum", "at least"), ("maximum", "at most"), ("maxLength", "at most characters:")):
        if key in constraints:
            parts.append(f"{word} {constraints[key]}")
    if FORMULA in field:  # a derived column, checked by make check
        rounding = f", rounded to {field[DECIMALS]} decimals" if DECIMALS in field else ""
        parts.append(f"computed: <code>{html.escape(field[FORMULA])}</code>{rounding}")
    if field.get(QUOTES):
        parts.append("numbers from other tables written as <code>{table[key].column:format}</code>, filled when shown")
    return "; ".join(parts)


def data_dictionary() -> HTML:
    """Each table of the data package: what it holds, its columns with types, units and
    constraints, its keys, how many sources it cites, and a download link."""
    sections = []
    for resource in resources().values():
        frame = load_table(resource.name)
        source_columns = [c for c in frame.columns if c.endswith("source_id")]
        cited = pd.unique(frame[source_columns].values.ravel()) if source_columns else []
        keys = ", ".join(resource.primary_key)
        foreign = "; ".join(
            f"{fk['fields']} → {fk['reference']['resource']}.{fk['reference']['fields']}"
            for fk in resource.foreign_keys
        )
        rows = [[f"<code>{html.escape(f['name'])}</code>", html.escape(f["type"]),
                 html.escape(f.get("description", "")), _constraint_text(f)] for f in resource.fields]
        sources_line = (f" Cites {len(cited)} distinct sources." if source_columns and resource.name != "sources" else "")
        sections.append(
            f'<section class="chipbook-table-doc" id="table-{resource.name}">'
            # h2: the page's title is its only h1, and each table is a section under it.
            f"<h2>{html.escape(resource.title)} <code>{resource.path.name}</code></h2>"
            f"<p>{html.escape(resource.description)} {len(frame)} rows. Primary key: <code>{keys}</code>."
            + (f" Foreign keys: {html.escape(foreign)}." if foreign else "")
            + sources_line
            + f' <a class="chipbook-download" href="../data/{resource.path.name}" download>Download {resource.path.name}</a>.</p>'
            + ledger._table(["Column", "Type", "Meaning and unit", "Constraints"], rows, "chipbook-columns",
                            caption=f"The columns of {resource.path.name}")
            + "</section>"
        )
    return HTML("".join(sections))
