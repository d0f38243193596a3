"""sphinxext-opengraph, the book's link-preview extension, without its import-time notice
(named in `_config.yml` in its place).

The book draws no social cards: `ogp_social_cards` is off and `ogp_image` is the book's own
card image, so matplotlib, which only the drawn cards need, is not installed. Yet
sphinxext-opengraph prints "matplotlib is not installed, social cards will not be
generated" when it is imported, whatever the configuration, and every build showed that line
to an author who then wondered whether to install matplotlib. This module imports the
extension with that one line held back (anything else it prints is passed on) and hands
Sphinx its `setup`.
"""

from __future__ import annotations

import contextlib
import io

with contextlib.redirect_stdout(io.StringIO()) as _printed:
    from sphinxext import opengraph as _opengraph

for _line in _printed.getvalue().splitlines():
    if "social cards will not be generated" not in _line:
        print(_line)

setup = _opengraph.setup
