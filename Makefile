# The commands the README names. Each creates .venv and installs on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

export QT_API := pyside6

.PHONY: run test lint bench screenshots clean system-deps package package-check

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## make run: open the Stakewatch window (installs what the window needs first)
run: $(STAMP) system-deps
	$(VENV)/bin/stakewatch

## make test: ruff, then the whole test suite, headless
test: $(STAMP)
	$(PY) -m ruff check .
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check .

## make bench: every benchmark in bench/, each printing its figure and baseline
bench: $(STAMP)
	@for b in bench/[a-z]*.py; do echo "== $$b"; QT_QPA_PLATFORM=offscreen $(PY) $$b || exit 1; done

## make screenshots: docs/screenshots from a demo database (bundled filings + shared prices),
## every page in both themes at 800x600, 1280x800 (the README's) and 1920x1080
PRICES ?= ../shared/data/prices
screenshots: $(STAMP)
	@set -e; if ! ls "$(PRICES)"/*.csv >/dev/null 2>&1; then \
	  echo "error: make screenshots needs a folder of daily prices as <TICKER>.csv: $(PRICES) has none (make screenshots PRICES=folder)" >&2; exit 2; fi; \
	demo=$$(mktemp -d); db=$$demo/demo.sqlite3; \
	for f in "$(PRICES)"/*.csv; do \
	  t=$$(basename "$$f" .csv); \
	  $(VENV)/bin/stakewatch --db "$$db" prices import "$$f" --ticker "$$t" >/dev/null; \
	done; \
	for page in dashboard holdings charts companies; do for theme in light dark; do \
	  for size in 800x600 1280x800 1920x1080; do \
	    name=$$page-$$theme-$$size; [ $$size = 1280x800 ] && name=$$page-$$theme; \
	    QT_QPA_PLATFORM=offscreen $(VENV)/bin/stakewatch --db $$db screenshot --offline \
	      --page $$page --theme $$theme --size $$size --out docs/screenshots/$$name.png; \
	done; done; done; rm -rf $$demo

## make package: dist/stakewatch/ (PyInstaller, one folder) and its .tar.gz with the desktop
## entry, icons, AppStream metadata and install.sh (packaging/)
PACKAGE_STAMP := $(VENV)/.installed-package
$(PACKAGE_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,package]'
	touch $(PACKAGE_STAMP)

package: $(PACKAGE_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) packaging/build.py

## make package-check: build, unpack the tarball in a temporary folder and run the frozen
## app there with an empty environment; validate the desktop entry and AppStream metadata
package-check: package
	@packaging/validators.sh
	QT_QPA_PLATFORM=offscreen $(PY) packaging/smoke_check.py

## system libraries Qt's xcb platform plugin needs for a real window (Debian/Ubuntu)
system-deps:
	@packaging/system-deps.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
