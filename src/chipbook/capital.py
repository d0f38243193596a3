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

import pandas as pd

from .ledger import cite, html_table
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
