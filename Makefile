# crm-workbench — `make help` lists the targets. Every target bootstraps .venv on first use.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
QUARTER ?= 2024Q4
FORCE ?=
FORCE_FLAG = $(if $(FORCE),--force)
PARAMS ?= params/quarterly.yml
DATA ?= data/demo
CUSTOMERS ?= 5000
SEED ?= 7
SIZES ?= 100000 1000000
WB := $(BIN)/python -m workbench

.DEFAULT_GOAL := help
.PHONY: help venv data quarterly monthly yearly run test test-fast lint format lab owners templates completion docs lock bench bench-table clean clean-cache clean-all

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'
	@echo "  Variables: QUARTER=$(QUARTER) MONTH=$(MONTH) YEAR=$(YEAR) FORCE=$(FORCE) PARAMS=$(PARAMS) DATA=$(DATA) CUSTOMERS=$(CUSTOMERS) SEED=$(SEED)"

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

quarterly: $(STAMP) $(DATA)/customers.csv ## Render every region's reports for QUARTER into reports/QUARTER/ (unchanged ones kept; FORCE=1 re-runs all)
	$(WB) quarterly --params $(PARAMS) --period $(QUARTER) --data-dir $(DATA) $(FORCE_FLAG)

monthly: $(STAMP) $(DATA)/customers.csv ## Render every region's reports for a month into reports/MONTH/ (MONTH=2024-11)
	@test -n "$(MONTH)" || { echo 'give the month: make monthly MONTH=2024-11' >&2; exit 2; }
	$(WB) quarterly --params $(PARAMS) --period $(MONTH) --data-dir $(DATA) $(FORCE_FLAG)

yearly: $(STAMP) $(DATA)/customers.csv ## Render every region's reports for a year into reports/YEAR/ (YEAR=2024)
	@test -n "$(YEAR)" || { echo 'give the year: make yearly YEAR=2024' >&2; exit 2; }
	$(WB) quarterly --params $(PARAMS) --period $(YEAR) --data-dir $(DATA) $(FORCE_FLAG)

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

lab: $(STAMP) $(DATA)/customers.csv ## Start JupyterLab on notebooks/ with the project's kernel (the reports show controls there)
	JUPYTER_PATH=$(VENV)/share/jupyter $(BIN)/jupyter lab notebooks/

owners: $(STAMP) $(DATA)/customers.csv ## Each sales owner's reports of REGION, only their customers, into reports/QUARTER/REGION/owners/ (REGION=华东 [OWNER=王磊])
	@test -n "$(REGION)" || { echo 'give the region: make owners REGION=华东 [OWNER=王磊]' >&2; exit 2; }
	$(WB) owners --params $(PARAMS) --period $(QUARTER) --region $(REGION) --data-dir $(DATA) $(if $(OWNER),--owner $(OWNER))

templates: $(STAMP) ## Write the standard collection templates (one workbook per table) into reports/templates/
	$(WB) template --out reports/templates

completion: $(STAMP) $(DATA)/customers.csv ## Each sales rep's workbook of fields to complete or correct, into reports/completion/<today>/ (returned files go to DATA/corrections/)
	$(WB) completion --data-dir $(DATA) --out reports/completion

bench: $(STAMP) ## Run the benchmarks (results: benchmarks/RESULTS.md)
	$(BIN)/python benchmarks/run_all.py

bench-table: $(STAMP) ## The speed-and-scale table at SIZES customers, projected to 10M/100M (benchmarks/TABLE.md)
	$(BIN)/python benchmarks/bench_table.py --customers $(SIZES)

docs: $(STAMP) ## Regenerate the extract schema in docs/extracts.md (python -m workbench schema)
	set -o pipefail; PYTHONIOENCODING=utf-8 $(WB) schema | $(BIN)/python -c "import re, sys, pathlib; s = sys.stdin.buffer.read().decode('utf-8'); p = pathlib.Path('docs/extracts.md'); t, n = re.subn(r'(<!-- schema:start -->\n).*?(<!-- schema:end -->)', lambda m: m[1] + s + m[2], p.read_text(encoding='utf-8'), flags=re.S); sys.exit('docs/extracts.md: no schema markers, or an empty schema') if n != 1 or not s else p.write_text(t, encoding='utf-8')"

lock: ## Re-resolve requirements.lock from pyproject.toml in a scratch venv
	rm -rf .lock-venv && $(PY) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check "setuptools>=80,<82" -e ".[dev,bench,spark]"
	.lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -vE '^(pip|crm-workbench)==' > requirements.lock
	rm -rf .lock-venv

clean: ## Remove generated reports
	rm -rf reports/

clean-cache: ## Remove the cleaned-data caches (DATA/_cache)
	rm -rf $(DATA)/_cache

clean-all: clean ## Remove reports, demo data and .venv
	rm -rf data/ $(VENV)
