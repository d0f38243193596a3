"""The map of each article's argument: which claims the article offers as reasons for
which (`data/argument_links.csv`), laid out in layers and drawn with the book's chart
helpers, so that a reader sees which conclusions stand on weak premises.

A claim's strength is its verdict's rank on `vocabulary.VERDICT_RATINGS` (6 = supported,
1 = contradicted). A conclusion's weakest link is the lowest-ranked claim among all the
premises it rests on, directly or through other claims.
"""

from __future__ import annotations

import altair as alt
import networkx as nx
import pandas as pd

from . import charts, ledger
from .check import check_argument_map
from .data import load_table
from .vocabulary import ARGUMENT_LINK_KINDS, VERDICT_RATINGS, VERDICTS

# Shapes as well as colours carry the verdict, so the map reads without colour.
VERDICT_SHAPES = dict(zip(VERDICTS, ["circle", "square", "diamond", "cross", "triangle-down", "triangle-up"]))
LINK_DASHES = dict(zip(ARGUMENT_LINK_KINDS, [[1, 0], [6, 3], [2, 2]]))
LAYER_HEIGHT_PX = 64


def links(article: str | None = None) -> pd.DataFrame:
    """The argument links, optionally of one article ("A1" or "A2"): columns
    premise_claim_id, conclusion_claim_id, link_kind, article_section, source_id."""
    table = load_table("argument_links")
    if article is None:
        return table
    return table[table["premise_claim_id"].str.startswith(f"{article}-")]


def graph(article: str) -> nx.DiGraph:
    """The article's argument as a directed graph, premise -> conclusion, with each
    claim's verdict, text and rating on its node and the link kind on its edge.

    Raises DataError (from `check.check_argument_map`) if a link joins two articles or
    the links form a cycle (an argument that rests on itself cannot be laid out in layers)."""
    check_argument_map()
    claims = ledger.claims().set_index("claim_id")
    table = links(article)
    g = nx.DiGraph()
    for claim_id, row in claims[claims["article"] == article].iterrows():
        g.add_node(claim_id, verdict=row["verdict"], claim=row["claim"], rating=VERDICT_RATINGS[row["verdict"]])
    for link in table.itertuples():
        g.add_edge(link.premise_claim_id, link.conclusion_claim_id, kind=link.link_kind)
    return g


def conclusions(g: nx.DiGraph) -> list[str]:
    """The article's final conclusions: claims offered as a reason for nothing else."""
    return sorted(n for n in g if g.out_degree(n) == 0 and g.in_degree(n) > 0)


def layout(g: nx.DiGraph) -> pd.DataFrame:
    """One row per claim: claim_id, layer (0 = final conclusions, premises below them)
    and x in [0, 1]. Within a layer claims are ordered by the mean position of the
    claims they link to (a barycentre sweep), which keeps most links short."""
    layer = {}
    for node in reversed(list(nx.topological_sort(g))):
        layer[node] = 1 + max((layer[s] for s in g.successors(node)), default=-1)
    rows = {d: sorted(n for n in g if layer[n] == d) for d in range(max(layer.values()) + 1)}
    position = {n: i / max(len(r), 1) for r in rows.values() for i, n in enumerate(r)}
    for _ in range(4):
        for depth in list(range(1, len(rows))) + list(range(len(rows) - 2, -1, -1)):
            def centre(n):
                near = [position[m] for m in list(g.successors(n)) + list(g.predecessors(n))]
                return sum(near) / len(near) if near else position[n]
            rows[depth] = sorted(rows[depth], key=lambda n: (centre(n), n))
            position.update({n: i / max(len(rows[depth]), 1) for i, n in enumerate(rows[depth])})
    return pd.DataFrame([
        {"claim_id": n, "layer": d, "x": (i + 0.5) / len(r)}
        for d, r in rows.items() for i, n in enumerate(r)
    ])


def weakest_links(g: nx.DiGraph) -> pd.DataFrame:
    """For each final conclusion of an argument graph (as `graph` returns): the premises
    it rests on (directly or not), the lowest verdict rating among them and the claims
    that have it.

    Columns: conclusion, conclusion_verdict, premises (count), weakest_verdict,
    weakest (list of claim ids)."""
    rows = []
    for end in conclusions(g):
        below = nx.ancestors(g, end)
        low = min(g.nodes[n]["rating"] for n in below)
        weakest = sorted(n for n in below if g.nodes[n]["rating"] == low)
        rows.append({"conclusion": end, "conclusion_verdict": g.nodes[end]["verdict"], "premises": len(below),
                     "weakest_verdict": g.nodes[weakest[0]]["verdict"], "weakest": weakest})
    return pd.DataFrame(rows)


def chart(article: str) -> alt.LayerChart:
    """The article's argument drawn as layers: final conclusions on top, the claims
    they rest on below, each node a claim (label: its number) shaped and coloured by
    its verdict, each line a link styled by its kind. Tooltips give the claim in words.
    Returns an unfinished chart; pass it to charts.finish()."""
    g = graph(article)
    nodes = layout(g).assign(
        verdict=lambda f: f["claim_id"].map(lambda n: g.nodes[n]["verdict"]),
        claim=lambda f: f["claim_id"].map(lambda n: g.nodes[n]["claim"]),
        label=lambda f: f["claim_id"].str.slice(3),
        reasons=lambda f: f["claim_id"].map(lambda n: ", ".join(sorted(g.predecessors(n))) or "none"),
        supports=lambda f: f["claim_id"].map(lambda n: ", ".join(sorted(g.successors(n))) or "none (a final conclusion)"),
    )
    at = nodes.set_index("claim_id")
    edges = pd.DataFrame([
        {"premise": u, "conclusion": v, "kind": k,
         "x": at.at[u, "x"], "layer": at.at[u, "layer"], "x2": at.at[v, "x"], "layer2": at.at[v, "layer"]}
        for u, v, k in g.edges(data="kind")
    ])
    depth = int(nodes["layer"].max())
    y_scale = alt.Scale(domain=[depth + 0.5, -0.5])
    x_scale = alt.Scale(domain=[0, 1])
    no_axis = dict(axis=None)
    lines = alt.Chart(edges).mark_rule(strokeWidth=1.2, opacity=0.55).encode(
        x=alt.X("x:Q", scale=x_scale, **no_axis), x2="x2:Q",
        y=alt.Y("layer:Q", scale=y_scale, **no_axis), y2="layer2:Q",
        strokeDash=alt.StrokeDash("kind:N", title="Link",
                                  scale=alt.Scale(domain=list(LINK_DASHES), range=list(LINK_DASHES.values())),
                                  legend=charts.bottom_legend("Link")),
        tooltip=[alt.Tooltip("premise:N", title="Premise"), alt.Tooltip("kind:N", title="Link"),
                 alt.Tooltip("conclusion:N", title="Conclusion")],
    )
    verdicts = [v for v in VERDICTS if v in set(nodes["verdict"])]
    points = alt.Chart(nodes).mark_point(filled=True, size=360, opacity=1, strokeWidth=1).encode(
        x=alt.X("x:Q", scale=x_scale, **no_axis),
        y=alt.Y("layer:Q", scale=y_scale, **no_axis),
        color=alt.Color("verdict:N", scale=charts.verdict_scale(verdicts), legend=charts.bottom_legend("Verdict")),
        shape=alt.Shape("verdict:N", scale=alt.Scale(domain=verdicts, range=[VERDICT_SHAPES[v] for v in verdicts]),
                        legend=charts.bottom_legend("Verdict")),
        tooltip=[alt.Tooltip("claim_id:N", title="Claim"), alt.Tooltip("claim:N", title="The article says"),
                 alt.Tooltip("verdict:N", title="Verdict"), alt.Tooltip("reasons:N", title="Rests on"),
                 alt.Tooltip("supports:N", title="Is a reason for")],
    )
    labels = alt.Chart(nodes).mark_text(dy=-15, fontSize=10).encode(
        x=alt.X("x:Q", scale=x_scale, **no_axis), y=alt.Y("layer:Q", scale=y_scale, **no_axis),
        text="label:N")
    return (lines + points + labels).properties(height=LAYER_HEIGHT_PX * (depth + 1))


# Verdicts under which a premise does not hold as stated today.
WEAK_VERDICTS = [v for v in VERDICTS if VERDICT_RATINGS[v] <= VERDICT_RATINGS["outdated"]]
ARTICLE_NAMES = {"A1": "The strategy article", "A2": "The news article"}


def _words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def weak_premises(article: str) -> dict[str, list[str]]:
    """For each final conclusion, the premises under it (direct or not) whose verdict is
    contradicted, outdated or unverified, in ledger order."""
    g = graph(article)
    return {end: sorted(n for n in nx.ancestors(g, end) if g.nodes[n]["verdict"] in WEAK_VERDICTS)
            for end in conclusions(g)}


def figure(article: str) -> alt.LayerChart:
    """The finished map of one article, its title and text alternative computed from
    the ledger."""
    g = graph(article)
    weak = weak_premises(article)
    main = max(weak, key=lambda end: len(nx.ancestors(g, end)))
    name = ARTICLE_NAMES[article]
    description = " ".join(
        f"{end} ({g.nodes[end]['verdict']}) rests on {len(nx.ancestors(g, end))} claims, "
        f"{len(weak[end])} of them contradicted, outdated or unverified"
        + (f" ({', '.join(weak[end])})." if weak[end] else ".")
        for end in weak)
    return charts.finish(
        chart(article),
        title=(f"{name}'s conclusion {main} rests on {len(weak[main])} claims that are contradicted, "
               "outdated or unverified" if weak[main] else
               f"{name}'s conclusion {main} rests only on claims that hold at least in part"),
        subtitle=(f"Each mark is a claim of the article (its number), shaped and coloured by the book's verdict; "
                  f"lines run from a premise up to the claim it is offered for. Verdicts as of the ledger's last review."),
        source=f"the book's reading of the article ({ledger.publishers([links(article)['source_id'].iloc[0]])}); verdicts from the claims ledger",
        description=f"Map of {name.lower()}'s argument. " + description,
        data_files=["argument_links.csv", "claims.csv"],
    )


def summary(article: str):
    """What the map shows about each final conclusion: how many claims it rests on and
    its weakest link, with claim ids linked to their sections (HTML for a notebook)."""
    from IPython.display import HTML

    g = graph(article)
    items = []
    for row in weakest_links(g).itertuples():
        path = nx.shortest_path(g, row.weakest[0], row.conclusion)
        via = f" One path up: {' → '.join(ledger.claim_link(n) for n in path)}." if len(path) > 2 else ""
        weakest = _words([ledger.claim_link(n) for n in row.weakest])
        verdict = ledger.verdict_badge(row.weakest_verdict)
        links = (f"Its weakest link is {weakest} ({verdict})." if len(row.weakest) == 1
                 else f"Its weakest links are {weakest} (each {verdict}).")
        items.append(
            f"<li>{ledger.claim_link(row.conclusion)} ({ledger.verdict_badge(row.conclusion_verdict)}) rests on "
            f"{row.premises} of the article's claims. {links}{via}</li>")
    return HTML(f'<ul class="chipbook-weakest">{"".join(items)}</ul>')
