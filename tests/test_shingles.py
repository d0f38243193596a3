"""The articles' fingerprint for the 8-word rule (chipbook.shingles), on a tiny article
written for the test."""

from __future__ import annotations

import json
import subprocess
import sys

from chipbook import shingles

# 14 words, so 7 runs of eight.
ARTICLE = "Amazon is in discussions to make another multibillion-dollar\ninvestment in OpenAI's competitor, Anthropic."


def test_words_are_normalised():
    assert shingles.words("OpenAI\u2019s  Multibillion-Dollar\n$4B, 16%!") == ["openais", "multibillion", "dollar",
                                                                            "$4b", "16%"]


def test_the_fingerprint_catches_a_copied_run_and_holds_no_text(tmp_path):
    (tmp_path / "tiny.txt").write_text(ARTICLE, encoding="utf-8")
    data = shingles.fingerprint(tmp_path, {"X1": "tiny.txt"})
    assert data["n"] == 8 and data["articles"]["X1"]["words"] == 14
    hashes = data["articles"]["X1"]["shingles"]
    assert len(hashes) == 14 - 8 + 1 and hashes == sorted(hashes)
    assert all(len(h) == 16 and int(h, 16) >= 0 for h in hashes)
    text = json.dumps(data).lower()
    assert not [w for w in shingles.words(ARTICLE) if len(w) > 5 and w in text], "article words in the fingerprint"

    hashes = set(hashes)
    # nine words copied, with other case and punctuation: both runs of eight are caught
    copied = "As reported, AMAZON is in discussions to make another multibillion dollar deal."
    assert shingles.copied_runs(copied, hashes) == ["amazon is in discussions to make another multibillion",
                                                    "is in discussions to make another multibillion dollar"]
    # a curly apostrophe where the article has a straight one, a hyphen for a space: caught
    assert shingles.copied_runs("another multibillion dollar investment in OpenAI\u2019s competitor-Anthropic", hashes) == [
        "another multibillion dollar investment in openais competitor anthropic"]
    # seven words in a row, then a word of our own: not caught
    assert shingles.copied_runs("Amazon is in discussions to make another large investment", hashes) == []


def test_the_command_writes_the_fingerprint_and_names_a_missing_article(tmp_path):
    for name in shingles.ARTICLE_FILES.values():
        (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    output = tmp_path / "out" / "fingerprint.json"
    command = [sys.executable, "-m", "chipbook.shingles", str(tmp_path), "--output", str(output)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "8-word shingles of A1 7, A2 7" in done.stdout
    assert shingles.load(output) == {a: set(shingles.runs(ARTICLE)) for a in shingles.ARTICLE_FILES}
    first = output.read_bytes()
    subprocess.run(command, capture_output=True, check=True)
    assert output.read_bytes() == first, "the fingerprint is not reproducible"

    (tmp_path / shingles.ARTICLE_FILES["A2"]).unlink()
    failed = subprocess.run(command, capture_output=True, text=True)
    assert failed.returncode == 1
    assert f"{shingles.ARTICLE_FILES['A2']} not found; expected the article files" in failed.stderr
