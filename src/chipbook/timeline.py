"""What happened after the articles, as dated events counted over time: one event per equity
deal (capital chapter), per compute commitment (capital chapter) and per reported count of
chips in service (optionality chapter). Assembled from those tables, never copied."""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import capital, charts
from .vocabulary import INVESTORS

LANES = INVESTORS + ["Other"]
KINDS = ["equity investment", "compute commitment", "chips in service"]
_LANE_OF = {"Amazon": "Amazon", "AWS": "Amazon", "Google": "Google", "Microsoft": "Microsoft", "NVIDIA": "NVIDIA"}


def _lane(party: str) -> str:
    return _LANE_OF.get(party, "Other")


def equity_events(investments: pd.DataFrame) -> pd.DataFrame:
    """One event per equity deal, its label worded by what its figures rest on: a ceiling
    is "up to", and a payment is "paid" only where a filing, a regulator or Anthropic
    documents it (capital.paid_words), else "reported paid" or "inferred paid"."""
    deals = capital.deal_totals(investments)
    sources = capital.tranches(investments).groupby("deal_id")["sources"].agg(
        lambda s: sorted({i for joined in s for i in joined.split(", ")}))
    usd = capital.format_usd_b
    said = {"documented": "paid", "press-reported": "reported paid", "inferred by the book": "inferred paid",
            "press-reported or inferred by the book": "reported or inferred paid"}

    def label(deal) -> str:
        rows = investments[investments["deal_id"] == deal.deal_id]
        pledged = f"up to {usd(deal.committed_high_usd_b)} pledged"
        if not deal.funded_high_usd_b:
            return f"{deal.investor} equity: {pledged}, no payment on record"
        paid = said[capital.paid_words(rows, deal.investor)]
        return f"{deal.investor} equity: {pledged}, {usd(deal.funded_low_usd_b, deal.funded_high_usd_b)} {paid}"

    return pd.DataFrame({
        "origin_id": deals["deal_id"],
        "date": deals["date"],
        "lane": deals["investor"].map(_lane),
        "kind": "equity investment",
        "label": [label(d) for d in deals.itertuples()],
        "source_ids": deals["deal_id"].map(sources),
    })


def commitment_events(commitments: pd.DataFrame) -> pd.DataFrame:
    per = commitments.groupby("commitment_id", sort=False).agg(
        date=("date_announced", "min"), counterparty=("counterparty", "first"), group=("vendor_group", "first"),
        commitment_kind=("commitment_kind", "first"), figures=("figures_note", "first"),
        disclosure=("disclosure", "first"), source_ids=("source_id", lambda s: sorted(set(s))))
    return pd.DataFrame({
        "origin_id": per.index,
        "date": per["date"],
        "lane": per["group"].map(_lane),
        "kind": "compute commitment",
        "label": [f"{p.counterparty}: {p.commitment_kind} ({p.figures}; {p.disclosure})" for p in per.itertuples()],
        "source_ids": per["source_ids"],
    }).reset_index(drop=True)


def _figure(bound, chips) -> str:
    return f"{bound + ' ' if isinstance(bound, str) else ''}{int(chips):,}"


def deployment_events(capacity: pd.DataFrame) -> pd.DataFrame:
    """Chips reported or announced as in service (not merely expected), one event per
    deal and date stated. Where sources give different counts that day, the event shows
    each with its basis rather than picking one; they may count different things (a
    cluster, a whole fleet), so it does not call them a disagreement."""
    live = capacity[(capacity["state"] == "in service") & (capacity["basis"] != "expected") & capacity["chips"].notna()]
    rows = []
    for (tranche, date), day in live.sort_values("chips").groupby(["tranche", "date_stated"], sort=False):
        low, high = day.iloc[0], day.iloc[-1]
        count = _figure(low.chips_bound, low.chips)
        if high.chips != low.chips:
            count += f" ({low.basis}) and {_figure(high.chips_bound, high.chips)} ({high.basis}), as each source counts them"
        rows.append({"origin_id": f"{tranche} {date:%Y-%m-%d}", "date": date, "lane": _lane(low.vendor), "kind": "chips in service",
                     "label": f"{low.chip_family} chips in service: {count}",
                     "source_ids": sorted(set(day["source_id"]))})
    return pd.DataFrame(rows, columns=["origin_id", "date", "lane", "kind", "label", "source_ids"])


def events(investments: pd.DataFrame, commitments: pd.DataFrame, capacity: pd.DataFrame) -> pd.DataFrame:
    """Every event, oldest first. `origin_id` names the row it comes from: a deal_id, a
    commitment_id, or a capacity tranche and date."""
    table = pd.concat([equity_events(investments), commitment_events(commitments), deployment_events(capacity)],
                      ignore_index=True)
    return table.sort_values(["date", "lane", "kind"], ignore_index=True)


# --- The chart ---------------------------------------------------------------------------

def events_chart(events_table: pd.DataFrame, articles: pd.DataFrame, source_line: str) -> alt.TopLevelMixin:
    """Second-article chapter: the deals and deployments on record over time, one step an
    event, split at the day the strategy article was written. `events_table`:
    `events()` with a `sources` column (source names, for tooltips); `articles`: the
    articles table; `source_line`: the chart's source line. Each event is one point on
    the step it adds (events of one day sit one above the other on the riser), its
    company and kind in its tooltip; the counts the title states are written on the line:
    the count by the article's date where the line crosses it, and the rise after it beside
    the rise."""
    a1_latest = articles.set_index("article_id").loc["A1", "date_latest"]
    frame = events_table.drop(columns=["source_ids"], errors="ignore").sort_values("date", kind="stable",
                                                                                     ignore_index=True)
    frame["on_record"] = range(1, len(frame) + 1)
    total = len(frame)
    after = int((frame["date"] > a1_latest).sum())
    before = total - after
    title = f"{after} of the {total} deals and deployments on record came after the strategy article was written"
    end = frame["date"].max() + pd.Timedelta(days=45)
    split = charts.date_split(a1_latest, end, "", "",
                              f"{before} of the {total} events came by the time the strategy article was written, "
                              f"{after} after", before_events=before, after_events=after)
    # The line, carried on from the last event to the plot's end.
    line = pd.concat([frame[["date", "on_record"]], pd.DataFrame({"date": [end], "on_record": [total]})],
                     ignore_index=True)
    # The count by the article's date, left of the split where the line crosses it, and the
    # rise after it written beside the rise itself (left of the middle of the climb), so
    # that no mark at the line's end reads as the count falling back.
    # The note sits on the first point from the middle of the climb on whose left it clears the
    # split's rule in the narrow layout (about 7 px a bold character), else on the last point.
    start, narrow_width = frame["date"].min() - pd.Timedelta(days=30), 260
    later = frame[frame["date"] > a1_latest]
    later = later.iloc[len(later) // 2:]
    clear = later[(later["date"] - a1_latest) / (end - start) * narrow_width >= len(f"{after} after it") * 7 + 8]
    middle = clear.iloc[0] if len(clear) else frame.iloc[-1]
    notes = pd.DataFrame({"date": [a1_latest, middle["date"]], "on_record": [before, middle["on_record"]],
                          "note": [f"{before} by the|strategy article", f"{after} after it"],
                          "words": [f"{before} of the {total} came by the time the strategy article was written",
                                    f"{after} of the {total} came after the strategy article"]})
    y_top = total * 1.15 + 1

    def draw(narrow: bool):
        x = alt.X("date:T", title=None, scale=alt.Scale(domain=[start, end]),
                  axis=alt.Axis(format="%Y" if narrow else "%b %Y", labelAngle=0, tickCount="year" if narrow else 6))
        y = alt.Y("on_record:Q", title="Deals and deployments on record", scale=alt.Scale(domain=[0, y_top], nice=False),
                  axis=alt.Axis(tickMinStep=1, tickCount=5))
        steps = alt.Chart(line).mark_line(interpolate="step-after", color=charts.SERIES, strokeWidth=2).encode(x=x, y=y)
        points = alt.Chart(frame).mark_point(filled=True, size=30, color=charts.SERIES, opacity=1,
                                             stroke=charts.PAPER, strokeWidth=0.5).encode(
            x=x, y=y,
            tooltip=[alt.Tooltip("date:T", title="Date"), alt.Tooltip("lane:N", title="Company"),
                     alt.Tooltip("kind:N", title="Event"), alt.Tooltip("label:N", title="What"),
                     alt.Tooltip("on_record:Q", title="On record by then"), alt.Tooltip("sources:N", title="Sources")])
        tip = alt.Tooltip("words:N", title="Count")
        # The level at the article's date, carried to the end: the base the rise is counted from.
        level = alt.Chart(notes.iloc[:1].drop(columns="note").assign(end=end)).mark_rule(color=charts.INK, strokeDash=[2, 3]).encode(
            x="date:T", x2="end:T", y="on_record:Q", tooltip=tip)
        # Vega sets a text's first line on its baseline, the rest below: lifted by its extra line.
        words = alt.Chart(notes).mark_text(align="right", baseline="bottom", dx=-4, dy=-5 - 13, fontSize=11,
                                           lineHeight=13, lineBreak="|", fontWeight="bold", color=charts.INK).encode(
            x="date:T", y="on_record:Q", text="note:N", tooltip=tip)
        return alt.layer(split, level, steps, points, words).properties(width=narrow_width if narrow else 470, height=220)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Equity deals, compute commitments and chips in service, counted as they came, "
                 f"{frame['date'].min():%b %Y} to {frame['date'].max():%b %Y}. Tap or hover for each one.",
        source=source_line,
        description=f"Step line of Anthropic's equity deals, compute commitments and deployments on record over time, "
                    f"split at the day the strategy article was written. {title}; {before} came by then. "
                    + "; ".join(f"{e.date:%Y-%m-%d} {e.lane}: {e.label}" for e in frame.itertuples()),
        data_files=["investments.csv", "compute_commitments.csv", "capacity.csv", "articles.csv"],
    )
