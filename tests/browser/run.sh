#!/usr/bin/env bash
# Runs the browser tests end to end (the example page, signin.test.js, and
# <phonepass-sign-in> on its element.html, element.test.js): builds examples/web, starts the local
# pool in memory on a free loopback port serving the built page (resends
# allowed at once), runs the playwright-core test in Debian's chromium, and
# stops the pool. A missing node or chromium fails when CI=true and skips
# otherwise. The pool's output goes to test-artifacts/browser/localpool.log.
set -euo pipefail
cd "$(dirname "$0")/../.."

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
ART=test-artifacts/browser

missing() {
	if [ "${CI:-}" = "true" ]; then
		echo "test-web: FAIL: $1" >&2
		exit 1
	fi
	echo "test-web: SKIP: $1 (skipped outside CI)" >&2
	exit 0
}

command -v node >/dev/null || missing "node is not installed (apt-get install nodejs npm)"
command -v npm >/dev/null || missing "npm is not installed (apt-get install npm)"
[ -x "$CHROMIUM" ] || missing "$CHROMIUM is missing (make setup installs Debian's chromium)"
[ -d examples/web/node_modules ] || missing "examples/web/node_modules is missing (make setup runs npm ci)"
[ -d tests/browser/node_modules ] || missing "tests/browser/node_modules is missing (make setup runs npm ci)"
ls cmd/localpool/*.go >/dev/null 2>&1 || missing "cmd/localpool is not in this checkout"

mkdir -p "$ART"
rm -f "$ART"/*.png

echo "test-web: unit tests of the page's helpers"
(cd examples/web && npm test --silent)

echo "test-web: building the page"
(cd examples/web && npm run build --silent)

work=$(mktemp -d)
pool_pid=""
cleanup() {
	if [ -n "$pool_pid" ]; then
		kill "$pool_pid" 2>/dev/null || true
		wait "$pool_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "test-web: building the local pool"
go build -o "$work/localpool" ./cmd/localpool

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
url="http://127.0.0.1:$port"
PHONEPASS_RESEND_INTERVAL=0s "$work/localpool" --addr "127.0.0.1:$port" --in-memory --web examples/web/dist \
	>"$ART/localpool.log" 2>&1 &
pool_pid=$!

for _ in $(seq 1 100); do # up to 10 s
	if curl -fsS -o /dev/null "$url/_local/outbox" 2>/dev/null; then
		break
	fi
	if ! kill -0 "$pool_pid" 2>/dev/null; then
		echo "test-web: the local pool exited; its log:" >&2
		cat "$ART/localpool.log" >&2
		exit 1
	fi
	sleep 0.1
done
curl -fsS -o /dev/null "$url/_local/outbox" || { echo "test-web: the local pool did not answer on $url" >&2; exit 1; }

echo "test-web: browser test against $url"
(cd tests/browser && PHONEPASS_URL="$url" CHROMIUM="$CHROMIUM" npm test --silent)
echo "test-web: screenshots in $ART/"
