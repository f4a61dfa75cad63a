"""The pipeline file refers only to things that exist: stages, jobs, templates, recipes,
Dockerfiles, charts and values files; builds run only when their inputs change; deploys are
atomic and waited for, dev from the default branch and prod from version tags."""

from __future__ import annotations

import fnmatch
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.images import DOCKERFILE, build_script_arguments

ROOT = Path(__file__).resolve().parents[2]
PIPELINE: dict[str, Any] = yaml.safe_load((ROOT / ".gitlab-ci.yml").read_text())
KEYWORDS = {"stages", "variables", "workflow", "default", "include"}
JOBS = {
    name: job for name, job in PIPELINE.items() if name not in KEYWORDS and not name.startswith(".")
}
TEMPLATES = {name: job for name, job in PIPELINE.items() if name.startswith(".")}
SERVICES = ("api", "payments", "media", "notifications")
FILES = [
    path.relative_to(ROOT).as_posix()
    for path in ROOT.rglob("*")
    if path.is_file() and not {".git", ".venv", "node_modules"} & set(path.relative_to(ROOT).parts)
]


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def resolved(name: str) -> dict[str, Any]:
    """A job with its `extends` applied (GitLab's merge: hashes such as `variables` are merged
    key by key, anything else of the job wins)."""
    job = PIPELINE[name]
    merged: dict[str, Any] = {}
    parents = job.get("extends", [])
    for parent in [parents] if isinstance(parents, str) else parents:
        merged = deep_merge(merged, resolved(parent))
    return deep_merge(merged, job)


def script(job: dict[str, Any]) -> str:
    return "\n".join(line for key in ("before_script", "script") for line in job.get(key, []))


def recipes() -> set[str]:
    summary = subprocess.run(
        ["just", "--summary"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(summary.stdout.split())


def test_jobs_use_declared_stages_and_existing_templates() -> None:
    stages = PIPELINE["stages"]
    for name in JOBS:
        job = resolved(name)
        assert job.get("stage", "test") in stages, name
        parents = PIPELINE[name].get("extends", [])
        for parent in [parents] if isinstance(parents, str) else parents:
            assert parent in TEMPLATES, (name, parent)
    used = {resolved(name).get("stage", "test") for name in JOBS}
    assert used == set(stages)


def test_needs_refer_to_jobs_of_earlier_or_same_stages() -> None:
    order = {stage: index for index, stage in enumerate(PIPELINE["stages"])}
    for name in JOBS:
        job = resolved(name)
        for need in job.get("needs", []):
            target = need["job"] if isinstance(need, dict) else need
            assert target in JOBS, (name, target)
            assert order[resolved(target).get("stage", "test")] <= order[job["stage"]], (
                name,
                target,
            )


def test_changes_rules_match_files_of_the_repository() -> None:
    for name in JOBS:
        for rule in resolved(name).get("rules", []):
            for pattern in rule.get("changes", []):
                glob = pattern.replace("**/*", "*")
                assert any(fnmatch.fnmatch(path, glob) for path in FILES), (name, pattern)


def test_scripts_run_existing_recipes_files_and_charts() -> None:
    known = recipes()
    for name in JOBS:
        text = script(resolved(name))
        for line in re.findall(r"\bjust ([\w -]+)", text):
            for recipe in line.split():
                assert recipe in known, (name, recipe)
        for chart in re.findall(r"charts/([\w-]+)", text):
            assert (ROOT / "charts" / chart / "Chart.yaml").is_file(), (name, chart)
        variables = resolved(name).get("variables", {})
        if "DOCKERFILE" in variables:
            assert (ROOT / variables["DOCKERFILE"]).is_file(), name


def test_the_test_stage_runs_the_developers_recipes() -> None:
    text = "\n".join(
        script(resolved(name)) for name in JOBS if resolved(name).get("stage") == "test"
    )
    for command in ("just lint typecheck", "just test", "just charts-lint pipeline-lint"):
        assert command in text


def rule_changes(job: dict[str, Any]) -> list[str]:
    (rule,) = job["rules"]
    return list(rule["changes"])


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_image_is_built_only_when_its_inputs_change(service: str) -> None:
    job = resolved(f"build-{service}")
    assert "buildah bud" in script(job)
    assert job["variables"]["DOCKERFILE"] == DOCKERFILE
    # The image's own build arguments, as infra/images/build.sh passes them.
    own = build_script_arguments()[service]
    assert f"pickey-{job['variables']['IMAGE']}" == own["PACKAGE"]
    assert {k: v for k, v in job["variables"].items() if k in own} == {
        k: v for k, v in own.items() if k != "PACKAGE"
    }
    assert '--build-arg PACKAGE="pickey-$IMAGE"' in script(job)
    assert "infra/images/Dockerfile" in rule_changes(job)
    (rule,) = job["rules"]
    assert rule["if"] == "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
    assert f"services/{service}/**/*" in rule["changes"]
    assert "libs/**/*" in rule["changes"]
    others = [f"services/{other}/**/*" for other in SERVICES if other != service]
    assert not set(others) & set(rule["changes"])


@pytest.mark.parametrize(
    ("job", "environment", "condition"),
    [
        ("deploy-dev", "dev", "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"),
        ("deploy-prod", "prod", "$CI_COMMIT_TAG =~ /^v\\d+\\.\\d+\\.\\d+$/"),
    ],
)
def test_deploys_are_atomic_and_go_to_the_right_cluster(
    job: str, environment: str, condition: str
) -> None:
    resolved_job = resolved(job)
    text = script(resolved_job)
    upgrades = [line for line in text.split("\n") if "helm upgrade --install" in line]

    gate, *rules = resolved_job["rules"]
    # Once Argo CD deploys (DEPLOY_VIA=gitops), Helm stays out of its way.
    assert gate == {"if": '$DEPLOY_VIA == "gitops"', "when": "never"}
    assert [rule["if"] for rule in rules] == [condition]
    assert resolved_job["variables"]["ENVIRONMENT"] == environment
    assert len(upgrades) == 5
    for line in upgrades:
        for flag in ("--atomic", "--wait", "--timeout"):
            assert flag in line, (flag, line)
        chart = re.search(r"charts/([\w-]+) ", line).group(1)  # type: ignore[union-attr]
        assert (ROOT / "charts" / chart / "ci" / f"{environment}-values.yaml").is_file()
        assert "--set-string" in line  # image tags are strings, never numbers
    # The data chart first, then the api (its hook migrates), then the rest.
    assert [re.search(r"upgrade --install ([\w-]+)", line).group(1) for line in upgrades][:2] == [  # type: ignore[union-attr]
        "pickey-data",
        "api",
    ]


INFRA_CHANGES = ["infra/**/*"]


def test_terraform_is_formatted_and_validated_on_every_infra_change() -> None:
    fmt, validate = resolved("terraform-fmt"), resolved("terraform-validate")
    assert "terraform fmt -check -recursive" in script(fmt)
    assert "terraform validate" in script(validate)
    assert "for environment in dev prod" in script(validate)
    for job in (fmt, validate):
        assert [rule.get("changes") for rule in job["rules"]] == [INFRA_CHANGES, INFRA_CHANGES]
        assert job["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
    # The lock files it creates (none is committed yet) are kept to be committed.
    assert all(path.endswith(".terraform.lock.hcl") for path in validate["artifacts"]["paths"])


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_terraform_plans_on_merge_requests_and_applies_that_plan_by_hand_on_main(
    environment: str,
) -> None:
    plan, apply = (
        resolved(f"terraform-plan-{environment}"),
        resolved(f"terraform-apply-{environment}"),
    )
    for job in (plan, apply):
        assert job["variables"]["ENVIRONMENT"] == environment
        assert (ROOT / "infra" / "terraform" / "envs" / environment / "main.tf").is_file()
        assert "terraform/state/$ENVIRONMENT" in script(job)  # GitLab's HTTP backend
        assert "sh ../../init.sh" in script(job)
        assert job["resource_group"] == "terraform-$ENVIRONMENT"
    assert "terraform plan -input=false -out=plan.cache" in script(plan)
    assert any(
        rule["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"' for rule in plan["rules"]
    )
    assert "terraform apply -input=false plan.cache" in script(apply)
    (rule,) = apply["rules"]
    assert rule == {
        "if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH",
        "changes": INFRA_CHANGES,
        "when": "manual",
    }
    assert f"terraform-plan-{environment}" in apply["needs"]
    # What apply generated for Argo CD is committed.
    assert 'infra/gitops/envs/$ENVIRONMENT/infra"' in script(apply)
    assert (ROOT / "infra" / "terraform" / "init.sh").is_file()


def test_prod_infrastructure_is_applied_after_dev() -> None:
    assert "terraform-apply-dev" in resolved("terraform-apply-prod")["needs"]


@pytest.mark.parametrize(
    ("job", "environment", "condition", "revision"),
    [
        ("gitops-dev", "dev", "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", "$CI_COMMIT_SHA"),
        ("gitops-prod", "prod", "$CI_COMMIT_TAG =~ /^v\\d+\\.\\d+\\.\\d+$/", "$CI_COMMIT_TAG"),
    ],
)
def test_gitops_jobs_commit_the_published_tags_instead_of_running_helm(
    job: str, environment: str, condition: str, revision: str
) -> None:
    resolved_job = resolved(job)
    text = script(resolved_job)
    (rule,) = resolved_job["rules"]
    assert rule["if"] == f'$DEPLOY_VIA == "gitops" && {condition}'
    assert resolved_job["variables"] == {"ENVIRONMENT": environment, "CHART_REVISION": revision}
    assert 'just gitops-release "$ENVIRONMENT" "$CHART_REVISION"' in text
    assert "infra/gitops/commit.sh" in text
    assert "helm" not in text
    assert (ROOT / "infra" / "gitops" / "envs" / environment / "release.yaml").is_file()
    assert (ROOT / "infra" / "gitops" / "bootstrap" / f"{environment}.yaml").is_file()
    needs = {n["job"] if isinstance(n, dict) else n for n in resolved_job["needs"]}
    assert "image-tags" in needs  # the *_IMAGE_TAG variables gitops-release reads


def test_the_checks_stage_runs_infra_lint() -> None:
    assert "just charts-lint pipeline-lint infra-lint" in script(resolved("charts"))


@pytest.mark.parametrize("service", [*SERVICES, "backup"])
def test_images_are_built_and_pushed_with_buildah(service: str) -> None:
    """The same tool builds the images in the pipeline and in `just images-smoke` here, so what
    is pushed is what was proven to build and start (README, "Images")."""
    job = resolved(f"build-{service}")
    text = script(job)
    assert job["image"].startswith("quay.io/buildah/stable:v")
    assert job["variables"]["BUILDAH_ISOLATION"] == "chroot"  # no privileged runner needed
    assert "--password-stdin" in text  # the registry password never appears in a command line
    build = next(line for line in job["script"] if "buildah bud" in line)
    assert '-f "$DOCKERFILE"' in build
    assert '-t "$REGISTRY_IMAGE/$IMAGE:$TAG"' in build
    assert 'buildah push "$REGISTRY_IMAGE/$IMAGE:$TAG"' in text
    assert (ROOT / job["variables"]["DOCKERFILE"]).is_file()


def test_no_job_uses_kaniko() -> None:
    """Kaniko is archived upstream and was never shown to parse our `RUN --mount` lines."""
    assert "kaniko" not in (ROOT / ".gitlab-ci.yml").read_text().lower().replace(
        "kaniko is archived", ""
    )
