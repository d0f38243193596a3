"""Clean markup: the Nu HTML Checker (vnu-jar, pinned in package.json, run with the
machine's Java) reads every page of the built book, as the W3C's validator would. Any error
fails, except the findings listed once in KNOWN, each with its reason: markup written by the
theme or its extensions that browsers and assistive technology handle, which the book does
not rewrite. One Java process checks every page (about 10 s)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter

import pytest

from chipbook import paths
from site_pages import BROWSER_SUMMARY, HTML, require_build, toc_pages

pytestmark = [pytest.mark.site, pytest.mark.nu]
VNU = paths.ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The site's pages besides the toc: its entry point and Sphinx's search and index pages.
OTHER_PAGES = ["index.html", "search.html", "genindex.html"]

# Error messages (their start, as vnu words them) that are not the book's to fix.
KNOWN = {
    "Element “p” not allowed as child of element “summary”":
        "myst-nb writes a code cell's toggle labels ('Show code cell source', 'Hide code cell source') as two "
        "<p> inside <summary>. Browsers render and name the toggle from that text (axe-core passes it, and "
        "the browser check clicks it), and myst-nb's stylesheet selects those <p> to show one label at a time.",
}


def _known(message: str) -> str | None:
    return next((start for start in KNOWN if message.startswith(start)), None)


@pytest.fixture(scope="module")
def nu_messages(request) -> list[dict]:
    require_build()
    java = shutil.which("java")
    if not java:
        raise AssertionError("no java: install Debian's default-jre-headless to run the Nu HTML Checker")
    if not VNU.exists():
        raise AssertionError(f"no {VNU.relative_to(paths.ROOT)}: run `make test`, which installs vnu-jar with `npm ci`")
    pages = [str(HTML / page) for page in toc_pages() + OTHER_PAGES]
    done = subprocess.run([java, "-Xss2m", "-jar", str(VNU), "--format", "json", "--errors-only", "--exit-zero-always",
                           *pages], capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    counts = Counter(_known(m["message"]) or "new" for m in messages)
    request.config.stash.setdefault(BROWSER_SUMMARY, []).append(
        f"Nu HTML Checker: pages {len(pages)}, errors outside the listed theme findings {counts.pop('new', 0)}, "
        f"listed findings {sum(counts.values())}")
    return messages


def test_no_error_outside_the_listed_theme_findings(nu_messages):
    new = [f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '').strip()[:80]}]"
           for m in nu_messages if m["type"] in ("error", "non-document-error") and not _known(m["message"])]
    assert not new, f"{len(new)} Nu HTML Checker errors:\n" + "\n".join(new[:40])


def test_every_listed_finding_still_occurs(nu_messages):
    """A listed finding that no page shows any more is taken off the list."""
    seen = {_known(m["message"]) for m in nu_messages}
    stale = [start for start in KNOWN if start not in seen]
    assert not stale, f"listed in KNOWN but no longer found: {stale}"
