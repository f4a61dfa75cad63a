"""infra/gitops/commit.sh, the pipeline's way of committing what a cluster runs, against real
Git repositories: it lands on the default branch over a commit that arrived meanwhile, says
[skip ci], and commits nothing when nothing changed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.infra import gitops_release, terraform

SCRIPT = terraform.ROOT / "infra" / "gitops" / "commit.sh"
RELEASE = "infra/gitops/envs/dev/release.yaml"
TAGS = {name: f"{index}bcdef012345" for index, name in enumerate(gitops_release.IMAGES.values())}

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(cwd: Path, *arguments: str) -> str:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@pickey.test",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@pickey.test",
    }
    done = subprocess.run(
        ["git", *arguments], cwd=cwd, env=environment, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare repository whose main holds the committed release file."""
    seed = tmp_path / "seed"
    (seed / RELEASE).parent.mkdir(parents=True)
    shutil.copy(terraform.ROOT / RELEASE, seed / RELEASE)
    (seed / "README.md").write_text("seed\n")
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", ".")
    git(seed, "commit", "-q", "-m", "seed")
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    return bare


def checkout(origin: Path, destination: Path) -> Path:
    """As a CI job sees the project: a detached HEAD at the pipeline's commit."""
    git(origin.parent, "clone", "-q", str(origin), str(destination))
    git(destination, "checkout", "-q", "--detach")
    return destination


def commit(work: Path, message: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "GITOPS_REMOTE": str(work.parent / "origin.git")}
    environment["CI_DEFAULT_BRANCH"] = "main"
    return subprocess.run(
        ["sh", str(SCRIPT), message, RELEASE],
        cwd=work,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_lands_on_main_over_a_commit_that_arrived_meanwhile(origin: Path, tmp_path: Path) -> None:
    work = checkout(origin, tmp_path / "job")
    other = checkout(origin, tmp_path / "other")
    (other / "README.md").write_text("merged meanwhile\n")
    git(other, "commit", "-q", "-am", "a merge request landed")
    git(other, "push", "-q", str(origin), "HEAD:main")

    gitops_release.write("dev", "0123456789ab", TAGS, root=work)
    done = commit(work, "GitOps dev, charts at 0123456789ab")

    assert done.returncode == 0, done.stderr
    log = git(origin, "log", "--format=%s", "main").splitlines()
    assert log == [
        "GitOps dev, charts at 0123456789ab [skip ci]",
        "a merge request landed",
        "seed",
    ]
    landed = git(origin, "show", f"main:{RELEASE}")
    assert landed == (work / RELEASE).read_text().rstrip("\n")
    assert 'chartRevision: "0123456789ab"' in landed


def test_commits_nothing_when_nothing_changed(origin: Path, tmp_path: Path) -> None:
    work = checkout(origin, tmp_path / "job")
    before = git(origin, "rev-parse", "main")
    done = commit(work, "GitOps dev")
    assert done.returncode == 0, done.stderr
    assert "nothing to commit" in done.stdout
    assert git(origin, "rev-parse", "main") == before
