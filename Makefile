# REMAP — the two commands a new machine needs: `make run` and `make test`.
# Each first installs whatever is missing (scripts/setup.sh), so both work on a fresh
# Debian/Ubuntu machine with Rust and Node.js.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# One target directory outside the clone, so a fresh clone on the same machine (CI) reuses
# what an earlier build compiled. Nothing relies on it: a cold build works the same way.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/remap/target

.PHONY: run test setup ui ui-e2e lint test-ui test-rust bench package icons bindings

## Start the desktop app (builds the production UI and the app first). The whole workspace is
## built, as the tests build it: building one package unifies dependency features differently
## and would compile burn's stack a second time.
run: setup ui
	cargo build --workspace --bins --examples
	"$(CARGO_TARGET_DIR)/debug/remap-app"

## Everything CI checks.
test: setup lint test-ui test-rust
	@echo "make test: all checks passed"

setup:
	@./scripts/setup.sh

## The app embeds ui/dist when cargo compiles it, and recompiles it when those files change.
## `make run` and `make package` build the production UI right before cargo builds the app;
## the tests' app embeds the test build instead (`ui-e2e`), with the hooks the end-to-end tests
## drive (`window.__remap…`). ui/src/lib/testhooks.test.ts checks the production build has none.
ui:
	npm --prefix ui run build

ui-e2e:
	npm --prefix ui run build:e2e

## clippy compiles the app too (its UI must exist), so it checks the app the tests run.
lint: ui-e2e
	cargo fmt --all --check
	npm --prefix ui run check
	cargo clippy --workspace --all-targets -- -D warnings

test-ui:
	npm --prefix ui test

## Every Rust test; the persistence tests run against SQLite and a throw-away PostgreSQL, the
## scale-out tests submit workers to a throw-away single-node Slurm, and src-tauri/tests/e2e.rs
## drives the real app, built with the test UI, under Xvfb (tests/e2e, screenshots in out/e2e/).
test-rust: ui-e2e
	url=$$(scripts/postgres.sh start); \
	  trap 'scripts/postgres.sh stop >/dev/null; scripts/slurm.sh stop >/dev/null' EXIT; \
	  eval "$$(scripts/slurm.sh start)"; \
	  REMAP_TEST_POSTGRES_URL=$$url REMAP_TEST_SLURM=1 cargo test --workspace

## The Debian package: a release build of the app and the `remap` CLI, bundled by the Tauri CLI
## (npm's @tauri-apps/cli, installed by setup) into out/package/remap_<version>_amd64.deb.
## The release profile compiles every dependency once more (docs/development.md: build times).
package: setup ui
	cargo build --release -p remap-app -p remap-cli
	rm -rf out/package && mkdir -p out/package
	install -m 755 "$(CARGO_TARGET_DIR)/release/remap" out/package/remap
	rm -rf "$(CARGO_TARGET_DIR)/release/bundle/deb"
	ui/node_modules/.bin/tauri bundle --bundles deb --ci
	version=$$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1); \
	  cp "$(CARGO_TARGET_DIR)"/release/bundle/deb/*.deb "out/package/remap_$${version}_amd64.deb"; \
	  dpkg-deb --info "out/package/remap_$${version}_amd64.deb" | sed -n '/Package:/,$$p'; \
	  echo "make package: out/package/remap_$${version}_amd64.deb"

## Regenerate the UI's TypeScript types (ui/src/lib/bindings.ts) from the Rust types that
## cross the IPC boundary; `make test` fails while they differ.
bindings:
	REMAP_WRITE_BINDINGS=1 cargo test -p remap-app --test bindings

## Render the app icon (src-tauri/icons/icon.svg) to the PNG sizes the bundler needs.
icons:
	scripts/icons.sh

## Criterion benchmarks of the libraries (tables printed by each bench).
bench: setup
	cargo bench -p remap-sampling -p remap-metrics -p remap-datasets
