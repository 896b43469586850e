# reconnect_analysis: two commands do everything on a fresh machine.
#   make demo   set up, generate the demo caseload, validate it and render its reports
#   make test   set up and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo_data
REPORTS_DIR ?= reports

.PHONY: help setup browser demo lab test lint reports clean

## Show this help
help:
	@awk '/^## /{doc=substr($$0,4)} /^[a-z-]+:/{if(doc){split($$1,t,":"); printf "  %-10s %s\n", t[1], doc; doc=""}}' $(MAKEFILE_LIST)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the project's dependencies change.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $(STAMP)

## Create .venv and install the toolkit with its test tools (reused when present)
setup: $(STAMP) browser

## Install Debian's chromium for PDF output and browser tests when it is missing
browser:
	@./.ci/ensure-chromium

## Generate the demo caseload, validate it, render every report, print where they are
demo: setup
	$(VENV)/bin/reconnect demo --out $(DEMO_DIR)
	$(VENV)/bin/reconnect pipeline $(DEMO_DIR) --out $(REPORTS_DIR) --format html,pdf

## Explore the demo caseload (or EXPORT=path) in JupyterLab, on 127.0.0.1 with a token
lab: setup
	$(VENV)/bin/reconnect lab $(EXPORT) --out $(REPORTS_DIR)

## Run the whole test suite (lint first)
test: setup lint
	$(PY) -m pytest

## Lint the code with ruff
lint: $(STAMP)
	$(VENV)/bin/ruff check .

## Render the reports of the newest week of an export: make reports EXPORT=path
reports: setup
	$(VENV)/bin/reconnect pipeline $(EXPORT) --out $(REPORTS_DIR) --format html,pdf

## Remove the demo data, validated tables and reports, all of which hold client data (keeps .venv)
clean:
	rm -rf $(DEMO_DIR) validated $(REPORTS_DIR)/*/ $(REPORTS_DIR)/.validated $(REPORTS_DIR)/.failed \
	  $(REPORTS_DIR)/.locks $(REPORTS_DIR)/jupyterlab.log $(REPORTS_DIR)/.jupyter notebooks/.ipynb_checkpoints \
	  screenshots benchmarks/out .pytest_cache
