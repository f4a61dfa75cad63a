"""The storage contract on both backends (S3 is a moto server, local storage is served by uvicorn):
writing, reading and deleting objects, and which keys are valid."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from pickey_core.errors import BadRequest, NotFound
from pickey_core.storage import (
    MAX_KEY_LENGTH,
    InvalidStorageKey,
    Storage,
    StorageObjectNotFound,
    validate_key,
)
from tests.support.presigned import CONTENT, PNG


async def test_put_get_round_trip_keeps_bytes_and_content_type(
    storage: Storage, key: str, http: httpx.AsyncClient
) -> None:
    await storage.put(key, CONTENT, PNG)

    assert await storage.get(key) == CONTENT
    response = await http.get(await storage.presign_download(key, expires_in=60))
    assert response.status_code == 200
    assert response.headers["content-type"] == PNG


async def test_put_replaces_bytes_and_content_type(
    storage: Storage, key: str, http: httpx.AsyncClient
) -> None:
    await storage.put(key, b"first", PNG)
    await storage.put(key, b"second", "text/plain")

    assert await storage.get(key) == b"second"
    response = await http.get(await storage.presign_download(key, expires_in=60))
    assert response.content == b"second"
    assert response.headers["content-type"] == "text/plain"


async def test_exists_tells_stored_from_missing(storage: Storage, key: str) -> None:
    assert await storage.exists(key) is False
    await storage.put(key, CONTENT, PNG)
    assert await storage.exists(key) is True


async def test_get_of_missing_object_raises_not_found(storage: Storage, key: str) -> None:
    with pytest.raises(StorageObjectNotFound) as raised:
        await storage.get(key)
    assert isinstance(raised.value, NotFound)
    assert raised.value.error_code == "storage_object_not_found"
    assert raised.value.status_code == 404


async def test_delete_then_get_raises_not_found(storage: Storage, key: str) -> None:
    await storage.put(key, CONTENT, PNG)
    await storage.delete(key)

    assert await storage.exists(key) is False
    with pytest.raises(StorageObjectNotFound):
        await storage.get(key)


async def test_delete_of_missing_object_is_fine(storage: Storage, key: str) -> None:
    await storage.delete(key)
    await storage.delete(key)
    assert await storage.exists(key) is False


async def test_keys_that_look_alike_are_different_objects(storage: Storage, key: str) -> None:
    # "a" and "a/b" cannot both be files in a folder tree; "A" and "a" collide on
    # case-insensitive disks. Each must still be its own object.
    keys = [key, f"{key}/child", key.upper(), f"{key}.meta"]
    for index, each in enumerate(keys):
        await storage.put(each, f"object {index}".encode(), PNG)

    assert [await storage.get(each) for each in keys] == [
        f"object {index}".encode() for index in range(len(keys))
    ]


async def test_unusual_but_valid_keys_work(storage: Storage, key: str) -> None:
    punctuation = f"{key}/Mixed-Case_(1)!*'.x"
    longest = f"{key}/" + "k" * (MAX_KEY_LENGTH - len(key) - 1)
    for each in (punctuation, longest):
        await storage.put(each, CONTENT, PNG)
        assert await storage.get(each) == CONTENT


# --- keys ---------------------------------------------------------------------------------------

BAD_KEYS = [
    pytest.param("", id="empty"),
    pytest.param("/photos/a.png", id="leading-slash"),
    pytest.param("photos/../secrets", id="dot-dot"),
    pytest.param("..", id="only-dot-dot"),
    pytest.param("photos\\a.png", id="backslash"),
    pytest.param("photos/a b.png", id="space"),
    pytest.param("photos/é.png", id="non-ascii"),
    pytest.param("photos/a\n.png", id="newline"),
    pytest.param("photos/a%2e.png", id="percent"),
    pytest.param("photos/a?.png", id="question-mark"),
    pytest.param("photos//a.png", id="empty-segment"),
    pytest.param("photos/", id="trailing-slash"),
    pytest.param("photos/./a.png", id="dot-segment"),
    pytest.param("k" * (MAX_KEY_LENGTH + 1), id="too-long"),
]


@pytest.mark.parametrize("bad_key", BAD_KEYS)
async def test_invalid_keys_are_refused_by_every_operation(storage: Storage, bad_key: str) -> None:
    operations: list[Callable[[], Awaitable[object]]] = [
        lambda: storage.put(bad_key, CONTENT, PNG),
        lambda: storage.get(bad_key),
        lambda: storage.exists(bad_key),
        lambda: storage.delete(bad_key),
        lambda: storage.presign_upload(bad_key, content_type=PNG, max_bytes=10, expires_in=60),
        lambda: storage.presign_download(bad_key, expires_in=60),
    ]
    for operation in operations:
        with pytest.raises(InvalidStorageKey) as raised:
            await operation()
        assert isinstance(raised.value, BadRequest)
        assert raised.value.error_code == "invalid_storage_key"


@pytest.mark.parametrize("bad_key", BAD_KEYS)
def test_validate_key_refuses(bad_key: str) -> None:
    with pytest.raises(InvalidStorageKey):
        validate_key(bad_key)


@pytest.mark.parametrize(
    "good_key", ["a", "photos/2024/a.png", "x/(copy)!*'_-.y", "k" * MAX_KEY_LENGTH]
)
def test_validate_key_accepts(good_key: str) -> None:
    assert validate_key(good_key) == good_key
