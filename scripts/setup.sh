#!/usr/bin/env bash
# Installs what `make test` needs and is missing; quick when all is there.
# Go modules come from the Go module proxy, JavaScript packages from npm
# (lock files committed), the browser from Debian. Python tools (moto,
# cfn-lint) are expected preinstalled; tests that need them fail in CI and
# skip elsewhere when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "setup: go modules"
go mod download

for py in "moto.server:moto[server]" "cfnlint:cfn-lint" "samtranslator:aws-sam-translator"; do
	mod=${py%%:*} pkg=${py#*:}
	if ! python3 -c "import $mod" 2>/dev/null; then
		echo "setup: python module $mod missing; trying pip install '$pkg'" >&2
		pip install --quiet "$pkg" || echo "setup: could not install $pkg; tests needing it will fail in CI" >&2
	fi
done
