"""A scratch folder for tests that run an embedded PostgreSQL.

Not pytest's ``tmp_path``: as root the server runs as an unprivileged user, who must traverse
every folder above its data, and pytest re-closes its per-user root (``/tmp/pytest-of-<user>``,
mode 0700) whenever a pytest session starts, so a concurrent session would lock the running
server out of its own files."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def scratch() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="pickey-devserver-test-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
