# thrombo: the commands a user and CI run. Everything installs into .venv/ on first use.
# `make install` is the service's runtime (what a server needs, nothing else); `make dev` adds
# the test, lint, Spark and browser tools on top. Every command below that needs them asks for dev.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV_STAMP := $(VENV)/.dev-installed-stamp

.PHONY: install dev demo test lint bench audit fuzz mutants docs clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[postgres]'
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[postgres,dev,spark,browser]'
	touch $(DEV_STAMP)

install: $(STAMP)

dev: $(DEV_STAMP)

demo: $(STAMP)
	$(BIN)/thrombo demo --out thrombo-demo

lint: $(DEV_STAMP)
	$(BIN)/ruff check thrombo tests benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

# Property tests with fresh random seeds (make test derandomises them for reproducible CI runs).
fuzz: $(DEV_STAMP)
	THROMBO_HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -n 2 -q tests/property tests/engines/test_generated_timelines.py $(PYTEST_ARGS)

# Mutation testing of the clinical numbers and comparisons (slow, so not part of `make test`):
# prints each mutant the fast tests do not notice. MUTANTS_ARGS narrows it, e.g.
# `make mutants MUTANTS_ARGS=thrombo/safety/ctcae.py`; equivalent mutants: tests/mutants-allowed.toml.
mutants: $(DEV_STAMP)
	nice -n 10 $(BIN)/python -W ignore tools/mutants.py $(MUTANTS_ARGS)

# The criteria document: tests/spec/ rendered as docs/criteria.md (the standard library only, a
# second or two; built on demand and not committed, so it never goes stale beside the tests).
docs:
	$(PYTHON) tools/spec_docs.py

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/run_all.py

audit: $(DEV_STAMP)
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit -r constraints.txt

clean:
	rm -rf $(VENV) thrombo-demo .pytest_cache .mypy_cache .ruff_cache
