# phonepass build and test entry points. `make test` is the one test command
# (README, .ci/run); it installs what it needs first (scripts/setup.sh).

GO        ?= go
GOARCH    ?= arm64
LDFLAGS   := -s -w
BUILDENV  := CGO_ENABLED=0 GOOS=linux GOARCH=$(GOARCH)
BUILDARGS := -tags lambda.norpc -trimpath -ldflags "$(LDFLAGS)"

.PHONY: all build test setup lint gotest dev clean build-PhonepassFunction

# Parts of the project add their own set-up and test steps in mk/*.mk by
# appending to these lists; `make test` runs them all, set-up first.
SETUP_TARGETS := setup-base
TEST_TARGETS  := gotest

all: build

# build writes the arm64 Lambda binary for provided.al2023 to build/bootstrap.
build:
	$(BUILDENV) $(GO) build $(BUILDARGS) -o build/bootstrap .

# build-PhonepassFunction is called by `sam build` (BuildMethod: makefile),
# which sets ARTIFACTS_DIR; without it the binary would go to /bootstrap.
build-PhonepassFunction:
	$(if $(strip $(ARTIFACTS_DIR)),,$(error build-PhonepassFunction is for sam build, which sets ARTIFACTS_DIR; run sam build, or make build for build/bootstrap))
	$(BUILDENV) $(GO) build $(BUILDARGS) -o $(ARTIFACTS_DIR)/bootstrap .

setup-base:
	bash scripts/setup.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi
	$(GO) vet ./...

gotest:
	$(GO) test -race -count=1 ./...

-include mk/*.mk

setup: $(SETUP_TARGETS)

test: setup lint $(TEST_TARGETS)

clean:
	rm -rf build .aws-sam
