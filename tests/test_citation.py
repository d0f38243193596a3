"""Reuse and citation: CITATION.cff is valid for cffconvert and names the book as its
configuration does; LICENSE, the README and the front page state the same licences."""

from __future__ import annotations

import json
import shutil
import subprocess

import yaml

from chipbook import paths

# Installed by `make test-units` / `make test` in an environment of its own (see the Makefile).
CFFCONVERT = paths.ROOT / ".venv" / "cffconvert" / "bin" / "cffconvert"


def test_citation_cff_is_valid_for_cffconvert():
    command = shutil.which("cffconvert") or str(CFFCONVERT)
    done = subprocess.run([command, "--validate", "-i", str(paths.ROOT / "CITATION.cff")],
                          capture_output=True, text=True)
    assert done.returncode == 0, f"cffconvert --validate refused CITATION.cff:\n{done.stdout}{done.stderr}"


def test_citation_names_the_book_as_its_config_does_and_its_licences():
    citation = yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    config = yaml.safe_load((paths.ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert citation["title"] == config["title"]
    assert [a["name"] for a in citation["authors"]] == [config["author"]]
    assert citation["version"] and citation["date-released"]
    package = json.loads((paths.DATAPACKAGE).read_text(encoding="utf-8"))
    data_licences = [licence["name"] for licence in package["licenses"]]
    assert citation["license"] == data_licences + ["MIT"]  # text and data, then code


def test_the_licences_are_stated_in_the_licence_file_the_readme_and_on_the_front_page():
    import nbformat

    licence = (paths.ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Creative Commons Attribution 4.0" in licence and "MIT License" in licence
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    front = "\n".join(c.source for c in nbformat.read(paths.ROOT / "intro.ipynb", as_version=4).cells)
    for text in (readme, front):
        assert "CC BY 4.0" in text and "MIT" in text and "CITATION.cff" in text
