# Everything a fresh machine with Python 3 and make needs: `make book`, `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# axe-core for the browser check, at the version package-lock.json pins (npm registry).
NODE_STAMP := node_modules/.installed-stamp
# cffconvert, which validates CITATION.cff, in an environment of its own: it needs
# jsonschema<4, the book's Frictionless jsonschema>=4.20 (requirements-cffconvert.in).
CFF_VENV  := $(VENV)/cffconvert
CFF_STAMP := $(CFF_VENV)/.installed-stamp
HTML   := _build/html

.PHONY: book preview pdf test test-units test-book check fmt serve bench lock datapackage fingerprint clean help

help:
	@echo "make check    check data, ledger rules, claim ids and layout in seconds, no notebook run"
	@echo "make preview  rebuild only what changed: re-executes the chapters whose notebook, data or src/ changed"
	@echo "make book     build the book from clean into $(HTML) (creates $(VENV) on first use)"
	@echo "make pdf      print the built book to one PDF, _build/pdf/book.pdf and $(HTML)/book.pdf (Debian's chromium)"
	@echo "make test     run every test: data, helpers, every chapter executed once, built site, offline browser check"
	@echo "make test-units  the tests that need no built book (data, ledger, helpers, executor), in a few minutes (more on a busy machine)"
	@echo "make fmt      put the notebooks in their stored form: no outputs, one source string per cell (chipbook.fmt)"
	@echo "make serve    preview the built book on http://127.0.0.1:8000"
	@echo "make bench    measure make book, make test, make preview and make check against bare execution"
	@echo "make lock     re-resolve requirements.in and requirements-cffconvert.in into their pinned .txt files"
	@echo "make fingerprint ARTICLES=folder  rewrite the articles' fingerprint the 8-word rule is tested against"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

$(CFF_STAMP): requirements-cffconvert.txt | $(STAMP)
	$(PYTHON) -m venv $(CFF_VENV)
	$(CFF_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-cffconvert.txt
	touch $(CFF_STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(NODE_STAMP)

# The data package, the ledger's rules, published claim ids (from git history) and the
# toc, without executing a notebook; stops at the first problem with one message.
check: $(STAMP)
	$(BIN)/python -m chipbook.check

# Both run the checks above (chipbook.execute calls chipbook.check), execute the stale
# chapters in parallel (each once, into the jupyter-cache the build reads), fail on any cell
# error or stderr output, then build with -W -n into _build/.next and swap it in only on
# success: a failed build keeps the last good site. `book` starts from empty; `preview`
# re-executes and re-renders only what changed.
book: $(STAMP)
	$(BIN)/python -m chipbook.execute --clean --build

preview: $(STAMP)
	$(BIN)/python -m chipbook.execute --build

# The whole book as one PDF, printed from the built site by Debian's chromium (about a
# minute); also copied to $(HTML)/book.pdf, which the front page links. Kept out of `book`
# so that the author's build stays within its time budget; `test` and the deploy run it.
pdf: $(STAMP)
	@test -f $(HTML)/index.html || { echo "No built book: run 'make book' first."; exit 1; }
	$(BIN)/python scripts/make_pdf.py

# Every test: 1. the unit tests (data, helper module, layout, executor; they need no build)
# beside 2. a clean build, in which nbmake executes every chapter exactly once, followed by
# its PDF (-j2; each side's output printed whole when it ends, --output-sync): the unit
# tests keep one core busy, the build two while nbmake runs and one after, the PDF one;
# then 3. the tests of the built site, including the offline browser audit, which keeps
# both cores busy by itself (tried beside the PDF and the other site tests, it slowed by
# more than they took).
# The unit tests run in one process: xdist's two workers each import pandas, Altair and
# JAX, which on two cores cost more than they save (114 s with -n 2 against 49 s serial).
test: $(STAMP) $(CFF_STAMP) $(NODE_STAMP)
	$(MAKE) --no-print-directory -j2 --output-sync=target test-units test-book
	$(BIN)/pytest -m site tests

test-units: $(STAMP) $(CFF_STAMP)
	$(BIN)/pytest -m "not site" tests

# Part of `make test`: the clean build, then its PDF.
test-book: book
	$(MAKE) --no-print-directory pdf

fmt: $(STAMP)
	$(BIN)/python -m chipbook.fmt

serve:
	@test -f $(HTML)/index.html || { echo "No built book: run 'make book' first."; exit 1; }
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory $(HTML) 8000

bench: $(STAMP)
	$(BIN)/python scripts/bench.py

datapackage: $(STAMP)
	$(BIN)/python scripts/make_datapackage.py

# The articles' hashed 8-word shingles (tests/fixtures/article-shingles.json), which the
# 8-word rule is tested against, rewritten from the article files when you have them.
fingerprint: $(STAMP)
	@test -n "$(ARTICLES)" || { echo "Name the folder holding the articles: make fingerprint ARTICLES=path/to/articles"; exit 1; }
	$(BIN)/python -m chipbook.shingles "$(ARTICLES)"

lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet -r requirements.in
	{ echo "# Pinned dependency tree for Python 3.11, generated by \`make lock\` from requirements.in."; \
	  echo "# Do not edit by hand."; .venv-lock/bin/python -m pip freeze; } > requirements.txt
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet -r requirements-cffconvert.in
	{ echo "# Pinned tree of requirements-cffconvert.in for Python 3.11, generated by \`make lock\`."; \
	  echo "# Do not edit by hand."; .venv-lock/bin/python -m pip freeze; } > requirements-cffconvert.txt
	rm -rf .venv-lock

clean:
	rm -rf _build _static/vendor
