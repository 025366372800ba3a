# The commands the README names. Each creates .venv and installs on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

export QT_API := pyside6

.PHONY: run test lint bench clean system-deps

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

## system libraries Qt's xcb platform plugin needs for a real window (Debian/Ubuntu)
system-deps:
	@packaging/system-deps.sh

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
