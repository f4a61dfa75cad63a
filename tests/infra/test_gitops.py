"""The Argo CD manifests are valid against Argo CD's CRD schemas, the Applications they generate
install every chart of this repository with the values Terraform writes and the image tags the
pipeline publishes, and the pipeline's release writer produces exactly what they read."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.charts.helm import APPLICATION_CHARTS, CHARTS
from tests.infra import argocd_schemas, chart_inputs, gitops_release, terraform
from tests.infra.lint import GITOPS, manifests

REPOSITORY = "https://gitlab.com/pickey/backend.git"
TAGS = {
    "API_IMAGE_TAG": "0a1b2c3d4e5f",
    "PAYMENTS_IMAGE_TAG": "1a1b2c3d4e5f",
    "MEDIA_IMAGE_TAG": "2a1b2c3d4e5f",
    "NOTIFICATIONS_IMAGE_TAG": "3a1b2c3d4e5f",
    "BACKUP_IMAGE_TAG": "4a1b2c3d4e5f",
}


def application_set(environment: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (GITOPS / "bootstrap" / f"{environment}.yaml").read_text()
    )
    return loaded


def release(environment: str, root: Path = terraform.ROOT) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        gitops_release.release_path(environment, root).read_text()
    )
    return loaded


_TEMPLATE = re.compile(r"\{\{\s*(.*?)\s*\}\}")


def _lookup(expression: str, parameters: dict[str, Any]) -> Any:
    """The two Go-template forms the ApplicationSet uses, with missingkey=error."""
    index = re.fullmatch(r"index \.(\w+) \.(\w+)", expression)
    if index:
        return parameters[index.group(1)][parameters[index.group(2)]]
    field = re.fullmatch(r"\.(\w+)", expression)
    if field is None:
        raise AssertionError(f"template form not modelled: {expression}")
    return parameters[field.group(1)]


def fill(template: Any, parameters: dict[str, Any]) -> Any:
    if isinstance(template, dict):
        return {key: fill(value, parameters) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(item, parameters) for item in template]
    if isinstance(template, str):
        return _TEMPLATE.sub(lambda m: str(_lookup(m.group(1), parameters)), template)
    return template


def applications(environment: str, root: Path = terraform.ROOT) -> list[dict[str, Any]]:
    """What the ApplicationSet generates: matrix of the release file and the chart list."""
    spec = application_set(environment)["spec"]
    (matrix,) = spec["generators"]
    git, listed = matrix["matrix"]["generators"]
    (release_file,) = git["git"]["files"]
    assert release_file["path"] == f"infra/gitops/envs/{environment}/release.yaml"
    released = release(environment, root)
    generated = []
    for element in listed["list"]["elements"]:
        body = fill(spec["template"], {**released, **element})
        generated.append({"apiVersion": argocd_schemas.API_VERSION, "kind": "Application", **body})
    return generated


@pytest.mark.parametrize("path", manifests(), ids=lambda p: p.name)
def test_manifests_are_valid_argo_cd_resources(path: Path) -> None:
    for manifest in yaml.safe_load_all(path.read_text()):
        assert argocd_schemas.errors(manifest) == []


def test_a_misspelled_or_mistyped_field_is_refused() -> None:
    broken = application_set("dev")
    broken["spec"]["template"]["spec"]["syncPolicy"]["automated"]["prun"] = True
    broken["spec"]["template"]["spec"]["sources"][0]["helm"]["valueFiles"] = "ci/dev-values.yaml"
    problems = argocd_schemas.errors(broken)
    assert len(problems) == 2, problems
    assert argocd_schemas.errors({**broken, "kind": "Rollout"}) == [
        "no vendored schema for kind 'Rollout'"
    ]


@pytest.mark.parametrize("environment", terraform.ENVIRONMENTS)
def test_generated_applications_are_valid(environment: str) -> None:
    for application in applications(environment):
        assert argocd_schemas.errors(application) == [], application["metadata"]["name"]


@pytest.mark.parametrize("environment", terraform.ENVIRONMENTS)
def test_every_chart_is_installed_from_this_repository(environment: str) -> None:
    installed = {}
    for application in applications(environment):
        chart_source, values_source = application["spec"]["sources"]
        chart = chart_source["path"].removeprefix("charts/")
        installed[chart] = application
        assert chart_source["repoURL"] == REPOSITORY
        assert values_source == {"repoURL": REPOSITORY, "targetRevision": "main", "ref": "values"}
        assert (CHARTS / chart / "Chart.yaml").is_file()
        assert chart_source["helm"]["releaseName"] == chart
        assert application["spec"]["destination"]["namespace"] == "pickey"
        assert application["spec"]["project"] == "pickey"
    assert sorted(installed) == sorted(APPLICATION_CHARTS)


@pytest.mark.parametrize("environment", terraform.ENVIRONMENTS)
def test_values_come_from_the_ci_file_then_terraform(environment: str) -> None:
    values_dir = terraform.blocks(terraform.environment_path(environment), "module")[
        "chart_inputs"
    ]["values_dir"]
    assert values_dir == "${path.root}/../../../gitops/envs/${var.environment}/infra"
    for application in applications(environment):
        helm = application["spec"]["sources"][0]["helm"]
        chart = application["spec"]["sources"][0]["path"].removeprefix("charts/")
        ci_file, generated = helm["valueFiles"]
        assert (CHARTS / chart / ci_file).is_file()
        assert generated == f"$values/infra/gitops/envs/{environment}/infra/{chart}.yaml"
        assert chart in chart_inputs.chart_values(environment)
        assert "ignoreMissingValueFiles" not in helm  # a missing Terraform file must fail


@pytest.mark.parametrize("environment", terraform.ENVIRONMENTS)
def test_the_image_tag_goes_where_each_chart_reads_it(environment: str) -> None:
    for application in applications(environment):
        chart = application["spec"]["sources"][0]["path"].removeprefix("charts/")
        (parameter,) = application["spec"]["sources"][0]["helm"]["parameters"]
        assert parameter["forceString"] is True  # a tag of digits stays a string
        values: Any = yaml.safe_load((CHARTS / chart / "values.yaml").read_text())
        for key in parameter["name"].split("."):
            values = values[key]
        assert isinstance(values, str), (chart, parameter["name"])


def test_release_writer_writes_what_the_application_sets_read(tmp_path: Path) -> None:
    for environment in terraform.ENVIRONMENTS:
        target = gitops_release.release_path(environment, tmp_path)
        target.parent.mkdir(parents=True)
        shutil.copy(gitops_release.release_path(environment), target)
        gitops_release.write(environment, "v1.2.3", TAGS, root=tmp_path)
        written = release(environment, tmp_path)
        assert written["chartRevision"] == "v1.2.3"
        assert target.read_text().startswith(
            gitops_release.header_of(gitops_release.release_path(environment))
        )
        for application in applications(environment, tmp_path):
            source = application["spec"]["sources"][0]
            (parameter,) = source["helm"]["parameters"]
            chart = source["path"].removeprefix("charts/")
            image = "backup" if chart == "pickey-data" else chart
            assert parameter["value"] == TAGS[f"{image.upper()}_IMAGE_TAG"]
            assert source["targetRevision"] == "v1.2.3"


@pytest.mark.parametrize(
    ("environment", "revision", "tags", "message"),
    [
        ("staging", "main", TAGS, "unknown environment"),
        ("dev", "main; rm -rf /", TAGS, "not a Git revision"),
        ("dev", "main", {**TAGS, "MEDIA_IMAGE_TAG": ""}, "MEDIA_IMAGE_TAG is missing"),
        ("dev", "main", {**TAGS, "API_IMAGE_TAG": "1e9: x"}, "API_IMAGE_TAG is missing"),
    ],
)
def test_release_writer_refuses_bad_input_and_writes_nothing(
    tmp_path: Path, environment: str, revision: str, tags: dict[str, str], message: str
) -> None:
    target = gitops_release.release_path("dev", tmp_path)
    target.parent.mkdir(parents=True)
    shutil.copy(gitops_release.release_path("dev"), target)
    before = target.read_text()
    with pytest.raises(gitops_release.ReleaseError, match=message):
        gitops_release.write(environment, revision, tags, root=tmp_path)
    assert target.read_text() == before


def test_committed_release_files_list_every_image() -> None:
    for environment in terraform.ENVIRONMENTS:
        assert set(release(environment)["images"]) == set(gitops_release.IMAGES)
