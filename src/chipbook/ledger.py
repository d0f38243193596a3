"""The claims ledger as chapters show it: the claims a chapter tests, the evidence
behind each one, and the chapter's closing verdict table.

Every chapter renders these from `data/claims.csv`, `data/evidence.csv` and
`data/sources.csv`, so a verdict is written once, in the data, and shown everywhere.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from types import SimpleNamespace

import nbformat
import pandas as pd
from IPython.display import HTML

from . import paths
from .charts import ARTICLE_LABELS
from .data import cached_per_process, load_table
from .vocabulary import ARTICLES, STANCES, VERDICTS
BIBLIOGRAPHY_PAGE = "bibliography.html"


@cached_per_process
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


def evidence_as_of() -> pd.Timestamp:
    """The book's "evidence as of" date: the latest `accessed` date in data/sources.csv.

    The evidence can speak for no day after the last time a source was read, so this is
    the date up to which the book has looked; it moves only when someone reads a source
    again or adds one. It is stated here once: the intro's subtitle, the footer of every
    page (`_ext/chipbook_sphinx.py` fills `{evidence_as_of}` in _config.yml), the charts'
    cut-off dates and the tests (no evidence row dated after it) all read it."""
    return sources()["accessed"].max()


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


@cached_per_process
def _chapter_of() -> dict[str, str]:
    return claims().set_index("claim_id")["chapter"].to_dict()


def claim_link(claim_id: str) -> str:
    """A link to the section that tests a claim, usable from any chapter page (the pages
    share one folder). Raises KeyError for an id not in the ledger."""
    return (f'<a href="{chapter_page(_chapter_of()[claim_id])}#{claim_anchor(claim_id)}">'
            f"{html.escape(claim_id)}</a>")


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


def _table(headers: list[str], rows: list[list], css_class: str, table_id: str | None = None, *,
           caption: str) -> str:
    """Every table the book shows: a caption (plain text, escaped here) naming what it
    holds, column headers, and a wrapper that scrolls sideways when the table is wider than
    the page. Raises ValueError for an empty caption."""
    if not caption or not caption.strip():
        raise ValueError("every table needs a caption saying what it holds")

    def cell(value) -> str:
        if isinstance(value, Cell):
            return f'<td data-value="{html.escape(value.filter_value)}">{value.html}</td>'
        return f"<td>{value}</td>"

    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    body = "".join("<tr>" + "".join(cell(c) for c in row) + "</tr>" for row in rows)
    id_attr = f' id="{table_id}"' if table_id else ""
    return (f'<div class="chipbook-table-wrap"><table{id_attr} class="chipbook-table {css_class}">'
            f"<caption>{html.escape(caption.strip())}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def claims_tested(chapter: str) -> HTML:
    """The table a chapter opens with: each claim it tests, linked to its section."""
    rows = [
        [f'<a href="#{claim_anchor(c.claim_id)}">{c.claim_id}</a>', html.escape(c.claim),
         html.escape(c.kind), verdict_badge(c.verdict)]
        for c in claims(chapter).itertuples()
    ]
    return HTML(_table(["Claim", "What the article says (our paraphrase)", "Kind", "Verdict"],
                       rows, "chipbook-claims", caption="The claims this chapter tests, with their verdicts"))


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
                        "What would change the verdict"], rows, "chipbook-verdicts",
                       caption="This chapter's verdicts, the evidence rows for and against each, and what "
                               "would change it"))


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
                                   "Article section"], rows, "chipbook-claims", table_id=table_id,
                                  caption="Every claim of both articles, with its verdict"))


def chapter_title(slug: str) -> str:
    """A chapter's title, read from the `# Title` heading that opens its notebook."""
    notebook = paths.CHAPTERS_DIR / chapter_page(slug).replace(".html", ".ipynb")
    first = nbformat.read(notebook, as_version=4).cells[0].source
    return first.splitlines()[0].removeprefix("# ").strip()


def chapter_order() -> list[str]:
    """The chapter slugs in the order of their NN- prefixes."""
    return [p.stem[3:] for p in sorted(paths.CHAPTERS_DIR.glob("[0-9][0-9]-*.ipynb"))]


def thinly_evidenced(chapter: str | None = None) -> pd.DataFrame:
    """Claims whose verdict is 'unverified' or that no high-confidence row bears on (high = a
    primary source read where its publisher put it; a primary read only in a copy is medium)."""
    rows = evidence()
    best = rows.assign(high=rows["confidence"] == "high").groupby("claim_id")["high"].any()
    table = claims(chapter)
    return table[(table["verdict"] == "unverified") | ~table["claim_id"].map(best).fillna(False)]


def thin_evidence_table() -> HTML:
    """The claims the book is least sure of, linked to their sections."""
    rows = [
        [claim_link(c.claim_id), html.escape(c.claim), verdict_badge(c.verdict), html.escape(c.would_change)]
        for c in thinly_evidenced().itertuples()
    ]
    return HTML(_table(["Claim", "What the article says", "Verdict", "What would settle it"],
                       rows, "chipbook-thin", caption="The claims the evidence bears on least, and what would settle each"))


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
            f"{claim_link(d.a1_claim_id)} {html.escape(text[d.a1_claim_id])}",
            f"{html.escape(d.held_late_2024)} → {html.escape(d.held_2026)}",
            f"{html.escape(d.why)} ({source_link(d.source_id)}, {d.as_of:%Y-%m-%d})",
        ])
    return HTML(_table(["Question", "News article (A2)", "Strategy article (A1)", "Held: 2024 → 2026", "Evidence"],
                       rows, "chipbook-disagreements", caption="Where the two articles disagree, and which view held"))


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
               headers: dict[str, str] | None = None, *, caption: str) -> HTML:
    """The book's one table renderer for a frame. Cells are escaped, except in
    `html_columns` (names of `frame`'s columns), which already hold HTML (links, badges);
    a missing value shows as a dash. `headers` (column -> header text, in order) picks
    and names the columns shown; by default every column under its own name. `caption`
    (plain text) says what the table holds; the index is never shown."""
    headers = headers or {c: str(c) for c in frame.columns}

    def cell(column, value):
        if not isinstance(value, str) and pd.isna(value):
            return "–"
        return str(value) if column in html_columns else html.escape(str(value))

    shown = frame[list(headers)]
    rows = [[cell(c, v) for c, v in zip(shown.columns, row)] for row in shown.itertuples(index=False)]
    return HTML(_table([html.escape(h) for h in headers.values()], rows, "chipbook-plain", caption=caption))


def scoreboard() -> pd.DataFrame:
    """The front page's scoreboard: claims per verdict (rows, in VERDICTS order, only those
    in use) for each article (columns `A1`, `A2`, in ARTICLES order) and `all`; the last
    row, `all verdicts`, totals each column. Counts are ints, computed from claims.csv."""
    table = claims()
    counts = pd.crosstab(table["verdict"], table["article"]).reindex(columns=ARTICLES, fill_value=0)
    counts = counts.reindex([v for v in VERDICTS if v in set(table["verdict"])])
    counts["all"] = counts.sum(axis=1)
    counts.loc["all verdicts"] = counts.sum()
    counts.index.name, counts.columns.name = "verdict", None
    return counts.astype("int64")


def scoreboard_table() -> HTML:
    """The scoreboard as the book's table: each verdict as its badge, one column per
    article (named by ARTICLE_LABELS) and the total."""
    board = scoreboard()
    headers = ["Verdict"] + [ARTICLE_LABELS[a] for a in ARTICLES] + ["Both articles"]
    rows = [[verdict_badge(v) if v in VERDICTS else f"<strong>{html.escape(v)}</strong>",
             *[int(n) for n in board.loc[v]]] for v in board.index]
    return HTML(_table(headers, rows, "chipbook-scoreboard", caption="Claims per verdict, by article"))


# --- headline numbers ------------------------------------------------------------------

#: How the six verdicts add up in every count and ranking the book prints. "Holds up"
#: means true as stated: *supported*, and *complicated* (true as stated, with a caveat that
#: changes the reading). *Partly supported* claims are counted apart, as holding in part,
#: never as holding up; *outdated* claims were true when written but not now; the rest
#: were not true (*contradicted*) or cannot be tested (*unverified*).
OUTCOMES: dict[str, tuple[str, ...]] = {
    "holds": ("supported", "complicated"),
    "holds_in_part": ("partly supported",),
    "overtaken": ("outdated",),
    "contradicted": ("contradicted",),
    "unverified": ("unverified",),
}


def headline(table: pd.DataFrame | None = None, by: str | None = None) -> pd.DataFrame:
    """The book's headline numbers: how many claims hold up, in total or per group.

    Rule (the one every count and ranking in the book uses): a claim *holds up* when its
    verdict says it is true as stated, i.e. `supported` or `complicated`; `partly supported`
    is counted as `holds_in_part` and does not hold up; `outdated` is `overtaken`;
    `contradicted` and `unverified` count as themselves (see OUTCOMES).

    table: a claims frame with a `verdict` column (default: the whole ledger); by: a column
    to group on (`article`, `section`, `chapter`), or None for one row labelled "all".
    Returns one row per group, indexed by the group, with integer columns `claims`, `holds`,
    `holds_in_part`, `overtaken`, `contradicted`, `unverified` and the float `holds_share`
    (holds / claims, 0..1); groups sorted by holds_share, then name. Raises ValueError on a
    verdict outside the vocabulary or an empty table.
    """
    table = claims() if table is None else table
    if table.empty:
        raise ValueError("headline() needs at least one claim")
    unknown = sorted(set(table["verdict"]) - set(VERDICTS))
    if unknown:
        raise ValueError(f"verdicts outside the vocabulary {VERDICTS}: {unknown}")
    groups = table[by] if by else pd.Series("all", index=table.index, name="group")
    outcome = {v: name for name, verdicts in OUTCOMES.items() for v in verdicts}
    counts = pd.crosstab(groups, table["verdict"].map(outcome)).reindex(columns=list(OUTCOMES), fill_value=0)
    counts.insert(0, "claims", counts.sum(axis=1))
    counts = counts.astype("int64")
    counts["holds_share"] = counts["holds"] / counts["claims"]
    counts.index.name = by or "group"
    counts.columns.name = None
    return counts.sort_values(["holds_share"], kind="stable")


def tied_at(shares: pd.Series, end: str) -> str:
    """The groups at the lowest (`end="min"`) or highest (`end="max"`) share of a headline
    ranking, every tied group named: "'A'", "'A' and 'B'", "'A', 'B' and 'C'". Ties are
    never broken silently by sort order."""
    if end not in ("min", "max"):
        raise ValueError(f"end must be 'min' or 'max', not {end!r}")
    target = shares.min() if end == "min" else shares.max()
    names = [f"'{name}'" for name in shares.index[shares == target]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def headline_total(table: pd.DataFrame | None = None) -> dict[str, int]:
    """The whole ledger's counts under `headline()`'s rule, as plain integers (a row of the
    frame would turn them into floats beside `holds_share`): claims, holds, holds_in_part,
    overtaken, contradicted, unverified."""
    total = headline(claims() if table is None else table)
    return {column: int(total[column].iloc[0]) for column in total.columns if column != "holds_share"}


def headline_markdown(table: pd.DataFrame | None = None) -> str:
    """The headline sentence, as Markdown, for a page to display: every number in it comes
    from `headline()`, per article and in total."""
    table = claims() if table is None else table
    total = SimpleNamespace(**headline_total(table))
    per_article = headline(table, by="article")
    parts = [
        f"{ARTICLE_LABELS.get(a, a)}: {int(r.holds)} of {int(r.claims)}"
        for a, r in per_article.sort_index().iterrows()
    ]
    return (
        f"**{int(total.holds)} of {int(total.claims)} claims hold up** as stated (verdict *supported* "
        f"or *complicated*); {int(total.holds_in_part)} hold only in part, {int(total.overtaken)} were "
        f"overtaken after the articles were written, {int(total.contradicted)} are contradicted and "
        f"{int(total.unverified)} cannot be checked. By article, claims that hold up: {'; '.join(parts)}."
    )


# --- corrections and updates ---------------------------------------------------------------

def corrections(history: pd.DataFrame | None = None) -> pd.DataFrame:
    """The changes since first publication, newest first: each verdict change (a
    verdict_history row with a `verdict_before`) and each claim added after the first
    publication date (the earliest date in the history). Columns: claim_id, date,
    verdict_before (NaN for a new claim), verdict_after, reason, change ("verdict changed"
    or "new claim")."""
    history = load_table("verdict_history") if history is None else history
    first_published = history["date"].min()
    first_row = history.sort_values("date").groupby("claim_id").head(1)
    new_ids = set(first_row.loc[first_row["date"] > first_published, "claim_id"])
    changed = history["verdict_before"].notna()
    added = history["verdict_before"].isna() & history["claim_id"].isin(new_ids)
    table = history[changed | added].assign(
        change=lambda t: t["verdict_before"].notna().map({True: "verdict changed", False: "new claim"}))
    return table.sort_values(["date", "claim_id"], ascending=[False, True]).reset_index(drop=True)


def corrections_table() -> HTML:
    """The Corrections and updates page's table: date, claim (linked to its section),
    the change and the reason, newest first."""
    by_id = claims().set_index("claim_id")
    rows = []
    for c in corrections().itertuples():
        link = claim_link(c.claim_id)
        if c.change == "new claim":
            change = f"new claim, {verdict_badge(c.verdict_after)}"
        else:
            change = f"{verdict_badge(c.verdict_before)} → {verdict_badge(c.verdict_after)}"
        rows.append([f"{c.date:%Y-%m-%d}", link, html.escape(by_id.loc[c.claim_id, "claim"]), change,
                     html.escape(c.reason)])
    if not rows:
        return HTML("<p>No verdict has changed since first publication.</p>")
    return HTML(_table(["Date", "Claim", "What the article says (our paraphrase)", "Change", "Why"],
                       rows, "chipbook-corrections", caption="Verdict changes and new claims since first publication, "
                                                             "newest first"))
