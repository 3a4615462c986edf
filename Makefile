# The two commands of the README: `make demo` (the main job) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP)

## The main job: whole drafts offline, scheduler and bot against a local Discord (out/demo).
demo: $(STAMP)
	$(BIN)/draftpod demo --out out/demo

## The whole test suite, after the lint and type checks (so CI enforces them too).
test: lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check draftpod bot scheduler tests bench
	$(BIN)/ruff format --check draftpod bot scheduler tests bench
	$(BIN)/mypy draftpod bot scheduler bench

clean:
	rm -rf $(VENV) var out .pytest_cache
