# shellcheck shell=bash
# Shared environment for the project's scripts and tests. Source it:
#   . scripts/lib.sh
# It exports where the tools live (.tools/, made by scripts/setup.sh), which Docker
# engine to talk to, and the local image tags, and defines pack_build.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"

# pack and friends first; the engine is the local dockerd that setup.sh starts.
PATH="$TOOLS/bin:$PATH"
DOCKER_HOST="unix:///var/run/docker.sock"
# pack keeps its config (trusted builders) in the repo's tools dir, not in ~/.pack.
PACK_HOME="$TOOLS/pack-home"
# Fixed key for pack's cache volumes (names stay stable; silences pack's warning).
PACK_VOLUME_KEY="python-cnb-local"

# Versions and local image tags (all built locally by setup.sh, never pulled).
PACK_VERSION="0.40.6"
LIFECYCLE_VERSION="0.21.14"
STACK_ID="io.buildpacks.stacks.bookworm"
BASE_IMAGE="python-cnb/base:bookworm"
BUILD_IMAGE="python-cnb/build:bookworm"
RUN_IMAGE="python-cnb/run:bookworm"
LIFECYCLE_IMAGE="python-cnb/lifecycle:$LIFECYCLE_VERSION"
BUILDER="python-cnb/builder:bookworm"
# The local OCI registry (CNCF Distribution) that setup.sh starts on loopback; scripts/package.sh
# publishes into it and the registry tests build into it.
REGISTRY_VERSION="3.0.0"
REGISTRY="${PYTHON_CNB_REGISTRY:-127.0.0.1:5000}"

# The test databases setup.sh runs on loopback (PostgreSQL, MariaDB): ports, and the
# database and user (a throwaway password: the servers listen on 127.0.0.1 only).
POSTGRES_PORT="55432"
MARIADB_PORT="53306"
TEST_DB_NAME="pycnb"
TEST_DB_USER="pycnb"
TEST_DB_PASSWORD="pycnb-test"

export ROOT TOOLS PATH DOCKER_HOST PACK_HOME PACK_VOLUME_KEY PACK_VERSION LIFECYCLE_VERSION STACK_ID \
  BASE_IMAGE BUILD_IMAGE RUN_IMAGE LIFECYCLE_IMAGE BUILDER REGISTRY_VERSION REGISTRY \
  POSTGRES_PORT MARIADB_PORT TEST_DB_NAME TEST_DB_USER TEST_DB_PASSWORD

# pack_build <image-name> <app-dir> [extra pack build args...]
# Builds an app image with the local builder, offline except for the host network
# (so a build can reach a server on the host's loopback or a package index).
pack_build() {
  local name="$1" app="$2"
  shift 2
  pack build "$name" \
    --path "$app" \
    --builder "$BUILDER" \
    --lifecycle-image "$LIFECYCLE_IMAGE" \
    --pull-policy never \
    --trust-builder \
    --network host \
    "$@"
}

# builder_toml BUILD_IMAGE RUN_IMAGE ARCH: the part of a builder.toml that names the lifecycle
# (.tools/lifecycle.tgz), the build and run images and the target; setup.sh's local builder and
# package.sh's published one add their description, buildpacks and order.
builder_toml() {
  cat <<EOF
[lifecycle]
uri = "$TOOLS/lifecycle.tgz"

[build]
image = "$1"

[run]
[[run.images]]
image = "$2"

# For platforms that still read stacks.
[stack]
id = "$STACK_ID"
build-image = "$1"
run-image = "$2"

[[targets]]
os = "linux"
arch = "$3"
EOF
}
