"""The map of each article's argument: the link table covers the ledger, stays inside one
article and forms no cycle; weights, weakest links, the headline and the tree follow the
rules of chipbook.argument_map on small hand-worked graphs; the page script computes the
same weakest links as Python; the map's colours reach 3:1 on both page backgrounds."""

from __future__ import annotations

import html
import json
import random
import re
import shutil
import subprocess

import networkx as nx
import pandas as pd
import pytest

from chipbook import argument_map, charts, ledger
from chipbook.check import check_argument_map
from chipbook.data import DataError
from chipbook.vocabulary import ARTICLES, VERDICT_RATINGS, VERDICTS


# --- the live link table (invariants only) -------------------------------------------------

def test_every_claim_is_in_the_map():
    table = argument_map.links()
    mapped = set(table["premise_claim_id"]) | set(table["conclusion_claim_id"])
    missing = sorted(set(ledger.claims()["claim_id"]) - mapped)
    assert not missing, f"claims with no link in argument_links.csv: {missing}"


def test_links_point_at_the_article_itself_and_stay_inside_it():
    table = argument_map.links()
    articles = ledger.claims().set_index("claim_id")["article"]
    source_of = pd.read_csv(argument_map.ledger.paths.DATA_DIR / "articles.csv").set_index("article_id")["source_id"]
    for link in table.itertuples():
        article = articles[link.premise_claim_id]
        assert articles[link.conclusion_claim_id] == article, link
        assert link.source_id == source_of[article], link
        assert link.premise_claim_id != link.conclusion_claim_id, link


@pytest.mark.parametrize("article", ARTICLES)
def test_each_article_is_an_argument_with_a_conclusion(article):
    g = argument_map.graph(article)
    assert nx.is_directed_acyclic_graph(g)
    assert argument_map.conclusions(g), f"{article} has no final conclusion"
    assert set(g) == set(ledger.claims().query("article == @article")["claim_id"])


def _links_with(scratch, *extra: tuple[str, str]) -> None:
    rows = scratch.rows("argument_links")
    for premise, conclusion in extra:
        rows.append({**rows[-1], "premise_claim_id": premise, "conclusion_claim_id": conclusion})
    scratch.write_rows("argument_links", rows)


def test_a_cycle_is_refused_with_its_path(scratch):
    link = scratch.rows("argument_links")[0]
    premise, conclusion = link["premise_claim_id"], link["conclusion_claim_id"]
    _links_with(scratch, (conclusion, premise))  # the reverse of an existing link
    ends = f"({premise}|{conclusion})"
    with pytest.raises(DataError, match=rf"argument_links.csv: the links form a cycle \({ends} -> {ends} -> {ends}\)"):
        check_argument_map(scratch.folder)


def test_a_link_across_articles_is_refused_at_its_line(scratch):
    _links_with(scratch, ("A1-01", "A2-09"))  # published ids: both stay in the ledger
    line = len(scratch.rows("argument_links")) + 1
    with pytest.raises(DataError, match=rf"row {line - 1} \(line {line}\).*A1-01 -> A2-09 joins two articles"):
        check_argument_map(scratch.folder)


def test_a_claim_in_no_link_is_named(scratch):
    claim = scratch.rows("claims")[-1]["claim_id"]
    rows = [r for r in scratch.rows("argument_links") if claim not in (r["premise_claim_id"], r["conclusion_claim_id"])]
    scratch.write_rows("argument_links", rows)
    with pytest.raises(DataError, match=rf"claims.csv, row \d+ \(line \d+\), column 'claim_id': {claim} is in no link"):
        check_argument_map(scratch.folder)


# --- fixture graphs ------------------------------------------------------------------------

def _toy(verdicts: dict[str, str], edges: list[tuple]) -> nx.DiGraph:
    """A graph as `graph` returns it; an edge is (premise, conclusion) or (premise,
    conclusion, kind), kind "supports" by default."""
    g = nx.DiGraph()
    for n, v in verdicts.items():
        g.add_node(n, verdict=v, claim=f"Claim {n}.", label=f"Claim {n}", rating=VERDICT_RATINGS[v])
    for edge in edges:
        g.add_edge(edge[0], edge[1], kind=edge[2] if len(edge) > 2 else "supports")
    return g


# c <- b <- a (contradicted, two steps down); c <- d (outdated); c <- q qualifies; e stands alone.
CHAIN = dict(verdicts={"a": "contradicted", "b": "supported", "c": "supported", "d": "outdated", "e": "supported",
                       "q": "contradicted"},
             edges=[("a", "b"), ("b", "c"), ("d", "c"), ("q", "c", "qualifies")])


def test_weakest_link_is_the_lowest_rated_reason_anywhere_below():
    g = _toy(**CHAIN)
    table = argument_map.weakest_links(g).set_index("conclusion")
    assert list(table.index) == ["c"], "a claim with no links is no conclusion"
    # c rests on a, b and d; q only qualifies it, so its verdict is not c's weakest link.
    assert table.at["c", "premises"] == 3
    assert table.at["c", "weakest"] == ["a"]
    assert table.at["c", "weakest_verdict"] == "contradicted"


def test_a_readers_verdict_moves_the_weakest_link():
    g = _toy(**CHAIN)
    # Reader: a is supported after all. Below c: a 6, b 6, d 3 (outdated) -> d.
    table = argument_map.weakest_links(g, {"a": "supported"}).set_index("conclusion")
    assert table.at["c", "weakest"] == ["d"] and table.at["c", "weakest_verdict"] == "outdated"
    # Reader: d is contradicted too -> a and d tie at 1.
    table = argument_map.weakest_links(g, {"d": "contradicted"}).set_index("conclusion")
    assert table.at["c", "weakest"] == ["a", "d"]
    with pytest.raises(KeyError, match="zz"):
        argument_map.weakest_links(g, {"zz": "supported"})


def test_a_conclusion_only_qualified_rests_on_nothing():
    g = _toy({"h": "contradicted", "c": "supported"}, [("h", "c", "qualifies")])
    row = argument_map.weakest_links(g).iloc[0]
    assert (row.conclusion, row.premises, row.weakest_verdict, row.weakest) == ("c", 0, None, [])


# w -> x -> y -> z and v -> y: z rests on w, x, y, v (4); y on w, x, v (3); x on w (1).
LADDER = dict(verdicts={"w": "supported", "x": "contradicted", "y": "supported", "z": "partly supported",
                        "v": "outdated", "k": "unverified"},
              edges=[("w", "x"), ("x", "y"), ("y", "z"), ("v", "y"), ("k", "z", "contrasts")])


def test_weight_counts_the_claims_resting_on_a_claim_directly_or_not():
    weights = argument_map.weights(_toy(**LADDER))
    # w: x, y, z rest on it -> 3; x: y, z -> 2; v: y, z -> 2; y: z -> 1; z: 0; k contrasts z -> 0.
    assert weights["weight"].to_dict() == {"k": 0, "v": 2, "w": 3, "x": 2, "y": 1, "z": 0}
    assert weights["conclusions"].to_dict() == {"k": 0, "v": 1, "w": 1, "x": 1, "y": 1, "z": 0}
    assert argument_map.LOAD_BEARING_MIN == 3, "the hand-worked load_bearing below assumes 3"
    assert weights.index[weights["load_bearing"]].tolist() == ["w"]


def test_claim_weights_cover_the_ledger_and_are_counts():
    table = argument_map.claim_weights()
    assert table["claim_id"].tolist() == ledger.claims()["claim_id"].tolist()
    for article in ARTICLES:
        part = table[table["article"] == article]
        assert part["weight"].between(0, len(part) - 1).all()
        assert (part["conclusions"] <= part["weight"]).all()
        assert (part["load_bearing"] == (part["weight"] >= argument_map.LOAD_BEARING_MIN)).all()


def test_headline_names_the_failing_load_bearing_claims_and_what_still_reaches_the_conclusion():
    g = _toy({**LADDER["verdicts"], "w": "contradicted"}, LADDER["edges"])
    head = argument_map.headline(g, "A9")
    # z rests on w, x, y, v (4) of 6 claims; w (weight 3) is the one load-bearing claim, and
    # it is contradicted. Not holding up: w, x (contradicted), v (outdated). Through claims
    # that hold up only y still reaches z -> 1 of the 4.
    assert (head.conclusion, head.rests_on, head.claims, head.load_bearing, head.holding, head.in_part) == (
        "z", 4, 6, 1, 0, 0)
    assert (head.failing, head.weak, head.reach) == (("w",), ("v", "w", "x"), 1)
    assert head.text == ("z, article A9's final conclusion, rests on 4 of the article's 6 claims: of its 1 load-bearing "
                         "premise, 0 hold up and 1 is contradicted, outdated or unverified, and 1 of the 4 reaches it through "
                         "claims that all hold up")


def test_headline_moves_with_the_verdicts():
    # The same ladder with w supported: w, the load-bearing claim, holds up; x (contradicted)
    # and v (outdated) do not. Holding up: w, y (k only contrasts z). Into z through claims
    # that hold up: y -> z; w's way up runs through x and is cut -> 1 of the 4.
    head = argument_map.headline(_toy(**LADDER), "A9")
    assert (head.holding, head.failing, head.weak, head.reach) == (1, (), ("v", "x"), 1)
    assert head.text == ("z, article A9's final conclusion, rests on 4 of the article's 6 claims: of its 1 load-bearing "
                         "premise, 1 holds up, and 1 of the 4 reaches it through claims that all hold up")


def test_a_claim_that_holds_in_part_is_never_counted_as_holding_up():
    # The book's one rule (ledger.OUTCOMES): partly supported holds only in part. With y
    # partly supported, nothing reaches z through claims that all hold up, and y is weak.
    g = _toy({**LADDER["verdicts"], "w": "partly supported", "y": "partly supported"}, LADDER["edges"])
    head = argument_map.headline(g, "A9")
    assert (head.holding, head.in_part, head.failing, head.weak, head.reach) == (0, 1, (), ("v", "w", "x", "y"), 0)
    assert head.text.endswith(": of its 1 load-bearing premise, 0 hold up and 1 holds only in part, and none of the 4 "
                              "reaches it through claims that all hold up")
    row = argument_map.weakest_links(g).iloc[0]
    # z rests on w, x, y, v: none holds up; w and y hold in part.
    assert (row.premises, row.holds_up, row.holds_in_part) == (4, 0, 2)


@pytest.mark.parametrize("article", ARTICLES)
def test_the_live_headline_counts_by_the_ledgers_rule(article):
    g = argument_map.graph(article)
    head = argument_map.headline(g, article)
    weight = argument_map.weights(g)["weight"]
    below = nx.ancestors(argument_map.reasons(g), head.conclusion)
    load_bearing = ledger.claims().set_index("claim_id").loc[[n for n in below if weight[n] >= argument_map.LOAD_BEARING_MIN]]
    counted = ledger.headline(load_bearing).iloc[0]  # the book's one rule, as the scoreboard counts
    assert (head.load_bearing, head.holding, head.in_part) == (counted.claims, counted.holds, counted.holds_in_part)
    assert len(head.failing) == counted.claims - counted.holds - counted.holds_in_part
    for row in argument_map.weakest_links(g).itertuples():
        under = ledger.claims().set_index("claim_id").loc[sorted(nx.ancestors(argument_map.reasons(g), row.conclusion))]
        tally = ledger.headline(under).iloc[0]
        assert (row.holds_up, row.holds_in_part) == (tally.holds, tally.holds_in_part)


def test_headline_when_everything_holds():
    g = _toy({"p": "supported", "c": "complicated"}, [("p", "c")])
    assert argument_map.headline(g, "A9").text == ("c, article A9's final conclusion, rests on 1 of the article's 2 claims, "
                                                   "and every one of them holds up")


def test_headline_names_the_widest_of_several_conclusions():
    # c2 rests on p and q (2), c1 on p only (1): c2 is the widest.
    g = _toy({"p": "supported", "q": "supported", "c1": "supported", "c2": "supported"},
             [("p", "c1"), ("p", "c2"), ("q", "c2")])
    assert argument_map.headline(g, "A9").text.startswith(
        "c2, the widest of article A9's 2 final conclusions, rests on 2 of the article's 4 claims")


# --- the tree and its crossings -------------------------------------------------------------

# Two premises, each offered for both of two conclusions (K2,2).
CROSSED = dict(verdicts={"c1": "supported", "c2": "supported", "p1": "supported", "p2": "supported"},
               edges=[("p1", "c1"), ("p1", "c2"), ("p2", "c1"), ("p2", "c2")])


def test_outline_shows_each_claim_in_full_once_and_each_link_once():
    g = _toy(**CROSSED)
    rows = argument_map.outline(g)
    assert rows[["claim_id", "parent", "depth", "repeat"]].values.tolist() == [
        ["c1", None, 0, False], ["p1", "c1", 1, False], ["p2", "c1", 1, False],
        ["c2", None, 0, False], ["p1", "c2", 1, True], ["p2", "c2", 1, True]]


@pytest.mark.parametrize("article", ARTICLES)
def test_the_live_outline_draws_every_link_exactly_once(article):
    g = argument_map.graph(article)
    rows = argument_map.outline(g)
    full = rows[~rows["repeat"]]
    assert sorted(full["claim_id"]) == sorted(g), "each claim in full exactly once"
    drawn = sorted(zip(rows["claim_id"], rows["parent"]))
    assert sorted(r for r in drawn if isinstance(r[1], str)) == sorted(g.edges)
    assert rows[rows["repeat"]]["claim_id"].isin(full["claim_id"]).all()
    first = dict(zip(full["claim_id"], full["row"]))
    assert all(first[c] < r for c, r in zip(rows.loc[rows["repeat"], "claim_id"], rows.loc[rows["repeat"], "row"])), \
        "a claim is shown in full before it is referred to as shown above"


def test_crossings_counts_links_that_cross_or_run_through_a_claim():
    # The old map's way: premises in a row under the conclusions, straight lines.
    #   c1 (0, 0)   c2 (1, 0)
    #   p1 (0, 1)   p2 (1, 1)
    # p1 -> c2 and p2 -> c1 cross once; the other two links meet only at claims.
    nodes = {"c1": (0, 0), "c2": (1, 0), "p1": (0, 1), "p2": (1, 1)}
    straight = argument_map.Drawing(nodes, {(u, v): [nodes[u], nodes[v]] for u, v in CROSSED["edges"]})
    assert argument_map.crossings(straight) == 1
    # A line from (0, 2) to (0, 0) passes through the claim at (0, 1).
    through = argument_map.Drawing({**nodes, "p3": (0, 2)}, {("p3", "c1"): [(0, 2), (0, 0)]})
    assert argument_map.crossings(through) == 1
    # The tree: the two repeats hang under c2 on their own rows -> nothing crosses.
    assert argument_map.crossings(argument_map.outline_drawing(argument_map.outline(_toy(**CROSSED)))) == 0


@pytest.mark.parametrize("article", ARTICLES)
def test_no_link_of_the_live_map_crosses_another_or_a_claim(article):
    rows = argument_map.outline(argument_map.graph(article))
    assert argument_map.crossings(argument_map.outline_drawing(rows)) == 0


def test_a_tree_with_a_sibling_drawn_out_of_place_would_cross():
    # The counter sees what a wrong order would do: p2 (depth 1, under c) drawn after its
    # nephew q (depth 2, under p1) is fine, but a row of depth 0 inside c's column is not.
    rows = pd.DataFrame([
        {"row": 0, "claim_id": "c", "parent": None, "kind": None, "depth": 0, "repeat": False},
        {"row": 1, "claim_id": "d", "parent": None, "kind": None, "depth": 0, "repeat": False},
        {"row": 2, "claim_id": "p", "parent": "c", "kind": "supports", "depth": 1, "repeat": False},
    ])
    # p's link runs up column 0 from row 2 to row 0, through d's marker at (0, 1).
    assert argument_map.crossings(argument_map.outline_drawing(rows)) == 1


# --- labels ----------------------------------------------------------------------------------

def test_labels_come_from_claim_short_where_it_is_filled_in():
    claims = pd.DataFrame({
        "claim_id": ["A1-01", "A1-02", "A1-03"], "article": ["A1"] * 3,
        "claim": ["Short claim.", "A " + "very " * 30 + "long claim.", "Another short one."],
        "claim_short": ["Given label", "", None]})
    labels = argument_map.claim_labels(claims)
    assert labels["A1-01"] == "Given label"
    assert labels["A1-03"] == "Another short one"
    assert len(labels["A1-02"]) <= argument_map.LABEL_CHARS and labels["A1-02"].endswith("…")


def test_two_long_claims_that_open_alike_get_labels_from_their_ends():
    opening = "The article holds it well established, while noting that gains vary, that chips have an edge in "
    claims = pd.DataFrame({"claim_id": ["A1-01", "A1-02"], "article": ["A1", "A1"],
                           "claim": [opening + "electricity cost.", opening + "latency."]})
    labels = argument_map.claim_labels(claims)
    assert labels["A1-01"] != labels["A1-02"]
    assert labels["A1-01"].endswith("electricity cost") and labels["A1-02"].endswith("latency")


@pytest.mark.parametrize("article", ARTICLES)
def test_live_labels_are_short_and_tell_claims_apart(article):
    labels = argument_map.claim_labels(ledger.claims().query("article == @article"))
    assert labels.str.len().le(argument_map.LABEL_CHARS).all()
    assert not labels.duplicated().any(), labels[labels.duplicated(keep=False)]


# --- colours ---------------------------------------------------------------------------------

@pytest.mark.parametrize("colour", [argument_map.LINK_COLOR, argument_map.LIT_COLOR])
def test_link_colours_reach_3_to_1_on_both_pages(colour):
    for page in (charts.LIGHT_BACKGROUND, charts.DARK_BACKGROUND):
        assert charts.contrast(colour, page) >= 3, (colour, page)


def test_every_verdict_has_a_shape_of_its_own():
    assert set(argument_map.VERDICT_SHAPES) == set(VERDICTS)
    assert len(set(argument_map.VERDICT_SHAPES.values())) == len(VERDICTS)
    assert set(argument_map.VERDICT_SHAPES.values()) <= set(argument_map.SHAPE_POLYGONS)


# --- the page script computes what Python computes -----------------------------------------

def _random_case(seed: int) -> tuple[nx.DiGraph, dict[str, str]]:
    """A random argument (a DAG with all three link kinds) and a reader's random verdicts."""
    rng = random.Random(seed)
    names = [f"X-{i:02d}" for i in range(rng.randint(2, 14))]
    g = _toy({n: rng.choice(VERDICTS) for n in names}, [])
    for i, premise in enumerate(names):
        for conclusion in names[i + 1:]:
            if rng.random() < 0.3:
                g.add_edge(premise, conclusion, kind=rng.choice(["supports", "supports", "qualifies", "contrasts"]))
    changed = {n: rng.choice(VERDICTS) for n in rng.sample(names, rng.randint(0, len(names)))}
    return g, changed


def _cases() -> list[tuple[nx.DiGraph, dict[str, str]]]:
    cases = [(_toy(**CHAIN), {}), (_toy(**CHAIN), {"a": "supported"}), (_toy(**LADDER), {"w": "contradicted"}),
             (_toy(**CROSSED), {"p2": "unverified"})]
    cases += [(argument_map.graph(a), {}) for a in ARTICLES]
    return cases + [_random_case(seed) for seed in range(40)]


def _python_rows(g, verdicts) -> list[dict]:
    return [{"conclusion": r.conclusion, "conclusionVerdict": r.conclusion_verdict, "premises": r.premises,
             "holdsUp": r.holds_up, "holdsInPart": r.holds_in_part,
             "weakestVerdict": r.weakest_verdict, "weakest": list(r.weakest)}
            for r in argument_map.weakest_links(g, verdicts).itertuples()]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node (make test installs it with npm)")
def test_the_page_script_finds_the_same_weakest_links_as_python(tmp_path):
    cases = [{"data": argument_map.map_data(g, "X"), "verdicts": verdicts} for g, verdicts in _cases()]
    (tmp_path / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
    script = argument_map.ASSETS / "argmap.js"
    runner = (f"const rules = require({json.dumps(str(script))});"
              f"const cases = require({json.dumps(str(tmp_path / 'cases.json'))});"
              "process.stdout.write(JSON.stringify(cases.map(c => rules.weakestLinks(c.data, c.verdicts))));")
    found = json.loads(subprocess.run(["node", "-e", runner], capture_output=True, text=True, check=True).stdout)
    for (g, verdicts), mine in zip(_cases(), found):
        assert mine == _python_rows(g, verdicts), (sorted(g.edges(data="kind")), verdicts)


# --- the figure ------------------------------------------------------------------------------

@pytest.mark.parametrize("article", ARTICLES)
def test_the_figure_carries_every_claim_its_verdict_its_section_and_the_headline(article):
    argument_map._assets_emitted = False
    page = argument_map.figure(article).data
    g = argument_map.graph(article)
    assert page.count("<script>") == 1 and 'rel="stylesheet" href="data:text/css' in page
    assert argument_map.figure(article).data.count("<script>") == 0, "the page's script comes once"
    title = re.search(r'<p class="argmap-title"[^>]*>(.*?)</p>', page).group(1)
    assert title == argument_map.headline(g, article).text.replace("'", "&#x27;") + "."
    for claim in g:
        assert page.count(f'id="{argument_map.row_id(claim)}"') == 1
        assert f'href="{ledger.claim_href(claim)}"' in page
    data = json.loads(re.search(r'<script type="application/json" class="argmap-data">(.*?)</script>', page).group(1))
    verdicts = ledger.claims().query("article == @article").set_index("claim_id")["verdict"]
    assert {c: d["verdict"] for c, d in data["claims"].items()} == verdicts.to_dict()
    for row in argument_map.weakest_links(g).itertuples():
        assert f'data-conclusion="{row.conclusion}"' in page


@pytest.mark.parametrize("article", ARTICLES)
def test_the_map_says_each_claim_once(article):
    """A claim's label is on its full row only (lists and rows shown above name it by id),
    and its full text is in its opened panel only where the label does not already say it."""
    argument_map._assets_emitted = True
    page = argument_map.figure(article).data
    g = argument_map.graph(article)
    for claim in g:
        label, full = (html.escape(g.nodes[claim][k], quote=True) for k in ("label", "claim"))
        assert page.count(f'<span class="argmap-label">{label}</span>') == 1, claim
        said = page.count(f'<p class="argmap-claim-text">{full}</p>')
        assert said == (0 if argument_map._same_words(g.nodes[claim]["claim"], g.nodes[claim]["label"]) else 1), claim
    assert 'argmap-repeat' in page and not re.search(r'class="argmap-item argmap-repeat"[^>]*>(?:(?!</li>).)*argmap-label', page)
