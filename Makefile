# Quickstart: `make demo` and `make test` work on a fresh machine with Python and pip.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

demo: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[plot,fast]"
	$(BIN)/python -m sklearn_mathdl demo

test: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test,plot,fast,dask]"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	MPLBACKEND=Agg $(BIN)/python -m pytest

lint: $(BIN)/python
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[fast]"
	$(BIN)/python benchmarks/bench_mlp.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
