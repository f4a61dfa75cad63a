"""Pick the storage backend the configuration names, so services never import a backend."""

from __future__ import annotations

from typing import assert_never

from pickey_core.settings import StorageBackend, StorageConfig
from pickey_core.storage.base import Storage
from pickey_core.storage.local import LocalStorage


def create_storage(config: StorageConfig) -> Storage:
    match config.backend:
        case StorageBackend.S3:
            # Imported here: aioboto3 costs seconds of start-up that the local backend skips.
            from pickey_core.storage.s3 import S3Storage

            return S3Storage(config)
        case StorageBackend.LOCAL:
            return LocalStorage(config)
        case unreachable:
            assert_never(unreachable)
