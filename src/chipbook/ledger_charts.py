"""Charts of the claims ledger: the scoreboard (chapter 1) and the strength of the evidence
(verdict chapter); and the table of the two articles' disagreements (second-article chapter).

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
from .ledger import OUTCOMES, html_table
from .vocabulary import CONFIDENCE, STANCES, WHO_HELD

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


BOTH = "Both articles"


def _summaries(frame: pd.DataFrame, row: str) -> pd.Series:
    """Each row's claims in words, as its label says them: "13 of 61 hold up, 36 in part"."""
    per = frame.pivot_table(index=row, columns="standing", values="claims", aggfunc="sum", fill_value=0)
    per = per.reindex(columns=list(STANDING.values()), fill_value=0)
    return pd.Series({r: f"{int(p['holds up'])} of {int(p.sum())} hold up, {int(p['holds in part'])} in part"
                      for r, p in per.iterrows()})


def _verdict_rows(frame: pd.DataFrame, row: str, row_title: str, rows: list[str], wide: bool = False) -> alt.TopLevelMixin:
    """Claims by verdict: one panel per `row` value, titled with its claims in words
    (`summary`), one bar per verdict named on its row (no legend to read), its count
    printed at its end. Narrow, the panels stand one above the other, each with the verdicts
    it has; `wide`, side by side, the verdicts named once, on the first. Either way every
    panel has the same rows: a verdict an article lacks is a 0 on its row."""
    order = _verdict_order(frame["verdict"])
    top = int(frame["claims"].max())
    summary = frame.groupby(row)["summary"].first()
    # The panels share their rows, wide or narrow: a verdict an article lacks is a 0 on its row.
    grid = pd.MultiIndex.from_product([rows, order], names=[row, "verdict"])
    frame = frame.set_index([row, "verdict"]).reindex(grid).reset_index().assign(
        claims=lambda f: f["claims"].fillna(0).astype(int), standing=lambda f: f["verdict"].map(_STANDING_OF),
        summary=lambda f: f[row].map(summary))

    def panel(value: str, named: bool) -> alt.LayerChart:
        base = alt.Chart(frame).transform_filter(alt.FieldEqualPredicate(field=row, equal=value)).encode(
            y=alt.Y("verdict:N", title=None, sort=order, scale=alt.Scale(domain=order),
                    axis=alt.Axis(labelLimit=130) if named else None),
            x=alt.X("claims:Q", title="Claims", scale=alt.Scale(domain=[0, top]), axis=alt.Axis(tickMinStep=1)),
            tooltip=[alt.Tooltip(f"{row}:N", title=row_title), alt.Tooltip("verdict:N", title="Verdict"),
                     alt.Tooltip("standing:N", title="Counts as"), alt.Tooltip("claims:Q", title="Claims")])
        bars = base.mark_bar(height=14).encode(
            color=alt.Color("verdict:N", scale=charts.verdict_scale(order), sort=order, legend=None))
        counts = base.mark_text(align="left", dx=3, fontSize=11, color=charts.INK).encode(text="claims:Q")
        return alt.layer(bars, counts).properties(
            title=alt.Title([value + ":", summary[value]], anchor="start", fontSize=12,
                            fontWeight="bold" if value == BOTH else "normal"),
            width=150 if wide else 190, height=alt.Step(20))

    if wide:
        return alt.hconcat(*[panel(v, i == 0) for i, v in enumerate(rows)], spacing=24).resolve_scale(x="shared")
    return alt.vconcat(*[panel(v, True) for v in rows], spacing=10).resolve_scale(x="shared")


def verdicts_by_article(claims: pd.DataFrame, as_of: pd.Timestamp) -> alt.TopLevelMixin:
    """Chapter 1: how many claims of each article got each verdict, and of both together
    (the count the title states). `claims`: the claims table (article, verdict)."""
    per_article = (claims.assign(article_label=claims["article"].map(charts.ARTICLE_LABELS))
                   .groupby(["article_label", "verdict"]).size().reset_index(name="claims"))
    both = per_article.groupby("verdict", as_index=False)["claims"].sum().assign(article_label=BOTH)
    frame = pd.concat([both, per_article], ignore_index=True)
    frame["standing"] = frame["verdict"].map(_STANDING_OF)
    frame["summary"] = frame["article_label"].map(_summaries(frame, "article_label"))
    per = both.assign(standing=both["verdict"].map(_STANDING_OF)).groupby("standing")["claims"].sum().reindex(
        list(STANDING.values()), fill_value=0)
    total = int(per.sum())
    against = int(per["contradicted"] + per["overtaken"])
    part = int(per["holds in part"])
    # The title's count is one drawn bar (both articles' "partly supported"), not a sum of bars.
    most = part == int(both["claims"].max())
    title = (f"{part} of {total} claims {charts.agree(part, 'is', 'are')} only partly supported" + (", the most common verdict" if most else ""))
    holds = (f"{per['holds up']} {charts.agree(int(per['holds up']), 'holds', 'hold')} up as stated (supported or "
             f"complicated)")
    articles = [BOTH] + list(dict.fromkeys(per_article["article_label"].sort_values()))
    return charts.finish(
        _verdict_rows(frame, "article_label", "Article", articles, wide=True),
        narrow=_verdict_rows(frame, "article_label", "Article", articles),
        title=title,
        subtitle=f"Claims by verdict; hold up = supported or complicated, in part = partly supported. "
                 f"Evidence as of {as_of:%Y-%m-%d}.",
        source=SOURCE_LINE.format(as_of),
        description=f"Bar chart of the {total} claims of the two articles by verdict. {title}; {holds}; {against} "
                    f"{charts.agree(against, 'is', 'are')} contradicted or overtaken, {int(per['unverified'])} unverified. "
                    + "; ".join(f"{r.article_label}, {r.verdict}: {r.claims}" for r in frame.itertuples()
                                if r.article_label != BOTH),
        data_files=["claims.csv"],
    )


def article_part(section: pd.Series) -> pd.Series:
    """The part of its article a claim comes from, as the article heads it: the section
    without the book's numbering or its sub-heading ("3. Capital structure (the hedge)"
    is "Capital structure")."""
    return section.str.replace(r"^\d+\.\s*", "", regex=True).str.replace(r"\s*\(.*\)$", "", regex=True)


def verdicts_by_part(claims: pd.DataFrame, as_of: pd.Timestamp) -> alt.TopLevelMixin:
    """Chapter 1: the share of claims that hold up in each part of each article (its own
    headings, in its order), as a bar against a pale track of the whole part, labelled
    with the share and the count, grouped under each article's name; the strategy
    article's weakest parts, which the title names, are picked out in bold. `claims`: article, section, verdict, in the articles' order."""
    labelled = claims.assign(part=claims["article"].map(charts.ARTICLE_LABELS) + " \u00b7 " + article_part(claims["section"]),
                             section_part=article_part(claims["section"]),
                             holds=claims["verdict"].map(_STANDING_OF) == STANDING["holds"])
    frame = (labelled.groupby(["part", "article", "section_part"], sort=False)
             .agg(claims=("holds", "size"), holds=("holds", "sum"),
                  verdicts=("verdict", lambda v: ", ".join(f"{n} {k}" for k, n in v.value_counts().items())))
             .reset_index())
    frame["holds"] = frame["holds"].astype(int)
    frame["share"] = frame["holds"] / frame["claims"]
    frame["whole"] = 1.0
    a1 = frame[frame["article"] == "A1"]
    low = a1["share"].min()
    frame["weakest"] = (frame["article"] == "A1") & (frame["share"] == low)
    frame["label"] = [f"{s:.0%} ({h} of {n})" + (": its lowest" if w else "")
                      for s, h, n, w in zip(frame["share"], frame["holds"], frame["claims"], frame["weakest"])]
    weakest_parts = list(frame.loc[frame["weakest"], "section_part"])
    weakest = _names([p.lower() for p in weakest_parts])
    title = (f"No claim in the strategy article's {weakest} holds up as stated" if low == 0 else
             f"The strategy article's claims hold up least in its {weakest}: {low:.0%}")
    tooltip = [alt.Tooltip("part:N", title="Part of the article"), alt.Tooltip("label:N", title="Hold up"),
               alt.Tooltip("verdicts:N", title="Verdicts")]

    def layers(rows: pd.DataFrame, narrow: bool, last: bool) -> list[alt.Chart]:
        """One article's bars against their tracks, a part none of whose claims holds up
        marked by a stroke at zero, each label just past its bar's end, or inside a bar
        too long to leave it room; the weakest parts' labels in bold."""
        # The axis's labels and title once, under the last article.
        axis = dict(title="Share of the part's claims that hold up" if last else None,
                    axis=alt.Axis(format="%", tickCount=5, labels=last, ticks=last))
        x = alt.X("share:Q", scale=alt.Scale(domain=[0, 1]), **axis)
        track = charts.backdrop(alt.Chart(rows).mark_bar(color="#555", opacity=0.12, height=14).encode(
            x=alt.X("whole:Q", scale=alt.Scale(domain=[0, 1]), **axis), tooltip=tooltip))
        bars = alt.Chart(rows).mark_bar(color=charts.VERDICT_COLORS["supported"], height=14).encode(x=x, tooltip=tooltip)
        zero = alt.Chart(rows).transform_filter("datum.share == 0").mark_tick(
            color=charts.VERDICT_COLORS["supported"], opacity=1, thickness=3, size=14).encode(x="share:Q", tooltip=tooltip)
        inside = f"datum.share > {0.6 if narrow else 0.75}"
        words = []
        for bold in (False, True):
            some = rows[rows["weakest"] == bold]
            if some.empty:
                continue
            weight = "bold" if bold else "normal"
            words.append(alt.Chart(some).transform_filter(f"!({inside})").mark_text(
                align="left", dx=5, fontSize=11, color=charts.INK, fontWeight=weight).encode(
                x="share:Q", text="label:N", tooltip=tooltip))
            words.append(alt.Chart(some).transform_filter(inside).mark_text(
                align="right", dx=-4, fontSize=11, fontWeight=weight,
                color=charts.text_color_on(charts.VERDICT_COLORS["supported"])).encode(
                x="share:Q", text="label:N", tooltip=tooltip))
        return [track, bars, zero, *words]

    def draw(narrow: bool) -> alt.TopLevelMixin:
        panels = []
        articles = list(dict.fromkeys(frame["article"]))
        for article, rows in frame.groupby("article", sort=False):
            last = article == articles[-1]
            head = alt.Title(charts.ARTICLE_LABELS[article], anchor="start", fontSize=12, fontWeight="bold")
            sections = list(dict.fromkeys(rows["section_part"]))
            if narrow:
                panels.append(charts.label_rows(layers(rows, True, last), "section_part", sections, row_height=14)
                              .properties(title=head))
                continue
            named = weakest_parts if article == "A1" else []
            bold = alt.condition(f"indexof({json.dumps(named)}, datum.value) >= 0", alt.value("bold"),
                                 alt.value("normal"))
            panels.append(alt.layer(*layers(rows, False, last)).encode(
                y=alt.Y("section_part:N", title=None, sort=sections,
                        axis=alt.Axis(labelFontWeight=bold, minExtent=150, labelLimit=150))).properties(
                width=380, height=alt.Step(24), title=head))
        return alt.vconcat(*panels, spacing=14).resolve_scale(x="shared")

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Share of each part's claims that hold up as stated (supported or complicated), under the articles' "
                 f"own headings. Evidence as of {as_of:%Y-%m-%d}.",
        source=SOURCE_LINE.format(as_of),
        description=f"Bar chart of the share of claims that hold up in each part of the two articles. {title}. "
                    + "; ".join(f"{r.part}: {r.label}" for r in frame.itertuples()),
        data_files=["claims.csv"],
    )


def evidence_balance(claims: pd.DataFrame, stance_counts: pd.DataFrame, as_of: pd.Timestamp) -> alt.TopLevelMixin:
    """Chapter 1: evidence rows for and against each claim, one thin row per claim, sorted
    by their balance (supporting rows less complicating and contradicting ones), with the
    claims whose caveats outnumber their support shaded and counted. `stance_counts`: one
    row per claim with a count per stance (ledger.stance_counts); `claims`: claim_id,
    claim, verdict."""
    balance = stance_counts.merge(claims[["claim_id", "claim", "verdict"]], on="claim_id")
    balance["against"] = balance["complicates"] + balance["contradicts"]
    balance["net"] = balance["supports"] - balance["against"]
    balance = balance.sort_values(["net", "supports", "claim_id"], ascending=[False, False, True], kind="stable",
                                  ignore_index=True)
    balance["rank"] = range(len(balance))
    balance["weighs"] = (balance["net"] < 0).map({True: "more caveats than support", False: "support at least equal"})
    # Each stance's segment: supports to the right of zero, complicates then contradicts to the left.
    segments = []
    for stance, start, end in (("supports", 0, balance["supports"]), ("complicates", 0, -balance["complicates"]),
                               ("contradicts", -balance["complicates"], -balance["against"])):
        segments.append(balance.assign(stance=stance, rows=balance[stance], start=start, end=end))
    frame = pd.concat(segments, ignore_index=True)
    frame = frame[frame["rows"] > 0].assign(top=lambda f: f["rank"] - 0.4, bottom=lambda f: f["rank"] + 0.4)[
        ["claim_id", "claim", "verdict", "weighs", "stance", "rows", "start", "end", "top", "bottom"]]
    claims_n = len(balance)
    heavy = balance[balance["net"] < 0]
    against = len(heavy)
    title = f"For {against} of {claims_n} claims, caveats and contradictions outnumber the supporting evidence"
    left, right = -int(balance["against"].max()) - 1, int(balance["supports"].max()) + 1
    # The two blocks, each named beside the plot; the block with more caveats is shaded.
    light = balance[balance["net"] >= 0]
    blocks = pd.DataFrame([
        {"block": "heavy", "top": heavy["rank"].min() - 0.5, "bottom": heavy["rank"].max() + 0.5,
         "middle": heavy["rank"].mean(), "label": f"{against} of {claims_n} claims:|more caveats|than support"},
        {"block": "light", "top": light["rank"].min() - 0.5, "bottom": light["rank"].max() + 0.5,
         "middle": light["rank"].mean(), "label": f"{len(light)} of {claims_n} claims:|support at|least equal"},
    ]).dropna(subset=["middle"]).assign(left=left, right=right)
    blocks["words"] = blocks["label"].str.replace("|", " ", regex=False)
    # Rows above the first claim for the sides' names, over the bars next to zero.
    head = 3
    narrow_width = 190

    def side_names(width: int) -> pd.DataFrame:
        """Each stance named on the chart: supports and complicates at the head of their
        sides of zero, contradicts just past the outer end of the first row whose
        contradicting segment has room there and no longer neighbour (else it joins the
        complicating side's name)."""
        unit = width / (right - left)
        outer = -balance["against"]
        room = [r.rank for r in balance.itertuples() if r.contradicts > 0
                and (outer[r.rank] - left) * unit >= len("contradicts") * 7 + 8
                and all(outer[n] >= outer[r.rank] for n in range(max(r.rank - 2, 0), min(r.rank + 3, claims_n)))]
        rows = [{"stance": "supports", "x": 0.0, "row": -head / 2 - 0.5, "name": "supports \u2192", "align": "left"},
                {"stance": "complicates", "x": 0.0, "row": -head / 2 - 0.5,
                 "name": "\u2190 complicates" if room else "\u2190 complicates or contradicts", "align": "right"}]
        if room:
            rows.append({"stance": "contradicts", "x": float(outer[room[0]]), "row": float(room[0]),
                         "name": "contradicts", "align": "right"})
        return pd.DataFrame(rows)

    def draw(narrow: bool) -> alt.LayerChart:
        width = narrow_width if narrow else 420
        x = alt.X("start:Q", scale=alt.Scale(domain=[left, right], nice=False), title="Evidence rows")
        y = alt.Y("top:Q", title=None, axis=None,
                  scale=alt.Scale(domain=[-0.5 - head, claims_n - 0.5], reverse=True, nice=False))
        bars = alt.Chart(frame).mark_rect().encode(
            x=x, x2="end:Q", y=y, y2="bottom:Q",
            color=alt.Color("stance:N", title="Evidence", scale=charts.stance_scale(), legend=None),
            tooltip=[alt.Tooltip("claim_id:N", title="Claim"), alt.Tooltip("claim:N", title="Says"),
                     alt.Tooltip("verdict:N", title="Verdict"), alt.Tooltip("stance:N", title="Evidence"),
                     alt.Tooltip("rows:Q", title="Rows"), alt.Tooltip("weighs:N", title="Balance")])
        zero = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color=charts.INK).encode(x="zero:Q")
        shade = charts.backdrop(alt.Chart(blocks[blocks["block"] == "heavy"]).mark_rect(color="#555", opacity=0.12).encode(
            x="left:Q", x2="right:Q", y=alt.Y("top:Q", axis=None), y2="bottom:Q",
            tooltip=alt.Tooltip("words:N", title="Shaded")))
        # The line between the blocks, across the plot.
        divider = alt.Chart(blocks[blocks["block"] == "heavy"]).mark_rule(color=charts.INK, strokeDash=[4, 3]).encode(
            x="left:Q", x2="right:Q", y=alt.Y("top:Q", axis=None), tooltip=alt.Tooltip("words:N", title="Below"))
        notes = alt.Chart(blocks).mark_text(align="left", x=width + 8, fontSize=11, color=charts.INK, lineBreak="|").encode(
            y=alt.Y("middle:Q", axis=None), text="label:N")
        # Room is judged at the narrow width in both layouts, so "contradicts" names the same row on each.
        named = side_names(narrow_width)
        names = [alt.Chart(named[named["align"] == align]).mark_text(
            align=align, dx=4 if align == "left" else -4, fontSize=11, fontWeight="bold", color=charts.INK).encode(
            x="x:Q", y=alt.Y("row:Q", axis=None), text="name:N") for align in ("left", "right")]
        return alt.layer(shade, bars, zero, divider, notes, *names).properties(width=width,
                                                                              height=6 * (claims_n + head) + 10)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Evidence rows per claim, one row a claim, from most support to most caveats. Tap or hover for the "
                 f"claim. Evidence as of {as_of:%Y-%m-%d}.",
        source=SOURCE_LINE.format(as_of),
        description=f"Diverging bar chart of evidence rows for each of the {claims_n} claims, sorted by balance. {title}. "
                    + "; ".join(f"{r.claim_id}: {r.supports} for, {r.against} against" for r in balance.itertuples()),
        data_files=["evidence.csv"],
    )


def evidence_timing(evidence: pd.DataFrame, articles: pd.DataFrame, as_of: pd.Timestamp) -> alt.TopLevelMixin:
    """Chapter 1: evidence rows by the quarter they speak for, split at the day the strategy
    article was written (the one date the finding needs; the articles' writing windows
    would crowd it), with the share of rows on each side named above the plot. `evidence`: as_of, stance; `articles`: the articles table."""
    a1_latest = articles.set_index("article_id").loc["A1", "date_latest"]
    dated = evidence.assign(quarter=evidence["as_of"].dt.to_period("Q").dt.start_time,
                            after=evidence["as_of"] > a1_latest)
    frame = (dated.groupby("quarter")
             .agg(rows=("stance", "size"),
                  stances=("stance", lambda v: ", ".join(f"{v.eq(s).sum()} {s}" for s in STANCES if v.eq(s).any())))
             .reset_index())
    later = int(dated["after"].sum())
    earlier = len(dated) - later
    after = later / len(dated)
    title = f"{after:.0%} of the evidence dates from after the strategy article was written"
    end = frame["quarter"].max() + pd.offsets.QuarterEnd(0) + pd.Timedelta(days=1)
    split = charts.date_split(
        a1_latest, end, f"\u2190 {1 - after:.0%} ({earlier} {charts.agree(earlier, 'row', 'rows')})|before the|strategy article",
        f"{after:.0%} ({later} {charts.agree(later, 'row', 'rows')}) \u2192|after the|strategy article",
        f"{earlier} of {len(dated)} evidence rows ({1 - after:.0%}) date from before the strategy article was "
        f"written, {later} ({after:.0%}) from after", before_rows=earlier, after_rows=later)
    # A tick on each year the evidence speaks for, none on the year after the last quarter's end.
    first = frame["quarter"].min()
    years = [alt.DateTime(year=y) for y in range(first.year + (first.month > 1), frame["quarter"].max().year + 1)]

    def draw(narrow: bool) -> alt.LayerChart:
        bars = alt.Chart(frame).mark_bar(width={"band": 0.8}, color=charts.SERIES).encode(
            x=alt.X("yearquarter(quarter):T", title="Quarter the evidence speaks for",
                    axis=alt.Axis(format="%Y", values=years, labelAngle=0)),
            # Headroom over the tallest bar for the articles' labels at the top of the plot.
            y=alt.Y("rows:Q", title="Evidence rows", scale=alt.Scale(domain=[0, int(frame["rows"].max() * 1.2) + 1])),
            tooltip=[alt.Tooltip("yearquarter(quarter):T", title="Quarter", format="%Y Q%q"),
                     alt.Tooltip("rows:Q", title="Evidence rows"), alt.Tooltip("stances:N", title="Of which")])
        return alt.layer(split, bars).properties(width=260 if narrow else 440, height=220)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Evidence rows by the quarter they speak for. Evidence as of {as_of:%Y-%m-%d}.",
        source=SOURCE_LINE.format(as_of) + "; article dates: data/articles.csv",
        description=f"Bar chart of evidence rows by quarter from {frame['quarter'].min():%Y} to "
                    f"{frame['quarter'].max():%Y}, split at the day the strategy article was written. {title}: {later} of {len(dated)} rows; {earlier} date from before.",
        data_files=["evidence.csv", "articles.csv"],
    )


# Confidence grades, strongest first, on the book's grade ramp, stopping one step short of
# its near-white end (a near-white "low" glares on a dark page); the bars are outlined in
# ink, so the pale grades stand out on either page.
CONFIDENCE_COLORS = dict(list(charts.grade_colors(CONFIDENCE + ["page"]).items())[:len(CONFIDENCE)])
# What each grade means, for the tooltips (the subtitle says only what "high" means).
CONFIDENCE_MEANS = {"high": "a primary source read where its publisher put it",
                    "medium": "reputable secondary reporting, or a primary source read in a copy",
                    "low": "a single weak source"}


def _number_range(numbers: list[int]) -> str:
    """Chapter numbers in words: "5\u20138" for a run, "2, 5 and 7" otherwise."""
    numbers = sorted(numbers)
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}\u2013{numbers[-1]}"
    return _names([str(n) for n in numbers])


def evidence_strength(evidence: pd.DataFrame, chapter_titles: dict[str, str], as_of: pd.Timestamp,
                      numbers: dict[str, int] | None = None) -> alt.TopLevelMixin:
    """Verdict chapter: the share of each chapter's evidence rows at each confidence grade.
    `evidence`: chapter, confidence; `chapter_titles`: slug to title, in book order;
    `numbers`: slug to chapter number (by default, their places in `chapter_titles` from 1).
    The title names the chapters on the low side of the widest gap between chapters'
    high-confidence shares. Each grade is named on its segment of one row."""
    numbers = numbers or {slug: n for n, slug in enumerate(chapter_titles, start=1)}
    named = {slug: f"{numbers[slug]}. {title}" for slug, title in chapter_titles.items()}
    frame = (evidence.assign(chapter_title=evidence["chapter"].map(named))
             .groupby(["chapter_title", "confidence"]).size().reset_index(name="rows"))
    frame["means"] = frame["confidence"].map(CONFIDENCE_MEANS)
    per_chapter = frame.groupby("chapter_title")["rows"].sum()
    high = frame[frame["confidence"] == "high"].groupby("chapter_title")["rows"].sum().reindex(per_chapter.index,
                                                                                                fill_value=0)
    share = (high / per_chapter).sort_values()
    # The low group: every chapter below the widest gap between consecutive shares.
    gaps = share.diff().iloc[1:]
    cut = gaps.idxmax() if len(gaps) else share.index[-1]
    low = share[share < share[cut]] if len(gaps) else share
    slug_of = {v: k for k, v in named.items()}
    top = low.max()
    if low.empty:
        # Every chapter at the same share: no gap splits off a low group, the title says so.
        top = share.iloc[0]
        title = f"Every chapter's evidence is {top:.0%} high-confidence"
    else:
        chapters = _number_range([numbers[slug_of[c]] for c in low.index])
        title = (f"Chapter{'s' if len(low) > 1 else ''} {chapters} rest{'' if len(low) > 1 else 's'} on "
                 f"{'almost no' if top <= 0.05 else 'little'} high-confidence evidence: {top:.0%} of rows at most")
    order = [t for t in named.values() if t in set(frame["chapter_title"])]
    high_labels = pd.DataFrame({"chapter_title": order, "high_text": [f"{share[c]:.0%} high" for c in order]})
    # Each grade named once on its segment (no legend to read): all on the row whose
    # narrowest grade is widest, else each on its own widest segment.
    stacked = frame.assign(rank=frame["confidence"].map(CONFIDENCE.index)).sort_values(["chapter_title", "rank"])
    stacked["share"] = stacked["rows"] / stacked["chapter_title"].map(per_chapter)
    stacked["middle"] = stacked.groupby("chapter_title")["share"].cumsum() - stacked["share"] / 2
    grades = stacked["confidence"].nunique()
    full = stacked.groupby("chapter_title").filter(lambda c: len(c) == grades)
    if len(full):
        widest = full.groupby("chapter_title")["share"].min().idxmax()
        grade_labels = stacked[stacked["chapter_title"] == widest]
    else:
        grade_labels = stacked.loc[stacked.groupby("confidence")["share"].idxmax()]
    grade_labels = grade_labels.sort_values("rank")[["chapter_title", "confidence", "middle", "share", "means"]]

    def draw(narrow: bool) -> alt.TopLevelMixin:
        bars = alt.Chart(frame).mark_bar(stroke=charts.INK, strokeWidth=1, height=14 if narrow else alt.Undefined).encode(
            x=alt.X("rows:Q", title="Share of evidence rows", stack="normalize", axis=alt.Axis(format="%")),
            color=alt.Color("confidence:N", title="Confidence", sort=CONFIDENCE,
                            scale=alt.Scale(domain=CONFIDENCE, range=list(CONFIDENCE_COLORS.values())),
                            legend=None),
            order=alt.Order("confidence_rank:Q"),
            tooltip=[alt.Tooltip("chapter_title:N", title="Chapter"), alt.Tooltip("confidence:N", title="Confidence"),
                     alt.Tooltip("means:N", title="Meaning"),
                     alt.Tooltip("rows:Q", title="Evidence rows")],
        ).transform_calculate(confidence_rank=f"indexof({json.dumps(CONFIDENCE)}, datum.confidence)")
        # Each chapter's high-confidence share, printed past the end of its bar.
        width = 230 if narrow else 420
        highs = alt.Chart(high_labels).mark_text(align="left", dx=4, fontSize=11, color=charts.INK).encode(
            x=alt.value(width), text="high_text:N", tooltip=alt.Tooltip("high_text:N", title="High confidence"))
        names = alt.Chart(grade_labels).mark_text(fontSize=11).encode(
            x=alt.X("middle:Q", title="Share of evidence rows", scale=alt.Scale(domain=[0, 1])), text="confidence:N",
            color=alt.Color("confidence:N", legend=None, scale=alt.Scale(
                domain=CONFIDENCE, range=[charts.text_color_on(c) for c in CONFIDENCE_COLORS.values()])),
            tooltip=[alt.Tooltip("confidence:N", title="Confidence"), alt.Tooltip("means:N", title="Meaning")])
        if narrow:
            return charts.label_rows([bars, names, highs], "chapter_title", order, width=width).resolve_scale(
                color="independent")
        return alt.layer(bars, names, highs).resolve_scale(color="independent").encode(y=alt.Y("chapter_title:N", title=None, sort=order)).properties(
            width=width, height=alt.Step(26))

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle="Share of each chapter's evidence rows by confidence grade; high = a primary source read where its "
                 f"publisher put it. Evidence as of {as_of:%Y-%m-%d}.",
        source=SOURCE_LINE.format(as_of),
        description=f"Normalised stacked bar chart of evidence rows by confidence grade for each chapter. {title}. "
                    + "; ".join(f"{c}: {share[c]:.0%} high" for c in order),
        data_files=["evidence.csv"],
    )


# Which article's account the evidence bore out, in the words of the swing table's rows.
ACCOUNT_WORDS = {"A2": "The news article (A2)", "A1": "The strategy article (A1)", "both in part": "Both, in part",
                 "not yet known": "Not yet known"}


def disagreement_swing(disagreements: pd.DataFrame) -> pd.DataFrame:
    """Second-article chapter: on the questions the two articles disagree on, how many the
    evidence of late 2024 and of 2026 bore out for each account. `disagreements`: the
    article_disagreements table (held_late_2024, held_2026 in WHO_HELD). Returns one row
    per account (in WHO_HELD order, only those that occur) with the counts `late_2024` and
    `by_2026`."""
    counts = pd.DataFrame({"late_2024": disagreements["held_late_2024"].value_counts(),
                           "by_2026": disagreements["held_2026"].value_counts()})
    counts = counts.reindex([a for a in WHO_HELD if a in counts.index]).fillna(0).astype(int)
    return counts.rename_axis("account").reset_index()


def disagreement_swing_title(disagreements: pd.DataFrame) -> str:
    """The swing in one sentence: which account the evidence bore out, then and by 2026."""
    def bore_out(column: str) -> str:
        counts = disagreements[column].value_counts()
        said = [f"{name} on {counts.get(key, 0)}" for key, name in
                (("A2", "the news article"), ("A1", "the strategy article"), ("both in part", "both in part"))
                if counts.get(key, 0)]
        text = " and ".join([", ".join(said[:-1]), said[-1]]) if len(said) > 1 else "".join(said)
        open_ = counts.get("not yet known", 0)
        return (text + (", leaving " if text else "left ") + f"{open_} open") if open_ else text

    return (f"Of {len(disagreements)} questions, late-2024 evidence bore out {bore_out('held_late_2024')}; "
            f"2026 evidence bore out {bore_out('held_2026')}")


def disagreement_table(disagreements: pd.DataFrame):
    """The swing as a small table (a chart of ten numbers would only restate them), its
    caption the finding: rows are accounts, columns the evidence of late 2024 and of 2026."""
    swing = disagreement_swing(disagreements)
    return html_table(swing.assign(account=swing["account"].map(ACCOUNT_WORDS)),
                      headers={"account": "Evidence bore out", "late_2024": "When written (late 2024)",
                               "by_2026": "By 2026"},
                      caption=disagreement_swing_title(disagreements) + ". Questions on which the two articles disagree, "
                                                                       "by the account the evidence bore out")
