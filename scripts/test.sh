#!/usr/bin/env bash
# Runs every test on this machine, installing and starting what they need:
# static checks, unit tests, then the integration suite, which builds real
# apps with `pack build` against a real Docker engine.
#
#   scripts/test.sh            # everything
#   scripts/test.sh --unit     # checks and unit tests only
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

step "gofmt and go vet"
unformatted="$(find . -name '*.go' -not -path './.tools/*' -print0 | xargs -0 gofmt -l)"
if [[ -n "$unformatted" ]]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi
go vet ./...
# the kpack manifests' test: a module of its own, so kpack's Kubernetes dependencies never
# reach the buildpack's binaries
(cd deploy/kpack && go vet ./...)

step "buildpack binaries (scripts/build.sh)"
bash scripts/build.sh

step "unit tests"
go test -count=1 $(go list ./... | grep -v '/integration$')
(cd deploy/kpack && go test -count=1 ./...)

[[ "${1:-}" == "--unit" ]] && exit 0

step "engine, pack, lifecycle, images, builder and registry (scripts/setup.sh)"
bash scripts/setup.sh
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

step "integration tests"
go test -count=1 -timeout 75m -v ./integration/
echo "total time: $((SECONDS - started)) s"
