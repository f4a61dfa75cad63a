"""The schemas refuse the mistakes that hurt before: a merchant number as a number, a negative
replica count, a missing secret name, a secret given as a value. Each fails rendering (as it
would fail `helm install`) with a message that names the key."""

from __future__ import annotations

from pathlib import Path

import helm_python as helm
import pytest

from tests.charts.helm import APPLICATION_CHARTS, CHARTS
from tests.charts.values_schemas import rendered, schemas
from tests.support.chart_rendering import Render


def test_committed_schemas_are_the_generated_ones() -> None:
    for chart, schema in schemas().items():
        assert (CHARTS / chart / "values.schema.json").read_text() == rendered(schema), (
            f"charts/{chart}/values.schema.json is stale: run `just charts-schemas`"
        )
    assert set(schemas()) == set(APPLICATION_CHARTS)


def test_unquoted_merchant_number_in_a_values_file_fails(
    render_chart: Render, tmp_path: Path
) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("gpwebpay:\n  merchantNumber: 1000000000\n")

    with pytest.raises(helm.HelmValuesError) as error:
        render_chart("payments", (values,))

    assert "/gpwebpay/merchantNumber" in str(error.value)
    assert "want string" in str(error.value)


@pytest.mark.parametrize("number", ['"1e+09"', '"12345678901"', '""', '"12 34"'])
def test_merchant_number_must_be_up_to_ten_digits(
    render_chart: Render, tmp_path: Path, number: str
) -> None:
    values = tmp_path / "values.yaml"
    values.write_text(f"gpwebpay:\n  merchantNumber: {number}\n")
    with pytest.raises(helm.HelmValuesError, match="/gpwebpay/merchantNumber"):
        render_chart("payments", (values,))


@pytest.mark.parametrize(
    ("chart", "overrides"),
    [
        ("api", {"web": {"replicas": -1}}),
        ("media", {"worker": {"replicas": -2}}),
    ],
)
def test_negative_replica_count_fails(
    render_chart: Render, chart: str, overrides: dict[str, object]
) -> None:
    with pytest.raises(helm.HelmValuesError, match=r"/replicas': minimum: got -\d+, want 0"):
        render_chart(chart, overrides=overrides)


@pytest.mark.parametrize("chart", ["api", "payments", "media", "notifications"])
def test_missing_secret_name_fails(render_chart: Render, chart: str) -> None:
    # null removes a key in Helm, exactly like leaving it out of a values file.
    with pytest.raises(helm.HelmValuesError, match=r"at '/secret': missing property 'name'"):
        render_chart(chart, overrides={"secret": {"name": None}})


def test_missing_gpwebpay_keys_secret_fails(render_chart: Render) -> None:
    with pytest.raises(
        helm.HelmValuesError, match=r"/gpwebpay/keysSecret': missing property 'name'"
    ):
        render_chart("payments", overrides={"gpwebpay": {"keysSecret": {"name": None}}})


@pytest.mark.parametrize(
    "variable",
    ["PICKEY_SESSION_SECRET", "PICKEY_DATABASE_URL", "PICKEY_MAILGUN__API_KEY", "PICKEY_PORT"],
)
def test_secrets_and_managed_settings_cannot_be_plain_config(
    render_chart: Render, variable: str
) -> None:
    with pytest.raises(helm.HelmValuesError, match=f"invalid propertyName '{variable}'"):
        render_chart("api", overrides={"config": {variable: "x" * 40}})


def test_config_values_must_be_strings(render_chart: Render, tmp_path: Path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text("config:\n  PICKEY_UPLOAD_URL_TTL_SECONDS: 900\n")
    with pytest.raises(helm.HelmValuesError, match="want string"):
        render_chart("api", (values,))


def test_unknown_keys_are_refused(render_chart: Render) -> None:
    with pytest.raises(helm.HelmValuesError, match="replica"):
        render_chart("notifications", overrides={"web": {"replica": 3}})
