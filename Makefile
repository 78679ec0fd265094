# The two commands a newcomer needs: `make demo` and `make test`.
# Each creates .venv with the machine's python3 and installs what it needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# TensorFlow's C++ start-up chatter (oneDNN, CUDA probes) is not for users.
export TF_CPP_MIN_LOG_LEVEL ?= 3

.PHONY: demo test lint format docs bench clean

$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[pandas,plot]"
	touch $@

$(VENV)/.test: $(VENV)/.base
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

$(VENV)/.docs: $(VENV)/.base
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $@

demo: $(VENV)/.base
	$(BIN)/skrnn demo

test: $(VENV)/.test
	$(BIN)/python -m pytest

lint: $(VENV)/.test
	$(BIN)/ruff check skrnn tests examples
	$(BIN)/ruff format --check skrnn tests examples

format: $(VENV)/.test
	$(BIN)/ruff check --fix skrnn tests examples
	$(BIN)/ruff format skrnn tests examples

docs: $(VENV)/.docs
	$(BIN)/sphinx-build -W -b html docs docs/_build/html

clean:
	rm -rf $(VENV) docs/_build docs/generated docs/auto_examples
