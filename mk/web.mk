# examples/web (the example sign-in page) and tests/browser (its test in
# Debian's chromium, driven by playwright-core). Included by the Makefile.

WEB_DIR     := examples/web
BROWSER_DIR := tests/browser
CHROMIUM    ?= /usr/bin/chromium
DEV_ADDR    ?= 127.0.0.1:9229

SETUP_TARGETS += setup-web
TEST_TARGETS  += test-web

.PHONY: setup-web setup-chromium test-web build-web dev

# setup-web installs the page's and the test's npm packages from their lock
# files (again only when a lock file changed), and Debian's chromium when it
# is missing. No npm package downloads a browser.
setup-web: setup-clients-web $(WEB_DIR)/node_modules/.package-lock.json $(BROWSER_DIR)/node_modules/.package-lock.json setup-chromium

%/node_modules/.package-lock.json: %/package-lock.json
	@if ! command -v npm >/dev/null; then \
		echo "setup-web: npm is missing: install Node.js 20+ and npm" >&2; \
		if [ "$$CI" = "true" ]; then exit 1; fi; \
	else \
		echo "setup-web: npm ci in $*"; \
		cd $* && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error; \
	fi

setup-chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
		bash scripts/apt-install.sh chromium \
		|| { echo "setup-web: could not install chromium" >&2; if [ "$$CI" = "true" ]; then exit 1; fi; }; \
	fi

# test-web builds the page, serves it from the local pool on a free port and
# runs the browser test (tests/browser/run.sh). Screenshots: test-artifacts/browser/.
test-web: setup-clients-web
	CHROMIUM=$(CHROMIUM) bash $(BROWSER_DIR)/run.sh

# build-web builds the page into examples/web/dist.
build-web: setup-clients-web $(WEB_DIR)/node_modules/.package-lock.json
	cd $(WEB_DIR) && npm run build

# dev builds the page and starts the local pool serving it at http://$(DEV_ADDR)/.
dev: build-web
	$(GO) run ./cmd/localpool --addr $(DEV_ADDR) --web $(WEB_DIR)/dist
