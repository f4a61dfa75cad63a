"""Pick the storage backend the configuration names, so services never import a backend."""

from __future__ import annotations

from typing import assert_never

from pickey_core.settings import StorageBackend, StorageConfig
from pickey_core.storage.base import Storage
from pickey_core.storage.local import LocalStorage
from pickey_core.storage.s3 import S3Storage


def create_storage(config: StorageConfig) -> Storage:
    match config.backend:
        case StorageBackend.S3:
            return S3Storage(config)
        case StorageBackend.LOCAL:
            return LocalStorage(config)
        case unreachable:
            assert_never(unreachable)
