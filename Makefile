# The documented commands: `make report`, `make test`, `make lab`, `make bench`, `make upgrade`,
# `make function-model`.
# Installs come from requirements.lock (exact versions and hashes, made from pyproject.toml by
# uv), so a fresh clone gets what CI tested. `make upgrade` makes a new lock and runs the tests.
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
UV_VERSION := 0.13.9
CORPUS ?= corpus
OUT ?= reports
# The same OpenBLAS kernels (NumPy, SciPy) on every x86-64 machine with AVX2 and FMA, as the
# package sets them when it is imported first (src/analysis/__init__.py): notebooks import
# pandas, so NumPy, before it. Other kernels sum in another order and change outputs in their
# last digits.
ifneq ($(shell grep -qsw avx2 /proc/cpuinfo && grep -qsw fma /proc/cpuinfo && echo yes),)
export OPENBLAS_CORETYPE ?= Haswell
endif

.PHONY: report test lab bench lint upgrade function-model clean

$(STAMP): $(LOCK) pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11, 3.12 or 3.13 is needed: install one or run 'make PYTHON=/path/to/python3.11'" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -c 'from analysis.compiled import compile_all; compile_all()'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/analysis report $(CORPUS) --out $(OUT)

# Two workers (pytest-xdist), a test file or notebook each at a time: a notebook's cells run in
# order in one kernel, and a file's tests share its fixtures.
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadscope --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider tests notebooks

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/ruff format --check src tests benchmarks

# The default function classifier (constat, frein, proposition...) ships inside the package:
# retrain it after changing corpus/annotations.csv or tests/data/roles/real-labelled.csv, then
# commit src/analysis/data/function_model.json
function-model: $(STAMP)
	$(BIN)/python -m analysis.roles.model

# A new lock of the newest versions pyproject.toml allows, installed and tested: commit the
# lock only when `make test` passes on it.
upgrade: $(STAMP)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --no-emit-package concertation-workbook --upgrade -o $(LOCK)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	touch $(STAMP)
	$(MAKE) test

clean:
	rm -rf $(VENV) $(OUT) .cache
