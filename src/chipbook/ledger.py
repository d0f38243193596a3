"""The claims ledger as chapters show it: the claims a chapter tests, the evidence
behind each one, and the chapter's closing verdict table.

Every chapter renders these from `data/claims.csv`, `data/evidence.csv` and
`data/sources.csv`, so a verdict is written once, in the data, and shown everywhere.
"""

from __future__ import annotations

import html
import itertools
from dataclasses import dataclass
from types import SimpleNamespace

import nbformat
import pandas as pd
from IPython.display import HTML

from . import paths
from .charts import ARTICLE_LABELS
from .data import cached_per_process, load_table
from .vocabulary import ARTICLES, STANCES, VERDICT_OUTCOMES, VERDICT_SEPARATOR, VERDICTS
BIBLIOGRAPHY_PAGE = "bibliography.html"


@cached_per_process
def _tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return load_table("claims"), load_table("evidence"), load_table("sources")


#: The chapter whose "Verdict rules" section lists every rule, each under its anchor.
RULES_CHAPTER = "claims-at-a-glance"


@cached_per_process
def verdict_rules() -> pd.DataFrame:
    """data/verdict_rules.csv in order of precedence, indexed by rule_id."""
    return load_table("verdict_rules").sort_values("precedence").set_index("rule_id")


@cached_per_process
def verdict_principles() -> pd.DataFrame:
    """data/verdict_principles.csv in the order shown (position), indexed by principle_id."""
    return load_table("verdict_principles").sort_values("position").set_index("principle_id")


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


#: What a page outside chapters/ (the front page) puts before a chapter page's address.
FROM_ROOT = "chapters/"


def claim_href(claim_id: str, base: str = "") -> str:
    """The address of the section that tests a claim, usable from any chapter page (the
    pages share one folder; `base=FROM_ROOT` from the front page). Raises KeyError for an
    id not in the ledger."""
    return f"{base}{chapter_page(_chapter_of()[claim_id])}#{claim_anchor(claim_id)}"


# Each preview needs an id that is unique on its page (aria-describedby points at it). A
# notebook runs in a kernel of its own, so a count per process is unique per page; the
# previews that chipbook.prose adds to prose at build time count under another prefix.
_PREVIEW_IDS = itertools.count(1)


def claim_preview(claim_id: str, href: str, preview_id: str) -> str:
    """A claim shown as its id: a link to `href` (its section) with a preview of the claim,
    its paraphrase and verdict, that opens on hover, on keyboard focus and on a first tap
    (`_static/chipbook-claimref.js`; without scripts, CSS shows it on hover and focus). The
    preview is the link's accessible description (role tooltip, aria-describedby)."""
    claim = claims().set_index("claim_id").loc[claim_id]
    return (f'<span class="chipbook-claimref"><a href="{html.escape(href)}" aria-describedby="{preview_id}">'
            f"{html.escape(claim_id)}</a>"
            f'<span class="chipbook-claimtip" role="tooltip" id="{preview_id}">{html.escape(claim.claim)} '
            f'<span class="chipbook-claimtip-verdict">Verdict: {html.escape(claim.verdict)}.</span></span></span>')


def claim_link(claim_id: str, local: bool = False, base: str = "") -> str:
    """A claim's id, linked to the section that tests it, with a preview of the claim (see
    `claim_preview`): the way a page names a claim everywhere but in its own section, so
    that the paraphrase is printed once per page. `local`: the section is on this page
    (the link is then only its anchor); `base` as for `claim_href`. Raises KeyError for an
    id not in the ledger."""
    href = f"#{claim_anchor(claim_id)}" if local else claim_href(claim_id, base)
    return claim_preview(claim_id, href, f"claimtip-{next(_PREVIEW_IDS)}")


def source_link(source_id: str, text: str | None = None) -> str:
    return (f'<a href="{BIBLIOGRAPHY_PAGE}#src-{html.escape(source_id)}">'
            f"{html.escape(text or source_id)}</a>")


def verdict_badge(verdict: str) -> str:
    slug = verdict.replace(" ", "-")
    return f'<span class="chipbook-verdict chipbook-verdict-{slug}">{html.escape(verdict)}</span>'


def rule_anchor(rule_id: str) -> str:
    return f"rule-{rule_id}"


def rule_link(rule_id: str, base: str = "") -> str:
    """A link to a rule's row in the "Verdict rules" section, its name as the text (`base`
    as for `claim_href`). Raises KeyError for an id not in data/verdict_rules.csv."""
    name = verdict_rules().loc[rule_id, "name"]
    return f'<a href="{base}{chapter_page(RULES_CHAPTER)}#{rule_anchor(rule_id)}">{html.escape(name)}</a>'


def rule_note(claim, base: str = "") -> str:
    """The rule a claim's verdict follows, linked, and for a borderline claim the verdict its
    alternative rule would give: a short line shown beside the verdict. `claim` is a row of
    claims() (a namedtuple or Series with rule_id, alternative_rule_id, alternative_verdict)."""
    note = f"rule: {rule_link(claim.rule_id, base)}"
    other = claim.alternative_rule_id
    if isinstance(other, str) and other:
        where = "the same rule, on the other reading of the sentence" if other == claim.rule_id else rule_link(other, base)
        note += f"; borderline: {html.escape(claim.alternative_verdict)} under {where}"
    return f'<span class="chipbook-evidence-meta chipbook-rule">{note}</span>'


def verdict_with_rule(claim, base: str = "") -> str:
    """A claim's verdict badge with the rule it follows beneath (see `rule_note`)."""
    return f"{verdict_badge(claim.verdict)}<br>{rule_note(claim, base)}"


def stance_badge(stance: str) -> str:
    return f'<span class="chipbook-stance chipbook-stance-{stance}">{html.escape(stance)}</span>'


@dataclass(frozen=True)
class Cell:
    """A table cell whose value the page's filter menus match against."""

    html: str
    filter_value: str

    def __str__(self) -> str:
        return self.html


def _table(headers: list[str], rows: list[list], css_class: str, table_id: str | None = None,
           row_ids: list[str] | None = None, *, caption: str) -> str:
    """Every table the book shows: a caption (plain text, escaped here) naming what it
    holds, column headers, and a wrapper that scrolls sideways when the table is wider than
    the page; `row_ids` anchors its rows. Raises ValueError for an empty caption."""
    if not caption or not caption.strip():
        raise ValueError("every table needs a caption saying what it holds")

    def cell(value) -> str:
        if isinstance(value, Cell):
            return f'<td data-value="{html.escape(value.filter_value)}">{value.html}</td>'
        return f"<td>{value}</td>"

    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    ids = [f' id="{html.escape(i)}"' for i in row_ids] if row_ids else [""] * len(rows)
    body = "".join(f"<tr{i}>" + "".join(cell(c) for c in row) + "</tr>" for i, row in zip(ids, rows))
    id_attr = f' id="{table_id}"' if table_id else ""
    return (f'<div class="chipbook-table-wrap"><table{id_attr} class="chipbook-table {css_class}">'
            f"<caption>{html.escape(caption.strip())}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def claims_tested(chapter: str) -> HTML:
    """The table a chapter opens with: each claim it tests as its id (linked to its section,
    the paraphrase in its preview: the section prints it), its kind and its verdict. The rule
    behind each verdict is named where the verdict is argued (the section) and in the
    chapter's closing verdict table, not here a third time."""
    rows = [[claim_link(c.claim_id, local=True), html.escape(c.kind), verdict_badge(c.verdict)]
            for c in claims(chapter).itertuples()]
    return HTML(_table(["Claim", "Kind", "Verdict"], rows, "chipbook-claims",
                       caption="The claims this chapter tests, with their verdicts"))


def evidence_walk(claim_id: str) -> HTML:
    """One claim's section body: the verdict with its reason and rule, and every evidence
    row, newest last. The claim itself is printed above, under the section's heading, by the
    `{claim}` role (chipbook.prose): once per page."""
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
        f"<p>{verdict_badge(claim.verdict)} {html.escape(claim.verdict_reason)} {rule_note(claim)}</p>"
        f'<ul class="chipbook-evidence">{items}</ul></div>'
    )


def verdict_table(chapter: str) -> HTML:
    """The table a chapter closes with: each claim's verdict, the evidence balance behind it
    and what would change it. The reason for the verdict is in the claim's section (the
    evidence walk), which the id links to; it is not printed twice."""
    counts = stance_counts().set_index("claim_id")
    rows = []
    for c in claims(chapter).itertuples():
        n = counts.loc[c.claim_id]
        balance = f"{n['supports']} / {n['complicates']} / {n['contradicts']}"
        rows.append([claim_link(c.claim_id, local=True), verdict_with_rule(c), balance,
                     html.escape(c.would_change or "")])
    return HTML(_table(["Claim", "Verdict", "Supports / complicates / contradicts",
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
            Cell(verdict_with_rule(c), filter_value=c.verdict),
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


def open_questions() -> pd.DataFrame:
    """data/open_questions.csv in rank order, with `claim_ids`: the claims each bears on
    (data/open_question_claims.csv), in ledger order."""
    questions = load_table("open_questions").sort_values("rank")
    links = load_table("open_question_claims")
    order = {c: i for i, c in enumerate(claims()["claim_id"])}
    bears = links.groupby("question_id")["claim_id"].agg(lambda ids: sorted(ids, key=order.__getitem__))
    return questions.assign(claim_ids=questions["question_id"].map(bears)).reset_index(drop=True)


def open_questions_table() -> HTML:
    """The verdict chapter's "What could change the answer": each open question with the
    claims it bears on (ids with previews), how it could change the answer, what would
    settle it and the nearest evidence the book has, linked to the bibliography."""
    rows = []
    for q in open_questions().itertuples():
        bears = ", ".join(claim_link(c) for c in q.claim_ids) if isinstance(q.claim_ids, list) else "–"
        rows.append([f"<strong>{html.escape(q.question)}</strong><br>"
                     f'<span class="chipbook-evidence-meta">bears on {bears}</span>',
                     html.escape(q.could_change), html.escape(q.would_settle),
                     f"{cite(q.source_id)}, {q.as_of:%Y-%m-%d}"])
    return HTML(_table(["Open question", "How it could change the answer", "What would settle it",
                        "Nearest evidence"], rows, "chipbook-open-questions",
                       caption="The open questions that could change the answer, and what would settle each"))


def verdict_rules_table() -> HTML:
    """The "Verdict rules" section: first the principles under which every rule is applied
    (data/verdict_principles.csv, a numbered list whose items are anchored principle-<id>),
    then a table of each rule of data/verdict_rules.csv in order of precedence, in a row
    whose id is its anchor (`rule_anchor`), with its precedence, the case it covers, its test,
    the verdicts it allows and the claims judged by it (and those for which it is the
    borderline alternative), each linked to its section."""
    principles = "".join(
        f'<li id="principle-{html.escape(pid)}"><strong>{html.escape(p["name"])}.</strong> {html.escape(p["statement"])}</li>'
        for pid, p in verdict_principles().iterrows())
    table = claims()
    rows, ids = [], []
    for rule_id, rule in verdict_rules().iterrows():
        judged = [claim_link(c) for c in table.loc[table["rule_id"] == rule_id, "claim_id"]]
        borderline = [claim_link(c) for c in table.loc[table["alternative_rule_id"] == rule_id, "claim_id"]]
        applied = ", ".join(judged) or "none yet"
        if borderline:
            applied += f"<br><span class=\"chipbook-evidence-meta\">borderline for: {', '.join(borderline)}</span>"
        verdicts = " ".join(verdict_badge(v) for v in rule["allowed_verdicts"].split(VERDICT_SEPARATOR))
        rows.append([f"<strong>{int(rule['precedence'])}. {html.escape(rule['name'])}</strong><br>{html.escape(rule['case'])}",
                     html.escape(rule["test"]), verdicts, applied])
        ids.append(rule_anchor(rule_id))
    return HTML(f'<ol class="chipbook-principles">{principles}</ol>'
                + _table(["Rule (in order of precedence) and the case it covers", "The test, and the verdict each outcome gives",
                          "Verdicts it allows", "Claims judged by it"], rows, "chipbook-rules", row_ids=ids,
                         caption="The verdict rules, in order of precedence, and the claims judged by each"))


def verdict_meanings_table() -> HTML:
    """The front page's table of the verdicts and what each means, from data/verdicts.csv (in
    the vocabulary's order, which make check enforces), each verdict shown as its badge."""
    rows = [[verdict_badge(v.verdict), html.escape(v.meaning)] for v in load_table("verdicts").itertuples()]
    return HTML(_table(["Verdict", "Meaning"], rows, "chipbook-verdict-meanings",
                       caption="The verdicts and what each means"))


def disagreements_table() -> HTML:
    """The second-article chapter's table of where the two articles disagree: each claim as
    its id with a preview (the news article's claims have their sections on that page)."""
    table = load_table("article_disagreements")
    rows = []
    for d in table.itertuples():
        rows.append([
            html.escape(d.question),
            claim_link(d.a2_claim_id, local=True),  # its section is on this page
            claim_link(d.a1_claim_id),
            f"{html.escape(d.held_late_2024)} → {html.escape(d.held_2026)}",
            f"{html.escape(d.why)} ({source_link(d.source_id)}, {d.as_of:%Y-%m-%d})",
        ])
    return HTML(_table(["Question", "News article (A2)", "Strategy article (A1)", "Held: 2024 → 2026", "Evidence"],
                       rows, "chipbook-disagreements", caption="Where the two articles disagree, and which view held"))


def disagreement_counts(table: pd.DataFrame | None = None) -> dict[str, int]:
    """Which article the evidence bore out on the questions where the two disagree
    (data/article_disagreements.csv: held_late_2024, held_2026, values of WHO_HELD):
    `questions`, and for each time (`then` = late 2024, `now` = 2026) the count that bore
    out the news article (A2), the strategy article (A1), both in part, or is not yet known.
    Keys: questions, news_then, strategy_then, both_then, unknown_then, news_now,
    strategy_now, both_now, unknown_now (ints)."""
    table = load_table("article_disagreements") if table is None else table
    counts = {"questions": len(table)}
    for when, column in (("then", "held_late_2024"), ("now", "held_2026")):
        for key, value in (("news", "A2"), ("strategy", "A1"), ("both", "both in part"), ("unknown", "not yet known")):
            counts[f"{key}_{when}"] = int((table[column] == value).sum())
    return counts


def right_at_different_times_markdown(table: pd.DataFrame | None = None, chapter_href: str = "") -> str:
    """The second-article chapter's finding in one sentence of Markdown, every count from
    `disagreement_counts`: which article the evidence bore out on the questions where they
    disagree, in late 2024 and by 2026; every question is counted once at each time (an
    account borne out in part by both, or not yet settled, is said so, never left out).
    `chapter_href`: a link to that chapter, or none."""
    n = SimpleNamespace(**disagreement_counts(table))
    questions = f"[{n.questions} questions]({chapter_href})" if chapter_href else f"{n.questions} questions"

    def borne_out(when: str, news: str, strategy: str) -> str:
        parts = [f"{news} on {getattr(n, f'news_{when}')}" if getattr(n, f"news_{when}") else "",
                 f"{strategy} on {getattr(n, f'strategy_{when}')}" if getattr(n, f"strategy_{when}") else "",
                 f"both in part on {getattr(n, f'both_{when}')}" if getattr(n, f"both_{when}") else ""]
        said = [p for p in parts if p]
        text = "bears out " + (" and ".join([", ".join(said[:-1]), said[-1]]) if len(said) > 1 else said[0]) if said else ""
        unknown = getattr(n, f"unknown_{when}")
        if unknown:
            text += (", and " if text else "") + f"leaves {unknown} open"
        return text

    return (f"**Each article was right at a different time.** On the {questions} where the two disagree, "
            f"the evidence of late 2024, when both were written, "
            f"{borne_out('then', 'the news article' + chr(39) + 's account', 'the strategy article' + chr(39) + 's')}; "
            f"the evidence of 2026 {borne_out('now', 'the news article', 'the strategy article')}.")


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
    """A chart's source line: the publishers of the given sources, each named once, in the
    order given (a set, which has none that survives a rebuild, in the order of its ids)."""
    if isinstance(source_ids, (set, frozenset)):
        source_ids = sorted(source_ids)
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
    """The scoreboard as the book's table: each verdict as its badge with what it counts as
    (VERDICT_COUNTS_AS: a complicated claim holds up, with a caveat), one column per
    article (named by ARTICLE_LABELS) and the total."""
    board = scoreboard()
    headers = ["Verdict", "Counts as"] + [ARTICLE_LABELS[a] for a in ARTICLES] + ["Both articles"]
    rows = [[verdict_badge(v) if v in VERDICTS else f"<strong>{html.escape(v)}</strong>",
             html.escape(VERDICT_COUNTS_AS.get(v, "")), *[int(n) for n in board.loc[v]]] for v in board.index]
    return HTML(_table(headers, rows, "chipbook-scoreboard", caption="Claims per verdict, by article"))


# --- headline numbers ------------------------------------------------------------------

#: How the six verdicts add up in every count and ranking the book prints. "Holds up"
#: means true as stated: *supported*, and *complicated* (true as stated, with a caveat that
#: changes the reading). *Partly supported* claims are counted apart, as holding in part,
#: never as holding up; *outdated* claims were true when written but not now; the rest
#: were not true (*contradicted*) or cannot be tested (*unverified*).
OUTCOMES = VERDICT_OUTCOMES  # defined in vocabulary.py, so the data checks can read it without this module

#: What each verdict counts as, in the reader's words (the scoreboard's second column).
VERDICT_COUNTS_AS: dict[str, str] = {
    "supported": "holds up", "complicated": "holds up, with a caveat", "partly supported": "holds in part",
    "contradicted": "does not hold", "outdated": "held when written, overtaken since",
    "unverified": "cannot be checked yet",
}


def holds_up_rule() -> str:
    """The rule for "holds up" in words, as Markdown, from OUTCOMES: the one place the book
    states it is the front page's "How to read a verdict", which shows this."""
    holding = " or ".join(f"*{v}*" for v in OUTCOMES["holds"])
    apart = ", ".join(f"*{v}*" for v in OUTCOMES["holds_in_part"])
    return (f"a claim holds up when its verdict is {holding} (both mean true as stated); {apart} "
            "claims hold only in part and are counted apart, never as holding up")


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
        f"**{int(total.holds)} of {int(total.claims)} claims hold up** as stated; {int(total.holds_in_part)} hold only in part, {int(total.overtaken)} were "
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
    """The Corrections and updates page's table: date, claim (linked to its section, with
    its paraphrase on its newest row only), the change and the reason, newest first."""
    by_id = claims().set_index("claim_id")
    rows, shown = [], set()
    for c in corrections().itertuples():
        link = claim_link(c.claim_id)
        # The paraphrase once per claim on the page (its newest row); older rows name the id.
        text = "as above" if c.claim_id in shown else html.escape(by_id.loc[c.claim_id, "claim"])
        shown.add(c.claim_id)
        if c.change == "new claim":
            change = f"new claim, {verdict_badge(c.verdict_after)}"
        else:
            change = f"{verdict_badge(c.verdict_before)} → {verdict_badge(c.verdict_after)}"
        rows.append([f"{c.date:%Y-%m-%d}", link, text, change,
                     html.escape(c.reason)])
    if not rows:
        return HTML("<p>No verdict has changed since first publication.</p>")
    return HTML(_table(["Date", "Claim", "What the article says (our paraphrase)", "Change", "Why"],
                       rows, "chipbook-corrections", caption="Verdict changes and new claims since first publication, "
                                                             "newest first"))
