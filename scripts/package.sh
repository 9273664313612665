#!/usr/bin/env bash
# Publishes the buildpack, and a builder holding it, to an OCI registry, as kpack, Tekton and
# CI platforms consume buildpacks:
#   1. bin/ of every sub-buildpack compiled for each of ARCHS (CGO_ENABLED=0, GOARCH; scripts/build.sh)
#   2. each sub-buildpack published as an image index with one image per target
#      (pack buildpack package --publish --target linux/amd64 --target linux/arm64), from a
#      directory per platform (linux/<arch>/ holding buildpack.toml, bin/ and the archives
#      vendored for that architecture, if any)
#   3. the composite published the same way, its dependencies being the images of step 2
#   4. the build, run and lifecycle images pushed next to them, and the builder published from
#      them for the architectures there are build and run images for (this machine's)
# Images are named after the buildpack ids: <prefix>/python (the composite), <prefix>/cpython,
# <prefix>/pip ..., tagged with their versions; <prefix>/build:bookworm, <prefix>/run:bookworm,
# <prefix>/lifecycle:<version> and <prefix>/builder:bookworm.
#
#   scripts/package.sh [--prefix REGISTRY/NAMESPACE] [--buildpack DIR] [--no-builder]
#
#   --prefix     where to publish (default: $REGISTRY/python-cnb, the registry scripts/setup.sh starts)
#   --buildpack  the composite to publish: a directory with buildpack.toml and package.toml
#                (default: this repository; a staged copy, such as an offline package, works too)
#   --no-builder publish the buildpacks only
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ARCHS=(amd64 arm64)
prefix="$REGISTRY/python-cnb"
source_dir="$ROOT"
with_builder=1
usage() {
  echo "usage: scripts/package.sh [--prefix REGISTRY/NAMESPACE] [--buildpack DIR] [--no-builder]" >&2
  exit 2
}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --prefix) [[ $# -ge 2 ]] || usage; prefix="${2%/}"; shift 2 ;;
    --buildpack) [[ $# -ge 2 ]] || usage; source_dir="$2"; shift 2 ;;
    --no-builder) with_builder=0; shift ;;
    *) usage ;;
  esac
done

log() { printf '[package] %s\n' "$*"; }
die() {
  printf '[package] ERROR: %s\n' "$*" >&2
  exit 1
}
started=$SECONDS
[[ -d $source_dir ]] || die "--buildpack $source_dir is not a directory"
source_dir="$(cd "$source_dir" && pwd)"
for f in buildpack.toml package.toml; do
  [[ -f $source_dir/$f ]] || die "$source_dir/$f does not exist: --buildpack takes the composite's directory"
done
# A loopback registry (the one scripts/setup.sh starts) must answer; any other is left to pack
# and docker, with the credentials of `docker login`.
registry="${prefix%%/*}"
case "$registry" in
  127.* | localhost:*)
    curl -fsS -o /dev/null "http://$registry/v2/" 2>/dev/null ||
      die "no registry answers on $registry: start the local one with scripts/setup.sh --only registry"
    ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# toml FILE QUERY [ARG]: reads the buildpack and package descriptors (Python's tomllib).
#   id | version        the [buildpack] table's
#   dependencies        package.toml's [[dependencies]] URIs, one a line
#   vendored ARCH       the sha256 of each [[metadata.dependencies]] entry for ARCH
toml() {
  python3 -I - "$@" <<'PY'
import sys, tomllib
path, query, *args = sys.argv[1:]
with open(path, "rb") as f:
    doc = tomllib.load(f)
if query in ("id", "version"):
    print(doc["buildpack"][query])
elif query == "dependencies":
    for dep in doc.get("dependencies", []):
        print(dep["uri"])
elif query == "vendored":
    for dep in doc.get("metadata", {}).get("dependencies", []):
        if dep.get("arch", args[0]) == args[0]:
            print(dep.get("checksum", dep.get("sha256", "")).removeprefix("sha256:"))
PY
}
# image_name ID: the repository a buildpack id is published as (python-cnb/pip -> <prefix>/pip)
image_name() { echo "$prefix/${1#*/}"; }
targets=()
for arch in "${ARCHS[@]}"; do targets+=(--target "linux/$arch"); done

# ---------------------------------------------------------------- 1. binaries
for arch in "${ARCHS[@]}"; do
  bash "$ROOT/scripts/build.sh" --target "linux/$arch" --into "$work/bin-$arch" >/dev/null
  log "built the binaries for linux/$arch"
done

# ---------------------------------------------------------------- 2. sub-buildpacks
composite="$work/composite"
mkdir -p "$composite"
cp "$source_dir/buildpack.toml" "$composite/"
printf '[buildpack]\n  uri = "."\n' >"$composite/package.toml"
mapfile -t uris < <(toml "$source_dir/package.toml" dependencies)
for uri in "${uris[@]}"; do
  src="$(cd "$source_dir/$uri" && pwd)"
  name="$(basename "$src")"
  id="$(toml "$src/buildpack.toml" id)"
  version="$(toml "$src/buildpack.toml" version)"
  [[ -d $work/bin-${ARCHS[0]}/$name/bin ]] || die "$uri: no sub-buildpack of this repository is called $name"
  dst="$work/bp/$name"
  mkdir -p "$dst"
  cp "$src/buildpack.toml" "$dst/"
  for arch in "${ARCHS[@]}"; do
    platform="$dst/linux/$arch"
    mkdir -p "$platform"
    cp "$src/buildpack.toml" "$platform/"
    cp -R "$work/bin-$arch/$name/bin" "$platform/bin"
    # archives vendored for this architecture only (an offline package)
    mapfile -t sums < <(toml "$src/buildpack.toml" vendored "$arch")
    for sha in "${sums[@]}"; do
      if [[ -n $sha && -d $src/dependencies/$sha ]]; then
        mkdir -p "$platform/dependencies"
        cp -R "$src/dependencies/$sha" "$platform/dependencies/"
      fi
    done
  done
  image="$(image_name "$id"):$version"
  pack buildpack package "$image" --path "$dst" --format image --publish "${targets[@]}" >"$work/package.log" 2>&1 ||
    { cat "$work/package.log" >&2; die "pack buildpack package $image failed"; }
  log "published $image (${ARCHS[*]})"
  # a bare reference: pack v0.40.6 refuses docker://<IP>:<port>/... in a multi-platform composite
  printf '\n[[dependencies]]\n  uri = "%s"\n' "$image" >>"$composite/package.toml"
done

# ---------------------------------------------------------------- 3. the composite
id="$(toml "$source_dir/buildpack.toml" id)"
version="$(toml "$source_dir/buildpack.toml" version)"
for arch in "${ARCHS[@]}"; do
  printf '\n[[targets]]\n  os = "linux"\n  arch = "%s"\n' "$arch" >>"$composite/package.toml"
done
buildpack_image="$(image_name "$id"):$version"
(cd "$composite" && pack buildpack package "$buildpack_image" --config package.toml --format image --publish \
  --pull-policy always "${targets[@]}") >"$work/package.log" 2>&1 ||
  { cat "$work/package.log" >&2; die "pack buildpack package $buildpack_image failed"; }
log "published $buildpack_image (${ARCHS[*]})"

if [[ $with_builder == 0 ]]; then
  log "done in $((SECONDS - started)) s"
  exit 0
fi

# ---------------------------------------------------------------- 4. images and builder
# The build, run and lifecycle images that scripts/setup.sh made, pushed so that builds from
# the registry pull nothing from elsewhere.
for image in "$BUILD_IMAGE" "$RUN_IMAGE" "$LIFECYCLE_IMAGE"; do
  docker image inspect "$image" >/dev/null 2>&1 || die "$image is not in the Docker engine: run scripts/setup.sh"
  remote="$prefix/${image#*/}"
  docker tag "$image" "$remote"
  docker push -q "$remote" >/dev/null || die "docker push $remote failed"
  docker image rm "$remote" >/dev/null
  log "pushed $remote"
done
arch="$(docker version -f '{{.Server.Arch}}')"
builder_image="$prefix/${BUILDER#*/}"
{
  cat <<EOF
description = "python-cnb builder (Debian bookworm), published by scripts/package.sh"

# a bare reference: pack v0.40.6 reads docker://<IP>:<port>/... as a file URI
[[buildpacks]]
  uri = "$buildpack_image"

[[order]]
  [[order.group]]
    id = "$id"
    version = "$version"

EOF
  builder_toml "$prefix/${BUILD_IMAGE#*/}" "$prefix/${RUN_IMAGE#*/}" "$arch"
} >"$work/builder.toml"
pack builder create "$builder_image" --config "$work/builder.toml" --publish --pull-policy always \
  --target "linux/$arch" >"$work/builder.log" 2>&1 ||
  { cat "$work/builder.log" >&2; die "pack builder create $builder_image failed"; }
log "published $builder_image (linux/$arch)"
log "done in $((SECONDS - started)) s"
