# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# The server binary and the test binaries must agree on the wasm file name
# (leptos reads this at compile time); cargo-leptos sets the same value.
export LEPTOS_OUTPUT_NAME := milepost
# A clean CI build gains nothing from incremental state, which costs gigabytes.
ifdef CI
export CARGO_INCREMENTAL := 0
endif

.PHONY: setup build release run run-with-mail test test-rust test-postgres test-e2e test-schemathesis bench bench-eta bench-page bench-side-by-side fuzz clean

setup:
	@bash scripts/setup.sh

## Every wasm build is split (`--split`): the app hydrates with
## `hydrate_lazy`, so an unsplit build leaves a placeholder module name in the
## JS and no page hydrates. scripts/check_split.py then fails the build if
## any split file name the page or the loader asks for is missing.
build: setup
	cargo leptos build --split
	python3 scripts/check_split.py target/site/pkg

## What a user deploys: optimised wasm, content-hashed file names (a year's
## immutable caching) and every static file precompressed (brotli, gzip).
release: setup
	LEPTOS_HASH_FILES=true cargo leptos build --release --precompress --split
	python3 scripts/check_split.py target/site/pkg $(or $(CARGO_TARGET_DIR),target)/release/hash.txt

## Build for release, migrate ./data/milepost.db, load demo data if empty,
## serve on :3000.
run: release
	MILEPOST_SITE_ROOT=target/site ./target/release/milepost serve --demo

## As `run`, with a local SMTP server (aiosmtpd on :2525) catching the demo's
## notifications as files in data/mail/.
run-with-mail: release
	mkdir -p data/mail
	python3 tests/support/smtp_sink.py 2525 data/mail & SINK=$$!; trap "kill $$SINK" EXIT; \
	MILEPOST_SMTP_URL=smtp://127.0.0.1:2525 MILEPOST_SITE_ROOT=target/site ./target/release/milepost serve --demo

## Every test: unit, property, integration (real HTTP server, on SQLite and
## again on a throwaway PostgreSQL), the API fuzzed against its OpenAPI
## document (schemathesis) and end-to-end (Chromium).
test: setup test-rust test-postgres build test-schemathesis test-e2e

test-rust:
	cargo nextest run --features ssr

## The integration suites (the tests/ binaries) against a real PostgreSQL.
test-postgres:
	bash scripts/with-postgres.sh cargo nextest run --features ssr -E 'kind(test)'

test-e2e:
	bash scripts/e2e.sh

## Every operation of /api/openapi.json, generated valid and invalid requests,
## every schemathesis check; any failure fails. Needs `make build`.
test-schemathesis:
	bash scripts/schemathesis.sh

## Ingest throughput, live fan-out latency, notification delivery, GPS fix ingest,
## CS search on a million orders
## (SQLite, then PostgreSQL with two nodes). Not a test; prints tables.
bench: setup
	cargo build --release --features ssr --bin milepost
	# 10,000 SSE subscribers need that many sockets in the client and the server.
	ulimit -n $$(ulimit -Hn) && cargo bench --features ssr --bench ingest_and_live
	cargo bench --features ssr --bench notifications
	cargo bench --features ssr --bench last_mile
	# Customer-service search over a million generated orders (a few minutes to load).
	cargo bench --features ssr --bench cs_search
	# The KPI dashboard's API over a million generated orders, from the rollups.
	cargo bench --features ssr --bench kpis
	# Customer service's work queue over a million generated orders.
	cargo bench --features ssr --bench work_queue
	# The delivery promise backtest on the Olist slice, through import and the store.
	$(MAKE) bench-eta
	# The tracking page's weight, paint and render times against its budgets.
	$(MAKE) bench-page
	# Side by side with nginx, nginx + nchan and SQLite's raw insert rate (needs `make release`).
	$(MAKE) bench-side-by-side
	# The same on PostgreSQL (fsync on), plus two nodes: posted to one, heard on the other.
	ulimit -n $$(ulimit -Hn) && MILEPOST_PG_DURABLE=1 bash scripts/with-postgres.sh \
	  bash -c 'cargo bench --features ssr --bench ingest_and_live && cargo bench --features ssr --bench last_mile'

## Milepost beside what the machine can do, in one run: the tracking page and
## the not-found page against nginx serving the same bytes (wrk), SSE fan-out
## against nginx + nchan, ingest against SQLite's raw insert rate, the page
## under load with 5,000 open streams, the wasm bundle's size.
bench-side-by-side: release
	bash scripts/setup.sh bench
	ulimit -n $$(ulimit -Hn) && MILEPOST_SITE_ROOT=target/site cargo bench --features ssr --bench side_by_side

## The tracking page as a buyer's phone gets it from the release build:
## bytes on first and repeat visits, first paint and interactive at 4x CPU
## slowdown, server render p50/p99; each against its budget.
bench-page: release
	bash scripts/bench-page.sh

## The delivery promise backtest on the Olist slice in ../shared/data/olist
## (evaluation data, CC BY-NC-SA 4.0: read in place, never copied here):
## imported into a throwaway SQLite database through the normal ingest path,
## then scored month by month for 2017-10..2018-02.
bench-eta:
	cargo build --release --features ssr --bin milepost
	@set -e; DIR=$$(mktemp -d); trap 'rm -rf "$$DIR"' EXIT; \
	export MILEPOST_DATABASE_URL="sqlite:$$DIR/eta.db" MILEPOST_DATA_DIR="$$DIR/data"; \
	./target/release/milepost history import olist ../shared/data/olist --tenant olist --create-tenant; \
	./target/release/milepost backtest --tenant olist --from 2017-10 --to 2018-02

## Ten minutes of libFuzzer on the X12 parser (scripts/fuzz.sh SECONDS for other lengths).
fuzz:
	bash scripts/fuzz.sh 600

clean:
	cargo clean
	rm -rf node_modules end2end/test-results
