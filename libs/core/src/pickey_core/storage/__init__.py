"""Object storage: S3 (Spaces, MinIO) in every deployment, a local folder in development.

Use :func:`create_storage` and the :class:`Storage` interface; hand browsers presigned URLs so
file bytes never pass through an API process.
"""

from pickey_core.storage.base import (
    MAX_EXPIRES_IN,
    MAX_KEY_LENGTH,
    InvalidStorageKey,
    PresignedUpload,
    Storage,
    StorageObjectNotFound,
    attachment_disposition,
    validate_key,
)
from pickey_core.storage.factory import create_storage
from pickey_core.storage.local import DEVELOPMENT_SIGNING_KEY, LocalStorage
from pickey_core.storage.local_endpoints import local_storage_router
from pickey_core.storage.s3 import S3Storage

__all__ = [
    "DEVELOPMENT_SIGNING_KEY",
    "MAX_EXPIRES_IN",
    "MAX_KEY_LENGTH",
    "InvalidStorageKey",
    "LocalStorage",
    "PresignedUpload",
    "S3Storage",
    "Storage",
    "StorageObjectNotFound",
    "attachment_disposition",
    "create_storage",
    "local_storage_router",
    "validate_key",
]
