#!/usr/bin/env bash
# Installs Debian packages that are missing: apt-install.sh PACKAGE...
# Packages already installed are left alone, so a warm machine asks apt
# nothing. As root it runs apt-get; otherwise through sudo. It fails (exit 1)
# when apt-get is missing or an install fails; the caller decides whether
# that fails the set-up (with CI=true) or only skips the tests that need it.
set -euo pipefail

want=()
for pkg in "$@"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || want+=("$pkg")
done
((${#want[@]})) || exit 0

if ! command -v apt-get >/dev/null; then
	echo "apt-install: apt-get is missing: install ${want[*]} with your package manager" >&2
	exit 1
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
	if ! command -v sudo >/dev/null; then
		echo "apt-install: not root and no sudo: install ${want[*]} as root" >&2
		exit 1
	fi
	sudo=(sudo)
fi
echo "apt-install: installing Debian's ${want[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${want[@]}" >/dev/null
