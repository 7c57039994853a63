#!/usr/bin/env bash
# Builds the stand-in for SAM's base image (see lambda-standin/Dockerfile)
# under the name SAM looks for, from Debian's busybox-static for arm64,
# when no image of that name is here. A real image of that name, pulled
# from the registry, is never replaced. Never pulls anything. Then it runs
# the image once to prove that this machine runs arm64 containers.
set -euo pipefail
cd "$(dirname "$0")"

image=public.ecr.aws/lambda/provided:al2023-arm64
version=1 # the io.phonepass.stand-in label; raise it when the Dockerfile changes

fail() {
	echo "lambda-standin: $*" >&2
	exit 1
}

label=absent
if docker image inspect "$image" >/dev/null 2>&1; then
	label=$(docker image inspect --format '{{with .Config.Labels}}{{index . "io.phonepass.stand-in"}}{{end}}' "$image")
fi
case "$label" in
"$version") echo "lambda-standin: $image is the stand-in, version $version" ;;
absent | [0-9]*) # none yet, or an older stand-in
	echo "lambda-standin: building the stand-in $image from Debian's busybox-static:arm64"
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	# A private package list for arm64, so that the machine's own apt and
	# dpkg (their architectures, their lists) are left as they are.
	apt=(apt-get -qq -o APT::Architecture=arm64 -o APT::Architectures=arm64
		-o Dir::State::Lists="$work/lists" -o Dir::Cache="$work/cache" -o Dir::State::status=/dev/null -o APT::Sandbox::User=root)
	mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
	"${apt[@]}" update || fail "could not read Debian's arm64 package lists"
	(cd "$work" && "${apt[@]}" download busybox-static:arm64 2>/dev/null) || fail "could not download busybox-static:arm64"
	root="$work/rootfs"
	mkdir -p "$root"
	dpkg-deb -x "$work"/busybox-static_*_arm64.deb "$root"
	for cmd in sh mv chmod cp rm ls cat mkdir ln env uname; do ln -s busybox "$root/bin/$cmd"; done
	mkdir -p "$root"/{tmp,var/task,var/runtime,var/rapid,opt,etc}
	chmod 1777 "$root/tmp"
	tar --owner=0 --group=0 -C "$root" -cf "$work/rootfs.tar" .
	cp lambda-standin/Dockerfile "$work/"
	# The classic builder: no BuildKit or buildx needed, and --pull=false
	# as FROM scratch pulls nothing anyway.
	out=$(DOCKER_BUILDKIT=0 docker build --quiet --pull=false --platform linux/arm64 -t "$image" "$work" 2>&1) ||
		fail "docker build of the stand-in failed: $out"
	# SAM's own image made from an older base would be used as it is.
	docker rmi --force "${image%-arm64}-rapid-arm64" >/dev/null 2>&1 || true
	;;
*) echo "lambda-standin: $image is a real image (not the stand-in); leaving it" ;;
esac

arch=$(docker image inspect --format '{{.Architecture}}' "$image")
[ "$arch" = arm64 ] || fail "$image is for $arch, want arm64"
got=$(docker run --rm --platform linux/arm64 --network none --entrypoint /bin/sh "$image" -c 'uname -m' 2>&1) ||
	fail "this machine cannot run arm64 containers: $got"
[ "$got" = aarch64 ] || fail "an arm64 container says it runs on $got"
echo "lambda-standin: arm64 containers run here"
