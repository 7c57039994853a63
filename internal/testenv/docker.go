package testenv

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

// LambdaBaseImage is the image `sam local` runs a provided.al2023 arm64
// function in. On machines without a registry, `make setup` builds a
// stand-in of that name (scripts/lambda-standin.sh).
const LambdaBaseImage = "public.ecr.aws/lambda/provided:al2023-arm64"

// installDocker says how to get what Docker calls for.
const installDocker = "run `make setup` as root: it installs Debian's docker.io and qemu-user-static, starts dockerd and builds the stand-in base image (scripts/setup-docker.sh)"

// Docker checks that a Docker engine answers, that it has LambdaBaseImage
// and that this machine runs arm64 containers (natively or through
// binfmt_misc's qemu-aarch64), or calls Missing. It returns the image's ID,
// so that a test can check that nothing replaced it (nothing was pulled).
func Docker(t testing.TB) string {
	t.Helper()
	docker := LookPath(t, "docker", installDocker)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, docker, "info", "--format", "{{.ServerVersion}}").CombinedOutput(); err != nil {
		Missing(t, "a running Docker engine ("+strings.TrimSpace(string(out))+")", installDocker)
	}
	if runtime.GOARCH != "arm64" {
		b, err := os.ReadFile("/proc/sys/fs/binfmt_misc/qemu-aarch64")
		if err != nil || !strings.HasPrefix(string(b), "enabled") {
			Missing(t, "arm64 emulation (binfmt_misc's qemu-aarch64)", installDocker)
		}
	}
	id, err := exec.CommandContext(ctx, docker, "image", "inspect", "--format", "{{.Id}} {{.Architecture}}", LambdaBaseImage).Output()
	if err != nil {
		Missing(t, "the image "+LambdaBaseImage, installDocker)
	}
	f := strings.Fields(string(id))
	if len(f) != 2 || f[1] != "arm64" {
		t.Fatalf("%s: got %q, want an arm64 image", LambdaBaseImage, id)
	}
	return f[0]
}

// ImageID returns the ID of a local image, or "" if there is none.
func ImageID(t testing.TB, image string) string {
	t.Helper()
	out, err := exec.Command("docker", "image", "inspect", "--format", "{{.Id}}", image).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
