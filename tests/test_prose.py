"""Prose bound to the ledger (chipbook.prose): no chapter's Markdown states a verdict, a
deal's state or an "up to" figure other than the tables give, and a claim is printed in
words once per page.

The readers are tested on hand-made sentences first (each finds what it must and nothing
else), then run over the stored notebooks; those tests check what the prose says against
whatever the tables say today, so moving a verdict or a state fails only the sentences the
move makes false."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nbformat
import pandas as pd
import pytest
from docutils.core import publish_doctree
from docutils.parsers.rst import roles

from chipbook import ledger, load_table, prose

VERDICTS = pd.Series({"A1-01": "partly supported", "A1-02": "supported", "A1-03": "complicated"})
CAPACITY = pd.DataFrame({
    "capacity_id": ["c-1", "c-2", "c-3", "c-4", "c-5", "c-6"],
    "vendor": ["NVIDIA", "AWS", "AWS", "Google", "NVIDIA", "NVIDIA"],
    "chip_family": ["Grace systems (Microsoft Azure)", "Trainium2", "Trainium3", "TPU", "NVIDIA GPUs (SpaceX Colossus 1)",
                    "NVIDIA GPUs (SpaceX Colossus 1)"],
    "tranche": ["azure-nvidia-2025", "aws-trainium2-fleet", "aws-2026-agreement", "google-2025-expansion",
                "spacex-colossus1-2026", "spacex-colossus1-2026"],
    "as_of": pd.to_datetime(["2025-11-18", "2026-04-20", "2026-12-31", "2027-01-01", "2026-05-06", "2026-05-31"]),
    "chips": [None, 1_000_000, None, 1_000_000, 220_000, 220_000],
    "chips_bound": [None, "more than", None, "up to", "more than", "more than"],
    "gigawatts": [1.0, None, 5.0, None, None, None],
    "gigawatts_bound": ["up to", None, "up to", None, None, None],
    "state": ["ceiling", "in service", "contracted", "ceiling", "contracted", "in service"],
    "basis": ["announced", "announced", "expected", "reported", "announced", "expected"],
}).set_index("capacity_id")


def said(*sentences: str, section: str | None = None) -> list[prose.Passage]:
    return [prose.Passage("fixture", section, s) for s in sentences]


# --- verdicts ---------------------------------------------------------------------------------

def test_a_verdict_the_ledger_does_not_give_is_found_with_its_claim():
    wrong, typed = prose.typed_verdicts(said("The verdict on A1-01 is *supported*, as the rows show."), VERDICTS)
    assert [(f.row, f.says, f.expects) for f in wrong] == [("A1-01", "supported", "partly supported")]
    assert [f.row for f in typed] == ["A1-01"]


def test_a_verdict_in_a_claims_section_is_read_as_that_claims():
    wrong, typed = prose.typed_verdicts(said("So the verdict stays *partly supported*.", section="A1-02"), VERDICTS)
    assert [(f.row, f.says) for f in wrong] == [("A1-02", "partly supported")]
    assert len(typed) == 1


def test_a_verdict_in_words_is_read_too_but_only_a_verdict_word_counts_as_typed():
    wrong, typed = prose.typed_verdicts(said("A1-02 holds only in part, and A1-01 holds in part."), VERDICTS)
    assert [(f.row, f.says) for f in wrong] == [("A1-02", "holds only in part")]
    assert typed == []
    # "holds up" covers both verdicts that hold up
    assert prose.typed_verdicts(said("A1-03 holds up as stated."), VERDICTS) == ([], [])


def test_a_verdict_printed_by_the_role_and_the_nearest_claim_are_respected():
    assert prose.typed_verdicts(said("A1-01's verdict is {verdict}`A1-01`."), VERDICTS) == ([], [])
    # two claims in one sentence: each phrase goes with the claim nearest to it
    wrong, _ = prose.typed_verdicts(said("A1-02 is *supported*, while A1-01 holds in part."), VERDICTS)
    assert wrong == []


def test_a_sentence_that_names_no_claim_outside_a_section_is_not_read():
    assert prose.typed_verdicts(said("A claim is *supported* when the evidence bears it out."), VERDICTS) == ([], [])


# --- deal states ------------------------------------------------------------------------------

def test_each_status_word_is_read_with_the_deal_nearest_it():
    # Two deals and three status words: "contracted" is nearest the Azure role (c-1), "in service" nearest
    # "Colossus 1" (a DEAL_NAMES name, its tranche's first row c-5); a sentence with no deal is skipped, and
    # a status word inside a role ({state}) is blanked out, not read.
    found = list(prose._state_words_by_deal(said(
        "The {capacity}`c-1` on Azure is contracted, and Colossus 1 is in service.",
        "Work runs within the capacity contracted.",
        "Colossus 1 is {state}`c-6`."), CAPACITY))
    assert [(p.text[:9], m.group(1), row) for p, _, m, row, _alone in found] == [
        ("The {capa", "contracted", "c-1"), ("The {capa", "in service", "c-5")]
    assert "{" not in found[0][1] and len(found[0][1]) == len(found[0][0].text)


def test_a_state_the_table_does_not_give_a_deal_is_found():
    found = prose.status_conflicts(said("The {capacity}`c-1` of NVIDIA systems on Azure came online in May."), CAPACITY)
    assert [(f.row, f.says, f.expects) for f in found] == [("c-1", "came online", "ceiling")]
    found = prose.status_conflicts(said("Anthropic's systems on Azure are running at last."), CAPACITY)
    assert [(f.row, f.expects) for f in found] == [("c-1", "ceiling")]
    # One rule: an "up to" ceiling called contracted is as wrong as one called in service.
    found = prose.status_conflicts(said("The {capacity}`c-1` of NVIDIA systems on Azure is contracted."), CAPACITY)
    assert [(f.row, f.says, f.expects) for f in found] == [("c-1", "contracted", "ceiling")]


def test_a_row_named_by_itself_is_read_against_its_own_state_not_its_deals():
    # c-4 (up to a million TPUs) is a ceiling; its deal also has a contracted row (c-7): the third review
    # found "contracted up to 1M Google TPUs" passing because the deal had some contracted row
    table = pd.concat([CAPACITY, CAPACITY.loc[["c-4"]].rename(index={"c-4": "c-7"}).assign(state="contracted",
                                                                                           chips=None, chips_bound=None)])
    rows = table.rename(index={"c-4": "cap-08"})
    found = prose.status_conflicts(said("Within a year Anthropic contracted up to 1M Google TPUs.",
                                        "Anthropic also contracted for TPUs on a similar scale ({capacity}`cap-08:chips`)."),
                                   rows)
    assert [(f.row, f.says) for f in found] == [("cap-08", "contracted"), ("cap-08", "contracted")]
    assert "ceiling" in found[0].expects
    # a weaker word, or the state the role prints, is not found; the deal's name still reads the deal
    assert prose.status_conflicts(said("Up to 1M Google TPUs, a ceiling, were announced.",
                                       "The million TPUs deal is {state}`cap-08`."), rows) == []


def test_a_state_that_matches_or_that_the_role_prints_is_not_found():
    assert prose.status_conflicts(said("{capacity}`c-1` of systems on Azure is {state}`c-1`."), CAPACITY) == []
    assert prose.status_conflicts(said("Over a million Trainium2 chips are in service, and Azure is a ceiling."),
                                  CAPACITY) == []
    assert prose.status_conflicts(said("Work runs within the capacity contracted."), CAPACITY) == []


# --- the basis of a state ------------------------------------------------------------------------

def test_the_state_carries_its_basis():
    # announced: the state alone (a ceiling with how the rule counts it); reported: "by report"; expected: by the
    # row's as_of date
    assert [prose.capacity_state(c, table=CAPACITY) for c in ("c-1", "c-2", "c-3", "c-4", "c-6")] == [
        "a ceiling, counted only once delivered", "in service", "contracted, expected in service by the end of 2026",
        "a ceiling by report, counted only once delivered", "expected in service by the end of May 2026"]
    with pytest.raises(ValueError, match="basis 'rumoured'"):
        prose.capacity_state("c-1", table=CAPACITY.assign(basis="rumoured"))


def test_when_words_reads_a_target_date_as_its_row_records_it():
    assert [prose.when_words(pd.Timestamp(d)) for d in ("2026-12-31", "2026-05-31", "2027-01-01", "2026-04-20")] == [
        "the end of 2026", "the end of May 2026", "2027", "20 April 2026"]


def test_a_deal_said_in_service_that_the_table_only_expects_is_found():
    found = prose.unhedged_states(said("Colossus 1 came online in May 2026.",
                                       "Anthropic took all of Colossus 1, whose GPUs were in service from May."), CAPACITY)
    assert [(f.row, f.says) for f in found] == [("c-5", "came online"), ("c-5", "in service")]
    assert "expected" in found[0].expects


def test_a_hedged_or_announced_state_is_not_found():
    assert prose.unhedged_states(said("Colossus 1 was expected to come online within the month.",
                                      "Colossus 1, {state}`c-6`, eased the limits.",
                                      "Colossus 1 came online, by report, in May.",
                                      "Over a million Trainium2 chips are in service."), CAPACITY) == []


# --- "up to" ---------------------------------------------------------------------------------

def test_an_up_to_figure_stated_bare_is_found():
    found = prose.dropped_hedges(said("AWS committed 5 GW to Anthropic.", "Anthropic bought a gigawatt of NVIDIA systems.",
                                      "Google promised a million TPUs."), CAPACITY)
    assert [(f.row, f.says, f.expects) for f in found] == [
        ("c-3", "5 GW", "up to 5 GW"), ("c-1", "a gigawatt", "up to 1 GW"), ("c-4", "a million TPU", "up to 1,000,000 TPU chips")]


def test_a_hedged_figure_or_another_deals_figure_is_not_found():
    assert prose.dropped_hedges(said("AWS: up to 5 GW.", "NVIDIA systems: over a gigawatt.",
                                     "The chart prices a million tokens.", "Rainier ran 5 GW of Trainium2 chips."),
                                CAPACITY[CAPACITY.index != "c-3"]) == []


# --- the roles ---------------------------------------------------------------------------------

def test_capacity_figures_keep_their_bound_and_read_as_prose():
    table = CAPACITY.assign(gigawatts=[1.0, None, 0.3, None, None, None],
                            gigawatts_bound=["up to", None, "more than", None, None, None])
    assert prose.capacity_figure("c-1", table=table) == "up to 1 GW"
    assert prose.capacity_figure("c-3", table=table) == "more than 300 MW"
    assert prose.capacity_figure("c-2", table=table) == "more than 1 million"
    assert prose.capacity_state("c-2", table=table) == "in service"
    with pytest.raises(ValueError, match="no figure in gigawatts"):
        prose.capacity_figure("c-2", "gigawatts", table=table)
    assert prose.number_words(3) == "three" and prose.count_words(220_000) == "220,000"


@pytest.fixture
def rst_roles():
    for name, role in [("claim", prose.claim_role), ("verdict", prose.verdict_role),
                       ("capacity", prose.capacity_role), ("state", prose.state_role)]:
        roles.register_local_role(name, role)
    yield


def test_the_roles_print_what_the_tables_say(rst_roles):
    claim = ledger.claims().iloc[0]
    row = prose.capacity_rows().index[0]
    text = publish_doctree(f":verdict:`{claim.claim_id}` / :capacity:`{row}` / :state:`{row}` / :claim:`{claim.claim_id}`",
                           settings_overrides={"report_level": 5}).astext()
    assert text == (f"{claim.verdict} / {prose.capacity_figure(row)} / {prose.capacity_state(row)} / "
                    f"What the article says: {claim.claim}")


def test_a_role_naming_an_unknown_row_is_an_error(rst_roles):
    doctree = publish_doctree(":verdict:`A9-99` and :capacity:`cap-nope`", settings_overrides={"report_level": 5})
    errors = [m.astext() for m in doctree.findall(lambda n: n.tagname == "system_message")]
    assert any("'A9-99' is not a claim id in data/claims.csv" in e for e in errors), errors
    assert any("'cap-nope'" in e and "data/capacity.csv" in e for e in errors), errors


# --- the stored notebooks ---------------------------------------------------------------------

PASSAGES = [p for notebook in prose.book_notebooks() for p in prose.passages(notebook)]
# Each claim's reason for its verdict, shown beside the verdict wherever the claim is walked,
# and each evidence row's finding, shown in the claim's evidence walk.
REASONS = [prose.Passage(f"claims.csv {c.claim_id} verdict_reason", c.claim_id, s)
           for c in ledger.claims().itertuples() for s in prose.sentences(c.verdict_reason)]
FINDINGS = [prose.Passage(f"evidence.csv {e.evidence_id} finding", e.claim_id, s)
            for e in ledger.evidence().itertuples() for s in prose.sentences(e.finding)]
# Each disagreement's account of which article held, shown in the second-article chapter.
WHYS = [prose.Passage(f"article_disagreements.csv {d.pair_id} why", None, s)
        for d in load_table("article_disagreements").itertuples() for s in prose.sentences(d.why)]


def test_the_notebooks_were_read():
    assert len(PASSAGES) > 300 and any(p.section_claim for p in PASSAGES)


def test_prose_states_no_verdict_the_ledger_contradicts():
    wrong, _ = prose.typed_verdicts(PASSAGES, ledger.claims().set_index("claim_id")["verdict"])
    assert not wrong, "prose states another verdict than data/claims.csv:\n" + "\n".join(map(str, wrong))


def test_prose_types_no_verdict_by_hand():
    _, typed = prose.typed_verdicts(PASSAGES, ledger.claims().set_index("claim_id")["verdict"])
    assert not typed, "verdicts typed in prose (print them with the role shown):\n" + "\n".join(map(str, typed))


def test_prose_names_no_deal_state_the_capacity_table_contradicts():
    """In the chapters, in each claim's reason and evidence finding, and in the disagreements'
    reasons: a deal's state comes from data/capacity.csv (the {state} role in Markdown)."""
    found = prose.status_conflicts(PASSAGES + REASONS + FINDINGS + WHYS, prose.capacity_rows())
    assert not found, "prose gives a deal another state than data/capacity.csv:\n" + "\n".join(map(str, found))


def test_prose_hedges_every_state_the_table_only_expects_or_reports():
    found = prose.unhedged_states(PASSAGES + REASONS + FINDINGS, prose.capacity_rows())
    assert not found, ("a deal called in service that the table only expects or has by report (use {state}):\n"
                       + "\n".join(map(str, found)))


def test_prose_keeps_every_up_to_of_the_capacity_table():
    found = prose.dropped_hedges(PASSAGES, prose.capacity_rows())
    assert not found, "an 'up to' figure stated without its bound (use {capacity}):\n" + "\n".join(map(str, found))


def test_every_role_in_prose_names_a_row_that_exists():
    claims, capacity = set(ledger.claims()["claim_id"]), prose.capacity_rows()
    bad = []
    for p in PASSAGES:
        for role, target in prose.ROLE.findall(p.text):
            row, _, unit = target.partition(":")
            known = row in claims if role in ("claim", "verdict") else row in capacity.index
            if not known or (unit and unit not in ("chips", "gigawatts")):
                bad.append(f"{p.where}: {{{role}}}`{target}`")
    assert not bad, "roles naming unknown rows:\n" + "\n".join(bad)


# --- say it once --------------------------------------------------------------------------------

def _claim_sections() -> dict[str, list[str]]:
    """claim id -> the notebooks whose `### Claim` section prints it with the {claim} role."""
    printed: dict[str, list[str]] = {}
    for notebook in prose.book_notebooks():
        for cell in nbformat.read(notebook, as_version=4).cells:
            if cell.cell_type == "markdown":
                for claim_id in re.findall(r"\{claim\}`(A[12]-\d{2})`", cell.source):
                    printed.setdefault(claim_id, []).append(notebook.name)
    return printed


def test_each_claim_is_printed_in_words_once_under_its_own_heading():
    printed = _claim_sections()
    assert sorted(printed) == sorted(ledger.claims()["claim_id"]), "a claim section without its {claim} role"
    assert all(len(where) == 1 for where in printed.values()), {c: w for c, w in printed.items() if len(w) > 1}
    in_section = {p.section_claim for p in PASSAGES if p.text.strip().startswith(f"{{claim}}`{p.section_claim}`")}
    assert in_section == set(printed), "a {claim} role outside its claim's own section"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9$%]+", text.lower().replace("\u2019", "'").replace("'", ""))


# Words in a row that make a claim's paraphrase said twice; a quotation of the article in
# quotation marks is not a paraphrase and is left out.
PARAPHRASE_RUN = 6
QUOTED = re.compile(r'"[^"]*"|\u201c[^\u201d]*\u201d')


def test_prose_does_not_repeat_a_claims_paraphrase():
    """PARAPHRASE_RUN words in a row of a claim's paraphrase in a chapter's prose, outside a
    quotation, are the claim said twice: the {claim} role prints it, and prose names it by
    its id."""
    n = PARAPHRASE_RUN
    runs = {c.claim_id: {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}
            for c in ledger.claims().itertuples() for w in [_words(c.claim)]}
    repeated = []
    for p in PASSAGES:
        words = _words(QUOTED.sub(" ", prose.ROLE.sub(" ", p.text)))
        grams = {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}
        repeated += [f"{p.where}: {claim_id}" for claim_id, own in runs.items() if grams & own]
    assert not repeated, "prose repeating a claim's paraphrase:\n" + "\n".join(repeated)


class _Text(HTMLParser):
    """The text of an HTML fragment outside the claim previews, and the previews' ids."""

    def __init__(self):
        super().__init__()
        self.shown, self.depth, self.tip_ids, self.described = [], 0, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += 1
        elif "chipbook-claimtip" in (attrs.get("class") or ""):
            self.depth = 1
            self.tip_ids.append(attrs.get("id"))
            assert attrs.get("role") == "tooltip"
        if attrs.get("aria-describedby"):
            self.described.append(attrs["aria-describedby"])

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.shown.append(data)


def _shown(fragment: str) -> _Text:
    parser = _Text()
    parser.feed(fragment)
    return parser


@pytest.mark.parametrize("chapter", sorted(set(ledger.claims()["chapter"])))
def test_a_chapters_tables_name_its_claims_by_id_with_a_preview(chapter):
    for fragment in (ledger.claims_tested(chapter).data, ledger.verdict_table(chapter).data):
        parsed = _shown(fragment)
        shown = " ".join(parsed.shown)
        for c in ledger.claims(chapter).itertuples():
            assert c.claim not in shown, f"{c.claim_id}'s paraphrase printed in a table of its own chapter"
            assert c.claim_id in shown
        assert parsed.tip_ids and parsed.tip_ids == parsed.described, "each preview is its link's description"
        assert len(set(parsed.tip_ids)) == len(parsed.tip_ids), "preview ids repeat"


def test_the_disagreements_table_prints_no_claim_in_words():
    shown = " ".join(_shown(ledger.disagreements_table().data).shown)
    assert not [c.claim_id for c in ledger.claims().itertuples() if c.claim in shown]


def test_a_claim_preview_carries_the_paraphrase_and_verdict_as_the_links_description():
    claim = ledger.claims().iloc[0]
    parsed = _shown(ledger.claim_link(claim.claim_id))
    assert "".join(parsed.shown) == claim.claim_id
    html = ledger.claim_link(claim.claim_id, base=ledger.FROM_ROOT)
    assert f'href="chapters/{ledger.claim_href(claim.claim_id)}"' in html
    assert claim.claim.replace("'", "&#x27;") in html and f"Verdict: {claim.verdict}." in html


# --- what money paid may be called (the third review: "Google funded", "documented as paid") ------

FUNDED = pd.DataFrame({
    "investor": ["A", "A", "B", "B", "B", "C"],
    "tranche_id": ["a-1", "a-1", "b-1", "b-2", "b-3", "c-1"],
    "status": ["funded"] * 6,
    "figure_basis": ["press report", "investor filing", "press report", "inferred by the book", "regulator decision",
                     "press report"],
})


def test_payment_words_carry_the_weakest_tranches_basis():
    # A: one tranche, a press report beside a filing: the filing documents it
    assert prose.payment_words(FUNDED[FUNDED["investor"] == "A"]) == "documented as paid"
    # B: documented, reported and inferred tranches: the words name all three, never "documented" alone
    assert prose.payment_words(FUNDED[FUNDED["investor"] == "B"]) == "documented, reported or inferred as paid"
    assert prose.payment_words(FUNDED[FUNDED["investor"] == "C"]) == "reported as paid"
    with pytest.raises(ValueError, match="no rows: nothing is paid"):
        prose.payment_words(FUNDED.iloc[0:0])
    # the same rule for what is committed: a pledge only the press reports is "reported as committed"
    assert prose.basis_words(FUNDED[FUNDED["investor"] == "C"], "committed") == "reported as committed"


def test_documented_payments_said_of_an_investor_with_press_only_rows_are_found():
    found = prose.payment_overstatements(said("By money documented as paid, A led C.",
                                              "C's payments, all documented, came to $2B.",
                                              "B has documented payments and reported ones.",
                                              "A's payments are documented; C's are reported as paid."), FUNDED)
    assert [(f.row, f.says) for f in found] == [("C", "payments, all documented"), ("B", "documented payments")]
    assert found[0].expects == "reported as paid"


def test_no_prose_calls_payments_documented_that_only_reports_or_inference_show():
    found = prose.payment_overstatements(PASSAGES + REASONS + FINDINGS + WHYS, load_table("investments"))
    assert not found, "payments called documented that only press or inference show (use prose.payment_words):\n" + \
        "\n".join(map(str, found))


def test_each_investors_payment_words_say_documented_only_when_every_tranche_is():
    funded = load_table("investments").query("status == 'funded'")
    for investor, rows in funded.groupby("investor"):
        kinds = prose.payment_kinds(rows)
        assert prose.payment_words(rows).startswith("documented as paid") == (kinds == ["documented"]), investor


# --- motives (the third review: "deliberate is well supported", "three chip families, deliberately") --

RULES = pd.Series({"A1-02": "motive", "A1-01": "time-of-writing"})


def test_a_motive_word_asserted_outside_a_motive_claims_verdict_is_found():
    found = prose.motive_assertions(said("That the multi-platform strategy is deliberate is well supported.",
                                         "Anthropic runs on three chip families, deliberately.",
                                         "The mix was already deliberate.", section="A1-01"), RULES)
    assert [f.says for f in found] == ["deliberate", "deliberately", "deliberate"]


def test_a_motive_word_through_the_motive_rule_or_in_quotation_is_not_found():
    assert prose.motive_assertions(said("Whether it chose the mix deliberately is {verdict}`A1-02`.",
                                        "The article calls the mix 'deliberate'.",
                                        'The article says Anthropic acted "on purpose".',
                                        "Anthropic calls the mix a diversified approach."), RULES) == []
    assert prose.motive_assertions(said("The aim, if deliberate, is not in its own words.", section="A1-02"), RULES) == []


def test_prose_asserts_no_motive_outside_a_motive_claims_verdict():
    rules = ledger.claims().set_index("claim_id")["rule_id"]
    found = prose.motive_assertions(PASSAGES + REASONS + FINDINGS + WHYS, rules)
    assert not found, "motive words asserted outside a motive claim's verdict:\n" + "\n".join(map(str, found))
