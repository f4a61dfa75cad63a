"""``python -m tests.images.smoke [NAME...]`` (``just images-smoke``): start every built image
(``localhost/pickey-NAME:dev``, see ``infra/images/build.sh``) with podman the way the cluster
runs it, and print a table.

For each service image, ``serve`` and ``worker`` run as containers with a read-only root
filesystem (``/tmp`` a tmpfs, like the charts' emptyDir), the image's own non-root user and the
host network, against this machine's PostgreSQL (a database of their own, ``pickey_smoke``,
migrated by the api image's own migration command) and Redis (db 14 of the shared server; never
flushed). Checked: the process runs as uid 10001, writing to ``/app`` fails (read-only root),
``serve`` answers ``/readyz``, ``worker --check`` passes inside the worker's container, and
SIGTERM ends each container with status 0 within its grace (the drain setting plus the charts'
10 s margin). The sandbox must answer ``/livez``; the backup image must dump the database to
an S3 bucket (a moto server started here). Every container is removed at the end, whatever
happened; every wait has a deadline, so the run always stops by itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("api", "payments", "media", "notifications")
ALL_IMAGES = (*SERVICES, "sandbox", "backup")
ADMIN_URL = os.environ.get("PICKEY_SMOKE_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432")
DATABASE = "pickey_smoke"
REDIS_URL = os.environ.get("PICKEY_SMOKE_REDIS_URL", "redis://127.0.0.1:6379/14")
UID = "10001"
# Drain settings given to the containers, and the margin the charts add for the pod's grace.
GRACEFUL_SECONDS = 5
MARGIN_SECONDS = 10
START_DEADLINE = 180.0  # a cold start on a loaded 2-core machine; healthy ones take seconds
RUN = f"pickey-smoke-{os.getpid()}"
CONTAINERS_CONF = ROOT / "infra" / "images" / "containers.conf"


def podman(
    *args: str, timeout: float = 120, check: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONTAINERS_CONF": os.environ.get("CONTAINERS_CONF", str(CONTAINERS_CONF))}
    return subprocess.run(
        ["podman", *args], capture_output=True, text=True, timeout=timeout, check=check, env=env
    )


def image(name: str) -> str:
    return f"localhost/pickey-{name}:dev"


@dataclass
class Row:
    image: str
    role: str
    user: str = "-"
    read_only: str = "-"
    ready: str = "-"
    check: str = "-"
    sigterm: str = "-"
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Started:
    row: Row
    container: str
    url: str | None
    check: list[str] | None
    grace: int
    began: float


def base_env() -> dict[str, str]:
    database_url = f"{ADMIN_URL}/{DATABASE}"
    return {
        "PICKEY_ENVIRONMENT": "test",
        "PICKEY_DATABASE_URL": database_url,
        "PICKEY_REDIS_URL": REDIS_URL,
        "PICKEY_HOST": "127.0.0.1",
        "PICKEY_GRACEFUL_SHUTDOWN_SECONDS": str(GRACEFUL_SECONDS),
        "PICKEY_WORKER__JOB_COMPLETION_WAIT_SECONDS": str(GRACEFUL_SECONDS),
        "PICKEY_SESSION_SECRET": "smoke-test-session-secret-0123456789abcdef",
        "PICKEY_STORAGE__LOCAL_ROOT": "/tmp/storage",
        "PICKEY_MAILGUN__DOMAIN": "mg.pickey.test",
        "PICKEY_MAILGUN__API_KEY": "key-smoke",
    }


def env_args(env: dict[str, str]) -> list[str]:
    return [argument for key, value in env.items() for argument in ("--env", f"{key}={value}")]


def run_detached(name: str, image_name: str, env: dict[str, str], *command: str) -> str:
    container = f"{RUN}-{name}"
    podman(
        "run", "--detach", "--name", container, "--network", "host", "--read-only",
        "--tmpfs", "/tmp", *env_args(env), image_name, *command,
        check=True,
    )  # fmt: skip
    return container


def container_facts(started: Started) -> None:
    row = started.row
    uid = podman("exec", started.container, "python", "-c", "import os; print(os.getuid())")
    row.user = uid.stdout.strip() or "?"
    if row.user != UID:
        row.problems.append(f"runs as uid {row.user}, not {UID}")
    write = podman("exec", started.container, "python", "-c", "open('/app/probe', 'w')")
    row.read_only = "yes" if write.returncode and "Read-only file system" in write.stderr else "NO"
    if row.read_only != "yes":
        row.problems.append("the root filesystem is writable")


def wait_ready(started: Started) -> None:
    row = started.row
    deadline = started.began + START_DEADLINE
    while time.monotonic() < deadline:
        state = podman("inspect", "--format", "{{.State.Running}}", started.container)
        if state.stdout.strip() != "true":
            row.problems.append(f"exited early: {logs(started.container)}")
            return
        if started.url is not None:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(started.url, timeout=2).status_code == 200:
                    row.ready = f"{time.monotonic() - started.began:.1f}s"
                    return
        elif (
            started.check is not None
            and podman("exec", started.container, *started.check, timeout=60).returncode == 0
        ):
            row.ready = f"{time.monotonic() - started.began:.1f}s"
            row.check = "passes"
            return
        time.sleep(0.5)
    row.problems.append(f"not ready after {START_DEADLINE:.0f}s: {logs(started.container)}")


def stop_with_sigterm(started: Started) -> None:
    row = started.row
    began = time.monotonic()
    podman("kill", "--signal", "TERM", started.container)
    waited = podman("wait", started.container, timeout=started.grace + 30)
    took = time.monotonic() - began
    code = waited.stdout.strip()
    row.sigterm = f"exit {code} in {took:.1f}s (grace {started.grace}s)"
    if code != "0":
        row.problems.append(f"SIGTERM ended it with status {code}: {logs(started.container)}")
    elif took > started.grace:
        row.problems.append(f"SIGTERM took {took:.1f}s, longer than the grace of {started.grace}s")


def logs(container: str) -> str:
    return (
        podman("logs", "--tail", "15", container).stdout[-1500:]
        + podman("logs", "--tail", "15", container).stderr[-1500:]
    )


def create_database() -> None:
    import asyncio

    import asyncpg

    async def create() -> None:
        connection = await asyncpg.connect(ADMIN_URL.replace("+asyncpg", "") + "/postgres")
        try:
            exists = await connection.fetchval(
                "SELECT 1 FROM pg_database WHERE datname = $1", DATABASE
            )
            if not exists:
                await connection.execute(f'CREATE DATABASE "{DATABASE}"')
        finally:
            await connection.close()

    asyncio.run(create())


def migrate(rows: list[Row]) -> bool:
    """The api image's own migration command (the chart's pre-upgrade Job)."""
    row = Row("api", "migrate")
    rows.append(row)
    result = podman(
        "run", "--rm", "--name", f"{RUN}-migrate", "--network", "host", "--read-only",
        "--tmpfs", "/tmp", "--entrypoint", "python", *env_args(base_env()), image("api"),
        "-m", "pickey_core.migrate", "upgrade",
        timeout=START_DEADLINE,
    )  # fmt: skip
    row.check = f"exit {result.returncode}"
    if result.returncode:
        row.problems.append(result.stderr[-1500:])
    return row.ok


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "moto_server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/moto-api/", timeout=2).is_success:
                    break
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def smoke_backup(rows: list[Row]) -> None:
    """`pickey-backup run` dumps the smoke database into a bucket of a moto S3 server."""
    import boto3

    row = Row("backup", "run")
    rows.append(row)
    with moto_server() as s3_url:
        bucket = "pickey-smoke-backups"
        boto3.client(
            "s3", endpoint_url=s3_url, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",
        ).create_bucket(Bucket=bucket)  # fmt: skip
        env = {
            "PICKEY_ENVIRONMENT": "test",
            "PICKEY_DATABASE_URL": base_env()["PICKEY_DATABASE_URL"],
            "PICKEY_BACKUP__S3_ENDPOINT_URL": s3_url,
            "PICKEY_BACKUP__S3_BUCKET": bucket,
            "PICKEY_BACKUP__S3_ACCESS_KEY_ID": "testing",
            "PICKEY_BACKUP__S3_SECRET_ACCESS_KEY": "testing",
        }
        began = time.monotonic()
        result = podman(
            "run", "--rm", "--name", f"{RUN}-backup", "--network", "host", "--read-only",
            "--tmpfs", "/tmp", *env_args(env), image("backup"), "run",
            timeout=START_DEADLINE,
        )  # fmt: skip
        row.check = f"exit {result.returncode} in {time.monotonic() - began:.1f}s"
        if result.returncode:
            row.problems.append((result.stdout + result.stderr)[-1500:])
        listed = boto3.client(
            "s3", endpoint_url=s3_url, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",
        ).list_objects_v2(Bucket=bucket)  # fmt: skip
        dumps = [item["Key"] for item in listed.get("Contents", [])]
        row.ready = f"{len(dumps)} object(s) in the bucket"
        if not dumps:
            row.problems.append("no dump in the bucket")
    user = podman("image", "inspect", "--format", "{{.Config.User}}", image("backup"))
    row.user = user.stdout.strip().split(":")[0]
    if row.user != UID:
        row.problems.append(f"image user {row.user}, not {UID}")
    row.read_only = "yes"  # it ran with --read-only and succeeded


def start_all(names: list[str]) -> list[Started]:
    started = []
    for name in names:
        if name in SERVICES:
            port = free_port()
            env = {**base_env(), "PICKEY_PORT": str(port)}
            began = time.monotonic()
            web = run_detached(f"{name}-serve", image(name), env, "serve")
            started.append(
                Started(Row(name, "serve"), web, f"http://127.0.0.1:{port}/readyz", None,
                        GRACEFUL_SECONDS + MARGIN_SECONDS, began)
            )  # fmt: skip
            worker_env = {**base_env(), "PICKEY_WORKER__METRICS_PORT": str(free_port())}
            worker = run_detached(f"{name}-worker", image(name), worker_env, "worker")
            started.append(
                Started(Row(name, "worker"), worker, None, [f"pickey-{name}", "worker", "--check"],
                        GRACEFUL_SECONDS + MARGIN_SECONDS, time.monotonic())
            )  # fmt: skip
        elif name == "sandbox":
            port = free_port()
            container = run_detached(
                "sandbox", image(name), {}, "--host", "127.0.0.1", "--port", str(port)
            )
            started.append(
                Started(Row(name, "serve"), container, f"http://127.0.0.1:{port}/livez", None,
                        MARGIN_SECONDS, time.monotonic())
            )  # fmt: skip
    return started


def print_table(rows: list[Row]) -> None:
    header = ("image", "role", "uid", "read-only", "ready", "check", "SIGTERM", "result")
    lines = [
        (r.image, r.role, r.user, r.read_only, r.ready, r.check, r.sigterm,
         "ok" if r.ok else "FAIL")
        for r in rows
    ]  # fmt: skip
    widths = [max(len(str(line[i])) for line in [header, *lines]) for i in range(len(header))]
    for line in [header, *lines]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)))
    for row in rows:
        for problem in row.problems:
            print(f"\nFAIL {row.image} {row.role}: {problem}")


def main(argv: list[str]) -> int:
    names = argv or list(ALL_IMAGES)
    unknown = set(names) - set(ALL_IMAGES)
    if unknown:
        print(f"unknown image(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    began = time.monotonic()
    rows: list[Row] = []
    started: list[Started] = []
    try:
        create_database()
        if migrate(rows):
            started = start_all(names)
            for item in started:
                rows.append(item.row)
                wait_ready(item)
                if item.row.ok:
                    container_facts(item)
            for item in started:
                if item.row.ok or item.row.ready != "-":
                    stop_with_sigterm(item)
            if "backup" in names:
                smoke_backup(rows)
    finally:
        left = podman("ps", "--all", "--filter", f"name={RUN}", "--format", "json")
        for container in json.loads(left.stdout or "[]"):
            podman("rm", "--force", "--time", "0", container["Id"])
    print_table(rows)
    failed = sum(not row.ok for row in rows)
    print(f"\n{len(rows)} checks, {failed} failed, {time.monotonic() - began:.0f}s")
    return 0 if all(row.ok for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
