"""The map of each article's argument: which claims the article offers as reasons for
which (`data/argument_links.csv`), what rests on each claim, which conclusions stand on
claims that do not hold, and the interactive map the verdict chapter shows.

The rules, stated once:

- A claim *rests on* another when the article offers that other as a reason for it (a link
  of kind "supports", `REASON_LINK_KINDS`), directly or through a chain of such links. A
  claim that qualifies another, or states the view the article argues against, is drawn on
  the map but is not a reason: nothing rests on it.
- A claim's *weight* (`weights`) is the number of claims of its article that rest on it.
- A claim is *load-bearing* when at least `LOAD_BEARING_MIN` claims rest on it.
- A claim *holds up*, *holds only in part* or *does not hold* by the book's one rule,
  `ledger.OUTCOMES` (stated on the front page by `ledger.holds_up_rule`): it holds up when
  its verdict is in `HOLDS_UP` (supported, complicated), holds only in part when it is in
  `HOLDS_IN_PART` (partly supported), and does not hold otherwise (`DOES_NOT_HOLD`:
  outdated, contradicted, unverified). Every count the map prints follows that rule.
- A conclusion's *weakest link* (`weakest_links`) is the lowest-rated claim it rests on, by
  `vocabulary.VERDICT_RATINGS` (6 = supported, 1 = contradicted).

The map is a tree of HTML (`figure`): each final conclusion at the top, the claims offered
for it indented beneath, down to the first premises. A claim offered for more than one
conclusion is shown in full once, where the reading first meets it, and by a short
reference row wherever else it is offered, so every link appears exactly once and no two
links cross (`crossings` measures it). The page script (assets/argmap/argmap.js, inlined
once per page with argmap.css) lights the path from a claim up to the conclusions on hover,
focus and tap, moves between claims by keyboard, and lets a reader change a verdict and see
which conclusions' weakest links and counts of claims that hold up change; its `weakestLinks`
follows `weakest_links` exactly (tests/test_argument_map.py runs both on the same cases).
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import networkx as nx
import pandas as pd

from . import ledger, paths
from .charts import VERDICT_COLORS
from .check import check_argument_map
from .data import load_table
from .vocabulary import ARGUMENT_LINK_KINDS, VERDICT_RATINGS, VERDICTS

# Links through which a conclusion rests on a premise (see the module docstring).
REASON_LINK_KINDS = ("supports",)
# The book's one rule for what holds up (ledger.OUTCOMES), never restated here: a claim
# holds up, holds only in part, or does not hold.
HOLDS_UP = list(ledger.OUTCOMES["holds"])
HOLDS_IN_PART = list(ledger.OUTCOMES["holds_in_part"])
DOES_NOT_HOLD = [v for v in VERDICTS if v not in HOLDS_UP + HOLDS_IN_PART]
# A claim is load-bearing when at least this many claims rest on it: more than the one or
# two claims directly above it, so that its failure reaches further up the argument.
LOAD_BEARING_MIN = 3
# Labels on the map: a claim's short form, at most this many characters.
LABEL_CHARS = 75
ARTICLE_NAMES = {"A1": "the strategy article", "A2": "the news article"}
# How each link kind reads on a reference row and in the legend.
LINK_WORDS = {"supports": "is a reason for", "qualifies": "qualifies", "contrasts": "states the view argued against in"}
# The tag on a row whose link to the claim above is not a reason.
KIND_TAGS = {"qualifies": "qualifies it", "contrasts": "view argued against"}
# The lines of the map, as the legend names them.
LEGEND_LINES = {"supports": "a reason for the claim above", "qualifies": "qualifies it",
                "contrasts": "the view it argues against", "lit": "the path up from the claim you point at or focus"}
# The verdict as a shape as well as a colour and a word, so the map reads without colour.
VERDICT_SHAPES = dict(zip(VERDICTS, ["circle", "square", "diamond", "cross", "triangle-down", "triangle-up"]))
# Each shape as a CSS clip-path polygon of the marker's box (percentages).
SHAPE_POLYGONS = {
    "circle": None,  # drawn with border-radius
    "square": "10% 10%, 90% 10%, 90% 90%, 10% 90%",
    "diamond": "50% 0, 100% 50%, 50% 100%, 0 50%",
    "cross": "35% 0, 65% 0, 65% 35%, 100% 35%, 100% 65%, 65% 65%, 65% 100%, 35% 100%, 35% 65%, 0 65%, 0 35%, 35% 35%",
    "triangle-down": "0 8%, 100% 8%, 50% 95%",
    "triangle-up": "50% 5%, 100% 92%, 0 92%",
}
# Colours of the links, each at least 3:1 against both the light page (white) and the
# dark page (#14181e), so the map reads in either scheme (tests/test_argument_map.py).
LINK_COLOR, LIT_COLOR = "#768390", "#1F6FEB"
# Where the book states its one rule for what holds up: the front page, seen from a chapter.
RULE_HREF = "../intro.html#holds-up"
# The page's script and styles: outside _static/, which Jupyter Book adds to every page, and
# outside src/, so that a chapter that inlines them is re-executed when they change
# (chipbook.execute records the files a chapter reads).
ASSETS = paths.ROOT / "assets" / "argmap"


def links(article: str | None = None) -> pd.DataFrame:
    """The argument links, optionally of one article ("A1" or "A2"): columns
    premise_claim_id, conclusion_claim_id, link_kind, article_section, source_id."""
    table = load_table("argument_links")
    if article is None:
        return table
    return table[table["premise_claim_id"].str.startswith(f"{article}-")]


def _shorten(text: str, limit: int = LABEL_CHARS) -> str:
    text = text.strip().rstrip(".")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def _tail(text: str, limit: int = LABEL_CHARS) -> str:
    text = text.strip().rstrip(".")
    cut = text[-(limit - 1):].split(" ", 1)[-1] if len(text) > limit else text
    return "…" + cut if len(text) > limit else text


def claim_labels(claims: pd.DataFrame) -> pd.Series:
    """Each claim's label on the map (at most LABEL_CHARS characters), indexed by claim_id.

    The one place that decides where labels come from: the ledger's `claim_short` column
    where it exists and is filled in; otherwise the claim's paraphrase, cut at a word
    before LABEL_CHARS with an ellipsis (and, where two claims of an article would share a
    label, the end of the paraphrase instead of its start)."""
    claims = claims.set_index("claim_id")
    derived = claims["claim"].map(_shorten)
    shared = derived.groupby(claims["article"]).transform(lambda s: s.duplicated(keep=False))
    derived[shared] = claims.loc[shared, "claim"].map(_tail)
    if "claim_short" in claims:
        given = claims["claim_short"].fillna("").astype(str).str.strip()
        derived = given.where(given != "", derived)
    return derived


def graph(article: str) -> nx.DiGraph:
    """The article's argument as a directed graph, premise -> conclusion, each link's kind
    on its edge and each claim's verdict, rating, paraphrase (`claim`) and `label` on its
    node.

    Raises DataError (from `check.check_argument_map`) if a link joins two articles or
    the links form a cycle (an argument that rests on itself cannot be drawn as a tree)."""
    check_argument_map()
    claims = ledger.claims()
    labels = claim_labels(claims)
    g = nx.DiGraph()
    for row in claims[claims["article"] == article].itertuples():
        g.add_node(row.claim_id, verdict=row.verdict, claim=row.claim, label=labels[row.claim_id],
                   rating=VERDICT_RATINGS[row.verdict])
    for link in links(article).itertuples():
        g.add_edge(link.premise_claim_id, link.conclusion_claim_id, kind=link.link_kind)
    return g


def conclusions(g: nx.DiGraph) -> list[str]:
    """The article's final conclusions: claims that something is offered for and that are
    offered for nothing else."""
    return sorted(n for n in g if g.out_degree(n) == 0 and g.in_degree(n) > 0)


def reasons(g: nx.DiGraph) -> nx.DiGraph:
    """The graph of reasons only: every claim, and the links of a kind in REASON_LINK_KINDS."""
    kept = nx.DiGraph()
    kept.add_nodes_from(g.nodes(data=True))
    kept.add_edges_from((u, v, d) for u, v, d in g.edges(data=True) if d["kind"] in REASON_LINK_KINDS)
    return kept


def weights(g: nx.DiGraph) -> pd.DataFrame:
    """How much of the argument rests on each claim of an argument graph (as `graph` returns).

    One row per claim, indexed by claim_id, in id order:
    weight: the number of claims of the article that rest on it, directly or through other
        claims (only links of kind "supports" count; a final conclusion weighs 0);
    conclusions: the number of final conclusions among them;
    load_bearing: weight >= LOAD_BEARING_MIN.
    A later scoreboard weights each verdict by `weight`; see `claim_weights` for the whole
    ledger."""
    r = reasons(g)
    ends = set(conclusions(g))
    rows = []
    for n in sorted(g):
        above = nx.descendants(r, n)
        rows.append({"claim_id": n, "weight": len(above), "conclusions": len(above & ends),
                     "load_bearing": len(above) >= LOAD_BEARING_MIN})
    return pd.DataFrame(rows, columns=["claim_id", "weight", "conclusions", "load_bearing"]).set_index("claim_id")


def claim_weights() -> pd.DataFrame:
    """`weights` for every claim of the ledger, both articles: columns claim_id, article,
    verdict, weight, conclusions, load_bearing, in ledger order."""
    claims = ledger.claims()[["claim_id", "article", "verdict"]]
    found = pd.concat([weights(graph(a)) for a in claims["article"].unique()])
    return claims.join(found, on="claim_id").reset_index(drop=True)


def _ratings(g: nx.DiGraph, verdicts: Mapping[str, str] | None) -> dict[str, int]:
    verdicts = verdicts or {}
    unknown = sorted(set(verdicts) - set(g))
    if unknown:
        raise KeyError(f"no such claim in this argument: {unknown}")
    return {n: VERDICT_RATINGS[verdicts.get(n, g.nodes[n]["verdict"])] for n in g}


def verdict_of(rating: int) -> str:
    """The verdict of a rating on VERDICT_RATINGS."""
    return next(v for v, r in VERDICT_RATINGS.items() if r == rating)


def weakest_links(g: nx.DiGraph, verdicts: Mapping[str, str] | None = None) -> pd.DataFrame:
    """For each final conclusion of an argument graph (as `graph` returns), in id order: the
    claims it rests on, the lowest verdict rating among them and the claims that have it.

    verdicts: a reader's verdicts ({claim_id: verdict}) in place of the ledger's.
    Columns: conclusion, conclusion_verdict, premises (count), holds_up and holds_in_part
    (how many of the premises hold up and hold only in part, by the book's rule),
    weakest_verdict (None when it rests on nothing), weakest (list of claim ids, in id
    order)."""
    rating = _ratings(g, verdicts)
    r = reasons(g)
    rows = []
    for end in conclusions(g):
        below = nx.ancestors(r, end)
        low = min((rating[n] for n in below), default=None)
        said = [verdict_of(rating[n]) for n in below]
        rows.append({"conclusion": end, "conclusion_verdict": verdict_of(rating[end]), "premises": len(below),
                     "holds_up": sum(v in HOLDS_UP for v in said), "holds_in_part": sum(v in HOLDS_IN_PART for v in said),
                     "weakest_verdict": None if low is None else verdict_of(low),
                     "weakest": sorted(n for n in below if rating[n] == low)})
    frame = pd.DataFrame(rows, columns=["conclusion", "conclusion_verdict", "premises", "holds_up", "holds_in_part",
                                        "weakest_verdict", "weakest"])
    frame["weakest_verdict"] = frame["weakest_verdict"].astype(object).where(frame["weakest_verdict"].notna(), None)
    return frame


@dataclass(frozen=True)
class Headline:
    """What the map says about an article's main conclusion (the widest: the final
    conclusion that rests on the most claims; the first by id on a tie), every count by the
    book's one rule (HOLDS_UP, HOLDS_IN_PART, DOES_NOT_HOLD).

    rests_on: claims it rests on; claims: claims in the article; load_bearing: the
    load-bearing claims under it; holding / in_part: how many of those hold up / hold only
    in part; failing: the load-bearing claims under it that do not hold, heaviest first;
    weak: all claims under it that do not hold up (in part or not at all); reach: claims
    under it that reach it through claims that all hold up."""

    conclusion: str
    rests_on: int
    claims: int
    load_bearing: int
    holding: int
    in_part: int
    failing: tuple[str, ...]
    weak: tuple[str, ...]
    reach: int
    text: str


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def headline(g: nx.DiGraph, article: str) -> Headline:
    """The map's headline for an argument graph: how much of the article the main
    conclusion rests on, how many of the load-bearing claims under it hold up, hold only in
    part and do not hold (the book's one rule), and how much of its support reaches it
    through claims that all hold up."""
    r = reasons(g)
    weight = weights(g)["weight"]
    main = min(conclusions(g), key=lambda end: (-len(nx.ancestors(r, end)), end))
    below = nx.ancestors(r, main)
    verdict = {n: g.nodes[n]["verdict"] for n in g}
    weak = sorted(n for n in below if verdict[n] not in HOLDS_UP)
    load_bearing = [n for n in below if weight[n] >= LOAD_BEARING_MIN]
    holding_lb = sum(verdict[n] in HOLDS_UP for n in load_bearing)
    in_part_lb = sum(verdict[n] in HOLDS_IN_PART for n in load_bearing)
    failing = sorted((n for n in load_bearing if verdict[n] in DOES_NOT_HOLD), key=lambda n: (-weight[n], n))
    holding = r.subgraph([n for n in g if n == main or verdict[n] in HOLDS_UP])
    reach = len(nx.ancestors(holding, main))
    name = ARTICLE_NAMES.get(article, f"article {article}")
    ends = conclusions(g)
    role = (f"{name}'s final conclusion" if len(ends) == 1
            else f"the widest of {name}'s {len(ends)} final conclusions")
    opening = f"{main}, {role}, rests on {len(below)} of the article's {len(g)} claims"
    if not weak:
        text = f"{opening}, and every one of them holds up"
    else:
        tally = [f"{holding_lb} {'holds' if holding_lb == 1 else 'hold'} up"]
        if in_part_lb:
            tally.append(f"{in_part_lb} {'holds' if in_part_lb == 1 else 'hold'} only in part")
        if failing:
            tally.append(f"{len(failing)} {'is' if len(failing) == 1 else 'are'} {_or(DOES_NOT_HOLD)}")
        premises = (f"of its {_count(len(load_bearing), 'load-bearing premise', 'load-bearing premises')}, {_words(tally)}"
                    if load_bearing else "none of them is load-bearing")
        reached = (f"{'none' if reach == 0 else reach} of the {len(below)} "
                   f"{'reaches' if reach in (0, 1) else 'reach'} it through claims that all hold up")
        text = f"{opening}: {premises}, and {reached}"
    return Headline(main, len(below), len(g), len(load_bearing), holding_lb, in_part_lb, tuple(failing), tuple(weak),
                    reach, text)


def _words(items: list[str], joiner: str = "and") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {joiner} " + items[-1]


def _or(items: list[str]) -> str:
    return _words(items, "or")


# --- The tree ----------------------------------------------------------------------------------

def outline(g: nx.DiGraph) -> pd.DataFrame:
    """The argument as a tree, one row per line of the map, in reading order.

    The final conclusions come first, the one resting on the most claims first; under each
    claim, the claims offered for it (reasons, then qualifiers, then contrasts, each in id
    order). A claim is shown in full where the reading first meets it; wherever else it is
    offered it appears as a reference row (repeat=True) with nothing under it, so each link
    of the graph is exactly one row's link to its parent.

    Columns: row (0, 1, ...), claim_id, parent (the claim it is offered for; None at the
    top), kind (the link kind to the parent), depth (0 at the top), repeat."""
    r = reasons(g)
    kind_order = {k: i for i, k in enumerate(ARGUMENT_LINK_KINDS)}
    tops = sorted(conclusions(g), key=lambda end: (-len(nx.ancestors(r, end)), end))
    rows, shown = [], set()

    def visit(claim: str, parent: str | None, kind: str | None, depth: int) -> None:
        repeat = claim in shown
        rows.append({"row": len(rows), "claim_id": claim, "parent": parent, "kind": kind, "depth": depth,
                     "repeat": repeat})
        if repeat:
            return
        shown.add(claim)
        for premise in sorted(g.predecessors(claim), key=lambda p: (kind_order[g.edges[p, claim]["kind"]], p)):
            visit(premise, claim, g.edges[premise, claim]["kind"], depth + 1)

    for top in tops:
        visit(top, None, None, 0)
    frame = pd.DataFrame(rows, columns=["row", "claim_id", "parent", "kind", "depth", "repeat"])
    for column in ("parent", "kind"):  # None at the top, not pandas' NaN
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


# --- Crossings -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Drawing:
    """A node-link drawing reduced to geometry: each node a point, each link a polyline
    (a list of points) from its premise to its conclusion."""

    nodes: dict[str, tuple[float, float]]
    links: dict[tuple[str, str], list[tuple[float, float]]]


def outline_drawing(rows: pd.DataFrame, step: float = 1.0) -> Drawing:
    """The map's geometry for the rows of `outline`: a row's marker at (depth * step, row);
    its link runs from its marker left to the column of its parent's marker, then up that
    column to the parent's row, as the page draws it. A reference row is a node of its own."""
    nodes, links_ = {}, {}
    full_row = {r.claim_id: r.row for r in rows.itertuples() if not r.repeat}
    for r in rows.itertuples():
        key = r.claim_id if not r.repeat else f"{r.claim_id}@{r.row}"
        nodes[key] = (r.depth * step, float(r.row))
        if isinstance(r.parent, str):
            parent_row = full_row[r.parent]
            x_parent = rows.at[parent_row, "depth"] * step
            links_[(key, r.parent)] = [(r.depth * step, float(r.row)), (x_parent, float(r.row)),
                                       (x_parent, float(parent_row))]
    return Drawing(nodes, links_)


def _segments(points):
    return list(zip(points, points[1:]))


def _cross(a, b, c, d) -> bool:
    """Whether segments ab and cd cross at a point inside both (touching ends do not count)."""
    def orient(p, q, s):
        value = (q[0] - p[0]) * (s[1] - p[1]) - (q[1] - p[1]) * (s[0] - p[0])
        return 0 if abs(value) < 1e-9 else (1 if value > 0 else -1)
    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    if 0 in (o1, o2, o3, o4):
        return _overlap(a, b, c, d)
    return o1 != o2 and o3 != o4


def _overlap(a, b, c, d) -> bool:
    """Collinear segments that share more than a point (one link drawn over another)."""
    def cross(p, q, s):
        return (q[0] - p[0]) * (s[1] - p[1]) - (q[1] - p[1]) * (s[0] - p[0])
    if abs(cross(a, b, c)) > 1e-9 or abs(cross(a, b, d)) > 1e-9:
        return False
    axis = 0 if abs(a[0] - b[0]) > abs(a[1] - b[1]) else 1
    lo1, hi1 = sorted((a[axis], b[axis]))
    lo2, hi2 = sorted((c[axis], d[axis]))
    return min(hi1, hi2) - max(lo1, lo2) > 1e-9


def _near(point, a, b, radius: float) -> bool:
    """Whether segment ab passes within `radius` of `point`."""
    (px, py), (ax, ay), (bx, by) = point, a, b
    dx, dy = bx - ax, by - ay
    t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy)) < radius


def crossings(drawing: Drawing, radius: float = 0.25) -> int:
    """How often a drawing's links get in each other's way: pairs of links that cross or
    run over one another (links that share a claim may meet, and links into the same
    conclusion may share their last stretch), plus links that pass within `radius` of a
    claim they do not join (in the drawing's units)."""
    found = 0
    keys = list(drawing.links)
    for i, first in enumerate(keys):
        for second in keys[i + 1:]:
            if first[1] == second[1] or set(first) & set(second):
                continue  # links into one conclusion share its column; links at one claim meet there
            if any(_cross(a, b, c, d) for a, b in _segments(drawing.links[first])
                   for c, d in _segments(drawing.links[second])):
                found += 1
    for key, points in drawing.links.items():
        for node, at in drawing.nodes.items():
            if node in key:
                continue
            if any(_near(at, a, b, radius) for a, b in _segments(points)):
                found += 1
    return found


# --- The page ----------------------------------------------------------------------------------

def _slug(claim_id: str) -> str:
    return claim_id.lower()


def row_id(claim_id: str) -> str:
    """The HTML id of a claim's full row on the map (claim ids carry their article)."""
    return f"argmap-{_slug(claim_id)}"


def map_data(g: nx.DiGraph, article: str) -> dict:
    """What the page script needs, as JSON-ready data: the claims with their verdicts, the
    links, and the rules (ratings, reason link kinds, the verdicts that hold up and hold
    only in part, shapes)."""
    return {
        "article": article,
        "claims": {n: {"verdict": g.nodes[n]["verdict"]} for n in sorted(g)},
        "links": [[u, v, k] for u, v, k in sorted(g.edges(data="kind"))],
        "ratings": VERDICT_RATINGS,
        "reasonKinds": list(REASON_LINK_KINDS),
        "holdsUp": HOLDS_UP,
        "holdsInPart": HOLDS_IN_PART,
        "verdicts": VERDICTS,
        "shapes": VERDICT_SHAPES,
    }


def _json_for_html(data) -> str:
    # No `<`, `>` or `&` may reach the HTML parser inside a script element.
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _marker(verdict: str) -> str:
    slug = verdict.replace(" ", "-")
    return (f'<span class="argmap-mark chipbook-verdict-{slug}" data-shape="{VERDICT_SHAPES[verdict]}" '
            'aria-hidden="true"></span>')


def _claim_anchor(claim_id: str) -> str:
    """A link to a claim's full row on the map."""
    return f'<a href="#{row_id(claim_id)}">{html.escape(claim_id)}</a>'


def _holding_html(row) -> str:
    """How many claims a conclusion rests on and how many of them hold up and hold only in
    part; argmap.js writes the same words (holdingHtml)."""
    if not row.premises:
        return "no other claim"
    return (f"{_count(row.premises, 'claim', 'claims')}, of which {row.holds_up} "
            f"{'holds' if row.holds_up == 1 else 'hold'} up and {row.holds_in_part} "
            f"{'holds' if row.holds_in_part == 1 else 'hold'} only in part")


def _weakest_html(row) -> str:
    if row.weakest_verdict is None:
        return "it rests on no other claim"
    ids = ", ".join(_claim_anchor(n) for n in row.weakest)
    return (f'{"weakest link" if len(row.weakest) == 1 else "weakest links"} {ids} '
            f'({ledger.verdict_badge(row.weakest_verdict)})')


@functools.cache
def _chapter_titles() -> dict[str, str]:
    return {slug: ledger.chapter_title(slug) for slug in ledger.claims()["chapter"].unique()}


def _chapter_title(claim_id: str) -> str:
    chapter = ledger.claims().set_index("claim_id").at[claim_id, "chapter"]
    return _chapter_titles()[chapter]


def _detail(g: nx.DiGraph, claim: str, weight: pd.DataFrame) -> str:
    """The panel under a claim's row: the paraphrase, its section, what it is offered for
    and how much rests on it. The page script adds the verdict menu."""
    r = reasons(g)
    offered = [f"{LINK_WORDS[g.edges[claim, c]['kind']]} {_claim_anchor(c)}" for c in sorted(g.successors(claim))]
    above = nx.descendants(r, claim)
    ends = sorted(set(conclusions(g)) & above)
    if above:
        rests = (f"{_count(len(above), 'claim rests', 'claims rest')} on it, directly or not"
                 + (f", up to {_words([_claim_anchor(e) for e in ends])}" if ends else "")
                 + (" (load-bearing)" if weight.at[claim, "load_bearing"] else "") + ".")
    else:
        rests = "No claim rests on it." if g.out_degree(claim) else "It is a final conclusion: nothing rests on it."
    # The claim in full, unless its label already is the whole claim: said once.
    full = g.nodes[claim]["claim"]
    said_in_label = _same_words(full, g.nodes[claim]["label"])
    parts = ["" if said_in_label else f'<p class="argmap-claim-text">{html.escape(full)}</p>',
             f"<p>{rests}" + (f" It {_words(offered)}." if offered else "") + "</p>",
             f"<p>Evidence and verdict: {ledger.claim_link(claim)}, in "
             f"“{html.escape(_chapter_title(claim))}”.</p>",
             '<div class="argmap-choose"></div>']
    return "".join(parts)


def _same_words(a: str, b: str) -> bool:
    """Whether two texts say the same words (case, punctuation and an ellipsis aside)."""
    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9$%]+", text.lower().replace("…", ""))
    return words(a) == words(b)


def _tree_html(g: nx.DiGraph, rows: pd.DataFrame, weight: pd.DataFrame) -> str:
    children = rows.groupby("parent", sort=False)
    out = []

    def item(r) -> str:
        node = g.nodes[r.claim_id]
        kind = f'<span class="argmap-kind">{html.escape(KIND_TAGS[r.kind])}</span> ' if r.kind in KIND_TAGS else ""
        badge = ledger.verdict_badge(node["verdict"])
        attrs = f'data-claim="{r.claim_id}" data-kind="{r.kind or "top"}"'
        if r.repeat:  # named by its id only: its words are on its full row
            heads = f'{_marker(node["verdict"])}<span class="argmap-id">{html.escape(r.claim_id)}</span> {kind}{badge}'
            return (f'<li class="argmap-item argmap-repeat" {attrs}><a class="argmap-row" href="#{row_id(r.claim_id)}">'
                    f'{heads} <span class="argmap-note">shown above</span></a></li>')
        heads = (f'{_marker(node["verdict"])}<span class="argmap-id">{html.escape(r.claim_id)}</span> '
                 f'{kind}<span class="argmap-label">{html.escape(node["label"])}</span> {badge}')
        under, parent = "", ""
        if r.claim_id in children.groups:
            under = '<ul class="argmap-branch">' + "".join(
                item(c) for c in rows.loc[children.groups[r.claim_id]].itertuples()) + "</ul>"
            parent = " argmap-parent"
        return (f'<li class="argmap-item{parent}" id="{row_id(r.claim_id)}" {attrs}>'
                f'<details class="argmap-row"><summary>{heads}</summary>'
                f'<div class="argmap-detail">{_detail(g, r.claim_id, weight)}</div></details>{under}</li>')

    for top in rows[rows["parent"].isna()].itertuples():
        out.append(item(top))
    return '<ul class="argmap-tree">' + "".join(out) + "</ul>"


def _compact(text: str, comment: str) -> str:
    """A stylesheet or script with its comment lines, indentation and blank lines left
    out, for the page (the files in the repository keep them)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith(comment))


def _assets() -> str:
    """assets/argmap/argmap.css (as a data: stylesheet, which HTML allows in the body, unlike a
    style element) and argmap.js, for the page; the marker shapes and the link
    colours are appended to the stylesheet from VERDICT_SHAPES, LINK_COLOR and LIT_COLOR."""
    css = _compact((ASSETS / "argmap.css").read_text(encoding="utf-8"), "/*")
    css += "".join(f'\n.argmap-mark[data-shape="{shape}"]{{clip-path:polygon({SHAPE_POLYGONS[shape]})}}'
                   for shape in VERDICT_SHAPES.values() if SHAPE_POLYGONS[shape])
    css += f"\n.argmap{{--argmap-link:{LINK_COLOR};--argmap-lit:{LIT_COLOR}}}"
    # A data: URL is a URL: percent-encoded whole (spaces included, which the HTML standard
    # does not allow in an href), so the Nu HTML Checker and every browser read it the same.
    css = quote(css, safe="")
    script = _compact((ASSETS / "argmap.js").read_text(encoding="utf-8"), "//")
    if "</script" in script.lower() or "<!--" in script:
        raise ValueError("argmap.js may not contain '</script' or '<!--': it is inlined in a script element")
    return f'<link rel="stylesheet" href="data:text/css;charset=utf-8,{css}"><script>{script}</script>'


_assets_emitted = False


def figure(article: str):
    """The map of one article's argument, as HTML for a notebook cell: the headline,
    the load-bearing claims that do not hold, a legend, each final conclusion's weakest
    link, and the tree of claims. The first map of a page brings the page's script and
    styles with it."""
    from IPython.display import HTML

    global _assets_emitted
    g = graph(article)
    weight = weights(g)
    head = headline(g, article)
    rows = outline(g)
    name = ARTICLE_NAMES.get(article, article)
    # The lists name claims by id, each linked to its row in the tree, where its words are.
    failing = "".join(
        f"<li>{_claim_anchor(n)} ({ledger.verdict_badge(g.nodes[n]['verdict'])}; "
        f"{_count(int(weight.at[n, 'weight']), 'claim rests', 'claims rest')} on it)</li>" for n in head.failing)
    failing = (f'<p class="argmap-sub">Load-bearing claims under it that are {_or(DOES_NOT_HOLD)}:</p>'
               f'<ul class="argmap-failing">{failing}</ul>') if failing else ""
    weakest = "".join(
        f'<li data-conclusion="{row.conclusion}">{_claim_anchor(row.conclusion)} rests on '
        f'<span class="argmap-holding">{_holding_html(row)}</span>; '
        f'<span class="argmap-weakest-links">{_weakest_html(row)}</span>'
        f'<span class="argmap-change"></span></li>'
        for row in weakest_links(g).itertuples())
    legend = "".join(f"<li>{_marker(v)}{html.escape(v)}</li>" for v in VERDICTS) + "".join(
        f'<li><span class="argmap-line" data-kind="{kind}"></span>{html.escape(words)}</li>'
        for kind, words in LEGEND_LINES.items())
    reviewed = ledger.claims().query("article == @article")["last_reviewed"].max()
    text = load_table("articles").set_index("article_id").loc[article]
    parts = [
        f'<figure class="argmap" id="argmap-{article.lower()}" data-article="{article}" '
        f'aria-labelledby="argmap-{article.lower()}-title">',
        f'<figcaption><p class="argmap-title" id="argmap-{article.lower()}-title">{html.escape(head.text)}.</p>'
        f'<p class="argmap-subtitle">The map of {name}\'s argument: each line is one of its claims, marked by '
        f"the book's verdict (shape, colour and word), with the claims offered for it indented beneath. A claim "
        f"rests on the claims offered as reasons for it, directly or through others; it is load-bearing when at "
        f"least {LOAD_BEARING_MIN} claims rest on it. Every count follows the book's one rule for what holds up "
        f'(<a href="{RULE_HREF}">how to read a verdict</a>). Verdicts as '
        f"reviewed up to {reviewed:%Y-%m-%d}.</p></figcaption>",
        failing,
        f'<ul class="argmap-legend" aria-label="Verdicts">{legend}</ul>',
        '<p class="argmap-keys">Hover, tap or focus a claim to light its path up to the conclusions; open it to '
        "see its evidence and to change its verdict. Keys: ↑ ↓ move between claims, ← goes to the claim it is "
        "offered for, → to its first reason, Enter opens it.</p>",
        f'<p class="argmap-sub">Each final conclusion and its weakest link:</p><ul class="argmap-weakest">{weakest}</ul>',
        '<p class="argmap-status" role="status"></p>',
        _tree_html(g, rows, weight),
        f'<p class="argmap-source">Source: the book\'s reading of “{html.escape(text["title"])}” '
        f'({ledger.cite(text["source_id"])}); verdicts from the claims ledger. Data: '
        f'<a class="chipbook-download" href="../data/argument_links.csv" download>argument_links.csv</a> '
        f'<a class="chipbook-download" href="../data/claims.csv" download>claims.csv</a></p>',
        f'<script type="application/json" class="argmap-data">{_json_for_html(map_data(g, article))}</script>',
        "</figure>",
    ]
    assets = "" if _assets_emitted else _assets()
    _assets_emitted = True
    return HTML(assets + "".join(parts))
