# clients/web (@phonepass/web: the state machine, phone helpers and
# <phonepass-sign-in>). Included by the Makefile.
#
# setup-clients-web installs its npm packages from the lock file (again only
# when it changes) and builds dist/ with tsc (again only when a source
# changes); examples/web depends on it (file:../../clients/web). Without
# npm it fails in CI and skips elsewhere.
#
# test-clients-web runs its node --test suite: unit tests, the state machine
# against local pools it starts (go build ./cmd/localpool), npm pack's
# contents, the size budget and a TypeScript consumer.

CLIENTS_WEB_DIR := clients/web
CLIENTS_WEB_SRC := $(wildcard $(CLIENTS_WEB_DIR)/src/*.ts $(CLIENTS_WEB_DIR)/src/i18n/*.ts) $(CLIENTS_WEB_DIR)/tsconfig.json

SETUP_TARGETS += setup-clients-web
TEST_TARGETS  += test-clients-web

.PHONY: setup-clients-web test-clients-web

setup-clients-web: $(CLIENTS_WEB_DIR)/dist/index.js

$(CLIENTS_WEB_DIR)/node_modules/.package-lock.json: $(CLIENTS_WEB_DIR)/package-lock.json
	@if ! command -v npm >/dev/null; then \
		echo "setup-clients-web: npm is missing: install Node.js 20+ and npm" >&2; \
		if [ "$$CI" = "true" ]; then exit 1; fi; \
	else \
		echo "setup-clients-web: npm ci in $(CLIENTS_WEB_DIR)"; \
		cd $(CLIENTS_WEB_DIR) && npm ci --no-audit --no-fund --loglevel=error; \
	fi

$(CLIENTS_WEB_DIR)/dist/index.js: $(CLIENTS_WEB_DIR)/node_modules/.package-lock.json $(CLIENTS_WEB_SRC)
	@if [ -d $(CLIENTS_WEB_DIR)/node_modules ]; then \
		echo "setup-clients-web: building $(CLIENTS_WEB_DIR)/dist"; \
		cd $(CLIENTS_WEB_DIR) && npm run build --silent; \
	fi

test-clients-web: setup-clients-web
	@if ! command -v node >/dev/null || [ ! -f $(CLIENTS_WEB_DIR)/dist/index.js ]; then \
		echo "test-clients-web: SKIP: node, npm or $(CLIENTS_WEB_DIR)/dist is missing (make setup-clients-web)" >&2; \
		if [ "$$CI" = "true" ]; then exit 1; fi; \
	else \
		cd $(CLIENTS_WEB_DIR) && npm test --silent; \
	fi
