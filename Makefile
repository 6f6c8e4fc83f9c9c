# thrombo: the commands a user and CI run. Everything installs into .venv/ on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint bench audit fuzz mutants clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,spark,browser]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/thrombo demo --out thrombo-demo

lint: $(STAMP)
	$(BIN)/ruff check thrombo tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)

# Property tests with fresh random seeds (make test derandomises them for reproducible CI runs).
fuzz: $(STAMP)
	THROMBO_HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -n 2 -q tests/property tests/engines/test_generated_timelines.py $(PYTEST_ARGS)

# Mutation testing of the clinical numbers and comparisons (slow, so not part of `make test`):
# prints each mutant the fast tests do not notice. MUTANTS_ARGS narrows it, e.g.
# `make mutants MUTANTS_ARGS=thrombo/safety/ctcae.py`; equivalent mutants: tests/mutants-allowed.toml.
mutants: $(STAMP)
	nice -n 10 $(BIN)/python -W ignore tools/mutants.py $(MUTANTS_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

audit: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit -r constraints.txt

clean:
	rm -rf $(VENV) thrombo-demo .pytest_cache .mypy_cache .ruff_cache
