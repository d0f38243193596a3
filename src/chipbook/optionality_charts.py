"""Charts of the optionality-and-leverage chapter other than its compute mix: who else has
several chip suppliers, NVIDIA's margin, and list prices per petaflop-hour; and the table of
Anthropic's chip counts as the sources state them.

Each function returns the finished chart (`charts.finish`) with its narrow layout; titles
and text alternatives are computed from the frame drawn (tests/test_chart_titles.py). The
models they draw are `chipbook.optionality`'s.
"""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from . import charts
from . import optionality as opt
from .ledger import source_link
from .vocabulary import CHIP_VENDORS


def lab_words(labs: pd.DataFrame, width: int | None = None) -> pd.DataFrame:
    """Per lab, in words: how many chip families (vendors) it has in use and which, then
    those only contracted and those only tested or in talks, each a line (joined by "|");
    `width`: wrap each line at about this many characters (a phone's layout). Columns: lab,
    in_use (the count), words."""
    best = opt.strongest_status(labs)
    in_use = opt.families_per_lab(labs, ("in use",))
    rows = []
    for lab, count in in_use.items():
        mine = best[best["lab"] == lab]
        def named(statuses):
            return ", ".join(v for v in CHIP_VENDORS + sorted(set(mine["chip_vendor"]) - set(CHIP_VENDORS))
                             if v in set(mine.loc[mine["status"].isin(statuses), "chip_vendor"]))
        lines = [f"{count} in use: {named(('in use',))}" if count else "none in use"]
        lines += [f"+ {status}: {named((status,))}" for status in opt.STATUS_ORDER[1:] if named((status,))]
        if width:
            lines = [part for line in lines for part in textwrap.wrap(line, width, break_long_words=False)]
        rows.append({"lab": lab, "in_use": int(count), "words": "|".join(lines), "lines": len(lines)})
    return pd.DataFrame(rows)


def labs_chart(labs: pd.DataFrame, publisher_of: pd.Series, source: str) -> alt.TopLevelMixin:
    """How many chip families (vendors) each AI lab has in use, one bar segment per family
    in the vendor's colour, with the count and the vendors in words at the bar's end and,
    below them, the families only contracted, tested or in talks. `labs`: the
    lab_chip_vendors table; `publisher_of`: a source's publisher by source_id (for the
    tooltips); `source`: the chart's source line."""
    best = opt.strongest_status(labs)
    in_use = opt.families_per_lab(labs, ("in use",))
    committed = opt.families_per_lab(labs)
    used = best[best["status"] == "in use"].copy()
    used["vendor_order"] = used["chip_vendor"].map(
        lambda v: CHIP_VENDORS.index(v) if v in CHIP_VENDORS else len(CHIP_VENDORS))
    used = used.sort_values(["lab", "vendor_order", "chip_vendor"], kind="stable")
    used["start"] = used.groupby("lab").cumcount()
    frame = used.assign(
        end=used["start"] + 1,
        colour=used["chip_vendor"].map(opt.colour_group),
        publisher=used["source_id"].map(publisher_of).str.split(" (", regex=False).str[0],
    )[["lab", "chip_vendor", "colour", "chip_family", "status", "arrangement", "date", "arrangements", "start", "end",
       "publisher"]]
    frame["lab_lines"] = frame["lab"].map(lambda lab: charts.wrap_lines(lab, 12))
    labs_n = len(in_use)
    three = sorted(in_use.index[in_use >= 3])
    title = (f"Of {labs_n} labs, only {' and '.join(three)} {charts.agree(len(three), 'has', 'have')} three chip "
             "families in use" if three else f"None of {labs_n} labs has three chip families in use")
    order = sorted(in_use.index, key=lambda lab: (-in_use[lab], -committed[lab], lab))
    colours = [c for c in ["AWS", "Google", "NVIDIA", "AMD", "Other"] if c in set(frame["colour"])]
    top = max(int(in_use.max()), 1)

    def draw(narrow: bool):
        words = lab_words(labs, 28 if narrow else None)
        # Rows as tall as the most lines of words any lab has.
        step = max(30, (12 if narrow else 13) * int(words["lines"].max()) + 10)
        names = {lab: charts.wrap_lines(lab, 12) if narrow else lab for lab in in_use.index}
        words["lab_lines"] = words["lab"].map(names)
        y = alt.Y("lab_lines:N" if narrow else "lab:N", title=None, sort=[names[lab] for lab in order],
                  axis=alt.Axis(labelExpr=charts.LINES) if narrow else alt.Axis())
        x = alt.X("start:Q", title="Chip families in use", scale=alt.Scale(domain=[0, top], nice=False),
                  axis=alt.Axis(values=list(range(top + 1)), tickCount=top + 1, format="d", grid=False))
        bars = alt.Chart(frame).mark_bar(height=16, stroke=charts.PAPER, strokeWidth=1.5).encode(
            x=x, x2="end:Q", y=y,
            color=alt.Color("colour:N", scale=charts.vendor_scale(colours),
                            legend=charts.bottom_legend("Chip vendor", columns=5 if not narrow else 3)),
            tooltip=[alt.Tooltip("lab:N", title="Lab"), alt.Tooltip("chip_vendor:N", title="Chip vendor"),
                     alt.Tooltip("chip_family:N", title="Chips"), alt.Tooltip("arrangement:N", title="What"),
                     alt.Tooltip("date:T", title="Date"), alt.Tooltip("arrangements:Q", title="Arrangements found"),
                     alt.Tooltip("publisher:N", title="Source")])
        # The count and the vendors in words at each bar's end, then what is not yet in use.
        text = alt.Chart(words).mark_text(align="left", baseline="middle", dx=8, fontSize=10 if narrow else 11,
                                          lineBreak="|", color=charts.INK).encode(
            x=alt.X("in_use:Q", title="Chip families in use", scale=alt.Scale(domain=[0, top], nice=False)), y=y,
            text="words:N")
        return alt.layer(bars, text).properties(width=(30 if narrow else 56) * top, height=alt.Step(step))

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=(f"Chip families (by vendor) each AI lab has in use; in words, those only contracted, tested or in "
                  f"talks. Sourced arrangements, not a census. As of {labs['as_of'].max():%Y-%m-%d}."),
        source=source,
        description=f"Bar chart of the chip families {labs_n} AI labs have in use. {title}. "
                    + "; ".join(f"{r.lab}: {r.words.replace('|', '; ')}" for r in lab_words(labs).itertuples()),
        data_files=["lab_chip_vendors.csv"],
    )


def margin_chart(nvidia: pd.DataFrame, source: str) -> alt.TopLevelMixin:
    """NVIDIA's gross margin against its data-center revenue by fiscal year. `nvidia`: the
    nvidia_financials table. (What a discount would leave of the margin is the prose's, with
    `optionality.margin_after_discount`: drawn here it was a second message.)"""
    fin = nvidia.sort_values("fiscal_year").assign(
        label="FY" + nvidia["fiscal_year"].astype(str),
        short="FY" + (nvidia["fiscal_year"] % 100).astype(str).str.zfill(2),
        markup=opt.markup_over_cost(nvidia["gaap_gross_margin_pct"]),
    )[["label", "short", "fiscal_year", "total_revenue_usd_bn", "data_center_revenue_usd_bn", "gaap_gross_margin_pct",
       "markup"]].reset_index(drop=True)
    first, last = fin.iloc[0], fin.iloc[-1]
    peak = fin.loc[fin["gaap_gross_margin_pct"].idxmax()]
    growth = opt.growth_multiple(first["data_center_revenue_usd_bn"], last["data_center_revenue_usd_bn"])
    change = last["gaap_gross_margin_pct"] - first["gaap_gross_margin_pct"]
    if peak["fiscal_year"] not in (first["fiscal_year"], last["fiscal_year"]) and \
            peak["gaap_gross_margin_pct"] - last["gaap_gross_margin_pct"] >= 0.5 and \
            peak["gaap_gross_margin_pct"] > first["gaap_gross_margin_pct"]:
        # A peak between the ends is the finding: one clause, the peak; the rise and the fall
        # are on the points' labels.
        title = (f"NVIDIA's gross margin peaked at {peak['gaap_gross_margin_pct']:.1f}% in {peak['label']} while "
                 f"data-center revenue grew {growth:.0f}-fold")
    else:
        title = (f"NVIDIA's gross margin {'rose' if change > 0 else 'fell' if change < 0 else 'held'} from "
                 f"{first['gaap_gross_margin_pct']:.1f}% to {last['gaap_gross_margin_pct']:.1f}% as its revenue from data "
                 f"centers grew {growth:.0f}-fold")
    # Each year's name and margin above its point, the peak's called so.
    fin["named"] = [f"{label}{' peak' if year == peak['fiscal_year'] else ''}: {pct:.1f}%"
                    for label, year, pct in zip(fin["label"], fin["fiscal_year"], fin["gaap_gross_margin_pct"])]
    fin["named_short"] = [f"{short}{' peak' if year == peak['fiscal_year'] else ''}|{pct:.1f}%"
                          for short, year, pct in zip(fin["short"], fin["fiscal_year"], fin["gaap_gross_margin_pct"])]
    # The growth the title states, as an arrow from the first year's revenue to the last's.
    words = (f"data-center revenue grew {growth:.0f}-fold, "
             f"${first['data_center_revenue_usd_bn']:,.0f}B to ${last['data_center_revenue_usd_bn']:,.0f}B")
    growth_row = pd.DataFrame({
        "start": [first["data_center_revenue_usd_bn"]], "end": [last["data_center_revenue_usd_bn"]],
        "middle": [(first["data_center_revenue_usd_bn"] + last["data_center_revenue_usd_bn"]) / 2],
        "growth": [round(growth, 1)], "words": [words],
        "short": [f"revenue grew {growth:.0f}-fold|${first['data_center_revenue_usd_bn']:,.0f}B to "
                  f"${last['data_center_revenue_usd_bn']:,.0f}B"]})
    green = charts.VENDOR_COLORS["NVIDIA"]

    def draw(narrow: bool):
        base = alt.Chart(fin).encode(x=alt.X("data_center_revenue_usd_bn:Q", title="Data-center revenue, US$ billions",
                                             axis=alt.Axis(tickCount=4 if narrow else 8)))
        y = alt.Y("gaap_gross_margin_pct:Q", title="GAAP gross margin (%)", scale=alt.Scale(domain=[0, 100]))
        actual = base.mark_line(color=green, strokeWidth=2,
                                point=alt.OverlayMarkDef(filled=True, size=80, color=green, opacity=1)).encode(
            y=y, order="fiscal_year:O",
            tooltip=[alt.Tooltip("label:N", title="Fiscal year"),
                     alt.Tooltip("data_center_revenue_usd_bn:Q", title="Data-center revenue, US$ bn", format=",.1f"),
                     alt.Tooltip("total_revenue_usd_bn:Q", title="Total revenue, US$ bn", format=",.1f"),
                     alt.Tooltip("gaap_gross_margin_pct:Q", title="GAAP gross margin (%)", format=".1f"),
                     alt.Tooltip("markup:Q", title="Price over cost of goods (times)", format=".2f")])
        labels = base.mark_text(dy=-22 if narrow else -14, fontSize=10 if narrow else 11, lineBreak="|").encode(
            y=y, text=f"{'named_short' if narrow else 'named'}:N")
        # The title's growth, drawn along the revenue axis low under the points: first year to last.
        span = alt.Chart(growth_row).encode(y=alt.datum(8))
        arrow = span.mark_rule(color=charts.INK, strokeWidth=1.5).encode(
            x=alt.X("start:Q"), x2="end:Q")
        head = span.mark_point(shape="triangle-right", filled=True, size=60, color=charts.INK, opacity=1).encode(
            x=alt.X("end:Q"))
        # Vega sets a text's first line on its baseline: a two-line text is lifted by its second.
        grew = span.mark_text(align="center", baseline="bottom", dy=-18 if narrow else -6, fontSize=10 if narrow else 11,
                              lineBreak="|", lineHeight=12, color=charts.INK).encode(
            x=alt.X("middle:Q"), text=f"{'short' if narrow else 'words'}:N")
        return alt.layer(actual, labels, arrow, head, grew).properties(
            width=250 if narrow else 500, height=260 if narrow else 300)

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=(f"Company-wide GAAP gross margin (%) against data-center revenue (US$ billions), fiscal years "
                  f"{first['fiscal_year']}\u2013{last['fiscal_year']} (ending January)."),
        source=source,
        description=(f"Connected scatter of NVIDIA's GAAP gross margin against its data-center revenue by fiscal year, "
                     f"{title}. "
                     + "; ".join(f"{r.label}: {r.data_center_revenue_usd_bn:,.1f} US$ bn, {r.gaap_gross_margin_pct:.1f}%"
                                 for r in fin.itertuples())),
        data_files=["nvidia_financials.csv"],
    )


NVIDIA_GPUS, OWN_CHIPS = "NVIDIA GPUs", "Google's and AWS's own chips"


def price_groups(frame: pd.DataFrame) -> pd.DataFrame:
    """Per group of `price_chart`'s frame (NVIDIA's GPUs, the clouds' own chips): chips,
    median, low, high and span of US$ per petaflop-hour (span = high - low), and gap, the
    difference between the two groups' medians (the same in both rows)."""
    prices = frame.groupby("group")["usd_per_pflop_hour"]
    groups = pd.DataFrame({"chips": prices.size(), "median": prices.median(), "low": prices.min(), "high": prices.max()})
    groups["span"] = groups["high"] - groups["low"]
    groups["gap"] = groups["median"].max() - groups["median"].min()
    return groups.round(4).reset_index()


def price_title(groups: pd.DataFrame) -> str:
    """The price chart's finding, from `price_groups()`: the gap between the medians against
    the narrower group's spread (cheapest to dearest), the gap in dollars."""
    gap, span = groups["gap"].iloc[0], groups["span"].min()
    # One finding, whose figure is drawn: the gap, named on the medians' panel; the spreads are the bars.
    if span >= gap:
        return f"List prices spread wider within each group than the ${gap:.2f} gap between the two groups' medians"
    return (f"The two groups' median list prices differ by ${gap:.2f} a petaflop-hour, more than prices spread "
            "within either group")


def price_chart(rented: pd.DataFrame, source: str) -> alt.TopLevelMixin:
    """On-demand list price per dense BF16 petaflop-hour by chip, in two panels: NVIDIA's
    GPUs and the clouds' own chips, each with its median. `rented`: one row per chip with
    chip, vendor, cloud, region, as_of_price, usd_per_chip_hour, bf16_tflops_dense and
    usd_per_pflop_hour."""
    frame = rented[["chip", "vendor", "cloud", "region", "as_of_price", "usd_per_chip_hour", "bf16_tflops_dense",
                    "usd_per_pflop_hour"]].assign(
        group=lambda f: (f["vendor"] == "NVIDIA").map({True: NVIDIA_GPUS, False: OWN_CHIPS}))
    groups = price_groups(frame)
    # The medians' names; the cheaper group's also says by how much (the title's gap).
    cheaper = groups["median"].idxmin()
    other = {NVIDIA_GPUS: "NVIDIA's", OWN_CHIPS: "the own chips'"}
    dearer = groups.loc[groups["median"].idxmax(), "group"]
    groups["text"] = [f"median ${m:.2f}" for m in groups["median"]]
    # The two medians side by side on the shared axis, in a last panel: the cheaper says by how much.
    groups["row"] = groups["group"].map({NVIDIA_GPUS: "NVIDIA GPUs", OWN_CHIPS: "own chips"})
    groups["gap_text"] = [f"${m:.2f}" + (f", ${gap:.2f} below {other[dearer]}" if i == cheaper and gap > 0 else "")
                          for i, (m, gap) in enumerate(zip(groups["median"], groups["gap"]))]
    groups["gap_short"] = groups["gap_text"].str.replace(", ", "|")
    # The top row of a panel (its cheapest chip) ends left of the median: the median's name goes there.
    groups["chip"] = [frame[frame["group"] == g].sort_values("usd_per_pflop_hour")["chip"].iloc[0] for g in groups["group"]]
    title = price_title(groups)
    spans = groups.set_index("group")["span"]
    vendors = [v for v in CHIP_VENDORS if v in set(frame["vendor"])]
    x_scale = alt.Scale(domain=[0, float(frame["usd_per_pflop_hour"].max()) * 1.05], nice=False)

    def panel(group: str, narrow: bool, last: bool):
        rows = frame[frame["group"] == group]
        x = alt.X("usd_per_pflop_hour:Q", scale=x_scale, axis=alt.Axis(labels=last, ticks=last, tickCount=5),
                  title=(["US$ per dense BF16", "petaflop-hour, list price"] if narrow else
                         "US$ per dense BF16 petaflop-hour, on-demand list price") if last else None)
        # Cheapest at the top (one sort for every layer, or Vega-Lite drops it).
        y = alt.Y("chip:N", title=None, sort=list(rows.sort_values("usd_per_pflop_hour")["chip"]))
        bars = alt.Chart(rows).mark_bar(height=14).encode(
            x=x, y=y,
            color=alt.Color("vendor:N", title="Chip vendor", scale=charts.vendor_scale(vendors),
                            legend=charts.bottom_legend("Chip vendor", columns=3)),
            tooltip=[alt.Tooltip("chip:N", title="Chip"), alt.Tooltip("vendor:N", title="Chip vendor"),
                     alt.Tooltip("cloud:N", title="Cloud"), alt.Tooltip("region:N", title="Region"),
                     alt.Tooltip("as_of_price:T", title="Price seen"),
                     alt.Tooltip("usd_per_chip_hour:Q", title="US$ per chip-hour", format=".2f"),
                     alt.Tooltip("bf16_tflops_dense:Q", title="Dense BF16 TFLOPS", format=",.0f"),
                     alt.Tooltip("usd_per_pflop_hour:Q", title="US$ per petaflop-hour", format=".2f")])
        median = alt.Chart(groups[groups["group"] == group])
        tips = [alt.Tooltip("group:N", title="Median of"), alt.Tooltip("median:Q", title="US$ per petaflop-hour", format=".2f"),
                alt.Tooltip("low:Q", title="Cheapest", format=".2f"), alt.Tooltip("high:Q", title="Dearest", format=".2f")]
        rule = median.mark_rule(color=charts.INK, strokeDash=[4, 3], strokeWidth=1.5).encode(
            x=alt.X("median:Q", scale=x_scale), tooltip=tips)
        note = median.mark_text(align="left", baseline="top", dx=4, dy=-6, fontSize=11, lineBreak="|",
                                color=charts.INK).encode(
            x=alt.X("median:Q", scale=x_scale), y=y,
            text="text:N", tooltip=tips)
        return alt.layer(bars, rule, note).properties(
            width=220 if narrow else 430, height=alt.Step(20),
            title=alt.Title(f"{group} ({len(rows)})", anchor="start", fontSize=12,
                            subtitle=f"cheapest to dearest: ${rows['usd_per_pflop_hour'].min():.2f} to "
                                     f"${rows['usd_per_pflop_hour'].max():.2f}, a ${spans[group]:.2f} range",
                            subtitleFontSize=11))

    def medians(narrow: bool):
        x = alt.X("median:Q", scale=x_scale, axis=alt.Axis(tickCount=5),
                  title=["US$ per dense BF16", "petaflop-hour, list price"] if narrow else
                  "US$ per dense BF16 petaflop-hour, on-demand list price")
        y = alt.Y("row:N", title=None, sort=list(groups.sort_values("median", ascending=False)["row"]))
        tips = [alt.Tooltip("group:N", title="Median of"), alt.Tooltip("median:Q", title="US$ per petaflop-hour", format=".2f")]
        base = alt.Chart(groups).encode(x=x, y=y, tooltip=tips)
        bars = base.mark_bar(height=14, color=charts.INK)
        # On a phone the gap goes on a second line: Vega centres a text's first line on the row, so
        # a two-line text is lifted by half a line.
        text = "gap_short" if narrow else "gap_text"
        words = [base.transform_filter(f"{'' if two else '!'}test(/[|]/, datum.{text})").mark_text(
            align="left", baseline="middle", dx=6, dy=-6 if two else 0, fontSize=11, lineBreak="|", lineHeight=12,
            color=charts.INK).encode(text=f"{text}:N") for two in (False, True)]
        return alt.layer(bars, *words).properties(
            width=220 if narrow else 430, height=alt.Step(32 if narrow else 20),
            title=alt.Title("The two medians", anchor="start", fontSize=12))

    def draw(narrow: bool):
        order = [g for g in (NVIDIA_GPUS, OWN_CHIPS) if g in set(frame["group"])]
        return alt.vconcat(*[panel(g, narrow, False) for g in order], medians(narrow), spacing=10).resolve_scale(
            x="shared", color="shared")

    return charts.finish(
        draw(False), narrow=draw(True), title=title,
        subtitle=(f"On-demand cloud list price per chip-hour divided by dense BF16 petaflops, one price per chip "
                  f"({frame['as_of_price'].min():%b %Y} to {frame['as_of_price'].max():%b %Y}). Not what large buyers pay."),
        source=source,
        description=f"Bar chart of on-demand list price per dense BF16 petaflop-hour by chip, NVIDIA's GPUs and Google's "
                    f"and AWS's own chips apart. {title}. " + "; ".join(
                        f"{r.group}: median ${r.median:.2f}, ${r.low:.2f} to ${r.high:.2f}" for r in groups.itertuples())
                    + ". " + "; ".join(f"{r.chip} ({r.vendor}): ${r.usd_per_pflop_hour:.2f}"
                                      for r in frame.sort_values("usd_per_pflop_hour").itertuples()),
        data_files=["accelerator_prices.csv", "accelerator_specs.csv"],
    )


def chips_table(capacity: pd.DataFrame, publisher_of: pd.Series) -> pd.DataFrame:
    """Every chip count the sources give for Anthropic, as a table (a chart of these nine
    unlike counts carried no one finding: the prose states them). `capacity`: the capacity
    table (rows with a chip count are shown); `publisher_of`: a source's publisher by
    source_id. Columns: vendor, chips (family), figure (the count with its qualifier),
    state, basis, speaks_for and stated (dates, YYYY-MM-DD), source (a link to the
    bibliography: give html_columns=("source",)), ordered by the date the figure speaks for."""
    counted = capacity[capacity["chips"].notna()].sort_values(["as_of", "vendor", "chips"], kind="stable")
    return pd.DataFrame({
        "vendor": counted["vendor"],
        "chips": counted["chip_family"],
        "figure": [_bound(c, b) for c, b in zip(counted["chips"], counted["chips_bound"])],
        "state": counted["state"],
        "basis": counted["basis"],
        "speaks_for": counted["as_of"].dt.strftime("%Y-%m-%d"),
        "stated": counted["date_stated"].dt.strftime("%Y-%m-%d"),
        "source": [source_link(s, publisher_of.get(s, s).split(" (")[0]) for s in counted["source_id"]],
    }).reset_index(drop=True)


CHIPS_TABLE_HEADERS = {"vendor": "Chip vendor", "chips": "Chips", "figure": "Count, as stated", "state": "State",
                       "basis": "Basis", "speaks_for": "Speaks for", "stated": "Stated on", "source": "Source"}


def _bound(value: float, qualifier: str) -> str:
    """A count with the qualifier its source gives it: 'more than 1,000,000'."""
    return f"{qualifier} {value:,.0f}"
