#!/usr/bin/env bash
# Rewrites scripts/requirements.txt from scripts/requirements.in: every
# package the tools pull in, at an exact version, with the hashes of all its
# files on PyPI, for every Python from 3.10 (the SAM CLI's oldest) on any
# platform. Run it after changing requirements.in, then `make setup`, which
# reinstalls .venv because the lock file changed. It uses uv's resolver from
# PyPI in a scratch virtual environment and changes nothing else.
set -euo pipefail
cd "$(dirname "$0")"

UV_VERSION=0.13.10
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install -q --disable-pip-version-check "uv==$UV_VERSION"
"$scratch/venv/bin/uv" pip compile --quiet --universal --python-version 3.10 --generate-hashes \
	--custom-compile-command scripts/update-python-pins.sh -o requirements.txt requirements.in
echo "update-python-pins: wrote scripts/requirements.txt ($(grep -c '^[a-z0-9]' requirements.txt) packages)"
