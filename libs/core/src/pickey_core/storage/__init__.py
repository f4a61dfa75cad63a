"""Object storage: S3 (Spaces, MinIO) in every deployment, a local folder in development.

Use :func:`create_storage` and the :class:`Storage` interface; hand browsers presigned URLs so
file bytes never pass through an API process.

:class:`S3Storage` is imported only when first used (aioboto3 and botocore take seconds to
import, and a development process on the local backend never needs them: issue 14, P7).
"""

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    if name == "S3Storage":
        from pickey_core.storage.s3 import S3Storage

        return S3Storage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
