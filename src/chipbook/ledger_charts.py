"""Charts of the claims ledger: the scoreboard (chapter 1), the strength of the evidence
(verdict chapter) and the two articles' disagreements (second-article chapter).

Each function takes the ledger's tables (as `chipbook.ledger` returns them, or a small
fixture of the same shape), builds the frame the chart draws, and returns the finished
chart (`charts.finish`) with its narrow layout; the title and the text alternative are
computed from that frame, so they move when the data move (tests/test_chart_titles.py).
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from . import charts
from .ledger import OUTCOMES
from .vocabulary import CONFIDENCE, STANCES

# The outcome of each verdict under the book's one rule (ledger.headline), in words.
STANDING = {"holds": "holds up", "holds_in_part": "holds in part", "overtaken": "overtaken",
            "contradicted": "contradicted", "unverified": "unverified"}
_STANDING_OF = {verdict: STANDING[name] for name, verdicts in OUTCOMES.items() for verdict in verdicts}
SOURCE_LINE = "the book's claims ledger (data/claims.csv, data/evidence.csv), evidence as of {:%Y-%m-%d}"


def _verdict_order(verdicts) -> list[str]:
    return [v for v in charts.VERDICT_COLORS if v in set(verdicts)]


def _names(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _stacked_verdicts(frame: pd.DataFrame, row: str, row_title: str, sort: list[str], narrow: bool,
                      pick: bool = False) -> alt.TopLevelMixin:
    """Bars of claims by verdict, one per `row`, stacked in the verdicts' order."""
    order = _verdict_order(frame["verdict"])
    legend = charts.bottom_legend("Verdict", columns=2 if narrow else 3)
    selection = alt.selection_point(fields=["verdict"], bind="legend")
    bars = alt.Chart(frame).mark_bar(stroke=charts.PAPER, strokeWidth=1, height=16 if narrow else alt.Undefined).encode(
        x=alt.X("claims:Q", title="Claims", stack="zero", axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("verdict:N", title="Verdict", scale=charts.verdict_scale(order), sort=order, legend=legend),
        order=alt.Order("verdict_rank:Q"),
        tooltip=[alt.Tooltip(f"{row}:N", title=row_title), alt.Tooltip("verdict:N", title="Verdict"),
                 alt.Tooltip("standing:N", title="Counts as"), alt.Tooltip("claims:Q", title="Claims")],
    ).transform_calculate(verdict_rank=f"indexof({json.dumps(order)}, datum.verdict)")
    if pick:
        bars = bars.encode(opacity=alt.condition(selection, alt.value(1), alt.value(0.25))).add_params(selection)
    if narrow:
        return charts.label_rows([bars], row, sort, row_height=16)
    return bars.encode(y=alt.Y(f"{row}:N", title=None, sort=sort)).properties(width=420, height=alt.Step(26))


def verdicts_by_article(claims: pd.DataFrame, as_of: pd.Timestamp) -> alt.TopLevelMixin:
    """Chapter 1: how many claims of each article got each verdict. `claims`: the claims
    table (article, verdict)."""
    frame = (claims.assign(article_label=claims["article"].map(charts.ARTICLE_LABELS))
             .groupby(["article_label", "verdict"]).size().reset_index(name="claims"))
    frame["standing"] = frame["verdict"].map(_STANDING_OF)
    per = frame.groupby("standing")["claims"].sum().reindex(list(STANDING.values()), fill_value=0)
    total = int(frame["claims"].sum())
    against = int(per["contradicted"] + per["overtaken"])
    part = int(per["holds in part"])
    title = (f"{per['holds up']} of {total} claims hold up as stated; {part} {charts.agree(part, 'holds', 'hold')} in "
             f"part; {against} {charts.agree(against, 'is', 'are')} contradicted or overtaken")
    articles = list(dict.fromkeys(frame["article_label"].sort_values()))
    return charts.finish(
        _stacked_verdicts(frame, "article_label", "Article", articles, narrow=False, pick=True),
        narrow=_stacked_verdicts(frame, "article_label", "Article", articles, narrow=True, pick=True),
        title=title,
        subtitle=f"Number of claims by verdict, per article; holds up = supported or complicated. "
                 f"Evidence as of {as_of:%Y-%m-%d}. Click a legend entry to highlight it.",
        source=SOURCE_LINE.format(as_of),
        description=f"Stacked bar chart of the {total} claims of the two articles by verdict. {title}. "
                    + "; ".join(f"{r.article_label}, {r.verdict}: {r.claims}" for r in frame.itertuples()),
        data_files=["claims.csv"],
    )


def article_part(section: pd.Series) -> pd.Series:
    """The part of its article a claim comes from, as the article heads it: the section
    without the book's numbering or its sub-heading ("3. Capital structure (the hedge)"
    is "Capital structure")."""
    return section.str.replace(r"^\d+\.\s*", "", regex=True).str.replace(r"\s*\(.*\)$", "", regex=True)


def verdicts_by_part(claims: pd.DataFrame, as_of: pd.Timestamp) -> alt.TopLevelMixin:
    """Chapter 1: the verdicts per part of each article (its own headings, in its order).
    `claims`: article, section, verdict, in the articles' order."""
    labelled = claims.assign(part=claims["article"] + " · " + article_part(claims["section"]))
    order = list(dict.fromkeys(labelled["part"]))
    frame = labelled.groupby(["part", "article", "verdict"]).size().reset_index(name="claims")
    frame["standing"] = frame["verdict"].map(_STANDING_OF)
    holds = frame[frame["standing"] == "holds up"].groupby("part")["claims"].sum()
    share = (holds.reindex(order, fill_value=0) / frame.groupby("part")["claims"].sum().reindex(order))
    article_of = frame.drop_duplicates("part").set_index("part")["article"]
    a1, a2 = share[article_of[share.index] == "A1"], share[article_of[share.index] == "A2"]
    weakest = [p.split(" · ")[1].lower() for p in a1.index[a1 == a1.min()]]
    title = (f"The strategy article's claims hold up least in its {_names(weakest)} ({a1.min():.0%}) and at most "
             f"{a1.max():.0%} in any part; the news article's hold up in {a2.min():.0%} to {a2.max():.0%} of each part")
    return charts.finish(
        _stacked_verdicts(frame, "part", "Part of the article", order, narrow=False),
        narrow=_stacked_verdicts(frame, "part", "Part of the article", order, narrow=True),
        title=title,
        subtitle=f"Number of claims by verdict in each part of the two articles, under the articles' own headings "
                 f"(A1 strategy article, A2 news article); holds up = supported or complicated. Evidence as of {as_of:%Y-%m-%d}.",
        source=SOURCE_LINE.format(as_of),
        description=f"Stacked bar chart of claims by verdict for each part of the two articles. {title}. "
                    + "; ".join(f"{p}: {share[p]:.0%} hold up" for p in order),
        data_files=["claims.csv"],
    )


def evidence_balance(claims: pd.DataFrame, stance_counts: pd.DataFrame, as_of: pd.Timestamp) -> alt.TopLevelMixin:
    """Chapter 1: evidence rows for and against each claim. `stance_counts`: one row per
    claim with a count per stance (ledger.stance_counts); `claims`: claim_id, claim, verdict."""
    balance = stance_counts.merge(claims[["claim_id", "claim", "verdict"]], on="claim_id")
    balance["weighs"] = (balance["complicates"] + balance["contradicts"] > balance["supports"]).map(
        {True: "more caveats than support", False: "support at least equal"})
    frame = balance.melt(id_vars=["claim_id", "claim", "verdict", "weighs"], value_vars=STANCES,
                         var_name="stance", value_name="rows")
    frame = frame[frame["rows"] > 0].assign(
        signed_rows=lambda f: f["rows"].where(f["stance"] == "supports", -f["rows"]))
    against = frame.loc[frame["weighs"] == "more caveats than support", "claim_id"].nunique()
    claims_n = frame["claim_id"].nunique()
    title = f"For {against} of {claims_n} claims, caveats and contradictions outnumber the supporting evidence"
    # Claims grouped by verdict (in the verdicts' order), so a long left bar under a
    # favourable verdict stands out; a square in the verdict's colour marks each row.
    verdicts = _verdict_order(balance["verdict"])
    order = list(balance.assign(rank=balance["verdict"].map(verdicts.index)).sort_values(
        ["rank", "claim_id"], kind="stable")["claim_id"])
    marker = balance[["claim_id", "claim", "verdict"]].assign(where=0.0)

    def draw(narrow: bool) -> alt.LayerChart:
        y = alt.Y("claim_id:N", title=None, sort=order, axis=alt.Axis(labelFontSize=10, labelPadding=14))
        bars = alt.Chart(frame).mark_bar().encode(
            x=alt.X("signed_rows:Q", title=["\u2190 complicates or contradicts", "supports \u2192 (evidence rows)"] if narrow
                    else "\u2190 complicates or contradicts \u00b7 supports \u2192 (evidence rows)"),
            y=y,
            color=alt.Color("stance:N", title="Stance", scale=charts.stance_scale(),
                            legend=charts.bottom_legend("Evidence", columns=3)),
            tooltip=[alt.Tooltip("claim_id:N", title="Claim"), alt.Tooltip("claim:N", title="Says"),
                     alt.Tooltip("verdict:N", title="Verdict"), alt.Tooltip("stance:N", title="Evidence"),
                     alt.Tooltip("rows:Q", title="Rows"), alt.Tooltip("weighs:N", title="Balance")])
        squares = alt.Chart(marker).mark_square(size=40, opacity=1).encode(
            x=alt.value(-8), y=y,
            fill=alt.Fill("verdict:N", title="Verdict", scale=charts.verdict_scale(verdicts), sort=verdicts,
                          legend=charts.bottom_legend("Verdict (squares)", columns=2 if narrow else 3)),
            tooltip=[alt.Tooltip("claim_id:N", title="Claim"), alt.Tooltip("claim:N", title="Says"),
                     alt.Tooltip("verdict:N", title="Verdict")])
        return alt.layer(bars, squares).resolve_scale(color="independent").properties(
            width=240 if narrow else 420, height=alt.Step(11))

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Evidence rows per claim by stance: supporting rows to the right, complicating and contradicting "
                 f"rows to the left; claims grouped by verdict (square). Evidence as of {as_of:%Y-%m-%d}.",
        source=SOURCE_LINE.format(as_of),
        description=f"Diverging bar chart of evidence rows for each of the {claims_n} claims. {title}.",
        data_files=["evidence.csv"],
    )


def evidence_timing(evidence: pd.DataFrame, articles: pd.DataFrame, as_of: pd.Timestamp) -> alt.TopLevelMixin:
    """Chapter 1: when the evidence speaks, by quarter and stance, against the articles'
    writing windows. `evidence`: as_of, stance; `articles`: the articles table."""
    a1_latest = articles.set_index("article_id").loc["A1", "date_latest"]
    dated = evidence.assign(quarter=evidence["as_of"].dt.to_period("Q").dt.start_time,
                            period=(evidence["as_of"] > a1_latest).map({True: "after A1 was written",
                                                                         False: "by the time A1 was written"}))
    frame = dated.groupby(["quarter", "stance", "period"]).size().reset_index(name="rows")
    after = frame.loc[frame["period"] == "after A1 was written", "rows"].sum() / frame["rows"].sum()
    title = f"{after:.0%} of the evidence dates from after the strategy article was written"

    def draw(narrow: bool) -> alt.LayerChart:
        bars = alt.Chart(frame).mark_bar(width={"band": 0.8}).encode(
            x=alt.X("yearquarter(quarter):T", title="Quarter the evidence speaks for",
                    axis=alt.Axis(format="%Y", tickCount="year", labelAngle=0)),
            y=alt.Y("sum(rows):Q", title="Evidence rows", stack="zero"),
            color=alt.Color("stance:N", title="Stance", scale=charts.stance_scale(),
                            legend=charts.bottom_legend("Evidence", columns=3)),
            order=alt.Order("stance_rank:Q"),
            tooltip=[alt.Tooltip("yearquarter(quarter):T", title="Quarter", format="%Y Q%q"),
                     alt.Tooltip("stance:N", title="Evidence"), alt.Tooltip("sum(rows):Q", title="Rows"),
                     alt.Tooltip("period:N", title="Dated")],
        ).transform_calculate(stance_rank=f"indexof({json.dumps(STANCES)}, datum.stance)")
        return alt.layer(charts.article_bands(articles), bars).properties(width=260 if narrow else 440, height=240)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Evidence rows per quarter of the date they speak for, by stance; grey bands: when each article was "
                 f"written. Evidence as of {as_of:%Y-%m-%d}.",
        source=SOURCE_LINE.format(as_of) + "; article dates: data/articles.csv",
        description=f"Stacked bar chart of evidence rows by quarter from {frame['quarter'].min():%Y} to "
                    f"{frame['quarter'].max():%Y}, with shaded bands for the two articles' writing windows. {title}.",
        data_files=["evidence.csv", "articles.csv"],
    )


# Confidence grades: a mid-tone, a light tint and a grey, each outlined in ink so that the
# lighter ones stand out on either page.
CONFIDENCE_COLORS = dict(zip(CONFIDENCE, ["#2C7BB6", "#ABD9E9", "#E0E0E0"]))


def evidence_strength(evidence: pd.DataFrame, chapter_titles: dict[str, str], as_of: pd.Timestamp) -> alt.TopLevelMixin:
    """Verdict chapter: the share of each chapter's evidence rows at each confidence grade.
    `evidence`: chapter, confidence; `chapter_titles`: slug to title, in book order."""
    frame = (evidence.assign(chapter_title=evidence["chapter"].map(chapter_titles))
             .groupby(["chapter_title", "confidence"]).size().reset_index(name="rows"))
    per_chapter = frame.groupby("chapter_title")["rows"].sum()
    high = frame[frame["confidence"] == "high"].groupby("chapter_title")["rows"].sum().reindex(per_chapter.index,
                                                                                                fill_value=0)
    share = high / per_chapter
    least = [f"'{name}'" for name in share.index[share == share.min()]]
    title = (f"{_names(least)} rest{'s' if len(least) == 1 else ''} least on high-confidence evidence: "
             f"{share.min():.0%} of {'its' if len(least) == 1 else 'their'} rows, against {share.max():.0%} at best")
    order = [t for t in chapter_titles.values() if t in set(frame["chapter_title"])]

    def draw(narrow: bool) -> alt.TopLevelMixin:
        bars = alt.Chart(frame).mark_bar(stroke=charts.INK, strokeWidth=1, height=14 if narrow else alt.Undefined).encode(
            x=alt.X("rows:Q", title="Share of evidence rows", stack="normalize", axis=alt.Axis(format="%")),
            color=alt.Color("confidence:N", title="Confidence", sort=CONFIDENCE,
                            scale=alt.Scale(domain=CONFIDENCE, range=list(CONFIDENCE_COLORS.values())),
                            legend=charts.bottom_legend("Confidence grade", columns=3)),
            order=alt.Order("confidence_rank:Q"),
            tooltip=[alt.Tooltip("chapter_title:N", title="Chapter"), alt.Tooltip("confidence:N", title="Confidence"),
                     alt.Tooltip("rows:Q", title="Evidence rows")],
        ).transform_calculate(confidence_rank=f"indexof({json.dumps(CONFIDENCE)}, datum.confidence)")
        if narrow:
            return charts.label_rows([bars], "chapter_title", order)
        return bars.encode(y=alt.Y("chapter_title:N", title=None, sort=order)).properties(width=420, height=alt.Step(26))

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle="Share of each chapter's evidence rows by confidence grade: high = a primary source read where its "
                 f"publisher put it; medium = reputable secondary reporting, or a primary source read in a copy; low = "
                 f"a single weak source. Evidence as of {as_of:%Y-%m-%d}.",
        source=SOURCE_LINE.format(as_of),
        description=f"Normalised stacked bar chart of evidence rows by confidence grade for each chapter. {title}. "
                    + "; ".join(f"{c}: {share[c]:.0%} high" for c in order),
        data_files=["evidence.csv"],
    )


def disagreement_grid(disagreements: pd.DataFrame, claim_text: pd.Series) -> alt.TopLevelMixin:
    """Second-article chapter: which article's account the evidence bears out on each
    question they disagree on, when written and by 2026. `disagreements`: the
    article_disagreements table; `claim_text`: claim wording by claim_id."""
    when = {"held_late_2024": "When written (late 2024)", "held_2026": "By 2026"}
    frame = disagreements.melt(id_vars=["pair_id", "question", "a2_claim_id", "a1_claim_id", "why"],
                               value_vars=list(when), var_name="when", value_name="account")
    frame["when"] = frame["when"].map(when)
    frame["a2_claim"] = frame["a2_claim_id"].map(claim_text)
    frame["a1_claim"] = frame["a1_claim_id"].map(claim_text)
    frame["question_lines"] = frame["question"].map(lambda q: charts.wrap_lines(q, 34))
    accounts = [a for a in charts.ACCOUNT_COLORS if a in set(frame["account"])]
    then = frame[frame["when"] == when["held_late_2024"]]["account"].value_counts()
    now = frame[frame["when"] == when["held_2026"]]["account"].value_counts()
    questions = list(disagreements["question"])
    def bore_out(counts) -> str:
        # Every question once: each account's count, those both partly right, those left open.
        said = [f"{name} on {counts.get(key, 0)}" for key, name in
                (("A2", "the news article"), ("A1", "the strategy article"), ("both in part", "both in part"))
                if counts.get(key, 0)]
        text = " and ".join([", ".join(said[:-1]), said[-1]]) if len(said) > 1 else "".join(said)
        open_ = counts.get("not yet known", 0)
        return (text + (", leaving " if text else "left ") + f"{open_} open") if open_ else text

    title = (f"Of {len(questions)} questions, late-2024 evidence bore out {bore_out(then)}; "
             f"2026 evidence bore out {bore_out(now)}")

    def draw(narrow: bool) -> alt.TopLevelMixin:
        base = alt.Chart(frame).encode(
            x=alt.X("when:N", title=None, sort=list(when.values()),
                    axis=alt.Axis(orient="top", labelAngle=0, labelLimit=140, domain=False, ticks=False)))
        cells = base.mark_rect(stroke=charts.PAPER, strokeWidth=2, height=26 if narrow else alt.Undefined).encode(
            color=alt.Color("account:N", title="Account the evidence bears out", scale=charts.account_scale(accounts),
                            legend=charts.bottom_legend("Evidence bears out" if narrow else "Account the evidence bears out",
                                                        columns=2)),
            tooltip=[alt.Tooltip("question:N", title="Question"), alt.Tooltip("when:N", title="When"),
                     alt.Tooltip("account:N", title="Bears out"), alt.Tooltip("a2_claim:N", title="News article (A2)"),
                     alt.Tooltip("a1_claim:N", title="Strategy article (A1)"), alt.Tooltip("why:N", title="Evidence")])
        labels = base.mark_text(fontSize=11).encode(
            text="account:N",
            color=alt.Color("account:N", legend=None, scale=alt.Scale(
                domain=accounts, range=[charts.text_color_on(charts.ACCOUNT_COLORS[a]) for a in accounts])))
        # The labels' colours (black or white by tile) are a scale of their own.
        if narrow:
            return charts.label_rows([cells, labels], "question", questions, row_height=26).resolve_scale(
                color="independent")
        return alt.layer(cells, labels).encode(
            y=alt.Y("question_lines:N", title=None, sort=[charts.wrap_lines(q, 34) for q in questions],
                    axis=alt.Axis(labelExpr=charts.LINES))).properties(
            width=260, height=alt.Step(36)).resolve_scale(color="independent")

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle="Which article's account the evidence bears out, for each question on which they disagree, when the "
                 "articles were written and by 2026. Hover for the claims and the evidence.",
        source="the book's analysis of data/article_disagreements.csv and the claims ledger",
        description=f"Grid of {len(questions)} questions on which the two articles disagree. {title}. "
                    + "; ".join(f"{r.question} {r.when}: {r.account}" for r in frame.itertuples()),
        data_files=["article_disagreements.csv", "claims.csv"],
    )
