"""The map of each article's argument: the link table covers the ledger, stays inside one
article, forms no cycle, and the layout, weakest links and chart follow from it."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from chipbook import argument_map, charts, ledger
from chipbook.check import check_argument_map
from chipbook.data import DataError
from chipbook.vocabulary import ARTICLES, VERDICT_RATINGS


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


@pytest.mark.parametrize("article", ARTICLES)
def test_layout_puts_conclusions_on_top_and_premises_below(article):
    g = argument_map.graph(article)
    at = argument_map.layout(g).set_index("claim_id")
    assert set(at.index) == set(g)
    assert at["x"].between(0, 1, inclusive="neither").all()
    assert not at.duplicated(["layer", "x"]).any(), "two claims share a place"
    for premise, conclusion in g.edges:
        assert at.at[premise, "layer"] > at.at[conclusion, "layer"], (premise, conclusion)
    assert set(at.index[at["layer"] == 0]) == {n for n in g if g.out_degree(n) == 0}


def _toy(verdicts: dict[str, str], edges: list[tuple[str, str]]) -> nx.DiGraph:
    g = nx.DiGraph()
    for n, v in verdicts.items():
        g.add_node(n, verdict=v, claim=n, rating=VERDICT_RATINGS[v])
    g.add_edges_from(edges, kind="supports")
    return g


def test_weakest_link_is_the_lowest_rated_claim_anywhere_below():
    # c <- b <- a (contradicted, two steps down); c <- d (outdated, one step down); e stands alone.
    g = _toy({"a": "contradicted", "b": "supported", "c": "supported", "d": "outdated", "e": "supported"},
             [("a", "b"), ("b", "c"), ("d", "c")])
    table = argument_map.weakest_links(g).set_index("conclusion")
    assert list(table.index) == ["c"], "a claim with no links is no conclusion"
    assert table.at["c", "premises"] == 3
    assert table.at["c", "weakest"] == ["a"]
    assert table.at["c", "weakest_verdict"] == "contradicted"


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


@pytest.mark.parametrize("article", ARTICLES)
def test_the_chart_carries_every_claim_and_its_verdict(article):
    charts.enable()
    spec = argument_map.figure(article).to_dict()
    rows = [r for data in spec["datasets"].values() for r in data if "verdict" in r]
    verdicts = ledger.claims().query("article == @article").set_index("claim_id")["verdict"]
    assert {r["claim_id"]: r["verdict"] for r in rows} == verdicts.to_dict()
    weak = argument_map.weak_premises(article)
    for end, premises in weak.items():
        assert end in spec["description"]
        for claim_id in premises:
            assert claim_id in spec["description"]
