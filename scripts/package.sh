#!/usr/bin/env bash
# Publishes the buildpack, and a builder holding it, to an OCI registry, as kpack, Tekton and
# CI platforms consume buildpacks:
#   1. bin/ of every sub-buildpack compiled for amd64 and arm64 (ARCHS in lib.sh; CGO_ENABLED=0, GOARCH; scripts/build.sh)
#   2. each sub-buildpack published as an image index with one image per target
#      (pack buildpack package --publish --target linux/amd64 --target linux/arm64), from a
#      directory per platform (linux/<arch>/ holding buildpack.toml, bin/ and the archives
#      vendored for that architecture, if any)
#   3. the composite published the same way, its dependencies being the images of step 2
#   4. the build, run and lifecycle images pushed next to them as image indexes, and the builder
#      published from them as an image index, for each architecture scripts/setup.sh made images
#      for (amd64 and arm64: the other one of this machine's under emulation)
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

read -r -a archs <<<"$ARCHS" # amd64 arm64 (lib.sh)
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
for arch in "${archs[@]}"; do targets+=(--target "linux/$arch"); done

# ---------------------------------------------------------------- 1. binaries
for arch in "${archs[@]}"; do
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
  [[ -d $work/bin-${archs[0]}/$name/bin ]] || die "$uri: no sub-buildpack of this repository is called $name"
  dst="$work/bp/$name"
  mkdir -p "$dst"
  cp "$src/buildpack.toml" "$dst/"
  for arch in "${archs[@]}"; do
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
  log "published $image (${archs[*]})"
  # a bare reference: pack v0.40.6 refuses docker://<IP>:<port>/... in a multi-platform composite
  printf '\n[[dependencies]]\n  uri = "%s"\n' "$image" >>"$composite/package.toml"
done

# ---------------------------------------------------------------- 3. the composite
id="$(toml "$source_dir/buildpack.toml" id)"
version="$(toml "$source_dir/buildpack.toml" version)"
for arch in "${archs[@]}"; do
  printf '\n[[targets]]\n  os = "linux"\n  arch = "%s"\n' "$arch" >>"$composite/package.toml"
done
buildpack_image="$(image_name "$id"):$version"
(cd "$composite" && pack buildpack package "$buildpack_image" --config package.toml --format image --publish \
  --pull-policy always "${targets[@]}") >"$work/package.log" 2>&1 ||
  { cat "$work/package.log" >&2; die "pack buildpack package $buildpack_image failed"; }
log "published $buildpack_image (${archs[*]})"

if [[ $with_builder == 0 ]]; then
  log "done in $((SECONDS - started)) s"
  exit 0
fi

# ---------------------------------------------------------------- 4. images and builder
# The build, run and lifecycle images that scripts/setup.sh made, for each architecture it made
# them for, pushed as <name>-<arch> and joined in an image index under <name>, so that builds
# from the registry pull nothing from elsewhere. pack v0.40.6 gives every target of one
# `pack builder create` the same lifecycle, so the builder is made once per architecture, with
# that architecture's lifecycle, and the builders are joined in an index too.
# index NAME IMAGE...: publishes the image index NAME of IMAGEs (pack manifest, an experimental
# command, enabled in a pack home of this run's own, which keeps no local copy of the index).
index() {
  local name="$1"
  shift
  PACK_HOME="$work/pack-home" pack manifest create "$name" "$@" --publish >"$work/manifest.log" 2>&1 ||
    { cat "$work/manifest.log" >&2; die "pack manifest create $name failed"; }
}
mkdir -p "$work/pack-home"
PACK_HOME="$work/pack-home" pack config experimental true >/dev/null
builder_archs=()
for arch in "${archs[@]}"; do
  missing=""
  for image in "$BUILD_IMAGE" "$RUN_IMAGE" "$LIFECYCLE_IMAGE"; do
    docker image inspect "$(arch_tag "$image" "$arch")" >/dev/null 2>&1 || missing="$(arch_tag "$image" "$arch")"
  done
  if [[ -n $missing ]]; then
    log "no builder for linux/$arch: $missing is not in the Docker engine (scripts/setup.sh makes it)"
  else
    builder_archs+=("$arch")
  fi
done
[[ ${#builder_archs[@]} -gt 0 ]] || die "no build, run and lifecycle images for any architecture: run scripts/setup.sh"
for image in "$BUILD_IMAGE" "$RUN_IMAGE" "$LIFECYCLE_IMAGE"; do
  remote="$prefix/${image#*/}"
  parts=()
  for arch in "${builder_archs[@]}"; do
    docker tag "$(arch_tag "$image" "$arch")" "$remote-$arch"
    docker push -q "$remote-$arch" >/dev/null || die "docker push $remote-$arch failed"
    docker image rm "$remote-$arch" >/dev/null
    parts+=("$remote-$arch")
  done
  index "$remote" "${parts[@]}"
  log "pushed $remote (${builder_archs[*]})"
done
builder_image="$prefix/${BUILDER#*/}"
parts=()
for arch in "${builder_archs[@]}"; do
  {
    cat <<EOF
description = "python-cnb builder (Debian bookworm, linux/$arch), published by scripts/package.sh"

# a bare reference: pack v0.40.6 reads docker://<IP>:<port>/... as a file URI
[[buildpacks]]
  uri = "$buildpack_image"

[[order]]
  [[order.group]]
    id = "$id"
    version = "$version"

EOF
    builder_toml "$prefix/${BUILD_IMAGE#*/}" "$prefix/${RUN_IMAGE#*/}" "$arch"
  } >"$work/builder-$arch.toml"
  pack builder create "$builder_image-$arch" --config "$work/builder-$arch.toml" --publish --pull-policy always \
    --target "linux/$arch" >"$work/builder.log" 2>&1 ||
    { cat "$work/builder.log" >&2; die "pack builder create $builder_image-$arch failed"; }
  parts+=("$builder_image-$arch")
done
index "$builder_image" "${parts[@]}"
log "published $builder_image (${builder_archs[*]})"
log "done in $((SECONDS - started)) s"
