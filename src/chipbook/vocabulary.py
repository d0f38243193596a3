"""Every controlled vocabulary and identifier pattern of the book, defined once.

scripts/make_datapackage.py writes them into the data package's enums and patterns;
chipbook.charts keys its colours by them; the tests import them from here.
"""

# --- identifiers (Table Schema patterns) ---------------------------------------------------
# Each pattern is stated once, with the words `make check` uses when a value breaks it
# (an author reads the words, never the regular expression): PATTERN_WORDS[pattern].
PATTERN_WORDS: dict[str, str] = {}


def _pattern(regex: str, words: str) -> str:
    PATTERN_WORDS[regex] = words
    return regex


SLUG = _pattern(r"^[a-z0-9]+(-[a-z0-9]+)*$",  # source ids, chapter slugs, row ids
                "lowercase letters and digits in words joined by single hyphens, with no spaces, capitals, "
                "underscores or dots (e.g. semianalysis-trainium2-2024)")
CHIP_ID = _pattern(r"^[a-z0-9]+(-[a-z0-9.]+)*$",  # a slug whose later words may hold a dot
                   "lowercase letters and digits in words joined by single hyphens; words after the first "
                   "may hold a dot (e.g. tpu-v5e, trn2-1.5)")
CLAIM_ID = _pattern(r"^A[12]-[0-9]{2}$", "A1- or A2- and a two-digit number (e.g. A1-07)")
EVIDENCE_ID = _pattern(r"^A[12]-[0-9]{2}-e[0-9]+$",
                       "the claim id, -e and a number (e.g. A1-07-e3)")
URL = _pattern(r"^https?://\S+$", "a web address starting http:// or https://, with no spaces")
CAPACITY_ID = _pattern(r"^cap-[0-9]{2}$", "cap- and a two-digit number (e.g. cap-07)")
ARRANGEMENT_ID = _pattern(r"^lab-[0-9]{2}$", "lab- and a two-digit number (e.g. lab-07)")
DISAGREEMENT_ID = _pattern(r"^D[0-9]+$", "D and a number (e.g. D3)")
MLPERF_RESULT_ID = _pattern(r"^v[0-9.]+-[a-z0-9.-]+$",
                            "the MLPerf round (v and its number), a hyphen, then lowercase words, digits, dots "
                            "and hyphens (e.g. v4.0-google-tpu-v5e-4-gptj-99-server)")

# --- the ledger --------------------------------------------------------------------------------
# In order from best to worst as far as "holds as stated" goes for the first three: a
# complicated claim is true as stated (with a caveat), so it sits beside supported and
# before partly supported, in every legend, menu and colour ramp (chipbook.charts zips
# its palette with this list).
VERDICTS = ["supported", "complicated", "partly supported", "contradicted", "outdated", "unverified"]
# data/verdict_rules.csv lists the verdicts each rule allows, joined by this separator.
VERDICT_SEPARATOR = "; "
VERDICT_LIST = _pattern(rf"^({'|'.join(VERDICTS)})({VERDICT_SEPARATOR}({'|'.join(VERDICTS)}))*$",
                        f"one or more of the verdicts ({', '.join(VERDICTS)}), separated by "
                        f"'{VERDICT_SEPARATOR}' (e.g. supported; partly supported)")
# A claim that reads a sentence of its article one of two ways says so in its text with one of
# these phrases; only such a claim may name its own rule as its borderline alternative
# (data/verdict_principles.csv: two-readings).
READING_MARK = r"\bthe book's reading\b|\bimplied, not stated outright\b"
# A complicated claim's reason gives its caveat after this label (data/verdict_principles.csv).
CAVEAT_LABEL = "Caveat:"
# A reason whose verdict holds up on fewer than two independent supporting rows says what it
# rests on after this label (data/verdict_principles.csv: sourcing; chipbook.check).
THIN_LABEL = "Thin:"
# The time-of-writing rule's case (data/verdict_rules.csv) in words make check reads, so that a
# rule later in precedence never judges a claim that case fits: a claim that says where work runs,
# how a deal stands or whether something has been published (SINGLE_STATE_MARK) ...
SINGLE_STATE_MARK = (r"\b(?:runs?|ran)\b[^.]*\bon\b|\b(?:deal|commitment|investment|stake)\b[^.]*"
                     r"\b(?:is|was|are|were|included|includes|stands|stood)\b|\bpublished\b")
# ... unless it carries a mark the case leaves to another rule: a sign read as showing something, a
# change ('no longer', 'now'), a stated cause, a capability or hedge, a qualifier, a degree, class or
# motive word, or a size of money or capacity.
NOT_SINGLE_STATE_MARK = (r"\b(?:signals?|shows?|means|decides?|decided|no longer|now|because|can|could|may|might|"
                         r"seamlessly|guarantees?|effectively|most|all|every|whole|only|to avoid|deliberately|"
                         r"on purpose|larger|more|less)\b|\$|\b(?:billion|million|GW|gigawatts?)\b")
# A degree of agreement (the no-yardstick rule): it holds or fails only where two or more
# independent sources say so; else the reason calls it UNMEASURED, never failed.
DEGREE_OF_AGREEMENT_MARK = r"well[ -]established|the common view|widely (?:accepted|held)|consensus"
UNMEASURED = "unmeasured"
STANCES = ["supports", "complicates", "contradicts"]
CLAIM_KINDS = ["reported fact", "vendor figure", "interpretation", "forecast"]
SOURCE_KINDS = ["vendor documentation", "company release", "regulatory filing", "paper",
                "press", "analysis", "issue tracker"]
# Primary kinds: where a fact comes from the party that knows it first-hand.
PRIMARY_SOURCE_KINDS = ["vendor documentation", "company release", "regulatory filing", "paper"]
CONFIDENCE = ["high", "medium", "low"]
# What a source's copy_url holds: "copy" = the same text on another host; "report" = a
# secondary account of the document (a summary, digest or other outlet's story), which is
# what was read instead of the document itself.
COPY_KINDS = ["copy", "report"]
ARTICLES = ["A1", "A2"]
# Which article's account the evidence bore out (second-article chapter).
WHO_HELD = ["A1", "A2", "both in part", "not yet known"]

# --- companies and chips ---------------------------------------------------------------------
# The three accelerator vendors the book compares, in the order its charts list them.
CHIP_MAKERS = ["Google", "AWS", "NVIDIA"]
# Whose layer failed in the September 2025 postmortem: a chip vendor's, or Anthropic's own.
INCIDENT_OWNERS = CHIP_MAKERS + ["Anthropic"]
# Kernel languages' owners: the chip makers, or Other (Triton's open-source project).
KERNEL_OWNERS = CHIP_MAKERS + ["Other"]
CHIP_FAMILIES = ["Google TPU", "AWS Trainium", "NVIDIA GPU"]
# Who supplies the chips AI labs use (Broadcom builds custom accelerators to a lab's design).
CHIP_VENDORS = ["AWS", "Google", "NVIDIA", "AMD", "Broadcom"]
INVESTORS = ["Amazon", "Google", "Microsoft", "NVIDIA"]
COUNTERPARTIES = ["AWS", "Google Cloud", "Microsoft Azure", "NVIDIA", "Broadcom", "SpaceX", "Fluidstack",
                  "Apollo and Blackstone vehicle"]
# A counterparty's colour group in the charts; Other for suppliers outside the palette.
VENDOR_GROUPS = ["AWS", "Google", "Microsoft", "NVIDIA", "Other"]
LABS = ["Anthropic", "OpenAI", "Meta", "xAI", "Apple", "Safe Superintelligence"]

# --- statuses and kinds ----------------------------------------------------------------------
SUPPORT_STATUSES = ["native", "supported", "beta", "experimental", "deprecated", "unsupported"]
TRANCHE_STATUS = ["committed", "funded", "scheduled"]
INSTRUMENTS = ["convertible note", "preferred stock", "equity (class not disclosed)", "financing facility",
               "not disclosed"]
# No source found describes any tranche as paid in cloud credits; add "cloud credits" here if one does.
CONSIDERATION = ["cash", "cash and compute (split not disclosed)", "not stated"]
# How a vendor hedged a claimed figure (vendor_claims.qualifier): "up to" (a best case), "stated"
# (no hedge, seen in the vendor's own words), "expected", or "hedge not seen" (only a report of it
# was read, which gives the figure bare).
VENDOR_CLAIM_QUALIFIERS = ["up to", "stated", "expected", "hedge not seen"]
# What a vendor claim rests on (vendor_claims.basis): the vendor's own statement, benchmark claim
# or spec index, read in the vendor's words; or "as reported", where only the press or a report of
# the vendor's page was read (table_rules.vendor_claims_read_in_reports_say_so).
VENDOR_CLAIM_BASES = ["vendor statement", "vendor benchmark claim", "vendor spec index", "as reported"]
FIGURE_BASIS = ["investor filing", "regulator decision", "Anthropic release", "press report", "inferred by the book"]
ROUND_STATUS = ["closed", "talks reported"]
VALUATION_BASIS = ["post-money stated", "basis not stated", "target range in talks", "not given"]
COMMITMENT_KINDS = ["primary-provider designation", "cloud capacity", "chip and rack purchase", "own data centres",
                    "lease financing"]
COMMITMENT_CHIP_FAMILIES = CHIP_FAMILIES + ["not specified"]
DISCLOSURE = ["announced by a party", "reported only"]
BOUNDS = ["about", "nearly", "more than", "up to"]
# The state of a deal's capacity, by the book's one rule for contracts and ceilings
# (chipbook.computemix.CEILING_RULE): in service, delivered and running; contracted, a firm
# amount (a floor, an approximate amount, the whole of a named site) not yet all delivered;
# ceiling, an "up to" amount or one whose use its source makes conditional, which counts
# only once delivered. capacity.csv and the compute-mix model use these words and no others.
CAPACITY_STATES = ["in service", "contracted", "ceiling"]
# What a capacity row rests on: announced by Anthropic or the vendor, reported by press or
# analysts, or expected (a forecast for its as_of date by the company or vendor).
CAPACITY_BASES = ["announced", "reported", "expected"]
ARRANGEMENT_STATUSES = ["in use", "contracted", "testing", "in talks"]

# --- the compute-mix model (data/compute_mix_*.csv) --------------------------------------------
QUARTER = _pattern(r"^20[0-9]{2}Q[1-4]$", "a calendar quarter: the year, Q and the quarter 1-4 (e.g. 2026Q3)")
# How a tranche of the compute-mix model counts before it is delivered follows from how its
# source states the amount (compute_mix_tranches.stated_as), by the same rule: a firm amount
# is contracted, its undelivered part counted from the day it was announced; an "up to"
# ceiling and an amount whose use the source makes conditional are ceilings, and a deal of
# unpublished size an unsized deal: both count only once delivered, at the book's estimate of
# the draw (the rest of a ceiling is not yet drawn); a fleet the book estimates where no deal
# was announced counts only as in service. The first three are CAPACITY_STATES.
MIX_COUNTING = {"estimate": "fleet estimate", "firm": "contracted", "up to": "ceiling",
                "conditional": "ceiling", "unpublished": "unsized deal"}
# The kinds of tranche that count only once delivered: nothing of them is ever contracted.
COUNTED_ONCE_DELIVERED = ("ceiling", "unsized deal")
MIX_TRANCHE_KINDS = list(dict.fromkeys(MIX_COUNTING.values()))
# Whether a tranche's amount moves with its factor (a larger draw when the factor draws
# high) or against it (the other share of a split total).
MIX_FACTOR_DIRECTIONS = ["with", "against"]
# The unit a tranche's amount is given in: accelerator chips, gigawatts of facility power,
# or H100-equivalents of dense BF16 throughput.
MIX_MEASURES = ["chips", "gigawatts", "h100e"]
# What the compute-mix model's totals owe to an outside estimate (compute_mix_benchmarks):
# fitted, the fleets that name it are scaled to its total, draw by draw, so agreeing with it is
# automatic; partly fitted, part of the total is fitted to it or shares its inputs; independent,
# nothing in the model is drawn from it, so it is a check.
MIX_BENCHMARK_RELATIONS = ["fitted", "partly fitted", "independent"]

# How one claim of an article bears on another in the article's own argument
# (data/argument_links.csv): the premise is offered as a reason for the conclusion
# (supports), hedges or limits it (qualifies), or states the view it argues against
# (contrasts).
ARGUMENT_LINK_KINDS = ["supports", "qualifies", "contrasts"]

# The verdicts on one ordinal scale, for machine-readable ratings (schema.org
# ClaimReview) and for finding an argument's weakest link: how much of the claim, as
# stated, the evidence shows to hold today. "Complicated" claims are true as stated, so
# they rank above "partly supported"; "outdated" claims were true when written but no
# longer hold; "unverified" claims have no public evidence that settles them either way.
# How the verdicts add up in every count the book prints (ledger.OUTCOMES, whose comment says
# why): a claim holds up when supported or complicated; partly supported holds in part.
VERDICT_OUTCOMES: dict[str, tuple[str, ...]] = {
    "holds": ("supported", "complicated"),
    "holds_in_part": ("partly supported",),
    "overtaken": ("outdated",),
    "contradicted": ("contradicted",),
    "unverified": ("unverified",),
}
VERDICT_RATINGS = {"supported": 6, "complicated": 5, "partly supported": 4,
                   "outdated": 3, "unverified": 2, "contradicted": 1}
