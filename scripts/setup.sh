#!/usr/bin/env bash
# Installs what `make test` needs and is missing; quick when all is there.
# Go modules come from the Go module proxy, JavaScript packages from npm
# (lock files committed), the browser from Debian. The Python tools (moto's
# server, cfn-lint, the SAM translator, PyYAML) are not installed here: this
# checks that python3 has them and says what to install if not. Tests that
# need them skip with a message, and fail in CI, where so does this script.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "setup: go modules"
go mod download

missing=()
for mod in moto.server cfnlint samtranslator yaml; do
	python3 -c "import $mod" 2>/dev/null || missing+=("$mod")
done
if ((${#missing[@]})); then
	echo "setup: python3 cannot import ${missing[*]}; install the Python tools with" >&2
	echo "setup:   pip install 'moto[server]' cfn-lint aws-sam-translator" >&2
	if [[ ${CI:-} == true ]]; then
		echo "setup: CI=true: the tests that need them would fail" >&2
		exit 1
	fi
	echo "setup: continuing; the tests that need them will skip" >&2
fi
