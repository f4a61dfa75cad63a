#!/usr/bin/env bash
# Build Pickey's images: `infra/images/build.sh [NAME...]` (api payments media notifications sandbox
# backup by default), tagged localhost/pickey-NAME:dev.
# - With a Docker engine that answers: `docker build` with the Dockerfile's defaults (the official
#   python and uv images from their registries).
# - Otherwise (CI here, machines without Docker): buildah, with no registry at all: the base
#   images come from infra/images/base.sh (Debian bookworm by debootstrap, uv from PyPI), built
#   once and kept in podman's storage. PICKEY_IMAGE_ENGINE=docker|buildah forces one.
# Build arguments can be overridden with PICKEY_PYTHON_IMAGE, PICKEY_UV_IMAGE, PICKEY_POSTGRES_MAJOR
# and PICKEY_POSTGRES_APT_REPOSITORY.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/infra/images/containers.conf}"

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(api payments media notifications sandbox backup)

engine="${PICKEY_IMAGE_ENGINE:-}"
if [ -z "$engine" ]; then
    if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
        engine=docker
    else
        engine=buildah
    fi
fi

# The one Dockerfile, and the build arguments that make each image (its table is in the file).
DOCKERFILE=infra/images/Dockerfile
image_args() {
    case "$1" in
        api) echo "PACKAGE=pickey-api|DEFAULT_ARGS=serve" ;;
        payments) echo "PACKAGE=pickey-payments|DEFAULT_ARGS=serve|APT_PACKAGES=fonts-dejavu-core" ;;
        media) echo "PACKAGE=pickey-media|DEFAULT_ARGS=serve" ;;
        notifications) echo "PACKAGE=pickey-notifications|DEFAULT_ARGS=worker" ;;
        sandbox) echo "PACKAGE=pickey-sandbox|DEFAULT_ARGS=--host 0.0.0.0 --port 9000" ;;
        backup) echo "PACKAGE=pickey-backup|DEFAULT_ARGS=run|POSTGRES_CLIENT=yes" ;;
        *) echo "unknown image: $1 (known: api payments media notifications sandbox backup)" >&2; return 2 ;;
    esac
}
image_build_args() {
    local list
    list=$(image_args "$1") || return 2
    image=()
    local IFS='|'
    for pair in $list; do image+=(--build-arg "$pair"); done
}

args=()
add_arg() { [ -z "$2" ] || args+=(--build-arg "$1=$2"); }

if [ "$engine" = buildah ]; then
    infra/images/base.sh
    uv_version=$(sed -n 's|^ARG UV_IMAGE=.*:\([0-9.]*\)$|\1|p' "$DOCKERFILE")
    add_arg PYTHON_IMAGE "${PICKEY_PYTHON_IMAGE:-${PICKEY_BASE_IMAGE:-localhost/pickey-base:bookworm}}"
    add_arg UV_IMAGE "${PICKEY_UV_IMAGE:-localhost/pickey-uv:$uv_version}"
    # Only a Debian mirror is reachable: bookworm's own PostgreSQL client (major 15).
    add_arg POSTGRES_APT_REPOSITORY "${PICKEY_POSTGRES_APT_REPOSITORY:-debian}"
    add_arg POSTGRES_MAJOR "${PICKEY_POSTGRES_MAJOR:-15}"
    # uv fetches wheels from PyPI over HTTPS: trust this machine's CA bundle (it may hold an
    # egress proxy's CA), mounted read-only for the RUN steps only, never stored in a layer.
    volumes=()
    ca_bundle="${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}"
    if [ -f "$ca_bundle" ]; then
        volumes=(--volume "$ca_bundle:/etc/ssl/certs/ca-certificates.crt:ro")
        add_arg UV_SYSTEM_CERTS 1
    fi
    for name in "${names[@]}"; do
        image_build_args "$name"
        echo "== buildah: pickey-$name"
        buildah bud --isolation=chroot --network=host --pull=never --layers --quiet \
            "${volumes[@]}" "${args[@]}" "${image[@]}" -f "$DOCKERFILE" -t "localhost/pickey-$name:dev" .
    done
else
    add_arg PYTHON_IMAGE "${PICKEY_PYTHON_IMAGE:-}"
    add_arg UV_IMAGE "${PICKEY_UV_IMAGE:-}"
    add_arg POSTGRES_APT_REPOSITORY "${PICKEY_POSTGRES_APT_REPOSITORY:-}"
    add_arg POSTGRES_MAJOR "${PICKEY_POSTGRES_MAJOR:-}"
    for name in "${names[@]}"; do
        image_build_args "$name"
        echo "== docker: pickey-$name"
        docker build "${args[@]}" "${image[@]}" -f "$DOCKERFILE" -t "localhost/pickey-$name:dev" .
    done
fi
