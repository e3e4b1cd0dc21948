# The two commands: `make demo` (a headless mock interview) and `make test` (the test suite).
# Both run the idempotent `make setup` first; on a warm machine it takes a few seconds.

VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test bench lint clean-venv

setup:
	@bash scripts/setup.sh

demo: setup
	$(BIN)/recruiter rehearse

test: setup
	$(BIN)/mypy
	$(BIN)/pytest

bench: setup
	$(BIN)/python -m bench.latency
	$(BIN)/python -m bench.perception
	$(BIN)/python -m bench.room_latency
	$(BIN)/python -m bench.validity

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

clean-venv:
	rm -rf $(VENV)
