"""Both storage backends behind real HTTP: the local backend's presigned-URL routes served by
uvicorn on a free port, S3 by the moto server; ``storage`` runs a test against each."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from pickey_core.http.error_handlers import install_error_handlers
from pickey_core.settings import StorageBackend, StorageConfig
from pickey_core.storage import LocalStorage, S3Storage, Storage, local_storage_router
from tests.support.processes import free_port


@contextmanager
def serving(app: FastAPI, port: int) -> Iterator[None]:
    """Run ``app`` with uvicorn on ``port`` in a background thread until the block ends."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the local storage server did not start")
        time.sleep(0.01)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
def local_storage_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorageConfig]:
    """Local storage settings whose presigned URLs are answered by a running HTTP server."""
    port = free_port()
    config = StorageConfig(
        backend=StorageBackend.LOCAL,
        local_root=str(tmp_path_factory.mktemp("local-storage")),
        local_base_url=f"http://127.0.0.1:{port}",
        signing_key=SecretStr("local-storage-test-signing-key"),
    )
    app = FastAPI()
    install_error_handlers(app)
    # The server has its own instance, as a separate process would: only the folder and the
    # signing key are shared with the instance the tests use.
    app.include_router(local_storage_router(LocalStorage(config)))
    with serving(app, port):
        yield config


@pytest.fixture
def local_storage(local_storage_config: StorageConfig) -> LocalStorage:
    return LocalStorage(local_storage_config)


@pytest.fixture
async def s3_storage(s3_storage_config: StorageConfig) -> AsyncIterator[S3Storage]:
    async with S3Storage(s3_storage_config) as storage:
        yield storage


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest) -> Storage:
    backend: Storage = request.getfixturevalue(f"{request.param}_storage")
    return backend


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False, timeout=30) as client:
        yield client


@pytest.fixture
def key() -> str:
    return f"tests/{uuid.uuid4().hex}/photo.png"
