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
import math
from decimal import ROUND_HALF_UP, Decimal

import altair as alt
import pandas as pd

from . import charts
from .ledger import cite, html_table
from .prose import PAYMENT_BASIS, PAYMENT_KINDS
from .vocabulary import INVESTORS

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


def short_usd_b(low: float, high: float | None = None) -> str:
    """format_usd_b to three significant figures, halves rounded up ('$12.6\u201312.8B' for
    12.55 to 12.8), for chart titles and labels: a title need not carry a figure's last digit."""
    def three(value: float) -> float:
        if value == 0:
            return 0.0
        places = 2 - int(math.floor(math.log10(abs(value))))
        return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    return format_usd_b(three(low), None if high is None else three(high))


# A payment's figure is documented when the payer, the company paid or a regulator gives it.
# How a tranche's figure is known, in a title's words, by the kind prose.payment_kinds gives it.
BASIS_LABELS = {"documented": "documented", "reported": "press-reported", "inferred": "inferred by the book"}


def tranche_bases(investments: pd.DataFrame) -> pd.Series:
    """Per tranche (tranche_id): the strongest basis any of its rows gives for its figure,
    "documented" (a filing, a regulator's decision or Anthropic's release), "press-reported"
    or "inferred by the book" (`figure_basis`, ranked by prose.PAYMENT_BASIS, the one ranking)."""
    rank = investments["figure_basis"].map(PAYMENT_BASIS).map(PAYMENT_KINDS.index)
    return rank.groupby(investments["tranche_id"]).min().map(lambda i: BASIS_LABELS[PAYMENT_KINDS[i]])


def paid_words(investments: pd.DataFrame, investor: str) -> str:
    """How an investor's payments are known, for a title or label: "documented" when every
    funded tranche is, else which weaker bases they rest on ("press-reported", "press-reported
    or inferred by the book"); "none" when nothing is funded."""
    funded = investments[(investments["investor"] == investor) & (investments["status"] == "funded")]
    if funded.empty:
        return "none"
    bases = tranche_bases(funded)
    weaker = [b for b in ("press-reported", "inferred by the book") if (bases == b).any()]
    return "documented" if not weaker else " or ".join(weaker)


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

MEASURE_LABELS = {"committed": "Pledged (ceilings counted in full)", "funded": "Paid (documented or reported)"}


def investment_chart(investments: pd.DataFrame, articles: pd.DataFrame, as_of: pd.Timestamp,
                     source: str) -> alt.TopLevelMixin:
    """The running totals of each investor that has paid anything, pledged against paid,
    one panel each, the two end figures labelled at the lines' ends; investors with
    pledges but no payment are named in the text alternative. `articles`: the articles table (its
    writing windows are shaded); `as_of`: the date the lines run to. Payments are worded
    by what they rest on (`paid_words`): only documented ones are "paid" outright."""
    cum = cumulative(investments, until=as_of)
    paying = [i for i in INVESTORS if i in set(cum.loc[cum["measure"] == "funded", "investor"])]
    pledging = [i for i in INVESTORS if i in set(cum["investor"]) and i not in paying]
    frame = cum[cum["investor"].isin(paying)].assign(
        measure_label=lambda f: f["measure"].map(MEASURE_LABELS),
        total=lambda f: [format_usd_b(lo, hi) for lo, hi in zip(f["low_usd_b"], f["high_usd_b"])])
    last = frame.groupby(["investor", "measure"]).tail(1).set_index(["investor", "measure"])
    basis = {i: paid_words(investments, i) for i in paying}
    ends = []
    for investor in paying:
        paid, pledged = last.loc[(investor, "funded")], last.loc[(investor, "committed")]
        said = "paid" if basis[investor] == "documented" else "reported paid"
        ends += [{"investor": investor, "measure": "committed", "date": as_of, "usd_b": pledged.high_usd_b,
                  "label": f"up to {short_usd_b(pledged.high_usd_b)}|pledged"},
                 {"investor": investor, "measure": "funded", "date": as_of, "usd_b": paid.high_usd_b,
                  "label": f"{short_usd_b(paid.low_usd_b, paid.high_usd_b)}|{said}"}]
    ends = pd.DataFrame(ends)

    def clause(investor: str, first: bool) -> str:
        paid, pledged = last.loc[(investor, "funded")], last.loc[(investor, "committed")]
        amount = short_usd_b(paid.low_usd_b, paid.high_usd_b)
        ceiling = short_usd_b(pledged.high_usd_b)
        if first:
            verb = "has paid" if basis[investor] == "documented" else "is reported to have paid"
            return f"{investor} {verb} {amount} of up to {ceiling}"
        return f"{investor}, {'' if basis[investor] == 'documented' else 'a reported '}{amount} of up to {ceiling}"

    title = "; ".join(clause(i, n == 0) for n, i in enumerate(paying))
    pledged_only = totals(investments).set_index("investor")
    months = {i: f"{cum.loc[cum['investor'] == i, 'date'].min():%b %Y}" for i in pledging}
    one_month = len(set(months.values())) == 1
    unpaid = [f"{i}'s up-to-{short_usd_b(pledged_only.loc[i, 'committed_high_usd_b'])}"
              + ("" if one_month else f" ({months[i]})") for i in pledging]
    unpaid_text = (f" {_join(unpaid)} {'pledge' if len(unpaid) == 1 else 'pledges'}"
                   + (f" ({next(iter(months.values()))})" if one_month else "")
                   + f" {'has' if len(unpaid) == 1 else 'have'} no payment on record; not drawn." if unpaid else "")
    weaker = {i: b for i, b in basis.items() if b != "documented"}
    basis_text = "".join(f" {i}'s payments are {b.replace(' or ', ', or ')}." for i, b in weaker.items())
    investors = paying
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
        y = alt.Y("high_usd_b:Q", title="US$ billions", scale=alt.Scale(domain=[0, top * 1.12]))
        lines = base.mark_line(interpolate="step-after", strokeWidth=2.5).encode(
            y=y,
            strokeDash=alt.StrokeDash("measure_label:N", sort=list(MEASURE_LABELS.values()),
                                      legend=None,
                                      scale=alt.Scale(domain=list(MEASURE_LABELS.values()), range=[[6, 3], [1, 0]])))
        steps = alt.Chart(points).transform_filter(alt.datum.investor == investor).mark_point(
            filled=True, size=30).encode(
            x="date:T", y="high_usd_b:Q",
            color=alt.Color("investor:N", scale=charts.vendor_scale(investors), legend=None),
            tooltip=[alt.Tooltip("investor:N", title="Investor"), alt.Tooltip("measure_label:N", title="Measure"),
                     alt.Tooltip("date:T", title="From"), alt.Tooltip("total:N", title="Running total"),
                     alt.Tooltip("tranches:N", title="Tranches that day")],
        )
        # Each line's figure at its end, to the right of the plot (the panels are stacked, so
        # nothing stands there).
        labels = alt.Chart(ends).transform_filter(alt.datum.investor == investor).mark_text(
            align="left", baseline="middle", dx=6, fontSize=11, lineBreak="|", color=charts.INK).encode(
            x="date:T", y="usd_b:Q", text="label:N")
        return alt.layer(charts.article_bands(articles), lines, steps, labels).properties(
            title=alt.Title(investor, anchor="start", fontSize=12), width=200 if narrow else 420,
            height=130 if narrow else 140)

    def draw(narrow: bool):
        chart = alt.vconcat(*[panel(i, narrow) for i in investors], spacing=14)
        return chart.resolve_scale(x="shared", y="shared", strokeDash="shared")

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Cumulative US$ billions; grey bands: when the articles were written; through {as_of:%Y-%m-%d}.",
        source=source,
        description=f"Step charts of cumulative investment in Anthropic by {_join(investors)}, pledged against paid, "
                    f"from {frame['date'].min():%Y} to {as_of:%Y}. {title}. "
                    + "; ".join(f"{r.investor}: {r.label.replace('|', ' ')}" for r in ends.itertuples()) + "."
                    + basis_text + unpaid_text,
        data_files=["investments.csv"],
    )


def _join(names: list[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def compute_vs_equity_chart(investments: pd.DataFrame, commitments: pd.DataFrame, as_of: pd.Timestamp,
                            source: str) -> alt.TopLevelMixin:
    """Anthropic's largest compute commitment to each counterparty against the equity that
    counterparty's company put in; a checkbox hides figures no party confirmed."""
    table = equity_vs_compute(investments, commitments)
    # A supplier with no equity in Anthropic has nothing to compare: named in the text alternative, not drawn.
    no_equity = list(table.loc[table["equity_committed_high_usd_b"] <= 0, "label"])
    table = table[table["equity_committed_high_usd_b"] > 0].reset_index(drop=True)
    table["compute_usd_b"] = table["compute_announced_usd_b"].fillna(table["compute_reported_usd_b"])
    table["disclosure"] = ["announced by a party" if pd.notna(a) else "reported only" if pd.notna(r) else "no dollar figure"
                           for a, r in zip(table["compute_announced_usd_b"], table["compute_reported_usd_b"])]
    table["equity_committed_usd_b"] = table["equity_committed_high_usd_b"]
    table["times_equity"] = (table["compute_usd_b"] / table["equity_committed_usd_b"]).where(
        table["equity_committed_usd_b"] > 0)
    table["times_equity_text"] = [
        "no dollar figure for compute" if pd.isna(c) else "no equity" if pd.isna(t) else f"{t:.1f} times"
        for c, t in zip(table["compute_usd_b"], table["times_equity"])]
    table["compute_text"] = table["compute_usd_b"].map(lambda v: "no dollar figure" if pd.isna(v) else f"${v:g}B")
    table["equity_committed"] = [format_usd_b(lo, hi) if hi else "none" for lo, hi in
                                 zip(table["equity_committed_low_usd_b"], table["equity_committed_high_usd_b"])]
    table["equity_funded"] = [
        "none on record" if not hi else format_usd_b(lo, hi) + (" paid" if paid_words(investments, i) == "documented"
                                                                 else " reported paid")
        for lo, hi, i in zip(table["equity_funded_low_usd_b"], table["equity_funded_high_usd_b"], table["investor"])]
    table["power"] = table["gigawatts_max"].map(lambda v: "none named" if pd.isna(v) else f"up to {v:g} GW")
    table["label_lines"] = table["label"].map(lambda text: charts.wrap_lines(text, 14))
    keep = ["label", "label_lines", "vendor", "compute_usd_b", "disclosure", "equity_committed_usd_b", "times_equity",
            "times_equity_text", "compute_text", "equity_committed", "equity_funded", "power"]
    compute = table[keep].assign(measure="Compute commitment", usd_b=table["compute_usd_b"])
    pledged = "Equity pledged in Anthropic (ceilings)"
    equity = table[keep].assign(measure=pledged, usd_b=table["equity_committed_high_usd_b"])
    frame = pd.concat([compute, equity], ignore_index=True)
    frame = frame[frame["usd_b"].notna() & (frame["usd_b"] > 0)].reset_index(drop=True)
    ratios = frame.loc[frame["measure"] == "Compute commitment", "times_equity"].dropna()
    title = (f"Anthropic's compute commitments to supplier-investors run {ratios.min():.0f}\u2013{ratios.max():.0f} "
             "times their equity pledges")
    # What each row's end says: the ratio where there is one, else why there is none.
    table["end_text"] = [f"{t:.1f}\u00d7 equity" + (" (press report)" if d == "reported only" else "") if pd.notna(t)
                         else "no dollar figure for compute" if pd.isna(c) else "no equity"
                         for t, c, d in zip(table["times_equity"], table["compute_usd_b"], table["disclosure"])]
    table["end_short"] = [(f"{t:.1f}\u00d7 (press report)" if d == "reported only" else f"{t:.1f}\u00d7 equity")
                          if pd.notna(t) else "no $ figure" if pd.isna(c) else "no equity"
                          for t, c, d in zip(table["times_equity"], table["compute_usd_b"], table["disclosure"])]
    # The first row with a dollar figure names its thick bar a compute commitment, as the thin bar
    # under it says "equity pledged", so no key is needed for either.
    first = table["compute_usd_b"].notna() & table["times_equity"].notna()
    if first.any():
        i = first.idxmax()
        dollars = short_usd_b(table.at[i, "compute_usd_b"])
        table.at[i, "end_text"] = f"{dollars} compute commitment, " + table.at[i, "end_text"]
        table.at[i, "end_short"] = f"{dollars} commitment, " + table.at[i, "end_short"].replace(" equity", "")
    table["end_usd_b"] = table[["compute_usd_b", "equity_committed_usd_b"]].max(axis=1)
    ends = table[["label", "label_lines", "end_text", "end_short", "end_usd_b", "disclosure", "compute_usd_b"]]
    vendors = list(dict.fromkeys(table["vendor"]))
    show_reported = alt.param(name="show_reported", value=True,
                              bind=alt.binding_checkbox(name="Include figures the press reported but no party confirmed "))
    shown = "show_reported || datum.disclosure != 'reported only'"
    tips = [alt.Tooltip("label:N", title="Counterparty"), alt.Tooltip("compute_text:N", title="Largest compute commitment"),
            alt.Tooltip("disclosure:N", title="Disclosure"), alt.Tooltip("power:N", title="Largest power named"),
            alt.Tooltip("equity_committed:N", title="Equity pledged"), alt.Tooltip("equity_funded:N", title="Equity payments"),
            alt.Tooltip("times_equity_text:N", title="Compute \u00f7 equity pledged")]
    top = float(frame["usd_b"].max())

    # Where a row has equity, its figure in words at the end of the thin bar under the compute bar.
    equity_words = frame[frame["measure"] == pledged].assign(
        equity_words=lambda f: f["usd_b"].map(lambda v: f"{short_usd_b(v)} equity pledged"),
        equity_short=lambda f: f["usd_b"].map(lambda v: f"{short_usd_b(v)} equity"))

    def draw(narrow: bool):
        x = alt.X("usd_b:Q", title="US$ billions", scale=alt.Scale(domain=[0, top * (1.45 if narrow else 1.35)]),
                  axis=alt.Axis(tickCount=4 if narrow else 8))
        base = alt.Chart(frame).encode(x=x)
        # Two bars a row: the compute commitment (thick, in the counterparty's colour; pale where
        # only the press reports it) and, just under it, the equity pledged (thin, in ink), each
        # named in words at its end, so no key is needed.
        bars = base.mark_bar(height=12, strokeWidth=1.5, yOffset=-4).encode(
            color=alt.Color("vendor:N", scale=charts.vendor_scale(vendors), legend=None),
            stroke=alt.Stroke("vendor:N", scale=charts.vendor_scale(vendors), legend=None),
            fillOpacity=alt.FillOpacity("disclosure:N", legend=None, scale=alt.Scale(
                domain=["announced by a party", "reported only"], range=[1, 0.25])),
            tooltip=tips,
        ).transform_filter(f"datum.measure == 'Compute commitment' && ({shown})")
        equity_bars = base.mark_bar(height=5, yOffset=7, color=charts.INK).encode(tooltip=tips).transform_filter(
            alt.FieldEqualPredicate(field="measure", equal=pledged))
        words = alt.Chart(ends).mark_text(align="left", dx=8, dy=-4, fontSize=11, color=charts.INK).encode(
            x=alt.X("compute_shown:Q"), text="end_words:N"
        ).transform_calculate(compute_shown=f"({shown}) && isValid(datum.compute_usd_b) ? datum.compute_usd_b : 0",
                              end_words=f"({shown}) ? datum.{'end_short' if narrow else 'end_text'} : 'press figure hidden'")
        equity_text = alt.Chart(equity_words).mark_text(align="left", dx=6, dy=8, fontSize=10, color=charts.INK).encode(
            x=alt.X("usd_b:Q"), text=f"{'equity_short' if narrow else 'equity_words'}:N")
        label = "label_lines" if narrow else "label"
        y = alt.Y(f"{label}:N", title=None, sort=list(table[label]),
                  axis=alt.Axis(labelExpr=charts.LINES) if narrow else alt.Axis())
        return alt.layer(bars, equity_bars, words, equity_text).encode(y=y).properties(
            width=190 if narrow else 400, height=alt.Step(42 if narrow else 36)).add_params(show_reported)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Suppliers whose company pledged equity in Anthropic; US$ billions, through {as_of:%Y-%m-%d}.",
        source=source,
        description="Bar chart of Anthropic's largest compute commitment to each counterparty, with thin bars for the equity "
                    f"that counterparty's company pledged. {title}. " + "; ".join(
                        f"{r.label}: compute {r.compute_text} ({r.disclosure}), equity pledged {r.equity_committed}, "
                        f"{r.equity_funded}, {r.end_text}" for r in table.itertuples())
                    + (f". Not drawn, with no equity in Anthropic: {_join(no_equity)}." if no_equity else "."),
        data_files=["compute_commitments.csv", "investments.csv"],
    )


RENTING = ("primary-provider designation", "cloud capacity")
# The two ways Anthropic gets compute, as the commitments chart names its lines.
WAYS = ["renting", "building, buying or leasing"]
# What Anthropic did in each kind of commitment that is not renting, as the title says it.
OWNING_VERBS = {"own data centres": "built", "chip and rack purchase": "bought", "lease financing": "leased"}


def commitments_chart(commitments: pd.DataFrame, as_of: pd.Timestamp, source: str) -> alt.TopLevelMixin:
    """Anthropic's compute commitments as two running counts by date announced: deals that
    rent capacity, and deals that build, buy or lease its own (flat at zero until the first),
    each named at its end with its count in words, the first deal that was not renting
    marked and named; one step per commitment (its largest dollar figure in the tooltip).
    The title says when Anthropic first did anything but rent."""
    one = (commitments.sort_values("usd_b", na_position="first").groupby("commitment_id", sort=False).tail(1)
           .sort_values(["date_announced", "commitment_id"]).reset_index(drop=True))
    way = one["commitment_kind"].isin(RENTING).map({True: WAYS[0], False: WAYS[1]})
    frame = one.assign(
        way=way,
        count=one.groupby(way).cumcount() + 1,
        dollars=one["usd_b"].map(lambda v: "no dollar figure" if pd.isna(v) else f"${v:g}B"),
        chips_text=one["chips_max"].map(lambda v: "not stated" if pd.isna(v) else f"{v:,.0f}"),
        gigawatts_text=one["gigawatts"].map(lambda v: "not stated" if pd.isna(v) else f"{v:g}"),
        years_text=one["term_years"].map(lambda v: "not stated" if pd.isna(v) else f"{v:g}"),
    )[["commitment_id", "counterparty", "date_announced", "commitment_kind", "chip_family", "way", "count",
       "dollars", "chips_text", "gigawatts_text", "years_text", "figures_note", "disclosure"]]
    owning = frame[frame["way"] == WAYS[1]]
    first_other = owning["date_announced"].min()
    # The title's verbs come from deals a party announced; a press report alone does not say it happened.
    confirmed = owning[owning["disclosure"] == "announced by a party"]
    verbs = [verb for kind, verb in OWNING_VERBS.items() if kind in set(confirmed["commitment_kind"])] or ["reportedly owned"]
    title = (f"Anthropic only rented compute until {first_other:%B %Y}, then also {_join(verbs)}" if len(owning)
             else f"All {len(frame)} of Anthropic's compute deals rent capacity")
    ways = [w for w in WAYS if w in set(frame["way"])] if not len(owning) else WAYS
    start = frame["date_announced"].min() - pd.Timedelta(days=60)
    # Each line: from zero, one step up per deal, level to `as_of`.
    steps = pd.concat([
        # Renting starts at its first deal; the other line lies along zero from the chart's start.
        pd.DataFrame({"way": ways, "count": 0, "date_announced": [
            frame.loc[frame["way"] == w, "date_announced"].min() if w == WAYS[0] else start for w in ways]}),
        frame[["way", "date_announced", "count"]],
        frame.groupby("way", as_index=False)["count"].max().assign(date_announced=as_of)
        .reindex(columns=["way", "date_announced", "count"]),
    ], ignore_index=True)
    steps = steps[steps["way"].isin(ways)]
    ends = (steps.groupby("way")["count"].max().reindex([w for w in WAYS if w in ways]).reset_index()
            .assign(date_announced=as_of))
    owning_verbs = [verb for kind, verb in OWNING_VERBS.items() if kind in set(owning["commitment_kind"])]
    owned = owning_verbs or ["built", "bought", "leased"]
    said = {WAYS[0]: "rented", WAYS[1]: owned[0] if len(owned) == 1 else ", ".join(owned[:-1]) + " or " + owned[-1]}
    ends["label"] = [f"{n} {said[w]}" for w, n in zip(ends["way"], ends["count"])]
    # On a phone the longer name breaks before its "or".
    ends["short"] = ends["label"].str.replace(" or ", "|or ")
    top = int(steps["count"].max())
    colors = alt.Scale(domain=WAYS, range=[charts.SERIES, charts.VENDOR_COLORS["Anthropic"]])
    tips = [alt.Tooltip("counterparty:N", title="Counterparty"), alt.Tooltip("date_announced:T", title="Announced"),
            alt.Tooltip("commitment_kind:N", title="Kind of commitment"), alt.Tooltip("chip_family:N", title="Chips"),
            alt.Tooltip("chips_text:N", title="Chips (count)"), alt.Tooltip("gigawatts_text:N", title="Power (GW)"),
            alt.Tooltip("dollars:N", title="Value"), alt.Tooltip("years_text:N", title="Term (years)"),
            alt.Tooltip("figures_note:N", title="As stated"), alt.Tooltip("disclosure:N", title="Disclosure"),
            alt.Tooltip("count:Q", title="Deals of this kind so far")]

    def draw(narrow: bool):
        x = alt.X("date_announced:T", title=None, scale=alt.Scale(domain=[charts.vega_date(start), charts.vega_date(as_of)]),
                  axis=alt.Axis(format="%Y", tickCount="year", labelAngle=0))
        y = alt.Y("count:Q", title="Deals announced, running count", scale=alt.Scale(domain=[0, top + 1], nice=False),
                  axis=alt.Axis(tickMinStep=1, format="d", values=list(range(0, top + 2, 2 if top > 8 else 1))))
        color = alt.Color("way:N", scale=colors, legend=None)
        lines = alt.Chart(steps).mark_line(interpolate="step-after", strokeWidth=2.5).encode(x=x, y=y, color=color)
        # One point per deal; the first that was not renting drawn larger, and named below.
        first_id = owning["commitment_id"].iloc[0] if len(owning) else ""
        points = alt.Chart(frame).mark_point(filled=True, stroke=charts.PAPER, strokeWidth=1, opacity=1).encode(
            x=x, y=y, color=color, tooltip=tips,
            size=alt.condition(alt.FieldEqualPredicate(field="commitment_id", equal=first_id), alt.value(160), alt.value(45)))
        # The names in ink (legible on both pages); the line's colour stays on the marks.
        names = alt.Chart(ends).mark_text(align="left", baseline="middle", dx=6, fontSize=11, lineBreak="|",
                                          fontWeight="bold", color=charts.INK).encode(
            x=x, y=y, text=f"{'short' if narrow else 'label'}:N")
        layers = [lines, points, names]
        if len(owning):
            # The first deal that was not renting, named to its left, level with it: between the
            # zero line and the renting line's count of two, where nothing else is drawn.
            first = owning.head(1).assign(
                note=f"first not renting:|{first_other:%b %Y}" if narrow else f"first deal not renting: {first_other:%B %Y}")
            layers.append(alt.Chart(first).mark_text(align="right", baseline="middle", dx=-12, dy=-6 if narrow else 0,
                                                     lineBreak="|", lineHeight=11,
                                                     fontSize=10 if narrow else 11, color=charts.INK).encode(
                x=x, y=y, text="note:N"))
        return alt.layer(*layers).properties(width=200 if narrow else 400, height=260 if narrow else 240)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Compute deals announced, counted by kind; one step per deal; through {as_of:%Y-%m-%d}.",
        source=source,
        description=f"Step chart counting Anthropic's {len(frame)} compute commitments from "
                    f"{frame['date_announced'].min():%Y} to {frame['date_announced'].max():%Y}, renting against building, "
                    f"buying or leasing: {_join(list(ends['label']))}. {title}. " + "; ".join(
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
    title = (f"Anthropic's valuation reached {format_usd_b(latest['valuation_high_usd_b'])} by "
             f"{latest['round_date']:%B %Y}, {latest['times_figure']:.0f} times the news article's ${figure_usd_b:g}B")
    passing = (f"It passed ${figure_usd_b:g}B at the next closed round ({passed['label']}, "
               f"{format_usd_b(passed['valuation_low_usd_b'])}). ")
    # One label per closed round, at its highest figure.
    names = frame[frame["round_status"] == "closed"].sort_values("valuation_high_usd_b").drop_duplicates(
        "round_id", keep="last")
    # The latest round (the title's figure) and the first above the news article's figure carry their valuations too.
    names = names.assign(label=[f"{r.label}: {format_usd_b(r.valuation_high_usd_b)}"
                                if r.round_id in (latest["round_id"], passed["round_id"]) else r.label
                                for r in names.itertuples()])
    # The two kinds of mark named on the marks, not in a legend: the earliest named closed round
    # says it is one, and the earliest target reported in talks is named to its left.
    # (one that carries no figure already, where there is one).
    plain = names[~names["round_id"].isin([latest["round_id"], passed["round_id"]])]
    earliest = (plain if len(plain) else names)["round_date"].idxmin()
    names.loc[earliest, "label"] = names.at[earliest, "label"] + " (closed round)"
    talks = frame[frame["round_status"] == "talks reported"].sort_values("round_date").head(1)
    anthropic = charts.VENDOR_COLORS["Anthropic"]
    tips = [alt.Tooltip("round_name:N", title="Round"), alt.Tooltip("kind:N", title="Status"),
            alt.Tooltip("round_date:T", title="Date"), alt.Tooltip("valuation:N", title="Valuation"),
            alt.Tooltip("valuation_basis:N", title="Basis"), alt.Tooltip("raised:N", title="Raised, US$ bn"),
            alt.Tooltip("times_figure:Q", title="Times the news article's figure", format=".1f")]

    def draw(narrow: bool):
        # Headroom over the highest round: on a phone the articles' two-line names sit at the
        # top of the plot, so the latest round and its label stand lower.
        top = frame["valuation_high_usd_b"].max() * (3.0 if narrow else 1.55)
        y = alt.Y("valuation_high_usd_b:Q", title="Valuation, US$ billions (log scale)",
                  scale=alt.Scale(type="log", domain=[2, top], nice=False),
                  axis=alt.Axis(values=[2, 5, 10, 20, 50, 100, 200, 500, 1000]))
        x = alt.X("round_date:T", title=None, scale=alt.Scale(padding=24),
                  axis=alt.Axis(format="%Y", tickCount="year", labelAngle=0))
        points = alt.Chart(frame).mark_point(size=70, strokeWidth=2, color=anthropic, opacity=1).encode(
            x=x, y=y,
            shape=alt.Shape("kind:N", legend=None,
                            scale=alt.Scale(domain=["Closed round", "Target reported in talks"], range=["circle", "triangle-up"])),
            fill=alt.Fill("kind:N", legend=None, scale=alt.Scale(domain=["Closed round", "Target reported in talks"],
                                                                 range=[anthropic, charts.PAPER])),
            tooltip=tips)
        # Names sit up and to the right of their rounds (the talks' targets stand just before a
        # round), but the latest's, at the plot's edge and top, level with it on its left.
        last = names["round_date"] == names["round_date"].max()
        labels = alt.layer(*[alt.Chart(names[side]).mark_text(
            align=align, baseline=baseline, dx=shift, dy=rise, fontSize=10 if narrow else 11).encode(
            x=x, y=y, text="label:N")
            for side, align, baseline, shift, rise in ((~last, "left", "middle", 8, -8), (last, "right", "middle", -10, 0))
            if side.any()])
        if len(talks):
            labels = alt.layer(labels, alt.Chart(talks.assign(
                note="target|in talks" if narrow else "target in talks")).mark_text(
                align="right", baseline="middle", dx=-9, lineBreak="|", lineHeight=11,
                fontSize=10 if narrow else 11).encode(x=x, y=y, text="note:N"))
        line = alt.Chart(frame.head(1)).mark_rule(strokeDash=[4, 3], color=charts.INK).encode(y="figure:Q")
        # The figure's name under its line at the plot's right end, where every round stands far above it.
        line_label = alt.Chart(frame.head(1).assign(
            text=f"news article:|up to ${figure_usd_b:g}B" if narrow else f"news article: up to ${figure_usd_b:g}B")).mark_text(
            align="right", baseline="top", x="width", dx=-2, dy=4, lineBreak="|", fontSize=10 if narrow else 11,
            color=charts.INK).encode(y="figure:Q", text="text:N")
        return alt.layer(charts.article_bands(articles), line, line_label, points, labels).properties(
            width=250 if narrow else 480, height=300)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=f"Valuation by round, US$ billions, log scale; grey bands: when the articles were written; "
                 f"through {as_of:%Y-%m-%d}.",
        source=source,
        description=f"Scatter plot of Anthropic's valuation over time on a logarithmic scale, from "
                    f"{frame['round_date'].min():%Y} to {frame['round_date'].max():%Y}. {title}. {passing}" + "; ".join(
                        f"{r.round_name} {r.round_date:%Y-%m} ({r.kind}): {r.valuation}" for r in frame.itertuples()),
        data_files=["funding_rounds.csv", "articles.csv"],
    )
