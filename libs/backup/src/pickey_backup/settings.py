"""Settings of the backup job (``PICKEY_BACKUP__...``), on the one settings base."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from pickey_core.settings import PickeySettings


class BackupConfig(BaseModel):
    """Where dumps go and how long they stay. The bucket is a dedicated one: uploads' keys must
    not be able to read or delete the database's history."""

    model_config = ConfigDict(frozen=True)

    s3_endpoint_url: str | None = Field(
        default=None,
        description="S3 endpoint of the backup bucket, e.g. https://fra1.digitaloceanspaces.com; "
        "empty means AWS.",
    )
    s3_region: str = Field(default="us-east-1", description="Region of the backup bucket.")
    s3_bucket: str = Field(
        default="pickey-backups", min_length=3, description="Bucket that keeps the dumps."
    )
    s3_access_key_id: SecretStr = Field(
        default=SecretStr(""),
        description="Access key; empty uses the default AWS credential chain.",
    )
    s3_secret_access_key: SecretStr = Field(default=SecretStr(""), description="Secret key.")
    prefix: str = Field(
        default="postgres/",
        pattern=r"^([A-Za-z0-9._-]+/)*$",
        description="Key prefix of the dumps (ends with /).",
    )
    keep_days: int = Field(
        default=14,
        ge=1,
        le=3650,
        description="Dumps older than this many days are deleted after a successful backup "
        "(the newest dump is always kept).",
    )
    pushgateway_url: str = Field(
        default="",
        description="Prometheus Pushgateway that receives the outcome metrics; empty: only logs.",
    )
    scratch_dir: str = Field(
        default="/tmp",  # noqa: S108 - the job's own emptyDir volume, not a shared temp folder
        description="Folder where the dump is written before upload (room for the largest dump).",
    )
    postgres_bin_dir: str = Field(
        default="",
        description="Folder of pg_dump and pg_restore (their major version must be at least the "
        "server's); empty: found on PATH.",
    )


class BackupSettings(PickeySettings):
    service_name: str = "backup"
    backup: BackupConfig = Field(
        default_factory=BackupConfig, description="PICKEY_BACKUP__...: the backup bucket."
    )
