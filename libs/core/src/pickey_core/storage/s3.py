"""Storage in an S3 bucket: DigitalOcean Spaces in production, MinIO or moto on a laptop or in CI.

One client per process, opened on first use and kept: creating a client per call would repeat
the credential lookup and the connection pool set-up on every request.
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import aioboto3
from aiobotocore.config import AioConfig
from botocore.exceptions import ClientError

from pickey_core.settings import StorageConfig
from pickey_core.storage.base import (
    PresignedUpload,
    Storage,
    StorageObjectNotFound,
    attachment_disposition,
)

if TYPE_CHECKING:
    from aiobotocore.session import ClientCreatorContext
    from types_aiobotocore_s3 import S3Client

# HEAD answers a bare status, so a missing object shows up as "404" rather than "NoSuchKey".
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "404", "NotFound"})


class S3Storage(Storage):
    def __init__(self, config: StorageConfig) -> None:
        self._config = config
        self._bucket = config.s3_bucket
        self._session = aioboto3.Session()
        self._client: S3Client | None = None
        self._exit_stack = AsyncExitStack()
        self._opening = asyncio.Lock()

    async def _put(self, key: str, data: bytes, content_type: str) -> None:
        s3 = await self._s3()
        await s3.put_object(Bucket=self._bucket, Key=key, Body=data, ContentType=content_type)

    async def _get(self, key: str) -> bytes:
        s3 = await self._s3()
        try:
            response = await s3.get_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if _is_not_found(error):
                raise StorageObjectNotFound from error
            raise
        async with response["Body"] as body:
            return await body.read()

    async def _exists(self, key: str) -> bool:
        s3 = await self._s3()
        try:
            await s3.head_object(Bucket=self._bucket, Key=key)
        except ClientError as error:
            if _is_not_found(error):
                return False
            raise
        return True

    async def _delete(self, key: str) -> None:
        s3 = await self._s3()
        await s3.delete_object(Bucket=self._bucket, Key=key)

    async def _presign_upload(
        self, key: str, *, content_type: str, max_bytes: int, expires_in: int
    ) -> PresignedUpload:
        s3 = await self._s3()
        # Taken before signing, so the policy never outlives the time we report.
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_in)
        post = await s3.generate_presigned_post(
            Bucket=self._bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[
                {"Content-Type": content_type},
                ["content-length-range", 1, max_bytes],
            ],
            ExpiresIn=expires_in,
        )
        fields = {name: str(value) for name, value in post["fields"].items()}
        return PresignedUpload(url=post["url"], fields=fields, expires_at=expires_at)

    async def _presign_download(self, key: str, *, expires_in: int, filename: str | None) -> str:
        s3 = await self._s3()
        params: dict[str, Any] = {"Bucket": self._bucket, "Key": key}
        if filename is not None:
            params["ResponseContentDisposition"] = attachment_disposition(filename)
        return await s3.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in)

    async def close(self) -> None:
        async with self._opening:
            self._client = None
            await self._exit_stack.aclose()

    async def _s3(self) -> S3Client:
        client = self._client
        if client is None:
            async with self._opening:
                if self._client is None:
                    self._client = await self._exit_stack.enter_async_context(self._open())
                client = self._client
        return client

    def _open(self) -> ClientCreatorContext[S3Client]:
        config = self._config
        # Path-style ("endpoint/bucket/key") works on MinIO and moto, which have no per-bucket
        # host names; without an endpoint we are on AWS itself and let botocore choose.
        addressing = "path" if config.s3_endpoint_url else "auto"
        return self._session.client(
            "s3",
            endpoint_url=config.s3_endpoint_url,
            region_name=config.s3_region,
            # Empty keys mean "use the default credential chain" (environment, instance role).
            aws_access_key_id=config.s3_access_key_id.get_secret_value() or None,
            aws_secret_access_key=config.s3_secret_access_key.get_secret_value() or None,
            config=AioConfig(signature_version="s3v4", s3={"addressing_style": addressing}),
        )


def _is_not_found(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in _NOT_FOUND_CODES
