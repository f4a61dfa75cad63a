#!/bin/sh
# commit.sh MESSAGE PATH...: commit PATHs and push them to the default branch, rebasing over
# whatever landed meanwhile (CI's GitOps and Terraform apply jobs). The commit says [skip ci]:
# it changes what runs, not the code. Needs GITOPS_PUSH_TOKEN, a project access token with the
# write_repository scope (README, "Infrastructure").
set -eu
message="$1"
shift
git config user.name "Pickey GitOps"
git config user.email "gitops@pickey.cz"
git add -- "$@"
if git diff --cached --quiet; then
    echo "nothing to commit"
    exit 0
fi
git commit -q -m "$message [skip ci]"
# GITOPS_REMOTE replaces the project URL (tests push to a local repository).
remote="${GITOPS_REMOTE:-https://gitops:${GITOPS_PUSH_TOKEN}@${CI_SERVER_HOST}/${CI_PROJECT_PATH}.git}"
for attempt in 1 2 3 4 5; do
    git pull -q --rebase "$remote" "$CI_DEFAULT_BRANCH"
    if git push -q "$remote" "HEAD:$CI_DEFAULT_BRANCH"; then
        exit 0
    fi
    echo "push refused (attempt $attempt): rebasing again" >&2
    sleep 5
done
exit 1
