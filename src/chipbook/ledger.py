"""The claims ledger as chapters show it: the claims a chapter tests, the evidence
behind each one, and the chapter's closing verdict table.

Every chapter renders these from `data/claims.csv`, `data/evidence.csv` and
`data/sources.csv`, so a verdict is written once, in the data, and shown everywhere.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from IPython.display import HTML

from . import paths
from .charts import ARTICLE_LABELS
from .data import load_table
from .vocabulary import ARTICLES, STANCES, VERDICTS
BIBLIOGRAPHY_PAGE = "bibliography.html"


@lru_cache(maxsize=1)
def _tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return load_table("claims"), load_table("evidence"), load_table("sources")


def claims(chapter: str | None = None) -> pd.DataFrame:
    """The claims, optionally only those a chapter tests, in ledger order."""
    table = _tables()[0]
    if chapter is None:
        return table
    chosen = table[table["chapter"] == chapter]
    if chosen.empty:
        raise ValueError(f"no claim in claims.csv names the chapter '{chapter}'")
    return chosen


def evidence(claim_ids: list[str] | None = None) -> pd.DataFrame:
    """Evidence rows joined to their sources."""
    table = _tables()[1].merge(_tables()[2], on="source_id", how="left", validate="many_to_one")
    if claim_ids is not None:
        table = table[table["claim_id"].isin(claim_ids)]
    return table


def sources() -> pd.DataFrame:
    return _tables()[2]


def stance_counts() -> pd.DataFrame:
    """One row per claim: how many evidence rows support, complicate and contradict it."""
    counts = pd.crosstab(_tables()[1]["claim_id"], _tables()[1]["stance"])
    counts = counts.reindex(columns=STANCES, fill_value=0)
    return claims()[["claim_id"]].join(counts, on="claim_id").fillna(0).astype(
        {s: "int64" for s in STANCES}
    )


def chapter_page(slug: str) -> str:
    """The built page of a chapter slug: `chapters/NN-<slug>.ipynb` becomes `NN-<slug>.html`."""
    matches = sorted(paths.CHAPTERS_DIR.glob(f"[0-9][0-9]-{slug}.ipynb"))
    if len(matches) != 1:
        raise LookupError(f"expected one chapter file chapters/NN-{slug}.ipynb, found {len(matches)}")
    return matches[0].stem + ".html"


def claim_anchor(claim_id: str) -> str:
    return f"claim-{claim_id.lower()}"


def source_link(source_id: str, text: str | None = None) -> str:
    return (f'<a href="{BIBLIOGRAPHY_PAGE}#src-{html.escape(source_id)}">'
            f"{html.escape(text or source_id)}</a>")


def verdict_badge(verdict: str) -> str:
    slug = verdict.replace(" ", "-")
    return f'<span class="chipbook-verdict chipbook-verdict-{slug}">{html.escape(verdict)}</span>'


def stance_badge(stance: str) -> str:
    return f'<span class="chipbook-stance chipbook-stance-{stance}">{html.escape(stance)}</span>'


@dataclass(frozen=True)
class Cell:
    """A table cell whose value the page's filter menus match against."""

    html: str
    filter_value: str

    def __str__(self) -> str:
        return self.html


def _table(headers: list[str], rows: list[list], css_class: str, table_id: str | None = None) -> str:
    def cell(value) -> str:
        if isinstance(value, Cell):
            return f'<td data-value="{html.escape(value.filter_value)}">{value.html}</td>'
        return f"<td>{value}</td>"

    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    body = "".join("<tr>" + "".join(cell(c) for c in row) + "</tr>" for row in rows)
    id_attr = f' id="{table_id}"' if table_id else ""
    return (f'<div class="chipbook-table-wrap"><table{id_attr} class="chipbook-table {css_class}">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def claims_tested(chapter: str) -> HTML:
    """The table a chapter opens with: each claim it tests, linked to its section."""
    rows = [
        [f'<a href="#{claim_anchor(c.claim_id)}">{c.claim_id}</a>', html.escape(c.claim),
         html.escape(c.kind), verdict_badge(c.verdict)]
        for c in claims(chapter).itertuples()
    ]
    return HTML(_table(["Claim", "What the article says (our paraphrase)", "Kind", "Verdict"],
                       rows, "chipbook-claims"))


def evidence_walk(claim_id: str) -> HTML:
    """One claim's section body: the verdict and every evidence row, newest last."""
    claim = claims().set_index("claim_id").loc[claim_id]
    rows = evidence([claim_id]).sort_values(["as_of", "evidence_id"])
    items = "".join(
        f"<li>{stance_badge(e.stance)} {html.escape(e.finding)} "
        f'<span class="chipbook-evidence-meta">({source_link(e.source_id, e.publisher)}, '
        f"as of {e.as_of:%Y-%m-%d}; confidence {e.confidence})</span></li>"
        for e in rows.itertuples()
    )
    return HTML(
        # The section heading "### Claim <id>" carries the anchor itself; this id must differ.
        f'<div class="chipbook-claim" id="{claim_anchor(claim_id)}-evidence">'
        f'<p class="chipbook-claim-text"><strong>{claim_id}</strong> · {html.escape(claim.claim)}</p>'
        f"<p>{verdict_badge(claim.verdict)} {html.escape(claim.verdict_reason)}</p>"
        f'<ul class="chipbook-evidence">{items}</ul></div>'
    )


def verdict_table(chapter: str) -> HTML:
    """The table a chapter closes with: verdicts, the evidence balance, and what would
    change each verdict."""
    counts = stance_counts().set_index("claim_id")
    rows = []
    for c in claims(chapter).itertuples():
        n = counts.loc[c.claim_id]
        balance = f"{n['supports']} / {n['complicates']} / {n['contradicts']}"
        rows.append([f'<a href="#{claim_anchor(c.claim_id)}">{c.claim_id}</a>',
                     verdict_badge(c.verdict), html.escape(c.verdict_reason), balance,
                     html.escape(c.would_change or "")])
    return HTML(_table(["Claim", "Verdict", "Why", "Supports / complicates / contradicts",
                        "What would change the verdict"], rows, "chipbook-verdicts"))


def all_claims_filterable(table_id: str = "all-claims") -> HTML:
    """Every claim with its verdict and a link to the section that examines it, with
    menus to filter by article and verdict (the script is _static/chipbook.js)."""
    table = claims()
    rows = [
        [
            Cell(f'<a href="{chapter_page(c.chapter)}#{claim_anchor(c.claim_id)}">{c.claim_id}</a>',
                 filter_value=c.article),
            html.escape(c.claim),
            Cell(verdict_badge(c.verdict), filter_value=c.verdict),
            html.escape(c.section),
        ]
        for c in table.itertuples()
    ]

    def menu(label: str, column: int, options: list[tuple[str, str]]) -> str:
        items = "".join(f'<option value="{html.escape(v)}">{html.escape(t)}</option>' for v, t in options)
        return (f'<label>{label} <select data-filter-table="{table_id}" data-filter-column="{column}">'
                f'<option value="">all</option>{items}</select></label>')

    controls = (
        '<div class="chipbook-filters">'
        + menu("Article", 0, [(a, ARTICLE_LABELS[a]) for a in ARTICLES if a in set(table["article"])])
        + menu("Verdict", 2, [(v, v) for v in VERDICTS if v in set(table["verdict"])])
        + f'<span data-filter-count="{table_id}" aria-live="polite">{len(table)} of {len(table)} claims shown</span>'
        + "</div>"
    )
    return HTML(controls + _table(["Claim", "What the article says (our paraphrase)", "Verdict",
                                   "Article section"], rows, "chipbook-claims", table_id=table_id))


def chapter_title(slug: str) -> str:
    """A chapter's title, read from the `# Title` heading that opens its notebook."""
    notebook = paths.CHAPTERS_DIR / chapter_page(slug).replace(".html", ".ipynb")
    first = json.loads(notebook.read_text(encoding="utf-8"))["cells"][0]["source"]
    first = "".join(first) if isinstance(first, list) else first
    return first.splitlines()[0].removeprefix("# ").strip()


def chapter_order() -> list[str]:
    """The chapter slugs in the order of their NN- prefixes."""
    return [p.stem[3:] for p in sorted(paths.CHAPTERS_DIR.glob("[0-9][0-9]-*.ipynb"))]


def thinly_evidenced(chapter: str | None = None) -> pd.DataFrame:
    """Claims whose verdict is 'unverified' or that no high-confidence row bears on."""
    rows = evidence()
    best = rows.assign(high=rows["confidence"] == "high").groupby("claim_id")["high"].any()
    table = claims(chapter)
    return table[(table["verdict"] == "unverified") | ~table["claim_id"].map(best).fillna(False)]


def thin_evidence_table() -> HTML:
    """The claims the book is least sure of, linked to their sections."""
    rows = [
        [f'<a href="{chapter_page(c.chapter)}#{claim_anchor(c.claim_id)}">{c.claim_id}</a>',
         html.escape(c.claim), verdict_badge(c.verdict), html.escape(c.would_change)]
        for c in thinly_evidenced().itertuples()
    ]
    return HTML(_table(["Claim", "What the article says", "Verdict", "What would settle it"],
                       rows, "chipbook-thin"))


def disagreements_table() -> HTML:
    """The second-article chapter's table of where the two articles disagree."""
    table = load_table("article_disagreements")
    by_id = claims().set_index("claim_id")
    text = by_id["claim"]
    rows = []
    for d in table.itertuples():
        rows.append([
            html.escape(d.question),
            f'<a href="#{claim_anchor(d.a2_claim_id)}">{d.a2_claim_id}</a> {html.escape(text[d.a2_claim_id])}',
            f'<a href="{chapter_page(by_id.loc[d.a1_claim_id, "chapter"])}#{claim_anchor(d.a1_claim_id)}">{d.a1_claim_id}</a> {html.escape(text[d.a1_claim_id])}',
            f"{html.escape(d.held_late_2024)} → {html.escape(d.held_2026)}",
            f"{html.escape(d.why)} ({source_link(d.source_id)}, {d.as_of:%Y-%m-%d})",
        ])
    return HTML(_table(["Question", "News article (A2)", "Strategy article (A1)", "Held: 2024 → 2026", "Evidence"],
                       rows, "chipbook-disagreements"))


def _short_publishers(source_ids) -> list[str]:
    """The short publisher name of each distinct source, in order of first appearance.
    "Reuters (via Dunya News)" is cited as Reuters."""
    known = sources().set_index("source_id")["publisher"]
    ids = list(dict.fromkeys(s for s in source_ids if isinstance(s, str)))  # an empty optional column gives NaN
    unknown = sorted(set(ids) - set(known.index))
    if unknown:
        raise KeyError(f"not in sources.csv: {unknown}")
    return [known[s].split(" (")[0] for s in ids]


def publishers(source_ids) -> str:
    """A chart's source line: the publishers of the given sources, each named once."""
    return "; ".join(dict.fromkeys(_short_publishers(source_ids)))


def cite(*source_ids: str) -> str:
    """Links to the bibliography entries of some sources, the publisher as the text."""
    ids = list(dict.fromkeys(s for s in source_ids if isinstance(s, str)))
    return "; ".join(source_link(s, name) for s, name in zip(ids, _short_publishers(ids)))


def html_table(frame: pd.DataFrame, html_columns: tuple[str, ...] | list[str] = (),
               headers: dict[str, str] | None = None) -> HTML:
    """The book's one table renderer for a frame. Cells are escaped, except in
    `html_columns` (names of `frame`'s columns), which already hold HTML (links, badges);
    a missing value shows as a dash. `headers` (column -> header text, in order) picks
    and names the columns shown; by default every column under its own name."""
    headers = headers or {c: str(c) for c in frame.columns}

    def cell(column, value):
        if not isinstance(value, str) and pd.isna(value):
            return "–"
        return str(value) if column in html_columns else html.escape(str(value))

    shown = frame[list(headers)]
    rows = [[cell(c, v) for c, v in zip(shown.columns, row)] for row in shown.itertuples(index=False)]
    return HTML(_table([html.escape(h) for h in headers.values()], rows, "chipbook-plain"))
