"""One settings base for every Pickey process.

Every setting comes from the environment with the ``PICKEY_`` prefix (or a ``.env`` file in the
working directory). Each service extends :class:`PickeySettings` with its own fields. Settings are
validated once at start-up by :func:`load_settings`; a bad value stops the process with one line
that names the variable and what is wrong, never with a traceback and never echoing a secret.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from enum import StrEnum
from typing import Any, NoReturn, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PostgresDsn,
    RedisDsn,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from pickey_core.http.cors import CorsConfig
from pickey_core.public_urls import public_urls, why_not_public
from pickey_core.sessions import SessionConfig

ENV_PREFIX = "PICKEY_"

# Values that mean "nobody set this yet". They are fine on a laptop and refused anywhere else.
PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "secret", "password", "dev", "development", "test", "sandbox"}
)


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    STAGING = "staging"
    PRODUCTION = "production"


class StorageBackend(StrEnum):
    LOCAL = "local"
    S3 = "s3"


class StorageConfig(BaseModel):
    """Where uploads and generated files live: S3 (Spaces, MinIO) or, in development, a folder.

    Set as ``PICKEY_STORAGE__BACKEND``, ``PICKEY_STORAGE__S3_BUCKET`` and so on.
    """

    model_config = ConfigDict(frozen=True)

    backend: StorageBackend = Field(
        default=StorageBackend.LOCAL,
        description="`s3` everywhere but a laptop; `local` only in development.",
    )
    local_root: str = Field(default="var/storage", description="Folder of the local backend.")
    local_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Base URL of the service that serves local-storage presigned URLs.",
    )
    s3_endpoint_url: str | None = Field(
        default=None,
        description="S3 endpoint, e.g. https://fra1.digitaloceanspaces.com or http://minio:9000; "
        "empty means AWS.",
    )
    s3_region: str = Field(default="us-east-1", description="Region (Spaces: e.g. fra1).")
    s3_bucket: str = Field(default="pickey", description="Bucket for uploads and variants.")
    s3_access_key_id: SecretStr = Field(
        default=SecretStr(""),
        description="Access key; empty uses the default AWS credential chain.",
    )
    s3_secret_access_key: SecretStr = Field(default=SecretStr(""), description="Secret key.")
    signing_key: SecretStr = Field(
        default=SecretStr(""),
        description="HMAC key that signs local-storage URLs (local backend, development only).",
    )


class WorkerConfig(BaseModel):
    """How an arq worker runs (``PICKEY_WORKER__...``)."""

    model_config = ConfigDict(frozen=True)

    job_completion_wait_seconds: int = Field(
        default=25,
        ge=0,
        description="On SIGTERM, stop taking jobs and let running ones finish this long; what is "
        "still running then is cancelled and goes back to the queue. Keep it shorter than the "
        "pod's termination grace period.",
    )
    max_tries: int = Field(default=8, ge=1, description="Runs of one job before it fails.")
    max_jobs: int = Field(default=10, ge=1, description="Jobs run concurrently by one worker.")
    job_timeout_seconds: int = Field(
        default=300, ge=1, description="A job running longer is cancelled and retried."
    )
    retry_backoff_max_seconds: int = Field(
        default=300, ge=1, description="Cap of the exponential backoff between retries."
    )
    health_check_interval_seconds: int = Field(
        default=10, ge=1, description="How often the worker refreshes its health key."
    )
    metrics_port: int = Field(default=9100, ge=0, le=65535, description="0 turns it off.")
    outbox_sweep_every_seconds: int = Field(
        default=10, ge=1, le=60, description="Outbox sweeper period; must divide 60."
    )
    poll_delay_seconds: float = Field(
        default=0.02,
        gt=0,
        description="Pause between polls of the queue (arq's poll_delay; arq's own default 0.5 s "
        "makes a job wait 250 ms on average and caps a worker near 200 jobs/s). An idle worker "
        "sends one ZRANGEBYSCORE per pause: 50 cheap commands a second at the default.",
    )
    redis_marker_check_seconds: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="How often the worker checks Redis's outbox marker key (one EXISTS); when "
        "Redis lost its data, every unfinished outbox row is pushed again at once.",
    )
    redis_outage_backoff_max_seconds: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="While Redis is unreachable the worker stays up and retries with exponential "
        "backoff, waiting at most this long between tries.",
    )

    @model_validator(mode="after")
    def _sweep_divides_minute(self) -> Self:
        if 60 % self.outbox_sweep_every_seconds:
            raise ValueError("outbox_sweep_every_seconds must divide 60")
        return self


class PickeySettings(BaseSettings):
    """Settings every service shares: where the database and Redis are, how to log, who we are."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        env_nested_delimiter="__",
        extra="ignore",
        frozen=True,
    )

    environment: Environment = Field(
        default=Environment.DEVELOPMENT,
        description="development, test, staging or production; placeholder secrets and local "
        "storage are refused outside development and test.",
    )
    service_name: str = Field(
        default="pickey", description="Set by each service; names it in logs and metrics."
    )
    database_url: PostgresDsn = Field(
        default=PostgresDsn("postgresql+asyncpg://postgres@127.0.0.1:5432/pickey"),
        description="SQLAlchemy URL; the driver must be asyncpg.",
    )
    database_pool_size: int = Field(
        default=10, ge=1, le=200, description="Connections kept open per process."
    )
    database_max_overflow: int = Field(
        default=5, ge=0, le=200, description="Extra connections allowed at peaks."
    )
    redis_url: RedisDsn = Field(
        default=RedisDsn("redis://127.0.0.1:6379/0"),
        description="Redis for queues and sessions (AOF on, noeviction).",
    )
    database_connect_timeout_seconds: float = Field(
        default=3.0,
        gt=0,
        le=60,
        description="Time allowed to open a database connection; an unreachable database answers "
        "503 after this instead of holding the request.",
    )
    database_pool_timeout_seconds: float = Field(
        default=3.0,
        gt=0,
        le=60,
        description="Time a request waits for a free pooled connection before answering 503.",
    )
    database_statement_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="PostgreSQL statement_timeout of every connection (server side): a longer "
        "query is cancelled by the server. Migrations use their own connection without it.",
    )
    database_lock_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=3600,
        description="PostgreSQL lock_timeout: waiting longer for a row or table lock fails.",
    )
    database_idle_in_transaction_timeout_seconds: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="PostgreSQL idle_in_transaction_session_timeout: the server ends a session "
        "that keeps a transaction open and idle this long (a frozen or dead client).",
    )
    database_command_timeout_seconds: float = Field(
        default=12.0,
        gt=0,
        le=3600,
        description="Client-side limit on one database command (asyncpg): catches a frozen "
        "server that cannot enforce its own statement_timeout. Keep it above the statement "
        "timeout.",
    )
    unavailable_retry_after_seconds: int = Field(
        default=5,
        ge=1,
        le=3600,
        description="Retry-After of the 503 answered while PostgreSQL or Redis is unavailable.",
    )
    redis_connect_timeout_seconds: float = Field(
        default=2.0, gt=0, le=60, description="Time allowed to open a Redis connection."
    )
    redis_command_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=60,
        description="Time one Redis command may take before it fails (a frozen Redis).",
    )
    host: str = Field(default="127.0.0.1", description="Address the HTTP server binds.")
    port: int = Field(
        default=8000,
        ge=1,
        le=65535,
        description="Port the HTTP server binds (api 8000, payments 8001, media 8002, "
        "notifications 8003).",
    )
    graceful_shutdown_seconds: int = Field(
        default=20, ge=0, description="How long the HTTP server drains in-flight requests."
    )
    shutdown_drain_seconds: float = Field(
        default=0,
        ge=0,
        le=300,
        description="On SIGTERM, keep serving but answer /readyz 503 (draining) this long before "
        "the graceful shutdown, so a load balancer that only health-checks moves traffic away "
        "first. 0 (Kubernetes: the preStop sleep does this) shuts down at once.",
    )
    max_request_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Larger request bodies get 413."
    )
    worker: WorkerConfig = WorkerConfig()
    session: SessionConfig = SessionConfig()
    cors: CorsConfig = CorsConfig()
    log_level: str = Field(
        default="INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$", description="Lowest level logged."
    )
    log_json: bool = Field(
        default=True, description="JSON lines (production); false gives readable console lines."
    )
    outbox_stale_after_seconds: float = Field(
        default=300.0,
        gt=0,
        description="A dispatched outbox row whose job has not completed after this long is "
        "pushed again (arq refuses the push while the job still exists in Redis).",
    )
    outbox_undispatched_grace_seconds: float = Field(
        default=5.0,
        gt=0,
        description="An outbox row not pushed by its own request this long after it was written "
        "is pushed by the sweeper (the request died between commit and push, or Redis was down).",
    )
    outbox_max_dispatches: int = Field(
        default=20, ge=1, description="Pushes of one outbox row before it is abandoned (alerted)."
    )
    suppression_hash_key: SecretStr | None = Field(
        default=None,
        description="Key of the HMAC that keeps an erased person's suppressed address as a hash "
        "(same value in api and notifications); unset: unkeyed SHA-256.",
    )

    @model_validator(mode="after")
    def _check_database_driver(self) -> Self:
        if self.database_url.scheme != "postgresql+asyncpg":
            raise ValueError(
                "PICKEY_DATABASE_URL must use the asyncpg driver "
                "(postgresql+asyncpg://user@host:port/db)"
            )
        return self

    @model_validator(mode="after")
    def _refuse_local_storage_outside_development(self) -> Self:
        storage = getattr(self, "storage", None)
        if (
            isinstance(storage, StorageConfig)
            and storage.backend is StorageBackend.LOCAL
            and not self.is_development
        ):
            raise ValueError(
                "PICKEY_STORAGE__BACKEND=local keeps files on one pod's disk; "
                "use s3 outside development"
            )
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> Self:
        if self.is_development:
            return self
        for variable, value in _secrets(self, ENV_PREFIX):
            if value.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS:
                raise ValueError(
                    f"{variable} is a placeholder; set a real secret "
                    f"(placeholders are allowed only in development and test)"
                )
        return self

    @model_validator(mode="after")
    def _refuse_local_public_urls(self) -> Self:
        """Links in emails and the gateway's return address must be reachable from outside
        (:mod:`pickey_core.public_urls`); the defaults are not, anywhere but a laptop or a test."""
        if self.is_development:
            return self
        for variable, url in public_urls(self, ENV_PREFIX):
            problem = why_not_public(url)
            if problem is not None:
                raise ValueError(
                    f"{variable} {problem}; set the public URL "
                    f"(local and example addresses are allowed only in development and test)"
                )
        return self

    @property
    def is_development(self) -> bool:
        return self.environment in (Environment.DEVELOPMENT, Environment.TEST)


def _secrets(model: BaseModel, prefix: str) -> Iterator[tuple[str, SecretStr]]:
    """Every secret in a settings tree with the environment variable that sets it.

    A secret that is not used in this deployment (an S3 key when storage is local) is skipped by
    the caller's own rules, not here: an empty optional secret is only refused where it is used.
    """
    for name in type(model).model_fields:
        value = getattr(model, name)
        variable = f"{prefix}{name.upper()}"
        if isinstance(value, SecretStr):
            if value.get_secret_value() or type(model).model_fields[name].is_required():
                yield variable, value
        elif isinstance(value, BaseModel):
            yield from _secrets(value, variable + "__")


S = TypeVar("S", bound=BaseSettings)


def describe_validation_error(error: ValidationError, model: type[BaseSettings]) -> str:
    """Name the first bad setting as its environment variable, with what is wrong with it."""
    prefix = str(model.model_config.get("env_prefix", ""))
    problems = []
    for item in error.errors(include_url=False, include_input=False):
        loc = [str(part) for part in item["loc"]]
        variable = (prefix + "__".join(loc)).upper() if loc else ""
        message = item["msg"].removeprefix("Value error, ")
        problems.append(f"{variable}: {message}" if variable else message)
    return "; ".join(problems)


def load_settings(model: type[S], **overrides: Any) -> S:
    """Build settings or stop the process with one readable line (exit status 2)."""
    try:
        return model(**overrides)
    except ValidationError as error:
        _exit_with_configuration_error(describe_validation_error(error, model))


def _exit_with_configuration_error(message: str) -> NoReturn:
    print(f"configuration error: {message}", file=sys.stderr)
    raise SystemExit(2)
