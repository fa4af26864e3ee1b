# The two commands of the README: `make run` starts the app, `make test` runs the whole suite.
# Each creates .venv and installs what it needs; `make test` also installs the Debian packages the real-part
# tests use (tmux, dbus, gnome-keyring, libsecret-tools) when they are missing and it runs as root.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run check static test test-unit test-ui test-e2e test-interop system-deps bench mutants clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/qwen-tui

system-deps:
	bash .ci/system-deps

# Static checks alone: ruff (style, imports, likely bugs), mypy (strict on qwen_tui.core, the defaults on the
# rest), the size limits (no module over 450 lines, no function over 60), the headless-core contract.
check: static
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider tests/unit/test_core_is_headless.py

static: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/python -m tests.code_size

# The suite runs in PYTEST_WORKERS processes (pytest-xdist): most tests wait on servers, terminals and
# subprocesses, so more workers than CPUs pays off; work-stealing evens out the few slow tests.
PYTEST_WORKERS ?= 4

# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set: every worker collects the whole suite, and
# without the cache each one parses and rewrites every test module's asserts again (~7 s of CPU per worker,
# measured: collection 10.6 → 3.9 CPU-s per process once cached).
# `static` rather than `check`: the headless-core contract is a test of the suite, run there once (~3.5 CPU-s
# and a pytest start saved; it ran twice).
test: $(STAMP) system-deps static
	PYTHONDONTWRITEBYTECODE= $(VENV)/bin/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal --durations=15

test-unit: $(STAMP)
	$(VENV)/bin/python -m pytest tests/unit

test-ui: $(STAMP)
	$(VENV)/bin/python -m pytest tests/ui

test-e2e: $(STAMP) system-deps
	$(VENV)/bin/python -m pytest tests/e2e

test-interop: $(STAMP)
	$(VENV)/bin/python -m pytest tests/interop

bench: $(STAMP) system-deps
	$(VENV)/bin/python bench/run.py

# Mutation testing of the security-critical core ([tool.mutmut] in pyproject.toml): long, never part of `make test`.
# Niced, two workers; `MODULE=dotenv` (a module under qwen_tui/core) runs one module. Results stay in mutants/.
# Its own venv: mutmut brings click, with which httpx imports rich (tests/unit/test_core_is_headless.py).
MUTANTS_VENV := .venv-mutants
MODULE ?=
mutants:
	test -x $(MUTANTS_VENV)/bin/mutmut || ($(PYTHON) -m venv $(MUTANTS_VENV) && \
		$(MUTANTS_VENV)/bin/python -m pip install --quiet -e '.[test,mutants]')
	nice -n 15 $(MUTANTS_VENV)/bin/mutmut run --max-children 2 $(if $(MODULE),"qwen_tui.core.$(MODULE).*")
	$(MUTANTS_VENV)/bin/python tests/mutation_scores.py

clean:
	rm -rf $(VENV) $(MUTANTS_VENV) dist build .pytest_cache .cache mutants
