#!/usr/bin/env bash
# Compiles bin/detect and bin/build once and places them in every
# sub-buildpack directory (each directory holding a buildpack.toml with no
# [[order]]), so that `pack build --buildpack ./` and
# `pack buildpack package --config package.toml` work. With --into DIR they go
# into DIR/<sub-buildpack>/bin instead, leaving the repository's bin/ alone
# (scripts/package.sh builds each architecture that way).
#
#   scripts/build.sh [--target linux/amd64|linux/arm64] [--into DIR]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="linux/$(go env GOARCH)"
into="$ROOT"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --target) target="$2"; shift 2 ;;
    --into) into="$2"; shift 2 ;;
    *) echo "usage: scripts/build.sh [--target linux/amd64|linux/arm64] [--into DIR]" >&2; exit 2 ;;
  esac
done

out="$ROOT/build/out/${target//\//-}"
mkdir -p "$out"
for cmd in detect build; do
  (cd "$ROOT" && CGO_ENABLED=0 GOOS="${target%/*}" GOARCH="${target#*/}" \
    go build -trimpath -ldflags="-s -w" -o "$out/$cmd" "./$cmd")
done

for descriptor in "$ROOT"/*/buildpack.toml; do
  dir="$(dirname "$descriptor")"
  grep -q '^\[\[order\]\]' "$descriptor" && continue
  bin="$into/$(basename "$dir")/bin"
  mkdir -p "$bin"
  install -m 0755 "$out/detect" "$out/build" "$bin/"
  echo "built $(basename "$dir")/bin/{detect,build} for $target"
  # its other programs (exec.d): each bin/<name> that include-files lists, built from
  # <dir>/cmd/<name>, or from cmd/<name> at the root for programs several sub-buildpacks share
  for name in $(grep -o '"bin/[^"]*"' "$descriptor" | tr -d '"' | sed 's|^bin/||'); do
    [[ "$name" == detect || "$name" == build ]] && continue
    src="$dir/cmd/$name"
    [[ -d "$src" ]] || src="$ROOT/cmd/$name"
    [[ -d "$src" ]] || { echo "$descriptor lists bin/$name, but there is no cmd/$name in $(basename "$dir")/ or at the root" >&2; exit 1; }
    (cd "$ROOT" && CGO_ENABLED=0 GOOS="${target%/*}" GOARCH="${target#*/}" \
      go build -trimpath -ldflags="-s -w" -o "$bin/$name" "./${src#"$ROOT"/}")
    echo "built $(basename "$dir")/bin/$name for $target"
  done
done
