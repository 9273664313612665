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
# The architectures the published builder serves: this machine's, whose images keep the tags
# above, and the other one, built under qemu user emulation, whose images are tagged with its
# name (python-cnb/build:bookworm-arm64 on an amd64 machine). See arch_tag and lifecycle_tgz.
case "$(uname -m)" in
  aarch64 | arm64) HOST_ARCH="arm64" ;;
  *) HOST_ARCH="amd64" ;;
esac
ARCHS="amd64 arm64"
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
  BASE_IMAGE BUILD_IMAGE RUN_IMAGE LIFECYCLE_IMAGE BUILDER HOST_ARCH ARCHS REGISTRY_VERSION REGISTRY \
  POSTGRES_PORT MARIADB_PORT TEST_DB_NAME TEST_DB_USER TEST_DB_PASSWORD

# The package managers' own tools, installed on the host with its pip into .tools/pytools
# (ensure_pytools): the tests and the bench make lock files with them, as lock files name
# package-registry hosts and none is committed. The versions are the ones the buildpack runs.
PYTOOLS="$TOOLS/pytools"
PYTOOLS_VERSIONS="uv==0.13.9 poetry==2.5.1 pipenv==2026.10.3"
export PYTOOLS PYTOOLS_VERSIONS
# Their caches and the environments Poetry and Pipenv make while locking stay in .tools, not in
# the home directory of whoever runs the tests.
export UV_CACHE_DIR="$TOOLS/pytools-state/uv-cache" POETRY_CACHE_DIR="$TOOLS/pytools-state/poetry-cache" \
  POETRY_VIRTUALENVS_PATH="$TOOLS/pytools-state/poetry-venvs" PIPENV_CACHE_DIR="$TOOLS/pytools-state/pipenv-cache" \
  WORKON_HOME="$TOOLS/pytools-state/pipenv-venvs"

# ensure_pytools: installs PYTOOLS_VERSIONS into PYTOOLS unless they are there and run (a
# virtual environment moved or made through another path has scripts that no longer do).
ensure_pytools() {
  local marker="$PYTOOLS/installed-${PYTOOLS_VERSIONS// /-}"
  [[ -f $marker ]] && "$PYTOOLS/bin/uv" --version >/dev/null 2>&1 && "$PYTOOLS/bin/poetry" --version >/dev/null 2>&1 &&
    "$PYTOOLS/bin/pipenv" --version >/dev/null 2>&1 && return 0
  rm -rf "$PYTOOLS"
  python3 -m venv "$PYTOOLS" &&
    "$PYTOOLS/bin/pip" install --quiet $PYTOOLS_VERSIONS &&
    touch "$marker"
}

# index_url: the package index the host's pip uses (PIP_INDEX_URL, else pip's configured
# index-url, else pip's default), for the files that must name one (a Pipfile's [[source]],
# Poetry's sources), so that no file in the repository does.
index_url() {
  if [[ -n ${PIP_INDEX_URL:-} ]]; then
    echo "$PIP_INDEX_URL"
    return
  fi
  python3 -m pip config get global.index-url 2>/dev/null ||
    python3 -c 'from pip._internal.models.index import PyPI; print(PyPI.simple_url)'
}

# remove_images_and_caches IMAGE...: removes the images and the pack cache volumes of their
# builds (pack names them pack-cache-<repository, / as _>_<tag>-<hash>.build|.launch, with the
# words Windows reserves spelled apart: "com" as "c_o_m"), and nothing else: other builds'
# caches on a shared engine stay.
remove_images_and_caches() {
  local image repo tag volume word
  for image in "$@"; do
    docker image rm -f "$image" >/dev/null 2>&1 || true
    repo="${image%:*}" tag="latest"
    [[ $image == *:* && ${image##*:} != */* ]] && tag="${image##*:}" || repo="$image"
    volume="pack-cache-${repo//\//_}_${tag}-"
    for word in aux com con lpt nul prn; do
      volume="${volume//$word/${word:0:1}_${word:1:1}_${word:2:1}}"
    done
    docker volume ls -q --filter "name=$volume" | xargs -r docker volume rm -f >/dev/null
  done
}

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

# arch_tag TAG ARCH: the local tag of an image for ARCH: TAG itself for this machine's
# architecture, TAG-ARCH for the other (python-cnb/run:bookworm-arm64).
arch_tag() {
  if [[ $2 == "$HOST_ARCH" ]]; then echo "$1"; else echo "$1-$2"; fi
}

# lifecycle_tgz ARCH: the lifecycle built for ARCH, in the release tarball's layout
# (.tools/lifecycle.tgz for this machine's architecture, .tools/lifecycle-ARCH.tgz otherwise).
lifecycle_tgz() {
  if [[ $1 == "$HOST_ARCH" ]]; then echo "$TOOLS/lifecycle.tgz"; else echo "$TOOLS/lifecycle-$1.tgz"; fi
}

# builder_toml BUILD_IMAGE RUN_IMAGE ARCH: the part of a builder.toml that names the lifecycle
# for ARCH (lifecycle_tgz), the build and run images and the target; setup.sh's local builder
# and package.sh's published one add their description, buildpacks and order. pack v0.40.6
# puts a lifecycle uri into the builder of every target alike, so a builder.toml serves one
# architecture: package.sh makes one builder for each and joins them in an image index.
builder_toml() {
  cat <<EOF
[lifecycle]
uri = "$(lifecycle_tgz "$3")"

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
