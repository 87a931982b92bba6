# Two commands for a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench models docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.base-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@ $(VENV)/.base-installed

demo: $(VENV)/.base-installed
	$(BIN)/fairer demo

test: $(VENV)/.test-installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/python -m pytest -q

# The CLI reference is generated from the commands (a test checks docs/cli.md is current).
docs: $(VENV)/.base-installed
	$(BIN)/python -c "from fairer.cli import cli_reference; open('docs/cli.md', 'w', encoding='utf-8').write(cli_reference())"

# Optional: MiniLM sentence embeddings for `fairer voices` (PyTorch's CPU build, about 750 MB).
models: | $(BIN)/python
	$(BIN)/python -m pip install -q torch==2.13.0 || $(BIN)/python -m pip install -q torch --index-url https://download.pytorch.org/whl/cpu
	$(BIN)/python -m pip install -q -e '.[models]'

bench: $(VENV)/.test-installed models
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	$(BIN)/python benchmarks/profile_bench.py
	$(BIN)/python benchmarks/stats_bench.py
	$(BIN)/python benchmarks/rug_bench.py
	$(BIN)/python benchmarks/targeting_bench.py
	$(BIN)/python benchmarks/voices_bench.py
	$(BIN)/python benchmarks/voices_heldout.py
	$(BIN)/python benchmarks/voices_themes.py
	$(BIN)/python benchmarks/voices_writeups.py
	$(BIN)/python benchmarks/evaluate_bench.py
	$(BIN)/python benchmarks/sii_bench.py
	$(BIN)/python benchmarks/hub_load.py

clean:
	rm -rf $(VENV) fairer-demo build *.egg-info src/*.egg-info
