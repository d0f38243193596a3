"""Published claim ids are read from git history (chipbook.check): every id ever committed
to data/claims.csv stays, for its article. Each test builds the history it needs, so none
depends on the state of the repository it runs in; where a copy of the book has no full
history (a release archive, a shallow clone) the check is skipped, says so, and is
required where CHIPBOOK_REQUIRE_HISTORY is set (CI)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from chipbook import paths
from chipbook.check import (REQUIRE_HISTORY, HistoryUnavailable, check_no_published_id_gone, check_published_ids,
                            claims_history, history_or_reason)
from chipbook.data import DataError, rows

GONE = ("published claim {id} (of {article}) is gone; expected every claim id ever committed to stay, with its "
        "article; a claim the book no longer stands behind keeps its row and gets a verdict")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           "-c", "init.defaultBranch=main", *args], capture_output=True, text=True, check=True).stdout


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.fixture
def clone(scratch) -> Path:
    """A git repository whose one commit holds the scratch copy of data/."""
    root = scratch.folder.parent
    git(root, "init", "-q")
    commit_all(root, "the ledger")
    return root


def test_a_claim_added_and_not_yet_committed_is_simply_new(scratch, clone):
    claims = scratch.rows("claims")
    article = claims[-1]["article"]
    number = max(int(c["claim_id"].split("-")[1]) for c in claims if c["article"] == article) + 1
    scratch.write_rows("claims", claims + [dict(claims[-1], claim_id=f"{article}-{number:02d}")])
    check_published_ids(scratch.folder, history=claims_history(clone))  # no error: the id is new


def test_a_deleted_published_claim_is_named_before_its_broken_references(scratch, clone):
    claims = scratch.rows("claims")
    gone = claims[len(claims) // 2]
    scratch.write_rows("claims", [c for c in claims if c is not gone])
    with pytest.raises(DataError) as caught:
        check_no_published_id_gone(scratch.folder, history=claims_history(clone))
    assert str(caught.value) == f"{scratch.path('claims')}, column 'claim_id': " + GONE.format(
        id=gone["claim_id"], article=gone["article"])


def test_an_id_deleted_in_a_later_commit_stays_published(scratch, clone):
    claims = scratch.rows("claims")
    gone = claims[0]
    scratch.write_rows("claims", claims[1:])
    commit_all(clone, "delete a claim")
    with pytest.raises(DataError) as caught:
        check_no_published_id_gone(scratch.folder, history=claims_history(clone))
    assert str(caught.value).endswith(GONE.format(id=gone["claim_id"], article=gone["article"]))


def test_a_published_id_that_disappears_fails():
    history = "+A1-98,A1,draftpublish-why-anthropic-nvidia,Opening,...\n"  # as `git log -p` shows an added row
    with pytest.raises(DataError) as caught:
        check_published_ids(history=history)
    assert str(caught.value) == "data/claims.csv, column 'claim_id': " + GONE.format(
        id="A1-98", article="A1")


def test_a_reused_id_fails(scratch):
    claim = rows("claims")[2]
    history = f"+{claim['claim_id']},A2,x,y\n"  # as if the id had once named a claim of the other article
    with pytest.raises(DataError, match=rf"row 3 \(line {claim['_line']}\), column 'article': {claim['claim_id']} "
                       rf"was published as a claim of A2, now of {claim['article']}; expected A2"):
        check_published_ids(scratch.folder, history=history)


def test_the_live_ledger_keeps_every_published_id():
    history, skipped = history_or_reason()
    if history is None:
        pytest.skip(skipped)
    check_published_ids(history=history)


# --- where there is no full history ------------------------------------------------------------

def test_no_history_is_named_for_an_export_a_shallow_clone_and_a_folder_inside_another_repo(tmp_path, monkeypatch):
    monkeypatch.delenv(REQUIRE_HISTORY, raising=False)
    export = tmp_path / "export"
    export.mkdir()
    with pytest.raises(HistoryUnavailable, match="cannot read the file's git history .*expected a full git clone"):
        claims_history(export)
    assert history_or_reason(export) == (None, "published claim ids not checked: this copy has no git history of "
                                               "its own (a release archive?); a full clone checks them, and CI requires it")

    full = tmp_path / "full"
    (full / "data").mkdir(parents=True)
    git(full, "init", "-q")
    for row in ("A1-01,A1", "A1-02,A1"):
        with (full / "data" / "claims.csv").open("a", encoding="utf-8") as handle:
            handle.write(row + ",x\n")
        commit_all(full, row)
    assert "+A1-01,A1,x" in claims_history(full)
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{full}", str(shallow)], check=True)
    with pytest.raises(HistoryUnavailable, match="the git history is shallow"):
        claims_history(shallow)
    assert history_or_reason(shallow)[1].startswith("published claim ids not checked: this is a shallow clone;")

    inside = full / "unpacked-release"
    inside.mkdir()
    with pytest.raises(HistoryUnavailable, match=f"lies inside the repository at {full}"):
        claims_history(inside)

    monkeypatch.setenv(REQUIRE_HISTORY, "1")
    with pytest.raises(HistoryUnavailable, match=f"shallow, .*{REQUIRE_HISTORY} is set"):
        history_or_reason(shallow)


def test_make_check_says_in_one_line_that_it_skipped_the_ids_and_ci_requires_them(tmp_path):
    """`python -m chipbook.check` in a copy of the book without .git, as a release archive is."""
    for name in ("_config.yml", "_toc.yml", "intro.ipynb"):
        shutil.copy2(paths.ROOT / name, tmp_path / name)
    for folder in ("data", "chapters"):
        shutil.copytree(paths.ROOT / folder, tmp_path / folder)
    env = {**os.environ, "CHIPBOOK_ROOT": str(tmp_path)}
    env.pop(REQUIRE_HISTORY, None)
    command = [sys.executable, "-m", "chipbook.check"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    passed, skipped = done.stdout.strip().splitlines()
    assert passed.startswith("chipbook check: data, ledger rules, sources, table rules, quoted numbers, argument map") and " pass (" in passed
    assert skipped == ("chipbook check: published claim ids not checked: this copy has no git history of its own "
                       "(a release archive?); a full clone checks them, and CI requires it")
    failed = subprocess.run(command, env={**env, REQUIRE_HISTORY: "1"}, capture_output=True, text=True)
    assert failed.returncode == 1 and f"{REQUIRE_HISTORY} is set" in failed.stderr


def test_ci_fetches_the_whole_history_and_requires_it():
    import yaml

    workflow = yaml.safe_load((paths.ROOT / ".github" / "workflows" / "book.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["test"]
    checkout = next(step for step in job["steps"] if str(step.get("uses", "")).startswith("actions/checkout"))
    assert checkout.get("with", {}).get("fetch-depth") == 0, "actions/checkout fetches one commit unless fetch-depth: 0"
    assert job["env"][REQUIRE_HISTORY] == "1"
    assert f"export {REQUIRE_HISTORY}=1" in (paths.ROOT / ".ci" / "run").read_text(encoding="utf-8")
