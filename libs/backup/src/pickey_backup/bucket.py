"""The backup bucket: multipart upload and download of files, listing, deleting."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import aioboto3

from pickey_backup.settings import BackupConfig

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client
    from types_aiobotocore_s3.type_defs import ObjectIdentifierTypeDef


class Bucket:
    def __init__(self, client: S3Client, name: str) -> None:
        self._client = client
        self.name = name

    async def upload(self, source: Path, key: str) -> None:
        # upload_file splits large files into parts, so a dump of any size fits.
        await self._client.upload_file(str(source), self.name, key)

    async def download(self, key: str, destination: Path) -> None:
        await self._client.download_file(self.name, key, str(destination))

    async def keys(self, prefix: str) -> list[str]:
        found: list[str] = []
        paginator = self._client.get_paginator("list_objects_v2")
        async for page in paginator.paginate(Bucket=self.name, Prefix=prefix):
            found.extend(item["Key"] for item in page.get("Contents", []) if "Key" in item)
        return found

    async def delete(self, keys: list[str]) -> None:
        # DeleteObjects takes at most 1000 keys per request.
        for start in range(0, len(keys), 1000):
            batch: list[ObjectIdentifierTypeDef] = [
                {"Key": key} for key in keys[start : start + 1000]
            ]
            await self._client.delete_objects(Bucket=self.name, Delete={"Objects": batch})


@asynccontextmanager
async def open_bucket(config: BackupConfig) -> AsyncIterator[Bucket]:
    session = aioboto3.Session()
    async with session.client(
        "s3",
        endpoint_url=config.s3_endpoint_url or None,
        region_name=config.s3_region,
        aws_access_key_id=config.s3_access_key_id.get_secret_value() or None,
        aws_secret_access_key=config.s3_secret_access_key.get_secret_value() or None,
    ) as client:
        yield Bucket(client, config.s3_bucket)
