"""The front page's scoreboard, weighed by what carries each article's argument.

A count of verdicts weighs "Trainium2 was developed by Annapurna Labs" like the article's
central bet. Here a claim's *weight* is what rests on it in the article's argument map
(`data/argument_links.csv`, drawn in the verdict chapter): the number of the article's
claims, final conclusions included, that the claim is offered as a reason for, directly or
through other claims. The load-bearing claims are those with the most resting on them.

The count itself follows `ledger.headline()`'s one rule for "holds up"; its range comes from
the borderline claims (`claims.alternative_verdict`, the verdict the next verdict rule would
give): the lowest and highest count the ledger reaches when each borderline claim takes the
verdict of either rule.
"""

from __future__ import annotations

import html

import networkx as nx
import pandas as pd
from IPython.display import HTML

from . import ledger
from .charts import ARTICLE_LABELS
from .vocabulary import ARTICLES

#: The links along which a conclusion rests on a premise. A premise that `qualifies` a
#: conclusion hedges it and one that `contrasts` with it states the view it argues against:
#: the conclusion does not stand on either, so neither carries weight.
RESTING_LINKS: tuple[str, ...] = ("supports",)

#: A claim is load-bearing when at least this share of its article's claims rest on it
#: (directly or through others). A fifth picks out the few claims whose failure would take
#: a large part of an argument with it, and keeps claims of one supporting chain together.
LOAD_BEARING_SHARE = 0.2


def weights(g: nx.DiGraph, kinds: tuple[str, ...] = RESTING_LINKS) -> pd.Series:
    """How many claims rest on each claim of an argument graph (as `argument_map.graph`
    returns: edges premise -> conclusion, each with a `kind`): the number of claims
    reachable from it along links of the given kinds. Integer Series indexed by claim id,
    every node of `g` included (0 for a claim nothing rests on), heaviest first, ties by id."""
    resting = nx.DiGraph()
    resting.add_nodes_from(g)
    resting.add_edges_from((u, v) for u, v, kind in g.edges(data="kind") if kind in kinds)
    counts = pd.Series({n: len(nx.descendants(resting, n)) for n in resting}, dtype="int64", name="weight")
    counts.index.name = "claim_id"
    return counts.sort_index().sort_values(ascending=False, kind="stable")


def load_bearing(weight: pd.Series, article_claims: int, share: float = LOAD_BEARING_SHARE) -> pd.Series:
    """The claims of one article on which at least `share` of its `article_claims` claims
    rest, heaviest first (a slice of `weights(...)`). Raises ValueError when no claim
    qualifies (the rule would then print an empty front page)."""
    chosen = weight[weight >= share * article_claims]
    chosen = chosen[chosen > 0]
    if chosen.empty:
        raise ValueError(f"no claim carries {share:.0%} of {article_claims} claims; the heaviest carries {weight.max()}")
    return chosen


def holds_range(table: pd.DataFrame) -> dict[str, int]:
    """The "holds up" count of a claims frame (columns verdict, alternative_verdict) and the
    range it takes under the borderline rules: `low` if every borderline claim whose
    verdict holds up took an alternative that does not, `high` the other way round.
    Returns ints: claims, holds, low, high, borderline (claims with an alternative)."""
    holding = set(ledger.OUTCOMES["holds"])
    other = table["alternative_verdict"]
    has_other = other.notna() & (other.astype("string").str.len() > 0)
    holds_now = table["verdict"].isin(holding)
    holds_other = other.isin(holding) & has_other
    lose = int((has_other & holds_now & ~holds_other).sum())
    gain = int((has_other & ~holds_now & holds_other).sum())
    holds = int(holds_now.sum())
    return {"claims": len(table), "holds": holds, "low": holds - lose, "high": holds + gain,
            "borderline": int(has_other.sum())}


def weighted_holds_share(table: pd.DataFrame, weight: pd.Series) -> float:
    """The share of an argument that holds up when each claim counts once for itself and
    once for every claim resting on it (1 + its weight): sum((1 + w) * holds) / sum(1 + w).
    `table`: claims frame with claim_id and verdict; `weight`: Series by claim id (a claim
    missing from it weighs 1). A float in [0, 1]."""
    w = 1 + table["claim_id"].map(weight).fillna(0)
    holds = table["verdict"].isin(ledger.OUTCOMES["holds"])
    return float((w * holds).sum() / w.sum())


# --- the front page ---------------------------------------------------------------------------

def article_weights() -> dict[str, pd.Series]:
    """`weights()` of each article's argument map, keyed by article id."""
    from . import argument_map

    return {article: weights(argument_map.graph(article)) for article in ARTICLES}


def load_bearing_claims() -> pd.DataFrame:
    """The load-bearing claims of both articles, heaviest first within each article: the
    ledger's claims rows with a `weight` column and `article_claims` (the article's count)."""
    table = ledger.claims()
    frames = []
    for article, weight in article_weights().items():
        count = int((table["article"] == article).sum())
        chosen = load_bearing(weight, count)
        rows = table.set_index("claim_id").loc[chosen.index].reset_index()
        frames.append(rows.assign(weight=chosen.values, article_claims=count))
    return pd.concat(frames, ignore_index=True)


def load_bearing_table() -> HTML:
    """The front page's first table: each load-bearing claim as its id (linked to its
    section), the paraphrase (printed once on the front page, here), how
    many of its article's claims rest on it, and its verdict with the rule it follows."""
    rows = []
    for c in load_bearing_claims().itertuples():
        # a plain link: the paraphrase is in the next column, so a preview would repeat it
        link = f'<a href="{html.escape(ledger.claim_href(c.claim_id, ledger.FROM_ROOT))}">{c.claim_id}</a>'
        rows.append([link, html.escape(c.claim),
                     f"{c.weight} of {c.article_claims}", ledger.verdict_with_rule(c, base=ledger.FROM_ROOT)])
    return HTML(ledger._table(["Claim", "What the article says (our paraphrase)",
                               "Claims of its article that rest on it", "Verdict"], rows, "chipbook-claims",
                              caption="The load-bearing claims: those most of their article rests on, with their verdicts"))


def count_markdown(table: pd.DataFrame | None = None, rule_href: str = "#holds-up") -> str:
    """The full count, as Markdown: how many claims hold up (linked to `rule_href`, where the
    rule is stated), with the range the count takes under the borderline rules, and the
    weighted share of each article's argument that holds up."""
    table = ledger.claims() if table is None else table
    span = holds_range(table)
    spread = (f"runs from **{span['low']}** to **{span['high']}**" if span["low"] != span["high"]
              else f"stays at **{span['holds']}**")
    parts = []
    for article, weight in article_weights().items():
        own = table[table["article"] == article]
        plain = own["verdict"].isin(ledger.OUTCOMES["holds"]).mean()
        parts.append(f"{ARTICLE_LABELS[article]}: {weighted_holds_share(own, weight):.0%} weighted, "
                     f"{plain:.0%} counting each claim once")
    return (f"Of all **{span['claims']}** claims, **{span['holds']}** [hold up]({rule_href}) as stated. "
            f"{span['borderline']} claims sit on the border between two verdict rules; as each takes the verdict "
            f"of one rule or the other, the count {spread}. Weighted by what rests on each claim, the share of each "
            f"argument that holds up is: {'; '.join(parts)}.")
