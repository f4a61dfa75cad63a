"""What a container of a rendered chart would get, and its process started with exactly that.

Used by ``test_charts_boot.py``. The environment is built the way the kubelet builds it: the
ConfigMap of ``envFrom``, then each ``env`` entry (plain values, and Secret keys filled with dummy
values of the right shape, since the real Secret is created outside Helm). Files mounted from
Secrets (payments' GP webpay keys) are written to a scratch folder with dummy contents of the
right shape, and variables pointing into the mount are pointed there. Only what cannot exist on a
test machine is changed: the database and Redis URLs point at the test instances, the process
binds 127.0.0.1 on free ports.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.charts.helm import Manifest

WORKLOADS = ("Deployment", "StatefulSet", "Job", "CronJob")


@dataclass
class Container:
    """One container of one workload, with the environment the kubelet would give it."""

    workload: str
    name: str
    command: list[str]
    args: list[str]
    config: dict[str, str]
    secret_keys: list[str]
    secret_files: dict[str, list[str]] = field(default_factory=dict)  # mount path -> file names
    empty_dirs: list[str] = field(default_factory=list)  # mount paths of emptyDir volumes

    @property
    def role(self) -> str:
        return self.args[0] if self.args else ""


def _pod_spec(manifest: Manifest) -> dict[str, Any]:
    template = (
        manifest["spec"]["jobTemplate"]["spec"]["template"]
        if manifest["kind"] == "CronJob"
        else manifest["spec"]["template"]
    )
    spec: dict[str, Any] = template["spec"]
    return spec


def containers(manifests: list[Manifest]) -> Iterator[Container]:
    """Every container of every workload the chart renders (init containers included)."""
    config_maps = {
        manifest["metadata"]["name"]: manifest.get("data", {})
        for manifest in manifests
        if manifest["kind"] == "ConfigMap"
    }
    for manifest in manifests:
        if manifest["kind"] not in WORKLOADS:
            continue
        pod = _pod_spec(manifest)
        secret_volumes = {
            volume["name"]: [item["path"] for item in volume["secret"].get("items", [])]
            for volume in pod.get("volumes") or []
            if "secret" in volume
        }
        empty_dirs = {volume["name"] for volume in pod.get("volumes") or [] if "emptyDir" in volume}
        for spec in [*(pod.get("initContainers") or []), *pod["containers"]]:
            config: dict[str, str] = {}
            for source in spec.get("envFrom") or []:
                config.update(config_maps[source["configMapRef"]["name"]])
            secret_keys = []
            for entry in spec.get("env") or []:
                if "value" in entry:
                    config[entry["name"]] = entry["value"]
                # Optional keys (an encrypted key's passphrase) are left unset, as most
                # operators would.
                elif "secretKeyRef" in entry.get("valueFrom", {}) and not entry["valueFrom"][
                    "secretKeyRef"
                ].get("optional", False):
                    secret_keys.append(entry["name"])
            files = {
                mount["mountPath"]: secret_volumes[mount["name"]]
                for mount in spec.get("volumeMounts") or []
                if mount["name"] in secret_volumes
            }
            scratch = [
                mount["mountPath"]
                for mount in spec.get("volumeMounts") or []
                if mount["name"] in empty_dirs
            ]
            yield Container(
                workload=manifest["metadata"]["name"],
                name=spec["name"],
                command=list(spec.get("command", [])),
                args=list(spec.get("args", [])),
                config=config,
                secret_keys=secret_keys,
                secret_files=files,
                empty_dirs=scratch,
            )


def _token(length: int) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _public_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def dummy_secret(key: str, *, database_url: str, redis_url: str) -> str:
    """A value of the right shape for a Secret key (what an operator would put there).

    Connection URLs are the test instances. Keys not named here get a random 48-character
    token: the shape of every API key and signing secret our providers issue.
    """
    if key.endswith("DATABASE_URL"):
        return database_url
    if key.endswith("REDIS_URL"):
        return redis_url
    if key.endswith("ACCESS_KEY_ID"):
        return "DO" + _token(18).upper()
    if key.endswith("PRIVATE_KEY"):
        return _private_key_pem()
    if key.endswith("MAILGUN__API_KEY"):
        return "key-" + _token(32).lower()
    return _token(48)


def dummy_file(name: str) -> str:
    """Contents of the right shape for a file mounted from a Secret."""
    if "private" in name and name.endswith(".pem"):
        return _private_key_pem()
    if "public" in name and name.endswith(".pem"):
        return _public_key_pem()
    return _token(48)


def environment(
    container: Container,
    *,
    database_url: str,
    redis_url: str,
    scratch: Path,
    port: int,
    metrics_port: int,
    base: Mapping[str, str],
) -> dict[str, str]:
    """Exactly the container's environment, with the changes the module docstring names."""
    env = dict(base)
    env.update(container.config)
    for key in container.secret_keys:
        env[key] = dummy_secret(key, database_url=database_url, redis_url=redis_url)
    # Mounted folders become scratch folders; variables pointing into them follow (each value
    # is rewritten once, from its original: /tmp is a mount too, and so is the scratch folder).
    folders: dict[str, Path] = {}
    for mount_path, names in container.secret_files.items():
        folder = scratch / ("secret" + mount_path.replace("/", "_"))
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            (folder / name).write_text(dummy_file(name))
        folders[mount_path.rstrip("/")] = folder
    for mount_path in container.empty_dirs:
        folder = scratch / ("empty" + mount_path.replace("/", "_"))
        folder.mkdir(parents=True, exist_ok=True)
        folders[mount_path.rstrip("/")] = folder
    for key, value in list(env.items()):
        for mount_path, folder in folders.items():
            if value == mount_path or value.startswith(mount_path + "/"):
                env[key] = str(folder) + value[len(mount_path) :]
                break
    env["PICKEY_HOST"] = "127.0.0.1"
    env["PICKEY_PORT"] = str(port)
    env["PICKEY_WORKER__METRICS_PORT"] = str(metrics_port)
    return env
