# crm-workbench — `make help` lists the targets. Every target bootstraps .venv on first use.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
QUARTER ?= 2024Q4
PARAMS ?= params/quarterly.yml
DATA ?= data/demo
CUSTOMERS ?= 5000
SEED ?= 7
WB := $(BIN)/python -m workbench

.DEFAULT_GOAL := help
.PHONY: help venv data quarterly run test test-fast lint format lab docs lock bench clean clean-cache clean-all

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'
	@echo "  Variables: QUARTER=$(QUARTER) PARAMS=$(PARAMS) DATA=$(DATA) CUSTOMERS=$(CUSTOMERS) SEED=$(SEED)"

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

venv: $(STAMP) ## Create .venv with the pinned dependencies (requirements.lock)

$(DATA)/customers.csv: | $(STAMP)
	$(WB) generate --out $(DATA) --customers $(CUSTOMERS) --seed $(SEED)

data: $(STAMP) ## Generate the demo CRM extracts into DATA (CUSTOMERS=5000 SEED=7)
	$(WB) generate --out $(DATA) --customers $(CUSTOMERS) --seed $(SEED)

quarterly: $(STAMP) $(DATA)/customers.csv ## Render every region's reports for QUARTER into reports/QUARTER/
	$(WB) quarterly --params $(PARAMS) --quarter $(QUARTER) --data-dir $(DATA)

run: $(STAMP) $(DATA)/customers.csv ## Re-run one report into reports/review/ (NOTEBOOK=churn ARGS="-p region 华南")
	@test -n "$(NOTEBOOK)" || { echo 'give the report: make run NOTEBOOK=churn ARGS="-p region 华南"' >&2; exit 2; }
	$(WB) run $(NOTEBOOK) --data-dir $(DATA) $(ARGS)

test: $(STAMP) ## Run the whole test suite (unit + notebooks + quarterly end to end)
	$(BIN)/python -m pytest

test-fast: $(STAMP) ## Unit tests only (skips notebook and end-to-end runs)
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP) ## ruff check + format check (code and notebooks)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## ruff format + autofix
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lab: $(STAMP) $(DATA)/customers.csv ## Start JupyterLab on notebooks/
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP) ## Run the benchmarks (results: benchmarks/RESULTS.md)
	$(BIN)/python benchmarks/run_all.py

docs: $(STAMP) ## Regenerate the extract schema in docs/extracts.md (python -m workbench schema)
	set -o pipefail; PYTHONIOENCODING=utf-8 $(WB) schema | $(BIN)/python -c "import re, sys, pathlib; s = sys.stdin.buffer.read().decode('utf-8'); p = pathlib.Path('docs/extracts.md'); t, n = re.subn(r'(<!-- schema:start -->\n).*?(<!-- schema:end -->)', lambda m: m[1] + s + m[2], p.read_text(encoding='utf-8'), flags=re.S); sys.exit('docs/extracts.md: no schema markers, or an empty schema') if n != 1 or not s else p.write_text(t, encoding='utf-8')"

lock: ## Re-resolve requirements.lock from pyproject.toml in a scratch venv
	rm -rf .lock-venv && $(PY) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check "setuptools>=80,<82" -e ".[dev]"
	.lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -vE '^(pip|crm-workbench)==' > requirements.lock
	rm -rf .lock-venv

clean: ## Remove generated reports
	rm -rf reports/

clean-cache: ## Remove the cleaned-data caches (DATA/_cache)
	rm -rf $(DATA)/_cache

clean-all: clean ## Remove reports, demo data and .venv
	rm -rf data/ $(VENV)
