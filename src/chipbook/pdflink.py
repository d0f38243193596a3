"""The front page's link to the whole book as one PDF (`book.pdf`, printed by `make pdf`).

The link is shown only when the file is there: the build (_ext/chipbook_sphinx.py) turns it
into plain words when its output has no book.pdf (`make book` alone does not print one), and
scripts/make_pdf.py turns the words back into the link once it has written the file."""

from __future__ import annotations

import re
from pathlib import Path

PDF_FILE = "book.pdf"
# The link as the front page's notebook writes it, and its stand-in while there is no file.
LINKED = re.compile(r'<a href="book\.pdf" download>book\.pdf</a>')
LINK = f'<a href="{PDF_FILE}" download>{PDF_FILE}</a>'
PENDING = '<span class="chipbook-pdf-pending">book.pdf (not printed in this build: <code>make pdf</code>)</span>'


def unlink(html: str) -> str:
    """The page with the PDF link as plain words."""
    return LINKED.sub(PENDING, html)


def relink(html: str) -> str:
    """The page with the plain words made a link again."""
    return html.replace(PENDING, LINK)


def relink_site(html_dir: Path) -> list[Path]:
    """After book.pdf is written into `html_dir`: restore the link on every page that has
    the stand-in. Returns the pages changed."""
    if not (html_dir / PDF_FILE).exists():
        raise FileNotFoundError(f"no {html_dir / PDF_FILE} to link")
    changed = []
    for page in sorted(html_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if PENDING in text:
            page.write_text(relink(text), encoding="utf-8")
            changed.append(page)
    return changed
