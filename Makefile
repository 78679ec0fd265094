# The two commands a newcomer needs: `make demo` and `make test`.
# Each creates .venv with the machine's python3 and installs what it needs.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# TensorFlow's C++ start-up chatter (oneDNN, CUDA probes) is not for users.
export TF_CPP_MIN_LOG_LEVEL ?= 3

.PHONY: demo test lint format docs docs-check bench clean

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

$(VENV)/.bench: $(VENV)/.base
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	touch $@

# The peer library (skforecast) pins pandas below 3, so it gets its own
# environment, with the Keras and TensorFlow versions of .venv.
PEER := benchmarks/.venv-peer
$(PEER)/.stamp: $(VENV)/.base
	$(PYTHON) -m venv $(PEER)
	$(PEER)/bin/python -m pip install --quiet --upgrade pip
	$(PEER)/bin/python -m pip install --quiet skforecast matplotlib \
		$$($(BIN)/python -m pip freeze | grep -iE '^(keras|tensorflow)==')
	touch $@

# statsforecast (AutoETS, Theta) for the M-competition benchmark: numpy,
# pandas and numba only, no skrnn and no Keras, so its own environment.
STATS := benchmarks/.venv-stats
$(STATS)/.stamp:
	$(PYTHON) -m venv $(STATS)
	$(STATS)/bin/python -m pip install --quiet --upgrade pip
	$(STATS)/bin/python -m pip install --quiet "statsforecast>=2"
	touch $@

demo: $(VENV)/.base
	$(BIN)/skrnn demo

# One worker process per core: most tests wait on Python and tracing, not
# on arithmetic, so two workers on two cores cut the time by about 40%.
# One TensorFlow thread per test worker: the workers already fill the cores,
# and the tests' tiny models gain nothing from more (measured 10% faster).
# Work stealing: a worker that runs out takes the other's queued tests, so
# the run does not end on one worker's long tail (8:54 against 9:39).
test: $(VENV)/.test
	TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 $(BIN)/python -m pytest -n auto --dist worksteal

lint: $(VENV)/.test
	$(BIN)/ruff check skrnn tests examples benchmarks
	$(BIN)/ruff format --check skrnn tests examples benchmarks

format: $(VENV)/.test
	$(BIN)/ruff check --fix skrnn tests examples benchmarks
	$(BIN)/ruff format skrnn tests examples benchmarks

docs: $(VENV)/.docs
	$(BIN)/sphinx-build -W -b html docs docs/_build/html

# What CI builds: every page, the gallery without running its examples
# (the tests run each example with few epochs).
docs-check: $(VENV)/.docs
	$(BIN)/sphinx-build -W -b html -D plot_gallery=0 docs docs/_build/html-check

# Not part of `make test`: benchmarks print ratios, they are not timed tests.
bench: $(VENV)/.bench
	$(MAKE) $(PEER)/.stamp || echo "skforecast not installable: no peer benchmark"
	$(MAKE) $(STATS)/.stamp || echo "statsforecast not installable: no statistical peers"
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) $(PEER) $(STATS) docs/_build docs/generated docs/auto_examples
