#!/usr/bin/env bash
# Sets up everything the buildpack's integration tests need, on a fresh Debian 12
# machine as root, offline except for the package registries:
#   1. a Docker engine (docker.io) on /var/run/docker.sock
#   2. pack and the lifecycle, built from the Go module proxy into .tools/
#   3. local base, build, run and lifecycle images (debootstrap, never pulled) for this
#      machine's architecture
#   4. the same for the other one of amd64 and arm64, built under qemu user emulation, for the
#      multi-arch builder scripts/package.sh publishes
#   5. the builder python-cnb/builder:bookworm, trusted in .tools/pack-home
#   6. PostgreSQL and MariaDB (Debian's) on loopback, for the database tests
#   7. a local OCI registry (CNCF Distribution) on loopback, for publishing and registry builds
# Every step is skipped when its result is already there, so a second run takes seconds.
#
#   scripts/setup.sh                  # everything
#   scripts/setup.sh --only registry  # step 7 alone (needs nothing from the others)
set -euo pipefail

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMAGES_DIR="$ROOT/scripts/images"
SETUP_LABEL="io.python-cnb.setup.inputs" # hash of what an image was built from
mkdir -p "$TOOLS/bin" "$PACK_HOME"
# .tools/ without symbolic links, for the servers that outlive this script (the databases, the
# registry)
TOOLS_REAL=$(cd "$TOOLS" && pwd -P)

# ---------------------------------------------------------------- helpers
now_ms() { echo $(($(date +%s%N) / 1000000)); }
SETUP_START=$(now_ms)
fmt_ms() { printf '%d.%01ds' $(($1 / 1000)) $((($1 % 1000) / 100)); }
log() { printf '[setup] %s\n' "$*"; }
die() {
  printf '[setup] ERROR: %s\n' "$*" >&2
  exit 1
}
# step NAME FUNCTION [ARG...]: runs FUNCTION and prints how long it took.
step() {
  local name="$1" fn="$2" t0
  shift 2
  t0=$(now_ms)
  log "$name ..."
  "$fn" "$@"
  log "$name: done in $(fmt_ms $(($(now_ms) - t0)))"
}
# wait_for WHAT LOG COMMAND...: waits up to 60 s for COMMAND to succeed, else shows the end
# of LOG and stops.
wait_for() {
  local what="$1" log="$2"
  shift 2
  local deadline=$(($(date +%s) + 60))
  until "$@" >/dev/null 2>&1; do
    if (($(date +%s) > deadline)); then
      tail -n 30 "$log" >&2 || true
      die "$what did not answer within 60 s (log: $log)"
    fi
    sleep 0.5
  done
}
image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
image_label() { docker image inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true; }
image_id() { docker image inspect -f '{{.Id}}' "$1"; }

APT_UPDATED=0
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [[ $APT_UPDATED == 0 ]]; then
    log "  apt-get update"
    apt-get update -qq
    APT_UPDATED=1
  fi
  log "  apt-get install $*"
  # No init system here: keep package scripts from starting services (dockerd would be
  # started with the wrong flags).
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
  fi
  local rc=0
  apt-get install -y -qq --no-install-recommends "$@" >"$TOOLS/apt.log" 2>&1 || rc=$?
  [[ $made_policy == 1 ]] && rm -f "$policy"
  if [[ $rc != 0 ]]; then
    tail -n 30 "$TOOLS/apt.log" >&2
    die "apt-get install $* failed (log: $TOOLS/apt.log)"
  fi
}

# ---------------------------------------------------------------- 1. Docker engine
# dockerd without bridge and iptables (not allowed in this sandbox); containers use
# --network none or --network host. The nofile ulimit must stay under the hard limit.
ensure_docker() {
  if docker info >/dev/null 2>&1; then
    log "  engine already running"
    return
  fi
  command -v dockerd >/dev/null 2>&1 || apt_install docker.io
  command -v docker >/dev/null 2>&1 || die "no docker client after installing docker.io"
  if ! pidof dockerd >/dev/null 2>&1; then
    log "  starting dockerd (log: .tools/dockerd.log)"
    cd / && setsid nohup dockerd --iptables=false --ip6tables=false --bridge=none \
      --host unix:///var/run/docker.sock --default-ulimit nofile=1024:1024 \
      >"$TOOLS/dockerd.log" 2>&1 </dev/null &
    cd - >/dev/null
  fi
  wait_for "the Docker engine on $DOCKER_HOST" "$TOOLS/dockerd.log" docker info
}

# ---------------------------------------------------------------- 2. pack and lifecycle
# Each tool is built in a throwaway module under .tools/src, from the Go module proxy
# (GOPROXY as configured on the machine).
go_env() {
  command -v go >/dev/null 2>&1 || die "go is not installed"
  export GOFLAGS="-mod=mod -buildvcs=false"
}

# go_tool NAME MODULE@VERSION PACKAGE LDFLAGS [GO.MOD LINES]: builds PACKAGE into .tools/bin/NAME
# in a throwaway module .tools/src/NAME (log: .tools/go-NAME.log).
go_tool() {
  local name="$1" module="$2" package="$3" ldflags="$4" extra="${5:-}"
  go_env
  local src="$TOOLS/src/$name"
  rm -rf "$src" && mkdir -p "$src"
  (
    cd "$src"
    {
      printf 'module local/%s-tool\n\ngo 1.23\n' "$name"
      [[ -z $extra ]] || printf '\n%s\n' "$extra"
    } >go.mod
    go get "$module"
    CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$TOOLS/bin/$name.tmp" "$package"
  ) >"$TOOLS/go-$name.log" 2>&1 || {
    tail -n 30 "$TOOLS/go-$name.log" >&2
    die "building $name failed (log: $TOOLS/go-$name.log)"
  }
  mv "$TOOLS/bin/$name.tmp" "$TOOLS/bin/$name"
}

ensure_pack() {
  if [[ -x $TOOLS/bin/pack && $("$TOOLS/bin/pack" version 2>/dev/null) == "$PACK_VERSION" ]]; then
    log "  pack $PACK_VERSION already built"
    return
  fi
  # pack's main package is its module root; its own go.mod pins toml with the same replace.
  go_tool pack "github.com/buildpacks/pack@v$PACK_VERSION" github.com/buildpacks/pack \
    "-s -w -X github.com/buildpacks/pack/pkg/client.Version=$PACK_VERSION" \
    'replace github.com/BurntSushi/toml => github.com/BurntSushi/toml v1.3.2'
  log "  built $("$TOOLS/bin/pack" version)"
}

# lifecycle.tgz: lifecycle.toml + lifecycle/{lifecycle,launcher,<phase symlinks>}, the
# layout of the upstream release tarball that `pack builder create` reads; one for each of
# ARCHS (lifecycle_tgz), cross-compiled (CGO_ENABLED=0, GOARCH).
lifecycle_built() { # TGZ: whether TGZ holds this lifecycle version
  [[ -s $1 ]] && tar -xzOf "$1" lifecycle.toml 2>/dev/null | grep -qF "version = \"$LIFECYCLE_VERSION\""
}

ensure_lifecycle() {
  local arch missing=()
  for arch in $ARCHS; do
    if lifecycle_built "$(lifecycle_tgz "$arch")"; then
      log "  lifecycle $LIFECYCLE_VERSION for $arch already there"
    else
      missing+=("$arch")
    fi
  done
  [[ ${#missing[@]} -gt 0 ]] || return 0
  go_env
  local src="$TOOLS/src/lifecycle"
  rm -rf "$src" && mkdir -p "$src"
  (
    cd "$src"
    cat >go.mod <<'EOF'
module local/lifecycle-tool

go 1.23
EOF
    # Prints lifecycle.toml from the lifecycle's own list of supported APIs.
    cat >main.go <<'EOF'
package main

import (
	"fmt"
	"os"

	"github.com/buildpacks/lifecycle/api"
)

func main() {
	fmt.Printf("[apis]\n[apis.buildpack]\n  deprecated = %s\n  supported = %s\n",
		api.Buildpack.Deprecated, api.Buildpack.Supported)
	fmt.Printf("[apis.platform]\n  deprecated = %s\n  supported = %s\n\n",
		api.Platform.Deprecated, api.Platform.Supported)
	fmt.Printf("[lifecycle]\n  version = %q\n", os.Args[1])
}
EOF
    go get "github.com/buildpacks/lifecycle@v$LIFECYCLE_VERSION"
    go run . "$LIFECYCLE_VERSION" >lifecycle.toml
  ) >"$TOOLS/go-lifecycle.log" 2>&1 || {
    tail -n 30 "$TOOLS/go-lifecycle.log" >&2
    die "fetching the lifecycle failed (log: $TOOLS/go-lifecycle.log)"
  }
  local ldflags="-s -w -X github.com/buildpacks/lifecycle/cmd.Version=$LIFECYCLE_VERSION" stage out phase
  for arch in "${missing[@]}"; do
    stage="$src/stage-$arch" out="$(lifecycle_tgz "$arch")"
    mkdir -p "$stage/lifecycle"
    cp "$src/lifecycle.toml" "$stage/"
    log "  building lifecycle $LIFECYCLE_VERSION for $arch"
    (
      cd "$src"
      export CGO_ENABLED=0 GOARCH="$arch"
      go build -trimpath -ldflags "$ldflags" -o "$stage/lifecycle/lifecycle" github.com/buildpacks/lifecycle/cmd/lifecycle
      go build -trimpath -ldflags "$ldflags" -o "$stage/lifecycle/launcher" github.com/buildpacks/lifecycle/cmd/launcher
    ) >>"$TOOLS/go-lifecycle.log" 2>&1 || {
      tail -n 30 "$TOOLS/go-lifecycle.log" >&2
      die "building the lifecycle for $arch failed (log: $TOOLS/go-lifecycle.log)"
    }
    for phase in detector analyzer restorer builder exporter rebaser creator extender; do
      ln -s lifecycle "$stage/lifecycle/$phase"
    done
    # Reproducible (sorted, fixed times and owners), so a rebuild in a fresh clone gives the
    # same file and the images and builder made from it are kept.
    tar -C "$stage" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - \
      lifecycle.toml lifecycle | gzip -n >"$out.tmp"
    mv "$out.tmp" "$out"
  done
}

ensure_tools() {
  # bzip2: the conda test channel packs .tar.bz2 packages; curl, python3: scripts/demo.sh and bench.sh;
  # git: the tests' VCS requirement is served by git http-backend
  local missing=()
  for tool in bzip2 curl python3 git; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  [[ ${#missing[@]} -eq 0 ]] || apt_install "${missing[@]}"
  ensure_pack
  ensure_lifecycle
}

# ---------------------------------------------------------------- 3. and 4. images
# The Debian mirror comes from the host's apt sources (the suite bookworm itself, not
# -security or -updates); DEBIAN_MIRROR overrides it.
debian_mirror() {
  if [[ -n ${DEBIAN_MIRROR:-} ]]; then
    echo "$DEBIAN_MIRROR"
    return
  fi
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    uri=$(awk '
      function flush() { if (deb && ok && on && u != "") { print u; found = 1 } deb = ok = 0; on = 1; u = "" }
      BEGIN { on = 1 }
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*$/ { if (!found) flush(); next }
      tolower($1) == "types:"   { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
      tolower($1) == "uris:"    { u = $2 }
      tolower($1) == "suites:"  { for (i = 2; i <= NF; i++) if ($i == "bookworm") ok = 1 }
      tolower($1) == "enabled:" { if (tolower($2) == "no") on = 0 }
      END { if (!found) flush() }' "$f" | head -n1)
    if [[ -n $uri ]]; then
      echo "$uri"
      return
    fi
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f ]] || continue
    uri=$(awk '$1 == "deb" {
        i = 2
        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
        if ($(i + 1) == "bookworm") { print $i; exit }
      }' "$f")
    if [[ -n $uri ]]; then
      echo "$uri"
      return
    fi
  done
  return 1
}

ROOTFS=""
cleanup_rootfs() {
  [[ -n $ROOTFS && -d $ROOTFS ]] || return 0
  # Unmount anything debootstrap may have left mounted before deleting.
  awk -v d="$ROOTFS/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m" || true; done
  rm -rf "$ROOTFS"
}
trap cleanup_rootfs EXIT

# The images of the other architecture are built under qemu user emulation: Debian's
# qemu-user-static, registered with the kernel's binfmt_misc with the F flag (the kernel keeps
# the emulator open, so it runs inside chroots and containers that do not hold it). There is no
# init system to register it at boot: every run checks it.
qemu_name() { # ARCH: the name binfmt-support registers its emulator under
  case "$1" in
    arm64) echo qemu-aarch64 ;;
    amd64) echo qemu-x86_64 ;;
    *) die "no emulator known for $1" ;;
  esac
}

ensure_emulation() { # ARCH
  local name entry=/proc/sys/fs/binfmt_misc
  name=$(qemu_name "$1")
  if grep -qx enabled "$entry/$name" 2>/dev/null && grep -q '^flags: .*F' "$entry/$name"; then
    log "  $name emulation already registered"
    return
  fi
  [[ -x /usr/sbin/update-binfmts && -e /usr/share/binfmts/$name ]] || apt_install qemu-user-static binfmt-support
  mountpoint -q "$entry" || mount -t binfmt_misc binfmt_misc "$entry" ||
    die "cannot mount binfmt_misc on $entry (the images for $1 are built under emulation, which needs root)"
  update-binfmts --enable "$name" || die "update-binfmts --enable $name failed"
  grep -q '^flags: .*F' "$entry/$name" ||
    die "$name is registered without the F flag: containers could not find the emulator ($entry/$name)"
  log "  registered $name emulation (binfmt_misc, flags: $(sed -n 's/^flags: //p' "$entry/$name"))"
}

# ensure_base_image ARCH: Debian bookworm (minbase) for ARCH, bootstrapped from the mirror and
# turned into an image for that platform (FROM scratch, the root file system added).
ensure_base_image() {
  local arch="$1" tag
  tag=$(arch_tag "$BASE_IMAGE" "$arch")
  if image_exists "$tag"; then
    log "  $tag already there"
    return
  fi
  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap debian-archive-keyring
  local mirror log_file="$TOOLS/debootstrap-$arch.log"
  mirror=$(debian_mirror) || die "no Debian mirror for bookworm in the host's apt sources (set DEBIAN_MIRROR)"
  ROOTFS=$(mktemp -d /var/tmp/python-cnb-rootfs.XXXXXX)
  log "  debootstrap --arch $arch --variant=minbase bookworm (log: .tools/debootstrap-$arch.log)"
  if ! debootstrap --arch "$arch" --variant=minbase --include=ca-certificates bookworm "$ROOTFS/root" "$mirror" \
    >"$log_file" 2>&1; then
    tail -n 30 "$log_file" >&2
    die "debootstrap --arch $arch failed (log: $log_file)"
  fi
  # Drop apt's downloaded lists and caches: nothing in the image uses them.
  rm -rf "$ROOTFS"/root/var/lib/apt/lists/* "$ROOTFS"/root/var/cache/apt/*.bin \
    "$ROOTFS"/root/var/cache/apt/archives/*.deb "$ROOTFS"/root/var/log/*.log
  tar -C "$ROOTFS/root" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
    -cf "$ROOTFS/rootfs.tar" .
  # docker import would label the image with this machine's architecture whatever it holds;
  # a build FROM scratch takes --platform.
  cat >"$ROOTFS/Dockerfile" <<'EOF'
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["/bin/bash"]
EOF
  log "  docker build --platform linux/$arch $tag"
  DOCKER_BUILDKIT=0 docker build --quiet --platform "linux/$arch" --network none -t "$tag" \
    -f "$ROOTFS/Dockerfile" "$ROOTFS" >"$TOOLS/docker-build.log" 2>&1 ||
    {
      cat "$TOOLS/docker-build.log" >&2
      die "docker build $tag failed"
    }
  cleanup_rootfs
  ROOTFS=""
}

# build_image ARCH TAG DOCKERFILE CONTEXT_DIR NETWORK [--build-arg ...]
# Builds FROM the base image of ARCH, for that platform, with NETWORK none, or host for images
# that install Debian packages (from the mirror the base image was bootstrapped with). Skipped
# when TAG exists and was built from the same inputs (base image, Dockerfile, context files,
# args), so editing a Dockerfile or a package list in scripts/images/ rebuilds it.
build_image() {
  local arch="$1" tag="$2" dockerfile="$3" ctx="$4" network="$5" base
  shift 5
  base=$(arch_tag "$BASE_IMAGE" "$arch")
  local inputs
  inputs=$({
    image_id "$base"
    cat "$dockerfile"
    (cd "$ctx" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    echo "$@"
  } | sha256sum | cut -c1-16)
  if [[ $(image_label "$tag" "$SETUP_LABEL") == "$inputs" ]]; then
    log "  $tag already there"
    return
  fi
  log "  docker build --platform linux/$arch $tag"
  DOCKER_BUILDKIT=0 docker build --quiet --platform "linux/$arch" --network "$network" --pull=false \
    --build-arg "BASE_IMAGE=$base" --build-arg "CNB_STACK_ID=$STACK_ID" "$@" \
    --label "$SETUP_LABEL=$inputs" -f "$dockerfile" -t "$tag" "$ctx" >"$TOOLS/docker-build.log" 2>&1 ||
    {
      cat "$TOOLS/docker-build.log" >&2
      die "docker build $tag failed"
    }
}

# ensure_images ARCH: the base, build, run and lifecycle images for ARCH (arch_tag).
ensure_images() {
  local arch="$1"
  [[ $arch == "$HOST_ARCH" ]] || ensure_emulation "$arch"
  ensure_base_image "$arch"
  # Build contexts are made fresh each run; the CA bundle is the host's, never committed.
  local ctx="$TOOLS/images"
  rm -rf "$ctx" && mkdir -p "$ctx/stack" "$ctx/lifecycle"
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/stack/ca-certificates.crt"
  chmod 0644 "$ctx/stack/ca-certificates.crt"
  cp "$IMAGES_DIR/install-packages.sh" "$ctx/stack/install-packages.sh"
  cp "$(lifecycle_tgz "$arch")" "$ctx/lifecycle/lifecycle.tgz"
  build_image "$arch" "$(arch_tag "$BUILD_IMAGE" "$arch")" "$IMAGES_DIR/build.Dockerfile" "$ctx/stack" host
  build_image "$arch" "$(arch_tag "$RUN_IMAGE" "$arch")" "$IMAGES_DIR/run.Dockerfile" "$ctx/stack" host
  build_image "$arch" "$(arch_tag "$LIFECYCLE_IMAGE" "$arch")" "$IMAGES_DIR/lifecycle.Dockerfile" "$ctx/lifecycle" none \
    --build-arg "LIFECYCLE_VERSION=$LIFECYCLE_VERSION"
}

# The other architecture's images, for the multi-arch builder scripts/package.sh publishes.
ensure_other_images() {
  local arch
  for arch in $ARCHS; do
    [[ $arch == "$HOST_ARCH" ]] || ensure_images "$arch"
  done
}

# ---------------------------------------------------------------- 5. builder
# A builder with no buildpacks of its own: tests add theirs with `pack build --buildpack`.
# Rebuilt when builder.toml, the build/run images or the lifecycle change (stamp file).
ensure_builder() {
  local dir="$TOOLS/builder"
  mkdir -p "$dir"
  {
    printf 'description = "python-cnb local builder (Debian bookworm), made by scripts/setup.sh"\n\n'
    builder_toml "$BUILD_IMAGE" "$RUN_IMAGE" "$HOST_ARCH"
  } >"$dir/builder.toml.new"
  mv "$dir/builder.toml.new" "$dir/builder.toml"
  local stamp
  stamp=$({
    cat "$dir/builder.toml"
    image_id "$BUILD_IMAGE"
    image_id "$RUN_IMAGE"
    sha256sum <"$(lifecycle_tgz "$HOST_ARCH")"
  } | sha256sum | cut -c1-16)
  if image_exists "$BUILDER" && [[ -f $dir/stamp && $(cat "$dir/stamp") == "$stamp" ]]; then
    log "  $BUILDER already there"
  else
    log "  pack builder create $BUILDER"
    pack builder create "$BUILDER" --config "$dir/builder.toml" --pull-policy never \
      >"$TOOLS/pack-builder.log" 2>&1 || {
      cat "$TOOLS/pack-builder.log" >&2
      die "pack builder create failed"
    }
    echo "$stamp" >"$dir/stamp"
  fi
  # pack's config in PACK_HOME: trust the builder, and make plain `pack build` use the
  # local lifecycle image and never pull (nothing can be pulled here).
  local cfg="$PACK_HOME/config.toml"
  if ! grep -qF "name = \"$BUILDER\"" "$cfg" 2>/dev/null; then
    pack config trusted-builders add "$BUILDER" >/dev/null
    log "  trusted $BUILDER (PACK_HOME=.tools/pack-home)"
  fi
  if ! grep -qF "lifecycle-image = \"$LIFECYCLE_IMAGE\"" "$cfg" 2>/dev/null; then
    pack config lifecycle-image "$LIFECYCLE_IMAGE" >/dev/null
  fi
  if ! grep -qF 'pull-policy = "never"' "$cfg" 2>/dev/null; then
    pack config pull-policy never >/dev/null
  fi
}

# ---------------------------------------------------------------- 6. databases
# PostgreSQL and MariaDB from Debian, for the integration tests' database apps: each
# server runs on loopback only, on its own port (lib.sh), with its data and log in
# .tools/, and holds the database and password user the tests connect as. Containers
# reach them with --network host. There is no init system: each is started in the
# background, and left running, like the Docker engine.
ensure_postgres() {
  local dir="$TOOLS_REAL/postgres" bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  if [[ -z $bin ]]; then
    apt_install postgresql
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  fi
  # a server that already serves the test database (another checkout's, say) will do
  if [[ $(PGPASSWORD="$TEST_DB_PASSWORD" "$bin/psql" -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$TEST_DB_USER" \
    -d "$TEST_DB_NAME" -qtAX -c 'SELECT 1' 2>/dev/null) == 1 ]]; then
    log "  PostgreSQL on 127.0.0.1:$POSTGRES_PORT already serves $TEST_DB_NAME"
    return
  fi
  local as_pg=(runuser -u postgres --)
  local isready=("$bin/pg_isready" -q -h 127.0.0.1 -p "$POSTGRES_PORT")
  if "${isready[@]}"; then
    log "  PostgreSQL already running on 127.0.0.1:$POSTGRES_PORT"
  else
    if [[ ! -f $dir/data/PG_VERSION ]]; then
      log "  initdb .tools/postgres/data"
      rm -rf "$dir/data" && mkdir -p "$dir/data" "$dir/run" && chown -R postgres:postgres "$dir"
      "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
        >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        die "initdb failed"
      }
    fi
    log "  starting PostgreSQL on 127.0.0.1:$POSTGRES_PORT (log: .tools/postgres/postgres.log)"
    mkdir -p "$dir/run" && chown postgres:postgres "$dir/run"
    (cd / && exec setsid "${as_pg[@]}" "$bin/postgres" -D "$dir/data" -p "$POSTGRES_PORT" \
      -c listen_addresses=127.0.0.1 -c unix_socket_directories="$dir/run") \
      >"$dir/postgres.log" 2>&1 </dev/null &
    wait_for PostgreSQL "$dir/postgres.log" "${isready[@]}"
  fi
  # The test role and database, over the server's socket as the postgres superuser.
  local psql=("${as_pg[@]}" "$bin/psql" -h "$dir/run" -p "$POSTGRES_PORT" -U postgres -qtAX -v ON_ERROR_STOP=1)
  if [[ $("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$TEST_DB_USER'") != 1 ]]; then
    "${psql[@]}" -c "CREATE ROLE $TEST_DB_USER LOGIN PASSWORD '$TEST_DB_PASSWORD'"
  fi
  if [[ $("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$TEST_DB_NAME'") != 1 ]]; then
    "${psql[@]}" -c "CREATE DATABASE $TEST_DB_NAME OWNER $TEST_DB_USER"
    log "  created the PostgreSQL database $TEST_DB_NAME"
  fi
}

ensure_mariadb() {
  local dir="$TOOLS_REAL/mariadb"
  command -v mariadbd >/dev/null 2>&1 || apt_install mariadb-server
  if mariadb -h 127.0.0.1 -P "$MARIADB_PORT" -u "$TEST_DB_USER" -p"$TEST_DB_PASSWORD" "$TEST_DB_NAME" \
    -e 'SELECT 1' >/dev/null 2>&1; then
    log "  MariaDB on 127.0.0.1:$MARIADB_PORT already serves $TEST_DB_NAME"
    return
  fi
  local socket="$dir/run/mysqld.sock"
  local ping=(mariadb-admin --socket="$socket" -u root ping)
  if "${ping[@]}" >/dev/null 2>&1; then
    log "  MariaDB already running on 127.0.0.1:$MARIADB_PORT"
  else
    if [[ ! -d $dir/data/mysql ]]; then
      log "  mariadb-install-db .tools/mariadb/data"
      rm -rf "$dir/data" && mkdir -p "$dir/data" "$dir/run" && chown -R mysql:mysql "$dir"
      mariadb-install-db --user=mysql --datadir="$dir/data" --auth-root-authentication-method=socket \
        --skip-test-db >"$dir/install-db.log" 2>&1 || {
        cat "$dir/install-db.log" >&2
        die "mariadb-install-db failed"
      }
    fi
    log "  starting MariaDB on 127.0.0.1:$MARIADB_PORT (log: .tools/mariadb/mariadb.log)"
    mkdir -p "$dir/run" && chown mysql:mysql "$dir/run"
    (cd / && exec setsid mariadbd --no-defaults --user=mysql --datadir="$dir/data" \
      --bind-address=127.0.0.1 --port="$MARIADB_PORT" --socket="$socket" \
      --pid-file="$dir/run/mariadbd.pid" --log-error="$dir/mariadb.log") \
      >/dev/null 2>&1 </dev/null &
    wait_for MariaDB "$dir/mariadb.log" "${ping[@]}"
  fi
  mariadb --socket="$socket" -u root -e "
    CREATE DATABASE IF NOT EXISTS $TEST_DB_NAME;
    CREATE USER IF NOT EXISTS '$TEST_DB_USER'@'127.0.0.1' IDENTIFIED BY '$TEST_DB_PASSWORD';
    GRANT ALL ON $TEST_DB_NAME.* TO '$TEST_DB_USER'@'127.0.0.1';"
}

ensure_databases() {
  ensure_postgres
  ensure_mariadb
}

# ---------------------------------------------------------------- 7. registry
# CNCF Distribution, the reference OCI registry, built from the Go module proxy like pack and
# serving plain HTTP on loopback only ($REGISTRY; clients treat loopback registries as
# insecure by default, so neither Docker nor pack needs configuring). Its storage is
# .tools/registry/storage, so published images survive a restart. Started when nothing
# answers on $REGISTRY; a port held by something that is not a registry is an error.
registry_up() {
  curl -fsS -o /dev/null -D - "http://$REGISTRY/v2/" 2>/dev/null |
    grep -qi '^docker-distribution-api-version: *registry/2.0'
}

ensure_registry_tool() {
  local bin="$TOOLS/bin/registry"
  if [[ -x $bin && $("$bin" --version 2>/dev/null) == *" v$REGISTRY_VERSION" ]]; then
    log "  registry $REGISTRY_VERSION already built"
    return
  fi
  go_tool registry "github.com/distribution/distribution/v3@v$REGISTRY_VERSION" \
    github.com/distribution/distribution/v3/cmd/registry \
    "-s -w -X github.com/distribution/distribution/v3/version.version=v$REGISTRY_VERSION"
  log "  built $("$bin" --version)"
}

ensure_registry() {
  command -v curl >/dev/null 2>&1 || apt_install curl
  ensure_registry_tool
  if registry_up; then
    log "  registry already answering on $REGISTRY"
    return
  fi
  local host="${REGISTRY%:*}"
  case "$host" in
    127.* | localhost) ;;
    *) die "REGISTRY=$REGISTRY is not a loopback address: the harness registry serves plain HTTP on loopback only" ;;
  esac
  if curl -s -o /dev/null "http://$REGISTRY/" 2>/dev/null; then
    die "something that is not an OCI registry answers on $REGISTRY: stop it, or set PYTHON_CNB_REGISTRY to another loopback host:port"
  fi
  # The server outlives this script: give it .tools/ without symbolic links.
  local dir="$TOOLS_REAL/registry"
  mkdir -p "$dir/storage"
  cat >"$dir/config.yml" <<EOF
# Written by scripts/setup.sh.
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $REGISTRY
EOF
  log "  starting the registry on $REGISTRY (log: .tools/registry.log)"
  # A clean environment: the registry reads REGISTRY_* variables as configuration, and
  # OpenTelemetry would otherwise try to export traces to a collector.
  (cd / && setsid nohup env -i PATH="$PATH" OTEL_TRACES_EXPORTER=none \
    "$TOOLS_REAL/bin/registry" serve "$dir/config.yml" >>"$TOOLS_REAL/registry.log" 2>&1 </dev/null &)
  wait_for "The registry on $REGISTRY" "$TOOLS_REAL/registry.log" registry_up
}

# ---------------------------------------------------------------- main
case "${1:-}" in
  "") ;;
  --only)
    [[ ${2:-} == registry ]] || die "usage: scripts/setup.sh [--only registry]"
    step "registry" ensure_registry
    exit 0
    ;;
  *) die "usage: scripts/setup.sh [--only registry]" ;;
esac
step "1/7 docker engine" ensure_docker
step "2/7 pack $PACK_VERSION + lifecycle $LIFECYCLE_VERSION" ensure_tools
step "3/7 images for $HOST_ARCH" ensure_images "$HOST_ARCH"
step "4/7 images for the other architecture, under emulation" ensure_other_images
step "5/7 builder" ensure_builder
step "6/7 databases" ensure_databases
step "7/7 registry $REGISTRY_VERSION on $REGISTRY" ensure_registry
log "all done in $(fmt_ms $(($(now_ms) - SETUP_START)))"
