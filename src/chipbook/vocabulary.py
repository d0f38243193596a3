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
# What a source's copy_url holds: "copy" = the same text on another host; "report" = a
# secondary account of the document (a summary, digest or other outlet's story), which is
# what was read instead of the document itself.
COPY_KINDS = ["copy", "report"]
ARTICLES = ["A1", "A2"]
