#!/usr/bin/env bash
# Measures build speed against floors, in one run on one app, and prints ratios:
#   cold build          vs  python -m venv + pip install of the same requirements on the host,
#                           with the same CPython (the floor for installing them at all)
#   no-change rebuild   vs  a rebuild with a trivial buildpack that does nothing (the floor
#                           that pack and the lifecycle cost on their own); also shown against
#                           a trivial buildpack that keeps the same CPython in a launch layer,
#                           reused by metadata alone (the floor for any image carrying CPython:
#                           exporting to a Docker daemon, the lifecycle re-reads and re-compresses
#                           every reused launch layer from its launch cache)
#   start to first 200  vs  gunicorn started on the host from the floor's venv, same app
#   ASGI start          vs  uvicorn started on the host from a venv with the same packages: a
#                           FastAPI app the image serves with gunicorn and uvicorn-worker, both
#                           installed by the buildpack (target <= 1.0x)
#   rebuild after adding one requirement line  vs  our own cold build (target <= 0.65x)
#   launch layers above the run image (target <= 95 MB)
#   a uv project and a Poetry project with the same dependencies (lock files made here with
#                           the real tools, as lock files name package-registry hosts): cold and
#                           no-change rebuild against the same floors as pip
#   pip against PYTHON_FAST_BUILD_ENABLED=true (uv pip install) on the same requirements, cold
# Publishing to a registry with a cache image (pack build --publish --cache-image, no cache
# volumes, as kpack does), a cold build and a no-change rebuild are measured against the
# do-nothing buildpack doing the same, into the registry scripts/setup.sh runs on loopback
# (CNCF Distribution, storage on disk).
# Targets: cold <= 1.3x, no-change rebuild <= 1.2x, start <= 1.2x. Each figure is the median
# of RUNS runs.
#
#   scripts/bench.sh [RUNS]      (default 3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
runs="${1:-3}"

bash scripts/setup.sh >/dev/null
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
bash scripts/build.sh >/dev/null

work="$(mktemp -d)"
# On exit, remove exactly what this script made: its images and their cache volumes (other
# builds' caches on a shared engine stay).
apps=(app floor floor-sized uv poetry fast asgi)
cleanup() {
  kill "${server:-}" 2>/dev/null
  rm -rf "$work"
  remove_images_and_caches "${apps[@]/#/python-cnb-bench/}" python-cnb-bench/builder-ours python-cnb-bench/builder-floor \
    python-cnb-bench/builder-floor-sized
}
trap cleanup EXIT

# The buildpack with the newest locally assembled CPython, served on loopback as the
# upstream downloads would be.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port="$(free_port)"
read -r buildpack version < <(go run ./integration/cmd/demobp -root "$ROOT" -out "$work/buildpack" -uri-base "http://127.0.0.1:$port")
python3 -m http.server --bind 127.0.0.1 --directory "$TOOLS/pyfixture/v1" "$port" >/dev/null 2>&1 &
server=$!
archive="$(ls "$TOOLS"/pyfixture/v1/cpython-"$version"+*.tar.gz)"
app="$work/app"
mkdir -p "$app"
cp integration/testdata/flask/app.py scripts/bench/requirements.txt "$app/"

# The same app as a uv project and as a Poetry project (not packages), locked here.
ensure_pytools
dependencies="$(sed 's/.*/"&"/' scripts/bench/requirements.txt | paste -sd, -)"
for manager in uv poetry; do
  mkdir -p "$work/$manager"
  cp integration/testdata/flask/app.py "$work/$manager/"
  printf '[project]\nname = "bench"\nversion = "1.0"\nrequires-python = ">=3.10"\ndependencies = [%s]\n' \
    "$dependencies" >"$work/$manager/pyproject.toml"
done
(cd "$work/uv" && "$PYTOOLS/bin/uv" lock --quiet)
printf '\n[tool.poetry]\npackage-mode = false\n\n[[tool.poetry.source]]\nname = "index"\nurl = "%s"\npriority = "primary"\n' \
  "$(index_url)" >>"$work/poetry/pyproject.toml"
(cd "$work/poetry" && "$PYTOOLS/bin/poetry" lock --no-interaction >/dev/null)

# A buildpack that does nothing, for the rebuild floor.
floor_bp="$work/floor-bp"
mkdir -p "$floor_bp/bin"
cat >"$floor_bp/buildpack.toml" <<'TOML'
api = "0.10"
[buildpack]
  id = "python-cnb/bench-floor"
  version = "0.0.1"
[[targets]]
  os = "linux"
  arch = "amd64"
TOML
printf '#!/bin/sh\nexit 0\n' >"$floor_bp/bin/detect"
printf '#!/bin/sh\nexit 0\n' >"$floor_bp/bin/build"
chmod +x "$floor_bp/bin/"*

# The same, keeping a launch layer with the same CPython: unpacked from the archive on the first
# build, then reused by its metadata alone, as ours are. The floor for any buildpack whose image
# carries this CPython.
sized_bp="$work/floor-sized-bp"
mkdir -p "$sized_bp/bin"
sed 's|python-cnb/bench-floor|python-cnb/bench-floor-sized|' "$floor_bp/buildpack.toml" >"$sized_bp/buildpack.toml"
cp "$floor_bp/bin/detect" "$sized_bp/bin/detect"
cp "$archive" "$sized_bp/cpython.tar.gz"
cat >"$sized_bp/bin/build" <<'SH'
#!/bin/sh
set -e
if [ ! -f "$CNB_LAYERS_DIR/cpython.toml" ]; then
  mkdir -p "$CNB_LAYERS_DIR/cpython"
  tar -xzf "$CNB_BUILDPACK_DIR/cpython.tar.gz" -C "$CNB_LAYERS_DIR/cpython" --strip-components 1
fi
printf '[types]\nlaunch = true\n[metadata]\nkey = "same"\n' >"$CNB_LAYERS_DIR/cpython.toml"
SH
chmod +x "$sized_bp/bin/build"

# Builders holding the buildpacks, as platforms deploy them (kpack, a CI builder image):
# `pack build --buildpack DIR` would also copy the buildpack into a throwaway builder on
# every build, which times pack rather than the buildpack. Same images and lifecycle as
# the local builder.
make_builder() { # name, then the buildpack directories; the first is the one to run
  local name="$1" config="$work/$1.toml" id version
  shift
  sed -n '/^\[lifecycle\]/,$p' "$TOOLS/builder/builder.toml" >"$config"
  for dir in "$@"; do printf '\n[[buildpacks]]\n  uri = "%s"\n' "$dir" >>"$config"; done
  id="$(sed -n 's/^ *id = "\(.*\)"/\1/p' "$1/buildpack.toml" | head -1)"
  version="$(sed -n 's/^ *version = "\(.*\)"/\1/p' "$1/buildpack.toml" | head -1)"
  printf '\n[[order]]\n  [[order.group]]\n    id = "%s"\n    version = "%s"\n' "$id" "$version" >>"$config"
  pack builder create "python-cnb-bench/builder-$name" --config "$config" --pull-policy never >"$work/$name-builder.log" 2>&1 ||
    { cat "$work/$name-builder.log" >&2; exit 1; }
}
subs=()
for dir in "$(dirname "$buildpack")"/*/; do
  [[ "$dir" == */composite/ ]] || subs+=("${dir%/}")
done
make_builder ours "$buildpack" "${subs[@]}"
make_builder floor "$floor_bp"
make_builder floor-sized "$sized_bp"
bench_build() { # image, builder, pack options...
  local image="$1" builder="$2"
  shift 2
  pack build "$image" --path "${path:-$app}" --builder "python-cnb-bench/builder-$builder" --lifecycle-image "$LIFECYCLE_IMAGE" \
    --pull-policy never --trust-builder --network host "$@"
}
# The publishing builds go to the harness registry, with the run image in it; every run's
# cold builds get repositories of their own (no previous image, no cache image).
reg="$REGISTRY/python-cnb-bench"
docker tag "$RUN_IMAGE" "$reg/run:bookworm"
docker push -q "$reg/run:bookworm" >/dev/null
docker image rm "$reg/run:bookworm" >/dev/null
publish_build() { # name, builder
  bench_build "$reg/$1" "$2" --publish --cache-image "$reg/$1-cache" --run-image "$reg/run:bookworm"
}
stamp="$(date +%s)"

# launch_bytes image: the bytes in the image's layers that buildpacks made
launch_bytes() {
  docker history --no-trunc --human=false --format '{{.Size}} {{.CreatedBy}}' "$1" |
    awk '/Created by buildpack: python-cnb\// {s += $1} END {print s}'
}

now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
fresh() { remove_images_and_caches "python-cnb-bench/$1"; } # no previous image, no cache

python_dir="$work/python"
mkdir -p "$python_dir"
tar -xzf "$archive" -C "$python_dir"
python="$python_dir/python/bin/python3"

# first_200 <command...>: seconds from starting the command (in the background) to the
# first HTTP 200 on $port; the command's process group is stopped afterwards.
first_200() {
  local t0 pid deadline=$(($(date +%s) + 60))
  t0=$(now)
  "$@" >/dev/null 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port_app/"; do
    if (($(date +%s) > deadline)); then
      kill "$pid" 2>/dev/null || true
      echo "bench: nothing answered on port $port_app within 60 s: $*" >&2
      return 1
    fi
    sleep 0.02
  done
  elapsed "$t0" "$(now)"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

floor_cold=() cold=() floor_rebuild=() sized_cold=() sized_rebuild=() rebuild=() floor_start=() start=() addline=()
uv_cold=() uv_rebuild=() poetry_cold=() poetry_rebuild=() fast_cold=()
publish_cold=() floor_publish_cold=() sized_publish_cold=() publish_rebuild=() floor_publish_rebuild=()
for run in $(seq 1 "$runs"); do
  # floor, cold: venv + pip install, no cache, same CPython
  rm -rf "$work/venv"
  t0=$(now)
  "$python" -m venv --without-pip "$work/venv"
  env -u PIP_FIND_LINKS "$python" -m pip --python "$work/venv/bin/python" install -q --no-cache-dir \
    --prefer-binary -r "$app/requirements.txt"
  floor_cold+=("$(elapsed "$t0" "$(now)")")

  # ours, cold: no image, no cache
  fresh app
  t0=$(now)
  bench_build python-cnb-bench/app ours >"$work/cold.log" 2>&1
  cold+=("$(elapsed "$t0" "$(now)")")
  bytes="$(launch_bytes python-cnb-bench/app)"

  # ours, no-change rebuild
  t0=$(now)
  bench_build python-cnb-bench/app ours >"$work/rebuild.log" 2>&1
  rebuild+=("$(elapsed "$t0" "$(now)")")
  grep -q "pip did not run" "$work/rebuild.log" || { echo "bench: the rebuild ran pip" >&2; exit 1; }

  # ours, rebuild after adding one requirement line
  echo "six" >>"$app/requirements.txt"
  t0=$(now)
  bench_build python-cnb-bench/app ours >"$work/addline.log" 2>&1
  addline+=("$(elapsed "$t0" "$(now)")")
  grep -q "rebuilding layer: requirements.txt changed" "$work/addline.log" || { echo "bench: the rebuild did not see the new line" >&2; exit 1; }
  cp scripts/bench/requirements.txt "$app/requirements.txt"

  # the same requirements with PYTHON_FAST_BUILD_ENABLED=true, cold
  fresh fast
  t0=$(now)
  bench_build python-cnb-bench/fast ours --env PYTHON_FAST_BUILD_ENABLED=true >"$work/fast.log" 2>&1
  fast_cold+=("$(elapsed "$t0" "$(now)")")
  grep -q "Running 'uv pip install" "$work/fast.log" || { echo "bench: PYTHON_FAST_BUILD_ENABLED did not run uv" >&2; exit 1; }

  # the uv and Poetry projects, cold and no-change
  for manager in uv poetry; do
    fresh "$manager"
    t0=$(now)
    path="$work/$manager" bench_build "python-cnb-bench/$manager" ours >"$work/$manager.log" 2>&1 || { tail -30 "$work/$manager.log" >&2; exit 1; }
    d=$(elapsed "$t0" "$(now)") && eval "${manager}_cold+=($d)"
    t0=$(now)
    path="$work/$manager" bench_build "python-cnb-bench/$manager" ours >"$work/$manager.log" 2>&1
    d=$(elapsed "$t0" "$(now)") && eval "${manager}_rebuild+=($d)"
    grep -q "$manager did not run" "$work/$manager.log" || { echo "bench: the $manager rebuild ran $manager" >&2; exit 1; }
  done

  # floor, rebuild: the do-nothing buildpack, second build
  bench_build python-cnb-bench/floor floor >/dev/null 2>&1
  t0=$(now)
  bench_build python-cnb-bench/floor floor >/dev/null 2>&1
  floor_rebuild+=("$(elapsed "$t0" "$(now)")")

  # the same with CPython in a launch layer, reused by metadata
  fresh floor-sized
  t0=$(now)
  bench_build python-cnb-bench/floor-sized floor-sized >/dev/null 2>&1
  sized_cold+=("$(elapsed "$t0" "$(now)")")
  t0=$(now)
  bench_build python-cnb-bench/floor-sized floor-sized >"$work/sized.log" 2>&1
  sized_rebuild+=("$(elapsed "$t0" "$(now)")")
  grep -q "Reusing layer 'python-cnb/bench-floor-sized:cpython'" "$work/sized.log" || { echo "bench: the CPython floor did not reuse its layer" >&2; exit 1; }
  floor_bytes="$(launch_bytes python-cnb-bench/floor-sized)"

  # publishing to the registry with a cache image: a cold build, then a no-change rebuild;
  # ours, then the do-nothing buildpack's
  t0=$(now)
  publish_build "app-$stamp-$run" ours >"$work/publish.log" 2>&1 || { tail -30 "$work/publish.log" >&2; exit 1; }
  publish_cold+=("$(elapsed "$t0" "$(now)")")
  grep -q "Successfully installed" "$work/publish.log" || { echo "bench: the cold publishing build did not run pip" >&2; exit 1; }
  t0=$(now)
  publish_build "app-$stamp-$run" ours >"$work/publish.log" 2>&1
  publish_rebuild+=("$(elapsed "$t0" "$(now)")")
  grep -q "pip did not run" "$work/publish.log" || { echo "bench: the publishing rebuild ran pip" >&2; exit 1; }
  t0=$(now)
  publish_build "floor-$stamp-$run" floor >/dev/null 2>&1
  floor_publish_cold+=("$(elapsed "$t0" "$(now)")")
  t0=$(now)
  publish_build "floor-$stamp-$run" floor >/dev/null 2>&1
  floor_publish_rebuild+=("$(elapsed "$t0" "$(now)")")
  t0=$(now)
  publish_build "floor-sized-$stamp-$run" floor-sized >/dev/null 2>&1
  sized_publish_cold+=("$(elapsed "$t0" "$(now)")")
  # start: the image vs gunicorn from the floor's venv on the host, each to its first 200
  port_app="$(free_port)"
  floor_start+=("$(cd "$app" && first_200 "$work/venv/bin/python" -m gunicorn --bind "127.0.0.1:$port_app" app:app)")
  start+=("$(first_200 docker run --rm --name python-cnb-bench-start --network host -e PORT="$port_app" python-cnb-bench/app)")
  docker rm -f python-cnb-bench-start >/dev/null 2>&1 || true
  echo "run $run: floor cold ${floor_cold[-1]}s, cold ${cold[-1]}s, add-line rebuild ${addline[-1]}s, fast cold ${fast_cold[-1]}s, uv cold ${uv_cold[-1]}s, uv rebuild ${uv_rebuild[-1]}s, Poetry cold ${poetry_cold[-1]}s, Poetry rebuild ${poetry_rebuild[-1]}s, floor rebuild ${floor_rebuild[-1]}s, CPython floor cold ${sized_cold[-1]}s, CPython floor rebuild ${sized_rebuild[-1]}s (${floor_bytes:0:-6} MB; ours ${bytes:0:-6} MB), rebuild ${rebuild[-1]}s, publishing: floor cold ${floor_publish_cold[-1]}s, CPython floor cold ${sized_publish_cold[-1]}s, cold ${publish_cold[-1]}s, floor rebuild ${floor_publish_rebuild[-1]}s, rebuild ${publish_rebuild[-1]}s, floor start ${floor_start[-1]}s, start ${start[-1]}s"
done

fc=$(median "${floor_cold[@]}") c=$(median "${cold[@]}")
fr=$(median "${floor_rebuild[@]}") r=$(median "${rebuild[@]}") fz=$(median "${sized_rebuild[@]}") fzc=$(median "${sized_cold[@]}")
pr=$(median "${publish_rebuild[@]}") fpr=$(median "${floor_publish_rebuild[@]}")
pc=$(median "${publish_cold[@]}") fpc=$(median "${floor_publish_cold[@]}") fzpc=$(median "${sized_publish_cold[@]}")
fs=$(median "${floor_start[@]}") s=$(median "${start[@]}")
al=$(median "${addline[@]}") fast=$(median "${fast_cold[@]}")
uc=$(median "${uv_cold[@]}") ur=$(median "${uv_rebuild[@]}") pyc=$(median "${poetry_cold[@]}") pyr=$(median "${poetry_rebuild[@]}")
python3 - "$fc" "$c" "$fr" "$r" "$fs" "$s" "$fz" "$bytes" "$floor_bytes" "$fzc" "$pr" "$fpr" "$pc" "$fpc" "$fzpc" \
  "$al" "$fast" "$uc" "$ur" "$pyc" "$pyr" <<'PY'
import sys
fc, c, fr, r, fs, s, fz, size, floor_size, fzc, pr, fpr, pc, fpc, fzpc, al, fast, uc, ur, pyc, pyr = map(float, sys.argv[1:])
print(f"cold build:        {c:6.2f}s  floor {fc:6.2f}s  ratio {c/fc:4.2f}x  (target <= 1.30x)")
print(f"                   {c:6.2f}s  floor keeping the same CPython {fzc:6.2f}s, plus the host floor {fzc + fc:6.2f}s  ratio {c/(fzc + fc):4.2f}x")
print(f"no-change rebuild: {r:6.2f}s  floor {fr:6.2f}s  ratio {r/fr:4.2f}x  (target <= 1.20x)")
print(f"                   {r:6.2f}s  floor keeping the same CPython ({floor_size/1e6:.0f} MB; ours {size/1e6:.0f} MB) {fz:6.2f}s  ratio {r/fz:4.2f}x")
print(f"publishing to the registry with a cache image (--publish --cache-image):")
print(f"  cold build:      {pc:6.2f}s  floor {fpc:6.2f}s  ratio {pc/fpc:4.2f}x  (the do-nothing buildpack publishing)")
print(f"                   {pc:6.2f}s  floor keeping the same CPython {fzpc:6.2f}s, plus the host floor {fzpc + fc:6.2f}s  ratio {pc/(fzpc + fc):4.2f}x")
print(f"  no-change rebuild: {pr:4.2f}s  floor {fpr:6.2f}s  ratio {pr/fpr:4.2f}x  (target <= 1.20x)")
print(f"start to first 200: {s:5.2f}s  floor {fs:6.2f}s  ratio {s/fs:4.2f}x  (target <= 1.20x)")
print(f"rebuild after adding one requirement line: {al:5.2f}s  our cold build {c:6.2f}s  ratio {al/c:4.2f}x  (target <= 0.65x)")
print(f"launch layers above the run image: {size/1e6:.0f} MB  (target <= 95 MB; the CPython floor's {floor_size/1e6:.0f} MB)")
print(f"PYTHON_FAST_BUILD_ENABLED=true, cold: {fast:5.2f}s  pip {c:6.2f}s  ratio {fast/c:4.2f}x")
for name, cold, rebuild in (("uv", uc, ur), ("Poetry", pyc, pyr)):
    print(f"{name} project, cold: {cold:6.2f}s  floor {fc:6.2f}s  ratio {cold/fc:4.2f}x;  floor keeping the same CPython plus the host floor {fzc + fc:6.2f}s  ratio {cold/(fzc + fc):4.2f}x")
    print(f"{name} project, no-change rebuild: {rebuild:5.2f}s  floor {fr:6.2f}s  ratio {rebuild/fr:4.2f}x;  floor keeping the same CPython {fz:6.2f}s  ratio {rebuild/fz:4.2f}x")
PY

# ASGI start: a FastAPI app whose requirements name no server. The image runs gunicorn with
# uvicorn-worker's worker, which the buildpack installs; the floor is uvicorn alone, started on
# the host from a venv with the same CPython, fastapi and the uvicorn the buildpack pins.
asgi_app="$work/asgi-app"
mkdir -p "$asgi_app"
cp integration/testdata/fastapi/main.py integration/testdata/fastapi/requirements.txt "$asgi_app/"
uvicorn_pin="$(sed -n 's/.*Distribution: "uvicorn", Version: "\([^"]*\)".*/\1/p' gunicorn/servers.go)"
pack build python-cnb-bench/asgi --path "$asgi_app" --builder python-cnb-bench/builder-ours --lifecycle-image "$LIFECYCLE_IMAGE" \
  --pull-policy never --trust-builder --network host >"$work/asgi.log" 2>&1 || { tail -30 "$work/asgi.log" >&2; exit 1; }
grep -q "uvicorn_worker.UvicornWorker main:app" "$work/asgi.log" || { echo "bench: the FastAPI app is not served as ASGI" >&2; exit 1; }
"$python" -m venv --without-pip "$work/asgi-venv"
env -u PIP_FIND_LINKS "$python" -m pip --python "$work/asgi-venv/bin/python" install -q --no-cache-dir --prefer-binary \
  -r "$asgi_app/requirements.txt" "uvicorn==$uvicorn_pin"
asgi_floor=() asgi=()
for run in $(seq 1 "$runs"); do
  port_app="$(free_port)"
  asgi_floor+=("$(cd "$asgi_app" && first_200 "$work/asgi-venv/bin/python" -m uvicorn --port "$port_app" main:app)")
  asgi+=("$(first_200 docker run --rm --name python-cnb-bench-asgi --network host -e PORT="$port_app" python-cnb-bench/asgi)")
  docker rm -f python-cnb-bench-asgi >/dev/null 2>&1 || true
  echo "ASGI run $run: floor start ${asgi_floor[-1]}s, start ${asgi[-1]}s"
done
python3 - "$(median "${asgi_floor[@]}")" "$(median "${asgi[@]}")" <<'PY'
import sys
fs, s = map(float, sys.argv[1:])
print(f"ASGI start to first 200: {s:5.2f}s  floor {fs:6.2f}s (uvicorn on the host)  ratio {s/fs:4.2f}x  (target <= 1.00x)")
PY
