"""The 8-word rule without the articles' text: hashed word shingles.

No claim or evidence text may repeat eight consecutive words of an article (CONTRIBUTING,
"our own words"). The articles are not the book's to redistribute, so the repository keeps
only their fingerprint, `tests/fixtures/article-shingles.json`: every run of eight
consecutive words of each article (its 8-word shingles), normalised and hashed.

    python -m chipbook.shingles ARTICLES_FOLDER      (`make fingerprint ARTICLES=...`)

rewrites it from the article files named in `ARTICLE_FILES`; `copied_runs` finds the runs
of a text whose hashes are in it.

Normalisation: lower case; straight and curly apostrophes dropped ("Anthropic's" ->
"anthropics"); a word is a run of letters a-z, digits, `$` or `%`, so punctuation,
hyphens and line breaks only separate words. Hash: the first 16 hex digits of the SHA-256
of the eight words joined by single spaces (UTF-8).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

from . import paths

N = 8
ABOUT = ("The articles' 8-word shingles, normalised and hashed (src/chipbook/shingles.py says how), for the "
         "8-word rule; no article text. Rewrite with `make fingerprint ARTICLES=<folder>`.")
FINGERPRINT = paths.ROOT / "tests" / "fixtures" / "article-shingles.json"
# The article files as the team keeps them, by article_id of data/articles.csv.
ARTICLE_FILES = {"A1": "why-anthropic-does-not-depend-on-nvidia.txt", "A2": "amazon-eyes-second-anthropic-deal.txt"}


def words(text: str) -> list[str]:
    """The normalised words of `text`."""
    return re.findall(r"[a-z0-9$%]+", re.sub(r"['\u2019]", "", text.lower()))


def _hash(run: list[str]) -> str:
    return hashlib.sha256(" ".join(run).encode("utf-8")).hexdigest()[:16]


def runs(text: str, n: int = N) -> dict[str, str]:
    """Each run of `n` consecutive words of `text`, by its hash: {hash: "the words"}."""
    found = words(text)
    return {_hash(found[i:i + n]): " ".join(found[i:i + n]) for i in range(len(found) - n + 1)}


def fingerprint(folder: Path, files: dict[str, str] | None = None) -> dict:
    """The fingerprint of the articles in `folder`: {"n", "articles": {article_id: {"file",
    "words", "shingles": sorted hashes}}}. Raises FileNotFoundError naming a missing file."""
    articles = {}
    for article_id, name in (files or ARTICLE_FILES).items():
        text = (Path(folder) / name).read_text(encoding="utf-8")
        articles[article_id] = {"file": name, "words": len(words(text)), "shingles": sorted(runs(text))}
    return {"about": ABOUT, "n": N, "articles": articles}


def load(path: Path = FINGERPRINT) -> dict[str, set[str]]:
    """The committed fingerprint: {article_id: set of shingle hashes}."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data["n"] != N:
        raise ValueError(f"{path} holds {data['n']}-word shingles, not {N}: run `make fingerprint`")
    return {article_id: set(article["shingles"]) for article_id, article in data["articles"].items()}


def copied_runs(text: str, shingles: set[str]) -> list[str]:
    """The runs of eight consecutive words of `text` that the fingerprinted article has too."""
    return [run for digest, run in runs(text).items() if digest in shingles]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chipbook.shingles",
                                     description="Write the articles' fingerprint for the 8-word rule.")
    parser.add_argument("articles", type=Path, help="the folder holding " + " and ".join(ARTICLE_FILES.values()))
    parser.add_argument("--output", type=Path, default=FINGERPRINT, help="default: %(default)s")
    args = parser.parse_args(argv)
    try:
        data = fingerprint(args.articles)
    except FileNotFoundError as err:
        print(f"chipbook.shingles: {err.filename} not found; expected the article files "
              f"{', '.join(ARTICLE_FILES.values())} in {args.articles}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    counts = ", ".join(f"{a} {len(d['shingles'])}" for a, d in data["articles"].items())
    print(f"wrote {args.output}: {N}-word shingles of {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
