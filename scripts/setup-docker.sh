#!/usr/bin/env bash
# Makes a Docker engine that runs arm64 Lambda containers, for the tests of
# `sam local invoke` and `sam local start-lambda`:
#   1. the engine: when `docker info` fails, installs Debian's docker.io if
#      dockerd is missing and starts dockerd in the background (as root);
#   2. arm64 emulation, on a machine that is not arm64: Debian's
#      qemu-user-static and binfmt-support, binfmt_misc mounted, qemu-aarch64
#      enabled;
#   3. the stand-in base image (scripts/lambda-standin.sh).
# It exits non-zero, saying what is missing, when one of them cannot be had.
set -euo pipefail
cd "$(dirname "$0")/.."

log=${TMPDIR:-/tmp}/phonepass-dockerd.log

fail() {
	echo "setup-docker: $*" >&2
	exit 1
}

# dockerd runs without its userland proxy: with the proxy a published port
# accepts connections before the container listens, and the SAM CLI, which
# waits for the port and then gives the emulator three tries within 0.7 s,
# gives up on an emulator that takes a second to start under qemu.
start_engine() {
	[ "$(id -u)" = 0 ] || fail "the Docker engine is not running and starting it needs root: start dockerd (with --userland-proxy=false when emulating arm64), or run make setup as root"
	command -v dockerd >/dev/null || bash scripts/apt-install.sh docker.io || fail "could not install Debian's docker.io"
	command -v docker >/dev/null || fail "dockerd is installed but the docker command is not"
	echo "setup-docker: starting dockerd (log: $log)"
	nohup dockerd --userland-proxy=false >"$log" 2>&1 &
	for _ in $(seq 1 60); do
		docker info >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	fail "dockerd did not answer within 30 s; see $log"
}

if docker info >/dev/null 2>&1; then
	echo "setup-docker: the Docker engine is running"
else
	start_engine
fi

case "$(uname -m)" in
aarch64 | arm64) echo "setup-docker: this machine is arm64: no emulation needed" ;;
*)
	entry=/proc/sys/fs/binfmt_misc/qemu-aarch64
	if ! grep -qs '^enabled' "$entry"; then
		[ "$(id -u)" = 0 ] || fail "arm64 emulation is off and turning it on needs root: run make setup as root"
		bash scripts/apt-install.sh qemu-user-static binfmt-support || fail "could not install Debian's qemu-user-static and binfmt-support"
		[ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc ||
			fail "could not mount binfmt_misc on /proc/sys/fs/binfmt_misc"
		update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
		grep -qs '^enabled' "$entry" || fail "qemu-aarch64 is not registered with binfmt_misc ($entry)"
	fi
	# F: the kernel opens the interpreter now, so it works inside containers.
	grep -qs '^flags:.*F' "$entry" || fail "qemu-aarch64's binfmt entry lacks the F flag, so containers cannot use it; reinstall qemu-user-static"
	echo "setup-docker: arm64 emulation by qemu-aarch64 is on"
	;;
esac

bash scripts/lambda-standin.sh
