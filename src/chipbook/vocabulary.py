"""The ledger's controlled vocabularies, defined once. The data package's enums,
the chart colours and the tests all read them from here."""

VERDICTS = ["supported", "partly supported", "complicated", "contradicted", "outdated", "unverified"]
STANCES = ["supports", "complicates", "contradicts"]
CLAIM_KINDS = ["reported fact", "vendor figure", "interpretation", "forecast"]
SOURCE_KINDS = ["vendor documentation", "company release", "regulatory filing", "paper",
                "press", "analysis", "issue tracker"]
# Primary kinds: where a fact comes from the party that knows it first-hand.
PRIMARY_SOURCE_KINDS = ["vendor documentation", "company release", "regulatory filing", "paper"]
CONFIDENCE = ["high", "medium", "low"]
ARTICLES = ["A1", "A2"]

# How one claim of an article bears on another in the article's own argument
# (data/argument_links.csv): the premise is offered as a reason for the conclusion
# (supports), hedges or limits it (qualifies), or states the view it argues against
# (contrasts).
ARGUMENT_LINK_KINDS = ["supports", "qualifies", "contrasts"]

# The verdicts on one ordinal scale, for machine-readable ratings (schema.org
# ClaimReview) and for finding an argument's weakest link: how much of the claim, as
# stated, the evidence shows to hold today. "Complicated" claims are true as stated, so
# they rank above "partly supported"; "outdated" claims were true when written but no
# longer hold; "unverified" claims have no public evidence either way.
VERDICT_RATINGS = {"supported": 6, "complicated": 5, "partly supported": 4,
                   "outdated": 3, "unverified": 2, "contradicted": 1}
