"""What happened after the articles, as dated events in swimlanes: one event per equity
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

# Events of one lane closer than this are drawn one above the other: at a phone's width a
# marker is about 12 px, some 45 days of the timeline.
DODGE_DAYS = 45


def events_chart(events_table: pd.DataFrame, articles: pd.DataFrame, source_line: str) -> alt.TopLevelMixin:
    """Second-article chapter: every deal and deployment in company swimlanes against the
    articles' writing windows. `events_table`: `events()` with a `sources` column (source
    names, for tooltips); `articles`: the articles table; `source_line`: the chart's source
    line. Events of a lane that fall close together are dodged (one row per slot)."""
    a1_latest = articles.set_index("article_id").loc["A1", "date_latest"]
    frame = events_table.drop(columns=["source_ids"], errors="ignore").assign(
        period=lambda f: (f["date"] > a1_latest).map({True: "after A1 was written", False: "by the time A1 was written"}),
        slot=lambda f: charts.dodge(f["date"], f["lane"], gap=DODGE_DAYS))
    after = int((frame["period"] == "after A1 was written").sum())
    title = f"{after} of the {len(frame)} deals and deployments on record came after the strategy article was written"
    kinds = [k for k in KINDS if k in set(frame["kind"])]
    lanes = [lane for lane in LANES if lane in set(frame["lane"])]
    frame["row_y"], y, height = charts.slot_rows(frame["lane"], frame["slot"], lanes, step=15, headroom=1.6)
    end = frame["date"].max() + pd.Timedelta(days=45)
    before = len(frame) - after
    split = charts.date_split(a1_latest, end, f"\u2190 {before} of {len(frame)}|before A1", f"{after} of {len(frame)} \u2192|after A1",
                       f"{before} of the {len(frame)} events came by the time the strategy article (A1) was written, "
                       f"{after} after", before_events=before, after_events=after)

    def draw(narrow: bool):
        points = alt.Chart(frame).mark_point(filled=True, size=90 if narrow else 110, stroke=charts.PAPER,
                                             strokeWidth=1).encode(
            x=alt.X("date:T", title=None, scale=alt.Scale(padding=10),
                    axis=alt.Axis(format="%Y" if narrow else "%b %Y", labelAngle=0, tickCount="year" if narrow else 6)),
            y=y,
            color=alt.Color("lane:N", scale=charts.vendor_scale(lanes), legend=None),
            shape=alt.Shape("kind:N", sort=kinds, legend=charts.bottom_legend("Event", columns=1 if narrow else 3),
                            scale=alt.Scale(domain=kinds, range=["circle", "diamond", "triangle-up"])),
            tooltip=[alt.Tooltip("date:T", title="Date"), alt.Tooltip("lane:N", title="Company"),
                     alt.Tooltip("kind:N", title="Event"), alt.Tooltip("label:N", title="What"),
                     alt.Tooltip("sources:N", title="Sources")],
        )
        return alt.layer(split, charts.article_bands(articles), points).properties(width=220 if narrow else 470,
                                                                                     height=height)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Events by company, {frame['date'].min():%b %Y} to {frame['date'].max():%b %Y}; grey bands: when "
                 "the articles were written. Tap or hover for figures and sources.",
        source=source_line,
        description=f"Timeline in swimlanes ({', '.join(lanes)}) of Anthropic's equity deals, compute commitments and "
                    f"deployments. {title}. " + "; ".join(f"{e.date:%Y-%m-%d} {e.lane}: {e.label}" for e in frame.itertuples()),
        data_files=["investments.csv", "compute_commitments.csv", "capacity.csv", "articles.csv"],
    )
