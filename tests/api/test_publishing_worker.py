"""The real ``pickey-api worker`` process publishes due posts and answers ``worker --check``."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pickey_core.models import OutboxMessage, Post, PostStatus
from pickey_core.queue.contracts import AnnounceNewPost
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.db import all_rows
from tests.support.processes import python_command, running
from tests.support.settings import TestEnvironment


async def test_the_worker_process_publishes_a_due_post(
    test_env: TestEnvironment, api_resources: Resources, tmp_path: Path
) -> None:
    async with api_resources.unit_of_work() as session:
        creator = await make.creator(session)
        due = await make.post(
            session,
            creator,
            status=PostStatus.SCHEDULED,
            publish_at=datetime.now(UTC) - timedelta(seconds=1),
        )
    env = test_env.variables()

    with running(
        python_command("pickey_api", "worker"),
        env=env,
        log_path=tmp_path / "api-worker.log",
        ready_log_line="worker started",
    ) as worker:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            [row] = await all_rows(api_resources, Post, Post.id == due.id)
            if row.status is PostStatus.PUBLISHED:
                break
            await asyncio.sleep(0.2)
        check = subprocess.run(
            python_command("pickey_api", "worker", "--check"),
            env={**os.environ, **env},
            capture_output=True,
            timeout=60,
            check=False,
            cwd=tmp_path,
        )
        assert check.returncode == 0, check.stdout + check.stderr

    assert row.status is PostStatus.PUBLISHED, worker.log()
    [announcement] = await all_rows(
        api_resources, OutboxMessage, OutboxMessage.job_name == AnnounceNewPost.job_name
    )
    assert announcement.payload == {"post_id": str(due.id)}
    assert '"queue": "pickey:queue:api"' in worker.log()
