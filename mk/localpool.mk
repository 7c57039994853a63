# cmd/localpool (the local Cognito user pool) and tests/clients (its tests
# with the real aws-amplify v6, amazon-cognito-identity-js and
# aws-jwt-verify). Included by the Makefile.
#
# The client tests run inside `go test` (cmd/localpool's TestNodeClients
# starts the pool in-process on a free port and runs `node --test`), so
# gotest covers them; test-clients runs just them.

CLIENTS_DIR := tests/clients

SETUP_TARGETS += setup-clients

.PHONY: setup-clients test-clients localpool

# setup-clients installs the client tests' npm packages from the lock file,
# again only when the lock file changed. Without npm it fails in CI.
setup-clients: $(CLIENTS_DIR)/node_modules/.package-lock.json

$(CLIENTS_DIR)/node_modules/.package-lock.json: $(CLIENTS_DIR)/package-lock.json
	@if ! command -v npm >/dev/null; then \
		echo "setup-clients: npm is missing: install Node.js 20+ and npm" >&2; \
		if [ "$$CI" = "true" ]; then exit 1; fi; \
	else \
		echo "setup-clients: npm ci in $(CLIENTS_DIR)"; \
		cd $(CLIENTS_DIR) && npm ci --no-audit --no-fund --loglevel=error; \
	fi

# test-clients runs the Node client tests against a freshly started pool.
test-clients: setup-clients
	$(GO) test -race -count=1 -run 'TestNodeClients' -v ./cmd/localpool

# localpool starts the local user pool (the README's first command).
localpool:
	$(GO) run ./cmd/localpool
