# poboard build and test targets. `make run` opens the board on a local
# database with the simulated warehouse; `make test` runs every test.

GO ?= go
BIN := bin/poboard
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: build run test test-short bench bench-compare lint fmt clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) .

run: build
	./$(BIN)

test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

test-short:
	$(GO) test -count=1 ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 3x ./...

BENCH_LINES ?= 1000000
BENCH_RUNS ?= 5

# Compares `poboard import orders` with sqlite3, and poboard's forecasts
# with R's forecast package; installs the tools with apt-get when missing.
# Each tool is checked on its own: `command -v a b` succeeds when only b is found.
bench-compare:
	@missing=; \
	for tool in sqlite3 hyperfine bc Rscript /usr/bin/time; do \
		command -v $$tool >/dev/null 2>&1 || missing=yes; \
	done; \
	Rscript -e 'library(forecast)' >/dev/null 2>&1 || missing=yes; \
	if [ -n "$$missing" ]; then \
		apt-get update -qq && apt-get install -y -qq --no-install-recommends \
			sqlite3 hyperfine time bc r-base-core r-cran-forecast; \
	fi
	bash bench/forecast_compare.sh $(BENCH_LINES) $(BENCH_RUNS)
	bash bench/forecast_compare_r.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin
