# Benchmarks and the performance budget (issue 6): the library is
# internal/bench, the command bench/cmd/phonepass-bench, the results of
# record bench/RESULTS.md. Included by the Makefile. `make bench` is the one
# command: it builds the deployed arm64 bootstrap (for its size), one for
# this machine with the same flags (to run) and the cold-start baseline, a
# do-nothing aws-lambda-go function (internal/bench/nothing) with the same
# flags again, then runs bench/cmd/phonepass-bench, which prints the results
# table and writes it to bench/out/results.md. BENCH_FLAGS passes flags to
# it, e.g. `make bench BENCH_FLAGS=-quick`. Its load run is followed by the
# same load against moto's Cognito (python -m moto.server from .venv),
# reported beside it with the ratio; BENCH_FLAGS=-skip-moto leaves it out,
# and without moto the table says so instead.
#
# The production path (issue 20) runs sign-ins on bench/out/bootstrap with
# moto's SNS and DynamoDB behind a proxy that adds 10 ms to every call, and
# in turn the same on a bootstrap built the same way from BENCH_BEFORE, the
# commit that was main when issue 20 measured 5, 2 and 4 calls one after
# another (git archive into bench/out/before-src; its modules come from the
# Go module proxy like ours). BENCH_BEFORE= (empty) leaves it out.
#
# Benchmarks are not part of `make test`; bench-smoke is: it runs every Go
# benchmark of the module once (-benchtime=1x) so that they keep compiling
# and working. It starts no moto: the comparison is make bench's alone.

BENCH_HOST_BIN    := bench/out/bootstrap
BENCH_NOTHING_BIN := bench/out/nothing
BENCH_HOSTENV     := CGO_ENABLED=0 GOOS=linux GOARCH=$$($(GO) env GOHOSTARCH)
BENCH_FLAGS       ?=
BENCH_BEFORE      ?= 763fdb4
BENCH_BEFORE_SRC  := bench/out/before-src
BENCH_BEFORE_BIN  := bench/out/before-bootstrap

TEST_TARGETS += bench-smoke

.PHONY: bench bench-host bench-before bench-smoke

bench-host:
	$(BENCH_HOSTENV) $(GO) build $(BUILDARGS) -o $(BENCH_HOST_BIN) .
	$(BENCH_HOSTENV) $(GO) build $(BUILDARGS) -o $(BENCH_NOTHING_BIN) ./internal/bench/nothing

bench-before:
ifneq ($(BENCH_BEFORE),)
	rm -rf $(BENCH_BEFORE_SRC) && mkdir -p $(BENCH_BEFORE_SRC)
	git archive $(BENCH_BEFORE) | tar -x -C $(BENCH_BEFORE_SRC)
	cd $(BENCH_BEFORE_SRC) && $(BENCH_HOSTENV) $(GO) build $(BUILDARGS) -o $(CURDIR)/$(BENCH_BEFORE_BIN) .
endif

bench: build bench-host bench-before
	$(GO) run ./bench/cmd/phonepass-bench -arm64 build/bootstrap -host $(BENCH_HOST_BIN) -nothing $(BENCH_NOTHING_BIN) \
		$(if $(BENCH_BEFORE),-before $(BENCH_BEFORE_BIN) -before-rev $(BENCH_BEFORE)) -out bench/out/results.md $(BENCH_FLAGS)

bench-smoke:
	$(GO) test -count=1 -run=NONE -bench=. -benchtime=1x ./...
