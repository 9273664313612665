#!/usr/bin/env bash
# Builds the buildpack, builds an app image with `pack build`, starts it,
# requests / and prints the answer.
#
#   scripts/demo.sh [--builder IMAGE] [APP_DIR]
#
# APP_DIR defaults to samples/hello. Without --builder, the local Debian
# bookworm builder made by scripts/setup.sh is used; with it, a published
# builder (for example paketobuildpacks/builder-jammy-base) is pulled and used.
# When the upstream CPython downloads cannot be reached from this machine, the
# demo uses an offline package of this buildpack holding a CPython assembled
# locally from the Go module proxy, and says so.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

builder=""
app="samples/hello"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --builder) builder="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) app="$1"; shift ;;
  esac
done
[[ -d "$app" ]] || { echo "demo: $app is not a directory" >&2; exit 2; }
app="$(cd "$app" && pwd)"

bash scripts/setup.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
bash scripts/build.sh

# The real buildpack when the newest CPython download answers, else the offline package.
buildpack="$ROOT"
uri="$(python3 - "$(go env GOARCH)" <<'PY'
import sys, tomllib
deps = tomllib.load(open("cpython/buildpack.toml", "rb"))["metadata"]["dependencies"]
mine = [d for d in deps if d["arch"] == sys.argv[1]]
print(max(mine, key=lambda d: [int(p) for p in d["version"].split(".")])["uri"])
PY
)"
if ! curl -fsIL --max-time 10 -o /dev/null "$uri"; then
  read -r buildpack version < <(go run ./integration/cmd/demobp -root "$ROOT" -out "$TOOLS/demo-buildpack")
  echo "demo: $uri is not reachable from here; using an offline package with a locally assembled CPython $version ($buildpack)"
fi

image="python-cnb-demo/$(basename "$app" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9\n' '-')"
build_args=(--buildpack "$buildpack")
if [[ -n "$builder" ]]; then
  pack build "$image" --path "$app" --builder "$builder" --trust-builder --pull-policy if-not-present \
    --network host "${build_args[@]}"
else
  pack_build "$image" "$app" "${build_args[@]}"
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
container="$(docker run -d --network host -e PORT="$port" "$image")"
trap 'docker rm -f "$container" >/dev/null' EXIT
for _ in $(seq 1 100); do
  if answer="$(curl -fsS "http://127.0.0.1:$port/" 2>/dev/null)"; then
    echo "demo: GET http://127.0.0.1:$port/ on $image answered:"
    echo "$answer"
    exit 0
  fi
  sleep 0.2
done
echo "demo: the app did not answer on port $port; its log:" >&2
docker logs "$container" >&2
exit 1
