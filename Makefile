# Two commands a newcomer needs: `make serve` and `make test`.
# Both create .venv, install from pyproject.toml pinned by constraints.txt, and fetch Temml, the math font and PurgeCSS with npm.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch resolves to a multi-GB CUDA build on Linux from the default index. On a machine without a GPU,
# point TORCH_INDEX_URL at PyTorch's CPU wheel index to get the small CPU build, e.g.
#   make test TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
TORCH_INDEX_URL ?=
PIP_TORCH_FLAGS := $(if $(TORCH_INDEX_URL),--extra-index-url $(TORCH_INDEX_URL),)
# The examples' models are tiny: one PyTorch thread per process is faster than several
# fighting over the cores (measured: 1.5 s against 18.8 s for the tiny network on 2 busy cores).
export OMP_NUM_THREADS ?= 1
# Material for MkDocs prints a long notice on every build about MkDocs 2 (which drops the plugin
# and theme APIs this site uses; pyproject.toml pins mkdocs<2) and about Material's own end of
# life (May 2027; see CONTRIBUTING.md). The variable silences that notice, nothing else.
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test build lint install clean links lighthouse benchmarks handout

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(PIP_TORCH_FLAGS) -c constraints.txt -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed node_modules/.installed

## Set everything up and serve the site at http://127.0.0.1:8000
serve: install
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

## Build the site strictly into site/
build: install
	$(BIN)/mkdocs build --strict

## Set everything up and run the whole test suite (lint, types, unit, docs, site build, browser)
# Two workers; each test module stays on one worker, so the browser module opens one browser and
# visits each page once. (Not --dist loadgroup: with pytest 9 and xdist 3.8 its groups are
# silently ignored, which split the browser module over both workers.) The workers share one
# site build, made by whichever asks first (tests/conftest.py). Files go out in collection order,
# the longest (the browser module) first, not xdist's default of the most tests first
# (--no-loadscope-reorder): started last, the browser module ran alone at the end.
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## Check outbound links in the built site (needs the internet; not part of `make test`)
links: build
	$(BIN)/python tools/check_links.py site

## Lighthouse scores of every page, phone and desktop, beside the theme's floor (installs Lighthouse)
# One run per page (a full pass takes about half an hour); medians of a few pages, for example:
#   make lighthouse LIGHTHOUSE_ARGS="--pages activations 'notebooks/*' --runs 3"
LIGHTHOUSE_ARGS ?=
lighthouse: build
	$(BIN)/python tools/lighthouse.py site $(LIGHTHOUSE_ARGS)

benchmarks: install
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) node_modules site .pytest_cache .mypy_cache .ruff_cache

## The handout: the core path as one page, printed to site/handout/deep-learning-day-1.pdf
handout: build
	$(BIN)/python tools/handout_pdf.py site
