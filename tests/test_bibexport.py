"""The bibliography for reference managers (chipbook.bibexport): BibTeX parsed back by
pybtex in strict mode, CSL JSON checked against the CSL-JSON schema's required keys, types
and date form; on awkward hand-made sources and, after the build, on the site's files."""

from __future__ import annotations

import codecs
import json

import latexcodec  # noqa: F401 (registers the "ulatex" codec, with which pybtex's writer escapes)
import pytest

from chipbook import bibexport, paths
from chipbook.data import rows
from chipbook.vocabulary import SOURCE_KINDS

# The item types of CSL 1.0.2 (csl-data.json).
CSL_TYPES = {
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast", "chapter",
    "classic", "collection", "dataset", "document", "entry", "entry-dictionary", "entry-encyclopedia", "event",
    "figure", "graphic", "hearing", "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical", "personal_communication",
    "post", "post-weblog", "regulation", "report", "review", "review-book", "software", "song", "speech", "standard",
    "thesis", "treaty", "webpage"}

AWKWARD = [
    {"source_id": "maker-chip-2025", "title": "R&D: 50% faster {chips} for #1 — “Trainium” café_mode",
     "publisher": "Maker (Jane Doe)", "date_published": "2025-03-04", "url": "https://example.org/a_b?c=1&d=%20",
     "copy_url": "https://mirror.example.net/a_b", "copy_kind": "copy", "kind": "press", "accessed": "2026-11-21"},
    {"source_id": "regulator-filing-2024", "title": "Annual report", "publisher": "A regulator",
     "date_published": "2024-12-31", "url": "https://example.gov/filing", "copy_url": "", "copy_kind": "",
     "kind": "regulatory filing", "accessed": "2026-11-20"},
]


def parse_bibtex(text: str):
    from pybtex import errors
    from pybtex.database import parse_string

    errors.set_strict_mode(True)  # any syntax error raises instead of being skipped
    return parse_string(text, "bibtex")


def decoded(value: str) -> str:
    return codecs.decode(value, "ulatex")


def check_csl_json(text: str, ids: list[str]) -> list[dict]:
    items = json.loads(text)
    assert [item["id"] for item in items] == ids
    for item in items:
        assert item["type"] in CSL_TYPES, item
        assert item["title"] and item["URL"].startswith(("https://", "http://")), item
        for key in ("issued", "accessed"):
            if key in item:
                (parts,) = item[key]["date-parts"]
                assert len(parts) == 3 and all(isinstance(p, int) for p in parts), item
    return items


def test_every_source_kind_has_a_csl_type():
    assert set(bibexport.CSL_TYPES) == set(SOURCE_KINDS) and set(bibexport.CSL_TYPES.values()) <= CSL_TYPES


def test_bibtex_of_awkward_sources_parses_back_to_their_values():
    entries = parse_bibtex(bibexport.bibtex(AWKWARD)).entries
    assert list(entries) == ["maker-chip-2025", "regulator-filing-2024"]
    first = entries["maker-chip-2025"]
    assert first.type == "online"
    assert decoded(first.fields["title"]) == AWKWARD[0]["title"]
    assert decoded(first.fields["url"]) == AWKWARD[0]["url"]
    assert decoded(first.fields["note"]) == "press; read via a copy: https://mirror.example.net/a_b"
    assert (first.fields["date"], first.fields["urldate"]) == ("2025-03-04", "2026-11-21")
    assert entries["regulator-filing-2024"].fields["note"] == "regulatory filing"


def test_csl_json_of_awkward_sources_has_the_required_keys():
    first, second = check_csl_json(bibexport.csl_json(AWKWARD), ["maker-chip-2025", "regulator-filing-2024"])
    assert first["type"] == "article-newspaper" and first["container-title"] == "Maker (Jane Doe)"
    assert first["issued"] == {"date-parts": [[2025, 3, 4]]} and first["title"] == AWKWARD[0]["title"]
    assert second["type"] == "report" and "container-title" not in second


def test_a_broken_bibtex_file_fails_the_parser():
    with pytest.raises(Exception):
        parse_bibtex('@online{x,\n    title = "unclosed\n}\n')


@pytest.mark.site
def test_the_site_offers_the_bibliography_as_bibtex_and_csl_json():
    ids = [row["source_id"] for row in rows("sources")]
    data = paths.BUILD_HTML / "data"
    assert list(parse_bibtex((data / bibexport.BIBTEX_FILE).read_text(encoding="utf-8")).entries) == ids
    check_csl_json((data / bibexport.CSL_JSON_FILE).read_text(encoding="utf-8"), ids)
    page = (paths.BUILD_HTML / "chapters" / "bibliography.html").read_text(encoding="utf-8")
    for name in (bibexport.BIBTEX_FILE, bibexport.CSL_JSON_FILE):
        assert f'href="../data/{name}"' in page, f"the bibliography page does not link {name}"
