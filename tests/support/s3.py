"""pytest plugin: a real S3 server (moto) for storage tests.

The server is a separate process speaking HTTP, so the S3 backend is tested through the same
client, signing and network path it uses against Spaces. It is session-scoped, so each
pytest-xdist worker starts its own on its own port; every test gets its own bucket.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import aioboto3
import pytest
from pydantic import SecretStr

from pickey_core.settings import StorageBackend, StorageConfig
from tests.support.processes import free_port, running

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client

MOTO_SERVER = Path(sys.executable).parent / "moto_server"
S3_REGION = "us-east-1"
# moto accepts any credentials; these only have to look like keys.
S3_ACCESS_KEY_ID = "testing"
S3_SECRET_ACCESS_KEY = "testing"


@pytest.fixture(scope="session")
def s3_endpoint_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a moto S3 server running for this test session (this xdist worker)."""
    port = free_port()
    endpoint_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("moto") / "moto_server.log"
    command = [str(MOTO_SERVER), "--host", "127.0.0.1", "--port", str(port)]
    with running(
        command, env={}, log_path=log_path, ready_url=f"{endpoint_url}/moto-api/", timeout=60
    ):
        yield endpoint_url


@pytest.fixture(scope="session")
async def s3_admin_client(s3_endpoint_url: str) -> AsyncIterator[S3Client]:
    """A plain S3 client on the moto server, for set-up that the code under test must not do."""
    session = aioboto3.Session()
    async with session.client(
        "s3",
        endpoint_url=s3_endpoint_url,
        region_name=S3_REGION,
        aws_access_key_id=S3_ACCESS_KEY_ID,
        aws_secret_access_key=S3_SECRET_ACCESS_KEY,
    ) as client:
        yield client


@pytest.fixture
async def s3_storage_config(s3_endpoint_url: str, s3_admin_client: S3Client) -> StorageConfig:
    """S3 storage settings pointing at the moto server, with a fresh bucket for this test."""
    config = StorageConfig(
        backend=StorageBackend.S3,
        s3_endpoint_url=s3_endpoint_url,
        s3_region=S3_REGION,
        s3_bucket=f"pickey-test-{uuid.uuid4().hex[:16]}",
        s3_access_key_id=SecretStr(S3_ACCESS_KEY_ID),
        s3_secret_access_key=SecretStr(S3_SECRET_ACCESS_KEY),
    )
    await s3_admin_client.create_bucket(Bucket=config.s3_bucket)
    return config
