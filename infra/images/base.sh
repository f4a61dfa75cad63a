#!/usr/bin/env bash
# Build the two local base images `just images` uses when no registry is reachable:
# - PICKEY_BASE_IMAGE: Debian bookworm (python3 3.11 included) by debootstrap from the Debian
#   mirror apt already uses on this machine, then `podman import`;
# - PICKEY_UV_IMAGE: the uv binary at /uv (the Dockerfile's UV_IMAGE shape), taken from uv's
#   wheel on PyPI at the version the Dockerfile pins.
# Podman's storage persists, so each is built only when missing (--force rebuilds both).
# Usage: infra/images/base.sh [--force]
set -euo pipefail
cd "$(dirname "$0")/../.."
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/infra/images/containers.conf}"

IMAGE="${PICKEY_BASE_IMAGE:-localhost/pickey-base:bookworm}"
UV_VERSION=$(sed -n 's|^ARG UV_IMAGE=.*:\([0-9.]*\)$|\1|p' infra/images/Dockerfile)
UV_IMAGE="${PICKEY_UV_IMAGE:-localhost/pickey-uv:$UV_VERSION}"
FORCE="${1:-}"

build_uv_image() {
    if [ "$FORCE" != "--force" ] && podman image exists "$UV_IMAGE"; then
        echo "uv image $UV_IMAGE is present"
        return 0
    fi
    local work
    work=$(mktemp -d /var/tmp/pickey-uv.XXXXXX)
    # uv's wheel for this machine from PyPI, checked against the sha256 PyPI publishes (any
    # python3 works: the standard library only, no pip needed).
    python3 - "$work" "$UV_VERSION" "$(uname -m)" <<'PY'
import hashlib, io, json, pathlib, sys, urllib.request, zipfile
work, version, machine = pathlib.Path(sys.argv[1]), sys.argv[2], sys.argv[3]
# PyPI's simple index in its JSON form (PEP 691): what pip and uv read.
request = urllib.request.Request(
    "https://pypi.org/simple/uv/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
)
with urllib.request.urlopen(request, timeout=60) as response:
    files = json.load(response)["files"]
(wheel,) = [
    f for f in files
    if f["filename"].startswith(f"uv-{version}-") and "manylinux" in f["filename"]
    and f["filename"].endswith(f"{machine}.whl")
][:1]
with urllib.request.urlopen(wheel["url"], timeout=300) as response:
    data = response.read()
if hashlib.sha256(data).hexdigest() != wheel["hashes"]["sha256"]:
    sys.exit(f"{wheel['filename']}: sha256 does not match PyPI's")
with zipfile.ZipFile(io.BytesIO(data)) as archive:
    name = next(n for n in archive.namelist() if n.endswith(".data/scripts/uv"))
    target = work / "root" / "uv"
    target.parent.mkdir()
    target.write_bytes(archive.read(name))
    target.chmod(0o755)
print(f"uv {version} from {wheel['filename']}")
PY
    tar -C "$work/root" -c uv | podman import - "$UV_IMAGE"
    rm -rf "$work"
    echo "built $UV_IMAGE"
}
build_uv_image
# What the official python:*-slim images give a program and our Dockerfile relies on.
PACKAGES="python3,ca-certificates,tzdata,netbase,passwd"

if [ "$FORCE" != "--force" ] && podman image exists "$IMAGE"; then
    echo "base image $IMAGE is present (infra/images/base.sh --force rebuilds it)"
    exit 0
fi

# The mirror apt uses here (deb822 .sources files or one-line sources.list entries).
mirror=$(
    {
        grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
        grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'
    } | grep -E '/debian/?$' | head -n 1
) || true
mirror="${mirror:-http://deb.debian.org/debian}"

root=$(mktemp -d /var/tmp/pickey-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
echo "debootstrap bookworm from $mirror into $root"
debootstrap --variant=minbase --include="$PACKAGES" bookworm "$root" "$mirror" >"$root.log" 2>&1 || {
    tail -n 30 "$root.log" >&2
    exit 1
}
rm -f "$root.log"
# Small like the slim images: no apt lists, caches, docs or man pages.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/*
echo "deb $mirror bookworm main" >"$root/etc/apt/sources.list"
# The official images name the interpreter `python` too.
ln -sf python3 "$root/usr/bin/python"
tar -C "$root" -c . | podman import \
    --change 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["python3"]' - "$IMAGE"
echo "built $IMAGE"
