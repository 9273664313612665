#!/usr/bin/env bash
# Compiles bin/detect and bin/build once and places them in every
# sub-buildpack directory (each directory holding a buildpack.toml with no
# [[order]]), so that `pack build --buildpack ./` and
# `pack buildpack package --config package.toml` work.
#
#   scripts/build.sh [--target linux/amd64|linux/arm64]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="linux/$(go env GOARCH)"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --target) target="$2"; shift 2 ;;
    *) echo "usage: scripts/build.sh [--target linux/amd64|linux/arm64]" >&2; exit 2 ;;
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
  mkdir -p "$dir/bin"
  install -m 0755 "$out/detect" "$out/build" "$dir/bin/"
  echo "built $(basename "$dir")/bin/{detect,build} for $target"
  # programs of this sub-buildpack alone (exec.d), from <dir>/cmd/<name>
  for cmd in "$dir"/cmd/*/; do
    [[ -d "$cmd" ]] || continue
    name="$(basename "$cmd")"
    (cd "$ROOT" && CGO_ENABLED=0 GOOS="${target%/*}" GOARCH="${target#*/}" \
      go build -trimpath -ldflags="-s -w" -o "$dir/bin/$name" "./${cmd#"$ROOT"/}")
    echo "built $(basename "$dir")/bin/$name for $target"
  done
done
