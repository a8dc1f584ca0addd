# Every target bootstraps .venv itself, so a fresh clone needs only Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench fuzz clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The sample story through the reference application, 60 simulated days and their KPIs, then
# the conformance suite in both directions against the embedded references (the HTML reports'
# paths are printed), and a small capacity plan (3 replications of 120 days) with its report.
run: $(STAMP)
	$(BIN)/vsb run
	$(BIN)/vsb simulate --days 60 --out out/simulation-60d
	$(BIN)/vsb certify central --quiet --report out/certify-central
	$(BIN)/vsb certify mbe --quiet --report out/certify-mbe
	$(BIN)/vsb plan --days 120 --replications 3 --out out/plan-120d

# On every core of the machine (pytest-xdist; work stealing, so that no core idles while the other
# still holds a queue of slow conformance runs); `$(BIN)/pytest` alone runs the same tests in one process.
test: $(STAMP)
	$(BIN)/pytest -n auto --dist worksteal

lint: $(STAMP)
	$(BIN)/ruff format --check vsb simulator conformance tests benchmarks
	$(BIN)/ruff check vsb simulator conformance tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# Schemathesis with every check, positive and negative data and every phase against a fresh
# `vsb serve` (test control behind a token): at least 10,000 cases; prints the cases, the server
# errors and the responses that contradict the OpenAPI document (exit 1 unless 0 and 0).
FUZZ_EXAMPLES ?= 500
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz --max-examples $(FUZZ_EXAMPLES) --min-cases 10000 --out out/fuzz

clean:
	rm -rf $(VENV) build *.egg-info
