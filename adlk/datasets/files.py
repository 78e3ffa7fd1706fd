"""下载到缓存的数据文件共用的部分：文件的校验和、网络是否可达、先写临时文件再校验改名的下载。

各数据集模块（:mod:`adlk.datasets.cifar10`、:mod:`adlk.datasets.svhn`）只提供网址、校验和与替代数据的说明。
"""

from __future__ import annotations

import hashlib
import os
import socket
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from adlk.datasets.mnist import DataFileError


def file_digest(path: Path, algorithm: str = "sha256") -> str:
    """``path`` 的十六进制校验和（``algorithm`` 为 ``hashlib`` 的算法名，如 ``"sha256"``、``"md5"``）。"""
    digest = hashlib.new(algorithm, usedforsecurity=False)
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def unreachable_reason(url: str, timeout: float = 5.0) -> str | None:
    """网络不通时返回原因（几秒内），通时返回 ``None``。"""
    parsed = urlparse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        socket.create_connection((parsed.hostname or "", port), timeout=timeout).close()
    except OSError as exc:
        return f"cannot reach {parsed.hostname} ({exc})"
    return None


def download_verified(url: str, target: Path, expected: str, *, algorithm: str, name: str, substitute: str,
                      offline: str | None = None) -> Path:
    """下载 ``url`` 到 ``target``（先写临时文件，校验和相符后再改名），返回 ``target``。

    Args:
        expected: ``algorithm`` 校验和的期望值。
        name: 数据集的名字，写进错误消息。
        substitute: 错误消息末尾的替代办法。
        offline: 调用方事先查到的网络不通的原因；不为 ``None`` 时不尝试下载。

    Raises:
        DataFileError: 网络不通、下载失败或校验和不符；消息里说明原因与替代办法。
    """
    if offline:
        raise DataFileError(f"{name} is not in the cache ({target}) and {offline}. {substitute}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, partial.open("wb") as f:
            for chunk in iter(lambda: response.read(1 << 20), b""):
                f.write(chunk)
    except (urllib.error.URLError, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise DataFileError(f"downloading {url} failed ({exc}). {substitute}") from exc
    actual = file_digest(partial, algorithm)
    if actual != expected:
        partial.unlink(missing_ok=True)
        raise DataFileError(f"downloaded {url} has {algorithm} {actual}, expected {expected}; try again later. "
                            f"{substitute}")
    os.replace(partial, target)
    return target
