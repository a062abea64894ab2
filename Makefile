# REMAP — the two commands a new machine needs: `make run` and `make test`.
# Each first installs whatever is missing (scripts/setup.sh), so both work on a fresh
# Debian/Ubuntu machine with Rust and Node.js.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# One target directory outside the clone, so a fresh clone on the same machine (CI) reuses
# what an earlier build compiled. Nothing relies on it: a cold build works the same way.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/remap/target

.PHONY: run test setup ui test-rust test-ui lint bench

## Start the desktop app (builds the UI and the app first).
run: setup ui
	cargo run -p remap-app

## Everything CI checks: formatting, the UI's type check and unit tests, every Rust test, clippy.
test: setup ui
	cargo fmt --all --check
	npm --prefix ui run check
	npm --prefix ui test
	cargo test --workspace
	cargo clippy --workspace --all-targets -- -D warnings
	@echo "make test: all checks passed"

setup:
	@./scripts/setup.sh

ui:
	npm --prefix ui run build

## Criterion benchmarks of the libraries (tables printed by each bench).
bench: setup
	cargo bench -p remap-sampling -p remap-metrics
