# bench/: benchmarks and the performance budget (issue 6). Included by the
# Makefile. `make bench` is the one command: it builds the deployed arm64
# bootstrap (for its size) and one for this machine with the same flags (to
# run), then runs bench/cmd/phonepass-bench, which prints the results table
# and writes it to bench/out/results.md. BENCH_FLAGS passes flags to it,
# e.g. `make bench BENCH_FLAGS=-quick`.
#
# Benchmarks are not part of `make test`; bench-smoke is: it runs every Go
# benchmark once (-benchtime=1x) so that they keep compiling and working.

BENCH_HOST_BIN := bench/out/bootstrap
BENCH_FLAGS    ?=

TEST_TARGETS += bench-smoke

.PHONY: bench bench-host bench-smoke

bench-host:
	CGO_ENABLED=0 GOOS=linux GOARCH=$$($(GO) env GOHOSTARCH) $(GO) build $(BUILDARGS) -o $(BENCH_HOST_BIN) .

bench: build bench-host
	$(GO) run ./bench/cmd/phonepass-bench -arm64 build/bootstrap -host $(BENCH_HOST_BIN) -out bench/out/results.md $(BENCH_FLAGS)

bench-smoke:
	$(GO) test -count=1 -run=NONE -bench=. -benchtime=1x ./triggers/ ./bench/
