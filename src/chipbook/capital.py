"""The capital-structure chapter's computations: how much each strategic investor has
committed and paid into Anthropic over time, how its valuation moved, and how its compute
commitments compare with the equity its suppliers put in.

Everything here works on the tables `investments`, `funding_rounds` and
`compute_commitments` as `chipbook.load_table` returns them. The rules, stated once:

* A tranche reported by several sources with different amounts keeps all of them; a
  tranche's **low** and **high** are the smallest and largest amount any source gives, and
  its **date** is the earliest date any source gives for it.
* A deal's **committed** amount is the sum of its commitment tranches (announced
  ceilings). A deal announced without a ceiling (money simply reported as invested) counts
  its funded and scheduled tranches as its commitment: an investor has committed at least
  what it paid.
* **Funded** counts only tranches documented as paid; a scheduled tranche counts towards
  the commitment, never towards what was paid.
* Compute commitments overlap (a later deal often enlarges an earlier one), so they are never
  summed: each counterparty is represented by its largest single dollar commitment.
"""

from __future__ import annotations

import html

import altair as alt
import pandas as pd

from . import charts
from .ledger import cite, html_table
from .vocabulary import COMMITMENT_KINDS, INVESTORS, VENDOR_GROUPS

MEASURES = ["committed", "funded"]

# A supplier that is also an investor: the compute counterparty and the investor it belongs to.
INVESTOR_OF_COUNTERPARTY = {"AWS": "Amazon", "Google Cloud": "Google", "Microsoft Azure": "Microsoft", "NVIDIA": "NVIDIA"}
# How the chart names each counterparty, in the order it lists them.
COUNTERPARTY_LABELS = {
    "AWS": "Amazon / AWS",
    "Google Cloud": "Google",
    "Microsoft Azure": "Microsoft",
    "NVIDIA": "NVIDIA",
    "Broadcom": "Broadcom",
    "SpaceX": "SpaceX",
    "Fluidstack": "Fluidstack",
    "Apollo and Blackstone vehicle": "Apollo and Blackstone vehicle",
}
# The chart colour of each counterparty (chipbook.charts.VENDOR_COLORS keys).
VENDOR_OF_COUNTERPARTY = {"AWS": "Amazon", "Google Cloud": "Google", "Microsoft Azure": "Microsoft",
                          "NVIDIA": "NVIDIA"}


def tranches(investments: pd.DataFrame) -> pd.DataFrame:
    """One row per tranche: investor, deal, status, the earliest date any source gives,
    the low and high amount over its sources, and the sources themselves."""
    per_tranche = investments.groupby("tranche_id", sort=False)
    for column in ("deal_id", "investor", "status"):
        disagree = per_tranche[column].nunique()
        disagree = disagree[disagree > 1]
        if not disagree.empty:
            raise ValueError(f"rows of tranche(s) {list(disagree.index)} disagree on {column}")
    out = per_tranche.agg(
        deal_id=("deal_id", "first"),
        investor=("investor", "first"),
        status=("status", "first"),
        date=("as_of", "min"),
        low_usd_b=("amount_usd_b", "min"),
        high_usd_b=("amount_usd_b", "max"),
        sources=("source_id", lambda s: ", ".join(sorted(set(s)))),
    ).reset_index()
    return out.sort_values(["investor", "date", "tranche_id"], ignore_index=True)


def _events(investments: pd.DataFrame) -> pd.DataFrame:
    """The dated amounts that move each measure: one row per tranche and measure it counts in."""
    table = tranches(investments)
    has_ceiling = set(table.loc[table["status"] == "committed", "deal_id"])
    committed = table[(table["status"] == "committed")
                      | (table["status"].isin(["funded", "scheduled"]) & ~table["deal_id"].isin(has_ceiling))]
    funded = table[table["status"] == "funded"]
    return pd.concat([committed.assign(measure="committed"), funded.assign(measure="funded")], ignore_index=True)


def deal_totals(investments: pd.DataFrame) -> pd.DataFrame:
    """Per deal: committed and funded, low and high, and what is scheduled but unconfirmed."""
    events = _events(investments)
    table = tranches(investments)
    sums = events.groupby(["deal_id", "measure"])[["low_usd_b", "high_usd_b"]].sum().unstack("measure", fill_value=0.0)
    sums.columns = [f"{measure}_{bound}" for bound, measure in sums.columns]
    scheduled = table[table["status"] == "scheduled"].groupby("deal_id")["high_usd_b"].sum().rename("scheduled_usd_b")
    deals = table.groupby("deal_id").agg(investor=("investor", "first"), date=("date", "min"))
    out = deals.join(sums).join(scheduled).fillna(0.0).reset_index()
    for measure in MEASURES:
        for bound in ("low_usd_b", "high_usd_b"):
            if f"{measure}_{bound}" not in out:
                out[f"{measure}_{bound}"] = 0.0
    return out.sort_values(["investor", "date"], ignore_index=True)


def cumulative(investments: pd.DataFrame, until: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """Each investor's running total, committed and funded, low and high, at every date it
    changes (one row per investor, measure and date), plus a last row at `until` so that a
    step line runs to the chart's edge. `tranches` lists what moved the total that day."""
    events = _events(investments)
    rows = []
    for (investor, measure), group in events.groupby(["investor", "measure"], sort=False):
        by_day = group.groupby("date").agg(low=("low_usd_b", "sum"), high=("high_usd_b", "sum"),
                                           tranches=("tranche_id", lambda s: ", ".join(s))).sort_index()
        running = by_day[["low", "high"]].cumsum()
        for day, total in running.iterrows():
            rows.append({"investor": investor, "measure": measure, "date": day,
                         "low_usd_b": round(total["low"], 6), "high_usd_b": round(total["high"], 6),
                         "tranches": by_day.loc[day, "tranches"]})
        if until is not None and pd.Timestamp(until) > running.index.max():
            last = running.iloc[-1]
            rows.append({"investor": investor, "measure": measure, "date": pd.Timestamp(until),
                         "low_usd_b": round(last["low"], 6), "high_usd_b": round(last["high"], 6),
                         "tranches": ""})
    out = pd.DataFrame(rows, columns=["investor", "measure", "date", "low_usd_b", "high_usd_b", "tranches"])
    order = {name: i for i, name in enumerate(INVESTORS)}
    return out.sort_values(["investor", "measure", "date"], key=lambda s: s.map(order) if s.name == "investor" else s,
                           ignore_index=True)


def totals(investments: pd.DataFrame, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """Each investor's committed and funded totals (low and high) on `as_of` (default: all
    rows), one row per investor; an investor with nothing funded shows zero."""
    events = _events(investments)
    if as_of is not None:
        events = events[events["date"] <= pd.Timestamp(as_of)]
    sums = events.groupby(["investor", "measure"])[["low_usd_b", "high_usd_b"]].sum().round(6)
    wide = sums.unstack("measure")
    wide.columns = [f"{measure}_{bound}" for bound, measure in wide.columns]
    present = [i for i in INVESTORS if i in set(events["investor"])]
    wide = wide.reindex(present)
    for measure in MEASURES:
        for bound in ("low_usd_b", "high_usd_b"):
            if f"{measure}_{bound}" not in wide:
                wide[f"{measure}_{bound}"] = 0.0
    columns = [f"{m}_{b}" for m in MEASURES for b in ("low_usd_b", "high_usd_b")]
    return wide[columns].fillna(0.0).rename_axis("investor").reset_index()


def first_change_after(cum: pd.DataFrame, investor: str, measure: str, after: pd.Timestamp | str) -> pd.Timestamp | None:
    """The first date after `after` on which the investor's running total of `measure`
    grew: the day a figure quoted on `after` was overtaken. None if it never grew."""
    rows = cum[(cum["investor"] == investor) & (cum["measure"] == measure) & (cum["tranches"] != "")]
    before = rows[rows["date"] <= pd.Timestamp(after)]
    level = before["high_usd_b"].iloc[-1] if not before.empty else 0.0
    later = rows[(rows["date"] > pd.Timestamp(after)) & (rows["high_usd_b"] > level)]
    return None if later.empty else later["date"].iloc[0]


def first_date_ahead(cum: pd.DataFrame, leader: str, follower: str, measure: str = "committed",
                     after: pd.Timestamp | str | None = None) -> pd.Timestamp | None:
    """The first date (after `after`, if given) on which `leader`'s running total (its
    low figure) is above `follower`'s (its high figure): the day the lead changed hands
    beyond doubt. None if it never did."""
    def series(investor):
        rows = cum[(cum["investor"] == investor) & (cum["measure"] == measure)]
        return rows.set_index("date")
    lead, follow = series(leader), series(follower)
    for day in sorted(set(lead.index) | set(follow.index)):
        if after is not None and day <= pd.Timestamp(after):
            continue
        lead_now = lead.loc[lead.index <= day, "low_usd_b"]
        follow_now = follow.loc[follow.index <= day, "high_usd_b"]
        if not lead_now.empty and lead_now.iloc[-1] > (follow_now.iloc[-1] if not follow_now.empty else 0.0):
            return day
    return None


def format_usd_b(low: float, high: float | None = None) -> str:
    """'$18B', or '$12.55-12.8B' (with an en dash) where sources give a range."""
    if high is None or abs(high - low) < 1e-9:
        return f"${low:,.4g}B"
    return f"${low:,.4g}\u2013{high:,.4g}B"


def consideration_counts(investments: pd.DataFrame) -> pd.DataFrame:
    """How many source rows say each thing about what the money was paid in, per investor."""
    return (investments.groupby(["investor", "consideration"]).size().rename("rows").reset_index()
            .sort_values(["investor", "consideration"], ignore_index=True))


# --- Valuations ----------------------------------------------------------------------------

def valuations(rounds: pd.DataFrame) -> pd.DataFrame:
    """The rows of `funding_rounds` that give a valuation, with a `label` for charts."""
    out = rounds[rounds["valuation_high_usd_b"].notna()].copy()
    out["label"] = out["round_name"].str.replace(r" \(.*\)$", "", regex=True)
    return out.sort_values(["round_date", "round_id"], ignore_index=True)


def reported_figure_before(rounds: pd.DataFrame, date: pd.Timestamp | str) -> float:
    """The highest valuation reported in talks on or before `date`: the figure an article
    written that day could have repeated."""
    talks = rounds[(rounds["round_status"] == "talks reported") & (rounds["as_of"] <= pd.Timestamp(date))]
    if talks.empty:
        raise ValueError(f"no talks reported on or before {date}")
    return float(talks["valuation_high_usd_b"].max())


def first_close_above(rounds: pd.DataFrame, threshold_usd_b: float, after: pd.Timestamp | str) -> pd.Series:
    """The first closed round after `after` whose valuation exceeds the threshold."""
    closed = rounds[(rounds["round_status"] == "closed") & (rounds["round_date"] > pd.Timestamp(after))
                    & (rounds["valuation_low_usd_b"] > threshold_usd_b)]
    if closed.empty:
        raise ValueError(f"no closed round above {threshold_usd_b} after {after}")
    return closed.sort_values("round_date").iloc[0]


# --- Compute against equity ----------------------------------------------------------------

def equity_vs_compute(investments: pd.DataFrame, commitments: pd.DataFrame) -> pd.DataFrame:
    """One row per counterparty: the equity its company committed and paid into Anthropic
    (low and high; zero for suppliers that are not investors), and Anthropic's largest
    single dollar commitment to it, announced by a party and reported only, with the
    largest gigawatt figure named."""
    equity = totals(investments).set_index("investor")
    rows = []
    for counterparty, label in COUNTERPARTY_LABELS.items():
        deals = commitments[commitments["counterparty"] == counterparty]
        if deals.empty:
            continue
        investor = INVESTOR_OF_COUNTERPARTY.get(counterparty)
        stake = equity.loc[investor] if investor in equity.index else None
        announced = deals.loc[deals["disclosure"] == "announced by a party", "usd_b"].max()
        reported = deals.loc[deals["disclosure"] == "reported only", "usd_b"].max()
        rows.append({
            "counterparty": counterparty,
            "label": label,
            "vendor": VENDOR_OF_COUNTERPARTY.get(counterparty, "Other"),
            "investor": investor or "",
            "equity_committed_low_usd_b": float(stake["committed_low_usd_b"]) if stake is not None else 0.0,
            "equity_committed_high_usd_b": float(stake["committed_high_usd_b"]) if stake is not None else 0.0,
            "equity_funded_low_usd_b": float(stake["funded_low_usd_b"]) if stake is not None else 0.0,
            "equity_funded_high_usd_b": float(stake["funded_high_usd_b"]) if stake is not None else 0.0,
            "compute_announced_usd_b": float(announced) if pd.notna(announced) else float("nan"),
            "compute_reported_usd_b": float(reported) if pd.notna(reported) else float("nan"),
            "gigawatts_max": float(deals["gigawatts"].max()) if deals["gigawatts"].notna().any() else float("nan"),
        })
    return pd.DataFrame(rows)


def compute_to_equity_ratios(table: pd.DataFrame) -> pd.Series:
    """For each investor that is also a supplier: its largest compute commitment (announced
    or reported) divided by the equity it committed (high figure), where both exist."""
    compute = table[["compute_announced_usd_b", "compute_reported_usd_b"]].max(axis=1)
    ok = (table["equity_committed_high_usd_b"] > 0) & compute.notna()
    return (compute[ok] / table.loc[ok, "equity_committed_high_usd_b"]).set_axis(table.loc[ok, "label"])


# --- A readable table of the tranches ------------------------------------------------------

def tranche_table(investments: pd.DataFrame, investor: str | None = None) -> "HTML":
    """The tranche rows (one per tranche and source) as a table in the book's style, each
    source linked to the bibliography."""
    rows = investments if investor is None else investments[investments["investor"] == investor]
    rows = rows.sort_values(["investor", "as_of", "tranche_id"])
    frame = pd.DataFrame({
        "Tranche": [f"<code>{html.escape(t)}</code>" for t in rows["tranche_id"]],
        "Status": rows["status"],
        "As of": rows["as_of"].dt.strftime("%Y-%m-%d"),
        "US$ bn": rows["amount_usd_b"].map("{:g}".format),
        "Instrument": rows["instrument"],
        "Paid in, per source": rows["consideration"],
        "What the source says": rows["consideration_note"],
        "Source": [cite(s) for s in rows["source_id"]],
    })
    whose = f"{investor}'s" if investor else "Each investor's"
    return html_table(frame, html_columns=("Tranche", "Source"),
                      caption=f"{whose} investment tranches in Anthropic, with what each was paid in")



# --- Charts --------------------------------------------------------------------------------
# Each returns the finished chart (chipbook.charts.finish) with its narrow layout; titles and
# text alternatives are computed from the frame drawn (tests/test_chart_titles.py).

MEASURE_LABELS = {"committed": "Committed (ceilings)", "funded": "Funded (paid)"}


def investment_chart(investments: pd.DataFrame, articles: pd.DataFrame, as_of: pd.Timestamp,
                     source: str) -> alt.TopLevelMixin:
    """Each investor's running total, committed against funded, one panel per investor.
    `articles`: the articles table (its writing windows are shaded); `as_of`: the date
    the lines run to."""
    cum = cumulative(investments, until=as_of)
    frame = cum.assign(measure_label=cum["measure"].map(MEASURE_LABELS),
                       total=[format_usd_b(lo, hi) for lo, hi in zip(cum["low_usd_b"], cum["high_usd_b"])])
    last = frame.groupby(["investor", "measure"]).tail(1).set_index(["investor", "measure"])
    a_paid, a_committed = last.loc[("Amazon", "funded")], last.loc[("Amazon", "committed")]
    g_paid, g_committed = last.loc[("Google", "funded")], last.loc[("Google", "committed")]
    title = (f"Amazon has paid {format_usd_b(a_paid.high_usd_b)} of the {format_usd_b(a_committed.high_usd_b)} it "
             f"committed; Google has committed {format_usd_b(g_committed.low_usd_b, g_committed.high_usd_b)} and paid "
             f"about {format_usd_b(g_paid.low_usd_b, g_paid.high_usd_b)}")
    investors = [i for i in INVESTORS if i in set(frame["investor"])]
    # The days a tranche moved a total: one point a day and level, naming both measures
    # where the committed and funded totals meet (a deal without a ceiling).
    points = (frame[frame["tranches"] != ""].groupby(["investor", "date", "high_usd_b"], as_index=False)
              .agg(measure_label=("measure_label", " and ".join), total=("total", "first"),
                   tranches=("tranches", lambda t: ", ".join(dict.fromkeys(", ".join(t).split(", "))))))
    top = float(frame["high_usd_b"].max())
    dates = [charts.vega_date(frame["date"].min() - pd.Timedelta(days=30)), charts.vega_date(as_of)]

    def panel(investor: str, narrow: bool):
        base = alt.Chart(frame).transform_filter(alt.datum.investor == investor).encode(
            x=alt.X("date:T", title=None, scale=alt.Scale(domain=dates),
                    axis=alt.Axis(format="%Y", tickCount="year", labelAngle=0)),
            color=alt.Color("investor:N", scale=charts.vendor_scale(investors), legend=None),
            detail="measure_label:N")
        ranges = charts.backdrop(base.mark_area(interpolate="step-after", opacity=0.3).encode(
            y=alt.Y("low_usd_b:Q", scale=alt.Scale(domain=[0, top])), y2="high_usd_b:Q"))
        lines = base.mark_line(interpolate="step-after", strokeWidth=2.5).encode(
            y=alt.Y("high_usd_b:Q", title="US$ billions", scale=alt.Scale(domain=[0, top])),
            strokeDash=alt.StrokeDash("measure_label:N", sort=list(MEASURE_LABELS.values()),
                                      legend=charts.bottom_legend(None, columns=2),
                                      scale=alt.Scale(domain=list(MEASURE_LABELS.values()), range=[[6, 3], [1, 0]])))
        steps = alt.Chart(points).transform_filter(alt.datum.investor == investor).mark_point(
            filled=True, size=30).encode(
            x="date:T", y="high_usd_b:Q",
            color=alt.Color("investor:N", scale=charts.vendor_scale(investors), legend=None),
            tooltip=[alt.Tooltip("investor:N", title="Investor"), alt.Tooltip("measure_label:N", title="Measure"),
                     alt.Tooltip("date:T", title="From"), alt.Tooltip("total:N", title="Running total"),
                     alt.Tooltip("tranches:N", title="Tranches that day")],
        )
        return alt.layer(charts.article_bands(articles), ranges, lines, steps).properties(
            title=alt.Title(investor, anchor="start", fontSize=12), width=220 if narrow else 230,
            height=110 if narrow else 140)

    def draw(narrow: bool):
        panels = [panel(i, narrow) for i in investors]
        if narrow:
            chart = alt.vconcat(*panels, spacing=12)
        else:
            chart = alt.vconcat(*[alt.hconcat(*panels[i:i + 2], spacing=24) for i in range(0, len(panels), 2)],
                                spacing=12)
        return chart.resolve_scale(x="shared", y="shared", strokeDash="shared")

    latest = {i: last.xs(i, level="investor") for i in investors}
    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Cumulative US$ billions per investor: dashed, committed ceilings; solid, documented payments; shading, "
                 f"the range where sources disagree; grey bands, when the articles were written. Through {as_of:%Y-%m-%d}.",
        source=source,
        description=f"Step charts of cumulative investment in Anthropic by {', '.join(investors)}, committed against funded, "
                    f"from {frame['date'].min():%Y} to {as_of:%Y}. {title}. " + "; ".join(
                        f"{i}: committed {format_usd_b(t.loc['committed', 'low_usd_b'], t.loc['committed', 'high_usd_b'])}, "
                        f"funded {format_usd_b(t.loc['funded', 'low_usd_b'], t.loc['funded', 'high_usd_b'])}"
                        if "funded" in t.index else
                        f"{i}: committed {format_usd_b(t.loc['committed', 'low_usd_b'], t.loc['committed', 'high_usd_b'])}, "
                        "nothing documented as paid"
                        for i, t in latest.items()),
        data_files=["investments.csv"],
    )


def compute_vs_equity_chart(investments: pd.DataFrame, commitments: pd.DataFrame, as_of: pd.Timestamp,
                            source: str) -> alt.TopLevelMixin:
    """Anthropic's largest compute commitment to each counterparty against the equity that
    counterparty's company put in; a checkbox hides figures no party confirmed."""
    table = equity_vs_compute(investments, commitments)
    table["compute_usd_b"] = table["compute_announced_usd_b"].fillna(table["compute_reported_usd_b"])
    table["disclosure"] = table["compute_announced_usd_b"].notna().map(
        {True: "announced by a party", False: "reported only"})
    table["equity_committed_usd_b"] = table["equity_committed_high_usd_b"]
    table["times_equity"] = (table["compute_usd_b"] / table["equity_committed_usd_b"]).where(
        table["equity_committed_usd_b"] > 0)
    table["times_equity_text"] = [
        "no dollar figure for compute" if pd.isna(c) else "no equity" if pd.isna(t) else f"{t:.1f} times"
        for c, t in zip(table["compute_usd_b"], table["times_equity"])]
    table["compute_text"] = table["compute_usd_b"].map(lambda v: "no dollar figure" if pd.isna(v) else f"{v:g}")
    table["equity_committed"] = [format_usd_b(lo, hi) if hi else "none" for lo, hi in
                                 zip(table["equity_committed_low_usd_b"], table["equity_committed_high_usd_b"])]
    table["equity_funded"] = [format_usd_b(lo, hi) if hi else "none documented" for lo, hi in
                              zip(table["equity_funded_low_usd_b"], table["equity_funded_high_usd_b"])]
    table["power"] = table["gigawatts_max"].map(lambda v: "none named" if pd.isna(v) else f"up to {v:g} GW")
    table["label_lines"] = table["label"].map(lambda text: charts.wrap_lines(text, 14))
    keep = ["label", "label_lines", "vendor", "compute_usd_b", "disclosure", "equity_committed_usd_b", "times_equity",
            "times_equity_text", "compute_text", "equity_committed", "equity_funded", "power"]
    compute = table[keep].assign(measure="Compute commitment", usd_b=table["compute_usd_b"])
    equity = [table[keep].assign(measure=name, usd_b=table[column]) for name, column in
              (("Equity committed", "equity_committed_high_usd_b"), ("Equity funded", "equity_funded_high_usd_b"))]
    frame = pd.concat([compute, *equity], ignore_index=True)
    frame = frame[frame["usd_b"].notna() & (frame["usd_b"] > 0)].reset_index(drop=True)
    ratios = frame.loc[frame["measure"] == "Compute commitment", "times_equity"].dropna()
    title = (f"Where a supplier is also an investor, Anthropic's compute commitment is {ratios.min():.0f}\u2013"
             f"{ratios.max():.0f} times the equity that supplier's company pledged")
    vendors = list(dict.fromkeys(table["vendor"]))
    show_reported = alt.param(name="show_reported", value=True,
                              bind=alt.binding_checkbox(name="Include figures the press reported but no party confirmed "))
    tips = [alt.Tooltip("label:N", title="Counterparty"), alt.Tooltip("compute_text:N", title="Largest compute commitment, US$ bn"),
            alt.Tooltip("disclosure:N", title="Disclosure"), alt.Tooltip("power:N", title="Largest power named"),
            alt.Tooltip("equity_committed:N", title="Equity committed"), alt.Tooltip("equity_funded:N", title="Equity funded"),
            alt.Tooltip("times_equity_text:N", title="Compute ÷ equity committed")]
    equity_kinds = ["Equity committed", "Equity funded"]

    def draw(narrow: bool):
        base = alt.Chart(frame).encode(x=alt.X("usd_b:Q", title="US$ billions",
                                               axis=alt.Axis(tickCount=4 if narrow else 8)))
        # Bars carry their disclosure in their fill (pale: reported only), as the subtitle
        # says: Vega-Lite draws no legend for a fill opacity without a colour legend.
        bars = base.mark_bar(height=12, strokeWidth=1.5).encode(
            color=alt.Color("vendor:N", scale=charts.vendor_scale(vendors), legend=None),
            stroke=alt.Stroke("vendor:N", scale=charts.vendor_scale(vendors), legend=None),
            fillOpacity=alt.FillOpacity("disclosure:N", legend=None, scale=alt.Scale(
                domain=["announced by a party", "reported only"], range=[1, 0.25])),
            tooltip=tips,
        ).transform_filter("datum.measure == 'Compute commitment' && (show_reported || datum.disclosure == 'announced by a party')")
        marks = base.mark_point(size=80, strokeWidth=2, stroke=charts.INK, opacity=1).encode(
            shape=alt.Shape("measure:N", scale=alt.Scale(domain=equity_kinds, range=["diamond", "circle"]),
                            legend=charts.bottom_legend("Equity in Anthropic", columns=1 if narrow else 2)),
            fill=alt.Fill("measure:N", scale=alt.Scale(domain=equity_kinds, range=[charts.PAPER, charts.INK]), legend=None),
            tooltip=tips,
        ).transform_filter(alt.FieldOneOfPredicate(field="measure", oneOf=equity_kinds))
        label = "label_lines" if narrow else "label"
        y = alt.Y(f"{label}:N", title=None, sort=list(table[label]),
                  axis=alt.Axis(labelExpr=charts.LINES) if narrow else alt.Axis())
        return alt.layer(bars, marks).resolve_scale(shape="independent", fill="independent").encode(y=y).properties(
            width=210 if narrow else 400, height=alt.Step(34 if narrow else 26)).add_params(show_reported)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Bars: Anthropic's largest single compute commitment per counterparty, US$ billions (pale bars: "
                 f"reported by the press, confirmed by no party). Diamond: equity committed; dot: equity paid. Through {as_of:%Y-%m-%d}.",
        source=source,
        description="Bar chart of Anthropic's largest compute commitment to each counterparty, with markers for the equity "
                    f"that counterparty's company committed and paid. {title}. " + "; ".join(
                        f"{r.label}: compute {r.compute_usd_b:g} bn ({r.disclosure}), equity committed {r.equity_committed}, "
                        f"paid {r.equity_funded}" for r in table.dropna(subset=["compute_usd_b"]).itertuples()),
        data_files=["compute_commitments.csv", "investments.csv"],
    )


# Commitments of one kind closer than this are drawn one above the other: the largest
# bubble is about 28 px across, some 65 days at the desktop width and 140 at a phone's.
COMMITMENT_DODGE_DAYS = {"wide": 65, "narrow": 140}
RENTING = ("primary-provider designation", "cloud capacity")


def commitments_chart(commitments: pd.DataFrame, articles: pd.DataFrame, as_of: pd.Timestamp,
                      source: str) -> alt.TopLevelMixin:
    """Anthropic's compute commitments by kind and date, sized by their dollar value: one
    mark per commitment (its largest dollar figure), dodged where two fall close."""
    a1_latest = articles.set_index("article_id").loc["A1", "date_latest"]
    one = (commitments.sort_values("usd_b", na_position="first").groupby("commitment_id", sort=False).tail(1)
           .sort_values("date_announced").reset_index(drop=True))
    frame = one.assign(
        size_usd_b=one["usd_b"].fillna(0),
        valued=one["usd_b"].notna().map({True: "has a dollar figure", False: "no dollar figure"}),
        period=(one["date_announced"] > a1_latest).map({True: "after the articles", False: "before the articles"}),
        renting=one["commitment_kind"].isin(RENTING).map({True: "renting", False: "building, buying or leasing"}),
        dollars=one["usd_b"].map(lambda v: "no dollar figure" if pd.isna(v) else f"{v:g}"),
        chips_text=one["chips_max"].map(lambda v: "not stated" if pd.isna(v) else f"{v:,.0f}"),
        gigawatts_text=one["gigawatts"].map(lambda v: "not stated" if pd.isna(v) else f"{v:g}"),
        years_text=one["term_years"].map(lambda v: "not stated" if pd.isna(v) else f"{v:g}"),
        **{f"slot_{layout}": charts.dodge(one["date_announced"], one["commitment_kind"], gap=days)
           for layout, days in COMMITMENT_DODGE_DAYS.items()},
    )[["commitment_id", "counterparty", "vendor_group", "date_announced", "commitment_kind", "chip_family", "size_usd_b",
       "valued", "period", "renting", "dollars", "chips_text", "gigawatts_text", "years_text", "figures_note",
       "disclosure", "slot_wide", "slot_narrow"]]
    valued = frame[frame["valued"] == "has a dollar figure"]
    after = int((valued["period"] == "after the articles").sum())
    first_other = frame.loc[frame["renting"] == "building, buying or leasing", "date_announced"].min()
    title = (f"{after} of {len(valued)} dollar-valued compute deals came after the articles; from {first_other:%B %Y} "
             "Anthropic also built, bought and leased")
    kinds = [k for k in COMMITMENT_KINDS if k in set(frame["commitment_kind"])]
    groups = [g for g in VENDOR_GROUPS if g in set(frame["vendor_group"])]
    rows = {layout: charts.slot_rows(frame["commitment_kind"], frame[f"slot_{layout}"], kinds, step=24 if layout == "wide"
                                     else 26, lines=12 if layout == "narrow" else None, field=f"row_{layout}")
            for layout in COMMITMENT_DODGE_DAYS}
    for layout, (position, _, _) in rows.items():
        frame[f"row_{layout}"] = position

    def draw(narrow: bool):
        layout = "narrow" if narrow else "wide"
        points = alt.Chart(frame).mark_point(filled=True, stroke=charts.PAPER, strokeWidth=1).encode(
            x=alt.X("date_announced:T", title=None, scale=alt.Scale(padding=14),
                    axis=alt.Axis(format="%Y", tickCount="year", labelAngle=0)),
            y=rows[layout][1],
            color=alt.Color("vendor_group:N", scale=charts.vendor_scale(groups),
                            legend=charts.bottom_legend("Counterparty", columns=3)),
            size=alt.Size("size_usd_b:Q", scale=alt.Scale(range=[40, 700]),
                          legend=charts.bottom_legend("US$ billions", values=[0, 50, 100, 200])),
            shape=alt.Shape("disclosure:N", scale=alt.Scale(domain=["announced by a party", "reported only"],
                                                            range=["circle", "triangle-up"]),
                            legend=charts.bottom_legend("Disclosure", columns=1)),
            tooltip=[alt.Tooltip("counterparty:N", title="Counterparty"), alt.Tooltip("date_announced:T", title="Announced"),
                     alt.Tooltip("commitment_kind:N", title="Kind of commitment"), alt.Tooltip("chip_family:N", title="Chips"),
                     alt.Tooltip("chips_text:N", title="Chips (count)"), alt.Tooltip("gigawatts_text:N", title="Power (GW)"),
                     alt.Tooltip("dollars:N", title="Value (US$ billions)"), alt.Tooltip("years_text:N", title="Term (years)"),
                     alt.Tooltip("figures_note:N", title="As stated"), alt.Tooltip("disclosure:N", title="Disclosure")],
        )
        return alt.layer(charts.article_bands(articles), points).properties(
            width=200 if narrow else 430, height=rows[layout][2])

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle="Anthropic's compute commitments by kind and date announced; area: US$ billions (smallest: no dollar "
                 "figure); triangles: press reports no party confirmed; commitments close in time are stacked; grey bands: "
                 f"when the articles were written. Through {as_of:%Y-%m-%d}.",
        source=source,
        description=f"Timeline of Anthropic's {len(frame)} compute commitments from {frame['date_announced'].min():%Y} to "
                    f"{frame['date_announced'].max():%Y} by kind. {title}. " + "; ".join(
                        f"{r.counterparty} {r.date_announced:%Y-%m}: {r.commitment_kind}, {r.figures_note}"
                        for r in frame.itertuples()),
        data_files=["compute_commitments.csv"],
    )


def valuation_chart(rounds: pd.DataFrame, articles: pd.DataFrame, figure_usd_b: float, as_of: pd.Timestamp,
                    source: str) -> alt.TopLevelMixin:
    """Anthropic's valuation by round on a log scale against the news article's figure
    (`figure_usd_b`, the target reported in talks when it was written)."""
    vals = valuations(rounds)
    closed = vals[vals["round_status"] == "closed"]
    frame = vals.assign(
        kind=vals["round_status"].map({"closed": "Closed round", "talks reported": "Target reported in talks"}),
        valuation=[format_usd_b(lo, hi) for lo, hi in zip(vals["valuation_low_usd_b"], vals["valuation_high_usd_b"])],
        raised=vals["amount_raised_usd_b"].map(lambda v: "not given" if pd.isna(v) else f"{v:g}"),
        times_figure=vals["valuation_high_usd_b"] / figure_usd_b,
        figure=figure_usd_b,
    )[["round_id", "round_name", "label", "round_date", "round_status", "kind", "valuation_low_usd_b",
       "valuation_high_usd_b", "valuation", "valuation_basis", "raised", "times_figure", "figure"]]
    later = frame[(frame["round_status"] == "closed") & (frame["valuation_low_usd_b"] > figure_usd_b)]
    passed = later.sort_values("round_date").iloc[0]
    latest = frame[frame["round_status"] == "closed"].sort_values("round_date").iloc[-1]
    title = (f"Anthropic's valuation passed the news article's ${figure_usd_b:g}B at the next closed round "
             f"({passed['label']}, {format_usd_b(passed['valuation_low_usd_b'])}) and reached "
             f"{format_usd_b(latest['valuation_high_usd_b'])} by {latest['round_date']:%B %Y}, "
             f"{latest['times_figure']:.0f} times as much")
    # One label per closed round, at its highest figure.
    names = frame[frame["round_status"] == "closed"].sort_values("valuation_high_usd_b").drop_duplicates(
        "round_id", keep="last")
    anthropic = charts.VENDOR_COLORS["Anthropic"]
    tips = [alt.Tooltip("round_name:N", title="Round"), alt.Tooltip("kind:N", title="Status"),
            alt.Tooltip("round_date:T", title="Date"), alt.Tooltip("valuation:N", title="Valuation"),
            alt.Tooltip("valuation_basis:N", title="Basis"), alt.Tooltip("raised:N", title="Raised, US$ bn"),
            alt.Tooltip("times_figure:Q", title="Times the news article's figure", format=".1f")]

    def draw(narrow: bool):
        y = alt.Y("valuation_high_usd_b:Q", title="Valuation, US$ billions (log scale)",
                  scale=alt.Scale(type="log", domain=[2, 1500], nice=False),
                  axis=alt.Axis(values=[2, 5, 10, 20, 50, 100, 200, 500, 1000]))
        x = alt.X("round_date:T", title=None, axis=alt.Axis(format="%Y", tickCount="year", labelAngle=0))
        ranges = alt.Chart(frame[frame["valuation_low_usd_b"] < frame["valuation_high_usd_b"]]).mark_rule(
            strokeWidth=3, color=anthropic).encode(x=x, y=y, y2="valuation_low_usd_b:Q", tooltip=tips)
        points = alt.Chart(frame).mark_point(size=70, strokeWidth=2, color=anthropic, opacity=1).encode(
            x=x, y=y,
            shape=alt.Shape("kind:N", legend=charts.bottom_legend(None, columns=2),
                            scale=alt.Scale(domain=["Closed round", "Target reported in talks"], range=["circle", "triangle-up"])),
            fill=alt.Fill("kind:N", legend=None, scale=alt.Scale(domain=["Closed round", "Target reported in talks"],
                                                                 range=[anthropic, charts.PAPER])),
            tooltip=tips)
        labels = alt.Chart(names).mark_text(align="right", dx=-8, dy=-8, fontSize=10 if narrow else 11).encode(
            x=x, y=y, text="label:N")
        line = alt.Chart(frame.head(1)).mark_rule(strokeDash=[4, 3], color=charts.INK).encode(y="figure:Q")
        line_label = alt.Chart(frame.head(1).assign(text=f"news article: up to ${figure_usd_b:g}B")).mark_text(
            align="left", x=4, dy=-6, fontSize=10, color=charts.INK).encode(y="figure:Q", text="text:N")
        return alt.layer(charts.article_bands(articles), line, line_label, ranges, points, labels).properties(
            width=250 if narrow else 480, height=300)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle="Valuation by round, US$ billions on a log scale (each step up the axis is tenfold); filled: closed "
                 "rounds; hollow triangles: targets reported in talks (a bar spans a reported range); grey bands: when "
                 f"the articles were written. Through {as_of:%Y-%m-%d}.",
        source=source,
        description=f"Scatter plot of Anthropic's valuation over time on a logarithmic scale, from "
                    f"{frame['round_date'].min():%Y} to {frame['round_date'].max():%Y}. {title}. " + "; ".join(
                        f"{r.round_name} {r.round_date:%Y-%m} ({r.kind}): {r.valuation}" for r in frame.itertuples()),
        data_files=["funding_rounds.csv", "articles.csv"],
    )
