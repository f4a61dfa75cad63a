#!/bin/sh
# `terraform init` in the current environment folder (CI's Terraform jobs), pinned by the
# committed .terraform.lock.hcl when there is one. Without one (the repository ships only
# version constraints: the provider registry cannot be reached where it was written), it
# creates the lock file with the hashes of linux_amd64 (CI) and darwin_arm64 (developers'
# Macs); the job keeps it as an artifact to be committed. Extra arguments go to `terraform init`.
set -eu
if [ -f .terraform.lock.hcl ]; then
    terraform init -input=false -lockfile=readonly "$@"
else
    echo "no .terraform.lock.hcl committed in $(pwd): creating one; commit the job's artifact" >&2
    terraform init -input=false -backend=false
    terraform providers lock -platform=linux_amd64 -platform=darwin_arm64
    terraform init -input=false "$@"
fi
