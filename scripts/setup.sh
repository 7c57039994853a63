#!/usr/bin/env bash
# Installs what `make test` needs and is missing; quick when all is there.
# Go modules come from the Go module proxy (aws-lambda-rie among them, a
# tool dependency in go.mod); the Python tools from PyPI into .venv
# (setup-python.sh); a Docker engine that runs arm64 Lambda containers and
# the stand-in base image from Debian's packages (setup-docker.sh). The npm
# packages and chromium are set up by mk/*.mk. A step that fails fails the
# set-up when CI=true; elsewhere it is reported, and the tests that need it
# skip saying what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

failed=()
step() {
	local what=$1
	shift
	if ! "$@"; then
		failed+=("$what")
		echo "setup: $what: FAILED (see above)" >&2
	fi
}

echo "setup: go modules"
step "go modules" go mod download
step "Python tools" bash scripts/setup-python.sh
step "Docker engine, arm64 emulation and the SAM base image stand-in" bash scripts/setup-docker.sh

if ((${#failed[@]})); then
	if [[ ${CI:-} == true ]]; then
		echo "setup: CI=true: failed: ${failed[*]}" >&2
		exit 1
	fi
	echo "setup: continuing without: ${failed[*]}; the tests that need them will skip" >&2
fi
