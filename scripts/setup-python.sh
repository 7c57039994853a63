#!/usr/bin/env bash
# Makes the project's Python virtual environment, .venv at the repository's
# root (ignored by git), from scripts/requirements.txt: exact versions with
# hashes (pip --require-hashes), nothing taken from the machine's own Python
# packages. It does the work again only when requirements.txt or python3
# changed (.venv/requirements.sha256 records both), so a warm run takes a
# moment. The tests run the tools from .venv/bin, never from PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
lock=scripts/requirements.txt

py=$(command -v python3 || true)
if [ -z "$py" ]; then
	echo "setup-python: python3 is missing: install Python 3.10 or newer (apt-get install python3 python3-venv)" >&2
	exit 1
fi
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
	echo "setup-python: $("$py" --version) is too old: the SAM CLI needs Python 3.10 or newer" >&2
	exit 1
fi

stamp="$(sha256sum "$lock" | cut -d' ' -f1) $("$py" -c 'import sys; print(sys.version.split()[0])')"
if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/requirements.sha256" 2>/dev/null)" = "$stamp" ]; then
	echo "setup-python: $venv is up to date with $lock"
	exit 0
fi

echo "setup-python: making $venv from $lock (a minute or two the first time)"
rm -rf "$venv"
if ! "$py" -m venv "$venv" 2>/dev/null; then
	# Debian's python3 keeps venv's pip (ensurepip) in another package.
	rm -rf "$venv"
	bash scripts/apt-install.sh "python3-venv"
	"$py" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
	--require-hashes --no-deps -r "$lock"
"$venv/bin/python" -m pip check --disable-pip-version-check >/dev/null
echo "$stamp" >"$venv/requirements.sha256"
echo "setup-python: $venv has $("$venv/bin/sam" --version), moto $("$venv/bin/python" -c 'import moto; print(moto.__version__)'), cfn-lint $("$venv/bin/cfn-lint" --version | cut -d' ' -f2)"
